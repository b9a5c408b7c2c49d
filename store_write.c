/*
 * store_write.c: the writers of auth.toml (docs/cli.md 2.3): a
 * read-modify-write of one entry under an exclusive lock, through the
 * temp + fsync + rename of write_file_atomic().  See store.h.
 *
 * It never prints, exits or allocates.  Every buffer that may hold a
 * token (the store and its content) is wiped on every path.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "file.h"
#include "store.h"
#include "util.h"

static const char store_header[] =
    "# Alter CLI credentials: plaintext PATs. Keep this file private "
    "(mode 0600).\n";

/* The temp files of write_file_atomic() for auth.toml: ".auth.toml.*". */
#define TEMP_PREFIX	"." CREDS_STORE_FILE "."

/*
 * Append pre + value (escaping " and \ as the reader expects) + post to
 * out.  A control character, or no room, is -1.
 */
static int
put_quoted(char *out, size_t outlen, size_t *used, const char *pre,
    const char *value, const char *post)
{
	size_t o;
	int r;

	r = snprintf(out + *used, outlen - *used, "%s", pre);
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
	r = snprintf(out + o, outlen - o, "%s", post);
	if (r < 0 || (size_t)r >= outlen - o)
		return -1;
	*used = o + (size_t)r;
	return 0;
}

/* The content of auth.toml for st, in the form of docs/cli.md 2.3. */
static enum alter_exit
store_content(char *out, size_t outlen, size_t *used,
    const struct creds_store *st, struct alter_err *err)
{
	const struct creds_entry *e;
	size_t i;

	memcpy(out, store_header, sizeof(store_header));
	*used = sizeof(store_header) - 1;
	if (st->default_url[0] != '\0' && put_quoted(out, outlen, used,
	    "default = \"", st->default_url, "\"\n") == -1)
		goto full;
	for (i = 0; i < st->n; i++) {
		e = &st->entries[i];
		if (put_quoted(out, outlen, used, "\n[\"", e->base_url, "\"]\n")
		    == -1 || put_quoted(out, outlen, used, "token = \"",
		    e->token.value, "\"\n") == -1 || (e->saved_at[0] != '\0' &&
		    put_quoted(out, outlen, used, "saved_at = \"", e->saved_at,
		    "\"\n") == -1))
			goto full;
	}
	return AX_OK;
full:
	return alter_fail(err, AX_ERROR, "the store would be larger than %d "
	    "bytes: remove an entry with alter auth logout --base-url URL",
	    CREDS_STORE_MAX);
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
	else if ((rc = creds_store_dir_check(dir, &sb, err)) != AX_OK)
		;
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

/*
 * The exclusive lock <dir>/auth.toml.lock (0600, ours, a regular file),
 * waited for at most CREDS_LOCK_WAIT seconds.  Returns AX_OK with *lfd
 * open (closing it releases the lock), or AX_ERROR naming the lock.
 */
static enum alter_exit
lock_store(int dfd, const char *dir, int *lfd, struct alter_err *err)
{
	char path[4200], q[UTIL_PATH_QSIZE];
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	struct stat sb;
	int tries;

	file_join(path, sizeof(path), dir, CREDS_STORE_LOCK);
	util_quote_path(q, sizeof(q), path);
	*lfd = openat(dfd, CREDS_STORE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
	if (*lfd == -1)
		return alter_fail(err, AX_ERROR, "cannot open the lock %s: %s", q,
		    strerror(errno));
	if (fstat(*lfd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid()) {
		close(*lfd);
		*lfd = -1;
		return alter_fail(err, AX_ERROR, "the lock %s is not a regular "
		    "file of yours: remove it", q);
	}
	for (tries = 0; flock(*lfd, LOCK_EX | LOCK_NB) == -1; tries++) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    tries >= CREDS_LOCK_WAIT * 20) {
			close(*lfd);
			*lfd = -1;
			return alter_fail(err, AX_ERROR, "waited %d s for the lock "
			    "%s: another alter auth login or logout holds it; "
			    "try again", CREDS_LOCK_WAIT, q);
		}
		nanosleep(&nap, NULL);
	}
	return AX_OK;
}

/*
 * Under the lock no writer is busy: a temp file .auth.toml.* that is a
 * regular file of ours was left by a killed one.  Remove it.
 */
static void
remove_stale_temps(int dfd, const char *dir)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, TEMP_PREFIX, sizeof(TEMP_PREFIX) - 1) == 0 &&
		    fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode) && sb.st_uid == geteuid())
			unlinkat(dfd, de->d_name, 0);
	closedir(d);
}

/* What update() does to the store. */
enum store_op { OP_PUT, OP_DROP, OP_DROP_ALL };

/* OP_PUT: t as url's entry, url the default; OP_DROP: url's entry. */
static enum alter_exit
change(struct creds_store *st, enum store_op op, const char *url,
    const struct creds_token *t, const char *saved_at, int *removed,
    struct alter_err *err)
{
	struct creds_entry *e;

	*removed = 0;
	if (op == OP_DROP_ALL) {
		*removed = (int)st->n;
		explicit_bzero(st->entries, sizeof(st->entries));
		st->n = 0;
		st->default_url[0] = '\0';
		return AX_OK;
	}
	e = (struct creds_entry *)creds_store_find(st, url);
	if (op == OP_DROP) {
		if (e == NULL)
			return AX_OK;
		*removed = 1;
		if (strcmp(st->default_url, e->base_url) == 0)
			st->default_url[0] = '\0';
		memmove(e, e + 1, (size_t)(st->entries + st->n - (e + 1)) *
		    sizeof(*e));
		explicit_bzero(&st->entries[--st->n], sizeof(*e));
		return AX_OK;
	}
	if (e == NULL && st->n == CREDS_STORE_HOSTS)
		return alter_fail(err, AX_ERROR, "the store already holds %d base "
		    "URLs: remove one with alter auth logout --base-url URL",
		    CREDS_STORE_HOSTS);
	if (e == NULL)
		e = &st->entries[st->n++];
	memcpy(e->base_url, url, strlen(url) + 1);
	e->token = *t;
	snprintf(e->saved_at, sizeof(e->saved_at), "%s", saved_at ? saved_at : "");
	memcpy(st->default_url, url, strlen(url) + 1);
	return AX_OK;
}

