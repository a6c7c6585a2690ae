#!/bin/sh
# Guest side of the test harness: runs every tests/guest/t-*.sh in order.
# Each prints TAP lines; this adds a header per script.
cd "$(dirname "$0")" || exit 1
rc=0
for t in t-*.sh; do
	echo "# --- $t"
	sh "$t" || rc=1
done
exit $rc
