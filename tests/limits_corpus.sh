#!/bin/sh
# limits_corpus.sh - no resource limit triggers at its default on the
# SigmaHQ corpus: checking every rule, and matching the Windows rules over
# the regression events (regexes through the JIT and through PCRE2's
# interpreter, where the depth limit applies). limits.sh shows each limit
# does trigger when set low.
. "$top_srcdir/tests/lib.sh"
need_corpus
C="$SIGMA_CORPUS"
export SIGMACC_PIPELINES="$top_srcdir/pipelines"

dirs=""
for d in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-dfir \
    rules-placeholder deprecated unsupported; do
    [ -d "$C/$d" ] && dirs="$dirs $C/$d"
done
# shellcheck disable=SC2086
"$SIGMACC" check $dirs > "$TMP/check.out" 2> "$TMP/check.err"
expect_grep '^[0-9]+ rules checked' "$TMP/check.err"
n=$(sed -n 's/^\([0-9]*\) rules checked.*/\1/p' "$TMP/check.err")
if [ "${n:-0}" -gt 3000 ]; then ok; else ko "only ${n:-0} rules checked"; fi
expect_no_grep '\(limit\.|\[limit\]|\[expansion-limit\]' "$TMP/check.out" "a limit on the corpus:"

find "$C/regression_data/rules/windows" -name '*.json' | sort > "$TMP/files"
if [ -s "$TMP/files" ]; then
    for jit in "" --no-jit; do
        # shellcheck disable=SC2046,SC2086
        "$SIGMACC" match --stats $jit -r "$C/rules/windows" -p evtx-json $(cat "$TMP/files") \
            > "$TMP/m.out" 2> "$TMP/m.err"
        expect_grep ' events, [1-9][0-9]* matches, 0 bad events' "$TMP/m.err" "match $jit:"
        expect_no_grep 'limit\.|limit-hits|warning: ' "$TMP/m.err" "match $jit: a limit on the regression data:"
    done
fi
finish
