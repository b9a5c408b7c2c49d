/*
 * strtol.c: strtol, strtoul and strtoull in place of musl's, so that its
 * __intscan (about 1.5 KB) stays out of the binary (docs/design.md, "Size");
 * our parsers and musl's resolver call them.  C's semantics:
 * bases 0 and 2 to 36 ("0x" taken only before a hex digit), ERANGE on
 * overflow, and EINVAL, as musl's, for no digit or a bad base.  And
 * mbstowcs for the C locale, so that musl's mbsrtowcs stays out too.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static unsigned long
intscan(const char *s, char **end, int base, int *neg, int *over)
{
	const char *p = s, *first;
	unsigned long v = 0;
	int d;

	*neg = *over = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		base = -1;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
	    isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (first = p; base > 0; p++) {
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (isalpha((unsigned char)*p))
			d = (*p | 32) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			*over = 1;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (p == first) {	/* no digit: musl says EINVAL */
		errno = EINVAL;
		p = s;
	}
	if (end != NULL)
		*end = (char *)p;
	return v;
}

unsigned long
strtoul(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long v = intscan(s, end, base, &neg, &over);

	if (over) {
		errno = ERANGE;
		return ULONG_MAX;
	}
	return neg ? 0 - v : v;
}

long
strtol(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long v = intscan(s, end, base, &neg, &over);

	if (over || v > (unsigned long)LONG_MAX + neg) {
		errno = ERANGE;
		return neg ? LONG_MIN : LONG_MAX;
	}
	return neg ? (long)(0 - v) : (long)v;
}

/* musl's IPv6 literal parser (the scope id) calls strtoull: on LP64 it is strtoul. */
typedef char ulong_is_ullong[sizeof(unsigned long) == sizeof(unsigned long long) ? 1 : -1];

unsigned long long
strtoull(const char *s, char **end, int base)
{
	return strtoul(s, end, base);
}

/*
 * mbstowcs in the C locale, the only one alter runs in (it never calls
 * setlocale): one wide character a byte, those from 0x80 mapped as musl's
 * C locale does (U+DF80 to U+DFFF), so it never fails.  Only musl's
 * resolver calls it (its host name check); musl's own pulls mbsrtowcs.
 */
size_t
mbstowcs(wchar_t *restrict ws, const char *restrict s, size_t n)
{
	size_t i;

	if (ws == NULL)
		return strlen(s);
	for (i = 0; i < n; i++)
		if ((ws[i] = 0xdfff & (signed char)s[i]) == 0)
			return i;
	return n;
}
