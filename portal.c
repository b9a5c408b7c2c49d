/*
 * portal.c: the portal commands of cli.md section 5 (apps, keys, agents,
 * providers, managed-secrets, policy, audit, link), as rows of data run by
 * one function, portal_run: a row names its endpoint, how each flag maps to
 * the path, query or body, its checks, its output kind and table columns.
 * Output goes through json.c; requests through http.c; messages through
 * the helpers of cmd.h.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "endpoints.h"
#include "json.h"

#define SECRET_MAX	65536		/* cli.md 5: secret values, at most 64 KiB */
#define INPUT_BODY_MAX	(16u << 20)
#define TARGET_MAX	4096
#define LINK_DIR	".alter"
#define LINK_FILE	".alter/link.json"
#define LINK_MAX	4096

static enum alter_exit portal_run(struct ctx *);

/* ---- flags shared by several rows ---- */

#define FLAG_YES { "yes", 0, F_BOOL, NULL, "do not ask for confirmation" }
#define FLAG_INPUT { "input", 0, F_VALUE, "@FILE|-", "the full JSON body, from a file or stdin" }
#define FLAG_END { NULL }

static const struct flag offset_list_flags[] = {
	{ "all", 0, F_BOOL, NULL, "walk every page (on one connection)" },
	{ "limit", 0, F_VALUE, "N", "page size, 1-1000", .check = V_RANGE, .lo = 1, .hi = 1000 },
	{ "offset", 0, F_VALUE, "N", "start at this item", .check = V_RANGE, .hi = INT_MAX },
	FLAG_END
};

static const struct flag cursor_list_flags[] = {
	{ "all", 0, F_BOOL, NULL, "walk every page (on one connection)" },
	{ "limit", 0, F_VALUE, "N", "page size, 1-1000", .check = V_RANGE, .lo = 1, .hi = 1000 },
	FLAG_END
};

/* ---- apps ---- */

static const struct flag apps_list_flags[] = {
	{ "include-archived", 0, F_BOOL, NULL, "list archived apps too", .map = M_QUERY_TRUE,
	  .key = "include_archived" },
	{ "no-include-stats", 0, F_BOOL, NULL, "leave out usage statistics",
	  .map = M_QUERY_FALSE, .key = "include_stats" },
	FLAG_END
};

#define APP_FIELDS(req) \
	{ "description", 0, F_VALUE, "TEXT", "description", .map = M_BODY_STR, \
	  .key = "description" }, \
	{ "name", 0, F_VALUE, "NAME", "app name", .map = M_BODY_STR, .key = "name", \
	  .required = req }, \
	{ "website-url", 0, F_VALUE, "URL", "website", .map = M_BODY_STR, .key = "website_url" }

static const struct flag apps_create_flags[] = { APP_FIELDS(1), FLAG_END };
static const struct flag apps_update_flags[] = { APP_FIELDS(0), FLAG_END };

static const struct flag apps_delete_flags[] = {
	{ "confirm", 0, F_VALUE, "NAME", "the app's name, sent to the server to confirm" },
	FLAG_YES, FLAG_END
};

#define APP_COLS "id,name,archived,created_at"

const struct cmd portal_apps[] = {
	{ "archive", .fn = portal_run, .flags = NEEDS_TOKEN, .minpos = 1, .maxpos = 1,
	  .args = "ID", .help = "archive an app", .ep = EP_APP_ARCHIVE, .pos = "app",
	  .out = OUT_OBJECT },
	{ "create", .fn = portal_run, .flags = NEEDS_TOKEN, .opts = apps_create_flags,
	  .help = "create an app", .ep = EP_APPS_CREATE, .out = OUT_OBJECT },
	{ "delete", .fn = portal_run, .flags = NEEDS_TOKEN | DESTRUCTIVE | TYPED_CONFIRM,
	  .opts = apps_delete_flags, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "delete an app and everything in it (needs dashboard_apps:delete)",
	  .ep = EP_APP_DELETE, .pos = "app", .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = NEEDS_TOKEN, .opts = apps_list_flags,
	  .help = "list apps", .ep = EP_APPS_LIST, .out = OUT_LIST, .limit = 100,
	  .columns = APP_COLS },
	{ "show", .fn = portal_run, .flags = NEEDS_TOKEN, .minpos = 1, .maxpos = 1,
	  .args = "ID", .help = "show an app", .ep = EP_APP_GET, .pos = "app",
	  .out = OUT_OBJECT },
	{ "unarchive", .fn = portal_run, .flags = NEEDS_TOKEN, .minpos = 1, .maxpos = 1,
	  .args = "ID", .help = "unarchive an app", .ep = EP_APP_UNARCHIVE, .pos = "app",
	  .out = OUT_OBJECT },
	{ "update", .fn = portal_run, .flags = NEEDS_TOKEN | NEEDS_FIELD,
	  .opts = apps_update_flags, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "change an app's name, description or website", .ep = EP_APP_UPDATE,
	  .pos = "app", .out = OUT_OBJECT },
	{ NULL }
};

/* ---- keys ---- */

#define KEY_FLAG { "key", 0, F_VALUE, "ID", "the key", .map = M_PATH, .key = "key", \
	  .required = 1 }

static const struct flag keys_list_flags[] = {
	{ "status", 0, F_VALUE, "STATUS", "active, rotated_in_grace or revoked", .map = M_QUERY,
	  .key = "status", .check = V_ENUM, .allowed = "active|rotated_in_grace|revoked" },
	FLAG_END
};

static const struct flag keys_mint_flags[] = {
	{ "cidr", 0, F_VALUE, "LIST", "allowed client networks, e.g. 10.0.0.0/8 (no /0)",
	  .map = M_BODY_LIST, .key = "cidr", .check = V_CIDRS },
	{ "expires-at", 0, F_VALUE, "TIME", "expiry as RFC 3339", .map = M_BODY_STR,
	  .key = "expires_at", .check = V_TIME },
	{ "expires-in", 0, F_VALUE, "DURATION", "expiry from now: 30d, 12h, 5m",
	  .map = M_BODY_EXPIRES, .key = "expires_at", .check = V_DURATION },
	FLAG_INPUT,
	{ "key-type", 0, F_VALUE, "TYPE", "runtime (default) or agent", .map = M_BODY_STR,
	  .key = "key_type", .check = V_ENUM, .allowed = "runtime|agent" },
	{ "name", 0, F_VALUE, "NAME", "key name", .map = M_BODY_STR, .key = "name",
	  .required = 1 },
	{ "rate-limit-rpm", 0, F_VALUE, "N", "requests per minute, 1-100000", .map = M_BODY_INT,
	  .key = "rate_limit_rpm", .check = V_RANGE, .lo = 1, .hi = 100000 },
	{ "scopes", 0, F_VALUE, "LIST", "the key's scopes, comma-separated", .map = M_BODY_LIST,
	  .key = "scopes", .check = V_NAMES, .required = 1 },
	FLAG_END
};

