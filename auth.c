/*
 * auth.c: signing in with a PAT, its status, signing out, and pats whoami
 * (docs/cli.md section 2.4).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "creds.h"
#include "endpoints.h"
#include "json.h"
#include "scopes.h"
#include "text.h"


/* ---- auth and pats (docs/cli.md 2.4) ---- */

/* GET /v1/pats/me: the token's own record (docs/api.md section 3). */
static const struct endpoint *const pats_me = &endpoints[EP_PATS_ME];

static enum alter_exit
verify(struct ctx *c, struct http_response *r)
{
	return http_request(&c->s.http, pats_me->method, pats_me->path, NULL, 0,
	    pats_me->scope != NULL, r, &c->err);
}

/* s (cap bytes) through the one sanitiser, in place, cut to fit. */
static void
clean(char *s, size_t cap)
{
	char buf[256];

	text_safe(buf, cap < sizeof(buf) ? cap : sizeof(buf), s);
	memcpy(s, buf, strlen(buf) + 1);
}

/*
 * The PAT object of a 2xx answer.  Only a 403 means "cannot read itself":
 * a 2xx that is not a PAT object is the server's fault (exit 1).
 */
static enum alter_exit
read_me(struct ctx *c, const struct http_response *r, struct json_pat *pat)
{
	char what[128];

	enum alter_exit rc;
	size_t i;

	snprintf(what, sizeof(what), "%s %s", pats_me->method, pats_me->path);
	if ((rc = json_pat_read(r->body, r->body_len, what, pat, &c->err)) != AX_OK)
		return rc;
	/* docs/cli.md 1: the PAT's fields are server text, shown as text. */
	clean(pat->name, sizeof(pat->name));
	clean(pat->user, sizeof(pat->user));
	clean(pat->org, sizeof(pat->org));
	clean(pat->created_at, sizeof(pat->created_at));
	clean(pat->expires_at, sizeof(pat->expires_at));
	for (i = 0; i < pat->nscopes; i++)
		clean(pat->scopes[i], sizeof(pat->scopes[i]));
	return AX_OK;
}

/* A failed status; a 404 on /v1/pats/me says more of the base URL than of the token. */
static enum alter_exit
me_failure(struct ctx *c, struct http_response *r)
{
	enum alter_exit rc = http_failure(c, pats_me->method, pats_me->path, r);
	size_t n = strlen(c->err.msg);

	if (rc == AX_NOT_FOUND)
		snprintf(c->err.msg + n, sizeof(c->err.msg) - n, "; is %s the API base URL?",
		    c->s.base_url);
	return rc;
}

/* The token's scopes, comma-separated, on stdout. */
static void
print_scopes(const struct json_pat *pat)
{
	size_t i;

	for (i = 0; i < pat->nscopes; i++)
		printf("%s%s", i ? ", " : "", pat->scopes[i]);
}



/* Login step 2: the token from --token-file or standard input. */
static enum alter_exit
login_read_token(struct ctx *c, const char *file)
{
	enum alter_exit rc;
	int loose = 0, tty;

	if (file != NULL) {
		rc = creds_read_file(file, &c->s.token, &loose, &c->err);
		if (rc == AX_OK && loose)
			warn(c, "--token-file '%s' is readable by group or others", file);
	} else {
		if ((tty = isatty(STDIN_FILENO)))
			fputs("Paste the PAT (input is hidden): ", stderr);
		rc = creds_read_stdin(STDIN_FILENO, tty, &c->s.token, &c->err);
		if (tty)
			fputc('\n', stderr);
	}
	if (rc == AX_OK)
		session_set_token(c, file != NULL ? "--token-file" : "--token-stdin");
	return rc;
}

/*
 * Login steps 3 and 4: verify before storing, and check --scopes.  200:
 * scopes known (*known set); 403: valid, scopes unknown (docs/api.md).
 */
static enum alter_exit
login_verify(struct ctx *c, const char *scopes, struct json_pat *pat, int *known,
    struct http_response *r)
{
	char missing[1024];
	enum alter_exit rc;
	size_t nmissing = 0;

