/*
 * store.h: the file store <config dir>/auth.toml of docs/cli.md section 2.3, and
 * the config directory of section 2.1 it lives in.
 *
 * Nothing here prints, exits or allocates.  The caller owns every
 * struct creds_store it passes in and must wipe its tokens
 * (creds_store_wipe()) once done, on every path.  Every buffer that
 * holds the store's content is wiped with explicit_bzero() before a
 * function returns, on every path.  Messages name the file (and line) and
 * never contain any part of a token except its mask.
 */
#ifndef ALTER_STORE_H
#define ALTER_STORE_H

#include <sys/stat.h>

#include <stddef.h>

#include "creds.h"
#include "util.h"

#define CREDS_STORE_MAX		65536	/* cap on the size of auth.toml (ours) */
#define CREDS_STORE_FILE	"auth.toml"
#define CREDS_STORE_LOCK	"auth.toml.lock"
#define CREDS_STORE_HOSTS	64	/* base URLs one store holds */
#define CREDS_URL_MAX		1024	/* a stored base URL, NUL included */
#define CREDS_LOCK_WAIT		10	/* seconds a writer waits for the lock */
#define CREDS_DEFAULT_URL	"https://api.alterauth.com"

/* One table of auth.toml: the token stored for one base URL. */
struct creds_entry {
	char	 base_url[CREDS_URL_MAX];	/* normalised (creds_url_norm) */
	char	 saved_at[64];			/* "" when the entry has none */
	struct creds_token token;
};

/* What creds_store_load() found in auth.toml. */
struct creds_store {
	char	 default_url[CREDS_URL_MAX];	/* "" when there is no default */
	struct creds_entry entries[CREDS_STORE_HOSTS];
	size_t	 n;
	int	 legacy;		/* read from the single-entry form */
	char	 path[4096];		/* <dir>/auth.toml */
	unsigned mode;			/* its permission bits, e.g. 0600 */
};

/*
 * docs/cli.md 2.1: url compared the way stored tokens are keyed: scheme and
 * host lower-cased, a trailing dot of the host and an https ":443" dropped,
 * trailing slashes dropped, a path prefix kept.  Returns 0, or -1 (out "")
 * when url has no "scheme://host" or the result does not fit in outlen.
 */
int		creds_url_norm(const char *url, char *out, size_t outlen);

/* The entry of st for url (normalised here), or NULL. */
const struct creds_entry *creds_store_find(const struct creds_store *st,
		    const char *url);

/* Wipe every token of st (explicit_bzero of the whole struct). */
void		creds_store_wipe(struct creds_store *st);

/*
 * The config directory of docs/cli.md 2.1 into out: ALTER_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/alter (an XDG_CONFIG_HOME that is not absolute is
 * ignored, as the XDG base directory spec says), else $HOME/.config/alter,
 * else the home in /etc/passwd of the effective uid + /.config/alter.
 * Empty variables count as unset.  Returns AX_OK; AX_USAGE naming
 * ALTER_CONFIG_DIR, XDG_CONFIG_HOME and HOME when there is no home at all,
 * or naming the variable whose value does not fit in outlen.
 */
enum alter_exit	creds_config_dir(char *out, size_t outlen,
		    struct alter_err *err);

/* <dir>/auth.toml into out.  Returns AX_OK, or AX_USAGE if it does not
 * fit. */
enum alter_exit	creds_store_path(const char *dir, char *out, size_t outlen,
		    struct alter_err *err);

