#!/bin/sh
# cli.sh - `sigmacc check` end to end: exit codes, positions, formats, -W.
. "$top_srcdir/tests/lib.sh"
SEED="$top_srcdir/examples/rommonkit/seed/000_aa0adac53b677831.yml"
GOOD="$top_srcdir/examples/rules/proc_creation_win_whoami_priv.yml"

# The seed rule: exit 1, with the three findings at their line:col.
expect_status 1 "$SIGMACC" check "$SEED"
expect_grep '000_aa0adac53b677831.yml:9:7: error: date .2026/04/20. is not in the YYYY-MM-DD format.*\[date-format\]' "$TMP/out"
expect_grep '000_aa0adac53b677831.yml:2:5: warning: id .df00tech-t1542-004. is not a UUID.*\[id-uuid\]' "$TMP/out"
expect_grep '000_aa0adac53b677831.yml:19:5: warning: .*matches every event.*\[match-everything\]' "$TMP/out"
expect_grep '1 rule checked: 1 error, 2 warnings' "$TMP/err"

# A correct rule passes.
expect_status 0 "$SIGMACC" check "$GOOD"
expect_grep '1 rule checked: 0 errors, 0 warnings' "$TMP/err"

# -W no-NAME switches a warning off; errors cannot be switched off.
expect_status 1 "$SIGMACC" check -W no-id-uuid -Wno-match-everything "$SEED"
expect_no_grep 'id-uuid|match-everything' "$TMP/out"
expect_grep 'date-format' "$TMP/out"
expect_status 2 "$SIGMACC" check -W no-such-check "$SEED"
# -Werror turns warnings into errors
sed 's/^id: .*/id: not-a-uuid/' "$GOOD" > "$TMP/warn.yml"
expect_status 0 "$SIGMACC" check "$TMP/warn.yml"
expect_grep 'warn.yml:2:5: warning: .*\[id-uuid\]' "$TMP/out"
expect_status 1 "$SIGMACC" check -Werror "$TMP/warn.yml"
expect_status 0 "$SIGMACC" check -Werror -W no-id-uuid "$TMP/warn.yml"

# JSON lines: one object per diagnostic, valid JSON.
expect_status 1 "$SIGMACC" check --format json "$SEED"
expect_grep '"check":"date-format"' "$TMP/out"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" 2>/dev/null; then ok; else ko "json lines do not parse"; fi

# SARIF 2.1.0
expect_status 1 "$SIGMACC" check --format sarif "$SEED"
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "sigmacc"
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
res = run["results"]
assert any(r["ruleId"] == "date-format" and r["level"] == "error" for r in res)
assert all(r["ruleId"] in ids for r in res)
loc = [r for r in res if r["ruleId"] == "date-format"][0]["locations"][0]["physicalLocation"]
assert loc["region"]["startLine"] == 9 and loc["region"]["startColumn"] == 7
PY
then ok; else ko "SARIF structure"; fi

# Usage and I/O errors: exit 2.
expect_status 2 "$SIGMACC" check
expect_status 2 "$SIGMACC" check --format xml "$GOOD"
expect_status 2 "$SIGMACC" check "$TMP/does-not-exist.yml"
expect_grep 'does-not-exist.yml: error: cannot open' "$TMP/out"
expect_status 2 "$SIGMACC" frobnicate

# stdin
"$SIGMACC" check - < "$SEED" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && ok || ko "check - (stdin)"
expect_grep '<stdin>:9:7: error' "$TMP/out"

# Directories are searched recursively, every problem in one pass.
mkdir -p "$TMP/d/sub"
cp "$SEED" "$TMP/d/sub/a.yml"
cp "$SEED" "$TMP/d/b.yaml"
echo "not: [valid" > "$TMP/d/c.yml"
echo "ignored" > "$TMP/d/readme.txt"
expect_status 1 "$SIGMACC" check "$TMP/d"
expect_grep '2 rules checked' "$TMP/err"
expect_grep 'c.yml:2:1: error: invalid YAML' "$TMP/out"
expect_grep 'duplicate-id' "$TMP/out"

