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
#include "width.h"

#define NOT_JSON "the answer is not valid JSON (malformed, nested too deeply or not UTF-8)"

/*
 * RFC 8259 section 8.1: JSON text is UTF-8, which cJSON does not check.
 * The offset of the first byte that does not start a well-formed sequence
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF), or
 * len when there is none.
 */
static size_t
utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned long c, min;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, c &= 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, c &= 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, c &= 0x07, min = 0x10000;
		else
			return i;
		if (n >= len - i)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/*
 * cli.md 4: numbers are printed with the digits the server sent.  cJSON
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
			if ((n = num_len(s)) == 0 || (j->valuestring = malloc(n + 1)) == NULL)
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

/* ---- the printer: JSON.stringify(v) and JSON.stringify(v, null, 2) ---- */

/*
 * Where printed JSON goes: a FILE, or buf (NULL to only count; with
 * check, bad is set when a byte is a control character).
 */
struct sink {
	FILE	*f;
	char	*buf;
	size_t	 n;
	int	 check, bad;
};

static void
put(struct sink *s, const char *p, size_t n)
{
	size_t i;

	if (s->f != NULL)
		fwrite(p, 1, n, s->f);
	else if (s->buf != NULL)
		memcpy(s->buf + s->n, p, n);
	for (i = 0; s->check && i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || ((unsigned char)p[i] == 0xc2 &&
		    i + 1 < n && (unsigned char)p[i + 1] < 0xa0))
			s->bad = 1;
	s->n += n;
}

static void
put_str(struct sink *s, const char *p)
{
	put(s, p, strlen(p));
}

/* JSON.stringify's escaping: '"', '\\' and C0 controls; UTF-8 as is. */
static void
put_string(struct sink *s, const char *p)
{
	static const char short_esc[] = "\bb\ff\nn\rr\tt\"\"\\\\";
	const char *e;
	char esc[8];
	size_t run;

	put(s, "\"", 1);
	for (; *p != '\0'; p += run) {
		for (run = 0; (unsigned char)p[run] >= 0x20 && p[run] != '"' &&
		    p[run] != '\\'; run++)
			;
		put(s, p, run);
		if (p[run] == '\0')
			break;
		if ((e = strchr(short_esc, p[run])) != NULL)
			snprintf(esc, sizeof(esc), "\\%c", e[1]);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)p[run]);
		put_str(s, esc);
		run++;
	}
	put(s, "\"", 1);
}

static void
put_number(struct sink *s, const cJSON *v)
{
	char num[32];

	if (v->valuestring != NULL) {
		put_str(s, v->valuestring);
		return;
	}
	/* A number we made (a request body): the shortest exact form. */
	if (v->valuedouble != v->valuedouble || v->valuedouble - v->valuedouble != 0) {
		put_str(s, "null");
		return;
	}
	snprintf(num, sizeof(num), "%.15g", v->valuedouble);
	if (strtod(num, NULL) != v->valuedouble)
		snprintf(num, sizeof(num), "%.17g", v->valuedouble);
	put_str(s, num);
}

static void
indent(struct sink *s, int depth)
{
	static const char sp[] = "\n                                ";

	put(s, sp, 1);
	for (depth *= 2; depth > 0; depth -= (int)sizeof(sp) - 2)
		put(s, sp + 1, depth < (int)sizeof(sp) - 2 ? (size_t)depth : sizeof(sp) - 2);
}

/* v at depth (pretty >= 0: two spaces a level; -1: compact). */
static void
put_value(struct sink *s, const cJSON *v, int depth)
{
	const cJSON *c;
	int obj = cJSON_IsObject(v);

	if (cJSON_IsString(v)) {
		put_string(s, v->valuestring != NULL ? v->valuestring : "");
	} else if (cJSON_IsNumber(v)) {
		put_number(s, v);
	} else if (cJSON_IsBool(v)) {
		put_str(s, cJSON_IsTrue(v) ? "true" : "false");
	} else if (!obj && !cJSON_IsArray(v)) {
		put_str(s, "null");
	} else {
		put(s, obj ? "{" : "[", 1);
		for (c = v->child; c != NULL; c = c->next) {
			if (depth >= 0)
				indent(s, depth + 1);
			if (obj) {
				put_string(s, c->string != NULL ? c->string : "");
				put(s, ": ", depth >= 0 ? 2 : 1);
			}
			put_value(s, c, depth >= 0 ? depth + 1 : -1);
			if (c->next != NULL)
				put(s, ",", 1);
		}
		if (depth >= 0 && v->child != NULL)
			indent(s, depth);
		put(s, obj ? "}" : "]", 1);
	}
}

