/*
 * tests/unit_http.c: the HTTP response parser, Retry-After, base URLs and the
 * status table (docs/api.md sections 1-2).  Every response vector is fed whole,
 * one byte at a time, and split at every offset, as bytes come off a socket.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

struct vec {
	const char	*name;
	const char	*bytes;
	int		 head;		/* a HEAD request */
	int		 eof;		/* 0: none, 1: clean EOF, 2: EOF without close_notify */
	int		 want;		/* HP_DONE or HP_ERR */
	int		 status;
	const char	*body;
};

static const struct vec vecs[] = {
	{ "a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0, 0,
	  HP_DONE, 200, "{}" },
	{ "a chunked body with an extension and a trailer",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;foo=bar\r\n{\"a\r\n0A\r\n\":12345678\r\n"
	  "1\r\n}\r\n0\r\nX-Checksum: 1\r\n\r\n", 0, 0, HP_DONE, 200, "{\"a\":12345678}" },
	{ "bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 0, 0, HP_DONE, 200, "x" },
	{ "a 204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 0, 0, HP_DONE, 204, "" },
	{ "a HEAD answer has no body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 1, 0,
	  HP_DONE, 200, "" },
	{ "an interim 100 is skipped",
	  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", 0, 0,
	  HP_DONE, 201, "x" },
	{ "a close-delimited body ends at close_notify", "HTTP/1.1 200 OK\r\n\r\nabc", 0, 1,
	  HP_DONE, 200, "abc" },
	{ "a close-delimited body cut without close_notify is truncated",
	  "HTTP/1.1 200 OK\r\n\r\nabc", 0, 2, HP_ERR, 200, NULL },
	{ "a body shorter than its Content-Length is truncated",
	  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 0, 1, HP_ERR, 200, NULL },
	{ "a chunked body cut mid-chunk is truncated",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, 1, HP_ERR, 200, NULL },
	{ "a chunked body without its last chunk is truncated",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", 0, 1, HP_ERR, 200,
	  NULL },
	{ "a duplicate Content-Length is refused",
	  "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 0, 0, HP_ERR, 200,
	  NULL },
	{ "a negative Content-Length is refused", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	  0, 0, HP_ERR, 200, NULL },
	{ "Content-Length with chunked is refused",
	  "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 0,
	  HP_ERR, 200, NULL },
	{ "a chunk size that overflows 64 bits is refused",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 0, 0,
	  HP_ERR, 200, NULL },
	{ "a Content-Length over the cap is refused before the body",
	  "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", 0, 0, HP_ERR, 200, NULL },
	{ "an unknown transfer coding is refused",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 0, HP_ERR, 200, NULL },
	{ "a malformed status line is refused", "HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, HP_ERR, 0, NULL },
	{ "a folded header is refused", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", 0, 0, HP_ERR,
	  200, NULL },
	{ "a NUL in a header line is refused", "HTTP/1.1 200 OK\r\nA: \0b\r\n\r\n", 0, 0, HP_ERR,
	  200, NULL },
	{ "a missing CRLF after chunk data is refused",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naX\r\n0\r\n\r\n", 0, 0, HP_ERR,
	  200, NULL },
};

/* Lengths: vectors may hold a NUL, so sizeof of a literal would be needed. */
static size_t
vlen(const struct vec *v)
{
	size_t n = strlen(v->bytes);

	if (strstr(v->name, "NUL") != NULL)
		n += 1 + strlen(v->bytes + n + 1);
	return n;
}

/* Feed bytes in pieces cut at the given offsets; returns the parser's verdict. */
static int
feed(const struct vec *v, size_t step, size_t split, struct http_response *r)
{
	struct http_parser *p = malloc(sizeof(*p));
	const unsigned char *b = (const unsigned char *)v->bytes;
	size_t len = vlen(v), off = 0, used, n;
	int st = HP_MORE;

	memset(r, 0, sizeof(*r));
	http_parser_init(p, r, v->head, HTTP_BODY_MAX);
	while (off < len && st == HP_MORE) {
		n = step ? step : (off < split ? split - off : len - off);
		if (n > len - off)
			n = len - off;
		st = http_parser_feed(p, b + off, n, &used);
		off += used;
	}
	if (st == HP_MORE)
		st = v->eof ? http_parser_eof(p, v->eof == 1) : HP_MORE;
	free(p);
	return st;
}

static int
check(const struct vec *v, int st, const struct http_response *r)
{
	if (st != v->want)
		return 0;
	if (v->want == HP_DONE && (r->status != v->status || r->body_len != strlen(v->body) ||
	    (r->body_len > 0 && memcmp(r->body, v->body, r->body_len) != 0)))
		return 0;
	return 1;
}

int
main(void)
{
	struct http_response r;
	struct http_url u;
	struct alter_err err;
	size_t i, k;
	int ok;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		ok = check(v, feed(v, 0, vlen(v), &r), &r);
		http_response_free(&r);
		CHECK(ok, "whole: %s", v->name);
		ok = check(v, feed(v, 1, 0, &r), &r);
		http_response_free(&r);
		CHECK(ok, "byte by byte: %s", v->name);
		ok = 1;
		for (k = 1; k < vlen(v) && ok; k++) {
			ok = check(v, feed(v, 0, k, &r), &r);
			http_response_free(&r);
		}
		CHECK(ok, "split at every offset: %s", v->name);
	}

	CHECK(http_retry_after("1", 0) == 1, "Retry-After in seconds is read");
	CHECK(http_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40) == 60,
	    "Retry-After as an HTTP-date is the wait from now");
	CHECK(http_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 400) == 0,
	    "an HTTP-date in the past means no wait");
	CHECK(http_retry_after("soon", 0) == -1, "junk Retry-After is ignored");
	CHECK(http_retry_after("-5", 0) == -1, "a negative Retry-After is ignored");
	CHECK(http_retry_after("Thu, 01 Foo 1970 00:01:40 GMT", 0) == -1,
	    "an HTTP-date with a bad month is ignored");

	CHECK(http_url_parse("https://api.alterauth.com", "t", &u, &err) == AX_OK &&
	    strcmp(u.host, "api.alterauth.com") == 0 && u.port == 443 && u.prefix[0] == '\0' &&
	    strcmp(u.hostport, "api.alterauth.com") == 0, "the default base URL parses");
	CHECK(http_url_parse("https://alter.corp.example:8443/api/", "t", &u, &err) == AX_OK &&
	    u.port == 8443 && strcmp(u.prefix, "/api") == 0 &&
	    strcmp(u.hostport, "alter.corp.example:8443") == 0,
	    "a port and a path prefix are kept, the trailing slash dropped");
	CHECK(http_url_parse("https://[::1]:8443", "t", &u, &err) == AX_OK &&
	    strcmp(u.host, "::1") == 0 && strcmp(u.hostport, "[::1]:8443") == 0,
	    "an IPv6 literal in brackets parses");
	CHECK(http_url_parse("http://x", "--base-url", &u, &err) == AX_USAGE &&
	    strstr(err.msg, "--base-url") != NULL, "http:// is refused naming the input");
	CHECK(http_url_parse("https://x:0", "t", &u, &err) == AX_USAGE, "port 0 is refused");
	CHECK(http_url_parse("https://x:65536", "t", &u, &err) == AX_USAGE,
	    "a port over 65535 is refused");
	CHECK(http_url_parse("https://u:p@x", "t", &u, &err) == AX_USAGE,
	    "credentials in the URL are refused");
	CHECK(http_url_parse("https://x/a b", "t", &u, &err) == AX_USAGE,
	    "a space in the path is refused");

	CHECK(http_status_exit(200) == AX_OK && http_status_exit(204) == AX_OK &&
	    http_status_exit(400) == AX_USAGE && http_status_exit(422) == AX_USAGE &&
	    http_status_exit(401) == AX_AUTH && http_status_exit(403) == AX_FORBIDDEN &&
	    http_status_exit(404) == AX_NOT_FOUND && http_status_exit(409) == AX_CONFLICT &&
	    http_status_exit(429) == AX_RATE_LIMIT && http_status_exit(500) == AX_ERROR &&
	    http_status_exit(302) == AX_ERROR && http_status_exit(101) == AX_ERROR,
	    "every status of the docs/api.md table maps to its exit code");
	return unit_done();
}
