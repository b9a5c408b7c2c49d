#!/bin/sh
# reproduce-check.sh DEPS_DIR CA_BUNDLE: build the committed HEAD twice, from
# two clones at paths of different lengths, under a different umask, time
# zone and locale, with make dist (both architectures: the binaries, the
# release archives, their SBOMs and SHA256SUMS), and compare every file of
# the two dist/ folders and the two stripped binaries of each architecture.
#
# Both builds read the same inputs: the source packages already in DEPS_DIR
# (nothing is downloaded) and the same roots (Mozilla's list from DEPS_DIR, or
# CA_BUNDLE when one is named).  With the default roots, the second build
# runs where /etc/ssl/certs holds an extra throwaway CA, to show that the
# build host's CAs do not reach the binaries.  SOURCE_DATE_EPOCH is the
# commit's time, as the Makefile sets it.  On a difference, both builds
# are kept and the first differing bytes are shown.
set -eu
deps=$(cd "$1" && pwd)
bundle=$2
top=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/alter-repro.XXXXXX")
a=$tmp/a
b=$tmp/second-build/at/a/longer/path
mkdir -p "$(dirname "$b")"
git clone -q "$top" "$a"
git clone -q "$top" "$b"
jobs=$(nproc 2>/dev/null || echo 1)

# other_certs CMD...: run CMD in a private mount namespace whose
# /etc/ssl/certs is a copy of the host's plus a throwaway CA, appended to its
# ca-certificates.crt too (needs root and unshare; nothing outside $tmp and
# the namespace changes).  Without a named CA_BUNDLE only.
other_certs() { "$@"; }
if [ -z "$bundle" ]; then
	if [ "$(id -u)" = 0 ] && [ -d /etc/ssl/certs ] && unshare -m true 2>/dev/null &&
	    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=alter reproduce-check throwaway CA' \
	    -keyout "$tmp/throwaway.key" -out "$tmp/throwaway.pem" >/dev/null 2>&1; then
		mkdir "$tmp/certs" && cp -a /etc/ssl/certs/. "$tmp/certs/" &&
		cp "$tmp/throwaway.pem" "$tmp/certs/alter-throwaway.pem" &&
		cat "$tmp/throwaway.pem" >>"$tmp/certs/ca-certificates.crt"
		other_certs() {
			unshare -m sh -c 'mount --bind "$0" /etc/ssl/certs && exec "$@"' "$tmp/certs" "$@"
		}
		echo "reproduce-check: the second build sees an extra CA in /etc/ssl/certs"
	else
		echo "reproduce-check: warning: cannot vary /etc/ssl/certs here (needs root, unshare -m and openssl);" \
		    "independence from the host's CAs is not checked" >&2
	fi
fi
(cd "$a" && umask 022 && TZ=UTC LC_ALL=C \
    make -s -j"$jobs" DEPS_DIR="$deps" CA_BUNDLE="$bundle" dist) >"$tmp/a.log" 2>&1 ||
	{ cat "$tmp/a.log" >&2; exit 1; }
(cd "$b" && umask 002 && TZ=Pacific/Auckland LC_ALL=C.UTF-8 \
    other_certs make -s -j"$jobs" DEPS_DIR="$deps" CA_BUNDLE="$bundle" dist) >"$tmp/b.log" 2>&1 ||
	{ cat "$tmp/b.log" >&2; exit 1; }
# Every file of dist/ and each architecture's binary, by sha256, in one list.
sums() {
	(cd "$1" && sha256sum alter build/aarch64/alter && cd dist && LC_ALL=C sha256sum -- *)
}
sums "$a" >"$tmp/a.sums"
sums "$b" >"$tmp/b.sums"
sa=$(sha256sum <"$a/alter" | cut -d' ' -f1)
echo "reproduce-check: $(git -C "$top" rev-parse --short HEAD) built at $a and at $b"
sed 's/^/reproduce-check:   /' "$tmp/a.sums"
if ! cmp -s "$tmp/a.sums" "$tmp/b.sums"; then
	echo "reproduce-check: the two builds differ (kept in $tmp):" >&2
	diff "$tmp/a.sums" "$tmp/b.sums" >&2 || true
	for f in $(diff "$tmp/a.sums" "$tmp/b.sums" | sed -n 's/^< [0-9a-f]*  //p'); do
		g=$f; [ -e "$a/$f" ] || g=dist/$f
		cmp -l "$a/$g" "$b/$g" | head -n 10 >&2 || true
	done
	exit 1
fi
for bin in alter build/aarch64/alter; do
	if strings -a "$a/$bin" | grep -n -F -e "$tmp" -e "$top" >&2; then
		echo "reproduce-check: $bin embeds a build path (kept in $tmp)" >&2
		exit 1
	fi
done
# The tree's own ./alter, when it was built from HEAD unchanged (as in CI).
if [ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] && [ -f "$top/alter" ]; then
	st=$(sha256sum <"$top/alter" | cut -d' ' -f1)
	echo "reproduce-check: and ./alter of the tree: sha256 $st"
	if [ "$st" != "$sa" ]; then
		echo "reproduce-check: ./alter differs from the clean builds (kept in $tmp); if it is older than HEAD, run make and retry" >&2
		exit 1
	fi
fi
rm -rf "$tmp"
echo "reproduce-check: identical"
