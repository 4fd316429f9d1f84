"""Run every benchmark and print one table: each figure next to its anchor, as a ratio.

    python -m benchmarks            # everything (about a minute on 2 cores)
    python -m benchmarks --quick    # smaller repeats, for a smoke test
    python -m benchmarks --lp-path  # also every stage as an LP (10.000-task plan, 100.000-task
                                    # year: the latter takes minutes)

Each figure is measured in the same run as its anchor:

- ``import portfolio``: ``python -c "import portfolio"`` minus ``python -c "pass"``
  (medians of subprocesses); anchor: the bare interpreter.
- ``optimize()`` on the appendix, warm: median per call; anchor: raw highspy solving
  the same stage LPs from their matrices (a fresh ``Highs`` with the library's options,
  ``passModel`` from numpy arrays, ``run``, reading ``x``), median per call.
- ``portfolio optimize`` end to end (subprocess); anchor: the bare interpreter.
- a 1.000-point budget frontier on the appendix; anchor: one ``optimize()``.
- water-filling at 100.000 tasks (``frontiers.water_fill`` on each source) against the
  ladder (``solve_ladder``) on the same year, as ``optimize()`` runs it (LP stages and,
  for the large fill stages, their closed form); with ``--lp-path`` also against every
  stage as an LP. Ratio = speed-up; the allocations are compared too.
- a 3-year plan of 10.000 tasks: "model build + solve" is the time in ``solve_ladder``
  over the whole run (every year of every pass of the deferral loop: stage LPs built
  with ``ProblemBuilder`` and solved through ``solvers``, closed-form stages, fixing
  each tier); "whole optimize()" adds instances, the deferral loop and tables. Anchor
  of both: raw highspy on exactly the LPs the run solved, captured as they were handed
  to the solver and solved again from their matrices.
- a 5-year plan of 100.000 tasks in a fresh subprocess: peak resident memory of the
  whole process (the kernel's high-water mark, making the tasks included); anchor: the
  resident memory once the tasks are made.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import synthetic  # noqa: E402
from benchmarks.lp import captured_lps, ladder_seconds, raw_highspy_seconds  # noqa: E402


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    anchor: str
    anchor_value: float
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.anchor_value if self.anchor_value else float("nan")


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _subprocess_seconds(*commands: list[str], repeat: int) -> list[float]:
    """Median wall time of each command, run in turn ``repeat`` times (so drift hits all alike)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    times: list[list[float]] = [[] for _ in commands]
    for k in range(repeat + 1):
        for args, mine in zip(commands, times, strict=True):
            t0 = time.perf_counter()
            subprocess.run(args, check=True, env=env, cwd=ROOT, **quiet)
            if k:  # the first round warms the file cache
                mine.append(time.perf_counter() - t0)
    return [statistics.median(mine) for mine in times]


# --- the benchmarks ----------------------------------------------------------------------


def bench_import(repeat: int) -> Row:
    bare, full = _subprocess_seconds(
        [sys.executable, "-c", "pass"], [sys.executable, "-c", "import portfolio"], repeat=repeat
    )
    extra = full - bare
    figure = "import portfolio, minus bare python"
    return Row(figure, extra, "s", "python -c pass", bare, "≤ 0,5 s", extra <= 0.5)


def bench_optimize(repeat: int) -> Row:
    import portfolio as pf

    tasks = pf.read_appendix()
    for _ in range(3):
        pf.optimize(tasks)
    took = _median(lambda: pf.optimize(tasks), repeat)
    with captured_lps() as lps:
        pf.optimize(tasks)
    raw = statistics.median(raw_highspy_seconds(lps) for _ in range(repeat))
    return Row(
        "optimize() appendix, default rule (median, warm)",
        took,
        "s",
        f"raw highspy, same {len(lps)} LPs",
        raw,
        "≤ 20 ms",
        took <= 0.020,
    )


def bench_cli(repeat: int) -> Row:
    bare, took = _subprocess_seconds(
        [sys.executable, "-c", "pass"], [sys.executable, "-m", "portfolio", "optimize"], repeat=repeat
    )
    return Row("portfolio optimize, end to end", took, "s", "python -c pass", bare, "≤ 1,5 s", took <= 1.5)


def bench_frontier(repeat: int) -> Row:
    import portfolio as pf
    from portfolio.frontiers import frontier

    tasks = pf.read_appendix()
    frontier(tasks, points=10)
    took = _median(lambda: frontier(tasks, points=1000), repeat)
    one = _median(lambda: pf.optimize(tasks), repeat)
    return Row("frontier(points=1000), appendix", took, "s", "one optimize()", one, "≤ 2 s", took <= 2.0)


