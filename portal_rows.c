/*
 * portal_rows.c: the portal commands of docs/cli.md section 5 (apps, keys,
 * agents, providers, managed-secrets, policy, audit) as rows of data, run
 * by portal_run (portal_run.c): a row names its endpoint, how each flag maps
 * to the path, query or body, its checks, its output kind and table
 * columns.  Data only.
 */
#include <limits.h>
#include <stddef.h>

#include "builtin.h"
#include "cli.h"
#include "endpoints.h"
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

/* A list row: its output kind and the list flags it takes. */
#define PAGED_OFFSET	.out = OUT_LIST, .paging = offset_list_flags
#define PAGED_CURSOR	.out = OUT_CURSOR, .paging = cursor_list_flags

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
	{ "delete", .fn = portal_run, .flags = NEEDS_TOKEN | DESTRUCTIVE | NO_DATA, .confirm = "name",
	  .opts = apps_delete_flags, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "delete an app and everything in it",
	  .ep = EP_APP_DELETE, .pos = "app", .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = NEEDS_TOKEN, .opts = apps_list_flags,
	  .help = "list apps", .ep = EP_APPS_LIST, PAGED_OFFSET, .limit = 100,
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
	  .help = "list the app's runtime API keys", .ep = EP_KEYS_LIST, PAGED_OFFSET,
	  .limit = 200, .columns = KEY_COLS },
	{ "mint", .fn = portal_run, .flags = APPK, .opts = keys_mint_flags,
	  .help = "mint a key (its plaintext is shown once)", .ep = EP_KEYS_MINT,
	  .out = OUT_OBJECT, .defaults = "key_type=\"runtime\"",
	  .shown_once = "api_key",
	  .examples = "alter keys mint --name ci --scopes tokens:exchange -o value --fields api_key"
	  " > key.txt" },
	{ "rename", .fn = portal_run, .flags = APPK, .opts = keys_rename_flags,
	  .help = "rename a key", .ep = EP_KEY_RENAME, .out = OUT_OBJECT },
	{ "revoke", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = keys_revoke_flags,
	  .help = "revoke a key", .ep = EP_KEY_REVOKE,
	  .out = OUT_OBJECT },
	{ "rotate", .fn = portal_run, .flags = APPK, .opts = keys_rotate_flags,
	  .help = "rotate a key (the new plaintext is shown once)", .ep = EP_KEY_ROTATE,
	  .out = OUT_OBJECT, .shown_once = "api_key" },
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
	  .help = "portal actions taken on an agent", .ep = EP_AGENT_AUDIT, PAGED_OFFSET,
	  .limit = 100, .columns = EVENT_COLS },
	{ "create", .fn = portal_run, .flags = APPK, .opts = agents_create_flags,
	  .help = "create an agent", .ep = EP_AGENTS_CREATE, .out = OUT_OBJECT },
	{ "deprecate-key", .fn = portal_run, .flags = APPK, .opts = agents_key_flags,
	  .help = "deprecate an agent key", .ep = EP_AGENT_KEY_DEPRECATE, .out = OUT_OBJECT },
	{ "list", .fn = portal_run, .flags = APPK, .opts = agents_list_flags,
	  .help = "list agents", .ep = EP_AGENTS_LIST, PAGED_OFFSET, .limit = 50,
	  .columns = "id,name,display_name,type,status,created_at" },
	{ "list-keys", .fn = portal_run, .flags = APPK, .opts = agents_agent_flags,
	  .help = "list an agent's keys", .ep = EP_AGENT_KEYS, .out = OUT_BARE,
	  .columns = "key_id,name,key_prefix,status,created_at" },
	{ "mint-key", .fn = portal_run, .flags = APPK, .opts = agents_agent_flags,
	  .help = "mint an agent key (its plaintext is shown once)", .ep = EP_AGENT_MINT_KEY,
	  .out = OUT_OBJECT, .shown_once = "api_key" },
	{ "revoke", .fn = portal_run, .flags = APPK | DESTRUCTIVE, .opts = agents_revoke_flags,
	  .help = "revoke an agent", .ep = EP_AGENT_REVOKE,
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
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE | NO_DATA, .opts = providers_delete_flags,
	  .help = "remove a provider", .ep = EP_PROVIDER_DELETE, .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's providers",
	  .ep = EP_PROVIDERS_LIST, PAGED_OFFSET, .limit = 100,
	  .columns = "provider,status,credential_source,grant_count,created_at" },
	{ "list-catalog", .fn = portal_run, .flags = NEEDS_HTTP,
	  .help = "list the providers Alter supports (no PAT needed)", .ep = EP_CATALOG,
	  PAGED_OFFSET, .limit = 100, .columns = "id,name,default_scopes" },
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
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE | NO_DATA, .confirm = "slug",
	  .opts = secrets_delete_flags, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "delete a secret", .ep = EP_SECRET_DELETE,
	  .pos = "secret", .out = OUT_EMPTY },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's secrets",
	  .ep = EP_SECRETS_LIST, PAGED_OFFSET, .limit = 100,
	  .columns = "id,name,slug,template,created_at" },
	{ "rotate", .fn = portal_run, .flags = APPK, .opts = secrets_rotate_flags, .minpos = 1,
	  .maxpos = 1, .args = "ID", .help = "replace a secret's value", .ep = EP_SECRET_ROTATE,
	  .pos = "secret", .out = OUT_OBJECT },
	{ "show", .fn = portal_run, .flags = APPK, .minpos = 1, .maxpos = 1, .args = "ID",
	  .help = "show a secret (never its value)", .ep = EP_SECRET_GET, .pos = "secret",
	  .out = OUT_OBJECT },
	{ "templates", .fn = portal_run, .flags = APPK, .help = "list secret templates",
	  .ep = EP_TEMPLATES, PAGED_OFFSET, .limit = 100,
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
	  .help = "create a rule",
	  .ep = EP_RULES_CREATE, .out = OUT_OBJECT, .defaults = "config={};enabled=true" },
	{ "delete", .fn = portal_run, .flags = APPK | DESTRUCTIVE | NO_DATA, .opts = rules_delete_flags,
	  .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "delete a rule", .ep = EP_RULE_DELETE, .pos = "rule", .out = OUT_EMPTY },
	{ "get", .fn = portal_run, .flags = APPK, .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "show a rule", .ep = EP_RULE_GET, .pos = "rule", .out = OUT_OBJECT },
	{ "list", .fn = portal_run, .flags = APPK, .help = "list the app's rules",
	  .ep = EP_RULES_LIST, PAGED_OFFSET, .limit = 100, .columns = RULE_COLS },
	{ "update", .fn = portal_run, .flags = APPK | NEEDS_FIELD, .opts = rules_update_flags,
	  .minpos = 1, .maxpos = 1, .args = "RULE",
	  .help = "change a rule", .ep = EP_RULE_UPDATE, .pos = "rule", .out = OUT_OBJECT },
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
	  .ep = EP_AUDIT_EVENTS, PAGED_CURSOR, .limit = 100,
	  .columns = "id,created_at,app_id,action,outcome,policy_decision" },
	{ "show", .fn = portal_run, .flags = NEEDS_TOKEN, .minpos = 1, .maxpos = 1,
	  .args = "TRACE_ID", .help = "one trace and its events", .ep = EP_AUDIT_TRACE,
	  .pos = "trace", .out = OUT_OBJECT },
	{ NULL }
};