static const struct flag keys_key_flags[] = { KEY_FLAG, FLAG_END };

static const struct flag keys_rotate_flags[] = {
	KEY_FLAG,
	{ "scopes", 0, F_VALUE, "LIST", "new scopes for the rotated key", .map = M_BODY_LIST,
	  .key = "scopes", .check = V_NAMES },
	FLAG_END
};

static const struct flag keys_revoke_flags[] = {
	{ "force", 0, F_BOOL, NULL, "revoke even while in use", .map = M_BODY_TRUE,
	  .key = "force" },
	KEY_FLAG, FLAG_YES, FLAG_END
};

static const struct flag keys_rename_flags[] = {
	KEY_FLAG,
	{ "name", 0, F_VALUE, "NAME", "the new name", .map = M_BODY_STR, .key = "name",
	  .required = 1 },
	FLAG_END
};

#define KEY_COLS "id,name,key_prefix,key_type,status,expires_at"
#define APPK (NEEDS_TOKEN | NEEDS_APP)

const struct cmd portal_keys[] = {
	{ "list", .fn = portal_run, .flags = APPK, .opts = keys_list_flags,
	  .help = "list the app's runtime API keys", .ep = EP_KEYS_LIST, .out = OUT_LIST,
	  .limit = 200, .columns = KEY_COLS },
	{ "mint", .fn = portal_run, .flags = APPK | SHOWS_KEY, .opts = keys_mint_flags,
	  .help = "mint a key (its plaintext is shown once)", .ep = EP_KEYS_MINT,
	  .out = OUT_OBJECT, .defaults = "key_type=\"runtime\"" },
	{ "rename", .fn = portal_run, .flags = APPK, .opts = keys_rename_flags,
	  .help = "rename a key", .ep = EP_KEY_RENAME, .out = OUT_OBJECT },
	{ "revoke", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = keys_revoke_flags,
	  .help = "revoke a key (needs dashboard_keys:admin)", .ep = EP_KEY_REVOKE,
	  .out = OUT_OBJECT },
	{ "rotate", .fn = portal_run, .flags = APPK | SHOWS_KEY, .opts = keys_rotate_flags,
	  .help = "rotate a key (the new plaintext is shown once)", .ep = EP_KEY_ROTATE,
	  .out = OUT_OBJECT },
	{ "show", .fn = portal_run, .flags = APPK, .opts = keys_key_flags,
	  .help = "show a key", .ep = EP_KEY_GET, .out = OUT_OBJECT },
	{ "statistics", .fn = portal_run, .flags = APPK, .help = "count the app's keys",
	  .ep = EP_KEYS_STATS, .out = OUT_OBJECT },
	{ NULL }
};

/* ---- agents ---- */

#define AGENT_FLAG { "agent", 0, F_VALUE, "ID", "the agent", .map = M_PATH, .key = "agent", \
	  .required = 1 }
#define AKEY_FLAG { "key", 0, F_VALUE, "ID", "the agent key", .map = M_PATH, .key = "key", \
	  .required = 1 }

static const struct flag agents_list_flags[] = {
	{ "provider", 0, F_VALUE, "P", "agents with grants of this provider", .map = M_QUERY,
	  .key = "provider" },
	{ "search", 0, F_VALUE, "TEXT", "name contains TEXT", .map = M_QUERY, .key = "search" },
	{ "status", 0, F_VALUE, "LIST", "active, inactive, revoked (comma-separated)",
	  .map = M_QUERY, .key = "status", .check = V_ENUMS,
	  .allowed = "active|inactive|revoked" },
	{ "type", 0, F_VALUE, "TYPE", "agent or service", .map = M_QUERY, .key = "type",
	  .check = V_ENUM, .allowed = "agent|service" },
	FLAG_END
};

static const struct flag agents_create_flags[] = {
	{ "display-name", 0, F_VALUE, "TEXT", "display name", .map = M_BODY_STR,
	  .key = "display_name" },
	FLAG_INPUT,
	{ "name", 0, F_VALUE, "NAME", "agent name", .map = M_BODY_STR, .key = "name",
	  .required = 1 },
	{ "type", 0, F_VALUE, "TYPE", "agent or service", .map = M_BODY_STR, .key = "type",
	  .check = V_ENUM, .allowed = "agent|service" },
	FLAG_END
};

static const struct flag agents_update_flags[] = {
	AGENT_FLAG,
	{ "display-name", 0, F_VALUE, "TEXT", "display name", .map = M_BODY_STR,
	  .key = "display_name" },
	{ "metadata", 0, F_VALUE, "JSON", "metadata object (JSON or @file)", .map = M_BODY_JSON,
	  .key = "metadata" },
	FLAG_END
};

static const struct flag agents_agent_flags[] = { AGENT_FLAG, FLAG_END };
static const struct flag agents_revoke_flags[] = { AGENT_FLAG, FLAG_YES, FLAG_END };
static const struct flag agents_key_flags[] = { AGENT_FLAG, AKEY_FLAG, FLAG_END };

static const struct flag agents_revoke_key_flags[] = {
	AGENT_FLAG,
	{ "force", 0, F_BOOL, NULL, "revoke even the last active key", .map = M_BODY_TRUE,
	  .key = "force" },
	AKEY_FLAG, FLAG_YES, FLAG_END
};

#define EVENT_COLS "id,created_at,action,outcome,policy_decision"

