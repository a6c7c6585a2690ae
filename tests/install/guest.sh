#!/bin/sh
# The install check's guest side (tests/install/check-install.sh): only what
# 'make install' staged is here, at its installed paths. Loads the staged
# module, runs the staged tools and a program linked to the shared
# libsvmedu. Prints TAP.
n=0
rc=0
check() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		rc=1
	fi
}

for ko in /lib/modules/*/updates/svm_edu.ko*; do
	[ -e "$ko" ] && break
	ko=
done
check "the staged module is under /lib/modules/KVER/updates ($ko)" test -n "$ko"
check "insmod of the staged module" insmod "$ko"
check "it binds the device: /dev/svm-edu0" test -c /dev/svm-edu0
list=$(/usr/local/bin/svmctl list 2>&1)
echo "$list" | sed 's/^/# /'
check "the staged svmctl list shows the device bound to svm_edu" \
	sh -c "echo \"\$1\" | grep -q 'driver: svm_edu (/dev/svm-edu0)'" _ "$list"
out=$(/usr/local/bin/svm-dma-test copy 2>&1)
st=$?
echo "$out" | sed 's/^/# /'
check "the staged svm-dma-test copy passes" \
	sh -c "[ $st -eq 0 ] && echo \"\$1\" | grep -q '^ok '" _ "$out"
out=$(LD_LIBRARY_PATH=/usr/local/lib /tests/consumer 2>&1)
echo "$out" | sed 's/^/# /'
check "a program linked to the staged libsvmedu.so copies by DMA" \
	sh -c "echo \"\$1\" | grep -q '^ok 2 '" _ "$out"
check "rmmod svm_edu" rmmod svm_edu
echo "1..$n"
exit $rc
