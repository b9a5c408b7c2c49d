/*
 * http_parse.c: the response side of HTTP/1.1 (docs/api.md section 1): the
 * incremental parser of a response (status line, headers, framing by
 * Content-Length, chunked coding or end of stream after close_notify) and
 * Retry-After values (docs/api.md section 2).  Declared in http.h; no I/O.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"

enum {
	S_STATUS, S_HEADER, S_BODY, S_CHUNK_SIZE, S_CHUNK_DATA, S_CHUNK_CRLF, S_TRAILER,
	S_CLOSE_BODY, S_DONE, S_ERR
};

/* ---- the response parser ---- */

void
http_parser_init(struct http_parser *p, struct http_response *resp, int head_only,
    size_t body_max)
{
	memset(p, 0, sizeof(*p));
	p->state = S_STATUS;
	p->head_only = head_only;
	p->body_max = body_max;
	p->resp = resp;
}

static int
perr(struct http_parser *p, const char *msg)
{
	snprintf(p->err, sizeof(p->err), "%s", msg);
	p->state = S_ERR;
	return HP_ERR;
}

static int
body_append(struct http_parser *p, const unsigned char *buf, size_t len)
{
	struct http_response *r = p->resp;
	size_t cap;
	unsigned char *nb;

	if (len > p->body_max - r->body_len)
		return perr(p, "response body exceeds the size limit");
	/*
	 * Grow by doubling, keeping room for the terminating NUL: the buffer
	 * is the smallest 4096 * 2^k bytes that held body_len + 1, so a
	 * realloc (a copy) happens only when that is outgrown, not per read.
	 */
	for (cap = 4096; r->body != NULL && cap < r->body_len + 1; cap *= 2)
		;
	if (r->body == NULL || r->body_len + len + 1 > cap) {
		size_t want = r->body_len + len + 1, ncap = 4096;

		while (ncap < want)
			ncap *= 2;
		/* Not realloc: a body may hold a secret; the old block is wiped. */
		if ((nb = malloc(ncap)) == NULL)
			return perr(p, "out of memory for the response body");
		if (r->body != NULL) {
			memcpy(nb, r->body, r->body_len);
			explicit_bzero(r->body, r->body_len);
			free(r->body);
		}
		r->body = nb;
	}
	memcpy(r->body + r->body_len, buf, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return HP_MORE;
}

static void
copy_value(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int
status_line(struct http_parser *p, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') ||
	    l[8] != ' ' || !isdigit((unsigned char)l[9]) || !isdigit((unsigned char)l[10]) ||
	    !isdigit((unsigned char)l[11]) || (n > 12 && l[12] != ' '))
		return perr(p, "malformed status line");
	p->resp->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (p->resp->status < 100)
		return perr(p, "malformed status line");
	if (l[7] == '0')
		p->conn_close = 1;
	p->state = S_HEADER;
	return HP_MORE;
}

static int
parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int d;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		if (v > (max - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static int
header_line(struct http_parser *p, char *l, size_t n)
{
	struct http_response *r = p->resp;
	char *colon, *v, *e;
	uint64_t len;

	if (n == 0)
		return -1;	/* end of headers: the caller decides */
	if (*l == ' ' || *l == '\t')
		return perr(p, "obsolete folded header line");
	if ((colon = memchr(l, ':', n)) == NULL || colon == l)
		return perr(p, "malformed header line");
	*colon = '\0';
	for (e = l; e < colon; e++)
		if (*e <= ' ' || *e >= 0x7f)
			return perr(p, "malformed header name");
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = l + n; e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (strcasecmp(l, "Content-Length") == 0) {
		if (p->have_length)
			return perr(p, "duplicate Content-Length");
		if (parse_u64(v, 10, UINT64_MAX, &len) != 0)
			return perr(p, "malformed Content-Length");
		p->have_length = 1;
		p->remaining = len;
	} else if (strcasecmp(l, "Transfer-Encoding") == 0) {
		if (strcasecmp(v, "chunked") != 0 || p->chunked)
			return perr(p, "unsupported Transfer-Encoding");
		p->chunked = 1;
	} else if (strcasecmp(l, "Connection") == 0) {
		if (strcasecmp(v, "close") == 0)
			p->conn_close = 1;
	} else if (strcasecmp(l, "X-Request-Id") == 0) {
		copy_value(r->request_id, sizeof(r->request_id), v);
	} else if (strcasecmp(l, "Location") == 0) {
		copy_value(r->location, sizeof(r->location), v);
	} else if (strcasecmp(l, "Retry-After") == 0) {
		copy_value(r->retry_after, sizeof(r->retry_after), v);
	}
	return HP_MORE;
}

/* The header block ended: decide how the body is framed. */
static int
headers_done(struct http_parser *p)
{
	int st = p->resp->status;

	if (st >= 100 && st < 200) {
		if (st == 101)
			return perr(p, "unexpected protocol switch");
		/* An interim answer: the real one follows. */
		p->have_length = p->chunked = 0;
		p->state = S_STATUS;
		return HP_MORE;
	}
	if (p->chunked && p->have_length)
		return perr(p, "both Content-Length and chunked framing");
	if (p->head_only || st == 204 || st == 304) {
		p->state = S_DONE;
	} else if (p->chunked) {
		p->state = S_CHUNK_SIZE;
	} else if (p->have_length) {
		if (p->remaining > p->body_max)
			return perr(p, "response body exceeds the size limit");
		p->state = p->remaining == 0 ? S_DONE : S_BODY;
	} else {
		p->close_delimited = 1;
		p->conn_close = 1;
		p->state = S_CLOSE_BODY;
	}
	return p->state == S_DONE ? HP_DONE : HP_MORE;
}

static int
chunk_size_line(struct http_parser *p, char *l)
{
	char *e = l + strcspn(l, "; \t");
	uint64_t n;

	*e = '\0';
	if (parse_u64(l, 16, p->body_max, &n) != 0)
		return perr(p, "malformed chunk size");
	p->remaining = n;
	p->state = n == 0 ? S_TRAILER : S_CHUNK_DATA;
	return HP_MORE;
}

/* Handle one complete line (without its CR LF) in the line states. */
static int
line_done(struct http_parser *p)
{
	char *l = p->line;
	size_t n = p->line_len;
	int r;

	if (n > 0 && l[n - 1] == '\r')
		n--;
	l[n] = '\0';
	p->line_len = 0;
	if (memchr(l, '\0', n) != NULL || memchr(l, '\r', n) != NULL)
		return perr(p, "control character in a header line");
	switch (p->state) {
	case S_STATUS:
		return status_line(p, l, n);
	case S_HEADER:
		if ((r = header_line(p, l, n)) != -1)
			return r;
		return headers_done(p);
	case S_CHUNK_SIZE:
		return chunk_size_line(p, l);
	case S_CHUNK_CRLF:
		if (n != 0)
			return perr(p, "missing CRLF after a chunk");
		p->state = S_CHUNK_SIZE;
		return HP_MORE;
	case S_TRAILER:
		if (n == 0) {
			p->state = S_DONE;
			return HP_DONE;
		}
		return HP_MORE;
	}
	return perr(p, "parser state error");
}

int
http_parser_feed(struct http_parser *p, const unsigned char *buf, size_t len, size_t *used)
{
	size_t i = 0, n;
	int r = HP_MORE;

	while (i < len && r == HP_MORE) {
		switch (p->state) {
		case S_BODY:
		case S_CHUNK_DATA:
			n = len - i;
			if ((uint64_t)n > p->remaining)
				n = (size_t)p->remaining;
			if ((r = body_append(p, buf + i, n)) != HP_MORE)
				break;
			i += n;
			p->remaining -= n;
			if (p->remaining == 0) {
				if (p->state == S_BODY) {
					p->state = S_DONE;
					r = HP_DONE;
				} else {
					p->state = S_CHUNK_CRLF;
				}
			}
			break;
		case S_CLOSE_BODY:
			r = body_append(p, buf + i, len - i);
			i = len;
			break;
		case S_DONE:
			r = HP_DONE;
			break;
		case S_ERR:
			r = HP_ERR;
			break;
		default:
			if (buf[i] == '\n') {
				i++;
				r = line_done(p);
				break;
			}
			if (p->line_len + 1 >= sizeof(p->line))
				r = perr(p, "response header line too long");
			/* Trailers share the header limit: a trailer flood is a header flood. */
			else if ((p->state <= S_HEADER || p->state == S_TRAILER) &&
			    ++p->header_bytes > HTTP_HEADERS_MAX)
				r = perr(p, "response headers too large");
			else
				p->line[p->line_len++] = (char)buf[i++];
			break;
		}
	}
	*used = i;
	return r;
}

int
http_parser_eof(struct http_parser *p, int clean)
{
	if (p->state == S_DONE)
		return HP_DONE;
	if (p->state == S_CLOSE_BODY && clean) {
		p->state = S_DONE;
		return HP_DONE;
	}
	if (p->state != S_ERR)
		perr(p, clean ? "connection closed before the response was complete" :
		    "connection closed without close_notify before the response was complete");
	return HP_ERR;
}

void
http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	if (r->body != NULL)
		explicit_bzero(r->body, r->body_len);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* ---- Retry-After ---- */

/* RFC 9111 section 1.2.2: a delta-seconds too large to hold means 2^31. */
#define RETRY_AFTER_HUGE	2147483647L

static const char months[][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const wdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* The index of a month abbreviation at s, or -1. */
static int
month(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(months[i], s, 3) == 0)
			return i;
	return -1;
}

/* A weekday name of exactly n bytes: the long form, or its first three. */
static int
weekday(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(wdays) / sizeof(wdays[0]); i++)
		if ((n == 3 || n == strlen(wdays[i])) && strncmp(wdays[i], s, n) == 0)
			return 1;
	return 0;
}

/* "HH:MM:SS" at s into tm; 0, or -1. */
static int
clock_of(const char *s, struct tm *tm)
{
	if (s[2] != ':' || s[5] != ':')
		return -1;
	tm->tm_hour = num(s, 2);
	tm->tm_min = num(s + 3, 2);
	tm->tm_sec = num(s + 6, 2);
	return tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 ||
	    tm->tm_sec < 0 || tm->tm_sec > 60 ? -1 : 0;
}

long
http_retry_after(const char *v, long now)
{
	struct tm tm, cur;
	uint64_t secs;
	size_t n = strlen(v), wl = strcspn(v, ", ");
	time_t t = (time_t)now;
	int day = -1, ok;

	if (n > 0 && strspn(v, "0123456789") == n)
		return parse_u64(v, 10, RETRY_AFTER_HUGE, &secs) == 0 ? (long)secs :
		    RETRY_AFTER_HUGE;
	/*
	 * RFC 9110 section 5.6.7: an HTTP-date is an IMF-fixdate, and a
	 * recipient also accepts the obsolete RFC 850 and asctime forms:
	 *   Sun, 06 Nov 1994 08:49:37 GMT
	 *   Sunday, 06-Nov-94 08:49:37 GMT
	 *   Sun Nov  6 08:49:37 1994
	 */
	memset(&tm, 0, sizeof(tm));
	if (!weekday(v, wl))
		return -1;
	if (n == 29 && wl == 3 && v[3] == ',') {
		ok = v[4] == ' ' && v[7] == ' ' && v[11] == ' ' && v[16] == ' ' &&
		    strcmp(v + 25, " GMT") == 0 && clock_of(v + 17, &tm) == 0;
		day = num(v + 5, 2);
		tm.tm_mon = month(v + 8);
		tm.tm_year = num(v + 12, 4) - 1900;
	} else if (wl > 3 && n == wl + 24 && v[wl] == ',') {
		const char *d = v + wl + 2;

		ok = v[wl + 1] == ' ' && d[2] == '-' && d[6] == '-' && d[9] == ' ' &&
		    strcmp(d + 18, " GMT") == 0 && clock_of(d + 10, &tm) == 0 && num(d + 7, 2) >= 0;
		day = num(d, 2);
		tm.tm_mon = month(d + 3);
		/* A two-digit year more than 50 years ahead is in the past century. */
		gmtime_r(&t, &cur);
		tm.tm_year = cur.tm_year - (cur.tm_year + 1900) % 100 + num(d + 7, 2);
		if (tm.tm_year > cur.tm_year + 50)
			tm.tm_year -= 100;
	} else if (n == 24 && wl == 3 && v[3] == ' ') {
		ok = v[7] == ' ' && v[10] == ' ' && v[19] == ' ' && clock_of(v + 11, &tm) == 0;
		day = v[8] == ' ' ? num(v + 9, 1) : num(v + 8, 2);
		tm.tm_mon = month(v + 4);
		tm.tm_year = num(v + 20, 4) - 1900;
	} else {
		return -1;
	}
	if (!ok || day < 1 || day > 31 || tm.tm_mon < 0 || tm.tm_year < 70)
		return -1;
	tm.tm_mday = day;
	t = timegm(&tm);
	return t <= (time_t)now ? 0 : (long)(t - (time_t)now);
}
