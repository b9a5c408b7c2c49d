/*
 * creds.c: the PAT's channels (ALTER_PAT, --token-file, --token-stdin),
 * the one reading rule they share (cli.md 2.2), the mask, the config
 * directory (2.1) and the 0600 file store auth.toml (2.3).
 *
 * It never prints, exits or allocates, and never puts any part of a token
 * but its mask into a message.  Every buffer that may hold a token (read
 * buffers, the store's content) is wiped with explicit_bzero() on every
 * path.  See creds.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* "alter_pat_..." in a mask. */
#define MASK_HEAD	"alter_pat_..."
#define MASK_HEAD_LEN	13

/* Room for the content of auth.toml: the header, the token and the two
 * other values, each of which may double when escaped. */
#define STORE_CONTENT_MAX	8192

static const char store_header[] =
    "# Alter CLI credentials: plaintext PAT. Keep this file private "
    "(mode 0600).\n";

/*
 * The signal that interrupted a no-echo read of the terminal, if any.  A
 * signal handler can reach only file-scope state; the handler only sets
 * this, and creds_read_stdin() restores echo before acting on it.
 */
static volatile sig_atomic_t tty_signal;

static const int tty_signals[] = {
	SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN,
	SIGTTOU
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
starts_with(const unsigned char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p, lit, n) == 0;
}

/* 1 if the len bytes at p are exactly a PAT of cli.md 2.2. */
static int
valid_pat(const unsigned char *p, size_t len)
{
	size_t i;

	if (len <= CREDS_PREFIX_LEN || len > CREDS_TOKEN_MAX ||
	    !starts_with(p, len, CREDS_PREFIX))
		return 0;
	for (i = CREDS_PREFIX_LEN; i < len; i++)
		if (!is_token_char(p[i]))
			return 0;
	return 1;
}

/*
 * Read fd to end of file or until cap bytes are in buf.  Returns 0 with
 * *n set, or -1 with errno set.
 */
