/*
 * tests/unit_creds.c: the token reading rule, the mask and the channels of
 * creds.c, the config directory and the auth.toml store of store.c
 * (docs/cli.md 2.1 to 2.3).
 * Files live in a mkdtemp() directory that is removed at the end.  The
 * tests run as root, which bypasses permission checks, so the mode checks
 * are tested through the mode bits, never through access failures.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt(), nftw() */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "store.h"
#include "util.h"
#include "tests/unit.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Every token body in these tests holds this marker: no message may. */
#define MARK		"S3cr3t"
#define TOK		"alter_pat_" MARK "B0dy_x-9Zq"
#define TOK_MASK	"alter_pat_...-9Zq"

static char top[64];

static const struct {
	const char	*name;
	const char	*bytes;
	size_t		 len;		/* 0: strlen(bytes) */
	enum alter_exit	 code;
	const char	*fragment;	/* in the message, on failure */
} parse_vectors[] = {
	{ "a bare token", TOK, 0, AX_OK, NULL },
	{ "a token and LF", TOK "\n", 0, AX_OK, NULL },
	{ "a token and CRLF", TOK "\r\n", 0, AX_OK, NULL },
	{ "a token with CR around it", "\r" TOK "\r", 0, AX_OK, NULL },
	{ "a token in spaces, tabs and blank lines", "  \t" TOK " \r\n\n", 0,
	    AX_OK, NULL },
	{ "a UTF-8 byte-order mark and a token", "\xef\xbb\xbf" TOK "\n", 0,
	    AX_OK, NULL },
	{ "a UTF-16 LE byte-order mark", "\xff\xfe" "a\0l\0", 6, AX_USAGE,
	    "looks like UTF-16" },
	{ "a UTF-16 BE byte-order mark", "\xfe\xff" "\0a\0l", 6, AX_USAGE,
	    "looks like UTF-16" },
	{ "a UTF-16 LE byte-order mark before ASCII", "\xff\xfe" TOK, 0,
	    AX_USAGE, "looks like UTF-16" },
	{ "a UTF-16 BE byte-order mark before ASCII", "\xfe\xff" TOK, 0,
	    AX_USAGE, "looks like UTF-16" },
	{ "UTF-16 LE without a byte-order mark", "a\0l\0t\0", 6, AX_USAGE,
	    "save it as UTF-8 or ASCII" },
	{ "a NUL byte after a token", TOK "\0\n", sizeof(TOK) + 1, AX_USAGE,
	    "looks like UTF-16" },
	{ "two tokens on one line", TOK " " TOK, 0, AX_USAGE,
	    "more than one PAT" },
	{ "two tokens on two lines", TOK "\n" TOK "\n", 0, AX_USAGE,
	    "more than one PAT" },
	{ "a header line", "Bearer " TOK, 0, AX_USAGE, "more than one PAT" },
	{ "a runtime key", "alter_rk_" MARK "abc", 0, AX_USAGE,
	    "holds an API key, not a PAT" },
	{ "an agent key", "alter_ak_" MARK "abc\n", 0, AX_USAGE, "API key" },
	{ "a dk key", "alter_dk_" MARK "abc", 0, AX_USAGE, "API key" },
	{ "a pk key", "alter_pk_" MARK "abc", 0, AX_USAGE, "API key" },
	{ "an alter_key_ key", "alter_key_" MARK "abc", 0, AX_USAGE, "API key" },
	{ "empty input", "", 0, AX_USAGE, "is empty" },
	{ "only whitespace", "  \r\n\t\n", 0, AX_USAGE, "is empty" },
	{ "only a UTF-8 byte-order mark", "\xef\xbb\xbf\n", 0, AX_USAGE,
	    "is empty" },
	{ "the prefix alone", "alter_pat_\n", 0, AX_USAGE,
	    "nothing follows alter_pat_" },
	{ "another vendor's token", "ghp_" MARK "abc", 0, AX_USAGE,
	    "a PAT starts with alter_pat_" },
	{ "an upper-case prefix", "ALTER_PAT_" MARK, 0, AX_USAGE,
	    "a PAT starts with alter_pat_" },
	{ "a quoted token", "\"" TOK "\"", 0, AX_USAGE,
	    "a PAT starts with alter_pat_" },
	{ "a '!' in the body", "alter_pat_" MARK "!x", 0, AX_USAGE,
	    "only letters, digits, '_' and '-'" },
	{ "a '.' in the body", "alter_pat_" MARK ".x", 0, AX_USAGE,
	    "only letters, digits" },
	{ "a non-ASCII letter in the body", "alter_pat_" MARK "\xc3\xa9", 0,
	    AX_USAGE, "only letters, digits" },
	{ "a vertical tab after the token", TOK "\v", 0, AX_USAGE,
	    "only letters, digits" },
	{ "an escape sequence in the body", "alter_pat_" MARK "\033[2J", 0,
	    AX_USAGE, "only letters, digits" },
};

/* A file or directory entry under top, for the helpers below. */
static void
at(char *out, size_t outlen, const char *rel)
{
	snprintf(out, outlen, "%s/%s", top, rel);
}

static int
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;
	ssize_t r;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1)
		return -1;
	r = write(fd, data, len);
	close(fd);
	if (r != (ssize_t)len)
		return -1;
	return chmod(path, mode);
}

/* Read a whole small file; returns its length or -1. */
static long
read_file(const char *path, char *buf, size_t cap)
{
	int fd;
	ssize_t r;
	size_t n = 0;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	close(fd);
	return (long)n;
}

/* How many .auth.toml.* temp files are in dir. */
static int
count_temps(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".auth.toml.", 11) == 0)
			n++;
	closedir(d);
	return n;
}

static unsigned
mode_of(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == -1)
		return 0xffff;
	return (unsigned)(sb.st_mode & 07777);
}

