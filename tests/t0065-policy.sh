#!/bin/sh
test_description='policy: show-app, rules list/get/create/update/delete with the opt-in rules_* scopes'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

test_expect_success 'policy show-app lists the app-level rules (a bare list)' '
	alter policy show-app >out &&
	echo "ID           TYPE          NAME         ENABLED  CREATED_AT" >expect &&
	head -n 1 out >header && test_cmp expect header &&
	check_eq 2 "$(wc -l <out)" && grep "^rul_demo_ip  *ip_allowlist  *office-only  *true  " out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/policy", {}))
	EOF
'

test_expect_success 'policy rules list lists every rule, page size 100' '
	alter policy rules list -o jsonl --fields id >out &&
	check_eq 3 "$(wc -l <out)" &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/policy/rules", {"limit": "100"}))
	EOF
'

test_expect_success 'policy rules get prints a rule' '
	alter policy rules get rul_demo_ip >out &&
	pycheck <<-\EOF
	eq(J("out")["config"], {"cidrs": ["203.0.113.0/24"]})
	eq(R["path"], "/v1/apps/app_demo/policy/rules/rul_demo_ip")
	EOF
'

test_expect_success 'policy rules get of an unknown rule is exit 4' '
	test_expect_code 4 alter policy rules get rul_nope 2>err && test_grep "HTTP 404" err
'

test_expect_success 'policy rules create sends config {} and enabled true by default' '
	alter policy rules create --type time_window --name plain >out &&
	pycheck <<-\EOF
	rule = A["rules"][J("out")["id"]]
	eq(R["body"], {"type": "time_window", "name": "plain", "config": {}, "enabled": True})
	eq((rule["enabled"], rule["config"], rule["target"]), (True, {}, {"kind": "app", "id": "app_demo"}))
	EOF
'

test_expect_success 'policy rules create --disabled --agent --config sends them' '
	alter policy rules create --type ip_allowlist --name agent-rule --disabled --agent agt_demo_svc \
	    --config "{\"cidrs\": [\"10.0.0.0/8\"]}" >out &&
	pycheck <<-\EOF
	rule = A["rules"][J("out")["id"]]
	eq(R["body"], {"type": "ip_allowlist", "name": "agent-rule", "enabled": False,
	    "target": {"kind": "agent", "id": "agt_demo_svc"}, "config": {"cidrs": ["10.0.0.0/8"]}})
	eq((rule["enabled"], rule["target"]["kind"]), (False, "agent"))
	open("rule.id", "w").write(rule["id"])
	EOF
'

test_expect_success 'policy rules create --provider --config @file targets the provider' '
	echo "{\"max\": 5}" >config.json &&
	alter policy rules create --type rate_limit --name prov-rule --provider github \
	    --config @config.json >out &&
	pycheck <<-\EOF
	eq((R["body"]["target"], R["body"]["config"]), ({"kind": "provider", "id": "github"}, {"max": 5}))
	EOF
'

test_expect_success 'policy rules create with two targets is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter policy rules create --type rate_limit --name x --agent a --grant g 2>err &&
	test_grep "exclude each other" err && no_request_since $n
'

test_expect_success 'policy rules create --config with malformed JSON is exit 2 with line and column' '
	n=$(nreq) &&
	printf "{\n  \"max\": 5,\n}" >bad.json &&
	test_expect_code 2 alter policy rules create --type rate_limit --name x --config @bad.json 2>err &&
	test_grep "--config: malformed JSON at line 3, column" err && no_request_since $n
'

test_expect_success 'policy rules create of an unknown type is exit 2 (422)' '
	test_expect_code 2 alter policy rules create --type geo_fence --name x 2>err &&
	test_grep "HTTP 422" err
'

test_expect_success 'the rules_create token can create a rule (its opt-in scope)' '
	ALTER_PAT=$T_RULESCREATE alter policy rules create --type rate_limit --name by-automation >out &&
	pycheck <<-\EOF
	eq((R["headers"]["authorization"], R["status"]), ("Bearer rulescreate", 201))
	eq(A["rules"][J("out")["id"]]["name"], "by-automation")
	EOF
'

test_expect_success 'the rules_create token can read rules (rules_create covers read)' '
	ALTER_PAT=$T_RULESCREATE alter policy rules list >out &&
	grep "^rul_demo_ip " out
'

test_expect_success 'policy rules update with the rules_create token is exit 7 naming rules_update' '
	ALTER_PAT=$T_RULESCREATE test_expect_code 7 alter policy rules update rul_demo_ip --name x 2>err &&
	test_grep "dashboard_app_policy:rules_update" err
'

test_expect_success 'policy rules delete with the rules_create token is exit 7 naming rules_delete' '
	ALTER_PAT=$T_RULESCREATE test_expect_code 7 alter policy rules delete rul_demo_ip --yes 2>err &&
	test_grep "dashboard_app_policy:rules_delete" err &&
	pycheck <<-\EOF
	eq("rul_demo_ip" in A["rules"], True)
	EOF
'

test_expect_success 'policy rules create with the default token is exit 7 naming rules_create' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter policy rules create --type rate_limit --name x 2>err &&
	test_grep "dashboard_app_policy:rules_create" err
'

test_expect_success 'policy rules update --enable --name --config changes the stored rule' '
	alter policy rules update "$(cat rule.id)" --enable --name renamed --config "{\"cidrs\": []}" >out &&
	pycheck <<-\EOF
	rule = A["rules"][open("rule.id").read()]
	eq((R["method"], R["body"]), ("PATCH", {"enabled": True, "name": "renamed", "config": {"cidrs": []}}))
	eq((rule["enabled"], rule["name"], rule["config"]), (True, "renamed", {"cidrs": []}))
	EOF
'

test_expect_success 'policy rules update --disable disables the rule' '
	alter policy rules update "$(cat rule.id)" --disable >out &&
	pycheck <<-\EOF
	eq(R["body"], {"enabled": False})
	eq(A["rules"][open("rule.id").read()]["enabled"], False)
	EOF
'

test_expect_success 'policy rules update with --enable and --disable is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter policy rules update rul_demo_ip --enable --disable 2>err &&
	test_grep "exclude each other" err && no_request_since $n
'

test_expect_success 'policy rules update with no field is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter policy rules update rul_demo_ip 2>err &&
	test_grep "at least one" err && no_request_since $n
'

test_expect_success 'policy rules delete without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter policy rules delete rul_demo_hours </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'policy rules delete --yes deletes the rule: nothing on stdout, a notice on stderr' '
	alter policy rules delete rul_demo_hours --yes >out 2>err &&
	test ! -s out && check_eq 1 "$(wc -l <err)" &&
	pycheck <<-\EOF
	eq((R["method"], R["body"], R["status"]), ("DELETE", None, 204))
	eq("rul_demo_hours" in A["rules"], False)
	EOF
'

test_expect_success 'policy rules list with a revoked token is exit 3' '
	ALTER_PAT=$T_REVOKED test_expect_code 3 alter policy rules list 2>err &&
	test_grep "HTTP 401" err
'

test_done
