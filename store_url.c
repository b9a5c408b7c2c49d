/*
 * store_url.c: the key of an auth.toml entry (docs/cli.md 2.1): a base URL
 * normalised, the lookup of an entry by it, and the wipe of a store.  See
 * store.h.  Nothing here prints, exits or allocates.
 */
#include <stddef.h>
#include <string.h>

#include "store.h"

/* ASCII lower case, whatever the locale. */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Append n bytes of s to out (lower-cased if low); -1 if it does not fit. */
static int
put(char *out, size_t outlen, size_t *o, const char *s, size_t n, int low)
{
	size_t i;

	if (*o + n >= outlen)
		return -1;
	for (i = 0; i < n; i++)
		out[(*o)++] = low ? lower(s[i]) : s[i];
	out[*o] = '\0';
	return 0;
}

int
creds_url_norm(const char *url, char *out, size_t outlen)
{
	const char *sep = strstr(url, "://"), *h, *hend, *port = NULL, *c;
	size_t o = 0, slen;

	if (outlen > 0)
		out[0] = '\0';
	if (sep == NULL || sep == url)
		return -1;
	slen = (size_t)(sep - url);
	h = sep + 3;
	/* docs/cli.md 1: a base URL with user:password@ is no key (and never shown). */
	if (memchr(h, '@', strcspn(h, "/")) != NULL)
		return -1;
	hend = h + strcspn(h, "/?#");
	for (c = hend; c > h && c[-1] != ']' && c[-1] != ':'; c--)
		;
	if (c > h && c[-1] == ':')
		port = c;
	c = port != NULL ? port - 1 : hend;
	if (c > h && c[-1] == '.')
		c--;
	if (c == h || put(out, outlen, &o, url, slen + 3, 1) == -1 ||
	    put(out, outlen, &o, h, (size_t)(c - h), 1) == -1)
		goto fail;
	if (port != NULL && hend > port && !(slen == 5 &&
	    strncmp(out, "https", 5) == 0 && hend - port == 3 &&
	    strncmp(port, "443", 3) == 0) &&
	    put(out, outlen, &o, port - 1, (size_t)(hend - port) + 1, 0) == -1)
		goto fail;
	if (put(out, outlen, &o, hend, strlen(hend), 0) == -1)
		goto fail;
	while (o > 0 && out[o - 1] == '/')
		out[--o] = '\0';
	return 0;
fail:
	if (outlen > 0)
		out[0] = '\0';
	return -1;
}

const struct creds_entry *
creds_store_find(const struct creds_store *st, const char *url)
{
	char norm[CREDS_URL_MAX];
	size_t i;

	if (creds_url_norm(url, norm, sizeof(norm)) == -1)
		return NULL;
	for (i = 0; i < st->n; i++)
		if (strcmp(st->entries[i].base_url, norm) == 0)
			return &st->entries[i];
	return NULL;
}

void
creds_store_wipe(struct creds_store *st)
{
	explicit_bzero(st, sizeof(*st));
}
