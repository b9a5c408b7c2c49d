# tests/lib.sh: the shell test library, in git's form.  A test file sets
# test_description, sources this file, runs test_expect_success blocks and
# ends with test_done.  Output is TAP.
#
# Each file gets a trash directory $TRASH, a fresh temporary directory
# outside the checkout, so that nothing an earlier command left in the tree
# (a .alter/link.json, say) can change what a test sees; it is removed on
# success and kept, named on the output, on failure or with KEEP_TRASH=1.
# Tests run with $TRASH as their working directory.  Secrets a
# test writes on purpose go under $TRASH/secrets, credential stores under
# $TRASH/cfg*; after every test, every other file in $TRASH is scanned for
# the fixture's tokens: a token on stdout, stderr or in a log fails the test.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
ALTER=${ALTER:-$TOP/alter}
# The binary itself, when ALTER is a wrapper that runs it (make check
# ARCH=aarch64: $EMU, qemu-aarch64-static, runs it under emulation).
ALTER_BIN=${ALTER_BIN:-$ALTER}
EMU=${EMU:-}
PKI=${PKI:-$TOP/tests/tmp/pki}
name=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/alter-$name.XXXXXX") || exit 1
mkdir -p "$TRASH/secrets"
test_count=0
test_failed=0
PIDS=
export LC_ALL=C

# Nothing from the caller's environment may steer alter in a test.
unset ALTER_PAT ALTER_APP_ID ALTER_BASE_URL ALTER_DASHBOARD_URL ALTER_CA_FILE \
    SSL_CERT_FILE SSL_CERT_DIR ALTER_TIMEOUT ALTER_MAX_RETRIES ALTER_RETRY_MAX_WAIT \
    https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY XDG_CONFIG_HOME
export ALTER_CONFIG_DIR=$TRASH/cfg

# The fixture's tokens (tests/fixture.json).
TOKENS=$(grep -o 'alter_pat_[A-Za-z0-9_-]*' "$TOP/tests/fixture.json" | sort -u)
tok() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokens"][sys.argv[2]]["token"])' "$TOP/tests/fixture.json" "$1"; }
T_FULL=$(tok full)
T_NOREAD=$(tok noread)
T_READONLY=$(tok readonly)
T_EXPIRING=$(tok expiring)
T_REVOKED=$(tok revoked)
T_EXPIRED=$(tok expired)
T_NOEXPIRY=$(tok noexpiry)

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# alter ARGS...: the binary, refusing to run with a fixture token in argv.
alter() {
	for a in "$@"; do
		for t in $TOKENS; do
			case "$a" in *"$t"*) echo "# token in argv: $*" | sed "s/$t/<TOKEN>/g"; return 99;; esac
		done
	done
	"$ALTER" "$@"
}

# start_server NAME [refserver flags...]: start the reference server
# (tests/helper/refserver.py) on a free port, serving the certificate for
# localhost signed by the test CA ($PKI/good.pem) unless the flags name
# another --cert.  Sets ${NAME}_PORT; logs requests to $TRASH/NAME.log and
# keeps the server's store in $TRASH/NAME.state.json.
start_server() {
	sname=$1; shift
	case " $* " in
	*" --cert "*) ;;
	*) set -- --cert "$PKI/good.pem" --key "$PKI/good.key" "$@" ;;
	esac
	rm -f "$TRASH/$sname.port"
	python3 "$TOP/tests/helper/refserver.py" --port 0 --port-file "$TRASH/$sname.port" \
	    --log "$TRASH/$sname.log" --state "$TRASH/$sname.state.json" \
	    --fixture "$TOP/tests/fixture.json" "$@" 2>"$TRASH/$sname.stderr" &
	PIDS="$PIDS $!"
	wait_port "$TRASH/$sname.port" || { echo "Bail out! server $sname did not start"; cat "$TRASH/$sname.stderr"; exit 1; }
	eval "${sname}_PORT=\$(cat \"\$TRASH/\$sname.port\")"
}

# use_server NAME: point alter at server NAME (base URL, the test CA) with
# no retries, so that a failure shows at once.
use_server() {
	eval "export ALTER_BASE_URL=https://localhost:\$${1}_PORT"
	export ALTER_CA_FILE="$PKI/ca.pem" ALTER_MAX_RETRIES=0
}

