/*
 * json.h: every use of cJSON (docs/design.md, Style: keep its names in one file): JSON
 * bodies to output, error bodies to a message, user JSON input checked.
 * Printing goes only to the FILE the caller hands in.
 */
#ifndef ALTER_JSON_H
#define ALTER_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

/*
 * Print body (len bytes, NUL-terminated at len) to f as JSON.stringify(v,
 * null, 2) prints it, numbers with the digits received (cli.md 4).
 * Returns 0, or -1 when it is not JSON (nothing printed).
 */
int		json_print(FILE *f, const unsigned char *body, size_t len);

/*
 * Summarise an error body (docs/api.md section 2): error.message or a top-level
 * message/detail, else up to 200 printable bytes of a non-JSON body, into
 * msg; error.code into code and error.required_scope into scope ("" when
 * absent).
 */
void		json_error_summary(const unsigned char *body, size_t len, char *msg, size_t mcap,
		    char *code, size_t ccap, char *scope, size_t scap);

/*
 * Check that text[0..len) (NUL-terminated at len) is one JSON object.
 * Returns AX_OK, or AX_USAGE naming what (e.g. "--input 'x.json'") with the
 * line and column of the first error.
 */
enum alter_exit	json_check_object(const char *text, size_t len, const char *what,
		    struct alter_err *err);

#define JSON_SCOPES_MAX	64

/* The fields of a PAT object (docs/api.md "PATs") that alter shows. */
struct json_pat {
	char		 name[256], user[256], org[256], token_prefix[64];
	char		 created_at[64], expires_at[64];	/* "" when null */
	char		 scopes[JSON_SCOPES_MAX][80];
	const char	*scope_ptrs[JSON_SCOPES_MAX];
	size_t		 nscopes;
};

/*
 * Read a PAT object: an object with a string "id", a "scopes" list of
 * strings and an "expires_at" that is null or an RFC 3339 time.  AX_ERROR
 * saying "the answer to <request> is not valid JSON ..." or "... is not a
 * PAT object (<what is wrong>)" otherwise.
 */
enum alter_exit	json_pat_read(const unsigned char *body, size_t len, const char *request,
		    struct json_pat *p, struct alter_err *err);
/* The same, 0 or -1. */
int		json_parse_pat(const unsigned char *body, size_t len, struct json_pat *p);

/*
 * Print, formatted, the JSON object in body (or {} when body is NULL) with
 * extra string members added: kv is "key", "value", ..., NULL (a NULL
 * value is skipped).  Returns 0, or -1 if body is not a JSON object.
 */
int		json_print_with(FILE *f, const unsigned char *body, size_t len,
		    const char *const *kv);

/* ---- request bodies ---- */

struct json_body;

/* An empty object, or NULL when out of memory.  Free with json_body_free. */
struct json_body *json_body_new(void);
/* Parse text (NUL-terminated at len) as the object to start from. */
enum alter_exit	json_body_parse(const char *text, size_t len, const char *what,
		    struct json_body **out, struct alter_err *err);
void		json_body_free(struct json_body *);
/* 1 if the body has this top-level key. */
int		json_body_has(const struct json_body *, const char *key);
/* Number of top-level keys. */
int		json_body_size(const struct json_body *);
/* Setters replace an existing key.  Return 0, or -1 when out of memory. */
int		json_body_set_str(struct json_body *, const char *key, const char *value);
int		json_body_set_num(struct json_body *, const char *key, double value);
int		json_body_set_bool(struct json_body *, const char *key, int value);
/* Append value to the array at key (created when absent). */
int		json_body_push_str(struct json_body *, const char *key, const char *value);
/* "key": {"kind": kind, "id": id} */
int		json_body_set_pair(struct json_body *, const char *key, const char *kind,
		    const char *id);
/* "key": the JSON value in text; AX_USAGE naming what when malformed. */
enum alter_exit	json_body_set_json(struct json_body *, const char *key, const char *text,
		    size_t len, const char *what, struct alter_err *err);
/*
 * Compact text of the body (plain malloc'd, never realloc'd: one copy), or
 * NULL.  A body may hold secrets: the caller wipes it (explicit_bzero)
 * before free() (docs/cli.md 1).
 */
char		*json_body_text(const struct json_body *);

/* ---- printing answers (docs/cli.md section 4) ---- */

/*
 * The -o formats, in this order: "table", "json", "jsonl", "value".
 * json_format gives the FMT_ of a name, or -1 (then say JSON_FORMATS).
 */
enum { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_VALUE };
#define JSON_FORMATS	"table, json, jsonl or value"
int		json_format(const char *name);

#define JSON_COLS_MAX	16
#define JSON_FIELDS_MAX	32

struct json_out {
	FILE		*f;
	int		 format;
	const char	*fields[JSON_FIELDS_MAX];	/* --fields, in order */
	size_t		 nfields;
	char		 fieldbuf[1024];
	const char	*cols[JSON_COLS_MAX];		/* table columns */
	size_t		 ncols;
	char		 colbuf[256];
	int		 widths[JSON_COLS_MAX];
	int		 started;			/* header or "[" printed */
	size_t		 count;				/* items printed */
	int		 fields_checked;
	const char	*request;			/* "GET /v1/apps?..." for messages */
};

/*
 * Set up o for format, --fields (NULL: none; AX_USAGE naming a malformed
 * name, or for FMT_VALUE without fields) and the table columns
 * (comma-separated).
 */
enum alter_exit	json_out_init(struct json_out *o, FILE *f, int format, const char *fields,
		    const char *columns, struct alter_err *err);

/*
 * Print the items of one page of a list answer (body has "items").  Sets
 * *nitems, *has_more (offset lists) and cursor (cursor lists; "" when
 * null).  AX_USAGE for a --fields name absent from the first item;
 * AX_ERROR when body is not a list answer.
 */
enum alter_exit	json_out_page(struct json_out *o, const unsigned char *body, size_t len,
		    size_t *nitems, int *has_more, char *cursor, size_t ccap,
		    struct alter_err *err);

/* Close a list: "]" for json, a header-only table when empty. */
void		json_out_end(struct json_out *o);

/*
 * Print one object answer in o's format.  FMT_VALUE: AX_ERROR naming a
 * field whose value holds a control character or a tab (nothing printed).
 */
enum alter_exit	json_out_object(struct json_out *o, const unsigned char *body, size_t len,
		    struct alter_err *err);

/*
 * json_out_object of body (an empty object when body is NULL) with the
 * string members of kv set, as json_print_with does (a key "name[]" sets
 * "name" to an array of the "\n"-separated strings of its value): a view
 * such as `auth status` in every format, --fields included.
 */
enum alter_exit	json_out_object_with(struct json_out *o, const unsigned char *body, size_t len,
		    const char *const *kv, struct alter_err *err);

/* The string member key of an object body into out ("" when absent). */
void		json_get_str(const unsigned char *body, size_t len, const char *key, char *out,
		    size_t cap);

#endif
