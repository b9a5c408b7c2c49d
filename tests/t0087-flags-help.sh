#!/bin/sh
test_description='no flag ignored, -o value, and help that teaches (docs/cli.md 4): -o and
--fields honoured or refused by every command of the tables, help snapshots, alter help
CMD, did you mean'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_app_server

# The command paths of the tables, from the completion script (one a line,
# "" for the root): the script is generated from the tables, so this walks
# them without a list of our own.
"$ALTER" completion bash | sed -n "s/^'\([^']*\)') w=.*/\1/p" | grep -v ' -$' |
    sed 's/^ //' >"$TRASH/paths"
# help_of PATH: alter PATH --help.
help_of() { "$ALTER" $1 --help; }

test_expect_success 'the walk reaches every command of the tables' '
	test $(wc -l <"$TRASH/paths") -gt 60 && grep -qx "keys mint" "$TRASH/paths" && grep -qx "auth login" "$TRASH/paths"
'

# docs/cli.md 4: for each path, one of: a group that only lists its commands
# (its usage on stderr, exit 2), a command that prints no data (refuses -o
# and --fields, exit 2 naming the flag, before anything else), or one that
# honours them (an unknown -o is exit 2 naming the format list; --fields is
# then applied, shown below for the commands that are not portal rows).
test_expect_success 'every command honours -o and --fields or refuses them naming the flag' '
	: >refusing && : >honouring &&
	while read -r p; do
		[ -n "$p" ] || continue
		n=$(nreq)
		"$ALTER" $p -o bogus >out 2>err; rc=$?
		if grep -q "^usage: alter $p COMMAND" err; then
			continue
		elif grep -q "^alter: error: --output does not apply: .alter $p. prints no data\$" err; then
			test_expect_code 2 "$ALTER" $p --fields id 2>err2 >/dev/null &&
			grep -q "^alter: error: --fields does not apply: .alter $p. prints no data\$" err2 ||
			{ echo "# $p refuses -o but not --fields"; return 1; }
			echo "$p" >>refusing
		elif grep -q "^alter: error: --output .bogus. must be table, json, jsonl or value\$" err; then
			echo "$p" >>honouring
		else
			echo "# $p: -o bogus gave exit $rc:"; cat err; return 1
		fi
		test $rc = 2 && test ! -s out && no_request_since $n || { echo "# $p"; return 1; }
	done <"$TRASH/paths" &&
	for p in completion "auth logout" link unlink; do grep -qx "$p" refusing || return 1; done &&
	for p in "auth login" "auth status" "pats whoami" api scopes version "apps list" "keys mint"; do
		grep -qx "$p" honouring || return 1
	done
'

test_expect_success 'auth status and pats whoami honour --fields and -o value' '
	alter auth status -o value --fields name,base_url >out &&
	printf "ci-full-access\t%s\n" "$ALTER_BASE_URL" >expect && test_cmp expect out &&
	alter pats whoami -o json --fields token,name >out &&
	pycheck <<-\EOF
	out = J("out")
	eq(list(out), ["token", "name"])
	eq(out["name"], "ci-full-access")
	EOF
'

test_expect_success 'api keeps top-level keys with --fields, in every format' '
	alter api GET /v1/pats/me --fields name >out &&
	printf "{\n  \"name\": \"ci-full-access\"\n}\n" >expect && test_cmp expect out &&
	alter api GET /v1/pats/me -o value --fields name >out && echo ci-full-access >expect && test_cmp expect out
'

test_expect_success 'scopes and version honour -o and --fields' '
	alter scopes -o value --fields resource,used_by >out &&
	head -n 1 out >first && printf "dashboard_apps\tapps\n" >expect && test_cmp expect first &&
	alter scopes -o json >out && pycheck <<-\EOF &&
	out = J("out")
	eq(out[0], {"resource": "dashboard_apps", "verbs": ["read", "write", "delete"], "used_by": "apps"})
	EOF
	alter version -o value --fields version >out &&
	"$ALTER" version | sed -n "1s/^alter //p" >expect && test_cmp expect out
'

