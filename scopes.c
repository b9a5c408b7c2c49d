/*
 * scopes.c: the PAT scope table of docs/cli.md section 3 as data, and the pure
 * functions that validate what a user types and decide coverage.  It never
 * does I/O, never allocates, never prints and never exits: see scopes.h.
 */
#include <string.h>

#include "scopes.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* How much of a bad entry a message quotes before it cuts with "...". */
#define QUOTE_MAX	64

/* Verb flags: the rules of docs/cli.md section 3 that are not the ladder. */
#define V_OPT_IN	0x1	/* excluded from "resource:*", covered by itself only */
#define V_COVERS_READ	0x2	/* also covers the read verb of its resource */

/*
 * Every verb of the table with its place in the read < write < admin ladder
 * (rank 1 to 3; 0 is off the ladder) and its flags.  A verb covers another
 * of the same resource if they are equal, if both are on the ladder and it
 * ranks at least as high, or if it has V_COVERS_READ and the other is read.
 */
static const struct verb {
	const char	*name;
	unsigned	 rank;
	unsigned	 flags;
} verbs[] = {
	{ "read",		1, 0 },
	{ "write",		2, 0 },
	{ "admin",		3, 0 },
	{ "delete",		0, V_OPT_IN },
	{ "rules_create",	0, V_COVERS_READ },
	{ "rules_update",	0, V_OPT_IN | V_COVERS_READ },
	{ "rules_delete",	0, V_OPT_IN | V_COVERS_READ },
};

static const char *const verbs_rwd[] = { "read", "write", "delete" };
static const char *const verbs_rwa[] = { "read", "write", "admin" };
static const char *const verbs_policy[] = {
	"read", "rules_create", "rules_update", "rules_delete"
};
static const char *const verbs_r[] = { "read" };

/* docs/cli.md section 3, row for row and in its order. */
static const struct scopes_resource resources[] = {
	{ "dashboard_apps",	  verbs_rwd,	NELEM(verbs_rwd),    "apps" },
	{ "dashboard_keys",	  verbs_rwa,	NELEM(verbs_rwa),    "keys" },
	{ "dashboard_agents",	  verbs_rwa,	NELEM(verbs_rwa),    "agents" },
	{ "dashboard_providers",  verbs_rwa,	NELEM(verbs_rwa),    "providers" },
	{ "dashboard_secrets",	  verbs_rwd,	NELEM(verbs_rwd),    "managed-secrets" },
	{ "dashboard_app_policy", verbs_policy, NELEM(verbs_policy), "policy" },
	{ "dashboard_audit",	  verbs_r,	NELEM(verbs_r),	     "audit" },
	{ "dashboard_pats",	  verbs_r,	NELEM(verbs_r),	     "pats whoami" },
};

/*
 * The default set of docs/cli.md section 3, written out so that it can be a
 * constant; tests/unit_scopes.c derives it from the table above and checks
 * that the two agree.
 */
static const char default_set[] =
    "dashboard_apps:read,dashboard_apps:write,"
    "dashboard_keys:read,dashboard_keys:write,"
    "dashboard_agents:read,dashboard_agents:write,"
    "dashboard_providers:read,dashboard_providers:write,"
    "dashboard_secrets:read,dashboard_secrets:write,"
    "dashboard_app_policy:read,"
    "dashboard_audit:read,"
    "dashboard_pats:read";

static int
eqn(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/*
 * The row named by len bytes of name in a table of nrows rows of size
 * bytes whose first member is the row's name (verbs[], resources[]), or
 * NULL.
 */
static const void *
row_named(const void *rows, size_t nrows, size_t size, const char *name, size_t len)
{
	const char *row = rows;
	size_t i;

	for (i = 0; i < nrows; i++, row += size)
		if (eqn(name, len, *(const char *const *)(const void *)row))
			return row;
	return NULL;
}

#define ROW_NAMED(table, name, len) \
	row_named((table), NELEM(table), sizeof((table)[0]), (name), (len))

static const struct scopes_resource *
find_resource(const char *name, size_t len)
{
	return ROW_NAMED(resources, name, len);
}

/* The properties of the verb named by len bytes of name, or NULL. */
static const struct verb *
verb_n(const char *name, size_t len)
{
	return ROW_NAMED(verbs, name, len);
}

/* The verb's properties if the resource has that verb, else NULL. */
static const struct verb *
find_verb(const struct scopes_resource *r, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < r->nverbs; i++)
		if (eqn(name, len, r->verbs[i]))
			return verb_n(name, len);
	return NULL;
}

static const struct verb *
verb_named(const char *name)
{
	return verb_n(name, strlen(name));
}

/*
 * Split "resource:verb" of len bytes at its first colon.  Returns the
 * resource (NULL if unknown or there is no colon) and sets the verb span.
 */