const struct cmd portal_agents[] = {
	{ "audit", .fn = portal_run, .flags = APPK, .opts = agents_agent_flags,
	  .help = "portal actions taken on an agent", .ep = EP_AGENT_AUDIT, .out = OUT_LIST,
	  .limit = 100, .columns = EVENT_COLS },
	{ "create", .fn = portal_run, .flags = APPK, .opts = agents_create_flags,
	  .help = "create an agent", .ep = EP_AGENTS_CREATE, .out = OUT_OBJECT },
	{ "deprecate-key", .fn = portal_run, .flags = APPK, .opts = agents_key_flags,
	  .help = "deprecate an agent key", .ep = EP_AGENT_KEY_DEPRECATE, .out = OUT_OBJECT },
	{ "list", .fn = portal_run, .flags = APPK, .opts = agents_list_flags,
	  .help = "list agents", .ep = EP_AGENTS_LIST, .out = OUT_LIST, .limit = 50,
	  .columns = "id,name,display_name,type,status,created_at" },
	{ "list-keys", .fn = portal_run, .flags = APPK, .opts = agents_agent_flags,
	  .help = "list an agent's keys", .ep = EP_AGENT_KEYS, .out = OUT_BARE,
	  .columns = "key_id,name,key_prefix,status,created_at" },
	{ "mint-key", .fn = portal_run, .flags = APPK | SHOWS_KEY, .opts = agents_agent_flags,
	  .help = "mint an agent key (its plaintext is shown once)", .ep = EP_AGENT_MINT_KEY,
	  .out = OUT_OBJECT },
	{ "revoke", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = agents_revoke_flags,
	  .help = "revoke an agent (needs dashboard_agents:admin)", .ep = EP_AGENT_REVOKE,
	  .out = OUT_OBJECT },
	{ "revoke-key", .fn = portal_run, .flags = APPK | DESTRUCTIVE,
	  .opts = agents_revoke_key_flags, .help = "revoke an agent key",
	  .ep = EP_AGENT_KEY_REVOKE, .out = OUT_OBJECT },
	{ "show", .fn = portal_run, .flags = APPK, .opts = agents_agent_flags,
	  .help = "show an agent", .ep = EP_AGENT_GET, .out = OUT_OBJECT },
	{ "undeprecate-key", .fn = portal_run, .flags = APPK, .opts = agents_key_flags,
	  .help = "undeprecate an agent key", .ep = EP_AGENT_KEY_UNDEPRECATE,
	  .out = OUT_OBJECT },
	{ "update", .fn = portal_run, .flags = APPK | NEEDS_FIELD, .opts = agents_update_flags,
	  .help = "change an agent's display name or metadata", .ep = EP_AGENT_UPDATE,
	  .out = OUT_OBJECT },
	{ NULL }
};

/* ---- providers ---- */

#define PROVIDER_FLAG { "provider", 0, F_VALUE, "P", "the provider id", .map = M_PATH, \
	  .key = "provider", .required = 1 }

static const struct flag providers_create_flags[] = {
	{ "client-id", 0, F_VALUE, "ID", "OAuth client id", .map = M_BODY_STR,
	  .key = "client_id" },
	{ "client-secret", 0, F_VALUE, "-|@FILE", "OAuth client secret (never inline)",
	  .map = M_BODY_SECRET, .key = "client_secret" },
	{ "credential-source", 0, F_VALUE, "SOURCE", "custom (default) or shared_dev",
	  .map = M_BODY_STR, .key = "credential_source", .check = V_ENUM,
	  .allowed = "custom|shared_dev" },
	FLAG_INPUT,
	{ "provider", 0, F_VALUE, "P", "a catalog provider id", .map = M_BODY_STR,
	  .key = "provider", .required = 1 },
	{ "redirect-uri", 0, F_MULTI, "URI", "an OAuth redirect URI (repeatable)",
	  .map = M_BODY_MULTI, .key = "redirect_uris" },
	{ "scopes", 0, F_VALUE, "LIST", "provider scopes, comma-separated", .map = M_BODY_LIST,
	  .key = "scopes", .check = V_NAMES, .required = 1 },
	FLAG_END
};

static const struct flag providers_update_flags[] = {
	PROVIDER_FLAG,
	{ "redirect-uri", 0, F_MULTI, "URI", "an OAuth redirect URI (repeatable)",
	  .map = M_BODY_MULTI, .key = "redirect_uris" },
	{ "scopes", 0, F_VALUE, "LIST", "provider scopes, comma-separated", .map = M_BODY_LIST,
	  .key = "scopes", .check = V_NAMES },
	{ "status", 0, F_VALUE, "STATUS", "active or disabled", .map = M_BODY_STR,
	  .key = "status", .check = V_ENUM, .allowed = "active|disabled" },
	FLAG_END
};

static const struct flag providers_one_flags[] = { PROVIDER_FLAG, FLAG_END };

static const struct flag providers_delete_flags[] = {
	{ "force", 0, F_BOOL, NULL, "delete even while grants depend on it",
	  .map = M_QUERY_ALWAYS, .key = "force" },
	PROVIDER_FLAG, FLAG_YES, FLAG_END
};

#define PROVIDERS_CREATE(name) \
	{ name, .fn = portal_run, .flags = APPK, .opts = providers_create_flags, \
	  .help = "configure a provider for the app", .ep = EP_PROVIDERS_CREATE, \
	  .out = OUT_OBJECT, .defaults = "credential_source=\"custom\"" }

const struct cmd portal_providers[] = {
	PROVIDERS_CREATE("configure"),
	PROVIDERS_CREATE("create"),
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = providers_delete_flags,
	  .help = "remove a provider (needs dashboard_providers:admin)",
	  .ep = EP_PROVIDER_DELETE, .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's providers",
	  .ep = EP_PROVIDERS_LIST, .out = OUT_LIST, .limit = 100,
	  .columns = "provider,status,credential_source,grant_count,created_at" },
	{ "list-catalog", .fn = portal_run, .flags = NEEDS_HTTP,
	  .help = "list the providers Alter supports (no token needed)", .ep = EP_CATALOG,
	  .out = OUT_LIST, .limit = 100, .columns = "id,name,default_scopes" },
	{ "show", .fn = portal_run, .flags = APPK, .opts = providers_one_flags,
	  .help = "show a provider", .ep = EP_PROVIDER_GET, .out = OUT_OBJECT },
	{ "update", .fn = portal_run, .flags = APPK | NEEDS_FIELD,
	  .opts = providers_update_flags, .help = "change a provider's scopes, status or URIs",
	  .ep = EP_PROVIDER_UPDATE, .out = OUT_OBJECT },
	{ NULL }
};

/* ---- managed secrets ---- */

static const struct flag secrets_create_flags[] = {
	{ "credential-value", 0, F_VALUE, "-|@FILE", "the secret (never inline)",
	  .map = M_BODY_SECRET, .key = "credential_value", .required = 1 },
	{ "name", 0, F_VALUE, "NAME", "secret name", .map = M_BODY_STR, .key = "name",
	  .required = 1 },
	{ "template", 0, F_VALUE, "T", "a template id", .map = M_BODY_STR, .key = "template" },
	FLAG_END
};

static const struct flag secrets_rotate_flags[] = {
	{ "credential-value", 0, F_VALUE, "-|@FILE", "the new secret (never inline)",
	  .map = M_BODY_SECRET, .key = "credential_value", .required = 1 },
	FLAG_END
};

static const struct flag secrets_delete_flags[] = {
	{ "confirm", 0, F_VALUE, "SLUG", "the secret's slug, sent to the server to confirm" },
	FLAG_YES, FLAG_END
};

