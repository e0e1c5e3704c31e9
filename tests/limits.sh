#!/bin/sh
# limits.sh - every resource limit (SECURITY.md) triggers at a small
# configured value with a diagnostic that names it and its option, and the
# commands go on as documented; depths beyond their caps are usage errors;
# hostile nesting stays safe at the defaults. (limits_corpus.sh: no limit
# triggers at the defaults on the SigmaHQ corpus.)
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

rule() { # FILE ID DETECTION-LINES...
    f=$1 id=$2
    shift 2
    { printf 'title: t %s\nid: %s\nlogsource: {product: test}\ndetection:\n' "$id" "$id"
      for l in "$@"; do printf '    %s\n' "$l"; done; } > "$f"
}
rule ok.yml 00000000-0000-4000-8000-000000000001 'sel: {a: x}' 'condition: sel'

# ---- compile side: check, compile and match ----------------------------------

# file size
expect_status 1 "$SIGMACC" check --limit-file-size=64 ok.yml
expect_grep '^ok.yml:1:1: error: file is over the limit of 64 bytes \(limit.file-size\)' "$TMP/out"
# at the boundary: one byte over is the same error, the exact size loads
size=$(wc -c < ok.yml)
expect_status 1 "$SIGMACC" check --limit-file-size=$((size - 1)) ok.yml
expect_grep "^ok.yml:1:1: error: file is over the limit of $((size - 1)) bytes \\(limit.file-size\\)" "$TMP/out"
expect_status 0 "$SIGMACC" check -q --limit-file-size="$size" ok.yml
# the largest limit is no limit (its +1 for the end-of-file read must not wrap)
expect_status 0 "$SIGMACC" check -q --limit-file-size=18446744073709551615 ok.yml

# documents per file
{ cat ok.yml; echo ---; cat ok.yml; echo ---; cat ok.yml; } > docs.yml
expect_status 1 "$SIGMACC" check --limit-documents=2 docs.yml
expect_grep '^docs.yml:1:1: error: more than 2 YAML documents in one file \(limit.documents\)' "$TMP/out"

# YAML nesting: the rule is 4 levels deep (document, rule, detection, sel)
expect_status 0 "$SIGMACC" check -q --limit-yaml-depth=4 ok.yml
expect_status 1 "$SIGMACC" check --limit-yaml-depth=3 ok.yml
expect_grep '^ok.yml:5:10: error: invalid YAML: nested deeper than 3 levels \(limit.yaml-depth\)' "$TMP/out"
expect_status 2 "$SIGMACC" check --limit-yaml-depth=1025 ok.yml
expect_grep 'bad limit .*: --limit-yaml-depth=1025' "$TMP/err"
# at the cap, 1,000 levels of a custom attribute load (and are freed) safely
python3 -c "print('title: t\nlogsource: {product: test}\ndetection: {sel: {a: x}, condition: sel}\ndeep: ' + '['*1000 + ']'*1000)" > deep.yml
expect_status 0 "$SIGMACC" check -q --limit-yaml-depth=1024 deep.yml
expect_status 1 "$SIGMACC" check deep.yml
expect_grep 'deep.yml:4:[0-9]+: error: invalid YAML: nested deeper than 64 levels \(limit.yaml-depth\)' "$TMP/out"

# rules over all files: reported once, at the first document beyond it;
# the rules before it are still compiled
for i in 2 3 4; do rule "r$i.yml" "00000000-0000-4000-8000-00000000000$i" 'sel: {a: x}' 'condition: sel'; done
expect_status 1 "$SIGMACC" check --limit-rules=2 ok.yml r2.yml r3.yml r4.yml
expect_grep '^r3.yml:1:1: error: more than 2 rules loaded \(limit.rules\): this and later documents are not loaded' "$TMP/out"
n=$(grep -c 'limit.rules' "$TMP/out")
if [ "$n" -eq 1 ]; then ok; else ko "limit.rules reported $n times (want once)"; fi
expect_status 1 "$SIGMACC" compile -t spl --limit-rules=2 ok.yml r2.yml r3.yml r4.yml
expect_grep 'limit.rules' "$TMP/err"
expect_grep '2 rules compiled for spl' "$TMP/err"

# condition nesting
rule cond.yml 00000000-0000-4000-8000-000000000005 'sel: {a: x}' 'condition: ((((sel))))'
expect_status 0 "$SIGMACC" check -q --limit-condition-depth=4 cond.yml
expect_status 1 "$SIGMACC" check --limit-condition-depth=3 cond.yml
expect_grep '^cond.yml:6:19: error: condition nested too deeply: more than 3 levels \(limit.condition-depth\)' "$TMP/out"
expect_status 2 "$SIGMACC" check --limit-condition-depth=1001 cond.yml

