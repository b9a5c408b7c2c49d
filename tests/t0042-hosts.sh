#!/bin/sh
test_description='one stored token per base URL: a token never leaves its host; the
single-entry store migrated; logout of one host; --scopes preflights and the
least-privilege warning (docs/cli.md 2.1, 2.3, 2.4)'
. "$(dirname "$0")/lib.sh"

start_server a
start_server b
use_server a
# Base URLs are given per command (or come from the store default).
unset ALTER_BASE_URL
A=https://localhost:$a_PORT
B=https://localhost:$b_PORT
S=$TRASH/secrets
T_DEFAULT=$(tok default)
for n in full readonly noread default; do
	eval "t=\$T_$(echo $n | tr a-z A-Z)"
	(umask 077 && printf '%s\n' "$t" >"$S/$n")
done
unset t

# authorizations NAME: the Authorization values server NAME received.
authorizations() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["headers"].get("authorization", "(none)"))' "$TRASH/$1.log" 2>/dev/null
}

test_expect_success 'login to A stores the token under A and makes A the default' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	alter auth login --token-file "$S/full" --base-url "$A" >out 2>err &&
	test_grep "default = \"$A\"" "$ALTER_CONFIG_DIR/auth.toml" &&
	test_grep "[\"$A\"]" "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'the stored token is not sent to another base URL: exit 3 naming both' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	ALTER_BASE_URL=$B test_expect_code 3 alter apps list >out 2>err &&
	test_grep "no stored PAT for $B" err && test_grep "stored for: $A" err &&
	test_expect_code 3 alter auth status --base-url "$B" >out 2>err &&
	test_grep "no stored PAT for $B" err &&
	test "$(authorizations b | grep -c Bearer)" = 0 &&
	test ! -s out
'

test_expect_success 'without --base-url the store default is used, with its own token' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	alter auth status >out 2>err &&
	test_grep "API base URL: $A" out && test_grep "Name:         ci-full-access" out &&
	test "$(authorizations a | tail -n 1)" = "Bearer full"
'

test_expect_success 'a base URL written differently (case, :443-free, trailing slash) finds its entry' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	alter auth status --base-url "https://LOCALHOST:$a_PORT/" >out 2>err &&
	test_grep "Name:         ci-full-access" out
'

test_expect_success 'two hosts stored: each used with its own token, the other named' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	alter auth login -q --token-file "$S/readonly" --base-url "$B" >out 2>err &&
	test_grep "default = \"$B\"" "$ALTER_CONFIG_DIR/auth.toml" &&
	alter auth status --base-url "$A" >out 2>err &&
	test_grep "Name:         ci-full-access" out && test_grep "Other hosts:  $B" out &&
	test "$(authorizations a | tail -n 1)" = "Bearer full" &&
	alter auth status >out 2>err &&
	test_grep "API base URL: $B" out && test_grep "Other hosts:  $A" out &&
	test "$(authorizations b | tail -n 1)" = "Bearer readonly" &&
	test "$(authorizations b | grep -c "Bearer full")" = 0 &&
	test "$(authorizations a | grep -c "Bearer readonly")" = 0 &&
	alter auth status -o json >out &&
	python3 -c "import json,sys; d=json.load(open(\"out\")); sys.exit(d[\"other_hosts\"] != [\"$A\"])"
'

test_expect_success 'ALTER_PAT never reads the store: other_hosts is empty, nothing written' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	cksum <"$ALTER_CONFIG_DIR/auth.toml" >sum &&
	ALTER_PAT=$T_DEFAULT alter auth status -o json --base-url "$A" >out &&
	python3 -c "import json,sys; d=json.load(open(\"out\")); sys.exit(d[\"other_hosts\"] != [] or d[\"source\"] != \"ALTER_PAT\")" &&
	cksum <"$ALTER_CONFIG_DIR/auth.toml" | cmp -s - sum
'

# docs/cli.md 1: a base URL with user:password@ is refused before the store
# code names it, and its password is never shown (nor sent anywhere).
test_expect_success 'a base URL with user:password@ is refused, never shown, by the store paths' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	n=$(wc -l <"$TRASH/a.log") &&
	ALTER_BASE_URL="https://me:Hunter2pw@localhost:$a_PORT" \
	    test_expect_code 2 alter apps list >out 2>err &&
	test_grep "must not carry user information" err && test_no_grep Hunter2pw err &&
	test_expect_code 2 alter auth logout --base-url "https://me:Hunter2pw@localhost:$b_PORT" \
	    >out 2>err &&
	test_grep "no user:password@" err && test_no_grep Hunter2pw err &&
	test "$(wc -l <"$TRASH/a.log")" = "$n" &&
	mkdir -p "$TRASH/cfg-ui" && chmod 700 "$TRASH/cfg-ui" &&
	printf "default = \"https://me:Hunter2pw@localhost:%s\"\n\n[\"%s\"]\ntoken = \"%s\"\n" \
	    "$a_PORT" "$A" "$T_DEFAULT" >"$TRASH/cfg-ui/auth.toml" &&
	chmod 600 "$TRASH/cfg-ui/auth.toml" &&
	ALTER_CONFIG_DIR=$TRASH/cfg-ui test_expect_code 3 alter auth status >out 2>err &&
	test_grep "its default is not a base URL" err && test_no_grep Hunter2pw err
'

test_expect_success 'logout of one host leaves the other (and the default goes with it)' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-ab &&
	alter auth logout >out 2>err &&
	test_grep "removed 1 stored PAT of $B" err && test_grep "does not revoke" err &&
	test_no_grep "$B" "$ALTER_CONFIG_DIR/auth.toml" &&
	test_no_grep "default" "$ALTER_CONFIG_DIR/auth.toml" &&
	alter auth status --base-url "$A" >out &&
	test_grep "Name:         ci-full-access" out &&
	alter auth logout --base-url "$B" >out 2>err && test_grep "no stored PAT for $B" err
