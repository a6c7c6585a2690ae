#!/usr/bin/env bash
# The install check's host side: 'make install' into a staging DESTDIR
# under build/install-check/SERIES, then checks what landed there (files,
# soname, symbol versions, pkg-config, a program built against it) and
# packs the staged tree into an initramfs for tests/install/guest.sh
# (tests/run.sh boots it). Prints TAP.
# Usage: tests/install/check-install.sh SERIES
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

series=${1:?usage: check-install.sh SERIES}
out=$SVM_BUILD/install-check/$series
stage=$out/stage
prefix=/usr/local
lib=$stage$prefix/lib
version=$(cat "$SVM_TOP/guest-userspace/lib/VERSION")
major=${version%%.*}
. "$(dirname "$0")/tap.sh"

rm -rf "$out"
mkdir -p "$out"
if make -C "$SVM_TOP" --no-print-directory install KERNEL="$series" \
	PREFIX=$prefix DESTDIR="$stage" >"$out/install.log" 2>&1; then
	ok "make install KERNEL=$series DESTDIR=build/install-check/$series/stage"
else
	fail "make install KERNEL=$series (build/install-check/$series/install.log)"
	tail -20 "$out/install.log" | sed 's/^/#   /'
fi

kver=$(cat "$(cat "$SVM_BUILD/kernel/$series/kdir")/include/config/kernel.release")
check "the module is under lib/modules/$kver/updates" \
	sh -c "ls '$stage/lib/modules/$kver/updates/'svm_edu.ko* >/dev/null"
expected=(
	bin/svmctl bin/svm-dma-test bin/svm-bench bin/svm-hostile
	lib/libsvmedu.a "lib/libsvmedu.so.$version" "lib/libsvmedu.so.$major"
	lib/libsvmedu.so lib/pkgconfig/svmedu.pc
	include/svmedu/svmedu.h include/svmedu/svm_edu_hw.h
	include/svmedu/uapi/svm_edu.h
	share/man/man8/svmctl.8 share/man/man1/svm-dma-test.1
	share/man/man1/svm-bench.1 share/man/man3/libsvmedu.3
	share/man/man4/svm_edu.4
)
missing=()
for f in "${expected[@]}"; do
	[ -e "$stage$prefix/$f" ] || missing+=("$f")
done
check "every tool, library, header, pkg-config file and man page is installed" \
	test ${#missing[@]} -eq 0
[ ${#missing[@]} -eq 0 ] || printf '#   missing %s\n' "${missing[@]}"

soname=$(readelf -d "$lib/libsvmedu.so.$version" 2>/dev/null |
	sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
check "libsvmedu.so.$version has the soname libsvmedu.so.$major ($soname)" \
	test "$soname" = "libsvmedu.so.$major"

# Every global function of the library must be exported, with a version:
# a function left out of libsvmedu.map would silently become local.
mapped=$(sed -n 's/^[[:space:]]*\(svmedu_[a-z0-9_]*\);/\1/p' \
	"$SVM_TOP/guest-userspace/lib/libsvmedu.map" | sort)
defined=$(nm -g --defined-only "$lib/libsvmedu.a" | awk '$2 == "T" { print $3 }' | sort)
exported=$(nm -D --defined-only "$lib/libsvmedu.so.$version" |
	awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
check "libsvmedu.map lists every global function of libsvmedu" \
	test "$mapped" = "$defined"
diff <(echo "$defined") <(echo "$mapped") | sed -n 's/^[<>]/#  &/p'
check "the shared library exports exactly those, each versioned LIBSVMEDU_*" \
	sh -c "test '${exported//$'\n'/ }' = '${defined//$'\n'/ }' &&
	! nm -D --defined-only '$lib/libsvmedu.so.$version' | awk '\$2 == \"T\"' | grep -v '@@LIBSVMEDU_'"

export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
modversion=$(pkg-config --modversion svmedu 2>&1)
check "pkg-config --modversion svmedu reports $version ($modversion)" \
	test "$modversion" = "$version"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is meant
if gcc -O2 -Wall -Wextra -Werror -o "$out/consumer" "$SVM_TOP/tests/install/consumer.c" \
	$(pkg-config --cflags --libs svmedu) 2>"$out/consumer.log"; then
	ok "a program builds with pkg-config svmedu against the staged tree"
else
	fail "a program builds with pkg-config svmedu against the staged tree"
	sed 's/^/#   /' "$out/consumer.log"
fi
check "it links the shared library (NEEDED libsvmedu.so.$major)" \
	sh -c "readelf -d '$out/consumer' | grep -q 'NEEDED.*\[libsvmedu.so.$major\]'"

# The guest's initramfs: the staged tree and the program, nothing from build/.
if SVM_STAGE=$stage SVM_STAGE_TESTS=$out/consumer bash "$SVM_TOP/scripts/mk-initramfs.sh" \
	"$series" "$out/initramfs.cpio.gz" 2>"$out/initramfs.log"; then
	ok "initramfs from the staged tree"
else
	fail "initramfs from the staged tree"
	sed 's/^/#   /' "$out/initramfs.log"
fi
echo "1..$n"
exit $rc
