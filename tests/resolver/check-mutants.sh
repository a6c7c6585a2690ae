#!/usr/bin/env bash
# The resolver tests must be able to fail: each mutant below is
# scripts/resolve.sh with one of its defences removed, and test-resolve.sh
# must fail on every one. TAP output.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
orig=$here/../../scripts/resolve.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# mutant NAME PYTHON-FROM PYTHON-TO: replace one exact text, run the tests.
mutant() {
	local name=$1 from=$2 to=$3 m=$tmp/$1.sh out
	n=$((n + 1))
	FROM=$from TO=$to python3 -c '
import os, sys
s = open(sys.argv[1]).read()
f, t = os.environ["FROM"], os.environ["TO"]
if f not in s:
    sys.exit("mutation site not found")
open(sys.argv[2], "w").write(s.replace(f, t))' "$orig" "$m" || {
		echo "not ok $n - mutant $name: its site is gone from resolve.sh (update this test)"
		failed=1
		return
	}
	out=$(RESOLVE_SH=$m bash "$here/test-resolve.sh" 2>&1)
	if grep -q '^not ok' <<<"$out"; then
		echo "ok $n - mutant $name is caught ($(grep -c '^not ok' <<<"$out") checks fail)"
	else
		echo "not ok $n - mutant $name passes every resolver test"
		failed=1
	fi
}

# The patterns are resolve.sh's source text, $ signs and all.
# shellcheck disable=SC2016
{
	mutant no-kernel-fallback \
		'log "kernel $series: $rel could not be downloaded, trying an older one"' 'break'
	mutant no-qemu-fallback \
		'log "QEMU $spec: source $v could not be downloaded, trying an older one"' 'break'
	mutant trust-no-candidate \
		'$1 == "Candidate:" && $2 != "(none)"' '$1 == "Candidate:"'
	mutant signed-only \
		"K_IMAGES='linux-image-@REL@ linux-image-@REL@-unsigned'" "K_IMAGES='linux-image-@REL@'"
	mutant any-qemu-major \
		'"$Q_MAJOR"[.+~-]*) ;;' '*) ;;'
}
echo "1..$n"
exit $failed
