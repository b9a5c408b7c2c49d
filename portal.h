/*
 * portal.h: what the two files of the portal runner share: portal_check.c
 * (value checks, secrets) and portal_run.c (requests, confirmation,
 * output).  Included by those two only.
 */
#ifndef ALTER_PORTAL_H
#define ALTER_PORTAL_H

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
 * cli.md 5: a secret from - or @file (never inline), 64 KiB at most, one
 * trailing newline off, into a malloc'd string the caller wipes and frees.
 */
enum alter_exit	 read_secret(struct ctx *, const char *flag, const char *v, char **out);

#endif