static int
all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

static void
test_parse(void)
{
	struct creds_token t;
	struct alter_err err;
	char body[CREDS_INPUT_MAX + 2];
	size_t i, len;
	enum alter_exit rc;

	for (i = 0; i < NELEM(parse_vectors); i++) {
		len = parse_vectors[i].len;
		if (len == 0)
			len = strlen(parse_vectors[i].bytes);
		memset(&err, 0, sizeof(err));
		memset(&t, 'X', sizeof(t));
		rc = creds_parse((const unsigned char *)parse_vectors[i].bytes,
		    len, "the vector", &t, &err);
		CHECK(rc == parse_vectors[i].code, "%s gives exit %d (got %d)",
		    parse_vectors[i].name, (int)parse_vectors[i].code, (int)rc);
		if (rc != parse_vectors[i].code)
			continue;
		if (rc == AX_OK) {
			CHECK(strcmp(t.value, TOK) == 0 && t.len == strlen(TOK),
			    "%s gives the token itself", parse_vectors[i].name);
			continue;
		}
		CHECK(err.code == rc && strstr(err.msg, "the vector") != NULL &&
		    strstr(err.msg, parse_vectors[i].fragment) != NULL,
		    "%s is refused naming the input and saying \"%s\" "
		    "(got \"%s\")", parse_vectors[i].name,
		    parse_vectors[i].fragment, err.msg);
		CHECK(strstr(err.msg, MARK) == NULL &&
		    strstr(err.msg, "alter_pat_" MARK) == NULL,
		    "the message for %s holds no part of the value",
		    parse_vectors[i].name);
		CHECK(all_zero(&t, sizeof(t)),
		    "a refused %s leaves the token wiped", parse_vectors[i].name);
	}

	/* Length limits: 500 characters after the prefix, 4 KiB of input. */
	memcpy(body, "alter_pat_", 10);
	memset(body + 10, 'a', 500);
	body[510] = '\0';
	rc = creds_parse((unsigned char *)body, 510, "x", &t, &err);
	CHECK(rc == AX_OK && t.len == 510 && t.value[510] == '\0',
	    "500 characters after the prefix are accepted");
	body[510] = 'a';
	rc = creds_parse((unsigned char *)body, 511, "x", &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "501 characters") != NULL &&
	    strstr(err.msg, "at most 500") != NULL,
	    "501 characters after the prefix are refused (got \"%s\")",
	    err.msg);
	memcpy(body, TOK, strlen(TOK));
	memset(body + strlen(TOK), ' ', sizeof(body) - strlen(TOK));
	rc = creds_parse((unsigned char *)body, CREDS_INPUT_MAX, "x", &t, &err);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "a token padded to exactly 4096 bytes is accepted");
	rc = creds_parse((unsigned char *)body, CREDS_INPUT_MAX + 1, "x", &t,
	    &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "larger than 4096 bytes"),
	    "4097 bytes of input are refused as too large");
	rc = creds_parse((const unsigned char *)TOK, strlen(TOK), NULL, &t,
	    &err);
	CHECK(rc == AX_OK, "a NULL what is allowed");
	creds_wipe(&t);
	CHECK(all_zero(&t, sizeof(t)), "creds_wipe zeroes the whole token");
	creds_wipe(NULL);
}

static void
test_mask(void)
{
	static const struct {
		const char *token, *mask;
	} v[] = {
		{ TOK, TOK_MASK },
		{ "alter_pat_abcde", "alter_pat_...bcde" },
		{ "alter_pat_abcd", "alter_pat_...bcd" },
		{ "alter_pat_ab", "alter_pat_...b" },
		{ "alter_pat_a", "alter_pat_..." },
	};
	struct creds_token t;
	struct alter_err err;
	char out[CREDS_MASK_SIZE + 8];
	size_t i;

	for (i = 0; i < NELEM(v); i++) {
		creds_parse((const unsigned char *)v[i].token,
		    strlen(v[i].token), "x", &t, &err);
		creds_mask(&t, out, sizeof(out));
		CHECK(strcmp(out, v[i].mask) == 0, "the mask of %s is %s "
		    "(got %s)", v[i].token, v[i].mask, out);
	}
	creds_parse((const unsigned char *)TOK, strlen(TOK), "x", &t, &err);
	creds_mask(&t, out, CREDS_MASK_SIZE);
	CHECK(strcmp(out, TOK_MASK) == 0, "CREDS_MASK_SIZE bytes hold a mask");
	creds_mask(&t, out, CREDS_MASK_SIZE - 1);
	CHECK(out[0] == '\0', "a buffer too small for the mask gets \"\"");
	out[0] = 'Z';
	creds_mask(&t, out, 0);
	CHECK(out[0] == 'Z', "a zero-length buffer is left alone");
	memset(&t, 0, sizeof(t));
	creds_mask(&t, out, sizeof(out));
	CHECK(strcmp(out, "alter_pat_...") == 0,
	    "an empty token masks to alter_pat_... alone");
	memcpy(t.value, "alter_rk_" MARK "abcd", 19);
	t.len = 19;
	creds_mask(&t, out, sizeof(out));
	CHECK(strcmp(out, "alter_pat_...") == 0,
	    "a value that is not a PAT shows nothing of itself in a mask");
}

static void
test_env(void)
{
	struct creds_token t;
	struct alter_err err;
	enum alter_exit rc;

	rc = creds_from_env(" " TOK "\n", &t, &err);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "ALTER_PAT is trimmed and accepted");
	rc = creds_from_env("alter_rk_" MARK, &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "ALTER_PAT holds an API key")
	    && strstr(err.msg, MARK) == NULL,
	    "an API key in ALTER_PAT is refused naming the variable");
	rc = creds_from_env("", &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "ALTER_PAT is empty"),
	    "an empty ALTER_PAT is refused naming the variable");
	rc = creds_from_env(NULL, &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "ALTER_PAT is empty"),
	    "a NULL ALTER_PAT value counts as empty");
}

