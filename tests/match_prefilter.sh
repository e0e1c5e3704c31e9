#!/bin/sh
# match_prefilter.sh - the prefilter, dispatch and string sets change speed,
# never results: `sigmacc match` and `sigmacc match --no-prefilter` (every
# rule on every event, test by test) print the same lines over SigmaHQ's
# regression events and variants of them made to reach the matcher's
# special paths: case changes, \u escapes and non-ASCII text (keywords
# looked for in the JSON text or in collected strings), values in arrays,
# event IDs as strings, values cut or grown at either end.
set -u
: "${SIGMACC:?}" "${SIGMA_CORPUS:?}"
RD="$SIGMA_CORPUS/regression_data/rules/windows"
if [ ! -d "$RD" ] || [ ! -d "$SIGMA_CORPUS/rules/windows" ]; then
    echo "SKIP: corpus not found at $SIGMA_CORPUS"
    exit 77
fi
PY=$(command -v python3) || { echo "SKIP: no python3 to make the variants"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SIGMACC_PIPELINES="${top_srcdir:-.}/pipelines"

find "$RD" -name '*.json' | sort > "$tmp/files"
"$PY" - "$tmp/files" > "$tmp/events.json" <<'PY'
import json, sys

def strings(v, f):
    if isinstance(v, dict):
        return {k: strings(x, f) for k, x in v.items()}
    if isinstance(v, list):
        return [strings(x, f) for x in v]
    return f(v) if isinstance(v, str) else v

def arrays(v):
    if isinstance(v, dict):
        return {k: arrays(x) for k, x in v.items()}
    return ["other", v] if isinstance(v, str) else v

def id_text(ev):
    s = ev.get("Event", {}).get("System", {})
    if isinstance(s.get("EventID"), int):
        s["EventID"] = str(s["EventID"])
    return ev

def leaves(v, path=()):
    """paths of the string values"""
    if isinstance(v, dict):
        for k, x in v.items():
            yield from leaves(x, path + (k,))
    elif isinstance(v, str):
        yield path

def edit(e, path, f):
    e = json.loads(json.dumps(e))
    d = e
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = f(d[path[-1]])
    return e

# Keywords of SigmaHQ's Windows keyword rules (mimikatz, antivirus names):
# appended to a value, they must reach the keyword rules whatever the
# escaping of the text.
KEYWORDS = ["sekurlsa::logonpasswords", "Kiwi Legit Printer", "\\mimilib.dll", "HackTool",
            "lsadump::sam", "gentilkiwi.com", "Cobalt"]

variants = [
    lambda e: e,
    lambda e: strings(e, str.upper),
    lambda e: strings(e, str.lower),
    lambda e: strings(e, lambda s: s.replace("s", "\u017f").replace("k", "\u212a")),
    lambda e: strings(e, lambda s: "\u00e9" + s),
    lambda e: strings(e, lambda s: s[1:]),
    lambda e: strings(e, lambda s: s[:-1]),
    lambda e: strings(e, lambda s: "x" + s + "x"),
    lambda e: arrays(e),
    id_text,
]
dec = json.JSONDecoder()
for path in open(sys.argv[1]).read().split():
    text, at, events = open(path, encoding="utf-8").read(), 0, []
    while True:  # one value per line, or concatenated pretty-printed ones
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            break
        ev, at = dec.raw_decode(text, at)
        events.extend(ev if isinstance(ev, list) else [ev])
    for e in events:
        out = [v(json.loads(json.dumps(e))) for v in variants]
        # one value at a time: grown or cut at either end (endswith,
        # startswith and equality decided by position), or with a keyword
        for i, path in enumerate(leaves(e)):
            out += [edit(e, path, lambda s: s + "x"), edit(e, path, lambda s: "x" + s),
                    edit(e, path, lambda s: s[:-1]), edit(e, path, lambda s: s[1:]),
                    edit(e, path, lambda s: s + " " + KEYWORDS[i % len(KEYWORDS)])]
        for i, ev in enumerate(out):
            text = json.dumps(ev, ensure_ascii=(i % 2 == 0))
            if i % 3 == 1:
                text = text.replace("/", "\\/")
            elif i % 3 == 2:
                text = text.replace("i", "\\u0069")  # no 'i' in true, false, null
            print(text)
PY
n=$(wc -l < "$tmp/events.json")
[ "$n" -gt 1000 ] || { echo "FAIL: only $n events made"; exit 1; }

for j in 1 2; do
    "$SIGMACC" match -q -j $j -r "$SIGMA_CORPUS/rules/windows" -p evtx-json "$tmp/events.json" \
        > "$tmp/fast$j" 2> "$tmp/err"
    [ $? -le 1 ] || { echo "FAIL: sigmacc match -j $j"; cat "$tmp/err"; exit 1; }
done
"$SIGMACC" match -q --no-prefilter -r "$SIGMA_CORPUS/rules/windows" -p evtx-json \
    "$tmp/events.json" > "$tmp/ref" 2> "$tmp/err"
[ $? -le 1 ] || { echo "FAIL: sigmacc match --no-prefilter"; cat "$tmp/err"; exit 1; }
m=$(wc -l < "$tmp/ref")
[ "$m" -gt 100 ] || { echo "FAIL: only $m matches in the reference"; exit 1; }
if ! cmp -s "$tmp/ref" "$tmp/fast1"; then
    echo "FAIL: the prefilter changed the results:"
    diff "$tmp/ref" "$tmp/fast1" | head -20
    exit 1
fi
cmp -s "$tmp/fast1" "$tmp/fast2" || { echo "FAIL: -j 2 differs from -j 1"; exit 1; }
echo "prefilter: $n events, $m matches, identical to --no-prefilter"
