#!/bin/sh
# Every svm-dma-test scenario with shadow page-table bindings (--mode
# shadow, issue 15): the same positive runs and negative controls, and the
# shadow-only ones (shadow-prefault, shadow-skip-clear, shadow-fill-race).
# svm-dma-test skips the whole run, with the reason, when the kernel (no
# CONFIG_HMM_MIRROR) or the device cannot do shadow bindings.
. ./lib.sh

run svm-dma-test --mode shadow

# The race variants' positive runs with shadow bindings: every
# mapping-changing path raced against the device's DMA, no stale use. Their
# negative control (flush_at_start) is an sva bug: a shadow's invalidation
# runs from invalidate_range_start by design; shadow-fill-race has the
# shadow's. Not ksm (ksmd's pace) nor zap (hmm_range_fault() refuses
# VM_PFNMAP).
rounds=${SVM_RACE_PATH_ROUNDS:-10}
for p in munmap mprotect dontneed free mremap move-pages cow thp-split thp-collapse hugetlb exit; do
	run svm-dma-test --mode shadow --race "$p" "$rounds"
done
# A shadow entry that outlived its page would show here (Bad page state).
check "no kernel warning in dmesg" sh -c '! dmesg | grep -qE "WARNING:|BUG:|Oops|Call Trace"'
exit "$svm_rc"
