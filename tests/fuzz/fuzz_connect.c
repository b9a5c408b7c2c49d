/*
 * fuzz_connect.c: the proxy side of net.c.  net_parse_connect_reply is
 * called as tunnel() calls it, on every prefix of the answer as bytes
 * arrive, in a buffer that ends where the bytes end; once a prefix holds
 * a complete answer, the result must not change.  net_proxy_for gets the
 * input split at newlines into host, proxy URL and no_proxy, as cli.c
 * hands them over from the environment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
connect_reply(const uint8_t *data, size_t size)
{
	long first = 0, r;
	int status = 0, st, first_status = 0;
	size_t k;
	char *buf;

	for (k = 1; k <= size; k++) {
		if ((buf = malloc(k)) == NULL)
			return;
		memcpy(buf, data, k);
		st = -1;
		r = net_parse_connect_reply(buf, k, &st);
		free(buf);
		if (r > (long)k || r < -1)
			abort();
		if (r > 0 && (st < 100 || st > 599))
			abort();
		if (first == 0 && r != 0) {
			first = r;
			first_status = st;
			/* tunnel() stops at the first complete (or malformed) answer. */
		} else if (first > 0 && (r != first || st != first_status)) {
			abort();
		}
		(void)status;
	}
}

static void
proxy_for(const uint8_t *data, size_t size)
{
	char *s, *host, *url, *no_proxy, *nl;
	struct net_proxy p;
	struct alter_err err;
	int use = -1;

	if ((s = malloc(size + 1)) == NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	host = s;
	url = no_proxy = NULL;
	if ((nl = strchr(host, '\n')) != NULL) {
		*nl = '\0';
		url = nl + 1;
		if ((nl = strchr(url, '\n')) != NULL) {
			*nl = '\0';
			no_proxy = nl + 1;
		}
	}
	memset(&err, 0, sizeof(err));
	if (net_proxy_for(host, url, "https_proxy", no_proxy, &p, &use, &err) == AX_OK) {
		if (use != 0 && use != 1)
			abort();
		if (use && (p.port == 0 || p.port > 65535 || p.host[0] == '\0' ||
		    strlen(p.host) > NET_HOST_MAX || memchr(p.auth, '\0', sizeof(p.auth)) == NULL))
			abort();
	} else if (use != 0 || err.msg[0] == '\0') {
		abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 'P') {
		proxy_for(data + 1, size - 1);
		return 0;
	}
	connect_reply(data, size);
	return 0;
}
