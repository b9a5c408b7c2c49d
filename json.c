/*
 * json.c: JSON in through cJSON: answers parsed with their numbers as sent,
 * error bodies summarised, PAT objects, request bodies; see json.h.  Every
 * buffer handed to cJSON ends in a NUL at its length, and trailing bytes
 * are refused (notes/bearssl-cjson.md).  json_print.c prints the tree,
 * json_out.c formats answers.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_tree.h"
#include "text.h"

/*
 * docs/cli.md 1: every buffer that held a secret is wiped before it is
 * freed.  cJSON's blocks hold answers and request bodies (secret values,
 * minted keys), so its blocks carry their size and are wiped when freed;
 * with hooks of its own, cJSON also stops growing its print buffers with
 * realloc, which would leave copies behind.
 */
static void *
wipe_alloc(size_t n)
{
	size_t *p = n < SIZE_MAX - 16 ? malloc(n + 16) : NULL;

	if (p == NULL)
		return NULL;
	p[0] = n + 16;
	return (char *)p + 16;
}

static void
wipe_free(void *q)
{
	char *p = (char *)q - 16;

	if (q == NULL)
		return;
	explicit_bzero(p, *(size_t *)p);
	free(p);
}

/* Before main, so that no block is ever allocated under other hooks. */
__attribute__((constructor)) static void
hooks(void)
{
	static cJSON_Hooks h = { wipe_alloc, wipe_free };

	cJSON_InitHooks(&h);
}

/*
 * docs/cli.md 4: numbers are printed with the digits the server sent.  cJSON
 * keeps only a double, so after a parse the source text of every number
 * goes into its node's valuestring (cJSON_Delete and cJSON_Duplicate
 * handle valuestring for any type).  The length of the RFC 8259 number at
 * s, or 0 when what cJSON took for a number is not one ("01", "1.", "-").
 */
static size_t
num_len(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return 0;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	/* cJSON's number is the longest run of these: it must all be ours. */
	if (*p != '\0' && strchr("0123456789+-.eE", *p) != NULL)
		return 0;
	return (size_t)(p - s);
}

/*
 * Walk j in document order while *p scans the parsed text for number
 * tokens outside strings (the text parsed, so only numbers hold '-' or a
 * digit there).  Returns 0, or -1 with *p at a malformed number.
 */
static int
keep_numbers(cJSON *j, const char **p)
{
	const char *s;
	size_t n;

	for (; j != NULL; j = j->next) {
		if (cJSON_IsNumber(j)) {
			for (s = *p; *s != '\0' && *s != '-' && !isdigit((unsigned char)*s); s++)
				if (*s == '"')
					for (s++; *s != '"'; s++)
						s += *s == '\\';
			*p = s;
			/* cJSON's allocator: cJSON_Delete frees it through wipe_free. */
			if ((n = num_len(s)) == 0 || (j->valuestring = cJSON_malloc(n + 1)) == NULL)
				return -1;
			memcpy(j->valuestring, s, n);
			j->valuestring[n] = '\0';
			*p = s + n;
		}
		if (j->child != NULL && keep_numbers(j->child, p) != 0)
			return -1;
	}
	return 0;
}

cJSON *
json_tree_parse(const void *body, size_t len, const char **end)
{
	const char *e = NULL, *p;
	cJSON *j;
	size_t bad;

	if (body == NULL)
		return NULL;
	if (memchr(body, '\0', len) != NULL) {
		if (end != NULL)
			*end = memchr(body, '\0', len);
		return NULL;
	}
	if ((bad = text_utf8_bad(body, len)) < len) {
		if (end != NULL)
			*end = (const char *)body + bad;
		return NULL;
	}
	j = cJSON_ParseWithLengthOpts(body, len + 1, &e, 1);

	/*
	 * The length given includes the terminating NUL, so that cJSON's
	 * "require null terminated" check looks at our NUL, not past it.
	 */
	p = body;
	if (j != NULL && keep_numbers(j, &p) != 0) {
		cJSON_Delete(j);
		j = NULL;
		e = p;
	}
	if (end != NULL)
		*end = e;
	return j;
}

int
json_print(FILE *f, const unsigned char *body, size_t len)
{
	static const char *const none[] = { NULL };

	return json_print_with(f, body, len, none);
}

void
json_tree_str(const cJSON *item, char *dst, size_t cap)
{
	if (cap > 0)
		dst[0] = '\0';
	if (cJSON_IsString(item) && item->valuestring != NULL && cap > 0)
		snprintf(dst, cap, "%s", item->valuestring);
}

