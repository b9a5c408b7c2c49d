/*
 * http.c: HTTP/1.1 requests over tls.c; see http.h.  Covers
 * docs/api.md section 1 (base URL, headers, keep-alive) and section 2 (status
 * table, retries, redirects left to the caller, the one re-send on a stale
 * kept-alive connection).  Responses are parsed by http_parse.c (framing,
 * Retry-After).  Never prints, never inspects the Authorization value it
 * is given.
 */
#include <sys/random.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"

/* docs/api.md section 2: HTTP status to exit code. */
static const struct {
	int		 lo, hi;
	enum alter_exit	 code;
} status_exits[] = {
	{ 200, 299, AX_OK },
	{ 400, 400, AX_USAGE },
	{ 422, 422, AX_USAGE },
	{ 401, 401, AX_AUTH },
	{ 403, 403, AX_FORBIDDEN },
	{ 404, 404, AX_NOT_FOUND },
	{ 409, 409, AX_CONFLICT },
	{ 429, 429, AX_RATE_LIMIT },
};

enum alter_exit
http_status_exit(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_exits) / sizeof(status_exits[0]); i++)
		if (status >= status_exits[i].lo && status <= status_exits[i].hi)
			return status_exits[i].code;
	return AX_ERROR;
}

/* docs/api.md section 2: which statuses are retried for which methods. */
static const struct {
	const char	*method;
	int		 idempotent;
	int		 statuses[4];
} retry_rules[] = {
	{ "GET",    1, { 429, 502, 503, 504 } },
	{ "HEAD",   1, { 429, 502, 503, 504 } },
	{ "PUT",    1, { 429, 502, 503, 504 } },
	{ "DELETE", 1, { 429, 502, 503, 504 } },
	{ "POST",   0, { 429 } },
	{ "PATCH",  0, { 429 } },
};

static int
rule_for(const char *method)
{
	int i;

	for (i = 0; i < (int)(sizeof(retry_rules) / sizeof(retry_rules[0])); i++)
		if (strcmp(retry_rules[i].method, method) == 0)
			return i;
	return -1;
}

static int
retryable_status(const char *method, int status)
{
	int r = rule_for(method), k;

	for (k = 0; r >= 0 && k < 4; k++)
		if (retry_rules[r].statuses[k] == status)
			return 1;
	return 0;
}

/* ---- URLs ---- */

/*
 * The host of url, s[0..path) after "https://", into u->host (brackets of
 * an IPv6 literal removed); *ps points past it.
 */
static enum alter_exit
url_host(const char *url, const char *what, const char *s, const char *path,
    struct http_url *u, const char **ps, struct alter_err *err)
{
	const char *hs, *he;
	size_t hl, i;
	unsigned char c;

	if (*s == '[') {
		hs = s + 1;
		he = memchr(hs, ']', (size_t)(path - hs));
		if (he == NULL)
			return alter_fail(err, AX_USAGE, "%s '%s': unclosed '['", what, url);
		*ps = he + 1;
	} else {
		hs = s;
		he = memchr(s, ':', (size_t)(path - s));
		if (he == NULL)
			he = path;
		*ps = he;
	}
	hl = (size_t)(he - hs);
	if (hl == 0 || hl > NET_HOST_MAX)
		return alter_fail(err, AX_USAGE, "%s '%s': bad host", what, url);
	/* "localhost." names localhost: resolve, send SNI and match without the dot. */
	if (*s != '[' && hs[hl - 1] == '.' && --hl == 0)
		return alter_fail(err, AX_USAGE, "%s '%s': bad host", what, url);
	memcpy(u->host, hs, hl);
	for (i = 0; i < hl; i++) {
		c = (unsigned char)u->host[i];
		if (!(isalnum(c) || c == '-' || c == '.' || c == '_' || (*s == '[' && c == ':')))
			return alter_fail(err, AX_USAGE, "%s '%s': bad host", what, url);
	}
	return AX_OK;
}

