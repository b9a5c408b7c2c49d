#!/bin/sh
test_description='the app context: --app, ALTER_APP_ID, the workspace link found by walking up; link, unlink'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_server

# The link is looked for up to /: one above the trash directory would
# change what these tests see.
d=$TRASH
while [ "$d" != / ]; do
	d=$(dirname "$d")
	if [ -e "$d/.alter/link.json" ]; then
		echo "Bail out! $d/.alter/link.json is in the way of the workspace link tests"
		exit 1
	fi
done
mkdir -p "$TRASH/ws/a/b"

test_expect_success 'an app command with no app context is exit 2 naming all three sources' '
	n=$(nreq) &&
	(cd ws/a/b && test_expect_code 2 alter keys list 2>../../../err) &&
	test_grep "--app" err && test_grep "ALTER_APP_ID" err && test_grep "alter link" err &&
	no_request_since $n
'

test_expect_success 'link --status without a link is exit 4' '
	(cd ws/a/b && test_expect_code 4 alter link --status >../../../out 2>../../../err) &&
	test ! -s out && test_grep "no workspace link" err
'

test_expect_success 'alter link ID writes .alter/link.json in the current directory' '
	(cd ws && alter link app_demo 2>../err) &&
	printf "{\"app_id\":\"app_demo\"}\n" >expect &&
	test_cmp expect ws/.alter/link.json && test_grep "app_demo" err
'

test_expect_success 'link --status in a subdirectory prints the app and the file found above' '
	(cd ws/a/b && alter link --status >../../../out) &&
	printf "app_demo\t%s\n" "$TRASH/ws/.alter/link.json" >expect &&
	test_cmp expect out
'

test_expect_success 'a command in a subdirectory uses the link found by walking up' '
	(cd ws/a/b && alter keys statistics >/dev/null) &&
	pycheck <<-\EOF
	eq(R["path"], "/v1/apps/app_demo/keys/statistics")
	EOF
'

test_expect_success 'ALTER_APP_ID overrides the link' '
	(cd ws/a/b && ALTER_APP_ID=app_unicode alter keys statistics >/dev/null) &&
	pycheck <<-\EOF
	eq(R["path"], "/v1/apps/app_unicode/keys/statistics")
	EOF
'

test_expect_success '--app overrides ALTER_APP_ID and the link' '
	(cd ws/a/b && ALTER_APP_ID=app_unicode alter keys statistics --app app_archived >/dev/null) &&
	pycheck <<-\EOF
	eq(R["path"], "/v1/apps/app_archived/keys/statistics")
	EOF
'

test_expect_success 'alter link in a subdirectory makes a nearer link that wins below it' '
	(cd ws/a && alter link app_unicode 2>/dev/null) &&
	(cd ws/a/b && alter keys statistics >/dev/null) &&
	pycheck <<-\EOF &&
	eq(R["path"], "/v1/apps/app_unicode/keys/statistics")
	EOF
	(cd ws && alter keys statistics >/dev/null) &&
	pycheck <<-\EOF
	eq(R["path"], "/v1/apps/app_demo/keys/statistics")
	EOF
'

test_expect_success 'unlink removes the nearest link; the one above applies again' '
	(cd ws/a/b && alter unlink 2>../../../err) &&
	test ! -e ws/a/.alter && test -e ws/.alter/link.json &&
	test_grep "$TRASH/ws/a/.alter/link.json" err &&
	(cd ws/a/b && alter link --status >../../../out) &&
	printf "app_demo\t%s\n" "$TRASH/ws/.alter/link.json" >expect && test_cmp expect out
'

test_expect_success 'unlink with no link is exit 0' '
	(cd ws && alter unlink 2>/dev/null && alter unlink 2>../err) &&
	test ! -e ws/.alter && test_grep "no workspace link" err
'

test_expect_success 'link with an id that is not one is exit 2 and writes nothing' '
	(cd ws && test_expect_code 2 alter link "../app demo" 2>../err) &&
	test ! -e ws/.alter && test_grep "../app demo" err
'

test_expect_success 'link --status with an id is exit 2' '
	(cd ws && test_expect_code 2 alter link --status app_demo 2>../err) &&
	test ! -e ws/.alter
'

test_expect_success 'a link file without app_id is exit 2 naming the file' '
	mkdir -p ws/.alter && echo "{}" >ws/.alter/link.json &&
	n=$(nreq) &&
	(cd ws/a && test_expect_code 2 alter keys list 2>../../err) &&
	test_grep "$TRASH/ws/.alter/link.json" err && no_request_since $n &&
	rm -r ws/.alter
'

test_done
