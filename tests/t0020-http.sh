#!/bin/sh
test_description='HTTP framing, truncation and the status to exit code table'
. "$(dirname "$0")/lib.sh"

start_server srv
start_server chunky --chunked
export ALTER_PAT="$T_FULL"
use_server srv

test_expect_success 'a chunked body with extensions and trailers parses' '
	alter api GET /_fault/chunked >out &&
	test_grep "\"chunked\": true" out
'

test_expect_success 'every JSON answer chunked by the server parses' '
	alter api GET /v1/pats/me --base-url https://localhost:$chunky_PORT >out &&
	test_grep "\"pat_full\"" out
'

test_expect_success 'a close-delimited body ended by close_notify is complete' '
	alter api GET /_fault/close-delimited >out &&
	test -s out
'

test_expect_success 'a body shorter than its Content-Length is exit 1 with empty stdout' '
	test_expect_code 1 alter api GET /_fault/truncate-length >out 2>err &&
	test ! -s out && test_grep "before the response was complete" err
'

test_expect_success 'a chunked body cut in a chunk is exit 1 with empty stdout' '
	test_expect_code 1 alter api GET /_fault/truncate-chunk >out 2>err &&
	test ! -s out && test_grep "before the response was complete" err
'

test_expect_success 'a close without close_notify is truncation: exit 1, empty stdout' '
	test_expect_code 1 alter api GET /_fault/close-no-notify >out 2>err &&
	test ! -s out && test_grep "without close_notify" err
'

test_expect_success 'an interim 1xx answer is skipped' '
	alter api GET /_fault/interim/100 >out &&
	test_grep "\"interim\": 100" out
'

# docs/api.md section 2: every status of the table maps to its exit code.
for pair in 200:0 201:0 204:0 400:2 422:2 401:3 403:7 404:4 409:5 429:6 500:1 502:1 503:1 504:1 301:1 302:1 418:1; do
	st=${pair%:*} code=${pair#*:}
	test_expect_success "HTTP $st is exit $code" "
		test_expect_code $code alter api GET /_fault/status/$st >out 2>err &&
		if [ $code -ne 0 ]; then test ! -s out && test_grep 'HTTP $st' err; fi
	"
done

test_expect_success 'error messages quote the X-Request-Id' '
	test_expect_code 4 alter api GET /_fault/status/404 2>err &&
	test_grep "(request id req_" err
'

test_expect_success 'a 403 names the missing scope and says to mint a new PAT' '
	test_expect_code 7 alter api GET /_fault/status/403 2>err &&
	test_grep "dashboard_test:read" err && test_grep "mint a new PAT" err
'

test_expect_success 'a non-JSON error body is shown as at most 200 printable bytes' '
	test_expect_code 1 alter api GET /_fault/nonjson/500 2>err &&
	test $(wc -c <err) -lt 400 && test_grep "HTTP 500" err
'

test_expect_success 'a redirect is not followed: exit 1 naming the Location' '
	test_expect_code 1 alter api GET /_fault/status/302 2>err &&
	test_grep "https://other.example/elsewhere" err &&
	test_grep "not followed" err
'

test_expect_success 'a response header over the cap is exit 1 with empty stdout' '
	test_expect_code 1 alter api GET "/_fault/huge-header?bytes=200000" >out 2>err &&
	test ! -s out && test_grep "too" err
'

test_expect_success 'a trailer flood after the last chunk hits the header limit' '
	test_expect_code 1 alter api GET "/_fault/trailer-flood?bytes=200000" >out 2>err &&
	test ! -s out && test_grep "headers too large" err
'

test_expect_success 'a few trailers after the last chunk are fine' '
	alter api GET "/_fault/trailer-flood?bytes=3000" >out &&
	test_grep "\"ok\"" out
'

test_expect_success 'a body over the cap is refused before it is read whole' '
	test_expect_code 1 alter api GET "/_fault/huge-body?bytes=104857600" >out 2>err &&
	test ! -s out && test_grep "size limit" err
'

test_expect_success 'a 204 prints nothing' '
	alter api DELETE /_fault/status/204 >out && test ! -s out
'

test_expect_success '--query values are percent-encoded into the query string' '
	alter api GET /v1/audit/events --query "action=a b&c=d" --query limit=5 >out &&
	tail -n 1 srv.log >last &&
	test_grep "\"action\": \"a b&c=d\"" last && test_grep "\"limit\": \"5\"" last
'

test_expect_success '--input sends the file as the JSON body' '
	echo "{\"hello\": \"world\"}" >body.json &&
	alter api POST /_fault/retry/in?times=0 --input @body.json >out &&
	tail -n 1 srv.log >last &&
	test_grep "\"hello\": \"world\"" last &&
	test_grep "\"content-type\": \"application/json\"" last
'

test_expect_success '--input with malformed JSON is exit 2 with line and column' '
	printf "{\n  \"a\": tru\n}\n" >bad.json &&
	test_expect_code 2 alter api POST /_fault/ok --input @bad.json 2>err &&
	test_grep "line 2, column" err
'

test_expect_success '--input naming a missing file is exit 4' '
	test_expect_code 4 alter api POST /_fault/ok --input @missing.json 2>err &&
	test_grep "missing.json" err
'

test_expect_success 'a timeout cuts off a server that stalls mid-response' '
	test_expect_code 1 timeout 20 "$ALTER" api GET /_fault/stall --timeout 2 >out 2>err &&
	test ! -s out && test_grep "timed out" err
'

test_done