void
json_error_summary(const unsigned char *body, size_t len, char *msg, size_t mcap, char *code,
    size_t ccap, char *scope, size_t scap)
{
	cJSON *j = body != NULL && len > 0 ? json_tree_parse(body, len, NULL) : NULL;
	const cJSON *e;
	size_t i, o = 0;

	json_tree_str(NULL, msg, mcap);
	json_tree_str(NULL, code, ccap);
	json_tree_str(NULL, scope, scap);
	if (j != NULL) {
		e = cJSON_GetObjectItemCaseSensitive(j, "error");
		if (cJSON_IsObject(e)) {
			json_tree_str(cJSON_GetObjectItemCaseSensitive(e, "message"), msg, mcap);
			json_tree_str(cJSON_GetObjectItemCaseSensitive(e, "code"), code, ccap);
			json_tree_str(cJSON_GetObjectItemCaseSensitive(e, "required_scope"), scope, scap);
		} else if (cJSON_IsString(e)) {
			json_tree_str(e, msg, mcap);
		}
		if (msg[0] == '\0')
			json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "message"), msg, mcap);
		if (msg[0] == '\0')
			json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "detail"), msg, mcap);
		cJSON_Delete(j);
		return;
	}
	/* docs/api.md: a non-JSON body shows at most its first 200 printable bytes. */
	for (i = 0; body != NULL && i < len && o < 200 && o + 1 < mcap; i++)
		if (isprint(body[i]) || body[i] == ' ')
			msg[o++] = (char)body[i];
		else if (o > 0 && msg[o - 1] != ' ')
			msg[o++] = ' ';
	if (mcap > 0)
		msg[o] = '\0';
}

/* AX_USAGE naming what and the line and column where parsing stopped. */
static enum alter_exit
bad_json(const char *text, size_t len, const char *end, const char *what,
    struct alter_err *err)
{
	const char *p;
	int line = 1, col = 1;

	if (end == NULL || end < text || end > text + len)
		end = text + len;
	for (p = text; p < end; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return alter_fail(err, AX_USAGE, "%s: malformed JSON at line %d, column %d", what,
	    line, col);
}

enum alter_exit
json_check_object(const char *text, size_t len, const char *what, struct alter_err *err)
{
	const char *end = NULL;
	cJSON *j = json_tree_parse(text, len, &end);
	int isobj;

	if (j == NULL)
		return bad_json(text, len, end, what, err);
	isobj = cJSON_IsObject(j);
	cJSON_Delete(j);
	if (isobj)
		return AX_OK;
	return alter_fail(err, AX_USAGE, "%s: the JSON body must be an object", what);
}

/*
 * The fields alter relies on (docs/api.md "PATs"): its id, its scopes (all
 * strings) and an expiry that is null or an RFC 3339 time, so that neither
 * --scopes nor --min-valid is ever checked against a guess.
 */
static const char *
pat_lacks(const cJSON *j)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "scopes"), *s;
	long long t;

	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "id")))
		return "no string \"id\"";
	if (!cJSON_IsArray(v))
		return "no \"scopes\" list";
	cJSON_ArrayForEach(s, v)
		if (!cJSON_IsString(s))
			return "a scope that is not a string";
	v = cJSON_GetObjectItemCaseSensitive(j, "expires_at");
	if (!cJSON_IsNull(v) && (!cJSON_IsString(v) || alter_parse_time(v->valuestring, &t) != 0))
		return "\"expires_at\" is neither null nor an RFC 3339 time";
	return NULL;
}

enum alter_exit
json_pat_read(const unsigned char *body, size_t len, const char *request, struct json_pat *p,
    struct alter_err *err)
{
	cJSON *j = json_tree_parse(body, len, NULL);
	const cJSON *s, *o;
	const char *lacks = "not an object";

	memset(p, 0, sizeof(*p));
	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON, request);
	if (!cJSON_IsObject(j) || (lacks = pat_lacks(j)) != NULL) {
		alter_fail(err, AX_ERROR, "the answer to %s is not a PAT object (%s)", request,
		    lacks);
		cJSON_Delete(j);
		return AX_ERROR;
	}
	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "name"), p->name, sizeof(p->name));
	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "token_prefix"), p->token_prefix,
	    sizeof(p->token_prefix));
	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "created_at"), p->created_at,
	    sizeof(p->created_at));
	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "expires_at"), p->expires_at,
	    sizeof(p->expires_at));
	o = cJSON_GetObjectItemCaseSensitive(j, "user");
	json_tree_str(cJSON_GetObjectItemCaseSensitive(o, "email"), p->user, sizeof(p->user));
	o = cJSON_GetObjectItemCaseSensitive(j, "org");
	json_tree_str(cJSON_GetObjectItemCaseSensitive(o, "name"), p->org, sizeof(p->org));
	o = cJSON_GetObjectItemCaseSensitive(j, "scopes");
	cJSON_ArrayForEach(s, o) {
		if (p->nscopes == JSON_SCOPES_MAX)
			break;
		json_tree_str(s, p->scopes[p->nscopes], sizeof(p->scopes[0]));
		p->scope_ptrs[p->nscopes] = p->scopes[p->nscopes];
		p->nscopes++;
	}
	cJSON_Delete(j);
	return AX_OK;
}

/*
 * A key "name[]" adds "name": an array of the "\n"-separated strings of
 * value (none for "").  Returns 1 if it did, 0 for any other key.
 */