	memset(pat, 0, sizeof(*pat));
	if ((rc = verify(c, r)) == AX_OK) {
		*known = r->status != 403;
		if (*known && http_status_exit(r->status) != AX_OK)
			rc = me_failure(c, r);
		else if (*known)
			rc = read_me(c, r, pat);
	}
	if (rc != AX_OK) {
		snprintf(c->err.msg + strlen(c->err.msg), sizeof(c->err.msg) -
		    strlen(c->err.msg), "; nothing stored");
		return rc;
	}
	if (!*known && scopes != NULL)
		return alter_fail(&c->err, AX_FORBIDDEN, "cannot check --scopes: the PAT "
		    "cannot read its own scopes (it lacks dashboard_pats:read); nothing stored");
	if (!*known)
		return AX_OK;
	if (scopes != NULL && (rc = scopes_missing(scopes, pat->scope_ptrs, pat->nscopes,
	    missing, sizeof(missing), &nmissing, &c->err)) != AX_OK)
		return rc;
	if (nmissing > 0)
		return alter_fail(&c->err, AX_FORBIDDEN, "the PAT lacks %s: %s; mint a PAT with "
		    "them at %s; nothing stored",
		    nmissing == 1 ? "this scope" : "these scopes", missing, tokens_page(c));
	/* docs/cli.md 2.4: least privilege, a warning for what was not asked for. */
	if (scopes != NULL && scopes_beyond(scopes, pat->scope_ptrs, pat->nscopes, missing,
	    sizeof(missing), &nmissing, &c->err) == AX_OK && nmissing > 0)
		warn(c, "the PAT carries %s beyond --scopes: %s; for least privilege, mint a "
		    "PAT with only the scopes asked for at %s",
		    nmissing == 1 ? "a scope" : "scopes", missing, tokens_page(c));
	return AX_OK;
}

static void
login_report(struct ctx *c, const struct json_pat *pat, int known)
{
	char mask[CREDS_MASK_SIZE];

	creds_mask(&c->s.token, mask, sizeof(mask));
	if (!known) {
		printf("Signed in to %s with %s (scopes unknown: the PAT lacks "
		    "dashboard_pats:read)\n", c->s.base_url, mask);
		return;
	}
	printf("Signed in to %s as %s (%s) with %s \"%s\"\n", c->s.base_url,
	    pat->user[0] ? pat->user : "?", pat->org[0] ? pat->org : "?", mask, pat->name);
	printf("Scopes: ");
	print_scopes(pat);
	printf("\nExpires: %s\n", pat->expires_at[0] ? pat->expires_at : "never");
}

/* docs/cli.md 4: with -o or --fields, the stored PAT's view as auth status shows it. */
static enum alter_exit
login_view(struct ctx *c, struct json_out *o, const struct http_response *r, int known,
    const char *path)
{
	char mask[CREDS_MASK_SIZE];
	const char *kv[] = { "token", mask, "source", path, "store_mode", "0600",
	    "base_url", c->s.base_url, NULL };

	creds_mask(&c->s.token, mask, sizeof(mask));
	return json_out_object_with(o, known ? r->body : NULL, r->body_len, kv, &c->err);
}

static enum alter_exit
cmd_auth_login(struct ctx *c)
{
	struct json_pat pat;
	struct json_out o;
	struct http_response r;
	char dir[4096], path[4200], now[32];
	const char *file = opt(c, "token-file"), *scopes = opt(c, "scopes");
	enum alter_exit rc;
	int known = 0, plain = output_plain(c);

	memset(&r, 0, sizeof(r));
	/* 1. Scope names and the output before anything else. */
	if (scopes != NULL && (rc = scopes_validate(scopes, &c->err)) != AX_OK)
		return rc;
	if (!plain && (rc = output_open(c, &o, 0)) != AX_OK)
		return rc;
	/* docs/cli.md 2.2: "-" is not a file name here; standard input has its own flag. */
	if (file != NULL && strcmp(file, "-") == 0)
		return alter_fail(&c->err, AX_USAGE, "--token-file -: use --token-stdin to read "
		    "the PAT from standard input");
	if (file != NULL && has(c, "token-stdin"))
		return alter_fail(&c->err, AX_USAGE, "--token-file and --token-stdin exclude "
		    "each other");
	if (file == NULL && !has(c, "token-stdin"))
		return alter_fail(&c->err, AX_USAGE, "browser sign-in is not in this build: mint a "
		    "PAT at %s, then pass it with --token-file PATH, "
		    "--token-stdin, or the ALTER_PAT variable", tokens_page(c));
	if ((rc = creds_config_dir(dir, sizeof(dir), &c->err)) != AX_OK ||
	    (rc = creds_store_path(dir, path, sizeof(path), &c->err)) != AX_OK)
		return rc;
	/* 2. The token; 3 and 4: verified, with the scopes asked for. */
	if ((rc = login_read_token(c, file)) != AX_OK || (rc = session_http(c)) != AX_OK ||
	    (rc = login_verify(c, scopes, &pat, &known, &r)) != AX_OK) {
		http_response_free(&r);
		return rc;
	}
	/* 5. Store, saying so first. */
	if (util_env("ALTER_PAT") != NULL)
		warn(c, "ALTER_PAT is set: it overrides the stored PAT while it is set");
	notice(c, "storing the PAT in plaintext at %s for %s (mode 0600; keychain support is "
	    "not in this build)", path, c->s.base_url);
	alter_format_time((long long)time(NULL), now, sizeof(now));
	if ((rc = creds_store_save(dir, &c->s.token, c->s.base_url, now, &c->err)) == AX_OK) {
		if (plain)
			login_report(c, &pat, known);
		else
			rc = login_view(c, &o, &r, known, path);
	}
	http_response_free(&r);
	return rc;
}

