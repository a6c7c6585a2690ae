#!/bin/sh
# Every svm-dma-test scenario with shadow page-table bindings (--mode
# shadow, issue 15): the same positive runs and negative controls, and the
# shadow-only ones (shadow-skip-clear, shadow-fill-race). svm-dma-test
# skips the whole run, with the reason, when the kernel (no
# CONFIG_HMM_MIRROR) or the device cannot do shadow bindings.
. ./lib.sh

run svm-dma-test --mode shadow
exit "$svm_rc"
