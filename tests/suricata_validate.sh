#!/bin/sh
# suricata_validate.sh - Suricata 7 loads everything the backend emits for
# the golden rules (tests/golden/suricata) and the examples: `suricata -T`
# with no error and no warning, every rule loaded. (The corpus is
# suricata_corpus.sh; what the rules match is suricata_detect.sh.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/suricata_lib.sh"
need_suricata
G="$top_srcdir/tests/golden/suricata"

# Each golden with an expected .rules file, compiled the way golden.sh does
# (its .pipelines and .args), into one file.
: >"$TMP/golden.rules"
n=0
for yml in "$G"/*.yml; do
    name=$(basename "$yml" .yml)
    [ -f "$G/$name.rules" ] || continue
    set -- compile -t suricata -q
    if [ -f "$G/$name.pipelines" ]; then
        while IFS= read -r p || [ -n "$p" ]; do [ -n "$p" ] && set -- "$@" -p "$p"; done <"$G/$name.pipelines"
    fi
    if [ -f "$G/$name.args" ]; then
        while IFS= read -r p || [ -n "$p" ]; do [ -n "$p" ] && set -- "$@" "$p"; done <"$G/$name.args"
    fi
    if (cd "$G" && "$SIGMACC" "$@" "$name.yml") >>"$TMP/golden.rules" 2>"$TMP/err"; then ok; else
        ko "golden $name does not compile"; head -5 "$TMP/err" >&2
    fi
    n=$((n + 1))
done
[ "$n" -gt 0 ] || ko "no golden suricata rules found in $G"
suricata_load golden "$TMP/golden.rules"

# The network examples.
expect_status 0 "$SIGMACC" compile -t suricata -q -o "$TMP/examples.rules" \
    "$top_srcdir/examples/rommonkit/rommon_tftp_transfer.yml"
suricata_load examples "$TMP/examples.rules"

# The same sid twice in one load is a Suricata error: the test above would
# catch it, and within one run sigmacc refuses it first.
sed 's/^title: .*/title: Same Id Again/' "$top_srcdir/examples/rommonkit/rommon_tftp_transfer.yml" \
    >"$TMP/again.yml"
expect_status 1 "$SIGMACC" compile -t suricata -q \
    "$top_srcdir/examples/rommonkit/rommon_tftp_transfer.yml" "$TMP/again.yml"
expect_grep "again.yml.*sids [0-9]+-[0-9]+ are already those of rule '4ebc7e1f-40a1-41f3-8220-ab645cac1584'" "$TMP/err"
finish
