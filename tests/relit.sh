#!/bin/sh
# relit.sh - the literals the generated matcher's prefilter takes from a
# regex (backends/c_relit.c) are in every string the regex matches: for
# each `|re` value of the SigmaHQ corpus, strings generated from the
# regex are checked (tests/relit_gen.py). A literal missing from a match
# would be a rule the prefilter skips: a missed detection.
. "$top_srcdir/tests/lib.sh"
need_corpus
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: no python3"
    exit 77
fi
if python3 "$top_srcdir/tests/relit_gen.py" "$top_builddir/tests/relit_lits" "$SIGMA_CORPUS" \
    > "$TMP/out" 2>&1; then ok; else ko "regex literals"; fi
cat "$TMP/out"
finish
