#!/bin/sh
test_description='process hygiene: no core holds the PAT, PAT-shaped arguments masked, no credentials in a base URL'
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib-portal.sh"

portal_server
start_server stall --fault-all stall

# Not a fixture token (the alter wrapper refuses those in argv), but shaped
# like a PAT: what a user pastes into the wrong place.
FAKE=alter_pat_PastedInTheWrongPlace4242

# The control: does this kernel write a core into the working directory?
# A process holding the token in its environment, killed with SIGABRT under
# ulimit -c unlimited.  If no core appears (core_pattern pipes it away, or
# the limit cannot be raised), the core test cannot see and is skipped.
mkdir -p "$TRASH/secrets/ctl"
(cd "$TRASH/secrets/ctl" && ulimit -c unlimited 2>/dev/null && exec env ALTER_PAT="$T_FULL" sleep 30) &
ctl=$!
sleep 0.3
kill -ABRT $ctl
wait $ctl 2>/dev/null
if ls "$TRASH/secrets/ctl"/core* >/dev/null 2>&1 &&
    grep -a -q -F -f "$TRASH/secrets/.tokens" "$TRASH/secrets/ctl"/core*; then
	core_seen=1
else
	core_seen=
fi

if [ -n "$core_seen" ]; then
test_expect_success 'kill -ABRT mid-request under ulimit -c unlimited: no core, nor the PAT in one' '
	mkdir coredir &&
	(cd coredir && ulimit -c unlimited && exec "$ALTER" apps list \
	    --base-url https://localhost:$stall_PORT >out 2>err) &
	pid=$! &&
	i=0 &&
	while [ "$(SRV=stall nreq)" -lt 1 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done &&
	check_eq 1 "$(SRV=stall nreq)" &&
	sleep 0.2 &&
	kill -ABRT $pid &&
	{ wait $pid; rc=$?; } ;
	check_eq 134 "$rc" &&
	if ls coredir/core* 2>/dev/null; then
		! grep -a -q -F -f "$TRASH/secrets/.tokens" coredir/core* &&
		! grep -a -q "Authorization: Bearer" coredir/core*
	fi
'
else
test_skip 'kill -ABRT mid-request under ulimit -c unlimited: no core, nor the PAT in one' \
    "a control process wrote no core here (core_pattern '$(cat /proc/sys/kernel/core_pattern)')"
fi

test_expect_success 'a PAT-shaped --token-file argument is masked in the error' '
	test_expect_code 4 alter auth login --token-file $FAKE 2>err &&
	test_grep "alter_pat_...4242" err &&
	test_no_grep PastedInTheWrong err
'

test_expect_success 'alter auth alter_pat_...: the unknown command is masked' '
	test_expect_code 2 alter auth $FAKE 2>err &&
	test_grep "unknown command '\''alter_pat_...4242'\'' for '\''alter auth'\''" err &&
	test_no_grep PastedInTheWrong err
'

test_expect_success 'a PAT-shaped value of another flag is masked too' '
	test_expect_code 2 alter apps list --timeout $FAKE 2>err &&
	test_grep "alter_pat_...4242" err &&
	test_no_grep PastedInTheWrong err &&
	test_expect_code 2 alter apps list --limit=$FAKE 2>err &&
	test_no_grep PastedInTheWrong err
'

test_expect_success 'a base URL with user:password@ is refused (exit 2), never echoed, nothing sent' '
	n=$(nreq) &&
	test_expect_code 2 alter apps list --base-url "https://alice:hunter2pw@localhost:$srv_PORT" 2>err &&
	test_grep "--base-url must not carry user information" err &&
	test_no_grep hunter2pw err && test_no_grep alice err &&
	test_expect_code 2 env ALTER_BASE_URL="https://alice:hunter2pw@localhost:$srv_PORT/api" \
	    "$ALTER" apps list 2>err &&
	test_grep "ALTER_BASE_URL must not carry user information" err &&
	test_no_grep hunter2pw err &&
	test_expect_code 2 alter apps list --base-url "http://alice:hunter2pw@localhost" 2>err &&
	test_no_grep hunter2pw err &&
	test_expect_code 2 alter apps list --base-url "https://alice:hunter2pw@localhost?x" 2>err &&
	test_no_grep hunter2pw err &&
	no_request_since $n
'

test_expect_success 'an @ in the path prefix is not user information: the request is made' '
	test_expect_code 4 alter apps list --base-url "https://localhost:$srv_PORT/a@b" 2>err &&
	test_no_grep "user information" err &&
	check_eq "\"/a@b/v1/apps\"" "$(log_last srv path)"
'

test_done
