/*
 * alter.c: the tool.  main, the command tables, global flags, option
 * parsing, the environment, everything written to stdout and stderr, and
 * the mapping of results to exit codes (cli.md sections 1, 4, 5).  The
 * library modules (net, tls, http, creds, scopes, json) never print; this
 * file never opens a socket, parses HTTP or reads a credential file itself.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alter.h"
#include "cmd.h"
#include "creds.h"
#include "deps.h"
#include "http.h"
#include "json.h"
#include "net.h"
#include "scopes.h"
#include "tls.h"

#define DEFAULT_BASE_URL	"https://api.alterauth.com"
#define DEFAULT_DASHBOARD_URL	"https://portal.alterauth.com"
#define INPUT_MAX		(16u << 20)	/* --input bodies */

/* ---- flags ---- */

/* cli.md section 1: global flags, accepted before or after the command. */
static const struct flag global_flags[] = {
	{ "app", 0, F_VALUE, "ID", "app id (else ALTER_APP_ID, else the workspace link)" },
	{ "base-url", 0, F_VALUE, "URL", "API base URL (else ALTER_BASE_URL)" },
	{ "ca-file", 0, F_VALUE, "PATH", "trust only the CA certificates in PATH" },
	{ "dashboard-url", 0, F_VALUE, "URL", "dashboard URL (else ALTER_DASHBOARD_URL)" },
	{ "fields", 0, F_VALUE, "a,b", "keep only these top-level keys (json, jsonl)" },
	{ "help", 'h', F_BOOL, NULL, "show help" },
	{ "output", 'o', F_VALUE, "FORMAT", "table, json or jsonl" },
	{ "quiet", 'q', F_BOOL, NULL, "no notices or warnings on stderr" },
	{ "timeout", 0, F_VALUE, "SECONDS", "per-request timeout (else ALTER_TIMEOUT, 60)" },
	{ "version", 0, F_BOOL, NULL, "print the version" },
	{ NULL, 0, 0, NULL, NULL }
};

/* ---- messages: the only writers of stderr ---- */

