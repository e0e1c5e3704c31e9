#!/bin/sh
# corpus.sh - `check` over the SigmaHQ corpus: 0 errors on the 3,164 rules
# SigmaHQ's own CI validates; deprecated/unsupported never crash.
. "$top_srcdir/tests/lib.sh"
need_corpus

"$SIGMACC" check "$SIGMA_CORPUS/rules" "$SIGMA_CORPUS/rules-placeholder" >"$TMP/out" 2>"$TMP/err"
st=$?
[ $st -eq 0 ] && ok || ko "corpus check exit $st"
expect_grep '^3164 rules checked: 0 errors, [0-9]+ warnings' "$TMP/err"
cat "$TMP/err"

# Every file elsewhere either passes or gets a specific diagnostic; no crash.
for d in deprecated unsupported; do
    [ -d "$SIGMA_CORPUS/$d" ] || continue
    find "$SIGMA_CORPUS/$d" -name '*.yml' | sort | while read -r f; do
        "$SIGMACC" check -q "$f" >"$TMP/one" 2>&1
        s=$?
        if [ $s -gt 1 ]; then echo "CRASH/IO $s: $f"; head -3 "$TMP/one"; fi
        if [ $s -eq 1 ] && ! grep -q ': error: .*\[[a-z-]*\]$' "$TMP/one"; then echo "NODIAG: $f"; fi
    done > "$TMP/bad_$d"
    if [ -s "$TMP/bad_$d" ]; then ko "$d: $(wc -l < "$TMP/bad_$d") files crashed or failed without a diagnostic"; head "$TMP/bad_$d" >&2; else ok; fi
    "$SIGMACC" check -q "$SIGMA_CORPUS/$d" >"$TMP/out" 2>&1
    echo "$d: $(grep -c ': error:' "$TMP/out") errors over $(find "$SIGMA_CORPUS/$d" -name '*.yml' | wc -l) files"
done
finish
