#!/bin/sh
# Robustness, bounded for 'make test': 60 s of random ioctls from racing
# threads, 200 processes killed mid-DMA and mid-fault, a hostile guest at
# register level (driver unbound), then the scenarios again, and 50
# unload/load cycles, some right after a process with DMA in flight died.
. ./lib.sh

svm-dma-test --ioctl-fuzz 60
svm-dma-test --kill-storm 200
svm-hostile
svm-dma-test copy munmap-remap cow

fail=0
for i in $(seq 1 50); do
	if [ $((i % 10)) = 0 ]; then
		svm-dma-test --kill-storm 1 >/dev/null
	fi
	rmmod svm_edu && insmod /lib/modules/svm_edu.ko && test -c /dev/svm-edu0 || fail=$((fail + 1))
done
check "50 unload/load cycles (every 10th after a killed DMA)" test "$fail" = 0
check "the device works after them" svm-dma-test copy
