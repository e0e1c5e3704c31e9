#!/bin/sh
# bench/compile.sh - time `sigmacc compile` over the SigmaHQ rules on one core.
# Usage: bench/compile.sh [SIGMACC] [RUNS]   (SIGMA_CORPUS overrides the corpus)
# For each target that exists (spl with -p splunk-windows when that pipeline
# exists, kql, suricata): rules converted and failed, best and median wall
# time of RUNS runs pinned to CPU 0, the best CPU time (user+sys: steadier
# on a busy machine), and rules/s from the best wall time (rules counted, not
# files: a file may hold several documents).
set -eu
SIGMACC=${1:-./sigmacc}
RUNS=${2:-11}
C=${SIGMA_CORPUS:-$(dirname "$0")/../../shared/corpus/sigmahq}
[ -d "$C/rules" ] || { echo "corpus not found at $C" >&2; exit 1; }
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"

for target in spl kql suricata; do
    if ! "$SIGMACC" list targets | grep -q "^$target "; then
        echo "$target: not built, skipped"
        continue
    fi
    set -- compile -t "$target"
    if [ "$target" = spl ] && "$SIGMACC" list pipelines 2>/dev/null | grep -qx splunk-windows; then
        set -- "$@" -p splunk-windows
    fi
    # shellcheck disable=SC2086
    python3 - "$RUNS" "$target" $PIN "$SIGMACC" "$@" "$C/rules" <<'PY'
import os, re, subprocess, sys, tempfile, time
runs, target, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
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
args = " ".join(a for a in cmd if a.startswith("-p") or a in ("splunk-windows",))
print("%s%s: %d rules converted, %d failed; wall best %.3f s, median %.3f s; "
      "CPU (user+sys) best %.3f s; %.0f rules/s"
      % (target, " " + args if args else "", ok, failed, best, med, cpu[0], (ok + failed) / best))
PY
done
