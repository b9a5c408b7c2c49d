#!/bin/sh
test_description='what a pipeline meets: scopes for every command of the tables,
::add-mask:: before a one-time secret in GitHub Actions, and the messages on the
credential path (401 by source, timeouts by phase, retry notices, the dashboard)'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server
start_server silent --silent
S=$TRASH/secrets
(umask 077 && printf '%s\n' "$T_REVOKED" >"$S/revoked")

# ---- scopes for (docs/cli.md 3) ----

test_expect_success 'scopes for: every command of the help walk gets the scope of its endpoint row' '
	python3 "$TOP/tests/helper/scopes_walk.py" "$ALTER" "$TOP"
'

test_expect_success 'scopes for prints the least set on one line, ready for --scopes' '
	alter scopes for "keys mint" "keys list" "apps list" "audit list" >out &&
	echo "dashboard_keys:write,dashboard_apps:read,dashboard_audit:read" >expect &&
	test_cmp expect out &&
	alter scopes check "$(cat out)"
'

test_expect_success 'scopes for -o json: the list and, per command, its scope' '
	alter scopes for -o json "keys mint" "providers list-catalog" >out &&
	cat >expect <<-\EOF &&
	{
	  "scopes": [
	    "dashboard_keys:write"
	  ],
	  "commands": {
	    "keys mint": "dashboard_keys:write",
	    "providers list-catalog": null
	  }
	}
	EOF
	test_cmp expect out
'

test_expect_success 'scopes for honours -o and --fields like any command (docs/cli.md 4)' '
	alter scopes for -o json --fields scopes "keys mint" "apps list" >out &&
	printf "{\n  \"scopes\": [\n    \"dashboard_keys:write\",\n    \"dashboard_apps:read\"\n  ]\n}\n" >expect &&
	test_cmp expect out &&
	alter scopes for -o table --fields scopes "keys mint" "apps list" >out &&
	test "$(cat out)" = "scopes               dashboard_keys:write,dashboard_apps:read" &&
	test_expect_code 2 alter scopes for -o value "keys mint" >out 2>err && test ! -s out
'

test_expect_success 'scopes for an unknown command is exit 2 suggesting the nearest' '
	test_expect_code 2 alter scopes for "keys mnt" >out 2>err &&
	test_grep "unknown command '"'"'keys mnt'"'"'; did you mean '"'"'keys mint'"'"'?" err &&
	test_expect_code 2 alter scopes for "apps" >out 2>err &&
	test_grep "did you mean '"'"'apps " err
'

# ---- ::add-mask:: (docs/cli.md 4) ----

test_expect_success 'with GITHUB_ACTIONS=true the minted key is masked on stderr before it is printed' '
	GITHUB_ACTIONS=true alter keys mint --name masked --scopes read -o json >out 2>err &&
	key=$(python3 -c "import json; print(json.load(open(\"out\"))[\"api_key\"])") &&
	test -n "$key" &&
	test "$(grep -c "^::add-mask::" err)" = 1 &&
	test "$(sed -n "s/^::add-mask:://p" err)" = "$key" &&
	test_no_grep "add-mask" out &&
	GITHUB_ACTIONS=true alter keys mint --name masked2 --scopes read -o json >both 2>&1 &&
	mask=$(grep -n "^::add-mask::" both | cut -d: -f1) &&
	first=$(grep -n "\"api_key\"" both | cut -d: -f1) &&
	test "$mask" -lt "$first"
'

test_expect_success 'a rotated key is masked too; without GITHUB_ACTIONS=true nothing is' '
	GITHUB_ACTIONS=true alter keys rotate --key key_demo_ci -o json >out2 2>err &&
	test_grep "::add-mask::alter_" err &&
	alter keys mint --name plain --scopes read -o json >out 2>err &&
	test_no_grep "add-mask" err &&
	GITHUB_ACTIONS=false alter keys mint --name plain2 --scopes read -o json >out 2>err &&
	test_no_grep "add-mask" err &&
	GITHUB_ACTIONS=true alter keys list >out 2>err && test_no_grep "add-mask" err
'

# ---- messages on the credential path (docs/cli.md 2.4, docs/api.md 2) ----

test_expect_success 'a 401 with ALTER_PAT is one sentence: mint a new PAT and update ALTER_PAT' '
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter apps list >out 2>err &&
	test "$(wc -l <err)" = 1 &&
	test_grep "HTTP 401: the PAT from ALTER_PAT is invalid, revoked or expired; mint a new PAT at" err &&
	test_grep "and update ALTER_PAT" err &&
	test_no_grep "The token has been revoked" err
'

test_expect_success 'a 401 from the store says to run alter auth login' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-401 &&
	mkdir -m 700 "$ALTER_CONFIG_DIR" &&
	(umask 077 && printf "[\"%s\"]\ntoken = \"%s\"\n" "$ALTER_BASE_URL" "$T_REVOKED" \
	    >"$ALTER_CONFIG_DIR/auth.toml") &&
	(unset ALTER_PAT && test_expect_code 3 alter apps list >out 2>err) &&
	test_grep "the PAT from $ALTER_CONFIG_DIR/auth.toml is invalid" err &&
	test_grep "and run alter auth login" err
'

test_expect_success 'with a non-default base URL and no dashboard URL, advice names no production dashboard' '
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter apps list >out 2>err &&
	test_grep "/settings/tokens on your dashboard (--dashboard-url names it)" err &&
	test_no_grep "portal.alterauth.com" err &&
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter apps list --dashboard-url https://dash.example >out 2>err &&
	test_grep "mint a new PAT at https://dash.example/settings/tokens" err &&
	(unset ALTER_PAT && test_expect_code 2 alter auth login >out 2>err) &&
	test_no_grep "portal.alterauth.com" err
'

test_expect_success 'the default base URL keeps the production dashboard in advice' '
	(unset ALTER_PAT ALTER_BASE_URL && test_expect_code 2 alter auth login >out 2>err) &&
	test_grep "https://portal.alterauth.com/settings/tokens" err
'

test_expect_success 'a TLS handshake that never completes: the phase, the limit and the flag' '
	test_expect_code 1 alter api GET /v1/pats/me --base-url https://localhost:$silent_PORT \
	    --timeout 2 >out 2>err &&
	test_grep "timed out in the TLS handshake with localhost:$silent_PORT after 2 s (--timeout or ALTER_TIMEOUT sets the limit)" err
'

test_expect_success 'an answer that never comes: waiting for the answer, the limit and the flag' '
	test_expect_code 1 alter api GET /_fault/stall --timeout 2 >out 2>err &&
	test_grep "timed out waiting for the answer from localhost:$srv_PORT after 2 s (--timeout or ALTER_TIMEOUT sets the limit)" err
'

test_expect_success 'each retry prints one notice: the wait, the status, the count' '
	ALTER_MAX_RETRIES=2 alter api GET "/_fault/retry/note?status=503&retry_after=1&times=2" >out 2>err &&
	cat >expect <<-\EOF &&
	alter: retrying in 1 s after HTTP 503 (1/2)
	alter: retrying in 1 s after HTTP 503 (2/2)
	EOF
	test_cmp expect err &&
	ALTER_MAX_RETRIES=2 alter -q api GET "/_fault/retry/quiet?status=503&retry_after=1&times=1" >out 2>err &&
	test ! -s err
'

test_done
