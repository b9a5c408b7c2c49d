#!/bin/sh
test_description='the Dockerfile: its final stages run in an empty root, its build is the README'"'"'s'
. "$(dirname "$0")/lib.sh"

DOCKERFILE=$TOP/Dockerfile

# stage_root STAGE ROOT BINARY: carry out the COPY, ENV and ENTRYPOINT lines
# of "FROM scratch AS STAGE" into the empty directory ROOT, as a container
# engine would: BINARY stands for the build stage's /src/alter, and the
# build context is $TRASH/context.  ENV lines go to ROOT.env, the entry
# point to ROOT.entry; any other instruction is refused.
stage_root() {
	sed -n "/^FROM scratch AS $1\$/,/^FROM /{/^FROM /d;/^#/d;/^\$/d;p}" "$DOCKERFILE" >"$2.lines" &&
	test -s "$2.lines" && mkdir "$2" && : >"$2.env" &&
	while read -r op a b c; do
		case "$op $a" in
		"COPY --from=build")
			test "$b" = /src/alter || { echo "unexpected: $op $a $b $c"; return 1; }
			mkdir -p "$2$(dirname "$c")" && cp "$3" "$2$c" ;;
		COPY*)	mkdir -p "$2$(dirname "$b")" && cp "$TRASH/context/$a" "$2$b" ;;
		ENV*)	echo "$a" >>"$2.env" ;;
		ENTRYPOINT*) echo "$a" | sed 's/^\["\(.*\)"\]$/\1/' >"$2.entry" ;;
		*)	echo "unsupported: $op $a $b $c"; return 1 ;;
		esac
	done <"$2.lines"
}

# run_stage ROOT ARGS...: the entry point in ROOT, with the stage's ENV and
# ALTER_PAT only.
run_stage() {
	rs_root=$1; shift
	(
		names=ALTER_PAT
		while IFS='=' read -r k v; do export "$k=$v"; names="$names $k"; done <"$rs_root.env"
		only_env $names -- "$CHROOT" "$rs_root" "$(cat "$rs_root.entry")" "$@"
	)
}

test_expect_success 'the Dockerfile builds with the README'"'"'s commands' '
	grep "^RUN " "$DOCKERFILE" >run && test $(wc -l <run) -eq 2 &&
	while read -r line; do
		grep -q -x -F -e "$line" "$TOP/README.md" || { echo "not in README.md: $line"; exit 1; }
	done <run &&
	grep -q -x -F "RUN make -C /src" run
'

test_expect_success 'the README shows the Dockerfile'"'"'s final stages line for line' '
	sed -n "/^FROM scratch AS/,\$p" "$DOCKERFILE" | grep -v -e "^#" -e "^\$" -e "^FROM " >lines &&
	while read -r line; do
		grep -q -x -F -e "$line" "$TOP/README.md" || { echo "not in README.md: $line"; exit 1; }
	done <lines
'

if [ -n "$EMU" ]; then
	test_skip 'the default stage: the binary alone reaches the server' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
	test_skip 'the corp-ca stage: SSL_CERT_FILE makes the default binary trust the corporate CA' 'under emulation: the binary alone in an empty root, where qemu-aarch64-static is not'
elif [ -n "${SANITIZE:-}" ] || [ "$(id -u)" != 0 ] || [ ! -x "$TOP/tests/tmp/alter-testca" ]; then
	test_skip 'the default stage: the binary alone reaches the server' 'needs root and the static test-CA build'
	test_skip 'the corp-ca stage: SSL_CERT_FILE makes the default binary trust the corporate CA' 'needs root'
else
	CHROOT=$(command -v chroot)
	start_server srv
	mkdir -p "$TRASH/context"

	# The test CA stands for the Mozilla roots: alter-testca has it compiled in.
	test_expect_success 'the default stage: the binary alone reaches the server' '
		stage_root alter "$TRASH/img" "$TOP/tests/tmp/alter-testca" &&
		test "$(cd img && find . -type f)" = ./alter && test "$(cat img.entry)" = /alter &&
		ALTER_PAT="$T_FULL" run_stage "$TRASH/img" api GET /v1/pats/me \
		    --base-url https://localhost:$srv_PORT >out 2>err &&
		test_grep "\"pat_full\"" out
	'

	# The test CA stands for the corporate CA: the default binary does not
	# trust it (t0030) until SSL_CERT_FILE names it.
	test_expect_success 'the corp-ca stage: SSL_CERT_FILE makes the default binary trust the corporate CA' '
		cp "$PKI/ca.pem" context/corp-ca.pem &&
		stage_root corp-ca "$TRASH/corp" "$ALTER" &&
		test_grep SSL_CERT_FILE=/etc/corp-ca.pem corp.env &&
		ALTER_PAT="$T_FULL" run_stage "$TRASH/corp" auth status \
		    --base-url https://localhost:$srv_PORT >out 2>err &&
		test_grep "Source:       ALTER_PAT" out &&
		: >corp.env &&
		ALTER_PAT="$T_FULL" test_expect_code 1 run_stage "$TRASH/corp" auth status \
		    --base-url https://localhost:$srv_PORT >out 2>err &&
		test_grep "not trusted" err
	'
fi

test_done
