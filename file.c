/*
 * file.c: whole files read and written safely; see file.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "util.h"

int
read_capped(int fd, void *buf, size_t cap, size_t *n)
{
	ssize_t r;

	*n = 0;
	while (*n < cap) {
		r = read(fd, (unsigned char *)buf + *n, cap - *n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(fd, buf, len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

int
file_join(char *out, size_t outlen, const char *dir, const char *name)
{
	size_t len = strlen(dir);
	int r;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		len = 0;
	r = snprintf(out, outlen, "%.*s/%s", (int)len, dir, name);
	if (r < 0 || (size_t)r >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

enum alter_exit
make_dirs(const char *dir, mode_t mode, struct alter_err *err)
{
	char path[4096], q[UTIL_PATH_QSIZE];
	struct stat sb;
	size_t len, i;
	int e;

	len = strlen(dir);
	if (len >= sizeof(path))
		return alter_fail(err, AX_USAGE, "the directory %s is "
		    "too long", util_quote_path(q, sizeof(q), dir));
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, mode) == -1) {
			e = errno;
			if (e != EEXIST &&
			    !(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
				return alter_fail(err, AX_ERROR, "cannot create "
				    "the directory %s: %s",
				    util_quote_path(q, sizeof(q), path), strerror(e));
		}
		path[i] = dir[i];
	}
	return AX_OK;
}

/* Create a fresh temp file for name in dfd: pid, the clock and a counter;
 * O_EXCL decides.  Returns the fd (tmp filled), or -1 with errno set. */
static int
create_temp(int dfd, const char *name, mode_t mode, char *tmp, size_t tmplen)
{
	struct timespec ts;
	unsigned long seed;
	int fd, i;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20);
	fd = -1;
	for (i = 0; i < 100; i++) {
		snprintf(tmp, tmplen, ".%s.%ld.%lx", name, (long)getpid(),
		    (seed + (unsigned long)i * 7919UL) & 0xffffffffUL);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, mode);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	return fd;
}

/* Fill data into the open temp file fd and close it; -1 with errno set. */
static int
fill_temp(int fd, const void *data, size_t len, mode_t mode)
{
	int e;

	if (fchmod(fd, mode) == -1 || write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

enum alter_exit
write_file_atomic(int dfd, const char *dir, const char *name, const void *data,
    size_t len, mode_t mode, struct alter_err *err)
{
	char path[4096], tmp[300], q[UTIL_PATH_QSIZE];
	int own_dfd, fd;
	enum alter_exit rc;

	if (strlen(name) > 200 || file_join(path, sizeof(path), dir, name) == -1)
		return alter_fail(err, AX_USAGE, "the path %s/%s is too long",
		    util_quote_path(q, sizeof(q), dir), name);
	own_dfd = dfd == -1;
	if (own_dfd && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return alter_fail(err, AX_ERROR, "cannot open the directory %s: "
		    "%s", util_quote_path(q, sizeof(q), dir), strerror(errno));
	fd = create_temp(dfd, name, mode, tmp, sizeof(tmp));
	if (fd == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot create a temporary file "
		    "in %s: %s", util_quote_path(q, sizeof(q), dir),
		    strerror(errno));
		goto out;
	}
	util_quote_path(q, sizeof(q), path);
	if (fill_temp(fd, data, len, mode) == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot write %s: %s", q,
		    strerror(errno));
		goto unlink;
	}
	if (renameat(dfd, tmp, dfd, name) == -1) {
		rc = alter_fail(err, AX_ERROR, "cannot replace %s: %s", q,
		    strerror(errno));
		goto unlink;
	}
	rc = AX_OK;
	/* A file system that cannot sync a directory says EINVAL. */
	if (fsync(dfd) == -1 && errno != EINVAL)
		rc = alter_fail(err, AX_ERROR, "%s was written but its "
		    "directory cannot be synced: %s", q, strerror(errno));
	goto out;
unlink:
	(void)unlinkat(dfd, tmp, 0);
out:
	if (own_dfd)
		close(dfd);
	return rc;
}
