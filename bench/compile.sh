#!/bin/sh
# bench/compile.sh - time `sigmacc compile` over the SigmaHQ rules.
# Usage: bench/compile.sh [SIGMACC] [RUNS]   (SIGMA_CORPUS overrides the corpus)
# For each target and pipeline that exist (spl -p splunk-windows; kql with
# kql-defender-xdr, kql-sentinel and kql-adx; suricata), twice: with one
# thread pinned to CPU 0 (-j 1), and as a user runs it (one loading thread
# per CPU). Each line: rules converted and failed, best and median wall
# time of RUNS runs, the best CPU time (user+sys: steadier on a busy
# machine), and rules/s from the best wall time (rules counted, not files:
# a file may hold several documents).
set -eu
SIGMACC=${1:-./sigmacc}
RUNS=${2:-11}
C=${SIGMA_CORPUS:-$(dirname "$0")/../../shared/corpus/sigmahq}
[ -d "$C/rules" ] || { echo "corpus not found at $C" >&2; exit 1; }
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"

for conf in "spl splunk-windows" "kql kql-defender-xdr" "kql kql-sentinel" "kql kql-adx" \
    "suricata -"; do
    target=${conf% *} pipeline=${conf#* }
    if ! "$SIGMACC" list targets | grep -q "^$target "; then
        echo "$target: not built, skipped"
        continue
    fi
    if [ "$pipeline" != - ] && ! "$SIGMACC" list pipelines 2>/dev/null | grep -qx "$pipeline"; then
        echo "$target -p $pipeline: no such pipeline, skipped"
        continue
    fi
    for mode in one all; do
        set -- compile -t "$target"
        [ "$pipeline" = - ] || set -- "$@" -p "$pipeline"
        pin=""
        if [ $mode = one ]; then
            set -- "$@" -j 1
            pin=$PIN
        fi
        # shellcheck disable=SC2086
        python3 - "$RUNS" "$mode" $pin "$SIGMACC" "$@" "$C/rules" <<'PY'
import os, re, subprocess, sys, tempfile, time
runs, mode, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times, cpu, summary = [], [], ""
for _ in range(runs):
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, _, ru = os.wait4(p.pid, 0)
        times.append(time.perf_counter() - t0)
        cpu.append(ru.ru_utime + ru.ru_stime)
        err.seek(0)
        summary = err.read().decode(errors="replace").strip().splitlines()[-1:]
m = re.match(r"(\d+) rules? compiled for \S+, (\d+) failed", summary[0] if summary else "")
ok, failed = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
times.sort()
cpu.sort()
best, med = times[0], times[len(times) // 2]
i = cmd.index("-t")
what = " ".join(a for a in cmd[i + 1:-1] if a not in ("-j", "1"))
print("%-32s %-13s %4d converted, %4d failed; wall best %.3f s, median %.3f s; "
      "CPU best %.3f s; %.0f rules/s"
      % (what, "1 thread:" if mode == "one" else "all CPUs:", ok, failed, best, med, cpu[0],
         (ok + failed) / best))
PY
    done
done
