#!/bin/sh
# correlation.sh - the correlation engine of `sigmacc match` under load:
# N events (default 1,000,000) with K distinct group keys (default 100,000)
# through an event_count and a temporal_ordered correlation (4 failed logons
# of a user in 5 minutes; a failure then a success of the user within 5
# minutes). Prints events/s and peak RSS (/usr/bin/time -v) for: the base
# rules alone, the correlations with the default bounds (-j 1 and -j 2),
# and with the bounds lowered (live groups, window entries), where memory
# stays flat and evictions are counted instead. CPU time (user + system)
# is shown next to wall time: on a loaded machine it is the steadier one.
#   SIGMACC=./sigmacc bench/correlation.sh [N] [K]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SIGMACC=${SIGMACC:-./sigmacc}
N=${1:-1000000}
K=${2:-100000}
dir=${TMPDIR:-/tmp}/sigmacc-corr-bench
mkdir -p "$dir"
ev="$dir/events-$N-$K.json"
[ -s "$ev" ] || awk -v n="$N" -v k="$K" -f "$here/gen_corr_events.awk" > "$ev"

cat > "$dir/base.yml" <<'Y'
title: Failed logon
id: 5a1e0000-0000-4000-8000-000000000001
name: failed_logon
status: test
logsource: {product: bench}
detection:
    sel: {action: fail}
    condition: sel
level: low
---
title: Successful logon
id: 5a1e0000-0000-4000-8000-000000000002
name: ok_logon
status: test
logsource: {product: bench}
detection:
    sel: {action: ok}
    condition: sel
level: low
Y
cat > "$dir/corr.yml" <<'Y'
title: Repeated failed logons
id: 5a1e0000-0000-4000-8000-000000000003
status: test
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [user]
    timespan: 5m
    condition: {gte: 4}
level: medium
---
title: Failed then successful logon
id: 5a1e0000-0000-4000-8000-000000000004
status: test
correlation:
    type: temporal_ordered
    rules: [failed_logon, ok_logon]
    group-by: [user]
    timespan: 5m
level: high
Y

run() { # label, match options...
    label=$1; shift
    /usr/bin/time -v "$SIGMACC" match --stats --no-progress "$@" "$ev" > "$dir/out" 2> "$dir/err" || true
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/err")
    line=$(grep ' events/s' "$dir/err" | head -1)
    secs=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s, .*/\1/p')
    eps=$(echo "$line" | sed -n 's/.* \([0-9]*\) events\/s.*/\1/p')
    cpu=$(awk '/User time|System time/ { t += $NF } END { printf "%.2f", t }' "$dir/err")
    lines=$(grep -c '' "$dir/out" || true)
    printf '%-40s %7s s %9s ev/s  cpu %6s s %9s ev/cpu-s  %7s MiB  %8s lines\n' "$label" \
        "$secs" "$eps" "$cpu" "$(awk -v n="$N" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')" \
        "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$lines"
    grep '^correlations:' "$dir/err" | sed 's/^/    /' || true
}

echo "$N events, $K group keys ($(du -h "$ev" | cut -f1) of JSON lines), $(nproc) CPUs"
run "base rules only (every event a match)" -r "$dir/base.yml"
run "correlations, default bounds, -j 1" -r "$dir/base.yml" "$dir/corr.yml"
run "correlations, default bounds, -j 2" -j 2 -r "$dir/base.yml" "$dir/corr.yml"
run "correlations, --corr-max-groups 20000" --corr-max-groups 20000 -r "$dir/base.yml" "$dir/corr.yml"
run "correlations, --corr-max-groups 2000" --corr-max-groups 2000 -r "$dir/base.yml" "$dir/corr.yml"
run "correlations, --corr-max-entries 50000" --corr-max-entries 50000 -r "$dir/base.yml" "$dir/corr.yml"