static const struct scopes_resource *
split(const char *s, size_t len, const char **verb, size_t *verblen)
{
	const char *colon;

	colon = memchr(s, ':', len);
	if (colon == NULL)
		return NULL;
	*verb = colon + 1;
	*verblen = len - (size_t)(colon + 1 - s);
	return find_resource(s, (size_t)(colon - s));
}

static int
verb_covers(const struct verb *g, const struct verb *r)
{
	if (g == r)
		return 1;
	if (g->rank != 0 && r->rank != 0 && g->rank >= r->rank)
		return 1;
	return (g->flags & V_COVERS_READ) != 0 && strcmp(r->name, "read") == 0;
}

/* 1 if some granted scope of resource res covers verb want. */
static int
granted_covers(const char *const *granted, size_t ngranted,
    const struct scopes_resource *res, const struct verb *want)
{
	const struct scopes_resource *gr;
	const struct verb *gv;
	const char *v;
	size_t i, vlen;

	for (i = 0; i < ngranted; i++) {
		if (granted[i] == NULL)
			continue;
		gr = split(granted[i], strlen(granted[i]), &v, &vlen);
		if (gr != res)
			continue;
		gv = find_verb(gr, v, vlen);
		if (gv != NULL && verb_covers(gv, want))
			return 1;
	}
	return 0;
}

/* scopes_covers() for a required scope given as len bytes. */
static int
covers_n(const char *const *granted, size_t ngranted, const char *req,
    size_t len)
{
	const struct scopes_resource *res;
	const struct verb *want;
	const char *v;
	size_t i, vlen;

	res = split(req, len, &v, &vlen);
	if (res == NULL)
		return 0;
	if (!eqn(v, vlen, "*")) {
		want = find_verb(res, v, vlen);
		return want != NULL &&
		    granted_covers(granted, ngranted, res, want);
	}
	for (i = 0; i < res->nverbs; i++) {
		want = verb_named(res->verbs[i]);
		if (want == NULL)
			return 0;
		if ((want->flags & V_OPT_IN) != 0)
			continue;
		if (!granted_covers(granted, ngranted, res, want))
			return 0;
	}
	return 1;
}

/*
 * The next entry of a comma-separated list, with the spaces and tabs
 * around it trimmed.  *cur walks the list and is NULL once it is done.
 */
static int
next_entry(const char **cur, const char **entry, size_t *len)
{
	const char *p, *end;

	if (*cur == NULL)
		return 0;
	p = *cur;
	end = strchr(p, ',');
	if (end == NULL) {
		end = p + strlen(p);
		*cur = NULL;
	} else
		*cur = end + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*entry = p;
	*len = (size_t)(end - p);
	return 1;
}

/* Append s to the NUL-terminated out, with sep first if out is not empty. */
static int
append(char *out, size_t outlen, const char *sep, const char *s, size_t len)
{
	size_t used, seplen;

	used = strlen(out);
	seplen = used > 0 ? strlen(sep) : 0;
	if (used + seplen + len >= outlen)
		return -1;
	memcpy(out + used, sep, seplen);
	memcpy(out + used + seplen, s, len);
	out[used + seplen + len] = '\0';
	return 0;
}

static void
list_resources(char *out, size_t outlen)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < NELEM(resources); i++)
		(void)append(out, outlen, ", ", resources[i].name,
		    strlen(resources[i].name));
}

static void
list_verbs(const struct scopes_resource *r, char *out, size_t outlen)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < r->nverbs; i++)
		(void)append(out, outlen, ", ", r->verbs[i],
		    strlen(r->verbs[i]));
	(void)append(out, outlen, ", ", "*", 1);
}

/* Check one trimmed entry of a user's list; n is its 1-based position. */
static enum alter_exit
check_entry(const char *list, const char *e, size_t len, size_t n,
    struct alter_err *err)
{
	const struct scopes_resource *res;
	const char *v;
	char q[UTIL_QUOTE_SIZE(QUOTE_MAX)], names[256];
	size_t vlen;

	if (len == 0) {
		if (n == 1 && strchr(list, ',') == NULL)
			return alter_fail(err, AX_USAGE, "the scope list is "
			    "empty; give scopes as resource:verb, e.g. "
			    "dashboard_apps:read");
		return alter_fail(err, AX_USAGE, "empty entry %zu in scope "
		    "list '%s'; remove the extra comma", n,
		    util_quote(q, sizeof(q), list, strlen(list), QUOTE_MAX, 0));
	}
	util_quote(q, sizeof(q), e, len, QUOTE_MAX, 0);
	if (strcspn(e, " \t") < len)
		return alter_fail(err, AX_USAGE, "scope '%s' contains "
		    "whitespace; separate scopes with commas", q);
	if (memchr(e, ':', len) == NULL) {
		list_resources(names, sizeof(names));
		return alter_fail(err, AX_USAGE, "scope '%s' is not of the "
		    "form resource:verb; resources: %s", q, names);
	}
	res = split(e, len, &v, &vlen);
	if (res == NULL) {
		list_resources(names, sizeof(names));
		return alter_fail(err, AX_USAGE, "unknown resource in scope "
		    "'%s'; resources: %s", q, names);
	}
	if (!eqn(v, vlen, "*") && find_verb(res, v, vlen) == NULL) {
		list_verbs(res, names, sizeof(names));
		return alter_fail(err, AX_USAGE, "unknown verb in scope '%s'; "
		    "valid verbs for %s: %s", q, res->name, names);
	}
	return AX_OK;
}

