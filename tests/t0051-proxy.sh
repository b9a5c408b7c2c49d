#!/bin/sh
test_description='HTTPS through a CONNECT proxy: variables, credentials, NO_PROXY, loopback'
. "$(dirname "$0")/lib.sh"

# api.alter.test is in the good certificate's names; only the proxies can
# resolve it (--map), so a request that reaches the server went through one.
MAP=api.alter.test=127.0.0.1
start_server srv --cert "$PKI/proxyhost.pem" --key "$PKI/proxyhost.key" --bind both
start_proxy px --map $MAP
start_proxy pxauth --map $MAP --auth "user:pa@ss w0rd"
start_proxy px403 --map $MAP --status 403
start_proxy pxat --map $MAP --auth "user:p@ss"
start_proxy px502 --map $MAP
export ALTER_PAT="$T_FULL" ALTER_CA_FILE="$PKI/ca.pem"
API=https://api.alter.test:$srv_PORT
PX=http://127.0.0.1:$px_PORT
# A port nothing listens on: a proxy there fails every request.
DEAD=http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
me() { alter api GET /v1/pats/me "$@"; }

lines() { if [ -f "$TRASH/$1.log" ]; then wc -l <"$TRASH/$1.log"; else echo 0; fi; }

# Name lookups that are meant to go direct run with a private /etc/hosts
# and a loopback-only resolver (lib.sh with_hosts): nothing leaves the host.
printf '127.0.0.1 localhost\n' >"$TRASH/hosts.none"
printf '127.0.0.1 localhost\n127.0.0.1 api.alter.test\n' >"$TRASH/hosts.api"
if can_unshare; then
	test_expect_success 'the test host name does not resolve without a proxy' '
		ALTER_MAX_RETRIES=0 test_expect_code 1 with_hosts hosts.none "$ALTER" api GET /v1/pats/me \
		    --base-url $API >out 2>err &&
		test ! -s out && test_grep "cannot resolve api.alter.test: " err &&
		test_no_grep "Try again" err && test_no_grep "does not resolve" err &&
		grep -q -E "no such host|DNS server" err
	'
else
	test_skip 'the test host name does not resolve without a proxy' 'needs root and unshare'
fi

for var in https_proxy HTTPS_PROXY all_proxy ALL_PROXY; do
	test_expect_success "$var sends the request through a CONNECT tunnel" "
		before=\$(lines px) &&
		$var=\$PX me --base-url \$API >out &&
		test_grep '\"pat_full\"' out &&
		test \$(lines px) = \$((before + 1)) &&
		test \"\$(log_last px target)\" = '\"api.alter.test:$srv_PORT\"' &&
		test \"\$(log_last px method)\" = '\"CONNECT\"' &&
		test \"\$(log_last px auth)\" = '\"none\"' &&
		test \"\$(log_last srv sni)\" = '\"api.alter.test\"' &&
		test \"\$(log_last srv tls_version)\" = '\"TLSv1.2\"'
	"
done

test_expect_success 'https_proxy wins over HTTPS_PROXY, all_proxy and ALL_PROXY' '
	https_proxy=$PX HTTPS_PROXY=$DEAD all_proxy=$DEAD ALL_PROXY=$DEAD me --base-url $API >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'HTTPS_PROXY wins over all_proxy and ALL_PROXY' '
	HTTPS_PROXY=$PX all_proxy=$DEAD ALL_PROXY=$DEAD me --base-url $API >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a proxy that refuses connections is exit 1 naming the proxy' '
	HTTPS_PROXY=$DEAD test_expect_code 1 me --base-url $API >out 2>err &&
	test ! -s out && test_grep "proxy ${DEAD#http://}" err
'

test_expect_success 'credentials in the proxy URL are sent as Basic and never printed' '
	HTTPS_PROXY="http://user:pa%40ss%20w0rd@127.0.0.1:$pxauth_PORT" me --base-url $API >out 2>err &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last pxauth auth)" = "\"ok\"" &&
	test_no_grep "w0rd" out && test_no_grep "w0rd" err
'

test_expect_success 'an unencoded @ in the proxy password is part of the password' '
	HTTPS_PROXY="http://user:p@ss@127.0.0.1:$pxat_PORT" me --base-url $API >out 2>err &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last pxat auth)" = "\"ok\""
'

test_expect_success 'a proxy asking for credentials (407) is exit 1 saying they are needed' '
	before=$(lines pxauth) &&
	HTTPS_PROXY=http://127.0.0.1:$pxauth_PORT test_expect_code 1 me --base-url $API >out 2>err &&
	test ! -s out &&
	test "$(log_last pxauth auth)" = "\"missing\"" &&
	test_grep "407" err && test_grep "proxy credentials are needed" err &&
	test $(lines pxauth) = $((before + 1))
'

test_expect_success 'wrong proxy credentials are a 407 that does not print the password' '
	HTTPS_PROXY="http://user:n0tTheSecret@127.0.0.1:$pxauth_PORT" test_expect_code 1 \
	    me --base-url $API >out 2>err &&
	test "$(log_last pxauth auth)" = "\"bad\"" &&
	test_grep "407" err && test_no_grep "n0tTheSecret" err && test ! -s out
'

