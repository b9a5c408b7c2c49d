#!/bin/sh
test_description='the layers of docs/design.md: includes and symbols only ever point down'
. "$(dirname "$0")/lib.sh"

# The layer map, top to bottom (docs/design.md, "Layers").  Membership is
# derived from includes, so that renaming or splitting a file keeps it right:
#
#   file                                         layer
#   alter.c                                      4  main and dispatch
#   a .c that includes builtin.h or cli.h        3  commands
#   cli.c                                        2  cli: what commands share, the session
#   the libraries named below, any other .c      1  libraries
#
# The libraries are named, so that one wrongly including cli.h stays a
# library (and breaks a rule) rather than becoming a command.  A header has
# the layer of its .c (builtin.h 3, cli.h 2); a header without a .c is a
# library header.
LAYER_MAP='alter.c 4
cli.c 2
builtin.h 3
cli.h 2'
LIBRARIES='util.c file.c text.c width.c creds.c store.c store_url.c store_write.c scopes.c
endpoints.c json*.c http*.c tls.c tls_x509.c trust.c x509.c net.c fmt.c fmt_dec.c'
CMD_HEADERS='builtin.h cli.h'
# The files that may include bearssl.h and cJSON.h (tools/ and tests/ may too).
BEARSSL_FILES='tls.c tls_x509.c trust.c x509.c'
CJSON_FILES='json.c json_print.c json_out.c json_tree.h'

# includes FILE: the local headers FILE includes, one a line.
includes() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"; }

# includes_any FILE HEADER...: whether FILE includes one of the headers.
includes_any() {
	ia_f=$1; shift
	for ia_h in "$@"; do
		includes "$ia_f" | grep -qx -F "$ia_h" && return 0
	done
	return 1
}

# layer DIR FILE: FILE's layer number.
layer() {
	l=$(printf '%s\n' "$LAYER_MAP" | awk -v f="$2" '$1 == f { print $2 }')
	if [ -n "$l" ]; then echo "$l"; return; fi
	set -f
	for p in $LIBRARIES; do
		case "$2" in $p) set +f; echo 1; return ;; esac
	done
	set +f
	case "$2" in
	*.h)	if [ -e "$1/${2%.h}.c" ]; then layer "$1" "${2%.h}.c"; else echo 1; fi ;;
	*)	if includes_any "$1/$2" $CMD_HEADERS; then echo 3; else echo 1; fi ;;
	esac
}

# The rules.  Each takes the tree DIR and prints one line per violation.