size_t
scopes_nresources(void)
{
	return NELEM(resources);
}

const struct scopes_resource *
scopes_resource_at(size_t i)
{
	return i < NELEM(resources) ? &resources[i] : NULL;
}

int
scopes_is_opt_in(const char *verb)
{
	const struct verb *v;

	v = verb_named(verb);
	return v != NULL && (v->flags & V_OPT_IN) != 0;
}

int
scopes_is_concrete(const char *scope, size_t len)
{
	const struct scopes_resource *res;
	const char *v;
	size_t vlen;

	res = split(scope, len, &v, &vlen);
	return res != NULL && find_verb(res, v, vlen) != NULL;
}

enum alter_exit
scopes_validate(const char *list, struct alter_err *err)
{
	const char *cur, *e;
	size_t len, n;
	enum alter_exit rc;

	cur = list;
	for (n = 1; next_entry(&cur, &e, &len); n++)
		if ((rc = check_entry(list, e, len, n, err)) != AX_OK)
			return rc;
	return AX_OK;
}

int
scopes_covers(const char *const *granted, size_t ngranted,
    const char *required)
{
	if (required == NULL)
		return 0;
	return covers_n(granted, ngranted, required, strlen(required));
}

enum alter_exit
scopes_missing(const char *list, const char *const *granted, size_t ngranted,
    char *out, size_t outlen, size_t *nmissing, struct alter_err *err)
{
	const char *cur, *e;
	size_t len, n;
	enum alter_exit rc;

	*nmissing = 0;
	if (outlen == 0)
		return alter_fail(err, AX_ERROR, "no room for the list of "
		    "missing scopes");
	out[0] = '\0';
	if ((rc = scopes_validate(list, err)) != AX_OK)
		return rc;
	n = 0;
	cur = list;
	while (next_entry(&cur, &e, &len)) {
		if (covers_n(granted, ngranted, e, len))
			continue;
		if (append(out, outlen, ",", e, len) == -1) {
			out[0] = '\0';
			return alter_fail(err, AX_ERROR, "the list of missing "
			    "scopes does not fit in %zu bytes", outlen);
		}
		n++;
	}
	*nmissing = n;
	return AX_OK;
}

/* 1 if the user's entry e[0..len) asks for the concrete scope g (or more). */
static int
asks_for(const char *e, size_t len, const char *g)
{
	const struct scopes_resource *er, *gr;
	const struct verb *gverb;
	const char *v, *gv, *one[1];
	char buf[128];
	size_t vlen, gvlen;

	er = split(e, len, &v, &vlen);
	gr = split(g, strlen(g), &gv, &gvlen);
	if (er == NULL || er != gr || (gverb = find_verb(gr, gv, gvlen)) == NULL)
		return 0;
	if (eqn(v, vlen, "*"))
		return (gverb->flags & V_OPT_IN) == 0;
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, e, len);
	buf[len] = '\0';
	one[0] = buf;
	return covers_n(one, 1, g, strlen(g));
}

enum alter_exit
scopes_beyond(const char *list, const char *const *granted, size_t ngranted,
    char *out, size_t outlen, size_t *nbeyond, struct alter_err *err)
{
	const char *cur, *e;
	size_t i, len;
	int asked;
	enum alter_exit rc;

	*nbeyond = 0;
	if (outlen == 0)
		return alter_fail(err, AX_ERROR, "no room for the list of scopes");
	out[0] = '\0';
	if ((rc = scopes_validate(list, err)) != AX_OK)
		return rc;
	for (i = 0; i < ngranted; i++) {
		if (granted[i] == NULL)
			continue;
		asked = 0;
		for (cur = list; !asked && next_entry(&cur, &e, &len); )
			asked = asks_for(e, len, granted[i]);
		if (asked)
			continue;
		if (append(out, outlen, ",", granted[i], strlen(granted[i])) == -1) {
			out[0] = '\0';
			return alter_fail(err, AX_ERROR, "the list of scopes does not "
			    "fit in %zu bytes", outlen);
		}
		(*nbeyond)++;
	}
	return AX_OK;
}

const char *
scopes_default_set(void)
{
	return default_set;
}
