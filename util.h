/*
 * util.h: what every module of alter shares: the exit-code contract of
 * docs/cli.md section 1, the error record that library modules fill instead of
 * printing, and the small helpers defined in util.c.
 */
#ifndef ALTER_UTIL_H
#define ALTER_UTIL_H

#include <stddef.h>

/* docs/cli.md section 1: the exit codes are a stable contract. */
enum alter_exit {
	AX_OK = 0,
	AX_ERROR = 1,
	AX_USAGE = 2,
	AX_AUTH = 3,
	AX_NOT_FOUND = 4,
	AX_CONFLICT = 5,
	AX_RATE_LIMIT = 6,
	AX_FORBIDDEN = 7
};

#define ALTER_ERR_MAX 512

/*
 * Library modules never print (json.h's output calls write only to the
 * stream their caller hands them): a failing function returns its exit
 * code and writes one human sentence (no "alter: error:" prefix, no
 * newline) into the caller's record.  The command layer prints it once.
 */
struct alter_err {
	enum alter_exit	 code;
	char		 msg[ALTER_ERR_MAX];
};

/*
 * Fill err with a printf-style message and return code, so that a failing
 * function can end with "return alter_fail(err, AX_USAGE, ...)".
 * Defined in util.c.
 */
enum alter_exit	alter_fail(struct alter_err *, enum alter_exit, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Parse a duration such as "30d", "12h", "5m" or "45s" (a positive whole
 * number and one unit) into seconds.  Returns 0, or -1 if malformed.
 */
int		alter_parse_duration(const char *s, long *seconds);

/*
 * Parse an RFC 3339 date-time ("2026-11-28T00:00:00Z", fractional seconds
 * and a numeric offset allowed) into seconds since the epoch.  Returns 0,
 * or -1 if malformed.
 */
int		alter_parse_time(const char *s, long long *epoch);

/* Seconds since the epoch of a UTC date and time (no range checks). */
long long	alter_timegm(int y, int mo, int d, int h, int mi, int s);

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void		alter_format_time(long long t, char *out, size_t outlen);

/* The value of the environment variable name; NULL when unset or empty. */
const char	*util_env(const char *name);

/*
 * AX_USAGE naming the first ALTER_* variable that carries a value but is
 * set empty (or blank), else AX_OK.  main calls it once before any command
 * runs, so that util_env's "empty is unset" never applies to them.
 */
enum alter_exit	util_env_check(struct alter_err *);

/* The bytes util_quote() needs at most for a cut after max bytes. */
#define UTIL_QUOTE_SIZE(max)	((max) * 4 + 8)

/*
 * Render user text s[0..len) for a message: printable ASCII as is, any
 * other byte as \xNN, cut with "..." after max bytes (or where out, of
 * outlen bytes, is full; UTIL_QUOTE_SIZE(max) never is).  With shell set
 * the result is in single quotes and a quote is written '\''.  Returns out.
 */
const char	*util_quote(char *out, size_t outlen, const char *s, size_t len,
		    size_t max, int shell);

/* How much of a path a message shows, and the room its quoted form needs. */
#define UTIL_PATH_SHOWN		160
#define UTIL_PATH_QSIZE		UTIL_QUOTE_SIZE(UTIL_PATH_SHOWN)

/* A path (or other NUL-terminated user text) for a message: util_quote()
 * with shell quotes, cut after UTIL_PATH_SHOWN bytes.  Returns out. */
const char	*util_quote_path(char *out, size_t outlen, const char *path);

#endif
