#!/usr/bin/env bash
# Style check: shellcheck over every shell script of scripts/ and tests/
# (and .ci/run), one TAP line per file, which fails on any finding (every severity, from
# error down to style). The host scripts are checked as their shebang or
# 'shell=' directive says (bash, or sh); the scripts that run in the guest
# (scripts/guest-init, tests/guest/*.sh, tests/install/guest.sh) run in
# busybox sh and are checked as dash. Sourced files are followed (-x,
# relative to the script). A '# shellcheck disable=SCxxxx' needs a comment
# saying why.
#
# Usage: tests/style/shellcheck.sh [FILE...]   (default: all of them)
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$SVM_TOP" || exit 1

command -v shellcheck >/dev/null || die "shellcheck is missing (scripts/deps.sh installs it)"

is_guest() {
	case $1 in
	scripts/guest-init | tests/guest/*.sh | tests/install/guest.sh) return 0 ;;
	esac
	return 1
}

if [ $# -gt 0 ]; then
	files=("$@")
else
	shopt -s globstar nullglob
	files=()
	for f in scripts/* tests/**/*.sh tests/resolver/fake-bin/* .ci/run; do
		[ -f "$f" ] || continue
		case $f in *.sh) files+=("$f"); continue ;; esac
		# extensionless files: the shell scripts among them
		head -1 "$f" | grep -qE '^#!.*(/|env )(ba|busybox )?sh\b' && files+=("$f")
	done
	mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
fi

echo "1..${#files[@]}"
i=0
rc=0
for f in "${files[@]}"; do
	i=$((i + 1))
	opts=(-x -P SCRIPTDIR -f gcc)
	dialect=
	if is_guest "$f"; then
		opts+=(-s dash)
		dialect=" (busybox sh, as dash)"
	fi
	if out=$(shellcheck "${opts[@]}" "$f" 2>&1); then
		echo "ok $i - shellcheck $f$dialect"
	else
		echo "not ok $i - shellcheck $f$dialect: $(grep -c . <<<"$out") finding(s)"
		while IFS= read -r line; do echo "# $line"; done <<<"$out"
		rc=1
	fi
done
exit "$rc"
