/*
 * text.c: plain text helpers of the output and input checks; see text.h.
 * No I/O, no cJSON.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

size_t
text_utf8_seq(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned long c = s[0], min;
	size_t n, k;

	if (c < 0x80)
		n = 0, min = 0;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 1, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (n >= len)
		return 0;
	for (k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n + 1;
}

size_t
text_utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	unsigned long c;

	while (i < len && (n = text_utf8_seq(s + i, len - i, &c)) != 0)
		i += n;
	return i;
}

size_t
text_escape(char *out, size_t cap, const char *s, size_t len, int lines, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	unsigned long c = 0;

	/* o + 7 < cap: room for the longest escape (\uNNNN) and the NUL. */
	while (i < len && o + 7 < cap) {
		n = text_utf8_seq(u + i, len - i, &c);
		if (n == 1 && (c >= 0x20 || (lines && (c == '\n' || c == '\t'))) && c != 0x7f) {
			out[o++] = (char)c;
		} else if (n == 0 || n == 1) {
			memcpy(out + o, "\\x", 2);
			out[o + 2] = hex[u[i] >> 4];
			out[o + 3] = hex[u[i] & 15];
			o += 4;
			n = 1;
		} else if (c <= 0x9f || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069)) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04lx", c);
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (cap > 0)
		out[o] = '\0';
	*used = i;
	return o;
}

const char *
text_safe(char *out, size_t cap, const char *s)
{
	size_t len = strlen(s), used, n;

	if (cap < 8) {
		if (cap > 0)
			out[0] = '\0';
		return out;
	}
	n = text_escape(out, cap - 3, s, len, 0, &used);
	if (used < len)
		memcpy(out + n, "...", 4);
	return out;
}

int
text_split_names(const char *list, char *buf, size_t cap, const char **names, size_t max,
    size_t *n, const char **bad)
{
	size_t len = strlen(list), i;
	char *s, *e, *t;

	*n = 0;
	if (len >= cap)
		return -1;
	memcpy(buf, list, len + 1);
	for (s = buf;; s = e + 1) {
		e = strchr(s, ',');
		if (e != NULL)
			*e = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		t = s + strlen(s);
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			*--t = '\0';
		*bad = s;
		if (*s == '\0' || *n == max)
			return -1;
		for (i = 0; s[i]; i++)
			if (isspace((unsigned char)s[i]) || !isprint((unsigned char)s[i]))
				return -1;
		names[(*n)++] = s;
		if (e == NULL)
			return 0;
	}
}

size_t
text_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[64], i, j, prev, cur, best;

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}
