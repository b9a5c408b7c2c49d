#!/bin/sh
test_description='trust fails closed: broken host bundles, SSL_CERT_DIR lists, empty variables'
. "$(dirname "$0")/lib.sh"

start_server good
export ALTER_PAT="$T_FULL"
me() { alter api GET /v1/pats/me --base-url https://localhost:$good_PORT "$@"; }

# ---- empty variables: a CI secret the job cannot read arrives empty ----

# Every ALTER_* name the modules look up (util.c's own table left out, so
# that a variable read somewhere but missing from the check shows here).
VARS=$(cd "$TOP" && ls *.c | grep -v '^util\.c$' | xargs grep -oh '"ALTER_[A-Z_]*"' | tr -d '"' | sort -u)

test_expect_success 'the modules look up the ALTER_* variables this test sets empty' '
	for v in ALTER_PAT ALTER_CA_FILE ALTER_BASE_URL ALTER_APP_ID ALTER_CONFIG_DIR \
	    ALTER_DASHBOARD_URL ALTER_TIMEOUT ALTER_MAX_RETRIES ALTER_RETRY_MAX_WAIT; do
		echo "$VARS" | grep -qx "$v" || { echo "# $v not found"; return 1; }
	done
'

test_expect_success 'every ALTER_* variable set but empty is exit 2 naming it, never unset' '
	for v in $VARS; do
		test_expect_code 2 env "$v=" "$ALTER" api GET /v1/pats/me \
		    --base-url https://localhost:$good_PORT --ca-file "$PKI/ca.pem" >out 2>err &&
		test_grep "$v is set but empty" err && test ! -s out || return 1
	done
'

test_expect_success 'a variable of blanks counts as empty' '
	test_expect_code 2 env "ALTER_CA_FILE=  " "$ALTER" api GET /v1/pats/me \
	    --base-url https://localhost:$good_PORT 2>err &&
	test_grep "ALTER_CA_FILE is set but empty" err
'

test_expect_success 'an empty ALTER_PAT (a fork PR secret) never falls back on the stored token' '
	unset ALTER_PAT &&
	echo "$T_FULL" | alter auth login --token-stdin --base-url https://localhost:$good_PORT \
	    --ca-file "$PKI/ca.pem" 2>/dev/null &&
	me --ca-file "$PKI/ca.pem" >out && test_grep "\"pat_full\"" out &&
	n=$(log_count good /v1/pats/me) &&
	test_expect_code 2 env ALTER_PAT= "$ALTER" api GET /v1/pats/me \
	    --base-url https://localhost:$good_PORT --ca-file "$PKI/ca.pem" >out 2>err &&
	test_grep "ALTER_PAT is set but empty" err && test_grep "CI secret" err &&
	test_grep "pull request from a fork" err && test ! -s out &&
	test "$(log_count good /v1/pats/me)" = "$n"
'

test_expect_success '--dashboard-url must be https:// (it is printed in advice)' '
	test_expect_code 2 me --ca-file "$PKI/ca.pem" --dashboard-url ftp://x 2>err &&
	test_grep "--dashboard-url" err && test_grep "https://" err
'

test_expect_success 'ALTER_DASHBOARD_URL must be https://' '
	ALTER_DASHBOARD_URL=ftp://x test_expect_code 2 me --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "ALTER_DASHBOARD_URL" err && test_grep "https://" err
'

test_expect_success 'an https:// dashboard URL is accepted' '
	ALTER_DASHBOARD_URL=https://portal.example me --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out
'

# ---- SSL_CERT_DIR: missing entries skipped, no anchor at all is exit 4 ----

test_expect_success 'SSL_CERT_DIR skips entries that do not exist' '
	SSL_CERT_DIR="$TRASH/nonexistent:$PKI/cadir" me >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'SSL_CERT_DIR whose entries yield no anchor is exit 4 naming them' '
	mkdir -p emptydir &&
	SSL_CERT_DIR="$TRASH/nonexistent:$TRASH/emptydir" test_expect_code 4 me >out 2>err &&
	test_grep "$TRASH/nonexistent:$TRASH/emptydir" err && test ! -s out
'

test_expect_success 'an SSL_CERT_DIR entry that exists but is no directory is exit 1' '
	SSL_CERT_DIR="$PKI/ca.pem:$PKI/cadir" test_expect_code 1 me 2>err &&
	test_grep "$PKI/ca.pem" err
'

# ---- the host bundle: only a missing file moves the search on ----
# The binary has no switch for its trust paths: a root directory of its own
# (chroot, as t0030 does) holds the bundle at the Debian path.

BUNDLE=etc/ssl/certs/ca-certificates.crt
if [ -n "$EMU" ] || [ -n "${SANITIZE:-}" ] || [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
	why='needs root, chroot and the static binary'
	[ -z "$EMU" ] || why='under emulation: the binary alone in a root, where qemu-aarch64-static is not'
	for t in 'a readable host bundle in the root is used' \
	    'an unreadable host bundle is exit 1 naming it, not a fall-through to compiled-in roots' \
	    'a host bundle with a damaged PEM block is exit 1 naming it' \
	    'a host bundle with a block that is no certificate is exit 1 naming it'; do
		test_skip "$t" "$why"
	done
else
	ROOT=$TRASH/root CHROOT=$(command -v chroot)
	mkdir -p "$ROOT/etc/ssl/certs" && cp "$ALTER" "$ROOT/alter" && chmod 755 "$ROOT" "$ROOT/alter"
	# in_root: the request, as user nobody (root reads any file), from the root.
	in_root() {
		ALTER_PAT="$T_FULL" only_env ALTER_PAT -- "$CHROOT" --userspec=65534:65534 "$ROOT" /alter \
		    api GET /v1/pats/me --base-url https://127.0.0.1:$good_PORT
	}

	test_expect_success 'a readable host bundle in the root is used' '
		cp "$PKI/ca.pem" "$ROOT/$BUNDLE" && chmod 644 "$ROOT/$BUNDLE" &&
		in_root >out 2>err && test_grep "\"pat_full\"" out
	'

	test_expect_success 'an unreadable host bundle is exit 1 naming it, not a fall-through to compiled-in roots' '
		chmod 600 "$ROOT/$BUNDLE" &&
		test_expect_code 1 in_root >out 2>err &&
		test_grep "/$BUNDLE exists but cannot be read" err &&
		test_no_grep "compiled-in" err && test_no_grep "no host bundle" err && test ! -s out
	'

	test_expect_success 'a host bundle with a damaged PEM block is exit 1 naming it' '
		{ cat "$PKI/ca.pem" && sed "3s/^./!/" "$PKI/ca.pem"; } >"$ROOT/$BUNDLE" &&
		chmod 644 "$ROOT/$BUNDLE" &&
		test_expect_code 1 in_root >out 2>err &&
		test_grep "/$BUNDLE exists but holds a damaged certificate" err && test ! -s out
	'

	test_expect_success 'a host bundle with a block that is no certificate is exit 1 naming it' '
		{ cat "$PKI/ca.pem" && printf -- "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n"; } \
		    >"$ROOT/$BUNDLE" &&
		test_expect_code 1 in_root >out 2>err &&
		test_grep "/$BUNDLE exists but holds a damaged certificate" err && test ! -s out
	'
fi

test_done
