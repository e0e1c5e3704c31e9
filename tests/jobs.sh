#!/bin/sh
# jobs.sh - loading a directory on several threads (-j) gives exactly what
# loading it file by file gives: the same queries, diagnostics, statuses
# and limit.rules stop, byte for byte. A tree of good rules, broken YAML
# and schema errors checks the merge of rules and diagnostics by file.
# Each thread's YAML parser reads file after file: the tree checked as a
# whole must say what its files checked one per process say.
. "$top_srcdir/tests/lib.sh"
need_corpus
C="$SIGMA_CORPUS"
export SIGMACC_PIPELINES="$top_srcdir/pipelines"

# 200 files: corpus rules with a broken file every 7th and a file of two
# documents every 11th, so every thread's share holds some of each
T="$TMP/tree"
mkdir -p "$T/a" "$T/b/c"
i=0
for f in $(find "$C/rules/windows/process_creation" -name '*.yml' | sort | head -200); do
    i=$((i + 1))
    d="$T/a"
    [ $((i % 3)) -eq 0 ] && d="$T/b/c"
    if [ $((i % 7)) -eq 0 ]; then
        printf 'title: broken %s\ndetection: [unclosed\n' "$i" > "$d/r$i.yml"
    elif [ $((i % 11)) -eq 0 ]; then
        { cat "$f"; printf '\n---\ntitle: second %s\nlogsource: {product: windows}\n' "$i"; } \
            > "$d/r$i.yml"
    else
        cp "$f" "$d/r$i.yml"
    fi
done

# a %TAG directive must not carry over to the next file
printf '%%TAG !e! tag:example.com,2000:\n---\ntitle: tagged\nlogsource: {product: windows}\ndetection: {sel: {Image: !e!x a.exe}, condition: sel}\n' \
    > "$T/a/r0a.yml"
printf 'title: tag user\nlogsource: {product: windows}\ndetection: {sel: {Image: !e!x b.exe}, condition: sel}\n' \
    > "$T/a/r0b.yml"

"$SIGMACC" check --strict -j 1 "$T" > "$TMP/whole.out" 2>/dev/null
find "$T" -name '*.yml' | LC_ALL=C sort > "$TMP/list"
while read -r f; do "$SIGMACC" check --strict "$f" 2>/dev/null; done < "$TMP/list" > "$TMP/each.out"
if cmp -s "$TMP/whole.out" "$TMP/each.out"; then ok; else
    ko "the tree checked whole differs from its files checked one by one"
    diff "$TMP/whole.out" "$TMP/each.out" | head -5 >&2
fi
expect_grep 'r0b.yml:3:.*undefined tag' "$TMP/whole.out" "the tag directive of r0a.yml leaked:"

same() { # WHAT ARGS...: run with -j 1 and -j 4, compare everything
    what=$1
    shift
    "$SIGMACC" "$@" -j 1 > "$TMP/1.out" 2> "$TMP/1.err"
    s1=$?
    "$SIGMACC" "$@" -j 4 > "$TMP/4.out" 2> "$TMP/4.err"
    s4=$?
    if [ "$s1" -eq "$s4" ] && cmp -s "$TMP/1.out" "$TMP/4.out" && cmp -s "$TMP/1.err" "$TMP/4.err"; then
        ok
    else
        ko "$what: -j 4 differs from -j 1 (status $s1 / $s4)"
        diff "$TMP/1.out" "$TMP/4.out" | head -5 >&2
        diff "$TMP/1.err" "$TMP/4.err" | head -5 >&2
    fi
}

same "check tree" check --strict "$T"
expect_grep 'error:' "$TMP/4.out" "tree errors"
same "check tree json" check --format json "$T"
same "check tree, limit.rules" check --limit-rules=60 "$T"
expect_grep 'limit\.rules' "$TMP/4.out" "limit.rules stop"
same "check tree, -Werror" check -Werror "$T"
same "compile tree kql" compile -t kql -p kql-sentinel "$T"
same "check corpus" check "$C/rules" "$C/deprecated"
same "check corpus, file-size" check --limit-file-size=3000 "$C/rules"
same "compile corpus spl" compile -t spl -p splunk-windows "$C/rules"
same "compile corpus kql" compile -t kql -p kql-defender-xdr "$C/rules"
same "compile corpus suricata" compile -t suricata "$C/rules"

# match -j loads the rules on its threads too
find "$C/regression_data/rules/windows" -name '*.json' | sort | head -100 > "$TMP/events"
if [ -s "$TMP/events" ]; then
    # shellcheck disable=SC2046
    same "match" match -q -r "$C/rules/windows" -p evtx-json $(cat "$TMP/events")
    expect_grep . "$TMP/4.out" "matches"
fi

expect_status 2 "$SIGMACC" check -j 0 "$T"
expect_status 2 "$SIGMACC" check -j x "$T"
expect_status 2 "$SIGMACC" compile -t spl -j 257 "$T"
finish
