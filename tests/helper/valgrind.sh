#!/bin/sh
# tests/helper/valgrind.sh: alter under valgrind, for make check-valgrind, which
# points ALTER here.  VALGRIND_ALTER is the glibc build to run; every
# report goes to a file in VALGRIND_LOGS (one per process, empty when
# clean), which the make target checks after the run.  A memory error or a
# definite leak is also exit 99, which no test expects.
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --log-file="$VALGRIND_LOGS/vg.%p" "$VALGRIND_ALTER" "$@"
