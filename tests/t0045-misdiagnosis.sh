#!/bin/sh
test_description='each failure class of an answer gets its own exit code and message, for
auth status, pats whoami, auth login, a list and a single object (issue 17; docs/cli.md 1,
2.4, 4)'
. "$(dirname "$0")/lib.sh"

# One server answers every fault: a base URL https://localhost:PORT/_as/NAME makes
# every request of a real command get the answer of /_fault/NAME (refserver.py,
# "FAULTS AS A BASE URL").  "gone" is a port nobody listens on; "badtls" serves
# an expired certificate.
start_server srv
start_server badtls --cert "$PKI/expired.pem" --key "$PKI/expired.key"
# Started last and stopped at once: no server of this file can take its port after.
start_server gone
gone_pid=${PIDS##* }
kill "$gone_pid" && wait "$gone_pid" 2>/dev/null
export ALTER_CA_FILE="$PKI/ca.pem" ALTER_MAX_RETRIES=0
(umask 077 && printf '%s\n' "$T_FULL" >"$TRASH/secrets/pat")

# base_of WHERE: the base URL of a table row.
base_of() {
	case "$1" in
	gone) echo "https://localhost:$gone_PORT" ;;
	badtls) echo "https://localhost:$badtls_PORT" ;;
	*) echo "https://localhost:$srv_PORT/_as/$1" ;;
	esac
}

# check CODE WHAT ERR OUT: exit CODE; a failure is one error line holding WHAT
# (a fixed string) and never blames the token's scopes unless it is a 403.
check() {
	ck_code=$1 ck_what=$2
	if [ "$ck_code" = 0 ]; then
		test ! -s "$3" || { sed 's/^/# /' "$3"; return 1; }
		return 0
	fi
	test "$(grep -c '^alter: error: ' "$3")" = 1 && test_grep "$ck_what" "$3" || return 1
	# docs/cli.md 2.4: a 401 is the PAT's fault: mint a new one (never a scope).
	case "$ck_what" in
	*dashboard_*) ;;
	*401*) test_no_grep "dashboard_pats:read" "$3" && test_grep "mint a new PAT" "$3" ;;
	*) test_no_grep "dashboard_pats:read" "$3" && test_no_grep "mint" "$3" ;;
	esac
}

# run_row NAME WHERE STATUS WHOAMI LOGIN LIST SHOW WHAT: one failure class
# through the five commands.
run_row() {
	b=$(base_of "$2") && what=$(echo "$8" | tr + " ") &&
	ALTER_PAT=$T_FULL test_expect_code "$3" alter auth status --base-url "$b" >st.out 2>st.err &&
	check "$3" "$what" st.err st.out &&
	ALTER_PAT=$T_FULL test_expect_code "$4" alter pats whoami --base-url "$b" >wh.out 2>wh.err &&
	{ [ "$4" = 0 ] || check "$4" "$what" wh.err; } &&
	ALTER_CONFIG_DIR=$TRASH/cfg-$1 test_expect_code "$5" alter auth login \
	    --token-file "$TRASH/secrets/pat" --base-url "$b" >li.out 2>li.err &&
	if [ "$5" = 0 ]; then
		test -f "$TRASH/cfg-$1/auth.toml"
	else
		check "$5" "$what" li.err && test_grep "nothing stored" li.err &&
		test ! -e "$TRASH/cfg-$1/auth.toml" && test ! -s li.out
	fi &&
	ALTER_PAT=$T_FULL test_expect_code "$6" alter apps list --base-url "$b" >ls.out 2>ls.err &&
	check "$6" "$what" ls.err ls.out && { [ "$6" = 0 ] || test ! -s ls.out; } &&
	ALTER_PAT=$T_FULL test_expect_code "$7" alter apps show app_demo --base-url "$b" \
	    >sh.out 2>sh.err &&
	{ [ "$7" = 0 ] || { check "$7" "$what" sh.err && test ! -s sh.out; }; }
}

