/*
 * api.c: the core commands that need no credential of their own: version,
 * api (one authenticated request to any path) and scopes (docs/cli.md
 * sections 2.3, 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "deps.h"
#include "endpoints.h"
#include "json.h"
#include "scopes.h"
#include "text.h"

/* ---- commands: version, api, scopes ---- */

/* The lines of alter version, as keys and values. */
static void
version_rows(const char *rows[][2], char *roots, size_t cap, char *tls, size_t tcap)
{
	session_roots(roots, cap);
	snprintf(tls, tcap, "BearSSL 0.6 (Debian source %s)%s%s, TLS 1.2 only", ALTER_BEARSSL_REV,
	    *ALTER_BEARSSL_PATCHES ? " with local patches " : "", ALTER_BEARSSL_PATCHES);
	rows[0][1] = ALTER_VERSION " (static musl)";
	rows[1][1] = tls;
	rows[2][1] = "cJSON 1.7.15 (Debian source " ALTER_CJSON_REV ")";
	rows[3][1] = "not in this build";
	rows[4][1] = "ALTER_PAT, or the 0600 file store <config dir>/auth.toml";
	rows[5][1] = roots;
}

enum alter_exit
cmd_version(struct ctx *c)
{
	const char *rows[][2] = { { "version", NULL }, { "tls", NULL }, { "json", NULL },
	    { "keychain", NULL }, { "credentials", NULL }, { "trust_anchors", NULL } };
	struct json_body *b;
	struct json_out o;
	char roots[128], tls[192], *text;
	enum alter_exit rc;
	size_t i;

	version_rows(rows, roots, sizeof(roots), tls, sizeof(tls));
	if (output_plain(c)) {
		printf("alter %s\nTLS: %s\nJSON: %s\nkeychain: %s\ncredentials: %s\n", rows[0][1],
		    rows[1][1], rows[2][1], rows[3][1], rows[4][1]);
		printf("trust anchors: --ca-file, ALTER_CA_FILE, SSL_CERT_FILE/SSL_CERT_DIR, "
		    "the host's CA bundle, else %s\n", roots);
		return AX_OK;
	}
	if ((rc = output_open(c, &o, 0)) != AX_OK)
		return rc;
	if ((b = json_body_new()) == NULL)
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		json_body_set_str(b, rows[i][0], rows[i][1]);
	if ((text = json_body_text(b)) == NULL)
		rc = alter_fail(&c->err, AX_ERROR, "out of memory");
	else
		rc = json_out_object(&o, (unsigned char *)text, strlen(text), &c->err);
	free(text);
	json_body_free(b);
	return rc;
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

/*
 * A body that is not JSON: byte for byte to a pipe or file; to a terminal
 * through the one sanitiser, lines kept (docs/cli.md section 1).
 */
static void
api_raw(const struct http_response *r)
{
	char out[4096];
	size_t off = 0, used;

	if (!isatty(STDOUT_FILENO)) {
		fwrite(r->body, 1, r->body_len, stdout);
		return;
	}
	while (off < r->body_len) {
		text_escape(out, sizeof(out), (const char *)r->body + off, r->body_len - off, 1,
		    &used);
		fputs(out, stdout);
		off += used;
	}
}

/*
 * The answer: as received in the json layout (any JSON value, or a
 * non-JSON body through api_raw), unless -o or --fields ask for another
 * view of an object's top-level keys (docs/cli.md 4).
 */
static enum alter_exit
api_print(struct ctx *c, struct json_out *o, int raw, const struct http_response *r)
{
	if (r->body_len == 0)
		return AX_OK;
	if (!raw)
		return json_out_object(o, r->body, r->body_len, &c->err);
	if (json_print(stdout, r->body, r->body_len) != 0)
		api_raw(r);
	return AX_OK;
}

enum alter_exit
cmd_api(struct ctx *c)
{
	struct http_response r;
	struct json_out o;
	const char *method = c->a.pos[0], *path = c->a.pos[1], *fmt = opt(c, "output");
	char target[8192], what[8200];
	char *body = NULL;
	size_t blen = 0, i;
	enum alter_exit rc;
	int raw = opt(c, "fields") == NULL && (fmt == NULL || json_format(fmt) == FMT_JSON);

	for (i = 0; i < sizeof(api_methods) / sizeof(api_methods[0]); i++)
		if (strcmp(method, api_methods[i]) == 0)
			break;
	if (i == sizeof(api_methods) / sizeof(api_methods[0]))
		return alter_fail(&c->err, AX_USAGE, "method '%s' must be one of GET, POST, PUT, "
		    "PATCH, DELETE, HEAD", method);
	if ((rc = api_target(c, path, target, sizeof(target))) != AX_OK ||
	    (!raw && (rc = output_open(c, &o, 0)) != AX_OK))
		return rc;
	snprintf(what, sizeof(what), "%s %s", method, target);
	o.request = what;
	if (opt(c, "input") != NULL) {
		if ((rc = read_input(opt(c, "input"), "--input", INPUT_BODY_MAX, &body, &blen,
		    &c->err)) != AX_OK)
			return rc;
		if ((rc = json_check_object(body, blen, "--input", &c->err)) != AX_OK) {
			explicit_bzero(body, blen);
			free(body);
			return rc;
		}
	}
	rc = http_request(&c->s.http, method, target, body, blen, 1, &r, &c->err);
	if (body != NULL)
		explicit_bzero(body, blen);
	free(body);
	if (rc != AX_OK)
		return rc;
	if (http_status_exit(r.status) != AX_OK)
		rc = http_failure(c, method, target, &r);
	else
		rc = api_print(c, &o, raw, &r);
	http_response_free(&r);
	return rc;
}

/* One scope row as a JSON object: resource, verbs, used_by (malloc'd). */
static char *
scopes_item(const struct scopes_resource *r)
{
	struct json_body *b = json_body_new();
	char *text = NULL;
	size_t k;
	int bad;

	if (b == NULL)
		return NULL;
	bad = json_body_set_str(b, "resource", r->name) != 0;
	for (k = 0; k < r->nverbs; k++)
		bad |= json_body_push_str(b, "verbs", r->verbs[k]) != 0;
	bad |= json_body_set_str(b, "used_by", r->used_by) != 0;
	if (!bad)
		text = json_body_text(b);
	json_body_free(b);
	return text;
}

/* -o or --fields: the table as a list answer {"items": [...]} (docs/cli.md 4). */
static enum alter_exit
scopes_out(struct ctx *c)
{
	struct json_out o;
	char *list = NULL, *item;
	size_t len = 0, n, i, nitems;
	int more;
	enum alter_exit rc;

	if ((rc = output_open(c, &o, 1)) != AX_OK)
		return rc;
	for (i = 0; rc == AX_OK && scopes_resource_at(i) != NULL; i++) {
		char *grown;

		if ((item = scopes_item(scopes_resource_at(i))) == NULL ||
		    (grown = realloc(list, len + strlen(item) + 16)) == NULL) {
			free(item);
			rc = alter_fail(&c->err, AX_ERROR, "out of memory");
			break;
		}
		list = grown;
		n = (size_t)sprintf(list + len, "%s%s", i ? "," : "{\"items\":[", item);
		len += n;
		free(item);
	}
	if (rc == AX_OK) {
		len += (size_t)sprintf(list + len, "]}");
		rc = json_out_page(&o, (unsigned char *)list, len, &nitems, &more, NULL, 0, &c->err);
	}
	if (rc == AX_OK)
		json_out_end(&o);
	free(list);
	return rc;
}

/* A row's verbs, ", "-separated, into out (128 bytes hold the longest). */
static int
scopes_verbs(const struct scopes_resource *r, char *out, size_t cap)
{
	size_t k, n = 0;

	out[0] = '\0';
	for (k = 0; k < r->nverbs; k++)
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", k ? ", " : "",
		    r->verbs[k]);
	return (int)n;
}

