# tests/lib-hostile.sh: what the hostile-peer and hostile-file tests
# (t007*) share, sourced after lib.sh.  Every hostile case must end with the
# documented exit code, one error line on stderr, nothing on stdout, within
# bounded time and memory, and leave the stored credential as it was.

# bounded ARGS...: $ALTER with ARGS, killed after 60 s.  The static build
# also gets at most 128 MiB of address space; sanitizer and valgrind builds
# reserve far more address space than they use, so only the time bound
# applies to them.  Under emulation (make check ARCH=aarch64) the bound is
# qemu's: the guest gets 128 MiB of address space (QEMU_RESERVED_VA), qemu
# itself needs more (128 MiB of translation buffer alone).
bounded() {
	if [ -n "${SANITIZE:-}" ]; then
		timeout 60 "$ALTER" "$@"
	elif [ -n "$EMU" ]; then
		QEMU_RESERVED_VA=128M timeout 60 "$ALTER" "$@"
	else
		timeout 60 sh -c 'ulimit -v 131072 && exec "$0" "$@"' "$ALTER" "$@"
	fi
}

# The stored credential every test checks (ALTER_CONFIG_DIR may be pointed
# elsewhere for one command).
STORE=$ALTER_CONFIG_DIR/auth.toml

# store_token PORT [PORT...]: sign in with the full PAT against the good
# server on the first PORT, so that a stored credential exists; a stored
# token goes only to its own base URL, so the hostile servers on the other
# PORTs get an entry of the store too (printf: a builtin, no argv).  Keep a
# copy of the store.
store_token() {
	(umask 077 && printf '%s\n' "$T_FULL" >"$TRASH/secrets/pat") &&
	alter auth login --token-file "$TRASH/secrets/pat" --base-url "https://localhost:$1" \
	    >/dev/null &&
	shift &&
	for p in "$@"; do
		printf '\n["https://localhost:%s"]\ntoken = "%s"\n' "$p" "$T_FULL" >>"$STORE" ||
		    return 1
	done &&
	cp -p "$STORE" "$TRASH/secrets/auth.toml.orig"
}

# store_untouched: the stored credential is still there, byte for byte, 0600.
store_untouched() {
	cmp "$TRASH/secrets/auth.toml.orig" "$STORE" && test "$(stat -c %a "$STORE")" = 600
}

# one_error FILE: FILE holds exactly one line, an alter error.
one_error() {
	if [ "$(wc -l <"$1")" -ne 1 ] || ! grep -q '^alter: error: ' "$1"; then
		echo "# expected one error line in $1:" >&2
		sed 's/^/# /' "$1" >&2
		return 1
	fi
}

# hostile CODE ARGS...: alter ARGS, bounded, exits CODE with nothing on
# stdout (out) and one error line on stderr (err), the store untouched.
hostile() {
	h_want=$1
	shift
	test_expect_code "$h_want" bounded "$@" >out 2>err &&
	test ! -s out && one_error err && store_untouched
}

# Seconds since the epoch, to check that a refusal comes quickly.
now() { date +%s; }