static void
test_read_file(void)
{
	struct creds_token t;
	struct alter_err err;
	char path[256], link[256], big[5000], fdpath[64];
	int loose, pfd[2];
	pid_t pid;
	enum alter_exit rc;
	static const struct {
		mode_t	mode;
		int	loose;
	} modes[] = {
		{ 0600, 0 }, { 0400, 0 }, { 0620, 0 }, { 0602, 0 },
		{ 0640, 1 }, { 0604, 1 }, { 0644, 1 }, { 0444, 1 },
	};
	size_t i;

	at(path, sizeof(path), "pat");
	for (i = 0; i < NELEM(modes); i++) {
		write_file(path, TOK "\n", strlen(TOK) + 1, modes[i].mode);
		loose = -1;
		rc = creds_read_file(path, &t, &loose, &err);
		CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0 &&
		    loose == modes[i].loose, "a token file of mode %04o is "
		    "read, loose_mode %d", (unsigned)modes[i].mode,
		    modes[i].loose);
	}

	write_file(path, "\xff\xfe" "a\0", 4, 0600);
	rc = creds_read_file(path, &t, &loose, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "--token-file '") &&
	    strstr(err.msg, "/pat' looks like UTF-16"),
	    "a UTF-16 token file is refused naming --token-file and the path "
	    "(got \"%s\")", err.msg);

	memset(big, 'a', sizeof(big));
	memcpy(big, TOK, strlen(TOK));
	write_file(path, big, sizeof(big), 0600);
	rc = creds_read_file(path, &t, &loose, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "larger than 4096 bytes") &&
	    strstr(err.msg, MARK) == NULL,
	    "a 5000-byte token file is refused as too large");

	at(link, sizeof(link), "pat-link");
	write_file(path, TOK, strlen(TOK), 0600);
	if (symlink(path, link) == -1)
		perror("symlink");
	rc = creds_read_file(link, &t, &loose, &err);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "a token file behind a symlink is read (Kubernetes secrets)");

	at(path, sizeof(path), "no-such-file");
	rc = creds_read_file(path, &t, &loose, &err);
	CHECK(rc == AX_NOT_FOUND && err.code == AX_NOT_FOUND &&
	    strstr(err.msg, "/no-such-file' does not exist"),
	    "a missing token file is AX_NOT_FOUND naming it");
	rc = creds_read_file("/etc/passwd/x", &t, &loose, &err);
	CHECK(rc == AX_NOT_FOUND, "a path through a file is AX_NOT_FOUND");
	rc = creds_read_file(top, &t, &loose, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "is a directory"),
	    "a directory as token file is AX_USAGE naming it");
	rc = creds_read_file("/dev/zero", &t, &loose, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "larger than 4096"),
	    "/dev/zero is refused after 4097 bytes, not read forever");

	at(path, sizeof(path), "it's\na file");
	rc = creds_read_file(path, &t, &loose, &err);
	CHECK(rc == AX_NOT_FOUND && strstr(err.msg, "it'\\''s\\x0aa file'"),
	    "a path with a quote and a newline is quoted and escaped "
	    "(got \"%s\")", err.msg);

	/* A pipe, as bash's <(...) gives /dev/fd/N. */
	if (pipe(pfd) == 0) {
		write(pfd[1], TOK "\n", strlen(TOK) + 1);
		close(pfd[1]);
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", pfd[0]);
		rc = creds_read_file(fdpath, &t, &loose, &err);
		CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0 && loose == 0,
		    "a pipe given as /dev/fd/N is read");
		close(pfd[0]);
	}

	/* A FIFO with a writer. */
	at(path, sizeof(path), "fifo");
	mkfifo(path, 0600);
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		write(fd, TOK "\r\n", strlen(TOK) + 2);
		_exit(0);
	}
	rc = creds_read_file(path, &t, &loose, &err);
	waitpid(pid, NULL, 0);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "a FIFO token file is read");
	creds_wipe(&t);
}

/* Feed bytes to creds_read_stdin through a pipe (not a terminal). */
static enum alter_exit
stdin_pipe(const char *bytes, size_t len, struct creds_token *t,
    struct alter_err *err)
{
	int pfd[2];
	pid_t pid;
	enum alter_exit rc;

	if (pipe(pfd) == -1)
		return AX_ERROR;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		write(pfd[1], bytes, len);
		_exit(0);
	}
	close(pfd[1]);
	rc = creds_read_stdin(pfd[0], 0, t, err);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return rc;
}

/* Wait until the terminal's echo is off, at most 5 s. */
static int
wait_echo_off(int fd)
{
	struct termios tio;
	int i;

	for (i = 0; i < 5000; i++) {
		if (tcgetattr(fd, &tio) == 0 && (tio.c_lflag & ECHO) == 0)
			return 0;
		usleep(1000);
	}
	return -1;
}

static volatile sig_atomic_t test_sigint;

static void
on_test_sigint(int sig)
{
	(void)sig;
	test_sigint = 1;
}

/*
 * Run creds_read_stdin on a fresh pseudo-terminal.  A child waits for echo
 * to go off, then types line (or sends SIGINT when line is NULL).  The
 * bytes the terminal echoed go to echoed.
 */
