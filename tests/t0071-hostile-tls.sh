#!/bin/sh
test_description='hostile TLS servers: TLS 1.0 only, a client certificate required'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-hostile.sh"

# Bad server certificates are t0010's; these are the other handshakes
# that must fail cleanly.
start_server good
start_server clientcert \
    --require-client-cert --client-ca "$PKI/ca.pem"
export ALTER_CA_FILE="$PKI/ca.pem"

# Some OpenSSL builds can no longer serve TLS 1.0 at all.
tls10_ok() {
	python3 -c 'import ssl, warnings
warnings.simplefilter("ignore")
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.set_ciphers("DEFAULT:@SECLEVEL=0")
c.minimum_version = c.maximum_version = ssl.TLSVersion.TLSv1' 2>/dev/null
}

tls10_ok && start_server tls10 --tls10-only
test_expect_success 'setup: a PAT is stored (every test below uses it)' '
	store_token $good_PORT $clientcert_PORT ${tls10_PORT:-} && store_untouched
'

if tls10_ok; then
	test_expect_success 'a server that speaks only TLS 1.0 is refused in one line' '
		hostile 1 api GET /v1/pats/me --base-url https://localhost:$tls10_PORT &&
		test_grep "TLS 1.0" err
	'
else
	test_skip 'a server that speaks only TLS 1.0 is refused in one line' 'this OpenSSL cannot serve TLS 1.0'
fi

test_expect_success 'a server that requires a client certificate is refused in one line' '
	hostile 1 api GET /v1/pats/me --base-url https://localhost:$clientcert_PORT &&
	test_grep "client certificate" err
'

test_expect_success 'a refused handshake sends no request, so no token' '
	test_no_grep "\"method\"" clientcert.log
'

test_done
