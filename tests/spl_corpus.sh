#!/bin/sh
# spl_corpus.sh - the lexical SPL checker (tests/spl_lint) catches what it
# must, passes the golden SPL, then passes the SPL of the whole SigmaHQ
# corpus with 0 findings while at least 3,138 rules convert.
. "$top_srcdir/tests/lib.sh"
LINT="$top_builddir/tests/spl_lint"
MIN_CONVERTED=3138

# 1. The checker is not blind: each broken query is caught.
bad() {
    printf '``` t ```\n%s\n' "$1" >"$TMP/bad.spl"
    if "$LINT" "$TMP/bad.spl" >"$TMP/lint.out" 2>&1; then
        ko "spl_lint missed: $1"
    elif grep -qF -- "$2" "$TMP/lint.out"; then ok; else
        ko "spl_lint: want /$2/ for: $1"; cat "$TMP/lint.out" >&2
    fi
}
bad 'Image="*\\cmd.exe' 'unterminated string'
bad 'Image="C:\cmd.exe"' 'backslash not followed'
bad '(a=1 OR b=2' "unbalanced '('"
bad 'a=1 OR b=2)' "unbalanced ')'"
bad 'a=[1' "unbalanced '['"
bad 'a=1 OR' 'without a right operand'
bad 'OR a=1' 'without a left operand'
bad 'a=1 (OR b=2)' 'without a left operand'
bad 'a=1 NOT' 'NOT without an operand'
bad 'a=1 ()' 'empty parentheses'
bad 'a IN ("x",)' 'IN list'
bad 'a IN ("x" "y")' 'separated'
bad '| where a==1' 'empty search'
bad 'a=1
| search OR b=2' '| search'
bad 'a=1
| where ' 'empty where'
bad 'a=1
| where match(x, "a)' 'unterminated string'
bad 'a=1
| where match(x, "a"' "unbalanced '('"
bad "a=1
| where 'x.y==1" 'unterminated field name'
bad 'a=1
| regex x' 'regex takes'
bad 'a=1
| eval x=1' 'unexpected command'
bad 'a=1 `macro`' 'backtick'
printf '``` t ```\na="\377"\n' >"$TMP/utf8.spl"
if "$LINT" "$TMP/utf8.spl" >"$TMP/lint.out" 2>&1; then ko "spl_lint missed bad UTF-8"; else ok; fi
printf '``` t ```\na="x\ty"\n' >"$TMP/tab.spl"
if "$LINT" "$TMP/tab.spl" >"$TMP/lint.out" 2>&1; then ko "spl_lint missed a raw tab"; else ok; fi
# ... and a good one passes.
printf '``` t ```\nImage="*\\\\cmd.exe" (a IN ("x", "y*") OR NOT b=*) ([| inputlookup u.csv | fields User])\n| regex c="(?i)x\\\\d"\n| where match(_raw, "a") AND NOT (isnotnull(f) AND f==1) AND true()\n' >"$TMP/good.spl"
if "$LINT" "$TMP/good.spl" >"$TMP/lint.out" 2>&1; then ok; else ko "spl_lint rejects a good query"; cat "$TMP/lint.out" >&2; fi

# 2. The golden SPL in the default format (no NAME.args) passes.
for f in "$top_srcdir"/tests/golden/spl/*.spl; do
    [ -s "$f" ] && [ ! -f "${f%.spl}.args" ] || continue
    if "$LINT" "$f" >"$TMP/lint.out" 2>&1; then ok; else ko "golden $(basename "$f")"; cat "$TMP/lint.out" >&2; fi
done

# 3. The whole corpus, with the Splunk Windows pipeline when it exists.
[ "$fail" -eq 0 ] || finish # report the failures above even without a corpus
need_corpus
set -- compile -t spl
if "$SIGMACC" list pipelines 2>/dev/null | grep -qx splunk-windows; then
    set -- "$@" -p splunk-windows
fi
"$SIGMACC" "$@" "$SIGMA_CORPUS/rules" >"$TMP/corpus.spl" 2>"$TMP/corpus.err"
status=$?
summary=$(tail -n 1 "$TMP/corpus.err")
echo "corpus: $summary (exit $status)"
converted=$(echo "$summary" | sed -n 's/^\([0-9]*\) rules\{0,1\} compiled for spl, \([0-9]*\) failed$/\1/p')
failed=$(echo "$summary" | sed -n 's/^\([0-9]*\) rules\{0,1\} compiled for spl, \([0-9]*\) failed$/\2/p')
if [ -n "$converted" ] && [ "$converted" -ge "$MIN_CONVERTED" ]; then ok; else
    ko "corpus: converted ${converted:-?} rules, want >= $MIN_CONVERTED"; tail -20 "$TMP/corpus.err" >&2
fi
# Exit status 0 when nothing failed, 1 when some rule failed (with a reason).
if [ "${failed:-x}" = 0 ]; then want=0; else want=1; fi
if [ "$status" -eq "$want" ]; then ok; else ko "corpus: exit $status with ${failed:-?} failed"; fi
if [ "${failed:-0}" -gt 0 ]; then
    expect_grep 'error: spl: .* \[unsupported\]' "$TMP/corpus.err" "per-rule reason"
fi
queries=$(grep -c '^```' "$TMP/corpus.spl")
if [ "$queries" -eq "${converted:-0}" ]; then ok; else ko "corpus: $queries queries for $converted rules"; fi
if "$LINT" "$TMP/corpus.spl" >"$TMP/lint.out" 2>"$TMP/lint.err"; then ok; else
    ko "spl_lint findings on the corpus: $(grep -c . "$TMP/lint.out")"; head -20 "$TMP/lint.out" >&2
fi
cat "$TMP/lint.err"

# 4. savedsearches.conf for the corpus: one stanza per converted rule, and
# every line a comment, a [stanza], a `key = value`, or the `| …` line a
# ` \` continuation announced.
"$SIGMACC" "$@" --format savedsearches "$SIGMA_CORPUS/rules" >"$TMP/corpus.conf" 2>/dev/null
stanzas=$(grep -c '^\[' "$TMP/corpus.conf")
if [ "$stanzas" -eq "${converted:-0}" ]; then ok; else ko "savedsearches: $stanzas stanzas for $converted rules"; fi
if awk 'cont { if ($0 !~ /^\| /) { print NR ": continuation expected"; bad = 1 } }
        !cont { if ($0 !~ /^(#.*|\[[^][]+\]|[A-Za-z_.]+ = .*|)$/) { print NR ": " $0; bad = 1 } }
        { cont = ($0 ~ / \\$/) }
        END { exit bad }' "$TMP/corpus.conf" >"$TMP/conf.bad"; then ok; else
    ko "savedsearches: malformed lines"; head -5 "$TMP/conf.bad" >&2
fi
finish
