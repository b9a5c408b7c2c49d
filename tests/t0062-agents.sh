#!/bin/sh
test_description='agents: list with filters, create, show, update, keys (mint, deprecate, revoke), audit, revoke'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

test_expect_success 'agents list prints the agent columns and sends the page size 50' '
	alter agents list >out &&
	head -n 1 out >header &&
	echo "ID            NAME          DISPLAY_NAME  TYPE     STATUS    CREATED_AT" >expect &&
	test_cmp expect header &&
	grep "^agt_demo_svc  *nightly-sync  *Nightly sync  *service  *inactive  " out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/agents", {"limit": "50"}))
	EOF
'

test_expect_success 'agents list sends --status, --type, --provider and --search' '
	alter agents list --status active,inactive --type agent --provider google --search bot \
	    -o jsonl --fields id >out &&
	echo "{\"id\":\"agt_demo_bot\"}" >expect &&
	test_cmp expect out &&
	pycheck <<-\EOF
	eq(R["query"], {"status": "active,inactive", "type": "agent", "provider": "google",
	    "search": "bot", "limit": "50"})
	EOF
'

test_expect_success 'agents list --status with an unknown status is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter agents list --status active,sleeping 2>err &&
	test_grep "sleeping" err && no_request_since $n
'

test_expect_success 'agents create sends name, display name and type; the agent is stored' '
	alter agents create --name made --display-name "Made here" --type service >out &&
	pycheck <<-\EOF
	eq(R["body"], {"name": "made", "display_name": "Made here", "type": "service"})
	eq(A["agents"][J("out")["id"]]["type"], "service")
	open("made.id", "w").write(J("out")["id"])
	EOF
'

test_expect_success 'agents create --input @file sends the file as the body' '
	echo "{\"name\": \"from-file\", \"scopes\": {\"github\": [\"repo\"]}}" >body.json &&
	alter agents create --input @body.json >out &&
	pycheck <<-\EOF
	eq(R["body"], {"name": "from-file", "scopes": {"github": ["repo"]}})
	eq(A["agents"][J("out")["id"]]["scopes"], {"github": ["repo"]})
	EOF
'

test_expect_success 'agents create with a taken name is exit 5' '
	test_expect_code 5 alter agents create --name demo-bot 2>err && test_grep "HTTP 409" err
'

test_expect_success 'agents show --agent prints the agent' '
	alter agents show --agent agt_demo_bot >out &&
	pycheck <<-\EOF
	eq(J("out")["name"], "demo-bot")
	eq(R["path"], "/v1/apps/app_demo/agents/agt_demo_bot")
	EOF
'

test_expect_success 'agents show of an unknown agent is exit 4' '
	test_expect_code 4 alter agents show --agent agt_nope 2>err && test_grep "HTTP 404" err
'

test_expect_success 'agents update sends --display-name and --metadata as JSON' '
	alter agents update --agent "$(cat made.id)" --display-name Renamed \
	    --metadata "{\"team\": \"ci\", \"n\": 2}" >out &&
	pycheck <<-\EOF
	agent = A["agents"][open("made.id").read()]
	eq((R["method"], R["body"]), ("PATCH", {"display_name": "Renamed", "metadata": {"team": "ci", "n": 2}}))
	eq((agent["display_name"], agent["metadata"]), ("Renamed", {"team": "ci", "n": 2}))
	EOF
'

test_expect_success 'agents update --metadata with malformed JSON is exit 2 naming it with line and column' '
	n=$(nreq) &&
	test_expect_code 2 alter agents update --agent agt_demo_bot --metadata "{\"team\": }" 2>err &&
	test_grep "--metadata: malformed JSON at line 1, column 10" err && no_request_since $n
'

test_expect_success 'agents update with no field is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter agents update --agent agt_demo_bot 2>err &&
	test_grep "at least one" err && no_request_since $n
'

