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

cp "$out/ca.pem" "$out/cadir/ca.pem"
chmod 600 "$out"/*.key
