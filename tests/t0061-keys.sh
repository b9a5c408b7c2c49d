#!/bin/sh
test_description='keys: list, statistics, mint (inputs checked before sending), show, rotate, rename, revoke'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

test_expect_success 'keys list prints the key columns and sends the page size 200' '
	alter keys list >out &&
	head -n 1 out >header &&
	echo "ID                NAME         KEY_PREFIX     KEY_TYPE  STATUS            EXPIRES_AT" >expect &&
	test_cmp expect header &&
	grep "^key_demo_ci  *ci  *alter_rk_c1a2  *runtime  *active  *2099-01-01T00:00:00Z\$" out &&
	pycheck <<-\EOF
	eq((R["path"], R["query"]), ("/v1/apps/app_demo/keys", {"limit": "200"}))
	EOF
'

test_expect_success 'keys list --status sends the status filter' '
	alter keys list --status revoked -o jsonl --fields id,status >out &&
	echo "{\"id\":\"key_demo_revoked\",\"status\":\"revoked\"}" >expect &&
	test_cmp expect out &&
	pycheck <<-\EOF
	eq(R["query"], {"status": "revoked", "limit": "200"})
	EOF
'

test_expect_success 'keys list --status with a value not in the list is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter keys list --status expired 2>err &&
	test_grep "expired" err && no_request_since $n
'

test_expect_success 'keys statistics prints the counts of the app' '
	alter keys statistics >out &&
	pycheck <<-\EOF
	eq(J("out"), {"active": 2, "rotated_in_grace": 1, "total": 4, "max_allowed": 100})
	eq(R["path"], "/v1/apps/app_demo/keys/statistics")
	EOF
'

test_expect_success 'keys mint prints the plaintext key once, with a note on stderr' '
	alter keys mint --name minted --scopes "read, write" >out 2>err &&
	test_grep "shown once" err && test_grep "cannot be shown again" err &&
	pycheck <<-\EOF
	out = J("out")
	key = A["keys"][out["id"]]
	eq(R["body"], {"name": "minted", "scopes": ["read", "write"], "key_type": "runtime"})
	eq(out["api_key"][:9], "alter_rk_")
	eq(key["_api_key_sha256"], sha(out["api_key"]))
	eq((key["key_type"], key["status"]), ("runtime", "active"))
	EOF
'

test_expect_success 'keys mint -o jsonl --fields api_key,id prints the key in that form' '
	alter keys mint --name minted-jsonl --scopes read --key-type agent -o jsonl \
	    --fields api_key,id >out 2>err &&
	test_grep "shown once" err &&
	pycheck <<-\EOF
	out = J("out")
	eq(list(out), ["api_key", "id"])
	eq(out["api_key"][:9], "alter_ak_")
	eq(A["keys"][out["id"]]["_api_key_sha256"], sha(out["api_key"]))
	eq(R["body"]["key_type"], "agent")
	EOF
'

test_expect_success 'keys mint --fields without api_key is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter keys mint --name lost --scopes read -o json --fields id 2>err &&
	test_grep "api_key" err && no_request_since $n
'

test_expect_success 'keys mint -o table shows the key in the table' '
	alter keys mint --name minted-table --scopes read -o table >out 2>err &&
	key=$(sed -n "s/^api_key  *//p" out) &&
	pycheck <<-EOF
	eq(sha("$key"), [k for k in A["keys"].values() if k["name"] == "minted-table"][0]["_api_key_sha256"])
	EOF
'

