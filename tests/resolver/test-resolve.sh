#!/usr/bin/env bash
# The download resolvers (scripts/resolve.sh) against recorded apt archives
# (fixtures/, see its README), with fake apt-cache / apt-get (fake-bin/):
# no network, no apt state. TAP output.
#
# Each check runs one resolver in a subshell and compares what it chose, or
# for a case where nothing works, that it failed and named every candidate.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
SVM_BUILD=$(mktemp -d)
trap 'rm -rf "$SVM_BUILD"' EXIT
export PATH="$here/fake-bin:$PATH"
# The private suites' lists are recorded too: no 'apt-get update'.
export SVM_APT_SUITES_UPDATED="sid trixie bookworm-backports"
. "$SVM_TOP/scripts/apt-suite.sh"
# RESOLVE_SH: another resolve.sh to test (check-mutants.sh passes broken ones).
# shellcheck source=../../scripts/resolve.sh
. "${RESOLVE_SH:-$SVM_TOP/scripts/resolve.sh}"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }

# run CASE FUNC ARG...: stdout of the resolver in $got, stderr in $err,
# its exit status in $rc.
run() {
	local case=$1
	shift
	export RESOLVER_FIXTURE=$here/fixtures/$case
	got=$("$@" "$SVM_BUILD/dl" 2>"$SVM_BUILD/err")
	rc=$?
	err=$(cat "$SVM_BUILD/err")
}

# expect CASE WHAT CHOSEN-PREFIX FUNC ARG: the resolver succeeds and its
# line starts with CHOSEN-PREFIX.
expect() {
	local case=$1 what=$2 want=$3
	shift 3
	run "$case" "$@"
	if [ "$rc" -eq 0 ] && [ "${got#"$want"}" != "$got" ]; then
		ok "$case: $what -> $want"
	else
		not_ok "$case: $what: want '$want', got '$got' (status $rc)"
		printf '%s\n' "$err" | sed 's/^/#   /'
	fi
}

# expect_fail CASE WHAT NEEDLE... FUNC ARG: the resolver fails, and its
# error names every NEEDLE (each candidate tried, with its reason).
expect_fail() {
	local case=$1 what=$2 needles=() miss=
	shift 2
	while [ "$1" != -- ]; do needles+=("$1"); shift; done
	shift
	run "$case" "$@"
	for s in "${needles[@]}"; do
		grep -qF -- "$s" <<<"$err" || miss="$miss '$s'"
	done
	if [ "$rc" -ne 0 ] && [ -z "$got" ] && [ -z "$miss" ]; then
		ok "$case: $what fails and lists every candidate"
	else
		not_ok "$case: $what: status $rc, printed '$got', error lacks:$miss"
		printf '%s\n' "$err" | sed 's/^/#   /'
	fi
}

A=archive-2026-11-29
# The archive as it was: signed 6.1 image gone, -unsigned accepted.
expect $A "6.1, signed image without candidate" \
	"6.1.0-57-amd64 linux-image-6.1.0-57-amd64-unsigned linux-headers-6.1.0-57-amd64 linux-headers-6.1.0-57-common linux-kbuild-6.1" \
	kernel_download 6.1
expect $A "6.12, signed image preferred" \
	"6.12.117+deb12-amd64 linux-image-6.12.117+deb12-amd64 " kernel_download 6.12
expect $A "latest from unstable, linux-binary packaging" \
	"7.2.13+deb14-amd64 linux-binary-7.2.13+deb14-amd64 linux-headers-7.2.13+deb14-amd64 linux-headers-7.2.13+deb14-common linux-kbuild-7.2.13+deb14" \
	kernel_download latest
expect $A "QEMU 7.2, newest Debian 12 source" "host 1:7.2+dfsg-7+deb12u18 " qemu_source_download 7.2
expect $A "QEMU 10, trixie first" "trixie 1:10.0.13+ds-0+deb13u1 " qemu_source_download 10

# Headers of a release that has no image at all: the next older one.
expect headers-newer-than-image "6.1, headers newer than any image" \
	"6.1.0-56-amd64 linux-image-6.1.0-56-amd64 " kernel_download 6.1

# Listed, but the pool answers 404: fall back.
expect pool-404 "6.12, newest image 404" \
	"6.12.115+deb12-amd64 linux-image-6.12.115+deb12-amd64 " kernel_download 6.12
expect pool-404 "QEMU 7.2, newest .dsc 404" "host 1:7.2+dfsg-7+deb12u15 " qemu_source_download 7.2
expect pool-404 "QEMU 10, trixie's 404, bookworm-backports' 10.0" \
	"bookworm-backports 1:10.0.2+ds-2+deb13u1~bpo12+1 " qemu_source_download 10

# Nothing works: every candidate and its reason in the error.
expect_fail nothing "6.1" \
	"6.1.0-57-amd64: download of linux-image-6.1.0-57-amd64-unsigned" \
	"6.1.0-56-amd64: download of linux-image-6.1.0-56-amd64 " \
	"6.1.0-55-amd64: download of linux-image-6.1.0-55-amd64 " "404" \
	-- kernel_download 6.1
expect_fail nothing "QEMU 7.2" "qemu 1:7.2+dfsg-7+deb12u18 (host)" "qemu 1:7.2+dfsg-7+deb12u15 (host)" \
	-- qemu_source_download 7.2
expect_fail nothing "QEMU 10" "qemu 1:10.0.13+ds-0+deb13u1 (trixie)" \
	"qemu 1:10.0.2+ds-2+deb13u1~bpo12+1 (bookworm-backports)" \
	-- qemu_source_download 10
run nothing qemu_source_download 10
if grep -qE '1:1(1|0\.[1-9])\.' <<<"$err"; then
	not_ok "nothing: QEMU 10 tried a source outside 10.0 (unstable's 10.2 or 11.1)"
else
	ok "nothing: QEMU 10 never tries a source outside 10.0"
fi

echo "1..$n"
exit $failed
