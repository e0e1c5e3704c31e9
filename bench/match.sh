#!/bin/sh
# bench/match.sh - sigmacc match over SigmaHQ's Windows rules and generated
# EVTX-JSON events: events/s on one thread, parse-only events/s with the same
# reader, their ratio, peak RSS, and -j 2.
#
#   bench/match.sh [N_EVENTS]        (default 200000)
#
# Environment: SIGMACC (default ./sigmacc), SIGMA_CORPUS (default
# ../shared/corpus/sigmahq), MAKE_EVENTS (default ../shared/bench/make-events),
# BENCH_DIR for the events file (default /tmp), RUNS (best of, default 3).
# Throughput is measured by sigmacc itself from the first event read to the
# last (--stats/--parse-only summary), so it excludes compiling the rules;
# that time and the whole run's wall time are printed too.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-200000}
SIGMACC=${SIGMACC:-./sigmacc}
CORPUS=${SIGMA_CORPUS:-$here/../shared/corpus/sigmahq}
MAKE_EVENTS=${MAKE_EVENTS:-$here/../shared/bench/make-events}
DIR=${BENCH_DIR:-/tmp}
RUNS=${RUNS:-3}
RULES="$CORPUS/rules/windows"
[ -d "$RULES" ] || { echo "no rules at $RULES"; exit 1; }
export SIGMACC_PIPELINES="${SIGMACC_PIPELINES:-$here/pipelines}"

ev="$DIR/sigmacc-bench-$N.json"
if [ ! -s "$ev" ]; then
    echo "generating $N events -> $ev"
    "$MAKE_EVENTS" --seed 1 --corpus "$CORPUS" "$N" > "$ev"
fi
nrules=$(find "$RULES" -name '*.yml' | wc -l)
echo "rules: $nrules files under $RULES; events: $N ($(du -m "$ev" | cut -f1) MB)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# best events/s of RUNS runs; prints "rate rss_kb wall_s"
best() {
    bestrate=0 bestrss=0 bestwall=0
    i=0
    while [ $i -lt "$RUNS" ]; do
        out=$( { /usr/bin/time -f "TIME %M %e" "$SIGMACC" match -q --no-progress "$@" > /dev/null; } 2>&1 ) || true
        rate=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) events\/s.*/\1/p' | tail -1)
        rss=$(printf '%s\n' "$out" | sed -n 's/^TIME \([0-9]*\) .*/\1/p')
        wall=$(printf '%s\n' "$out" | sed -n 's/^TIME [0-9]* \(.*\)/\1/p')
        if [ "${rate:-0}" -gt "$bestrate" ]; then bestrate=$rate bestrss=$rss bestwall=$wall; fi
        i=$((i + 1))
    done
    echo "$bestrate $bestrss $bestwall"
}

set -- $(best --stats -r "$RULES" -p evtx-json -j 1 "$ev"); m1=$1 rss1=$2 wall1=$3
set -- $(best --parse-only -r "$RULES" -p evtx-json -j 1 "$ev"); p1=$1
set -- $(best --stats -r "$RULES" -p evtx-json -j 2 "$ev"); m2=$1 rss2=$2 wall2=$3
comp=$( { /usr/bin/time -f "%e" "$SIGMACC" match -q -r "$RULES" -p evtx-json /dev/null; } 2>&1 | tail -1)

printf 'compile %s rules (load, pipelines, ruleset): %s s\n' "$nrules" "$comp"
printf 'match, 1 thread:   %8s events/s  (whole run %s s, peak RSS %s MB)\n' "$m1" "$wall1" "$((rss1 / 1024))"
printf 'parse-only:        %8s events/s  (same reader, fields read, no rule evaluated)\n' "$p1"
printf 'ratio match/parse: %8s\n' "$(awk -v a="$m1" -v b="$p1" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
printf 'match, -j 2:       %8s events/s  (%sx; whole run %s s, peak RSS %s MB)\n' "$m2" \
    "$(awk -v a="$m2" -v b="$m1" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" "$wall2" "$((rss2 / 1024))"
echo "targets: >= 250000 events/s on one thread, >= 0.50 of parse-only, < 200 MB, -j 2 close to 2x"