# bearssl.h only in the tls files, cJSON.h only in the json files.
rule_only_in() {
	for f in "$1"/*.c "$1"/*.h; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		includes_any "$f" "$2" || continue
		case " $3 " in *" $b "*) ;; *) echo "$b includes $2 (only $3 may)" ;; esac
	done
}
rule_bearssl() { rule_only_in "$1" bearssl.h "$BEARSSL_FILES"; }
rule_cjson() { rule_only_in "$1" cJSON.h "$CJSON_FILES"; }

# No library file (.c or .h) includes the cli or command headers.
rule_library_includes() {
	for f in "$1"/*.c "$1"/*.h; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		[ "$(layer "$1" "$b")" = 1 ] || continue
		for h in $CMD_HEADERS; do
			includes_any "$f" "$h" && echo "library file $b includes $h"
		done
	done
	return 0
}

# The command files include neither tls.h nor net.h: the session wires them.
rule_command_includes() {
	for f in "$1"/*.c; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		[ "$(layer "$1" "$b")" = 3 ] || continue
		for h in tls.h net.h; do
			includes_any "$f" "$h" && echo "command file $b includes $h"
		done
	done
	return 0
}

# nm -u of each object names nothing defined in an object of a higher layer.
# OBJDIR holds X.o for each DIR/X.c (objects without a source are ignored).
rule_symbols() {
	dir=$1 objdir=$2 defs=$TRASH/defs.$$
	: >"$defs"
	for o in "$objdir"/*.o; do
		b=$(basename "$o" .o)
		[ -e "$dir/$b.c" ] || continue
		nm --defined-only -g "$o" | awk -v f="$b.c" -v l="$(layer "$dir" "$b.c")" \
		    'NF == 3 { print $3, f, l }' >>"$defs"
	done
	[ -s "$defs" ] || { echo "no objects in $objdir"; return; }
	for o in "$objdir"/*.o; do
		b=$(basename "$o" .o)
		[ -e "$dir/$b.c" ] || continue
		nm -u "$o" | awk -v f="$b.c" -v l="$(layer "$dir" "$b.c")" '
		    NR == FNR { layer[$1] = $3; file[$1] = $2; next }
		    ($2 in layer) && layer[$2] > l {
			print f " (layer " l ") uses " $2 " from " file[$2] " (layer " layer[$2] ")" }' \
		    "$defs" -
	done
	rm -f "$defs"
}

# check RULE ARGS...: the rule's violations go to stdout; none is success.
check() {
	"$@" >violations 2>&1
	if [ -s violations ]; then cat violations; return 1; fi
	return 0
}

TREE=$TOP
OBJS=$TOP/build/obj

# The rules must be able to fail: a small tree breaking each one.
mkdir -p "$TRASH/bad/obj"
BAD=$TRASH/bad
printf '#include "bearssl.h"\n#include "cli.h"\nint lib_up(void);\nint lib_up(void) { return cli_fn(); }\n' >"$BAD/http.c"
printf '#include "cJSON.h"\nint other(void);\nint other(void) { return 0; }\n' >"$BAD/store.c"
printf '#include "builtin.h"\n#include "net.h"\nint cmd_x(void);\nint cmd_x(void) { return 0; }\n' >"$BAD/apps.c"
printf '#include "builtin.h"\nint cli_fn(void);\nint cli_fn(void) { return 0; }\n' >"$BAD/cli.c"
printf 'int main(void);\nint main(void) { return 0; }\n' >"$BAD/alter.c"
: >"$BAD/cli.h"; : >"$BAD/builtin.h"; : >"$BAD/net.h"; : >"$BAD/bearssl.h"; : >"$BAD/cJSON.h"

test_expect_success 'the layer map: alter.c 4, a command file 3, cli.c 2, a library 1' '
	for f in alter.c apps.c cli.c http.c cli.h builtin.h net.h; do
		echo "$f $(layer "$BAD" $f)"
	done >actual &&
	printf "alter.c 4\napps.c 3\ncli.c 2\nhttp.c 1\ncli.h 2\nbuiltin.h 3\nnet.h 1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'each rule reports the broken tree' '
	! check rule_bearssl "$BAD" >out && test_grep "http.c includes bearssl.h" out &&
	! check rule_cjson "$BAD" >out && test_grep "store.c includes cJSON.h" out &&
	! check rule_library_includes "$BAD" >out && test_grep "library file http.c includes cli.h" out &&
	! check rule_command_includes "$BAD" >out && test_grep "command file apps.c includes net.h" out
'

if command -v cc >/dev/null 2>&1; then
test_expect_success 'the symbol rule reports a library calling up into cli.c' '
	for f in http cli alter; do cc -w -c -o "$BAD/obj/$f.o" "$BAD/$f.c" -I"$BAD" || exit 1; done &&
	! check rule_symbols "$BAD" "$BAD/obj" >out &&
	test_grep "http.c (layer 1) uses cli_fn from cli.c (layer 2)" out
'
else
	test_skip 'the symbol rule reports a library calling up into cli.c' 'no cc'
fi

test_expect_success 'bearssl.h is included only by the tls files' '
	check rule_bearssl "$TREE"
'

test_expect_success 'cJSON.h is included only by the json files' '
	check rule_cjson "$TREE"
'

test_expect_success 'no library file includes the cli or command headers' '
	check rule_library_includes "$TREE"
'

test_expect_success 'no command file includes tls.h or net.h' '
	check rule_command_includes "$TREE"
'

if [ ! -e "$OBJS/alter.o" ]; then
	test_skip 'no object uses a symbol defined in a higher layer' "no objects in $OBJS: run make"
else
test_expect_success 'no object uses a symbol defined in a higher layer' '
	check rule_symbols "$TREE" "$OBJS"
'
fi

test_done
