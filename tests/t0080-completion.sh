#!/bin/sh
test_description='alter completion bash|zsh|fish: scripts made from the command tables'
. "$(dirname "$0")/lib.sh"

# bash_complete WORD...: what the bash script offers for the last word.
bash_complete() {
	bash --norc --noprofile -c '. ./bash && COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) &&
	    _alter && printf "%s\n" "${COMPREPLY[@]}"' bash_complete "$@"
}

test_expect_success 'completion needs a shell: bash, zsh or fish' '
	test_expect_code 2 alter completion 2>err &&
	test_grep "takes arguments bash|zsh|fish" err &&
	test_expect_code 2 alter completion tcsh 2>err &&
	test_grep "shell '"'"'tcsh'"'"' must be bash, zsh or fish" err
'

test_expect_success 'completion bash loads in bash and registers _alter for alter' '
	alter completion bash >bash &&
	bash --norc --noprofile -c ". ./bash && complete -p alter" >out 2>err &&
	test_grep "complete -F _alter alter" out && ! test -s err
'

test_expect_success 'bash completes alter au<TAB> to audit and auth' '
	bash_complete alter au >out && printf "audit\nauth\n" >expect && test_cmp expect out
'

test_expect_success 'bash completes the commands of a group, past global flags and their values' '
	bash_complete alter --app app_1 policy rules "" >out &&
	printf "create\ndelete\nget\nlist\nupdate\n" >expect && test_cmp expect out
'

test_expect_success 'bash completes the flags of a leaf, its list flags and the global flags' '
	bash_complete alter keys mint --sc >out && echo --scopes >expect && test_cmp expect out &&
	bash_complete alter apps list --l >out && echo --limit >expect && test_cmp expect out &&
	bash_complete alter auth status --ti >out && echo --timeout >expect && test_cmp expect out
'

test_expect_success 'every command of the tables is a row of the script' '
	alter completion bash >bash &&
	for c in "auth login" "pats whoami" "managed-secrets rotate" "policy rules delete" \
	    "providers list-catalog" "agents undeprecate-key" completion; do
		test_grep "'"'"' $c'"'"')" bash || exit 1
	done
'

if ! command -v zsh >/dev/null 2>&1; then
	test_skip 'completion zsh loads in zsh' 'zsh is not installed (./dev.sh deps installs it)'
	test_skip 'zsh completes alter au<TAB> to audit and auth' 'zsh is not installed'
else
	test_expect_success 'completion zsh loads in zsh through compinit' '
		mkdir -p zfunc && alter completion zsh >zfunc/_alter &&
		head -n 1 zfunc/_alter >first && echo "#compdef alter" >expect && test_cmp expect first &&
		zsh -f -c "fpath=(\$PWD/zfunc \$fpath); autoload -U compinit; compinit -u -d $TRASH/zcompdump;
		    source zfunc/_alter; print \$_comps[alter]" >out 2>err &&
		echo _alter >expect && test_cmp expect out && ! test -s err
	'

	# zpty.zsh LINE WANT1 WANT2: an interactive zsh on a pseudo-terminal
	# (zsh/zpty) is typed LINE and a TAB; what it draws back, without its
	# escape sequences, must hold WANT1 and WANT2.
	cat >"$TRASH/zpty.zsh" <<-\EOF
	zmodload zsh/zpty || exit 1
	setopt extendedglob
	zpty z zsh -f -i
	zpty -w z "unset zle_bracketed_paste; PROMPT=\"> \"; fpath=($PWD/zfunc \$fpath); autoload -U compinit; compinit -u -d $PWD/zcompdump; print READY"
	all=; for n in {1..100}; do zpty -r -t z chunk && all+=$chunk || sleep 0.1; [[ $all == *READY*'> '* ]] && break; done
	zpty -w -n z "$1"$'\t'
	all=; for n in {1..50}; do
		zpty -r -t z chunk && all+=${chunk//$'\e'\[[0-9;?]#[a-zA-Z]/} || sleep 0.1
		[[ $all == *"$2"* && $all == *"$3"* ]] && break
	done
	zpty -d z
	print -r -- "${all//[^[:print:]]/ }"
	[[ $all == *"$2"* && $all == *"$3"* ]]
	EOF

	test_expect_success 'zsh completes alter au<TAB> to audit and auth, and a leaf flag' '
		timeout 30 zsh -f zpty.zsh "alter au" audit auth &&
		timeout 30 zsh -f zpty.zsh "alter keys mint --sc" "alter keys mint --scopes " --scopes
	'
fi

if ! command -v fish >/dev/null 2>&1; then
	test_skip 'completion fish loads in fish' 'fish is not installed (./dev.sh deps installs it)'
	test_skip 'fish completes alter au<TAB> to audit and auth' 'fish is not installed'
else
	test_expect_success 'completion fish loads in fish' '
		alter completion fish >fish &&
		HOME=$TRASH fish --no-config -c "source fish" >out 2>err && ! test -s err
	'

	test_expect_success 'fish completes alter au<TAB> to audit and auth, and a leaf flag' '
		HOME=$TRASH fish --no-config -c "source fish; complete -C \"alter au\"" >out &&
		printf "audit\nauth\n" >expect && test_cmp expect out &&
		HOME=$TRASH fish --no-config -c "source fish; complete -C \"alter keys mint --sc\"" >out &&
		echo --scopes >expect && test_cmp expect out
	'
fi

test_done