/* Print v to f: pretty (JSON.stringify(v, null, 2)) or compact, and "\n". */
static void
print_json(FILE *f, const cJSON *v, int pretty)
{
	struct sink s = { f, NULL, 0, 0, 0 };

	put_value(&s, v, pretty ? 0 : -1);
	put(&s, "\n", 1);
}

/* Compact text of v, malloc'd (counted first: no realloc leaves a copy). */
static char *
json_text(const cJSON *v)
{
	struct sink s = { NULL, NULL, 0, 0, 0 };

	put_value(&s, v, -1);
	if ((s.buf = malloc(s.n + 1)) == NULL)
		return NULL;
	s.n = 0;
	put_value(&s, v, -1);
	s.buf[s.n] = '\0';
	return s.buf;
}

static cJSON *
parse(const void *body, size_t len, const char **end)
{
	const char *e = NULL, *p;
	cJSON *j;
	size_t bad;

	if (memchr(body, '\0', len) != NULL) {
		if (end != NULL)
			*end = memchr(body, '\0', len);
		return NULL;
	}
	if ((bad = utf8_bad(body, len)) < len) {
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
	/* api.md: a non-JSON body shows at most its first 200 printable bytes. */
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
 * The JSON in body (an empty object when body is NULL) with the string
 * members of kv set; NULL when it is not JSON, or not an object and kv
 * has members.
 */
static cJSON *
parse_with(const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = body != NULL ? parse(body, len, NULL) : cJSON_CreateObject();

	if (j == NULL || (kv[0] != NULL && !cJSON_IsObject(j))) {
		cJSON_Delete(j);
		return NULL;
	}
	for (; kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(j, kv[0]);
		cJSON_AddStringToObject(j, kv[0], kv[1]);
	}
	return j;
}

int
json_print_with(FILE *f, const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = parse_with(body, len, kv);

	if (j == NULL)
		return -1;
	print_json(f, j, 1);
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
	    ((*out)->obj = parse(text, len, NULL)) == NULL) {
		free(*out);
		*out = NULL;
		return alter_fail(err, AX_ERROR, "out of memory");
	}
	return AX_OK;
}

/* Bodies may hold secrets (cli.md 5): wipe every string before freeing. */
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
	return json_text(b->obj);
}

/* ---- printing answers ---- */

#define CELL_MAX	40	/* cli.md 4: long values are cut with "..." */

static const char *const formats[] = { "table", "json", "jsonl", "value" };

int
json_format(const char *name)
{
	int i;

	for (i = 0; i < (int)(sizeof(formats) / sizeof(formats[0])); i++)
		if (strcmp(formats[i], name) == 0)
			return i;
	return -1;
}

/* Split a comma-separated list into trimmed names in buf; -1 on a bad name. */
static int
split_names(const char *list, char *buf, size_t cap, const char **names, size_t max,
    size_t *n, const char **bad)
{
	size_t len = strlen(list), i;
	char *s, *e, *t;

	*n = 0;
	if (len >= cap)
		return -1;
	memcpy(buf, list, len + 1);
	for (s = buf;; s = e + 1) {
		e = strchr(s, ',');
		if (e != NULL)
			*e = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		t = s + strlen(s);
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			*--t = '\0';
		*bad = s;
		if (*s == '\0' || *n == max)
			return -1;
		for (i = 0; s[i]; i++)
			if (isspace((unsigned char)s[i]) || !isprint((unsigned char)s[i]))
				return -1;
		names[(*n)++] = s;
		if (e == NULL)
			return 0;
	}
}

enum alter_exit
json_out_init(struct json_out *o, FILE *f, int format, const char *fields, const char *columns,
    struct alter_err *err)
{
	const char *bad = "";

