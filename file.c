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

/*
 * One line of a passwd file, name:password:uid:gid:gecos:dir:shell: if its
 * uid is uid and its dir fits in out, the dir into out and 1, else 0.
 */
static int
passwd_line(const char *s, size_t len, uid_t uid, char *out, size_t outlen)
{
	const char *f[7], *end = s + len;
	unsigned long long v = 0;
	size_t n = 1, i;

	f[0] = s;
	for (; s < end && n < 7; s++)
		if (*s == ':')
			f[n++] = s + 1;
	if (n < 7 || f[2] + 1 >= f[3] || f[3] - f[2] > 12)
		return 0;
	for (i = 0; f[2] + i + 1 < f[3]; i++) {
		if (f[2][i] < '0' || f[2][i] > '9')
			return 0;
		v = v * 10 + (unsigned)(f[2][i] - '0');
	}
	n = (size_t)(f[6] - 1 - f[5]);
	if (v != (unsigned long long)uid || n >= outlen)
		return 0;
	memcpy(out, f[5], n);
	out[n] = '\0';
	return 1;
}

/*
 * Lines of at most PASSWD_LINE bytes (longer ones are skipped) from the
 * first PASSWD_MAX bytes of the file.
 */
#define PASSWD_LINE	4096
#define PASSWD_MAX	(1UL << 20)

int
file_passwd_home(const char *path, uid_t uid, char *out, size_t outlen)
{
	char buf[PASSWD_LINE], *nl;
	size_t have = 0, start, n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0, skip = 0;

	if (fd == -1)
		return -1;
	while (!found && total < PASSWD_MAX &&
	    read_capped(fd, buf + have, sizeof(buf) - have, &n) == 0) {
		total += n;
		have += n;
		for (start = 0; !found &&
		    (nl = memchr(buf + start, '\n', have - start)) != NULL;
		    start = (size_t)(nl - buf) + 1, skip = 0)
			found = !skip && passwd_line(buf + start,
			    (size_t)(nl - buf) - start, uid, out, outlen);
		if (found || have < sizeof(buf)) {
			/* End of file: a last line without a newline. */
			if (!found && !skip && start < have)
				found = passwd_line(buf + start, have - start,
				    uid, out, outlen);
			break;
		}
		if (start == 0) {
			skip = 1;	/* a line longer than buf */
			start = have;
		}
		have -= start;
		memmove(buf, buf + start, have);
	}
	close(fd);
	return found ? 0 : -1;
}
