/*
 * net.c: name resolution, one bounded connect attempt per address, and the
 * CONNECT tunnel through an HTTP proxy; see net.h.  Owns docs/api.md section 1
 * (names, every address, 10 s per attempt) and section 2 (proxies).
 * Never prints, never sees TLS or the token.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

#define CONNECT_ATTEMPT_MS	10000	/* docs/api.md section 2: at most 10 s per address */
#define CONNECT_REPLY_MAX	16384	/* cap on a proxy's answer headers */
#define ADDRS_MAX		16

int64_t
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
net_wait(int fd, short events, int64_t deadline_ms)
{
	struct pollfd pfd;
	int64_t left;
	int r;

	for (;;) {
		left = deadline_ms - net_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* The resolver's failure r in words a user can act on. */
static const char *
resolve_reason(int r)
{
	static const struct {
		int		 code;
		const char	*words;
	} reasons[] = {
		{ EAI_NONAME, "no such host; check the base URL's spelling" },
		{ EAI_AGAIN, "the DNS server did not answer; check the network and "
		  "/etc/resolv.conf, then try again" },
		{ EAI_FAIL, "the DNS server failed; check /etc/resolv.conf" },
	};
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == r)
			return reasons[i].words;
	return r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r);
}

/* RFC 6761: localhost and *.localhost are loopback, without any lookup. */
static int
is_localhost_name(const char *host)
{
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	return n > 10 && strcasecmp(host + n - 10, ".localhost") == 0;
}

static int
is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (is_localhost_name(host))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

struct addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

static int
resolve(const char *host, unsigned port, struct addr *out, int max, struct alter_err *err)
{
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;
	struct addrinfo hints, *res, *ai;
	char sport[8];
	int n = 0, r;

	memset(out, 0, sizeof(*out) * (size_t)max);
	if (is_localhost_name(host)) {
		s4 = (struct sockaddr_in *)&out[0].ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		out[0].len = sizeof(*s4);
		s6 = (struct sockaddr_in6 *)&out[1].ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		s6->sin6_addr = in6addr_loopback;
		out[1].len = sizeof(*s6);
		return 2;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(sport, sizeof(sport), "%u", port);
	if ((r = getaddrinfo(host, sport, &hints, &res)) != 0) {
		alter_fail(err, AX_ERROR, "cannot resolve %s: %s", host, resolve_reason(r));
		return -1;
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out[n].ss))
			continue;
		memcpy(&out[n].ss, ai->ai_addr, ai->ai_addrlen);
		out[n].len = ai->ai_addrlen;
		n++;
	}
	freeaddrinfo(res);
	if (n == 0)
		alter_fail(err, AX_ERROR, "cannot resolve host '%s': no address", host);
	return n > 0 ? n : -1;
}

/* One bounded attempt; returns the socket or -1 with errno set. */
static int
attempt(const struct addr *a, int64_t deadline_ms)
{
	int fd, e, one = 1;
	socklen_t elen = sizeof(e);
	int64_t until = net_now_ms() + CONNECT_ATTEMPT_MS;

	if (until > deadline_ms)
		until = deadline_ms;
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		switch (net_wait(fd, POLLOUT, until)) {
		case 0:
			errno = ETIMEDOUT;
			goto fail;
		case -1:
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
connect_direct(const char *host, unsigned port, int64_t deadline_ms, const char *what,
    struct alter_err *err)
{
	struct addr addrs[ADDRS_MAX];
	int n, i, fd, e = 0;

	if ((n = resolve(host, port, addrs, ADDRS_MAX, err)) < 0)
		return -1;
	for (i = 0; i < n && net_now_ms() < deadline_ms; i++) {
		if ((fd = attempt(&addrs[i], deadline_ms)) >= 0)
			return fd;
		e = errno;
	}
	if (e == 0)
		e = ETIMEDOUT;
	alter_fail(err, AX_ERROR, "cannot connect to %s%s:%u: %s (%d address%s tried)",
	    what, host, port, e == ETIMEDOUT ? "timed out" : strerror(e), i, i == 1 ? "" : "es");
	return -1;
}

static const char B64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*out++ = B64[p[i] >> 2];
		*out++ = B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = B64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*out++ = B64[p[i + 2] & 63];
	}
	if (i < len) {
		*out++ = B64[p[i] >> 2];
		if (i + 1 < len) {
			*out++ = B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*out++ = B64[(p[i + 1] & 15) << 2];
		} else {
			*out++ = B64[(p[i] & 3) << 4];
			*out++ = '=';
		}
		*out++ = '=';
	}
	*out = '\0';
}

long
net_parse_connect_reply(const char *buf, size_t len, int *status)
{
	size_t i, eol;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			break;
		if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			i += 2;
			break;
		}
	}
	if (i + 1 >= len)
		return len > CONNECT_REPLY_MAX ? -1 : 0;
	for (eol = 0; eol < i && buf[eol] != '\r' && buf[eol] != '\n'; eol++)
		;
	if (eol < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ' || buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9' || (eol > 12 && buf[12] != ' '))
		return -1;
	*status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	return (long)(i + 2);
}

