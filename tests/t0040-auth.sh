#!/bin/sh
test_description='the PAT: its channels, verification at login, auth status,
pats whoami, auth logout and the 403 message (docs/cli.md 2.1, 2.2, 2.4)'
. "$(dirname "$0")/lib.sh"

start_server srv
# A server that is started and stopped: its port then refuses connections.
start_server gone
gone_pid=${PIDS##* }
kill "$gone_pid" && wait "$gone_pid" 2>/dev/null
use_server srv
URL=$ALTER_BASE_URL

# The fixture tokens reach alter through files and variables only, never
# argv (printf is a shell builtin): secrets/NAME holds the token, 0600 so
# that no loose-mode warning shows; secrets/NAME.line the line auth.toml
# must hold for it.
for n in full noread readonly expiring revoked expired noexpiry; do
	eval "t=\$T_$(echo $n | tr a-z A-Z)"
	printf '%s\n' "$t" >"$TRASH/secrets/$n"
	printf 'token = "%s"\n' "$t" >"$TRASH/secrets/$n.line"
done
unset t
chmod 600 "$TRASH"/secrets/*
S=$TRASH/secrets

# store_holds DIR NAME: DIR/auth.toml holds fixture token NAME.
store_holds() { grep -q -x -F -f "$S/$2.line" "$1/auth.toml"; }

# json_is FILE KEY=VALUE...: the JSON object in FILE has these top-level
# string members; KEY= means the key is absent.
json_is() {
	python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("# %s is not JSON: %r" % (sys.argv[1], open(sys.argv[1]).read()[:200]))
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    if (k in d) if v == "" else d.get(k) != v:
        sys.exit("# %s is %r, not %r" % (k, d.get(k), v or "absent"))' "$@"
}

# The number of requests the server has seen.
requests() { wc -l <"$TRASH/srv.log"; }

# ---- channels (docs/cli.md 2.2) ----

test_expect_success 'ALTER_PAT is a channel: auth status uses it and writes nothing' '
	ALTER_PAT=$T_FULL alter auth status >out 2>err &&
	test_grep "Source:       ALTER_PAT" out &&
	test_grep "Token:        alter_pat_...abcd" out &&
	test_grep "Name:         ci-full-access" out &&
	test ! -e "$ALTER_CONFIG_DIR"
'

test_expect_success 'ALTER_PAT surrounded by whitespace is trimmed' '
	ALTER_PAT="  $T_FULL
" alter pats whoami >out &&
	test_grep "Name:         ci-full-access" out
'

test_expect_success 'ALTER_PAT holding an API key is exit 2 naming the variable, no request' '
	n=$(requests) &&
	ALTER_PAT=alter_rk_NotAPatProbe5678 test_expect_code 2 alter auth status >out 2>err &&
	test_grep "ALTER_PAT" err && test_grep "API key" err &&
	test_no_grep "NotAPatProbe" err && test ! -s out &&
	test "$(requests)" = "$n"
'

test_expect_success '--token-file with an LF line end logs in' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lf &&
	alter auth login --token-file "$S/full" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success '--token-file with a CRLF line end logs in' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-crlf &&
	tr -d "\n" <"$S/full" >"$S/crlf" && printf "\r\n" >>"$S/crlf" &&
	test "$(tail -c 2 "$S/crlf" | od -An -tx1)" = " 0d 0a" &&
	alter auth login --token-file "$S/crlf" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success '--token-file with no newline at the end logs in' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-nonl &&
	tr -d "\n" <"$S/full" >"$S/nonl" &&
	test "$(tail -c 1 "$S/nonl")" = d &&
	alter auth login --token-file "$S/nonl" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success '--token-file starting with a UTF-8 byte-order mark logs in' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-bom &&
	{ printf "\357\273\277" && cat "$S/full"; } >"$S/bom" &&
	alter auth login --token-file "$S/bom" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success 'a UTF-16 --token-file is exit 2 saying to save it as UTF-8, no request' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-u16 &&
	iconv -f ASCII -t UTF-16 <"$S/full" >"$S/utf16" &&
	n=$(requests) &&
	test_expect_code 2 alter auth login --token-file "$S/utf16" >out 2>err &&
	test_grep "UTF-16" err && test_grep "UTF-8" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml" && test "$(requests)" = "$n"
'

test_expect_success 'a --token-file with a NUL byte is exit 2' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-nul &&
	printf "alter_pat_NulProbe\000Tail1234\n" >"$S/nul" &&
	test_expect_code 2 alter auth login --token-file "$S/nul" >out 2>err &&
	test_grep "UTF-16" err && test_no_grep "NulProbe" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'a --token-file holding two tokens is exit 2' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-two &&
	printf "%s %s\n" "$T_FULL" "$T_NOEXPIRY" >"$S/two" &&
	test_expect_code 2 alter auth login --token-file "$S/two" >out 2>err &&
	test_grep "more than one PAT" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'an API key in --token-file is exit 2 saying it is not a PAT' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-key &&
	echo alter_rk_RuntimeKeyProbe9876 >"$S/apikey" &&
	test_expect_code 2 alter auth login --token-file "$S/apikey" >out 2>err &&
	test_grep "API key, not a PAT" err &&
	test_no_grep "RuntimeKeyProbe" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'an empty --token-file is exit 2' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-empty &&
	: >"$S/empty" &&
	test_expect_code 2 alter auth login --token-file "$S/empty" >out 2>err &&
	test_grep "is empty" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'a missing --token-file is exit 4 naming it' '
	test_expect_code 4 alter auth login --token-file "$S/nosuch" >out 2>err &&
	test_grep "nosuch" err
'

test_expect_success '--token-stdin reads a token piped from echo' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-stdin &&
	echo "$T_FULL" | alter auth login --token-stdin >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success '--token VALUE is exit 2 naming the safe channels, the value unechoed' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-argv &&
	n=$(requests) &&
	test_expect_code 2 alter auth login --token alter_pat_ArgvProbe1234 >out 2>err &&
	test_grep "ALTER_PAT" err && test_grep "--token-file" err &&
	test_grep "--token-stdin" err &&
	test_no_grep "ArgvProbe" err && test ! -s out &&
	test ! -e "$ALTER_CONFIG_DIR" && test "$(requests)" = "$n"
'

test_expect_success '--token=VALUE is refused on any command, the value unechoed' '
	test_expect_code 2 alter pats whoami --token=alter_pat_ArgvProbe1234 >out 2>err &&
	test_grep "--token is refused" err && test_no_grep "ArgvProbe" err
'

# ---- verification at login (docs/cli.md 2.4, docs/api.md "Verifying a token") ----

test_expect_success 'login prints who is signed in: user, org, scopes and expiry' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-who &&
	alter auth login --token-file "$S/full" >out 2>err &&
	test_grep "Signed in to $URL as dev@alter.test (Demo Org) with alter_pat_...abcd" out &&
	test_grep "dashboard_pats:read" out &&
	test_grep "Expires: 2099-01-01T00:00:00Z" out &&
	test_grep "plaintext at $ALTER_CONFIG_DIR/auth.toml" err
'

test_expect_success 'a login answered 401 is exit 3 and stores nothing' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-401 &&
	test_expect_code 3 alter auth login --token-file "$S/revoked" >out 2>err &&
	test_grep "HTTP 401" err && test_grep "nothing stored" err &&
	test_expect_code 3 alter auth login --token-file "$S/expired" >out 2>err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'a token without dashboard_pats:read is stored with scopes unknown' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-noread &&
	alter auth login --token-file "$S/noread" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" noread &&
	test_grep "scopes unknown" out &&
	test_grep "alter_pat_...efgh" out &&
	test_no_grep "Expires" out
'

test_expect_success 'a --scopes typo is exit 2 naming it, before any request' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-typo &&
	n=$(requests) &&
	test_expect_code 2 alter auth login --scopes dashboard_apps:raed \
	    --token-file "$S/full" >out 2>err &&
	test_grep "dashboard_apps:raed" err &&
	test "$(requests)" = "$n" && test ! -e "$ALTER_CONFIG_DIR"
'

test_expect_success '--scopes the token carries (resource:* included) is stored' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-scopesok &&
	alter auth login --scopes "dashboard_apps:read, dashboard_keys:*" \
	    --token-file "$S/full" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full
'

test_expect_success '--scopes naming a scope the token lacks is exit 7 and stores nothing' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lacks &&
	test_expect_code 7 alter auth login --scopes dashboard_apps:read,dashboard_apps:write \
	    --token-file "$S/readonly" >out 2>err &&
	test_grep "lacks this scope: dashboard_apps:write" err &&
	test_grep "nothing stored" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success '--scopes with a token that cannot read itself is exit 7, nothing stored' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lacks2 &&
	test_expect_code 7 alter auth login --scopes dashboard_apps:read \
	    --token-file "$S/noread" >out 2>err &&
	test_grep "dashboard_pats:read" err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_expect_success 'auth login with no channel is exit 2: no browser sign-in, where to mint a PAT' '
	n=$(requests) &&
	test_expect_code 2 alter auth login --dashboard-url https://dash.example >out 2>err &&
	test_grep "browser sign-in is not in this build" err &&
	test_grep "https://dash.example/settings/tokens" err &&
	test_grep "--token-file" err && test_grep "--token-stdin" err &&
	test "$(requests)" = "$n"
'

test_expect_success 'login with ALTER_PAT set stores and warns that ALTER_PAT overrides' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-envset &&
	ALTER_PAT=$T_NOEXPIRY alter auth login --token-file "$S/full" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" full &&
	test_grep "warning: ALTER_PAT is set: it overrides the stored PAT" err
'

# ---- auth status and pats whoami (docs/cli.md 2.4) ----

export ALTER_CONFIG_DIR=$TRASH/cfg-full
alter auth login -q --token-file "$S/full" >/dev/null

test_expect_success 'auth status shows base URL, mask, store path and mode, name, scopes, expiry' '
	alter auth status >out 2>err &&
	test_grep "API base URL: $URL" out &&
	test_grep "Token:        alter_pat_...abcd" out &&
	test_grep "Source:       $ALTER_CONFIG_DIR/auth.toml (mode 0600)" out &&
	test_grep "Name:         ci-full-access" out &&
	test_grep "User:         dev@alter.test" out &&
	test_grep "Org:          Demo Org" out &&
	test_grep "dashboard_apps:delete, dashboard_keys:admin" out &&
	test_grep "Expires:      2099-01-01T00:00:00Z (expires in " out &&
	test_grep "plaintext file store (keychain: not in this build)" out &&
	test ! -s err
'

test_expect_success 'pats whoami shows the same view as auth status' '
	alter auth status >expect && alter pats whoami >actual &&
	test_cmp expect actual
'

test_expect_success 'auth status --output json is the PAT object plus mask, source, mode, base URL' '
	alter auth status --output json >out &&
	json_is out id=pat_full token=alter_pat_...abcd \
	    source="$ALTER_CONFIG_DIR/auth.toml" store_mode=0600 base_url="$URL"
'

test_expect_success 'pats whoami -o json from ALTER_PAT has source ALTER_PAT and no store_mode' '
	ALTER_PAT=$T_READONLY alter pats whoami -o json >out &&
	json_is out id=pat_readonly token=alter_pat_...hijk source=ALTER_PAT store_mode=
'

test_expect_success 'not signed in: auth status and pats whoami are exit 3 saying how to sign in' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-none &&
	test_expect_code 3 alter auth status >out 2>err &&
	test_grep "not signed in" err && test_grep "alter auth login" err &&
	test_expect_code 3 alter pats whoami >out 2>err &&
	test_grep "not signed in" err && test ! -s out
'

test_expect_success 'a revoked token is exit 3 for auth status and pats whoami' '
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter auth status >out 2>err &&
	test_grep "HTTP 401" err &&
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter pats whoami >out 2>err &&
	test_grep "revoked" err
'

test_expect_success 'an expired token is exit 3 for auth status and pats whoami' '
	ALTER_PAT=$T_EXPIRED test_expect_code 3 alter auth status >out 2>err &&
	test_grep "HTTP 401" err &&
	ALTER_PAT=$T_EXPIRED test_expect_code 3 alter pats whoami >out 2>err &&
	test_grep "expired" err
'

test_expect_success 'a token expiring within 7 days shows the days left and a warning' '
	ALTER_PAT=$T_EXPIRING alter auth status >out 2>err &&
	grep -E "^Expires: +[-0-9T:]+Z \(expires in [23] days\)$" out &&
	grep -E "^alter: warning: the PAT alter_pat_...cdef expires in [23] days" err
'

test_expect_success 'a token expiring in years gets no warning' '
	ALTER_PAT=$T_FULL alter auth status >out 2>err &&
	test_no_grep "warning" err
'

test_expect_success 'auth status --min-valid 7d with the expiring token is exit 3 with a reason' '
	ALTER_PAT=$T_EXPIRING test_expect_code 3 alter auth status --min-valid 7d >out 2>err &&
	test_grep "within --min-valid 7d" err &&
	test $(grep -c "error" err) = 1
'

test_expect_success 'auth status --min-valid 2d with the expiring token passes' '
	ALTER_PAT=$T_EXPIRING alter auth status --min-valid 2d >out 2>err
'

test_expect_success 'a token without expiry always passes --min-valid' '
	ALTER_PAT=$T_NOEXPIRY alter auth status --min-valid 36500d >out 2>err &&
	test_grep "Expires:      never" out
'

test_expect_success 'a 403 on auth status is exit 0 with scopes unknown' '
	ALTER_PAT=$T_NOREAD alter auth status >out 2>err &&
	test_grep "Token:        alter_pat_...efgh" out &&
	test_grep "Scopes:       unknown" out
'

test_expect_success 'a 403 on pats whoami is exit 7 naming dashboard_pats:read' '
	ALTER_PAT=$T_NOREAD test_expect_code 7 alter pats whoami >out 2>err &&
	test_grep "Scopes:       unknown" out &&
	test_grep "dashboard_pats:read" err && test_grep "mint a new PAT" err
'

# A store with a token for the server that is gone (printf is a builtin: no argv).
(umask 077 && mkdir -p "$TRASH/cfg-gone" &&
 printf '["https://localhost:%s"]\ntoken = "%s"\n' "$gone_PORT" "$T_FULL" >"$TRASH/cfg-gone/auth.toml")

test_expect_success 'network down: auth status prints the local facts, then exit 1' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-gone &&
	test_expect_code 1 alter auth status --base-url https://localhost:$gone_PORT >out 2>err &&
	test_grep "API base URL: https://localhost:$gone_PORT" out &&
	test_grep "Token:        alter_pat_...abcd" out &&
	test_grep "Source:       $ALTER_CONFIG_DIR/auth.toml (mode 0600)" out &&
	test_grep "localhost:$gone_PORT" err
'

test_expect_success 'network down: auth status -o json prints the local facts, then exit 1' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-gone &&
	test_expect_code 1 alter auth status -o json --base-url https://localhost:$gone_PORT >out 2>err &&
	json_is out token=alter_pat_...abcd source="$ALTER_CONFIG_DIR/auth.toml" \
	    store_mode=0600 base_url="https://localhost:$gone_PORT"
'

test_expect_success 'network down: pats whoami from ALTER_PAT prints the local facts, then exit 1' '
	ALTER_PAT=$T_NOEXPIRY ALTER_BASE_URL=https://localhost:$gone_PORT \
	    test_expect_code 1 alter pats whoami >out 2>err &&
	test_grep "Token:        alter_pat_...ghij" out &&
	test_grep "Source:       ALTER_PAT" out
'

# ---- auth logout (docs/cli.md 2.4) ----

test_expect_success 'auth logout removes the store and says the PAT is not revoked' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-logout &&
	alter auth login -q --token-file "$S/full" >/dev/null &&
	alter auth logout >out 2>err &&
	test ! -e "$ALTER_CONFIG_DIR/auth.toml" &&
	test_grep "does not revoke the PAT" err &&
	test_expect_code 3 alter auth status 2>err &&
	test_grep "not signed in" err
'

test_expect_success 'auth logout is idempotent: exit 0 twice' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-logout2 &&
	alter auth login -q --token-file "$S/full" >/dev/null &&
	alter auth logout 2>err1 && alter auth logout 2>err2 &&
	test_grep "no stored PAT" err2
'

test_expect_success 'auth logout warns that ALTER_PAT is still set' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-logout3 &&
	ALTER_PAT=$T_FULL alter auth logout 2>err &&
	test_grep "warning: ALTER_PAT is still set" err
'

test_expect_success 'auth status --min-valid fails when the token cannot read its expiry' '
	ALTER_PAT=$T_NOREAD test_expect_code 3 alter auth status --min-valid 1d >out 2>err &&
	test_grep "cannot check --min-valid" err
'

# ---- 403 anywhere (docs/cli.md 1) ----

test_expect_success 'a 403 names the missing scope and says to mint a new PAT' '
	ALTER_PAT=$T_NOREAD test_expect_code 7 alter api GET /v1/pats/me >out 2>err &&
	test_grep "dashboard_pats:read" err && test_grep "mint a new PAT" err &&
	test ! -s out
'

test_done
