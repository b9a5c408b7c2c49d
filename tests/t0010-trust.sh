#!/bin/sh
test_description='HTTPS to the reference server: trust sources and certificate failures'
. "$(dirname "$0")/lib.sh"

start_server good
start_server prefixed --prefix /api
start_server expired --cert "$PKI/expired.pem" --key "$PKI/expired.key"
start_server notyet --cert "$PKI/notyet.pem" --key "$PKI/notyet.key"
start_server wrong --cert "$PKI/wronghost.pem" --key "$PKI/wronghost.key"
start_server self --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
start_server nochain --cert "$PKI/chained.pem" --key "$PKI/chained.key"
start_server chain --cert "$PKI/chained-full.pem" --key "$PKI/chained.key"
start_server tls13 --tls13-only
start_server rsa4096 --cert "$PKI/rsa4096-leaf.pem" --key "$PKI/good.key"
export ALTER_PAT="$T_FULL"
me() { alter api GET /v1/pats/me "$@"; }

test_expect_success 'a request succeeds with --ca-file' '
	me --base-url https://localhost:$good_PORT --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a request succeeds with ALTER_CA_FILE' '
	ALTER_CA_FILE="$PKI/ca.pem" me --base-url https://localhost:$good_PORT >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a request succeeds with SSL_CERT_FILE' '
	SSL_CERT_FILE="$PKI/ca.pem" me --base-url https://localhost:$good_PORT >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a request succeeds with SSL_CERT_DIR' '
	SSL_CERT_DIR="$PKI/cadir" me --base-url https://localhost:$good_PORT >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'SSL_CERT_DIR takes colon-separated directories' '
	mkdir -p empty &&
	SSL_CERT_DIR="$TRASH/empty:$PKI/cadir" me --base-url https://localhost:$good_PORT >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'the base URL may come from ALTER_BASE_URL' '
	ALTER_BASE_URL=https://localhost:$good_PORT me --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a base URL with a path prefix puts paths under it' '
	me --base-url https://localhost:$prefixed_PORT/api --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out &&
	test_grep "\"/api/v1/pats/me\"" prefixed.log
'

test_expect_success 'the request carries the contract headers and the token in one header only' '
	me --base-url https://localhost:$good_PORT --ca-file "$PKI/ca.pem" >out &&
	tail -n 1 good.log >last &&
	test_grep "\"user-agent\": \"alter/" last &&
	test_grep "\"accept\": \"application/json\"" last &&
	test_grep "\"authorization\": \"Bearer full\"" last &&
	test_grep "\"token_seen_in\": [\"authorization\"]" last &&
	test_grep "\"sni\": \"localhost\"" last &&
	test_grep "\"tls_version\": \"TLSv1.2\"" last
'

test_expect_success 'a trailing-dot host (localhost.) resolves, sends SNI and matches without the dot' '
	me --base-url https://localhost.:$good_PORT --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out &&
	tail -n 1 good.log >last &&
	test_grep "\"sni\": \"localhost\"" last &&
	test_grep "\"host\": \"localhost:$good_PORT\"" last
'

test_expect_success 'a host of only a dot is a bad URL' '
	test_expect_code 2 me --base-url https://.:$good_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "bad host" err
'

test_expect_success 'a CA file that does not exist is exit 4 naming it' '
	test_expect_code 4 me --base-url https://localhost:$good_PORT --ca-file "$TRASH/nope.pem" 2>err &&
	test_grep "nope.pem" err
'

test_expect_success 'a server the anchors do not vouch for is exit 1 naming the anchor source' '
	test_expect_code 1 me --base-url https://localhost:$self_PORT --ca-file "$PKI/ca.pem" >out 2>err &&
	test_grep "not trusted" err && test_grep "ca.pem" err &&
	test ! -s out
'

test_expect_success 'an expired certificate is exit 1 suggesting to check the clock' '
	test_expect_code 1 me --base-url https://localhost:$expired_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "expired or not yet valid" err && test_grep "clock" err
'

test_expect_success 'a certificate not yet valid is exit 1 suggesting to check the clock' '
	test_expect_code 1 me --base-url https://localhost:$notyet_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "expired or not yet valid" err && test_grep "clock" err
'

test_expect_success 'a certificate for another host is exit 1 naming the host' '
	test_expect_code 1 me --base-url https://localhost:$wrong_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "does not match host '"'"'localhost'"'"'" err
'

test_expect_success 'a server that omits its intermediate is not trusted' '
	test_expect_code 1 me --base-url https://localhost:$nochain_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "not trusted" err
'

test_expect_success 'a server that sends its intermediate is trusted' '
	me --base-url https://localhost:$chain_PORT --ca-file "$PKI/ca.pem" >out &&
	test_grep "\"pat_full\"" out
'

# BearSSL's i62 RSA code takes 4096-bit keys only with patches/bearssl-i62-tlen.patch.
test_expect_success 'a leaf signed by an RSA 4096 root verifies' '
	me --base-url https://localhost:$rsa4096_PORT --ca-file "$PKI/rsa4096-ca.pem" >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'an RSA 4096 root of the same name with another key does not' '
	test_expect_code 1 me --base-url https://localhost:$rsa4096_PORT --ca-file "$PKI/rsa4096-other.pem" >out 2>err &&
	test_grep "not trusted" err && test ! -s out
'

test_expect_success 'a server that only speaks TLS 1.3 is exit 1 saying so' '
	test_expect_code 1 me --base-url https://localhost:$tls13_PORT --ca-file "$PKI/ca.pem" 2>err &&
	test_grep "requires a TLS version above 1.2" err
'

test_expect_success 'an http:// base URL is exit 2' '
	test_expect_code 2 me --base-url http://localhost:$good_PORT 2>err &&
	test_grep "https://" err
'

test_done
