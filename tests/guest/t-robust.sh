#!/bin/sh
# Robustness: random ioctls from racing threads, processes killed mid-DMA
# and mid-fault, a hostile guest at register level (driver unbound), then
# the scenarios again, and unload/load cycles, some right after a process
# with DMA in flight died. Bounded for 'make test'; soak.sh sets the SVM_*
# variables for 'make soak'.
. ./lib.sh

run svm-dma-test --ioctl-fuzz "${SVM_FUZZ_SECONDS:-60}"
run svm-dma-test --kill-storm "${SVM_KILL_STORM:-200}"
run svm-hostile "${SVM_HOSTILE_SCALE:-1}"
run svm-dma-test copy munmap-remap cow

cycles=${SVM_UNLOAD_CYCLES:-50}
fail=0
for i in $(seq 1 "$cycles"); do
	if [ $((i % 10)) = 0 ]; then
		svm-dma-test --kill-storm 1 >/dev/null
	fi
	rmmod svm_edu && insmod /lib/modules/svm_edu.ko && test -c /dev/svm-edu0 || fail=$((fail + 1))
done
check "$cycles unload/load cycles (every 10th after a killed DMA)" test "$fail" = 0
check "the device works after them" svm-dma-test copy
exit "$svm_rc"
