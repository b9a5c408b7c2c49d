#!/bin/sh
test_description='--help at every level comes from the command tables'
. "$(dirname "$0")/lib.sh"

# Walk the command tree through --help: every level lists its commands.
walk() {
	"$ALTER" "$@" --help >help.out 2>&1 || return 1
	sed -n '/^commands:/,/^$/p' help.out | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >subs
	cp subs "subs.$(echo "$*" | tr ' ' _)"
	for s in $(cat "subs.$(echo "$*" | tr ' ' _)"); do
		echo "$* $s" >>all
		walk "$@" "$s" || return 1
	done
}

test_expect_success 'every command and group answers --help with exit 0' '
	: >all && walk && test $(wc -l <all) -gt 50
'

test_expect_success 'commands are listed sorted and unique at every level' '
	for f in subs.*; do sort -u "$f" | cmp -s - "$f" || { echo "unsorted: $f"; exit 1; }; done
'

test_expect_success 'every help line fits on one 100-column line' '
	for c in "" $(sed "s/ /:/g" all); do
		"$ALTER" $(echo "$c" | tr : " ") --help
	done >everything 2>&1 &&
	! awk "length > 100" everything | grep .
'

test_expect_success 'a leaf command lists its own flags and points to the global flags' '
	alter keys mint --help >out &&
	test_grep "--scopes LIST" out && test_grep "--expires-in" out &&
	grep -qxF "Global flags: see \`alter --help\`" out && test_no_grep "--base-url" out
'

test_expect_success 'a group without a command prints its help and exits 2' '
	test_expect_code 2 alter apps 2>err && test_grep "commands:" err
'

test_done
