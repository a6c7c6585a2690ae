#!/bin/sh
# Stress: 4 processes x 2 threads doing DMA while they change their own
# mappings, and a thread unmapping a range the device is copying into;
# each with its negative control (skip_flush: the checker must fire).
# Bounded for 'make test'; soak.sh sets the SVM_* variables for 'make soak'.
. ./lib.sh

run svm-dma-test --stress "${SVM_STRESS_SECONDS:-60}" --procs 4 --threads 2
run svm-dma-test --stress 5 --procs 4 --threads 2 --negative
run svm-dma-test --unmap-race "${SVM_RACE_ROUNDS:-100}"
run svm-dma-test --unmap-race 60 --negative
check "no kernel warning in dmesg" sh -c '! dmesg | grep -qE "WARNING:|BUG:|Oops|Call Trace"'
exit "$svm_rc"
