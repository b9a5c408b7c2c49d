/*
 * endpoints.c: the endpoint table of docs/api.md section 3; see endpoints.h.
 */
#include <stddef.h>

#include "endpoints.h"

#define A "/v1/apps/{app}"

const struct endpoint endpoints[EP_COUNT] = {
	[EP_PATS_ME]		= { "GET", "/v1/pats/me", "dashboard_pats:read" },

	[EP_APPS_LIST]		= { "GET", "/v1/apps", "dashboard_apps:read" },
	[EP_APPS_CREATE]	= { "POST", "/v1/apps", "dashboard_apps:write" },
	[EP_APP_GET]		= { "GET", A, "dashboard_apps:read" },
	[EP_APP_UPDATE]		= { "PATCH", A, "dashboard_apps:write" },
	[EP_APP_ARCHIVE]	= { "POST", A "/archive", "dashboard_apps:write" },
	[EP_APP_UNARCHIVE]	= { "POST", A "/unarchive", "dashboard_apps:write" },
	[EP_APP_DELETE]		= { "DELETE", A, "dashboard_apps:delete" },

	[EP_KEYS_LIST]		= { "GET", A "/keys", "dashboard_keys:read" },
	[EP_KEYS_STATS]		= { "GET", A "/keys/statistics", "dashboard_keys:read" },
	[EP_KEYS_MINT]		= { "POST", A "/keys", "dashboard_keys:write" },
	[EP_KEY_GET]		= { "GET", A "/keys/{key}", "dashboard_keys:read" },
	[EP_KEY_ROTATE]		= { "POST", A "/keys/{key}/rotate", "dashboard_keys:write" },
	[EP_KEY_RENAME]		= { "PATCH", A "/keys/{key}", "dashboard_keys:write" },
	[EP_KEY_REVOKE]		= { "POST", A "/keys/{key}/revoke", "dashboard_keys:admin" },

	[EP_AGENTS_LIST]	= { "GET", A "/agents", "dashboard_agents:read" },
	[EP_AGENTS_CREATE]	= { "POST", A "/agents", "dashboard_agents:write" },
	[EP_AGENT_GET]		= { "GET", A "/agents/{agent}", "dashboard_agents:read" },
	[EP_AGENT_UPDATE]	= { "PATCH", A "/agents/{agent}", "dashboard_agents:write" },
	[EP_AGENT_REVOKE]	= { "POST", A "/agents/{agent}/revoke", "dashboard_agents:admin" },
	[EP_AGENT_KEYS]		= { "GET", A "/agents/{agent}/keys", "dashboard_agents:read" },
	[EP_AGENT_MINT_KEY]	= { "POST", A "/agents/{agent}/keys", "dashboard_agents:write" },
	[EP_AGENT_KEY_REVOKE]	= { "POST", A "/agents/{agent}/keys/{key}/revoke",
				    "dashboard_agents:admin" },
	[EP_AGENT_KEY_DEPRECATE] = { "POST", A "/agents/{agent}/keys/{key}/deprecate",
				    "dashboard_agents:write" },
	[EP_AGENT_KEY_UNDEPRECATE] = { "POST", A "/agents/{agent}/keys/{key}/undeprecate",
				    "dashboard_agents:write" },
	[EP_AGENT_AUDIT]	= { "GET", A "/agents/{agent}/audit", "dashboard_audit:read" },

	[EP_CATALOG]		= { "GET", "/v1/providers/catalog", NULL },
	[EP_PROVIDERS_LIST]	= { "GET", A "/providers", "dashboard_providers:read" },
	[EP_PROVIDERS_CREATE]	= { "POST", A "/providers", "dashboard_providers:write" },
	[EP_PROVIDER_GET]	= { "GET", A "/providers/{provider}", "dashboard_providers:read" },
	[EP_PROVIDER_UPDATE]	= { "PATCH", A "/providers/{provider}", "dashboard_providers:write" },
	[EP_PROVIDER_DELETE]	= { "DELETE", A "/providers/{provider}", "dashboard_providers:admin" },

	[EP_TEMPLATES]		= { "GET", A "/managed-secrets/templates", "dashboard_secrets:read" },
	[EP_SECRETS_LIST]	= { "GET", A "/managed-secrets", "dashboard_secrets:read" },
	[EP_SECRETS_CREATE]	= { "POST", A "/managed-secrets", "dashboard_secrets:write" },
	[EP_SECRET_GET]		= { "GET", A "/managed-secrets/{secret}", "dashboard_secrets:read" },
	[EP_SECRET_ROTATE]	= { "POST", A "/managed-secrets/{secret}/rotate",
				    "dashboard_secrets:write" },
	[EP_SECRET_DELETE]	= { "DELETE", A "/managed-secrets/{secret}", "dashboard_secrets:delete" },
	[EP_SECRET_ACCESS]	= { "GET", A "/managed-secrets/{secret}/access",
				    "dashboard_secrets:read" },

	[EP_POLICY_APP]		= { "GET", A "/policy", "dashboard_app_policy:read" },
	[EP_RULES_LIST]		= { "GET", A "/policy/rules", "dashboard_app_policy:read" },
	[EP_RULES_CREATE]	= { "POST", A "/policy/rules", "dashboard_app_policy:rules_create" },
	[EP_RULE_GET]		= { "GET", A "/policy/rules/{rule}", "dashboard_app_policy:read" },
	[EP_RULE_UPDATE]	= { "PATCH", A "/policy/rules/{rule}",
				    "dashboard_app_policy:rules_update" },
	[EP_RULE_DELETE]	= { "DELETE", A "/policy/rules/{rule}",
				    "dashboard_app_policy:rules_delete" },

	[EP_AUDIT_EVENTS]	= { "GET", "/v1/audit/events", "dashboard_audit:read" },
	[EP_AUDIT_TRACE]	= { "GET", "/v1/audit/traces/{trace}", "dashboard_audit:read" },
};
