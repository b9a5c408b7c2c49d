/*
 * scopes.h: the PAT scope table of docs/cli.md section 3 and its coverage rules,
 * as pure functions over static data.  Nothing here does I/O, allocates,
 * prints or exits.  Every pointer returned points into static, read-only
 * data that lives as long as the program.
 */
#ifndef ALTER_SCOPES_H
#define ALTER_SCOPES_H

#include <stddef.h>

#include "util.h"

/* One row of the table of docs/cli.md section 3, verbs in the table's order. */
struct scopes_resource {
	const char		 *name;		/* "dashboard_apps" */
	const char *const	 *verbs;	/* "read", "write", "delete" */
	size_t			  nverbs;
	const char		 *used_by;	/* "apps": the command group */
};

/* The number of rows of the table. */
size_t	scopes_nresources(void);

/* Row i of the table (in the order of docs/cli.md section 3), or NULL if i is
 * out of range. */
const struct scopes_resource *scopes_resource_at(size_t i);

/* 1 if the verb (NUL-terminated) is an opt-in verb of docs/cli.md section 3
 * (delete, rules_update, rules_delete): never included by "resource:*",
 * never covered by another verb.  0 otherwise, including unknown verbs. */
int	scopes_is_opt_in(const char *verb);

/* 1 if the len bytes at scope spell "resource:verb" with both parts in the
 * table (so no '*', no spaces); 0 otherwise. */
int	scopes_is_concrete(const char *scope, size_t len);

/*
 * Validate a comma-separated list of scopes as a user types it (--scopes,
 * scopes check): spaces and tabs around entries are allowed, "resource:*"
 * is allowed, empty entries (",," or a leading or trailing comma, or an
 * empty list) are not.  Returns AX_OK, or AX_USAGE with a message that
 * quotes the first bad entry and gives the valid verbs of its resource
 * (or, for an unknown resource, the list of resources).
 */
enum alter_exit	scopes_validate(const char *list, struct alter_err *err);

/*
 * 1 if the granted scopes (as the server returns them: concrete
 * "resource:verb" strings) cover the required scope, 0 otherwise.
 * Required may be concrete or "resource:*", which needs every verb of the
 * resource except the opt-in ones.  Coverage within one resource:
 * read < write < admin; delete covers only itself and nothing else covers
 * it; rules_create, rules_update and rules_delete each cover themselves and
 * read, and none covers another.  Granted entries that are not concrete
 * scopes of the table (a '*', an unknown name) cover nothing; an unknown
 * required scope is never covered.  granted may be NULL when ngranted is 0.
 */
int	scopes_covers(const char *const *granted, size_t ngranted,
	    const char *required);

/*
 * For auth login --scopes: validate list as scopes_validate() does, then
 * write into out the entries of list that the granted scopes do not cover,
 * trimmed, in list order, joined by "," (empty string if none), and their
 * count into *nmissing.  out needs at most strlen(list) + 1 bytes.
 * Returns AX_OK; AX_USAGE for a bad list; AX_ERROR if out is too small.
 * On failure out is the empty string (when outlen > 0) and *nmissing is 0.
 */
enum alter_exit	scopes_missing(const char *list, const char *const *granted,
		    size_t ngranted, char *out, size_t outlen, size_t *nmissing,
		    struct alter_err *err);

/*
 * For auth login --scopes, least privilege: validate list as
 * scopes_validate() does, then write into out the granted scopes that no
 * entry of list asks for (an entry asks for what it covers; "resource:*"
 * for every verb of the resource but the opt-in ones), in granted order,
 * joined by ",", and their count into *nbeyond.  Returns AX_OK; AX_USAGE
 * for a bad list; AX_ERROR if out is too small (out "", *nbeyond 0).
 */
enum alter_exit	scopes_beyond(const char *list, const char *const *granted,
		    size_t ngranted, char *out, size_t outlen, size_t *nbeyond,
		    struct alter_err *err);

/* The default set a browser login would ask for (docs/cli.md section 3): read
 * and write of every resource, read alone where there is no write; a
 * static comma-separated string in table order. */
const char	*scopes_default_set(void);

#endif