static enum alter_exit
stdin_tty(const char *line, struct creds_token *t, struct alter_err *err,
    char *echoed, size_t echoedlen, int *echo_restored)
{
	struct termios before, after;
	int master, slave, flags;
	pid_t pid, parent;
	ssize_t r;
	enum alter_exit rc;

	echoed[0] = '\0';
	*echo_restored = 0;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master == -1 || grantpt(master) == -1 || unlockpt(master) == -1)
		return AX_ERROR;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave == -1)
		return AX_ERROR;
	tcgetattr(slave, &before);
	parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* Type even if echo never goes off: the echo check catches it. */
		(void)wait_echo_off(slave);
		if (line == NULL)
			kill(parent, SIGINT);
		else
			write(master, line, strlen(line));
		_exit(0);
	}
	rc = creds_read_stdin(slave, 1, t, err);
	waitpid(pid, NULL, 0);
	tcgetattr(slave, &after);
	*echo_restored = (after.c_lflag & ECHO) != 0 &&
	    after.c_lflag == before.c_lflag;
	flags = fcntl(master, F_GETFL);
	fcntl(master, F_SETFL, flags | O_NONBLOCK);
	r = read(master, echoed, echoedlen - 1);
	echoed[r > 0 ? r : 0] = '\0';
	close(slave);
	close(master);
	return rc;
}

static void
test_read_stdin(void)
{
	struct creds_token t;
	struct alter_err err;
	struct sigaction sa, old;
	char big[5000], echoed[256];
	int restored;
	enum alter_exit rc;

	rc = stdin_pipe(TOK "\n", strlen(TOK) + 1, &t, &err);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "a token piped to standard input is read to EOF");
	rc = stdin_pipe("", 0, &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "standard input is empty"),
	    "empty standard input is refused naming it");
	rc = stdin_pipe(TOK "\n" TOK "\n", 2 * strlen(TOK) + 2, &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "more than one PAT") &&
	    strstr(err.msg, MARK) == NULL,
	    "two piped tokens are refused, quoting neither");
	memset(big, ' ', sizeof(big));
	memcpy(big, TOK, strlen(TOK));
	rc = stdin_pipe(big, sizeof(big), &t, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "larger than 4096"),
	    "more than 4 KiB on standard input is refused");

	rc = stdin_tty(TOK "\n", &t, &err, echoed, sizeof(echoed), &restored);
	CHECK(rc == AX_OK && strcmp(t.value, TOK) == 0,
	    "one line is read from a terminal (got exit %d, \"%s\")", (int)rc,
	    rc == AX_OK ? "" : err.msg);
	CHECK(strstr(echoed, MARK) == NULL && strchr(echoed, '\n') != NULL,
	    "the terminal echoes the newline but not the token");
	CHECK(restored, "echo is back on after the terminal read");

	rc = stdin_tty("alter_rk_" MARK "\n", &t, &err, echoed,
	    sizeof(echoed), &restored);
	CHECK(rc == AX_USAGE && strstr(err.msg, "standard input holds an API "
	    "key") && restored && strstr(echoed, MARK) == NULL,
	    "a bad token typed on a terminal is refused and echo is back on");

	rc = stdin_tty("\004", &t, &err, echoed, sizeof(echoed), &restored);
	CHECK(rc == AX_USAGE && strstr(err.msg, "standard input is empty") &&
	    restored, "end of file on a terminal is empty input, echo back on");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_test_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	test_sigint = 0;
	rc = stdin_tty(NULL, &t, &err, echoed, sizeof(echoed), &restored);
	sigaction(SIGINT, &old, NULL);
	CHECK(rc == AX_ERROR && strstr(err.msg, "interrupted") && restored &&
	    test_sigint == 1,
	    "SIGINT during a terminal read restores echo, then reaches the "
	    "caller's handler");
	creds_wipe(&t);
}

static void
clear_env(void)
{
	unsetenv("ALTER_CONFIG_DIR");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
}

static void
test_config_dir(void)
{
	static const struct {
		const char *alter, *xdg, *home, *want;
	} v[] = {
		{ "/a/b", "/x", "/h", "/a/b" },
		{ "/a/b/", NULL, NULL, "/a/b" },
		{ "rel/dir", NULL, NULL, "rel/dir" },
		{ "", "/x", "/h", "/x/alter" },
		{ NULL, "/x/", "/h", "/x/alter" },
		{ NULL, "", "/h", "/h/.config/alter" },
		{ NULL, "relative", "/h", "/h/.config/alter" },
		{ NULL, NULL, "/h//", "/h/.config/alter" },
		{ NULL, NULL, "/", "/.config/alter" },
	};
	struct alter_err err;
	struct passwd *pw;
	char out[4096], want[4096], *big;
	size_t i;
	int status, pfd[2];
	pid_t pid;
	enum alter_exit rc;

	for (i = 0; i < NELEM(v); i++) {
		clear_env();
		if (v[i].alter != NULL)
			setenv("ALTER_CONFIG_DIR", v[i].alter, 1);
		if (v[i].xdg != NULL)
			setenv("XDG_CONFIG_HOME", v[i].xdg, 1);
		if (v[i].home != NULL)
			setenv("HOME", v[i].home, 1);
		rc = creds_config_dir(out, sizeof(out), &err);
		CHECK(rc == AX_OK && strcmp(out, v[i].want) == 0,
		    "ALTER_CONFIG_DIR=%s XDG_CONFIG_HOME=%s HOME=%s gives %s "
		    "(got %s)", v[i].alter ? v[i].alter : "(unset)",
		    v[i].xdg ? v[i].xdg : "(unset)",
		    v[i].home ? v[i].home : "(unset)", v[i].want, out);
	}

	clear_env();
	setenv("HOME", "", 1);
	pw = getpwuid(geteuid());
	snprintf(want, sizeof(want), "%s/.config/alter",
	    pw != NULL ? pw->pw_dir : "?");
	rc = creds_config_dir(out, sizeof(out), &err);
	CHECK(rc == AX_OK && strcmp(out, want) == 0,
	    "with no variables the password database's home is used (%s)",
	    want);

	big = malloc(5000);
	memset(big, 'd', 4999);
	big[0] = '/';
	big[4999] = '\0';
	setenv("ALTER_CONFIG_DIR", big, 1);
	rc = creds_config_dir(out, sizeof(out), &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "ALTER_CONFIG_DIR is too long")
	    && out[0] == '\0', "an ALTER_CONFIG_DIR too long is refused naming it");
	free(big);
	clear_env();
	setenv("HOME", "/home/someone", 1);
	rc = creds_config_dir(out, 10, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "HOME is too long"),
	    "truncation is checked and names HOME");

	/* A uid with no passwd entry and no variables: no config dir. */
	clear_env();
	if (pipe(pfd) == 0) {
		pid = fork();
		if (pid == 0) {
			struct alter_err e;

			close(pfd[0]);
			if (setuid(54321) == -1)
				_exit(9);
			rc = creds_config_dir(out, sizeof(out), &e);
			write(pfd[1], e.msg, strlen(e.msg) + 1);
			_exit(rc);
		}
		close(pfd[1]);
		memset(err.msg, 0, sizeof(err.msg));
		read(pfd[0], err.msg, sizeof(err.msg) - 1);
		close(pfd[0]);
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == AX_USAGE &&
		    strstr(err.msg, "ALTER_CONFIG_DIR") &&
		    strstr(err.msg, "XDG_CONFIG_HOME") &&
		    strstr(err.msg, "HOME"),
		    "without variables and a passwd entry, AX_USAGE names "
		    "ALTER_CONFIG_DIR, XDG_CONFIG_HOME and HOME (got \"%s\")",
		    err.msg);
	}
}

