/*
 * tests/helper/fmt_glibc.c: fmt.c (alter's printf family and strtod),
 * built with gcc against glibc under the names fmt_*, compared with
 * glibc's own on every conversion and flag alter, cJSON and the tests use
 * (the audit is in fmt.c's header), on a million random doubles for %g
 * and strtod, and on the edge cases (ties, subnormals, overflow).
 * Built and run by make check as build/unit_fmt_glibc.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit.h"

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fmt_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fmt_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double fmt_strtod(const char *s, char **end);

static int bad;
static char why[512];

/* SAME(fmt, ...): fmt_snprintf and glibc's snprintf agree, text and count. */
#define SAME(...) do {								\
	char a_[1024], b_[1024];						\
	int na_ = fmt_snprintf(a_, sizeof(a_), __VA_ARGS__);			\
	int nb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);			\
	if (na_ != nb_ || strcmp(a_, b_) != 0) {				\
		if (bad++ == 0)							\
			snprintf(why, sizeof(why), "%.100s: fmt [%.150s] %d, glibc [%.150s] %d", \
			    #__VA_ARGS__, a_, na_, b_, nb_);			\
	}									\
} while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
rnd_double(void)
{
	uint64_t b;
	double d;

	do {
		b = rnd();
		memcpy(&d, &b, sizeof(d));
	} while (isnan(d) || isinf(d));
	return d;
}

static void
check_ints(void)
{
	static const long long ll[] = { 0, 1, -1, 9, 10, 99, 100, 12345, -12345, INT_MAX, INT_MIN,
		LLONG_MAX, LLONG_MIN, 1999, 2026 };
	size_t i;

	for (i = 0; i < sizeof(ll) / sizeof(ll[0]); i++) {
		int v = (int)ll[i];
		unsigned u = (unsigned)ll[i];

		SAME("%d|%i|%02d|%5d|%-5d|%05d", v, v, v, v, v, v);
		SAME("%u|%x|%02x|%04x|%lx|%04o|%o", u, u, u & 0xff, u & 0xffff, (unsigned long)ll[i], u & 0777, u);
		SAME("%ld|%lld|%02lld|%04lld|%zu", (long)ll[i], ll[i], ll[i], ll[i], (size_t)ll[i]);
		SAME("%llu|%lu", (unsigned long long)ll[i], (unsigned long)ll[i]);
	}
	CHECK(bad == 0, "integers: %%d %%i %%u %%x %%o with l, ll, z, widths and 0/- flags (%s)", why);
}

static void
check_strings(void)
{
	static const char *s[] = { "", "a", "alter", "a longer string than twenty bytes", "tab\there" };
	size_t i;

	bad = 0;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		SAME("[%s] [%-20s] [%20s] [%*s] [%*s]", s[i], s[i], s[i], 12, s[i], -12, s[i]);
		SAME("[%.*s] [%.0s] [%.3s] [%-22s] [%-44s]", 2, s[i], s[i], s[i], s[i], s[i]);
		SAME("%c%c|%%|%s%c%s--%s", 'x', '-', s[i], ' ', s[i], s[i]);
		SAME("%s%*s  ", s[i], 7, "");
	}
	CHECK(bad == 0, "strings and characters: %%s %%-Ns %%*s %%.*s %%.0s %%c %%%% (%s)", why);
}

static void
check_g(void)
{
	static const double d[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 0.1, 0.15, 1e-4, 9.99999e-5, 1e-5,
		123456789012345.0, 1234567890123456.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e100, 1e-100,
		DBL_MAX, DBL_MIN, 9.5, 0.3, 2.0 / 3, 1.0 / 3, 5e-324, 1e308, 4.35,
		0.000123456789, 12.5, 1e-7, 100, 123456, 1234567, 0.1 + 0.2, INFINITY, -INFINITY };
	int i, n = 0;

	bad = 0;
	for (i = 0; i < (int)(sizeof(d) / sizeof(d[0])); i++)
		SAME("%1.15g %1.17g %g %.0g %.1g %.3g %12g %-12g| %012g", d[i], d[i], d[i], d[i], d[i],
		    d[i], d[i], d[i], d[i]);
	CHECK(bad == 0, "%%g on edge values: zero, ties, subnormals, DBL_MAX, inf (%s)", why);
	for (i = 0; i < 300000 && bad == 0; i++, n++) {
		double x = rnd_double();

		SAME("%1.15g|%1.17g|%g", x, x, x);
		x = (double)(int64_t)(rnd() % 2000000001) / (double)(1 + rnd() % 100000);
		SAME("%1.15g|%1.17g|%g", x, x, x);
	}
	CHECK(bad == 0, "%%1.15g, %%1.17g and %%g agree with glibc on %d random doubles (%s)", 2 * n, why);
}

static void
check_buffers(void)
{
	char buf[8], *mem = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 5, "%s-%d", "abcdef", 42);
	CHECK(n == 9 && strcmp(buf, "abcd") == 0 && buf[5] == 'X', "snprintf truncates and counts (%d, %s)", n, buf);
	n = fmt_snprintf(NULL, 0, "%zu", (size_t)123456);
	CHECK(n == 6, "snprintf(NULL, 0) counts (%d)", n);
	n = fmt_sprintf(buf, "u%04x", 0x1f);
	CHECK(n == 5 && strcmp(buf, "u001f") == 0, "sprintf, cJSON's \\u%%04x (%s)", buf);
	f = open_memstream(&mem, &len);
	n = fmt_fprintf(f, "%s=%d %*s|", "k", -3, 70, "wide");
	fclose(f);
	CHECK(n == 76 && len == 76 && strncmp(mem, "k=-3 ", 5) == 0 && strcmp(mem + 71, "wide|") == 0,
	    "fprintf writes through the stream and counts (%d, %zu)", n, len);
	free(mem);
}

