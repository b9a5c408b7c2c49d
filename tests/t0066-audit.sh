#!/bin/sh
test_description='audit: list (cursor pages, filters sent again with each cursor), show a trace'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

start_server many --audit-events 250
portal_server

test_expect_success 'audit list prints the event columns and sends the page size 100' '
	alter audit list >out &&
	echo "ID        CREATED_AT            APP_ID        ACTION           OUTCOME  POLICY_DECISION" >expect &&
	head -n 1 out >header && test_cmp expect header &&
	check_eq 7 "$(wc -l <out)" &&
	grep "^evt_fx_3  *[-0-9T:]*Z  *app_demo  *grant.create  *success  *approval\$" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/audit/events", {"limit": "100"}))
	EOF
'

test_expect_success 'audit list --all walks the cursor pages on one connection, filters sent each time' '
	alter audit list --all --since 24h --base-url https://localhost:$many_PORT -o jsonl >out &&
	check_eq 250 "$(wc -l <out)" &&
	head -n 1 out | grep "^{\"id\":\"evt_000000fa\"," &&
	tail -n 1 out | grep "^{\"id\":\"evt_00000001\"," &&
	SRV=many pycheck <<-\EOF
	eq(len(L), 3)
	eq([r["conn"] for r in L], [L[0]["conn"]] * 3)
	eq([r["seq"] for r in L], [1, 2, 3])
	eq([r["query"]["since"] for r in L], ["24h"] * 3)
	eq([r["query"]["limit"] for r in L], ["100"] * 3)
	eq("cursor" in L[0]["query"], False)
	eq([r["query"]["cursor"] != "" for r in L[1:]], [True, True])
	EOF
'

test_expect_success 'audit list --all -o json is one array of every page' '
	alter audit list --all --limit 100 --base-url https://localhost:$many_PORT -o json \
	    --fields id,trace_id >out &&
	pycheck <<-\EOF
	eq(len(J("out")), 250)
	eq(J("out")[249], {"id": "evt_00000001", "trace_id": "trc_00000000"})
	EOF
'

test_expect_success 'audit list sends --since, --start, --end, --action and --policy-decision' '
	alter audit list --since 7d --start 2026-01-01T00:00:00Z --end 2099-01-01T00:00:00Z \
	    --action grant.create --policy-decision approval -o jsonl --fields id >out &&
	echo "{\"id\":\"evt_fx_3\"}" >expect && test_cmp expect out &&
	pycheck <<-\EOF
	eq(R["query"], {"since": "7d", "start": "2026-01-01T00:00:00Z", "end": "2099-01-01T00:00:00Z",
	    "action": "grant.create", "policy_decision": "approval", "limit": "100"})
	EOF
'

test_expect_success 'audit list --app filters by app; ALTER_APP_ID does not (organisation-wide)' '
	alter audit list --app app_unicode -o jsonl --fields app_id >out &&
	echo "{\"app_id\":\"app_unicode\"}" >expect && test_cmp expect out &&
	pycheck <<-\EOF &&
	eq(R["query"], {"app_id": "app_unicode", "limit": "100"})
	EOF
	ALTER_APP_ID=app_unicode alter audit list -o jsonl >out &&
	check_eq 6 "$(wc -l <out)" &&
	pycheck <<-\EOF
	eq(R["query"], {"limit": "100"})
	EOF
'

for bad in "--since 24x|since" "--since 1y|since" "--start yesterday|start" \
    "--end 2026-01-01|end" "--policy-decision maybe|policy-decision" "--limit 0|limit" \
    "--limit 1001|limit"; do
	args=${bad%|*} name=${bad##*|}
	test_expect_success "audit list $args is exit 2 naming it, before any request" "
		n=\$(nreq) &&
		test_expect_code 2 alter audit list $args 2>err &&
		test_grep '$name' err && no_request_since \$n
	"
done

test_expect_success 'audit list takes no --offset (a cursor list): exit 2' '
	test_expect_code 2 alter audit list --offset 5 2>err && test_grep "offset" err
'

test_expect_success 'audit show prints a trace with its events' '
	alter audit show trc_fx_b >out &&
	pycheck <<-\EOF
	eq((J("out")["trace_id"], len(J("out")["events"])), ("trc_fx_b", 2))
	eq(R["path"], "/v1/audit/traces/trc_fx_b")
	EOF
'

test_expect_success 'audit show of an unknown trace is exit 4' '
	test_expect_code 4 alter audit show trc_nope 2>err && test_grep "HTTP 404" err
'

test_expect_success 'audit list with a token lacking dashboard_audit:read is exit 7 naming it' '
	ALTER_PAT=$T_RULESCREATE test_expect_code 7 alter audit list 2>err &&
	test_grep "dashboard_audit:read" err
'

test_done