const struct cmd portal_secrets[] = {
	{ "access", .fn = portal_run, .flags = APPK, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "who can use a secret", .ep = EP_SECRET_ACCESS, .pos = "secret",
	  .out = OUT_BARE, .columns = "kind,id,name" },
	{ "create", .fn = portal_run, .flags = APPK, .opts = secrets_create_flags,
	  .help = "store a secret", .ep = EP_SECRETS_CREATE, .out = OUT_OBJECT },
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE | TYPED_CONFIRM,
	  .opts = secrets_delete_flags, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "delete a secret (needs dashboard_secrets:delete)", .ep = EP_SECRET_DELETE,
	  .pos = "secret", .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's secrets",
	  .ep = EP_SECRETS_LIST, .out = OUT_LIST, .limit = 100,
	  .columns = "id,name,slug,template,created_at" },
	{ "rotate", .fn = portal_run, .flags = APPK, .opts = secrets_rotate_flags, .minpos = 1,
	  .maxpos = 1, .args = "ID", .help = "replace a secret's value", .ep = EP_SECRET_ROTATE,
	  .pos = "secret", .out = OUT_OBJECT },
	{ "show", .fn = portal_run, .flags = APPK, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "show a secret (never its value)", .ep = EP_SECRET_GET, .pos = "secret",
	  .out = OUT_OBJECT },
	{ "templates", .fn = portal_run, .flags = APPK, .help = "list secret templates",
	  .ep = EP_TEMPLATES, .out = OUT_LIST, .limit = 100,
	  .columns = "id,name,credential_type" },
	{ NULL }
};

/* ---- policy ---- */

static const struct flag rules_create_flags[] = {
	{ "agent", 0, F_VALUE, "ID", "apply to this agent", .map = M_BODY_TARGET,
	  .key = "agent" },
	{ "config", 0, F_VALUE, "JSON", "the rule's config (JSON or @file)", .map = M_BODY_JSON,
	  .key = "config" },
	{ "disabled", 0, F_BOOL, NULL, "create it disabled", .map = M_BODY_FALSE,
	  .key = "enabled" },
	{ "grant", 0, F_VALUE, "ID", "apply to this grant", .map = M_BODY_TARGET,
	  .key = "grant" },
	{ "name", 0, F_VALUE, "NAME", "rule name", .map = M_BODY_STR, .key = "name",
	  .required = 1 },
	{ "provider", 0, F_VALUE, "P", "apply to this provider", .map = M_BODY_TARGET,
	  .key = "provider" },
	{ "type", 0, F_VALUE, "TYPE", "ip_allowlist, time_window, require_approval, ...",
	  .map = M_BODY_STR, .key = "type", .required = 1 },
	FLAG_END
};

static const struct flag rules_update_flags[] = {
	{ "config", 0, F_VALUE, "JSON", "the rule's config (JSON or @file)", .map = M_BODY_JSON,
	  .key = "config" },
	{ "disable", 0, F_BOOL, NULL, "disable the rule", .map = M_BODY_FALSE,
	  .key = "enabled" },
	{ "enable", 0, F_BOOL, NULL, "enable the rule", .map = M_BODY_TRUE, .key = "enabled" },
	{ "name", 0, F_VALUE, "NAME", "rule name", .map = M_BODY_STR, .key = "name" },
	FLAG_END
};

static const struct flag rules_delete_flags[] = { FLAG_YES, FLAG_END };

#define RULE_COLS "id,type,name,enabled,created_at"

static const struct cmd policy_rules[] = {
	{ "create", .fn = portal_run, .flags = APPK, .opts = rules_create_flags,
	  .help = "create a rule (needs dashboard_app_policy:rules_create)",
	  .ep = EP_RULES_CREATE, .out = OUT_OBJECT, .defaults = "config={};enabled=true" },
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = rules_delete_flags,
	  .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "delete a rule (needs dashboard_app_policy:rules_delete)",
	  .ep = EP_RULE_DELETE, .pos = "rule", .out = OUT_EMPTY },
	{ "get", .fn = portal_run, .flags = APPK, .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "show a rule", .ep = EP_RULE_GET, .pos = "rule", .out = OUT_OBJECT },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's rules",
	  .ep = EP_RULES_LIST, .out = OUT_LIST, .limit = 100, .columns = RULE_COLS },
	{ "update", .fn = portal_run, .flags = APPK | NEEDS_FIELD, .opts = rules_update_flags,
	  .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "change a rule (needs dashboard_app_policy:rules_update)",
	  .ep = EP_RULE_UPDATE, .pos = "rule", .out = OUT_OBJECT },
	{ NULL }
};

const struct cmd portal_policy[] = {
	{ "rules", .sub = policy_rules, .help = "list, get, create, update, delete rules" },
	{ "show-app", .fn = portal_run, .flags = APPK, .help = "the app-level rules",
	  .ep = EP_POLICY_APP, .out = OUT_BARE, .columns = RULE_COLS },
	{ NULL }
};

/* ---- audit ---- */

static const struct flag audit_list_flags[] = {
	{ "action", 0, F_VALUE, "A", "only this action", .map = M_QUERY, .key = "action" },
	{ "end", 0, F_VALUE, "TIME", "before this RFC 3339 time", .map = M_QUERY, .key = "end",
	  .check = V_TIME },
	{ "policy-decision", 0, F_VALUE, "D", "allow, deny or approval", .map = M_QUERY,
	  .key = "policy_decision", .check = V_ENUM, .allowed = "allow|deny|approval" },
	{ "since", 0, F_VALUE, "DURATION", "the last 24h, 7d, 30d, ...", .map = M_QUERY,
	  .key = "since", .check = V_DURATION },
	{ "start", 0, F_VALUE, "TIME", "from this RFC 3339 time", .map = M_QUERY,
	  .key = "start", .check = V_TIME },
	FLAG_END
};

const struct cmd portal_audit[] = {
	{ "list", .fn = portal_run, .flags = NEEDS_TOKEN | APP_FILTER, .opts = audit_list_flags,
	  .help = "the organisation's audit events (filtered by --app when given)",
	  .ep = EP_AUDIT_EVENTS, .out = OUT_CURSOR, .limit = 100,
	  .columns = "id,created_at,app_id,action,outcome,policy_decision" },
	{ "show", .fn = portal_run, .flags = NEEDS_TOKEN, .minpos = 1, .maxpos = 1,
	  .args = "TRACE_ID", .help = "one trace and its events", .ep = EP_AUDIT_TRACE,
	  .pos = "trace", .out = OUT_OBJECT },
	{ NULL }
};

const struct flag link_flags[] = {
	{ "status", 0, F_BOOL, NULL, "show the linked app and the link file" },
	FLAG_END
};

const struct flag *
portal_extra_flags(const struct cmd *r)
{
	if (r->fn != portal_run)
		return NULL;
	if (r->out == OUT_LIST)
		return offset_list_flags;
	if (r->out == OUT_CURSOR)
		return cursor_list_flags;
	return NULL;
}

