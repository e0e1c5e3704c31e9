#!/bin/sh
# rommonkit.sh - the ROMMONkit rule set (examples/rommonkit): the rules, the
# correlation and the filter check clean; only the seed keeps its findings;
# the filter is merged into the three rules it names.
. "$top_srcdir/tests/lib.sh"
K="$top_srcdir/examples/rommonkit"
SET="$K/cisco_aaa_rommon_upgrade.yml $K/cisco_ios_boot_config_change.yml $K/cisco_ios_reload.yml
     $K/rommon_upgrade_then_reload.yml $K/filter_rommon_change_windows.yml"

# Every file of the set: no error, no warning, even with --strict.
# shellcheck disable=SC2086
expect_status 0 "$SIGMACC" check --strict $SET
expect_grep '^5 rules checked: 0 errors, 0 warnings' "$TMP/err"
if [ -s "$TMP/out" ]; then ko "findings in the set"; cat "$TMP/out" >&2; else ok; fi

# The whole folder: the seed's three findings and nothing else. Other
# engineers' files in the folder (the TFTP rule) must be clean too.
expect_status 1 "$SIGMACC" check "$K"
n=$(grep -c ': \(error\|warning\): ' "$TMP/out")
if [ "$n" -eq 3 ]; then ok; else ko "want 3 findings in $K, got $n"; cat "$TMP/out" >&2; fi
outside=$(grep -E ': (error|warning): ' "$TMP/out" | grep -vc '/seed/')
if [ "$outside" -eq 0 ]; then ok; else ko "$outside findings outside the seed"; fi
expect_grep 'seed/000_aa0adac53b677831.yml:9:7: error: .*\[date-format\]' "$TMP/out"

# The correlation names rules of other files: alone, its references are unknown.
expect_status 1 "$SIGMACC" check "$K/rommon_upgrade_then_reload.yml"
expect_grep "rommon_upgrade_then_reload.yml:[0-9]+:11: error: 'cisco_aaa_rommon_upgrade' is not the id or name of any loaded rule \[correlation\]" "$TMP/out"

# The filter is merged into each rule it names, after the rule's own condition.
# shellcheck disable=SC2086
"$SIGMACC" compile -t ir $SET >"$TMP/ir" 2>"$TMP/ir.err"
for kw in 'upgrade rom-monitor' '%PARSER-5-CFGLOG_LOGGEDCMD' '%SYS-5-RELOAD'; do
    expect_grep "^\(and \(contains \* \"$kw\"\).*\(not \(or \(contains \* \"\(192\.0\.2\.50\)\"\).*\(contains \* \"\\\\x09192\.0\.2\.50\\\\x09\"\).*\(contains \* \"User:svc-netcm  logged command:\"\)\)\)\)$" "$TMP/ir" "filter not merged into the '$kw' rule"
done
# the filter document itself has no output of its own
expect_no_grep 'Approved Cisco Maintenance' "$TMP/ir"

