/*
 * link.c: the workspace link (.alter/link.json) and the app a command acts
 * on: --app, else ALTER_APP_ID, else the link (docs/cli.md section 5).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "file.h"
#include "json.h"

#define LINK_DIR	".alter"
#define LINK_FILE	".alter/link.json"
#define LINK_MAX	4096

const struct flag link_flags[] = {
	{ "status", 0, F_BOOL, NULL, "show the linked app and the link file" },
	{ NULL }
};

/* ---- the app context and the workspace link ---- */

/*
 * Find .alter/link.json from the working directory upwards; path receives
 * it.  0 if found.  The search stops at a directory the user does not own
 * (as git's safe.directory check does): a link planted above the work dir
 * by another user (/tmp/.alter/link.json) is never honoured.  stop
 * receives such a link when the directory holding it stopped the search,
 * else "".
 */
static int
find_link(char *path, size_t cap, char *stop, size_t scap)
{
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	stop[0] = '\0';
	if (getcwd(dir, sizeof(dir)) == NULL)
		return -1;
	for (;;) {
		if ((size_t)snprintf(path, cap, "%s/%s", strcmp(dir, "/") ? dir : "", LINK_FILE) >=
		    cap)
			return -1;
		if (stat(dir, &st) != 0 || st.st_uid != geteuid()) {
			if (access(path, F_OK) == 0)
				snprintf(stop, scap, "%s", path);
			return -1;
		}
		if (access(path, F_OK) == 0)
			return 0;
		if (strcmp(dir, "/") == 0 || (slash = strrchr(dir, '/')) == NULL)
			return -1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static int valid_id(const char *s);

static enum alter_exit
read_link(struct ctx *c, const char *path, char *app, size_t cap)
{
	char buf[LINK_MAX + 1];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s': %s", path,
		    strerror(errno));
	n = read(fd, buf, LINK_MAX);
	close(fd);
	if (n < 0)
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s': %s", path,
		    strerror(errno));
	buf[n] = '\0';
	json_get_str((unsigned char *)buf, (size_t)n, "app_id", app, cap);
	if (app[0] == '\0')
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s' has no \"app_id\"; run "
		    "'alter link APP_ID' again", path);
	/* The same check as an app id typed on the command line. */
	if (!valid_id(app))
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s': app id '%s' must be "
		    "letters, digits, '-', '_' or '.'", path, app);
	return AX_OK;
}

/* docs/cli.md 5: --app, else ALTER_APP_ID, else the workspace link. */
enum alter_exit
resolve_app(struct ctx *c, char *app, size_t cap)
{
	char path[PATH_MAX + 32], stop[PATH_MAX];

	if (opt(c, "app") != NULL) {
		snprintf(app, cap, "%s", opt(c, "app"));
		return AX_OK;
	}
	if (util_env("ALTER_APP_ID") != NULL) {
		snprintf(app, cap, "%s", util_env("ALTER_APP_ID"));
		return AX_OK;
	}
	if (find_link(path, sizeof(path), stop, sizeof(stop)) == 0)
		return read_link(c, path, app, cap);
	return alter_fail(&c->err, AX_USAGE, "no app: pass --app ID, set ALTER_APP_ID, or run "
	    "'alter link ID' in this workspace%s%s%s", stop[0] ? " (ignored '" : "", stop,
	    stop[0] ? "': another user owns its directory)" : "");
}

static int
valid_id(const char *s)
{
	if (*s == '\0' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || *s == '.' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

enum alter_exit
cmd_link(struct ctx *c)
{
	char path[PATH_MAX + 32], stop[PATH_MAX], app[256], buf[320];
	enum alter_exit rc;
	int n;

	if (has(c, "status")) {
		if (c->a.npos != 0)
			return alter_fail(&c->err, AX_USAGE, "'alter link --status' takes no APP_ID");
		if (find_link(path, sizeof(path), stop, sizeof(stop)) != 0)
			return alter_fail(&c->err, AX_NOT_FOUND, "no workspace link in this "
			    "directory or above%s%s%s; run 'alter link APP_ID'", stop[0] ?
			    " (ignored '" : "", stop, stop[0] ?
			    "': another user owns its directory)" : "");
		if (read_link(c, path, app, sizeof(app)) != AX_OK)
			return c->err.code;
		printf("%s\t%s\n", app, path);
		return AX_OK;
	}
	if (c->a.npos != 1)
		return alter_fail(&c->err, AX_USAGE, "usage: alter link APP_ID | alter link --status");
	if (!valid_id(c->a.pos[0]))
		return alter_fail(&c->err, AX_USAGE, "app id '%s' must be letters, digits, '-', '_' "
		    "or '.'", c->a.pos[0]);
	n = snprintf(buf, sizeof(buf), "{\"app_id\":\"%s\"}\n", c->a.pos[0]);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return alter_fail(&c->err, AX_USAGE, "app id '%s' is too long", c->a.pos[0]);
	if ((rc = make_dirs(LINK_DIR, 0755, &c->err)) != AX_OK ||
	    (rc = write_file_atomic(-1, LINK_DIR, "link.json", buf, (size_t)n, 0644, &c->err)) !=
	    AX_OK)
		return rc;
	notice(c, "linked this workspace to app %s (%s)", c->a.pos[0], LINK_FILE);
	return AX_OK;
}

enum alter_exit
cmd_unlink(struct ctx *c)
{
	char path[PATH_MAX + 32], stop[PATH_MAX];

	if (find_link(path, sizeof(path), stop, sizeof(stop)) != 0) {
		notice(c, "no workspace link in this directory or above");
		return AX_OK;
	}
	if (unlink(path) != 0)
		return alter_fail(&c->err, AX_ERROR, "removing %s: %s", path, strerror(errno));
	path[strlen(path) - strlen("/link.json")] = '\0';
	(void)rmdir(path);
	notice(c, "removed the workspace link %s/link.json", path);
	return AX_OK;
}

