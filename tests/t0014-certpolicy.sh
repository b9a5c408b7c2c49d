#!/bin/sh
test_description='certificate policy: EKU, SAN only, RSA-2048 minimum, name constraints, messages'
. "$(dirname "$0")/lib.sh"

# Every server below is vouched for by the test CA: only the policy refuses it.
start_server ekuclient --cert "$PKI/ekuclient.pem" --key "$PKI/ekuclient.key"
start_server cnonly --cert "$PKI/cnonly.pem" --key "$PKI/cnonly.key"
start_server rsa1024 --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" --weak-key
start_server weakleaf --cert "$PKI/weakleaf.pem" --key "$PKI/weakleaf.key"
start_server ncin --cert "$PKI/ncin-full.pem" --key "$PKI/ncin.key"
start_server ncout --cert "$PKI/ncout-full.pem" --key "$PKI/ncout.key"
start_server ncexcl --cert "$PKI/ncexcl-full.pem" --key "$PKI/ncexcl.key"
start_server ncexclip --cert "$PKI/ncexclip-full.pem" --key "$PKI/ncexclip.key"
start_server nccritin --cert "$PKI/nccritin-full.pem" --key "$PKI/nccritin.key"
start_server nccritout --cert "$PKI/nccritout-full.pem" --key "$PKI/nccritout.key"
start_server ncdirname --cert "$PKI/ncdirname-leaf-full.pem" --key "$PKI/ncdirname-leaf.key"
start_server goodec --cert "$PKI/good-ec.pem" --key "$PKI/good-ec.key"
start_server chain --cert "$PKI/chained-full.pem" --key "$PKI/chained.key"
export ALTER_PAT="$T_FULL" ALTER_CA_FILE="$PKI/ca.pem" ALTER_MAX_RETRIES=0
me() { srv=$1; shift; alter api GET /v1/pats/me --base-url "https://${HOST:-localhost}:$(eval echo \$${srv}_PORT)" "$@"; }

# refused SERVER GREP...: exit 1, nothing on stdout, no request served, stderr
# holds every GREP and no bare library error number.
refused() {
	r_srv=$1; shift
	test_expect_code 1 me "$r_srv" >out 2>err || return 1
	test ! -s out && test "$(log_count "$r_srv" /v1/pats/me)" = 0 || return 1
	for g in "$@"; do test_grep "$g" err || return 1; done
	test_no_grep "BearSSL" err && ! grep -q "error [0-9]" err
}

test_expect_success 'a client-only certificate (EKU clientAuth, no serverAuth) is refused' '
	refused ekuclient "certificate of localhost (depth 0)" "extended key usage lacks serverAuth"
'

test_expect_success 'a certificate naming its host only in the Common Name is refused' '
	refused cnonly "certificate of localhost (depth 0)" "no subjectAltName" "Common Name"
'

test_expect_success 'an RSA-1024 server key is refused as a weak key' '
	refused rsa1024 "weak key: RSA under 2048 bits" "(certificate at depth 0)"
'

test_expect_success 'an RSA-1024 anchor is left out: a chain that needs it is not trusted' '
	ALTER_CA_FILE="$PKI/weakca.pem" refused weakleaf "not trusted" "weakca.pem"
'

test_expect_success 'a name inside a permitted DNS name constraint is accepted' '
	me ncin >out && test_grep "\"pat_full\"" out
'

test_expect_success 'a leaf name outside a permitted DNS name constraint is refused, naming it' '
	refused ncout "certificate of localhost (depth 1)" "name constraints exclude '"'"'notlocalhost'"'"'"
'

test_expect_success 'a DNS name under an excluded name constraint is refused' '
	refused ncexcl "certificate of localhost (depth 1)" "name constraints exclude" "localhost"
'

test_expect_success 'an IP address under an excluded IP name constraint is refused' '
	HOST=127.0.0.1 refused ncexclip "certificate of 127.0.0.1 (depth 1)" \
	    "name constraints exclude 127.0.0.1"
'

test_expect_success 'a name constraint form alter cannot check (directoryName) refuses the chain' '
	refused ncdirname "(depth 1)" "name constraint alter cannot check"
'

test_expect_success 'a name outside a critical name constraint is refused, naming it' '
	refused nccritout "certificate of localhost (depth 1)" "name constraints exclude '"'"'notlocalhost'"'"'"
'

test_expect_success 'a critical name constraint is refused by BearSSL, saying so (known limit)' '
	refused nccritin "critical extension alter cannot check" "(certificate at depth 1)"
'

test_expect_success 'the good certificates still pass (EC and RSA-2048 leaves, intermediate)' '
	me goodec >out && test_grep "\"pat_full\"" out &&
	me chain >out && test_grep "\"pat_full\"" out
'

test_done
