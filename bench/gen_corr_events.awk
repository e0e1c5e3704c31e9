# gen_corr_events.awk - synthetic logon events for bench/correlation.sh,
# JSON lines: n events (-v n=, at most 86,400,000), k distinct users
# (-v k=), one event per millisecond from 2026-01-01T00:00:00Z. Users come
# round in a fixed pseudo-random order (a multiplicative step modulo k), so
# every user is seen once per k events; in every fifth round the events are
# successful logons, in the others failures.
BEGIN {
    if (!n) n = 1000000
    if (!k) k = 100000
    step = 7919 # prime: coprime with k unless k is a multiple of it
    for (i = 0; i < n; i++) {
        u = (i * step) % k
        s = int(i / 1000)
        action = (int(i / k) % 5 == 4) ? "ok" : "fail"
        printf "{\"@timestamp\":\"2026-01-01T%02d:%02d:%02d.%03dZ\",\"action\":\"%s\",\"user\":\"u%d\",\"src\":\"10.%d.%d.%d\"}\n", \
            int(s / 3600), int(s / 60) % 60, s % 60, i % 1000, action, u, u % 250, int(u / 250) % 250, i % 250
    }
}