test_expect_success 'a non-2xx answer to CONNECT is exit 1 naming the status, not retried' '
	HTTPS_PROXY=http://127.0.0.1:$px403_PORT test_expect_code 1 me --base-url $API >out 2>err &&
	test ! -s out && test_grep "answered 403" err &&
	test "$(log_last px403 status)" = 403 && test $(lines px403) = 1
'

test_expect_success 'a 502 from a proxy that cannot reach the server is retried, then exit 1 naming it' '
	HTTPS_PROXY=http://127.0.0.1:$px502_PORT test_expect_code 1 \
	    me --base-url https://api.alter.test:${DEAD##*:} >out 2>err &&
	test ! -s out && test_grep "answered 502" err &&
	test "$(log_last px502 status)" = 502 && test $(lines px502) = 3
'

test_expect_success 'a proxy URL that is not http:// is exit 2 naming the variable' '
	HTTPS_PROXY=https://127.0.0.1:$px_PORT test_expect_code 2 me --base-url $API 2>err &&
	test_grep "HTTPS_PROXY" err
'

test_expect_success 'a proxy URL with a bad port is exit 2 naming the variable' '
	all_proxy=http://127.0.0.1:99999 test_expect_code 2 me --base-url $API 2>err &&
	test_grep "all_proxy" err
'

# NO_PROXY: these run where api.alter.test resolves to 127.0.0.1, so a
# bypassed request reaches the server directly and the proxy logs nothing.
for np in alter.test .alter.test api.alter.test API.ALTER.TEST test "example.com, alter.test" \
    " alter.test " '*'; do
	if ! can_unshare; then
		test_skip "NO_PROXY='$np' sends api.alter.test direct" 'needs root and unshare'
		continue
	fi
	test_expect_success "NO_PROXY='$np' sends api.alter.test direct" "
		before=\$(lines px) &&
		HTTPS_PROXY=\$PX NO_PROXY='$np' with_hosts hosts.api \"\$ALTER\" api GET /v1/pats/me \\
		    --base-url \$API >out &&
		test_grep '\"pat_full\"' out &&
		test \"\$(log_last srv sni)\" = '\"api.alter.test\"' &&
		test \$(lines px) = \$before
	"
done

if can_unshare; then
	test_expect_success 'no_proxy is read like NO_PROXY' '
		before=$(lines px) &&
		HTTPS_PROXY=$PX no_proxy=alter.test with_hosts hosts.api "$ALTER" api GET /v1/pats/me \
		    --base-url $API >out &&
		test_grep "\"pat_full\"" out && test $(lines px) = $before
	'

	test_expect_success 'the same name without NO_PROXY goes through the proxy' '
		before=$(lines px) &&
		HTTPS_PROXY=$PX with_hosts hosts.api "$ALTER" api GET /v1/pats/me --base-url $API >out &&
		test_grep "\"pat_full\"" out && test $(lines px) = $((before + 1))
	'

	# An IP-literal host matches only an identical IP entry.  In a network
	# namespace of its own (nothing reachable, not even the proxy) the
	# error tells which way the request went.
	for pair in 10.0.0.1:direct 0.0.1:proxy .0.0.1:proxy 110.0.0.1:proxy 10.0.0.10:proxy; do
		np=${pair%:*} way=${pair#*:}
		test_expect_success "NO_PROXY='$np' for https://10.0.0.1 goes $way" "
			HTTPS_PROXY=\$PX NO_PROXY='$np' ALTER_MAX_RETRIES=0 test_expect_code 1 \\
			    unshare -n \"\$ALTER\" api GET /v1/pats/me --base-url https://10.0.0.1:8443 \\
			    --timeout 5 2>err &&
			if [ $way = direct ]; then
				test_grep 'cannot connect to 10.0.0.1:8443' err
			else
				test_grep 'cannot connect to proxy 127.0.0.1:$px_PORT' err
			fi
		"
	done
else
	test_skip 'no_proxy is read like NO_PROXY' 'needs root and unshare'
	test_skip 'the same name without NO_PROXY goes through the proxy' 'needs root and unshare'
	test_skip 'NO_PROXY for an IP-literal host matches only that IP' 'needs root and unshare'
fi

for np in pi.alter.test other.alter.test alter.test.example example.com 127.0.0.1; do
	test_expect_success "NO_PROXY='$np' does not match api.alter.test" "
		HTTPS_PROXY=\$PX NO_PROXY='$np' me --base-url \$API >out &&
		test_grep '\"pat_full\"' out &&
		test \"\$(log_last px target)\" = '\"api.alter.test:$srv_PORT\"'
	"
done

for host in localhost LOCALHOST 127.0.0.1 '[::1]'; do
	test_expect_success "https://$host goes direct even with a proxy set" "
		before=\$(lines px) &&
		HTTPS_PROXY=\$PX ALL_PROXY=\$PX me --base-url https://$host:\$srv_PORT >out 2>err &&
		test_grep '\"pat_full\"' out &&
		test \$(lines px) = \$before
	"
done

# Other loopback addresses: nothing listens there (or the certificate does
# not name them), so the request fails, but directly.
for host in 127.0.0.9 '[::ffff:127.0.0.1]'; do
	test_expect_success "https://$host goes direct even with a proxy set" "
		before=\$(lines px) &&
		HTTPS_PROXY=\$PX ALTER_MAX_RETRIES=0 test_expect_code 1 me \\
		    --base-url https://$host:\$srv_PORT 2>err &&
		test \$(lines px) = \$before && test_no_grep proxy err
	"
done

test_done