'

test_expect_success 'logout --all removes every entry' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-all &&
	alter auth login -q --token-file "$S/full" --base-url "$A" &&
	alter auth login -q --token-file "$S/readonly" --base-url "$B" &&
	alter auth logout --all >out 2>err &&
	test_grep "removed 2 stored PATs" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml" &&
	test_expect_code 3 alter auth status >out 2>err && test_grep "not signed in" err
'

test_expect_success 'the single-entry store of earlier versions is read, then migrated at the next login' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-old &&
	mkdir -m 700 "$ALTER_CONFIG_DIR" &&
	(umask 077 && printf "# Alter CLI credentials: plaintext PAT. Keep this file private (mode 0600).\ntoken = \"%s\"\nbase_url = \"%s\"\nsaved_at = \"2026-11-28T00:00:00Z\"\n" \
	    "$T_FULL" "$A" >"$ALTER_CONFIG_DIR/auth.toml") &&
	alter auth status >out 2>err &&
	test_grep "API base URL: $A" out && test_grep "Name:         ci-full-access" out &&
	alter auth login -q --token-file "$S/readonly" --base-url "$B" &&
	test_no_grep "base_url" "$ALTER_CONFIG_DIR/auth.toml" &&
	test_grep "[\"$A\"]" "$ALTER_CONFIG_DIR/auth.toml" &&
	test_grep "[\"$B\"]" "$ALTER_CONFIG_DIR/auth.toml" &&
	alter auth status --base-url "$A" >out && test_grep "Name:         ci-full-access" out
'

test_expect_success 'a group-writable config directory is refused when reading too' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-old &&
	chmod 770 "$ALTER_CONFIG_DIR" &&
	test_expect_code 3 alter auth status >out 2>err &&
	test_grep "writable by group or others" err && test_grep "chmod 700" err &&
	chmod 700 "$ALTER_CONFIG_DIR"
'

# ---- --scopes preflights (docs/cli.md 2.4) ----

test_expect_success 'auth status --scopes: covered is exit 0' '
	ALTER_PAT=$T_READONLY alter auth status --base-url "$A" --scopes dashboard_apps:read,dashboard_keys:read >out 2>err
'

test_expect_success 'auth status --scopes: a missing scope is exit 7 listing it' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter auth status --base-url "$A" \
	    --scopes dashboard_apps:read,dashboard_keys:write,dashboard_audit:read >out 2>err &&
	test_grep "lacks this scope of --scopes: dashboard_keys:write" err
'

test_expect_success 'pats whoami --scopes: two missing are exit 7 listing both' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter pats whoami --base-url "$A" \
	    --scopes dashboard_apps:delete,dashboard_keys:admin >out 2>err &&
	test_grep "dashboard_apps:delete,dashboard_keys:admin" err
'

test_expect_success '--scopes with a token that cannot read itself is exit 7 naming dashboard_pats:read' '
	ALTER_PAT=$T_NOREAD test_expect_code 7 alter auth status --base-url "$A" --scopes dashboard_apps:read >out 2>err &&
	test_grep "needs dashboard_pats:read" err
'

test_expect_success '--scopes with a typo is exit 2 before any request' '
	n=$(wc -l <a.log) &&
	ALTER_PAT=$T_READONLY test_expect_code 2 alter auth status --base-url "$A" --scopes dashboard_aps:read >out 2>err &&
	test "$(wc -l <a.log)" = "$n"
'

test_expect_success '--scopes combines with --min-valid: each can fail the preflight' '
	ALTER_PAT=$T_READONLY alter auth status --base-url "$A" --min-valid 1d --scopes dashboard_apps:read >out &&
	ALTER_PAT=$T_READONLY test_expect_code 3 alter auth status --base-url "$A" --min-valid 36500d \
	    --scopes dashboard_apps:read >out 2>err &&
	ALTER_PAT=$T_READONLY test_expect_code 7 alter auth status --base-url "$A" --min-valid 1d \
	    --scopes dashboard_apps:write >out 2>err
'

# ---- least privilege (docs/cli.md 2.4) ----

test_expect_success 'auth login --scopes warns about the scopes beyond those asked for' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lp &&
	alter auth login --base-url "$A" --token-file "$S/readonly" --scopes dashboard_apps:read,dashboard_keys:read >out 2>err &&
	test_grep "beyond --scopes: dashboard_agents:read,dashboard_providers:read" err &&
	test_no_grep "dashboard_apps:read," err
'

test_expect_success 'auth login --scopes that asks for everything the token has: no warning' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lp &&
	alter auth login --base-url "$A" --token-file "$S/readonly" --scopes "dashboard_apps:read,dashboard_keys:read,dashboard_agents:read,dashboard_providers:read,dashboard_secrets:read,dashboard_app_policy:read,dashboard_audit:read,dashboard_pats:read" >out 2>err &&
	test_no_grep "beyond" err
'

test_expect_success 'auth login --scopes with resource:* covers what it names; write covers read' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lp &&
	alter auth login --base-url "$A" --token-file "$S/default" --scopes "dashboard_apps:*,dashboard_keys:write" >out 2>err &&
	test_grep "beyond --scopes: dashboard_agents:read,dashboard_agents:write," err &&
	test_no_grep "dashboard_apps:write," err && test_no_grep "dashboard_keys:read," err
'

test_expect_success 'auth login --scopes still fails (exit 7) on a missing scope, nothing stored' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lp2 &&
	test_expect_code 7 alter auth login --base-url "$A" --token-file "$S/readonly" --scopes dashboard_apps:write >out 2>err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_done