# Sample logs: plain text, one event per line, each starting with an
# ISO-8601 time and the device name.
for f in "$K"/logs/*.log; do
    bad=$(grep -cvE '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\+00:00[ 	]R[0-9]+[ 	]' "$f")
    if [ "$bad" -eq 0 ]; then ok; else ko "$f: $bad lines without 'TIME DEVICE' at the start"; fi
done
# the attack: upgrade on R1, then reload of R1 within the hour; the benign
# maintenance on R2 comes from the configuration-management host the filter names
expect_grep '^2026-11-26T10:09:52\+00:00	R1	.*cmd=upgrade rom-monitor ' "$K/logs/aaa_accounting.log"
expect_grep '^2026-11-26T10:14:41\+00:00 R1 .*%SYS-5-RELOAD: Reload requested by netadmin' "$K/logs/ios_syslog.log"
expect_grep '^2026-11-26T02:06:44\+00:00	R2	svc-netcm	tty3	192\.0\.2\.50	stop	.*cmd=upgrade rom-monitor ' "$K/logs/aaa_accounting.log"
expect_grep '^2026-11-26T02:10:03\+00:00 R2 .*%SYS-5-RELOAD: .*\(192\.0\.2\.50\)\.' "$K/logs/ios_syslog.log"

# The set compiled for Splunk (cisco-ios) and Sentinel (kql-sentinel; the
# device is HostName there: tests/data/rommonkit/sentinel_host.yml) is
# tests/data/rommonkit/rommonkit.{spl,kql}: one query for the correlation
# (the rules it names feed it only, their filter included), one for the
# boot/config-register rule. The KQL is parsed by tests/kql_corr.sh.
D="$top_srcdir/tests/data/rommonkit"
NAMES="cisco_aaa_rommon_upgrade.yml cisco_ios_boot_config_change.yml cisco_ios_reload.yml
       rommon_upgrade_then_reload.yml filter_rommon_change_windows.yml"
for t in spl kql; do
    if [ $t = spl ]; then set -- -p cisco-ios; else set -- -p kql-sentinel -p "$D/sentinel_host.yml"; fi
    # shellcheck disable=SC2086
    (cd "$K" && "$SIGMACC" compile -t $t -q "$@" $NAMES) >"$TMP/rk.$t" 2>"$TMP/rk.err"
    st=$?
    if [ "$st" -eq 0 ]; then ok; else ko "compile -t $t: exit $st"; cat "$TMP/rk.err" >&2; fi
    if cmp -s "$D/rommonkit.$t" "$TMP/rk.$t"; then ok; else
        ko "ROMMONkit $t differs from tests/data/rommonkit/rommonkit.$t"
        diff -u "$D/rommonkit.$t" "$TMP/rk.$t" | head -40 >&2
    fi
done
expect_grep '^\| streamstats time_window=1h current=f max\(sigma_o0_0\) as sigma_s0_0 by host$' "$TMP/rk.spl"
expect_grep '^\| where sigma_rule=="cisco_ios_reload" AND isnotnull\(host\) AND isnotnull\(sigma_s0_0\) AND _time-sigma_s0_0<=3600$' "$TMP/rk.spl"
expect_grep 'sigma_time - sigma_fold.sigma_s0 <= 1h' "$TMP/rk.kql"
if "$top_builddir/tests/spl_lint" "$TMP/rk.spl" >"$TMP/lint" 2>&1; then ok; else
    ko "spl_lint: ROMMONkit SPL"; cat "$TMP/lint" >&2; fi

# sigmacc match over the sample logs, as the README shows it: text lines (by
# --input auto), the two per-source files merged by time. The correlation
# fires once: R1, the attack (upgrade at aaa_accounting.log:12, reload at
# ios_syslog.log:10). Nothing for R2, whose upgrade and reload come from the
# configuration-management host the filter names, nor for R3's lone reload.
# The rules the correlation names only feed it: no lines of their own.
CORR=fe2eb755-cd93-45f9-bc0d-1a4aa6b7c31b
expect_status 0 "$SIGMACC" match -r "$K" -p cisco-ios "$K"/logs/aaa_accounting.log "$K"/logs/ios_syslog.log
cp "$TMP/out" "$TMP/match.out"
n=$(grep -c "$CORR" "$TMP/match.out")
if [ "$n" -eq 1 ]; then ok; else ko "want 1 correlation alert, got $n"; cat "$TMP/match.out" >&2; fi
expect_grep "logs/ios_syslog.log:10: event 10: $CORR \[critical\] Cisco ROM Monitor Upgrade Followed by a Reload \(temporal_ordered host=R1 value=2 time=2026-11-26T10:14:41Z events=[^ ]*logs/aaa_accounting.log:12,[^ ]*logs/ios_syslog.log:10\)\$" "$TMP/match.out"
expect_no_grep 'host=R[23]' "$TMP/match.out"
expect_no_grep '0668d32e-9448-4cdb-9330-7ddc899b7fe2|b6d92469-b14f-407e-a1a8-fd64b48f6b84' "$TMP/match.out" "a base rule of the correlation reported on its own"
# the boot-image rule stands alone: R1's change, not R2's (the filter's account)
expect_grep 'logs/ios_syslog.log:8: event 8: 1189f80f-c9d6-4912-9256-f0d5eb763d80 ' "$TMP/match.out"
n=$(wc -l < "$TMP/match.out")
if [ "$n" -eq 2 ]; then ok; else ko "want 2 lines of output, got $n"; cat "$TMP/match.out" >&2; fi
# the files in the other order: the same alert (the merge is by time)
"$SIGMACC" match -q -r "$K" -p cisco-ios "$K"/logs/ios_syslog.log "$K"/logs/aaa_accounting.log >"$TMP/rev.out" 2>&1
if [ "$(grep -c "$CORR.*host=R1" "$TMP/rev.out")" -eq 1 ] && ! grep -q 'host=R[23]' "$TMP/rev.out"; then ok; else
    ko "files in the other order"; cat "$TMP/rev.out" >&2; fi
# Without the filter, R2's maintenance is an alert too: the filter is what
# keeps it quiet (and the correlation is what ignores R3).
expect_status 0 "$SIGMACC" match -r "$K/cisco_aaa_rommon_upgrade.yml" "$K/cisco_ios_reload.yml" \
    "$K/rommon_upgrade_then_reload.yml" -p cisco-ios "$K"/logs/*.log
expect_grep "logs/ios_syslog.log:3: event 3: $CORR .*host=R2 .*events=[^ ]*aaa_accounting.log:2," "$TMP/out"
expect_no_grep 'host=R3' "$TMP/out"
# One time-ordered stream through 4 threads, JSON output: the same alert.
sort "$K"/logs/*.log > "$TMP/merged.log"
"$SIGMACC" match -q -j 4 --format json -r "$K" -p cisco-ios "$TMP/merged.log" >"$TMP/rk.json" 2>"$TMP/err"
expect_grep "^\{\"file\":\"[^\"]*merged.log\",\"line\":26,\"event_number\":26,\"correlation\":\{\"id\":\"$CORR\",.*\"type\":\"temporal_ordered\"\},\"time\":\"2026-11-26T10:14:41Z\",\"group\":\{\"host\":\"R1\"\},\"value\":2,\"events\":\[\{[^]]*\"line\":19,[^]]*\},\{[^]]*\"line\":26,[^]]*\}\]\}\$" "$TMP/rk.json"
n=$(grep -c '"correlation"' "$TMP/rk.json")
if [ "$n" -eq 1 ]; then ok; else ko "json: want 1 alert, got $n"; fi
finish
