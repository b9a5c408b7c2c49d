/*
 * json_print.c: the one JSON printer, over cJSON's tree: JSON.stringify(v)
 * and JSON.stringify(v, null, 2), numbers with the digits received
 * (docs/cli.md 4); see json_tree.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_tree.h"

void
json_put(struct json_sink *s, const char *p, size_t n)
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

void
json_put_str(struct json_sink *s, const char *p)
{
	json_put(s, p, strlen(p));
}

/* JSON.stringify's escaping: '"', '\\' and C0 controls; UTF-8 as is. */
static void
put_string(struct json_sink *s, const char *p)
{
	static const char short_esc[] = "\bb\ff\nn\rr\tt\"\"\\\\";
	const char *e;
	char esc[8];
	size_t run;

	json_put(s, "\"", 1);
	for (; *p != '\0'; p += run) {
		for (run = 0; (unsigned char)p[run] >= 0x20 && p[run] != '"' &&
		    p[run] != '\\'; run++)
			;
		json_put(s, p, run);
		if (p[run] == '\0')
			break;
		if ((e = strchr(short_esc, p[run])) != NULL)
			snprintf(esc, sizeof(esc), "\\%c", e[1]);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)p[run]);
		json_put_str(s, esc);
		run++;
	}
	json_put(s, "\"", 1);
}

static void
put_number(struct json_sink *s, const cJSON *v)
{
	char num[32];

	if (v->valuestring != NULL) {
		json_put_str(s, v->valuestring);
		return;
	}
	/* A number we made (a request body): the shortest exact form. */
	if (v->valuedouble != v->valuedouble || v->valuedouble - v->valuedouble != 0) {
		json_put_str(s, "null");
		return;
	}
	snprintf(num, sizeof(num), "%.15g", v->valuedouble);
	if (strtod(num, NULL) != v->valuedouble)
		snprintf(num, sizeof(num), "%.17g", v->valuedouble);
	json_put_str(s, num);
}

static void
indent(struct json_sink *s, int depth)
{
	static const char sp[] = "\n                                ";

	json_put(s, sp, 1);
	for (depth *= 2; depth > 0; depth -= (int)sizeof(sp) - 2)
		json_put(s, sp + 1, depth < (int)sizeof(sp) - 2 ? (size_t)depth : sizeof(sp) - 2);
}

/* v at depth (pretty >= 0: two spaces a level; -1: compact). */
void
json_put_value(struct json_sink *s, const cJSON *v, int depth)
{
	const cJSON *c;
	int obj = cJSON_IsObject(v);

	if (cJSON_IsString(v)) {
		put_string(s, v->valuestring != NULL ? v->valuestring : "");
	} else if (cJSON_IsNumber(v)) {
		put_number(s, v);
	} else if (cJSON_IsBool(v)) {
		json_put_str(s, cJSON_IsTrue(v) ? "true" : "false");
	} else if (!obj && !cJSON_IsArray(v)) {
		json_put_str(s, "null");
	} else {
		json_put(s, obj ? "{" : "[", 1);
		for (c = v->child; c != NULL; c = c->next) {
			if (depth >= 0)
				indent(s, depth + 1);
			if (obj) {
				put_string(s, c->string != NULL ? c->string : "");
				json_put(s, ": ", depth >= 0 ? 2 : 1);
			}
			json_put_value(s, c, depth >= 0 ? depth + 1 : -1);
			if (c->next != NULL)
				json_put(s, ",", 1);
		}
		if (depth >= 0 && v->child != NULL)
			indent(s, depth);
		json_put(s, obj ? "}" : "]", 1);
	}
}

/* Print v to f: pretty (JSON.stringify(v, null, 2)) or compact, and "\n". */
void
json_tree_print(FILE *f, const cJSON *v, int pretty)
{
	struct json_sink s = { f, NULL, 0, 0, 0 };

	json_put_value(&s, v, pretty ? 0 : -1);
	json_put(&s, "\n", 1);
}

/* Compact text of v, malloc'd (counted first: no realloc leaves a copy). */
char *
json_tree_text(const cJSON *v)
{
	struct json_sink s = { NULL, NULL, 0, 0, 0 };

	json_put_value(&s, v, -1);
	if ((s.buf = malloc(s.n + 1)) == NULL)
		return NULL;
	s.n = 0;
	json_put_value(&s, v, -1);
	s.buf[s.n] = '\0';
	return s.buf;
}
