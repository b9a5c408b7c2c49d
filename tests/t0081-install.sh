#!/bin/sh
test_description='make install: the binary, the manual page and three completion scripts'
. "$(dirname "$0")/lib.sh"

# make from inside make check: a fresh make, not a sub-make of the caller's.
# make install installs ./alter (build/aarch64/alter with ARCH=aarch64, which
# make check ARCH=aarch64 names in ALTER_BIN); under the sanitizers and valgrind
# ALTER is another build of the same source, so the installed file is ./alter.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" "$@"; }

test_expect_success 'make install DESTDIR=... PREFIX=/usr installs the three kinds of file' '
	{ mk install ${ARCH:+ARCH=$ARCH} DESTDIR="$TRASH/dest" PREFIX=/usr >make.out 2>&1 || { cat make.out; exit 1; }; } &&
	(cd dest && find . -type f | sort) >files &&
	cat >expect <<-\EOF &&
	./usr/bin/alter
	./usr/share/bash-completion/completions/alter
	./usr/share/fish/vendor_completions.d/alter.fish
	./usr/share/man/man1/alter.1
	./usr/share/zsh/site-functions/_alter
	EOF
	test_cmp expect files &&
	installed=${SANITIZE:+$TOP/alter} &&
	cmp dest/usr/bin/alter "${installed:-$ALTER_BIN}" &&
	test "$(stat -c %a dest/usr/bin/alter)" = 755 &&
	test "$(stat -c %a dest/usr/share/man/man1/alter.1)" = 644 &&
	cmp dest/usr/share/man/man1/alter.1 "$TOP/alter.1"
'

test_expect_success 'the installed completion scripts are what the binary prints' '
	alter completion bash >expect && cmp expect dest/usr/share/bash-completion/completions/alter &&
	alter completion zsh >expect && cmp expect dest/usr/share/zsh/site-functions/_alter &&
	alter completion fish >expect && cmp expect dest/usr/share/fish/vendor_completions.d/alter.fish
'

# (under emulation, through $EMU: make check ARCH=aarch64 installs the aarch64 binary)
test_expect_success 'the installed binary runs' '
	$EMU dest/usr/bin/alter --version >out && test_grep "alter 0.1.0" out
'

test_expect_success 'make install honours PREFIX alone, and make uninstall removes every file' '
	mk install ${ARCH:+ARCH=$ARCH} DESTDIR="$TRASH/opt" PREFIX=/opt/alter >out 2>&1 &&
	test -x opt/opt/alter/bin/alter && test -f opt/opt/alter/share/man/man1/alter.1 &&
	mk uninstall DESTDIR="$TRASH/opt" PREFIX=/opt/alter >out 2>&1 &&
	(cd opt && find . -type f) >files && ! test -s files
'

test_expect_success 'alter.1 carries the version the binary prints' '
	v=$(sed -n "s/^\.TH ALTER 1 [0-9-]* \"alter \([^\"]*\)\".*/\1/p" "$TOP/alter.1") &&
	test -n "$v" && alter --version | head -n 1 | grep -q -F "alter $v "
'

if ! command -v groff >/dev/null 2>&1 || ! command -v man >/dev/null 2>&1; then
	test_skip 'alter.1 renders without a groff warning' 'groff-base and man-db are not installed'
	test_skip 'man -l alter.1 renders it' 'man-db is not installed'
	test_skip 'alter.1 names every command and flag of the tables' 'man-db is not installed'
else
	test_expect_success 'alter.1 renders without a groff warning (groff -ww -man)' '
		groff -ww -man -Tutf8 "$TOP/alter.1" >out 2>err &&
		! test -s err && test -s out
	'

	test_expect_success 'man -l alter.1 renders it: every section, no warning' '
		MANWIDTH=80 man -l "$TOP/alter.1" >man.txt 2>err &&
		! test -s err &&
		for s in NAME SYNOPSIS DESCRIPTION "GLOBAL FLAGS" COMMANDS ENVIRONMENT FILES \
		    "EXIT STATUS" EXAMPLES; do
			grep -q "^$s\$" man.txt || { echo "no section $s"; exit 1; }
		done
	'

	# The completion script lists every command path and its flags, so it
	# doubles as the list of what the manual must name.
	test_expect_success 'alter.1 names every command and flag of the tables' '
		MANWIDTH=1000 man -l "$TOP/alter.1" 2>/dev/null | tr -s " " >man.txt &&
		alter completion bash >bash &&
		sed -n "s/^'"'"' \([a-z -]*[a-z]\)'"'"') w=.*/\1/p" bash | grep -v " -\$" >paths &&
		test $(wc -l <paths) -gt 60 &&
		while read -r p; do
			grep -q -F -e "$p" man.txt || { echo "command not in alter.1: $p"; exit 1; }
		done <paths &&
		tr " " "\n" <bash | sed -n "s/^\(--[a-z-]*\).*/\1/p" | sort -u >flags &&
		while read -r f; do
			grep -q -F -e "$f" man.txt || { echo "flag not in alter.1: $f"; exit 1; }
		done <flags &&
		for v in ALTER_PAT ALTER_APP_ID ALTER_BASE_URL ALTER_DASHBOARD_URL ALTER_CONFIG_DIR \
		    ALTER_CA_FILE SSL_CERT_FILE SSL_CERT_DIR ALTER_TIMEOUT ALTER_MAX_RETRIES \
		    ALTER_RETRY_MAX_WAIT https_proxy no_proxy NO_COLOR auth.toml link.json; do
			grep -q -F -e "$v" man.txt || { echo "not in alter.1: $v"; exit 1; }
		done
	'
fi

test_done
