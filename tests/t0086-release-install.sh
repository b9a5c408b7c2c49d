#!/bin/sh
test_description='the README'"'"'s install from a release archive, run as written against a local dist/'
. "$(dirname "$0")/lib.sh"

DIST=$TOP/dist
VERSION=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")

# The lines as the README shows them: the sh block after "From a release
# archive:".  Only the download folder (url=) and the prefix change: to a
# loopback HTTP server serving dist/ and a folder of this test.
sed -n '/^From a release archive:$/,/^```$/p' "$TOP/README.md" | sed '1,/^```sh$/d; /^```$/d' \
    >"$TRASH/install.orig"

if [ ! -f "$DIST/SHA256SUMS" ] || [ "$DIST/SHA256SUMS" -ot "$TOP/README.md" ]; then
	test_skip 'the README has the lines' 'run make dist first'
	test_done
	exit
fi
if ! command -v curl >/dev/null 2>&1; then
	test_skip 'the README has the lines' 'no curl'
	test_done
	exit
fi

# serve NAME DIR: python3's http.server for DIR on 127.0.0.1, on a port the
# kernel picks, which it prints: sets NAME_PORT.
serve() {
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$2" >"$TRASH/$1.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	until port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$TRASH/$1.log" | head -n 1) &&
	    [ -n "$port" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { echo "Bail out! http.server did not start"; exit 1; }
		sleep 0.1
	done
	eval "${1}_PORT=$port"
}
serve good "$DIST"
# A copy of dist/ whose x86_64 archive has one byte changed.
mkdir "$TRASH/bad" && cp "$DIST"/* "$TRASH/bad/" &&
printf x | dd of="$TRASH/bad/alter-$VERSION-linux-x86_64.tar.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
serve bad "$TRASH/bad"
HTTP_PORT=$good_PORT

# run_install MACHINE NAME: the lines in a fresh sh, in an empty folder
# NAME, with `uname -m` answering MACHINE; they install into NAME/prefix.
run_install() {
	mkdir -p "$TRASH/$2/fake" "$TRASH/$2/work" &&
	printf '#!/bin/sh\n[ "$1" = -m ] && echo %s && exit 0\nexec /bin/uname "$@"\n' "$1" \
	    >"$TRASH/$2/fake/uname" && chmod 755 "$TRASH/$2/fake/uname" &&
	sed "s|^url=.*|url=http://127.0.0.1:$HTTP_PORT|; s|^prefix=.*|prefix=$TRASH/$2/prefix|" \
	    "$TRASH/install.orig" >"$TRASH/$2/install.sh" &&
	(cd "$TRASH/$2/work" && PATH=$TRASH/$2/fake:$PATH sh "$TRASH/$2/install.sh")
}

test_expect_success 'the README has the lines: version of the Makefile, uname -m mapping, checked download' '
	test_grep "ver=$VERSION" install.orig &&
	test_grep "x86_64 | amd64) arch=x86_64 ;;" install.orig &&
	test_grep "aarch64 | arm64) arch=aarch64 ;;" install.orig &&
	test_grep "sha256sum -c SHA256SUMS --ignore-missing" install.orig &&
	head -n 1 install.orig >first && echo "set -e" >expect && test_cmp expect first &&
	test $(grep -c "^url=" install.orig) = 1 && test $(grep -c "^prefix=" install.orig) = 1
'

test_expect_success 'the README'"'"'s CI step has the same lines, sudo and prefix aside' '
	awk "/^- name: Install alter\$/ { f = 1; next } f && /^  run: \\|\$/ { r = 1; next }
	    r && /^    / { sub(/^    /, \"\"); print; next } r { exit }" "$TOP/README.md" >ci &&
	grep -v "^set -e$\|^prefix=" install.orig | sed "s|\"\$prefix/bin/alter\"|/usr/local/bin/alter|" >expect &&
	sed "s/^sudo //" ci >got && test_cmp expect got
'

test_expect_success 'on an x86_64 machine the x86_64 archive is checked and its binary installed' '
	run_install x86_64 amd >out 2>err &&
	test_grep "alter-$VERSION-linux-x86_64.tar.gz: OK" out &&
	test "$(stat -c %a amd/prefix/bin/alter)" = 755 &&
	readelf -h amd/prefix/bin/alter | grep -q "X86-64" &&
	cmp amd/prefix/bin/alter amd/work/alter-$VERSION-linux-x86_64/alter &&
	{ [ "$(uname -m)" != x86_64 ] || amd/prefix/bin/alter --version | grep -q "^alter $VERSION "; }
'

test_expect_success 'on an arm64 machine (uname -m says arm64) the aarch64 archive is installed' '
	run_install arm64 arm >out 2>err &&
	test_grep "alter-$VERSION-linux-aarch64.tar.gz: OK" out &&
	readelf -h arm/prefix/bin/alter | grep -q "AArch64" &&
	{ ! command -v qemu-aarch64-static >/dev/null ||
	    qemu-aarch64-static arm/prefix/bin/alter --version | grep -q "^alter $VERSION "; }
'

test_expect_success 'an unknown machine stops the lines before any download' '
	! run_install riscv64 rv >out 2>err &&
	test_grep "no alter release for riscv64" err &&
	test -z "$(ls rv/work)" && ! test -e rv/prefix
'

test_expect_success 'an altered archive fails the check: nothing is extracted or installed' '
	! cmp -s bad/alter-$VERSION-linux-x86_64.tar.gz "$DIST/alter-$VERSION-linux-x86_64.tar.gz" &&
	HTTP_PORT=$bad_PORT && ! run_install x86_64 tampered >out 2>err &&
	test_grep "alter-$VERSION-linux-x86_64.tar.gz: FAILED" out &&
	! test -e tampered/prefix && ! test -e tampered/work/alter-$VERSION-linux-x86_64
'

test_expect_success 'SHA256SUMS covers every file of dist/ and each archive has its SBOM' '
	(cd "$DIST" && ls | grep -v "^SHA256SUMS$") >files &&
	sed "s/^[0-9a-f]*  //" "$DIST/SHA256SUMS" >listed && test_cmp files listed &&
	(cd "$DIST" && sha256sum -c --quiet SHA256SUMS) &&
	for a in x86_64 aarch64; do
		grep -q "  alter-$VERSION-linux-$a.tar.gz$" "$DIST/SHA256SUMS" &&
		grep -q "  alter-$VERSION-linux-$a.cdx.json$" "$DIST/SHA256SUMS" || return 1
	done
'

test_expect_success 'an archive: sorted entries, root:root, fixed modes, mtime SOURCE_DATE_EPOCH, gzip -n' '
	for a in x86_64 aarch64; do
		t=$DIST/alter-$VERSION-linux-$a.tar.gz && n=alter-$VERSION-linux-$a &&
		tar -tzf "$t" >names &&
		printf "%s\n" $n/ $n/LICENSE $n/README.md $n/alter $n/alter.1 $n/completion/ \
		    $n/completion/_alter $n/completion/alter.bash $n/completion/alter.fish >expect &&
		test_cmp expect names &&
		tar --numeric-owner --full-time -tvzf "$t" >long &&
		! grep -v "^[-d]rw[-x]r-[-x]r-[-x] 0/0 " long &&
		grep " $n/alter$" long | grep -q "^-rwxr-xr-x" &&
		grep " $n/LICENSE$" long | grep -q "^-rw-r--r--" &&
		mt=$(python3 -c "import sys,tarfile; print(sorted({m.mtime for m in tarfile.open(sys.argv[1])}))" "$t") &&
		test "$mt" = "[${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct)}]" &&
		od -A n -t x1 -j 3 -N 5 "$t" | tr -d " " >hdr && echo 0000000000 >expect && test_cmp expect hdr ||
		return 1
	done
'

test_done