def bench_fast_path(n: int, repeat: int, closed_form: bool = True) -> Row:
    import portfolio.model.ladder as ladder
    from portfolio.frontiers import water_fill
    from portfolio.model.instance import build_instance
    from portfolio.model.inputs import make_options, planned_totals
    from portfolio.model.options import SOURCES

    tasks = synthetic(n, seed=0)
    inst = build_instance(tasks, make_options(), planned_totals(tasks))

    def closed() -> np.ndarray:
        x = np.zeros(inst.n)
        for s, source in enumerate(SOURCES):
            mine = inst.source == s
            envelope = float(inst.envelope[s])
            x[mine], _ = water_fill(inst.demand[mine], inst.tier[mine], envelope, source=source)
        return x

    fast = _median(closed, max(repeat, 5))
    saved = ladder.CLOSED_FORM_FROM
    ladder.CLOSED_FORM_FROM = saved if closed_form else 10**12
    try:
        t0 = time.perf_counter()
        lp_x = ladder.solve_ladder(inst).x
        slow = time.perf_counter() - t0
        if closed_form:
            slow = min(slow, _median(lambda: ladder.solve_ladder(inst), max(1, repeat // 3)))
    finally:
        ladder.CLOSED_FORM_FROM = saved
    diff = float(np.max(np.abs(closed() - lp_x) / np.maximum(1.0, np.abs(lp_x))))
    speedup = slow / fast
    how = "as optimize() runs it" if closed_form else "every stage an LP"
    return Row(
        f"water_fill, {_n(n)} tasks: speed-up over the ladder, {how}",
        speedup,
        "×",
        "solve_ladder / water_fill",
        1.0,
        "≥ 50×",
        speedup >= 50 and diff <= 1e-6,
        f"water_fill {_fmt(fast, 's')}, ladder {_fmt(slow, 's')}; largest difference {diff:.0e} (relative)",
    )


def bench_plan(n: int, years: int, repeat: int, closed_form: bool = True) -> list[Row]:
    import portfolio as pf
    import portfolio.model.ladder as ladder

    tasks = synthetic(n, seed=0)
    pf.optimize(synthetic(81, seed=1), years=years)  # warm the code paths, not this portfolio
    saved = ladder.CLOSED_FORM_FROM
    ladder.CLOSED_FORM_FROM = saved if closed_form else 10**12
    # the plan and its anchor take turns, so that the machine's drift touches both alike;
    # each figure is the fastest of its runs
    took = in_ladder = raw = float("inf")
    lps: list[Any] = []
    count = 0
    try:
        for _ in range(repeat):
            gc.collect()
            with captured_lps() as seen, ladder_seconds() as spent:
                t0 = time.perf_counter()
                plan = pf.optimize(tasks, years=years)
                took = min(took, time.perf_counter() - t0)
            in_ladder, count, lps = min(in_ladder, sum(spent)), len(spent), lps or seen
            gc.collect()
            raw = min(raw, raw_highspy_seconds(lps))
    finally:
        ladder.CLOSED_FORM_FROM = saved
    deferred = sum(any(v.startswith("not started") for v in notes) for notes in plan.notes.values())
    how = "" if closed_form else ", every stage an LP"
    anchor = f"raw highspy, same {len(lps)} LPs"
    note = (
        f"{count} yearly ladders ({count // years} passes), {plan.solves} stages "
        f"({plan.solves - len(lps)} in closed form); {deferred} new tasks not started"
    )
    ladders = Row(
        f"{years}-year plan, {_n(n)} tasks{how}: model build + solve",
        in_ladder,
        "s",
        anchor,
        raw,
        "≤ 1,3×" if closed_form else "",
        in_ladder <= 1.3 * raw if closed_form else None,
        note,
    )
    whole = Row(f"{years}-year plan, {_n(n)} tasks{how}: whole optimize()", took, "s", anchor, raw, "", None)
    return [ladders, whole]


_MEMORY_SCRIPT = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from benchmarks.generate import synthetic
import portfolio as pf


def status(field):  # kB, this process only (VmHWM: its peak since it started)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


tasks = synthetic({n}, seed=0)
before = status("VmRSS")
t0 = time.perf_counter()
plan = pf.optimize(tasks, years={years})
took = time.perf_counter() - t0
print(json.dumps({{"before": before, "peak": status("VmHWM"), "seconds": took, "rows": len(plan.table),
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def bench_memory(n: int, years: int) -> Row:
    """Peak resident memory (``VmHWM``) of a fresh process making the tasks and the plan.

    ``resource.getrusage`` gives the same from a shell; started from this runner, Linux's
    ``ru_maxrss`` also counts the runner's pages shared between fork and exec (note only).
    """
    script = _MEMORY_SCRIPT.format(root=str(ROOT), n=n, years=years)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    peak, before = data["peak"] / 1024, data["before"] / 1024
    return Row(
        f"{years}-year plan, {_n(n)} tasks: peak memory (whole process)",
        peak,
        "MB",
        "resident after making the tasks",
        before,
        "≤ 1.536 MB",
        peak <= 1536,
        f"plan {_fmt(data['seconds'], 's')}, {_n(data['rows'])} rows; "
        f"getrusage ru_maxrss {_num(data['maxrss'] / 1024)} MB (with the runner's pages, see bench_memory)",
    )


def bench_generator(n: int) -> Row:
    synthetic(1000)
    checked = _median(lambda: synthetic(n, seed=0), 3)
    fast = _median(lambda: synthetic(n, seed=0, validate=False), 3)
    return Row(
        f"synthetic({_n(n)}) with pydantic validation",
        checked,
        "s",
        "validate=False (array checks)",
        fast,
        "seconds",
        checked <= 5.0,
    )


# --- output --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        total = next(line for line in lines if line.startswith("MemTotal"))
        memory = f", {int(total.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    import pandas
    import pydantic

    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()} "
        f"{platform.machine()}; {cpu}, {os.cpu_count()} cores{memory}; numpy {np.__version__}, "
        f"pandas {pandas.__version__}, pydantic {pydantic.__version__}, highspy {version('highspy')}"
    )


def _n(count: int) -> str:
    """100000 -> 100.000, as the appendix writes numbers."""
    return _num(count)


def _num(value: float, digits: int = 0) -> str:
    """A number as the appendix writes it: 21.759; 1,58."""
    return f"{value:,.{digits}f}".translate(str.maketrans(",.", ".,"))


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{_num(value * 1e3, 1)} ms" if value < 1 else f"{_num(value, 2)} s"
    if unit == "×":
        return f"{_num(value)}×"
    return f"{_num(value)} {unit}"


def table(rows: list[Row]) -> str:
    head = ("figure", "measured", "anchor", "anchor value", "ratio", "target", "met")
    body = []
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        ratio = "" if r.unit == "×" else _num(r.ratio, 2)
        anchor_value = _fmt(r.anchor_value, r.unit) if r.unit != "×" else ""
        body.append((r.figure, _fmt(r.value, r.unit), r.anchor, anchor_value, ratio, r.target, met))
    widths = [max(len(str(row[i])) for row in [head, *body]) for i in range(len(head))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    notes = [f"  {r.figure}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (smoke test)")
    parser.add_argument("--lp-path", action="store_true", help="also the plan with every stage an LP")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 9
    big = 20_000 if args.quick else 100_000
    print(machine(), flush=True)
    small, plan_n = (2_000, 1) if args.quick else (10_000, 3)
    steps: list[tuple[str, Callable[[], Row | list[Row]]]] = [
        ("generator", lambda: bench_generator(big)),
        ("import", lambda: bench_import(repeat * 3)),
        ("optimize", lambda: bench_optimize(repeat * 5)),
        ("cli", lambda: bench_cli(max(3, repeat // 2))),
        ("frontier", lambda: bench_frontier(repeat)),
        ("water_fill", lambda: bench_fast_path(big, repeat)),
        ("plan", lambda: bench_plan(small, 3, plan_n)),
        ("memory", lambda: bench_memory(big, 5)),
    ]
    if args.lp_path:
        steps.append(("plan, every stage an LP", lambda: bench_plan(small, 3, 1, closed_form=False)))
        steps.append(("water_fill, every stage an LP", lambda: bench_fast_path(big, 1, closed_form=False)))
    rows: list[Row] = []
    for name, step in steps:
        try:
            got = step()
        except Exception as exc:  # a failing benchmark is a row of the table, not the end of the run
            got = Row(f"{name}: failed", float("nan"), "s", "", float("nan"), "", False, repr(exc))
        rows.extend(got if isinstance(got, list) else [got])
        print(f"  measured {rows[-1].figure}", file=sys.stderr, flush=True)
    print(table(rows), flush=True)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
