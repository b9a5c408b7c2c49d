/*
 * cli.c: what every command shares (cli.h): option lookup, notices and
 * warnings, number parsing, reading --input, turning an HTTP failure into
 * the one error line, and the session (base URL, trust, proxy, token and
 * Authorization header), set up and closed here (docs/cli.md sections 1, 4;
 * docs/api.md section 2).
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
#include "text.h"
#include "tls.h"

#define DEFAULT_BASE_URL	"https://api.alterauth.com"
#define DEFAULT_DASHBOARD_URL	"https://portal.alterauth.com"

/* ---- messages: the only writers of stderr ---- */

void
message_line(const char *prefix, const char *text)
{
	char masked[2 * ALTER_ERR_MAX + 64], out[1024];
	size_t len, used, off = 0;

	/* docs/cli.md 1: a PAT-shaped word is masked, a control character escaped. */
	creds_mask_text(text, masked, sizeof(masked));
	len = strlen(masked);
	fflush(stdout);		/* keep stdout and stderr in order on a shared terminal */
	fputs(prefix, stderr);
	do {
		text_escape(out, sizeof(out), masked + off, len - off, 0, &used);
		fputs(out, stderr);
		off += used;
	} while (off < len);
	fputc('\n', stderr);
}

static void
vmessage(const struct ctx *c, const char *prefix, const char *fmt, va_list ap)
{
	char buf[2 * ALTER_ERR_MAX];

	if (c->a.quiet)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	message_line(prefix, buf);
}

void
notice(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, "alter: ", fmt, ap);
	va_end(ap);
}

void
warn(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, "alter: warning: ", fmt, ap);
	va_end(ap);
}

/* ---- options ---- */