/* ---- the app context and the workspace link ---- */

/* Find .alter/link.json from dir upwards; path receives it.  0 if found. */
static int
find_link(char *path, size_t cap)
{
	char dir[PATH_MAX];
	char *slash;

	if (getcwd(dir, sizeof(dir)) == NULL)
		return -1;
	for (;;) {
		if ((size_t)snprintf(path, cap, "%s/%s", strcmp(dir, "/") ? dir : "", LINK_FILE) <
		    cap && access(path, F_OK) == 0)
			return 0;
		if (strcmp(dir, "/") == 0 || (slash = strrchr(dir, '/')) == NULL)
			return -1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static enum alter_exit
read_link(struct ctx *c, const char *path, char *app, size_t cap)
{
	char buf[LINK_MAX + 1];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s': %s", path,
		    strerror(errno));
	n = read(fd, buf, LINK_MAX);
	close(fd);
	if (n < 0)
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s': %s", path,
		    strerror(errno));
	buf[n] = '\0';
	json_get_str((unsigned char *)buf, (size_t)n, "app_id", app, cap);
	if (app[0] == '\0')
		return alter_fail(&c->err, AX_USAGE, "workspace link '%s' has no \"app_id\"; run "
		    "'alter link APP_ID' again", path);
	return AX_OK;
}

/* cli.md 5: --app, else ALTER_APP_ID, else the workspace link. */
static enum alter_exit
resolve_app(struct ctx *c, char *app, size_t cap)
{
	char path[PATH_MAX + 32];

	if (opt(c, "app") != NULL) {
		snprintf(app, cap, "%s", opt(c, "app"));
		return AX_OK;
	}
	if (env("ALTER_APP_ID") != NULL) {
		snprintf(app, cap, "%s", env("ALTER_APP_ID"));
		return AX_OK;
	}
	if (find_link(path, sizeof(path)) == 0)
		return read_link(c, path, app, cap);
	return alter_fail(&c->err, AX_USAGE, "no app: pass --app ID, set ALTER_APP_ID, or run "
	    "'alter link ID' in this workspace");
}

static int
valid_id(const char *s)
{
	if (*s == '\0' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || *s == '.' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

enum alter_exit
cmd_link(struct ctx *c)
{
	char path[PATH_MAX + 32], app[256], tmp[64];
	FILE *f;
	int fd;

	if (has(c, "status")) {
		if (c->npos != 0)
			return alter_fail(&c->err, AX_USAGE, "'alter link --status' takes no APP_ID");
		if (find_link(path, sizeof(path)) != 0)
			return alter_fail(&c->err, AX_NOT_FOUND, "no workspace link in this "
			    "directory or above; run 'alter link APP_ID'");
		if (read_link(c, path, app, sizeof(app)) != AX_OK)
			return c->err.code;
		printf("%s\t%s\n", app, path);
		return AX_OK;
	}
	if (c->npos != 1)
		return alter_fail(&c->err, AX_USAGE, "usage: alter link APP_ID | alter link --status");
	if (!valid_id(c->pos[0]))
		return alter_fail(&c->err, AX_USAGE, "app id '%s' must be letters, digits, '-', '_' "
		    "or '.'", c->pos[0]);
	if (mkdir(LINK_DIR, 0755) != 0 && errno != EEXIST)
		return alter_fail(&c->err, AX_ERROR, "creating %s: %s", LINK_DIR, strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", LINK_FILE, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return alter_fail(&c->err, AX_ERROR, "writing %s: %s", LINK_FILE, strerror(errno));
	}
	fprintf(f, "{\"app_id\":\"%s\"}\n", c->pos[0]);
	if (fclose(f) != 0 || rename(tmp, LINK_FILE) != 0) {
		unlink(tmp);
		return alter_fail(&c->err, AX_ERROR, "writing %s: %s", LINK_FILE, strerror(errno));
	}
	notice(c, "linked this workspace to app %s (%s)", c->pos[0], LINK_FILE);
	return AX_OK;
}

enum alter_exit
cmd_unlink(struct ctx *c)
{
	char path[PATH_MAX + 32];

	if (find_link(path, sizeof(path)) != 0) {
		notice(c, "no workspace link in this directory or above");
		return AX_OK;
	}
	if (unlink(path) != 0)
		return alter_fail(&c->err, AX_ERROR, "removing %s: %s", path, strerror(errno));
	path[strlen(path) - strlen("/link.json")] = '\0';
	(void)rmdir(path);
	notice(c, "removed the workspace link %s/link.json", path);
	return AX_OK;
}

/* ---- checking values ---- */

static int
in_list(const char *v, size_t n, const char *allowed)
{
	const char *a = allowed, *e;

	for (;; a = e + 1) {
		e = strchr(a, '|');
		if ((e ? (size_t)(e - a) : strlen(a)) == n && strncmp(a, v, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
	}
}

static int
valid_cidr(const char *s, size_t n)
{
	char buf[64], *slash;
	unsigned char addr[16];
	long prefix, max;
	char *end;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		max = 128;
	else
		return 0;
	if (slash == NULL)
		return 1;
	if (slash[1] < '0' || slash[1] > '9')
		return 0;
	prefix = strtol(slash + 1, &end, 10);
	return *end == '\0' && prefix >= 1 && prefix <= max;
}

/* Apply f->check to each comma-separated item (or the whole value). */
static enum alter_exit
check_value(struct ctx *c, const struct flag *f, const char *v)
{
	const char *s, *e;
	long n, secs;
	long long t;
	size_t len;

	switch (f->check) {
	case V_NONE:
		return AX_OK;
	case V_DURATION:
		if (alter_parse_duration(v, &secs) == 0)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be a duration such as 30d, "
		    "12h or 5m", f->name, v);
	case V_TIME:
		if (alter_parse_time(v, &t) == 0)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be an RFC 3339 time such as "
		    "2026-01-31T12:00:00Z", f->name, v);
	case V_RANGE:
		if (parse_int(v, f->lo, f->hi, "", &n, &c->err) == AX_OK)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be a whole number from %d to "
		    "%d", f->name, v, f->lo, f->hi);
	case V_ENUM:
		if (in_list(v, strlen(v), f->allowed))
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be one of %s", f->name, v,
		    f->allowed);
	default:
		break;
	}
	/* Comma-separated lists. */
	for (s = v;; s = e + 1) {
		e = strchr(s, ',');
		len = e ? (size_t)(e - s) : strlen(s);
		while (len > 0 && *s == ' ')
			s++, len--;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len == 0 || memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL)
			return alter_fail(&c->err, AX_USAGE, "--%s '%s': empty entry or space inside "
			    "an entry", f->name, v);
		if (f->check == V_ENUMS && !in_list(s, len, f->allowed))
			return alter_fail(&c->err, AX_USAGE, "--%s: '%.*s' must be one of %s",
			    f->name, (int)len, s, f->allowed);
		if (f->check == V_CIDRS && !valid_cidr(s, len))
			return alter_fail(&c->err, AX_USAGE, "--%s: '%.*s' is not an IP network "
			    "(address/prefix, prefix 1 or more: /0 is refused)", f->name, (int)len, s);
		if (e == NULL)
			return AX_OK;
	}
}