# start_proxy NAME [proxy flags...]: the CONNECT proxy (tests/helper/proxy.py)
# on a free port; sets ${NAME}_PORT and logs to $TRASH/NAME.log.
start_proxy() {
	pname=$1; shift
	rm -f "$TRASH/$pname.port"
	python3 "$TOP/tests/helper/proxy.py" --port-file "$TRASH/$pname.port" --log "$TRASH/$pname.log" "$@" \
	    2>"$TRASH/$pname.stderr" &
	PIDS="$PIDS $!"
	wait_port "$TRASH/$pname.port" || { echo "Bail out! proxy $pname did not start"; exit 1; }
	eval "${pname}_PORT=\$(cat \"\$TRASH/\$pname.port\")"
}

wait_port() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

# can_unshare: whether with_hosts and unshare -n can run here (root, unshare(1)).
can_unshare() { [ "$(id -u)" = 0 ] && unshare -m -n true 2>/dev/null; }

# with_hosts FILE CMD...: run CMD in a private mount namespace whose
# /etc/hosts is FILE and whose resolver asks only 127.0.0.1 (one try of 1 s),
# so that no name lookup of a test leaves the machine.  Nothing outside the
# namespace changes.
with_hosts() {
	wh_hosts=$1; shift
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$TRASH/resolv.conf"
	unshare -m sh -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
	    shift 2 && exec "$@"' with_hosts "$wh_hosts" "$TRASH/resolv.conf" "$@"
}

# log_last NAME FIELD: a top-level field with a scalar value in the last
# line of log NAME, as JSON text ("localhost", 200, null).
log_last() {
	tail -n 1 "$TRASH/$1.log" | grep -o "\"$2\": \(\"[^\"]*\"\|[^,}]*\)" | head -n 1 |
	    sed 's/^"[^"]*": //'
}

# Count log lines of a server matching a fixed string.
log_count() { grep -c -F -- "$2" "$TRASH/$1.log" 2>/dev/null || true; }

test_expect_code() {
	want=$1; shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "# expected exit $want, got $got: $*" | mask_tokens >&2
		return 1
	fi
	return 0
}

mask_tokens() {
	sed 's/alter_pat_[A-Za-z0-9_-]*/alter_pat_<masked>/g'
}

# only_env VAR... -- CMD...: run CMD with no environment but the named
# variables (values stay out of argv).
only_env() {
	(
		keep=" "
		while [ "$1" != "--" ]; do keep="$keep$1 "; shift; done
		shift
		for v in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p'); do
			case "$keep" in *" $v "*) ;; *) unset "$v" 2>/dev/null ;; esac
		done
		exec "$@"
	)
}

test_cmp() { diff -u "$1" "$2"; }

# A file must hold a fixed string / must not.
test_grep() { grep -q -F -- "$1" "$2" || { echo "# '$1' not in $2:" >&2; sed 's/^/# /' "$2" >&2; return 1; }; }
test_no_grep() { ! grep -q -F -- "$1" "$2" || { echo "# '$1' unexpectedly in $2" >&2; return 1; }; }

# The patterns live in a file so that no token ever stands in a process's argv.
printf '%s\n' $TOKENS >"$TRASH/secrets/.tokens"

leak_check() {
	hits=$(grep -rl -F -f "$TRASH/secrets/.tokens" "$TRASH" 2>/dev/null |
	    grep -v -e "^$TRASH/secrets/" -e "^$TRASH/cfg[^/]*/" -e "^$TRASH/root[^/]*/cfg" || true)
	if [ -n "$hits" ]; then
		echo "# a fixture token leaked into: $hits"
		return 1
	fi
	return 0
}

test_expect_success() {
	test_count=$((test_count + 1))
	out=$TRASH/test-$test_count.out
	if (cd "$TRASH" && eval "$2") >"$out" 2>&1 && leak_check; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$out" | tail -n 30
	fi
}

# test_expect_failure DESC BODY: a known breakage, as in git.  While BODY
# fails it is reported as a skip naming the breakage; once it passes, the
# test fails, so that it is turned into a test_expect_success.  The leak
# check still applies.
test_expect_failure() {
	test_count=$((test_count + 1))
	out=$TRASH/test-$test_count.out
	if (cd "$TRASH" && eval "$2") >"$out" 2>&1; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1 # known breakage fixed: make it test_expect_success"
	elif ! leak_check; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
	else
		echo "ok $test_count # skip $1 (known breakage)"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_done() {
	echo "1..$test_count"
	cleanup
	trap - EXIT
	if [ "$test_failed" -eq 0 ] && [ -z "${KEEP_TRASH:-}" ]; then
		rm -rf "$TRASH"
	else
		echo "# trash directory kept: $TRASH"
	fi
	[ "$test_failed" -eq 0 ]
}
