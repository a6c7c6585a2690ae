#!/bin/sh
# Race variants: every mapping-changing kernel path raced against DMA the
# device is doing in the range (svm-dma-test --race PATH ROUNDS), then each
# path's negative control with flush_at_start (the flush moved before the
# page-table change: the checker must catch it). Bounded for 'make test';
# SVM_RACE_PATH_ROUNDS sets the positive rounds (soak.sh scales it),
# SVM_RACE_NEG_ROUNDS the negative controls' (one not caught by then goes
# on, up to three times as many rounds).
. ./lib.sh

rounds=${SVM_RACE_PATH_ROUNDS:-30}
neg_rounds=${SVM_RACE_NEG_ROUNDS:-20}
paths=${SVM_RACE_PATHS:-"munmap mprotect dontneed free mremap move-pages cow thp-split thp-collapse ksm hugetlb zap exit"}

for p in $paths; do
	# KSM waits for ksmd in every round: fewer of them.
	n=$rounds
	[ "$p" != ksm ] || n=$(( (rounds + 2) / 3 ))
	run svm-dma-test --race "$p" "$n"
done
for p in $paths; do
	run svm-dma-test --race "$p" "$neg_rounds" --negative
done
check "no kernel warning in dmesg" sh -c '! dmesg | grep -qE "WARNING:|BUG:|Oops|Call Trace"'
exit "$svm_rc"
