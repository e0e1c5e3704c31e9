#!/bin/sh
# regression.sh - every event of SigmaHQ's regression data triggers the rule
# its info.yml names, with `sigmacc match -p evtx-json` over all of
# rules/windows (so other rules may fire too: they are listed, not failed).
# Known misses are listed in KNOWN with the reason; any other miss fails,
# and so does a KNOWN entry that starts to pass (update the list).
set -u
: "${SIGMACC:?}" "${SIGMA_CORPUS:?}"
RD="$SIGMA_CORPUS/regression_data/rules"
if [ ! -d "$RD" ] || [ ! -d "$SIGMA_CORPUS/rules/windows" ]; then
    echo "SKIP: corpus not found at $SIGMA_CORPUS"
    exit 77
fi
# rule id -> reason it cannot fire here
KNOWN=""

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SIGMACC_PIPELINES="${top_srcdir:-.}/pipelines"

# expected: file <TAB> rule id, for every event file
find "$RD/windows" -name info.yml | sort | while read -r info; do
    id=$(sed -n '/rule_metadata:/,/title:/s/.*- id: *//p' "$info" | head -1)
    for f in "$(dirname "$info")"/*.json; do
        [ -f "$f" ] && printf '%s\t%s\n' "$f" "$id"
    done
done > "$tmp/expected"
n=$(wc -l < "$tmp/expected")
[ "$n" -gt 0 ] || { echo "FAIL: no regression events found"; exit 1; }

cut -f1 "$tmp/expected" > "$tmp/files"
# shellcheck disable=SC2046
"$SIGMACC" match -q -r "$SIGMA_CORPUS/rules/windows" -p evtx-json $(cat "$tmp/files") \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -gt 1 ]; then
    echo "FAIL: sigmacc match exited $rc"; cat "$tmp/err"; exit 1
fi
if [ -s "$tmp/err" ]; then
    echo "FAIL: unexpected diagnostics:"; cat "$tmp/err"; exit 1
fi
# out: FILE:LINE: event N: ID [level] title  ->  FILE <TAB> ID
sed -n 's/^\(.*\):[0-9]*: event [0-9]*: \([^ ]*\) \[.*$/\1\t\2/p' "$tmp/out" | sort -u > "$tmp/got"

pass=0 fail=0 known=0 fixed=0
while IFS="$(printf '\t')" read -r f id; do
    if grep -qF "$(printf '%s\t%s' "$f" "$id")" "$tmp/got"; then
        case " $KNOWN " in
        *" $id "*) echo "FIXED: $id now fires on $f (remove it from KNOWN)"; fixed=$((fixed + 1)) ;;
        *) pass=$((pass + 1)) ;;
        esac
    else
        case " $KNOWN " in
        *" $id "*) known=$((known + 1)); echo "known miss: $id ($f)" ;;
        *) echo "MISS: $id did not fire on $f"; fail=$((fail + 1)) ;;
        esac
    fi
done < "$tmp/expected"

# other rules that fire on regression events (informational)
others=$(awk -F'\t' 'NR==FNR { want[$1 "\t" $2] = 1; next } !($0 in want)' "$tmp/expected" "$tmp/got" | wc -l)
echo "other rule firings on regression events: $others (see below)"
awk -F'\t' 'NR==FNR { want[$1 "\t" $2] = 1; next } !($0 in want) { print "  also: " $2 " on " $1 }' \
    "$tmp/expected" "$tmp/got" | sed "s|$RD/||" | head -100

# Cisco: a raw syslog line, matched as text with keywords.
for info in $(find "$RD" -name info.yml -path '*cisco*'); do
    id=$(sed -n '/rule_metadata:/,/title:/s/.*- id: *//p' "$info" | head -1)
    rule=$(grep -rl "^id: $id" "$SIGMA_CORPUS/rules" | head -1)
    for f in "$(dirname "$info")"/*.raw; do
        if "$SIGMACC" match -q --input lines -r "$rule" "$f" | grep -q " $id "; then
            pass=$((pass + 1))
        else
            echo "MISS: $id did not fire on $f (--input lines)"; fail=$((fail + 1))
        fi
    done
done

echo "regression: $pass passed, $fail failed, $known known misses, $fixed fixed"
[ $fail -eq 0 ] && [ $fixed -eq 0 ]
