#!/bin/sh
# The negative controls whose broken behaviour is the device's own (issue
# 13: the engine keeping a translation across a page-request wait, running
# the descriptors of an ended binding). Runs in a guest booted with the x-
# properties that bring those behaviours back (tests/run.sh passes them);
# each scenario must make the checker fire there. lc-wait-timeout needs its
# property (a device that stops answering one flush) for both of its runs:
# it runs here whole, the positive run and the no_fence negative control.
cd "$(dirname "$0")" || exit 1
names=$(svm-dma-test --list | awk '$2 ~ /^x-/ { print $1 }')
[ -n "$names" ] || { echo "not ok - no scenario has a device-property negative control"; exit 1; }
# shellcheck disable=SC2086
svm-dma-test --device-negative $names
