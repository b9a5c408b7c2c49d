/*
 * json.h: every use of cJSON (style.md: keep its names in one file): JSON
 * bodies to output, error bodies to a message, user JSON input checked.
 * Printing goes only to the FILE the caller hands in.
 */
#ifndef ALTER_JSON_H
#define ALTER_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "alter.h"

/*
 * Print body (len bytes, NUL-terminated at len) to f as formatted JSON.
 * Returns 0, or -1 when it is not JSON (nothing printed).
 */
int		json_print(FILE *f, const unsigned char *body, size_t len);

/*
 * Summarise an error body (api.md section 2): error.message or a top-level
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

/* The fields of a PAT object (api.md "PATs") that alter shows. */
struct json_pat {
	char		 name[256], user[256], org[256], token_prefix[64];
	char		 created_at[64], expires_at[64];	/* "" when null */
	char		 scopes[JSON_SCOPES_MAX][80];
	const char	*scope_ptrs[JSON_SCOPES_MAX];
	size_t		 nscopes;
};

/* Read a PAT object.  Returns 0, or -1 if body is not one. */
int		json_parse_pat(const unsigned char *body, size_t len, struct json_pat *p);

/*
 * Print, formatted, the JSON object in body (or {} when body is NULL) with
 * extra string members added: kv is "key", "value", ..., NULL (a NULL
 * value is skipped).  Returns 0, or -1 if body is not a JSON object.
 */
int		json_print_with(FILE *f, const unsigned char *body, size_t len,
		    const char *const *kv);

#endif