static void
test_store_path(void)
{
	struct alter_err err;
	char out[64];

	CHECK(creds_store_path("/x/", out, sizeof(out), &err) == AX_OK &&
	    strcmp(out, "/x/auth.toml") == 0, "the store path drops a "
	    "trailing slash");
	CHECK(creds_store_path("/", out, sizeof(out), &err) == AX_OK &&
	    strcmp(out, "/auth.toml") == 0, "the store path under / is "
	    "/auth.toml");
	CHECK(creds_store_path("/a/long/dir", out, 12, &err) == AX_USAGE &&
	    out[0] == '\0', "a store path that does not fit is AX_USAGE");
	CHECK(creds_store_path("", out, sizeof(out), &err) == AX_USAGE,
	    "an empty config dir is AX_USAGE");
}

static const char saved_content[] =
    "# Alter CLI credentials: plaintext PATs. Keep this file private "
    "(mode 0600).\n"
    "default = \"https://api.alterauth.com\"\n"
    "\n"
    "[\"https://api.alterauth.com\"]\n"
    "token = \"" TOK "\"\n"
    "saved_at = \"2026-11-28T00:00:00Z\"\n";

/* The single-entry form of earlier versions, read as one entry. */
static const char legacy_content[] =
    "# Alter CLI credentials: plaintext PAT. Keep this file private "
    "(mode 0600).\n"
    "token = \"" TOK "\"\n"
    "base_url = \"https://Old.Example.COM:443/\"\n"
    "saved_at = \"2026-11-28T00:00:00Z\"\n";

static void
test_store_round_trip(void)
{
	struct creds_token t;
	struct creds_store st;
	struct alter_err err;
	char dir[256], path[512], sub[256], buf[4096];
	int present;
	long n;
	mode_t old, restored;
	enum alter_exit rc;

	creds_parse((const unsigned char *)TOK, strlen(TOK), "x", &t, &err);
	at(dir, sizeof(dir), "rt/a/b");
	old = umask(0);
	rc = creds_store_save(dir, &t, "https://api.alterauth.com",
	    "2026-11-28T00:00:00Z", &err);
	restored = umask(old);
	CHECK(restored == 0, "the caller's umask is restored after a save");
	CHECK(rc == AX_OK, "a save into missing directories succeeds "
	    "(got \"%s\")", rc == AX_OK ? "" : err.msg);
	at(sub, sizeof(sub), "rt");
	CHECK(mode_of(sub) == 0700, "under umask 000 a created parent is "
	    "0700 (got %04o)", mode_of(sub));
	CHECK(mode_of(dir) == 0700, "under umask 000 the config directory "
	    "is 0700 (got %04o)", mode_of(dir));
	snprintf(path, sizeof(path), "%s/auth.toml", dir);
	CHECK(mode_of(path) == 0600, "under umask 000 auth.toml is 0600 "
	    "(got %04o)", mode_of(path));
	n = read_file(path, buf, sizeof(buf));
	CHECK(n == (long)strlen(saved_content) &&
	    memcmp(buf, saved_content, (size_t)n) == 0,
	    "auth.toml holds exactly the content of docs/cli.md 2.3");
	CHECK(count_temps(dir) == 0, "no temp file is left after a save");

	memset(&st, 'X', sizeof(st));
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_OK && present == 1 && st.n == 1 &&
	    strcmp(st.entries[0].token.value, TOK) == 0 &&
	    st.entries[0].token.len == strlen(TOK) &&
	    strcmp(st.entries[0].base_url, "https://api.alterauth.com") == 0 &&
	    strcmp(st.default_url, "https://api.alterauth.com") == 0 &&
	    strcmp(st.entries[0].saved_at, "2026-11-28T00:00:00Z") == 0 &&
	    st.mode == 0600 && strcmp(st.path, path) == 0 && !st.legacy,
	    "the saved store loads back: default, base URL, token, saved_at, "
	    "mode, path");
	creds_store_wipe(&st);

	rc = creds_store_save(dir, &t, "https://H.example./\"q\"\\p/", NULL,
	    &err);
	rc = rc == AX_OK ? creds_store_load(dir, &st, &present, &err) : rc;
	CHECK(rc == AX_OK && st.n == 2 &&
	    creds_store_find(&st, "https://api.alterauth.com") != NULL &&
	    creds_store_find(&st, "https://h.example:443/\"q\"\\p") != NULL &&
	    strcmp(st.default_url, "https://h.example/\"q\"\\p") == 0 &&
	    creds_store_find(&st, st.default_url)->saved_at[0] == '\0',
	    "a second base URL is a second entry and the default; quotes and "
	    "backslashes survive; a NULL saved_at is left out");
	creds_store_wipe(&st);

	/* The single-entry form: one entry, rewritten at the next write. */
	snprintf(path, sizeof(path), "%s/auth.toml", dir);
	unlink(path);
	write_file(path, legacy_content, strlen(legacy_content), 0600);
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_OK && st.n == 1 && st.legacy &&
	    strcmp(st.entries[0].base_url, "https://old.example.com") == 0 &&
	    strcmp(st.default_url, "https://old.example.com") == 0 &&
	    strcmp(st.entries[0].token.value, TOK) == 0,
	    "the single-entry form is read as one entry, its base URL "
	    "normalised and the default");
	creds_store_wipe(&st);
	rc = creds_store_save(dir, &t, "https://api.alterauth.com", "now", &err);
	n = read_file(path, buf, sizeof(buf));
	buf[n > 0 ? n : 0] = '\0';
	CHECK(rc == AX_OK && strstr(buf, "[\"https://old.example.com\"]\ntoken") &&
	    strstr(buf, "[\"https://api.alterauth.com\"]\ntoken") &&
	    strstr(buf, "default = \"https://api.alterauth.com\"\n") &&
	    strstr(buf, "base_url") == NULL,
	    "the next write rewrites a single-entry store in the new form, "
	    "keeping its entry");

	at(dir, sizeof(dir), "absent");
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_OK && present == 0,
	    "a missing store is AX_OK with present 0");
	creds_wipe(&t);
}

