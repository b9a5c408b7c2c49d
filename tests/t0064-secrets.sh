#!/bin/sh
test_description='managed-secrets: templates, list, create and rotate (value from - or @file only), show, access, delete'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

test_expect_success 'managed-secrets templates lists the templates, page size 100' '
	alter managed-secrets templates >out &&
	head -n 1 out >header &&
	echo "ID            NAME               CREDENTIAL_TYPE" >expect && test_cmp expect header &&
	grep "^stripe  *Stripe secret key  *api_key\$" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/managed-secrets/templates", {"limit": "100"}))
	EOF
'

test_expect_success 'managed-secrets list prints the secret columns, page size 100' '
	alter managed-secrets list >out &&
	head -n 1 out >header &&
	echo "ID               NAME             SLUG             TEMPLATE  CREATED_AT" >expect &&
	test_cmp expect header &&
	grep "^sec_demo_stripe  *Stripe live key  *stripe-live-key  *stripe  " out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/managed-secrets", {"limit": "100"}))
	EOF
'

test_expect_success 'managed-secrets create reads the value from @file, one CRLF removed, bytes kept' '
	printf " sk_live value\t\r\n" >secrets/value &&
	alter managed-secrets create --name "Made Here" --credential-value @secrets/value \
	    --template stripe >out &&
	test_no_grep "sk_live" out &&
	pycheck <<-\EOF
	sec = A["secrets"][J("out")["id"]]
	eq((R["body"]["name"], R["body"]["template"]), ("Made Here", "stripe"))
	eq((sec["slug"], sec["_credential_sha256"]), ("made-here", sha(" sk_live value\t")))
	open("made.id", "w").write(sec["id"])
	EOF
'

test_expect_success 'managed-secrets create reads --credential-value - from stdin' '
	printf "piped\n\n" | alter managed-secrets create --name piped --credential-value - >out &&
	pycheck <<-\EOF
	eq(A["secrets"][J("out")["id"]]["_credential_sha256"], sha("piped\n"))
	EOF
'

test_expect_success 'managed-secrets create with an inline value is exit 2 and never echoed' '
	n=$(nreq) &&
	test_expect_code 2 alter managed-secrets create --name x --credential-value sk_inline_v4lue \
	    >out 2>err &&
	test_grep "credential-value" err && test_no_grep "sk_inline_v4lue" err &&
	test ! -s out && no_request_since $n
'

test_expect_success 'managed-secrets create with a UTF-16 file is exit 2 before any request' '
	n=$(nreq) &&
	printf "\377\376s\000k\000" >secrets/utf16 &&
	test_expect_code 2 alter managed-secrets create --name x --credential-value @secrets/utf16 2>err &&
	test_grep "UTF-16" err && no_request_since $n
'

test_expect_success 'managed-secrets create with a value over 64 KiB is exit 2 before any request' '
	n=$(nreq) &&
	head -c 65537 /dev/zero | tr "\000" x >secrets/big &&
	test_expect_code 2 alter managed-secrets create --name x --credential-value @secrets/big 2>err &&
	test_grep "credential-value" err && no_request_since $n
'

test_expect_success 'managed-secrets create naming a missing file is exit 4' '
	test_expect_code 4 alter managed-secrets create --name x --credential-value @secrets/none 2>err &&
	test_grep "secrets/none" err
'

test_expect_success 'managed-secrets create with a slug the app has is exit 5' '
	printf v >secrets/v &&
	test_expect_code 5 alter managed-secrets create --name "Stripe live key" \
	    --credential-value @secrets/v 2>err &&
	test_grep "HTTP 409" err
'

test_expect_success 'managed-secrets show prints the secret, never its value' '
	alter managed-secrets show sec_demo_stripe >out &&
	pycheck <<-\EOF
	eq(J("out")["slug"], "stripe-live-key")
	eq([k for k in J("out") if "value" in k or "credential" in k], [])
	eq(R["path"], "/v1/apps/app_demo/managed-secrets/sec_demo_stripe")
	EOF
'

test_expect_success 'managed-secrets show of an unknown secret is exit 4' '
	test_expect_code 4 alter managed-secrets show sec_nope 2>err && test_grep "HTTP 404" err
'

test_expect_success 'managed-secrets rotate replaces the stored value' '
	printf "rotated\n" >secrets/new &&
	alter managed-secrets rotate sec_demo_stripe --credential-value @secrets/new >out &&
	pycheck <<-\EOF
	sec = A["secrets"]["sec_demo_stripe"]
	eq(R["path"], "/v1/apps/app_demo/managed-secrets/sec_demo_stripe/rotate")
	eq(sec["_credential_sha256"], sha("rotated"))
	eq(J("out")["rotated_at"], sec["rotated_at"])
	EOF
'

test_expect_success 'managed-secrets access lists who can use a secret (a bare list)' '
	alter managed-secrets access sec_demo_stripe >out &&
	echo "KIND   ID            NAME" >expect && head -n 1 out >header && test_cmp expect header &&
	grep "^agent  *agt_demo_bot  *demo-bot\$" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/managed-secrets/sec_demo_stripe/access", {}))
	EOF
'

test_expect_success 'managed-secrets delete without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter managed-secrets delete sec_demo_stripe --confirm stripe-live-key \
	    </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

test_expect_success 'managed-secrets delete --yes without --confirm is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter managed-secrets delete sec_demo_stripe --yes 2>err &&
	test_grep "needs --confirm" err && no_request_since $n
'

test_expect_success 'managed-secrets delete with the default token is exit 7 naming dashboard_secrets:delete' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter managed-secrets delete sec_demo_stripe --yes \
	    --confirm stripe-live-key 2>err &&
	test_grep "dashboard_secrets:delete" err
'

test_expect_success 'managed-secrets delete with the wrong slug is exit 5 and the secret stays' '
	test_expect_code 5 alter managed-secrets delete sec_demo_stripe --yes --confirm stripe 2>err &&
	pycheck <<-\EOF
	eq(R["body"], {"confirm": "stripe"})
	eq("sec_demo_stripe" in A["secrets"], True)
	EOF
'

test_expect_success 'managed-secrets delete --confirm SLUG deletes: nothing on stdout, a notice on stderr' '
	alter managed-secrets delete sec_demo_stripe --yes --confirm stripe-live-key >out 2>err &&
	test ! -s out && check_eq 1 "$(wc -l <err)" &&
	pycheck <<-\EOF
	eq((R["method"], R["body"], R["status"]), ("DELETE", {"confirm": "stripe-live-key"}, 204))
	eq("sec_demo_stripe" in A["secrets"], False)
	EOF
'

test_expect_success 'managed-secrets create with the readonly token is exit 7 naming dashboard_secrets:write' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter managed-secrets create --name x \
	    --credential-value @secrets/v 2>err &&
	test_grep "dashboard_secrets:write" err
'

test_done
