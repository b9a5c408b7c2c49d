#!/bin/sh
test_description='apps: list in every output form, paging, create, show, update, archive, delete'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

# 22 more apps: with the 3 of the fixture, 25 with --include-archived.
portal_server --apps 22

test_expect_success 'apps list --all --limit 10 walks 25 apps in three requests on one connection' '
	n=$(nreq) &&
	alter apps list --all --limit 10 --include-archived -o jsonl >out </dev/null &&
	check_eq 25 "$(wc -l <out)" &&
	check_eq 3 $(($(nreq) - n)) &&
	pycheck <<-\EOF
	p = L[-3:]
	eq([r["conn"] for r in p], [p[0]["conn"]] * 3)
	eq([r["seq"] for r in p], [1, 2, 3])
	eq([r["query"].get("offset") for r in p], [None, "10", "20"])
	eq({(r["query"]["limit"], r["query"]["include_archived"]) for r in p}, {("10", "true")})
	EOF
'

test_expect_success 'apps list --all -o json merges every page into one JSON array' '
	alter apps list --all --limit 10 --include-archived -o json >out &&
	pycheck <<-\EOF
	eq(len(J("out")), 25)
	eq((J("out")[0]["id"], J("out")[-1]["name"]), ("app_demo", "app-022"))
	EOF
'

test_expect_success 'apps list prints a table with id, name, archived and created_at' '
	alter apps list >out &&
	head -n 1 out >header &&
	echo "ID                    NAME         ARCHIVED  CREATED_AT" >expect &&
	test_cmp expect header &&
	grep "^app_demo  *demo-app  *false  *2026-01-05T10:00:00Z\$" out &&
	check_eq 25 "$(wc -l <out)"
'

test_expect_success 'apps list sends its default page size 100' '
	alter apps list >out &&
	pycheck <<-\EOF
	eq((R["method"], R["path"], R["query"]), ("GET", "/v1/apps", {"limit": "100"}))
	EOF
'

test_expect_success 'apps list -o json prints the items as an array, not the envelope' '
	alter apps list -o json --limit 2 >out &&
	pycheck <<-\EOF
	eq(type(J("out")), list)
	eq(len(J("out")), 2)
	eq(J("out")[0]["stats"], {"grants": 3, "keys": 3, "api_calls_30d": 1234})
	EOF
'

test_expect_success 'apps list -o jsonl prints one compact item per line' '
	alter apps list -o jsonl --limit 3 >out &&
	check_eq 3 "$(wc -l <out)" &&
	head -n 1 out | grep "^{\"id\":\"app_demo\",\"name\":\"demo-app\",\"description\":" &&
	sed -n 2p out >second &&
	pycheck <<-\EOF
	eq(J("second")["id"], "app_unicode")
	EOF
'

test_expect_success 'apps list --fields id,name keeps those keys in that order' '
	alter apps list -o json --limit 2 --fields "id, name" >out &&
	cat >expect <<-\EOF &&
	[
	  {
	    "id": "app_demo",
	    "name": "demo-app"
	  },
	  {
	    "id": "app_unicode",
	    "name": "café-ümläut"
	  }
	]
	EOF
	test_cmp expect out &&
	alter apps list -o jsonl --limit 1 --fields name,id >out &&
	echo "{\"name\":\"demo-app\",\"id\":\"app_demo\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'apps list --fields with an unknown field is exit 2 naming it' '
	test_expect_code 2 alter apps list -o json --fields id,nope >out 2>err &&
	test ! -s out && test_grep "'\''nope'\''" err
'

test_expect_success 'apps list --fields with a space inside a name is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps list -o json --fields "id,na me" 2>err &&
	test_grep "na me" err && no_request_since $n
'

test_expect_success 'apps list --offset and --no-include-stats go into the query' '
	alter apps list -o jsonl --offset 23 --no-include-stats >out &&
	check_eq 1 "$(wc -l <out)" && test_no_grep "\"stats\"" out &&
	pycheck <<-\EOF
	eq(R["query"], {"include_stats": "false", "limit": "100", "offset": "23"})
	EOF
'

test_expect_success 'apps list --limit outside 1-1000 is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps list --limit 1001 2>err &&
	test_grep "limit" err &&
	test_expect_code 2 alter apps list --limit 0 &&
	no_request_since $n
'

