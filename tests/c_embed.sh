#!/bin/sh
# c_embed.sh - examples/embed builds with its own Makefile (warnings are
# errors) and prints what `sigmacc match` finds in its sample events.
. "$top_srcdir/tests/lib.sh"
command -v make >/dev/null 2>&1 || { echo "SKIP: no make"; exit 77; }
export SIGMACC_PIPELINES="$top_srcdir/pipelines"
cp -r "$top_srcdir/examples" "$TMP/ex"
chmod -R u+w "$TMP/ex"
cd "$TMP/ex/embed" || exit 1
if make -s SIGMACC="$SIGMACC" CFLAGS="-O2 -Werror" >"$TMP/make.out" 2>&1; then ok; else
    ko "examples/embed does not build"; cat "$TMP/make.out" >&2; finish; fi
./embed <events.jsonl >"$TMP/embed.out" 2>"$TMP/embed.err"
expect_grep '^3 rules$' "$TMP/embed.err"
sed 's/^line \([0-9]*\): .*(\(.*\))$/\1 \2/' "$TMP/embed.out" >"$TMP/got"
"$SIGMACC" match -q -r rules ../rules -p flat-json events.jsonl |
    sed 's/^events.jsonl:\([0-9]*\): event [0-9]*: \([^ ]*\) .*/\1 \2/' >"$TMP/want"
if [ -s "$TMP/want" ] && cmp -s "$TMP/got" "$TMP/want"; then ok; else
    ko "examples/embed and sigmacc match disagree"; diff "$TMP/got" "$TMP/want" >&2; fi
[ "$(wc -l <"$TMP/got")" -eq 4 ] && ok || ko "examples/embed: want 4 matches"
finish
