/*
 * json_out.c: answers in the -o formats (docs/cli.md 4): tables in display
 * columns, JSON lists streamed element by element, jsonl, bare values of
 * --fields; see json.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_tree.h"
#include "text.h"
#include "width.h"

#define CELL_MAX	40	/* docs/cli.md 4: long values are cut with "..." */

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
	if (format == FMT_VALUE && o->nfields == 0)
		return alter_fail(err, AX_USAGE, "-o value prints the values of --fields: name "
		    "them, e.g. --fields id");
	/* docs/cli.md 4: with a table, --fields names the columns shown. */
	if (format == FMT_TABLE && fields != NULL) {
		if (strlen(fields) >= sizeof(o->colbuf) || o->nfields > JSON_COLS_MAX)
			return alter_fail(err, AX_USAGE, "--fields: a table shows at most %d "
			    "columns", JSON_COLS_MAX);
		columns = fields;
	}
	if (columns != NULL && text_split_names(columns, o->colbuf, sizeof(o->colbuf), o->cols,
	    JSON_COLS_MAX, &o->ncols, &bad) != 0)
		return alter_fail(err, AX_ERROR, "bad column list");
	return AX_OK;
}

/*
 * Render a value for a table cell: plain text through the one sanitiser
 * of server text (text_safe: C0 and C1 controls, DEL, the bidirectional
 * overrides and bytes that are not UTF-8 escaped, docs/cli.md 1), cut with
 * "..." when it does not fit in cap.
 */
static void
cell(const cJSON *v, char *out, size_t cap)
{
	char raw[512];
	struct json_sink s = { NULL, raw, 0, 0, 0 };
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
		json_put_value(&s, v, -1);
		if (s.n < sizeof(raw)) {
			s.buf = raw;
			s.n = 0;
			json_put_value(&s, v, -1);
			raw[s.n] = '\0';
		} else {
			snprintf(raw, sizeof(raw), "%s", cJSON_IsObject(v) ? "{...}" : "...");
		}
	}
	text_safe(out, cap, src);
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

/* docs/cli.md 4: the first page sets the widths; later pages are cut to them. */
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

/* docs/cli.md 4: each --fields name is a key of the first item. */
static enum alter_exit
check_fields(struct json_out *o, const cJSON *item, struct alter_err *err)
{
	size_t k;

	for (k = 0; k < o->nfields && !o->fields_checked; k++)
		if (cJSON_GetObjectItemCaseSensitive(item, o->fields[k]) == NULL)
			return alter_fail(err, AX_USAGE, "--fields: no field '%s' in the answer",
			    o->fields[k]);
	o->fields_checked = 1;
	return AX_OK;
}

/* Apply --fields to item: a new object with those keys in that order. */
static enum alter_exit
pick(struct json_out *o, const cJSON *item, cJSON **out, struct alter_err *err)
{
	cJSON *n;
	const cJSON *v;
	size_t k;
	enum alter_exit rc;

	*out = NULL;
	if (o->nfields == 0)
		return AX_OK;
	if ((rc = check_fields(o, item, err)) != AX_OK)
		return rc;
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
put_bare(struct json_sink *s, const cJSON *item)
{
	const cJSON *v;

	for (v = item->child; v != NULL; v = v->next) {
		if (cJSON_IsString(v))
			json_put_str(s, v->valuestring != NULL ? v->valuestring : "");
		else if (!cJSON_IsNull(v))
			json_put_value(s, v, -1);
		if (v->next != NULL)
			json_put(s, "\t", 1);
	}
	json_put(s, "\n", 1);
}

static enum alter_exit
emit(struct json_out *o, const cJSON *item, int in_list, struct alter_err *err)
{
	struct json_sink s = { NULL, NULL, 0, 1, 0 };
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
				json_put_str(&s, v->valuestring);
			else
				json_put_value(&s, v, -1);
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
		json_put_value(&s, item, 1);
	} else {
		/* docs/cli.md 4: jsonl of a single object is the same as json. */
		json_tree_print(o->f, item, !in_list);
	}
	cJSON_Delete(picked);
	if (rc == AX_OK)
		o->count++;
	return rc;
}