# The catalogue lists every check with a description.
expect_status 0 "$SIGMACC" list checks
for c in yaml schema date-format id-uuid match-everything undefined-identifier unused-identifier \
         modifier invalid-regex wildcard-modifier control-characters number-as-string logsource-empty; do
    expect_grep "^$c " "$TMP/out" "check not listed:"
done

# Condition errors point inside the condition string.
cat > "$TMP/cond.yml" <<'Y'
title: t
logsource:
    product: windows
detection:
    selection:
        Image|endswith: '\x.exe'
    condition: selection and not filter
Y
expect_status 1 "$SIGMACC" check "$TMP/cond.yml"
expect_grep 'cond.yml:7:34: error: .filter. is not a search identifier' "$TMP/out"

# A file that gives no rule (not YAML, missing) is counted in compile's
# summary, not hidden behind "0 failed".
printf 'title: broken\ndetection: [unclosed\n' > "$TMP/broken.yml"
expect_status 1 "$SIGMACC" compile -t spl -p splunk-windows "$TMP/broken.yml" "$GOOD"
expect_grep '^1 rule compiled for spl, 0 failed, 1 file not loaded$' "$TMP/err"
expect_status 2 "$SIGMACC" compile -t spl -p splunk-windows "$TMP/broken.yml" "$TMP/missing.yml"
expect_grep '^0 rules compiled for spl, 0 failed, 2 files not loaded$' "$TMP/err"

# -o files get the mode open(2) would give them, not mkstemp's 0600
(umask 022 && "$SIGMACC" compile -q -t spl -p splunk-windows -o "$TMP/q.spl" "$GOOD")
if [ "$(stat -c %a "$TMP/q.spl")" = 644 ]; then ok; else ko "-o file mode $(stat -c %a "$TMP/q.spl")"; fi
chmod 640 "$TMP/q.spl"
"$SIGMACC" compile -q -t spl -p splunk-windows -o "$TMP/q.spl" "$GOOD"
if [ "$(stat -c %a "$TMP/q.spl")" = 640 ]; then ok; else ko "replaced -o file mode $(stat -c %a "$TMP/q.spl")"; fi

# files after limit.rules count as not loaded, in a directory or one by one
mkdir -p "$TMP/lr"
for i in 1 2 3; do
    printf 'title: t%s\nid: 00000000-0000-4000-8000-00000000000%s\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n' "$i" "$i" > "$TMP/lr/r$i.yml"
done
expect_status 1 "$SIGMACC" compile -t spl --limit-rules=1 "$TMP/lr"
expect_grep '^1 rule compiled for spl, 0 failed, 2 files not loaded$' "$TMP/err"
expect_status 1 "$SIGMACC" compile -t spl --limit-rules=1 "$TMP/lr/r1.yml" "$TMP/lr/r2.yml" "$TMP/lr/r3.yml"
expect_grep '^1 rule compiled for spl, 0 failed, 2 files not loaded$' "$TMP/err"

# -o onto a pipe or a link writes through it; only a regular file is
# replaced (a temporary renamed over /dev/null made it a regular file)
mkfifo "$TMP/fifo"
timeout 10 cat "$TMP/fifo" > "$TMP/fifo.out" & # no hang if the FIFO is lost
"$SIGMACC" compile -q -t spl -p splunk-windows -o "$TMP/fifo" "$GOOD"
wait
if [ -p "$TMP/fifo" ]; then ok; else ko "-o FIFO: the FIFO was replaced"; fi
expect_grep 'whoami' "$TMP/fifo.out" "-o FIFO: the query"
: > "$TMP/target.spl"
ln -s "$TMP/target.spl" "$TMP/link.spl"
"$SIGMACC" compile -q -t spl -p splunk-windows -o "$TMP/link.spl" "$GOOD"
if [ -L "$TMP/link.spl" ]; then ok; else ko "-o LINK: the link was replaced"; fi
expect_grep 'whoami' "$TMP/target.spl" "-o LINK: the query"

finish