/* Write content as dir/auth.toml 0600 and load it. */
static enum alter_exit
load_content(const char *content, size_t len, struct creds_store *st,
    int *present, struct alter_err *err)
{
	char dir[256], path[512];

	at(dir, sizeof(dir), "ld");
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/auth.toml", dir);
	unlink(path);
	write_file(path, content, len, 0600);
	memset(err, 0, sizeof(*err));
	return creds_store_load(dir, st, present, err);
}

/*
 * creds_store_load() in a child that dies after 5 s, so that a load that
 * blocks fails this test instead of hanging it.  A hang returns AX_ERROR.
 */
static enum alter_exit
bounded_load(const char *dir, struct alter_err *err)
{
	struct creds_store st;
	int pfd[2], present, status;
	pid_t pid;
	enum alter_exit rc;

	memset(err, 0, sizeof(*err));
	if (pipe(pfd) == -1)
		return AX_ERROR;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		alarm(5);
		rc = creds_store_load(dir, &st, &present, err);
		write(pfd[1], err->msg, strlen(err->msg) + 1);
		_exit(rc);
	}
	close(pfd[1]);
	read(pfd[0], err->msg, sizeof(err->msg) - 1);
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status))
		return AX_ERROR;
	return (enum alter_exit)WEXITSTATUS(status);
}

static const struct {
	const char	*name;
	const char	*content;
	size_t		 len;		/* 0: strlen(content) */
	enum alter_exit	 code;
	const char	*fragment;
} load_vectors[] = {
	{ "the exact file of docs/cli.md 2.3", saved_content, 0, AX_OK, NULL },
	{ "CRLF line ends",
	    "# c\r\ntoken = \"" TOK "\"\r\nbase_url = \"https://x\"\r\n", 0,
	    AX_OK, NULL },
	{ "comments, blank lines and unknown keys",
	    "# one\n\n   \n\t# two\nfuture = \"x\"\ntoken = \"" TOK "\"\n"
	    "other_key = \"with \\\"escapes\\\" \\\\ \"\n", 0, AX_OK, NULL },
	{ "no spaces around =, indentation and trailing blanks",
	    "  token=\"" TOK "\"  \t\n", 0, AX_OK, NULL },
	{ "a last line without LF", "token = \"" TOK "\"", 0, AX_OK, NULL },
	{ "a value without quotes", "# c\n\ntoken = " TOK "\n", 0, AX_AUTH,
	    "line 3: expected key = \"value\"" },
	{ "an unterminated string",
	    "token = \"" TOK "\"\nbase_url = \"https://x\n", 0, AX_AUTH,
	    "line 2: expected key" },
	{ "an unknown escape", "token = \"" TOK "\"\nx = \"a\\nb\"\n", 0,
	    AX_AUTH, "line 2: expected key" },
	{ "a missing =", "token \"" TOK "\"\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a missing key", "= \"" TOK "\"\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a trailing comment", "token = \"" TOK "\" # mine\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a table header", "[auth]\ntoken = \"" TOK "\"\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a single-quoted string", "token = '" TOK "'\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a NUL byte in a comment", "token = \"" TOK "\"\n# a\0b\n",
	    sizeof("token = \"" TOK "\"\n# a\0b\n") - 1, AX_AUTH,
	    "line 2: expected key" },
	{ "a lone CR", "token = \"" TOK "\"\rx = \"y\"\n", 0, AX_AUTH,
	    "line 1: expected key" },
	{ "a duplicate token", "token = \"" TOK "\"\ntoken = \"" TOK "\"\n", 0,
	    AX_AUTH, "line 2: duplicate key 'token'" },
	{ "no token", "# only\nbase_url = \"https://x\"\n", 0, AX_AUTH,
	    "holds no token" },
	{ "an empty file", "", 0, AX_AUTH, "holds no token" },
	{ "an API key as token", "\ntoken = \"alter_rk_" MARK "\"\n", 0,
	    AX_AUTH, "line 2 holds an API key" },
	{ "an empty token", "token = \"\"\n", 0, AX_AUTH,
	    "the token in '" },
	{ "a token with a bad character", "token = \"alter_pat_" MARK "!\"\n",
	    0, AX_AUTH, "only letters, digits" },
	{ "a saved_at too long", "token = \"" TOK "\"\nsaved_at = \""
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\"\n", 0, AX_AUTH, "line 2: the value of 'saved_at' is longer" },
};

