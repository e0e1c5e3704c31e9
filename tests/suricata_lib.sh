# suricata_lib.sh - helpers for the Suricata tests (sourced after lib.sh).

# Skip (exit 77) unless Suricata 7 is installed.
need_suricata() {
    if ! command -v suricata >/dev/null 2>&1; then
        echo "SKIP: suricata not installed (tests/setup-suricata.sh installs Suricata 7)"
        exit 77
    fi
    if ! suricata -V 2>/dev/null | grep -q 'version 7\.'; then
        echo "SKIP: suricata is not version 7 ($(suricata -V 2>/dev/null | head -1))"
        exit 77
    fi
}

SURICATA_YAML="$top_srcdir/tests/data/suricata/minimal.yaml"

# suricata_load NAME RULES: `suricata -T` loads every rule of RULES with no
# error and no warning.
suricata_load() {
    name=$1 rules=$2
    want=$(grep -c '^alert ' "$rules")
    if [ "$want" -eq 0 ]; then
        ko "$name: no rules to load"
        return
    fi
    mkdir -p "$TMP/log-$name"
    suricata -T -c "$SURICATA_YAML" -S "$rules" -l "$TMP/log-$name" >"$TMP/$name.log" 2>&1
    st=$?
    if [ "$st" -eq 0 ]; then ok; else ko "$name: suricata -T exit $st"; fi
    if grep -qE '^(Error|Warning|E|W): ' "$TMP/$name.log"; then
        ko "$name: suricata -T printed errors or warnings"
        grep -E '^(Error|Warning|E|W): ' "$TMP/$name.log" | cut -c1-400 | head -10 >&2
    else
        ok
    fi
    loaded=$(sed -n 's/.* \([0-9]*\) rules successfully loaded, \([0-9]*\) rules failed.*/\1 \2/p' \
        "$TMP/$name.log")
    if [ "$loaded" = "$want 0" ]; then ok; else
        ko "$name: suricata loaded '$loaded' (loaded failed) of $want rules"
    fi
    echo "$name: $want Suricata rules, suricata -T: ${loaded:-?} (loaded failed)"
}
