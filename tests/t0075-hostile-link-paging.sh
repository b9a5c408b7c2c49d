#!/bin/sh
test_description='a workspace link planted by another user, a link with a bad app id, list pages that never advance'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_server
start_server stuckc --fault-all stuck-cursor
start_server stucko --fault-all stuck-offset

# docs/cli.md 5: the search for .alter/link.json stops at a directory the
# user does not own, as git's safe.directory check does.
if [ "$(id -u)" = 0 ]; then
test_expect_success 'a link.json in a parent owned by another user is ignored, named, and nothing is sent' '
	mkdir -p foreign/work foreign/.alter &&
	printf "{\"app_id\":\"app_demo\"}\n" >foreign/.alter/link.json &&
	chown 4242 foreign &&
	n=$(nreq) &&
	(cd foreign/work && test_expect_code 2 alter keys list) 2>err &&
	test_grep "no app: pass --app ID" err &&
	test_grep "ignored '\''$TRASH/foreign/.alter/link.json'\'': another user owns its directory" err &&
	no_request_since $n &&
	(cd foreign/work && test_expect_code 4 alter link --status) 2>err &&
	(cd foreign/work && alter unlink) 2>err &&
	test -f foreign/.alter/link.json
'

test_expect_success 'the same link in a parent the user owns is honoured (the control)' '
	chown 0 foreign &&
	(cd foreign/work && alter keys list -o jsonl) >out &&
	check_eq "\"/v1/apps/app_demo/keys\"" "$(log_last srv path)"
'
else
test_skip 'a link.json in a parent owned by another user is ignored' 'needs root to chown'
test_skip 'the same link in a parent the user owns is honoured (the control)' 'needs root'
fi

test_expect_success 'an app id from link.json is checked like one typed: bad characters are exit 2, nothing sent' '
	mkdir -p badid/.alter &&
	printf "{\"app_id\":\"../pats/me\"}\n" >badid/.alter/link.json &&
	n=$(nreq) &&
	(cd badid && test_expect_code 2 alter keys list) 2>err &&
	test_grep "app id '\''../pats/me'\'' must be letters, digits" err &&
	printf "{\"app_id\":\"app\\\\u001b]0;x\\\\u0007\"}\n" >badid/.alter/link.json &&
	(cd badid && test_expect_code 2 alter keys list) 2>err &&
	test_grep "app id '\''app\\x1b]0;x\\x07'\''" err &&
	no_request_since $n
'

# docs/cli.md 4: --all stops with exit 1 when the walk does not advance.
test_expect_success 'audit list --all against a cursor that never advances: exit 1 after the second page' '
	test_expect_code 1 timeout 60 "$ALTER" audit list --all -o jsonl --base-url https://localhost:$stuckc_PORT \
	    >out 2>err &&
	test_grep "stopped after 2 items: --all: the server gave back the cursor it was sent" err &&
	check_eq 2 "$(SRV=stuckc nreq)" &&
	check_eq 2 "$(wc -l <out | tr -d " ")"
'

test_expect_success 'apps list --all against has_more with no items: exit 1, one request' '
	test_expect_code 1 timeout 60 "$ALTER" apps list --all --base-url https://localhost:$stucko_PORT \
	    >out 2>err &&
	test_grep "the offset does not advance" err &&
	check_eq 1 "$(SRV=stucko nreq)"
'

test_done