enum alter_exit
cmd_scopes(struct ctx *c)
{
	const struct scopes_resource *r;
	char verbs[128];
	size_t i;
	int w = 5;

	if (!output_plain(c))
		return scopes_out(c);
	/* The verbs column as wide as its longest cell: nothing is cut here. */
	for (i = 0; (r = scopes_resource_at(i)) != NULL; i++)
		if (scopes_verbs(r, verbs, sizeof(verbs)) > w)
			w = scopes_verbs(r, verbs, sizeof(verbs));
	printf("%-22s %-*s  %s\n", "RESOURCE", w, "VERBS", "USED BY");
	for (i = 0; (r = scopes_resource_at(i)) != NULL; i++) {
		scopes_verbs(r, verbs, sizeof(verbs));
		printf("%-22s %-*s  %s\n", r->name, w, verbs, r->used_by);
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
		} else if ((d = (int)text_distance(p, strnlen(p, 63), want,
		    strnlen(want, 63))) < *bestd) {
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

/* Append to b (cap bytes, *len used) what fmt says; -1 when it does not fit. */
static int
put(char *b, size_t cap, size_t *len, const char *fmt, const char *s)
{
	int r = snprintf(b + *len, cap - *len, fmt, s);

	if (r < 0 || (size_t)r >= cap - *len)
		return -1;
	*len += (size_t)r;
	return 0;
}

/* docs/cli.md 4: -o and --fields over {"scopes": [...], "commands": {...}}. */
static enum alter_exit
scopes_for_out(struct ctx *c, struct json_out *o, const char *const *need,
    const char *const *set, size_t n)
{
	char body[FOR_MAX * 200 + 64];
	size_t i, len = 0;
	int bad = put(body, sizeof(body), &len, "%s", "{\"scopes\":[");

	for (i = 0; i < n && !bad; i++)
		bad = put(body, sizeof(body), &len, i ? ",\"%s\"" : "\"%s\"", set[i]);
	bad = bad || put(body, sizeof(body), &len, "%s", "],\"commands\":{");
	for (i = 0; i < (size_t)c->a.npos && !bad; i++) {
		bad = put(body, sizeof(body), &len, i ? ",\"%s\":" : "\"%s\":", c->a.pos[i]) ||
		    put(body, sizeof(body), &len, need[i] ? "\"%s\"" : "null", need[i]);
	}
	if (bad || put(body, sizeof(body), &len, "%s", "}}") == -1)
		return alter_fail(&c->err, AX_USAGE, "the command names are too long");
	return json_out_object(o, (const unsigned char *)body, len, &c->err);
}

static enum alter_exit
cmd_scopes_for(struct ctx *c)
{
	const char *need[FOR_MAX], *set[FOR_MAX];
	struct json_out o;
	size_t i, n = 0;
	int plain = output_plain(c);
	enum alter_exit rc;

	if (!plain && (rc = output_open(c, &o, 0)) != AX_OK)
		return rc;
	for (i = 0; i < (size_t)c->a.npos; i++) {
		if ((rc = for_row(c, c->a.pos[i], &need[i])) != AX_OK)
			return rc;
		if (need[i] != NULL)
			set[n++] = need[i];
	}
	n = least_set(set, n);
	if (!plain)
		return scopes_for_out(c, &o, need, set, n);
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
	{ "check", NULL, cmd_scopes_check, NO_DATA, NULL, 1, 1, "LIST",
	  "validate a comma-separated scope list" },
	{ "for", NULL, cmd_scopes_for, 0, NULL, 1, FOR_MAX, "COMMAND...",
	  "the least scopes these commands need (e.g. \"keys mint\")",
	  .examples = "alter scopes for \"keys mint\" \"apps list\" \"audit list\"\n"
	  "alter auth status --scopes \"$(alter scopes for 'apps list')\"\n"
	  "alter scopes for \"keys mint\" -o json",
	  .about = "Prints one comma-separated line, ready for --scopes and for the dashboard's\n"
	  "mint form: the least set of PAT scopes that lets the commands run, read from\n"
	  "the endpoint table without the network.  -o json adds each command's scope." },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
