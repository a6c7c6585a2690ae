#!/usr/bin/env bash
# Builds the driver for each kernel series with W=1 and sparse (C=2) and
# prints TAP: a compiler or sparse warning fails the check.
# Usage: tests/driver-check.sh SERIES...   (after 'make module' for each)
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
n=0
fail=0
for k in "$@"; do
	out=$(bash "$SVM_TOP/scripts/kbuild.sh" "$k" W=1 C=2 2>&1)
	rc=$?
	warn=$(printf '%s\n' "$out" | grep -E 'warning:|error:' || true)
	n=$((n + 1))
	if [ "$rc" -eq 0 ] && [ -z "$warn" ]; then
		echo "ok $n - driver on $k: W=1 and sparse (C=2) clean"
	else
		echo "not ok $n - driver on $k: W=1/sparse warnings or errors"
		printf '%s\n' "$warn" | head -20 | sed 's/^/#   /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