# windash variants: three flags make 5^3 = 125
rule wd.yml 00000000-0000-4000-8000-000000000006 'sel: {a|windash: " -a -b -c"}' 'condition: sel'
expect_status 0 "$SIGMACC" check -q --limit-expansion=125 wd.yml
expect_status 1 "$SIGMACC" check --limit-expansion=124 wd.yml
expect_grep "^wd.yml:5:22: error: 'windash' would expand this value into more than 124 variants \(limit.expansion\)" "$TMP/out"
expect_status 1 "$SIGMACC" compile -t kql --limit-expansion=124 wd.yml
expect_grep 'limit.expansion' "$TMP/err"

# regex length
rule re.yml 00000000-0000-4000-8000-000000000007 "sel: {a|re: '^(a+)+\$'}" 'condition: sel'
expect_status 0 "$SIGMACC" check -q --limit-regex-length=7 re.yml
expect_status 1 "$SIGMACC" check --limit-regex-length=6 re.yml
expect_grep '^re.yml:5:17: error: regular expression of 7 bytes, over the limit of 6 \(limit.regex-length\)' "$TMP/out"
# a value a pipeline turns into a regex ([aA] per letter) is held to it too
rule rx.yml 00000000-0000-4000-8000-000000000017 'sel: {a: abc}' 'condition: sel'
printf 'name: rx\npriority: 10\ntransformations:\n  - type: regex\n' > rx-pl.yml
expect_status 0 "$SIGMACC" compile -q -t ir -p rx-pl.yml --limit-regex-length=14 rx.yml
expect_status 1 "$SIGMACC" compile -t ir -p rx-pl.yml --limit-regex-length=13 rx.yml
expect_grep "^rx.yml:5:14: error: the value as a regular expression is 14 bytes, over the limit of 13 \\(limit.regex-length\\)" "$TMP/err"
printf '{"a":"aa"}\n' > one.json
expect_status 2 "$SIGMACC" match --limit-regex-length=6 -r re.yml one.json
expect_grep 'limit.regex-length' "$TMP/err"
expect_status 2 "$SIGMACC" check --limit-nothing=1 ok.yml
expect_status 2 "$SIGMACC" check --limit-rules=0 ok.yml

# ---- match side ---------------------------------------------------------------

# A regex that backtracks exponentially: no match for the events where it
# hits a limit, reported once per rule at the first one, counted in --stats.
a30=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
printf '{"a":"%s!"}\n{"a":"aaa"}\n{"a":"%s%s!"}\n' $a30 $a30 $a30 > bt.json
expect_status 0 "$SIGMACC" match --stats --limit-regex-match=1000 -r re.yml bt.json
expect_grep '^bt.json:2: event 2: 00000000-0000-4000-8000-000000000007 ' "$TMP/out"
n=$(wc -l < "$TMP/out")
if [ "$n" -eq 1 ]; then ok; else ko "regex limit: want 1 match, got $n"; fi
expect_grep '^sigmacc: bt.json:1: event 1: warning: rule 00000000-0000-4000-8000-000000000007: a regular expression hit the PCRE2 match limit \(limit.regex-match=1000\) and counts as no match' "$TMP/err"
n=$(grep -c 'warning: rule' "$TMP/err")
if [ "$n" -eq 1 ]; then ok; else ko "regex limit reported $n times (want once)"; fi
expect_grep '^ +2  00000000-0000-4000-8000-000000000007 ' "$TMP/err" "--stats count"
expect_grep '^sigmacc: 2 regex evaluations hit a PCRE2 limit' "$TMP/err"
# the same with -j 2, several chunks: still reported once
i=0; while [ $i -lt 3000 ]; do cat bt.json; i=$((i + 1)); done > btbig.json
expect_status 0 "$SIGMACC" match -j 2 --limit-regex-match=1000 -r re.yml btbig.json
n=$(grep -c 'warning: rule' "$TMP/err")
if [ "$n" -eq 1 ]; then ok; else ko "-j 2: regex limit reported $n times (want once)"; fi
expect_grep '^sigmacc: 6000 regex evaluations hit' "$TMP/err"
# the depth limit binds PCRE2's interpreter (the JIT has its own stack)
expect_status 1 "$SIGMACC" match --no-jit --limit-regex-depth=5 -r re.yml bt.json
expect_grep 'hit the PCRE2 depth limit \(limit.regex-depth=5\)' "$TMP/err"
expect_status 2 "$SIGMACC" match --limit-regex-match=0 -r re.yml bt.json
expect_status 2 "$SIGMACC" match --limit-regex-depth=x -r re.yml bt.json