/* cli.md 5: a secret is read from - or @file, 64 KiB at most, one newline off. */
static enum alter_exit
read_secret(struct ctx *c, const char *flag, const char *v, char **out)
{
	enum alter_exit rc;
	size_t len;
	char *buf;

	*out = NULL;
	if (strcmp(v, "-") != 0 && v[0] != '@')
		return alter_fail(&c->err, AX_USAGE, "%s takes - (standard input) or @FILE: an "
		    "inline secret would be visible in ps and shell history", flag);
	if ((rc = read_input(v, flag, SECRET_MAX, &buf, &len, &c->err)) != AX_OK)
		return rc;
	if (memchr(buf, '\0', len) != NULL || (len >= 2 &&
	    (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	    ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff)))) {
		explicit_bzero(buf, len);
		free(buf);
		return alter_fail(&c->err, AX_USAGE, "%s: the value has NUL bytes or a UTF-16 "
		    "byte-order mark; save it as UTF-8", flag);
	}
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	*out = buf;
	return AX_OK;
}

/* ---- building the request ---- */

struct request {
	char			 path[4096];
	size_t			 plen;		/* path without the query */
	size_t			 len;		/* with the query so far */
	size_t			 qbase;		/* with the query of the flags */
	struct json_body	*body;
	char			 app[256];
};

/* The value that fills {name} of the path template. */
static const char *
placeholder(struct ctx *c, struct request *rq, const char *name, size_t n)
{
	const struct flag *f;

	if (n == 3 && strncmp(name, "app", 3) == 0 && rq->app[0] != '\0')
		return rq->app;
	if (c->cmd->pos != NULL && strlen(c->cmd->pos) == n &&
	    strncmp(c->cmd->pos, name, n) == 0 && c->npos > 0)
		return c->pos[0];
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->map == M_PATH && strlen(f->key) == n && strncmp(f->key, name, n) == 0)
			return opt(c, f->name);
	return NULL;
}

static enum alter_exit
build_path(struct ctx *c, struct request *rq)
{
	const char *t = endpoints[c->cmd->ep].path, *e, *v;

	rq->len = 0;
	while (*t) {
		if (*t != '{') {
			if (rq->len + 2 >= sizeof(rq->path))
				goto long_path;
			rq->path[rq->len++] = *t++;
			continue;
		}
		e = strchr(t, '}');
		v = placeholder(c, rq, t + 1, (size_t)(e - t - 1));
		/* The app and arguments are checked before: this is a flag (its key). */
		if (v == NULL || *v == '\0')
			return alter_fail(&c->err, AX_USAGE, "'%s' needs --%.*s", c->path,
			    (int)(e - t - 1), t + 1);
		if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, v, strlen(v)) != 0)
			goto long_path;
		t = e + 1;
	}
	rq->path[rq->len] = '\0';
	rq->plen = rq->len;
	return AX_OK;
long_path:
	return alter_fail(&c->err, AX_USAGE, "the request path for '%s' is too long", c->path);
}

static enum alter_exit
add_query(struct ctx *c, struct request *rq, const char *key, const char *value)
{
	if (rq->len + 2 >= sizeof(rq->path))
		goto long_path;
	rq->path[rq->len] = rq->len == rq->plen ? '?' : '&';
	rq->len++;
	if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, key, strlen(key)) != 0 || rq->len + 2 >= sizeof(rq->path))
		goto long_path;
	rq->path[rq->len++] = '=';
	if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, value, strlen(value)) != 0)
		goto long_path;
	return AX_OK;
long_path:
	return alter_fail(&c->err, AX_USAGE, "the query for '%s' is too long", c->path);
}

/* The flag (of this row) that set body key first, to name conflicts. */
static const struct flag *
body_setter(const struct ctx *c, const char *key, const struct flag *before)
{
	const struct flag *f;

	for (f = c->cmd->opts; f != NULL && f->name != NULL && f != before; f++)
		if (f->map >= M_BODY_STR && has(c, f->name) &&
		    strcmp(f->map == M_BODY_TARGET ? "target" : f->key, key) == 0)
			return f;
	return NULL;
}

static enum alter_exit
body_from_flag(struct ctx *c, struct request *rq, const struct flag *f)
{
	const char *v = opt(c, f->name), *key = f->map == M_BODY_TARGET ? "target" : f->key;
	const struct flag *other = body_setter(c, key, f);
	const struct optval *ov;
	enum alter_exit rc = AX_OK;
	char when[32], flag[40], *text = NULL;
	size_t len;
	long secs, n;
	int k, r = 0;

	/* Messages name the flag as typed: "--config", not "config". */
	snprintf(flag, sizeof(flag), "--%s", f->name);
	if (other != NULL)
		return alter_fail(&c->err, AX_USAGE, "--%s and --%s exclude each other",
		    other->name, f->name);
	switch (f->map) {
	case M_BODY_STR:
		r = json_body_set_str(rq->body, key, v);
		break;
	case M_BODY_LIST:
		if (json_body_set_json(rq->body, key, "[]", 2, flag, &c->err) != AX_OK)
			return c->err.code;
		for (const char *s = v, *e;; s = e + 1) {
			char item[512];

			e = strchr(s, ',');
			len = e ? (size_t)(e - s) : strlen(s);
			while (len > 0 && *s == ' ')
				s++, len--;
			while (len > 0 && s[len - 1] == ' ')
				len--;
			if (len == 0 || len >= sizeof(item))
				return alter_fail(&c->err, AX_USAGE, "--%s '%s': empty or overlong entry",
				    f->name, v);
			memcpy(item, s, len);
			item[len] = '\0';
			r |= json_body_push_str(rq->body, key, item);
			if (e == NULL)
				break;
		}
		break;
	case M_BODY_MULTI:
		for (k = 0; (ov = find_val(c, f->name, k)) != NULL; k++)
			r |= json_body_push_str(rq->body, key, ov->v);
		break;
	case M_BODY_INT:
		if ((rc = parse_int(v, f->lo, f->hi, f->name, &n, &c->err)) != AX_OK)
			return rc;
		r = json_body_set_num(rq->body, key, (double)n);
		break;
	case M_BODY_TRUE:
	case M_BODY_FALSE:
		r = json_body_set_bool(rq->body, key, f->map == M_BODY_TRUE);
		break;
	case M_BODY_JSON:
		if (v[0] == '@' || strcmp(v, "-") == 0) {
			if ((rc = read_input(v, flag, INPUT_BODY_MAX, &text, &len, &c->err)) != AX_OK)
				return rc;
			rc = json_body_set_json(rq->body, key, text, len, flag, &c->err);
			free(text);
		} else {
			rc = json_body_set_json(rq->body, key, v, strlen(v), flag, &c->err);
		}
		return rc;
	case M_BODY_SECRET:
		if ((rc = read_secret(c, flag, v, &text)) != AX_OK)
			return rc;
		r = json_body_set_str(rq->body, key, text);
		explicit_bzero(text, strlen(text));
		free(text);
		break;
	case M_BODY_TARGET:
		r = json_body_set_pair(rq->body, key, f->key, v);
		break;
	case M_BODY_EXPIRES:
		alter_parse_duration(v, &secs);
		alter_format_time((long long)time(NULL) + secs, when, sizeof(when));
		r = json_body_set_str(rq->body, key, when);
		break;
	default:
		break;
	}
	if (r != 0)
		return alter_fail(&c->err, AX_ERROR, "out of memory building the request");
	return AX_OK;
}

