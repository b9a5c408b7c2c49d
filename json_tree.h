/*
 * json_tree.h: what the json files share, behind json.h: json.c parses
 * (numbers keep their source text), json_print.c prints the tree,
 * json_out.c formats answers.  Only the json files include it, and with it
 * cJSON.h (docs/design.md, Style: cJSON's names stay in the json files).
 */
#ifndef ALTER_JSON_TREE_H
#define ALTER_JSON_TREE_H

#include <stddef.h>
#include <stdio.h>

#include "cJSON.h"

/* One wording for every answer that is not what it must be (docs/cli.md 1). */
#define NOT_JSON	"the answer to %s is not valid JSON (malformed, nested too deeply " \
			"or not UTF-8)"
#define REQ(o)		((o)->request != NULL ? (o)->request : "the request")

/*
 * body (len bytes, NUL at len) parsed: UTF-8 only, nothing after the
 * value, each number's source text in its valuestring.  NULL when it is
 * not JSON (*end, when end is not NULL, where parsing stopped).
 */
cJSON	*json_tree_parse(const void *body, size_t len, const char **end);

/*
 * The JSON in body (an empty object when body is NULL) with the string
 * members of kv (key, value, ..., NULL; a NULL value skipped) set; NULL
 * when it is not JSON, or not an object and kv has members.
 */
cJSON	*json_tree_with(const unsigned char *body, size_t len, const char *const *kv);

/* A string item's text into dst ("" when item is not a string). */
void	 json_tree_str(const cJSON *item, char *dst, size_t cap);

/*
 * Where printed JSON goes: a FILE, or buf (NULL to only count; with
 * check, bad is set when a byte is a control character).  n counts bytes.
 */
struct json_sink {
	FILE	*f;
	char	*buf;
	size_t	 n;
	int	 check, bad;
};

void	 json_put(struct json_sink *s, const char *p, size_t n);
void	 json_put_str(struct json_sink *s, const char *p);

/* v at depth (depth >= 0: two spaces a level; -1: compact). */
void	 json_put_value(struct json_sink *s, const cJSON *v, int depth);

/* Print v to f: pretty (JSON.stringify(v, null, 2)) or compact, and "\n". */
void	 json_tree_print(FILE *f, const cJSON *v, int pretty);

/* Compact text of v, malloc'd (counted first: no realloc leaves a copy). */
char	*json_tree_text(const cJSON *v);

#endif
