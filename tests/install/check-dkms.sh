#!/usr/bin/env bash
# DKMS: 'make install-dkms' into a staging folder, then 'dkms build' of that
# source tree for one kernel's headers, with every tree DKMS writes to
# (--dkmstree, --sourcetree, --installtree) under build/: nothing on the
# host changes. Signing is off (sign_file points nowhere), or DKMS would
# make a MOK key in /var/lib/dkms. Also checks that dkms.conf names what
# Kbuild builds. Prints TAP.
# Usage: tests/install/check-dkms.sh SERIES
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

series=${1:?usage: check-dkms.sh SERIES}
out=$SVM_BUILD/dkms-check/$series
version=$(cat "$SVM_TOP/VERSION")
kdir=$(cat "$SVM_BUILD/kernel/$series/kdir")
kver=$(cat "$kdir/include/config/kernel.release")
. "$(dirname "$0")/tap.sh"

conf=$SVM_TOP/driver/dkms.conf
module=$(sed -n 's/^obj-m *+= *\(.*\)\.o$/\1/p' "$SVM_TOP/driver/Kbuild")
check "dkms.conf: PACKAGE_NAME svm-edu, version from VERSION, module $module" \
	sh -c "grep -qx 'PACKAGE_NAME=\"svm-edu\"' '$conf' &&
	grep -qx 'PACKAGE_VERSION=\"@VERSION@\"' '$conf' &&
	grep -qx 'BUILT_MODULE_NAME\[0\]=\"$module\"' '$conf'"

rm -rf "$out"
mkdir -p "$out/tree" "$out/install"
if make -C "$SVM_TOP" --no-print-directory install-dkms DESTDIR="$out/stage" \
	>"$out/install.log" 2>&1 &&
	grep -qx "PACKAGE_VERSION=\"$version\"" "$out/stage/usr/src/svm-edu-$version/dkms.conf"; then
	ok "make install-dkms: usr/src/svm-edu-$version with dkms.conf for $version"
else
	fail "make install-dkms (build/dkms-check/$series/install.log)"
fi

stamp=$out/stamp
touch "$stamp"
sleep 1
sign_file=/nonexistent dkms build -m svm-edu -v "$version" \
	--sourcetree "$out/stage/usr/src" --dkmstree "$out/tree" \
	--installtree "$out/install" -k "$kver" --kernelsourcedir "$kdir" \
	>"$out/dkms.log" 2>&1
st=$?
built=$out/tree/svm-edu/$version/$kver/x86_64/module/$module.ko
if [ ! -f "$built" ]; then
	# compressed: the first of $module.ko.* (xz, zst, gz)
	for b in "$built".*; do
		[ -f "$b" ] && built=$b && break
	done
fi
if [ $st -eq 0 ] && [ -n "$built" ] && [ -f "$built" ]; then
	ok "dkms build svm-edu/$version -k $kver"
else
	fail "dkms build svm-edu/$version -k $kver (status $st)"
	tail -20 "$out/dkms.log" | sed 's/^/#   /'
	find "$out/tree" -name make.log -exec tail -20 {} \; | sed 's/^/#   /'
fi
check "the module DKMS built is for $kver" \
	sh -c "modinfo -F vermagic '$built' 2>/dev/null | grep -q '^$kver '"
changed=$(find /var/lib/dkms /lib/modules /usr/src /etc/dkms -newer "$stamp" 2>/dev/null)
check "nothing written outside build/ (/var/lib/dkms, /lib/modules, /usr/src, /etc/dkms)" \
	test -z "$changed"
while IFS= read -r f; do
	[ -z "$f" ] || echo "#   changed: $f"
done <<<"$changed"
echo "1..$n"
exit $rc
