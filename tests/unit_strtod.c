/*
 * tests/unit_strtod.c: fmt_dec.c's strtod, linked in place of
 * musl's: what it consumes (as C's strtod would) and its values, exact for
 * integers up to 2^53 and ordinary decimals; and strtol.c's strtol and strtoul.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "unit.h"

static const struct {
	const char	*text;
	double		 value;
	int		 used;		/* characters consumed */
} cases[] = {
	{ "0", 0, 1 },
	{ "1", 1, 1 },
	{ "-17", -17, 3 },
	{ "12.5", 12.5, 4 },
	{ "0.001", 0.001, 5 },
	{ "0.1", 0.1, 3 },
	{ "3.14159", 3.14159, 7 },
	{ "+1E-2", 0.01, 5 },
	{ "-.5", -0.5, 3 },
	{ "1.", 1, 2 },
	{ "00012", 12, 5 },
	{ "   7", 7, 4 },
	{ "123456789012345", 123456789012345.0, 15 },
	{ "9007199254740992", 9007199254740992.0, 16 },
	{ "-9007199254740991", -9007199254740991.0, 17 },
	{ "1.5e-7", 1.5e-7, 6 },
	{ "1e22", 1e22, 4 },
	{ "123.456e2x", 12345.6, 9 },
	{ "1e", 1, 1 },		/* an exponent without digits is not taken */
	{ "1e+", 1, 1 },
	{ "2E-", 2, 1 },
	{ "1e308", 1e308, 5 },
	{ "4.9e-324", 4.9e-324, 8 },
	{ "2.2250738585072014e-308", 2.2250738585072014e-308, 23 },
	{ "-", 0, 0 },		/* nothing converted: end is the start */
	{ ".", 0, 0 },
	{ "+.e1", 0, 0 },
	{ "", 0, 0 },
};

static const struct {
	const char	*text;
	int		 base;
	long		 value;
	int		 used;
	int		 err;
} longs[] = {
	{ "8080", 10, 8080, 4, 0 },
	{ " -42x", 10, -42, 4, 0 },
	{ "0x1f", 16, 31, 4, 0 },
	{ "0x1f", 0, 31, 4, 0 },
	{ "0xg", 16, 0, 1, 0 },		/* "0x" before no hex digit: just "0" */
	{ "017", 0, 15, 3, 0 },
	{ "08", 0, 0, 1, 0 },
	{ "zz", 36, 1295, 2, 0 },
	{ "9223372036854775807", 10, LONG_MAX, 19, 0 },
	{ "9223372036854775808", 10, LONG_MAX, 19, ERANGE },
	{ "-9223372036854775808", 10, LONG_MIN, 20, 0 },
	{ "-9223372036854775809", 10, LONG_MIN, 20, ERANGE },
	{ "99999999999999999999999", 10, LONG_MAX, 23, ERANGE },
	{ "abc", 10, 0, 0, EINVAL },
	{ "-", 10, 0, 0, EINVAL },
	{ "12", 1, 0, 0, EINVAL },
};

int
main(void)
{
	char *end;
	wchar_t ws[4];
	double v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = strtod(cases[i].text, &end);
		CHECK(v == cases[i].value && end - cases[i].text == cases[i].used,
		    "strtod(\"%s\") is %.17g, %d used (got %.17g, %d)", cases[i].text,
		    cases[i].value, cases[i].used, v, (int)(end - cases[i].text));
	}
	v = strtod("-0", NULL);
	CHECK(v == 0 && signbit(v), "-0 keeps its sign");
	v = strtod("1.7976931348623157e308", NULL);
	CHECK(v > 1.79e308 && v <= 1.7976931348623157e308, "the largest double is reached");
	errno = 0;
	v = strtod("1e309", NULL);
	CHECK(v == HUGE_VAL && errno == ERANGE, "overflow is HUGE_VAL with ERANGE");
	v = strtod("1234567890123456789012345", NULL);
	CHECK(fabs(v - 1.2345678901234568e24) <= 1e10, "digits past 19 keep their magnitude");
	v = strtod("0.000000000000000000000000000001234", NULL);
	CHECK(fabs(v / 1.234e-30 - 1) < 1e-15, "leading zeros after the point");
	for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		long l;

		errno = 0;
		l = strtol(longs[i].text, &end, longs[i].base);
		CHECK(l == longs[i].value && end - longs[i].text == longs[i].used &&
		    errno == longs[i].err, "strtol(\"%s\", %d) is %ld, %d used, errno %d "
		    "(got %ld, %d, %d)", longs[i].text, longs[i].base, longs[i].value,
		    longs[i].used, longs[i].err, l, (int)(end - longs[i].text), errno);
	}
	errno = 0;
	CHECK(strtoul("18446744073709551615", NULL, 10) == ULONG_MAX && errno == 0,
	    "strtoul reaches ULONG_MAX");
	CHECK(strtoul("18446744073709551616", NULL, 10) == ULONG_MAX && errno == ERANGE,
	    "strtoul overflow is ULONG_MAX with ERANGE");
	CHECK(strtoul("-1", NULL, 10) == ULONG_MAX, "strtoul negates, as C says");
	CHECK(strtoul("443/x", &end, 10) == 443 && *end == '/', "strtoul stops at the path");
	CHECK(mbstowcs(NULL, "example.com", 0) == 11, "mbstowcs counts a host name");
	CHECK(mbstowcs(ws, "ab", 4) == 2 && ws[0] == 'a' && ws[1] == 'b' && ws[2] == 0,
	    "mbstowcs converts and stops at the NUL");
	CHECK(mbstowcs(ws, "abc", 2) == 2 && ws[1] == 'b', "mbstowcs writes at most n");
#ifndef __GLIBC__
	/* strtol.c's (musl's C locale): a byte from 0x80 is one character. */
	CHECK(mbstowcs(NULL, "h\xc3\xa9", 0) == 3 && mbstowcs(ws, "\xff", 4) == 1 &&
	    ws[0] == 0xdfff, "mbstowcs never fails in the C locale");
#endif
	return unit_done();
}
