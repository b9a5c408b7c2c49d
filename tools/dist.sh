#!/bin/sh
# dist.sh DIST ARCH VERSION BINARY COMPLETION_DIR SBOM: write the release
# archive DIST/alter-VERSION-linux-ARCH.tar.gz and its CycloneDX SBOM
# DIST/alter-VERSION-linux-ARCH.cdx.json (called by make dist, once per
# architecture).
#
# The archive holds one folder, alter-VERSION-linux-ARCH/, with the binary,
# alter.1, the three completion scripts (completion/alter.bash, _alter,
# alter.fish), LICENSE and README.md.  Its bytes depend on those files and
# SOURCE_DATE_EPOCH only: entries sorted by name, owner and group 0 (root),
# modes 0755 (folders, the binary) and 0644, every mtime SOURCE_DATE_EPOCH,
# ustar headers, and gzip -n (no name, no time in the gzip header).
set -eu
dist=$1 arch=$2 version=$3 bin=$4 comp=$5 sbom=$6
name=alter-$version-linux-$arch
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set (the Makefile sets it)}"
stage=$dist/.stage-$arch
rm -rf "$stage"
install -d -m 0755 "$stage/$name" "$stage/$name/completion"
install -m 0755 "$bin" "$stage/$name/alter"
install -m 0644 alter.1 LICENSE README.md "$stage/$name/"
install -m 0644 "$comp/bash" "$stage/$name/completion/alter.bash"
install -m 0644 "$comp/zsh" "$stage/$name/completion/_alter"
install -m 0644 "$comp/fish" "$stage/$name/completion/alter.fish"
LC_ALL=C tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" -C "$stage" -cf - "$name" | gzip -9 -n >"$dist/$name.tar.gz.tmp"
mv "$dist/$name.tar.gz.tmp" "$dist/$name.tar.gz"
cp "$sbom" "$dist/$name.cdx.json"
chmod 0644 "$dist/$name.tar.gz" "$dist/$name.cdx.json"
rm -rf "$stage"
