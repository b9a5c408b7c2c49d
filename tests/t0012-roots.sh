#!/bin/sh
test_description='compiled-in roots: Mozilla'"'"'s list, never a CA planted in the build host'"'"'s bundle'
. "$(dirname "$0")/lib.sh"

# The attack: a build host whose /etc/ssl/certs/ca-certificates.crt holds an
# extra CA (corporate, TLS-inspecting, or planted).  The test CA plays that
# CA: the binary is built in a private mount namespace where the host bundle
# is the test CA alone, then run from an empty root (no host bundle, so only
# the compiled-in roots count) against a server whose certificate the test
# CA signed.  Nothing outside the namespace and $TRASH changes.

start_server srv --cert "$PKI/good.pem" --key "$PKI/good.key"

# planted_make ARGS...: make in the tree, in a namespace whose
# /etc/ssl/certs is a tmpfs holding only ca-certificates.crt = the test CA.
planted_make() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS unshare -m sh -c '
	    mount -t tmpfs -o mode=0755 alter-test /etc/ssl/certs &&
	    cp "$1" /etc/ssl/certs/ca-certificates.crt &&
	    cmp -s "$1" /etc/ssl/certs/ca-certificates.crt && shift && exec make -s -C "$@"' \
	    planted "$PKI/ca.pem" "$TOP" "$@"
}

# in_empty_root BINARY ARGS...: run BINARY as /alter in an empty root.
in_empty_root() {
	ier=$TRASH/root && rm -rf "$ier" && mkdir -p "$ier" && cp "$1" "$ier/alter" && shift &&
	ALTER_PAT="$T_FULL" only_env ALTER_PAT -- "$CHROOT" "$ier" /alter "$@"
}

why=
if [ -n "${SANITIZE:-}" ]; then
	why='the musl build only (check-sanitize builds another binary)'
elif [ "$(id -u)" != 0 ]; then
	why='needs root for a private mount namespace and chroot'
elif ! command -v unshare >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
	why='unshare -m is not available here'
elif ! CHROOT=$(command -v chroot); then
	why='needs chroot(8)'
fi
if [ -n "$why" ]; then
	test_skip 'a build with a planted CA in the host bundle does not compile it in' "$why"
	test_skip 'the planted CA was visible to that build (CA_BUNDLE names it)' "$why"
	test_skip 'alter version names the Mozilla list and its root count' "$why"
	test_skip 'the planted-host build is byte-identical to ./alter' "$why"
	test_done
	exit
fi

test_expect_success 'a build with a planted CA in the host bundle does not compile it in' '
	planted_make ANCHORS_C="$TRASH/anchors.c" MOZILLA_PEM="$TRASH/mozilla-roots.pem" \
	    ALTER="$TRASH/alter-planted" "$TRASH/alter-planted" >build.log 2>&1 &&
	test_expect_code 1 in_empty_root "$TRASH/alter-planted" api GET /v1/pats/me \
	    --base-url https://localhost:$srv_PORT >out 2>err &&
	test_grep "not trusted" err && test_grep "compiled-in roots" err &&
	test ! -s out
'

# The control: the same namespace, with the bundle named, does trust it, so
# the test above saw the planted bundle and a refusal is the roots' doing.
test_expect_success 'the planted CA was visible to that build (CA_BUNDLE names it)' '
	planted_make CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt ANCHORS_C="$TRASH/anchors-named.c" \
	    ALTER="$TRASH/alter-named" "$TRASH/alter-named" >build-named.log 2>&1 &&
	in_empty_root "$TRASH/alter-named" api GET /v1/pats/me \
	    --base-url https://localhost:$srv_PORT >out 2>err &&
	test_grep "\"pat_full\"" out &&
	"$TRASH/alter-named" version >version &&
	test_grep "else compiled-in roots of CA_BUNDLE sha256 $(sha256sum <"$PKI/ca.pem" | cut -d" " -f1), 1 root" version
'

test_expect_success 'alter version names the Mozilla list and its root count' '
	"$TRASH/alter-planted" version >version &&
	v=$(cat "$TOP/build/certdata.rev") && n=$(grep -c "^-----BEGIN CERTIFICATE" "$TRASH/mozilla-roots.pem") &&
	test "$n" -gt 100 &&
	test_grep "else compiled-in Mozilla roots (Debian ca-certificates $v), $n roots" version
'

test_expect_success 'the planted-host build is byte-identical to ./alter' '
	cmp "$TOP/alter" "$TRASH/alter-planted"
'

test_done
