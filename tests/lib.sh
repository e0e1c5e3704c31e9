# lib.sh - helpers for the shell tests (sourced).
# Every assertion counts; the script ends with "N passed, N failed" and a
# non-zero status when anything failed.
pass=0
fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sigmacc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT CMD...: run CMD, compare its exit status
expect_status() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        ko "exit $got (want $want): $*"; head -20 "$TMP/out" "$TMP/err" >&2; fi
}

# expect_grep PATTERN FILE [WHAT]
expect_grep() {
    if grep -qE -- "$1" "$2"; then ok; else ko "${3:-missing} /$1/ in $2"; head -20 "$2" >&2; fi
}
expect_no_grep() {
    if grep -qE -- "$1" "$2"; then ko "${3:-unexpected} /$1/ in $2"; grep -E -- "$1" "$2" | head -5 >&2; else ok; fi
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

need_corpus() {
    if [ ! -d "$SIGMA_CORPUS/rules" ]; then
        echo "SKIP: corpus not found at $SIGMA_CORPUS (set SIGMA_CORPUS)"
        exit 77
    fi
}
