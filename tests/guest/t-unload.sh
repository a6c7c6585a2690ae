#!/bin/sh
# Unload and removal: the module refuses to unload while a file is open; a
# PCI unbind with a bound process and DMA in flight tears down safely; an
# unload right after the last close waits for the notifier's callbacks;
# load/unload cycles.
. ./lib.sh

exec 3<>/dev/svm-edu0
check "rmmod refused while /dev/svm-edu0 is open" sh -c "! rmmod svm_edu"
exec 3>&-

run svm-dma-test --remove-test

# lc-rmmod-after-close: unload right after the last close, a CPU held busy
run svm-dma-test --rmmod-after-close 3

for i in 1 2 3 4 5; do
	check "unload/load cycle $i" sh -c "rmmod svm_edu && insmod /lib/modules/svm_edu.ko && test -c /dev/svm-edu0"
done
check "no PASID left bound" sh -c \
	"[ \$(cat /sys/class/misc/svm-edu0/device/drv_counters/binds) = \$(cat /sys/class/misc/svm-edu0/device/drv_counters/unbinds) ]"
exit "$svm_rc"