static int
read_capped(int fd, unsigned char *buf, size_t cap, size_t *n)
{
	ssize_t r;

	*n = 0;
	while (*n < cap) {
		r = read(fd, buf + *n, cap - *n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(fd, buf, len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

enum alter_exit
creds_parse(const unsigned char *buf, size_t len, const char *what,
    struct creds_token *out, struct alter_err *err)
{
	static const char *const api_keys[] = {
		"alter_rk_", "alter_ak_", "alter_dk_", "alter_pk_", "alter_key_"
	};
	const unsigned char *p, *end, *q;
	size_t i, n;

	creds_wipe(out);
	if (what == NULL)
		what = "the input";
	if (len > CREDS_INPUT_MAX)
		return alter_fail(err, AX_USAGE, "%s is larger than %d bytes; "
		    "it must hold one PAT and nothing else", what,
		    CREDS_INPUT_MAX);
	/* cli.md 2.2: a UTF-16 byte-order mark or a NUL byte is refused. */
	if ((len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
	    (buf[0] == 0xfe && buf[1] == 0xff))) || memchr(buf, '\0', len))
		return alter_fail(err, AX_USAGE, "%s looks like UTF-16 (it has "
		    "a UTF-16 byte-order mark or a NUL byte); save it as "
		    "UTF-8 or ASCII", what);
	p = buf;
	end = buf + len;
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (p == end)
		return alter_fail(err, AX_USAGE, "%s is empty; it must hold a "
		    "PAT (alter_pat_...)", what);
	for (q = p; q < end; q++)
		if (is_space(*q))
			return alter_fail(err, AX_USAGE, "%s holds more than "
			    "one token (whitespace inside); give exactly one "
			    "PAT", what);
	n = (size_t)(end - p);
	for (i = 0; i < NELEM(api_keys); i++)
		if (starts_with(p, n, api_keys[i]))
			return alter_fail(err, AX_USAGE, "%s holds an API key, "
			    "not a personal access token; mint a PAT "
			    "(alter_pat_...) in the dashboard under "
			    "settings/tokens", what);
	if (!starts_with(p, n, CREDS_PREFIX))
		return alter_fail(err, AX_USAGE, "%s does not hold a personal "
		    "access token: a PAT starts with alter_pat_", what);
	if (n == CREDS_PREFIX_LEN)
		return alter_fail(err, AX_USAGE, "%s is not a valid PAT: "
		    "nothing follows alter_pat_", what);
	if (n > CREDS_TOKEN_MAX)
		return alter_fail(err, AX_USAGE, "%s is not a valid PAT: %zu "
		    "characters follow alter_pat_, at most %d are allowed",
		    what, n - CREDS_PREFIX_LEN, CREDS_BODY_MAX);
	if (!valid_pat(p, n))
		return alter_fail(err, AX_USAGE, "%s is not a valid PAT: only "
		    "letters, digits, '_' and '-' may follow alter_pat_", what);
	memcpy(out->value, p, n);
	out->value[n] = '\0';
	out->len = n;
	return AX_OK;
}

void
creds_mask(const struct creds_token *t, char *out, size_t outlen)
{
	size_t body, tail;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (outlen < CREDS_MASK_SIZE)
		return;
	memcpy(out, MASK_HEAD, MASK_HEAD_LEN + 1);
	if (t == NULL || t->len > CREDS_TOKEN_MAX ||
	    !valid_pat((const unsigned char *)t->value, t->len))
		return;
	/* The last 4 characters, but never the whole part after the prefix. */
	body = t->len - CREDS_PREFIX_LEN;
	tail = body > 4 ? 4 : body - 1;
	memcpy(out + MASK_HEAD_LEN, t->value + t->len - tail, tail);
	out[MASK_HEAD_LEN + tail] = '\0';
}

void
creds_wipe(struct creds_token *t)
{
	if (t != NULL)
		explicit_bzero(t, sizeof(*t));
}

enum alter_exit
creds_from_env(const char *value, struct creds_token *out,
    struct alter_err *err)
{
	if (value == NULL)
		value = "";
	return creds_parse((const unsigned char *)value, strlen(value),
	    "ALTER_PAT", out, err);
}

enum alter_exit
creds_read_file(const char *path, struct creds_token *out, int *loose_mode,
    struct alter_err *err)
{
	unsigned char buf[CREDS_INPUT_MAX + 1];
	char q[UTIL_PATH_QSIZE], what[UTIL_PATH_QSIZE + 16];
	struct stat sb;
	size_t n;
	int fd, e;
	enum alter_exit rc;

	creds_wipe(out);
	*loose_mode = 0;
	snprintf(what, sizeof(what), "--token-file %s",
	    util_quote_path(q, sizeof(q), path));
	/* Symlinks are followed on purpose: Kubernetes secrets are symlinks. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR)
			return alter_fail(err, AX_NOT_FOUND, "%s does not "
			    "exist", what);
		if (e == EACCES || e == EPERM || e == ENXIO || e == ELOOP)
			return alter_fail(err, AX_USAGE, "%s cannot be "
			    "opened: %s", what, strerror(e));
		return alter_fail(err, AX_ERROR, "%s cannot be opened: %s",
		    what, strerror(e));
	}
	if (fstat(fd, &sb) == -1) {
		rc = alter_fail(err, AX_ERROR, "%s cannot be examined: %s",
		    what, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = alter_fail(err, AX_USAGE, "%s is a directory, not a file "
		    "holding a PAT", what);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) &&
	    !S_ISCHR(sb.st_mode) && !S_ISSOCK(sb.st_mode)) {
		rc = alter_fail(err, AX_USAGE, "%s is neither a regular file "
		    "nor a pipe", what);
		goto out;
	}
	if (S_ISREG(sb.st_mode) && (sb.st_mode & (S_IRGRP | S_IROTH)) != 0)
		*loose_mode = 1;
	/* One byte past the cap tells a 4 KiB file from a longer one. */
	if (read_capped(fd, buf, sizeof(buf), &n) == -1) {
		rc = alter_fail(err, AX_ERROR, "%s cannot be read: %s", what,
		    strerror(errno));
		goto out;
	}
	rc = creds_parse(buf, n, what, out, err);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

static void
on_tty_signal(int sig)
{
	tty_signal = sig;
}

/*
 * Read one line from the terminal fd with echo off into buf (at most cap
 * bytes).  Echo and the signal dispositions are restored before it
 * returns; a signal caught meanwhile is then raised again, and after a
 * stop signal the read starts over.  Returns 0 with *n set, or -1 with
 * errno set (EINTR when a signal ended the read).
 */
static int
read_tty_line(int fd, unsigned char *buf, size_t cap, size_t *n)
{
	struct sigaction sa, saved[NELEM(tty_signals)];
	struct termios old, noecho;
	size_t i;
	ssize_t r;
	int sig, e, installed[NELEM(tty_signals)];

restart:
	*n = 0;
	e = 0;
	tty_signal = 0;
	if (tcgetattr(fd, &old) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_tty_signal;
	/* No SA_RESTART: a signal must end the read() below. */
	sa.sa_flags = 0;
	for (i = 0; i < NELEM(tty_signals); i++)
		installed[i] = sigaction(tty_signals[i], &sa, &saved[i]) == 0;
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	noecho.c_lflag |= ECHONL;
	/*
	 * TCSANOW rather than TCSAFLUSH: a line typed (or pasted by a
	 * script) right after the prompt must not be thrown away.
	 */
	if (tcsetattr(fd, TCSANOW, &noecho) == -1) {
		e = errno;
		goto restore;
	}
	while (*n < cap && tty_signal == 0) {
		r = read(fd, buf + *n, cap - *n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (r == 0)
			break;
		*n += (size_t)r;
		if (memchr(buf + *n - (size_t)r, '\n', (size_t)r) != NULL)
			break;
	}
	while (tcsetattr(fd, TCSANOW, &old) == -1)
		if (errno != EINTR) {
			if (e == 0)
				e = errno;
			break;
		}
restore:
	for (i = 0; i < NELEM(tty_signals); i++)
		if (installed[i])
			(void)sigaction(tty_signals[i], &saved[i], NULL);
	sig = tty_signal;
	if (sig != 0) {
		explicit_bzero(buf, cap);
		*n = 0;
		(void)kill(getpid(), sig);
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			goto restart;
		errno = EINTR;
		return -1;
	}
	if (e != 0) {
		explicit_bzero(buf, cap);
		*n = 0;
		errno = e;
		return -1;
	}
	return 0;
}

enum alter_exit
creds_read_stdin(int fd, int is_tty, struct creds_token *out,
    struct alter_err *err)
{
	unsigned char buf[CREDS_INPUT_MAX + 1];
	size_t n;
	int r;
	enum alter_exit rc;

	creds_wipe(out);
	if (is_tty)
		r = read_tty_line(fd, buf, sizeof(buf), &n);
	else
		r = read_capped(fd, buf, sizeof(buf), &n);
	if (r == -1) {
		if (errno == EINTR)
			rc = alter_fail(err, AX_ERROR, "reading the token from "
			    "standard input was interrupted");
		else
			rc = alter_fail(err, AX_ERROR, "standard input cannot "
			    "be read: %s", strerror(errno));
	} else
		rc = creds_parse(buf, n, "standard input", out, err);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* Length of s without trailing slashes, keeping a lone "/". */
static size_t
trimmed_dir_len(const char *s)
{
	size_t len = strlen(s);

	while (len > 1 && s[len - 1] == '/')
		len--;
	return len;
}

/* out = base (without trailing slashes) + suffix; var names the source. */
static enum alter_exit
join_dir(char *out, size_t outlen, const char *base, const char *suffix,
    const char *var, struct alter_err *err)
{
	size_t len;
	int r;

	len = trimmed_dir_len(base);
	if (len == 1 && base[0] == '/' && suffix[0] == '/')
		len = 0;
	r = snprintf(out, outlen, "%.*s%s", (int)len, base, suffix);
	if (r < 0 || (size_t)r >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return alter_fail(err, AX_USAGE, "%s is too long: the config "
		    "directory must fit in %zu bytes", var,
		    outlen > 0 ? outlen - 1 : 0);
	}
	return AX_OK;
}

enum alter_exit
creds_config_dir(char *out, size_t outlen, struct alter_err *err)
{
	const struct passwd *pw;
	const char *v;

	if ((v = util_env("ALTER_CONFIG_DIR")) != NULL)
		return join_dir(out, outlen, v, "", "ALTER_CONFIG_DIR", err);
	/* The XDG base directory spec: a relative path is to be ignored. */
	if ((v = util_env("XDG_CONFIG_HOME")) != NULL && v[0] == '/')
		return join_dir(out, outlen, v, "/alter", "XDG_CONFIG_HOME",
		    err);
	if ((v = util_env("HOME")) != NULL)
		return join_dir(out, outlen, v, "/.config/alter", "HOME", err);
	pw = getpwuid(geteuid());
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] != '\0')
		return join_dir(out, outlen, pw->pw_dir, "/.config/alter",
		    "the home directory in the password database", err);
	if (outlen > 0)
		out[0] = '\0';
	return alter_fail(err, AX_USAGE, "no config directory: set "
	    "ALTER_CONFIG_DIR, XDG_CONFIG_HOME or HOME (there is no home "
	    "directory for uid %ld in the password database)",
	    (long)geteuid());
}

enum alter_exit
creds_store_path(const char *dir, char *out, size_t outlen,
    struct alter_err *err)
{
	char q[UTIL_PATH_QSIZE];
	size_t len;
	int r;

	if (dir == NULL || dir[0] == '\0') {
		if (outlen > 0)
			out[0] = '\0';
		return alter_fail(err, AX_USAGE, "the config directory is "
		    "empty");
	}
	len = trimmed_dir_len(dir);
	if (len == 1 && dir[0] == '/')
		len = 0;
	r = snprintf(out, outlen, "%.*s/%s", (int)len, dir, CREDS_STORE_FILE);
	if (r < 0 || (size_t)r >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return alter_fail(err, AX_USAGE, "the config directory %s is "
		    "too long: %s must fit in %zu bytes",
		    util_quote_path(q, sizeof(q), dir), CREDS_STORE_FILE,
		    outlen > 0 ? outlen - 1 : 0);
	}
	return AX_OK;
}

/* The line of auth.toml being parsed, for messages. */
struct store_line {
	const char	*qpath;		/* the quoted path */
	size_t		 lineno;
};

static enum alter_exit
malformed(const struct store_line *l, struct alter_err *err)
{
	return alter_fail(err, AX_AUTH, "%s line %zu: expected key = "
	    "\"value\"", l->qpath, l->lineno);
}

/*
 * Decode the TOML basic string that starts at p[0] == '"', within len
 * bytes: \" and \\ are the only escapes.  Up to cap bytes go to dst (NULL:
 * none); *dlen is the full decoded length.  Returns the bytes consumed,
 * closing quote included, or 0 if the string is malformed.
 */
static size_t
decode_string(const unsigned char *p, size_t len, unsigned char *dst,
    size_t cap, size_t *dlen)
{
	size_t i;
	unsigned char c;

	*dlen = 0;
	if (len == 0 || p[0] != '"')
		return 0;
	for (i = 1; i < len; i++) {
		c = p[i];
		if (c == '"')
			return i + 1;
		if (c == '\\') {
			if (i + 1 >= len || (p[i + 1] != '"' && p[i + 1] != '\\'))
				return 0;
			c = p[++i];
		}
		if (dst != NULL && *dlen < cap)
			dst[*dlen] = c;
		(*dlen)++;
	}
	return 0;
}

/*
 * Parse one line of auth.toml (without its LF or CRLF) into st.  *seen
 * has a bit per known key, to refuse duplicates.
 */
static enum alter_exit
parse_store_line(const unsigned char *p, size_t len,
    const struct store_line *l, struct creds_store *st, unsigned *seen,
    struct alter_err *err)
{
	unsigned char tok[CREDS_INPUT_MAX + 1];
	char what[UTIL_PATH_QSIZE + 64];
	const unsigned char *key;
	unsigned char *dst;
	size_t i, keylen, used, dlen, cap;
	unsigned bit;
	enum alter_exit rc;

	/* No control characters but tab anywhere, NUL and lone CR included. */
	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return malformed(l, err);
	i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == len || p[i] == '#')
		return AX_OK;
	key = p + i;
	while (i < len && is_token_char(p[i]))
		i++;
	keylen = (size_t)(p + i - key);
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (keylen == 0 || i == len || p[i] != '=')
		return malformed(l, err);
	i++;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;

	if (keylen == 5 && memcmp(key, "token", 5) == 0) {
		bit = 1;
		dst = tok;
		cap = sizeof(tok);
	} else if (keylen == 8 && memcmp(key, "base_url", 8) == 0) {
		bit = 2;
		dst = (unsigned char *)st->base_url;
		cap = sizeof(st->base_url) - 1;
	} else if (keylen == 8 && memcmp(key, "saved_at", 8) == 0) {
		bit = 4;
		dst = (unsigned char *)st->saved_at;
		cap = sizeof(st->saved_at) - 1;
	} else {
		bit = 0;
		dst = NULL;
		cap = 0;
	}
	used = decode_string(p + i, len - i, dst, cap, &dlen);
	if (used == 0) {
		rc = malformed(l, err);
		goto out;
	}
	for (i += used; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t') {
			rc = malformed(l, err);
			goto out;
		}
	if ((*seen & bit) != 0) {
		rc = alter_fail(err, AX_AUTH, "%s line %zu: duplicate key "
		    "'%.*s'", l->qpath, l->lineno, (int)keylen,
		    (const char *)key);
		goto out;
	}
	*seen |= bit;
	rc = AX_OK;
	if (bit == 1) {
		/* One byte past the cap makes creds_parse() say "larger". */
		snprintf(what, sizeof(what), "the token in %s line %zu",
		    l->qpath, l->lineno);
		rc = creds_parse(tok, dlen < cap ? dlen : cap, what,
		    &st->token, err);
		/* A bad stored token is an AUTH failure, not a USAGE one. */
		if (rc != AX_OK) {
			rc = AX_AUTH;
			if (err != NULL) {
				err->code = AX_AUTH;
				used = strlen(err->msg);
				snprintf(err->msg + used, sizeof(err->msg) - used,
				    "; run alter auth login again");
			}
		}
	} else if (bit != 0) {
		if (dlen > cap)
			rc = alter_fail(err, AX_AUTH, "%s line %zu: the value "
			    "of '%.*s' is longer than %zu bytes", l->qpath,
			    l->lineno, (int)keylen, (const char *)key, cap);
		else
			dst[dlen] = '\0';
	}
out:
	explicit_bzero(tok, sizeof(tok));
	return rc;
}

enum alter_exit
creds_store_parse(const unsigned char *buf, size_t len, const char *qpath,
    struct creds_store *st, struct alter_err *err)
{
	struct store_line l;
	const unsigned char *eol;
	size_t start, end;
	unsigned seen;
	enum alter_exit rc;

	l.qpath = qpath;
	l.lineno = 0;
	seen = 0;
	start = 0;
	while (start < len) {
		l.lineno++;
		eol = memchr(buf + start, '\n', len - start);
		end = eol != NULL ? (size_t)(eol - buf) : len;
		/* cli.md 2.3: lines end in LF or CRLF. */
		if (end > start && buf[end - 1] == '\r')
			end--;
		rc = parse_store_line(buf + start, end - start, &l, st, &seen,
		    err);
		if (rc != AX_OK) {
			creds_wipe(&st->token);
			return rc;
		}
		start = eol != NULL ? (size_t)(eol - buf) + 1 : len;
	}
	if ((seen & 1) == 0)
		return alter_fail(err, AX_AUTH, "%s holds no token; run alter "
		    "auth login again", qpath);
	return AX_OK;
}

enum alter_exit
creds_store_load(const char *dir, struct creds_store *st, int *present,
    struct alter_err *err)
{
	unsigned char content[CREDS_STORE_MAX + 1];
	char q[UTIL_PATH_QSIZE];
	struct stat sb;
	size_t n;
	int fd, e;
	enum alter_exit rc;

	*present = 0;
	memset(st, 0, sizeof(*st));
	rc = creds_store_path(dir, st->path, sizeof(st->path), err);
	if (rc != AX_OK)
		return rc;
	util_quote_path(q, sizeof(q), st->path);
	/* O_NONBLOCK: a FIFO planted as auth.toml must not hang us. */
	fd = open(st->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd == -1) {
		e = errno;
		if (e == ENOENT)
			return AX_OK;
		if (e == ELOOP)
			return alter_fail(err, AX_AUTH, "%s is a symbolic link; "
			    "alter reads its store only from a regular file: "
			    "remove it and run alter auth login again", q);
		if (e == ENXIO)
			return alter_fail(err, AX_AUTH, "%s is not a regular "
			    "file: remove it and run alter auth login again",
			    q);
		return alter_fail(err, AX_AUTH, "%s cannot be opened: %s", q,
		    strerror(e));
	}
	if (fstat(fd, &sb) == -1) {
		rc = alter_fail(err, AX_AUTH, "%s cannot be examined: %s", q,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = alter_fail(err, AX_AUTH, "%s is not a regular file: "
		    "remove it and run alter auth login again", q);
		goto out;
	}
	if (sb.st_uid != geteuid()) {
		rc = alter_fail(err, AX_AUTH, "%s is owned by uid %ld, not by "
		    "you (uid %ld): remove it and run alter auth login again",
		    q, (long)sb.st_uid, (long)geteuid());
		goto out;
	}
	st->mode = (unsigned)(sb.st_mode & 07777);
	if ((sb.st_mode & 077) != 0) {
		rc = alter_fail(err, AX_AUTH, "%s is accessible by group or "
		    "others (mode %04o); fix it with: chmod 600 %s", q,
		    st->mode, q);
		goto out;
	}
	if (sb.st_size > CREDS_STORE_MAX) {
		rc = alter_fail(err, AX_AUTH, "%s is too large (more than %d "
		    "bytes)", q, CREDS_STORE_MAX);
		goto out;
	}
	if (read_capped(fd, content, sizeof(content), &n) == -1) {
		rc = alter_fail(err, AX_AUTH, "%s cannot be read: %s", q,
		    strerror(errno));
		goto out;
	}
	if (n > CREDS_STORE_MAX) {
		rc = alter_fail(err, AX_AUTH, "%s is too large (more than %d "
		    "bytes)", q, CREDS_STORE_MAX);
		goto out;
	}
	rc = creds_store_parse(content, n, q, st, err);
	if (rc == AX_OK)
		*present = 1;
out:
	explicit_bzero(content, sizeof(content));
	if (rc != AX_OK)
		creds_wipe(&st->token);
	close(fd);
	return rc;
}

/*
 * Append "key = \"value\"\n" to out, escaping " and \ as cli.md 2.3's
 * reader expects.  A control character cannot be stored: -1.
 */
static int
put_line(char *out, size_t outlen, size_t *used, const char *key,
    const char *value)
{
	size_t o;
	int r;

	r = snprintf(out + *used, outlen - *used, "%s = \"", key);
	if (r < 0 || (size_t)r >= outlen - *used)
		return -1;
	o = *used + (size_t)r;
	for (; *value != '\0'; value++) {
		if ((unsigned char)*value < 0x20 || *value == 0x7f)
			return -1;
		if (o + 4 >= outlen)
			return -1;
		if (*value == '"' || *value == '\\')
			out[o++] = '\\';
		out[o++] = *value;
	}
	if (o + 3 >= outlen)
		return -1;
	out[o++] = '"';
	out[o++] = '\n';
	out[o] = '\0';
	*used = o;
	return 0;
}

/* mkdir -p dir, each missing component 0700 (umask is 077 already). */
static enum alter_exit
make_dirs(const char *dir, struct alter_err *err)
{
	char path[4096], q[UTIL_PATH_QSIZE];
	struct stat sb;
	size_t len, i;
	int e;

	len = strlen(dir);
	if (len >= sizeof(path))
		return alter_fail(err, AX_USAGE, "the config directory %s is "
		    "too long", util_quote_path(q, sizeof(q), dir));
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == -1) {
			e = errno;
			if (e != EEXIST &&
			    !(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
				return alter_fail(err, AX_ERROR, "cannot create "
				    "the directory %s: %s",
				    util_quote_path(q, sizeof(q), path), strerror(e));
		}
		path[i] = dir[i];
	}
	return AX_OK;
}

enum alter_exit
creds_store_save(const char *dir, const struct creds_token *t,
    const char *base_url, const char *saved_at, struct alter_err *err)
{
	char content[STORE_CONTENT_MAX], path[4096], tmp[64];
	char q[UTIL_PATH_QSIZE];
	struct timespec ts;
	struct stat sb;
	unsigned long seed;
	size_t used;
	mode_t old_umask;
	int dfd, fd, tmp_made, i;
	enum alter_exit rc;

	dfd = fd = -1;
	tmp_made = 0;
	used = 0;
	content[0] = '\0';
	old_umask = umask(077);

	rc = creds_store_path(dir, path, sizeof(path), err);
	if (rc != AX_OK)
		goto out;
	if (t == NULL || t->len > CREDS_TOKEN_MAX ||
	    !valid_pat((const unsigned char *)t->value, t->len) ||
	    t->value[t->len] != '\0') {
		rc = alter_fail(err, AX_USAGE, "the token to store is not a "
		    "valid PAT");
		goto out;
	}
	memcpy(content, store_header, sizeof(store_header));
	used = sizeof(store_header) - 1;
	if (put_line(content, sizeof(content), &used, "token",
	    t->value) == -1) {
		rc = alter_fail(err, AX_ERROR, "the token does not fit in the "
		    "store");
		goto out;
	}
	if (base_url != NULL && (strlen(base_url) >= 2048 ||
	    put_line(content, sizeof(content), &used, "base_url",
	    base_url) == -1)) {
		rc = alter_fail(err, AX_USAGE, "the base URL cannot be stored: "
		    "it holds a control character or is longer than 2047 "
		    "bytes");
		goto out;
	}
	if (saved_at != NULL && (strlen(saved_at) >= 64 ||
	    put_line(content, sizeof(content), &used, "saved_at",
	    saved_at) == -1)) {
		rc = alter_fail(err, AX_USAGE, "the saved_at time cannot be "
		    "stored: it holds a control character or is longer than "
		    "63 bytes");
		goto out;
	}

	if ((rc = make_dirs(dir, err)) != AX_OK)
		goto out;
	util_quote_path(q, sizeof(q), dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot open the directory %s: "
		    "%s", q, strerror(errno));
		goto out;
	}
	if (fstat(dfd, &sb) == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot examine the directory "
		    "%s: %s", q, strerror(errno));
		goto out;
	}
	/* cli.md 2.3: the directory must be ours and closed to others. */
	if (sb.st_uid != geteuid()) {
		rc = alter_fail(err, AX_AUTH, "the directory %s is owned by "
		    "uid %ld, not by you (uid %ld); alter will not store a "
		    "token there", q, (long)sb.st_uid, (long)geteuid());
		goto out;
	}
	if ((sb.st_mode & 022) != 0) {
		rc = alter_fail(err, AX_AUTH, "the directory %s is writable by "
		    "group or others (mode %04o); fix it with: chmod 700 %s",
		    q, (unsigned)(sb.st_mode & 07777), q);
		goto out;
	}

	/*
	 * cli.md 2.3: an auth.toml that is a symbolic link is refused, not
	 * silently replaced (rename() would replace the link itself).
	 */
	if (fstatat(dfd, CREDS_STORE_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(sb.st_mode)) {
		rc = alter_fail(err, AX_AUTH, "%s is a symbolic link; alter "
		    "stores its token only in a regular file: remove the link "
		    "and run alter auth login again",
		    util_quote_path(q, sizeof(q), path));
		goto out;
	}

	/* A fresh name: pid, the clock and a counter; O_EXCL decides. */
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20);
	for (i = 0; i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".%s.%ld.%lx", CREDS_STORE_FILE,
		    (long)getpid(), (seed + (unsigned long)i * 7919UL) &
		    0xffffffffUL);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot create a temporary file "
		    "in %s: %s", q, strerror(errno));
		goto out;
	}
	tmp_made = 1;
	util_quote_path(q, sizeof(q), path);
	/* 0600 even where a default ACL would widen the mode. */
	if (fchmod(fd, 0600) == -1 || write_all(fd, content, used) == -1 ||
	    fsync(fd) == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot write %s: %s", q,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		rc = alter_fail(err, AX_ERROR, "cannot write %s: %s", q,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, CREDS_STORE_FILE) == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot replace %s: %s", q,
		    strerror(errno));
		goto out;
	}
	tmp_made = 0;
	/* A file system that cannot sync a directory says EINVAL. */
	if (fsync(dfd) == -1 && errno != EINVAL) {
		rc = alter_fail(err, AX_ERROR, "%s was written but its "
		    "directory cannot be synced: %s", q, strerror(errno));
		goto out;
	}
	rc = AX_OK;
out:
	if (fd != -1)
		close(fd);
	if (tmp_made)
		(void)unlinkat(dfd, tmp, 0);
	if (dfd != -1)
		close(dfd);
	explicit_bzero(content, sizeof(content));
	umask(old_umask);
	return rc;
}

enum alter_exit
creds_store_remove(const char *dir, int *removed, struct alter_err *err)
{
	char path[4096], q[UTIL_PATH_QSIZE];
	enum alter_exit rc;

	*removed = 0;
	if ((rc = creds_store_path(dir, path, sizeof(path), err)) != AX_OK)
		return rc;
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return AX_OK;
		return alter_fail(err, AX_ERROR, "cannot remove %s: %s",
		    util_quote_path(q, sizeof(q), path), strerror(errno));
	}
	*removed = 1;
	return AX_OK;
}