# event size: JSON and text lines; the bad event is skipped, the run goes on
printf '{"a":"x"}\n{"a":"x","pad":"0123456789012345678901234567890123456789"}\n{"a":"x"}\n' > sz.json
expect_status 0 "$SIGMACC" match --limit-event-size=32 -r ok.yml sz.json
expect_grep '^sigmacc: sz.json:2: event 2: invalid event: 58 bytes, over the limit of 32 \(limit.event-size\)' "$TMP/err"
n=$(wc -l < "$TMP/out")
if [ "$n" -eq 2 ]; then ok; else ko "event size: want 2 matches, got $n"; fi
printf 'x\nx 0123456789012345678901234567890123456789\nx\n' > sz.log
rule kw.yml 00000000-0000-4000-8000-000000000008 'kw: [x]' 'condition: kw'
expect_status 0 "$SIGMACC" match --input lines --limit-event-size=32 -r kw.yml sz.log
expect_grep '^sigmacc: sz.log:2: event 2: invalid event: 42 bytes, over the limit of 32 \(limit.event-size\)' "$TMP/err"

# event depth: in the fields a rule reads (a bad event) and in the keyword
# walk (matched, with a warning: what lies deeper is not searched)
printf '{"a":[[[["x"]]]]}\n{"a":"x"}\n' > dp.json
expect_status 0 "$SIGMACC" match --limit-event-depth=4 -r ok.yml dp.json
expect_grep '^sigmacc: dp.json:1: event 1: invalid event: nested deeper than 4 levels \(limit.event-depth\)' "$TMP/err"
expect_grep '^dp.json:2: event 2: ' "$TMP/out"
printf '{"b":[[[["\\u0078"]]]],"c":"\\u0078"}\n' > dpk.json
expect_status 0 "$SIGMACC" match --limit-event-depth=4 -r kw.yml dpk.json
expect_grep '^sigmacc: dpk.json:1: event 1: warning: event nested deeper than 4 levels \(limit.event-depth\): keywords were not searched below that depth' "$TMP/err"
expect_status 2 "$SIGMACC" match --limit-event-depth=4097 -r ok.yml dp.json
# 100,000 levels at the default: a bad event or a warning, never a crash
python3 -c "print('{\"a\":' + '['*100000 + ']'*100000 + ',\"c\":\"\\\\u0078\"}')" > deep.json
expect_status 1 "$SIGMACC" match -r ok.yml deep.json
expect_grep 'nested deeper than 256 levels \(limit.event-depth\)' "$TMP/err"
expect_status 0 "$SIGMACC" match -j 2 -r kw.yml deep.json deep.json
expect_grep 'warning: event nested deeper than 256 levels' "$TMP/err"

# ---- correlations: each limit reported once, at the event where it acted -----

D="$top_srcdir/tests/data/match_corr"
awk 'BEGIN { for (i = 0; i < 600; i++) printf "{\"@timestamp\":%d,\"action\":\"fail\",\"user\":\"u%d\",\"src\":\"s%d\"}\n", 1767225600 + i, i % 200, i % 3 }' > many.json
expect_status 0 "$SIGMACC" match --limit-corr-groups=50 -r "$D/logons.yml" many.json
expect_grep '^sigmacc: many.json:[0-9]+: event [0-9]+: warning: correlation limit reached: more than 50 live groups \(--limit-corr-groups, --corr-max-groups\): the least recently updated groups are evicted' "$TMP/err"
n=$(grep -c 'correlation limit reached' "$TMP/err")
if [ "$n" -eq 1 ]; then ok; else ko "groups limit reported $n times (want once)"; fi
expect_status 1 "$SIGMACC" match --limit-corr-window=2 -r "$D/logons.yml" many.json
expect_grep 'more than 2 entries in one group.s window \(--limit-corr-window, --corr-max-window\): the group.s oldest entries are dropped' "$TMP/err"
expect_status 0 "$SIGMACC" match --limit-corr-entries=40 -r "$D/logons.yml" many.json
expect_grep 'more than 40 window entries \(--limit-corr-entries, --corr-max-entries\)' "$TMP/err"
expect_status 0 "$SIGMACC" match --stats --limit-corr-memory=16k -r "$D/logons.yml" many.json
expect_grep 'more than 16384 bytes of correlation state \(--limit-corr-memory\)' "$TMP/err"
expect_grep 'peak state 0.0 MiB; limits acted: groups 0, window 0, entries 0, memory [1-9]' "$TMP/err"
# without limits: none of these
expect_status 0 "$SIGMACC" match -r "$D/logons.yml" many.json
expect_no_grep 'limit' "$TMP/err"
expect_status 2 "$SIGMACC" match --limit-corr-memory=0 -r "$D/logons.yml" many.json
finish
