/*
 * strtod.c: a small strtod in place of musl's (its __floatscan and
 * decfloat cost about 5 KB).  Our callers need little of it: cJSON's
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
