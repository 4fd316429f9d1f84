"""The working paper at scale: ``allocation_to_excel`` on one year of ``n`` synthetic tasks.

Run in a fresh process, so that its peak memory (``VmHWM``) is the export's and the
tasks', not the runner's: make the tasks, ``optimize()`` them (the anchor of the
time), then write the workbook (wall and CPU time), and read the peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import json, sys, tempfile, time
sys.path.insert(0, {root!r})
from pathlib import Path
from benchmarks.generate import synthetic
import portfolio as pf
from portfolio.export import allocation_to_excel


def status(field):  # kB, this process only
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


tasks = synthetic({n}, seed=0)
t0 = time.perf_counter()
allocation = pf.optimize(tasks)
optimize = time.perf_counter() - t0
before = status("VmRSS")
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "allocation.xlsx"
    t0, c0 = time.perf_counter(), time.process_time()
    allocation_to_excel(allocation, path, sensitivity=False)  # marginal() has its own rows
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = path.stat().st_size
print(json.dumps({{"seconds": seconds, "cpu": cpu, "optimize": optimize, "before": before,
                  "peak": status("VmHWM"), "bytes": size}}))
"""


def measure_export(root: Path, n: int) -> dict[str, float]:
    """Seconds (wall, CPU), the ``optimize()`` before it, resident memory before, peak, file size."""
    script = _SCRIPT.format(root=str(root), n=n)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=root)
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return data
