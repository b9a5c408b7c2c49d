#!/bin/sh
test_description='the output library through the binary (docs/cli.md 4): JSON byte for byte as
JSON.stringify(v, null, 2) prints it, numbers with the digits the server sent, tables in
display columns'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_server
# A second server answering every path with a list page of tricky values.
start_server tricky --cert "$PKI/good.pem" --key "$PKI/good.key" --fault-all exact/page
TRICKY=https://localhost:$tricky_PORT

# golden PATH...: the server's own bodies for PATH (fetched by Python, not
# by alter) laid out by json.dumps(indent=2, ensure_ascii=False), which is
# JSON.stringify(v, null, 2) for these values (no float is rewritten: the
# fixture's numbers are integers; checked against node when written).
# "items:PATH..." merges the items of the pages; "raw:PATH" keeps every
# number as the server wrote it.
GOLDEN='import json, os, re, ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=os.environ["ALTER_CA_FILE"])
def get(path):
    rq = urllib.request.Request(os.environ.get("BASE", os.environ["ALTER_BASE_URL"]) + path,
        headers={"Authorization": "Bearer " + os.environ["ALTER_PAT"],
                 "User-Agent": "alter/golden", "Accept": "application/json"})
    return urllib.request.urlopen(rq, context=ctx).read().decode("utf-8")
mode, paths = sys.argv[1], sys.argv[2:]
if mode == "raw":
    body = get(paths[0])
    nums = []
    def keep(text):
        nums.append(text)
        return "\0%d" % (len(nums) - 1)
    v = json.loads(body, parse_int=keep, parse_float=keep, parse_constant=keep)
    out = json.dumps(v, indent=2, ensure_ascii=False)
    out = re.sub(r"\"\\u0000(\d+)\"", lambda m: nums[int(m.group(1))], out)
elif mode == "items":
    v = [it for p in paths for it in json.loads(get(p))["items"]]
    out = json.dumps(v, indent=2, ensure_ascii=False)
else:
    out = json.dumps(json.loads(get(paths[0])), indent=2, ensure_ascii=False)
sys.stdout.write(out + "\n")
'
golden() { "$PYTHON" -c "$GOLDEN" "$@"; }

test_expect_success 'the golden layout is JSON.stringify'"'"'s for these values (node, when present)' '
	if command -v node >/dev/null 2>&1; then
		golden json /v1/apps/app_demo >py &&
		golden json /v1/apps/app_demo | node -e "
			let s = \"\"; process.stdin.on(\"data\", d => s += d).on(\"end\", () =>
			process.stdout.write(JSON.stringify(JSON.parse(s), null, 2) + \"\\n\"))" >node &&
		test_cmp py node
	fi
'

test_expect_success 'a single object is JSON.stringify(v, null, 2) byte for byte' '
	alter apps show app_demo >out &&
	golden json /v1/apps/app_demo >expect &&
	test_cmp expect out &&
	alter keys show --app app_demo --key key_demo_ci >out &&
	golden json /v1/apps/app_demo/keys/key_demo_ci >expect &&
	test_cmp expect out
'

test_expect_success 'a list in json is one array of the items, same layout' '
	alter keys list --app app_demo -o json >out &&
	golden items "/v1/apps/app_demo/keys?limit=200" >expect &&
	test_cmp expect out &&
	grep -q "^  {\$" out
'

test_expect_success 'a list under --all is one array streamed over every page' '
	alter apps create --name third-app >/dev/null &&
	alter apps list --all --limit 1 -o json >out &&
	golden items "/v1/apps?limit=1" "/v1/apps?limit=1&offset=1" "/v1/apps?limit=1&offset=2" >expect &&
	test_cmp expect out &&
	check_eq 3 "$(grep -c "^  {\$" out)"
'

test_expect_success 'alter api prints the envelope in the same layout' '
	alter api GET /v1/apps/app_demo/keys >out &&
	golden json /v1/apps/app_demo/keys >expect &&
	test_cmp expect out
'

test_expect_success 'alter api keeps every number as the server wrote it' '
	alter api GET /_fault/exact/object >out &&
	golden raw /_fault/exact/object >expect &&
	test_cmp expect out &&
	grep -q "^  \"big\": 12345678901234567890,\$" out &&
	for n in 12345678901234567890 -98765432109876543210987654321 1e400 -0.0 1E+2 2.50 \
	    -5e-324 0.1000000000000000055511151231257827021181583404541015625; do
		grep -q "^    $n,\$" out || return 1
	done
'

test_expect_success 'numbers as received in a table and in jsonl' '
	alter apps list --base-url $TRICKY >out &&
	grep "^n1 .*  12345678901234567890  0\.1000000000000000055511151231[0-9]*\.\.\.\$" out &&
	grep "^n2 .*  -0\.0 \{18\}1e400\$" out &&
	grep "^n3 .*  1E+2 \{18\}2\.50\$" out &&
	alter apps list --base-url $TRICKY -o jsonl --fields archived,created_at >out &&
	cat >expect <<-\EOF &&
	{"archived":12345678901234567890,"created_at":0.1000000000000000055511151231257827021181583404541015625}
	{"archived":-0.0,"created_at":1e400}
	{"archived":1E+2,"created_at":2.50}
	EOF
	test_cmp expect out
'

# width PYTHON: the display width rule of docs/cli.md 4 (Unicode data of Python).
WIDTH='import re, sys, unicodedata as u
def w(s):
    return sum(0 if u.category(c) in ("Mn", "Me", "Cf") or 0x1160 <= ord(c) <= 0x11ff
               else 2 if u.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
cols = [m.start() for m in re.finditer(r"(?<=  )\S|^\S", lines[0])]
for line in lines:
    if line != line.rstrip(" "):
        sys.exit("# trailing spaces: %r" % line)
    starts = [w(line[:m.start()]) for m in re.finditer(r"(?<=  )[^ ]|^[^ ]", line)]
    if starts != cols[:len(starts)]:
        sys.exit("# misaligned: %r at %r, header at %r" % (line, starts, cols))
'
aligned() { "$PYTHON" -c "$WIDTH" "$1"; }

test_expect_success 'a table lines up CJK and combining marks by display width' '
	alter apps create --name "漢字のアプリ" >/dev/null &&
	alter apps create --name "Ame$(printf "\314\201")lie" >/dev/null &&
	alter apps list >out &&
	grep -q "漢字のアプリ" out && grep -q "Ame..lie" out &&
	aligned out
'

test_expect_success 'under --all a longer cell on a later page is cut to the first page widths' '
	alter apps create --name "a-name-far-longer-than-any-on-the-first-page" >/dev/null &&
	alter apps list --all --limit 2 >out &&
	aligned out &&
	grep -qF "a-name-f...  false" out && ! grep -q "a-name-far" out
'

test_expect_success 'a table of tricky values lines up too' '
	alter apps list --base-url $TRICKY >out &&
	aligned out && grep "^n2   Ame..lie  -0\.0  " out
'

test_done