static int
add_list(cJSON *j, const char *key, const char *value)
{
	char name[64], item[2048];
	cJSON *a;
	size_t n = strlen(key), len;

	if (n < 3 || n >= sizeof(name) || strcmp(key + n - 2, "[]") != 0)
		return 0;
	memcpy(name, key, n - 2);
	name[n - 2] = '\0';
	cJSON_DeleteItemFromObjectCaseSensitive(j, name);
	if ((a = cJSON_AddArrayToObject(j, name)) == NULL)
		return 1;
	while (*value != '\0') {
		len = strcspn(value, "\n");
		snprintf(item, sizeof(item), "%.*s", (int)len, value);
		cJSON_AddItemToArray(a, cJSON_CreateString(item));
		value += len + (value[len] != '\0');
	}
	return 1;
}

int
json_parse_pat(const unsigned char *body, size_t len, struct json_pat *p)
{
	struct alter_err e;

	return json_pat_read(body, len, "GET /v1/pats/me", p, &e) == AX_OK ? 0 : -1;
}

/*
 * The JSON in body (an empty object when body is NULL) with the string
 * members of kv set (a "name[]" key: an array, add_list); NULL when it is not JSON, or not an object and kv
 * has members.
 */
cJSON *
json_tree_with(const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = body != NULL ? json_tree_parse(body, len, NULL) : cJSON_CreateObject();

	if (j == NULL || (kv[0] != NULL && !cJSON_IsObject(j))) {
		cJSON_Delete(j);
		return NULL;
	}
	for (; kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(j, kv[0]);
		if (add_list(j, kv[0], kv[1]) == 0)
			cJSON_AddStringToObject(j, kv[0], kv[1]);
	}
	return j;
}

int
json_print_with(FILE *f, const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = json_tree_with(body, len, kv);

	if (j == NULL)
		return -1;
	json_tree_print(f, j, 1);
	cJSON_Delete(j);
	return 0;
}

/* ---- request bodies ---- */

struct json_body {
	cJSON	*obj;
};

struct json_body *
json_body_new(void)
{
	struct json_body *b = malloc(sizeof(*b));

	if (b != NULL && (b->obj = cJSON_CreateObject()) == NULL) {
		free(b);
		b = NULL;
	}
	return b;
}

enum alter_exit
json_body_parse(const char *text, size_t len, const char *what, struct json_body **out,
    struct alter_err *err)
{
	enum alter_exit rc = json_check_object(text, len, what, err);

	*out = NULL;
	if (rc != AX_OK)
		return rc;
	if ((*out = malloc(sizeof(**out))) == NULL ||
	    ((*out)->obj = json_tree_parse(text, len, NULL)) == NULL) {
		free(*out);
		*out = NULL;
		return alter_fail(err, AX_ERROR, "out of memory");
	}
	return AX_OK;
}

/* Bodies may hold secrets (docs/cli.md 5): wipe every string before freeing. */
static void
wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			explicit_bzero(j->valuestring, strlen(j->valuestring));
		wipe(j->child);
	}
}

void
json_body_free(struct json_body *b)
{
	if (b != NULL) {
		wipe(b->obj);
		cJSON_Delete(b->obj);
		free(b);
	}
}

int
json_body_has(const struct json_body *b, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(b->obj, key) != NULL;
}

int
json_body_size(const struct json_body *b)
{
	return cJSON_GetArraySize(b->obj);
}

static int
set_item(struct json_body *b, const char *key, cJSON *item)
{
	if (item == NULL)
		return -1;
	cJSON_DeleteItemFromObjectCaseSensitive(b->obj, key);
	if (!cJSON_AddItemToObject(b->obj, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int
json_body_set_str(struct json_body *b, const char *key, const char *value)
{
	return set_item(b, key, cJSON_CreateString(value));
}

int
json_body_set_num(struct json_body *b, const char *key, double value)
{
	return set_item(b, key, cJSON_CreateNumber(value));
}

int
json_body_set_bool(struct json_body *b, const char *key, int value)
{
	return set_item(b, key, cJSON_CreateBool(value));
}

int
json_body_push_str(struct json_body *b, const char *key, const char *value)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(b->obj, key), *s;

	if (!cJSON_IsArray(a)) {
		if (set_item(b, key, cJSON_CreateArray()) != 0)
			return -1;
		a = cJSON_GetObjectItemCaseSensitive(b->obj, key);
	}
	if ((s = cJSON_CreateString(value)) == NULL)
		return -1;
	if (!cJSON_AddItemToArray(a, s)) {
		cJSON_Delete(s);
		return -1;
	}
	return 0;
}

int
json_body_set_pair(struct json_body *b, const char *key, const char *kind, const char *id)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddStringToObject(o, "kind", kind) == NULL ||
	    cJSON_AddStringToObject(o, "id", id) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	return set_item(b, key, o);
}

enum alter_exit
json_body_set_json(struct json_body *b, const char *key, const char *text, size_t len,
    const char *what, struct alter_err *err)
{
	const char *end = NULL;
	cJSON *v = json_tree_parse(text, len, &end);

	if (v == NULL)
		return bad_json(text, len, end, what, err);
	if (set_item(b, key, v) != 0)
		return alter_fail(err, AX_ERROR, "out of memory");
	return AX_OK;
}

char *
json_body_text(const struct json_body *b)
{
	return json_tree_text(b->obj);
}