/* The lines of the status view known without the network (docs/cli.md 2.4). */
static void
pat_local(const struct ctx *c, const char *mask, const char *mode)
{
	printf("API base URL: %s\nToken:        %s\nSource:       %s%s%s%s\n", c->s.base_url,
	    mask, c->s.token_source, mode[0] ? " (mode " : "", mode, mode[0] ? ")" : "");
}

/* docs/cli.md 2.4: one line naming the other base URLs with a stored token. */
static void
pat_others(const struct ctx *c)
{
	const char *p;

	if (c->s.other_hosts[0] == '\0')
		return;
	printf("Other hosts:  ");
	for (p = c->s.other_hosts; *p != '\0'; p++)
		if (*p == '\n')
			fputs(", ", stdout);
		else
			putchar(*p);
	printf(" (stored PATs; choose one with --base-url)\n");
}

/*
 * docs/cli.md 2.4: --scopes LIST, a preflight: AX_FORBIDDEN listing what
 * the token lacks, or saying it cannot read its own scopes.
 */
static enum alter_exit
pat_scopes(struct ctx *c, const struct json_pat *pat, int known)
{
	const char *list = opt(c, "scopes");
	char missing[1024];
	size_t n = 0;
	enum alter_exit rc;

	if (list == NULL)
		return AX_OK;
	if (!known)
		return alter_fail(&c->err, AX_FORBIDDEN, "cannot check --scopes: the PAT cannot "
		    "read its own scopes (it needs dashboard_pats:read)");
	if ((rc = scopes_missing(list, pat->scope_ptrs, pat->nscopes, missing, sizeof(missing),
	    &n, &c->err)) != AX_OK || n == 0)
		return rc;
	return alter_fail(&c->err, AX_FORBIDDEN, "the PAT lacks %s of --scopes: %s; mint a PAT "
	    "with %s at %s", n == 1 ? "this scope" : "these scopes", missing,
	    n == 1 ? "it" : "them", tokens_page(c));
}

static void
pat_table(const struct ctx *c, const struct json_pat *pat, int known, const char *mask,
    const char *mode, const char *exp)
{
	pat_local(c, mask, mode);
	if (known) {
		printf("Name:         %s\nUser:         %s\nOrg:          %s\nScopes:       ",
		    pat->name, pat->user, pat->org);
		print_scopes(pat);
		printf("\nCreated:      %s\nExpires:      %s\n", pat->created_at, exp);
	} else {
		printf("Scopes:       unknown (the PAT lacks dashboard_pats:read)\n");
	}
	printf("Storage:      %s (keychain: not in this build)\n", c->s.from_store ?
	    "plaintext file store" : "ALTER_PAT, nothing on disk");
	pat_others(c);
}

/*
 * The expiry into exp, with a warning within 7 days.  An expired PAT is
 * AX_AUTH (*expired set); one that expires within --min-valid AX_AUTH too.
 */