static void
test_store_load(void)
{
	struct creds_store st;
	struct alter_err err;
	char dir[256], path[512], other[256], qpath[600], *big;
	int present, fd;
	size_t i, len;
	enum alter_exit rc;
	static const mode_t bad_modes[] = { 0644, 0640, 0604, 0620, 0602, 0610,
	    0601, 0660, 0666 };

	for (i = 0; i < NELEM(load_vectors); i++) {
		len = load_vectors[i].len;
		if (len == 0)
			len = strlen(load_vectors[i].content);
		memset(&st, 'X', sizeof(st));
		present = -1;
		rc = load_content(load_vectors[i].content, len, &st, &present,
		    &err);
		CHECK(rc == load_vectors[i].code, "a store with %s gives exit "
		    "%d (got %d: \"%s\")", load_vectors[i].name,
		    (int)load_vectors[i].code, (int)rc, err.msg);
		if (rc != load_vectors[i].code)
			continue;
		if (rc == AX_OK) {
			CHECK(present == 1 && st.n >= 1 &&
			    strcmp(st.entries[0].token.value, TOK) == 0,
			    "a store with %s yields the token",
			    load_vectors[i].name);
			creds_store_wipe(&st);
			continue;
		}
		CHECK(err.code == rc && strstr(err.msg, "/ld/auth.toml'") &&
		    strstr(err.msg, load_vectors[i].fragment) &&
		    strstr(err.msg, MARK) == NULL,
		    "a store with %s is refused naming the file and saying "
		    "\"%s\", without the token (got \"%s\")",
		    load_vectors[i].name, load_vectors[i].fragment, err.msg);
		CHECK(all_zero(st.entries, sizeof(st.entries)),
		    "a refused store with %s leaves the tokens wiped",
		    load_vectors[i].name);
	}

	at(dir, sizeof(dir), "ld");
	snprintf(path, sizeof(path), "%s/auth.toml", dir);
	snprintf(qpath, sizeof(qpath), "chmod 600 '%s'", path);
	for (i = 0; i < NELEM(bad_modes); i++) {
		load_content(saved_content, strlen(saved_content), &st,
		    &present, &err);
		chmod(path, bad_modes[i]);
		rc = creds_store_load(dir, &st, &present, &err);
		CHECK(rc == AX_AUTH && strstr(err.msg, qpath) &&
		    st.entries[0].token.len == 0,
		    "a store of mode %04o is refused with the chmod 600 that "
		    "fixes it (got \"%s\")", (unsigned)bad_modes[i], err.msg);
	}
	chmod(path, 0400);
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_OK && st.mode == 0400, "a 0400 store is accepted "
	    "and its mode reported");
	creds_store_wipe(&st);

	/* A symlink to a good 0600 store is still refused. */
	at(other, sizeof(other), "real.toml");
	write_file(other, saved_content, strlen(saved_content), 0600);
	unlink(path);
	symlink(other, path);
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "symbolic link"),
	    "a store that is a symlink is refused");

	unlink(path);
	mkfifo(path, 0600);
	rc = bounded_load(dir, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "not a regular file"),
	    "a store that is a FIFO is refused without blocking (got \"%s\")",
	    err.msg);
	unlink(path);
	mkdir(path, 0700);
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "not a regular file"),
	    "a store that is a directory is refused");
	rmdir(path);

	write_file(path, saved_content, strlen(saved_content), 0600);
	chown(path, 12345, 12345);
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "owned by uid 12345"),
	    "a store owned by another uid is refused (got \"%s\")", err.msg);
	unlink(path);

	len = CREDS_STORE_MAX + 10;
	big = malloc(len);
	memset(big, '#', len);
	memcpy(big, saved_content, strlen(saved_content));
	big[len - 1] = '\n';
	rc = load_content(big, len, &st, &present, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "too large"),
	    "a store over 64 KiB is refused as too large");
	rc = load_content(big, CREDS_STORE_MAX, &st, &present, &err);
	CHECK(rc == AX_OK, "a store of exactly 64 KiB is read");
	creds_store_wipe(&st);
	free(big);

	/* A directory that cannot be searched is not "missing". */
	at(other, sizeof(other), "not-a-dir");
	fd = open(other, O_WRONLY | O_CREAT, 0600);
	close(fd);
	rc = creds_store_load(other, &st, &present, &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "cannot be opened"),
	    "a config dir that is a file is AX_AUTH, not a missing store");
}

