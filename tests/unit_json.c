/*
 * tests/unit_json.c: the output library (docs/cli.md section 4) byte for byte:
 * the JSON.stringify layout, numbers as received in every format, -o value,
 * and tables measured in display columns, and the numbers we put in
 * request bodies (the shortest text that reads back exactly).  The shell
 * test t0069-json.sh compares the same layout with Python's json.dumps
 * through the binary.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "width.h"
#include "unit.h"

static char *buf;
static size_t buflen;
static FILE *out;
static struct alter_err err;

static void
start(void)
{
	if (out != NULL)
		fclose(out);
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &buflen);
	memset(&err, 0, sizeof(err));
}

static const char *
got(void)
{
	fflush(out);
	return buf;
}

static int
same(const char *want)
{
	if (strcmp(got(), want) == 0)
		return 1;
	printf("# want: [%s]\n#  got: [%s]\n", want, got());
	return 0;
}

static int
print(const char *body)
{
	start();
	return json_print(out, (const unsigned char *)body, strlen(body));
}

/* Print one object in format with fields (NULL: none). */
static enum alter_exit
object(int format, const char *fields, const char *body)
{
	struct json_out o;
	enum alter_exit rc;

	start();
	if ((rc = json_out_init(&o, out, format, fields, "id,name", &err)) != AX_OK)
		return rc;
	return json_out_object(&o, (const unsigned char *)body, strlen(body), &err);
}

/* Print pages (NULL-terminated) as one list in format. */
static enum alter_exit
list(int format, const char *fields, const char *cols, const char *const *pages)
{
	struct json_out o;
	enum alter_exit rc;
	char cursor[64];
	size_t n;
	int more;

	start();
	if ((rc = json_out_init(&o, out, format, fields, cols, &err)) != AX_OK)
		return rc;
	for (; *pages != NULL; pages++)
		if ((rc = json_out_page(&o, (const unsigned char *)*pages, strlen(*pages), &n,
		    &more, cursor, sizeof(cursor), &err)) != AX_OK)
			return rc;
	json_out_end(&o);
	return AX_OK;
}

/* Numbers we set in a body: %.15g, else the 17 digits that read back exactly. */
static const struct {
	double		 value;
	const char	*text;
} nums[] = {
	{ 42, "{\"n\":42}" },
	{ 0.1, "{\"n\":0.1}" },
	{ -2.5, "{\"n\":-2.5}" },
	{ 1.0 / 3, "{\"n\":0.33333333333333331}" },	/* needs the 17-digit retry */
	{ 1e300, "{\"n\":1e+300}" },
};

#define NUMS	"12345678901234567890,-0.0,1E+2,1e400," \
		"0.1000000000000000055511151231257827021181583404541015625,-5e-324"

