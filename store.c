/*
 * store.c: the 0600 file store auth.toml (docs/cli.md 2.3) in the config
 * directory (2.1): its path, parser, loader, writer and removal.
 *
 * It never prints, exits or allocates, and never puts any part of a token
 * but its mask into a message.  Every buffer that may hold a token (the
 * store's content) is wiped with explicit_bzero() on every path.  See
 * store.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "file.h"
#include "store.h"
#include "util.h"

/* Room for the content of auth.toml: the header, the token and the two
 * other values, each of which may double when escaped. */
#define STORE_CONTENT_MAX	8192

static const char store_header[] =
    "# Alter CLI credentials: plaintext PAT. Keep this file private "
    "(mode 0600).\n";

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

	if (dir == NULL || dir[0] == '\0') {
		if (outlen > 0)
			out[0] = '\0';
		return alter_fail(err, AX_USAGE, "the config directory is "
		    "empty");
	}
	if (file_join(out, outlen, dir, CREDS_STORE_FILE) == -1)
		return alter_fail(err, AX_USAGE, "the config directory %s is "
		    "too long: %s must fit in %zu bytes",
		    util_quote_path(q, sizeof(q), dir), CREDS_STORE_FILE,
		    outlen > 0 ? outlen - 1 : 0);
	return AX_OK;
}

/* A character of a TOML bare key. */
static int
is_key_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
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

/* The keys auth.toml holds; others are ignored. */
static const struct store_key {
	const char	*name;
	unsigned	 bit;		/* in *seen, to refuse duplicates */
	size_t		 off, size;	/* its field of struct creds_store; 0, 0: the token */
} store_keys[] = {
	{ "token", 1, 0, 0 },
	{ "base_url", 2, offsetof(struct creds_store, base_url),
	  sizeof(((struct creds_store *)0)->base_url) },
	{ "saved_at", 4, offsetof(struct creds_store, saved_at),
	  sizeof(((struct creds_store *)0)->saved_at) },
};

/* The known key key[0..keylen), or NULL. */
static const struct store_key *
find_key(const unsigned char *key, size_t keylen)
{
	size_t i;

	for (i = 0; i < sizeof(store_keys) / sizeof(store_keys[0]); i++)
		if (strlen(store_keys[i].name) == keylen &&
		    memcmp(store_keys[i].name, key, keylen) == 0)
			return &store_keys[i];
	return NULL;
}

/* 1 if p[0..len) holds a control character but tab (NUL, lone CR too). */
static int
has_control(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return 1;
	return 0;
}

