#!/bin/sh
# The walking skeleton: the module binds the device, MSI-X works, the
# character device exists, svmctl finds the device, unbind/rebind and
# module reload work, and the machine has two NUMA nodes.
. ./lib.sh

addr=$(svm_edu_pci_addr)
dev=/sys/bus/pci/devices/$addr

check "svm-edu PCI function present ($addr)" test -n "$addr"
check "svm_edu module loaded" grep -q '^svm_edu ' /proc/modules
check "device bound to svm_edu" sh -c "readlink $dev/driver | grep -q '/svm_edu\$'"
check "/dev/svm-edu0 is a character device" test -c /dev/svm-edu0
check "4 MSI-X vectors allocated" sh -c "[ \$(ls $dev/msi_irqs | wc -l) -eq 4 ]"
check "every vector delivered its self-test interrupt" \
	sh -c "for n in \$(cat $dev/irq_count); do [ \$n -ge 1 ] || exit 1; done"
check "hw_version attribute reads 1.2" sh -c "[ \$(cat $dev/hw_version) = 1.2 ]"

list=$(svmctl list 2>&1)
echo "$list" | sed 's/^/# /'
check "svmctl list shows the device bound to svm_edu" \
	sh -c "echo \"\$1\" | grep -q 'driver: svm_edu (/dev/svm-edu0)'" _ "$list"
check "svmctl list shows 4 MSI-X vectors" \
	sh -c "echo \"\$1\" | grep -q '4 MSI-X vectors'" _ "$list"
check "svmctl list reads the identification registers" \
	sh -c "echo \"\$1\" | grep -q 'hw: id ok, version 1.2'" _ "$list"

echo "$addr" >/sys/bus/pci/drivers/svm_edu/unbind
check "unbind removes /dev/svm-edu0" test ! -e /dev/svm-edu0
check "svmctl list reads BAR0 through sysfs when unbound" \
	sh -c "svmctl list | grep -q 'driver: none' && svmctl list | grep -q 'hw: id ok'"
echo "$addr" >/sys/bus/pci/drivers/svm_edu/bind
check "rebind recreates /dev/svm-edu0" test -c /dev/svm-edu0

check "rmmod svm_edu" rmmod svm_edu
check "insmod svm_edu again" insmod /lib/modules/svm_edu.ko
check "/dev/svm-edu0 back after reload" test -c /dev/svm-edu0

check "two NUMA nodes online" sh -c "[ \$(cat /sys/devices/system/node/online) = 0-1 ]"

# Latency histograms: a munmap under a binding is an invalidation, DMA
# into untouched memory page requests; the counts and the device's own
# time show in svmctl latency, and --reset empties them. The awk
# programs are single-quoted on purpose (SC2016).
svmctl latency --reset
svm-dma-test munmap-partial fault-thp >/dev/null 2>&1
svmctl latency >/tmp/latency.txt
sed 's/^/# /' /tmp/latency.txt
# shellcheck disable=SC2016
check "svmctl latency counts invalidations, with the device's time per command" \
	awk '$1 == "invalidation" && $2 > 0 && $NF > 0 { ok = 1 } END { exit !ok }' /tmp/latency.txt
# shellcheck disable=SC2016
check "svmctl latency counts page requests, each in one bucket" \
	awk '$1 == "page_request" { for (i = 6; i < NF; i++) s += $i; if ($2 > 0 && s == $2) ok = 1 } END { exit !ok }' /tmp/latency.txt
check "svmctl latency --json is one JSON object" \
	sh -c "svmctl latency --json | grep -q '^{\"device\": \"svm-edu0\", \"invalidation\": {\"count\": [1-9]'"
svmctl latency --reset
svmctl latency >/tmp/latency.txt
# shellcheck disable=SC2016
check "svmctl latency --reset empties them" \
	awk '$1 == "invalidation" || $1 == "page_request" { s += $2 } END { exit s != 0 }' /tmp/latency.txt
exit "$svm_rc"
