#!/usr/bin/env bash
# Build qemu-system-x86_64 with the svm-edu device from Debian's QEMU source.
#
# QEMU=7.2 (default): Debian 12's QEMU 7.2
#   build/qemu-src/   Debian's QEMU source (apt-get source), with the
#                     device overlaid: qemu-device/ files are symlinked into
#                     hw/misc/ and its Kconfig, meson.build and trace-events
#                     are appended to hw/misc's, between marker lines
#   build/qemu/       the build folder; build/qemu/qemu-system-x86_64
#
# QEMU=10: Debian 13's QEMU 10.0, the same way in build/qemu-src-10/ and
# build/qemu-10/, configured with bookworm-backports' meson (see
# scripts/qemu-tools.sh).
#
# Re-running is incremental: only ninja runs when nothing but device sources
# changed. configure and ninja write their output to
# build/logs/qemu-QEMU-{configure,build}.log; what shows is one progress
# line (a "[n/N] p%" line every 10 % when stdout is not a terminal), and on
# failure the log's tail. V=1 (make qemu V=1) shows everything.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apt-suite.sh"
. "$(dirname "$0")/resolve.sh"
. "$(dirname "$0")/qemu-tools.sh"

src=$SVM_QEMU_SRC
out=$SVM_QEMU_OUT
dev=$SVM_TOP/qemu-device
# configure's and ninja's full output (V=1 shows it as well)
logs=$SVM_BUILD/logs

fetch_source() {
	local dl=$SVM_BUILD/qemu-dl-${QEMU:-7.2} got suite ver dsc
	rm -rf "$src.tmp"
	log "fetching Debian's QEMU ${QEMU:-7.2} source (apt-get source qemu)"
	# The newest source whose .dsc and tarballs the pool really serves.
	got=$(qemu_source_download "${QEMU:-7.2}" "$dl")
	read -r suite ver dsc <<<"$got"
	log "QEMU source $ver ($suite)"
	# dpkg-source applies Debian's patches, which the build depends on.
	dpkg-source -x "$dsc" "$src.tmp" >"$dl/dpkg-source.log" 2>&1 ||
		die "dpkg-source failed, see $dl/dpkg-source.log"
	echo "$ver ($suite)" >"$src.tmp/.svm-edu-source"
	mv "$src.tmp" "$src"
	rm -rf "$dl"
}

# overlay_append FILE FRAGMENT: FILE = pristine FILE + FRAGMENT between
# markers. The pristine copy is kept as FILE.svm-edu-orig.
overlay_append() {
	local file=$1 frag=$2
	[ -f "$file.svm-edu-orig" ] || cp "$file" "$file.svm-edu-orig"
	{
		cat "$file.svm-edu-orig"
		echo "# --- svm-edu overlay (generated from $(basename "$frag")) ---"
		cat "$frag"
		echo "# --- end of svm-edu overlay ---"
	} | write_if_changed "$file"
}

overlay() {
	local f rel
	for f in $(cd "$dev" && ls svm-edu*.[ch]); do
		ln -sfn "../../../../qemu-device/$f" "$src/hw/misc/$f"
	done
	ln -sfn "../../../../include/svm_edu_hw.h" "$src/hw/misc/svm_edu_hw.h"
	ln -sfn "../../../../tests/qtest/svm-edu-test.c" "$src/tests/qtest/svm-edu-test.c"
	ln -sfn "../../../../include/svm_edu_hw.h" "$src/tests/qtest/svm_edu_hw.h"
	# the qtest joins the x86_64 list before the loop that declares tests
	[ -f "$src/tests/qtest/meson.build.svm-edu-orig" ] ||
		cp "$src/tests/qtest/meson.build" "$src/tests/qtest/meson.build.svm-edu-orig"
	sed "s/^qtest_executables = {}\$/qtests_x86_64 += ['svm-edu-test']  # svm-edu overlay\n&/" \
		"$src/tests/qtest/meson.build.svm-edu-orig" | write_if_changed "$src/tests/qtest/meson.build"
	grep -q "svm-edu overlay" "$src/tests/qtest/meson.build" || die "qtest overlay failed"
	for f in "$src"/hw/misc/svm-edu* "$src"/hw/misc/svm_edu_hw.h; do
		[ -e "$f" ] || die "broken overlay link $f"
	done
	overlay_append "$src/hw/misc/meson.build" "$dev/meson.build"
	overlay_append "$src/hw/misc/Kconfig" "$dev/Kconfig"
	overlay_append "$src/hw/misc/trace-events" "$dev/trace-events"
	write_if_changed "$src/configs/devices/x86_64-softmmu/svm-edu.mak" <"$dev/devices.mak"
	rel=$(realpath --relative-to="$src/hw/misc" "$SVM_TOP")
	[ "$rel" = "../../../.." ] || die "unexpected build layout ($rel)"
}

configure() {
	local flags=(
		--target-list=x86_64-softmmu
		--without-default-features
		--without-default-devices
		--with-devices-x86_64=svm-edu
		--enable-trace-backends=log
		--disable-docs
		--disable-werror
		--disable-user
	)
	local meson_py='' pth

	log "configuring QEMU $QEMU (x86_64-softmmu, minimal features; log: $logs/qemu-$QEMU-configure.log)"
	rm -rf "$out"
	mkdir -p "$out"
	if [ "$QEMU" = 7.2 ]; then
		flags+=(--meson=meson)
	else
		# 10.0 runs meson from its own venv (build/qemu-10/pyvenv), which
		# takes meson from the system site packages, or from PYTHONPATH.
		# Offline: every subproject the build needs is in Debian's source.
		# That source has no firmware blobs, whose install rule 10.0
		# checks at configure time; the firmware comes from Debian's
		# seabios and qemu-system-data packages (-L) anyway.
		meson_py=$(qemu_backports_meson)
		flags+=(--disable-download --disable-install-blobs)
	fi
	(cd "$out" && { [ -z "$meson_py" ] || export PYTHONPATH=$meson_py; } &&
		run_logged "QEMU $QEMU configure" "$logs/qemu-$QEMU-configure.log" \
			"$src/configure" "${flags[@]}") ||
		die "QEMU configure failed"
	if [ -n "$meson_py" ]; then
		# ninja reruns meson from the venv when a meson.build changes, and
		# must find the same meson then without PYTHONPATH.
		pth=$(echo "$out"/pyvenv/lib/python3*/site-packages)
		[ -d "$pth" ] || die "no site-packages in $out/pyvenv"
		echo "$meson_py" >"$pth/svm-edu-meson.pth"
	fi
}

[ -f "$src/VERSION" ] || fetch_source
case $(cat "$src/VERSION") in
"$QEMU".*) ;;
*) die "$src holds QEMU $(cat "$src/VERSION"), not $QEMU" ;;
esac
overlay
[ -f "$out/build.ninja" ] || configure
log "building QEMU $QEMU's qemu-system-x86_64 and the svm-edu qtest (log: $logs/qemu-$QEMU-build.log)"
run_logged "QEMU $QEMU" "$logs/qemu-$QEMU-build.log" \
	ninja -C "$out" qemu-system-x86_64 tests/qtest/svm-edu-test ||
	die "QEMU build failed"
# A tree configured before a new device file appeared needs meson to rerun;
# ninja does that itself because the overlaid meson.build changed.
"$out/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"svm-edu"' ||
	die "qemu-system-x86_64 was built without the svm-edu device"