static enum alter_exit
pat_expiry(struct ctx *c, const struct json_pat *pat, const char *mask, long minvalid,
    char *exp, size_t explen, int *expired)
{
	long long t, now = (long long)time(NULL);
	long days;

	*expired = 0;
	if (pat->expires_at[0] == '\0' || alter_parse_time(pat->expires_at, &t) != 0)
		return AX_OK;
	days = (long)((t - now) / 86400);
	if ((*expired = t <= now))
		return alter_fail(&c->err, AX_AUTH, "the PAT %s expired at %s", mask,
		    pat->expires_at);
	snprintf(exp, explen, "%s (expires in %ld day%s)", pat->expires_at, days,
	    days == 1 ? "" : "s");
	if (days < 7)
		warn(c, "the PAT %s expires in %ld day%s (%s)", mask, days, days == 1 ? "" : "s",
		    pat->expires_at);
	if (minvalid >= 0 && t - now < minvalid)
		return alter_fail(&c->err, AX_AUTH, "the PAT %s expires at %s, within "
		    "--min-valid %s", mask, pat->expires_at, opt(c, "min-valid"));
	return AX_OK;
}

/*
 * The PAT of the answer r into *pat; a 403 is "cannot read itself" (*known
 * 0).  Another failure, or a 2xx that is not a PAT object, frees r and
 * fails, the latter after the local lines when mode is given (the human
 * view; -o json prints none).
 */
static enum alter_exit
pat_answer(struct ctx *c, struct http_response *r, struct json_pat *pat, int *known,
    const char *mode, const char *mask)
{
	enum alter_exit rc = AX_OK;

	memset(pat, 0, sizeof(*pat));
	if (!(*known = r->status != 403))
		return AX_OK;
	if (http_status_exit(r->status) != AX_OK)
		rc = me_failure(c, r);
	else if ((rc = read_me(c, r, pat)) != AX_OK && mode != NULL)
		pat_local(c, mask, mode);
	if (rc != AX_OK)
		http_response_free(r);
	return rc;
}

/* The status view shared by `auth status` and `pats whoami`. */
static enum alter_exit
pat_view(struct ctx *c, int is_whoami)
{
	struct http_response r;
	struct json_pat pat;
	struct json_out o;
	struct alter_err quiet;
	char mask[CREDS_MASK_SIZE], mode[8] = "", exp[160] = "never";
	const char *kv[] = { "token", mask, "source", c->s.token_source, "store_mode", NULL,
	    "base_url", c->s.base_url, "other_hosts[]", c->s.other_hosts, NULL };
	long minvalid = -1;
	enum alter_exit rc = AX_OK;
	int plain = output_plain(c), known, expired = 0;

	if (!plain && (rc = output_open(c, &o, 0)) != AX_OK)
		return rc;
	if (opt(c, "min-valid") != NULL &&
	    alter_parse_duration(opt(c, "min-valid"), &minvalid) != 0)
		return alter_fail(&c->err, AX_USAGE, "--min-valid '%s' must be a duration such "
		    "as 7d, 12h or 30m", opt(c, "min-valid"));
	if (opt(c, "scopes") != NULL && (rc = scopes_validate(opt(c, "scopes"), &c->err)) != AX_OK)
		return rc;
	creds_mask(&c->s.token, mask, sizeof(mask));
	if (c->s.from_store)
		snprintf(mode, sizeof(mode), "%04o", c->s.store_mode), kv[5] = mode;
	if ((rc = verify(c, &r)) != AX_OK) {
		/* docs/cli.md 2.4: the network down still shows what is known locally. */
		if (!plain)
			json_out_object_with(&o, NULL, 0, kv, &quiet);
		else
			pat_local(c, mask, mode);
		return rc;
	}
	if ((rc = pat_answer(c, &r, &pat, &known, plain ? mode : NULL, mask)) != AX_OK)
		return rc;
	if (!plain)
		rc = json_out_object_with(&o, known ? r.body : NULL, r.body_len, kv, &c->err);
	http_response_free(&r);
	if (rc != AX_OK)
		return rc;
	if (known && (rc = pat_expiry(c, &pat, mask, minvalid, exp, sizeof(exp), &expired)) !=
	    AX_OK && expired)
		return rc;
	if (plain)
		pat_table(c, &pat, known, mask, mode, exp);
	if (rc == AX_OK && (rc = pat_scopes(c, &pat, known)) != AX_OK)
		return rc;
	if (!known && is_whoami)
		return alter_fail(&c->err, AX_FORBIDDEN, "the PAT cannot read itself: it lacks "
		    "scope 'dashboard_pats:read'; mint a new PAT with it at %s",
		    tokens_page(c));
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
	char dir[4096], path[4200], which[CREDS_URL_MAX];
	const char *url = opt(c, "base-url") ? opt(c, "base-url") : util_env("ALTER_BASE_URL");
	enum alter_exit rc;
	int removed = 0, all = has(c, "all");

	if (creds_config_dir(dir, sizeof(dir), &c->err) != AX_OK) {
		notice(c, "no stored PAT (no config directory)");
		c->err.msg[0] = '\0';
		return AX_OK;
	}
	/* docs/cli.md 2.4: the chosen base URL (else the store's default), or --all. */
	if ((rc = creds_store_path(dir, path, sizeof(path), &c->err)) != AX_OK ||
	    (rc = creds_store_remove(dir, url, all, &removed, which, sizeof(which),
	    &c->err)) != AX_OK)
		return rc;
	if (removed > 0)
		notice(c, "removed %d stored PAT%s%s%s from %s; this does not revoke %s: revoke "
		    "at %s", removed, removed == 1 ? "" : "s", all ? "" : " of ",
		    all ? "" : which, path, removed == 1 ? "the PAT" : "the PATs", tokens_page(c));
	else if (all || which[0] == '\0')
		notice(c, "no stored PAT at %s", path);
	else
		notice(c, "no stored PAT for %s at %s", which, path);
	if (util_env("ALTER_PAT") != NULL)
		warn(c, "ALTER_PAT is still set: commands keep using it");
	return AX_OK;
}

