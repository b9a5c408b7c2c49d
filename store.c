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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "file.h"
#include "store.h"
#include "util.h"

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
	char home[4096];
	const char *v;

	if ((v = util_env("ALTER_CONFIG_DIR")) != NULL)
		return join_dir(out, outlen, v, "", "ALTER_CONFIG_DIR", err);
	/* The XDG base directory spec: a relative path is to be ignored. */
	if ((v = util_env("XDG_CONFIG_HOME")) != NULL && v[0] == '/')
		return join_dir(out, outlen, v, "/alter", "XDG_CONFIG_HOME",
		    err);
	if ((v = util_env("HOME")) != NULL)
		return join_dir(out, outlen, v, "/.config/alter", "HOME", err);
	/* Our own reader of /etc/passwd, not getpwuid(): see file.h. */
	if (file_passwd_home("/etc/passwd", geteuid(), home, sizeof(home)) == 0
	    && home[0] != '\0')
		return join_dir(out, outlen, home, "/.config/alter",
		    "the home directory in /etc/passwd", err);
	if (outlen > 0)
		out[0] = '\0';
	return alter_fail(err, AX_USAGE, "no config directory: set "
	    "ALTER_CONFIG_DIR, XDG_CONFIG_HOME or HOME (there is no home "
	    "directory for uid %ld in /etc/passwd)",
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

/* The state of a parse of auth.toml; l.lineno is the line, for messages. */
struct store_line {
	const char		*qpath;		/* the quoted path */
	size_t			 lineno;
	struct creds_store	*st;
	struct creds_entry	*cur;		/* the current table; NULL: top level */
	size_t			 cur_line;	/* the line of its header */
	unsigned		 seen;		/* keys seen in this section */
	struct creds_entry	 top;		/* the single-entry form's values */
	unsigned		 top_seen;
};

static enum alter_exit
malformed(const struct store_line *l, struct alter_err *err)
{
	return alter_fail(err, AX_AUTH, "%s line %zu: expected key = "
	    "\"value\" or [\"<base URL>\"]", l->qpath, l->lineno);
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

#define AT_TOP		1	/* a key of the top level */
#define AT_TABLE	2	/* a key of a ["<base URL>"] table */
#define TO_DEFAULT	((size_t)-1)	/* the value goes to st->default_url */

/* The keys auth.toml holds; others (and these out of place) are ignored. */
static const struct store_key {
	const char	*name;
	unsigned	 bit;		/* in seen, to refuse duplicates */
	unsigned	 where;		/* AT_TOP, AT_TABLE */
	size_t		 off, size;	/* its field of struct creds_entry; 0, 0: the token */
} store_keys[] = {
	{ "token", 1, AT_TOP | AT_TABLE, 0, 0 },
	{ "saved_at", 2, AT_TOP | AT_TABLE, offsetof(struct creds_entry, saved_at),
	  sizeof(((struct creds_entry *)0)->saved_at) },
	{ "base_url", 4, AT_TOP, offsetof(struct creds_entry, base_url), CREDS_URL_MAX },
	{ "default", 8, AT_TOP, TO_DEFAULT, CREDS_URL_MAX },
};

/* The known key key[0..keylen) of section where, or NULL. */
static const struct store_key *
find_key(const unsigned char *key, size_t keylen, unsigned where)
{
	size_t i;

	for (i = 0; i < sizeof(store_keys) / sizeof(store_keys[0]); i++)
		if (strlen(store_keys[i].name) == keylen &&
		    memcmp(store_keys[i].name, key, keylen) == 0 &&
		    (store_keys[i].where & where) != 0)
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
 * offset of the value.  Returns 1; 0 for a blank or comment line; 2 for a
 * table header (*value: the offset after '['); -1 when malformed.
 */
static int
split_line(const unsigned char *p, size_t len, const unsigned char **key,
    size_t *keylen, size_t *value)
{
	size_t i;

	i = skip_blanks(p, len, 0);
	if (i == len || p[i] == '#')
		return 0;
	if (p[i] == '[') {
		*value = skip_blanks(p, len, i + 1);
		return 2;
	}
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

/* The stored token tok[0..len) through the reading rule into *t. */
static enum alter_exit
store_token(const unsigned char *tok, size_t len, const struct store_line *l,
    struct creds_token *t, struct alter_err *err)
{
	char what[UTIL_PATH_QSIZE + 64];
	size_t used;

	snprintf(what, sizeof(what), "the token in %s line %zu", l->qpath,
	    l->lineno);
	if (creds_parse(tok, len, what, t, err) == AX_OK)
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

/* The table that ends here must hold a token. */
static enum alter_exit
end_table(const struct store_line *l, struct alter_err *err)
{
	if (l->cur == NULL || l->cur->token.len > 0)
		return AX_OK;
	return alter_fail(err, AX_AUTH, "%s line %zu: the table of %s holds no "
	    "token; run alter auth login again", l->qpath, l->cur_line,
	    l->cur->base_url);
}

/* A table header ["<base URL>"]; p + v is just after '['. */
static enum alter_exit
parse_header(const unsigned char *p, size_t len, size_t v,
    struct store_line *l, struct alter_err *err)
{
	unsigned char url[CREDS_URL_MAX];
	struct creds_store *st = l->st;
	size_t used, dlen;
	enum alter_exit rc;

	used = decode_string(p + v, len - v, url, sizeof(url) - 1, &dlen);
	if (used == 0)
		return malformed(l, err);
	v = skip_blanks(p, len, v + used);
	if (v == len || p[v] != ']' || skip_blanks(p, len, v + 1) != len)
		return malformed(l, err);
	if ((rc = end_table(l, err)) != AX_OK)
		return rc;
	url[dlen < sizeof(url) ? dlen : sizeof(url) - 1] = '\0';
	if (dlen >= sizeof(url) || st->n == CREDS_STORE_HOSTS)
		return alter_fail(err, AX_AUTH, "%s line %zu: more than %d base "
		    "URLs, or one longer than %d bytes", l->qpath, l->lineno,
		    CREDS_STORE_HOSTS, CREDS_URL_MAX - 1);
	l->cur = &st->entries[st->n];
	if (creds_url_norm((char *)url, l->cur->base_url, CREDS_URL_MAX) == -1)
		return alter_fail(err, AX_AUTH, "%s line %zu: the table name is "
		    "not a base URL such as \"https://api.alterauth.com\"",
		    l->qpath, l->lineno);
	if (creds_store_find(st, l->cur->base_url) != NULL)
		return alter_fail(err, AX_AUTH, "%s line %zu: a second table for "
		    "%s", l->qpath, l->lineno, l->cur->base_url);
	st->n++;
	l->cur_line = l->lineno;
	l->seen = 0;
	return AX_OK;
}

/* The value of key k, p[v..len), into its field. */
static enum alter_exit
parse_value(const unsigned char *p, size_t len, size_t v,
    const struct store_key *k, struct store_line *l, struct alter_err *err)
{
	unsigned char tok[CREDS_INPUT_MAX + 1];
	struct creds_entry *e = l->cur != NULL ? l->cur : &l->top;
	unsigned *seen = l->cur != NULL ? &l->seen : &l->top_seen;
	unsigned char *dst;
	size_t used, dlen, cap;
	enum alter_exit rc;

	dst = k == NULL ? NULL : k->size == 0 ? tok : k->off == TO_DEFAULT ?
	    (unsigned char *)l->st->default_url : (unsigned char *)e + k->off;
	cap = k == NULL ? 0 : k->size == 0 ? sizeof(tok) : k->size - 1;
	used = decode_string(p + v, len - v, dst, cap, &dlen);
	if (used == 0 || skip_blanks(p, len, v + used) != len)
		rc = malformed(l, err);
	else if (k == NULL)
		rc = AX_OK;
	else if ((*seen & k->bit) != 0)
		rc = alter_fail(err, AX_AUTH, "%s line %zu: duplicate key "
		    "'%s'", l->qpath, l->lineno, k->name);
	else {
		*seen |= k->bit;
		rc = AX_OK;
		if (k->size == 0)
			/* One byte past the cap makes creds_parse() say "larger". */
			rc = store_token(tok, dlen < cap ? dlen : cap, l, &e->token,
			    err);
		else if (dlen > cap)
			rc = alter_fail(err, AX_AUTH, "%s line %zu: the value "
			    "of '%s' is longer than %zu bytes", l->qpath,
			    l->lineno, k->name, cap);
		else
			dst[dlen] = '\0';
	}
	explicit_bzero(tok, sizeof(tok));
	return rc;
}

/* Parse one line of auth.toml (without its LF or CRLF). */
static enum alter_exit
parse_store_line(const unsigned char *p, size_t len, struct store_line *l,
    struct alter_err *err)
{
	const unsigned char *key;
	size_t v, keylen;
	int r;

	if (has_control(p, len) ||
	    (r = split_line(p, len, &key, &keylen, &v)) == -1)
		return malformed(l, err);
	if (r == 0)
		return AX_OK;
	if (r == 2)
		return parse_header(p, len, v, l, err);
	return parse_value(p, len, v, find_key(key, keylen, l->cur != NULL ?
	    AT_TABLE : AT_TOP), l, err);
}

/*
 * The end of the file: the last table holds a token; the single-entry
 * form becomes an entry (unless a table has its base URL) and, without a
 * default, the default; the defaults are normalised.
 */
static enum alter_exit
end_store(struct store_line *l, struct alter_err *err)
{
	struct creds_store *st = l->st;
	struct creds_entry *e;
	char url[CREDS_URL_MAX];
	enum alter_exit rc;

	if ((rc = end_table(l, err)) != AX_OK)
		return rc;
	if (l->top.token.len > 0) {
		st->legacy = 1;
		if (creds_url_norm(l->top.base_url[0] ? l->top.base_url :
		    CREDS_DEFAULT_URL, url, sizeof(url)) == -1)
			return alter_fail(err, AX_AUTH, "%s: its base_url is not a "
			    "base URL such as \"https://api.alterauth.com\"",
			    l->qpath);
		if (creds_store_find(st, url) == NULL && st->n < CREDS_STORE_HOSTS) {
			e = &st->entries[st->n++];
			*e = l->top;
			memcpy(e->base_url, url, sizeof(url));
		}
		if (st->default_url[0] == '\0')
			memcpy(st->default_url, url, sizeof(url));
	}
	if (st->n == 0)
		return alter_fail(err, AX_AUTH, "%s holds no token; run alter "
		    "auth login again", l->qpath);
	if (st->default_url[0] == '\0')
		return AX_OK;
	/* Not shown: it may carry user:password@ (docs/cli.md 1). */
	if (creds_url_norm(st->default_url, url, sizeof(url)) == -1)
		return alter_fail(err, AX_AUTH, "%s: its default is not a base URL "
		    "such as \"https://api.alterauth.com\"", l->qpath);
	memcpy(st->default_url, url, sizeof(url));
	return AX_OK;
}

enum alter_exit
creds_store_parse(const unsigned char *buf, size_t len, const char *qpath,
    struct creds_store *st, struct alter_err *err)
{
	struct store_line l;
	const unsigned char *eol;
	size_t start, end;
	enum alter_exit rc = AX_OK;

	memset(&l, 0, sizeof(l));
	l.qpath = qpath;
	l.st = st;
	st->n = 0;
	st->legacy = 0;
	st->default_url[0] = '\0';
	start = 0;
	while (start < len && rc == AX_OK) {
		l.lineno++;
		eol = memchr(buf + start, '\n', len - start);
		end = eol != NULL ? (size_t)(eol - buf) : len;
		/* docs/cli.md 2.3: lines end in LF or CRLF. */
		if (end > start && buf[end - 1] == '\r')
			end--;
		rc = parse_store_line(buf + start, end - start, &l, err);
		start = eol != NULL ? (size_t)(eol - buf) + 1 : len;
	}
	if (rc == AX_OK)
		rc = end_store(&l, err);
	explicit_bzero(&l.top, sizeof(l.top));
	if (rc != AX_OK) {
		explicit_bzero(st->entries, sizeof(st->entries));
		st->n = 0;
	}
	return rc;
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
 * ours, closed to group and others (unless loose), at most CREDS_STORE_MAX
 * bytes.  Sets st->mode.  Returns AX_OK or AX_AUTH.
 */
static enum alter_exit
check_store(int fd, const char *q, int loose, struct creds_store *st,
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
	if ((sb.st_mode & 077) != 0 && !loose)
		return alter_fail(err, AX_AUTH, "%s is accessible by group or "
		    "others (mode %04o); fix it with: chmod 600 %s", q,
		    st->mode, q);
	if (sb.st_size > CREDS_STORE_MAX)
		return alter_fail(err, AX_AUTH, "%s is too large (more than %d "
		    "bytes)", q, CREDS_STORE_MAX);
	return AX_OK;
}

enum alter_exit
creds_store_dir_check(const char *dir, const struct stat *sb,
    struct alter_err *err)
{
	char q[UTIL_PATH_QSIZE];

	util_quote_path(q, sizeof(q), dir);
	if (sb->st_uid != geteuid())
		return alter_fail(err, AX_AUTH, "the directory %s is owned by "
		    "uid %ld, not by you (uid %ld); alter keeps no token there",
		    q, (long)sb->st_uid, (long)geteuid());
	if ((sb->st_mode & 022) != 0)
		return alter_fail(err, AX_AUTH, "the directory %s is writable by "
		    "group or others (mode %04o); fix it with: chmod 700 %s",
		    q, (unsigned)(sb->st_mode & 07777), q);
	return AX_OK;
}

/* The load of creds_store_load(); loose: group and other bits are read. */
static enum alter_exit
load(const char *dir, struct creds_store *st, int *present, int loose,
    struct alter_err *err)
{
	unsigned char content[CREDS_STORE_MAX + 1];
	char q[UTIL_PATH_QSIZE];
	struct stat sb;
	size_t n;
	int fd;
	enum alter_exit rc;

	*present = 0;
	memset(st, 0, sizeof(*st));
	rc = creds_store_path(dir, st->path, sizeof(st->path), err);
	if (rc != AX_OK)
		return rc;
	/* docs/cli.md 2.3: the read path refuses the directories the write path does. */
	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    (rc = creds_store_dir_check(dir, &sb, err)) != AX_OK)
		return rc;
	util_quote_path(q, sizeof(q), st->path);
	if ((rc = open_store(st->path, q, &fd, err)) != AX_OK || fd == -1)
		return rc;
	if ((rc = check_store(fd, q, loose, st, err)) != AX_OK)
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
		explicit_bzero(st->entries, sizeof(st->entries));
	close(fd);
	return rc;
}

enum alter_exit
creds_store_load(const char *dir, struct creds_store *st, int *present,
    struct alter_err *err)
{
	return load(dir, st, present, 0, err);
}

enum alter_exit
creds_store_reload(const char *dir, struct creds_store *st, int *present,
    struct alter_err *err)
{
	return load(dir, st, present, 1, err);
}

