#!/bin/sh
# bench/generated_c.sh - the generated C matcher (sigmacc compile -t c) over
# SigmaHQ's Windows rules and generated EVTX-JSON events: how long gcc takes
# on the file, and events/s of matching, each event matched RUNS times by
# tests/c_diff_main.c (its JSON accessor parses each event once; its time
# is in the figure). The same events through `sigmacc match` for scale.
#
#   bench/generated_c.sh [N_EVENTS]        (default 20000)
#
# Environment: SIGMACC (default ./sigmacc), SIGMA_CORPUS, MAKE_EVENTS,
# BENCH_DIR (default /tmp), CC (default cc), RUNS (default 3).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-20000}
SIGMACC=${SIGMACC:-./sigmacc}
CORPUS=${SIGMA_CORPUS:-$here/../shared/corpus/sigmahq}
MAKE_EVENTS=${MAKE_EVENTS:-$here/../shared/bench/make-events}
DIR=${BENCH_DIR:-/tmp}
CC=${CC:-cc}
RUNS=${RUNS:-3}
RULES="$CORPUS/rules/windows"
[ -d "$RULES" ] || { echo "no rules at $RULES"; exit 1; }
export SIGMACC_PIPELINES="${SIGMACC_PIPELINES:-$here/pipelines}"

ev="$DIR/sigmacc-bench-c-$N.json"
[ -s "$ev" ] || "$MAKE_EVENTS" "$N" > "$ev"
w=$(mktemp -d "$DIR/sigmacc-bench-c.XXXXXX")
trap 'rm -rf "$w"' EXIT
"$SIGMACC" compile -q -t c -p evtx-json -o "$w/rules.c" "$RULES" || true
"$SIGMACC" compile -q -t c -p evtx-json --format header -o "$w/rules.h" "$RULES" || true
rules=$(grep -c '^static int sgc_rule_' "$w/rules.c")
bytes=$(wc -c < "$w/rules.c")
t0=$(date +%s.%N)
"$CC" -std=c11 -O2 -I"$w" -o "$w/bench" "$here/tests/c_diff_main.c" "$w/rules.c"
t1=$(date +%s.%N)
echo "rules.c: $rules rules, $bytes bytes; $CC -O2: $(echo "$t1 - $t0" | bc) s"
"$w/bench" --bench "$RUNS" "$ev"
"$SIGMACC" match -q --stats -r "$RULES" -p evtx-json "$ev" 2>&1 >/dev/null | grep 'events/s' || true
