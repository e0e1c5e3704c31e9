#!/bin/sh
# corr_targets.sh - correlations through the compile driver, whatever the
# target: which results a run has (a correlation's base rules feed it
# only, unless `generate: true`), what a target without correlations says,
# what a broken base rule does; and the SPL checker's correlation rules
# (tests/spl_lint catches malformed correlation pipelines, passes ours).
# The queries themselves are golden tests (tests/golden/*/corr_*).
. "$top_srcdir/tests/lib.sh"
G="$top_srcdir/tests/golden"
LINT="$top_builddir/tests/spl_lint"

# 1. One result per correlation; its base rules have none of their own.
expect_status 0 "$SIGMACC" compile -t spl -p splunk-windows "$G/spl/corr_chain.yml"
n=$(grep -c '^``` ' "$TMP/out")
if [ "$n" -eq 1 ]; then ok; else ko "corr_chain: $n results, want 1 (the outer correlation)"; fi
expect_grep '^``` Correlation - Multiple Failed Logins Followed by Successful Login ' "$TMP/out"
expect_grep '^1 rule compiled for spl, 0 failed' "$TMP/err"
# generate: true -> the base rule too
expect_status 0 "$SIGMACC" compile -t kql -p kql-sentinel "$G/kql/corr_generate.yml"
expect_grep '^// Failed Logon \| id 4c8a3a39' "$TMP/out"
expect_grep '^2 rules compiled for kql, 0 failed' "$TMP/err"
# a filter document has no result of its own, and is in its rule's query
expect_status 0 "$SIGMACC" compile -t spl -p splunk-windows "$G/spl/corr_filter.yml"
expect_grep '^1 rule compiled for spl, 0 failed' "$TMP/err"
expect_grep 'NOT SubjectUserName="svc-monitor\*"' "$TMP/out"

# 2. A target without correlations: a per-rule error naming the type, and
#    the base rules compile on their own (nothing would be left otherwise).
expect_status 1 "$SIGMACC" compile -t ir "$G/spl/corr_temporal_ordered.yml"
expect_grep "corr_temporal_ordered.yml:8:5: error: ir: temporal_ordered correlation rules are not supported by this target \[unsupported\]" "$TMP/err"
expect_grep '^3 rules compiled for ir, 1 failed' "$TMP/err"

# 3. A base rule with errors: the correlation says so at the reference,
#    once, and fails alone.
cat >"$TMP/broken.yml" <<'EOF'
title: Count Of A Broken Rule
id: 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1
correlation:
    type: event_count
    rules:
        - broken_rule
    group-by:
        - User
    timespan: 5m
    condition:
        gte: 3
---
title: Broken Rule
id: 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f2
name: broken_rule
logsource:
    product: windows
detection:
    selection:
        Image|nosuchmodifier: x
    condition: selection
---
title: Fine Rule
id: 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f3
logsource:
    product: windows
detection:
    selection:
        Image: x
    condition: selection
EOF
for t in spl kql; do
    expect_status 1 "$SIGMACC" compile -t "$t" -p "$([ $t = spl ] && echo splunk-windows || echo kql-adx)" "$TMP/broken.yml"
    expect_grep "broken.yml:6:11: error: rule 'broken_rule' has errors, so this correlation cannot be built" "$TMP/err"
    expect_grep "^1 rule compiled for $t, 1 failed" "$TMP/err"
    expect_grep 'Fine Rule' "$TMP/out"
done

# 4. spl_lint and correlations: the golden ones pass (spl_corpus.sh lints
#    every golden query), malformed ones do not.
bad() { # bad QUERY PATTERN
    printf '``` t ```\n%s\n' "$1" >"$TMP/q.spl"
    if "$LINT" "$TMP/q.spl" >"$TMP/lint.out" 2>&1; then
        ko "spl_lint missed: $1"
    elif grep -qE -- "$2" "$TMP/lint.out"; then ok; else
        ko "spl_lint: want /$2/ for: $1"; cat "$TMP/lint.out" >&2
    fi
}
bad '| multisearch [search a=1 | eval x=1]
| sort 0 _time' 'two or more subsearches'
bad '| multisearch [search a=1] [b=2]
| sort 0 _time' 'subsearches only'
bad '| multisearch [search a=1 | eval s="x"] [search b=2 | stats count]
| sort 0 _time' 'unexpected command'
bad '| multisearch [search a=1] [search (b=2]
| sort 0 _time' "unbalanced"
bad 'a=1
| sort 0 _time
| rename x AS' 'rename takes'
bad 'a=1
| sort 0 _time
| streamstats time_window=1h count by (x' "unbalanced"
bad 'a=1
| sort 0 x' 'sort 0 _time'
bad 'a=1
| eval x=1
| stats count' 'unexpected command'
printf '``` t ```\n| multisearch\n    [search a=1 | regex b="c" | eval sigma_rule="r1"]\n    [search d=2 | where e==1 | eval sigma_rule="r2"]\n| sort 0 _time\n| eval k=case(sigma_rule=="r1", f, sigma_rule=="r2", g)\n| streamstats time_window=1h count as n by k\n| where isnotnull(k) AND n>=3\n| stats min(_time) as _time, count as c by k\n| rename k AS "K", c AS c2\n' >"$TMP/good.spl"
if "$LINT" "$TMP/good.spl" >"$TMP/lint.out" 2>&1; then ok; else
    ko "spl_lint rejects a good correlation"; cat "$TMP/lint.out" >&2; fi
n=0
for f in "$G"/spl/corr_*.spl; do
    [ -f "${f%.spl}.args" ] && continue
    n=$((n + 1))
done
[ "$n" -ge 10 ] && ok || ko "only $n golden SPL correlations"
finish
