/*
 * creds.c: the PAT's channels (ALTER_PAT, --token-file, --token-stdin),
 * the one reading rule they share (docs/cli.md 2.2) and the mask.  The file
 * store auth.toml is store.c.
 *
 * It never prints, exits or allocates, and never puts any part of a token
 * but its mask into a message.  Every buffer that may hold a token (read
 * buffers) is wiped with explicit_bzero() on every path.  See creds.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "creds.h"
#include "file.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* "alter_pat_..." in a mask. */
#define MASK_HEAD	"alter_pat_..."
#define MASK_HEAD_LEN	13

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

/* 1 if the len bytes at p are exactly a PAT of docs/cli.md 2.2. */
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

/* The input without a UTF-8 byte-order mark and surrounding whitespace:
 * returns its start, *n its length. */
static const unsigned char *
trim(const unsigned char *buf, size_t len, size_t *n)
{
	const unsigned char *p = buf, *end = buf + len;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	*n = (size_t)(end - p);
	return p;
}

/* AX_OK if p[0..n) (trimmed, not empty) is one PAT, else why it is not. */
static enum alter_exit
check_pat(const unsigned char *p, size_t n, const char *what,
    struct alter_err *err)
{
	static const char *const api_keys[] = {
		"alter_rk_", "alter_ak_", "alter_dk_", "alter_pk_", "alter_key_"
	};
	size_t i;

	for (i = 0; i < n; i++)
		if (is_space(p[i]))
			return alter_fail(err, AX_USAGE, "%s holds more than "
			    "one PAT (whitespace inside); give exactly one "
			    "PAT", what);
	for (i = 0; i < NELEM(api_keys); i++)
		if (starts_with(p, n, api_keys[i]))
			return alter_fail(err, AX_USAGE, "%s holds an API key, "
			    "not a PAT; mint a PAT "
			    "(alter_pat_...) in the dashboard under "
			    "settings/tokens", what);
	if (!starts_with(p, n, CREDS_PREFIX))
		return alter_fail(err, AX_USAGE, "%s does not hold a "
		    "PAT: a PAT starts with alter_pat_", what);
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
	return AX_OK;
}

enum alter_exit
creds_parse(const unsigned char *buf, size_t len, const char *what,
    struct creds_token *out, struct alter_err *err)
{
	const unsigned char *p;
	size_t n;
	enum alter_exit rc;

	creds_wipe(out);
	if (what == NULL)
		what = "the input";
	if (len > CREDS_INPUT_MAX)
		return alter_fail(err, AX_USAGE, "%s is larger than %d bytes; "
		    "it must hold one PAT and nothing else", what,
		    CREDS_INPUT_MAX);
	/* docs/cli.md 2.2: a UTF-16 byte-order mark or a NUL byte is refused. */
	if ((len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
	    (buf[0] == 0xfe && buf[1] == 0xff))) || memchr(buf, '\0', len))
		return alter_fail(err, AX_USAGE, "%s looks like UTF-16 (it has "
		    "a UTF-16 byte-order mark or a NUL byte); save it as "
		    "UTF-8 or ASCII", what);
	p = trim(buf, len, &n);
	if (n == 0)
		return alter_fail(err, AX_USAGE, "%s is empty; it must hold a "
		    "PAT (alter_pat_...)", what);
	if ((rc = check_pat(p, n, what, err)) != AX_OK)
		return rc;
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
creds_mask_text(const char *in, char *out, size_t cap)
{
	const char *p;
	size_t o = 0, body, tail, n;

	while (*in != '\0' && o + 1 < cap) {
		body = 0;
		if (strncmp(in, CREDS_PREFIX, CREDS_PREFIX_LEN) == 0)
			while (is_token_char((unsigned char)in[CREDS_PREFIX_LEN + body]))
				body++;
		if (body == 0) {
			out[o++] = *in++;
			continue;
		}
		/* As creds_mask(): the last 4, never the whole part after the prefix. */
		p = in + CREDS_PREFIX_LEN + body;
		tail = body > 4 ? 4 : body - 1;
		n = MASK_HEAD_LEN + tail;
		if (o + n >= cap)
			break;
		memcpy(out + o, MASK_HEAD, MASK_HEAD_LEN);
		memcpy(out + o + MASK_HEAD_LEN, p - tail, tail);
		o += n;
		in = p;
	}
	if (cap > 0)
		out[o] = '\0';
}

int
creds_valid(const struct creds_token *t)
{
	return t != NULL && t->len <= CREDS_TOKEN_MAX &&
	    valid_pat((const unsigned char *)t->value, t->len) &&
	    t->value[t->len] == '\0';
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

/* Catch tty_signals with on_tty_signal; saved and installed for restore. */
static void
catch_tty_signals(struct sigaction *saved, int *installed)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_tty_signal;
	/* No SA_RESTART: a signal must end the read() of read_line(). */
	sa.sa_flags = 0;
	for (i = 0; i < NELEM(tty_signals); i++)
		installed[i] = sigaction(tty_signals[i], &sa, &saved[i]) == 0;
}

static void
restore_tty_signals(const struct sigaction *saved, const int *installed)
{
	size_t i;

	for (i = 0; i < NELEM(tty_signals); i++)
		if (installed[i])
			(void)sigaction(tty_signals[i], &saved[i], NULL);
}

/*
 * Read fd into buf (at most cap bytes, *n so far) until a newline, end of
 * file or a caught signal.  Returns 0, or the errno of a failed read.
 */
static int
read_line(int fd, unsigned char *buf, size_t cap, size_t *n)
{
	ssize_t r;

	while (*n < cap && tty_signal == 0) {
		r = read(fd, buf + *n, cap - *n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (r == 0)
			break;
		*n += (size_t)r;
		if (memchr(buf + *n - (size_t)r, '\n', (size_t)r) != NULL)
			break;
	}
	return 0;
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
	struct sigaction saved[NELEM(tty_signals)];
	struct termios old, noecho;
	int sig, e, installed[NELEM(tty_signals)];

restart:
	*n = 0;
	tty_signal = 0;
	if (tcgetattr(fd, &old) == -1)
		return -1;
	catch_tty_signals(saved, installed);
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	noecho.c_lflag |= ECHONL;
	/*
	 * TCSANOW rather than TCSAFLUSH: a line typed (or pasted by a
	 * script) right after the prompt must not be thrown away.
	 */
	if (tcsetattr(fd, TCSANOW, &noecho) == -1)
		e = errno;
	else {
		e = read_line(fd, buf, cap, n);
		while (tcsetattr(fd, TCSANOW, &old) == -1)
			if (errno != EINTR) {
				if (e == 0)
					e = errno;
				break;
			}
	}
	restore_tty_signals(saved, installed);
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
			rc = alter_fail(err, AX_ERROR, "reading the PAT from "
			    "standard input was interrupted");
		else
			rc = alter_fail(err, AX_ERROR, "standard input cannot "
			    "be read: %s", strerror(errno));
	} else
		rc = creds_parse(buf, n, "standard input", out, err);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}
