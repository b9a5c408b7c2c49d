/*
 * api.c: the core commands that need no credential of their own: version,
 * api (one authenticated request to any path) and scopes (docs/cli.md
 * sections 2.3, 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "cli.h"
#include "deps.h"
#include "endpoints.h"
#include "json.h"
#include "scopes.h"

/* ---- commands: version, api, scopes ---- */

enum alter_exit
cmd_version(struct ctx *c)
{
	char roots[128];

	(void)c;
	session_roots(roots, sizeof(roots));
	printf("alter %s (static musl)\n", ALTER_VERSION);
	printf("TLS: BearSSL 0.6 (Debian source %s), TLS 1.2 only\n", ALTER_BEARSSL_REV);
	printf("JSON: cJSON 1.7.15 (Debian source %s)\n", ALTER_CJSON_REV);
	printf("keychain: not in this build\n");
	printf("credentials: ALTER_PAT, or the 0600 file store <config dir>/auth.toml\n");
	printf("trust anchors: --ca-file, ALTER_CA_FILE, SSL_CERT_FILE/SSL_CERT_DIR, "
	    "the host's CA bundle, else %s\n", roots);
	return AX_OK;
}

static const char *const api_methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" };

/* PATH and each --query k=v, percent-encoded, into target. */
static enum alter_exit
api_target(struct ctx *c, const char *path, char *target, size_t cap)
{
	const struct optval *q;
	const char *eq;
	size_t n = strlen(path);
	int k;

	if (path[0] != '/')
		return alter_fail(&c->err, AX_USAGE, "path '%s' must start with '/'", path);
	if (n >= cap)
		return alter_fail(&c->err, AX_USAGE, "path '%s' is too long", path);
	memcpy(target, path, n + 1);
	for (k = 0; (q = find_val(c, "query", k)) != NULL; k++) {
		if ((eq = strchr(q->v, '=')) == NULL || eq == q->v)
			return alter_fail(&c->err, AX_USAGE, "--query '%s' must be key=value", q->v);
		if (n + 2 >= cap)
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
		target[n] = strchr(target, '?') ? '&' : '?';
		target[++n] = '\0';
		if (http_pct_encode(target, cap, &n, q->v, (size_t)(eq - q->v)) != 0 ||
		    n + 2 >= cap)
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
		target[n++] = '=';
		target[n] = '\0';
		if (http_pct_encode(target, cap, &n, eq + 1, strlen(eq + 1)) != 0)
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
	}
	return AX_OK;
}

enum alter_exit
cmd_api(struct ctx *c)
{
	struct http_response r;
	const char *method = c->a.pos[0], *path = c->a.pos[1];
	char target[8192];
	char *body = NULL;
	size_t blen = 0, i;
	enum alter_exit rc;

	for (i = 0; i < sizeof(api_methods) / sizeof(api_methods[0]); i++)
		if (strcmp(method, api_methods[i]) == 0)
			break;
	if (i == sizeof(api_methods) / sizeof(api_methods[0]))
		return alter_fail(&c->err, AX_USAGE, "method '%s' must be one of GET, POST, PUT, "
		    "PATCH, DELETE, HEAD", method);
	if ((rc = api_target(c, path, target, sizeof(target))) != AX_OK)
		return rc;
	if (opt(c, "input") != NULL) {
		if ((rc = read_input(opt(c, "input"), "--input", INPUT_BODY_MAX, &body, &blen,
		    &c->err)) != AX_OK)
			return rc;
		if ((rc = json_check_object(body, blen, "--input", &c->err)) != AX_OK) {
			free(body);
			return rc;
		}
	}
	rc = http_request(&c->s.http, method, target, body, blen, 1, &r, &c->err);
	free(body);
	if (rc != AX_OK)
		return rc;
	if (http_status_exit(r.status) != AX_OK) {
		rc = http_failure(c, method, target, &r);
	} else if (r.body_len > 0 && json_print(stdout, r.body, r.body_len) != 0) {
		fwrite(r.body, 1, r.body_len, stdout);
	}
	http_response_free(&r);
	return rc;
}

enum alter_exit
cmd_scopes(struct ctx *c)
{
	const struct scopes_resource *r;
	size_t i, k;

	(void)c;
	printf("%-22s %-44s %s\n", "RESOURCE", "VERBS", "USED BY");
	for (i = 0; (r = scopes_resource_at(i)) != NULL; i++) {
		char verbs[128] = "";

		for (k = 0; k < r->nverbs; k++) {
			strcat(verbs, k ? ", " : "");
			strcat(verbs, r->verbs[k]);
		}
		printf("%-22s %-44s %s\n", r->name, verbs, r->used_by);
	}
	printf("\nread < write < admin; delete, rules_update and rules_delete are opt-in: "
	    "never covered by another verb or by resource:*.\n");
	printf("default set: %s\n", scopes_default_set());
	return AX_OK;
}

static enum alter_exit
cmd_scopes_check(struct ctx *c)
{
	enum alter_exit rc = scopes_validate(c->a.pos[0], &c->err);

	if (rc == AX_OK)
		printf("ok: %s\n", c->a.pos[0]);
	return rc;
}

/* ---- scopes for: the scopes of commands, from the endpoint table ---- */

