#!/bin/sh
# tests/run.sh: run every unit test and shell test, each printing TAP, and
# end with one summary line.  Exit status is non-zero if anything failed.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
mkdir -p tests/tmp
[ -f tests/tmp/pki/ca.pem ] || sh tests/mkcerts.sh tests/tmp/pki >/dev/null || exit 1
passed=0 failed=0 skipped=0
for t in $BUILD/unit_* tests/t[0-9]*.sh; do
	[ -e "$t" ] || continue
	case "$t" in
	*.sh) out=$(sh "$t" 2>&1) ;;
	*) out=$("$t" 2>&1) ;;
	esac
	status=$?
	echo "# $t"
	echo "$out"
	p=$(echo "$out" | grep -c '^ok ' || true)
	s=$(echo "$out" | grep -c '^ok .*# skip' || true)
	f=$(echo "$out" | grep -c '^not ok ' || true)
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $status"
		f=1
	fi
	passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + f))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
