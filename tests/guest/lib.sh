# Helpers for guest test scripts (busybox sh). Source it.
#
# check DESCRIPTION COMMAND...   runs COMMAND; prints "ok - DESCRIPTION" or
#                                "not ok - DESCRIPTION" with its output as
#                                TAP diagnostics
# run COMMAND...                 runs a program that prints its own TAP
#                                (svm-dma-test, svm-hostile) and notes when
#                                it exits with a failure; status 4 (every
#                                test skipped, as kselftest's) is none: its
#                                SKIP lines are counted as skips
# A script ends with 'exit "$svm_rc"': non-zero when a check failed or a
# program exited with a failure, so that a failure is never only a line the
# host harness has to find (it also counts the ok / not ok lines).

svm_rc=0

check() {
	local desc=$1 outf
	shift
	outf=$(mktemp)
	if "$@" >"$outf" 2>&1; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		sed 's/^/#   /' "$outf"
		svm_rc=1
	fi
	rm -f "$outf"
}

run() {
	local st
	"$@" && return 0
	st=$?
	if [ "$st" = 4 ]; then
		echo "# $1: every test skipped"
		return 0
	fi
	echo "# $1 exited with status $st"
	# shellcheck disable=SC2034 # read by the scripts that source this file
	svm_rc=1
}

# The PCI address of the first svm-edu function.
svm_edu_pci_addr() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x5356 ]; then
			basename "$d"
			return 0
		fi
	done
	return 1
}
