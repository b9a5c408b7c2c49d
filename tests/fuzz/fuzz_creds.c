/*
 * fuzz_creds.c: the token reader (creds_parse, the one reading rule of
 * docs/cli.md 2.2 behind every channel) and the auth.toml reader
 * (creds_store_parse, which creds_store_load runs on the file's bytes),
 * each on the input in an exact-size buffer.  An accepted token must be a
 * well-formed PAT; a refused one must leave the output wiped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "creds.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
well_formed(const struct creds_token *t)
{
	size_t i;

	if (t->len <= CREDS_PREFIX_LEN || t->len > CREDS_TOKEN_MAX || t->value[t->len] != '\0' ||
	    memcmp(t->value, CREDS_PREFIX, CREDS_PREFIX_LEN) != 0)
		return 0;
	for (i = CREDS_PREFIX_LEN; i < t->len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
		    t->value[i]) == NULL)
			return 0;
	return 1;
}

static int
wiped(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct creds_store st;
	struct creds_token tok;
	struct alter_err err;
	char mask[CREDS_MASK_SIZE];
	unsigned char *buf;

	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);

	memset(&tok, 0x55, sizeof(tok));
	memset(&err, 0, sizeof(err));
	if (creds_parse(buf, size, "fuzz input", &tok, &err) == AX_OK) {
		if (!well_formed(&tok))
			abort();
		creds_mask(&tok, mask, sizeof(mask));
		if (strncmp(mask, "alter_pat_...", 13) != 0 || strlen(mask) > 17)
			abort();
	} else if (!wiped(&tok, sizeof(tok)) || err.code != AX_USAGE || err.msg[0] == '\0') {
		abort();
	}
	creds_wipe(&tok);

	memset(&st, 0, sizeof(st));
	memset(&err, 0, sizeof(err));
	if (creds_store_parse(buf, size, "'auth.toml'", &st, &err) == AX_OK) {
		if (st.n == 0 || st.n > CREDS_STORE_HOSTS ||
		    memchr(st.default_url, '\0', sizeof(st.default_url)) == NULL)
			abort();
		for (size_t i = 0; i < st.n; i++)
			if (!well_formed(&st.entries[i].token) ||
			    memchr(st.entries[i].base_url, '\0', CREDS_URL_MAX) == NULL ||
			    memchr(st.entries[i].saved_at, '\0', 64) == NULL)
				abort();
	} else if (!wiped(st.entries, sizeof(st.entries)) || err.code != AX_AUTH) {
		abort();
	}
	creds_store_wipe(&st);
	free(buf);
	return 0;
}
