#!/bin/sh
# dev.sh: set up a fresh Debian machine and run the project's main jobs.
#
#   ./dev.sh demo    build alter and run a session against the reference server
#                    (in a temporary directory: the checkout is left as it was)
#   ./dev.sh check   build alter and run the whole test suite (make check)
#   ./dev.sh deps    only install what the build and tests need
#
# It installs the missing Debian packages (as root, or through sudo), then
# runs make.  Nothing else on the machine is changed.
set -eu
cd "$(dirname "$0")"

# groff-base, man-db, zsh and fish: the tests of alter.1 and the completion
# scripts; git: make reproduce-check builds from two clones; nginx, nodejs,
# curl and valgrind: make bench (it runs its own nginx from a temp dir and
# never uses the system service Debian's package starts).
need="make gcc musl-tools python3 openssl ca-certificates xz-utils patch binutils coreutils
    groff-base man-db zsh fish git nginx nodejs curl valgrind"
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "dev.sh: installing$missing" >&2
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
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
deps)	exit 0 ;;
*)	exec make "$@" ;;
esac
