#!/usr/bin/env bash
# Run the core fuzzer for SECONDS and report as TAP.
# Usage: tests/fuzz/run-fuzz.sh FUZZER CORPUS-DIR SECONDS
# Crash reproducers land in build/fuzz/ (crash-*, leak-*, timeout-*).
set -uo pipefail
fuzzer=$1 corpus=$2 secs=$3
mkdir -p "$corpus"
log=$(dirname "$corpus")/fuzz-$secs.log
out=$(dirname "$corpus")
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$out/" "$corpus" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - fuzz_core ${secs}s: ${execs:-?} inputs, ${rate:-?} exec/s, ${cov:-cov ?}, no crash, leak or UB"
else
	echo "not ok 1 - fuzz_core ${secs}s: exit $rc (log $log)"
	grep -E 'ERROR|SUMMARY|runtime error|Assertion' "$log" | head -10 | sed 's/^/#   /'
fi
echo "1..1"
exit $rc
