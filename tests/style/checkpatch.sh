#!/usr/bin/env bash
# Style check: checkpatch.pl over the driver (the kernel's) or the QEMU
# device (QEMU's), one TAP line per file with its counts. A file fails on
# any ERROR; WARNINGs and CHECKs are counted in its line, not failed. On a
# failure the file's checkpatch report follows as TAP comments.
#
# Usage: tests/style/checkpatch.sh kernel [FILE...]
#          the kernel's scripts/checkpatch.pl --strict --no-tree (fetched
#          by scripts/checkpatch-fetch.sh from Debian's linux-source-*
#          package) over driver/*.c driver/*.h and the kernel-side
#          headers include/svm_edu_hw.h and include/uapi/svm_edu.h
#        tests/style/checkpatch.sh qemu [FILE...]
#          QEMU's scripts/checkpatch.pl --no-tree, from the fetched QEMU
#          7.2 source (build/qemu-src: make qemu; build/qemu-src-10 when
#          there is only that), over qemu-device/*.c *.h
# The full report of one file: the same checkpatch.pl with -f FILE.
#
# One exemption, for the kernel's checkpatch: the name lists are X-macros
# (include/svm_edu_hw.h, include/uapi/svm_edu.h: each list defined once,
# docs/testing.md), and checkpatch has no rule for them: it reports
# COMPLEX_MACRO on every list and on every expander, and BRACKET_SPACE on
# an expander that makes a designated initializer, as it does on the
# kernel's own lists (FOR_ALL_ZONES, the trace EM() lists). Those two
# types are not counted as errors on a #define of a list, named
# SVM_EDU_...(X), or of an expander, whose name ends in '_'; they are
# counted apart ("exempt") in the file's line. Nothing else is exempt.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$SVM_TOP" || exit 1

which=${1:-}
shift || true
case $which in
kernel)
	cp=$(bash "$SVM_TOP/scripts/checkpatch-fetch.sh") || die "no kernel checkpatch.pl"
	opts=(--strict --no-tree --no-color --show-types)
	[ $# -gt 0 ] || set -- driver/*.c driver/*.h include/svm_edu_hw.h include/uapi/svm_edu.h
	what="kernel checkpatch --strict ($(cat "$(dirname "$cp")/../SOURCE"))"
	;;
qemu)
	# QEMU 7.2's source; 10.0's when only that one was fetched (make
	# check QEMU=10)
	qsrc=$SVM_BUILD/qemu-src
	[ -f "$qsrc/scripts/checkpatch.pl" ] || qsrc=$SVM_BUILD/qemu-src-10
	cp=$qsrc/scripts/checkpatch.pl
	[ -f "$cp" ] || die "no QEMU source with scripts/checkpatch.pl: make qemu fetches it"
	opts=(--no-tree --no-color)
	[ $# -gt 0 ] || set -- qemu-device/*.c qemu-device/*.h
	what="QEMU $(cat "$qsrc/VERSION") checkpatch"
	;;
*) die "usage: tests/style/checkpatch.sh kernel|qemu [FILE...]" ;;
esac

echo "1..$#"
echo "# $what"
i=0
rc=0
for f in "$@"; do
	i=$((i + 1))
	out=$(perl "$cp" "${opts[@]}" -f "$f" 2>&1)
	# "total: 1 errors, 2 warnings, 3 checks, 120 lines checked" (QEMU's
	# has no checks)
	total=$(grep -m1 '^total: ' <<<"$out")
	e=$(sed -n 's/^total: \([0-9]*\) errors.*/\1/p' <<<"$total")
	x=0
	if [ "$which" = kernel ] && [ -n "$e" ]; then
		x=$(awk '
			/^ERROR:/ { t = $0; sub(/^ERROR:/, "", t); sub(/:.*/, "", t); want = 1; next }
			want && /^\+/ {
				if ((t == "COMPLEX_MACRO" || t == "BRACKET_SPACE") &&
				    $0 ~ /^\+#define[ \t]+(SVM_EDU_[A-Z0-9_]+\(X\)|[A-Za-z0-9_]+_\()/)
					n++
				want = 0
			}
			END { print n + 0 }' <<<"$out")
		e=$((e - x))
	fi
	counts=${total#total: }
	counts=${counts%, * lines checked}
	[ "$x" -eq 0 ] || counts="$counts ($x exempt: X-macro lists)"
	if [ -z "$e" ]; then
		echo "not ok $i - $f: checkpatch.pl printed no total"
		while IFS= read -r l; do echo "# $l"; done <<<"$out"
		rc=1
	elif [ "$e" -gt 0 ]; then
		echo "not ok $i - $f: $counts"
		while IFS= read -r l; do echo "# $l"; done <<<"$out"
		rc=1
	else
		echo "ok $i - $f: $counts"
	fi
done
exit "$rc"
