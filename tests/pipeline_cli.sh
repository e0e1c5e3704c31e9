#!/bin/sh
# pipeline_cli.sh - pipelines through the CLI: `list pipelines`, -p by name
# and by path, --explain, a broken pipeline file reported at file:line:col,
# and every built-in over the SigmaHQ corpus (when present) without a
# failure the pipeline does not mean.
. "$top_srcdir/tests/lib.sh"

expect_status 0 "$SIGMACC" list pipelines
for p in sysmon windows-audit splunk-windows splunk-cim cisco-ios; do
    expect_grep "^$p\$" "$TMP/out" "built-in pipeline"
done

# by name, with --explain
expect_status 0 "$SIGMACC" compile -t ir -p sysmon --explain "$top_srcdir/examples/rules/"
expect_grep '\(num= EventID 1\)' "$TMP/out"
expect_grep 'sysmon/sysmon_process_creation_eventid: added \(num= EventID 1\)' "$TMP/out"
expect_grep '^1 rule compiled for ir, 0 failed' "$TMP/err"

# by path: the pySigma-style file of the unit tests
expect_status 0 "$SIGMACC" compile -t ir -p "$top_srcdir/tests/data/pipelines/acme-edr.yml" \
    "$top_srcdir/examples/rules/"
expect_grep '\(eq index "edr"\)' "$TMP/out"
expect_grep 'finalizers.*ignored \[pipeline\]' "$TMP/err"

# a broken pipeline: every problem, each at its place, and no compilation
cat > "$TMP/bad.yml" <<'EOF'
name: bad
transformations:
  - type: field_name_maping
    mapping: {a: b}
  - type: add_condition
    conditions: {EventID: 1}
    rule_conditions:
      - type: logsource
        categori: x
EOF
expect_status 2 "$SIGMACC" compile -t ir -p "$TMP/bad.yml" "$top_srcdir/examples/rules/"
expect_grep "bad.yml:3:11: error: unknown transformation type 'field_name_maping' \[pipeline\]" "$TMP/err"
expect_grep "bad.yml:9:9: error: unknown key 'categori' in condition 'logsource' \[pipeline\]" "$TMP/err"
expect_no_grep '^\(' "$TMP/out" "a query from a broken pipeline"

# a rule the pipeline cannot convert fails alone, with the pipeline's reason
expect_status 1 "$SIGMACC" compile -t ir -p windows-audit "$top_srcdir/examples/rules/"
expect_grep "proc_creation_win_whoami_priv.yml:[0-9]+:[0-9]+: error: field 'OriginalFileName': Security event 4688 does not record this field" "$TMP/err"

if [ -d "$SIGMA_CORPUS/rules" ]; then
    for p in sysmon splunk-windows cisco-ios; do
        expect_status 0 "$SIGMACC" compile -t ir -p "$p" "$SIGMA_CORPUS/rules"
        expect_grep 'rules compiled for ir, 0 failed' "$TMP/err" "$p over the corpus"
    done
    # failures are the pipelines' own, each with a reason
    for p in windows-audit splunk-cim; do
        "$SIGMACC" compile -t ir -p "$p" "$SIGMA_CORPUS/rules" >"$TMP/out" 2>"$TMP/err"
        expect_no_grep 'error: .*\[(yaml|schema|modifier)\]' "$TMP/err" "$p: unexpected error kind"
        n=$(grep -c 'error: .*\[pipeline\]$' "$TMP/err")
        f=$(sed -n 's/.* rules compiled for ir, \([0-9]*\) failed.*/\1/p' "$TMP/err")
        [ "$n" = "$f" ] && ok || ko "$p: $f rules failed but $n pipeline errors"
        echo "$p over the corpus: $(tail -1 "$TMP/err")"
    done
else
    echo "corpus not found at $SIGMA_CORPUS: corpus runs skipped"
fi
finish
