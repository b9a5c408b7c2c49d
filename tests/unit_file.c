/*
 * tests/unit_file.c: the shared helpers of util.c and file.c: util_env,
 * util_quote, file_join, make_dirs and write_file_atomic (in a mkdtemp()
 * directory, removed at the end).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "util.h"
#include "tests/unit.h"

/* The number of entries of dir but . and .. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* 1 if path holds exactly want. */
static int
holds(const char *path, const char *want)
{
	char buf[256];
	size_t n;
	int fd = open(path, O_RDONLY);

	if (fd == -1)
		return 0;
	if (read_capped(fd, buf, sizeof(buf), &n) != 0)
		n = sizeof(buf);
	close(fd);
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

static void
test_env_quote(void)
{
	char q[UTIL_PATH_QSIZE], big[300];

	setenv("ALTER_UNIT_X", "", 1);
	CHECK(util_env("ALTER_UNIT_X") == NULL, "an empty variable counts as unset");
	setenv("ALTER_UNIT_X", "v", 1);
	CHECK(util_env("ALTER_UNIT_X") != NULL && strcmp(util_env("ALTER_UNIT_X"), "v") == 0,
	    "a set variable gives its value");
	unsetenv("ALTER_UNIT_X");
	CHECK(util_env("ALTER_UNIT_X") == NULL, "an unset variable is NULL");

	CHECK(strcmp(util_quote_path(q, sizeof(q), "it's"), "'it'\\''s'") == 0,
	    "a path is shell-quoted, a quote as '\\'': %s", q);
	CHECK(strcmp(util_quote_path(q, sizeof(q), "a\001b"), "'a\\x01b'") == 0,
	    "a control byte is \\xNN: %s", q);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	util_quote_path(q, sizeof(q), big);
	CHECK(strlen(q) == 1 + UTIL_PATH_SHOWN + 3 + 1 && strcmp(q + strlen(q) - 4, "...'") == 0,
	    "a long path is cut after %d bytes with ...", UTIL_PATH_SHOWN);
	CHECK(strcmp(util_quote(q, sizeof(q), "a\tb'", 4, 64, 0), "a\\x09b'") == 0,
	    "without shell quoting a quote stays as it is: %s", q);
	CHECK(strcmp(util_quote(q, 8, "abcdefgh", 8, 64, 0), "...") == 0,
	    "a small buffer cuts early and stays terminated: %s", q);
}

static void
test_join(void)
{
	char out[16];

	CHECK(file_join(out, sizeof(out), "/a/b//", "x") == 0 && strcmp(out, "/a/b/x") == 0,
	    "trailing slashes of the directory are dropped: %s", out);
	CHECK(file_join(out, sizeof(out), "/", "x") == 0 && strcmp(out, "/x") == 0,
	    "the root joins as /name: %s", out);
	CHECK(file_join(out, sizeof(out), "/a/very/long/dir", "x") == -1 && out[0] == '\0',
	    "a path that does not fit is -1 and empty");
}

static void
test_atomic(const char *top)
{
	char dir[512], path[600];
	struct alter_err err;
	struct stat sb;
	int dfd;

	snprintf(dir, sizeof(dir), "%s/a/b", top);
	CHECK(make_dirs(dir, 0700, &err) == AX_OK && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode),
	    "make_dirs makes the missing parents");
	CHECK(make_dirs(dir, 0700, &err) == AX_OK, "make_dirs on an existing directory is fine");

	snprintf(path, sizeof(path), "%s/f.json", dir);
	CHECK(write_file_atomic(-1, dir, "f.json", "hello\n", 6, 0600, &err) == AX_OK,
	    "a new file is written");
	CHECK(holds(path, "hello\n"), "it holds the bytes given");
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600, "its mode is 0600");
	CHECK(write_file_atomic(-1, dir, "f.json", "{}\n", 3, 0644, &err) == AX_OK &&
	    holds(path, "{}\n") && stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0644,
	    "a second write replaces it, with the mode asked for");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(write_file_atomic(dfd, dir, "f.json", "x", 1, 0600, &err) == AX_OK &&
	    holds(path, "x"), "a directory already open is used");
	close(dfd);
	CHECK(entries(dir) == 1, "no temporary file is left");

	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0700);
	err.msg[0] = '\0';
	CHECK(write_file_atomic(-1, dir, "sub", "x", 1, 0600, &err) == AX_ERROR &&
	    strstr(err.msg, "cannot replace") != NULL && strstr(err.msg, "/sub'") != NULL,
	    "a rename that fails is AX_ERROR naming the file: %s", err.msg);
	CHECK(entries(dir) == 2, "and its temporary file is removed");
	rmdir(path);

	snprintf(path, sizeof(path), "%s/missing", top);
	err.msg[0] = '\0';
	CHECK(write_file_atomic(-1, path, "f", "x", 1, 0600, &err) == AX_ERROR &&
	    strstr(err.msg, "missing'") != NULL,
	    "a missing directory is AX_ERROR naming it: %s", err.msg);
}

/* Write text as the file path. */
static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* file_passwd_home on a temp passwd file, lines as musl parses them. */
static void
test_passwd(const char *top)
{
	char path[512], home[64], big[6000];

	snprintf(path, sizeof(path), "%s/passwd", top);
	CHECK(file_passwd_home(path, 0, home, sizeof(home)) == -1,
	    "a missing passwd file: no home");
	put(path, "root:x:0:0:root:/root:/bin/sh\n"
	    "bad:x:12a:1::/bad:/bin/sh\n"
	    "short:x:7:7:/short\n"
	    "me:x:1000:1000:Me,,,:/home/me:/bin/sh\n"
	    "dup:x:1000:1000::/home/dup:/bin/sh\n"
	    "last:x:42:42::/home/last:/bin/sh");
	CHECK(file_passwd_home(path, 1000, home, sizeof(home)) == 0 &&
	    strcmp(home, "/home/me") == 0, "the 6th field of the first line with the uid: %s", home);
	CHECK(file_passwd_home(path, 0, home, sizeof(home)) == 0 &&
	    strcmp(home, "/root") == 0, "the first line counts");
	CHECK(file_passwd_home(path, 42, home, sizeof(home)) == 0 &&
	    strcmp(home, "/home/last") == 0, "a last line without a newline counts");
	CHECK(file_passwd_home(path, 12, home, sizeof(home)) == -1, "a uid that is not a number matches nothing");
	CHECK(file_passwd_home(path, 7, home, sizeof(home)) == -1, "a line with too few fields matches nothing");
	CHECK(file_passwd_home(path, 5, home, sizeof(home)) == -1, "no line with the uid: no home");
	CHECK(file_passwd_home(path, 1000, home, 8) == -1, "a home that does not fit: no home");
	memset(big, 'g', sizeof(big));
	memcpy(big, "long:x:9:9:", 11);
	memcpy(big + sizeof(big) - 40, ":/long:/bin/sh\nok:x:9:9::/ok:/bin/sh\n", 38);
	big[sizeof(big) - 2] = '\0';
	put(path, big);
	CHECK(file_passwd_home(path, 9, home, sizeof(home)) == 0 && strcmp(home, "/ok") == 0,
	    "a line longer than the buffer is skipped: %s", home);
}

int
main(void)
{
	char top[] = "/tmp/alter-unit-file.XXXXXX", cmd[64];

	test_env_quote();
	test_join();
	if (mkdtemp(top) == NULL) {
		CHECK(0, "mkdtemp");
		return unit_done();
	}
	test_atomic(top);
	test_passwd(top);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", top);
	return unit_done();
}
