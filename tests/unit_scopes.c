/*
 * tests/unit_scopes.c: the scope table and coverage rules of docs/cli.md
 * section 3 (scopes.c), as tables of vectors.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "scopes.h"
#include "tests/unit.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXGRANT	16

/* Split a comma-separated literal into the granted array of scopes_covers. */
static size_t
grants(const char *csv, char buf[][64], const char *ptrs[])
{
	size_t n, len;
	const char *p, *end;

	n = 0;
	for (p = csv; *p != '\0' && n < MAXGRANT; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len >= 64)
			len = 63;
		memcpy(buf[n], p, len);
		buf[n][len] = '\0';
		ptrs[n] = buf[n];
		n++;
	}
	return n;
}

/* The vector for a TAP line: control bytes shown as '?'. */
static const char *
shown(const char *s)
{
	static char buf[512];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int
covers(const char *granted_csv, const char *required)
{
	char buf[MAXGRANT][64];
	const char *ptrs[MAXGRANT];
	size_t n;

	n = grants(granted_csv, buf, ptrs);
	return scopes_covers(n > 0 ? ptrs : NULL, n, required);
}

static const struct {
	const char	*granted;
	const char	*required;
	int		 want;
} cover_vectors[] = {
	/* read < write < admin within one resource. */
	{ "dashboard_keys:read", "dashboard_keys:read", 1 },
	{ "dashboard_keys:write", "dashboard_keys:read", 1 },
	{ "dashboard_keys:admin", "dashboard_keys:read", 1 },
	{ "dashboard_keys:admin", "dashboard_keys:write", 1 },
	{ "dashboard_keys:admin", "dashboard_keys:admin", 1 },
	{ "dashboard_keys:read", "dashboard_keys:write", 0 },
	{ "dashboard_keys:write", "dashboard_keys:admin", 0 },
	{ "dashboard_agents:admin", "dashboard_agents:write", 1 },
	{ "dashboard_providers:write", "dashboard_providers:admin", 0 },
	{ "dashboard_apps:write", "dashboard_apps:read", 1 },
	/* Coverage never crosses resources. */
	{ "dashboard_keys:admin", "dashboard_agents:read", 0 },
	{ "dashboard_apps:delete", "dashboard_secrets:delete", 0 },
	/* delete is opt-in: it covers only itself and nothing covers it. */
	{ "dashboard_apps:delete", "dashboard_apps:delete", 1 },
	{ "dashboard_apps:write", "dashboard_apps:delete", 0 },
	{ "dashboard_apps:read,dashboard_apps:write", "dashboard_apps:delete", 0 },
	{ "dashboard_apps:delete", "dashboard_apps:read", 0 },
	{ "dashboard_apps:delete", "dashboard_apps:write", 0 },
	{ "dashboard_secrets:delete", "dashboard_secrets:delete", 1 },
	{ "dashboard_secrets:write", "dashboard_secrets:delete", 0 },
	{ "dashboard_secrets:delete", "dashboard_secrets:read", 0 },
	/* There is no apps admin, so it grants nothing (and not delete). */
	{ "dashboard_apps:admin", "dashboard_apps:read", 0 },
	{ "dashboard_apps:admin", "dashboard_apps:delete", 0 },
	/* rules_*: each covers itself and read, none covers another. */
	{ "dashboard_app_policy:rules_create", "dashboard_app_policy:rules_create", 1 },
	{ "dashboard_app_policy:rules_update", "dashboard_app_policy:rules_update", 1 },
	{ "dashboard_app_policy:rules_delete", "dashboard_app_policy:rules_delete", 1 },
	{ "dashboard_app_policy:rules_create", "dashboard_app_policy:read", 1 },
	{ "dashboard_app_policy:rules_update", "dashboard_app_policy:read", 1 },
	{ "dashboard_app_policy:rules_delete", "dashboard_app_policy:read", 1 },
	{ "dashboard_app_policy:rules_create", "dashboard_app_policy:rules_update", 0 },
	{ "dashboard_app_policy:rules_create", "dashboard_app_policy:rules_delete", 0 },
	{ "dashboard_app_policy:rules_update", "dashboard_app_policy:rules_create", 0 },
	{ "dashboard_app_policy:rules_update", "dashboard_app_policy:rules_delete", 0 },
	{ "dashboard_app_policy:rules_delete", "dashboard_app_policy:rules_create", 0 },
	{ "dashboard_app_policy:rules_delete", "dashboard_app_policy:rules_update", 0 },
	{ "dashboard_app_policy:read", "dashboard_app_policy:rules_create", 0 },
	{ "dashboard_app_policy:rules_create", "dashboard_apps:read", 0 },
	/* resource:* is every verb but the opt-in ones. */
	{ "dashboard_apps:read,dashboard_apps:write", "dashboard_apps:*", 1 },
	{ "dashboard_apps:write", "dashboard_apps:*", 1 },
	{ "dashboard_apps:read", "dashboard_apps:*", 0 },
	{ "dashboard_apps:delete", "dashboard_apps:*", 0 },
	{ "dashboard_keys:admin", "dashboard_keys:*", 1 },
	{ "dashboard_keys:write", "dashboard_keys:*", 0 },
	{ "dashboard_secrets:write", "dashboard_secrets:*", 1 },
	{ "dashboard_app_policy:rules_create", "dashboard_app_policy:*", 1 },
	{ "dashboard_app_policy:read", "dashboard_app_policy:*", 0 },
	{ "dashboard_app_policy:rules_update,dashboard_app_policy:rules_delete",
	    "dashboard_app_policy:*", 0 },
	{ "dashboard_audit:read", "dashboard_audit:*", 1 },
	{ "dashboard_pats:read", "dashboard_audit:*", 0 },
	{ "", "dashboard_audit:*", 0 },
	/* A granted '*' or unknown name covers nothing; others still count. */
	{ "dashboard_apps:*", "dashboard_apps:read", 0 },
	{ "dashboard_keys:*", "dashboard_keys:*", 0 },
	{ "bogus:admin,dashboard_apps:write", "dashboard_apps:read", 1 },
	{ "dashboard_apps:read ", "dashboard_apps:read", 0 },
	/* Unknown required scopes are never covered. */
	{ "dashboard_apps:read", "dashboard_app:read", 0 },
	{ "dashboard_apps:read", "dashboard_apps:READ", 0 },
	{ "dashboard_apps:read", "dashboard_apps", 0 },
	{ "dashboard_apps:read", "dashboard_apps:", 0 },
	{ "dashboard_apps:read", "dashboard_apps:read:x", 0 },
	{ "dashboard_apps:read", " dashboard_apps:read", 0 },
	{ "dashboard_apps:read", "", 0 },
	{ "dashboard_apps:read", "*", 0 },
	{ "dashboard_pats:read", "dashboard_pats:write", 0 },
	{ "", "dashboard_pats:read", 0 },
};

static const struct {
	const char	*list;
	enum alter_exit	 code;
	const char	*fragment;
} validate_vectors[] = {
	{ "dashboard_apps:read", AX_OK, NULL },
	{ "dashboard_apps:read,dashboard_keys:admin", AX_OK, NULL },
	{ " dashboard_apps:read ,\tdashboard_keys:* ", AX_OK, NULL },
	{ "dashboard_app_policy:rules_delete,dashboard_apps:delete", AX_OK, NULL },
	{ "dashboard_apps:*", AX_OK, NULL },
	{ "", AX_USAGE, "the scope list is empty" },
	{ "   ", AX_USAGE, "the scope list is empty" },
	{ "dashboard_apps:read,,dashboard_keys:read", AX_USAGE,
	    "empty entry 2 in scope list 'dashboard_apps:read,,dashboard_keys:read'" },
	{ "dashboard_apps:read,", AX_USAGE, "empty entry 2" },
	{ ",dashboard_apps:read", AX_USAGE, "empty entry 1" },
	{ "dashboard_apps:read, ,dashboard_keys:read", AX_USAGE, "empty entry 2" },
	{ "dashboard_apps:admin", AX_USAGE,
	    "unknown verb in scope 'dashboard_apps:admin'; valid verbs for "
	    "dashboard_apps: read, write, delete, *" },
	{ "dashboard_app_policy:write", AX_USAGE,
	    "valid verbs for dashboard_app_policy: read, rules_create, "
	    "rules_update, rules_delete, *" },
	{ "dashboard_apps:read, dashboard_keys:delete", AX_USAGE,
	    "'dashboard_keys:delete'; valid verbs for dashboard_keys: read, "
	    "write, admin, *" },
	{ "dashboard_audit:write", AX_USAGE,
	    "valid verbs for dashboard_audit: read, *" },
	{ "dashboard_app:read", AX_USAGE,
	    "unknown resource in scope 'dashboard_app:read'; resources: "
	    "dashboard_apps, dashboard_keys, dashboard_agents, "
	    "dashboard_providers, dashboard_secrets, dashboard_app_policy, "
	    "dashboard_audit, dashboard_pats" },
	{ "foo:bar,dashboard_apps:nope", AX_USAGE, "'foo:bar'" },
	{ "Dashboard_Apps:read", AX_USAGE, "unknown resource" },
	{ ":read", AX_USAGE, "unknown resource in scope ':read'" },
	{ "dashboard_apps", AX_USAGE,
	    "scope 'dashboard_apps' is not of the form resource:verb" },
	{ "*", AX_USAGE, "scope '*' is not of the form resource:verb" },
	{ "dashboard_apps:", AX_USAGE, "unknown verb in scope 'dashboard_apps:'" },
	{ "dashboard_apps:Read", AX_USAGE, "unknown verb" },
	{ "dashboard_apps:read:x", AX_USAGE,
	    "unknown verb in scope 'dashboard_apps:read:x'" },
	{ "dashboard_apps:read dashboard_keys:read", AX_USAGE,
	    "contains whitespace" },
	{ "dashboard_apps:re\033[2Jad", AX_USAGE,
	    "'dashboard_apps:re\\x1b[2Jad'" },
};

static const struct {
	const char	*list;
	const char	*granted;
	enum alter_exit	 code;
	const char	*missing;
	size_t		 nmissing;
} missing_vectors[] = {
	{ "dashboard_apps:read, dashboard_apps:delete ,dashboard_keys:*",
	    "dashboard_apps:write,dashboard_keys:write", AX_OK,
	    "dashboard_apps:delete,dashboard_keys:*", 2 },
	{ "dashboard_apps:read,dashboard_keys:read",
	    "dashboard_apps:write,dashboard_keys:admin", AX_OK, "", 0 },
	{ "dashboard_app_policy:*,dashboard_app_policy:rules_update",
	    "dashboard_app_policy:rules_create", AX_OK,
	    "dashboard_app_policy:rules_update", 1 },
	{ "dashboard_pats:read", "", AX_OK, "dashboard_pats:read", 1 },
	{ "dashboard_pats:read,dashboard_pats:bogus", "", AX_USAGE, "", 0 },
};

/* The table of docs/cli.md section 3, transcribed by hand. */
static const char spec_table[] =
    "dashboard_apps|read,write,delete|apps\n"
    "dashboard_keys|read,write,admin|keys\n"
    "dashboard_agents|read,write,admin|agents\n"
    "dashboard_providers|read,write,admin|providers\n"
    "dashboard_secrets|read,write,delete|managed-secrets\n"
    "dashboard_app_policy|read,rules_create,rules_update,rules_delete|policy\n"
    "dashboard_audit|read|audit\n"
    "dashboard_pats|read|pats whoami\n";

static void
cat(char *out, size_t outlen, const char *s)
{
	size_t used = strlen(out);

	snprintf(out + used, outlen - used, "%s", s);
}

static void
test_table(void)
{
	const struct scopes_resource *r;
	char buf[1024];
	size_t i, j;

	buf[0] = '\0';
	for (i = 0; i < scopes_nresources(); i++) {
		r = scopes_resource_at(i);
		cat(buf, sizeof(buf), r->name);
		cat(buf, sizeof(buf), "|");
		for (j = 0; j < r->nverbs; j++) {
			if (j > 0)
				cat(buf, sizeof(buf), ",");
			cat(buf, sizeof(buf), r->verbs[j]);
		}
		cat(buf, sizeof(buf), "|");
		cat(buf, sizeof(buf), r->used_by);
		cat(buf, sizeof(buf), "\n");
	}
	CHECK(strcmp(buf, spec_table) == 0,
	    "the scope table matches docs/cli.md section 3 row for row");
	CHECK(scopes_resource_at(scopes_nresources()) == NULL,
	    "a row index past the end gives NULL");

	CHECK(scopes_is_opt_in("delete") && scopes_is_opt_in("rules_update") &&
	    scopes_is_opt_in("rules_delete"),
	    "delete, rules_update and rules_delete are opt-in");
	CHECK(!scopes_is_opt_in("read") && !scopes_is_opt_in("write") &&
	    !scopes_is_opt_in("admin") && !scopes_is_opt_in("rules_create") &&
	    !scopes_is_opt_in("bogus"),
	    "read, write, admin, rules_create and unknown verbs are not opt-in");
}

/* Invariants that hold for every row, so a new row is checked too. */
static void
test_invariants(void)
{
	const struct scopes_resource *r;
	const char *g[MAXGRANT];
	char s[MAXGRANT][64], star[64], other[64];
	size_t i, j, k, n;
	int ok_self, ok_concrete, ok_optin, ok_star, ok_star_optin;

	ok_self = ok_concrete = ok_optin = ok_star = ok_star_optin = 1;
	for (i = 0; i < scopes_nresources(); i++) {
		r = scopes_resource_at(i);
		n = 0;
		for (j = 0; j < r->nverbs; j++) {
			snprintf(s[j], sizeof(s[j]), "%s:%s", r->name,
			    r->verbs[j]);
			g[0] = s[j];
			if (!scopes_covers(g, 1, s[j]))
				ok_self = 0;
			if (!scopes_is_concrete(s[j], strlen(s[j])))
				ok_concrete = 0;
			if (!scopes_is_opt_in(r->verbs[j]))
				continue;
			/* No other single verb covers an opt-in verb. */
			for (k = 0; k < r->nverbs; k++) {
				if (k == j)
					continue;
				snprintf(other, sizeof(other), "%s:%s",
				    r->name, r->verbs[k]);
				g[0] = other;
				if (scopes_covers(g, 1, s[j]))
					ok_optin = 0;
			}
		}
		snprintf(star, sizeof(star), "%s:*", r->name);
		if (scopes_is_concrete(star, strlen(star)))
			ok_concrete = 0;
		/* All the routine verbs together cover resource:*. */
		for (j = 0; j < r->nverbs; j++)
			if (!scopes_is_opt_in(r->verbs[j]))
				g[n++] = s[j];
		if (!scopes_covers(g, n, star))
			ok_star = 0;
		/* The opt-in verbs alone never do. */
		n = 0;
		for (j = 0; j < r->nverbs; j++)
			if (scopes_is_opt_in(r->verbs[j]))
				g[n++] = s[j];
		if (n > 0 && scopes_covers(g, n, star))
			ok_star_optin = 0;
	}
	CHECK(ok_self, "every scope of the table covers itself");
	CHECK(ok_concrete, "every scope of the table is concrete and "
	    "resource:* is not");
	CHECK(ok_optin, "no other verb of a resource covers an opt-in verb");
	CHECK(ok_star, "the routine verbs of a resource cover resource:*");
	CHECK(ok_star_optin, "the opt-in verbs alone never cover resource:*");
	CHECK(!scopes_is_concrete("dashboard_apps:readx", 20),
	    "is_concrete matches whole verbs, not prefixes");
	CHECK(scopes_is_concrete("dashboard_apps:readx", 19),
	    "is_concrete stops at len bytes");
	CHECK(scopes_covers(NULL, 0, "dashboard_apps:read") == 0,
	    "no granted scopes cover nothing");
	CHECK(scopes_covers(NULL, 0, NULL) == 0,
	    "a NULL required scope is not covered");
}

static void
test_covers(void)
{
	size_t i;
	int got;

	for (i = 0; i < NELEM(cover_vectors); i++) {
		got = covers(cover_vectors[i].granted, cover_vectors[i].required);
		CHECK(got == cover_vectors[i].want, "granted '%s' %s '%s'",
		    cover_vectors[i].granted,
		    cover_vectors[i].want ? "covers" : "does not cover",
		    cover_vectors[i].required);
	}
}

static void
test_validate(void)
{
	struct alter_err err;
	char longlist[300];
	size_t i;
	enum alter_exit rc;

	for (i = 0; i < NELEM(validate_vectors); i++) {
		memset(&err, 0, sizeof(err));
		rc = scopes_validate(validate_vectors[i].list, &err);
		CHECK(rc == validate_vectors[i].code &&
		    (rc == AX_OK || err.code == rc),
		    "validating '%s' gives exit %d",
		    shown(validate_vectors[i].list),
		    (int)validate_vectors[i].code);
		if (validate_vectors[i].fragment != NULL) {
			CHECK(strstr(err.msg, validate_vectors[i].fragment) != NULL,
			    "the message for '%s' says \"%s\" (got \"%s\")",
			    shown(validate_vectors[i].list),
			    validate_vectors[i].fragment, err.msg);
			CHECK(strchr(err.msg, '\n') == NULL &&
			    strncmp(err.msg, "alter:", 6) != 0,
			    "the message for '%s' has no newline and no prefix",
			    shown(validate_vectors[i].list));
		}
	}

	memset(longlist, 'x', sizeof(longlist) - 1);
	longlist[sizeof(longlist) - 1] = '\0';
	memcpy(longlist, "dashboard_apps:", 15);
	rc = scopes_validate(longlist, &err);
	CHECK(rc == AX_USAGE && strstr(err.msg, "...'") != NULL &&
	    strstr(err.msg, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") == NULL,
	    "a very long bad entry is quoted cut with ...");
	CHECK(scopes_validate(scopes_default_set(), &err) == AX_OK,
	    "the default set validates");
}

static void
test_missing(void)
{
	char buf[MAXGRANT][64], out[256];
	const char *ptrs[MAXGRANT];
	struct alter_err err;
	size_t i, n, nmissing;
	enum alter_exit rc;
	const char *list;

	for (i = 0; i < NELEM(missing_vectors); i++) {
		n = grants(missing_vectors[i].granted, buf, ptrs);
		rc = scopes_missing(missing_vectors[i].list, n ? ptrs : NULL, n,
		    out, sizeof(out), &nmissing, &err);
		CHECK(rc == missing_vectors[i].code &&
		    strcmp(out, missing_vectors[i].missing) == 0 &&
		    nmissing == missing_vectors[i].nmissing,
		    "'%s' granted '%s' is missing '%s' (got exit %d, '%s')",
		    missing_vectors[i].list, missing_vectors[i].granted,
		    missing_vectors[i].missing, (int)rc, out);
	}

	list = " dashboard_apps:read , dashboard_keys:admin ";
	rc = scopes_missing(list, NULL, 0, out, strlen(list) + 1, &nmissing,
	    &err);
	CHECK(rc == AX_OK && nmissing == 2 &&
	    strcmp(out, "dashboard_apps:read,dashboard_keys:admin") == 0,
	    "strlen(list) + 1 bytes always hold the missing list");
	rc = scopes_missing(list, NULL, 0, out, 10, &nmissing, &err);
	CHECK(rc == AX_ERROR && out[0] == '\0' && nmissing == 0,
	    "a buffer too small for the missing list is AX_ERROR, empty");
}

static void
test_default_set(void)
{
	const struct scopes_resource *r;
	char want[1024], one[64];
	size_t i, j;
	int has_write;

	want[0] = '\0';
	for (i = 0; i < scopes_nresources(); i++) {
		r = scopes_resource_at(i);
		has_write = 0;
		for (j = 0; j < r->nverbs; j++)
			if (strcmp(r->verbs[j], "write") == 0)
				has_write = 1;
		snprintf(one, sizeof(one), "%s%s:read", i ? "," : "", r->name);
		cat(want, sizeof(want), one);
		if (has_write) {
			snprintf(one, sizeof(one), ",%s:write", r->name);
			cat(want, sizeof(want), one);
		}
	}
	CHECK(strcmp(scopes_default_set(), want) == 0,
	    "the default set is read + write of every resource, read alone "
	    "where there is no write (got '%s')", scopes_default_set());
}

int
main(void)
{
	test_table();
	test_invariants();
	test_covers();
	test_validate();
	test_missing();
	test_default_set();
	return unit_done();
}