test_expect_success 'agents list-keys prints the agent keys; a bare list sends no limit' '
	alter agents list-keys --agent agt_demo_bot >out &&
	grep "^akey_demo_2  *previous  *alter_ak_77b0  *deprecated  " out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/agents/agt_demo_bot/keys", {}))
	EOF
'

test_expect_success 'agents mint-key prints the plaintext key once, with a note on stderr' '
	alter agents mint-key --agent agt_demo_bot -o jsonl >out 2>err &&
	test_grep "shown once" err &&
	pycheck <<-\EOF
	out = J("out")
	eq(out["api_key"][:9], "alter_ak_")
	eq(A["agents"]["agt_demo_bot"]["keys"][out["key_id"]]["_api_key_sha256"], sha(out["api_key"]))
	EOF
'

test_expect_success 'agents deprecate-key and undeprecate-key change the stored key' '
	alter agents deprecate-key --agent agt_demo_bot --key akey_demo_1 >out &&
	pycheck <<-\EOF &&
	eq(A["agents"]["agt_demo_bot"]["keys"]["akey_demo_1"]["status"], "deprecated")
	EOF
	alter agents undeprecate-key --agent agt_demo_bot --key akey_demo_1 >out &&
	pycheck <<-\EOF
	eq(A["agents"]["agt_demo_bot"]["keys"]["akey_demo_1"]["status"], "active")
	eq(R["path"], "/v1/apps/app_demo/agents/agt_demo_bot/keys/akey_demo_1/undeprecate")
	EOF
'

test_expect_success 'agents undeprecate-key of an active key is exit 5' '
	test_expect_code 5 alter agents undeprecate-key --agent agt_demo_bot --key akey_demo_1 2>err &&
	test_grep "not deprecated" err
'

test_expect_success 'agents revoke-key without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter agents revoke-key --agent agt_demo_svc --key akey_svc_1 </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'agents revoke-key of the last active key is exit 5 without --force' '
	test_expect_code 5 alter agents revoke-key --agent agt_demo_svc --key akey_svc_1 --yes 2>err &&
	test_grep "last active key" err
'

test_expect_success 'agents revoke-key --force sends force and revokes the key' '
	alter agents revoke-key --agent agt_demo_svc --key akey_svc_1 --yes --force >out &&
	pycheck <<-\EOF
	eq(R["body"], {"force": True})
	eq(A["agents"]["agt_demo_svc"]["keys"]["akey_svc_1"]["status"], "revoked")
	EOF
'

test_expect_success 'agents audit lists the actions taken on the agent, page size 100' '
	alter agents audit --agent agt_demo_bot -o jsonl --fields action >out &&
	grep -x "{\"action\":\"agent.key.undeprecate\"}" out &&
	grep -x "{\"action\":\"agent.create\"}" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/agents/agt_demo_bot/audit", {"limit": "100"}))
	eq(len(open("out").readlines()), len(A["agents"]["agt_demo_bot"]["audit"]))
	EOF
'

test_expect_success 'agents revoke without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter agents revoke --agent agt_demo_bot </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'agents revoke --yes revokes the agent and its keys' '
	alter agents revoke --agent agt_demo_bot --yes >out &&
	pycheck <<-\EOF
	agent = A["agents"]["agt_demo_bot"]
	eq(R["path"], "/v1/apps/app_demo/agents/agt_demo_bot/revoke")
	eq(agent["status"], "revoked")
	eq({k["status"] for k in agent["keys"].values()}, {"revoked"})
	EOF
'

test_expect_success 'agents revoke of a revoked agent is exit 5' '
	test_expect_code 5 alter agents revoke --agent agt_demo_bot --yes 2>err && test_grep "HTTP 409" err
'

test_expect_success 'agents create with the readonly token is exit 7 naming dashboard_agents:write' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter agents create --name x 2>err &&
	test_grep "dashboard_agents:write" err
'

test_expect_success 'agents revoke with the default token is exit 7 naming dashboard_agents:admin' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter agents revoke --agent agt_demo_svc --yes 2>err &&
	test_grep "dashboard_agents:admin" err
'

test_done
