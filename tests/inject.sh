#!/bin/sh
# inject.sh - a rule value always stays inside its literal, in every target.
#
# tests/inject_gen.py writes 10,600 values (every byte and Latin-1 code
# point in four places, quotes, backslashes, each target's syntax, regex
# metacharacters, wildcards and their escapes, line separators, BOM, 2- to
# 4-byte UTF-8, random mixes) and 12 long ones (255 to 65,536 characters)
# into Sigma rules, one form per value and target (equality, contains,
# startswith, endswith, each plain or |cased, |re of the escaped value, a
# keyword, a wildcard pattern), ANDed 32 to a rule (Suricata: one per HTTP
# buffer and a keyword), titles with comment closers and line breaks, and
# checks what each target makes of them with that target's own reader:
#   kql      Microsoft's Kusto parser (tests/inject_kql.js): no diagnostic,
#            and exactly one string literal per value, decoding to it (or
#            to its regex);
#   spl      tests/spl_lint --tokens: no finding, and a literal per value
#            that decodes (string, then regex) to exactly the value;
#   suricata suricata -T loads every rule; each value's content (|hex| and
#            escapes decoded) or pcre is exactly the value; only values over
#            2,000 bytes may be refused, each with the reason;
#   c        the generated C, -Wall -Wextra -Werror, matches each rule's own
#            values and not the same values with a byte changed.
# Files the frontend must refuse (invalid UTF-8, NUL, surrogates) are
# refused with a positioned error and emit nothing, in every target.
# A missing validator (node and @kusto/language-service-next, suricata)
# skips its part with a message; the test then exits 77 when all else passed.
. "$top_srcdir/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found (it generates the values)"
    exit 77
fi
GEN="$top_srcdir/tests/inject_gen.py"
D=$TMP/gen
skipped=""
start=$(date +%s)

# check NAME CMD...: a checker's verdict (its output shown either way)
check() {
    name=$1
    shift
    if "$@" >"$TMP/$name.check" 2>&1; then ok; else ko "$name: values escaped or were lost"; fi
    cat "$TMP/$name.check"
}

# compile TARGET [OPTION...]: $TMP/TARGET.out and .err; exit 0 and "N rules compiled,
# 0 failed" (suricata: failures allowed, inject_gen.py judges them)
compile() {
    t=$1
    shift
    "$SIGMACC" compile -t "$t" "$@" "$D/$t.yml" >"$TMP/$t.out" 2>"$TMP/$t.err"
    st=$?
    if [ "$t" = suricata ] && [ "$st" -eq 1 ]; then st=0; fi
    if [ "$st" -eq 0 ]; then ok; else ko "$t: sigmacc compile exited $st"; head -5 "$TMP/$t.err" >&2; fi
    if [ "$t" != suricata ]; then
        expect_grep "^[0-9]+ rules compiled for $t, 0 failed$" "$TMP/$t.err"
        expect_no_grep "(error|warning):" "$TMP/$t.err"
    fi
}

python3 "$GEN" gen "$D" || { ko "inject_gen.py gen failed"; finish; }

# 1. Refused files: a positioned error each, nothing emitted, in every target.
for t in spl kql suricata c; do
    "$SIGMACC" compile -t "$t" "$D/refused" >"$TMP/refused.$t.out" 2>"$TMP/refused.$t.err"
    check "refused-$t" python3 "$GEN" refused "$t" "$D" "$TMP/refused.$t.out" "$TMP/refused.$t.err"
done

# 2. SPL through the project's lexical checker.
compile spl
if "$top_builddir/tests/spl_lint" --tokens "$TMP/spl.out" >"$TMP/spl.tokens" 2>"$TMP/spl.lint"; then ok; else
    ko "spl_lint findings"; grep -v '^[QT] ' "$TMP/spl.tokens" | head -10 >&2; fi
cat "$TMP/spl.lint"
check spl python3 "$GEN" spl "$D" "$TMP/spl.tokens"

# 3. KQL through Microsoft's Kusto parser.
mods="${KUSTO_NODE_MODULES:-$HOME/.cache/sigmacc-npm/node_modules}"
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP kql: node not found (needed to run Microsoft's Kusto parser)"
    skipped="$skipped kql"
elif [ ! -f "$mods/@kusto/language-service-next/Kusto.Language.Bridge.min.js" ]; then
    echo "SKIP kql: @kusto/language-service-next not found in $mods (.ci/run installs it)"
    skipped="$skipped kql"
else
    compile kql --format json
    if node "$top_srcdir/tests/inject_kql.js" "$mods" "$top_srcdir/pipelines/kql-adx.yml" \
        <"$TMP/kql.out" >"$TMP/kql.literals" 2>"$TMP/kql.node"; then ok; else
        ko "inject_kql.js failed"; cat "$TMP/kql.node" >&2; fi
    check kql python3 "$GEN" kql "$D" "$TMP/kql.literals"
fi

# 4. Suricata: suricata -T loads everything, contents and pcres decoded.
compile suricata
if ! command -v suricata >/dev/null 2>&1 || ! suricata -V 2>/dev/null | grep -q 'version 7\.'; then
    echo "SKIP suricata -T: Suricata 7 not installed (tests/setup-suricata.sh installs it)"
    skipped="$skipped suricata"
else
    . "$top_srcdir/tests/suricata_lib.sh"
    suricata_load inject "$TMP/suricata.out"
fi
check suricata python3 "$GEN" suricata "$D" "$TMP/suricata.out" "$TMP/suricata.err"

# 5. C: the generated matcher, compiled with warnings as errors, on events
# holding each rule's values (must match) and near misses (must not).
CC=${CC:-cc}
compile c
"$SIGMACC" compile -q -t c --format header -o "$TMP/rules.h" "$D/c.yml" 2>"$TMP/c.herr"
mv "$TMP/c.out" "$TMP/rules.c"
if "$CC" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O1 -I"$TMP" \
    -o "$TMP/inject_c" "$top_srcdir/tests/inject_c.c" "$TMP/rules.c" 2>"$TMP/cc.err"; then
    ok
    echo "c: $(grep -c . "$D/c.expect.jsonl") values in $(grep -c '^E [^ ]* 1 ' "$D/c.events") rules"
    check c "$TMP/inject_c" "$D/c.events"
else
    ko "the generated C does not compile with -Wall -Wextra -Werror"; head -20 "$TMP/cc.err" >&2
fi

echo "inject: $(($(date +%s) - start)) s"
if [ "$fail" -eq 0 ] && [ -n "$skipped" ]; then
    echo "$pass passed, 0 failed; SKIP:$skipped (validator not installed)"
    exit 77
fi
finish
