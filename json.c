/*
 * json.c: JSON in and out through cJSON; see json.h.  Every buffer handed
 * to cJSON ends in a NUL at its length, and trailing bytes are refused
 * (notes/bearssl-cjson.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

#include "json.h"
#include "text.h"

#define NOT_JSON "the answer is not valid JSON (malformed, nested too deeply or not UTF-8)"

static cJSON *
parse(const void *body, size_t len, const char **end)
{
	const char *e = NULL;
	cJSON *j;
	size_t bad;

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

static void
copy_str(const cJSON *item, char *dst, size_t cap)
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
	cJSON *j = body != NULL && len > 0 ? parse(body, len, NULL) : NULL;
	const cJSON *e;
	size_t i, o = 0;

	copy_str(NULL, msg, mcap);
	copy_str(NULL, code, ccap);
	copy_str(NULL, scope, scap);
	if (j != NULL) {
		e = cJSON_GetObjectItemCaseSensitive(j, "error");
		if (cJSON_IsObject(e)) {
			copy_str(cJSON_GetObjectItemCaseSensitive(e, "message"), msg, mcap);
			copy_str(cJSON_GetObjectItemCaseSensitive(e, "code"), code, ccap);
			copy_str(cJSON_GetObjectItemCaseSensitive(e, "required_scope"), scope, scap);
		} else if (cJSON_IsString(e)) {
			copy_str(e, msg, mcap);
		}
		if (msg[0] == '\0')
			copy_str(cJSON_GetObjectItemCaseSensitive(j, "message"), msg, mcap);
		if (msg[0] == '\0')
			copy_str(cJSON_GetObjectItemCaseSensitive(j, "detail"), msg, mcap);
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
	cJSON *j = parse(text, len, &end);
	int isobj;

	if (j == NULL)
		return bad_json(text, len, end, what, err);
	isobj = cJSON_IsObject(j);
	cJSON_Delete(j);
	if (isobj)
		return AX_OK;
	return alter_fail(err, AX_USAGE, "%s: the JSON body must be an object", what);
}

int
json_parse_pat(const unsigned char *body, size_t len, struct json_pat *p)
{
	cJSON *j = parse(body, len, NULL);
	const cJSON *s, *o;

	memset(p, 0, sizeof(*p));
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	copy_str(cJSON_GetObjectItemCaseSensitive(j, "name"), p->name, sizeof(p->name));
	copy_str(cJSON_GetObjectItemCaseSensitive(j, "token_prefix"), p->token_prefix,
	    sizeof(p->token_prefix));
	copy_str(cJSON_GetObjectItemCaseSensitive(j, "created_at"), p->created_at,
	    sizeof(p->created_at));
	copy_str(cJSON_GetObjectItemCaseSensitive(j, "expires_at"), p->expires_at,
	    sizeof(p->expires_at));
	o = cJSON_GetObjectItemCaseSensitive(j, "user");
	copy_str(cJSON_GetObjectItemCaseSensitive(o, "email"), p->user, sizeof(p->user));
	o = cJSON_GetObjectItemCaseSensitive(j, "org");
	copy_str(cJSON_GetObjectItemCaseSensitive(o, "name"), p->org, sizeof(p->org));
	o = cJSON_GetObjectItemCaseSensitive(j, "scopes");
	cJSON_ArrayForEach(s, o) {
		if (p->nscopes == JSON_SCOPES_MAX)
			break;
		if (!cJSON_IsString(s))
			continue;
		copy_str(s, p->scopes[p->nscopes], sizeof(p->scopes[0]));
		p->scope_ptrs[p->nscopes] = p->scopes[p->nscopes];
		p->nscopes++;
	}
	cJSON_Delete(j);
	return 0;
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
json_print_with(FILE *f, const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = body != NULL ? parse(body, len, NULL) : cJSON_CreateObject();
	char *s;

	if (j == NULL || (kv[0] != NULL && !cJSON_IsObject(j))) {
		cJSON_Delete(j);
		return -1;
	}
	for (; kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(j, kv[0]);
		if (add_list(j, kv[0], kv[1]) == 0)
			cJSON_AddStringToObject(j, kv[0], kv[1]);
	}
	s = cJSON_Print(j);
	cJSON_Delete(j);
	if (s == NULL)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
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
	    ((*out)->obj = parse(text, len, NULL)) == NULL) {
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
	cJSON *v = parse(text, len, &end);

	if (v == NULL)
		return bad_json(text, len, end, what, err);
	if (set_item(b, key, v) != 0)
		return alter_fail(err, AX_ERROR, "out of memory");
	return AX_OK;
}

char *
json_body_text(const struct json_body *b)
{
	return cJSON_PrintUnformatted(b->obj);
}

/* ---- printing answers ---- */

