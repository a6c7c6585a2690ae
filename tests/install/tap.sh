# shellcheck shell=bash
# TAP helpers for the host-side install checks. Source it; it keeps the
# count in n and the result in rc (1 once a check failed).
# shellcheck disable=SC2034 # n and rc are read by the scripts that source this file
n=0
rc=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; }
# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}
