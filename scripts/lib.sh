# shellcheck shell=bash
# Helpers shared by the host scripts. Source it; do not run it.

# Project root and build folder, whatever the caller's working directory.
SVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SVM_BUILD=${SVM_BUILD:-$SVM_TOP/build}

log() { printf '[svm-edu] %s\n' "$*" >&2; }
die() { printf '[svm-edu] error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		command -v sudo >/dev/null || die "not root and no sudo: cannot run '$*'"
		sudo "$@"
	fi
}

# Write stdin to FILE only when the content differs, so that build tools
# that look at modification times see no change on a re-run.
write_if_changed() {
	local file=$1 tmp
	tmp=$(mktemp)
	cat >"$tmp"
	if cmp -s "$tmp" "$file" 2>/dev/null; then
		rm -f "$tmp"
	else
		mv "$tmp" "$file"
		chmod 644 "$file"
	fi
}
