#!/bin/sh
test_description='retries: methods and statuses, Retry-After, the cap, ALTER_MAX_RETRIES, the stale-connection re-send'
. "$(dirname "$0")/lib.sh"

start_server srv
start_server idle --idle-close-ms 300
export ALTER_PAT="$T_FULL" ALTER_CA_FILE="$PKI/ca.pem" ALTER_BASE_URL=https://localhost:$srv_PORT

# hits NAME [SERVER]: requests the server logged for /_fault/retry/NAME.
hits() { log_count "${2:-srv}" "\"/_fault/retry/$1\""; }

# gap_ms NAME [SERVER]: milliseconds between the first and the last logged
# request for /_fault/retry/NAME (the server logs each one as it arrives).
gap_ms() {
	python3 - "$TRASH/${2:-srv}.log" "/_fault/retry/$1" <<-'EOF'
	import datetime, json, sys
	ts = [json.loads(l)["ts"] for l in open(sys.argv[1]) if json.loads(l)["path"] == sys.argv[2]]
	t = [datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ") for s in (ts[0], ts[-1])]
	print(int((t[1] - t[0]).total_seconds() * 1000))
	EOF
}

# An IMF-fixdate N seconds from now, percent-encoded for a query string.
http_date() { date -u -d "@$(($(date +%s) + $1))" '+%a,%%20%d%%20%b%%20%Y%%20%H:%M:%S%%20GMT'; }

test_expect_success 'Retry-After: 1 is waited for before the retry' '
	alter api GET "/_fault/retry/ra1?status=503&retry_after=1" >out &&
	test_grep "\"attempts\": 2" out &&
	test $(hits ra1) = 2 &&
	test $(gap_ms ra1) -ge 1000
'

test_expect_success 'a Retry-After HTTP-date is honoured' '
	alter api GET "/_fault/retry/date?status=429&retry_after=$(http_date 3)" >out &&
	test_grep "\"attempts\": 2" out &&
	test $(gap_ms date) -ge 1000
'

# RFC 9110 section 5.6.7: the obsolete forms of an HTTP-date are accepted.
rfc850() { date -u -d "@$(($(date +%s) + $1))" '+%A,%%20%d-%b-%y%%20%H:%M:%S%%20GMT'; }
asctime() { date -u -d "@$(($(date +%s) + $1))" '+%a%%20%b%%20%e%%20%H:%M:%S%%20%Y' | sed 's/%20 /%20%20/'; }

test_expect_success 'a Retry-After in the RFC 850 date form is honoured' '
	alter api GET "/_fault/retry/rfc850?status=503&retry_after=$(rfc850 3)" >out &&
	test_grep "\"attempts\": 2" out &&
	test $(gap_ms rfc850) -ge 1000
'

test_expect_success 'a Retry-After in the asctime date form is honoured' '
	alter api GET "/_fault/retry/asctime?status=503&retry_after=$(asctime 3)" >out &&
	test_grep "\"attempts\": 2" out &&
	test $(gap_ms asctime) -ge 1000
'

test_expect_success 'a Retry-After HTTP-date in the past means retry now' '
	alter api GET "/_fault/retry/past?status=503&retry_after=Sun,%2006%20Nov%201994%2008:49:37%20GMT" >out &&
	test_grep "\"attempts\": 2" out
'

# Junk is ignored: backoff (well under the 30 s cap) is used instead.  Each
# value would read as a wait over the cap if it were half-parsed.
for junk in 120abc -1 1.5 +5 "Sun,%2006%20Nov%202094%2008:49:37%20UTC" \
    "Sunday,%2006-Nov-94%2008:49:37%20XYZ" "Sun,%2006-Nov-94%2008:49:37%20GMT" \
    "Sun,%2031%20Foo%202094%2008:49:37%20GMT" "Sun%20Nov%20%206%2008:49:37%202094%20GMT" soon; do
	test_expect_success "a junk Retry-After ('$junk') falls back to backoff" "
		name=junk\$(printf %s '$junk' | cksum | cut -d' ' -f1) &&
		alter api GET \"/_fault/retry/\$name?status=503&retry_after=$junk\" >out 2>err &&
		test_grep '\"attempts\": 2' out && test \$(hits \$name) = 2
	"
done

# Full jitter from 0.5 s: the four waits are random in [0, 0.5), [0, 1),
# [0, 2) and [0, 4) s; all four together stay under 0.25 s about once in
# 25000 runs, while retrying without waiting takes a few milliseconds.
test_expect_success 'without Retry-After, retries back off' '
	ALTER_MAX_RETRIES=4 alter api GET "/_fault/retry/backoff?status=503&times=4" >out &&
	test $(hits backoff) = 5 &&
	test $(gap_ms backoff) -ge 250
'

test_expect_success 'a Retry-After beyond the cap fails at once with exit 6 naming the wait' '
	test_expect_code 6 timeout 20 "$ALTER" api GET "/_fault/retry/cap?status=429&retry_after=120" \
	    >out 2>err &&
	test ! -s out && test $(hits cap) = 1 &&
	test_grep "120 s" err && test_grep "ALTER_RETRY_MAX_WAIT" err
'

test_expect_success 'a delta-seconds too large to represent is over the cap' '
	test_expect_code 6 timeout 20 "$ALTER" api GET \
	    "/_fault/retry/huge?status=429&retry_after=99999999999999999999" >out 2>err &&
	test ! -s out && test $(hits huge) = 1 && test_grep "ALTER_RETRY_MAX_WAIT" err
'

test_expect_success 'ALTER_RETRY_MAX_WAIT lowers the cap' '
	ALTER_RETRY_MAX_WAIT=1 test_expect_code 6 timeout 20 "$ALTER" api GET \
	    "/_fault/retry/cap2?status=429&retry_after=2" >out 2>err &&
	test $(hits cap2) = 1 && test_grep "2 s" err
'

test_expect_success 'an HTTP-date beyond the cap fails at once' '
	test_expect_code 6 timeout 20 "$ALTER" api GET \
	    "/_fault/retry/capdate?status=429&retry_after=$(http_date 3600)" >out 2>err &&
	test $(hits capdate) = 1 && test_grep "ALTER_RETRY_MAX_WAIT" err
'

test_expect_success 'a Retry-After at the cap is waited for' '
	ALTER_RETRY_MAX_WAIT=1 alter api GET "/_fault/retry/atcap?status=429&retry_after=1" >out &&
	test $(hits atcap) = 2
'

for bad in ALTER_MAX_RETRIES=11 ALTER_MAX_RETRIES=-1 ALTER_MAX_RETRIES=2x ALTER_RETRY_MAX_WAIT=ten \
    ALTER_TIMEOUT=0 ALTER_TIMEOUT=1.5; do
	test_expect_success "$bad is exit 2 naming the variable" "
		$bad test_expect_code 2 alter api GET /_fault/ok 2>err &&
		test_grep '${bad%%=*}' err && test \$(log_count srv /_fault/ok) = 0
	"
done

test_expect_success '--timeout with trailing junk is exit 2 naming the flag' '
	test_expect_code 2 alter api GET /_fault/ok --timeout 5s 2>err &&
	test_grep "--timeout '"'"'5s'"'"'" err
'

test_expect_success 'by default a 503 is retried twice: three requests' '
	test_expect_code 1 alter api GET "/_fault/retry/def?status=503&times=9" >out 2>err &&
	test ! -s out && test $(hits def) = 3 && test_grep "HTTP 503" err
'

test_expect_success 'ALTER_MAX_RETRIES=1 makes exactly two requests' '
	ALTER_MAX_RETRIES=1 test_expect_code 1 alter api GET "/_fault/retry/one?status=503&times=9" \
	    >out 2>err &&
	test $(hits one) = 2
'

test_expect_success 'ALTER_MAX_RETRIES=0 disables retries' '
	ALTER_MAX_RETRIES=0 test_expect_code 6 alter api GET "/_fault/retry/zero?status=429&retry_after=0" \
	    >out 2>err &&
	test $(hits zero) = 1 && test_grep "after 1 attempt" err
'

test_expect_success 'a 429 after every retry is exit 6 saying how many attempts' '
	test_expect_code 6 alter api GET "/_fault/retry/all429?status=429&times=9&retry_after=0" \
	    >out 2>err &&
	test $(hits all429) = 3 && test_grep "after 3 attempts" err
'

for st in 429 502 503 504; do
	for m in GET PUT DELETE; do
		test_expect_success "$m is retried after $st" "
			alter api $m '/_fault/retry/$m$st?status=$st&retry_after=0' >out &&
			test \$(hits $m$st) = 2
		"
	done
done

test_expect_success 'HEAD is retried after 503' '
	alter api HEAD "/_fault/retry/head503?status=503&retry_after=0" >out &&
	test $(hits head503) = 2
'

echo '{"n": 1}' >"$TRASH/body.json"
for m in POST PATCH; do
	test_expect_success "$m is retried after 429" "
		alter api $m '/_fault/retry/${m}429?status=429&retry_after=0' --input @body.json >out &&
		test \$(hits ${m}429) = 2
	"
	for st in 502 503 504; do
		test_expect_success "$m is not retried after $st" "
			test_expect_code 1 alter api $m '/_fault/retry/$m$st?status=$st&retry_after=0' \\
			    --input @body.json >out 2>err &&
			test \$(hits $m$st) = 1 && test_grep 'HTTP $st' err
		"
	done
done

test_expect_success 'a 500 is not retried' '
	test_expect_code 1 alter api GET "/_fault/retry/s500?status=500&retry_after=0" 2>err &&
	test $(hits s500) = 1
'

test_expect_success 'waits between retries do not count against --timeout' '
	alter api GET "/_fault/retry/notcounted?status=503&retry_after=2" --timeout 1 >out &&
	test $(hits notcounted) = 2
'

# docs/api.md section 2: the server closes the kept-alive connection (after
# 300 ms idle) while the client waits out Retry-After: 1.
test_expect_success 'a GET finding its kept-alive connection closed is sent once more on a new one' '
	alter api GET "/_fault/retry/stale?status=503&retry_after=1" --base-url https://localhost:$idle_PORT >out &&
	test_grep "\"attempts\": 2" out &&
	grep "\"/_fault/retry/stale\"" idle.log >stale &&
	test $(wc -l <stale) = 2 &&
	sed -n 1p stale | grep -q "\"conn\": \([0-9]*\), \"seq\": 1," &&
	c1=$(sed -n "1s/.*\"conn\": \([0-9]*\),.*/\1/p" stale) &&
	c2=$(sed -n "2s/.*\"conn\": \([0-9]*\),.*/\1/p" stale) &&
	test "$c2" != "$c1" &&
	sed -n 2p stale | grep -q "\"seq\": 1,"
'

test_expect_success 'a DELETE finding its kept-alive connection closed is sent once more' '
	alter api DELETE "/_fault/retry/stale-del?status=503&retry_after=1" --base-url https://localhost:$idle_PORT >out &&
	test $(hits stale-del idle) = 2
'

test_expect_success 'a POST finding its kept-alive connection closed is not sent again' '
	test_expect_code 1 alter api POST "/_fault/retry/stale-post?status=429&retry_after=1" \
	    --base-url https://localhost:$idle_PORT --input @body.json >out 2>err &&
	test ! -s out && test $(hits stale-post idle) = 1
'

test_expect_success 'requests of one run share one kept-alive connection' '
	alter api GET "/_fault/retry/keep?status=503&retry_after=0" >out &&
	grep "\"/_fault/retry/keep\"" srv.log >keep &&
	c1=$(sed -n "1s/.*\"conn\": \([0-9]*\),.*/\1/p" keep) &&
	c2=$(sed -n "2s/.*\"conn\": \([0-9]*\),.*/\1/p" keep) &&
	test -n "$c1" && test "$c1" = "$c2"
'

test_done