void
notice(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fflush(stdout);		/* keep stdout and stderr in order on a shared terminal */
	fputs("alter: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
warn(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fflush(stdout);
	fputs("alter: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- options ---- */

const struct optval *
find_val(const struct ctx *c, const char *name, int nth)
{
	int i;

	for (i = 0; i < c->nvals; i++)
		if (strcmp(c->vals[i].f->name, name) == 0 && nth-- == 0)
			return &c->vals[i];
	return NULL;
}

const char *
opt(const struct ctx *c, const char *name)
{
	const struct optval *v = find_val(c, name, 0);

	return v ? v->v : NULL;
}

int
has(const struct ctx *c, const char *name)
{
	return find_val(c, name, 0) != NULL;
}

/* A variable's value, with empty counted as unset. */
const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Parse a decimal integer in [lo, hi] naming what on failure. */
enum alter_exit
parse_int(const char *s, long lo, long hi, const char *what, long *out, struct alter_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi || *s == '+' ||
	    *s == ' ')
		return alter_fail(err, AX_USAGE, "%s '%s' must be a whole number from %ld to %ld",
		    what, s, lo, hi);
	*out = v;
	return AX_OK;
}

/* Read @path or - (stdin) into a NUL-terminated buffer of at most cap bytes. */
enum alter_exit
read_input(const char *spec, const char *flag, size_t cap, char **out, size_t *len,
    struct alter_err *err)
{
	size_t got = 0, bcap = 4096;
	char *buf, *nb;
	ssize_t r;
	int fd;

	*out = NULL;
	*len = 0;
	if (strcmp(spec, "-") == 0) {
		fd = STDIN_FILENO;
	} else if (spec[0] == '@' && spec[1] != '\0') {
		if ((fd = open(spec + 1, O_RDONLY | O_CLOEXEC)) < 0)
			return alter_fail(err, errno == ENOENT ? AX_NOT_FOUND : AX_USAGE,
			    "%s '%s': %s", flag, spec + 1, strerror(errno));
	} else {
		return alter_fail(err, AX_USAGE, "%s takes @FILE or - (standard input)", flag);
	}
	if ((buf = malloc(bcap)) == NULL)
		goto nomem;
	for (;;) {
		if (got + 1 >= bcap) {
			if (bcap > cap)
				break;
			bcap *= 2;
			if ((nb = realloc(buf, bcap)) == NULL)
				goto nomem;
			buf = nb;
		}
		r = read(fd, buf + got, bcap - got - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			alter_fail(err, AX_USAGE, "%s '%s': %s", flag, spec, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > cap) {
			alter_fail(err, AX_USAGE, "%s '%s' is larger than %zu bytes", flag, spec, cap);
			goto fail;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return AX_OK;
nomem:
	alter_fail(err, AX_ERROR, "out of memory reading %s", flag);
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	if (buf != NULL)
		explicit_bzero(buf, got);
	free(buf);
	return err->code;
}

/* ---- HTTP results to exit codes and messages ---- */

enum alter_exit
http_failure(struct ctx *c, const char *method, const char *path, struct http_response *r)
{
	char msg[256], code[64], scope[128], rid[160] = "";
	enum alter_exit ex = http_status_exit(r->status);

	json_error_summary(r->body, r->body_len, msg, sizeof(msg), code, sizeof(code), scope,
	    sizeof(scope));
	if (r->request_id[0] != '\0')
		snprintf(rid, sizeof(rid), " (request id %s)", r->request_id);
	if (r->status >= 300 && r->status < 400)
		return alter_fail(&c->err, AX_ERROR, "%s %s: the server redirected (HTTP %d) to "
		    "'%s'; redirects are not followed%s", method, path, r->status,
		    r->location[0] ? r->location : "(no Location)", rid);
	if (r->refused_wait > 0)
		return alter_fail(&c->err, ex, "%s %s: HTTP %d: the server asked to wait %ld s, "
		    "more than ALTER_RETRY_MAX_WAIT (%d s)%s", method, path, r->status,
		    r->refused_wait, c->http.retry_max_wait, rid);
	if (r->status == 403)
		return alter_fail(&c->err, ex, "%s %s: HTTP 403: the PAT lacks scope '%s'; mint a "
		    "new PAT with it at %s/settings/tokens (re-running 'alter auth login' with the "
		    "same token cannot help)%s", method, path, scope[0] ? scope : "(not named)",
		    opt(c, "dashboard-url") ? opt(c, "dashboard-url") :
		    env("ALTER_DASHBOARD_URL") ? env("ALTER_DASHBOARD_URL") : DEFAULT_DASHBOARD_URL,
		    rid);
	if (r->status == 401)
		return alter_fail(&c->err, ex, "%s %s: HTTP 401: %s; the PAT is invalid, revoked "
		    "or expired (%s)%s", method, path, msg[0] ? msg : "not authenticated",
		    c->token_source[0] ? c->token_source : "no token", rid);
	if (r->status == 429)
		return alter_fail(&c->err, ex, "%s %s: HTTP 429: rate limited after %d attempt%s%s%s%s",
		    method, path, r->attempts, r->attempts == 1 ? "" : "s", msg[0] ? ": " : "", msg,
		    rid);
	return alter_fail(&c->err, ex, "%s %s: HTTP %d%s%s%s", method, path, r->status,
	    msg[0] ? ": " : "", msg, rid);
}

/* ---- setting up a request: base URL, trust, proxy, token ---- */

static enum alter_exit
setup_trust(struct ctx *c)
{
	struct tls_trust_cfg tc = { 0 };

	if (c->trust != NULL)
		return AX_OK;
	if (opt(c, "ca-file") != NULL) {
		tc.ca_file = opt(c, "ca-file");
		tc.ca_file_from = "--ca-file";
	} else if (env("ALTER_CA_FILE") != NULL) {
		tc.ca_file = env("ALTER_CA_FILE");
		tc.ca_file_from = "ALTER_CA_FILE";
	} else {
		tc.cert_file = env("SSL_CERT_FILE");
		tc.cert_dir = env("SSL_CERT_DIR");
	}
	return tls_trust_load(&tc, &c->trust, &c->err);
}

/* api.md section 2: the proxy variables, first set wins. */
static const char *const proxy_vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };

static enum alter_exit
setup_http(struct ctx *c)
{
	const char *url, *var = NULL, *purl = NULL, *no_proxy;
	enum alter_exit rc;
	long v;
	size_t i;
	int use;

	if (opt(c, "base-url") != NULL)
		url = opt(c, "base-url"), var = "--base-url";
	else if (env("ALTER_BASE_URL") != NULL)
		url = env("ALTER_BASE_URL"), var = "ALTER_BASE_URL";
	else if (c->base_url[0] != '\0')
		url = c->base_url, var = "the base_url of the credential store";
	else
		url = DEFAULT_BASE_URL, var = "the default base URL";
	if ((rc = http_url_parse(url, var, &c->http.url, &c->err)) != AX_OK)
		return rc;
	if (url != c->base_url)
		snprintf(c->base_url, sizeof(c->base_url), "%s", url);
	c->http.timeout_s = 60;
	c->http.max_retries = 2;
	c->http.retry_max_wait = 30;
	if (opt(c, "timeout") != NULL)
		rc = parse_int(opt(c, "timeout"), 1, 86400, "--timeout", &v, &c->err);
	else if (env("ALTER_TIMEOUT") != NULL)
		rc = parse_int(env("ALTER_TIMEOUT"), 1, 86400, "ALTER_TIMEOUT", &v, &c->err);
	else
		v = 60;
	if (rc != AX_OK)
		return rc;
	c->http.timeout_s = (int)v;
	if (env("ALTER_MAX_RETRIES") != NULL) {
		if ((rc = parse_int(env("ALTER_MAX_RETRIES"), 0, 10, "ALTER_MAX_RETRIES", &v,
		    &c->err)) != AX_OK)
			return rc;
		c->http.max_retries = (int)v;
	}
	if (env("ALTER_RETRY_MAX_WAIT") != NULL) {
		if ((rc = parse_int(env("ALTER_RETRY_MAX_WAIT"), 0, 86400, "ALTER_RETRY_MAX_WAIT",
		    &v, &c->err)) != AX_OK)
			return rc;
		c->http.retry_max_wait = (int)v;
	}
	for (i = 0; i < sizeof(proxy_vars) / sizeof(proxy_vars[0]) && purl == NULL; i++)
		if ((purl = env(proxy_vars[i])) != NULL)
			var = proxy_vars[i];
	no_proxy = env("no_proxy") ? env("no_proxy") : env("NO_PROXY");
	if ((rc = net_proxy_for(c->http.url.host, purl, var, no_proxy, &c->proxy, &use,
	    &c->err)) != AX_OK)
		return rc;
	c->http.proxy = use ? &c->proxy : NULL;
	c->http.user_agent = "alter/" ALTER_VERSION;
	if ((rc = setup_trust(c)) != AX_OK)
		return rc;
	c->http.trust = c->trust;
	return AX_OK;
}

/* The config dir, or a usage error naming the variables (cli.md 2.1). */
static enum alter_exit
config_dir(struct ctx *c, char *dir, size_t len)
{
	return creds_config_dir(dir, len, &c->err);
}

/*
 * cli.md 2.1: ALTER_PAT, else the file store.  Sets c->token, the
 * Authorization value, the source, and the store's base URL.
 */
static enum alter_exit
load_token(struct ctx *c, int *present)
{
	struct creds_store st;
	char dir[4096];
	enum alter_exit rc;
	int found = 0;

	*present = 0;
	if (env("ALTER_PAT") != NULL) {
		if ((rc = creds_from_env(env("ALTER_PAT"), &c->token, &c->err)) != AX_OK)
			return rc;
		snprintf(c->token_source, sizeof(c->token_source), "ALTER_PAT");
		*present = 1;
	} else if (config_dir(c, dir, sizeof(dir)) == AX_OK) {
		memset(&st, 0, sizeof(st));
		rc = creds_store_load(dir, &st, &found, &c->err);
		if (rc != AX_OK)
			return rc;
		if (found) {
			c->token = st.token;
			snprintf(c->token_source, sizeof(c->token_source), "%s", st.path);
			c->store_mode = st.mode;
			c->from_store = 1;
			if (st.base_url[0] != '\0')
				snprintf(c->base_url, sizeof(c->base_url), "%s", st.base_url);
			*present = 1;
		}
		creds_wipe(&st.token);
		explicit_bzero(&st, sizeof(st));
	}
	if (*present) {
		snprintf(c->auth, sizeof(c->auth), "Bearer %s", c->token.value);
		c->http.auth = c->auth;
	}
	return AX_OK;
}

const char *
dashboard(const struct ctx *c)
{
	if (opt(c, "dashboard-url") != NULL)
		return opt(c, "dashboard-url");
	if (env("ALTER_DASHBOARD_URL") != NULL)
		return env("ALTER_DASHBOARD_URL");
	return DEFAULT_DASHBOARD_URL;
}

static enum alter_exit
not_signed_in(struct ctx *c)
{
	return alter_fail(&c->err, AX_AUTH, "not signed in: set ALTER_PAT, or run 'alter auth "
	    "login --token-file PATH' or '... | alter auth login --token-stdin' with a PAT "
	    "minted at %s/settings/tokens", dashboard(c));
}

/* ---- commands: version, api, scopes ---- */

static enum alter_exit
cmd_version(struct ctx *c)
{
	char roots[128];

	(void)c;
	tls_builtin_describe(roots, sizeof(roots));
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

static enum alter_exit
cmd_api(struct ctx *c)
{
	struct http_response r;
	const struct optval *q;
	const char *method = c->pos[0], *path = c->pos[1], *eq;
	char target[8192];
	char *body = NULL;
	size_t n, blen = 0, i;
	enum alter_exit rc;
	int k;

	for (i = 0; i < sizeof(api_methods) / sizeof(api_methods[0]); i++)
		if (strcmp(method, api_methods[i]) == 0)
			break;
	if (i == sizeof(api_methods) / sizeof(api_methods[0]))
		return alter_fail(&c->err, AX_USAGE, "method '%s' must be one of GET, POST, PUT, "
		    "PATCH, DELETE, HEAD", method);
	if (path[0] != '/')
		return alter_fail(&c->err, AX_USAGE, "path '%s' must start with '/'", path);
	n = strlen(path);
	if (n >= sizeof(target))
		return alter_fail(&c->err, AX_USAGE, "path '%s' is too long", path);
	memcpy(target, path, n + 1);
	for (k = 0; (q = find_val(c, "query", k)) != NULL; k++) {
		if ((eq = strchr(q->v, '=')) == NULL || eq == q->v)
			return alter_fail(&c->err, AX_USAGE, "--query '%s' must be key=value", q->v);
		if (n + 2 >= sizeof(target))
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
		target[n] = strchr(target, '?') ? '&' : '?';
		target[++n] = '\0';
		if (http_pct_encode(target, sizeof(target), &n, q->v, (size_t)(eq - q->v)) != 0 ||
		    n + 2 >= sizeof(target))
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
		target[n++] = '=';
		target[n] = '\0';
		if (http_pct_encode(target, sizeof(target), &n, eq + 1, strlen(eq + 1)) != 0)
			return alter_fail(&c->err, AX_USAGE, "--query makes the path too long");
	}
	if (opt(c, "input") != NULL) {
		if ((rc = read_input(opt(c, "input"), "--input", INPUT_MAX, &body, &blen,
		    &c->err)) != AX_OK)
			return rc;
		if ((rc = json_check_object(body, blen, "--input", &c->err)) != AX_OK) {
			free(body);
			return rc;
		}
	}
	rc = http_request(&c->http, method, target, body, blen, 1, &r, &c->err);
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

static enum alter_exit
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
	enum alter_exit rc = scopes_validate(c->pos[0], &c->err);

	if (rc == AX_OK)
		printf("ok: %s\n", c->pos[0]);
	return rc;
}

/* ---- auth and pats (cli.md 2.4) ---- */

static enum alter_exit
verify(struct ctx *c, struct http_response *r)
{
	return http_request(&c->http, "GET", "/v1/pats/me", NULL, 0, 1, r, &c->err);
}

static enum alter_exit
cmd_auth_login(struct ctx *c)
{
	struct http_response r;
	struct json_pat pat;
	char dir[4096], path[4200], missing[1024], now[32], mask[CREDS_MASK_SIZE];
	const char *file = opt(c, "token-file"), *scopes = opt(c, "scopes");
	enum alter_exit rc;
	size_t nmissing = 0, i;
	int loose = 0, known;

	/* 1. Scope names before anything else. */
	if (scopes != NULL && (rc = scopes_validate(scopes, &c->err)) != AX_OK)
		return rc;
	if (file != NULL && has(c, "token-stdin"))
		return alter_fail(&c->err, AX_USAGE, "--token-file and --token-stdin exclude "
		    "each other");
	if (file == NULL && !has(c, "token-stdin"))
		return alter_fail(&c->err, AX_USAGE, "browser sign-in is not in this build: mint a "
		    "PAT at %s/settings/tokens, then pass it with --token-file PATH, "
		    "--token-stdin, or the ALTER_PAT variable", dashboard(c));
	if ((rc = config_dir(c, dir, sizeof(dir))) != AX_OK)
		return rc;
	if ((rc = creds_store_path(dir, path, sizeof(path), &c->err)) != AX_OK)
		return rc;
	/* 2. The token. */
	if (file != NULL) {
		rc = creds_read_file(file, &c->token, &loose, &c->err);
		if (rc == AX_OK && loose)
			warn(c, "--token-file '%s' is readable by group or others", file);
	} else {
		int tty = isatty(STDIN_FILENO);

		if (tty)
			fputs("Paste the PAT (input is hidden): ", stderr);
		rc = creds_read_stdin(STDIN_FILENO, tty, &c->token, &c->err);
		if (tty)
			fputc('\n', stderr);
	}
	if (rc != AX_OK)
		return rc;
	snprintf(c->auth, sizeof(c->auth), "Bearer %s", c->token.value);
	c->http.auth = c->auth;
	snprintf(c->token_source, sizeof(c->token_source), "%s",
	    file != NULL ? "--token-file" : "--token-stdin");
	if ((rc = setup_http(c)) != AX_OK)
		return rc;
	/* 3. Verify before storing. */
	if ((rc = verify(c, &r)) != AX_OK)
		return rc;
	/* 200: scopes known; 403: valid, scopes unknown (api.md). */
	known = r.status == 200;
	if (r.status == 403) {
		http_response_free(&r);
		if (scopes != NULL)
			return alter_fail(&c->err, AX_FORBIDDEN, "cannot check --scopes: the token "
			    "cannot read its own scopes (it lacks dashboard_pats:read); nothing stored");
		memset(&pat, 0, sizeof(pat));
	} else if (r.status != 200) {
		rc = http_failure(c, "GET", "/v1/pats/me", &r);
		http_response_free(&r);
		if (rc == AX_AUTH)
			snprintf(c->err.msg + strlen(c->err.msg), sizeof(c->err.msg) -
			    strlen(c->err.msg), "; nothing stored");
		return rc;
	} else {
		i = (size_t)json_parse_pat(r.body, r.body_len, &pat);
		http_response_free(&r);
		if (i != 0)
			return alter_fail(&c->err, AX_ERROR, "GET /v1/pats/me: the answer is not a "
			    "PAT object; nothing stored");
		/* 4. --scopes asserts what the token carries. */
		if (scopes != NULL && (rc = scopes_missing(scopes, pat.scope_ptrs, pat.nscopes,
		    missing, sizeof(missing), &nmissing, &c->err)) != AX_OK)
			return rc;
		if (nmissing > 0)
			return alter_fail(&c->err, AX_FORBIDDEN, "the token lacks %s: %s; mint a PAT "
			    "with them at %s/settings/tokens; nothing stored",
			    nmissing == 1 ? "this scope" : "these scopes", missing, dashboard(c));
	}
	/* 5. Store, saying so first. */
	if (env("ALTER_PAT") != NULL)
		warn(c, "ALTER_PAT is set: it overrides the stored token while it is set");
	notice(c, "storing the PAT in plaintext at %s (mode 0600; keychain support is not in "
	    "this build)", path);
	alter_format_time((long long)time(NULL), now, sizeof(now));
	if ((rc = creds_store_save(dir, &c->token, c->base_url, now, &c->err)) != AX_OK)
		return rc;
	creds_mask(&c->token, mask, sizeof(mask));
	if (!known) {
		printf("Signed in to %s with %s (scopes unknown: the token lacks "
		    "dashboard_pats:read)\n", c->base_url, mask);
	} else {
		printf("Signed in to %s as %s (%s) with %s \"%s\"\n", c->base_url,
		    pat.user[0] ? pat.user : "?", pat.org[0] ? pat.org : "?", mask, pat.name);
		printf("Scopes: ");
		for (i = 0; i < pat.nscopes; i++)
			printf("%s%s", i ? ", " : "", pat.scopes[i]);
		printf("\nExpires: %s\n", pat.expires_at[0] ? pat.expires_at : "never");
	}
	return AX_OK;
}

/* The status view shared by `auth status` and `pats whoami`. */
static enum alter_exit
pat_view(struct ctx *c, int is_whoami)
{
	struct http_response r;
	struct json_pat pat;
	const char *out = opt(c, "output") ? opt(c, "output") : "table";
	char mask[CREDS_MASK_SIZE], mode[8] = "", exp[160] = "never";
	const char *kv[] = { "token", mask, "source", c->token_source, "store_mode", NULL,
	    "base_url", c->base_url, NULL };
	long long t;
	long minvalid = -1, days;
	enum alter_exit rc;
	int json = strcmp(out, "json") == 0, known;
	size_t i;

	if (strcmp(out, "table") != 0 && !json && strcmp(out, "jsonl") != 0)
		return alter_fail(&c->err, AX_USAGE, "--output '%s' must be table, json or jsonl",
		    out);
	json = json || strcmp(out, "jsonl") == 0;
	if (opt(c, "min-valid") != NULL &&
	    alter_parse_duration(opt(c, "min-valid"), &minvalid) != 0)
		return alter_fail(&c->err, AX_USAGE, "--min-valid '%s' must be a duration such "
		    "as 7d, 12h or 30m", opt(c, "min-valid"));
	creds_mask(&c->token, mask, sizeof(mask));
	if (c->from_store) {
		snprintf(mode, sizeof(mode), "%04o", c->store_mode);
		kv[5] = mode;
	}
	rc = verify(c, &r);
	if (rc != AX_OK) {
		/* cli.md 2.4: the network down still shows what is known locally. */
		if (json)
			json_print_with(stdout, NULL, 0, kv);
		else
			printf("API base URL: %s\nToken:        %s\nSource:       %s%s%s%s\n",
			    c->base_url, mask, c->token_source, mode[0] ? " (mode " : "", mode,
			    mode[0] ? ")" : "");
		return rc;
	}
	if (r.status != 200 && r.status != 403) {
		rc = http_failure(c, "GET", "/v1/pats/me", &r);
		http_response_free(&r);
		return rc;
	}
	known = r.status == 200 && json_parse_pat(r.body, r.body_len, &pat) == 0;
	if (!known)
		memset(&pat, 0, sizeof(pat));
	if (json)
		json_print_with(stdout, known ? r.body : NULL, r.body_len, kv);
	http_response_free(&r);
	if (known && pat.expires_at[0] != '\0' && alter_parse_time(pat.expires_at, &t) == 0) {
		days = (long)((t - (long long)time(NULL)) / 86400);
		if (t <= (long long)time(NULL))
			return alter_fail(&c->err, AX_AUTH, "the PAT %s expired at %s", mask,
			    pat.expires_at);
		snprintf(exp, sizeof(exp), "%s (expires in %ld day%s)", pat.expires_at, days,
		    days == 1 ? "" : "s");
		if (days < 7)
			warn(c, "the PAT %s expires in %ld day%s (%s)", mask, days,
			    days == 1 ? "" : "s", pat.expires_at);
		if (minvalid >= 0 && t - (long long)time(NULL) < minvalid)
			rc = alter_fail(&c->err, AX_AUTH, "the PAT %s expires at %s, within "
			    "--min-valid %s", mask, pat.expires_at, opt(c, "min-valid"));
	}
	if (!json) {
		printf("API base URL: %s\nToken:        %s\nSource:       %s%s%s%s\n",
		    c->base_url, mask, c->token_source, mode[0] ? " (mode " : "", mode,
		    mode[0] ? ")" : "");
		if (known) {
			printf("Name:         %s\nUser:         %s\nOrg:          %s\nScopes:       ",
			    pat.name, pat.user, pat.org);
			for (i = 0; i < pat.nscopes; i++)
				printf("%s%s", i ? ", " : "", pat.scopes[i]);
			printf("\nCreated:      %s\nExpires:      %s\n", pat.created_at, exp);
		} else {
			printf("Scopes:       unknown (the token lacks dashboard_pats:read)\n");
		}
		printf("Storage:      %s (keychain: not in this build)\n", c->from_store ?
		    "plaintext file store" : "ALTER_PAT, nothing on disk");
	}
	if (!known && is_whoami)
		return alter_fail(&c->err, AX_FORBIDDEN, "the PAT cannot read itself: it lacks "
		    "scope 'dashboard_pats:read'; mint a new PAT with it at %s/settings/tokens",
		    dashboard(c));
	/* --min-valid asks for assurance: an expiry that cannot be read fails it. */
	if (!known && minvalid >= 0)
		return alter_fail(&c->err, AX_AUTH, "cannot check --min-valid: the PAT cannot read "
		    "its own expiry (it lacks dashboard_pats:read)");
	return rc;
}

static enum alter_exit
cmd_auth_status(struct ctx *c)
{
	return pat_view(c, 0);
}

static enum alter_exit
cmd_pats_whoami(struct ctx *c)
{
	return pat_view(c, 1);
}

static enum alter_exit
cmd_auth_logout(struct ctx *c)
{
	char dir[4096], path[4200];
	enum alter_exit rc;
	int removed = 0;

	if (config_dir(c, dir, sizeof(dir)) != AX_OK) {
		notice(c, "no stored token (no config directory)");
		c->err.msg[0] = '\0';
		return AX_OK;
	}
	if ((rc = creds_store_path(dir, path, sizeof(path), &c->err)) != AX_OK ||
	    (rc = creds_store_remove(dir, &removed, &c->err)) != AX_OK)
		return rc;
	if (removed)
		notice(c, "removed the stored token at %s; this does not revoke the PAT: revoke it "
		    "at %s/settings/tokens", path, dashboard(c));
	else
		notice(c, "no stored token at %s", path);
	if (env("ALTER_PAT") != NULL)
		warn(c, "ALTER_PAT is still set: commands keep using it");
	return AX_OK;
}

/* ---- the command tables (rows sorted by name) ---- */

static const struct flag api_flags[] = {
	{ "input", 0, F_VALUE, "@FILE|-", "the JSON body, from a file or standard input" },
	{ "query", 0, F_MULTI, "k=v", "add a query parameter (repeatable)" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct flag login_flags[] = {
	{ "scopes", 0, F_VALUE, "LIST", "fail unless the token carries these scopes" },
	{ "token-file", 0, F_VALUE, "PATH", "read the PAT from PATH" },
	{ "token-stdin", 0, F_BOOL, NULL, "read the PAT from standard input" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct flag status_flags[] = {
	{ "min-valid", 0, F_VALUE, "DURATION", "exit 3 if the PAT expires within DURATION" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct cmd auth_cmds[] = {
	{ "login", NULL, cmd_auth_login, 0, login_flags, 0, 0, NULL,
	  "verify a PAT and keep it in the 0600 file store" },
	{ "logout", NULL, cmd_auth_logout, 0, NULL, 0, 0, NULL,
	  "forget the stored PAT (does not revoke it)" },
	{ "status", NULL, cmd_auth_status, NEEDS_TOKEN, status_flags, 0, 0, NULL,
	  "show the active PAT, its scopes and expiry" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const struct cmd pats_cmds[] = {
	{ "whoami", NULL, cmd_pats_whoami, NEEDS_TOKEN, NULL, 0, 0, NULL,
	  "show the active PAT (same view as auth status)" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const struct cmd scopes_cmds[] = {
	{ "check", NULL, cmd_scopes_check, 0, NULL, 1, 1, "LIST",
	  "validate a comma-separated scope list" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

static enum alter_exit cmd_completion(struct ctx *);

static const struct cmd top_cmds[] = {
	{ "agents", portal_agents, NULL, 0, NULL, 0, 0, NULL, "an app's agents and their keys" },
	{ "api", NULL, cmd_api, NEEDS_TOKEN, api_flags, 2, 2, "METHOD PATH",
	  "one authenticated request to any API path" },
	{ "apps", portal_apps, NULL, 0, NULL, 0, 0, NULL, "the organisation's apps" },
	{ "audit", portal_audit, NULL, 0, NULL, 0, 0, NULL, "audit events and traces" },
	{ "auth", auth_cmds, NULL, 0, NULL, 0, 0, NULL, "sign in with a PAT, status, sign out" },
	{ "completion", NULL, cmd_completion, 0, NULL, 1, 1, "bash|zsh|fish",
	  "print the shell completion script (see alter(1))" },
	{ "keys", portal_keys, NULL, 0, NULL, 0, 0, NULL, "an app's runtime API keys" },
	{ "link", NULL, cmd_link, 0, link_flags, 0, 1, "[APP_ID]",
	  "link this workspace to an app (.alter/link.json)" },
	{ "managed-secrets", portal_secrets, NULL, 0, NULL, 0, 0, NULL, "an app's managed secrets" },
	{ "pats", pats_cmds, NULL, 0, NULL, 0, 0, NULL, "personal access tokens: whoami" },
	{ "policy", portal_policy, NULL, 0, NULL, 0, 0, NULL, "an app's policy rules" },
	{ "providers", portal_providers, NULL, 0, NULL, 0, 0, NULL, "an app's OAuth providers" },
	{ "scopes", scopes_cmds, cmd_scopes, 0, NULL, 0, 0, NULL,
	  "the PAT scope table; scopes check LIST" },
	{ "unlink", NULL, cmd_unlink, 0, NULL, 0, 0, NULL, "remove the workspace link" },
	{ "version", NULL, cmd_version, 0, NULL, 0, 0, NULL, "print the version and build" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const struct cmd root = {
	"alter", top_cmds, NULL, 0, NULL, 0, 0, NULL,
	"command-line client for Alter's developer portal"
};

/* ---- help ---- */

static void
print_flags(FILE *f, const struct flag *fl)
{
	char left[64];

	for (; fl != NULL && fl->name != NULL; fl++) {
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", fl->shortname ? "-" : "",
		    fl->shortname ? fl->shortname : ' ', fl->shortname ? ", " : "  ", fl->name,
		    fl->arg ? " " : "", fl->arg ? fl->arg : "");
		fprintf(f, "  %-28s %s%s\n", fl->shortname ? left : left + 2, fl->help,
		    fl->required ? " (required)" : "");
	}
}

static void
help(FILE *f, const struct ctx *c)
{
	const struct cmd *r = c->cmd, *s;

	fprintf(f, "usage: %s%s%s%s [flags]\n\n%s\n", c->path, r->sub ? " COMMAND" : "",
	    r->args ? " " : "", r->args ? r->args : "", r->help);
	if (r->sub != NULL) {
		fprintf(f, "\ncommands:\n");
		for (s = r->sub; s->name != NULL; s++)
			fprintf(f, "  %-28s %s\n", s->name, s->help);
	}
	if (r->opts != NULL || portal_extra_flags(r) != NULL) {
		fprintf(f, "\nflags:\n");
		print_flags(f, r->opts);
		print_flags(f, portal_extra_flags(r));
	}
	fprintf(f, "\nglobal flags:\n");
	print_flags(f, global_flags);
	if (r == &root)
		fprintf(f, "\nStart with 'alter auth login --token-file PATH' or ALTER_PAT; "
		    "'alter COMMAND --help' says more.\n"
		    "exit codes: 0 ok, 1 error, 2 usage, 3 auth, 4 not found, 5 conflict,\n"
		    "6 rate limited, 7 forbidden.  See alter(1).\n");
}

/*
 * ---- completion: the command tables as one shell case table ----
 *
 * The script maps each command path (" policy rules") to its command words
 * and each path plus " -" to its flags (own, list and global ones).  The
 * shell walks the words typed so far, keeping those that extend a known
 * path, and offers the command words of the path reached, or its flags
 * when there are none or the word being completed starts with '-'.
 */

#define COMP_PATH	128
/* bash and zsh: _alter_w PATH sets w; _alter_p WORDS... sets p and w. */
#define COMP_W	"_alter_w() {\ncase $1 in\n"
#define COMP_P	"*) return 1;;\nesac\n}\n_alter_p() {\np=\nfor i; do\n" \
	"[[ $i == -* ]] || ! _alter_w \"$p $i\" || p+=\" $i\"\ndone\n_alter_w \"$p\"\n" \
	"[[ $c == -* || -z $w ]] && _alter_w \"$p -\"\n}\n"

/*
 * Per shell: its name, the script's head, a row's start (given the command
 * path, then "" for its command words or " -" for its flags), a row's end,
 * and the script's tail in two parts.
 */
static const char *const comp_sh[][6] = {
	{ "bash", "# bash completion for alter, generated by 'alter completion bash'\n" COMP_W,
	  "'%s%s') w='", "';;\n", COMP_P, "_alter() {\nlocal c=${COMP_WORDS[COMP_CWORD]} p w i\n"
	  "_alter_p \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"\n"
	  "COMPREPLY=($(compgen -W \"$w\" -- \"$c\"))\n}\ncomplete -F _alter alter\n" },
	{ "fish", "# fish completion for alter, generated by 'alter completion fish'\n"
	  "function __alter_w\nswitch $argv[1]\n", "case '%s%s'\nset -g __alter_w", "\n",
	  "case '*'\nreturn 1\nend\nend\nfunction __alter\nset p ''\n"
	  "for i in (commandline -opc)[2..-1]\n"
	  "if not string match -q -- '-*' $i; and __alter_w \"$p $i\"\nset p \"$p $i\"\nend\nend\n"
	  "__alter_w $p\nif string match -q -- '-*' (commandline -ct); or not set -q __alter_w[1]\n"
	  "__alter_w \"$p -\"\nend\nprintf '%s\\n' $__alter_w\nend\n",
	  "complete -c alter -f -a '(__alter)'\n" },
	{ "zsh", "#compdef alter\n# zsh completion for alter, generated by 'alter completion zsh'\n"
	  COMP_W, "'%s%s') w='", "';;\n", COMP_P, "_alter() {\nlocal c=$PREFIX p w i\n"
	  "_alter_p \"${(@)words[2,CURRENT-1]}\"\ncompadd -- ${=w}\n}\nif [[ $funcstack[1] == "
	  "_alter ]]; then _alter \"$@\"; else compdef _alter alter; fi\n" }
};

/* A row of r's command words and one of its flags, then each subcommand's. */
static void
comp_rows(const char *const *sh, char *path, size_t n, const struct cmd *r)
{
	const struct flag *fl;
	const struct cmd *s;
	int k;

	printf(sh[2], path, "");
	for (s = r->sub; s != NULL && s->name != NULL; s++)
		printf(" %s", s->name);
	fputs(sh[3], stdout);
	printf(sh[2], path, " -");
	for (k = 0; k < 3; k++)
		for (fl = k == 0 ? r->opts : k == 1 ? portal_extra_flags(r) : global_flags;
		    fl != NULL && fl->name != NULL; fl++)
			printf(" --%s", fl->name);
	fputs(sh[3], stdout);
	for (s = r->sub; s != NULL && s->name != NULL; s++)
		if ((size_t)snprintf(path + n, COMP_PATH - n, " %s", s->name) < COMP_PATH - n)
			comp_rows(sh, path, strlen(path), s);
	path[n] = '\0';
}

static enum alter_exit
cmd_completion(struct ctx *c)
{
	char path[COMP_PATH] = "";
	size_t i;

	for (i = 0; i < sizeof(comp_sh) / sizeof(comp_sh[0]); i++)
		if (strcmp(c->pos[0], comp_sh[i][0]) == 0) {
			fputs(comp_sh[i][1], stdout);
			comp_rows(comp_sh[i], path, 0, &root);
			fputs(comp_sh[i][4], stdout);
			fputs(comp_sh[i][5], stdout);
			return AX_OK;
		}
	return alter_fail(&c->err, AX_USAGE, "shell '%s' must be bash, zsh or fish", c->pos[0]);
}

/* ---- argument parsing ---- */

static const struct flag *
lookup_flag(const struct flag *fl, const char *name, size_t len, char shortname)
{
	for (; fl != NULL && fl->name != NULL; fl++)
		if (shortname ? fl->shortname == shortname :
		    strlen(fl->name) == len && strncmp(fl->name, name, len) == 0)
			return fl;
	return NULL;
}

static enum alter_exit
add_val(struct ctx *c, const struct flag *f, const char *v)
{
	if (f->kind != F_MULTI && find_val(c, f->name, 0) != NULL)
		return alter_fail(&c->err, AX_USAGE, "--%s given twice", f->name);
	if (c->nvals == VALS_MAX)
		return alter_fail(&c->err, AX_USAGE, "too many flags");
	c->vals[c->nvals].f = f;
	c->vals[c->nvals].v = v;
	c->nvals++;
	return AX_OK;
}

static enum alter_exit
parse_args(struct ctx *c, int argc, char **argv)
{
	const struct cmd *s;
	const struct flag *f;
	int i, flags_done = 0;
	size_t n;

	c->cmd = &root;
	snprintf(c->path, sizeof(c->path), "alter");
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *eq = NULL, sn = 0;

		if (flags_done || a[0] != '-' || a[1] == '\0') {
			if (c->cmd->sub != NULL && c->npos == 0) {
				for (s = c->cmd->sub; s->name != NULL && strcmp(s->name, a) != 0; s++)
					;
				if (s->name != NULL) {
					c->cmd = s;
					n = strlen(c->path);
					snprintf(c->path + n, sizeof(c->path) - n, " %s", s->name);
					continue;
				}
				if (c->cmd->fn == NULL)
					return alter_fail(&c->err, AX_USAGE, "unknown command '%s' for "
					    "'%s'; see '%s --help'", a, c->path, c->path);
			}
			if (c->npos == POS_MAX)
				return alter_fail(&c->err, AX_USAGE, "too many arguments");
			c->pos[c->npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			flags_done = 1;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			/* cli.md 2.2: a token in argv is refused, and never echoed. */
			if (n == 5 && strncmp(a + 2, "token", 5) == 0)
				return alter_fail(&c->err, AX_USAGE, "--token is refused: a value in "
				    "argv is visible to every local user; use ALTER_PAT, "
				    "--token-file PATH or --token-stdin (alter auth login)");
			f = lookup_flag(global_flags, a + 2, n, 0);
			if (f == NULL)
				f = lookup_flag(c->cmd->opts, a + 2, n, 0);
			if (f == NULL)
				f = lookup_flag(portal_extra_flags(c->cmd), a + 2, n, 0);
			if (f == NULL)
				return alter_fail(&c->err, AX_USAGE, "unknown flag '--%.*s' for '%s'; "
				    "see '%s --help'", (int)n, a + 2, c->path, c->path);
		} else {
			sn = a[1];
			if (a[2] != '\0' || (f = lookup_flag(global_flags, NULL, 0, sn)) == NULL)
				return alter_fail(&c->err, AX_USAGE, "unknown flag '-%c' for '%s'; "
				    "see '%s --help'", sn, c->path, c->path);
		}
		if (f->kind == F_BOOL) {
			if (eq != NULL)
				return alter_fail(&c->err, AX_USAGE, "--%s takes no value", f->name);
			if (add_val(c, f, "") != AX_OK)
				return AX_USAGE;
			continue;
		}
		if (eq == NULL && i + 1 >= argc)
			return alter_fail(&c->err, AX_USAGE, "--%s needs a value (%s)", f->name,
			    f->arg);
		if (add_val(c, f, eq ? eq + 1 : argv[++i]) != AX_OK)
			return AX_USAGE;
	}
	return AX_OK;
}

/* ---- main ---- */

static int
finish_stdout(struct ctx *c, int rc)
{
	/* cli.md 1: a closed pipe is exit 0, quietly; other write errors exit 1. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		alter_fail(&c->err, AX_ERROR, "writing the output: %s", strerror(errno));
		return AX_ERROR;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static struct ctx ctx;
	struct ctx *c = &ctx;
	enum alter_exit rc;
	int present;

	signal(SIGPIPE, SIG_IGN);
	rc = parse_args(c, argc, argv);
	c->quiet = has(c, "quiet");
	if (rc != AX_OK)
		goto out;
	if (has(c, "version")) {
		rc = cmd_version(c);
		goto out;
	}
	if (has(c, "help")) {
		help(stdout, c);
		goto out;
	}
	if (c->cmd->fn == NULL) {
		help(stderr, c);
		rc = AX_USAGE;
		goto out;
	}
	if (c->npos < c->cmd->minpos || c->npos > c->cmd->maxpos) {
		rc = alter_fail(&c->err, AX_USAGE, "'%s' takes %s%s; see '%s --help'", c->path,
		    c->cmd->args ? "arguments " : "no arguments", c->cmd->args ? c->cmd->args : "",
		    c->path);
		goto out;
	}
	if (c->cmd->flags & NEEDS_TOKEN) {
		if ((rc = load_token(c, &present)) != AX_OK)
			goto out;
		if (!present) {
			rc = not_signed_in(c);
			goto out;
		}
	}
	if ((c->cmd->flags & (NEEDS_TOKEN | NEEDS_HTTP)) && (rc = setup_http(c)) != AX_OK)
		goto out;
	rc = c->cmd->fn(c);
out:
	rc = finish_stdout(c, rc);
	if (rc != AX_OK && c->err.msg[0] != '\0')
		fprintf(stderr, "alter: error: %s\n", c->err.msg);
	http_client_close(&c->http);
	tls_trust_free(c->trust);
	creds_wipe(&c->token);
	explicit_bzero(c->auth, sizeof(c->auth));
	return rc;
}
