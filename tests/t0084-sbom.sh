#!/bin/sh
test_description='make sbom: a CycloneDX 1.5 bill of materials that agrees with alter version'
. "$(dirname "$0")/lib.sh"

SBOM=$TOP/${BUILD:-build}/sbom.json

# field EXPR: a value of the SBOM, by a Python expression over d.
field() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
p = {n: {q["name"]: q["value"] for q in x.get("properties", [])} for n, x in c.items()}
print(eval(sys.argv[2]))' "$SBOM" "$1"
}
pin() { sed -n "s/^$1 *= *//p" "$TOP/Makefile"; }

if [ ! -f "$SBOM" ] || [ "$SBOM" -ot "$ALTER_BIN" ]; then
	test_skip 'the SBOM is CycloneDX 1.5 JSON' 'run make sbom (make check does) first'
	test_done
	exit
fi

test_expect_success 'the SBOM is CycloneDX 1.5 JSON describing the binary by sha256' '
	test "$(field d[\"bomFormat\"])" = CycloneDX &&
	test "$(field d[\"specVersion\"])" = 1.5 &&
	test "$(field d[\"metadata\"][\"component\"][\"hashes\"][0][\"content\"])" = \
	    "$(sha256sum <"$ALTER_BIN" | cut -d" " -f1)"
'

test_expect_success 'it lists musl, BearSSL, cJSON and the compiled-in root list' '
	field "sorted(c)" >out &&
	echo "['"'"'BearSSL'"'"', '"'"'cJSON'"'"', '"'"'ca-certificates'"'"', '"'"'musl'"'"']" >expect &&
	test_cmp expect out
'

test_expect_success 'versions and Debian revisions are the ones alter version prints' '
	alter version >version &&
	bv=$(field c[\"BearSSL\"][\"version\"]) && br=$(field p[\"BearSSL\"][\"debian:revision\"]) &&
	cv=$(field c[\"cJSON\"][\"version\"]) && cr=$(field p[\"cJSON\"][\"debian:revision\"]) &&
	test_grep "BearSSL $bv (Debian source $br)" version &&
	test_grep "cJSON $cv (Debian source $cr)" version &&
	test "$br" = "$(cat "$TOP/${BUILD:-build}/bearssl.rev")" &&
	test "$cr" = "$(cat "$TOP/${BUILD:-build}/cjson.rev")" &&
	test "$(field p[\"BearSSL\"][\"debian:source\"])" = bearssl &&
	test "$(field p[\"cJSON\"][\"debian:source\"])" = cjson
'

# Our own patches to BearSSL, as the SBOM lists them: file, then sha256.
sbom_patches() {
	field '"\n".join(x["diff"]["url"] for x in c["BearSSL"]["pedigree"]["patches"])'
	field '"\n".join(q["value"] for q in c["BearSSL"]["properties"] if q["name"] == "alter:local-patch")'
}
tree_patches() {
	(cd "$TOP" && ls patches/bearssl-*.patch)
	for f in "$TOP"/patches/bearssl-*.patch; do
		echo "$(basename "$f" .patch) sha256:$(sha256sum <"$f" | cut -d" " -f1)"
	done
}

test_expect_success 'our BearSSL patches: the same in patches/, alter version and the SBOM' '
	tree_patches >expect && test -s expect &&
	sbom_patches >out && test_cmp expect out &&
	names=$(cd "$TOP/patches" && ls bearssl-*.patch | sed "s/\.patch\$//" | paste -sd, | sed "s/,/, /g") &&
	"$TOP/alter" version >version &&
	test_grep ") with local patches $names, TLS 1.2 only" version
'

test_expect_success 'the upstream tarballs carry the sha256 pinned in the Makefile' '
	test "$(field c[\"BearSSL\"][\"externalReferences\"][0][\"hashes\"][0][\"content\"])" = \
	    "$(pin BEARSSL_SHA)" &&
	test "$(field c[\"cJSON\"][\"externalReferences\"][0][\"hashes\"][0][\"content\"])" = \
	    "$(pin CJSON_SHA)"
'

test_expect_success 'the root list is the pinned Mozilla tarball alter version names, MPL-2.0' '
	alter version >version &&
	v=$(field c[\"ca-certificates\"][\"version\"]) &&
	test "$v" = "$(cat "$TOP/${BUILD:-build}/certdata.rev")" &&
	test_grep "compiled-in Mozilla roots (Debian ca-certificates $v), " version &&
	test "$(field c[\"ca-certificates\"][\"hashes\"][0][\"content\"])" = "$(pin CERTDATA_SHA)" &&
	test "$(field c[\"ca-certificates\"][\"externalReferences\"][0][\"hashes\"][0][\"content\"])" = \
	    "$(pin CERTDATA_SHA)" &&
	test "$(field c[\"ca-certificates\"][\"licenses\"][0][\"license\"][\"id\"])" = MPL-2.0 &&
	test "$(field p[\"ca-certificates\"][\"debian:source\"])" = ca-certificates
'

test_expect_success 'every component states its licence: MIT for alter, musl, BearSSL and cJSON' '
	lic() { field "[l[\"license\"][\"id\"] for l in $1[\"licenses\"]]"; } &&
	test "$(lic d[\"metadata\"][\"component\"])" = "['"'"'MIT'"'"']" &&
	test "$(lic c[\"musl\"])" = "['"'"'MIT'"'"']" &&
	test "$(lic c[\"BearSSL\"])" = "['"'"'MIT'"'"']" &&
	test "$(lic c[\"cJSON\"])" = "['"'"'MIT'"'"']" &&
	test "$(lic c[\"ca-certificates\"])" = "['"'"'MPL-2.0'"'"']" &&
	test_grep "MIT License" "$TOP/LICENSE"
'

test_expect_success 'the SBOM names the target and the musl-dev of that architecture, with its libc.a' '
	arch=${ARCH:-$(uname -m)} &&
	case $arch in x86_64) deb=amd64 ;; aarch64) deb=arm64 ;; *) deb=unknown ;; esac &&
	test "$(field p[\"musl\"][\"debian:package\"])" = "musl-dev:$deb" &&
	test "$(field p[\"musl\"][\"sha256:libc.a\"])" = \
	    "$(sha256sum <"$(dpkg -L "musl-dev:$deb" | grep "/libc\.a$" | head -n 1)" | cut -d" " -f1)" &&
	test "$(field d[\"metadata\"][\"component\"][\"properties\"][0][\"value\"])" = "$arch-linux-musl"
'

test_done
