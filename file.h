/*
 * file.h: whole files read and written safely.  Never prints; failing
 * functions fill the caller's error record (util.h).
 */
#ifndef ALTER_FILE_H
#define ALTER_FILE_H

#include <sys/types.h>

#include <stddef.h>

#include "util.h"

/*
 * Read fd to end of file or until cap bytes are in buf (EINTR retried).
 * Returns 0 with *n set, or -1 with errno set.
 */
int		read_capped(int fd, void *buf, size_t cap, size_t *n);

/*
 * dir + "/" + name into out, trailing slashes of dir dropped ("/" + name
 * for the root).  Returns 0, or -1 (out "") when it does not fit.
 */
int		file_join(char *out, size_t outlen, const char *dir, const char *name);

/*
 * mkdir -p dir: each missing component is made with mode (the umask
 * applies).  Returns AX_OK; AX_USAGE if dir is too long; AX_ERROR naming
 * the component (quoted) and the system's reason.
 */
enum alter_exit	make_dirs(const char *dir, mode_t mode, struct alter_err *err);

/*
 * Write data[0..len) as the file name in the directory dir, atomically:
 * a fresh temp file ".<name>.<pid>.<n>" is created in dir with
 * O_EXCL | O_NOFOLLOW | O_CLOEXEC, set to exactly mode (fchmod: neither the
 * umask nor a default ACL widens it), written whole and fsynced, renamed
 * over name, and then dir is fsynced (a file system that cannot sync a
 * directory, EINVAL, is fine).  dfd is dir already opened by a caller that
 * checked it (kept open), or -1 to open dir here.  On failure the temp file
 * is removed and any previous file is left as it was.  data is the caller's
 * to wipe.  Returns AX_OK; AX_USAGE if the path does not fit; AX_ERROR
 * naming the path (quoted) and the system's reason.
 */
enum alter_exit	write_file_atomic(int dfd, const char *dir, const char *name,
		    const void *data, size_t len, mode_t mode, struct alter_err *err);

/*
 * The home directory (the 6th field) of the first line of the passwd file
 * path whose uid (the 3rd field) is uid, into out (outlen bytes).  Returns
 * 0, or -1 when the file cannot be read or has no such line (or its home
 * does not fit).  store.c passes "/etc/passwd": a static binary has no
 * NSS modules, and musl's nscd fallback is not needed by a CLI.
 */
int		file_passwd_home(const char *path, uid_t uid, char *out, size_t outlen);

#endif
