#!/usr/bin/env bash
# Print what this build tree resolved and builds with: the guest kernels
# (release and the packages they came from), the QEMU sources, and the
# compilers. 'make versions'; 'make test' prints it first.
# Only reads build/: nothing is downloaded or resolved here.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

first_line() { "$@" 2>/dev/null | head -1; }

echo "svm-edu versions ($(git -C "$SVM_TOP" describe --always --dirty 2>/dev/null || echo 'no git'))"
for k in 6.1 6.12 latest; do
	d=$SVM_BUILD/kernel/$k
	if [ -f "$d/release" ]; then
		printf '  kernel %-7s %s\n' "$k" "$(cat "$d/release")"
		[ ! -f "$d/packages" ] || sed 's/^/                   /' "$d/packages"
		cfg=$(cat "$d/kdir" 2>/dev/null)/.config
		[ ! -f "$cfg" ] || printf '                   built with %s\n' \
			"$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$cfg")"
	else
		printf '  kernel %-7s not fetched (make kernel KERNEL=%s)\n' "$k" "$k"
	fi
done
for q in 7.2 10; do
	case $q in 7.2) src=$SVM_BUILD/qemu-src ;; *) src=$SVM_BUILD/qemu-src-$q ;; esac
	if [ -f "$src/.svm-edu-source" ]; then
		printf '  QEMU %-9s %s\n' "$q" "$(cat "$src/.svm-edu-source")"
	elif [ -f "$src/VERSION" ]; then
		printf '  QEMU %-9s %s\n' "$q" "$(cat "$src/VERSION")"
	else
		printf '  QEMU %-9s not fetched (make qemu QEMU=%s)\n' "$q" "$q"
	fi
done
printf '  host gcc       %s\n' "$(first_line gcc --version)"
printf '  host clang     %s\n' "$(first_line clang --version || echo 'not installed')"
printf '  host meson     %s\n' "$(first_line meson --version || echo 'not installed')"
if [ -x "$SVM_BUILD/sid-root/usr/bin/make" ]; then
	for cc in "$SVM_BUILD"/sid-root/usr/bin/gcc-[0-9]*; do
		[ -x "$cc" ] || continue
		printf '  build root     %s (%s)\n' "$(basename "$cc")" \
			"$(chroot "$SVM_BUILD/sid-root" "/usr/bin/$(basename "$cc")" --version 2>/dev/null | head -1)"
	done
fi
exit 0