# The table: failure class, where, exit codes of auth status, pats whoami, auth
# login, apps list, apps show, and what the error line says.  A 2xx that is not
# what was asked for is the server's fault (1), never a missing scope (7).
# In the last column + stands for a space.
while read -r name where st wh li ls sh what; do
	[ -n "$name" ] || continue
	test_expect_success "$name: status $st, whoami $wh, login $li, list $ls, show $sh" "
		run_row '$name' '$where' $st $wh $li $ls $sh '$what'
	"
done <<'EOF'
network-down           gone                1 1 1 1 1 connect
tls-expired-cert       badtls              1 1 1 1 1 certificate
html-200               nonjson/200         1 1 1 1 1 is+not+valid+JSON
json-cut-short-200     bad-json            1 1 1 1 1 is+not+valid+JSON
json-too-deep-200      deep-json           1 1 1 1 1 is+not+valid+JSON
json-not-utf8-200      bad-utf8            1 1 1 1 1 is+not+valid+JSON
empty-200              empty               1 1 1 1 1 the+answer+to+GET
no-content-204         status/204          1 1 1 1 1 the+answer+to+GET
json-array-200         json-array          1 1 1 1 1 is+not+a
json-scalar-items-200  scalar-items        1 1 1 1 0 is+not+a
json-other-object-200  ok                  1 1 1 1 0 is+not+a
pat-bad-expiry-200     pat-bad-expiry      1 1 1 1 0 is+not+a
unauthorized-401       status/401          3 3 3 3 3 HTTP+401
forbidden-403          status/403          0 7 0 7 7 dashboard_
not-found-404          status/404          4 4 4 4 4 HTTP+404
conflict-409           status/409          5 5 5 5 5 HTTP+409
rate-limited-429       status/429          6 6 6 6 6 HTTP+429
server-error-500       status/500          1 1 1 1 1 HTTP+500
unavailable-503        status/503          1 1 1 1 1 HTTP+503
redirect-302           status/302          1 1 1 1 1 redirects+are+not+followed
EOF

test_expect_success 'auth status on a 200 that is not a PAT prints the local lines, then exit 1' '
	b=$(base_of bad-json) &&
	ALTER_PAT=$T_FULL test_expect_code 1 alter auth status --base-url "$b" >out 2>err &&
	cat >expect <<-EOF &&
	API base URL: $b
	Token:        alter_pat_...abcd
	Source:       ALTER_PAT
	EOF
	test_cmp expect out &&
	echo "alter: error: the answer to GET /v1/pats/me is not valid JSON (malformed, nested too deeply or not UTF-8)" >expect &&
	test_cmp expect err
'

test_expect_success 'pats whoami -o json on a 200 that is not a PAT prints nothing on stdout' '
	ALTER_PAT=$T_FULL test_expect_code 1 alter pats whoami -o json \
	    --base-url "$(base_of json-array)" >out 2>err &&
	test ! -s out &&
	test_grep "the answer to GET /v1/pats/me is not a PAT object (not an object)" err
'

test_expect_success 'auth status -o json on a 403 still gives the local facts and exit 0' '
	ALTER_PAT=$T_FULL alter auth status -o json --base-url "$(base_of status/403)" >out &&
	test_grep "\"token\":" out && test_no_grep "\"scopes\"" out
'

test_expect_success 'a 404 on GET /v1/pats/me asks whether the base URL is the API' '
	b=$(base_of status/404) &&
	ALTER_PAT=$T_FULL test_expect_code 4 alter auth status --base-url "$b" >out 2>err &&
	test_grep "; is $b the API base URL?" err
'

test_expect_success 'a list whose has_more is not a boolean is exit 1, not a short list' '
	ALTER_PAT=$T_FULL test_expect_code 1 alter apps list --all \
	    --base-url "$(base_of bad-has-more)" >out 2>err &&
	test ! -s out &&
	test_grep "is not a list (\"has_more\" is not true or false" err
'

test_expect_success 'auth login --token-file - is exit 2 pointing to --token-stdin' '
	test_expect_code 2 alter auth login --token-file - --base-url "https://localhost:$srv_PORT" \
	    <"$TRASH/secrets/pat" >out 2>err &&
	echo "alter: error: --token-file -: use --token-stdin to read the PAT from standard input" >expect &&
	test_cmp expect err && test ! -s out && test ! -e "$ALTER_CONFIG_DIR/auth.toml"
'

test_done