/* ---- tables ---- */

static const struct flag login_flags[] = {
	{ "scopes", 0, F_VALUE, "LIST", "fail unless the PAT carries these scopes" },
	{ "token-file", 0, F_VALUE, "PATH", "read the PAT from PATH" },
	{ "token-stdin", 0, F_BOOL, NULL, "read the PAT from standard input" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct flag status_flags[] = {
	{ "min-valid", 0, F_VALUE, "DURATION", "exit 3 if the PAT expires within DURATION" },
	{ "scopes", 0, F_VALUE, "LIST", "exit 7 unless the PAT carries these scopes" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct flag whoami_flags[] = {
	{ "scopes", 0, F_VALUE, "LIST", "exit 7 unless the PAT carries these scopes" },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct flag logout_flags[] = {
	{ "all", 0, F_BOOL, NULL, "forget the stored PAT of every base URL" },
	{ NULL, 0, 0, NULL, NULL }
};

const struct cmd auth_cmds[] = {
	{ "login", NULL, cmd_auth_login, 0, login_flags, 0, 0, NULL,
	  "verify a PAT and keep it in the 0600 file store",
	  .examples = "alter auth login --token-file ~/.alter-pat --scopes dashboard_apps:read\n"
	  "printf '%s' \"$PAT\" | alter auth login --token-stdin",
	  .about = "The PAT comes from one of three channels: --token-file PATH, --token-stdin\n"
	  "(hidden when typed), or ALTER_PAT for a single command without storing it.\n"
	  "--token is refused: a value in argv is visible to every local user.  The PAT\n"
	  "is verified first, then kept in <config dir>/auth.toml (ALTER_CONFIG_DIR, else\n"
	  "$XDG_CONFIG_HOME/alter or ~/.config/alter), mode 0600, one entry per API base\n"
	  "URL, which becomes the default; ALTER_PAT overrides it." },
	{ "logout", NULL, cmd_auth_logout, NO_DATA, logout_flags, 0, 0, NULL,
	  "forget the stored PAT of the base URL (does not revoke it)",
	  .examples = "alter auth logout\nalter auth logout --base-url https://api.staging.example\n"
	  "alter auth logout --all" },
	{ "status", NULL, cmd_auth_status, NEEDS_TOKEN, status_flags, 0, 0, NULL,
	  "show the active PAT, its scopes and expiry", .ep = EP_PATS_ME,
	  .examples = "alter auth status --min-valid 7d\nalter auth status -o json\n"
	  "alter auth status --min-valid 1d --scopes \"$(alter scopes for 'apps list')\"" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

const struct cmd pats_cmds[] = {
	{ "whoami", NULL, cmd_pats_whoami, NEEDS_TOKEN, whoami_flags, 0, 0, NULL,
	  "show the active PAT (same view as auth status)", .ep = EP_PATS_ME },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
