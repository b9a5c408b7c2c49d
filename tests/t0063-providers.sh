#!/bin/sh
test_description='providers: the catalog without a token, list, create (secret from - or @file only), show, update, delete'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

test_expect_success 'providers list-catalog works with no token and sends no Authorization' '
	env -u ALTER_PAT "$ALTER" providers list-catalog >out &&
	head -n 1 out >header &&
	echo "ID      NAME    DEFAULT_SCOPES" >expect && test_cmp expect header &&
	grep "^google  *Google  *openid,email,profile\$" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"], R["status"]), ("/v1/providers/catalog", {"limit": "100"}, 200))
	eq("authorization" in R["headers"], False)
	EOF
'

test_expect_success 'providers list-catalog sends no Authorization even with ALTER_PAT set' '
	alter providers list-catalog -o jsonl --fields id >out &&
	check_eq 4 "$(wc -l <out)" &&
	pycheck <<-\EOF
	eq(R["path"], "/v1/providers/catalog")
	eq("authorization" in R["headers"], False)
	EOF
'

test_expect_success 'providers list prints the provider columns and sends the page size 100' '
	alter providers list >out &&
	head -n 1 out >header &&
	echo "PROVIDER  STATUS  CREDENTIAL_SOURCE  GRANT_COUNT  CREATED_AT" >expect &&
	test_cmp expect header &&
	grep "^google  *active  *custom  *3  " out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/providers", {"limit": "100"}))
	EOF
'

test_expect_success 'providers create reads --client-secret from a file and defaults credential_source' '
	printf "s3cret-value\n" >secrets/client &&
	alter providers create --provider notion --scopes read_content --client-id cid \
	    --client-secret @secrets/client --redirect-uri https://a.test/cb \
	    --redirect-uri https://b.test/cb >out &&
	test_no_grep "s3cret-value" out &&
	pycheck <<-\EOF
	prov = A["providers"]["notion"]
	eq(R["body"], {"provider": "notion", "scopes": ["read_content"], "client_id": "cid",
	    "client_secret": "s3cret-value", "redirect_uris": ["https://a.test/cb", "https://b.test/cb"],
	    "credential_source": "custom"})
	eq(prov["_client_secret_sha256"], sha("s3cret-value"))
	eq(prov["redirect_uris"], ["https://a.test/cb", "https://b.test/cb"])
	EOF
'

test_expect_success 'providers create --client-secret with an inline value is exit 2 and never echoed' '
	n=$(nreq) &&
	test_expect_code 2 alter providers create --provider slack --scopes a \
	    --client-secret inline-s3cret >out 2>err &&
	test_grep "client-secret" err && test_no_grep "inline-s3cret" err &&
	test ! -s out && no_request_since $n
'

test_expect_success 'providers configure (alias of create) reads --client-secret - from stdin' '
	printf "from-stdin" | alter providers configure --provider slack --scopes chat:write \
	    --client-secret - --credential-source shared_dev >out &&
	pycheck <<-\EOF
	prov = A["providers"]["slack"]
	eq((R["method"], R["path"]), ("POST", "/v1/apps/app_demo/providers"))
	eq((prov["credential_source"], prov["_client_secret_sha256"]), ("shared_dev", sha("from-stdin")))
	EOF
'

test_expect_success 'providers create --input @file sends the file as the body' '
	echo "{\"provider\": \"github\", \"scopes\": [\"repo\"]}" >body.json &&
	test_expect_code 5 alter providers create --input @body.json 2>err &&
	pycheck <<-\EOF
	eq(R["body"], {"provider": "github", "scopes": ["repo"], "credential_source": "custom"})
	EOF
'

test_expect_success 'providers create of a provider the app already has is exit 5' '
	test_expect_code 5 alter providers create --provider google --scopes email 2>err &&
	test_grep "already configured" err
'

test_expect_success 'providers create of a provider not in the catalog is exit 2 (422)' '
	test_expect_code 2 alter providers create --provider myspace --scopes a 2>err &&
	test_grep "HTTP 422" err
'

test_expect_success 'providers create --credential-source outside custom|shared_dev is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter providers create --provider slack --scopes a --credential-source own 2>err &&
	test_grep "credential-source" err && no_request_since $n
'

test_expect_success 'providers show --provider prints the provider' '
	alter providers show --provider google >out &&
	pycheck <<-\EOF
	eq((J("out")["provider"], J("out")["grant_count"]), ("google", 3))
	eq(R["path"], "/v1/apps/app_demo/providers/google")
	EOF
'

test_expect_success 'providers show of a provider the app lacks is exit 4' '
	test_expect_code 4 alter providers show --provider notion-x 2>err && test_grep "HTTP 404" err
'

test_expect_success 'providers update sends --status, --scopes and --redirect-uri' '
	alter providers update --provider github --status disabled --scopes repo \
	    --redirect-uri https://x.test/cb >out &&
	pycheck <<-\EOF
	eq(R["body"], {"status": "disabled", "scopes": ["repo"], "redirect_uris": ["https://x.test/cb"]})
	eq((A["providers"]["github"]["status"], A["providers"]["github"]["scopes"]), ("disabled", ["repo"]))
	EOF
'

test_expect_success 'providers update with no field is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter providers update --provider github 2>err &&
	test_grep "at least one" err && no_request_since $n
'

test_expect_success 'providers delete without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter providers delete --provider google </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'providers delete of a provider with grants is exit 5 (force=false sent)' '
	test_expect_code 5 alter providers delete --provider google --yes 2>err &&
	pycheck <<-\EOF
	eq((R["method"], R["query"]), ("DELETE", {"force": "false"}))
	eq("google" in A["providers"], True)
	EOF
'

test_expect_success 'providers delete --force deletes: nothing on stdout, a notice on stderr' '
	alter providers delete --provider google --yes --force >out 2>err &&
	test ! -s out && check_eq 1 "$(wc -l <err)" &&
	pycheck <<-\EOF
	eq((R["query"], R["status"]), ({"force": "true"}, 204))
	eq("google" in A["providers"], False)
	EOF
'

test_expect_success 'providers create with the readonly token is exit 7 naming dashboard_providers:write' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter providers create --provider google --scopes a 2>err &&
	test_grep "dashboard_providers:write" err
'

test_expect_success 'providers delete with the default token is exit 7 naming dashboard_providers:admin' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter providers delete --provider github --yes 2>err &&
	test_grep "dashboard_providers:admin" err
'

test_expect_success 'two flags reading standard input are exit 2 before any request' '
	n=$(nreq) &&
	echo "{}" | test_expect_code 2 alter providers create --provider github --scopes repo \
	    --client-secret - --input - 2>err &&
	test_grep "only one flag can read standard input" err &&
	no_request_since $n
'

test_done