/* The offset of the first byte from i on that is not a space or tab. */
static size_t
skip_blanks(const unsigned char *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/*
 * Split the line p[0..len) as key = value: *key, *keylen and *value, the
 * offset of the value.  Returns 1; 0 for a blank or comment line; -1 when
 * malformed.
 */
static int
split_line(const unsigned char *p, size_t len, const unsigned char **key,
    size_t *keylen, size_t *value)
{
	size_t i;

	i = skip_blanks(p, len, 0);
	if (i == len || p[i] == '#')
		return 0;
	*key = p + i;
	while (i < len && is_key_char(p[i]))
		i++;
	*keylen = (size_t)(p + i - *key);
	i = skip_blanks(p, len, i);
	if (*keylen == 0 || i == len || p[i] != '=')
		return -1;
	*value = skip_blanks(p, len, i + 1);
	return 1;
}

/* The stored token tok[0..len) through the reading rule into st->token. */
static enum alter_exit
store_token(const unsigned char *tok, size_t len, const struct store_line *l,
    struct creds_store *st, struct alter_err *err)
{
	char what[UTIL_PATH_QSIZE + 64];
	size_t used;

	snprintf(what, sizeof(what), "the token in %s line %zu", l->qpath,
	    l->lineno);
	if (creds_parse(tok, len, what, &st->token, err) == AX_OK)
		return AX_OK;
	/* A bad stored token is an AUTH failure, not a USAGE one. */
	if (err != NULL) {
		err->code = AX_AUTH;
		used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used,
		    "; run alter auth login again");
	}
	return AX_AUTH;
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
	const struct store_key *k;
	const unsigned char *key;
	unsigned char *dst;
	size_t v, keylen, used, dlen, cap;
	enum alter_exit rc;
	int r;

	if (has_control(p, len) ||
	    (r = split_line(p, len, &key, &keylen, &v)) == -1)
		return malformed(l, err);
	if (r == 0)
		return AX_OK;
	k = find_key(key, keylen);
	dst = k == NULL ? NULL : k->size == 0 ? tok : (unsigned char *)st + k->off;
	cap = k == NULL ? 0 : k->size == 0 ? sizeof(tok) : k->size - 1;
	used = decode_string(p + v, len - v, dst, cap, &dlen);
	if (used == 0 || skip_blanks(p, len, v + used) != len)
		rc = malformed(l, err);
	else if (k == NULL)
		rc = AX_OK;
	else if ((*seen & k->bit) != 0)
		rc = alter_fail(err, AX_AUTH, "%s line %zu: duplicate key "
		    "'%.*s'", l->qpath, l->lineno, (int)keylen,
		    (const char *)key);
	else {
		*seen |= k->bit;
		rc = AX_OK;
		if (k->size == 0)
			/* One byte past the cap makes creds_parse() say "larger". */
			rc = store_token(tok, dlen < cap ? dlen : cap, l, st, err);
		else if (dlen > cap)
			rc = alter_fail(err, AX_AUTH, "%s line %zu: the value "
			    "of '%.*s' is longer than %zu bytes", l->qpath,
			    l->lineno, (int)keylen, (const char *)key, cap);
		else
			dst[dlen] = '\0';
	}
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
		/* docs/cli.md 2.3: lines end in LF or CRLF. */
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

/*
 * Open the store at path (q: quoted) without following a symbolic link or
 * blocking on a FIFO.  Returns AX_OK with *fd open, or with *fd -1 when
 * there is no store; AX_AUTH when it cannot be opened.
 */
static enum alter_exit
open_store(const char *path, const char *q, int *fd, struct alter_err *err)
{
	int e;

	/* O_NONBLOCK: a FIFO planted as auth.toml must not hang us. */
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (*fd != -1)
		return AX_OK;
	e = errno;
	if (e == ENOENT)
		return AX_OK;
	if (e == ELOOP)
		return alter_fail(err, AX_AUTH, "%s is a symbolic link; "
		    "alter reads its store only from a regular file: "
		    "remove it and run alter auth login again", q);
	if (e == ENXIO)
		return alter_fail(err, AX_AUTH, "%s is not a regular "
		    "file: remove it and run alter auth login again", q);
	return alter_fail(err, AX_AUTH, "%s cannot be opened: %s", q,
	    strerror(e));
}

/*
 * docs/cli.md 2.3: the open store fd (q: quoted) must be a regular file of
 * ours, closed to group and others, at most CREDS_STORE_MAX bytes.  Sets
 * st->mode.  Returns AX_OK or AX_AUTH.
 */
static enum alter_exit
check_store(int fd, const char *q, struct creds_store *st,
    struct alter_err *err)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return alter_fail(err, AX_AUTH, "%s cannot be examined: %s", q,
		    strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return alter_fail(err, AX_AUTH, "%s is not a regular file: "
		    "remove it and run alter auth login again", q);
	if (sb.st_uid != geteuid())
		return alter_fail(err, AX_AUTH, "%s is owned by uid %ld, not by "
		    "you (uid %ld): remove it and run alter auth login again",
		    q, (long)sb.st_uid, (long)geteuid());
	st->mode = (unsigned)(sb.st_mode & 07777);
	if ((sb.st_mode & 077) != 0)
		return alter_fail(err, AX_AUTH, "%s is accessible by group or "
		    "others (mode %04o); fix it with: chmod 600 %s", q,
		    st->mode, q);
	if (sb.st_size > CREDS_STORE_MAX)
		return alter_fail(err, AX_AUTH, "%s is too large (more than %d "
		    "bytes)", q, CREDS_STORE_MAX);
	return AX_OK;
}

enum alter_exit
creds_store_load(const char *dir, struct creds_store *st, int *present,
    struct alter_err *err)
{
	unsigned char content[CREDS_STORE_MAX + 1];
	char q[UTIL_PATH_QSIZE];
	size_t n;
	int fd;
	enum alter_exit rc;

	*present = 0;
	memset(st, 0, sizeof(*st));
	rc = creds_store_path(dir, st->path, sizeof(st->path), err);
	if (rc != AX_OK)
		return rc;
	util_quote_path(q, sizeof(q), st->path);
	if ((rc = open_store(st->path, q, &fd, err)) != AX_OK || fd == -1)
		return rc;
	if ((rc = check_store(fd, q, st, err)) != AX_OK)
		goto out;
	if (read_capped(fd, content, sizeof(content), &n) == -1)
		rc = alter_fail(err, AX_AUTH, "%s cannot be read: %s", q,
		    strerror(errno));
	else if (n > CREDS_STORE_MAX)
		rc = alter_fail(err, AX_AUTH, "%s is too large (more than %d "
		    "bytes)", q, CREDS_STORE_MAX);
	else
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
 * Append "key = \"value\"\n" to out, escaping " and \ as docs/cli.md 2.3's
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

/*
 * The content of auth.toml for t, base_url and saved_at (NULL: left out)
 * into out, *used bytes.  Returns AX_OK, or AX_USAGE (AX_ERROR for a
 * token that does not fit) with err filled.
 */
static enum alter_exit
store_content(char *out, size_t outlen, size_t *used,
    const struct creds_token *t, const char *base_url, const char *saved_at,
    struct alter_err *err)
{
	if (!creds_valid(t))
		return alter_fail(err, AX_USAGE, "the token to store is not a "
		    "valid PAT");
	memcpy(out, store_header, sizeof(store_header));
	*used = sizeof(store_header) - 1;
	if (put_line(out, outlen, used, "token", t->value) == -1)
		return alter_fail(err, AX_ERROR, "the token does not fit in the "
		    "store");
	if (base_url != NULL && (strlen(base_url) >= 2048 ||
	    put_line(out, outlen, used, "base_url", base_url) == -1))
		return alter_fail(err, AX_USAGE, "the base URL cannot be stored: "
		    "it holds a control character or is longer than 2047 "
		    "bytes");
	if (saved_at != NULL && (strlen(saved_at) >= 64 ||
	    put_line(out, outlen, used, "saved_at", saved_at) == -1))
		return alter_fail(err, AX_USAGE, "the saved_at time cannot be "
		    "stored: it holds a control character or is longer than "
		    "63 bytes");
	return AX_OK;
}

/*
 * Open the config directory dir (made with its parents if missing) for the
 * store at path.  docs/cli.md 2.3: it must be ours and closed to others, and an
 * auth.toml that is a symbolic link is refused, not silently replaced
 * (rename() would replace the link itself).  Returns AX_OK with *dfd open,
 * or an error with *dfd -1.
 */
static enum alter_exit
open_store_dir(const char *dir, const char *path, int *dfd,
    struct alter_err *err)
{
	char q[UTIL_PATH_QSIZE];
	struct stat sb;
	enum alter_exit rc;

	*dfd = -1;
	if ((rc = make_dirs(dir, 0700, err)) != AX_OK)
		return rc;
	util_quote_path(q, sizeof(q), dir);
	if ((*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return alter_fail(err, AX_ERROR, "cannot open the directory %s: "
		    "%s", q, strerror(errno));
	if (fstat(*dfd, &sb) == -1)
		rc = alter_fail(err, AX_ERROR, "cannot examine the directory "
		    "%s: %s", q, strerror(errno));
	else if (sb.st_uid != geteuid())
		rc = alter_fail(err, AX_AUTH, "the directory %s is owned by "
		    "uid %ld, not by you (uid %ld); alter will not store a "
		    "token there", q, (long)sb.st_uid, (long)geteuid());
	else if ((sb.st_mode & 022) != 0)
		rc = alter_fail(err, AX_AUTH, "the directory %s is writable by "
		    "group or others (mode %04o); fix it with: chmod 700 %s",
		    q, (unsigned)(sb.st_mode & 07777), q);
	else if (fstatat(*dfd, CREDS_STORE_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(sb.st_mode))
		rc = alter_fail(err, AX_AUTH, "%s is a symbolic link; alter "
		    "stores its token only in a regular file: remove the link "
		    "and run alter auth login again",
		    util_quote_path(q, sizeof(q), path));
	if (rc != AX_OK) {
		close(*dfd);
		*dfd = -1;
	}
	return rc;
}

enum alter_exit
creds_store_save(const char *dir, const struct creds_token *t,
    const char *base_url, const char *saved_at, struct alter_err *err)
{
	char content[STORE_CONTENT_MAX], path[4096];
	size_t used;
	mode_t old_umask;
	int dfd;
	enum alter_exit rc;

	dfd = -1;
	used = 0;
	content[0] = '\0';
	old_umask = umask(077);
	rc = creds_store_path(dir, path, sizeof(path), err);
	if (rc == AX_OK)
		rc = store_content(content, sizeof(content), &used, t, base_url,
		    saved_at, err);
	if (rc == AX_OK)
		rc = open_store_dir(dir, path, &dfd, err);
	if (rc == AX_OK)
		rc = write_file_atomic(dfd, dir, CREDS_STORE_FILE, content, used,
		    0600, err);
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
