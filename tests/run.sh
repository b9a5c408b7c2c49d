#!/bin/sh
# tests/run.sh: run every unit test and shell test, each printing TAP, and
# end with one summary line.  Exit status is non-zero if anything failed.
# JOBS=N runs N test files at once (each has its own trash directory and
# server ports); their output is printed in order once all have ended.
# TESTS='tests/t001*.sh ...' runs only those shell tests.
# EMU=qemu-aarch64-static runs the unit tests under user-mode emulation
# (make check ARCH=aarch64 sets it and points ALTER at the emulated binary).
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
JOBS=${JOBS:-1}
TESTS=${TESTS:-tests/t[0-9]*.sh}
mkdir -p tests/tmp
[ -f tests/tmp/pki/ca.pem ] || sh tests/helper/mkcerts.sh tests/tmp/pki >/dev/null || exit 1
passed=0 failed=0 skipped=0

# report TEST STATUS OUTPUT: print a test file's TAP and count it.
report() {
	echo "# $1"
	echo "$3"
	p=$(echo "$3" | grep -c '^ok ' || true)
	s=$(echo "$3" | grep -c '^ok .*# skip' || true)
	f=$(echo "$3" | grep -c '^not ok ' || true)
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $1 exited $2"
		f=1
	fi
	passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + f))
}

tests=
for t in $BUILD/unit_* $TESTS; do
	[ -e "$t" ] && tests="$tests $t"
done
if [ "$JOBS" -gt 1 ]; then
	res=tests/tmp/run.$$
	rm -rf "$res" && mkdir -p "$res"
	printf '%s\n' $tests | xargs -n 1 -P "$JOBS" sh -c '
		r=$0/$(echo "$1" | tr / _)
		case "$1" in *.sh) sh "$1" ;; *) $EMU "$1" ;; esac >"$r.out" 2>&1
		echo $? >"$r.rc"' "$res"
	for t in $tests; do
		r=$res/$(echo "$t" | tr / _)
		report "$t" "$(cat "$r.rc" 2>/dev/null || echo 1)" "$(cat "$r.out" 2>/dev/null)"
	done
	rm -rf "$res"
else
	for t in $tests; do
		case "$t" in
		*.sh) out=$(sh "$t" 2>&1) ;;
		*) out=$($EMU "$t" 2>&1) ;;
		esac
		report "$t" $? "$out"
	done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
