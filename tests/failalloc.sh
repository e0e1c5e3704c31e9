#!/bin/sh
# failalloc.sh - allocation-failure sweep: for N = 1..MAX, make the N-th
# allocation fail while compiling a realistic rule file; every run must end
# with a clean status (0, 1 or 2 with "out of memory"), no crash, and (under
# ASan) no leak. Needs a build configured with --enable-failalloc; skipped
# otherwise.
. "$top_srcdir/tests/lib.sh"
MAX=${FAILALLOC_MAX:-2000}
RULES="$top_srcdir/examples"
if ! SG_FAILALLOC_AT=1 "$SIGMACC" check "$RULES" 2>&1 | grep -q 'out of memory'; then
    echo "SKIP: not a --enable-failalloc build"
    exit 77
fi
for target in check ir; do
    n=1
    while [ $n -le "$MAX" ]; do
        if [ $target = check ]; then
            SG_FAILALLOC_AT=$n "$SIGMACC" check -q "$RULES" >"$TMP/out" 2>&1
        else
            SG_FAILALLOC_AT=$n "$SIGMACC" compile -q -t $target "$RULES" >"$TMP/out" 2>&1
        fi
        s=$?
        if [ $s -gt 2 ] || grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$TMP/out"; then
            ko "$target: allocation $n: exit $s"; head -20 "$TMP/out" >&2
        else
            ok
        fi
        n=$((n + 1))
    done
done
finish
