#!/bin/sh
# suricata_detect.sh - compiled rules fire on the traffic they describe, and
# only there. A capture is built from tests/data/suricata/detect/flows.tsv
# (HTTP requests, DNS queries, TLS ClientHellos, TFTP requests, bare
# connections); the Sigma rules of that folder and the ROMMONkit TFTP
# example are compiled with the suricata pipeline; `suricata -r -k none`
# must raise exactly the (rule, flow) alerts of expected.tsv.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/suricata_lib.sh"
need_suricata
if ! /usr/bin/python3 -c 'import scapy.all' >/dev/null 2>&1; then
    echo "SKIP: /usr/bin/python3 has no scapy (tests/setup-suricata.sh installs python3-scapy)"
    exit 77
fi
D="$top_srcdir/tests/data/suricata/detect"
ROMMON="$top_srcdir/examples/rommonkit/rommon_tftp_transfer.yml"

# the capture
if /usr/bin/python3 "$top_srcdir/tests/suricata_pcap.py" "$D/flows.tsv" "$TMP/cap.pcap" \
    "$TMP/flows.map" 2>"$TMP/pcap.err"; then ok; else ko "building the capture"; cat "$TMP/pcap.err" >&2; fi

# the rules: every one must compile
expect_status 0 "$SIGMACC" compile -t suricata -q -o "$TMP/detect.rules" "$D"/*.yml "$ROMMON"
nsigma=$(ls "$D"/*.yml | wc -l)
nsigma=$((nsigma + 1))
# one Sigma rule may be several Suricata rules, but every Sigma rule is there
for f in "$D"/*.yml "$ROMMON"; do
    id=$(sed -n 's/^id: *//p' "$f")
    if grep -q "sigma_id $id" "$TMP/detect.rules"; then ok; else ko "no Suricata rule for $f"; fi
done
suricata_load detect "$TMP/detect.rules"

# run it: -k none, the capture's checksums are not computed
sed 's/^outputs: \[\]/outputs:\n  - fast:\n      enabled: yes\n      filename: fast.log/' \
    "$SURICATA_YAML" >"$TMP/run.yaml"
mkdir -p "$TMP/run"
if suricata -r "$TMP/cap.pcap" -c "$TMP/run.yaml" -S "$TMP/detect.rules" -l "$TMP/run" -k none \
    >"$TMP/run.log" 2>&1; then ok; else ko "suricata -r failed"; tail -20 "$TMP/run.log" >&2; fi
if grep -qE '^(Error|Warning|E|W): ' "$TMP/run.log"; then
    ko "suricata -r printed errors or warnings"
    grep -E '^(Error|Warning|E|W): ' "$TMP/run.log" | head -5 >&2
else
    ok
fi

# fast.log: "... [**] [1:SID:REV] MSG [**] [Classification: ...] {PROTO} IP:PORT -> ..."
# -> "MSG<TAB>flow name" by the client address and port of the flow
sed -n 's/^.*\[\*\*\] \[1:[0-9]*:[0-9]*\] \(.*\) \[\*\*\] \[Classification.*{[A-Z0-9]*} \([0-9.]*\):\([0-9]*\) -> .*$/\2:\3\t\1/p' \
    "$TMP/run/fast.log" >"$TMP/alerts.all"
LC_ALL=C sort -u "$TMP/alerts.all" >"$TMP/alerts.raw"
awk -F'\t' 'NR == FNR { flow[$2 ":" $3] = $1; next }
            { print $2 "\t" (($1 in flow) ? flow[$1] : "unknown:" $1) }' \
    "$TMP/flows.map" "$TMP/alerts.raw" | LC_ALL=C sort -u >"$TMP/alerts.tsv"
if cmp -s "$D/expected.tsv" "$TMP/alerts.tsv"; then ok; else
    ko "alerts differ from expected.tsv (- expected, + raised)"
    diff -u "$D/expected.tsv" "$TMP/alerts.tsv" >&2
fi
echo "$(wc -l <"$TMP/alerts.tsv") (rule, flow) alerts from $nsigma Sigma rules on $(wc -l <"$TMP/flows.map") flows"

# a rule on addresses alone is tied to the request: one alert per request
# (one per HTTP flow), not one per packet of the flow
nhttp=$(grep -c '^[^#][^	]*	http	' "$D/flows.tsv")
n=$(grep -c '	Detect Request To Test Web Server$' "$TMP/alerts.all")
if [ "$n" -eq "$nhttp" ] && [ "$nhttp" -ge 6 ]; then ok; else
    ko "address-only HTTP rule: $n alerts for $nhttp requests"; fi

# the ROMMONkit case, said on its own
R='Cisco ROM Monitor Image Transferred Over TFTP'
if grep -q "^$R	tftp_rommon\$" "$TMP/alerts.tsv"; then ok; else
    ko "ROMMON rule did not fire on the read request for isr4300-rommon.162-1r.pkg"; fi
if grep -q "^$R	tftp_confg\$" "$TMP/alerts.tsv"; then
    ko "ROMMON rule fired on the read request for router-confg"; else ok; fi
finish
