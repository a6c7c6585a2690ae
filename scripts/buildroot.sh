#!/usr/bin/env bash
# A Debian unstable (sid) build root for kernels the host cannot build
# modules for: Debian's newest kernels are built with a newer gcc than
# Debian 12 has, and their kbuild tools (fixdep, modpost, ...) need
# unstable's glibc. Nothing from unstable is installed into the host system;
# everything goes into build/sid-root, a debootstrap'ed sid with its own apt.
#
# Usage: scripts/buildroot.sh setup [SERIES]   create the root when missing
#                                              and install what SERIES's
#                                              headers need (default latest)
#        scripts/buildroot.sh refresh [SERIES] the same, after apt-get update
#                                              and upgrade inside the root
#        scripts/buildroot.sh run CMD...       run CMD inside the root
#        scripts/buildroot.sh shell            an interactive shell in it
#        scripts/buildroot.sh path             print the root's path
#        scripts/buildroot.sh remove           delete the root
#
# Packages: the Depends of SERIES's headers packages (gcc-N-for-host, pahole,
# the libraries of the kbuild tools; not linux-*), gcc-N itself (N from the
# compiler named in the headers' .kernelvariables), make, sparse, libelf-dev,
# bc, kmod. Setup is idempotent: a second call with the same package list
# does nothing but check.
#
# 'run' sees the project at the same absolute path as the host (bind mount),
# so build/kernel/SERIES/kdir works unchanged, and starts CMD in the caller's
# working directory. Its mounts (/proc, /sys, /dev, the project) are made in
# a private mount namespace (unshare -m): they exist only while CMD runs and
# disappear with it, whatever way it ends; concurrent runs do not interfere.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apt-suite.sh"

ROOT=$SVM_BUILD/sid-root
SUITE=sid
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
STAMP=$ROOT/.svm-edu-packages
LOCK=$SVM_BUILD/sid-root.lock

# The packages the headers of SERIES need inside the root.
packages_for() {
	local series=$1 kdir hdr common kbuild gccv deps
	[ -f "$SVM_BUILD/kernel/$series/kdir" ] ||
		die "build/kernel/$series/kdir is missing (scripts/kernel.sh $series)"
	kdir=$(cat "$SVM_BUILD/kernel/$series/kdir")
	hdr=linux-headers-$(cat "$SVM_BUILD/kernel/$series/release")
	# The compiler the kernel was built with: CC = ... gcc-16
	gccv=$(sed -n 's/^CC *=.*gcc-\([0-9][0-9]*\) *$/\1/p' "$kdir/.kernelvariables" 2>/dev/null | head -1)
	[ -n "$gccv" ] || gccv=$(sed -n 's/^CONFIG_CC_VERSION_TEXT=".*gcc-\([0-9]*\) .*/\1/p' "$kdir/.config" | head -1)
	[ -n "$gccv" ] || die "cannot tell which gcc built the kernel of $series ($kdir)"
	# Once here: the look-ups below run in subshells.
	suite_apt_update "$SUITE"
	common=$(suite_apt "$SUITE" apt-cache depends "$hdr" |
		sed -n 's/.*Depends: \(linux-headers-.*-common\)$/\1/p' | head -1)
	kbuild=$(suite_apt "$SUITE" apt-cache depends "$hdr" |
		sed -n 's/.*Depends: \(linux-kbuild-.*\)$/\1/p' | head -1)
	deps=$(suite_apt "$SUITE" apt-cache depends "$hdr" "$common" "$kbuild" |
		sed -n 's/^ *Depends: \([^<][^ ]*\)$/\1/p' | grep -v '^linux-' | sort -u)
	# shellcheck disable=SC2086
	printf '%s\n' $deps "gcc-$gccv" make sparse libelf-dev bc kmod | sort -u
}

# unshare's options for a mount namespace whose mounts never reach the
# host's. Normally it makes every mount private. Inside a chroot (a fresh
# machine check) "/" is not a mount point and that fails; then the mounts
# are left as they are, which is as good when none of them is shared
# (nothing can propagate out); if one is, refuse rather than leak mounts.
ns_opts() {
	if as_root unshare --mount --propagation private -- true 2>/dev/null; then
		echo "--mount --propagation private"
	elif ! grep -q ' shared:' /proc/self/mountinfo; then
		echo "--mount --propagation unchanged"
	else
		die "cannot make a private mount namespace here (a chroot with shared mounts)"
	fi
}

