#!/bin/sh
# suricata_corr.sh - event_count correlations compiled for Suricata count
# what Sigma counts: `gte: 5` per source address alerts on the 5th match
# within the timespan (detection_filter count 4), not before, and not for
# sources that never reach 5 in one window; without group-by the rule's
# own counter (threshold by_rule) alerts on the 6th of 6. A capture of lone
# SYNs (tests/data/suricata/corr/syns.tsv) is replayed with `suricata -r`.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/suricata_lib.sh"
need_suricata
if ! /usr/bin/python3 -c 'import scapy.all' >/dev/null 2>&1; then
    echo "SKIP: /usr/bin/python3 has no scapy (tests/setup-suricata.sh installs python3-scapy)"
    exit 77
fi
D="$top_srcdir/tests/data/suricata/corr"

# the capture: one SYN per line, in time order
cat >"$TMP/syns.py" <<'EOF'
import sys
from scapy.all import IP, TCP, wrpcap
rows = []
for line in open(sys.argv[1]):
    if not line.strip() or line.startswith("#"):
        continue
    t, src, dst, dport = line.rstrip("\n").split("\t")
    rows.append((int(t), src, dst, int(dport)))
rows.sort(key=lambda r: r[0])
pkts = []
for n, (t, src, dst, dport) in enumerate(rows):
    p = IP(src=src, dst=dst) / TCP(sport=40000 + n, dport=dport, flags="S", seq=1000)
    p.time = 1700000000 + t
    pkts.append(p)
wrpcap(sys.argv[2], pkts)
EOF
if /usr/bin/python3 "$TMP/syns.py" "$D/syns.tsv" "$TMP/syns.pcap" 2>"$TMP/py.err"; then ok; else
    ko "building the capture"; cat "$TMP/py.err" >&2; fi

expect_status 0 "$SIGMACC" compile -t suricata -q -o "$TMP/corr.rules" "$D/smb_burst.yml" "$D/rdp_total.yml"
expect_grep 'detection_filter:track by_src, count 4, seconds 60;' "$TMP/corr.rules"
expect_grep 'threshold:type threshold, track by_rule, count 6, seconds 30;' "$TMP/corr.rules"
# the base rules feed the correlations only (generate: false)
n=$(grep -c '^alert ' "$TMP/corr.rules")
if [ "$n" -eq 2 ]; then ok; else ko "want 2 Suricata rules, got $n"; fi
suricata_load corr "$TMP/corr.rules"

sed 's/^outputs: \[\]/outputs:\n  - fast:\n      enabled: yes\n      filename: fast.log/' \
    "$SURICATA_YAML" >"$TMP/run.yaml"
mkdir -p "$TMP/run"
# one thread: packets are counted in capture order (with several, flows of one
# source may reach the shared counter out of time order)
if suricata -r "$TMP/syns.pcap" -c "$TMP/run.yaml" -S "$TMP/corr.rules" -l "$TMP/run" -k none \
    --runmode single \
    >"$TMP/run.log" 2>&1; then ok; else ko "suricata -r failed"; tail -20 "$TMP/run.log" >&2; fi
# "MSG<TAB>SRC" per alert
sed -n 's/^.*\[\*\*\] \[1:[0-9]*:[0-9]*\] \(.*\) \[\*\*\] \[Classification.*{TCP} \([0-9.]*\):[0-9]* -> .*$/\1\t\2/p' \
    "$TMP/run/fast.log" >"$TMP/alerts"
printf 'SMB Burst From One Source\t10.1.0.1\nRDP Attempts Overall\t10.2.0.6\n' >"$TMP/want"
if cmp -s "$TMP/want" "$TMP/alerts"; then ok; else
    ko "alerts differ (- wanted, + raised)"; diff -u "$TMP/want" "$TMP/alerts" >&2; fi
finish
