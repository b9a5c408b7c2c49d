/*
 * tests/unit_util.c: durations, RFC 3339 times, and the certificate DER
 * walk of x509.c on hand-made inputs.
 */
#include <string.h>

#include "util.h"
#include "unit.h"
#include "x509.h"

static const struct {
	const char	*text;
	long long	 epoch;		/* -1: refused */
} times[] = {
	{ "1970-01-01T00:00:00Z", 0 },
	{ "2026-11-28T00:00:00Z", 1795824000LL },
	{ "2000-02-29T23:59:59Z", 951868799LL },
	{ "2099-01-01T00:00:00Z", 4070908800LL },
	{ "2024-03-01T12:30:00+02:00", 1709289000LL },
	{ "2024-03-01T12:30:00.123Z", 1709296200LL },
	{ "2024-02-30T00:00:00Z", -1 },
	{ "2024-13-01T00:00:00Z", -1 },
	{ "2024-01-01 00:00:00Z", -1 },
	{ "2024-01-01T00:00:00", -1 },
	{ "yesterday", -1 },
};

int
main(void)
{
	long long t;
	long s;
	char buf[32];
	size_t i;
	/* A minimal certificate shape: SEQ { SEQ { [0]{INT 2}, INT 1, SEQ{}, issuer,
	 * SEQ{}, subject, SEQ{}, [3]{ SEQ { SEQ { OID 2.5.29.17, OCTET STRING {
	 * SEQ { [7] 127.0.0.1 } } } } } } }, with empty Names. */
	static const unsigned char cert[] = {
		0x30, 0x2d, 0x30, 0x2b,
		0xa0, 0x03, 0x02, 0x01, 0x02,
		0x02, 0x01, 0x01,
		0x30, 0x00,
		0x30, 0x02, 0x31, 0x00,		/* issuer */
		0x30, 0x00,
		0x30, 0x00,			/* subject */
		0x30, 0x00,
		0xa3, 0x15, 0x30, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x1d, 0x11,
		0x04, 0x0a, 0x30, 0x08, 0x87, 0x04, 127, 0, 0, 1, 0x82, 0x00
	};
	static const unsigned char lo[4] = { 127, 0, 0, 1 }, other[4] = { 127, 0, 0, 2 };
	struct x509_span is, su;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		int r = alter_parse_time(times[i].text, &t);

		CHECK(times[i].epoch < 0 ? r != 0 : r == 0 && t == times[i].epoch,
		    "RFC 3339 '%s'", times[i].text);
	}
	alter_format_time(1795824000LL, buf, sizeof(buf));
	CHECK(strcmp(buf, "2026-11-28T00:00:00Z") == 0, "a time formats as RFC 3339 UTC");
	alter_format_time(951868799LL, buf, sizeof(buf));
	CHECK(strcmp(buf, "2000-02-29T23:59:59Z") == 0, "a leap day formats right");
	CHECK(alter_parse_duration("30d", &s) == 0 && s == 30 * 86400, "30d is 30 days");
	CHECK(alter_parse_duration("12h", &s) == 0 && s == 12 * 3600, "12h is 12 hours");
	CHECK(alter_parse_duration("5m", &s) == 0 && s == 300, "5m is 5 minutes");
	CHECK(alter_parse_duration("0d", &s) != 0, "a zero duration is refused");
	CHECK(alter_parse_duration("7", &s) != 0, "a duration needs a unit");
	CHECK(alter_parse_duration("7dd", &s) != 0, "trailing junk is refused");
	CHECK(alter_parse_duration("-7d", &s) != 0, "a negative duration is refused");

	CHECK(x509_names(cert, sizeof(cert), &is, &su) == 0 && is.len == 4 && su.len == 2,
	    "issuer and subject are found whole, tag and length included");
	CHECK(x509_ip_san_match(cert, sizeof(cert), lo, 4) == 1, "a matching IP SAN is found");
	CHECK(x509_ip_san_match(cert, sizeof(cert), other, 4) == 0, "another IP does not match");
	CHECK(x509_ip_san_match(cert, sizeof(cert) - 1, lo, 4) == -1,
	    "a truncated certificate is malformed, not a match");
	for (i = 0; i < sizeof(cert); i++)
		if (x509_ip_san_match(cert, i, lo, 4) == 1)
			break;
	CHECK(i == sizeof(cert), "no prefix of the certificate matches");
	return unit_done();
}
