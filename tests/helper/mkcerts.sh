#!/bin/sh
# mkcerts.sh OUTDIR: make the throwaway PKI the tests run against.
#
# Nothing made here is committed: the test suite runs this at test time.
# Everything is written inside OUTDIR (openssl ca keeps its state in
# OUTDIR/.ca-state, removed at the end); running it again replaces every file.
#
# Made in OUTDIR (PEM):
#   ca.pem ca.key                root CA (EC P-256, CA:TRUE, keyCertSign)
#   int.pem int.key              intermediate CA, issued by the root
#   good.pem good.key            RSA 2048 leaf issued by the root, the good names
#   good-ec.pem good-ec.key      ECDSA P-256 leaf issued by the root, the good names
#   chained.pem chained.key      leaf issued by the intermediate (leaf alone:
#                                the "missing intermediate" case)
#   chained-full.pem             that leaf then the intermediate (what a correct
#                                server sends)
#   expired.pem expired.key      valid 2020-01-01 .. 2021-01-01 only
#   notyet.pem notyet.key        valid from 2035-01-01 only
#   wronghost.pem wronghost.key  SAN DNS:wrong.example only
#   selfsigned.pem selfsigned.key  self-signed leaf with the good names
#   ipwrong.pem ipwrong.key      SAN DNS:localhost, IP:127.0.0.2, IP:::2 only
#   proxyhost.pem proxyhost.key  a copy of good (it names alter.test hosts)
#   client.pem client.key        a client certificate issued by the root
#                                (clientAuth), for --require-client-cert checks
#   cadir/ca.pem                 a copy of ca.pem, for SSL_CERT_DIR tests
#   rsa4096-ca.pem rsa4096-ca.key  root CA with an RSA 4096 key (the size of
#                                ISRG Root X1), so a 4096-bit verification runs
#   rsa4096-leaf.pem             RSA 2048 leaf (good.key) issued by that root,
#                                the good names
#   rsa4096-other.pem            another RSA 4096 root with the same name and
#                                a different key: it must not verify that leaf
# The certificate policy cases (docs/cli.md section 6), each with its .key;
# a -full.pem file is the leaf then its intermediate, as the server sends it:
#   ekuclient.pem                the good names, extended key usage clientAuth only
#   cnonly.pem                   CN=localhost and no subjectAltName at all
#   rsa1024.pem                  the good names on an RSA-1024 key
#   weakca.pem                   a root CA on an RSA-1024 key (an anchor alter leaves out)
#   weakleaf.pem                 the good names, RSA-2048, issued by weakca
#   ncpermit.pem                 intermediate, nameConstraints permitted DNS:localhost
#   ncin-full.pem                leaf DNS:localhost, IP:127.0.0.1 under ncpermit (inside)
#   ncout-full.pem               leaf DNS:localhost, sub.localhost (inside),
#                                notlocalhost (outside) under ncpermit
#   ncexclude.pem                intermediate, excluded DNS:localhost and IP:127.0.0.0/8
#   ncexcl-full.pem              leaf with the good names under ncexclude
#   ncexclip-full.pem            leaf IP:127.0.0.1 only under ncexclude
#   nccritical.pem               intermediate, critical nameConstraints permitted
#                                DNS:localhost (BearSSL refuses critical extensions
#                                it does not process)
#   nccritin-full.pem            leaf DNS:localhost under nccritical (inside)
#   nccritout-full.pem           leaf DNS:localhost, DNS:notlocalhost under nccritical
#   ncdirname.pem                intermediate, permitted directoryName O=elsewhere
#   ncdirname-leaf-full.pem      leaf with the good names under ncdirname (a form
#                                alter cannot check, and it applies: the leaf
#                                has a subject)
#
# The good names: DNS:localhost, DNS:*.localhost, DNS:alter.test,
# DNS:api.alter.test, IP:127.0.0.1, IP:::1.
#
# Every leaf: SHA-256 signature, basicConstraints CA:FALSE, serverAuth
# extended key usage, and no critical extension that BearSSL's minimal X.509
# engine does not know (it rejects those).  The RSA leaves other than good
# share one RSA key with good: generating an RSA key per leaf costs time and
# tests nothing more.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
state=$out/.ca-state
rm -rf "$state" "$out/cadir"
mkdir -p "$state/new" "$out/cadir"
trap 'rm -rf "$state"' EXIT

