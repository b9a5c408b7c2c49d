#!/bin/sh
test_description='compiled-in roots: a request from an empty root (FROM scratch)'
. "$(dirname "$0")/lib.sh"

TESTCA_ALTER=$TOP/tests/tmp/alter-testca
start_server srv

if [ -n "$EMU" ]; then
	test_skip 'a request succeeds from an empty root with compiled-in roots' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
	test_skip 'the empty root has no CA file to fall back on' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
elif [ -n "${SANITIZE:-}" ] || [ "$(id -u)" != 0 ] || [ ! -x "$TESTCA_ALTER" ]; then
	test_skip 'a request succeeds from an empty root with compiled-in roots' 'needs root and the static test-CA build'
	test_skip 'the empty root has no CA file to fall back on' 'needs root'
else
	ROOT=$TRASH/root
	CHROOT=$(command -v chroot)
	mkdir -p "$ROOT" && cp "$TESTCA_ALTER" "$ROOT/alter"

	test_expect_success 'a request succeeds from an empty root with compiled-in roots' '
		test "$(ls -A "$ROOT")" = alter &&
		ALTER_PAT="$T_FULL" only_env ALTER_PAT -- "$CHROOT" "$ROOT" /alter api GET /v1/pats/me \
		    --base-url https://localhost:$srv_PORT >out 2>err &&
		test_grep "\"pat_full\"" out
	'

	test_expect_success 'the default build does not trust the test CA from the empty root' '
		cp "$ALTER" "$ROOT/alter-default" &&
		ALTER_PAT="$T_FULL" test_expect_code 1 only_env ALTER_PAT -- "$CHROOT" "$ROOT" /alter-default api GET \
		    /v1/pats/me --base-url https://localhost:$srv_PORT 2>err &&
		test_grep "compiled-in roots" err && test_grep "not trusted" err &&
		rm "$ROOT/alter-default"
	'
fi

test_done