static int
send_all(int fd, const char *p, size_t len, int64_t deadline_ms)
{
	ssize_t w;

	while (len > 0) {
		w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (net_wait(fd, POLLOUT, deadline_ms) != 1) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Send the CONNECT request for host:port to the proxy px on fd. */
static int
send_connect(int fd, const char *host, unsigned port, const struct net_proxy *px,
    int64_t deadline_ms, struct alter_err *err)
{
	char req[2048], cred[700];
	const char *lb = strchr(host, ':') ? "[" : "", *rb = strchr(host, ':') ? "]" : "";
	int n;
	ssize_t r;

	if (px->auth[0] != '\0')
		base64(px->auth, strlen(px->auth), cred);
	n = snprintf(req, sizeof(req),
	    "CONNECT %s%s%s:%u HTTP/1.1\r\nHost: %s%s%s:%u\r\n%s%s%s\r\n",
	    lb, host, rb, port, lb, host, rb, port,
	    px->auth[0] ? "Proxy-Authorization: Basic " : "", px->auth[0] ? cred : "",
	    px->auth[0] ? "\r\n" : "");
	explicit_bzero(cred, sizeof(cred));
	if (n < 0 || (size_t)n >= sizeof(req)) {
		explicit_bzero(req, sizeof(req));
		alter_fail(err, AX_ERROR, "proxy request to %s:%u is too long", px->host, px->port);
		return -1;
	}
	r = send_all(fd, req, (size_t)n, deadline_ms);
	explicit_bzero(req, sizeof(req));
	if (r != 0) {
		alter_fail(err, AX_ERROR, "proxy %s:%u: %s", px->host, px->port, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the proxy's answer to CONNECT into reply (CONNECT_REPLY_MAX bytes),
 * *got bytes.  Returns the length of its header block with *status set, or
 * -1 when malformed or too long; -2 with err filled when it did not come.
 */
static long
read_connect_reply(int fd, const struct net_proxy *px, int64_t deadline_ms, char *reply,
    size_t *got, int *status, struct alter_err *err)
{
	long hdr = 0;
	ssize_t r;

	*got = 0;
	while (hdr == 0) {
		if (*got >= CONNECT_REPLY_MAX)
			return -1;
		if (net_wait(fd, POLLIN, deadline_ms) != 1) {
			alter_fail(err, AX_ERROR, "proxy %s:%u did not answer CONNECT in time",
			    px->host, px->port);
			return -2;
		}
		r = recv(fd, reply + *got, CONNECT_REPLY_MAX - *got, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			alter_fail(err, AX_ERROR, "proxy %s:%u closed the connection during CONNECT",
			    px->host, px->port);
			return -2;
		}
		*got += (size_t)r;
		hdr = net_parse_connect_reply(reply, *got, status);
	}
	return hdr;
}

static int
tunnel(int fd, const char *host, unsigned port, const struct net_proxy *px,
    int64_t deadline_ms, int *refused, struct alter_err *err)
{
	char reply[CONNECT_REPLY_MAX + 1];
	size_t got;
	long hdr;
	int status = 0;

	if (send_connect(fd, host, port, px, deadline_ms, err) != 0)
		return -1;
	hdr = read_connect_reply(fd, px, deadline_ms, reply, &got, &status, err);
	if (hdr == -2)
		return -1;
	if (hdr < 0)
		return alter_fail(err, AX_ERROR, "proxy %s:%u sent a malformed answer to CONNECT",
		    px->host, px->port), -1;
	/*
	 * A refusal is final (retrying a 407 only repeats a failed login at
	 * the proxy); 502, 503 and 504 say the proxy could not reach the
	 * server, which is a connect failure like any other.
	 */
	*refused = status < 502 || status > 504;
	if (status == 407)
		return alter_fail(err, AX_ERROR, "proxy %s:%u answered 407: proxy credentials are "
		    "needed (put user:password in the proxy URL)", px->host, px->port), -1;
	if (status < 200 || status > 299)
		return alter_fail(err, AX_ERROR, "proxy %s:%u answered %d to CONNECT %s:%u",
		    px->host, px->port, status, host, port), -1;
	*refused = 0;
	if ((size_t)hdr != got)
		return alter_fail(err, AX_ERROR, "proxy %s:%u sent data after its CONNECT answer",
		    px->host, px->port), -1;
	return 0;
}

int
net_connect(const char *host, unsigned port, const struct net_proxy *proxy,
    int64_t deadline_ms, int *retryable, struct alter_err *err)
{
	int fd, refused = 0;

	*retryable = 1;
	if (proxy == NULL)
		return connect_direct(host, port, deadline_ms, "", err);
	if ((fd = connect_direct(proxy->host, proxy->port, deadline_ms, "proxy ", err)) < 0)
		return -1;
	if (tunnel(fd, host, port, proxy, deadline_ms, &refused, err) != 0) {
		*retryable = !refused;
		close(fd);
		return -1;
	}
	return fd;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode src[0..n) into dst (cap bytes); -1 on bad escape or overflow. */
static int
pct_decode(const char *src, size_t n, char *dst, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = src[i];

		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			if (hexval(src[i + 1]) < 0 || hexval(src[i + 2]) < 0)
				return -1;
			c = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
			if (c == '\0')
				return -1;
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

/* An IP literal (v4 or v6, no brackets) as 16 bytes; 0 if host is a name. */
static int
ip_bytes(const char *host, size_t n, unsigned char out[16])
{
	char buf[64];

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, host, n);
	buf[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out + 12) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, out) == 1)
		return 6;
	return 0;
}

/*
 * docs/api.md section 2: an entry matches the host itself or any subdomain (a
 * leading '.' is optional), "*" matches everything, and an IP-literal host
 * matches only an entry holding the same address.
 */
static int
no_proxy_match(const char *host, const char *list)
{
	unsigned char hip[16], eip[16];
	size_t hlen = strlen(host);
	int hfam = ip_bytes(host, hlen, hip);

	while (list != NULL && *list != '\0') {
		const char *e = strchr(list, ','), *s = list, *t;
		size_t n;

		t = e ? e : s + strlen(s);
		list = e ? e + 1 : NULL;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (t - s == 1 && *s == '*')
			return 1;
		if (s < t && *s == '[' && t[-1] == ']') {
			s++;
			t--;
		}
		n = (size_t)(t - s);
		if (hfam != 0) {
			if (ip_bytes(s, n, eip) == hfam && memcmp(hip, eip, sizeof(hip)) == 0)
				return 1;
			continue;
		}
		if (n > 0 && *s == '.') {
			s++;
			n--;
		}
		if (n > 0 && n <= hlen && strncasecmp(host + hlen - n, s, n) == 0 &&
		    (n == hlen || host[hlen - n - 1] == '.'))
			return 1;
	}
	return 0;
}

/* host[:port] of a proxy URL, s[0..end), into p; 0, or -1 if malformed. */
static int
proxy_hostport(const char *s, const char *end, struct net_proxy *p)
{
	const char *hs, *he, *ps;
	char *e2;
	unsigned long port = 1080;
	size_t hl;

	if (*s == '[') {
		hs = s + 1;
		if ((he = memchr(hs, ']', (size_t)(end - hs))) == NULL)
			return -1;
		ps = he + 1;
	} else {
		hs = s;
		he = memchr(s, ':', (size_t)(end - s));
		if (he == NULL)
			he = end;
		ps = he;
	}
	hl = (size_t)(he - hs);
	if (hl == 0 || hl > NET_HOST_MAX)
		return -1;
	memcpy(p->host, hs, hl);
	p->host[hl] = '\0';
	if (ps < end) {
		if (*ps != ':' || ps + 1 == end || ps[1] < '0' || ps[1] > '9')
			return -1;
		port = strtoul(ps + 1, &e2, 10);
		if (e2 != end || port == 0 || port > 65535)
			return -1;
	}
	p->port = (unsigned)port;
	return 0;
}

enum alter_exit
net_proxy_for(const char *host, const char *url, const char *var, const char *no_proxy,
    struct net_proxy *p, int *use, struct alter_err *err)
{
	const char *s, *at, *end;

	*use = 0;
	memset(p, 0, sizeof(*p));
	if (url == NULL || *url == '\0' || is_loopback(host) || no_proxy_match(host, no_proxy))
		return AX_OK;
	s = url;
	if (strncasecmp(s, "http://", 7) == 0)
		s += 7;
	else if (strstr(s, "://") != NULL)
		return alter_fail(err, AX_USAGE, "%s: only http:// proxies are supported", var);
	end = s + strcspn(s, "/?#");
	/* The last '@' ends the credentials: a password may hold a raw '@'. */
	for (at = end; at > s && at[-1] != '@'; at--)
		;
	at = at > s ? at - 1 : NULL;
	if (at != NULL) {
		if (pct_decode(s, (size_t)(at - s), p->auth, sizeof(p->auth)) != 0 ||
		    strchr(p->auth, ':') == NULL) {
			explicit_bzero(p->auth, sizeof(p->auth));
			return alter_fail(err, AX_USAGE, "%s: malformed credentials in the proxy URL",
			    var);
		}
		s = at + 1;
	}
	if (proxy_hostport(s, end, p) != 0) {
		explicit_bzero(p->auth, sizeof(p->auth));
		return alter_fail(err, AX_USAGE, "%s: expected http://[user:pass@]host[:port]",
		    var);
	}
	*use = 1;
	return AX_OK;
}
