#!/bin/sh
test_description='the file store auth.toml: modes, refusals, failed and
concurrent logins, the config directory without HOME (docs/cli.md 2.1, 2.3)'
. "$(dirname "$0")/lib.sh"

start_server srv
# A server that is started and stopped: its port then refuses connections.
start_server gone
gone_pid=${PIDS##* }
kill "$gone_pid" && wait "$gone_pid" 2>/dev/null
use_server srv
URL=$ALTER_BASE_URL
TESTCA_ALTER=$TOP/tests/tmp/alter-testca

# The fixture tokens reach alter through files and variables only, never
# argv (printf is a shell builtin): secrets/NAME holds the token, 0600;
# secrets/NAME.line the line auth.toml must hold for it.
for n in full expiring revoked noexpiry; do
	eval "t=\$T_$(echo $n | tr a-z A-Z)"
	printf '%s\n' "$t" >"$TRASH/secrets/$n"
	printf 'token = "%s"\n' "$t" >"$TRASH/secrets/$n.line"
done
unset t
chmod 600 "$TRASH"/secrets/*
S=$TRASH/secrets

# store_holds DIR NAME: DIR/auth.toml holds fixture token NAME.
store_holds() { grep -q -x -F -f "$S/$2.line" "$1/auth.toml"; }
mode() { stat -c %a "$1"; }

# login_full DIR: a first, good login into DIR; leaves DIR/sum, the
# checksum of the auth.toml it wrote.
login_full() {
	ALTER_CONFIG_DIR=$1 alter auth login -q --token-file "$S/full" >/dev/null &&
	store_holds "$1" full && cksum <"$1/auth.toml" >"$1.sum"
}
unchanged() { cksum <"$1/auth.toml" | cmp -s - "$1.sum"; }
# The lock file auth.toml.lock stays: it is not a temp file.
no_temp_files() { test "$(ls -A "$1" | grep -v -x -F auth.toml.lock)" = auth.toml; }

test_expect_success 'login under umask 000: auth.toml is 0600, its new directories 0700' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-umask/a/b &&
	(umask 000 && alter auth login --token-file "$S/full" >out 2>err) &&
	store_holds "$ALTER_CONFIG_DIR" full &&
	test "$(mode "$ALTER_CONFIG_DIR/auth.toml")" = 600 &&
	test "$(mode "$ALTER_CONFIG_DIR")" = 700 &&
	test "$(mode "$TRASH/cfg-umask/a")" = 700 &&
	test "$(mode "$TRASH/cfg-umask")" = 700
'

test_expect_success 'auth.toml holds exactly the documented lines' '
	sed -e "s/^token = \"alter_pat_[A-Za-z0-9_-]*\"$/token = \"TOKEN\"/" \
	    -e "s/^saved_at = \"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z\"$/saved_at = \"TIME\"/" \
	    "$TRASH/cfg-umask/a/b/auth.toml" >actual &&
	cat >expect <<-EOF &&
	# Alter CLI credentials: plaintext PATs. Keep this file private (mode 0600).
	default = "$URL"

	["$URL"]
	token = "TOKEN"
	saved_at = "TIME"
	EOF
	test_cmp expect actual
'

# With neither --base-url nor ALTER_BASE_URL, session_http() (cli.c) takes
# the base_url the store recorded, and the view shows it (it once copied the
# URL onto itself and showed "API base URL: " with nothing after it).
test_expect_success 'a stored token is used with the base_url recorded at login' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-umask/a/b &&
	(unset ALTER_BASE_URL && alter auth status >out 2>err) &&
	test_grep "API base URL: $URL" out
'

test_expect_success 'an old 0644 auth.toml is 0600 after login' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-0644 &&
	login_full "$ALTER_CONFIG_DIR" &&
	chmod 644 "$ALTER_CONFIG_DIR/auth.toml" &&
	alter auth login --token-file "$S/noexpiry" >out 2>err &&
	store_holds "$ALTER_CONFIG_DIR" noexpiry &&
	test "$(mode "$ALTER_CONFIG_DIR/auth.toml")" = 600
'

test_expect_success 'a store readable by others is refused (exit 3) with the chmod 600 hint' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-0644 &&
	chmod 644 "$ALTER_CONFIG_DIR/auth.toml" &&
	test_expect_code 3 alter auth status >out 2>err &&
	test_grep "fix it with: chmod 600 '"'"'$ALTER_CONFIG_DIR/auth.toml'"'"'" err &&
	test ! -s out &&
	chmod 600 "$ALTER_CONFIG_DIR/auth.toml" && alter auth status >out
'

test_expect_success 'a symlinked auth.toml is refused by login, the link and its target kept' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-link &&
	login_full "$TRASH/cfg-linktarget" &&
	mkdir -m 700 "$ALTER_CONFIG_DIR" &&
	ln -s "$TRASH/cfg-linktarget/auth.toml" "$ALTER_CONFIG_DIR/auth.toml" &&
	test_expect_code 3 alter auth login --token-file "$S/noexpiry" >out 2>err &&
	test_grep "symbolic link" err &&
	test -h "$ALTER_CONFIG_DIR/auth.toml" &&
	unchanged "$TRASH/cfg-linktarget" &&
	test "$(ls -A "$ALTER_CONFIG_DIR")" = auth.toml
'

test_expect_success 'a symlinked auth.toml is refused when read: exit 3' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-link &&
	test_expect_code 3 alter auth status >out 2>err &&
	test_grep "symbolic link" err && test ! -s out
'

test_expect_success 'a group-writable config directory is refused by login, naming it' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-gw &&
	mkdir -m 770 "$ALTER_CONFIG_DIR" && chmod 770 "$ALTER_CONFIG_DIR" &&
	test_expect_code 3 alter auth login --token-file "$S/full" >out 2>err &&
	test_grep "$ALTER_CONFIG_DIR" err && test_grep "writable by group or others" err &&
	test -z "$(ls -A "$ALTER_CONFIG_DIR")"
'

test_expect_success 'a login answered 401 leaves the old auth.toml byte-identical' '
	login_full "$TRASH/cfg-401" &&
	ALTER_CONFIG_DIR=$TRASH/cfg-401 test_expect_code 3 \
	    alter auth login --token-file "$S/revoked" >out 2>err &&
	unchanged "$TRASH/cfg-401" && no_temp_files "$TRASH/cfg-401"
'

test_expect_success 'a login that cannot reach the server leaves the old auth.toml byte-identical' '
	login_full "$TRASH/cfg-down" &&
	ALTER_CONFIG_DIR=$TRASH/cfg-down test_expect_code 1 alter auth login \
	    --token-file "$S/noexpiry" --base-url https://localhost:$gone_PORT >out 2>err &&
	test_grep "localhost:$gone_PORT" err &&
	unchanged "$TRASH/cfg-down" && no_temp_files "$TRASH/cfg-down"
'

if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	test_skip 'a login killed while writing leaves the old auth.toml byte-identical' 'no strace'
	test_skip 'a login whose fsync fails leaves the old auth.toml, no temp file' 'no strace'
	test_skip 'a login whose rename fails leaves the old auth.toml, no temp file' 'no strace'
else
	# strace's own output (which would show the written bytes) goes to
	# /dev/null; only the named system calls are traced.  LeakSanitizer
	# cannot run under ptrace: make check-sanitize skips leaks here only.
	NOLEAK=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	test_expect_success 'a login killed while writing leaves the old auth.toml byte-identical' '
		export ALTER_CONFIG_DIR=$TRASH/cfg-kill &&
		login_full "$ALTER_CONFIG_DIR" &&
		test_expect_code 137 strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=KILL \
		    "$ALTER" auth login --token-file "$S/noexpiry" >out 2>err &&
		test_grep "storing the PAT in plaintext" err &&
		unchanged "$ALTER_CONFIG_DIR" &&
		tmp=$(ls -A "$ALTER_CONFIG_DIR" | grep "^\.auth\.toml\.") &&
		grep -q -x -F -f "$S/noexpiry.line" "$ALTER_CONFIG_DIR/$tmp" &&
		alter auth status >out && test_grep "Name:         ci-full-access" out &&
		alter auth login -q --token-file "$S/noexpiry" >out 2>err &&
		store_holds "$ALTER_CONFIG_DIR" noexpiry && no_temp_files "$ALTER_CONFIG_DIR"
	'

	test_expect_success 'a login whose fsync fails leaves the old auth.toml, no temp file' '
		login_full "$TRASH/cfg-eio" &&
		ALTER_CONFIG_DIR=$TRASH/cfg-eio ASAN_OPTIONS=$NOLEAK test_expect_code 1 strace -f -o /dev/null \
		    -e trace=fsync -e inject=fsync:error=EIO:when=1 \
		    "$ALTER" auth login --token-file "$S/noexpiry" >out 2>err &&
		grep -q -E "I/O error|Input/output error" err &&	# musl, glibc
		unchanged "$TRASH/cfg-eio" && no_temp_files "$TRASH/cfg-eio"
	'

	test_expect_success 'a login whose rename fails leaves the old auth.toml, no temp file' '
		login_full "$TRASH/cfg-ren" &&
		ALTER_CONFIG_DIR=$TRASH/cfg-ren ASAN_OPTIONS=$NOLEAK test_expect_code 1 strace -f -o /dev/null \
		    -e trace=rename,renameat,renameat2 \
		    -e inject=rename,renameat,renameat2:error=EIO \
		    "$ALTER" auth login --token-file "$S/noexpiry" >out 2>err &&
		test_grep "cannot replace" err &&
		unchanged "$TRASH/cfg-ren" && no_temp_files "$TRASH/cfg-ren"
	'
fi

# logins N URL_PREFIX: N logins at once, alternating two tokens; to one base
# URL when URL_PREFIX is empty, else to URL_PREFIX1 ... URL_PREFIXN.
logins() {
	for i in $(seq "$1"); do
		if [ $((i % 2)) = 0 ]; then f=full; else f=noexpiry; fi
		(alter auth login -q --token-file "$S/$f" ${2:+--base-url "$2$i"} \
		    >out.$i 2>err.$i; echo $? >rc.$i) &
	done
	wait
}

test_expect_success '20 concurrent logins to one base URL leave one complete entry and no temp file' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-race &&
	rm -f rc.* && logins 20 "" &&
	test "$(cat rc.* | sort -u)" = 0 &&
	no_temp_files "$ALTER_CONFIG_DIR" &&
	test "$(mode "$ALTER_CONFIG_DIR/auth.toml")" = 600 &&
	{ store_holds "$ALTER_CONFIG_DIR" full || store_holds "$ALTER_CONFIG_DIR" noexpiry; } &&
	test "$(grep -c "^token = " "$ALTER_CONFIG_DIR/auth.toml")" = 1 &&
	test $(wc -l <"$ALTER_CONFIG_DIR/auth.toml") = 6 &&
	alter auth status >out
'

start_server multi --prefix "/h*"
test_expect_success '20 concurrent logins to 20 base URLs leave 20 entries, each usable' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-race20 &&
	rm -f rc.* && logins 20 "https://localhost:$multi_PORT/h" &&
	test "$(cat rc.* | sort -u)" = 0 &&
	no_temp_files "$ALTER_CONFIG_DIR" &&
	test "$(grep -c "^token = " "$ALTER_CONFIG_DIR/auth.toml")" = 20 &&
	for i in $(seq 20); do
		test_grep "[\"https://localhost:$multi_PORT/h$i\"]" "$ALTER_CONFIG_DIR/auth.toml" || return 1
	done &&
	alter auth status --base-url "https://localhost:$multi_PORT/h7" >out &&
	test_grep "Other hosts:  " out
'

test_expect_success 'logins killed (kill -9) in a race leave the old or a new complete store' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-race20 &&
	for i in $(seq 10); do
		"$ALTER" auth login -q --token-file "$S/full" --base-url "https://localhost:$multi_PORT/k$i" \
		    >/dev/null 2>&1 &
		eval "kp$i=\$!"
	done &&
	for i in $(seq 10); do eval "kill -9 \$kp$i" 2>/dev/null; done;
	wait;
	test "$(mode "$ALTER_CONFIG_DIR/auth.toml")" = 600 &&
	n=$(grep -c "^token = " "$ALTER_CONFIG_DIR/auth.toml") &&
	test "$n" -ge 20 && test "$n" -le 30 &&
	alter auth status --base-url "https://localhost:$multi_PORT/h3" >out &&
	alter auth login -q --token-file "$S/full" --base-url "https://localhost:$multi_PORT/h21" &&
	no_temp_files "$ALTER_CONFIG_DIR" &&
	test "$(grep -c "^token = " "$ALTER_CONFIG_DIR/auth.toml")" = $((n + 1))
'

test_expect_success 'a writer waits at most 10 s for the lock, then exit 1 naming it' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lock &&
	login_full "$ALTER_CONFIG_DIR" || return 1
	python3 -c "import fcntl, sys, time
f = open(sys.argv[1], \"a\"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], \"w\").close(); time.sleep(20)" \
	    "$ALTER_CONFIG_DIR/auth.toml.lock" held &
	holder=$! &&
	while [ ! -e held ]; do sleep 0.1; done &&
	start=$(date +%s) &&
	test_expect_code 1 alter auth login --token-file "$S/noexpiry" >out 2>err;
	rc=$?; kill $holder; wait $holder 2>/dev/null; test $rc = 0 &&
	elapsed=$(( $(date +%s) - start )) &&
	test $elapsed -ge 9 && test $elapsed -le 15 &&
	test_grep "waited 10 s for the lock '"'"'$ALTER_CONFIG_DIR/auth.toml.lock'"'"'" err &&
	unchanged "$ALTER_CONFIG_DIR" &&
	alter auth login -q --token-file "$S/noexpiry" && store_holds "$ALTER_CONFIG_DIR" noexpiry
'

test_expect_success 'under the lock only stale temp files of ours go, not links or other users files' '
	export ALTER_CONFIG_DIR=$TRASH/cfg-lock &&
	d=$ALTER_CONFIG_DIR &&
	echo partial >"$d/.auth.toml.4242.0" &&
	echo keep >"$TRASH/keep" && ln -s "$TRASH/keep" "$d/.auth.toml.link" &&
	echo other >"$d/.auth.toml.other" &&
	{ [ "$(id -u)" != 0 ] || chown 12345 "$d/.auth.toml.other"; } &&
	echo mine >"$d/notes.txt" &&
	alter auth login -q --token-file "$S/full" &&
	test ! -e "$d/.auth.toml.4242.0" && test -h "$d/.auth.toml.link" &&
	test "$(cat "$TRASH/keep")" = keep && test -e "$d/notes.txt" &&
	{ [ "$(id -u)" != 0 ] || test -e "$d/.auth.toml.other"; }
'

# The password database and the empty root need a chroot: root and the
# static build whose compiled-in roots are the test CA (as t0030).
if [ -n "$EMU" ]; then
	test_skip 'with HOME unset the store goes under the password database home' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
	test_skip 'in an empty root auth login is exit 2 naming the three variables' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
	test_skip 'in an empty root ALTER_PAT still works' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
elif [ -n "${SANITIZE:-}" ] || [ "$(id -u)" != 0 ] || [ ! -x "$TESTCA_ALTER" ]; then
	test_skip 'with HOME unset the store goes under the password database home' 'needs root and the static test-CA build'
	test_skip 'in an empty root auth login is exit 2 naming the three variables' 'needs root'
	test_skip 'in an empty root ALTER_PAT still works' 'needs root'
else
	CHROOT=$(command -v chroot)
	# A root with its own /etc/passwd, whose home for uid 0 is /cfghome
	# (under $TRASH/root*/cfg*, where the leak check allows a store).
	PWROOT=$TRASH/rootpw
	mkdir -p "$PWROOT/etc" "$PWROOT/cfghome" && cp "$TESTCA_ALTER" "$PWROOT/alter" &&
	echo "root:x:0:0:root:/cfghome:/bin/sh" >"$PWROOT/etc/passwd"
	EMPTY=$TRASH/rootempty
	mkdir -p "$EMPTY" && cp "$TESTCA_ALTER" "$EMPTY/alter"

	test_expect_success 'with HOME unset the store goes under the password database home' '
		only_env -- "$CHROOT" "$PWROOT" /alter auth login --token-stdin \
		    --base-url https://localhost:$srv_PORT <"$S/full" >out 2>err &&
		test_grep "plaintext at /cfghome/.config/alter/auth.toml" err &&
		store_holds "$PWROOT/cfghome/.config/alter" full &&
		test "$(mode "$PWROOT/cfghome/.config/alter/auth.toml")" = 600 &&
		test "$(mode "$PWROOT/cfghome/.config/alter")" = 700 &&
		only_env -- "$CHROOT" "$PWROOT" /alter auth status >out 2>err &&
		test_grep "Source:       /cfghome/.config/alter/auth.toml (mode 0600)" out
	'

	test_expect_success 'in an empty root auth login is exit 2 naming the three variables' '
		n=$(wc -l <srv.log) &&
		test_expect_code 2 only_env -- "$CHROOT" "$EMPTY" /alter auth login --token-stdin \
		    --base-url https://localhost:$srv_PORT <"$S/full" >out 2>err &&
		test_grep ALTER_CONFIG_DIR err && test_grep XDG_CONFIG_HOME err &&
		test_grep HOME err &&
		test "$(ls -A "$EMPTY")" = alter && test "$(wc -l <srv.log)" = "$n"
	'

	test_expect_success 'in an empty root ALTER_PAT still works' '
		ALTER_PAT=$T_FULL only_env ALTER_PAT -- "$CHROOT" "$EMPTY" /alter auth status \
		    --base-url https://localhost:$srv_PORT >out 2>err &&
		test_grep "Source:       ALTER_PAT" out &&
		test_grep "Name:         ci-full-access" out &&
		test "$(ls -A "$EMPTY")" = alter
	'
fi

test_done
