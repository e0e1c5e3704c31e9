#!/bin/sh
# c_diff.sh - the generated C matcher and `sigmacc match` agree on every
# event: the same rules fire on the same events.
#
# 1. tests/data/c_diff: one rule per modifier edge case (case folding of
#    non-ASCII letters, `?`, escaped wildcards, numeric strings, null vs
#    absent, exists, CIDR v4/v6, regex flags, fieldref, time parts,
#    base64offset/utf16/windash, keywords, hostile literals, the generated
#    prefilter) and events aimed at them (gen_events.py), and one rule per
#    regex construct over 70 subjects (regex.yml), compiled -O2;
# 2. with the corpus: every SigmaHQ Windows rule (-p evtx-json) over every
#    regression event and four variants of each (strings upper-cased,
#    lower-cased, without their first character, with " x" appended).
#
# The driver (tests/c_diff_main.c) reads JSON the way libsigmacc's reader
# does and prints "FILE event N: RULE-ID" per match, which is what
# `sigmacc match` prints too once its line numbers are taken out.
. "$top_srcdir/tests/lib.sh"
CC=${CC:-cc}
CFLAGS_GEN="-std=c11 -Wall -Wextra -Werror"
export SIGMACC_PIPELINES="$top_srcdir/pipelines"

# diff_run NAME OPT RULES PIPELINE EVENT-FILE...
diff_run() {
    name=$1 opt=$2 rules=$3 pipe=$4
    shift 4
    set -- "$@"
    p=""
    [ -n "$pipe" ] && p="-p $pipe"
    mkdir -p "$TMP/$name"
    # shellcheck disable=SC2086
    "$SIGMACC" compile -q -t c $p --skip-unsupported -o "$TMP/$name/rules.c" "$rules" \
        2>"$TMP/$name/c.err"
    # shellcheck disable=SC2086
    "$SIGMACC" compile -q -t c $p --skip-unsupported --format header \
        -o "$TMP/$name/rules.h" "$rules" 2>/dev/null
    # shellcheck disable=SC2086
    if ! "$CC" $CFLAGS_GEN $opt -I"$TMP/$name" -o "$TMP/$name/drv" \
        "$top_srcdir/tests/c_diff_main.c" "$TMP/$name/rules.c" 2>"$TMP/$name/cc.err"; then
        ko "$name: the generated C does not compile with $CFLAGS_GEN"
        head -20 "$TMP/$name/cc.err" >&2
        return
    fi
    # rules the C target refused are left out of the library's output too
    grep -o 'warning: c: ' "$TMP/$name/c.err" >/dev/null &&
        echo "$name: $(grep -c 'warning: c: ' "$TMP/$name/c.err") rule(s) not converted"
    "$TMP/$name/drv" --rules | awk '{print $2}' | sort >"$TMP/$name/ids"
    "$TMP/$name/drv" "$@" | sort >"$TMP/$name/c.out"
    # shellcheck disable=SC2086
    "$SIGMACC" match -q -r "$rules" $p "$@" 2>"$TMP/$name/m.err" |
        sed -n 's/^\(.*\):[0-9]*: event \([0-9]*\): \([^ ]*\) \[.*$/\1 event \2: \3/p' |
        awk 'NR == FNR { keep[$1] = 1; next } keep[$NF]' "$TMP/$name/ids" - |
        sort >"$TMP/$name/m.out"
    events=$(grep -c . "$TMP/$name/c.out")
    nev=0
    for f in "$@"; do
        n=$("$TMP/$name/drv" --bench 1 "$f" | sed -n 's/^\([0-9]*\) events.*/\1/p')
        nev=$((nev + n))
    done
    cp "$TMP/$name/c.out" "$TMP/$name/c.all"
    if cmp -s "$TMP/$name/c.out" "$TMP/$name/m.out"; then
        ok
        echo "$name: $nev events, $(wc -l <"$TMP/$name/ids") rules, $events matches: agree"
    else
        ko "$name: generated C and sigmacc match disagree (< C only, > match only)"
        diff "$TMP/$name/c.out" "$TMP/$name/m.out" | head -20 >&2
    fi
    [ "$events" -gt 0 ] && ok || ko "$name: nothing matched: the test proves nothing"
}

D="$top_srcdir/tests/data/c_diff"
diff_run edge -O2 "$D" "" "$D/events.jsonl" "$D/regex_events.jsonl"
# every rule of the edge set fires somewhere
for id in $(sed -n 's/^id: //p' "$D/rules.yml" "$D/regex.yml"); do
    grep -q " $id\$" "$TMP/edge/c.all" && ok || ko "edge rule $id never fired"
done

# the generated code under ASan and UBSan, when the compiler has them
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g"
# shellcheck disable=SC2086
if "$CC" $CFLAGS_GEN -O1 $SAN -I"$TMP/edge" -o "$TMP/edge/drv-san" \
    "$top_srcdir/tests/c_diff_main.c" "$TMP/edge/rules.c" 2>/dev/null; then
    "$TMP/edge/drv-san" "$D/events.jsonl" "$D/regex_events.jsonl" 2>"$TMP/edge/san.err" |
        sort >"$TMP/edge/san.out"
    if [ -s "$TMP/edge/san.err" ] || ! cmp -s "$TMP/edge/san.out" "$TMP/edge/c.all"; then
        ko "edge: the generated code under sanitizers"; head -20 "$TMP/edge/san.err" >&2
    else ok; echo "edge: clean under $SAN"; fi
else
    echo "(no sanitizers in $CC)"
fi

if [ -d "$SIGMA_CORPUS/regression_data/rules/windows" ] && [ -d "$SIGMA_CORPUS/rules/windows" ]
then
    find "$SIGMA_CORPUS/regression_data/rules/windows" -name '*.json' | sort >"$TMP/files"
    mkdir -p "$TMP/var"
    # a corpus event file holds one pretty-printed event; its variants are
    # JSON lines (an edge build of the driver writes them)
    # shellcheck disable=SC2046
    "$TMP/edge/drv" --variants $(cat "$TMP/files") >"$TMP/var/variants.jsonl"
    # -O0: tests/c_compile.sh optimises this file already
    # shellcheck disable=SC2046
    diff_run corpus -O0 "$SIGMA_CORPUS/rules/windows" evtx-json $(cat "$TMP/files") \
        "$TMP/var/variants.jsonl"
else
    echo "SKIP (part): corpus not found at $SIGMA_CORPUS"
fi
finish
