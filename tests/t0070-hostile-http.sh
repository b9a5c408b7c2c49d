#!/bin/sh
test_description='hostile servers: huge, malformed, deep, stalled or silent answers'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-hostile.sh"

start_server good
start_server deep --fault-all deep-json
start_server utf8 --fault-all bad-utf8
start_server silent --silent
export ALTER_CA_FILE="$PKI/ca.pem"
G=https://localhost:$good_PORT

test_expect_success 'setup: a PAT is stored (every test below uses it)' '
	store_token $good_PORT $deep_PORT $utf8_PORT $silent_PORT && store_untouched
'

test_expect_success 'a 1 MiB response header is refused at the header cap' '
	hostile 1 api GET "/_fault/huge-header?bytes=1048576" --base-url $G &&
	test_grep "too" err
'

test_expect_success 'a 100 MiB body with its length is refused at once' '
	t0=$(now) &&
	hostile 1 api GET "/_fault/huge-body?bytes=104857600" --base-url $G &&
	test_grep "size limit" err && test $(($(now) - t0)) -le 15
'

test_expect_success 'a 100 MiB chunked body is refused at the cap, in bounded memory' '
	t0=$(now) &&
	hostile 1 api GET "/_fault/huge-body?bytes=104857600&chunked=true" --base-url $G &&
	test_grep "size limit" err && test $(($(now) - t0)) -le 45
'

test_expect_success 'a chunk size that overflows 64 bits is refused' '
	hostile 1 api GET /_fault/chunk-overflow --base-url $G &&
	test_grep "malformed chunk size" err
'

test_expect_success 'a negative Content-Length is refused' '
	hostile 1 api GET /_fault/bad-length/negative --base-url $G &&
	test_grep "malformed Content-Length" err
'

test_expect_success 'a duplicated Content-Length is refused' '
	hostile 1 api GET /_fault/bad-length/duplicate --base-url $G &&
	test_grep "duplicate Content-Length" err
'

test_expect_success 'a body shorter than announced is truncation' '
	hostile 1 api GET /_fault/truncate-length --base-url $G &&
	test_grep "before the response was complete" err
'

test_expect_success 'a list answer nested 100,000 levels deep is refused (table)' '
	hostile 1 apps list --base-url https://localhost:$deep_PORT &&
	test_grep "not valid JSON" err
'

test_expect_success 'a list answer nested 100,000 levels deep is refused (json)' '
	hostile 1 apps list -o json --base-url https://localhost:$deep_PORT &&
	test_grep "not valid JSON" err
'

test_expect_success 'an object answer nested 100,000 levels deep is refused' '
	hostile 1 apps show app_demo --base-url https://localhost:$deep_PORT &&
	test_grep "not valid JSON" err
'

test_expect_success 'strings with invalid UTF-8 are refused, not printed (table)' '
	hostile 1 apps list --base-url https://localhost:$utf8_PORT &&
	test_grep "UTF-8" err
'

test_expect_success 'strings with invalid UTF-8 are refused, not printed (jsonl)' '
	hostile 1 apps list -o jsonl --base-url https://localhost:$utf8_PORT &&
	test_grep "UTF-8" err
'

test_expect_success 'a server that sends its head then stalls is cut off at the deadline' '
	t0=$(now) &&
	hostile 1 api GET /_fault/stall --timeout 2 --base-url $G &&
	test_grep "timed out" err && test $(($(now) - t0)) -le 30
'

test_expect_success 'a server that accepts and says nothing is cut off at the deadline' '
	t0=$(now) &&
	hostile 1 api GET /v1/pats/me --timeout 2 --base-url https://localhost:$silent_PORT &&
	test_grep "timed out" err && test $(($(now) - t0)) -le 30
'

test_expect_success 'the stored PAT still works after all of that' '
	alter api GET /v1/pats/me --base-url $G >out && test_grep "\"pat_full\"" out
'

test_done