test_expect_success 'the scopes table fits its longest verbs cell: USED BY lines up' '
	alter scopes | sed "/^\$/q" >table && grep -q "rules_delete  policy\$" table &&
	awk "NR == 1 { c = index(\$0, \"USED BY\") }
	    NF && (substr(\$0, c - 1, 1) != \" \" || substr(\$0, c, 1) == \" \") { bad = 1 }
	    END { exit bad }" table
'

test_expect_success 'auth login -o json prints the stored PAT'"'"'s view' '
	printf "%s\n" "$T_FULL" >"$TRASH/secrets/full" && chmod 600 "$TRASH/secrets/full" &&
	(unset ALTER_PAT; ALTER_CONFIG_DIR=$TRASH/cfg-login alter auth login \
	    --token-file "$TRASH/secrets/full" -o json --fields name,source,store_mode >out 2>err) &&
	pycheck <<-EOF
	eq(J("out"), {"name": "ci-full-access", "source": "$TRASH/cfg-login/auth.toml", "store_mode": "0600"})
	EOF
'

# docs/cli.md 4 and README: the one-time key in an image without jq.
test_expect_success 'keys mint -o value --fields api_key > key.txt: the key alone, one line' '
	alter keys mint --name readme --scopes read -o value --fields api_key >key.txt 2>err &&
	test $(wc -l <key.txt) = 1 && grep -qx "alter_rk_[A-Za-z0-9_-]*" key.txt &&
	pycheck <<-EOF
	key = [k for k in A["keys"].values() if k["name"] == "readme"][0]
	eq(key["_api_key_sha256"], sha(open("key.txt").read().rstrip("\n")))
	EOF
'

test_expect_success '-o value of a list: one line per item, fields tab-separated' '
	alter keys list -o value --fields id,status >out &&
	alter keys list -o jsonl --fields id,status >jsonl &&
	"$PYTHON" -c "import json,sys
for l in open(sys.argv[1]): d = json.loads(l); print(d[\"id\"] + \"\\t\" + d[\"status\"])" jsonl >expect &&
	test_cmp expect out && test $(wc -l <out) -gt 1
'

test_expect_success '-o value refuses a value holding a control character, naming the field' '
	id=$(alter apps create --name "$(printf "tab\there")" -o value --fields id) &&
	test_expect_code 1 alter apps show "$id" -o value --fields id,name >out 2>err &&
	test ! -s out && test_grep "'"'"'name'"'"' holds a control character or a tab: use -o json" err
'

test_expect_success '-o value without --fields on an object is exit 2 before any request' '
	n=$(nreq) &&
	test_expect_code 2 alter apps show app_demo -o value 2>err &&
	test_grep "--fields" err && no_request_since $n
'

test_expect_success 'a table never drops the key shown once: -o table --fields id is exit 2' '
	n=$(nreq) &&
	test_expect_code 2 alter keys mint --name lost --scopes read -o table --fields id 2>err &&
	test_grep "api_key" err && no_request_since $n
'

# Help snapshots: tests/help/NAME.txt, byte for byte (regenerate with
# "alter ARGS --help >tests/help/NAME.txt" when a row changes on purpose).
for snap in "root:" "auth:auth" "auth-login:auth login" "keys-mint:keys mint" "api:api" \
    "apps-list:apps list"; do
	name=${snap%%:*} args=${snap#*:}
	test_expect_success "help snapshot: alter${args:+ $args} --help" "
		\"\$ALTER\" $args --help >out && test_cmp \"\$TOP/tests/help/$name.txt\" out
	"
done

test_expect_success 'alter help CMD... is alter CMD... --help, byte for byte' '
	while read -r p; do
		help_of "$p" >want && "$ALTER" help $p >got && cmp -s want got ||
		{ echo "# alter help $p"; return 1; }
	done <"$TRASH/paths"
'

test_expect_success 'every help aligns its flag column and says PAT, never token' '
	while read -r p; do help_of "$p"; done <"$TRASH/paths" >all.txt &&
	grep -e "^  -[a-zA-Z], --" -e "^      --" all.txt >flags && test -s flags &&
	awk "substr(\$0, 33, 1) != \" \" || substr(\$0, 34, 1) == \" \"" flags >misaligned &&
	test ! -s misaligned &&
	sed "s/--token[-a-z]*//g; s/ALTER_PAT//g; s/tokens:[a-z_]*//g" all.txt >words &&
	! grep -iw -e "tokens\{0,1\}" -e "personal access" words
'

test_expect_success 'a non-root help points to alter --help for the global flags' '
	while read -r p; do
		[ -n "$p" ] || continue
		help_of "$p" | tail -n 1 | grep -qx "Global flags: see \`alter --help\`" ||
		{ echo "# $p"; return 1; }
	done <"$TRASH/paths"
'

test_expect_success 'an unknown command suggests the nearest one' '
	test_expect_code 2 alter aps 2>err &&
	test_grep "unknown command '"'"'aps'"'"' for '"'"'alter'"'"'; did you mean '"'"'apps'"'"'?" err &&
	test_expect_code 2 alter keys mnit 2>err && test_grep "did you mean '"'"'mint'"'"'?" err &&
	test_expect_code 2 alter zzzzzzzz 2>err && test_no_grep "did you mean" err
'

test_expect_success 'an unknown flag suggests the nearest one the command takes' '
	test_expect_code 2 alter apps list --lmit 3 2>err &&
	test_grep "unknown flag '"'"'--lmit'"'"' for '"'"'alter apps list'"'"'; did you mean '"'"'--limit'"'"'?" err &&
	test_expect_code 2 alter keys mint --scope read 2>err &&
	test_grep "did you mean '"'"'--scopes'"'"'?" err
'

test_done
