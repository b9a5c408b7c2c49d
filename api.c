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
	printf("TLS: BearSSL 0.6 (Debian source %s)%s%s, TLS 1.2 only\n", ALTER_BEARSSL_REV,
	    *ALTER_BEARSSL_PATCHES ? " with local patches " : "", ALTER_BEARSSL_PATCHES);
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

/* ---- tables ---- */

const struct flag api_flags[] = {
	{ "input", 0, F_VALUE, "@FILE|-", "the JSON body, from a file or standard input" },
	{ "query", 0, F_MULTI, "k=v", "add a query parameter (repeatable)" },
	{ NULL, 0, 0, NULL, NULL }
};

const struct cmd scopes_cmds[] = {
	{ "check", NULL, cmd_scopes_check, 0, NULL, 1, 1, "LIST",
	  "validate a comma-separated scope list" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