# Run "$@" inside the root with its mounts, in a private mount namespace.
in_root() {
	local top build
	top=$SVM_TOP
	build=$(cd "$SVM_BUILD" && pwd)
	[ -x "$ROOT/usr/bin/env" ] || die "no build root at $ROOT (scripts/buildroot.sh setup)"
	# shellcheck disable=SC2016
	# shellcheck disable=SC2046
	as_root unshare $(ns_opts) -- /bin/sh -euc '
		root=$1 top=$2 build=$3 cwd=$4
		shift 4
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root$top"
		mount --bind "$top" "$root$top"
		case $build/ in
		"$top"/*) ;;
		*) mkdir -p "$root$build"; mount --bind "$build" "$root$build" ;;
		esac
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			/bin/sh -c "cd \"\$1\" 2>/dev/null || cd /; shift; exec \"\$@\"" sh "$cwd" "$@"
	' sh "$ROOT" "$top" "$build" "$PWD" "$@"
}

root_apt() {
	in_root apt-get -q -o Acquire::Check-Valid-Until=false -o Dpkg::Use-Pty=0 "$@"
}

create_root() {
	local mirror t0
	command -v debootstrap >/dev/null || {
		log "installing debootstrap (Debian 12's) on the host"
		as_root apt-get install -y -q debootstrap >/dev/null
	}
	mirror=$(host_mirror)
	rm -rf "$ROOT.tmp"
	log "debootstrap $SUITE into ${ROOT#"$SVM_TOP"/} from $mirror"
	t0=$(date +%s)
	# In its own mount namespace too: whatever debootstrap mounts in the
	# target goes away with it, even when it is interrupted.
	# shellcheck disable=SC2046
	as_root unshare $(ns_opts) -- \
		debootstrap --variant=minbase --keyring="$KEYRING" "$SUITE" "$ROOT.tmp" "$mirror" \
		>"$SVM_BUILD/sid-root.debootstrap.log" 2>&1 ||
		die "debootstrap failed, see build/sid-root.debootstrap.log"
	log "debootstrap took $(($(date +%s) - t0)) s"
	# sid's Release file may be past its Valid-Until here; the signature is
	# still checked.
	echo 'Acquire::Check-Valid-Until "false";' >"$ROOT.tmp/etc/apt/apt.conf.d/99svm-edu"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" \
		>"$ROOT.tmp/etc/apt/sources.list"
	mv "$ROOT.tmp" "$ROOT"
}

setup() {
	local series=${1:-latest} refresh=${2:-} want t0 rel pkgs
	mkdir -p "$SVM_BUILD"
	exec 9>"$LOCK"
	flock 9
	t0=$(date +%s)
	[ -x "$ROOT/usr/bin/env" ] || create_root
	# Quick path: the packages were installed for this very kernel release.
	rel=$(cat "$SVM_BUILD/kernel/$series/release" 2>/dev/null || true)
	if [ -z "$refresh" ] && [ -n "$rel" ] && grep -qxF "# $rel" "$STAMP" 2>/dev/null; then
		return 0
	fi
	want=$(packages_for "$series")
	if [ -n "$refresh" ]; then
		root_apt update -qq
		root_apt dist-upgrade -y -qq
		rm -f "$STAMP"
	fi
	if [ "$want" != "$(grep -v '^#' "$STAMP" 2>/dev/null)" ]; then
		mapfile -t pkgs <<<"$want"
		log "installing into the build root: ${pkgs[*]}"
		[ -n "$refresh" ] || root_apt update -qq
		root_apt install -y -qq --no-install-recommends "${pkgs[@]}" \
			>"$SVM_BUILD/sid-root.apt.log" 2>&1 ||
			die "apt-get install in the build root failed, see build/sid-root.apt.log"
		root_apt clean
		printf '%s\n' "$want" >"$STAMP"
		log "build root ready in $(($(date +%s) - t0)) s"
	fi
	# Releases the package list was checked for (the quick path above).
	[ -z "$rel" ] || grep -qxF "# $rel" "$STAMP" || echo "# $rel" >>"$STAMP"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
setup) setup "${1:-latest}" ;;
refresh) setup "${1:-latest}" refresh ;;
run)
	[ $# -gt 0 ] || die "usage: buildroot.sh run CMD..."
	in_root "$@"
	;;
shell) in_root /bin/bash ;;
path) echo "$ROOT" ;;
remove)
	# No mount of ours is ever visible here (they live in the namespaces
	# of 'run'), so this cannot reach into the bind-mounted project.
	exec 9>"$LOCK"
	flock 9
	as_root rm -rf "$ROOT" "$ROOT.tmp"
	;;
*) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
