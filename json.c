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

static cJSON *
parse(const void *body, size_t len, const char **end)
{
	const char *e = NULL;
	cJSON *j;

	if (memchr(body, '\0', len) != NULL) {
		if (end != NULL)
			*end = memchr(body, '\0', len);
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
	cJSON *j = parse(body, len, NULL);
	char *s;

	if (j == NULL)
		return -1;
	s = cJSON_Print(j);
	cJSON_Delete(j);
	if (s == NULL)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
	return 0;
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

enum alter_exit
json_check_object(const char *text, size_t len, const char *what, struct alter_err *err)
{
	const char *end = NULL, *p;
	cJSON *j = parse(text, len, &end);
	int line = 1, col = 1, isobj;

	if (j != NULL) {
		isobj = cJSON_IsObject(j);
		cJSON_Delete(j);
		if (isobj)
			return AX_OK;
		return alter_fail(err, AX_USAGE, "%s: the JSON body must be an object", what);
	}
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

int
json_print_with(FILE *f, const unsigned char *body, size_t len, const char *const *kv)
{
	cJSON *j = body != NULL ? parse(body, len, NULL) : cJSON_CreateObject();
	char *s;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	for (; kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(j, kv[0]);
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