test_expect_success 'apps create sends name, description and website_url; the app is stored' '
	alter apps create --name made-here --description "a test" --website-url https://made.test >out &&
	pycheck <<-\EOF
	eq(R["body"], {"name": "made-here", "description": "a test", "website_url": "https://made.test"})
	eq(S["apps"][J("out")["id"]]["name"], "made-here")
	open("made.id", "w").write(J("out")["id"])
	EOF
'

test_expect_success 'apps create without --name is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps create --description x 2>err &&
	test_grep "needs --name" err && no_request_since $n
'

test_expect_success 'apps create with a taken name is exit 5' '
	test_expect_code 5 alter apps create --name demo-app 2>err &&
	test_grep "HTTP 409" err
'

test_expect_success 'apps show prints the app as a JSON object' '
	alter apps show app_demo >out &&
	pycheck <<-\EOF
	eq((J("out")["id"], J("out")["name"]), ("app_demo", "demo-app"))
	eq((R["method"], R["path"]), ("GET", "/v1/apps/app_demo"))
	EOF
'

test_expect_success 'apps show of an unknown app is exit 4' '
	test_expect_code 4 alter apps show app_nope >out 2>err &&
	test ! -s out && test_grep "HTTP 404" err
'

test_expect_success 'apps update with no field is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps update app_demo 2>err &&
	test_grep "at least one" err && no_request_since $n
'

test_expect_success 'apps update sends only the fields given' '
	alter apps update "$(cat made.id)" --description changed >out &&
	pycheck <<-\EOF
	app = S["apps"][open("made.id").read()]
	eq(R["body"], {"description": "changed"})
	eq((app["description"], app["name"]), ("changed", "made-here"))
	EOF
'

test_expect_success 'apps archive and apps unarchive change the stored app' '
	alter apps archive "$(cat made.id)" >out &&
	pycheck <<-\EOF &&
	eq(S["apps"][open("made.id").read()]["archived"], True)
	EOF
	alter apps unarchive "$(cat made.id)" >out &&
	pycheck <<-\EOF
	eq(S["apps"][open("made.id").read()]["archived"], False)
	eq(R["method"] + " " + R["path"], "POST /v1/apps/%s/unarchive" % open("made.id").read())
	EOF
'

test_expect_success 'apps unarchive of an app that is not archived is exit 5' '
	test_expect_code 5 alter apps unarchive app_demo 2>err &&
	test_grep "not archived" err
'

test_expect_success 'apps create with the readonly token is exit 7 naming dashboard_apps:write' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter apps create --name nope 2>err &&
	test_grep "dashboard_apps:write" err
'

test_expect_success 'apps delete without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter apps delete "$(cat made.id)" --confirm made-here </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'apps delete --yes without --confirm is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter apps delete "$(cat made.id)" --yes 2>err &&
	test_grep "needs --confirm" err && no_request_since $n
'

if command -v script >/dev/null 2>&1; then
	test_expect_success 'apps delete on a terminal asks for the name and sends what was typed' '
		printf "typed-name\n" | test_expect_code 5 script -qec "\"$ALTER\" apps delete $(cat made.id)" /dev/null >tty &&
		test_grep "type its name" tty && test_grep "HTTP 409" tty &&
		pycheck <<-\EOF
		eq((R["method"], R["body"], R["status"]), ("DELETE", {"confirm": "typed-name"}, 409))
		eq(S["apps"][open("made.id").read()]["name"], "made-here")
		EOF
	'
else
	test_skip 'apps delete on a terminal asks for the name and sends what was typed' 'no script(1)'
fi

test_expect_success 'apps delete with the default token is exit 7 naming dashboard_apps:delete' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter apps delete "$(cat made.id)" --yes \
	    --confirm made-here 2>err &&
	test_grep "dashboard_apps:delete" err
'

test_expect_success 'apps delete with the wrong --confirm is exit 5 and the app stays' '
	test_expect_code 5 alter apps delete "$(cat made.id)" --yes --confirm wrong-name 2>err &&
	pycheck <<-\EOF
	eq(R["body"], {"confirm": "wrong-name"})
	eq(S["apps"][open("made.id").read()]["name"], "made-here")
	EOF
'

test_expect_success 'apps delete --yes --confirm NAME deletes: nothing on stdout, a notice on stderr' '
	alter apps delete "$(cat made.id)" --yes --confirm made-here >out 2>err &&
	test ! -s out && check_eq 1 "$(wc -l <err)" &&
	pycheck <<-\EOF
	eq((R["method"], R["body"], R["status"]), ("DELETE", {"confirm": "made-here"}, 204))
	eq(open("made.id").read() in S["apps"], False)
	EOF
'

test_done
