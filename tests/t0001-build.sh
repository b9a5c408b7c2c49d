#!/bin/sh
test_description='the binary is static, small, and says what it is'
. "$(dirname "$0")/lib.sh"

if [ -n "${SANITIZE:-}" ]; then
	test_skip 'alter is statically linked' 'sanitizer build'
	test_skip 'alter is built for the target' 'sanitizer build'
	test_skip 'alter is at most 300 KiB stripped' 'sanitizer build'
else
test_expect_success 'alter is statically linked: no dynamic section, no interpreter' '
	readelf -d "$ALTER_BIN" >dyn 2>&1;
	test_grep "no dynamic section" dyn &&
	readelf -l "$ALTER_BIN" >phdr &&
	test_no_grep "INTERP" phdr
'

# make check ARCH=aarch64 runs this file against the aarch64 binary.
test_expect_success "alter is built for ${ARCH:-$(uname -m)}" '
	readelf -h "$ALTER_BIN" >hdr &&
	case "${ARCH:-$(uname -m)}" in
	x86_64) test_grep "Advanced Micro Devices X86-64" hdr ;;
	aarch64) test_grep "AArch64" hdr ;;
	*) echo "# no machine name known for ${ARCH:-$(uname -m)}"; false ;;
	esac
'

test_expect_success 'alter is at most 300 KiB stripped' '
	size=$(stat -c %s "$ALTER_BIN") &&
	echo "size $size" &&
	test "$size" -le 307200
'
fi

test_expect_success '--version names BearSSL, cJSON, TLS 1.2 and the missing keychain' '
	alter --version >out &&
	test_grep "BearSSL 0.6" out &&
	test_grep "cJSON 1.7.15" out &&
	test_grep "TLS 1.2" out &&
	test_grep "static musl" out &&
	test_grep "keychain: not in this build" out &&
	grep -q "else compiled-in Mozilla roots (Debian ca-certificates [^)]*), [0-9][0-9]* roots$" out
'

test_expect_success 'version is the same as --version' '
	alter --version >a && alter version >b && test_cmp a b
'

test_expect_success 'an unknown command is exit 2 naming it' '
	test_expect_code 2 alter frobnicate 2>err &&
	test_grep "unknown command '"'"'frobnicate'"'"'" err
'

test_expect_success 'an unknown flag is exit 2 naming it' '
	test_expect_code 2 alter version --frob 2>err &&
	test_grep "unknown flag '"'"'--frob'"'"'" err
'

test_expect_success '--help at the top lists the commands and exit codes' '
	alter --help >out &&
	test_grep "auth" out && test_grep "exit codes" out
'

test_done
