/*
 * width.c: display width of UTF-8 text; see width.h.  Two sorted tables of
 * code point ranges (tools/mkwidth.py), searched by halves.
 */
#include <stdint.h>
#include <string.h>

#include "text.h"
#include "width.h"
#include "width_tab.h"

size_t
width_next(const char *str, unsigned long *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	/* No length: the NUL ends a sequence as any non-continuation byte. */
	n = text_utf8_seq(s, SIZE_MAX, cp);
	if (n == 0) {
		*cp = s[0];
		n = 1;
	}
	return n;
}

static int
in(const uint32_t *t, size_t n, unsigned long cp)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < t[mid] >> 11)
			hi = mid;
		else if (cp > (t[mid] >> 11) + (t[mid] & 0x7ff))
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int
width_cp(unsigned long cp)
{
	if (cp < 0x300)
		return 1;
	if (in(width_zero, sizeof(width_zero) / sizeof(width_zero[0]), cp))
		return 0;
	return 1 + in(width_wide, sizeof(width_wide) / sizeof(width_wide[0]), cp);
}

int
width_str(const char *s)
{
	unsigned long cp;
	int w = 0;

	while (*s != '\0') {
		s += width_next(s, &cp);
		w += width_cp(cp);
	}
	return w;
}

int
width_cut(char *s, int max)
{
	unsigned long cp;
	size_t i = 0, n;
	int w = 0, cw, room = max >= 3 ? max - 3 : max;

	if (width_str(s) <= max)
		return width_str(s);
	while (s[i] != '\0') {
		n = width_next(s + i, &cp);
		cw = width_cp(cp);
		if (w + cw > room)
			break;
		w += cw;
		i += n;
	}
	if (max >= 3) {
		memcpy(s + i, "...", 4);
		return w + 3;
	}
	s[i] = '\0';
	return w;
}
