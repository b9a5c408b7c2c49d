#!/bin/sh
test_description='output forms (docs/cli.md 4), a page failing under --all, flags anywhere, --help at every level'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

start_server pager --audit-events 3000
pager_PID=$!
portal_server

test_expect_success 'an --output other than table, json or jsonl is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps list -o yaml 2>err &&
	test_grep "yaml" err && no_request_since $n
'

test_expect_success 'a table cuts long values with ... and escapes control characters' '
	long="$(printf "\033[31m")-a-name-that-is-much-longer-than-one-table-column" &&
	alter apps create --name "$long" >/dev/null &&
	alter apps list >out &&
	test_grep "  \\x1b[31m-a-name-that-is-much-longer-t...  false  " out &&
	! grep -q "$(printf "\033")" out
'

test_expect_success 'a table prints UTF-8 from the server as received' '
	alter apps list >out &&
	grep "^app_unicode  *café-ümläut  " out
'

test_expect_success 'json of a list shows control characters escaped, never raw' '
	alter apps show app_unicode -o json >out &&
	test_grep "\\u001b[31mred" out &&
	! grep -q "$(printf "\033")" out
'

test_expect_success 'a single object is pretty JSON by default; jsonl of it is the same' '
	alter apps show app_demo >json &&
	alter apps show app_demo -o jsonl >jsonl &&
	test_cmp json jsonl &&
	test $(wc -l <json) -gt 5
'

test_expect_success 'an empty list is [] in json, nothing in jsonl and a header in a table' '
	alter keys list --app app_unicode -o json >out &&
	echo "[]" >expect && test_cmp expect out &&
	alter keys list --app app_unicode -o jsonl >out && test ! -s out &&
	alter keys list --app app_unicode >out && check_eq 1 "$(wc -l <out)" &&
	grep "^ID  *NAME  *KEY_PREFIX" out
'

test_expect_success '--fields names the columns of a table (docs/cli.md 4)' '
	alter apps list --fields name,id >out &&
	head -n 1 out | grep "^NAME  *ID\$" &&
	test_expect_code 2 alter apps list --fields name,nope 2>err && test_grep "'"'"'nope'"'"'" err
'

test_expect_success '--fields on a single object keeps those keys' '
	alter keys show --app app_demo --key key_demo_ci --fields status,id >out &&
	printf "{\n  \"status\": \"active\",\n  \"id\": \"key_demo_ci\"\n}\n" >expect &&
	test_cmp expect out
'

test_expect_success 'global flags work before and after the command words' '
	alter -o jsonl --fields id apps list --limit 1 >before &&
	alter apps list --limit=1 --output=jsonl --fields=id >after &&
	echo "{\"id\":\"app_demo\"}" >expect &&
	test_cmp expect before && test_cmp expect after
'

test_expect_success 'an unknown flag is exit 2 naming it, before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps list --colour 2>err &&
	test_grep "--colour" err && no_request_since $n
'

test_expect_success 'a flag given twice is exit 2' '
	test_expect_code 2 alter apps list --limit 1 --limit 2 2>err && test_grep "limit" err
'

test_expect_success 'an unknown command is exit 2 naming it' '
	test_expect_code 2 alter keys burn 2>err && test_grep "burn" err
'

for cmd in "" "keys" "keys mint" "policy" "policy rules" "policy rules create" \
    "providers list-catalog" "managed-secrets delete" "audit list" "link"; do
	test_expect_success "alter${cmd:+ $cmd} --help prints its usage on stdout, exit 0" "
		n=\$(nreq) &&
		alter $cmd --help >out 2>err &&
		test ! -s err && head -n 1 out | grep '^usage: alter $cmd' &&
		grep -qi 'global flags' out && no_request_since \$n
	"
done

test_expect_success 'leaf help lists the command flags' '
	alter keys mint -h >out &&
	for f in --cidr --expires-at --expires-in --input --key-type --name --rate-limit-rpm --scopes; do
		grep "^  *$f " out || return 1
	done &&
	alter apps list --help >out &&
	grep "^  *--all " out && grep "^  *--limit N " out && grep "^  *--offset N " out
'

test_expect_success 'group help lists the verbs' '
	alter managed-secrets --help >out &&
	for v in access create delete list rotate show templates; do
		grep "^  $v  " out || return 1
	done
'

test_expect_success 'a group without a verb prints its help on stderr, exit 2' '
	test_expect_code 2 alter agents >out 2>err &&
	test ! -s out && head -n 1 err | grep "^usage: alter agents COMMAND"
'

# docs/cli.md 4: under --all, a later page that fails keeps what was printed.  The
# first page (1000 events, far more than a pipe holds) blocks alter on its
# stdout; the reader then replaces the server by one that answers 404 to
# everything (same port, --prefix), and lets alter go on to the second page.
test_expect_success 'a later page failing under --all keeps the printed items, exits with its code' '
	{ alter audit list --all --limit 1000 -o jsonl --base-url https://localhost:$pager_PORT \
	    2>err; echo $? >rc; } | {
		IFS= read -r first && echo "$first" >got &&
		kill $pager_PID &&
		while [ -e /proc/$pager_PID ] && ! grep -q "^[0-9]* (.*) Z" /proc/$pager_PID/stat; do
			sleep 0.05
		done &&
		start_server gone --port $pager_PORT \
		    --prefix /gone && echo $! >gone.pid &&
		cat >>got
	} &&
	kill $(cat gone.pid) &&
	check_eq 4 "$(cat rc)" &&
	check_eq 1000 "$(wc -l <got)" &&
	tail -n 1 got | grep "^{\"id\":\"evt_000007d1\"," &&
	test_grep "stopped after 1000 items" err && test_grep "HTTP 404" err &&
	SRV=gone pycheck <<-\EOF
	eq(len(L), 1)
	eq((L[0]["path"], L[0]["query"]["limit"], "cursor" in L[0]["query"]), ("/v1/audit/events", "1000", True))
	EOF
'

test_done
