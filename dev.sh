#!/bin/sh
# dev.sh: set up a fresh Debian machine and run the project's main jobs.
#
#   ./dev.sh demo    build alter and run a session against the reference server
#                    (in a temporary directory: the checkout is left as it was)
#   ./dev.sh check   build alter and run the whole test suite (make check)
#   ./dev.sh deps    only install what the build and tests need
#   ./dev.sh cross   also install the aarch64 cross build's packages (then
#                    make ARCH=aarch64, make check ARCH=aarch64, make dist)
#
# It installs the missing Debian packages (as root, or through sudo), then
# runs make.  Nothing else on the machine is changed (./dev.sh cross also
# adds arm64 to dpkg's architectures, which multiarch packages need).
set -eu
cd "$(dirname "$0")"

# groff-base, man-db, zsh and fish: the tests of alter.1 and the completion
# scripts; git: make reproduce-check builds from two clones; nginx, nodejs,
# curl and valgrind: make bench (it runs its own nginx from a temp dir and
# never uses the system service Debian's package starts).
need="make gcc musl-tools python3 openssl ca-certificates xz-utils patch binutils coreutils
    groff-base man-db zsh fish git nginx nodejs curl valgrind"
# ./dev.sh cross: the cross compiler, musl for arm64 (multiarch: its libc.a,
# headers and the specs file its aarch64-linux-musl-gcc wrapper uses), and
# qemu-aarch64-static, which make check ARCH=aarch64 calls by name.
if [ "${1:-}" = cross ]; then
	need="$need gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user-static"
fi
if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
case " $need " in
*:arm64*)
	# musl-dev:arm64 needs arm64 known to dpkg, then a fresh index (the
	# apt-get update below: musl-dev:arm64 is missing then).
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "dev.sh: dpkg --add-architecture arm64" >&2
		$sudo dpkg --add-architecture arm64
	fi ;;
esac
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "dev.sh: installing$missing" >&2
	$sudo apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

case "${1:-check}" in
demo)	# The session is the first screen: the build's lines go to build/build.log.
	mkdir -p build
	echo "dev.sh: building alter (the steps are in build/build.log)" >&2
	make >build/build.log 2>&1 || { cat build/build.log >&2; exit 1; }
	exec make demo ;;
check)	exec make check ;;
deps|cross)	exit 0 ;;
*)	exec make "$@" ;;
esac
