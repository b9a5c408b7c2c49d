/*
 * builtin.h: the command tables and handlers that the root table of
 * alter.c names, one command file each (git's builtin.h).  Included by
 * alter.c and the command files only.
 */
#ifndef ALTER_BUILTIN_H
#define ALTER_BUILTIN_H

#include "cli.h"

/* api.c: version, api, scopes. */
enum alter_exit	 cmd_version(struct ctx *);
enum alter_exit	 cmd_api(struct ctx *);
enum alter_exit	 cmd_scopes(struct ctx *);
extern const struct flag api_flags[];
extern const struct cmd scopes_cmds[];

/* auth.c: auth login, logout, status; pats whoami. */
extern const struct cmd auth_cmds[], pats_cmds[];

/* portal_rows.c: one table per group of docs/cli.md section 5. */
extern const struct cmd portal_agents[], portal_apps[], portal_audit[], portal_keys[],
		    portal_policy[], portal_providers[], portal_secrets[];

/* portal_run.c: runs any portal row. */
enum alter_exit	 portal_run(struct ctx *);

/* link.c: the workspace link, and the app a command acts on. */
enum alter_exit	 cmd_link(struct ctx *);
enum alter_exit	 cmd_unlink(struct ctx *);
extern const struct flag link_flags[];
/* docs/cli.md 5: --app, else ALTER_APP_ID, else the workspace link, into app. */
enum alter_exit	 resolve_app(struct ctx *, char *app, size_t cap);

#endif
