#!/bin/sh
# The DMA test binary: every scenario, positive run and negative control.
# Bad ioctl input must leave nothing above info level in the kernel log.
. ./lib.sh

dmesg -c >/dev/null
run svm-dma-test
check "bad ioctl input logs nothing above info level" \
	sh -c "svm-dma-test bad-input >/dev/null; ! dmesg -r | grep -E '^<[0-5]>'"
exit "$svm_rc"