/* STRTOD(s): fmt_strtod and glibc's strtod agree on the value's bits and the end. */
static void
same_strtod(const char *s)
{
	char *ea, *eb;
	double a = fmt_strtod(s, &ea), b = strtod(s, &eb);

	if (memcmp(&a, &b, sizeof(a)) != 0 || ea != eb) {
		if (bad++ == 0)
			snprintf(why, sizeof(why), "[%.80s]: fmt %.17g end %d, glibc %.17g end %d", s, a,
			    (int)(ea - s), b, (int)(eb - s));
	}
}

/* The exact decimal midpoint between x >= 0 and the next double up, then
 * through both strtods (with a 1 appended: just above it). */
static void
midpoint(double x, int above)
{
	static char a[1500], b[1500], m[1600];
	int la, lb, i, carry = 0, rem = 0, k = 0;

	a[0] = b[0] = '0';              /* room for the sum's carry */
	la = 1 + snprintf(a + 1, sizeof(a) - 1, "%.1100f", x);
	lb = 1 + snprintf(b + 1, sizeof(b) - 1, "%.1100f", nextafter(x, INFINITY));
	while (la < lb) {               /* align: a gets leading zeros */
		memmove(a + 1, a, (size_t)la + 1);
		a[0] = '0';
		la++;
	}
	for (i = la - 1; i >= 0; i--) { /* a = a + b, digit by digit */
		if (a[i] == '.')
			continue;
		carry += (a[i] - '0') + (b[i] - '0');
		a[i] = (char)('0' + carry % 10);
		carry /= 10;
	}
	for (i = 0; i < la; i++) {      /* m = a / 2 */
		if (a[i] == '.') {
			m[k++] = '.';
			continue;
		}
		rem = rem * 10 + (a[i] - '0');
		m[k++] = (char)('0' + rem / 2);
		rem %= 2;
	}
	m[k++] = rem ? '5' : '0';
	if (above)
		m[k++] = '1';
	m[k] = '\0';
	same_strtod(m);
}

static void
check_strtod(void)
{
	static const char *s[] = { "0", "-0", "+0.0e5", "1", "-1", ".5", "5.", "1e", "1e+", "1e-x",
		"-.e1", "", "abc", "  12", "\t-3.25e2z", "1e400", "-1e400", "1e-400", "4.9e-324",
		"2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
		"1.7976931348623158e308", "1.7976931348623159e308", "2.2250738585072011e-308",
		"2.2250738585072014e-308", "9007199254740993", "9007199254740992.5", "0.1", "0.3",
		"123456789012345678901234567890", "1e23", "8.5e-323", "1e-5", "100000000000000000000000e-23",
		"0.000000000000000000000000000000000000000000001e300", "1e99999999", "1e-99999999" };
	int i, n = 0;

	bad = 0;
	for (i = 0; i < (int)(sizeof(s) / sizeof(s[0])); i++)
		same_strtod(s[i]);
	for (i = 0; i < 3000 && bad == 0; i++) {
		double x = i == 0 ? 0.0 : i == 1 ? DBL_MAX / 2 : fabs(rnd_double());

		midpoint(x, 0);         /* exactly between two doubles: ties to even */
		midpoint(x, 1);         /* a hair above, 1100 digits after the point */
	}
	CHECK(bad == 0, "strtod on edge cases: ends, signs, ties, subnormals, overflow, long digit strings (%s)", why);
	for (i = 0; i < 200000 && bad == 0; i++, n++) {
		char t[64];
		double x = rnd_double();

		snprintf(t, sizeof(t), "%.17g", x);
		same_strtod(t);
		snprintf(t, sizeof(t), "%.15g", x);
		same_strtod(t);
		snprintf(t, sizeof(t), "%llu%llue%d", (unsigned long long)(rnd() % 100000000000ULL),
		    (unsigned long long)(rnd() % 1000000000ULL), (int)(rnd() % 700) - 350);
		same_strtod(t);
	}
	CHECK(bad == 0, "strtod agrees with glibc bit for bit on %d random numbers (%s)", 3 * n, why);
}

/* A conversion fmt.c does not do stops the process (SIGABRT, a message on
 * stderr): never a wrong or missing piece of output. */
static void
check_refusal(void)
{
	static const char *const fmts[] = { "%f", "%e", "%p", "%+d", "%#x", "%.3d", "%hd", "%ls", "%q" };
	int i, st, aborted = 0;
	pid_t pid;

	for (i = 0; i < (int)(sizeof(fmts) / sizeof(fmts[0])); i++) {
		char buf[64];

		fflush(stdout);
		if ((pid = fork()) == 0) {
			(void)!freopen("/dev/null", "w", stderr);
			fmt_snprintf(buf, sizeof(buf), fmts[i] + 0, 1.0, 1.0);
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT)
			aborted++;
		else
			snprintf(why, sizeof(why), "%s was not refused", fmts[i]);
	}
	CHECK(aborted == i, "%d unsupported conversions abort (%s)", i, why);
}

int
main(void)
{
	why[0] = '\0';
	check_ints();
	check_strings();
	check_g();
	check_buffers();
	check_strtod();
	check_refusal();
	return unit_done();
}
