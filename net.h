/*
 * net.h: a connected TCP socket to host:port within a deadline (docs/api.md
 * section 1: localhost names without /etc/hosts, every address in turn, at
 * most 10 s each), directly or through an HTTP CONNECT proxy tunnel
 * (docs/api.md section 2).  Never prints; never sees TLS.
 */
#ifndef ALTER_NET_H
#define ALTER_NET_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define NET_HOST_MAX 255	/* RFC 1035 name length; also BearSSL's SNI cap */

/* Monotonic clock in milliseconds. */
int64_t		net_now_ms(void);

/*
 * An http:// proxy from https_proxy/HTTPS_PROXY/all_proxy/ALL_PROXY.
 * auth is "user:pass" (percent-decoded) or empty.
 */
struct net_proxy {
	char		host[NET_HOST_MAX + 1];
	unsigned	port;
	char		auth[512];
};

/*
 * Decide whether host must go through a proxy.  proxy_url is the first set
 * proxy variable (NULL: none), no_proxy the no_proxy/NO_PROXY value.
 * Returns AX_OK with *use = 1 and p filled, or *use = 0 for a direct
 * connection; AX_USAGE naming the variable when proxy_url is malformed.
 */
enum alter_exit	net_proxy_for(const char *host, const char *proxy_url, const char *proxy_var,
		    const char *no_proxy, struct net_proxy *p, int *use, struct alter_err *err);

/*
 * Connect to host:port (an IP literal or a name; brackets already removed),
 * through proxy when it is not NULL.  Returns a connected non-blocking
 * socket, or -1 with err filled (AX_ERROR).  On failure *retryable says
 * whether it is a connect failure that docs/api.md section 2 retries: 1 for
 * DNS, TCP and timeouts, and for a proxy's 502, 503 or 504; 0 when the
 * proxy refused the tunnel (407, 403, ...).
 */
int		net_connect(const char *host, unsigned port, const struct net_proxy *proxy,
		    int64_t deadline_ms, int *retryable, struct alter_err *err);

/*
 * Wait until fd is readable (events POLLIN) or writable (POLLOUT) or the
 * deadline passes.  Returns 1 when ready, 0 on timeout, -1 on error.
 */
int		net_wait(int fd, short events, int64_t deadline_ms);

/*
 * Parse a proxy's answer to CONNECT from buf[0..len).  Returns the number
 * of bytes of the complete header block (status line through the empty
 * line) with *status set, 0 if more bytes are needed, -1 if malformed.
 */
long		net_parse_connect_reply(const char *buf, size_t len, int *status);

#endif
