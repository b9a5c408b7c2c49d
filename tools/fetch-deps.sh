#!/bin/sh
# fetch-deps.sh DIR: put the Debian source packages of BearSSL, cJSON and
# ca-certificates (Mozilla's root list, the version pinned in the Makefile) in DIR.
#
# Uses apt-get's own signed-index checking with a private sources list, so the
# system's apt configuration is neither read for sources nor changed.  Files
# already in DIR are kept (an air-gapped host fills DIR by hand: see README).
set -eu
dir=$1
mkdir -p "$dir"
have() { ls "$dir"/$1 >/dev/null 2>&1; }
if have 'bearssl_0.6+dfsg.1.orig.tar.xz' && have 'bearssl_0.6+dfsg.1-*.debian.tar.xz' &&
   have 'cjson_1.7.15.orig.tar.gz' && have 'cjson_1.7.15-*.debian.tar.xz' &&
   have 'ca-certificates_20230311+deb12u1.tar.xz'; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "fetch-deps: no apt-get here; put the BearSSL, cJSON and ca-certificates source packages in $dir (DEPS_DIR)" >&2
	exit 1
fi
apt=$(cd "$dir" && pwd)/.apt
mkdir -p "$apt/parts" "$apt/lists/partial"
cat > "$apt/parts/alter-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts -o Dir::State::Lists=$apt/lists -o APT::Sandbox::User=root"
apt-get -q $opts update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
cd "$dir"
apt-get -q $opts source --download-only bearssl cjson ca-certificates=20230311+deb12u1 >"$apt/source.log" 2>&1 || { cat "$apt/source.log" >&2; exit 1; }
