#!/bin/sh
# failalloc.sh - allocation-failure sweep: for N = 1..MAX, make the N-th
# allocation fail while checking and compiling realistic rule files (the
# examples, through real pipelines); every run must end with a clean status
# (0, 1, or 2 with "out of memory"), never a crash, and (under ASan) no
# leak. Needs a build configured with --enable-failalloc; skipped otherwise.
. "$top_srcdir/tests/lib.sh"
MAX=${FAILALLOC_MAX:-2000}
EX="$top_srcdir/examples"
if ! SG_FAILALLOC_AT=1 "$SIGMACC" check "$EX" 2>&1 | grep -q 'out of memory'; then
    echo "SKIP: not a --enable-failalloc build"
    exit 77
fi

# One sweep: NAME MAX COMMAND... (SG_FAILALLOC_AT is set per run)
sweep() {
    name=$1 max=$2
    shift 2
    seq 1 "$max" | xargs -P 2 -I N sh -c '
        SG_FAILALLOC_AT=N "$@" > "$0/N.out" 2>&1
        s=$?
        if [ $s -gt 2 ] || grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$0/N.out"; then
            echo "allocation N: exit $s"; head -20 "$0/N.out"
        fi
        rm -f "$0/N.out"' "$TMP" "$@" > "$TMP/$name.fail"
    if [ -s "$TMP/$name.fail" ]; then ko "$name sweep"; head -40 "$TMP/$name.fail" >&2; else ok; fi
    echo "$name: allocations 1..$max swept"
}

sweep check "$MAX" "$SIGMACC" check -q "$EX"
sweep spl "$MAX" "$SIGMACC" compile -q -t spl -p splunk-windows "$EX/rules"
sweep kql 500 "$SIGMACC" compile -q -t kql -p kql-sentinel "$EX/rommonkit"
sweep suricata 500 "$SIGMACC" compile -q -t suricata "$EX/rommonkit/rommon_tftp_transfer.yml"
# correlations: a chain (SPL, KQL) and Suricata's accepted and refused ones
GC="$top_srcdir/tests/golden"
sweep spl-corr 300 "$SIGMACC" compile -q -t spl -p splunk-windows "$GC/spl/corr_chain.yml"
sweep kql-corr 300 "$SIGMACC" compile -q -t kql -p kql-sentinel "$GC/kql/corr_chain.yml" \
    "$GC/kql/corr_value_percentile.yml"
sweep suricata-corr 300 "$SIGMACC" compile -q -t suricata "$GC/suricata/corr_event_count_rule.yml" \
    "$GC/suricata/corr_refuse_event_count.yml"
finish
