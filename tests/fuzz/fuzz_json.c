/*
 * fuzz_json.c: JSON from the server to our output, through json.c as
 * portal_run.c and api.c call it.  The body sits at the very end of its
 * allocation with the one NUL at body[len] that http.c guarantees
 * (malloc(len + 1)), so any read past it is caught.  The first input
 * byte picks the output format (table, json, jsonl, value), --fields, the
 * table columns and whether the body is a list page or one object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fieldsets[] = { NULL, "id,name", "items", "id, a ,b,c,d,e,f,g" };
static const char *const colsets[] = {
	"id,name,archived,created_at", "id,name,key_prefix,key_type,status,expires_at",
	"kind,id,name", "id,created_at,app_id,action,outcome,policy_decision"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	struct json_out o;
	struct json_pat pat;
	struct alter_err err;
	unsigned char *body;
	char cursor[1024], msg[256], code[64], scope[128], id[128];
	const char *kv[] = { "token", "alter_pat_...abcd", "source", "fuzz", NULL };
	size_t len, nitems;
	unsigned opts;
	int more, format;

	if (out == NULL && (out = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size == 0)
		return 0;
	opts = data[0];
	len = size - 1;
	if ((body = malloc(len + 1)) == NULL)
		return 0;
	memcpy(body, data + 1, len);
	body[len] = '\0';

	format = (int)(opts & 3);
	memset(&err, 0, sizeof(err));
	/* -o value needs --fields: the empty set becomes "id" there. */
	if (json_out_init(&o, out, format, fieldsets[(opts >> 2) & 3] == NULL &&
	    format == FMT_VALUE ? "id" : fieldsets[(opts >> 2) & 3], colsets[(opts >> 4) & 3],
	    &err) != AX_OK)
		abort();
	if (opts & 0x40) {
		(void)json_out_object(&o, body, len, &err);
	} else {
		/* Two pages, as --all walks them: the second continues the first. */
		if (json_out_page(&o, body, len, &nitems, &more, cursor, sizeof(cursor),
		    &err) == AX_OK && json_out_page(&o, body, len, &nitems, &more, cursor,
		    sizeof(cursor), &err) == AX_OK)
			json_out_end(&o);
		if (memchr(cursor, '\0', sizeof(cursor)) == NULL)
			abort();
	}

	/* The other readers of server bodies. */
	json_error_summary(body, len, msg, sizeof(msg), code, sizeof(code), scope, sizeof(scope));
	if (memchr(msg, '\0', sizeof(msg)) == NULL || memchr(code, '\0', sizeof(code)) == NULL ||
	    memchr(scope, '\0', sizeof(scope)) == NULL)
		abort();
	if (json_parse_pat(body, len, &pat) == 0 && pat.nscopes > JSON_SCOPES_MAX)
		abort();
	json_get_str(body, len, "id", id, sizeof(id));
	(void)json_print(out, body, len);
	(void)json_print_with(out, body, len, kv);
	(void)json_out_object_with(&o, body, len, kv, &err);
	free(body);
	return 0;
}
