#!/bin/sh
# bench/match.sh - sigmacc match over SigmaHQ's Windows rules and generated
# EVTX-JSON events: events/s on one thread, parse-only events/s with the same
# reader, their ratio, peak RSS, -j 2, and instructions per event.
#
#   bench/match.sh [N_EVENTS]        (default 200000)
#
# Environment: SIGMACC (default ./sigmacc), SIGMA_CORPUS (default
# ../shared/corpus/sigmahq), MAKE_EVENTS (default ../shared/bench/make-events),
# BENCH_DIR for the events file (default /tmp), RUNS (best of, default 3),
# CALLGRIND_EVENTS (events for the instruction count, default 20000; 0 skips
# it), TASKSET (CPU list for the -j runs, e.g. "0,1"; default none).
#
# Three measures, each labelled in the output:
# - wall: events / (wall seconds of the run - wall seconds of the same
#   command over no events, i.e. compiling the rules), best of RUNS. On a
#   machine shared with other work this is what the scheduler gave us.
#   sigmacc's own figure (--stats summary) is printed beside it; it reads
#   the clock around every rule evaluation, which costs a few percent.
# - cpu: the same with user+sys seconds: what one core does, whatever the
#   load.
# - instructions/event: callgrind over the first CALLGRIND_EVENTS events,
#   counting only sigma_matcher_scan (reading, matching), not compiling:
#   independent of the load and of the CPU's speed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-200000}
SIGMACC=${SIGMACC:-./sigmacc}
CORPUS=${SIGMA_CORPUS:-$here/../shared/corpus/sigmahq}
MAKE_EVENTS=${MAKE_EVENTS:-$here/../shared/bench/make-events}
DIR=${BENCH_DIR:-/tmp}
RUNS=${RUNS:-3}
CG_N=${CALLGRIND_EVENTS:-20000}
TASKSET=${TASKSET:-}
RULES="$CORPUS/rules/windows"
[ -d "$RULES" ] || { echo "no rules at $RULES"; exit 1; }
export SIGMACC_PIPELINES="${SIGMACC_PIPELINES:-$here/pipelines}"

ev="$DIR/sigmacc-bench-$N.json"
if [ ! -s "$ev" ]; then
    echo "generating $N events -> $ev"
    "$MAKE_EVENTS" --seed 1 --corpus "$CORPUS" "$N" > "$ev"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nrules=$(find "$RULES" -name '*.yml' | wc -l)
echo "rules: $nrules files under $RULES; events: $N ($(du -m "$ev" | cut -f1) MB)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"

pin() {
    if [ -n "$TASKSET" ]; then taskset -c "$TASKSET" "$@"; else "$@"; fi
}

# one run: prints "reported_rate rss_kb cpu_s wall_s" (reported: sigmacc's
# own events/s, printed with --stats and --parse-only)
run() {
    pin /usr/bin/time -o "$tmp/time" -f "TIME %M %U %S %e" "$SIGMACC" match -q --no-progress "$@" \
        > /dev/null 2> "$tmp/err" || true
    rate=$(sed -n 's/.* \([0-9]*\) events\/s.*/\1/p' "$tmp/err" | tail -1)
    awk -v r="${rate:-0}" '/^TIME / { print r, $2, $3 + $4, $5 }' "$tmp/time"
}

# best of RUNS: prints "max_reported rss_kb min_cpu_s min_wall_s"
best() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        run "$@"
        i=$((i + 1))
    done | awk 'NR == 1 || $1 > r { r = $1; m = $2 }
                NR == 1 || $3 < c { c = $3 }
                NR == 1 || $4 < w { w = $4 }
                END { print r, m, c, w }'
}

set -- $(best -r "$RULES" -p evtx-json /dev/null); c0=$3 w0=$4     # compiling alone
set -- $(best -r "$RULES" -p evtx-json -j 1 "$ev"); rss1=$2 c1=$3 w1=$4
set -- $(best --stats -r "$RULES" -p evtx-json -j 1 "$ev"); s1=$1
set -- $(best --parse-only -r "$RULES" -p evtx-json -j 1 "$ev"); sp=$1 cp=$3 wp=$4
set -- $(best -r "$RULES" -p evtx-json -j 2 "$ev"); rss2=$2 c2=$3 w2=$4

# events per second of what a run took beyond compiling the rules
rate() { awk -v n="$N" -v t="$1" -v c="$2" 'BEGIN { printf "%.0f", (t > c) ? n / (t - c) : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
wm1=$(rate "$w1" "$w0") wp1=$(rate "$wp" "$w0") wm2=$(rate "$w2" "$w0")
cm1=$(rate "$c1" "$c0") cp1=$(rate "$cp" "$c0") cm2=$(rate "$c2" "$c0")

printf 'compile %s rules (load, pipelines, ruleset): %s s of CPU, %s s wall\n' "$nrules" "$c0" "$w0"
printf '                       wall events/s   cpu events/s   (run minus compiling, best of %s)\n' "$RUNS"
printf 'match, 1 thread:     %12s   %12s   (peak RSS %s MB; sigmacc --stats says %s, its\n' \
    "$wm1" "$cm1" "$((rss1 / 1024))" "$s1"
printf '                                                     per-rule clock reads included)\n'
printf 'parse-only:          %12s   %12s   (same reader, fields read, no rule evaluated;\n' "$wp1" "$cp1"
printf '                                                     sigmacc says %s)\n' "$sp"
printf 'ratio match/parse:   %12s   %12s\n' "$(ratio "$wm1" "$wp1")" "$(ratio "$cm1" "$cp1")"
printf 'match, -j 2:         %12s   %12s   (%sx wall; cpu: both threads'"'"' work; peak RSS %s MB)\n' \
    "$wm2" "$cm2" "$(ratio "$wm2" "$wm1")" "$((rss2 / 1024))"

if [ "$CG_N" -gt 0 ] && command -v valgrind > /dev/null; then
    head -n "$CG_N" "$ev" > "$tmp/sample.json"
    for mode in match parse-only; do
        flag=""
        [ "$mode" = parse-only ] && flag=--parse-only
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
            --toggle-collect=sigma_matcher_scan "$SIGMACC" match -q --no-progress $flag \
            -r "$RULES" -p evtx-json "$tmp/sample.json" > /dev/null 2> "$tmp/cg.log" || true
        ins=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.log" | tail -1)
        printf 'instructions/event, %-10s %8s   (callgrind, first %s events, reading + matching only)\n' \
            "$mode:" "$(awk -v i="${ins:-0}" -v n="$CG_N" 'BEGIN { printf "%.0f", i / n }')" "$CG_N"
    done
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "targets: >= 250000 events/s on one thread, >= 0.50 of parse-only, < 200 MB, -j 2 close to 2x"
