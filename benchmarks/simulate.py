"""Monte Carlo over the envelopes (``pf.simulate``): the rows of the benchmark table.

    python -m benchmarks.simulate            # the three rows alone
    python -m benchmarks.simulate --quick    # fewer scenarios

- 10.000 single-year scenarios on the appendix, default rule (the closed form), warm,
  median; anchor: one ``optimize()`` measured in turn with it; target ≤ 150×.
- 1.000 scenarios of the 3-year plan on 2 cores (a ``ProcessPoolExecutor`` of 2), one
  run; anchor: the same scenarios' cost in this process, measured on a slice of them
  (the per-scenario cost times the count).
- a paper estimate for 10^6 scenarios of the 3-year plan on a dask cluster: the
  per-scenario cost measured here, divided over the cluster's cores, plus the
  scheduler's cost per task (dask's own figure, about 1 ms a task, with 100 scenarios
  a task); anchor: the same on the 2 cores of this machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET = {"recurrent": ("uniform", 300_000, 600_000), "investment": ("normal", 66_390, 5_000)}
#: a cluster of the paper estimate: 16 machines of 16 cores
CLUSTER_CORES = 256
#: scenarios per dask task, and the scheduler's overhead per task (dask's documentation: about 1 ms)
PER_TASK, TASK_OVERHEAD = 100, 1e-3


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def _row(*args: Any, **kwargs: Any) -> Any:
    from benchmarks.run import Row

    return Row(*args, **kwargs)


def bench_simulate_year(scenarios: int, repeat: int) -> Any:
    import portfolio as pf

    tasks = pf.read_appendix()
    pf.simulate(tasks, budget=BUDGET, scenarios=100)
    pf.optimize(tasks)
    runs, ones = [], []
    for _ in range(repeat):  # taking turns, so that a busy moment touches both
        t0 = time.perf_counter()
        sim = pf.simulate(tasks, budget=BUDGET, scenarios=scenarios, seed=0)
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pf.optimize(tasks)
        ones.append(time.perf_counter() - t0)
    took, one = statistics.median(runs), statistics.median(ones)
    return _row(
        f"simulate: {_n(scenarios)} single-year scenarios, default rule (closed form)",
        took,
        "s",
        "one optimize()",
        one,
        "≤ 150×",
        took / one <= 150,
        f"{sim.method}; {1e6 * took / scenarios:.1f} µs a scenario",
    )


def bench_simulate_plan(scenarios: int, workers: int, sample: int) -> list[Any]:
    import portfolio as pf

    tasks = pf.read_appendix()
    pf.simulate(tasks, budget=BUDGET, scenarios=2, years=3)
    t0 = time.perf_counter()
    serial = pf.simulate(tasks, budget=BUDGET, scenarios=sample, years=3, seed=0)
    per_scenario = (time.perf_counter() - t0) / sample
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pf.simulate(tasks, budget=BUDGET, scenarios=2 * workers, years=3, executor=pool, chunk_size=1)  # warm
        t0 = time.perf_counter()
        sim = pf.simulate(tasks, budget=BUDGET, scenarios=scenarios, years=3, seed=0, executor=pool)
        took = time.perf_counter() - t0
    same = bool((sim.outcomes.x[:sample] == serial.outcomes.x).all())
    alone = per_scenario * scenarios
    plan = _row(
        f"simulate: {_n(scenarios)} scenarios of the 3-year plan, {workers} processes",
        took,
        "s",
        f"in one process ({f'{per_scenario * 1e3:.1f}'.replace('.', ',')} ms a scenario × {_n(scenarios)})",
        alone,
        "",
        None,
        f"the first {sample} equal to a run in one process: {same}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    )
    cluster = 1e6 * per_scenario / CLUSTER_CORES + (1e6 / PER_TASK) * TASK_OVERHEAD / CLUSTER_CORES
    here = 1e6 * per_scenario / workers
    paper = _row(
        f"paper estimate: 10^6 scenarios of the 3-year plan, dask, {CLUSTER_CORES} cores",
        cluster,
        "s",
        f"the same on this machine's {workers} cores",
        here,
        "",
        None,
        f"{per_scenario * 1e3:.1f} ms a scenario measured here; {PER_TASK} scenarios a task, "
        f"{TASK_OVERHEAD * 1e3:.0f} ms of scheduling a task; results about 4 KB a scenario (4 GB in all)",
    )
    return [plan, paper]


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import machine, table

    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    print(machine(), flush=True)
    rows = [bench_simulate_year(2_000 if quick else 10_000, 3 if quick else 9)]
    rows += bench_simulate_plan(100 if quick else 1_000, 2, 20 if quick else 50)
    print(table(rows), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
