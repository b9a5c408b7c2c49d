/*
 * tests/unit_strtod.c: strtod.c, the small strtod linked in place of
 * musl's: what it consumes (as C's strtod would) and its values, exact for
 * integers up to 2^53 and ordinary decimals.
 */
#include <errno.h>
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

int
main(void)
{
	char *end;
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
	return unit_done();
}
