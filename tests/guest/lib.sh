# Helpers for guest test scripts (busybox sh). Source it.
#
# check DESCRIPTION COMMAND...   runs COMMAND; prints "ok - DESCRIPTION" or
#                                "not ok - DESCRIPTION" with its output as
#                                TAP diagnostics
# The host harness counts the ok / not ok lines.

check() {
	local desc=$1 outf
	shift
	outf=$(mktemp)
	if "$@" >"$outf" 2>&1; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		sed 's/^/#   /' "$outf"
	fi
	rm -f "$outf"
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
