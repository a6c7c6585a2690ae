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

# run_logged LABEL LOG COMMAND...: run COMMAND with all its output in LOG
# (under build/logs/) and show only its progress: ninja's "[n/N]" status
# lines become one updating line on a terminal, or a "[n/N] p%" line every
# 10 % otherwise (CI logs), and a last line "LABEL: done in T (N steps)".
# V=1 shows the whole output as well (it still goes to LOG). On failure:
# the log's last 40 lines and where the log is; the command's exit status
# is returned. COMMAND runs in the foreground (Ctrl-C stops it).
run_logged() {
	local label=$1 log=$2 rc=0 t0=$SECONDS stepsf steps
	shift 2
	mkdir -p "$(dirname "$log")"
	if [ "${V:-0}" = 1 ]; then
		# the command's status, with or without pipefail
		if "$@" 2>&1 | tee "$log"; then rc=${PIPESTATUS[0]}; else rc=${PIPESTATUS[0]}; fi
	else
		stepsf=$(mktemp)
		if "$@" 2>&1 | tee "$log" | _progress "$label" "$stepsf"; then
			rc=${PIPESTATUS[0]}
		else
			rc=${PIPESTATUS[0]}
		fi
		steps=$(cat "$stepsf" 2>/dev/null)
		rm -f "$stepsf"
		if [ "$rc" -eq 0 ]; then
			t0=$((SECONDS - t0))
			if [ "$t0" -ge 60 ]; then
				t0="$((t0 / 60)) min $((t0 % 60)) s"
			else
				t0="$t0 s"
			fi
			if [ "${steps:-0}" -gt 0 ]; then
				echo "$label: done in $t0 ($steps steps)"
			else
				echo "$label: done in $t0"
			fi
		fi
	fi
	if [ "$rc" -ne 0 ]; then
		[ "${V:-0}" = 1 ] || tail -40 "$log" >&2
		log "$label failed (exit $rc); full log: $log"
	fi
	return "$rc"
}

# _progress LABEL STEPS-FILE: run_logged's display of ninja's status lines
# read from stdin; writes the number of steps seen to STEPS-FILE.
_progress() {
	local label=$1 line n total pct next=10 tty=0 cols steps=0
	[ -t 1 ] && tty=1
	cols=$(tput cols 2>/dev/null || echo 80)
	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line =~ ^\[([0-9]+)/([0-9]+)\]\ (.*) ]] || continue
		n=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
		steps=$((steps + 1))
		pct=$((n * 100 / total))
		if [ "$tty" = 1 ]; then
			line="$label [$n/$total] $pct% ${BASH_REMATCH[3]}"
			printf '\r%s\033[K' "${line:0:$((cols - 1))}"
		elif [ "$pct" -ge "$next" ] || [ "$n" = "$total" ]; then
			printf '%s [%d/%d] %d%%\n' "$label" "$n" "$total" "$pct"
			next=$((pct - pct % 10 + 10))
		fi
	done
	[ "$tty" = 0 ] || printf '\r\033[K'
	echo "$steps" >"$2"
}
