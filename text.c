/*
 * text.c: plain text helpers of the output and input checks; see text.h.
 * No I/O, no cJSON.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "text.h"

size_t
text_utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned long c, min;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, c &= 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, c &= 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, c &= 0x07, min = 0x10000;
		else
			return i;
		if (n >= len - i)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
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
