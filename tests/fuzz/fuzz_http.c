/*
 * fuzz_http.c: the HTTP response parser (http.c) as exchange() drives it:
 * http_parser_init with HTTP_BODY_MAX, http_parser_feed once per read,
 * http_parser_eof when the stream ends, then http_retry_after on the
 * Retry-After value.  The first input byte picks the options (HEAD, a
 * small body cap, a clean or a raw end of stream); the rest is the
 * response, fed whole and then split at every byte position.  Every split
 * must give the same result as the whole feed, byte for byte.
 *
 * With FUZZ_CHUNKED defined (fuzz_chunked.c) a fixed head announcing
 * chunked framing comes first, so that the input is all chunk decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define CHUNKED_HEAD	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

struct result {
	int			 st;
	struct http_response	 resp;
};

/* Feed head (may be empty), then data[0..cut) and data[cut..len) as two reads. */
static void
run(const unsigned char *head, size_t hlen, const unsigned char *data, size_t len, size_t cut,
    unsigned opts, struct result *out)
{
	static struct http_parser p;
	const unsigned char *piece[3] = { head, data, data + cut };
	size_t plen[3] = { hlen, cut, len - cut }, used, i;
	int st = HP_MORE;

	memset(out, 0, sizeof(*out));
	http_parser_init(&p, &out->resp, opts & 1, opts & 2 ? 64 : HTTP_BODY_MAX);
	for (i = 0; i < 3 && st == HP_MORE; i++) {
		if (plen[i] == 0)
			continue;
		st = http_parser_feed(&p, piece[i], plen[i], &used);
		if (used > plen[i])
			abort();
		if (st == HP_MORE && used != plen[i])
			abort();
	}
	if (st == HP_MORE)
		st = http_parser_eof(&p, !(opts & 4));
	if (st != HP_DONE && st != HP_ERR)
		abort();
	if (out->resp.body != NULL && out->resp.body[out->resp.body_len] != '\0')
		abort();
	out->st = st;
	if (st == HP_DONE && out->resp.retry_after[0] != '\0') {
		long w = http_retry_after(out->resp.retry_after, 1700000000L);

		if (w < -1)
			abort();
	}
}

static void
same(const struct result *a, const struct result *b)
{
	if (a->st != b->st)
		abort();
	if (a->st != HP_DONE)
		return;
	if (a->resp.status != b->resp.status || a->resp.body_len != b->resp.body_len ||
	    strcmp(a->resp.location, b->resp.location) != 0 ||
	    strcmp(a->resp.retry_after, b->resp.retry_after) != 0 ||
	    strcmp(a->resp.request_id, b->resp.request_id) != 0)
		abort();
	if (a->resp.body_len > 0 && memcmp(a->resp.body, b->resp.body, a->resp.body_len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, split;
#ifdef FUZZ_CHUNKED
	const unsigned char *head = (const unsigned char *)CHUNKED_HEAD;
	size_t hlen = sizeof(CHUNKED_HEAD) - 1;
#else
	const unsigned char *head = NULL;
	size_t hlen = 0;
#endif
	unsigned char *copy;
	unsigned opts;
	size_t cut;

	if (size == 0)
		return 0;
	opts = data[0];
	data++;
	size--;
	/* An exact-size copy, so that a read past the end is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	run(head, hlen, copy, size, size, opts, &whole);
	for (cut = 0; cut < size; cut++) {
		run(head, hlen, copy, size, cut, opts, &split);
		same(&whole, &split);
		http_response_free(&split.resp);
	}
	http_response_free(&whole.resp);

	/* The Retry-After parser on its own, with the input as the value. */
	{
		char v[256];
		size_t n = size < sizeof(v) - 1 ? size : sizeof(v) - 1;

		memcpy(v, copy, n);
		v[n] = '\0';
		if (http_retry_after(v, 1700000000L) < -1)
			abort();
	}
	free(copy);
	return 0;
}
