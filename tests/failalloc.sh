#!/bin/sh
# failalloc.sh - allocation-failure sweep: for N = 1..MAX, make the N-th
# allocation fail while checking, compiling and matching realistic rule
# files (the examples, through real pipelines). Every run must end either
# with "out of memory" and status 2, or exactly as the run without a
# failure (same output, same status: the failed allocation had a fallback).
# Anything else is a failure: a crash, a leak (under ASan), or a silent
# out-of-memory (a rule or filter quietly dropped, a different result).
# Needs a build configured with --enable-failalloc; skipped otherwise.
# FAILALLOC_MAX (default 2000) bounds each sweep; a sweep ends at the
# command's last allocation when it makes fewer.
. "$top_srcdir/tests/lib.sh"
MAX=${FAILALLOC_MAX:-2000}
EX="$top_srcdir/examples"
if ! SG_FAILALLOC_AT=1 "$SIGMACC" check "$EX" 2>&1 | grep -q 'out of memory'; then
    echo "SKIP: not a --enable-failalloc build"
    exit 77
fi

# One sweep: NAME MAX COMMAND... (SG_FAILALLOC_AT is set per run) over
# allocations 1..min(MAX, the number the command makes: SG_FAILALLOC_REPORT),
# every STEP-th one (default 1). The run without a failure is the reference.
sweep() {
    name=$1 max=$2
    shift 2
    mkdir -p "$TMP/$name"
    total=$(SG_FAILALLOC_REPORT=1 "$@" 2>&1 >/dev/null | sed -n 's/^sg_failalloc: \([0-9]*\) allocations$/\1/p')
    [ -n "$total" ] && [ "$total" -lt "$max" ] && max=$total
    "$@" > "$TMP/$name/ref.out" 2>&1
    echo $? > "$TMP/$name/ref.status"
    # the replacement string is @@, not a letter: xargs -I replaces it in
    # every argument, and mktemp's random $TMP may hold any letter
    seq 1 "${STEP:-1}" "$max" | xargs -P 2 -I @@ sh -c '
        d=$0
        SG_FAILALLOC_AT=@@ "$@" > "$d/@@.out" 2>&1
        s=$?
        if [ $s -gt 2 ] || grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$d/@@.out"; then
            echo "allocation @@: exit $s"; head -20 "$d/@@.out"
        elif grep -q "out of memory" "$d/@@.out"; then
            [ $s -eq 2 ] || { echo "allocation @@: out of memory with exit $s"; head -5 "$d/@@.out"; }
            echo @@ >> "$d/oom"
        elif [ $s -ne "$(cat "$d/ref.status")" ] || ! cmp -s "$d/@@.out" "$d/ref.out"; then
            echo "allocation @@: silent out-of-memory (exit $s, output differs from the run without a failure)"
            diff "$d/ref.out" "$d/@@.out" | head -10
        fi
        rm -f "$d/@@.out"' "$TMP/$name" "$@" > "$TMP/$name.fail"
    hit=$(cat "$TMP/$name/oom" 2>/dev/null | wc -l)
    [ "$hit" -gt 0 ] || echo "no run reported out of memory: the sweep tested nothing" >> "$TMP/$name.fail"
    if [ -s "$TMP/$name.fail" ]; then ko "$name sweep"; head -40 "$TMP/$name.fail" >&2; else ok; fi
    echo "$name: allocations 1..$max of ${total:-?} swept (step ${STEP:-1}), $hit ended out of memory, the others as without a failure"
}

sweep check "$MAX" "$SIGMACC" check -q "$EX"
sweep spl "$MAX" "$SIGMACC" compile -q -t spl -p splunk-windows "$EX/rules"
# A larger set: the first MAX allocations of compiling real SigmaHQ rules
# (the golden rules when the corpus is absent).
PC="$SIGMA_CORPUS/rules/windows/process_creation"
if [ -d "$PC" ]; then
    set -- "$PC"/proc_creation_win_p*.yml
else
    set -- "$top_srcdir/tests/golden/spl"
fi
sweep spl-many "$MAX" "$SIGMACC" compile -q -t spl -p splunk-windows "$@"
sweep kql 500 "$SIGMACC" compile -q -t kql -p kql-sentinel "$EX/rommonkit"
sweep suricata 500 "$SIGMACC" compile -q -t suricata "$EX/rommonkit/rommon_tftp_transfer.yml"
# generated C: guards, atom sets and the dispatch tables of its epilogue
sweep c 1000 "$SIGMACC" compile -q -t c -p evtx-json "$EX/rules" "$EX/embed/rules"
# correlations: a chain (SPL, KQL) and Suricata's accepted and refused ones
GC="$top_srcdir/tests/golden"
sweep spl-corr 300 "$SIGMACC" compile -q -t spl -p splunk-windows "$GC/spl/corr_chain.yml"
sweep kql-corr 300 "$SIGMACC" compile -q -t kql -p kql-sentinel "$GC/kql/corr_chain.yml" \
    "$GC/kql/corr_value_percentile.yml"
sweep suricata-corr 300 "$SIGMACC" compile -q -t suricata "$GC/suricata/corr_event_count_rule.yml" \
    "$GC/suricata/corr_refuse_event_count.yml"
# loading on two threads (-j 2 takes 64 files or more): which thread meets
# the failure varies from run to run, the outcome may not
mkdir -p "$TMP/many"
for k in 1 2; do
    for f in "$GC"/kql/*.yml; do cp "$f" "$TMP/many/$k-${f##*/}"; done
done
STEP=7
sweep jobs 100000 "$SIGMACC" check -q -j 2 "$TMP/many"
STEP=1
# match: JSON events through a pipeline (ruleset, prefilter, reader), and
# the ROMMONkit set: text lines of two files merged by time, a filter and a
# temporal_ordered correlation
sweep match-json "$MAX" "$SIGMACC" match -q --no-progress -p flat-json -r "$EX/embed/rules" \
    "$EX/rules" "$EX/embed/events.jsonl"
RK="$EX/rommonkit"
sweep match-corr "$MAX" "$SIGMACC" match -q --no-progress -p cisco-ios -r "$RK" \
    "$RK/logs/aaa_accounting.log" "$RK/logs/ios_syslog.log"
finish
