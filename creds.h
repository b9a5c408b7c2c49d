/*
 * creds.h: the Personal Access Token.  Reading it from its channels
 * (ALTER_PAT, --token-file, --token-stdin), the one reading rule they all
 * share (cli.md section 2.2), the mask, the config directory (section 2.1)
 * and the file store <config dir>/auth.toml (section 2.3).
 *
 * Nothing here prints, exits or allocates.  The caller owns every
 * struct creds_token and struct creds_store it passes in and must wipe it
 * (creds_wipe(), creds_wipe(&store.token)) once done, on every path.
 * Functions that fill a token leave it wiped when they fail.  Every
 * intermediate copy of a token made here is wiped with explicit_bzero()
 * before the function returns, on every path.
 *
 * Failing functions return an exit code other than AX_OK and fill err with
 * one sentence that names the input (the variable, flag, file and line).
 * No message ever contains any part of a token except its mask, and a
 * refused input that is not a well-formed PAT never appears at all.
 */
#ifndef ALTER_CREDS_H
#define ALTER_CREDS_H

#include <stddef.h>

#include "util.h"

#define CREDS_PREFIX		"alter_pat_"
#define CREDS_PREFIX_LEN	10
#define CREDS_BODY_MAX		500	/* cli.md 2.2: 1 to 500 after the prefix */
#define CREDS_TOKEN_MAX		510	/* CREDS_PREFIX_LEN + CREDS_BODY_MAX */
#define CREDS_INPUT_MAX		4096	/* cli.md 2.2: a channel gives at most 4 KiB */
#define CREDS_MASK_SIZE		18	/* "alter_pat_..." + 4 characters + NUL */
#define CREDS_STORE_MAX		65536	/* cap on the size of auth.toml (ours) */
#define CREDS_STORE_FILE	"auth.toml"

/* A validated PAT: value is NUL-terminated, len bytes long. */
struct creds_token {
	char	 value[CREDS_TOKEN_MAX + 1];
	size_t	 len;
};

/* What creds_store_load() found in auth.toml. */
struct creds_store {
	struct creds_token token;
	char	 base_url[2048];	/* "" when the file has no base_url */
	char	 saved_at[64];		/* "" when the file has no saved_at */
	char	 path[4096];		/* <dir>/auth.toml */
	unsigned mode;			/* its permission bits, e.g. 0600 */
};

/*
 * Apply the reading rule of cli.md 2.2 to len bytes of input: at most
 * CREDS_INPUT_MAX bytes; a UTF-8 byte-order mark is skipped; a UTF-16 one
 * or any NUL byte is refused; surrounding spaces, tabs, CR and LF are
 * trimmed; inner whitespace ("more than one token"), empty input, API keys
 * (alter_rk_, alter_ak_, alter_dk_, alter_pk_, alter_key_) and anything not
 * "alter_pat_" + 1..500 of [A-Za-z0-9_-] are refused.  what names the
 * input in messages ("ALTER_PAT", "--token-file '/run/pat'").  The caller
 * still owns buf and wipes it.  Returns AX_OK with *out filled, or AX_USAGE
 * with *out wiped.
 */
enum alter_exit	creds_parse(const unsigned char *buf, size_t len,
		    const char *what, struct creds_token *out,
		    struct alter_err *err);

/*
 * Write the mask of a token, "alter_pat_..." and the last 4 characters
 * (fewer when the part after the prefix is shorter, so that the mask never
 * shows all of it), into out (CREDS_MASK_SIZE bytes suffice).  A token that
 * is not a valid PAT gives "alter_pat_..." alone; outlen too small for the
 * mask gives "" (if outlen > 0).
 */
void		creds_mask(const struct creds_token *t, char *out,
		    size_t outlen);

/* Wipe a token with explicit_bzero(); NULL is fine. */
void		creds_wipe(struct creds_token *t);

/*
 * The ALTER_PAT channel: value is the variable's value (getenv(); NULL is
 * taken as empty).  The environment itself remains the caller's.  Returns
 * AX_OK, or AX_USAGE naming ALTER_PAT.
 */
enum alter_exit	creds_from_env(const char *value, struct creds_token *out,
		    struct alter_err *err);

/*
 * The --token-file channel.  Follows symlinks (Kubernetes secrets are
 * symlinks); reads a regular file, a pipe, a FIFO (waiting, as cat(1)
 * does, for its writer) or a character device, at most CREDS_INPUT_MAX + 1
 * bytes, so /dev/zero is refused at once.
 * *loose_mode is set to 1 when the file is a regular file that group or
 * others may read (the caller warns), else 0.  Returns AX_OK;
 * AX_NOT_FOUND for a missing file; AX_USAGE for a directory, another kind
 * of file, an unreadable file or a bad token; AX_ERROR for other I/O
 * errors.  Messages name "--token-file '<path>'".
 */
enum alter_exit	creds_read_file(const char *path, struct creds_token *out,
		    int *loose_mode, struct alter_err *err);

/*
 * The --token-stdin channel, reading fd.  With is_tty set, echo is turned
 * off (newlines still echo, so no newline is left to print) and one line
 * is read; echo is restored before returning on every path, including
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGTSTP, which are re-raised once
 * echo is back.  The caller prints the prompt on stderr before the call.
 * Otherwise fd is read to end of file, at most CREDS_INPUT_MAX + 1 bytes.
 * Returns AX_OK; AX_USAGE for a bad token (naming "standard input");
 * AX_ERROR for a read or terminal error.
 */
enum alter_exit	creds_read_stdin(int fd, int is_tty, struct creds_token *out,
		    struct alter_err *err);

/*
 * The config directory of cli.md 2.1 into out: ALTER_CONFIG_DIR, else
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
 * <dir>/auth.toml, in the exact form of cli.md 2.3.  Under umask 077
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