/*
 * Load <dir>/auth.toml into *st.  A missing file is AX_OK with *present 0.
 * The directory must not be writable by group or others nor owned by
 * another uid (the rule of the write path; AX_AUTH naming it).
 * The file is opened without following a symlink and without blocking on
 * a FIFO; it must be a regular file owned by the effective uid with no
 * group or other permission bits, and at most CREDS_STORE_MAX bytes.  Lines
 * end in LF or CRLF; blank lines and # comments are allowed; every other
 * line must be key = "string" (escapes \" and \\ only) or a table header
 * ["<base URL>"]; unknown keys are ignored; each table holds one valid
 * token.  The single-entry form (top-level token, base_url, saved_at) is
 * read as one entry, its base URL (else CREDS_DEFAULT_URL) the default,
 * with st->legacy set.  Returns AX_OK with *present 1 and st filled (to be
 * wiped by the caller with creds_store_wipe());
 * AX_AUTH for an unsafe, unreadable or malformed store, naming the file
 * (and line), with the chmod 600 that fixes a mode; AX_USAGE if the path
 * does not fit.  On failure st->token is wiped.
 */
enum alter_exit	creds_store_load(const char *dir, struct creds_store *st,
		    int *present, struct alter_err *err);

/* As creds_store_load(), but a store open to group or others is read: the
 * write path re-reads it under the lock and replaces it with a 0600 one. */
enum alter_exit	creds_store_reload(const char *dir, struct creds_store *st,
		    int *present, struct alter_err *err);

/* The config directory dir, whose stat is sb, must be owned by the
 * effective uid and not writable by group or others: AX_OK, or AX_AUTH
 * naming it (with the chmod 700 that fixes a mode). */
enum alter_exit	creds_store_dir_check(const char *dir, const struct stat *sb,
		    struct alter_err *err);

/*
 * Parse the content of an auth.toml, buf[0..len) (no NUL needed), by the
 * line rules of creds_store_load(), which reads the file and calls this.
 * qpath names the file in messages, already quoted.  Fills
 * st->default_url, st->entries, st->n and st->legacy, leaving the other
 * fields alone.  Returns AX_OK, or AX_AUTH naming qpath and the line, with
 * every token wiped.
 */
enum alter_exit	creds_store_parse(const unsigned char *buf, size_t len,
		    const char *qpath, struct creds_store *st,
		    struct alter_err *err);

/*
 * Store t as the entry of base_url (normalised) and make base_url the
 * default, keeping the other entries.  A read-modify-write: under umask 077
 * (restored before returning) it creates dir and its missing parents 0700;
 * refuses an existing dir not owned by the effective uid or writable by
 * group or others, and an auth.toml that is a symbolic link; takes an
 * exclusive flock on <dir>/auth.toml.lock (0600), waiting at most
 * CREDS_LOCK_WAIT seconds (then AX_ERROR naming the lock); removes stale
 * temp files .auth.toml.* (regular files of ours) left by a killed writer;
 * re-reads the store (a loose mode is tolerated: the result is 0600);
 * writes a fresh 0600 temp file .auth.toml.<pid>.<n> in dir, fsyncs it,
 * renames it over auth.toml and fsyncs dir.  On failure the temp file is
 * removed and any previous auth.toml is left as it was.  saved_at NULL:
 * the entry has none.
 * Returns AX_OK; AX_AUTH for an unsafe dir or a bad auth.toml (naming it);
 * AX_USAGE for an invalid token, a value that cannot be stored (a control
 * character, too long) or a path that does not fit; AX_ERROR naming the
 * path and the system's reason for an I/O failure, or a full store.
 */
enum alter_exit	creds_store_save(const char *dir, const struct creds_token *t,
		    const char *base_url, const char *saved_at,
		    struct alter_err *err);

/*
 * Remove the entry of base_url (normalised; NULL: the store's default,
 * else CREDS_DEFAULT_URL), and the default if it named that base URL; with
 * all set, every entry.  The read-modify-write of creds_store_save(); a
 * store left without entries is removed.  Idempotent: *removed is the
 * number of entries removed, and which (whichlen bytes; 0: none) the
 * normalised base URL acted on ("" for all).  A missing dir or store is
 * AX_OK with 0.  Returns AX_OK, AX_USAGE for a base_url without
 * scheme://host, or the errors of creds_store_save().
 */
enum alter_exit	creds_store_remove(const char *dir, const char *base_url,
		    int all, int *removed, char *which, size_t whichlen,
		    struct alter_err *err);

#endif