/*
 * The "items" of a list answer j, or NULL and AX_ERROR naming the request:
 * every item is checked before anything of the page is printed, and a
 * paging member of the wrong type is refused (it would end --all early,
 * silently).
 */
static const cJSON *
page_items(const struct json_out *o, const cJSON *j, struct alter_err *err)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items"), *it, *hm, *nc;

	if (!cJSON_IsArray(items)) {
		alter_fail(err, AX_ERROR, "the answer to %s is not a list (no \"items\")", REQ(o));
		return NULL;
	}
	cJSON_ArrayForEach(it, items)
		if (!cJSON_IsObject(it)) {
			alter_fail(err, AX_ERROR, "the answer to %s is not a list of objects", REQ(o));
			return NULL;
		}
	hm = cJSON_GetObjectItemCaseSensitive(j, "has_more");
	nc = cJSON_GetObjectItemCaseSensitive(j, "next_cursor");
	if ((hm != NULL && !cJSON_IsBool(hm)) ||
	    (nc != NULL && !cJSON_IsNull(nc) && !cJSON_IsString(nc))) {
		alter_fail(err, AX_ERROR, "the answer to %s is not a list (\"has_more\" is not "
		    "true or false, or \"next_cursor\" not a string or null)", REQ(o));
		return NULL;
	}
	return items;
}

enum alter_exit
json_out_page(struct json_out *o, const unsigned char *body, size_t len, size_t *nitems,
    int *has_more, char *cursor, size_t ccap, struct alter_err *err)
{
	cJSON *j = json_tree_parse(body, len, NULL);
	const cJSON *items, *it;
	enum alter_exit rc = AX_OK;

	*nitems = 0;
	*has_more = 0;
	if (ccap > 0)
		cursor[0] = '\0';
	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON, REQ(o));
	if ((items = page_items(o, j, err)) == NULL) {
		cJSON_Delete(j);
		return AX_ERROR;
	}
	*has_more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "has_more"));
	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, "next_cursor"), cursor, ccap);
	cJSON_ArrayForEach(it, items) {
		if (o->format == FMT_TABLE) {
			if ((rc = check_fields(o, it, err)) != AX_OK)
				break;
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
	static const char *const none[] = { NULL };

	return json_out_object_with(o, body, len, none, err);
}

enum alter_exit
json_out_object_with(struct json_out *o, const unsigned char *body, size_t len,
    const char *const *kv, struct alter_err *err)
{
	cJSON *j = json_tree_with(body, len, kv), *picked = NULL;
	const cJSON *v, *shown;
	enum alter_exit rc = AX_OK;
	char buf[CELL_MAX * 4 + 8], key[CELL_MAX * 4 + 8];
	int pending;

	if (j == NULL)
		return alter_fail(err, AX_ERROR, NOT_JSON, REQ(o));
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return alter_fail(err, AX_ERROR, "the answer to %s is not a JSON object", REQ(o));
	}
	if (o->format == FMT_TABLE && (rc = pick(o, j, &picked, err)) == AX_OK) {
		shown = picked != NULL ? picked : j;
		cJSON_ArrayForEach(v, shown) {
			pending = 0;
			text_safe(key, sizeof(key), v->string);
			pad(o, key, 19, &pending);
			cell(v, buf, sizeof(buf));
			pad(o, buf, 0, &pending);
			fputc('\n', o->f);
		}
	} else if (o->format != FMT_TABLE) {
		rc = emit(o, j, 0, err);
	}
	cJSON_Delete(picked);
	cJSON_Delete(j);
	return rc;
}

void
json_get_str(const unsigned char *body, size_t len, const char *key, char *out, size_t cap)
{
	cJSON *j = json_tree_parse(body, len, NULL);

	json_tree_str(cJSON_GetObjectItemCaseSensitive(j, key), out, cap);
	cJSON_Delete(j);
}
