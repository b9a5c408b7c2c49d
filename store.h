/*
 * store.h: the file store <config dir>/auth.toml of docs/cli.md section 2.3, and
 * the config directory of section 2.1 it lives in.
 *
 * Nothing here prints, exits or allocates.  The caller owns every
 * struct creds_store it passes in and must wipe its token
 * (creds_wipe(&store.token)) once done, on every path.  Every buffer that
 * holds the store's content is wiped with explicit_bzero() before a
 * function returns, on every path.  Messages name the file (and line) and
 * never contain any part of a token except its mask.
 */
#ifndef ALTER_STORE_H
#define ALTER_STORE_H

#include <stddef.h>

#include "creds.h"
#include "util.h"

#define CREDS_STORE_MAX		65536	/* cap on the size of auth.toml (ours) */
#define CREDS_STORE_FILE	"auth.toml"

/* What creds_store_load() found in auth.toml. */
struct creds_store {
	struct creds_token token;
	char	 base_url[2048];	/* "" when the file has no base_url */
	char	 saved_at[64];		/* "" when the file has no saved_at */
	char	 path[4096];		/* <dir>/auth.toml */
	unsigned mode;			/* its permission bits, e.g. 0600 */
};

/*
 * The config directory of docs/cli.md 2.1 into out: ALTER_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/alter (an XDG_CONFIG_HOME that is not absolute is
 * ignored, as the XDG base directory spec says), else $HOME/.config/alter,
 * else the password database's home of the effective uid + /.config/alter.
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
 * The file is opened without following a symlink and without blocking on
 * a FIFO; it must be a regular file owned by the effective uid with no
 * group or other permission bits, and at most CREDS_STORE_MAX bytes.  Lines
 * end in LF or CRLF; blank lines and # comments are allowed; every other
 * line must be key = "string" (escapes \" and \\ only); unknown keys are
 * ignored; token must be present once and be a valid PAT.  Returns AX_OK
 * with *present 1 and st filled (st->token to be wiped by the caller);
 * AX_AUTH for an unsafe, unreadable or malformed store, naming the file
 * (and line), with the chmod 600 that fixes a mode; AX_USAGE if the path
 * does not fit.  On failure st->token is wiped.
 */
enum alter_exit	creds_store_load(const char *dir, struct creds_store *st,
		    int *present, struct alter_err *err);

/*
 * Parse the content of an auth.toml, buf[0..len) (no NUL needed), by the
 * line rules of creds_store_load(), which reads the file and calls this.
 * qpath names the file in messages, already quoted.  Fills st->token,
 * st->base_url and st->saved_at, leaving the other fields alone.  Returns
 * AX_OK, or AX_AUTH naming qpath and the line, with st->token wiped.
 */
enum alter_exit	creds_store_parse(const unsigned char *buf, size_t len,
		    const char *qpath, struct creds_store *st,
		    struct alter_err *err);

/*
 * Save t, base_url and saved_at (NULL: the line is left out) as
 * <dir>/auth.toml, in the exact form of docs/cli.md 2.3.  Under umask 077
 * (restored before returning): creates dir and its missing parents 0700;
 * refuses an existing dir not owned by the effective uid or writable by
 * group or others, and an auth.toml that is a symbolic link; writes a
 * fresh 0600 temp file .auth.toml.<pid>.<n> in dir, fsyncs it, renames it
 * over auth.toml and fsyncs dir.  On failure the temp file is removed and
 * any previous auth.toml is left as it was.
 * Returns AX_OK; AX_AUTH for an unsafe dir or auth.toml (naming it);
 * AX_USAGE for an invalid token, a value that cannot be stored (a control
 * character) or a path that does not fit; AX_ERROR naming the path and the
 * system's reason for an I/O failure.
 */
enum alter_exit	creds_store_save(const char *dir, const struct creds_token *t,
		    const char *base_url, const char *saved_at,
		    struct alter_err *err);

/*
 * Remove <dir>/auth.toml.  Idempotent: *removed is 1 if a file was
 * removed, 0 if there was none.  Returns AX_OK, or AX_ERROR naming the
 * path and the system's reason.
 */
enum alter_exit	creds_store_remove(const char *dir, int *removed,
		    struct alter_err *err);

#endif
