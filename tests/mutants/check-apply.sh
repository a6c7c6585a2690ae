#!/usr/bin/env bash
# make test: every mutant of tests/mutants still applies to driver/, at the
# one place its hunks' lines stand (unique-hunks.py), and says what it
# models and how it is killed, so that make mutants cannot rot unseen. TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$top/driver" "$tmp/"
n=0 bad=0
for f in "$top"/tests/mutants/*.patch; do
	name=$(basename "$f" .patch)
	n=$((n + 1))
	why=
	grep -q '^# Upstream: ' "$f" || why="no Upstream line"
	grep -q '^# Models: ' "$f" || why="no Models line"
	if grep -q '^# Pending: ' "$f"; then
		! grep -q '^--- ' "$f" || why="pending, but has a patch"
	else
		grep -q '^# Kill: ' "$f" || why="no Kill line"
		patch -p1 -s --dry-run -d "$tmp" <"$f" >/dev/null 2>&1 ||
			why="the patch does not apply to driver/"
		# A hunk whose lines stand twice may land in the wrong function.
		[ -n "$why" ] || u=$(python3 "$top/tests/mutants/unique-hunks.py" "$top" "$f") ||
			why="not unique: $u"
	fi
	if [ -z "$why" ]; then
		echo "ok $n - mutant $name"
	else
		echo "not ok $n - mutant $name: $why"
		bad=$((bad + 1))
	fi
done
echo "1..$n"
[ "$bad" -eq 0 ]
