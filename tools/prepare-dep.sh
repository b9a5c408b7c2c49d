#!/bin/sh
# prepare-dep.sh DEPS_DIR ORIG SHA256 DEBIAN_GLOB SRC_TOP OUTDIR REVFILE [PATCH...]
#
# Checks the upstream tarball ORIG against its pinned SHA256, unpacks it into
# OUTDIR, applies the Debian patches of the newest revision found in DEPS_DIR
# (the archive serves only its newest one) and writes that revision to REVFILE.
# Then applies our own PATCHes (patches/*.patch, -p1) in the order given and
# lists their names, without directory and .patch, in REVFILE's .patches file
# (empty when there are none): alter version and the SBOM name them.
set -eu
deps=$1 orig=$2 sum=$3 debglob=$4 top=$5 out=$6 revfile=$7
shift 7
got=$(sha256sum "$deps/$orig" | cut -d' ' -f1)
if [ "$got" != "$sum" ]; then
	echo "prepare-dep: $deps/$orig has sha256 $got, expected $sum" >&2
	exit 1
fi
deb=$(ls "$deps"/$debglob | sort -V | tail -n 1)
rev=$(basename "$deb" .debian.tar.xz | sed 's/^[^_]*_//')
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
tar -xf "$deps/$orig" -C "$out.tmp"
tar -xf "$deb" -C "$out.tmp/$top"
if [ -f "$out.tmp/$top/debian/patches/series" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$out.tmp/$top/debian/patches/series" | while read -r p _; do
		patch -s -p1 -d "$out.tmp/$top" < "$out.tmp/$top/debian/patches/$p"
	done
fi
mine=
for p in "$@"; do
	patch -s -p1 -d "$out.tmp/$top" < "$p"
	mine="$mine$(basename "$p" .patch)
"
done
rm -rf "$out" && mv "$out.tmp/$top" "$out" && rm -rf "$out.tmp"
printf '%s\n' "$rev" > "$revfile"
printf '%s' "$mine" > "${revfile%.rev}.patches"
