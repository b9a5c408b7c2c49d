#!/bin/sh
test_description='hostile local files: auth.toml, --token-file and --input that are not what they claim'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-hostile.sh"

start_server good
export ALTER_CA_FILE="$PKI/ca.pem"
G=https://localhost:$good_PORT

# planted NAME: a config dir cfg-NAME (0700) whose auth.toml the test plants;
# alter is pointed at it for one command.
planted() {
	mkdir -p "$TRASH/cfg-$1" && chmod 700 "$TRASH/cfg-$1" && echo "$TRASH/cfg-$1"
}

# bad_store NAME: alter auth status against cfg-NAME ends with exit 3 and
# one error line naming auth.toml; cfg-NAME/auth.toml is left as planted
# (the caller checks it) and the real store is untouched.
bad_store() {
	ALTER_CONFIG_DIR=$TRASH/cfg-$1 hostile 3 auth status --base-url $G &&
	test_grep "auth.toml" err
}

test_expect_success 'setup: a PAT is stored (every test below checks it is untouched)' '
	store_token $good_PORT && store_untouched
'

test_expect_success 'auth.toml that is a FIFO is refused without waiting for a writer' '
	d=$(planted fifo) && mkfifo -m 600 "$d/auth.toml" &&
	bad_store fifo && test_grep "not a regular file" err && test -p "$d/auth.toml"
'

test_expect_success 'auth.toml that is a directory is refused' '
	d=$(planted dir) && mkdir -m 700 "$d/auth.toml" &&
	bad_store dir && test_grep "not a regular file" err && test -d "$d/auth.toml"
'

test_expect_success 'auth.toml that is /dev/zero behind a symlink is refused unread' '
	d=$(planted zero) && ln -s /dev/zero "$d/auth.toml" &&
	bad_store zero && test_grep "symbolic link" err && test -h "$d/auth.toml"
'

test_expect_success 'auth.toml of 10 MB is refused by its size' '
	d=$(planted big) && (umask 077 && head -c 10485760 /dev/zero | tr "\0" "a" >"$d/auth.toml") &&
	cp -p "$d/auth.toml" "$TRASH/secrets/big.orig" &&
	bad_store big && test_grep "too large" err && cmp "$TRASH/secrets/big.orig" "$d/auth.toml"
'

test_expect_success 'auth.toml with NUL bytes is refused naming the line' '
	d=$(planted nul) &&
	(umask 077 && printf "token = \"%s\0x\"\n" "$T_FULL" >"$d/auth.toml") &&
	cp -p "$d/auth.toml" "$TRASH/secrets/nul.orig" &&
	bad_store nul && test_grep "line 1" err && cmp "$TRASH/secrets/nul.orig" "$d/auth.toml"
'

test_expect_success 'auth.toml with a 1 MB line is refused' '
	d=$(planted line) &&
	(umask 077 && { printf "token = \""; head -c 1048576 /dev/zero | tr "\0" "A"; printf "\"\n"; } \
	    >"$d/auth.toml") &&
	bad_store line && test_grep "too large" err
'

test_expect_success 'auth.toml with a 60 KB token line (under the size cap) is refused' '
	d=$(planted long) &&
	(umask 077 && { printf "token = \"alter_pat_"; head -c 61440 /dev/zero | tr "\0" "A"; printf "\"\n"; } \
	    >"$d/auth.toml") &&
	bad_store long && test_grep "line 1" err
'

test_expect_success '--token-file /dev/zero is refused after 4 KiB' '
	hostile 2 auth login --token-file /dev/zero --base-url $G &&
	test_grep "/dev/zero" err && test_grep "larger than 4096" err
'

test_expect_success '--input of 100 MB is refused at the cap' '
	truncate -s 100M big.json && t0=$(now) &&
	hostile 2 api POST /_fault/ok --input @big.json --base-url $G &&
	test_grep "larger than" err && test $(($(now) - t0)) -le 30 &&
	rm big.json
'

test_expect_success '--input - of 100 MB on standard input is refused at the cap' '
	head -c 104857600 /dev/zero | { hostile 2 api POST /_fault/ok --input - --base-url $G; } &&
	test_grep "larger than" err
'

test_expect_success 'nothing reached the server but the login and its checks' '
	test "$(grep -c "\"path\": \"/_fault/ok\"" good.log)" = 0
'

test_done