#define CELL_MAX	40	/* docs/cli.md 4: long values are cut with "..." */

enum alter_exit
json_out_init(struct json_out *o, FILE *f, int format, const char *fields, const char *columns,
    struct alter_err *err)
{
	const char *bad = "";

	memset(o, 0, sizeof(*o));
	o->f = f;
	o->format = format;
	if (fields != NULL && text_split_names(fields, o->fieldbuf, sizeof(o->fieldbuf), o->fields,
	    JSON_FIELDS_MAX, &o->nfields, &bad) != 0)
		return alter_fail(err, AX_USAGE, "--fields: bad field name '%s'", bad);
	if (columns != NULL && text_split_names(columns, o->colbuf, sizeof(o->colbuf), o->cols,
	    JSON_COLS_MAX, &o->ncols, &bad) != 0)
		return alter_fail(err, AX_ERROR, "bad column list");
	return AX_OK;
}

/* Render a value for a table cell: plain text, control characters escaped. */
static void
cell(const cJSON *v, char *out, size_t cap)
{
	char raw[512], *s = NULL;
	const char *src = raw;
	size_t o = 0, i;

	raw[0] = '\0';
	if (v == NULL || cJSON_IsNull(v))
		src = "";
	else if (cJSON_IsString(v))
		src = v->valuestring ? v->valuestring : "";
	else if (cJSON_IsBool(v))
		src = cJSON_IsTrue(v) ? "true" : "false";
	else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 0) {
		const cJSON *e;
		size_t n = 0;

		cJSON_ArrayForEach(e, v) {
			char one[128];

			cell(e, one, sizeof(one));
			n += (size_t)snprintf(raw + n, n < sizeof(raw) ? sizeof(raw) - n : 0, "%s%s",
			    n ? "," : "", one);
			if (n >= sizeof(raw))
				break;
		}
	} else if ((s = cJSON_PrintUnformatted(v)) != NULL) {
		src = s;
	}
	for (i = 0; src[i] != '\0' && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	if (src[i] != '\0' && cap > 4)
		memcpy(out + (o > cap - 4 ? cap - 4 : o), "...", 4);
	cJSON_free(s);
}

static void
table_row(struct json_out *o, const cJSON *item)
{
	char buf[CELL_MAX * 4 + 8];
	size_t k;

	for (k = 0; k < o->ncols; k++) {
		cell(cJSON_GetObjectItemCaseSensitive(item, o->cols[k]), buf, sizeof(buf));
		text_cut(buf, CELL_MAX);
		if (k + 1 < o->ncols)
			fprintf(o->f, "%s%*s  ", buf, o->widths[k] - text_width(buf), "");
		else
			fprintf(o->f, "%s\n", buf);
	}
}

static void
table_header(struct json_out *o, const cJSON *items)
{
	const cJSON *it;
	char buf[CELL_MAX * 4 + 8];
	size_t k, i;

	for (k = 0; k < o->ncols; k++) {
		o->widths[k] = (int)strlen(o->cols[k]);
		cJSON_ArrayForEach(it, items) {
			cell(cJSON_GetObjectItemCaseSensitive(it, o->cols[k]), buf, sizeof(buf));
			text_cut(buf, CELL_MAX);
			if (text_width(buf) > o->widths[k])
				o->widths[k] = text_width(buf);
		}
	}
	for (k = 0; k < o->ncols; k++) {
		for (i = 0; o->cols[k][i]; i++)
			fputc(toupper((unsigned char)o->cols[k][i]), o->f);
		if (k + 1 < o->ncols)
			fprintf(o->f, "%*s  ", o->widths[k] - (int)strlen(o->cols[k]), "");
	}
	fputc('\n', o->f);
	o->started = 1;
}