/* Write st as dir's auth.toml, or remove it when st has no entry. */
static enum alter_exit
write_store(int dfd, const char *dir, const struct creds_store *st,
    struct alter_err *err)
{
	char content[CREDS_STORE_MAX], q[UTIL_PATH_QSIZE];
	size_t used = 0;
	enum alter_exit rc;

	if (st->n == 0) {
		if (unlinkat(dfd, CREDS_STORE_FILE, 0) == -1 && errno != ENOENT)
			return alter_fail(err, AX_ERROR, "cannot remove %s: %s",
			    util_quote_path(q, sizeof(q), st->path), strerror(errno));
		return AX_OK;
	}
	rc = store_content(content, sizeof(content), &used, st, err);
	if (rc == AX_OK)
		rc = write_file_atomic(dfd, dir, CREDS_STORE_FILE, content, used,
		    0600, err);
	explicit_bzero(content, sizeof(content));
	return rc;
}

/*
 * The read-modify-write of docs/cli.md 2.3: lock, clear stale temps,
 * re-read, change one entry (or all), write.  url is normalised already;
 * for OP_DROP, "" is the store's default (else CREDS_DEFAULT_URL), and the
 * base URL acted on is copied back into url (CREDS_URL_MAX bytes).
 */
static enum alter_exit
update(const char *dir, enum store_op op, char *url,
    const struct creds_token *t, const char *saved_at, int *removed,
    struct alter_err *err)
{
	static struct creds_store st;	/* 100 KiB: off the stack */
	char path[4096];
	mode_t old_umask;
	int dfd = -1, lfd = -1, present, n = 0;
	enum alter_exit rc;

	old_umask = umask(077);
	rc = creds_store_path(dir, path, sizeof(path), err);
	if (rc == AX_OK)
		rc = open_store_dir(dir, path, &dfd, err);
	if (rc == AX_OK)
		rc = lock_store(dfd, dir, &lfd, err);
	if (rc == AX_OK) {
		remove_stale_temps(dfd, dir);
		rc = creds_store_reload(dir, &st, &present, err);
	}
	if (rc == AX_OK && op == OP_DROP && url[0] == '\0')
		snprintf(url, CREDS_URL_MAX, "%s", st.default_url[0] != '\0' ?
		    st.default_url : CREDS_DEFAULT_URL);
	if (rc == AX_OK)
		rc = change(&st, op, url, t, saved_at, &n, err);
	if (rc == AX_OK && (op == OP_PUT || n > 0))
		rc = write_store(dfd, dir, &st, err);
	if (removed != NULL)
		*removed = rc == AX_OK ? n : 0;
	creds_store_wipe(&st);
	if (lfd != -1)
		close(lfd);
	if (dfd != -1)
		close(dfd);
	umask(old_umask);
	return rc;
}

enum alter_exit
creds_store_save(const char *dir, const struct creds_token *t,
    const char *base_url, const char *saved_at, struct alter_err *err)
{
	char url[CREDS_URL_MAX];
	size_t i;

	if (!creds_valid(t))
		return alter_fail(err, AX_USAGE, "the token to store is not a "
		    "valid PAT");
	if (base_url == NULL)
		base_url = CREDS_DEFAULT_URL;
	for (i = 0; base_url[i] != '\0'; i++)
		if ((unsigned char)base_url[i] < 0x20 || base_url[i] == 0x7f)
			break;
	if (base_url[i] != '\0' || creds_url_norm(base_url, url, sizeof(url)) == -1)
		return alter_fail(err, AX_USAGE, "the base URL cannot be stored: "
		    "it holds a control character, has no scheme://host, or is "
		    "longer than %d bytes", CREDS_URL_MAX - 1);
	if (saved_at != NULL && strlen(saved_at) >= 64)
		return alter_fail(err, AX_USAGE, "the saved_at time cannot be "
		    "stored: it is longer than 63 bytes");
	return update(dir, OP_PUT, url, t, saved_at, NULL, err);
}

enum alter_exit
creds_store_remove(const char *dir, const char *base_url, int all,
    int *removed, char *which, size_t whichlen, struct alter_err *err)
{
	char url[CREDS_URL_MAX] = "", path[4096];
	struct stat sb;
	enum alter_exit rc;

	*removed = 0;
	if (whichlen > 0)
		which[0] = '\0';
	if ((rc = creds_store_path(dir, path, sizeof(path), err)) != AX_OK)
		return rc;
	if (base_url != NULL && creds_url_norm(base_url, url, sizeof(url)) == -1)
		return alter_fail(err, AX_USAGE, "the base URL is not one such as "
		    "https://api.alterauth.com (no user:password@; it is not shown)");
	/* Nothing to remove: do not create the directory to lock it. */
	if (fstatat(AT_FDCWD, path, &sb, AT_SYMLINK_NOFOLLOW) == -1 && errno == ENOENT)
		return AX_OK;
	rc = update(dir, all ? OP_DROP_ALL : OP_DROP, url, NULL, NULL, removed,
	    err);
	if (whichlen > 0)
		snprintf(which, whichlen, "%s", url);
	return rc;
}
