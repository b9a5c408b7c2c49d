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

/* ---- tables ---- */

const struct flag api_flags[] = {
	{ "input", 0, F_VALUE, "@FILE|-", "the JSON body, from a file or standard input" },
	{ "query", 0, F_MULTI, "k=v", "add a query parameter (repeatable)" },
	{ NULL, 0, 0, NULL, NULL }
};

const struct cmd scopes_cmds[] = {
	{ "check", NULL, cmd_scopes_check, NO_DATA, NULL, 1, 1, "LIST",
	  "validate a comma-separated scope list" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