#define FOR_MAX	POS_MAX

/* Edit distance of a and b (at most 63 bytes of each count). */
static int
distance(const char *a, const char *b)
{
	int d[64], i, j, diag, up, la = (int)strlen(a), lb = (int)strlen(b);

	la = la > 63 ? 63 : la;
	lb = lb > 63 ? 63 : lb;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		diag = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			up = d[j];
			d[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < d[j])
				d[j] = up + 1;
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			diag = up;
		}
	}
	return d[lb];
}

/* The leaf command nearest to want, under the rows t of path, into best. */
static void
nearest(const struct cmd *t, const char *path, const char *want, char *best, int *bestd)
{
	char p[64];
	int d;

	for (; t != NULL && t->name != NULL; t++) {
		snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? " " : "", t->name);
		if (t->sub != NULL) {
			nearest(t->sub, p, want, best, bestd);
		} else if ((d = distance(p, want)) < *bestd) {
			*bestd = d;
			snprintf(best, 64, "%s", p);
		}
	}
}

/*
 * The row of the command path want ("keys mint"), and the scope it needs
 * (NULL: none), or AX_USAGE suggesting the nearest command.
 */
static enum alter_exit
for_row(struct ctx *c, const char *want, const char **scope)
{
	const struct cmd *t = c->a.root->sub, *r, *found = NULL;
	const char *w = want;
	char best[64] = "";
	size_t n;
	int bestd = 1 << 20;

	while (t != NULL) {
		w += strspn(w, " ");
		n = strcspn(w, " ");
		for (r = t; r->name != NULL && (strlen(r->name) != n || strncmp(r->name, w, n)); r++)
			;
		if (n == 0 || r->name == NULL)
			break;
		w += n;
		t = (found = r)->sub;
	}
	w += strspn(w, " ");
	if (found != NULL && found->sub == NULL && *w == '\0') {
		if (found->fn == cmd_api)
			return alter_fail(&c->err, AX_USAGE, "'api' sends any request: its scope is "
			    "that of the endpoint it calls (see alter scopes)");
		*scope = (found->flags & NEEDS_TOKEN) ? endpoints[found->ep].scope : NULL;
		return AX_OK;
	}
	/* A group named whole: the nearest of its commands. */
	if (found != NULL && found->sub != NULL && *w == '\0')
		nearest(found->sub, want, want, best, &bestd);
	else
		nearest(c->a.root->sub, "", want, best, &bestd);
	return alter_fail(&c->err, AX_USAGE, "unknown command '%s'; did you mean '%s'?", want,
	    best);
}

/* The least set: drop a scope that another of the set covers. */
static size_t
least_set(const char **s, size_t n)
{
	size_t i, j, k = 0;
	int covered;

	for (i = 0; i < n; i++) {
		for (covered = 0, j = 0; j < n && !covered; j++)
			covered = j != i && strcmp(s[i], s[j]) != 0 && scopes_covers(&s[j], 1, s[i]);
		for (j = 0; j < k && !covered; j++)
			covered = strcmp(s[i], s[j]) == 0;
		if (!covered)
			s[k++] = s[i];
	}
	return k;
}

static enum alter_exit
cmd_scopes_for(struct ctx *c)
{
	const char *need[FOR_MAX], *set[FOR_MAX];
	const char *out = opt(c, "output") ? opt(c, "output") : "table";
	size_t i, n = 0;
	enum alter_exit rc;

	for (i = 0; i < (size_t)c->a.npos; i++) {
		if ((rc = for_row(c, c->a.pos[i], &need[i])) != AX_OK)
			return rc;
		if (need[i] != NULL)
			set[n++] = need[i];
	}
	n = least_set(set, n);
	if (strcmp(out, "json") == 0) {
		printf("{\n  \"scopes\": [");
		for (i = 0; i < n; i++)
			printf("%s\n    \"%s\"", i ? "," : "", set[i]);
		printf("%s],\n  \"commands\": {", n ? "\n  " : "");
		for (i = 0; i < (size_t)c->a.npos; i++)
			printf("%s\n    \"%s\": %s%s%s", i ? "," : "", c->a.pos[i],
			    need[i] ? "\"" : "", need[i] ? need[i] : "null", need[i] ? "\"" : "");
		printf("\n  }\n}\n");
		return AX_OK;
	}
	if (strcmp(out, "table") != 0)
		return alter_fail(&c->err, AX_USAGE, "--output '%s' must be table or json", out);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", set[i]);
	putchar('\n');
	if (n == 0)
		notice(c, "these commands need no scope");
	return AX_OK;
}

/* ---- tables ---- */

const struct flag api_flags[] = {
	{ "input", 0, F_VALUE, "@FILE|-", "the JSON body, from a file or standard input" },
	{ "query", 0, F_MULTI, "k=v", "add a query parameter (repeatable)" },
	{ NULL, 0, 0, NULL, NULL }
};

const struct cmd scopes_cmds[] = {
	{ "check", NULL, cmd_scopes_check, 0, NULL, 1, 1, "LIST",
	  "validate a comma-separated scope list" },
	{ "for", NULL, cmd_scopes_for, 0, NULL, 1, FOR_MAX, "COMMAND...",
	  "the least scopes these commands need (e.g. \"keys mint\")" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
