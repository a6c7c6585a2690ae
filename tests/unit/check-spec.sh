#!/bin/sh
# Checks that the register table of docs/hw-spec.md and the SVM_EDU_REG_*
# offsets of include/svm_edu_hw.h name the same registers at the same
# offsets. Prints TAP.
top=$(cd "$(dirname "$0")/../.." && pwd)
hdr=$top/include/svm_edu_hw.h
doc=$top/docs/hw-spec.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "OFFSET NAME" lines with the offset as a canonical number
normalize() {
	while read -r off name; do
		printf '0x%04x %s\n' "$off" "$name"
	done | sort
}

sed -n 's/^#define SVM_EDU_REG_\([A-Z0-9_]*\)[[:space:]]*\(0x[0-9a-fA-F]*\).*/\2 \1/p' "$hdr" |
	normalize >"$tmp/header"
sed -n '/^## BAR0 register map/,/^## [^B]/p' "$doc" |
	sed -n 's/^| \(0x[0-9a-fA-F]*\) | \([A-Z0-9_]*\) |.*/\1 \2/p' |
	normalize >"$tmp/doc"

n=0
fail=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
[ -s "$tmp/header" ]; result $? "include/svm_edu_hw.h defines $(wc -l <"$tmp/header") registers"
[ -s "$tmp/doc" ]; result $? "docs/hw-spec.md lists $(wc -l <"$tmp/doc") registers"
diff -u "$tmp/header" "$tmp/doc" >"$tmp/diff"
result $? "every register offset in the header matches the doc table"
sed 's/^/#   /' "$tmp/diff"
echo "1..$n"
exit $fail
