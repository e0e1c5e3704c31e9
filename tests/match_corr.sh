#!/bin/sh
# match_corr.sh - correlations in `sigmacc match` end to end: every type
# through rules, pipelines and the JSON reader (tests/data/match_corr), a
# chain, aliases, generate, an expression condition, the evtx-json time
# field, late events and the reorder window, memory bounds and their
# report, -j N giving the same alerts as -j 1, and option errors.
# (The engine's window semantics are tests/test_corr_engine.c.)
. "$top_srcdir/tests/lib.sh"
D="$top_srcdir/tests/data/match_corr"
cd "$D" || exit 1

# Logons: event_count feeding temporal_ordered (the spec's chain),
# value_count, value_sum; the chained event_count reports nothing itself.
expect_status 0 "$SIGMACC" match -r logons.yml logons.json
cp "$TMP/out" "$TMP/logons.out"
expect_grep '^logons.json:5: event 5: 11111111-0000-4000-8000-000000000005 \[high\] Password spray \(value_count src=10\.0\.0\.1 value=3 time=2026-01-01T00:00:40Z events=logons.json:1,logons.json:2,logons.json:3,logons.json:5\)$' "$TMP/logons.out"
expect_grep '^logons.json:6: event 6: 11111111-0000-4000-8000-000000000004 \[high\] Brute force then success \(temporal_ordered user=bob value=2 time=2026-01-01T00:05:00Z events=logons.json:4,logons.json:6\)$' "$TMP/logons.out"
expect_grep '^logons.json:7: event 7: 11111111-0000-4000-8000-000000000006 \[high\] Big transfer \(value_sum user=bob value=1100 ' "$TMP/logons.out"
expect_grep '^logons.json:8: event 8: 11111111-0000-4000-8000-000000000006 .*value_sum user=alice value=5000 ' "$TMP/logons.out"
expect_no_grep '11111111-0000-4000-8000-00000000000[123]' "$TMP/logons.out" "rules that only feed correlations reported"
n=$(wc -l < "$TMP/logons.out")
if [ "$n" -eq 4 ]; then ok; else ko "logons: want 4 alerts, got $n"; cat "$TMP/logons.out" >&2; fi

# --every-alert: the chained success at 6:00 fires again
"$SIGMACC" match --every-alert -r logons.yml logons.json > "$TMP/every" 2>&1
n=$(grep -c 'Brute force then success' "$TMP/every")
if [ "$n" -eq 2 ]; then ok; else ko "--every-alert: want 2, got $n"; fi

# --stats: the counters
"$SIGMACC" match --stats -r logons.yml logons.json > /dev/null 2> "$TMP/stats"
expect_grep '^correlations: 8 events with hits, 4 alerts \(1 suppressed\), .*0 evicted\), .*0 late, 0 without a time' "$TMP/stats"

# Aliases (temporal over two field names), generate: true (its rules are
# reported too), value_avg, value_percentile, an expression condition,
# epoch-number times, an event without a time.
expect_status 0 "$SIGMACC" match -r conns.yml conns.json
cp "$TMP/out" "$TMP/conns.out"
expect_grep '^conns.json:2: event 2: 22222222-0000-4000-8000-000000000003 \[high\] .*\(temporal peer=10\.0\.0\.9 value=2 .*events=conns.json:1,conns.json:2\)$' "$TMP/conns.out"
expect_grep '^conns.json:2: event 2: 22222222-0000-4000-8000-000000000002 \[low\] Error$' "$TMP/conns.out"
expect_grep '^conns.json:3: event 3: 22222222-0000-4000-8000-000000000004 .*\(value_avg dst=10\.0\.0\.9 value=175 ' "$TMP/conns.out"
expect_grep '^conns.json:3: event 3: 22222222-0000-4000-8000-000000000005 .*\(value_percentile dst=10\.0\.0\.9 value=275 ' "$TMP/conns.out"
expect_grep '^conns.json:4: event 4: 22222222-0000-4000-8000-000000000006 .*\(temporal dst=10\.0\.0\.8 value=1 time=2026-01-01T00:00:07Z ' "$TMP/conns.out"
expect_grep 'correlations: 1 event without a time ignored \(field @timestamp' "$TMP/err"

# evtx-json: the time is System/TimeCreated/@SystemTime, the group-by field
# is mapped like any field; an entry exactly 5 minutes old is inside.
expect_status 0 "$SIGMACC" match -p evtx-json -r evtx.yml evtx.json
expect_grep '^evtx.json:5: event 5: 33333333-0000-4000-8000-000000000002 \[high\] Logon Failures For One Account \(event_count TargetUserName=admin value=3 time=2026-03-01T08:05:00\.123456Z events=evtx.json:1,evtx.json:4,evtx.json:5\)$' "$TMP/out"
n=$(wc -l < "$TMP/out")
if [ "$n" -eq 1 ]; then ok; else ko "evtx: want 1 alert, got $n"; cat "$TMP/out" >&2; fi

