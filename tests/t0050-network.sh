#!/bin/sh
test_description='connecting: every address in turn, the timeout, IP-literal base URLs, redirects'
. "$(dirname "$0")/lib.sh"

start_server srv
start_server v6only --bind ::1
start_server both --bind both
start_server ipwrong --cert "$PKI/ipwrong.pem" --key "$PKI/ipwrong.key" --bind both
start_server silent --silent
start_server other
export ALTER_PAT="$T_FULL" ALTER_CA_FILE="$PKI/ca.pem"
me() { alter api GET /v1/pats/me "$@"; }

# docs/api.md section 1: localhost is 127.0.0.1 then ::1; only ::1 listens here.
test_expect_success 'a refused first address falls through to the next one' '
	me --base-url https://localhost:$v6only_PORT >out &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last v6only sni)" = "\"localhost\""
'

test_expect_success 'a name whose every address refuses is exit 1 naming the host and the count' '
	port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	test_expect_code 1 me --base-url https://localhost:$port >out 2>err &&
	test ! -s out &&
	test_grep "cannot connect to localhost:$port" err &&
	test_grep "2 addresses tried" err
'

# A connect that hangs: ::1 on the port of srv holds a listener whose
# backlog is full, so its SYNs go unanswered.  Through a private /etc/hosts,
# api.alter.test is that ::1 first, then 127.0.0.1 where srv answers.
if can_unshare; then
	python3 -c 'import socket, sys, time
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l.bind(("::1", int(sys.argv[1])))
l.listen(0)
filler = socket.create_connection(("::1", int(sys.argv[1])))
open(sys.argv[2], "w").write("ready\n")
time.sleep(3600)' $srv_PORT "$TRASH/hang.ready" &
	PIDS="$PIDS $!"
	wait_port "$TRASH/hang.ready" || { echo "Bail out! the hanging listener did not start"; exit 1; }
	printf '::1 api.alter.test\n127.0.0.1 api.alter.test\n' >"$TRASH/hosts.hang"

	test_expect_success 'an address whose connect hangs uses up a short --timeout' '
		ALTER_MAX_RETRIES=0 test_expect_code 1 with_hosts hosts.hang timeout 30 "$ALTER" api GET \
		    /v1/pats/me --base-url https://api.alter.test:$srv_PORT --timeout 3 >out 2>err &&
		test ! -s out &&
		test_grep "timed out connecting to api.alter.test:$srv_PORT after 3 s (--timeout or ALTER_TIMEOUT sets the limit)" err
	'

	test_expect_success 'a hanging address is given up after 10 s and the next one is tried' '
		ALTER_MAX_RETRIES=0 with_hosts hosts.hang timeout 60 "$ALTER" api GET /v1/pats/me \
		    --base-url https://api.alter.test:$srv_PORT --timeout 30 >out 2>err &&
		test_grep "\"pat_full\"" out &&
		test "$(log_last srv sni)" = "\"api.alter.test\""
	'
else
	test_skip 'an address whose connect hangs uses up a short --timeout' 'needs root and unshare'
	test_skip 'a hanging address is given up after 10 s and the next one is tried' 'needs root and unshare'
fi

test_expect_success 'a server that accepts and never answers is cut off by --timeout' '
	test_expect_code 1 timeout 30 "$ALTER" api GET /v1/pats/me \
	    --base-url https://localhost:$silent_PORT --timeout 2 >out 2>err &&
	test ! -s out && test_grep "timed out" err
'

test_expect_success 'ALTER_TIMEOUT bounds a request like --timeout' '
	ALTER_TIMEOUT=2 test_expect_code 1 timeout 30 "$ALTER" api GET /v1/pats/me \
	    --base-url https://localhost:$silent_PORT >out 2>err &&
	test ! -s out && test_grep "timed out" err
'

# docs/api.md section 2: the timeout covers the whole response, not each read.
test_expect_success 'a response trickling in longer than --timeout is cut off' '
	test_expect_code 1 timeout 30 "$ALTER" api GET "/_fault/slow-body?ms=300" \
	    --base-url https://localhost:$srv_PORT --timeout 2 >out 2>err &&
	test ! -s out && test_grep "timed out" err
'

test_expect_success 'a slow response within --timeout completes' '
	alter api GET "/_fault/slow-body?ms=20" --base-url https://localhost:$srv_PORT --timeout 10 >out &&
	test_grep "\"slow\": true" out
'

test_expect_success 'https://127.0.0.1:PORT succeeds with the IP in the certificate and sends no SNI' '
	me --base-url https://127.0.0.1:$srv_PORT >out &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last srv sni)" = null &&
	tail -n 1 srv.log >last &&
	test_grep "\"host\": \"127.0.0.1:$srv_PORT\"" last
'

test_expect_success 'https://[::1]:PORT succeeds with the IP in the certificate and sends no SNI' '
	me --base-url "https://[::1]:$both_PORT" >out &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last both sni)" = null &&
	tail -n 1 both.log >last &&
	test_grep "\"host\": \"[::1]:$both_PORT\"" last
'

test_expect_success 'a certificate without the IP 127.0.0.1 is refused for https://127.0.0.1' '
	test_expect_code 1 me --base-url https://127.0.0.1:$ipwrong_PORT >out 2>err &&
	test ! -s out &&
	test_grep "does not match host '"'"'127.0.0.1'"'"'" err &&
	test_no_grep "\"/v1/pats/me\"" ipwrong.log
'

test_expect_success 'a certificate without the IP ::1 is refused for https://[::1]' '
	test_expect_code 1 me --base-url "https://[::1]:$ipwrong_PORT" >out 2>err &&
	test ! -s out &&
	test_grep "does not match host '"'"'::1'"'"'" err &&
	test_no_grep "\"/v1/pats/me\"" ipwrong.log
'

test_expect_success 'that certificate is trusted for the name it does hold' '
	me --base-url https://localhost:$ipwrong_PORT >out &&
	test_grep "\"pat_full\"" out &&
	test "$(log_last ipwrong sni)" = "\"localhost\""
'

test_expect_success 'a redirect is not followed: exit 1 naming the Location, the other server sees nothing' '
	to="https://localhost:$other_PORT/v1/pats/me" &&
	test_expect_code 1 alter api GET "/_fault/redirect?to=$to" --base-url https://localhost:$srv_PORT \
	    >out 2>err &&
	test ! -s out &&
	test_grep "$to" err && test_grep "not followed" err &&
	test "$(log_last srv status)" = 302 &&
	tail -n 1 srv.log >last && test_grep "\"authorization\": \"Bearer full\"" last &&
	test_no_grep "/v1/pats/me" other.log
'

test_expect_success 'a redirect to the same origin is not followed either' '
	to="https://localhost:$srv_PORT/v1/pats/me" &&
	test_expect_code 1 alter api GET "/_fault/redirect?to=$to" --base-url https://localhost:$srv_PORT \
	    >out 2>err &&
	test ! -s out && test_grep "$to" err &&
	test "$(log_last srv path)" = "\"/_fault/redirect\""
'

test_done