int
main(void)
{
	static const char in[] = "{\"n\":12345678901234567890,\"f\":1.10}";
	struct json_body *b = NULL;
	char *t;
	size_t k;

	/* JSON.stringify(v, null, 2), checked against node once. */
	CHECK(print("{\"a\":[1,{\"b\":null,\"c\":[]},{}],\"d\":{\"e\":true,\"f\":false},"
	    "\"g\":\"x\"}") == 0 && same("{\n  \"a\": [\n    1,\n    {\n      \"b\": null,\n"
	    "      \"c\": []\n    },\n    {}\n  ],\n  \"d\": {\n    \"e\": true,\n"
	    "    \"f\": false\n  },\n  \"g\": \"x\"\n}\n"), "the JSON.stringify layout");
	CHECK(print("[]") == 0 && same("[]\n") && print("{}") == 0 && same("{}\n") &&
	    print("\"s\"") == 0 && same("\"s\"\n"), "empty containers and a bare value");
	CHECK(print("[\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\\\/\\u007f\\u2028\\u00e9\\u001F\"]") == 0 &&
	    same("[\n  \"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\x7f\xe2\x80\xa8\xc3\xa9\\u001f\"\n]\n"),
	    "strings escaped as JSON.stringify does: C0, quote and backslash only");
	CHECK(print("{\"k\\ney\":1}") == 0 && same("{\n  \"k\\ney\": 1\n}\n"), "keys escaped too");

	/* Numbers keep the digits received. */
	CHECK(print("[" NUMS "]") == 0 && same("[\n  12345678901234567890,\n  -0.0,\n  1E+2,\n"
	    "  1e400,\n  0.1000000000000000055511151231257827021181583404541015625,\n"
	    "  -5e-324\n]\n"), "numbers printed with the digits received (json)");
	CHECK(print("{\"a1\":\"-5 9\",\"b\":[-2,\"x\\\"1\",3e-1],\"c-2\":{\"d\":0}}") == 0 &&
	    same("{\n  \"a1\": \"-5 9\",\n  \"b\": [\n    -2,\n    \"x\\\"1\",\n    3e-1\n  ],\n"
	    "  \"c-2\": {\n    \"d\": 0\n  }\n}\n"), "digits inside strings and keys are not numbers");
	CHECK(print("[01]") != 0 && print("[1.]") != 0 && print("[-]") != 0 &&
	    print("[1e]") != 0 && print("[.5]") != 0 && print("[1.5e+]") != 0,
	    "what cJSON would take but RFC 8259 does not is not JSON");
	{
		static const char *const page[] = { "{\"items\":[{\"id\":\"n\",\"v\":[" NUMS "]}],"
		    "\"has_more\":false}", NULL };

		CHECK(list(FMT_JSONL, NULL, "id,v", page) == AX_OK &&
		    same("{\"id\":\"n\",\"v\":[" NUMS "]}\n"), "numbers as received (jsonl)");
		CHECK(list(FMT_VALUE, "v,id", NULL, page) == AX_OK &&
		    same("[" NUMS "]\tn\n"), "numbers as received (value)");
		CHECK(list(FMT_TABLE, NULL, "v", (const char *const[]){ "{\"items\":[{\"v\":"
		    "12345678901234567890},{\"v\":-0.0},{\"v\":1E+2}],\"has_more\":false}",
		    NULL }) == AX_OK && same("V\n12345678901234567890\n-0.0\n1E+2\n"),
		    "numbers as received (table)");
	}
	t = NULL;
	CHECK(json_body_parse(in, strlen(in), "--input", &b, &err) == AX_OK && json_body_set_num(b, "r", 600) == 0 &&
	    json_body_set_num(b, "h", 0.5) == 0 && (t = json_body_text(b)) != NULL &&
	    strcmp(t, "{\"n\":12345678901234567890,\"f\":1.10,\"r\":600,\"h\":0.5}") == 0,
	    "a request body keeps --input's numbers and prints ours shortest");
	free(t);
	json_body_free(b);
	for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		b = json_body_new();
		CHECK(b != NULL && json_body_set_num(b, "n", nums[k].value) == 0,
		    "set number %zu", k);
		t = b ? json_body_text(b) : NULL;
		CHECK(t != NULL && strcmp(t, nums[k].text) == 0, "%s printed as %s", nums[k].text,
		    t ? t : "(null)");
		free(t);
		json_body_free(b);
	}

	/* Lists: one array element by element; jsonl compact. */
	{
		static const char *const pages[] = {
			"{\"items\":[{\"id\":\"a\",\"n\":[]},{\"id\":\"b\",\"n\":[1]}],\"has_more\":true}",
			"{\"items\":[{\"id\":\"c\",\"n\":{\"x\":null}}],\"has_more\":false}", NULL };

		CHECK(list(FMT_JSON, NULL, "id", pages) == AX_OK &&
		    same("[\n  {\n    \"id\": \"a\",\n    \"n\": []\n  },\n  {\n    \"id\": \"b\",\n"
		    "    \"n\": [\n      1\n    ]\n  },\n  {\n    \"id\": \"c\",\n    \"n\": {\n"
		    "      \"x\": null\n    }\n  }\n]\n"), "json of two pages is one array");
		CHECK(list(FMT_JSONL, NULL, "id", pages) == AX_OK &&
		    same("{\"id\":\"a\",\"n\":[]}\n{\"id\":\"b\",\"n\":[1]}\n{\"id\":\"c\",\"n\":"
		    "{\"x\":null}}\n"), "jsonl is one compact item a line");
		CHECK(list(FMT_JSON, "n", NULL, pages) == AX_OK &&
		    same("[\n  {\n    \"n\": []\n  },\n  {\n    \"n\": [\n      1\n    ]\n  },\n"
		    "  {\n    \"n\": {\n      \"x\": null\n    }\n  }\n]\n"), "--fields in a json list");
	}

	/* -o value. */
	CHECK(object(FMT_VALUE, "id, n,t,z,o,a,s", "{\"id\":\"k_1\",\"s\":\"caf\xc3\xa9 \\\"x\\\"\","
	    "\"n\":1.50,\"t\":true,\"z\":null,\"o\":{\"p\":[1, 2]},\"a\":[\"x\\ty\"]}") == AX_OK &&
	    same("k_1\t1.50\ttrue\t\t{\"p\":[1,2]}\t[\"x\\ty\"]\tcaf\xc3\xa9 \"x\"\n"),
	    "-o value: raw strings, JSON text, null empty, compact containers, tab-separated");
	CHECK(object(FMT_VALUE, NULL, "{\"id\":\"x\"}") == AX_USAGE && strstr(err.msg, "--fields"),
	    "-o value without --fields is exit 2 asking for them");
	CHECK(object(FMT_VALUE, "id,bad", "{\"id\":\"x\",\"bad\":\"a\\tb\"}") == AX_ERROR &&
	    strstr(err.msg, "'bad'") && strstr(err.msg, "-o json") && same(""),
	    "-o value refuses a tab, naming the field, printing nothing");
	CHECK(object(FMT_VALUE, "bad", "{\"bad\":\"a\\u001b[31m\"}") == AX_ERROR && same("") &&
	    object(FMT_VALUE, "bad", "{\"bad\":\"a\\nb\"}") == AX_ERROR && same("") &&
	    object(FMT_VALUE, "bad", "{\"bad\":\"a\\u0085b\"}") == AX_ERROR && same("") &&
	    object(FMT_VALUE, "bad", "{\"bad\":\"a\\u007f\"}") == AX_ERROR && same(""),
	    "-o value refuses ESC, a newline, a C1 control and DEL");
	{
		static const char *const pages[] = {
			"{\"items\":[{\"id\":\"a\",\"v\":\"1\"},{\"id\":\"b\",\"v\":\"2\"}],\"has_more\":true}",
			"{\"items\":[{\"id\":\"c\",\"v\":\"x\\ny\"}],\"has_more\":false}", NULL };

		CHECK(list(FMT_VALUE, "id,v", NULL, pages) == AX_ERROR && same("a\t1\nb\t2\n") &&
		    strstr(err.msg, "'v'"), "-o value of a list: one line an item, a bad one stops it");
	}
	CHECK(object(FMT_JSONL, "b,a", "{\"a\":1,\"b\":[2]}") == AX_OK &&
	    same("{\n  \"b\": [\n    2\n  ],\n  \"a\": 1\n}\n"),
	    "jsonl of a single object is the json layout, --fields in order");
	{
		static const char *const kv[] = { "token", "alter_pat_...abcd", "none", NULL,
		    "name", "new", NULL };
		static const char obj[] = "{\"name\":\"old\",\"org\":{\"n\":1}}";
		struct json_out o;

		start();
		CHECK(json_out_init(&o, out, FMT_VALUE, "name,token,org", NULL, &err) == AX_OK &&
		    json_out_object_with(&o, (const unsigned char *)obj, strlen(obj), kv,
		    &err) == AX_OK &&
		    same("new\talter_pat_...abcd\t{\"n\":1}\n"),
		    "json_out_object_with: members set, --fields and -o value honoured");
		start();
		CHECK(json_out_init(&o, out, FMT_JSON, NULL, NULL, &err) == AX_OK &&
		    json_out_object_with(&o, NULL, 0, kv, &err) == AX_OK &&
		    same("{\n  \"token\": \"alter_pat_...abcd\",\n  \"name\": \"new\"\n}\n"),
		    "json_out_object_with of no body: the members alone");
	}
	{
		char big[4096];
		size_t n = 0;
		int i;

		n += (size_t)snprintf(big, sizeof(big), "{\"a\":[");
		for (i = 0; i < 200; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"\xe6\xbc\xa2\"", i ? "," : "");
		snprintf(big + n, sizeof(big) - n, "]}");
		CHECK(object(FMT_TABLE, NULL, big) == AX_OK && strstr(got(), "\\x") == NULL &&
		    strlen(got()) > 100 && strcmp(got() + strlen(got()) - 4, "...\n") == 0,
		    "a long array cell is cut with ..., never inside a character");
	}
	CHECK(json_format("value") == FMT_VALUE && json_format("table") == FMT_TABLE &&
	    json_format("yaml") == -1, "json_format knows value");

	/* Display width. */
	CHECK(width_str("abc") == 3 && width_str("\xe6\xbc\xa2\xe5\xad\x97") == 4 &&
	    width_str("e\xcc\x81") == 1 && width_str("a\xe2\x80\x8b" "b") == 2 &&
	    width_str("\xf0\x9f\x98\x80") == 2 && width_str("\xef\xbd\xb1") == 1 &&
	    width_str("\xef\xbc\xa1") == 2 && width_str("\xea\xb0\x80") == 2 &&
	    width_str("\xe1\x84\x80\xe1\x85\xa1") == 2,
	    "display width: CJK, emoji, fullwidth 2; combining, ZWSP, Hangul vowel 0");
	{
		char s[64];

		strcpy(s, "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97");
		CHECK(width_cut(s, 7) == 7 && strcmp(s, "\xe6\xbc\xa2\xe5\xad\x97...") == 0,
		    "a cut keeps whole wide characters");
		strcpy(s, "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97");
		CHECK(width_cut(s, 6) == 5 && strcmp(s, "\xe6\xbc\xa2...") == 0,
		    "a wide character that would cross the edge is dropped");
		strcpy(s, "abe\xcc\x81" "defg");
		CHECK(width_cut(s, 6) == 6 && strcmp(s, "abe\xcc\x81...") == 0 &&
		    (strcpy(s, "abcd"), width_cut(s, 4)) == 4 && strcmp(s, "abcd") == 0,
		    "a combining mark stays with its letter; what fits is untouched");
	}

	/* Tables. */
	{
		static const char *const pages[] = {
			"{\"items\":[{\"id\":\"a1\",\"name\":\"\xe6\xbc\xa2\xe5\xad\x97\",\"s\":\"x\"},"
			"{\"id\":\"a2\",\"name\":\"Ame\xcc\x81lie\",\"s\":\"\"}],\"has_more\":true}",
			"{\"items\":[{\"id\":\"a3-much-longer\",\"name\":\"\xe6\xbc\xa2\xe5\xad\x97"
			"\xe6\xbc\xa2\xe5\xad\x97\",\"s\":\"y\"},{\"id\":\"a4\",\"name\":\"\\u001b[1m\","
			"\"s\":null}],\"has_more\":false}", NULL };

		CHECK(list(FMT_TABLE, NULL, "id,name,s", pages) == AX_OK &&
		    same("ID   NAME    S\n"
		    "a1   \xe6\xbc\xa2\xe5\xad\x97    x\n"
		    "a2   Ame\xcc\x81lie\n"
		    "...  \xe6\xbc\xa2...   y\n"
		    "a4   \\x1...\n"),
		    "a table in display columns; later pages cut to the first page's widths; "
		    "no trailing spaces");
	}
	CHECK(list(FMT_TABLE, "n, id", "id", (const char *const[]){ "{\"items\":[{\"id\":\"a\","
	    "\"n\":1,\"x\":2}]}", NULL }) == AX_OK && same("N    ID\n1    a\n"),
	    "--fields names a table's columns, in its order");
	CHECK(list(FMT_TABLE, "nope", "id", (const char *const[]){ "{\"items\":[{\"id\":\"a\"}]}",
	    NULL }) == AX_USAGE && strstr(err.msg, "'nope'") != NULL,
	    "--fields naming a key absent from a table's first item is exit 2");
	CHECK(object(FMT_TABLE, "n", "{\"id\":\"a\",\"n\":2}") == AX_OK &&
	    same("n                    2\n"), "--fields on an object as a table keeps those keys");
	CHECK(object(FMT_TABLE, NULL, "{\"id\":\"a\",\"n\":12345678901234567890,\"e\":\"\","
	    "\"a-much-longer-key-than-twenty\":\"\xe6\xbc\xa2\\u202e\"}") == AX_OK &&
	    same("id                   a\nn                    12345678901234567890\ne\n"
	    "a-much-longer-key-than-twenty \xe6\xbc\xa2\\u202e\n"),
	    "an object as a table: keys, exact numbers, escapes, no trailing spaces");

	if (out != NULL)
		fclose(out);
	free(buf);
	return unit_done();
}
