#!/bin/sh
# match_cli.sh - `sigmacc match` end to end: exit statuses, output formats,
# bad events reported with their position, -j N giving the same output as
# -j 1, stdin, text lines.
set -u
: "${SIGMACC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { # name, condition result
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

cat > "$tmp/r.yml" <<'Y'
title: Needle
id: 0a0a0a0a-0000-4000-8000-000000000001
status: test
logsource: {product: test}
detection:
    sel:
        Event.Data.A|contains: needle
    condition: sel
level: high
---
title: Keyword
id: 0a0a0a0a-0000-4000-8000-000000000002
status: test
logsource: {product: test}
detection:
    kw:
        - 'port-control'
    condition: kw
level: low
Y
# 3000 events, every 7th a hit, one broken line in the middle
i=0
while [ $i -lt 3000 ]; do
    if [ $((i % 7)) -eq 0 ]; then v="a needle $i"; else v="hay $i"; fi
    if [ $i -eq 1500 ]; then echo '{"Event": {"Data": {"A": "broken'; fi
    printf '{"Event":{"Data":{"A":"%s","N":%d}}}\n' "$v" "$i"
    i=$((i + 1))
done > "$tmp/ev.json"

"$SIGMACC" match -r "$tmp/r.yml" "$tmp/ev.json" > "$tmp/out1" 2> "$tmp/err1"
check "exit 0 when something matched" $?
check "429 matches" "$([ "$(wc -l < "$tmp/out1")" -eq 429 ]; echo $?)"
check "first match line" "$(head -1 "$tmp/out1" | grep -q "ev.json:1: event 1: 0a0a0a0a-0000-4000-8000-000000000001 \[high\] Needle$"; echo $?)"
check "bad event reported at its line" "$(grep -q "ev.json:1501: event 1501: " "$tmp/err1"; echo $?)"
check "events after the bad one still numbered (the bad one counts)" "$(grep -q "ev.json:1507: event 1507: " "$tmp/out1"; echo $?)"

"$SIGMACC" match -j 3 -r "$tmp/r.yml" "$tmp/ev.json" > "$tmp/out3" 2> "$tmp/err3"
check "-j 3 exit 0" $?
check "-j 3 output identical to -j 1" "$(cmp -s "$tmp/out1" "$tmp/out3"; echo $?)"

"$SIGMACC" match -r "$tmp/r.yml" - < "$tmp/ev.json" > "$tmp/outs" 2>/dev/null
check "stdin" "$(sed 's/^<stdin>//' "$tmp/outs" | cmp -s - "$(sed "s|^$tmp/ev.json||" "$tmp/out1" > "$tmp/o1s"; echo "$tmp/o1s")"; echo $?)"

"$SIGMACC" match --format json -r "$tmp/r.yml" "$tmp/ev.json" > "$tmp/outj" 2>/dev/null
check "json: one object per line" "$([ "$(grep -c '^{"file":.*"rule":{"id":"0a0a0a0a-0000-4000-8000-000000000001".*"event":{"Event":{"Data":{"A":"a needle 0","N":0}}}}$' "$tmp/outj")" -eq 1 ]; echo $?)"
if command -v python3 > /dev/null; then
    check "json parses" "$(python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/outj"; echo $?)"
fi

printf '{"Event":{"Data":{"A":"hay"}}}\n' > "$tmp/none.json"
"$SIGMACC" match -r "$tmp/r.yml" "$tmp/none.json" > /dev/null 2>&1
check "exit 1 when nothing matched" "$([ $? -eq 1 ]; echo $?)"
"$SIGMACC" match -r "$tmp/r.yml" "$tmp/missing.json" > /dev/null 2>&1
check "exit 2 on a missing input" "$([ $? -eq 2 ]; echo $?)"
"$SIGMACC" match "$tmp/none.json" > /dev/null 2>&1
check "exit 2 without rules" "$([ $? -eq 2 ]; echo $?)"
"$SIGMACC" match -r "$tmp/r.yml" --bogus "$tmp/none.json" > /dev/null 2>&1
check "exit 2 on a bad option" "$([ $? -eq 2 ]; echo $?)"

# pretty-printed concatenated objects
printf '{\n  "Event": {\n    "Data": {"A": "needle"}\n  }\n}\n{\n  "Event": {"Data": {"A": "x"}}\n}\n' > "$tmp/pretty.json"
check "pretty-printed objects" "$("$SIGMACC" match -r "$tmp/r.yml" "$tmp/pretty.json" | grep -q "pretty.json:1: event 1: "; echo $?)"

# text lines
printf 'Feb 17 %%PARSER-5-CFGLOG_LOGGEDCMD: logged command:no access-session PORT-CONTROL\nother\n' > "$tmp/log.txt"
check "--input lines keyword" "$("$SIGMACC" match --input lines -r "$tmp/r.yml" "$tmp/log.txt" | grep -q "log.txt:1: event 1: 0a0a0a0a-0000-4000-8000-000000000002"; echo $?)"

# --stats goes to stderr
"$SIGMACC" match --stats -r "$tmp/r.yml" "$tmp/ev.json" > /dev/null 2> "$tmp/stats"
check "--stats summary" "$(grep -q "3001 events, 429 matches, 1 bad events" "$tmp/stats"; echo $?)"
check "--stats per rule" "$(grep -q " 429 .*0a0a0a0a-0000-4000-8000-000000000001 Needle" "$tmp/stats"; echo $?)"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
