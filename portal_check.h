/*
 * portal_check.h: the value checks of portal_check.c, which portal_run.c
 * (requests, confirmation, output) uses.  Named after its .c so that the
 * layer test places it among the command files.
 */
#ifndef ALTER_PORTAL_CHECK_H
#define ALTER_PORTAL_CHECK_H

#include "cli.h"

/*
 * The next item of the comma-separated list at *rest, without surrounding
 * spaces: its start, and its length in *len.  *rest moves past the comma,
 * to NULL after the last item.
 */
const char	*list_next(const char **rest, size_t *len);

/* Apply f->check to v (each comma-separated item of a list); AX_USAGE if bad. */
enum alter_exit	 check_value(struct ctx *, const struct flag *f, const char *v);

/*
 * docs/cli.md 5: a secret from - or @file (never inline), 64 KiB at most, one
 * trailing newline off, into a malloc'd string the caller wipes and frees.
 */
enum alter_exit	 read_secret(struct ctx *, const char *flag, const char *v, char **out);

/*
 * docs/cli.md 4: with GITHUB_ACTIONS=true, "::add-mask::VALUE" on stderr for
 * the row's shown_once field of the answer r, before it is printed.
 */
void		 mask_secret(const struct ctx *, const struct http_response *r);

#endif
