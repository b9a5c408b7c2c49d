#!/bin/sh
# sbom.sh: print a CycloneDX 1.5 bill of materials of ./alter on stdout.
#
# Called by `make sbom` with the Makefile's settings in the environment:
# VERSION ALTER CC CA_BUNDLE BUILD BEARSSL_ORIG BEARSSL_SHA CJSON_ORIG
# CJSON_SHA CERTDATA_TAR CERTDATA_SHA.  It lists what is linked in or
# compiled in: musl (the build host's Debian package), BearSSL and cJSON (the
# Debian source revisions in $BUILD/*.rev, the upstream tarballs by their
# sha256 pinned in the Makefile) and the compiled-in roots: Mozilla's list
# (Debian's ca-certificates source, version in $BUILD/certdata.rev, tarball
# by its pinned sha256), or the CA_BUNDLE named, by sha256.  The output
# depends only on those inputs and SOURCE_DATE_EPOCH, so it is reproducible.
# ARCH (uname -m style, the build host's by default) picks the musl-dev of
# the target (musl-dev:arm64 for aarch64).  Every component states its
# licence (SPDX id).
set -eu
sha() { sha256sum <"$1" | cut -d' ' -f1; }
rev() { cat "$BUILD/$1.rev" 2>/dev/null || echo system; }
# bearssl_0.6+dfsg.1.orig.tar.xz -> 0.6 (the upstream version, as alter version says)
upstream() { echo "$1" | sed 's/^[^_]*_//; s/\.orig\.tar\..*//; s/+dfsg.*//'; }
# pkg:deb purls percent-encode "+"
purl() { echo "pkg:deb/debian/$1@$(echo "$2" | sed 's/+/%2B/g')?arch=source"; }
pool() { echo "https://deb.debian.org/debian/pool/main/$(echo "$1" | cut -c1)/$1/$2"; }

arch=${ARCH:-$(uname -m)}
case $arch in
x86_64) deb_arch=amd64 ;;
aarch64) deb_arch=arm64 ;;
*) deb_arch=$(dpkg --print-architecture 2>/dev/null || echo unknown) ;;
esac
# musl-dev:ARCH: with a second architecture installed, plain musl-dev is ambiguous.
musl_pkg=musl-dev:$deb_arch
musl_rev=$(dpkg-query -W -f='${Version}' "$musl_pkg" 2>/dev/null || echo unknown)
musl_src=$(dpkg-query -W -f='${source:Package}' "$musl_pkg" 2>/dev/null || echo musl)
musl_lib=$(dpkg -L "$musl_pkg" 2>/dev/null | grep '/libc\.a$' | head -n 1 || true)
musl_sha=$( [ -n "$musl_lib" ] && sha "$musl_lib" || echo unknown)
bssl_rev=$(rev bearssl)
# Our own patches to BearSSL ($BUILD/bearssl.patches, from prepare-dep.sh):
# CycloneDX pedigree patches by their file in the tree, and one property each
# with the file's sha256.
bssl_patches() {
	[ -s "$BUILD/bearssl.patches" ] || return 0
	sep=
	while read -r p; do
		printf '%s\n        {"type": "unofficial", "diff": {"url": "patches/%s.patch"}}' "$sep" "$p"
		sep=,
	done <"$BUILD/bearssl.patches"
}
bssl_patch_props() {
	[ -s "$BUILD/bearssl.patches" ] || return 0
	while read -r p; do
		printf ',\n        {"name": "alter:local-patch", "value": "%s sha256:%s"}' "$p" "$(sha "patches/$p.patch")"
	done <"$BUILD/bearssl.patches"
}
cjson_rev=$(rev cjson)
# The compiled-in roots: Mozilla's list unless CA_BUNDLE names a file.
roots() {
	if [ -n "${CA_BUNDLE:-}" ]; then
		cat <<EOF
    {
      "type": "data",
      "bom-ref": "ca-bundle",
      "name": "CA_BUNDLE",
      "version": "local",
      "description": "the PEM bundle named by CA_BUNDLE, compiled in as last-resort trust anchors",
      "licenses": [{"license": {"name": "NOASSERTION (a local file: its provider's terms)"}}],
      "hashes": [{"alg": "SHA-256", "content": "$(sha "$CA_BUNDLE")"}]
    }
EOF
		return
	fi
	ca_rev=$(cat "$BUILD/certdata.rev")
	cat <<EOF
    {
      "type": "data",
      "bom-ref": "ca-bundle",
      "name": "ca-certificates",
      "version": "$ca_rev",
      "purl": "$(purl ca-certificates "$ca_rev")",
      "description": "Mozilla's CA root list (mozilla/certdata.txt): the roots trusted for server authentication, compiled in as last-resort trust anchors",
      "licenses": [{"license": {"id": "MPL-2.0"}}],
      "hashes": [{"alg": "SHA-256", "content": "$CERTDATA_SHA"}],
      "externalReferences": [{"type": "distribution", "url": "$(pool ca-certificates "$CERTDATA_TAR")",
        "hashes": [{"alg": "SHA-256", "content": "$CERTDATA_SHA"}]}],
      "properties": [
        {"name": "debian:source", "value": "ca-certificates"},
        {"name": "debian:revision", "value": "$ca_rev"}
      ]
    }
EOF
}
when=$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%dT%H:%M:%SZ)