static void
test_store_save(void)
{
	struct creds_token t;
	struct creds_store st;
	struct alter_err err;
	char dir[256], path[512], before[4096], after[4096], inner[600];
	long nb, na;
	int present, removed;
	struct stat sb1, sb2;
	enum alter_exit rc;
	pid_t pids[8];
	size_t i;
	int j, ok;

	creds_parse((const unsigned char *)TOK, strlen(TOK), "x", &t, &err);
	at(dir, sizeof(dir), "sv");
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/auth.toml", dir);

	write_file(path, legacy_content, strlen(legacy_content), 0644);
	stat(path, &sb1);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);
	stat(path, &sb2);
	CHECK(rc == AX_OK && mode_of(path) == 0600 && sb1.st_ino != sb2.st_ino,
	    "a save over an old 0644 store leaves a new 0600 file");
	write_file(path, "old\n", 4, 0600);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "line 1") && count_temps(dir) == 0,
	    "a save over a malformed store refuses, naming the line, rather "
	    "than lose its entries");
	unlink(path);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);

	nb = read_file(path, before, sizeof(before));
	chmod(dir, 0770);
	rc = creds_store_save(dir, &t, "https://other", "later", &err);
	na = read_file(path, after, sizeof(after));
	CHECK(rc == AX_AUTH && strstr(err.msg, "/sv' is writable by group or "
	    "others (mode 0770)") && strstr(err.msg, "chmod 700"),
	    "a group-writable directory is refused naming it (got \"%s\")",
	    err.msg);
	CHECK(na == nb && memcmp(before, after, (size_t)nb) == 0 &&
	    count_temps(dir) == 0,
	    "after the refusal the old file is byte-identical, no temp file");
	chmod(dir, 0702);
	rc = creds_store_save(dir, &t, "https://other", "later", &err);
	CHECK(rc == AX_AUTH, "a world-writable directory is refused");
	chmod(dir, 0750);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);
	CHECK(rc == AX_OK, "a group-readable (not writable) directory is "
	    "accepted");
	chown(dir, 12345, 12345);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "owned by uid 12345"),
	    "a directory owned by another uid is refused");
	chown(dir, 0, 0);
	chmod(dir, 0700);

	nb = read_file(path, before, sizeof(before));
	rc = creds_store_save(dir, &t, "https://x/\001", "now", &err);
	na = read_file(path, after, sizeof(after));
	CHECK(rc == AX_USAGE && na == nb && memcmp(before, after, (size_t)nb)
	    == 0, "a base URL with a control character is refused, the old "
	    "file untouched");
	memset(&st.entries[0].token, 0, sizeof(st.entries[0].token));
	memcpy(st.entries[0].token.value, "alter_rk_" MARK, 15);
	st.entries[0].token.len = 15;
	rc = creds_store_save(dir, &st.entries[0].token, "https://x", "now", &err);
	na = read_file(path, after, sizeof(after));
	CHECK(rc == AX_USAGE && strstr(err.msg, MARK) == NULL && na == nb &&
	    memcmp(before, after, (size_t)nb) == 0,
	    "saving a value that is not a PAT is refused, the old file "
	    "untouched");

	/* Make rename fail: auth.toml is a non-empty directory. */
	unlink(path);
	mkdir(path, 0700);
	snprintf(inner, sizeof(inner), "%s/keep", path);
	write_file(inner, "x", 1, 0600);
	rc = creds_store_save(dir, &t, "https://x", "now", &err);
	CHECK(rc == AX_AUTH && strstr(err.msg, "/sv/auth.toml'") &&
	    count_temps(dir) == 0 && mode_of(inner) == 0600,
	    "an auth.toml that is a directory is refused at the re-read: no "
	    "temp file, the old entry in place (got \"%s\")", err.msg);
	unlink(inner);
	rmdir(path);

	/* Concurrent saves leave one complete file. */
	for (i = 0; i < NELEM(pids); i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char url[64];

			snprintf(url, sizeof(url), "https://writer%zu", i);
			for (j = 0; j < 25; j++)
				if (creds_store_save(dir, &t, url, "now",
				    &err) != AX_OK)
					_exit(1);
			_exit(0);
		}
	}
	ok = 1;
	for (i = 0; i < NELEM(pids); i++) {
		int status;

		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ok = 0;
	}
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(ok && rc == AX_OK && st.n == NELEM(pids) &&
	    strncmp(st.default_url, "https://writer", 14) == 0 &&
	    count_temps(dir) == 0,
	    "eight concurrent savers to eight base URLs leave eight entries "
	    "and no temp file (got %zu)", st.n);
	creds_store_wipe(&st);

	/* A temp file left by a killed writer goes at the next write. */
	snprintf(inner, sizeof(inner), "%s/.auth.toml.99999.0", dir);
	write_file(inner, "partial", 7, 0600);
	rc = creds_store_remove(dir, "https://WRITER0/", 0, &removed, before,
	    sizeof(before), &err);
	CHECK(rc == AX_OK && removed == 1 && strcmp(before, "https://writer0")
	    == 0 && access(inner, F_OK) == -1,
	    "remove of one base URL removes its entry and a stale temp file");
	rc = creds_store_load(dir, &st, &present, &err);
	CHECK(rc == AX_OK && st.n == NELEM(pids) - 1 &&
	    creds_store_find(&st, "https://writer0") == NULL &&
	    creds_store_find(&st, "https://writer1") != NULL,
	    "the other entries stay");
	creds_store_wipe(&st);
	rc = creds_store_remove(dir, NULL, 1, &removed, NULL, 0, &err);
	CHECK(rc == AX_OK && removed == (int)NELEM(pids) - 1 &&
	    access(path, F_OK) == -1,
	    "remove of all deletes auth.toml");
	rc = creds_store_remove(dir, NULL, 1, &removed, NULL, 0, &err);
	CHECK(rc == AX_OK && removed == 0, "remove again is AX_OK, removed 0");
	at(dir, sizeof(dir), "never/made");
	rc = creds_store_remove(dir, NULL, 0, &removed, NULL, 0, &err);
	CHECK(rc == AX_OK && removed == 0,
	    "remove in a missing directory is AX_OK, removed 0");
	creds_wipe(&t);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	int rc;

	/* A hang (a terminal or FIFO test gone wrong) fails, not waits. */
	alarm(120);
	snprintf(top, sizeof(top), "/tmp/unit_creds.XXXXXX");
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_parse();
	test_mask();
	test_env();
	test_read_file();
	test_read_stdin();
	test_config_dir();
	test_store_path();
	test_store_round_trip();
	test_store_load();
	test_store_save();
	rc = unit_done();
	nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
