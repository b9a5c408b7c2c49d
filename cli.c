/*
 * cli.c: what every command shares (cli.h): option lookup, notices and
 * warnings, number parsing, reading --input, turning an HTTP failure into
 * the one error line, and the session (base URL, trust, proxy, token and
 * Authorization header), set up and closed here (cli.md sections 1, 4;
 * api.md section 2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "creds.h"
#include "json.h"
#include "net.h"
#include "tls.h"

#define DEFAULT_BASE_URL	"https://api.alterauth.com"
#define DEFAULT_DASHBOARD_URL	"https://portal.alterauth.com"

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

enum alter_exit
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
enum alter_exit
config_dir(struct ctx *c, char *dir, size_t len)
{
	return creds_config_dir(dir, len, &c->err);
}

/*
 * cli.md 2.1: ALTER_PAT, else the file store.  Sets c->token, the
 * Authorization value, the source, and the store's base URL.
 */
enum alter_exit
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

enum alter_exit
not_signed_in(struct ctx *c)
{
	return alter_fail(&c->err, AX_AUTH, "not signed in: set ALTER_PAT, or run 'alter auth "
	    "login --token-file PATH' or '... | alter auth login --token-stdin' with a PAT "
	    "minted at %s/settings/tokens", dashboard(c));
}