cat <<EOF
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "version": 1,
  "metadata": {
    "timestamp": "$when",
    "tools": {"components": [{"type": "application", "name": "tools/sbom.sh"}]},
    "component": {
      "type": "application",
      "bom-ref": "alter",
      "name": "alter",
      "version": "$VERSION",
      "description": "static musl binary for $arch-linux-musl, built with $CC",
      "licenses": [{"license": {"id": "MIT"}}],
      "properties": [{"name": "alter:target", "value": "$arch-linux-musl"}],
      "hashes": [{"alg": "SHA-256", "content": "$(sha "$ALTER")"}]
    }
  },
  "components": [
    {
      "type": "library",
      "bom-ref": "musl",
      "name": "musl",
      "version": "${musl_rev%-*}",
      "purl": "$(purl "$musl_src" "$musl_rev")",
      "licenses": [{"license": {"id": "MIT"}}],
      "description": "C library, linked statically from the build host's musl-dev",
      "properties": [
        {"name": "debian:source", "value": "$musl_src"},
        {"name": "debian:package", "value": "$musl_pkg"},
        {"name": "debian:revision", "value": "$musl_rev"},
        {"name": "sha256:libc.a", "value": "$musl_sha"}
      ]
    },
    {
      "type": "library",
      "bom-ref": "bearssl",
      "name": "BearSSL",
      "version": "$(upstream "$BEARSSL_ORIG")",
      "purl": "$(purl bearssl "$bssl_rev")",
      "licenses": [{"license": {"id": "MIT"}}],
      "description": "TLS 1.2 library, built from source with the Debian revision's patches",
      "externalReferences": [{"type": "distribution", "url": "$(pool bearssl "$BEARSSL_ORIG")",
        "hashes": [{"alg": "SHA-256", "content": "$BEARSSL_SHA"}]}],
      "properties": [
        {"name": "debian:source", "value": "bearssl"},
        {"name": "debian:revision", "value": "$bssl_rev"}$(bssl_patch_props)
      ]$( [ -s "$BUILD/bearssl.patches" ] && printf ',\n      "pedigree": {"patches": [%s\n      ]}' "$(bssl_patches)")
    },
    {
      "type": "library",
      "bom-ref": "cjson",
      "name": "cJSON",
      "version": "$(upstream "$CJSON_ORIG")",
      "purl": "$(purl cjson "$cjson_rev")",
      "licenses": [{"license": {"id": "MIT"}}],
      "description": "JSON parser, built from source with the Debian revision's patches",
      "externalReferences": [{"type": "distribution", "url": "$(pool cjson "$CJSON_ORIG")",
        "hashes": [{"alg": "SHA-256", "content": "$CJSON_SHA"}]}],
      "properties": [
        {"name": "debian:source", "value": "cjson"},
        {"name": "debian:revision", "value": "$cjson_rev"}
      ]
    },
$(roots)
  ],
  "dependencies": [
    {"ref": "alter", "dependsOn": ["musl", "bearssl", "cjson", "ca-bundle"]}
  ]
}
EOF
