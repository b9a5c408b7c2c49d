/*
 * creds.h: the Personal Access Token.  Reading it from its channels
 * (ALTER_PAT, --token-file, --token-stdin), the one reading rule they all
 * share (docs/cli.md section 2.2) and the mask.  The file store is store.h.
 *
 * Nothing here prints, exits or allocates.  The caller owns every
 * struct creds_token it passes in and must wipe it (creds_wipe()) once
 * done, on every path.
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
#define CREDS_BODY_MAX		500	/* docs/cli.md 2.2: 1 to 500 after the prefix */
#define CREDS_TOKEN_MAX		510	/* CREDS_PREFIX_LEN + CREDS_BODY_MAX */
#define CREDS_INPUT_MAX		4096	/* docs/cli.md 2.2: a channel gives at most 4 KiB */
#define CREDS_MASK_SIZE		18	/* "alter_pat_..." + 4 characters + NUL */

/* A validated PAT: value is NUL-terminated, len bytes long. */
struct creds_token {
	char	 value[CREDS_TOKEN_MAX + 1];
	size_t	 len;
};

/*
 * Apply the reading rule of docs/cli.md 2.2 to len bytes of input: at most
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

/*
 * Copy message text in to out (cap bytes, NUL-terminated, cut when full)
 * with every PAT-shaped word ("alter_pat_" and [A-Za-z0-9_-]...) replaced
 * by its mask as creds_mask() writes it, so that no message shows a token
 * typed in the wrong place (docs/cli.md section 1).
 */
void		creds_mask_text(const char *in, char *out, size_t cap);

/* 1 if t holds a valid PAT (NUL-terminated, len within the cap), else 0. */
int		creds_valid(const struct creds_token *t);

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

#endif