/* The port of url, ps[0..path): "" (443) or ":" and 1 to 65535. */
static enum alter_exit
url_port(const char *url, const char *what, const char *ps, const char *path,
    unsigned long *port, struct alter_err *err)
{
	char *end;

	*port = 443;
	if (ps == path)
		return AX_OK;
	if (*ps != ':' || ps + 1 == path || !isdigit((unsigned char)ps[1]))
		return alter_fail(err, AX_USAGE, "%s '%s': bad port", what, url);
	*port = strtoul(ps + 1, &end, 10);
	if (end != path || *port == 0 || *port > 65535)
		return alter_fail(err, AX_USAGE, "%s '%s': bad port", what, url);
	return AX_OK;
}

/* The path prefix of url, path without trailing slashes, into u->prefix. */
static enum alter_exit
url_prefix(const char *url, const char *what, const char *path, struct http_url *u,
    struct alter_err *err)
{
	size_t i, pl;

	pl = strlen(path);
	while (pl > 0 && path[pl - 1] == '/')
		pl--;
	if (pl >= sizeof(u->prefix))
		return alter_fail(err, AX_USAGE, "%s '%s': path too long", what, url);
	for (i = 0; i < pl; i++)
		if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f)
			return alter_fail(err, AX_USAGE, "%s '%s': bad character in the path",
			    what, url);
	memcpy(u->prefix, path, pl);
	return AX_OK;
}

enum alter_exit
http_url_parse(const char *url, const char *what, struct http_url *u, struct alter_err *err)
{
	const char *s, *ps = NULL, *path, *lb, *rb;
	unsigned long port;
	enum alter_exit rc;

	memset(u, 0, sizeof(*u));
	/* docs/cli.md 1: user:password@ is refused, and never echoed. */
	s = strstr(url, "://") ? strstr(url, "://") + 3 : url;
	if (memchr(s, '@', strcspn(s, "/")) != NULL)
		return alter_fail(err, AX_USAGE, "%s must not carry user information "
		    "(user:password@); the URL is not shown", what);
	if (strncmp(url, "https://", 8) != 0)
		return alter_fail(err, AX_USAGE, "%s '%s' must start with https://", what, url);
	s = url + 8;
	path = s + strcspn(s, "/?#");
	if (*path == '?' || *path == '#')
		return alter_fail(err, AX_USAGE, "%s '%s' must not carry a query or fragment",
		    what, url);
	if ((rc = url_host(url, what, s, path, u, &ps, err)) != AX_OK ||
	    (rc = url_port(url, what, ps, path, &port, err)) != AX_OK)
		return rc;
	u->port = (unsigned)port;
	if ((rc = url_prefix(url, what, path, u, err)) != AX_OK)
		return rc;
	lb = *s == '[' ? "[" : "";
	rb = *s == '[' ? "]" : "";
	if (port == 443)
		snprintf(u->hostport, sizeof(u->hostport), "%s%s%s", lb, u->host, rb);
	else
		snprintf(u->hostport, sizeof(u->hostport), "%s%s%s:%u", lb, u->host, rb,
		    u->port);
	return AX_OK;
}

int
http_pct_encode(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (*n + 4 >= cap)
			return -1;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			buf[(*n)++] = (char)ch;
		} else {
			buf[(*n)++] = '%';
			buf[(*n)++] = hex[ch >> 4];
			buf[(*n)++] = hex[ch & 15];
		}
	}
	buf[*n] = '\0';
	return 0;
}

/* ---- requests ---- */

void
http_client_close(struct http_client *c)
{
	tls_close(c->conn);
	c->conn = NULL;
	c->conn_requests = 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Full jitter: a random wait in [0, 500 ms * 2^attempt). */
static long
backoff_ms(int attempt)
{
	uint32_t r = 0;
	long cap = 500L << (attempt > 6 ? 6 : attempt);

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)time(NULL);
	return (long)(r % (uint32_t)cap);
}

/*
 * Build the request bytes in a fresh buffer (wiped and freed by the caller).
 */
