#!/bin/sh
test_description='--help tells a new user what to do next'
. "$(dirname "$0")/lib.sh"

test_expect_success 'the top-level help says how to sign in and where to read more' '
	alter --help >out &&
	test_grep "Start with '"'"'alter auth login --token-file PATH'"'"' or ALTER_PAT" out &&
	test_grep "'"'"'alter COMMAND --help'"'"' says more" out &&
	test_grep "See alter(1)" out
'

test_expect_success 'a command marks the flags it cannot run without' '
	alter keys mint --help >out &&
	grep -qxF "      --name NAME                key name (required)" out &&
	grep -qxF "      --scopes LIST              the key'"'"'s scopes, comma-separated (required)" out &&
	grep -- "--cidr" out >cidr && test_no_grep "(required)" cidr
'

test_expect_success 'every group says what it holds' '
	alter --help >out &&
	test_grep "the organisation'"'"'s apps" out &&
	test_grep "an app'"'"'s agents and their keys" out
'

test_done