good_san='DNS:localhost,DNS:*.localhost,DNS:alter.test,DNS:api.alter.test,IP:127.0.0.1,IP:::1'

# GNU date: the validity window of the good leaves starts yesterday.
yesterday=$(date -u -d '1 day ago' +%y%m%d%H%M%SZ)
next_year=$(date -u -d '364 days' +%y%m%d%H%M%SZ)
ca_end=$(date -u -d '10 years' +%Y%m%d%H%M%SZ)

# The openssl ca configuration: one section per kind of certificate.
cat >"$state/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = $state
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
organizationName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_int ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_leaf_rsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::LEAF_SAN}

[ v3_leaf_ec ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::LEAF_SAN}

[ v3_leaf_clientauth ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = \${ENV::LEAF_SAN}

[ v3_leaf_nosan ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[ v3_int_permit ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = permitted;DNS:localhost

[ v3_int_exclude ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = excluded;DNS:localhost, excluded;IP:127.0.0.0/255.0.0.0

[ v3_int_critical ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:localhost

[ v3_int_dirname ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = permitted;dirName:nc_dir

[ nc_dir ]
O = elsewhere

[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
: >"$state/index.txt"
echo 1000 >"$state/serial"
LEAF_SAN=$good_san
export LEAF_SAN

ec_key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# csr KEY NAME: one signing request per key, in the state directory; openssl
# ca -subj gives each certificate its own subject.
csr() {
	openssl req -new -config "$state/ca.cnf" -key "$1" -out "$state/$2.csr"
}

# sign CSR SUBJECT_CN ISSUER_PEM ISSUER_KEY EXTSECTION START END OUT
sign() {
	openssl ca -batch -config "$state/ca.cnf" -notext -cert "$3" -keyfile "$4" \
		-subj "/O=alter tests/CN=$2" -extensions "$5" -startdate "$6" -enddate "$7" \
		-in "$state/$1.csr" -out "$8" 2>/dev/null
}

# Keys: EC P-256 for the CAs, the client and good-ec; one RSA 2048 key for
# every RSA leaf.  The RSA key takes longest: it is made in the background
# while the CAs are made.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/good.key" 2>/dev/null &
rsa_pid=$!
for r in rsa4096-ca rsa4096-other; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$out/$r.key" 2>/dev/null &
	eval "${r#rsa4096-}_pid=\$!"
done
ec_key "$out/ca.key"
ec_key "$out/int.key"
ec_key "$out/good-ec.key"
ec_key "$out/client.key"
csr "$out/ca.key" ca
csr "$out/int.key" int
csr "$out/good-ec.key" ec
csr "$out/client.key" client

# Root CA: self-signed through openssl ca so that it too starts yesterday.
openssl ca -batch -config "$state/ca.cnf" -notext -selfsign -keyfile "$out/ca.key" \
	-subj "/O=alter tests/CN=alter test root CA" -extensions v3_root \
	-startdate "$yesterday" -enddate "$ca_end" -in "$state/ca.csr" -out "$out/ca.pem" 2>/dev/null

# Intermediate CA.
sign int "alter test intermediate CA" "$out/ca.pem" "$out/ca.key" \
	v3_int "$yesterday" "$ca_end" "$out/int.pem"

# Client certificate, for servers run with --require-client-cert.
sign client "alter test client" "$out/ca.pem" "$out/ca.key" \
	v3_client "$yesterday" "$next_year" "$out/client.pem"

wait "$rsa_pid"
tee "$out/chained.key" "$out/expired.key" "$out/notyet.key" "$out/wronghost.key" \
	"$out/selfsigned.key" "$out/ipwrong.key" "$out/proxyhost.key" <"$out/good.key" >/dev/null
csr "$out/good.key" rsa

# Leaves.
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/good.pem"
sign ec localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_ec "$yesterday" "$next_year" "$out/good-ec.pem"
sign rsa localhost "$out/int.pem" "$out/int.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/chained.pem"
cat "$out/chained.pem" "$out/int.pem" >"$out/chained-full.pem"
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa 200101000000Z 210101000000Z "$out/expired.pem"
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa 350101000000Z 360101000000Z "$out/notyet.pem"
LEAF_SAN='DNS:wrong.example'
sign rsa wrong.example "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/wronghost.pem"
LEAF_SAN='DNS:localhost,IP:127.0.0.2,IP:::2'
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/ipwrong.pem"
LEAF_SAN=$good_san
cp "$out/good.pem" "$out/proxyhost.pem"

# RSA 4096 roots: the same name on two keys; the leaf is issued by the first.
wait "$ca_pid" "$other_pid"
for r in rsa4096-ca rsa4096-other; do
	csr "$out/$r.key" "$r"
	openssl ca -batch -config "$state/ca.cnf" -notext -selfsign -keyfile "$out/$r.key" \
		-subj "/O=alter tests/CN=alter test RSA 4096 root" -extensions v3_root \
		-startdate "$yesterday" -enddate "$ca_end" -in "$state/$r.csr" -out "$out/$r.pem" 2>/dev/null
done
rm -f "$out/rsa4096-other.key"
sign rsa localhost "$out/rsa4096-ca.pem" "$out/rsa4096-ca.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/rsa4096-leaf.pem"

# Self-signed leaf: not issued by the root.
openssl req -new -x509 -config "$state/ca.cnf" -key "$out/selfsigned.key" -sha256 -days 365 \
	-subj "/O=alter tests/CN=localhost" \
	-addext "basicConstraints=critical,CA:FALSE" \
	-addext "keyUsage=critical,digitalSignature,keyEncipherment" \
	-addext "extendedKeyUsage=serverAuth" \
	-addext "subjectAltName=$good_san" \
	-out "$out/selfsigned.pem"

# The certificate policy cases.  Intermediates get EC keys, leaves the RSA
# key of good (rsa1024 its own).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$out/rsa1024.key" 2>/dev/null
csr "$out/rsa1024.key" rsa1024
sign rsa1024 localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/rsa1024.pem"
openssl ca -batch -config "$state/ca.cnf" -notext -selfsign -keyfile "$out/rsa1024.key" \
	-subj "/O=alter tests/CN=alter test weak RSA-1024 CA" -extensions v3_root \
	-startdate "$yesterday" -enddate "$ca_end" -in "$state/rsa1024.csr" -out "$out/weakca.pem" 2>/dev/null
tee "$out/ekuclient.key" "$out/cnonly.key" "$out/weakleaf.key" <"$out/good.key" >/dev/null
sign rsa localhost "$out/weakca.pem" "$out/rsa1024.key" \
	v3_leaf_rsa "$yesterday" "$next_year" "$out/weakleaf.pem"
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_clientauth "$yesterday" "$next_year" "$out/ekuclient.pem"
sign rsa localhost "$out/ca.pem" "$out/ca.key" \
	v3_leaf_nosan "$yesterday" "$next_year" "$out/cnonly.pem"
for nc in permit exclude critical dirname; do
	ec_key "$out/nc$nc.key"
	csr "$out/nc$nc.key" "nc$nc"
	sign "nc$nc" "alter test CA nc$nc" "$out/ca.pem" "$out/ca.key" \
		"v3_int_$nc" "$yesterday" "$ca_end" "$out/nc$nc.pem"
done
# ncleaf NAME ISSUER SAN: a leaf under an intermediate, and NAME-full.pem.
ncleaf() {
	cp "$out/good.key" "$out/$1.key"
	LEAF_SAN=$3 sign rsa localhost "$out/$2.pem" "$out/$2.key" \
		v3_leaf_rsa "$yesterday" "$next_year" "$out/$1.pem"
	cat "$out/$1.pem" "$out/$2.pem" >"$out/$1-full.pem"
}
ncleaf ncin ncpermit 'DNS:localhost,IP:127.0.0.1'
ncleaf ncout ncpermit 'DNS:localhost,DNS:sub.localhost,DNS:notlocalhost'
ncleaf ncexcl ncexclude "$good_san"
ncleaf ncexclip ncexclude 'IP:127.0.0.1'
ncleaf ncdirname-leaf ncdirname "$good_san"
ncleaf nccritin nccritical 'DNS:localhost'
ncleaf nccritout nccritical 'DNS:localhost,DNS:notlocalhost'

cp "$out/ca.pem" "$out/cadir/ca.pem"
chmod 600 "$out"/*.key
