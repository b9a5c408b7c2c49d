#!/bin/sh
test_description='server text with terminal escapes (ESC, OSC, C1, bidi, bad UTF-8) never reaches the terminal raw'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

# docs/cli.md section 1: everything the server says that alter prints as
# text passes one sanitiser.  The reference server's inject-* faults put
# HOSTILE (ESC colour and OSC title sequences, BEL, DEL, U+009B, U+202E,
# U+2066..U+2069; a Latin-1 byte in headers) into every such field.

# clean FILE...: only UTF-8, no C0 control but LF, no DEL, no C1 control and
# no bidi override or isolate.
cat >"$TRASH/clean.py" <<\EOF
import re, sys
bad = 0
for name in sys.argv[1:]:
    data = open(name, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"# {name}: not UTF-8: {e}")
        bad = 1
        continue
    m = re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    if m:
        print(f"# {name}: raw {m.group()!r} at offset {m.start()}: {text[max(0, m.start() - 30):m.start() + 10]!r}")
        bad = 1
sys.exit(bad)
EOF
clean() { python3 "$TRASH/clean.py" "$@"; }

# on_tty CMD...: CMD with its stdout on a pseudo-terminal (no output
# processing, so the bytes are alter's own), copied to our stdout.
cat >"$TRASH/tty.py" <<\EOF
import os, subprocess, sys, termios
m, s = os.openpty()
attrs = termios.tcgetattr(s)
attrs[1] &= ~termios.OPOST
termios.tcsetattr(s, termios.TCSANOW, attrs)
p = subprocess.Popen(sys.argv[1:], stdout=s)
os.close(s)
out = b""
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
sys.exit(p.wait())
EOF
on_tty() { python3 "$TRASH/tty.py" "$@"; }

# The escaped forms that must appear instead.
ESC_SEEN='bad \x1b[31;1mthing\x1b]0;TITLE\x07 c1\u009b31m bidi\u202egnp.exe\u2066x\u2069 del\x7f end'

portal_server
start_server pat --fault-all inject-pat
start_server list --fault-all inject-list
start_server obj --fault-all inject-object
start_server e403 --fault-all 'inject-error?status=403'

test_expect_success 'error.message with ESC, OSC, C1 and bidi: escaped in the error line' '
	test_expect_code 1 alter api GET "/_fault/inject-error?status=500" >out 2>err &&
	clean out err &&
	test_grep "HTTP 500: $ESC_SEEN" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'X-Request-Id with ESC, C1, bidi and a Latin-1 byte: escaped' '
	test_expect_code 1 alter api GET "/_fault/inject-error?status=500" 2>err &&
	clean err &&
	test_grep "(request id req_$ESC_SEEN \xa0)" err
'

test_expect_success 'required_scope with escapes (403): escaped in the scope advice' '
	test_expect_code 7 alter apps list --base-url https://localhost:$e403_PORT 2>err &&
	clean err &&
	test_grep "lacks scope '\''$ESC_SEEN'\''" err
'

test_expect_success 'Location of a redirect with escapes: escaped' '
	test_expect_code 1 alter api GET "/_fault/inject-error?status=302" 2>err &&
	clean err &&
	test_grep "redirected (HTTP 302) to '\''https://x.example/$ESC_SEEN \xa0'\''" err
'

test_expect_success 'auth status: the PAT name, user, org, scopes and dates from the server are escaped' '
	alter auth status --base-url https://localhost:$pat_PORT >out 2>err &&
	clean out err &&
	test_grep "Name:         $ESC_SEEN" out &&
	test_grep "User:         u $ESC_SEEN" out &&
	test_grep "Org:          o $ESC_SEEN" out &&
	test_grep "Scopes:       apps:read, bad \x1b[31;1m" out
'

test_expect_success 'pats whoami: the same view, escaped' '
	alter pats whoami --base-url https://localhost:$pat_PORT >out 2>err &&
	clean out err &&
	test_grep "Name:         $ESC_SEEN" out
'

test_expect_success 'auth login: the PAT view printed after signing in is escaped' '
	(umask 077 && printf "%s\n" "$T_FULL" >"$TRASH/secrets/pat") &&
	(unset ALTER_PAT; alter auth login --token-file "$TRASH/secrets/pat" \
	    --base-url https://localhost:$pat_PORT >out 2>err) &&
	clean out err &&
	test_grep "with alter_pat_...abcd \"$ESC_SEEN\"" out
'

test_expect_success 'table cells with OSC, C1 and bidi (a list): escaped' '
	alter apps list --base-url https://localhost:$list_PORT >out 2>err &&
	clean out err &&
	test_grep "app_\x1b]0;X\x07" out &&
	test_grep "\u009b2J" out &&
	test_grep "\u202e2026" out
'

test_expect_success 'table keys and values of one object (-o table): escaped' '
	alter apps show app_demo -o table --base-url https://localhost:$obj_PORT >out 2>err &&
	clean out err &&
	test_grep "k$ESC_SEEN" out
'

test_expect_success 'JSON output keeps JSON escapes: no raw ESC or BEL' '
	alter apps show app_demo -o json --base-url https://localhost:$obj_PORT >out &&
	! grep -q "$(printf "\033")" out &&
	! grep -q "$(printf "\007")" out &&
	test_grep "bad \\u001b[31;1mthing\\u001b]0;TITLE\\u0007" out
'

test_expect_success 'alter api: a non-JSON body to a pipe is byte for byte what the server sent' '
	alter api GET /_fault/inject-text >out &&
	python3 -c "import sys; sys.path.insert(0, \"$TOP/tests/helper\"); import refserver as r; sys.stdout.buffer.write((r.HOSTILE + \"\\nline two\\r\\n\").encode() + b\"\\xff\\n\")" >expect &&
	cmp expect out
'

test_expect_success 'alter api: a non-JSON body to a terminal is escaped, its lines kept' '
	on_tty "$ALTER" api GET /_fault/inject-text >out &&
	clean out &&
	printf "%s\nline two\\\\x0d\n\\\\xff\n" "$ESC_SEEN" >expect &&
	test_cmp expect out
'

test_done