test_expect_success 'keys mint sends --cidr, --rate-limit-rpm and --expires-in as now + 30 days' '
	before=$(date -u +%s) &&
	alter keys mint --name limited --scopes read --cidr "10.0.0.0/8, 2001:db8::/32" \
	    --rate-limit-rpm 600 --expires-in 30d >out 2>err &&
	after=$(date -u +%s) &&
	pycheck <<-EOF
	import datetime
	b = R["body"]
	eq((b["cidr"], b["rate_limit_rpm"]), (["10.0.0.0/8", "2001:db8::/32"], 600))
	t = datetime.datetime.strptime(b["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
	t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
	eq($before + 30 * 86400 <= t <= $after + 30 * 86400, True)
	eq(A["keys"][J("out")["id"]]["expires_at"], b["expires_at"])
	EOF
'

test_expect_success 'keys mint --expires-at sends the time as given' '
	alter keys mint --name dated --scopes read --expires-at 2099-06-01T12:00:00+02:00 >out 2>err &&
	pycheck <<-\EOF
	eq(R["body"]["expires_at"], "2099-06-01T12:00:00+02:00")
	EOF
'

# Inputs checked before any request (docs/cli.md 5): exit 2 naming the input.
for bad in "--cidr 0.0.0.0/0|0.0.0.0/0" "--cidr ::/0|::/0" "--cidr 10.0.0.0/33|10.0.0.0/33" \
    "--cidr 10.1.2.300|10.1.2.300" "--rate-limit-rpm 0|rate-limit-rpm" \
    "--rate-limit-rpm 100001|rate-limit-rpm" "--rate-limit-rpm 5x|rate-limit-rpm" \
    "--expires-in 30x|expires-in" "--expires-in 0d|expires-in" \
    "--expires-at 2026-02-30T00:00:00Z|expires-at" "--expires-at tomorrow|expires-at" \
    "--key-type admin|key-type" "--scopes a,,b|scopes"; do
	args=${bad%|*} name=${bad##*|}
	test_expect_success "keys mint $args is exit 2 naming it, before any request" "
		n=\$(nreq) &&
		test_expect_code 2 alter keys mint --name k --scopes read $args 2>err &&
		test_grep '$name' err && no_request_since \$n
	"
done

test_expect_success 'keys mint with both --expires-in and --expires-at is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter keys mint --name k --scopes read --expires-in 5m \
	    --expires-at 2099-01-01T00:00:00Z 2>err &&
	test_grep "expires-at" err && test_grep "expires-in" err && no_request_since $n
'

test_expect_success 'keys mint without --scopes is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter keys mint --name k 2>err &&
	test_grep "needs --scopes" err && no_request_since $n
'

test_expect_success 'keys mint --input @file sends the file as the body, defaults added' '
	echo "{\"name\": \"from-file\", \"scopes\": [\"s1\"], \"rate_limit_rpm\": 7}" >body.json &&
	alter keys mint --input @body.json >out 2>err &&
	pycheck <<-\EOF
	eq(R["body"], {"name": "from-file", "scopes": ["s1"], "rate_limit_rpm": 7, "key_type": "runtime"})
	eq(A["keys"][J("out")["id"]]["rate_limit_rpm"], 7)
	EOF
'

test_expect_success 'keys mint --input - reads the body from stdin; a flag overrides it' '
	echo "{\"name\": \"from-stdin\", \"scopes\": [\"s1\"]}" |
	alter keys mint --input - --name overridden >out 2>err &&
	pycheck <<-\EOF
	eq(R["body"], {"name": "overridden", "scopes": ["s1"], "key_type": "runtime"})
	EOF
'

test_expect_success 'keys mint --input with malformed JSON is exit 2 with line and column' '
	n=$(nreq) &&
	printf "{\"name\": \"x\",\n \"scopes\": [s1]}\n" >bad.json &&
	test_expect_code 2 alter keys mint --input @bad.json 2>err &&
	test_grep "input" err && test_grep "line 2, column 13" err && no_request_since $n
'

test_expect_success 'keys mint --input naming a missing file is exit 4' '
	test_expect_code 4 alter keys mint --input @missing.json 2>err &&
	test_grep "missing.json" err
'

test_expect_success 'keys show --key prints the key' '
	alter keys show --key key_demo_ci >out &&
	pycheck <<-\EOF
	eq((J("out")["id"], J("out")["name"]), ("key_demo_ci", "ci"))
	eq(R["path"], "/v1/apps/app_demo/keys/key_demo_ci")
	EOF
'

test_expect_success 'keys show without --key is exit 2' '
	test_expect_code 2 alter keys show 2>err && test_grep "needs --key" err
'

test_expect_success 'keys show of an unknown key is exit 4' '
	test_expect_code 4 alter keys show --key key_nope 2>err && test_grep "HTTP 404" err
'

test_expect_success 'keys rotate prints the new key once; the old one is in grace' '
	alter keys rotate --key key_demo_ci --scopes narrowed >out 2>err &&
	test_grep "shown once" err &&
	pycheck <<-\EOF
	new = A["keys"][J("out")["id"]]
	eq(R["body"], {"scopes": ["narrowed"]})
	eq(A["keys"]["key_demo_ci"]["status"], "rotated_in_grace")
	eq((new["scopes"], new["_api_key_sha256"]), (["narrowed"], sha(J("out")["api_key"])))
	EOF
'

test_expect_success 'keys rotate of a key that is not active is exit 5' '
	test_expect_code 5 alter keys rotate --key key_demo_revoked 2>err && test_grep "HTTP 409" err
'

test_expect_success 'keys rename --name renames the key' '
	alter keys rename --key key_demo_old --name renamed >out &&
	pycheck <<-\EOF
	eq((R["method"], R["body"]), ("PATCH", {"name": "renamed"}))
	eq(A["keys"]["key_demo_old"]["name"], "renamed")
	EOF
'

test_expect_success 'keys revoke without --yes and without a terminal is exit 2 and sends nothing' '
	n=$(nreq) &&
	test_expect_code 2 alter keys revoke --key key_demo_busy </dev/null 2>err &&
	test_grep "pass --yes" err && no_request_since $n
'

if command -v script >/dev/null 2>&1; then
	test_expect_success 'keys revoke on a terminal asks [y/N]; any other answer sends nothing' '
		n=$(nreq) &&
		printf "n\n" | test_expect_code 2 script -qec "\"$ALTER\" keys revoke --key key_demo_old" /dev/null >tty &&
		test_grep "[y/N]" tty && test_grep "not confirmed" tty && no_request_since $n
	'

	test_expect_success 'keys revoke on a terminal revokes after y' '
		printf "y\n" | script -qec "\"$ALTER\" keys revoke --key key_demo_old" /dev/null >tty &&
		pycheck <<-\EOF
		eq(R["path"], "/v1/apps/app_demo/keys/key_demo_old/revoke")
		eq(A["keys"]["key_demo_old"]["status"], "revoked")
		EOF
	'
else
	test_skip 'keys revoke on a terminal asks [y/N]; any other answer sends nothing' 'no script(1)'
	test_skip 'keys revoke on a terminal revokes after y' 'no script(1)'
fi

test_expect_success 'keys revoke of a key in use is exit 5 without --force' '
	test_expect_code 5 alter keys revoke --key key_demo_busy --yes 2>err &&
	pycheck <<-\EOF
	eq(A["keys"]["key_demo_busy"]["status"], "active")
	EOF
'

test_expect_success 'keys revoke --force sends force and revokes the key' '
	alter keys revoke --key key_demo_busy --yes --force >out &&
	pycheck <<-\EOF
	eq((R["path"], R["body"]), ("/v1/apps/app_demo/keys/key_demo_busy/revoke", {"force": True}))
	eq(A["keys"]["key_demo_busy"]["status"], "revoked")
	EOF
'

test_expect_success 'keys mint with the readonly token is exit 7 naming dashboard_keys:write' '
	ALTER_PAT=$T_READONLY test_expect_code 7 alter keys mint --name k --scopes r 2>err &&
	test_grep "dashboard_keys:write" err
'

test_expect_success 'keys revoke with the default token is exit 7 naming dashboard_keys:admin' '
	ALTER_PAT=$T_DEFAULT test_expect_code 7 alter keys revoke --key key_demo_old --yes 2>err &&
	test_grep "dashboard_keys:admin" err
'

test_done
