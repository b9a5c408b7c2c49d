#!/bin/sh
test_description='the README'"'"'s plain shell CI step, run as written against the reference server'
. "$(dirname "$0")/lib.sh"

start_server srv
T_RULESCREATE=$(tok rulescreate)

# The step as the README shows it: the sh block after "A plain shell step:".
# Only the secret's path changes, to a file of this test.
sed -n '/^A plain shell step:$/,/^```$/p' "$TOP/README.md" | sed '1,/^```sh$/d; /^```$/d' \
    >"$TRASH/step.orig"
sed "s|/run/secrets/alter_pat|$TRASH/secrets/alter_pat|g" "$TRASH/step.orig" >"$TRASH/step.sh"
mkdir -p "$TRASH/bin" && ln -s "$ALTER" "$TRASH/bin/alter"

# run_step: the step in a fresh sh, alter on PATH, the CI's variables set.
run_step() {
	PATH=$TRASH/bin:$PATH ALTER_BASE_URL=https://localhost:$srv_PORT ALTER_CA_FILE=$PKI/ca.pem \
	    sh "$TRASH/step.sh"
}

test_expect_success 'the README has the step: ALTER_PAT from a secret file, auth status as the preflight' '
	test_grep "export ALTER_PAT=\"\$(cat /run/secrets/alter_pat)\"" step.orig &&
	head -n 1 step.orig >first && echo "set -e" >expect && test_cmp expect first &&
	grep -n "^alter " step.orig | head -n 1 | grep -q "alter auth status --min-valid"
'

test_expect_success 'the step runs: the preflight passes and the audit export is written' '
	printf "%s\n" "$T_FULL" >secrets/alter_pat && chmod 600 secrets/alter_pat &&
	run_step >out 2>err &&
	test_grep "Source:       ALTER_PAT" out &&
	test -s audit.ndjson &&
	python3 -c "import json,sys; [json.loads(l)[\"id\"] for l in open(sys.argv[1])]" audit.ndjson &&
	test $(log_count srv "/v1/pats/me") -ge 1 && test $(log_count srv "/v1/audit") -ge 1
'

test_expect_success 'a revoked PAT stops the step at the preflight: exit 3, no export' '
	rm -f audit.ndjson &&
	printf "%s\n" "$T_REVOKED" >secrets/alter_pat &&
	test_expect_code 3 run_step >out 2>err &&
	test_grep "alter: error:" err && ! test -e audit.ndjson
'

test_expect_success 'the preflight checks the scopes alter scopes for names' '
	grep "^alter auth status" step.orig | grep -q -- "--scopes \"\$(alter scopes for " &&
	printf "%s\n" "$T_RULESCREATE" >secrets/alter_pat &&
	test_expect_code 7 run_step >out 2>err &&
	test_grep "dashboard_audit:read" err && ! test -e audit.ndjson
'

test_expect_success 'the GitHub Actions recipe preflights --min-valid 1d and the scopes of its commands' '
	sed -n "/^GitHub Actions:\$/,/^\`\`\`\$/p" "$TOP/README.md" >gha &&
	grep "alter auth status --min-valid 1d --scopes \"\$(alter scopes for " gha >pre &&
	cmds=$(sed "s/.*alter scopes for \(.*\))\".*/\1/" pre) &&
	eval "set -- $cmds" && test $# -ge 2 &&
	list=$("$ALTER" scopes for "$@") && test -n "$list" &&
	"$ALTER" scopes check "$list" >/dev/null &&
	grep -q "^    alter keys mint" gha && case " $cmds " in *"\"keys mint\""*) ;; *) false ;; esac
'

test_expect_success 'a PAT that expires within the window stops the step at the preflight' '
	printf "%s\n" "$T_EXPIRING" >secrets/alter_pat &&
	sed "s/--min-valid 1d/--min-valid 7d/" "$TRASH/step.sh" >step7.sh &&
	PATH=$TRASH/bin:$PATH ALTER_BASE_URL=https://localhost:$srv_PORT ALTER_CA_FILE=$PKI/ca.pem \
	    test_expect_code 3 sh step7.sh >out 2>err &&
	test_grep "within --min-valid 7d" err && ! test -e audit.ndjson
'

test_done
