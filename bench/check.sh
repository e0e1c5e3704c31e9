#!/bin/sh
# bench/check.sh - time `sigmacc check` over the SigmaHQ corpus on one core.
# Usage: bench/check.sh [SIGMACC] [RUNS]   (SIGMA_CORPUS overrides the corpus)
# Prints the best and median wall time of RUNS runs, pinned to one CPU.
set -eu
SIGMACC=${1:-./sigmacc}
RUNS=${2:-11}
C=${SIGMA_CORPUS:-$(dirname "$0")/../../shared/corpus/sigmahq}
[ -d "$C/rules" ] || { echo "corpus not found at $C" >&2; exit 1; }
n=$(find "$C/rules" "$C/rules-placeholder" -name '*.yml' | wc -l)
times=""
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
i=0
while [ $i -lt "$RUNS" ]; do
    /usr/bin/time -o "$tf" -f "%e" taskset -c 0 "$SIGMACC" check -q "$C/rules" "$C/rules-placeholder" >/dev/null 2>&1 || true
    t=$(tail -1 "$tf")
    times="$times $t"
    i=$((i + 1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v n="$n" '
    { t[NR] = $1 }
    END { printf "check: %d rules, best %.3f s, median %.3f s (%.0f rules/s)\n", n, t[1], t[int((NR+1)/2)], n / t[1] }'
