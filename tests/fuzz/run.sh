#!/bin/sh
# tests/fuzz/run.sh SECONDS DIR NAME...: run each libFuzzer harness
# DIR/fuzz_NAME for SECONDS, starting from the committed seeds in
# tests/fuzz/corpus/NAME; what it learns goes to DIR/corpus/NAME (not
# committed), a crashing input to DIR/crashes/NAME-*.  Prints one line per
# harness with its executions; exit status 1 if any harness failed.
# A crash found is fixed, then its input is committed to the seed corpus,
# where make check replays it (tests/fuzz/replay.c).
cd "$(dirname "$0")/../.." || exit 1
secs=$1 dir=$2
shift 2
failed=0
for name in "$@"; do
	mkdir -p "$dir/corpus/$name" "$dir/crashes"
	# The HTTP harnesses parse every input once per split point.
	case $name in
	http|chunked|connect) maxlen=1024 ;;
	*) maxlen=4096 ;;
	esac
	log=$dir/fuzz_$name.log
	"$dir/fuzz_$name" -max_total_time="$secs" -max_len=$maxlen -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" \
	    "$dir/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	units=$(ls "$dir/corpus/$name" | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$name: ${runs:-?} executions in $secs s, no crash ($units inputs in its working corpus)"
	else
		failed=1
		echo "fuzz_$name: FAILED (exit $rc) after ${runs:-?} executions; see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -n 10
	fi
done
exit $failed