/* "key=json;key=json": values the server needs that no flag gave (cli.md 5). */
static enum alter_exit
apply_defaults(struct ctx *c, struct request *rq)
{
	const char *s = c->cmd->defaults, *e;
	char buf[64], *val;

	/* The value is parsed from a NUL-terminated copy: cJSON reads up to a NUL. */
	for (; s != NULL && *s; s = *e ? e + 1 : e) {
		e = s + strcspn(s, ";");
		if ((size_t)(e - s) >= sizeof(buf))
			break;
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = '\0';
		if ((val = strchr(buf, '=')) == NULL)
			break;
		*val++ = '\0';
		if (!json_body_has(rq->body, buf) &&
		    json_body_set_json(rq->body, buf, val, strlen(val), buf, &c->err) != AX_OK)
			return c->err.code;
	}
	return AX_OK;
}

static enum alter_exit
build_request(struct ctx *c, struct request *rq)
{
	const struct flag *f;
	enum alter_exit rc;
	char *text;
	size_t len;
	int any = 0;

	if ((rc = build_path(c, rq)) != AX_OK)
		return rc;
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++) {
		const char *v = opt(c, f->name);

		if (v == NULL) {
			if (f->map == M_QUERY_ALWAYS && (rc = add_query(c, rq, f->key, "false")) != AX_OK)
				return rc;
			continue;
		}
		if (f->kind != F_BOOL && (rc = check_value(c, f, v)) != AX_OK)
			return rc;
		if (f->map == M_QUERY)
			rc = add_query(c, rq, f->key, v);
		else if (f->map == M_QUERY_TRUE || f->map == M_QUERY_ALWAYS)
			rc = add_query(c, rq, f->key, "true");
		else if (f->map == M_QUERY_FALSE)
			rc = add_query(c, rq, f->key, "false");
		if (rc != AX_OK)
			return rc;
	}
	if ((c->cmd->flags & APP_FILTER) && opt(c, "app") != NULL &&
	    (rc = add_query(c, rq, "app_id", opt(c, "app"))) != AX_OK)
		return rc;
	/* Standard input can feed one flag only. */
	for (f = c->cmd->opts, len = 0; f != NULL && f->name != NULL; f++)
		if (opt(c, f->name) != NULL && strcmp(opt(c, f->name), "-") == 0 && len++ > 0)
			return alter_fail(&c->err, AX_USAGE, "only one flag can read standard input "
			    "('-'); use @FILE for --%s", f->name);
	/* The body: --input first, then the flags on top of it. */
	if (opt(c, "input") != NULL) {
		if ((rc = read_input(opt(c, "input"), "--input", INPUT_BODY_MAX, &text, &len,
		    &c->err)) != AX_OK)
			return rc;
		rc = json_body_parse(text, len, "--input", &rq->body, &c->err);
		free(text);
		if (rc != AX_OK)
			return rc;
	} else if ((rq->body = json_body_new()) == NULL) {
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	}
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++) {
		if (f->map < M_BODY_STR || !has(c, f->name))
			continue;
		any = 1;
		if ((rc = body_from_flag(c, rq, f)) != AX_OK)
			return rc;
	}
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->required && !has(c, f->name) && (f->map == M_PATH ||
		    !json_body_has(rq->body, f->key)))
			return alter_fail(&c->err, AX_USAGE, "'%s' needs --%s %s", c->path, f->name,
			    f->arg);
	if ((c->cmd->flags & NEEDS_FIELD) && !any && json_body_size(rq->body) == 0)
		return alter_fail(&c->err, AX_USAGE, "'%s' needs at least one field to change; see "
		    "'%s --help'", c->path, c->path);
	return apply_defaults(c, rq);
}

/* ---- confirmation (cli.md 5) ---- */

/* What a destructive command acts on: its argument or its path flag. */
static const char *
target_of(const struct ctx *c)
{
	const struct flag *f;

	if (c->npos > 0)
		return c->pos[0];
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->map == M_PATH && strcmp(f->key, "agent") != 0)
			return opt(c, f->name);
	for (f = c->cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->map == M_PATH)
			return opt(c, f->name);
	return "";
}

static enum alter_exit
confirm(struct ctx *c, struct request *rq)
{
	const char *target = target_of(c), *what = c->cmd->ep == EP_APP_DELETE ? "name" : "slug";
	char answer[TARGET_MAX];
	FILE *tty;
	size_t n;
	int typed = (c->cmd->flags & TYPED_CONFIRM) && !has(c, "confirm");

	if (typed && has(c, "yes"))
		return alter_fail(&c->err, AX_USAGE, "'%s' needs --confirm with the %s to check, "
		    "with --yes", c->path, what);
	if (has(c, "yes"))
		goto done;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return alter_fail(&c->err, AX_USAGE, "'%s' deletes or revokes: pass --yes (there is "
		    "no terminal to ask on)", c->path);
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return alter_fail(&c->err, AX_USAGE, "'%s': cannot open /dev/tty to ask; pass --yes",
		    c->path);
	if (typed)
		fprintf(stderr, "alter: to %s %s, type its %s: ", c->path + 6, target, what);
	else
		fprintf(stderr, "alter: %s %s? [y/N] ", c->path + 6, target);
	fflush(stderr);
	if (fgets(answer, sizeof(answer), tty) == NULL)
		answer[0] = '\0';
	fclose(tty);
	n = strcspn(answer, "\r\n");
	answer[n] = '\0';
	if (typed) {
		/* cli.md 5: what was typed goes to the server, which checks it (409). */
		if (n == 0)
			return alter_fail(&c->err, AX_USAGE, "nothing typed: not confirmed");
		if (json_body_set_str(rq->body, "confirm", answer) != 0)
			return alter_fail(&c->err, AX_ERROR, "out of memory");
		return AX_OK;
	}
	if (strcmp(answer, "y") != 0 && strcmp(answer, "Y") != 0 && strcmp(answer, "yes") != 0)
		return alter_fail(&c->err, AX_USAGE, "not confirmed: nothing done");
done:
	if (has(c, "confirm") && json_body_set_str(rq->body, "confirm", opt(c, "confirm")) != 0)
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	return AX_OK;
}