	memset(o, 0, sizeof(*o));
	o->f = f;
	o->format = format;
	if (fields != NULL && split_names(fields, o->fieldbuf, sizeof(o->fieldbuf), o->fields,
	    JSON_FIELDS_MAX, &o->nfields, &bad) != 0)
		return alter_fail(err, AX_USAGE, "--fields: bad field name '%s'", bad);
	if (format == FMT_VALUE && o->nfields == 0)
		return alter_fail(err, AX_USAGE, "-o value prints the values of --fields: name "
		    "them, e.g. --fields id");
	/*
	 * cli.md 4 wants --fields to name a table's columns; that waits for
	 * the caller to keep api_key in --fields for a table too (portal.c).
	 */
	if (columns != NULL && split_names(columns, o->colbuf, sizeof(o->colbuf), o->cols,
	    JSON_COLS_MAX, &o->ncols, &bad) != 0)
		return alter_fail(err, AX_ERROR, "bad column list");
	return AX_OK;
}

/*
 * Render a value for a table cell: plain text; C0 controls, DEL, C1
 * controls and the bidirectional overrides escaped (cli.md 1); cut with
 * "..." at a code point when it does not fit in cap.
 */
static void escape(const char *, char *, size_t);

static void
cell(const cJSON *v, char *out, size_t cap)
{
	char raw[512];
	struct sink s = { NULL, raw, 0, 0, 0 };
	const char *src = raw;
	size_t n;

	if (v == NULL || cJSON_IsNull(v)) {
		src = "";
	} else if (cJSON_IsString(v)) {
		src = v->valuestring ? v->valuestring : "";
	} else if (cJSON_IsArray(v)) {
		const cJSON *e;

		/* Elements as cells of their own, comma-separated. */
		raw[0] = '\0';
		cJSON_ArrayForEach(e, v) {
			char one[128];

			cell(e, one, sizeof(one));
			n = strlen(raw);
			if (n + strlen(one) + 5 > sizeof(raw)) {
				strcpy(raw + n, "...");
				break;
			}
			snprintf(raw + n, sizeof(raw) - n, "%s%s", n ? "," : "", one);
		}
	} else {
		/* Numbers as received, objects compact; raw holds 512 bytes. */
		s.buf = NULL;
		put_value(&s, v, -1);
		if (s.n < sizeof(raw)) {
			s.buf = raw;
			s.n = 0;
			put_value(&s, v, -1);
			raw[s.n] = '\0';
		} else {
			snprintf(raw, sizeof(raw), "%s", cJSON_IsObject(v) ? "{...}" : "...");
		}
	}
	escape(src, out, cap);
}

static void
escape(const char *src, char *out, size_t cap)
{
	char esc[8];
	unsigned long cp;
	size_t o = 0, i, n, k;

	for (i = 0; src[i] != '\0'; i += n) {
		n = width_next(src + i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02lx", cp);
		else if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || (n == 1 && cp >= 0x80))
			snprintf(esc, sizeof(esc), n == 1 ? "\\x%02lx" : "\\u%04lx", cp);
		else
			esc[0] = '\0';
		k = esc[0] != '\0' ? strlen(esc) : n;
		if (o + k + 4 > cap)
			break;
		memcpy(out + o, esc[0] != '\0' ? esc : src + i, k);
		o += k;
	}
	if (src[i] != '\0')
		memcpy(out + o, "...", 3), o += 3;
	out[o] = '\0';
}

/* Print s then its padding to w columns, spaces held back until needed. */
static void
pad(struct json_out *o, const char *s, int w, int *pending)
{
	if (*s != '\0') {
		fprintf(o->f, "%*s%s", *pending, "", s);
		*pending = 0;
	}
	*pending += w - width_str(s) + 2;
	if (*pending < 1)
		*pending = 1;
}

static void
table_row(struct json_out *o, const cJSON *item)
{
	char buf[CELL_MAX * 4 + 8];
	size_t k;
	int pending = 0;

	for (k = 0; k < o->ncols; k++) {
		cell(cJSON_GetObjectItemCaseSensitive(item, o->cols[k]), buf, sizeof(buf));
		width_cut(buf, o->widths[k]);
		pad(o, buf, o->widths[k], &pending);
	}
	fputc('\n', o->f);
}