# Out of order: the event 10 s late is dropped and reported; a reorder
# window of 30 s puts it back in place and the chain fires.
expect_status 1 "$SIGMACC" match -r logons.yml late.json
expect_grep '^sigmacc: correlations: 1 late event dropped' "$TMP/err"
expect_status 0 "$SIGMACC" match --reorder-window 30 -r logons.yml late.json
expect_grep '^late.json:4: event 4: 11111111-0000-4000-8000-000000000004 .*events=late.json:3,late.json:4\)$' "$TMP/out"
expect_no_grep 'late event' "$TMP/err"

# Memory bounds: 400 users, at most 50 live groups; evictions are counted
# and reported, and the output says alerts may be missing.
awk 'BEGIN { for (i = 0; i < 1200; i++) printf "{\"@timestamp\":%d,\"action\":\"fail\",\"user\":\"u%d\",\"src\":\"s%d\"}\n", 1767225600 + i, i % 400, i % 7 }' > "$TMP/many.json"
"$SIGMACC" match --corr-max-groups 50 -r logons.yml "$TMP/many.json" > "$TMP/b.out" 2> "$TMP/b.err"
expect_grep '^sigmacc: correlations: memory bounds reached: [1-9][0-9]* groups evicted' "$TMP/b.err"
"$SIGMACC" match --stats --corr-max-groups 50 -r logons.yml "$TMP/many.json" > /dev/null 2> "$TMP/b.stats"
expect_grep 'groups \(peak 50 live, ' "$TMP/b.stats"
# without the bound: no eviction, and the event_count alerts for every user
"$SIGMACC" match -r logons.yml "$TMP/many.json" > "$TMP/nb.out" 2> "$TMP/nb.err"
expect_no_grep 'evicted' "$TMP/nb.err"

# -j N: the same output as -j 1 (correlations are fed in input order)
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "{\"@timestamp\":%d,\"action\":\"%s\",\"user\":\"u%d\",\"src\":\"s%d\",\"bytes\":%d}\n", 1767225600 + i, (i % 5 ? "fail" : "ok"), i % 17, i % 13, i % 300 }' > "$TMP/big.json"
"$SIGMACC" match -r logons.yml "$TMP/big.json" > "$TMP/j1" 2>/dev/null
"$SIGMACC" match -j 4 -r logons.yml "$TMP/big.json" > "$TMP/j4" 2>/dev/null
if [ -s "$TMP/j1" ] && cmp -s "$TMP/j1" "$TMP/j4"; then ok; else ko "-j 4 differs from -j 1"; diff "$TMP/j1" "$TMP/j4" | head -5 >&2; fi
n=$(grep -c 'Brute force then success' "$TMP/j1")
if [ "$n" -gt 0 ]; then ok; else ko "no chained alert in the big file"; fi

# Several files are merged by time: the failures in one file, the success
# in another, given in either order.
head -4 logons.json > "$TMP/fails.json"
sed -n '5,8p' logons.json > "$TMP/rest.json"
"$SIGMACC" match -q -r logons.yml "$TMP/rest.json" "$TMP/fails.json" > "$TMP/m.out" 2>&1
expect_grep 'rest.json:2: event 2: 11111111-0000-4000-8000-000000000004 .*events=[^ ]*fails.json:4,[^ ]*rest.json:2\)$' "$TMP/m.out"

# JSON output of an alert
"$SIGMACC" match --format json -r evtx.yml -p evtx-json evtx.json > "$TMP/j.out" 2>/dev/null
expect_grep '^\{"file":"evtx.json","line":5,"event_number":5,"correlation":\{"id":"33333333-0000-4000-8000-000000000002","title":"Logon Failures For One Account","level":"high","path":"evtx.yml","type":"event_count"\},"time":"2026-03-01T08:05:00.123456Z","group":\{"TargetUserName":"admin"\},"value":3,"events":\[\{"file":"evtx.json","line":1,"event_number":1\},\{"file":"evtx.json","line":4,"event_number":4\},\{"file":"evtx.json","line":5,"event_number":5\}\]\}$' "$TMP/j.out"
if command -v python3 > /dev/null; then
    if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/j.out"; then ok; else ko "alerts are not JSON"; fi
fi

# What the matcher cannot run is an error naming the reason; the rest runs.
cat > "$TMP/bad.yml" <<'Y'
title: Two of three in order
id: 44444444-0000-4000-8000-000000000001
status: test
correlation:
    type: temporal_ordered
    rules: [failed_logon, ok_logon]
    group-by: [user]
    timespan: 10m
    condition: {gte: 1}
level: high
Y
expect_status 0 "$SIGMACC" match -r logons.yml "$TMP/bad.yml" logons.json
expect_grep 'bad.yml:5:5: error: match: a temporal_ordered correlation needs all its rules in order' "$TMP/err"
expect_grep 'Password spray' "$TMP/out"

# Option errors
expect_status 2 "$SIGMACC" match --reorder-window soon -r logons.yml logons.json
expect_status 2 "$SIGMACC" match --corr-max-groups 0 -r logons.yml logons.json
expect_status 2 "$SIGMACC" match --input xml -r logons.yml logons.json
finish