/* ---- running ---- */

static const char *const formats[] = { "table", "json", "jsonl" };

static enum alter_exit
send_request(struct ctx *c, struct request *rq, struct http_response *r)
{
	const struct endpoint *ep = &endpoints[c->cmd->ep];
	enum alter_exit rc;
	char *text = NULL;
	int with_body = json_body_size(rq->body) > 0;

	if (with_body && (text = json_body_text(rq->body)) == NULL)
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	rc = http_request(&c->http, ep->method, rq->path, text, text ? strlen(text) : 0,
	    ep->scope != NULL, r, &c->err);
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (rc == AX_OK && http_status_exit(r->status) != AX_OK) {
		rc = http_failure(c, ep->method, rq->path, r);
		http_response_free(r);
	}
	return rc;
}

static enum alter_exit
run_list(struct ctx *c, struct request *rq, struct json_out *o)
{
	struct http_response r;
	enum alter_exit rc = AX_OK;
	char cursor[1024] = "", num[32];
	long limit = c->cmd->limit, offset = 0;
	size_t nitems;
	int more, all = has(c, "all");

	if (c->cmd->out != OUT_BARE) {
		if (opt(c, "limit") != NULL &&
		    parse_int(opt(c, "limit"), 1, 1000, "--limit", &limit, &c->err) != AX_OK)
			return AX_USAGE;
		if (opt(c, "offset") != NULL &&
		    parse_int(opt(c, "offset"), 0, INT_MAX, "--offset", &offset, &c->err) != AX_OK)
			return AX_USAGE;
	}
	for (;;) {
		/* Each page: the flags' query, then this page's parameters. */
		rq->len = rq->qbase;
		rq->path[rq->len] = '\0';
		if (c->cmd->out != OUT_BARE) {
			snprintf(num, sizeof(num), "%ld", limit);
			if ((rc = add_query(c, rq, "limit", num)) != AX_OK)
				break;
			if (c->cmd->out == OUT_LIST && offset > 0) {
				snprintf(num, sizeof(num), "%ld", offset);
				rc = add_query(c, rq, "offset", num);
			} else if (c->cmd->out == OUT_CURSOR && cursor[0] != '\0') {
				rc = add_query(c, rq, "cursor", cursor);
			}
			if (rc != AX_OK)
				break;
		}
		if ((rc = send_request(c, rq, &r)) != AX_OK)
			break;
		rc = json_out_page(o, r.body, r.body_len, &nitems, &more, cursor, sizeof(cursor),
		    &c->err);
		http_response_free(&r);
		if (rc != AX_OK || !all || nitems == 0)
			break;
		if (c->cmd->out == OUT_LIST && !more)
			break;
		if (c->cmd->out == OUT_CURSOR && cursor[0] == '\0')
			break;
		if (c->cmd->out == OUT_BARE)
			break;
		offset += (long)nitems;
	}
	if (rc != AX_OK && o->count > 0) {
		char msg[ALTER_ERR_MAX];
		int n = snprintf(msg, sizeof(msg), "stopped after %zu items: ", o->count);

		snprintf(msg + n, sizeof(msg) - (size_t)n, "%.*s", (int)(sizeof(msg) - (size_t)n - 1),
		    c->err.msg);
		memcpy(c->err.msg, msg, sizeof(msg));
		return rc;
	}
	if (rc == AX_OK)
		json_out_end(o);
	return rc;
}

static enum alter_exit
portal_run(struct ctx *c)
{
	struct request rq;
	struct http_response r;
	struct json_out o;
	const char *fmt = opt(c, "output");
	enum alter_exit rc;
	int format, islist = c->cmd->out == OUT_LIST || c->cmd->out == OUT_CURSOR ||
	    c->cmd->out == OUT_BARE;

	memset(&rq, 0, sizeof(rq));
	if (fmt == NULL)
		fmt = islist ? "table" : "json";
	for (format = 0; format < 3 && strcmp(formats[format], fmt) != 0; format++)
		;
	if (format == 3)
		return alter_fail(&c->err, AX_USAGE, "--output '%s' must be table, json or jsonl",
		    fmt);
	if ((rc = json_out_init(&o, stdout, format, opt(c, "fields"), c->cmd->columns,
	    &c->err)) != AX_OK)
		return rc;
	/* The plaintext key is shown once: --fields must not drop it. */
	if ((c->cmd->flags & SHOWS_KEY) && format != FMT_TABLE && o.nfields > 0) {
		size_t k;

		for (k = 0; k < o.nfields && strcmp(o.fields[k], "api_key") != 0; k++)
			;
		if (k == o.nfields)
			return alter_fail(&c->err, AX_USAGE, "--fields must include api_key: '%s' "
			    "shows the new key only once", c->path);
	}
	if ((c->cmd->flags & NEEDS_APP) && (rc = resolve_app(c, rq.app, sizeof(rq.app))) != AX_OK)
		return rc;
	if ((rc = build_request(c, &rq)) != AX_OK)
		goto out;
	rq.qbase = rq.len;
	if ((c->cmd->flags & DESTRUCTIVE) && (rc = confirm(c, &rq)) != AX_OK)
		goto out;
	if (islist) {
		rc = run_list(c, &rq, &o);
		goto out;
	}
	if ((rc = send_request(c, &rq, &r)) != AX_OK)
		goto out;
	if (r.status == 204 || r.body_len == 0) {
		notice(c, "%s %s: done", c->path + 6, target_of(c));
	} else {
		rc = json_out_object(&o, r.body, r.body_len, &c->err);
		if (rc == AX_OK && (c->cmd->flags & SHOWS_KEY))
			notice(c, "the api_key above is shown once: store it now, it cannot be shown "
			    "again");
	}
	if (r.body != NULL)
		explicit_bzero(r.body, r.body_len);
	http_response_free(&r);
out:
	json_body_free(rq.body);
	return rc;
}
