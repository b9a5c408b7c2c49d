/*
 * util.c: the small helpers declared in util.h: the error record,
 * durations, RFC 3339 times, the environment and quoting for messages.
 * No I/O.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum alter_exit
alter_fail(struct alter_err *err, enum alter_exit code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Units of a duration, in seconds. */
static const struct {
	char	unit;
	long	seconds;
} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };

int
alter_parse_duration(const char *s, long *seconds)
{
	long v = 0;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > 100000000L)
			return -1;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[0] == units[i].unit && s[1] == '\0' && v > 0) {
			*seconds = v * units[i].seconds;
			return 0;
		}
	return -1;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	*out = v;
	return 0;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); libc's timegm/gmtime would pull in its time-zone code.
 */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long long
alter_timegm(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + s;
}

int
alter_parse_time(const char *s, long long *epoch)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
		sign = 0;
	} else if ((*s == '+' || *s == '-') && strlen(s) == 6 && !digits(s + 1, 2, &oh) &&
	    s[3] == ':' && !digits(s + 4, 2, &om) && oh < 24 && om < 60) {
		sign = *s == '+' ? 1 : -1;
	} else {
		return -1;
	}
	*epoch = alter_timegm(y, mo, d, h, mi, sec) - sign * (oh * 3600LL + om * 60LL);
	return 0;
}

void
alter_format_time(long long t, char *out, size_t outlen)
{
	long long z = (t >= 0 ? t : t - 86399) / 86400, secs = t - z * 86400, era, doe, yoe, y,
	    doy, mp;
	int d, m;

	/* H. Hinnant's civil_from_days. */
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	snprintf(out, outlen, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
	    secs / 60 % 60, secs % 60);
}

const char *
util_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * docs/cli.md section 1: the ALTER_* variables that carry a value.  Set but
 * empty (or only blanks) is an error, never "unset": a CI secret the job
 * cannot read arrives empty, and a runner must not fall back on a stored
 * token or a default then.
 */
static const char *const env_valued[] = {
	"ALTER_PAT", "ALTER_APP_ID", "ALTER_BASE_URL", "ALTER_DASHBOARD_URL", "ALTER_CONFIG_DIR",
	"ALTER_CA_FILE", "ALTER_TIMEOUT", "ALTER_MAX_RETRIES", "ALTER_RETRY_MAX_WAIT",
};

enum alter_exit
util_env_check(struct alter_err *err)
{
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(env_valued) / sizeof(env_valued[0]); i++) {
		if ((v = getenv(env_valued[i])) == NULL || v[strspn(v, " \t\r\n")] != '\0')
			continue;
		return alter_fail(err, AX_USAGE, "%s is set but empty%s; give it a value or unset "
		    "it", env_valued[i], i == 0 ? " (a CI secret this job cannot read, e.g. on "
		    "a pull request from a fork, arrives empty; alter does not fall back on a "
		    "stored token then)" : "");
	}
	return AX_OK;
}

const char *
util_quote(char *out, size_t outlen, const char *s, size_t len, size_t max,
    int shell)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o;
	unsigned char c;

	if (outlen < 8) {
		if (outlen > 0)
			out[0] = '\0';
		return out;
	}
	o = 0;
	if (shell)
		out[o++] = '\'';
	/* o + 8 < outlen leaves room for one \xNN or '\'', "...", ' and NUL. */
	for (i = 0; i < len && i < max && o + 8 < outlen; i++) {
		c = (unsigned char)s[i];
		if (shell && c == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	if (shell)
		out[o++] = '\'';
	out[o] = '\0';
	return out;
}

const char *
util_quote_path(char *out, size_t outlen, const char *path)
{
	return util_quote(out, outlen, path, strlen(path), UTIL_PATH_SHOWN, 1);
}
