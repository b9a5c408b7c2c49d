/*
 * http.h: HTTP/1.1 over tls.c, per docs/api.md sections 1 and 2: base URLs,
 * request headers, response framing (Content-Length, chunked, or end of
 * stream after close_notify), keep-alive, retries, the status to exit code
 * table.  Never prints; to it the token is an opaque header value.
 */
#ifndef ALTER_HTTP_H
#define ALTER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "net.h"
#include "tls.h"

#define HTTP_PREFIX_MAX	1024		/* path prefix of a base URL */
#define HTTP_LINE_MAX	8192		/* one status or header line */
#define HTTP_HEADERS_MAX 65536		/* the whole header block */
#define HTTP_BODY_MAX	(16u << 20)	/* notes: cap a body before parsing it */

struct http_url {
	char		host[NET_HOST_MAX + 1];	/* no brackets */
	unsigned	port;
	char		prefix[HTTP_PREFIX_MAX];	/* "" or "/api", no trailing '/' */
	char		hostport[NET_HOST_MAX + 10];	/* the Host header value */
};

/*
 * Parse an https:// URL with optional port and path prefix (docs/api.md 1).
 * what names the input ("--base-url") in the AX_USAGE message.
 */
enum alter_exit	http_url_parse(const char *url, const char *what, struct http_url *u,
		    struct alter_err *err);

struct http_response {
	int		 status;
	char		 request_id[128];
	char		 location[1024];
	char		 retry_after[128];
	unsigned char	*body;		/* NUL-terminated; owned, see http_response_free */
	size_t		 body_len;
	long		 refused_wait;	/* > 0: the server asked to wait this long, over the cap */
	int		 attempts;
};

void		http_response_free(struct http_response *);

/* The exit code for an HTTP status (docs/api.md section 2's table). */
enum alter_exit	http_status_exit(int status);

struct http_client {
	struct http_url		 url;
	struct tls_trust	*trust;
	const struct net_proxy	*proxy;		/* NULL: direct */
	int			 timeout_s;	/* per request, docs/api.md "Timeouts" */
	int			 max_retries;
	int			 retry_max_wait;
	const char		*auth;		/* the Authorization value, or NULL */
	const char		*user_agent;
	/* Called before each retry's wait (the library never prints): the wait,
	 * the status that caused it (0: no connection), the retry n of max. */
	void			(*on_retry)(void *arg, long wait_ms, int status, int n, int max);
	void			*on_retry_arg;
	/* state */
	struct tls_conn		*conn;
	unsigned		 conn_requests;	/* requests sent on conn */
	unsigned		 connects;	/* TLS connections opened in this run */
};

/*
 * Send one request (path relative to the base URL's prefix, with its query)
 * and read the whole response, with the retries of docs/api.md section 2.
 * Returns AX_OK when a complete response arrived, whatever its status;
 * otherwise AX_ERROR (network, TLS, timeout, truncation) with err filled and
 * resp empty.  with_auth adds the Authorization header.
 */
enum alter_exit	http_request(struct http_client *c, const char *method, const char *path,
		    const void *body, size_t body_len, int with_auth, struct http_response *resp,
		    struct alter_err *err);

/*
 * Append s[0..len) to buf (cap bytes, *n used so far) percent-encoded, all
 * but RFC 3986's unreserved characters; buf stays NUL-terminated.  Returns
 * 0, or -1 when it does not fit.
 */
int		http_pct_encode(char *buf, size_t cap, size_t *n, const char *s, size_t len);

/* Close the kept-alive connection, if any. */
void		http_client_close(struct http_client *c);

/* ---- the response parser, exposed for the unit tests and fuzzers ---- */

enum { HP_MORE, HP_DONE, HP_ERR };

struct http_parser {
	int			 state;
	int			 head_only;
	char			 line[HTTP_LINE_MAX];
	size_t			 line_len;
	size_t			 header_bytes;
	int			 have_length, chunked, conn_close, close_delimited;
	uint64_t		 remaining;
	size_t			 body_max;
	struct http_response	*resp;
	char			 err[160];
};

void	http_parser_init(struct http_parser *, struct http_response *resp, int head_only,
	    size_t body_max);
/* Feed bytes; *used says how many were consumed.  Returns HP_*. */
int	http_parser_feed(struct http_parser *, const unsigned char *buf, size_t len,
	    size_t *used);
/* The stream ended (clean: after close_notify).  Returns HP_DONE or HP_ERR. */
int	http_parser_eof(struct http_parser *, int clean);
/*
 * Parse a Retry-After value: delta-seconds (too large ones count as
 * 2147483647) or an HTTP-date in any of its three forms (RFC 9110 5.6.7),
 * as seconds to wait from now (0 for a date past); -1 for anything else.
 */
long	http_retry_after(const char *value, long now);

#endif
