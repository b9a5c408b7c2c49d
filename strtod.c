/*
 * strtod.c: a small strtod in place of musl's (its __floatscan and
 * decfloat cost about 5 KB), and strtol and strtoul (at the end).  Our callers need little of it: cJSON's
 * parse_number, whose double no command reads (json.c keeps each number's
 * source text and prints that, docs/cli.md 4), and json_print.c's round
 * trip of the integers a request body holds.
 *
 * Grammar: what C's strtod takes from the characters cJSON hands it
 * ("0123456789+-.eE"): optional space, a sign, digits with an optional
 * point (at least one digit), then an exponent only if it has digits;
 * *end is set as strtod sets it.  No hex, "inf" or "nan" (not JSON).
 *
 * Precision: correctly rounded when the significant digits, point removed,
 * fit in 2^53 and the decimal exponent is within +-22 (every integer up to
 * 2^53, and ordinary decimals such as 12.5 or 0.001); otherwise within a
 * few units in the last place.  Overflow gives HUGE_VAL and ERANGE.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

/* 10^(2^i): the steps of scale(). */
static const double pow10_steps[] = {
	1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256
};

/* m (at least 1) * 10^e, with one rounding when e is within +-22. */
static double
scale(double m, long e)
{
	double p = 1;
	unsigned long n = (unsigned long)(e < 0 ? -e : e);
	int i;

	if (e > 308)
		return HUGE_VAL;
	if (e < -308) {
		if (e < -400)
			return 0;
		m /= 1e100;	/* toward the subnormals: 10^e itself is not a double */
		n -= 100;
	}
	for (i = 0; n != 0; i++, n >>= 1)
		if (n & 1)
			p *= pow10_steps[i];
	return e < 0 ? m / p : m * p;
}

double
strtod(const char *s, char **end)
{
	const char *p = s, *digits;
	uint64_t m = 0;
	long e = 0, x = 0;
	int neg = 0, xneg = 0, seen = 0;
	double v;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (digits = p; isdigit((unsigned char)*p) || (*p == '.' && !seen); p++) {
		if (*p == '.') {
			seen = 1;
			continue;
		}
		if (m < UINT64_C(1000000000000000000)) {
			m = m * 10 + (uint64_t)(*p - '0');
			e -= seen;
		} else {
			e += !seen;	/* a digit past 19: dropped */
		}
	}
	if (p - digits == seen) {	/* no digit: nothing converted */
		errno = EINVAL;		/* as musl's */
		if (end != NULL)
			*end = (char *)s;
		return 0;
	}
	if ((*p == 'e' || *p == 'E') &&
	    (isdigit((unsigned char)p[1]) ||
	     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
		p++;
		if (*p == '+' || *p == '-')
			xneg = *p++ == '-';
		for (; isdigit((unsigned char)*p); p++)
			if (x < 100000)
				x = x * 10 + (*p - '0');
		e += xneg ? -x : x;
	}
	if (end != NULL)
		*end = (char *)p;
	v = m == 0 ? 0 : scale((double)m, e);
	if (v == HUGE_VAL || (v == 0 && m != 0))
		errno = ERANGE;
	return neg ? -v : v;
}

/*
 * strtol and strtoul, here too so that musl's __intscan (about 1.5 KB)
 * stays out; our parsers and musl's resolver call them.  C's semantics:
 * bases 0 and 2 to 36 ("0x" taken only before a hex digit), ERANGE on
 * overflow, and EINVAL, as musl's, for no digit or a bad base.
 */
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
