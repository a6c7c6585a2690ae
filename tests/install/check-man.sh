#!/usr/bin/env bash
# Every manual page (man/*.md, converted by scripts/md2man.py) renders with
# man -l without a single groff or man warning. Prints TAP.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
rc=0
for src in "$SVM_TOP"/man/*.md; do
	page=$(basename "$src" .md)
	n=$((n + 1))
	if ! python3 "$SVM_TOP/scripts/md2man.py" "$src" "$out/$page" 2>"$out/err"; then
		echo "not ok $n - $page: md2man.py failed"
		sed 's/^/#   /' "$out/err"
		rc=1
		continue
	fi
	st=0
	MANWIDTH=80 man --warnings -l "$out/$page" >"$out/text" 2>"$out/err" || st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$out/err" ] && [ -s "$out/text" ]; then
		echo "ok $n - $page renders with man --warnings -l, no warning"
	else
		echo "not ok $n - $page: man --warnings -l printed warnings"
		sed 's/^/#   /' "$out/err"
		rc=1
	fi
done
echo "1..$n"
exit $rc