const struct optval *
find_val(const struct ctx *c, const char *name, int nth)
{
	int i;

	for (i = 0; i < c->a.nvals; i++)
		if (strcmp(c->a.vals[i].f->name, name) == 0 && nth-- == 0)
			return &c->a.vals[i];
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

/* The descriptor that spec names: standard input for -, else @path opened. */
static enum alter_exit
input_fd(const char *spec, const char *flag, int *fd, struct alter_err *err)
{
	if (strcmp(spec, "-") == 0) {
		*fd = STDIN_FILENO;
		return AX_OK;
	}
	if (spec[0] != '@' || spec[1] == '\0')
		return alter_fail(err, AX_USAGE, "%s takes @FILE or - (standard input)", flag);
	if ((*fd = open(spec + 1, O_RDONLY | O_CLOEXEC)) < 0)
		return alter_fail(err, errno == ENOENT ? AX_NOT_FOUND : AX_USAGE,
		    "%s '%s': %s", flag, spec + 1, strerror(errno));
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
	int fd = -1;
	enum alter_exit rc;

	*out = NULL;
	*len = 0;
	if ((rc = input_fd(spec, flag, &fd, err)) != AX_OK)
		return rc;
	if ((buf = malloc(bcap)) == NULL)
		goto nomem;
	for (;;) {
		if (got + 1 >= bcap) {
			if (bcap > cap)
				break;
			/* Not realloc: the old block, wiped, must not keep a copy. */
			if ((nb = malloc(bcap * 2)) == NULL)
				goto nomem;
			memcpy(nb, buf, got);
			explicit_bzero(buf, got);
			free(buf);
			buf = nb;
			bcap *= 2;
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
	char raw[256], code[64], rawscope[128], msg[320], scope[160], id[160], rid[180] = "",
	    loc[320];
	enum alter_exit ex = http_status_exit(r->status);

	/* docs/cli.md 1: what the server says passes the one sanitiser. */
	json_error_summary(r->body, r->body_len, raw, sizeof(raw), code, sizeof(code), rawscope,
	    sizeof(rawscope));
	text_safe(msg, sizeof(msg), raw);
	text_safe(scope, sizeof(scope), rawscope);
	text_safe(loc, sizeof(loc), r->location);
	if (r->request_id[0] != '\0')
		snprintf(rid, sizeof(rid), " (request id %s)", text_safe(id, sizeof(id),
		    r->request_id));
	if (r->status >= 300 && r->status < 400)
		return alter_fail(&c->err, AX_ERROR, "%s %s: the server redirected (HTTP %d) to "
		    "'%s'; redirects are not followed%s", method, path, r->status,
		    loc[0] ? loc : "(no Location)", rid);
	if (r->refused_wait > 0)
		return alter_fail(&c->err, ex, "%s %s: HTTP %d: the server asked to wait %ld s, "
		    "more than ALTER_RETRY_MAX_WAIT (%d s)%s", method, path, r->status,
		    r->refused_wait, c->s.http.retry_max_wait, rid);
	if (r->status == 403)
		return alter_fail(&c->err, ex, "%s %s: HTTP 403: the PAT lacks scope '%s'; mint a "
		    "new PAT with it at %s (re-running 'alter auth login' with the "
		    "same PAT cannot help)%s", method, path, scope[0] ? scope : "(not named)",
		    tokens_page(c), rid);
	/* docs/cli.md 2.4: one sentence, the next step by where the token came from. */
	if (r->status == 401)
		return alter_fail(&c->err, ex, "%s %s: HTTP 401: the PAT from %s is invalid, "
		    "revoked or expired; mint a new PAT at %s%s%s", method, path,
		    c->s.token_source[0] ? c->s.token_source : "no source", tokens_page(c),
		    strcmp(c->s.token_source, "ALTER_PAT") == 0 ? " and update ALTER_PAT" :
		    c->s.from_store ? " and run alter auth login" : "", rid);
	if (r->status == 429)
		return alter_fail(&c->err, ex, "%s %s: HTTP 429: rate limited after %d attempt%s%s%s%s",
		    method, path, r->attempts, r->attempts == 1 ? "" : "s", msg[0] ? ": " : "", msg,
		    rid);
	return alter_fail(&c->err, ex, "%s %s: HTTP %d%s%s%s", method, path, r->status,
	    msg[0] ? ": " : "", msg, rid);
}

/* docs/cli.md section 1: the exit codes, as the help names them. */
static const struct {
	enum alter_exit	 code;
	const char	*name;
} exit_names[] = {
	{ AX_OK, "ok" }, { AX_ERROR, "error" }, { AX_USAGE, "usage" }, { AX_AUTH, "auth" },
	{ AX_NOT_FOUND, "not found" }, { AX_CONFLICT, "conflict" },
	{ AX_RATE_LIMIT, "rate limited" }, { AX_FORBIDDEN, "forbidden" }
};

void
print_exit_codes(FILE *f)
{
	size_t i;
	int col = fprintf(f, "exit codes:");

	for (i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++) {
		if (i > 0)
			col += fprintf(f, ",");
		if (col + 2 + (int)strlen(exit_names[i].name) + 1 > 70)
			col = fprintf(f, "\n%d %s", exit_names[i].code, exit_names[i].name) - 1;
		else
			col += fprintf(f, " %d %s", exit_names[i].code, exit_names[i].name);
	}
	fprintf(f, ".  See alter(1).\n");
}

/* docs/cli.md 2.1: the base URL, and what chose it (into *var). */
static const char *
session_url(struct ctx *c, const char **var);

/*
 * Where to mint a PAT: <dashboard>/settings/tokens; with a base URL other
 * than the default and no dashboard named, not the production dashboard.
 */
const char *
tokens_page(const struct ctx *c)
{
	static char page[2100];
	const char *url, *var;
	char norm[CREDS_URL_MAX];

	url = session_url((struct ctx *)c, &var);
	if (opt(c, "dashboard-url") == NULL && util_env("ALTER_DASHBOARD_URL") == NULL &&
	    (creds_url_norm(url, norm, sizeof(norm)) != 0 || strcmp(norm, DEFAULT_BASE_URL) != 0))
		return "/settings/tokens on your dashboard (--dashboard-url names it)";
	snprintf(page, sizeof(page), "%s/settings/tokens", dashboard(c));
	return page;
}

const char *
dashboard(const struct ctx *c)
{
	if (opt(c, "dashboard-url") != NULL)
		return opt(c, "dashboard-url");
	if (util_env("ALTER_DASHBOARD_URL") != NULL)
		return util_env("ALTER_DASHBOARD_URL");
	return DEFAULT_DASHBOARD_URL;
}

enum alter_exit
output_open(struct ctx *c, struct json_out *o, int islist)
{
	const char *name = opt(c, "output");
	int format = name != NULL ? json_format(name) : islist ? FMT_TABLE : FMT_JSON;

	if (format < 0)
		return alter_fail(&c->err, AX_USAGE, "--output '%s' must be " JSON_FORMATS, name);
	return json_out_init(o, stdout, format, opt(c, "fields"), c->a.cmd->columns, &c->err);
}

int
output_plain(const struct ctx *c)
{
	return opt(c, "fields") == NULL &&
	    (opt(c, "output") == NULL || json_format(opt(c, "output")) == FMT_TABLE);
}

enum alter_exit
check_env(struct ctx *c)
{
	struct http_url u;
	enum alter_exit rc;

	if ((rc = util_env_check(&c->err)) != AX_OK)
		return rc;
	/* The dashboard URL ends up in advice: https:// like the base URL. */
	if (opt(c, "dashboard-url") != NULL)
		return http_url_parse(opt(c, "dashboard-url"), "--dashboard-url", &u, &c->err);
	if (util_env("ALTER_DASHBOARD_URL") != NULL)
		return http_url_parse(util_env("ALTER_DASHBOARD_URL"), "ALTER_DASHBOARD_URL", &u,
		    &c->err);
	return AX_OK;
}

/* ---- the session: base URL, trust, proxy, token ---- */

static enum alter_exit
session_trust(struct ctx *c)
{
	struct tls_trust_cfg tc = { 0 };

	if (c->s.trust != NULL)
		return AX_OK;
	if (opt(c, "ca-file") != NULL) {
		tc.ca_file = opt(c, "ca-file");
		tc.ca_file_from = "--ca-file";
	} else if (util_env("ALTER_CA_FILE") != NULL) {
		tc.ca_file = util_env("ALTER_CA_FILE");
		tc.ca_file_from = "ALTER_CA_FILE";
	} else {
		tc.cert_file = util_env("SSL_CERT_FILE");
		tc.cert_dir = util_env("SSL_CERT_DIR");
	}
	return tls_trust_load(&tc, &c->s.trust, &c->err);
}

/* docs/api.md section 2: the proxy variables, first set wins. */
static const char *const proxy_vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };

static enum alter_exit
session_proxy(struct ctx *c)
{
	const char *var = NULL, *purl = NULL, *no_proxy;
	enum alter_exit rc;
	size_t i;
	int use;

	for (i = 0; i < sizeof(proxy_vars) / sizeof(proxy_vars[0]) && purl == NULL; i++)
		if ((purl = util_env(proxy_vars[i])) != NULL)
			var = proxy_vars[i];
	no_proxy = util_env("no_proxy") ? util_env("no_proxy") : util_env("NO_PROXY");
	if ((rc = net_proxy_for(c->s.http.url.host, purl, var, no_proxy, &c->s.proxy, &use,
	    &c->err)) != AX_OK)
		return rc;
	c->s.http.proxy = use ? &c->s.proxy : NULL;
	return AX_OK;
}

/* A whole number from variable name into *out when it is set. */
static enum alter_exit
env_int(struct ctx *c, const char *name, long lo, long hi, int *out)
{
	enum alter_exit rc;
	long v;

	if (util_env(name) == NULL)
		return AX_OK;
	if ((rc = parse_int(util_env(name), lo, hi, name, &v, &c->err)) == AX_OK)
		*out = (int)v;
	return rc;
}

/* docs/api.md section 2: each retry says so, once. */
static void
retry_notice(void *arg, long ms, int status, int n, int max)
{
	char why[32] = "a failed connection";

	if (status != 0)
		snprintf(why, sizeof(why), "HTTP %d", status);
	if (ms % 1000 == 0)
		notice(arg, "retrying in %ld s after %s (%d/%d)", ms / 1000, why, n, max);
	else
		notice(arg, "retrying in %ld.%ld s after %s (%d/%d)", ms / 1000, ms % 1000 / 100,
		    why, n, max);
}

/* The timeout (--timeout, else ALTER_TIMEOUT) and the retry limits. */
static enum alter_exit
session_limits(struct ctx *c)
{
	enum alter_exit rc;
	long v;

	c->s.http.timeout_s = 60;
	c->s.http.max_retries = 2;
	c->s.http.on_retry = retry_notice;
	c->s.http.on_retry_arg = c;
	c->s.http.retry_max_wait = 30;
	if (opt(c, "timeout") != NULL) {
		if ((rc = parse_int(opt(c, "timeout"), 1, 86400, "--timeout", &v,
		    &c->err)) != AX_OK)
			return rc;
		c->s.http.timeout_s = (int)v;
	} else if ((rc = env_int(c, "ALTER_TIMEOUT", 1, 86400, &c->s.http.timeout_s)) != AX_OK) {
		return rc;
	}
	if ((rc = env_int(c, "ALTER_MAX_RETRIES", 0, 10, &c->s.http.max_retries)) != AX_OK)
		return rc;
	return env_int(c, "ALTER_RETRY_MAX_WAIT", 0, 86400, &c->s.http.retry_max_wait);
}

/* docs/cli.md 2.1: the base URL, and what chose it (into *var). */
static const char *
session_url(struct ctx *c, const char **var)
{
	if (opt(c, "base-url") != NULL)
		return *var = "--base-url", opt(c, "base-url");
	if (util_env("ALTER_BASE_URL") != NULL)
		return *var = "ALTER_BASE_URL", util_env("ALTER_BASE_URL");
	if (c->s.base_url[0] != '\0')
		return *var = "the default of the credential store", c->s.base_url;
	return *var = "the default base URL", DEFAULT_BASE_URL;
}

enum alter_exit
session_http(struct ctx *c)
{
	const char *url, *var;
	enum alter_exit rc;

	url = session_url(c, &var);
	if ((rc = http_url_parse(url, var, &c->s.http.url, &c->err)) != AX_OK)
		return rc;
	if (url != c->s.base_url)
		snprintf(c->s.base_url, sizeof(c->s.base_url), "%s", url);
	if ((rc = session_limits(c)) != AX_OK || (rc = session_proxy(c)) != AX_OK)
		return rc;
	c->s.http.user_agent = "alter/" ALTER_VERSION;
	if ((rc = session_trust(c)) != AX_OK)
		return rc;
	c->s.http.trust = c->s.trust;
	return AX_OK;
}

/* The Authorization header for the token in c->s.token, and its source. */
void
session_set_token(struct ctx *c, const char *source)
{
	snprintf(c->s.token_source, sizeof(c->s.token_source), "%s", source);
	snprintf(c->s.auth, sizeof(c->s.auth), "Bearer %s", c->s.token.value);
	c->s.http.auth = c->s.auth;
}

/* The stored base URLs but skip, one a line (sep "\n") or a list (", "). */
static void
stored_hosts(const struct creds_store *st, const struct creds_entry *skip, const char *sep,
    char *out, size_t outlen)
{
	size_t i, o = 0;
	int r;

	out[0] = '\0';
	for (i = 0; i < st->n; i++) {
		if (&st->entries[i] == skip)
			continue;
		r = snprintf(out + o, outlen - o, "%s%s", o ? sep : "", st->entries[i].base_url);
		if (r < 0 || (size_t)r >= outlen - o)
			break;
		o += (size_t)r;
	}
}

/*
 * docs/cli.md 2.1: the store's token for the chosen base URL and no other
 * (the store's default when neither --base-url nor ALTER_BASE_URL names one).
 */
static enum alter_exit
session_stored_token(struct ctx *c, int *present)
{
	static struct creds_store st;	/* 100 KiB: off the stack */
	const struct creds_entry *e;
	const char *url, *var;
	char dir[4096], hosts[1024];
	enum alter_exit rc;
	int found = 0;

	if (creds_config_dir(dir, sizeof(dir), &c->err) != AX_OK)
		return AX_OK;
	if ((rc = creds_store_load(dir, &st, &found, &c->err)) != AX_OK || !found)
		return rc;
	if (c->s.base_url[0] == '\0')
		snprintf(c->s.base_url, sizeof(c->s.base_url), "%s", st.default_url);
	url = session_url(c, &var);
	/* docs/cli.md 1: refused (user:password@ never shown) before it is named. */
	if ((rc = http_url_parse(url, var, &c->s.http.url, &c->err)) == AX_OK &&
	    (e = creds_store_find(&st, url)) == NULL) {
		stored_hosts(&st, NULL, ", ", hosts, sizeof(hosts));
		rc = alter_fail(&c->err, AX_AUTH, "no stored PAT for %s (from %s); PATs are "
		    "stored for: %s; run 'alter auth login --base-url %s', or choose a stored "
		    "one with --base-url", url, var, hosts, url);
	} else if (rc == AX_OK) {
		c->s.token = e->token;
		session_set_token(c, st.path);
		c->s.store_mode = st.mode;
		c->s.from_store = 1;
		stored_hosts(&st, e, "\n", c->s.other_hosts, sizeof(c->s.other_hosts));
		*present = 1;
	}
	creds_store_wipe(&st);
	return rc;
}

/* docs/cli.md 2.1: ALTER_PAT, else the file store, else "not signed in". */
static enum alter_exit
session_token(struct ctx *c)
{
	enum alter_exit rc;
	int present = 0;

	if (util_env("ALTER_PAT") != NULL) {
		if ((rc = creds_from_env(util_env("ALTER_PAT"), &c->s.token, &c->err)) != AX_OK)
			return rc;
		session_set_token(c, "ALTER_PAT");
		present = 1;
	} else if ((rc = session_stored_token(c, &present)) != AX_OK) {
		return rc;
	}
	if (!present)
		return alter_fail(&c->err, AX_AUTH, "not signed in: set ALTER_PAT, or run 'alter "
		    "auth login --token-file PATH' or '... | alter auth login --token-stdin' with a "
		    "PAT minted at %s", tokens_page(c));
	return AX_OK;
}

enum alter_exit
session_open(struct ctx *c, unsigned flags)
{
	enum alter_exit rc;

	if ((flags & NEEDS_TOKEN) && (rc = session_token(c)) != AX_OK)
		return rc;
	if (flags & (NEEDS_TOKEN | NEEDS_HTTP))
		return session_http(c);
	return AX_OK;
}

void
session_close(struct ctx *c)
{
	http_client_close(&c->s.http);
	tls_trust_free(c->s.trust);
	c->s.trust = NULL;
	creds_wipe(&c->s.token);
	explicit_bzero(c->s.auth, sizeof(c->s.auth));
}

void
session_roots(char *out, size_t outlen)
{
	tls_builtin_describe(out, outlen);
}