/* cli.md 4: the first page sets the widths; later pages are cut to them. */
static void
table_header(struct json_out *o, const cJSON *items)
{
	const cJSON *it;
	char buf[CELL_MAX * 4 + 8], name[64];
	size_t k, i;
	int w, pending = 0;

	for (k = 0; k < o->ncols; k++) {
		w = (int)strlen(o->cols[k]);
		o->widths[k] = w > 3 ? w : 3;
		cJSON_ArrayForEach(it, items) {
			cell(cJSON_GetObjectItemCaseSensitive(it, o->cols[k]), buf, sizeof(buf));
			if ((w = width_cut(buf, CELL_MAX)) > o->widths[k])
				o->widths[k] = w;
		}
	}
	for (k = 0; k < o->ncols; k++) {
		for (i = 0; o->cols[k][i] != '\0' && i + 1 < sizeof(name); i++)
			name[i] = (char)toupper((unsigned char)o->cols[k][i]);
		name[i] = '\0';
		pad(o, name, o->widths[k], &pending);
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

/* One -o value line: the fields' bare values, tab-separated. */
static void
put_bare(struct sink *s, const cJSON *item)
{
	const cJSON *v;

	for (v = item->child; v != NULL; v = v->next) {
		if (cJSON_IsString(v))
			put_str(s, v->valuestring != NULL ? v->valuestring : "");
		else if (!cJSON_IsNull(v))
			put_value(s, v, -1);
		if (v->next != NULL)
			put(s, "\t", 1);
	}
	put(s, "\n", 1);
}

static enum alter_exit
emit(struct json_out *o, const cJSON *item, int in_list, struct alter_err *err)
{
	struct sink s = { NULL, NULL, 0, 1, 0 };
	cJSON *picked;
	const cJSON *v;
	enum alter_exit rc;

	if ((rc = pick(o, item, &picked, err)) != AX_OK)
		return rc;
	if (picked != NULL)
		item = picked;
	if (o->format == FMT_VALUE) {
		/* A control character would break the line: refuse it whole. */
		for (v = item->child; v != NULL; v = v->next) {
			if (cJSON_IsString(v) && v->valuestring != NULL)
				put_str(&s, v->valuestring);
			else
				put_value(&s, v, -1);
			if (s.bad) {
				rc = alter_fail(err, AX_ERROR, "--fields: '%s' holds a control "
				    "character or a tab: use -o json", v->string);
				break;
			}
		}
		if (rc == AX_OK) {
			s.f = o->f;
			s.check = 0;
			put_bare(&s, item);
		}
	} else if (o->format == FMT_JSON && in_list) {
		/* One array, element by element: each indented one level. */
		fputs(o->count ? ",\n  " : "[\n  ", o->f);
		s.f = o->f;
		s.check = 0;
		put_value(&s, item, 1);
	} else {
		/* cli.md 4: jsonl of a single object is the same as json. */
		print_json(o->f, item, !in_list);
	}
	cJSON_Delete(picked);
	if (rc == AX_OK)
		o->count++;
	return rc;
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
	cJSON_ArrayForEach(it, items) {
		if (!cJSON_IsObject(it)) {
			rc = alter_fail(err, AX_ERROR, "a list item is not an object");
			break;
		}
		if (o->format == FMT_TABLE) {
			if (!o->started)
				table_header(o, items);
			table_row(o, it);
			o->count++;
		} else if ((rc = emit(o, it, 1, err)) != AX_OK) {
			break;
		}
		(*nitems)++;
	}
	if (rc == AX_OK && o->format == FMT_TABLE && !o->started)
		table_header(o, items);
	cJSON_Delete(j);
	/* cli.md 4: lists stream page by page. */
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
	static const char *const none[] = { NULL };

	return json_out_object_with(o, body, len, none, err);
}

enum alter_exit
json_out_object_with(struct json_out *o, const unsigned char *body, size_t len,
    const char *const *kv, struct alter_err *err)
{
	cJSON *j = parse_with(body, len, kv);
	const cJSON *v;
	enum alter_exit rc = AX_OK;
	char buf[CELL_MAX * 4 + 8], key[CELL_MAX * 4 + 8];
	int pending;

	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return alter_fail(err, AX_ERROR, "the answer is not a JSON object");
	}
	if (o->format == FMT_TABLE) {
		cJSON_ArrayForEach(v, j) {
			pending = 0;
			escape(v->string, key, sizeof(key));
			pad(o, key, 19, &pending);
			cell(v, buf, sizeof(buf));
			pad(o, buf, 0, &pending);
			fputc('\n', o->f);
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