static char *
build_request(const struct http_client *c, const char *method, const char *path,
    const void *body, size_t blen, int with_auth, size_t *outlen, struct alter_err *err)
{
	size_t cap = 1024 + strlen(method) + strlen(c->url.prefix) + strlen(path) +
	    (c->auth ? strlen(c->auth) : 0) + strlen(c->url.hostport) +
	    strlen(c->user_agent) + blen;
	char *buf;
	int n;

	for (const char *s = path; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f) {
			alter_fail(err, AX_USAGE, "path '%s' has a character that must be "
			    "percent-encoded", path);
			return NULL;
		}
	if ((buf = malloc(cap)) == NULL) {
		alter_fail(err, AX_ERROR, "out of memory");
		return NULL;
	}
	n = snprintf(buf, cap,
	    "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: application/json\r\n"
	    "%s%s%s",
	    method, c->url.prefix, path, c->url.hostport, c->user_agent,
	    with_auth && c->auth ? "Authorization: " : "", with_auth && c->auth ? c->auth : "",
	    with_auth && c->auth ? "\r\n" : "");
	if (n > 0 && body != NULL)
		n += snprintf(buf + n, cap - (size_t)n,
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
	if (n > 0)
		n += snprintf(buf + n, cap - (size_t)n, "\r\n");
	if (n < 0 || (size_t)n + blen >= cap) {
		explicit_bzero(buf, cap);
		free(buf);
		alter_fail(err, AX_ERROR, "request too large");
		return NULL;
	}
	if (blen > 0)
		memcpy(buf + n, body, blen);
	*outlen = (size_t)n + blen;
	return buf;
}

/*
 * A step that failed at the deadline: say which phase timed out, the limit
 * and what sets it (docs/api.md "Timeouts").
 */
static void
timed_out(const struct http_client *c, const char *phase, int64_t deadline,
    struct alter_err *err)
{
	if (net_now_ms() >= deadline)
		alter_fail(err, AX_ERROR, "timed out %s %s:%u after %d s (--timeout or "
		    "ALTER_TIMEOUT sets the limit)", phase, c->url.host, c->url.port,
		    c->timeout_s);
}

/*
 * Open a connection if c has none.  Returns 0, or -1 with err filled and
 * *connect_failed set when a retry may help.
 */
static int
ensure_conn(struct http_client *c, int64_t deadline, int *connect_failed,
    struct alter_err *err)
{
	int retryable, fd;

	if (c->conn != NULL)
		return 0;
	fd = net_connect(c->url.host, c->url.port, c->proxy, deadline, &retryable, err);
	if (fd < 0) {
		*connect_failed = retryable;
		timed_out(c, "connecting to", deadline, err);
		return -1;
	}
	if ((c->conn = tls_connect(fd, c->url.host, c->trust, deadline, err)) == NULL) {
		timed_out(c, "in the TLS handshake with", deadline, err);
		return -1;
	}
	c->connects++;
	c->conn_requests = 0;
	return 0;
}

/*
 * Feed p from the connection until the response is complete or the stream
 * stops.  *got counts the bytes read, *r is the last tls_read() result.
 * Returns HP_*.
 */
static int
read_response(struct http_client *c, struct http_parser *p, int64_t deadline,
    size_t *got, ssize_t *r, struct alter_err *err)
{
	unsigned char buf[16384];
	size_t used;
	int st = HP_MORE;

	*got = 0;
	*r = 0;
	while (st == HP_MORE) {
		*r = tls_read(c->conn, buf, sizeof(buf), deadline, err);
		if (*r <= 0)
			break;
		*got += (size_t)*r;
		st = http_parser_feed(p, buf, (size_t)*r, &used);
		if (st == HP_DONE && used != (size_t)*r)
			p->conn_close = 1;	/* bytes after the response: do not reuse */
	}
	return st;
}

/*
 * One exchange on the current or a new connection.  *connect_failed tells
 * the caller that nothing was sent and the connection could not be made
 * (docs/api.md: retried for every method; a proxy's refusal is not).
 */
static enum alter_exit
exchange(struct http_client *c, const char *method, const char *req, size_t reqlen,
    int64_t deadline, struct http_response *resp, int *connect_failed, struct alter_err *err)
{
	struct http_parser *p;
	int tries, idem = rule_for(method) >= 0 && retry_rules[rule_for(method)].idempotent;
	enum alter_exit rc = AX_ERROR;

	*connect_failed = 0;
	if ((p = malloc(sizeof(*p))) == NULL)
		return alter_fail(err, AX_ERROR, "out of memory");
	for (tries = 0; tries < 2; tries++) {
		int reused = c->conn != NULL, st;
		size_t got;
		ssize_t r;

		if (ensure_conn(c, deadline, connect_failed, err) != 0)
			break;
		c->conn_requests++;
		http_response_free(resp);
		http_parser_init(p, resp, strcmp(method, "HEAD") == 0, HTTP_BODY_MAX);
		if (tls_write(c->conn, req, reqlen, deadline, err) != 0) {
			http_client_close(c);
			if (reused && idem && tries == 0)
				continue;
			timed_out(c, "sending to", deadline, err);
			break;
		}
		st = read_response(c, p, deadline, &got, &r, err);
		/*
		 * docs/api.md: a request on a kept-alive connection that fails before
		 * any response byte (the server closed it while idle) is sent
		 * once more on a fresh connection, if idempotent and in time.
		 */
		if (st == HP_MORE && got == 0 && reused && idem && tries == 0 &&
		    net_now_ms() < deadline) {
			http_client_close(c);
			continue;
		}
		if (st == HP_MORE && r == TLS_ERR) {
			http_client_close(c);
			timed_out(c, "waiting for the answer from", deadline, err);
			break;
		}
		if (st == HP_MORE)
			st = http_parser_eof(p, r == TLS_EOF);
		if (st == HP_ERR) {
			http_client_close(c);
			alter_fail(err, AX_ERROR, "response from %s: %s", c->url.host, p->err);
			break;
		}
		if (p->conn_close)
			http_client_close(c);
		rc = AX_OK;
		break;
	}
	free(p);
	if (rc != AX_OK)
		http_response_free(resp);
	return rc;
}

/* Tell the caller (on_retry), then wait before retry attempt + 1. */
static void
retry_wait(const struct http_client *c, long ms, int status, int attempt)
{
	if (c->on_retry != NULL)
		c->on_retry(c->on_retry_arg, ms, status, attempt + 1, c->max_retries);
	sleep_ms(ms);
}

enum alter_exit
http_request(struct http_client *c, const char *method, const char *path, const void *body,
    size_t blen, int with_auth, struct http_response *resp, struct alter_err *err)
{
	enum alter_exit rc;
	size_t reqlen = 0;
	char *req;
	int attempt, connect_failed;
	long wait;

	memset(resp, 0, sizeof(*resp));
	if ((req = build_request(c, method, path, body, blen, with_auth, &reqlen, err)) == NULL)
		return err->code;
	for (attempt = 0;; attempt++) {
		int64_t deadline = net_now_ms() + (int64_t)c->timeout_s * 1000;

		rc = exchange(c, method, req, reqlen, deadline, resp, &connect_failed, err);
		resp->attempts = attempt + 1;
		if (rc != AX_OK) {
			if (connect_failed && attempt < c->max_retries) {
				retry_wait(c, backoff_ms(attempt), 0, attempt);
				continue;
			}
			break;
		}
		if (!retryable_status(method, resp->status) || attempt >= c->max_retries)
			break;
		wait = resp->retry_after[0] ? http_retry_after(resp->retry_after, time(NULL)) : -1;
		if (wait > c->retry_max_wait) {
			resp->refused_wait = wait;
			break;
		}
		retry_wait(c, wait >= 0 ? wait * 1000 : backoff_ms(attempt), resp->status, attempt);
		http_response_free(resp);
	}
	explicit_bzero(req, reqlen);
	free(req);
	return rc;
}
