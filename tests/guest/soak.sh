#!/bin/sh
# 'make soak', guest side: the robustness and stress tests of make test,
# longer. SVM_SOAK_SECONDS (default 600) is how long each of the timed
# runs (ioctl fuzzer, stress) goes; the counted ones (unload cycles, race
# rounds) scale with it.
cd "$(dirname "$0")" || exit 1
s=${SVM_SOAK_SECONDS:-600}
export SVM_FUZZ_SECONDS=$s
export SVM_STRESS_SECONDS=$s
export SVM_KILL_STORM=$((s * 2))
export SVM_HOSTILE_SCALE=$((s / 60 + 1))
export SVM_UNLOAD_CYCLES=$((s / 2))
export SVM_RACE_ROUNDS=$((s * 2))
export SVM_RACE_PATH_ROUNDS=$((s / 2))
export SVM_RACE_NEG_ROUNDS=$((s / 6))
rc=0
for t in t-robust.sh t-stress.sh t-race.sh; do
	echo "# --- $t (soak: $s s)"
	sh "$t" || rc=1
done
exit $rc