/* Apply --fields to item: a new object with those keys in that order. */
static enum alter_exit
pick(struct json_out *o, const cJSON *item, cJSON **out, struct alter_err *err)
{
	cJSON *n;
	const cJSON *v;
	size_t k;

	*out = NULL;
	if (o->nfields == 0)
		return AX_OK;
	if (!o->fields_checked) {
		for (k = 0; k < o->nfields; k++)
			if (cJSON_GetObjectItemCaseSensitive(item, o->fields[k]) == NULL)
				return alter_fail(err, AX_USAGE, "--fields: no field '%s' in the "
				    "answer", o->fields[k]);
		o->fields_checked = 1;
	}
	if ((n = cJSON_CreateObject()) == NULL)
		return alter_fail(err, AX_ERROR, "out of memory");
	for (k = 0; k < o->nfields; k++) {
		v = cJSON_GetObjectItemCaseSensitive(item, o->fields[k]);
		cJSON_AddItemToObject(n, o->fields[k], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	*out = n;
	return AX_OK;
}

static enum alter_exit
emit(struct json_out *o, const cJSON *item, int in_list, struct alter_err *err)
{
	cJSON *picked;
	enum alter_exit rc;
	char *s;

	if ((rc = pick(o, item, &picked, err)) != AX_OK)
		return rc;
	if (picked != NULL)
		item = picked;
	/* docs/cli.md 4: jsonl of a single object is the same as json. */
	s = in_list ? cJSON_PrintUnformatted(item) : cJSON_Print(item);
	cJSON_Delete(picked);
	if (s == NULL)
		return alter_fail(err, AX_ERROR, "out of memory");
	if (o->format == FMT_JSON && in_list)
		fprintf(o->f, "%s  %s", o->count ? ",\n" : "[\n", s);
	else
		fprintf(o->f, "%s\n", s);
	cJSON_free(s);
	o->count++;
	return AX_OK;
}

enum alter_exit
json_out_page(struct json_out *o, const unsigned char *body, size_t len, size_t *nitems,
    int *has_more, char *cursor, size_t ccap, struct alter_err *err)
{
	cJSON *j = parse(body, len, NULL);
	const cJSON *items, *it, *nc;
	enum alter_exit rc = AX_OK;

	*nitems = 0;
	*has_more = 0;
	if (ccap > 0)
		cursor[0] = '\0';
	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON);
	items = cJSON_GetObjectItemCaseSensitive(j, "items");
	if (!cJSON_IsArray(items)) {
		cJSON_Delete(j);
		return alter_fail(err, AX_ERROR, "the answer is not a list (no \"items\")");
	}
	*has_more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "has_more"));
	nc = cJSON_GetObjectItemCaseSensitive(j, "next_cursor");
	copy_str(nc, cursor, ccap);
	if (o->format == FMT_TABLE && !o->started)
		table_header(o, items);
	cJSON_ArrayForEach(it, items) {
		if (!cJSON_IsObject(it)) {
			rc = alter_fail(err, AX_ERROR, "a list item is not an object");
			break;
		}
		if (o->format == FMT_TABLE) {
			table_row(o, it);
			o->count++;
		} else if ((rc = emit(o, it, 1, err)) != AX_OK) {
			break;
		}
		(*nitems)++;
	}
	cJSON_Delete(j);
	/* docs/cli.md 4: lists stream page by page. */
	fflush(o->f);
	return rc;
}

void
json_out_end(struct json_out *o)
{
	if (o->format == FMT_JSON)
		fputs(o->count ? "\n]\n" : "[]\n", o->f);
}

enum alter_exit
json_out_object(struct json_out *o, const unsigned char *body, size_t len,
    struct alter_err *err)
{
	cJSON *j = parse(body, len, NULL);
	const cJSON *v;
	enum alter_exit rc = AX_OK;
	char buf[CELL_MAX * 4 + 8];

	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return alter_fail(err, AX_ERROR, "the answer is not a JSON object");
	}
	if (o->format == FMT_TABLE) {
		cJSON_ArrayForEach(v, j) {
			cell(v, buf, sizeof(buf));
			fprintf(o->f, "%-20s %s\n", v->string, buf);
		}
	} else {
		rc = emit(o, j, 0, err);
	}
	cJSON_Delete(j);
	return rc;
}

void
json_get_str(const unsigned char *body, size_t len, const char *key, char *out, size_t cap)
{
	cJSON *j = parse(body, len, NULL);

	copy_str(cJSON_GetObjectItemCaseSensitive(j, key), out, cap);
	cJSON_Delete(j);
}
