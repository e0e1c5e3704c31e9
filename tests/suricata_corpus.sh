#!/bin/sh
# suricata_corpus.sh - every SigmaHQ rule the suricata target converts loads
# in Suricata 7 (`suricata -T`: all loaded, no error, no warning), and the
# coverage of the network-shaped rules (category dns, dns_query, proxy,
# webserver, firewall, network_connection; product zeek) with the reasons
# for the rest. The count may only go up: lower it on purpose, with a reason.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/suricata_lib.sh"
need_corpus
need_suricata
MIN_CONVERTED=60

# Everything: non-network rules fail in the pipeline, the rest convert or
# fail with a per-rule error.
"$SIGMACC" compile -t suricata -q -o "$TMP/corpus.rules" "$SIGMA_CORPUS/rules" 2>"$TMP/corpus.err"
st=$?
if [ "$st" -eq 0 ] || [ "$st" -eq 1 ]; then ok; else ko "compile exit $st"; head "$TMP/corpus.err" >&2; fi
suricata_load corpus "$TMP/corpus.rules"

# Coverage of the network-shaped rules.
grep -rlE '^[[:space:]]+(category:[[:space:]]*(dns|dns_query|proxy|webserver|firewall|network_connection)|product:[[:space:]]*zeek)[[:space:]]*$' \
    "$SIGMA_CORPUS/rules" | sort >"$TMP/net.list"
total=$(wc -l <"$TMP/net.list")
converted=0
: >"$TMP/first"
while IFS= read -r f; do
    id=$(sed -n 's/^id: *//p' "$f" | head -1)
    if [ -n "$id" ] && grep -q "sigma_id $id" "$TMP/corpus.rules"; then
        converted=$((converted + 1))
    else # the rule's first error
        grep -F "$f:" "$TMP/corpus.err" | grep -m1 'error:' >>"$TMP/first" ||
            echo "$f: error: (no error reported) [none]" >>"$TMP/first"
    fi
done <"$TMP/net.list"
echo "network-shaped SigmaHQ rules: $total, converted: $converted, not converted: $((total - converted))"
echo "reasons (the first error of each rule, grouped):"
sed -e 's/^[^ ]* error: //' -e "s/'[^']*'/'…'/" -e 's/[0-9][0-9]* Suricata rules/N Suricata rules/' \
    -e 's/ \[[a-z-]*\]$//' -e 's/: it describes.*/: (a process field)/' \
    -e 's/: it is the endpoint.*/: (a host name)/' -e 's/: no Suricata header.*//' \
    "$TMP/first" | sort | uniq -c | sort -rn
echo "the fields named:"
sed -n "s/.*field '\([^']*\)' cannot be matched.*/\1/p" "$TMP/first" | sort | uniq -c | sort -rn
if grep -q '(no error reported)' "$TMP/first"; then
    ko "a network rule neither converted nor reported an error"; else ok; fi
[ "$total" -gt 0 ] && ok || ko "no network-shaped rules found"
if [ "$converted" -ge "$MIN_CONVERTED" ]; then ok; else
    ko "only $converted network-shaped rules converted (at least $MIN_CONVERTED before)"
fi
finish
