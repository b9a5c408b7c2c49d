/*
 * auth.c: signing in with a PAT, its status, signing out, and pats whoami
 * (cli.md section 2.4).
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


/* ---- auth and pats (cli.md 2.4) ---- */

/* GET /v1/pats/me: the token's own record (api.md section 3). */
static const struct endpoint *const pats_me = &endpoints[EP_PATS_ME];

static enum alter_exit
verify(struct ctx *c, struct http_response *r)
{
	return http_request(&c->s.http, pats_me->method, pats_me->path, NULL, 0,
	    pats_me->scope != NULL, r, &c->err);
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
	if ((rc = creds_config_dir(dir, sizeof(dir), &c->err)) != AX_OK)
		return rc;
	if ((rc = creds_store_path(dir, path, sizeof(path), &c->err)) != AX_OK)
		return rc;
	/* 2. The token. */
	if (file != NULL) {
		rc = creds_read_file(file, &c->s.token, &loose, &c->err);
		if (rc == AX_OK && loose)
			warn(c, "--token-file '%s' is readable by group or others", file);
	} else {
		int tty = isatty(STDIN_FILENO);

		if (tty)
			fputs("Paste the PAT (input is hidden): ", stderr);
		rc = creds_read_stdin(STDIN_FILENO, tty, &c->s.token, &c->err);
		if (tty)
			fputc('\n', stderr);
	}
	if (rc != AX_OK)
		return rc;
	session_set_token(c, file != NULL ? "--token-file" : "--token-stdin");
	if ((rc = session_http(c)) != AX_OK)
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
		rc = http_failure(c, pats_me->method, pats_me->path, &r);
		http_response_free(&r);
		if (rc == AX_AUTH)
			snprintf(c->err.msg + strlen(c->err.msg), sizeof(c->err.msg) -
			    strlen(c->err.msg), "; nothing stored");
		return rc;
	} else {
		i = (size_t)json_parse_pat(r.body, r.body_len, &pat);
		http_response_free(&r);
		if (i != 0)
			return alter_fail(&c->err, AX_ERROR, "%s %s: the answer is not a PAT "
			    "object; nothing stored", pats_me->method, pats_me->path);
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
	if ((rc = creds_store_save(dir, &c->s.token, c->s.base_url, now, &c->err)) != AX_OK)
		return rc;
	creds_mask(&c->s.token, mask, sizeof(mask));
	if (!known) {
		printf("Signed in to %s with %s (scopes unknown: the token lacks "
		    "dashboard_pats:read)\n", c->s.base_url, mask);
	} else {
		printf("Signed in to %s as %s (%s) with %s \"%s\"\n", c->s.base_url,
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
	const char *kv[] = { "token", mask, "source", c->s.token_source, "store_mode", NULL,
	    "base_url", c->s.base_url, NULL };
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
	creds_mask(&c->s.token, mask, sizeof(mask));
	if (c->s.from_store) {
		snprintf(mode, sizeof(mode), "%04o", c->s.store_mode);
		kv[5] = mode;
	}
	rc = verify(c, &r);
	if (rc != AX_OK) {
		/* cli.md 2.4: the network down still shows what is known locally. */
		if (json)
			json_print_with(stdout, NULL, 0, kv);
		else
			printf("API base URL: %s\nToken:        %s\nSource:       %s%s%s%s\n",
			    c->s.base_url, mask, c->s.token_source, mode[0] ? " (mode " : "", mode,
			    mode[0] ? ")" : "");
		return rc;
	}
	if (r.status != 200 && r.status != 403) {
		rc = http_failure(c, pats_me->method, pats_me->path, &r);
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
		    c->s.base_url, mask, c->s.token_source, mode[0] ? " (mode " : "", mode,
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
		printf("Storage:      %s (keychain: not in this build)\n", c->s.from_store ?
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

	if (creds_config_dir(dir, sizeof(dir), &c->err) != AX_OK) {
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

/* ---- tables ---- */

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

const struct cmd auth_cmds[] = {
	{ "login", NULL, cmd_auth_login, 0, login_flags, 0, 0, NULL,
	  "verify a PAT and keep it in the 0600 file store" },
	{ "logout", NULL, cmd_auth_logout, 0, NULL, 0, 0, NULL,
	  "forget the stored PAT (does not revoke it)" },
	{ "status", NULL, cmd_auth_status, NEEDS_TOKEN, status_flags, 0, 0, NULL,
	  "show the active PAT, its scopes and expiry" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

const struct cmd pats_cmds[] = {
	{ "whoami", NULL, cmd_pats_whoami, NEEDS_TOKEN, NULL, 0, 0, NULL,
	  "show the active PAT (same view as auth status)" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};
