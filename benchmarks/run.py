"""Run every benchmark and print one table: each figure next to its anchor, as a ratio.

    python -m benchmarks            # everything (about two minutes on 2 cores: the plan is one)
    python -m benchmarks --quick    # smaller sizes and repeats, for a smoke test
    python -m benchmarks --lp-path  # also the closed form against LPs on one year of 100.000
                                    # tasks (every fill an LP there takes about 4 minutes)

Each figure is measured in the same run as its anchor, the two taking turns where they repeat:

- ``import portfolio``: ``python -c "import portfolio"`` minus ``python -c "pass"``
  (medians of subprocesses); anchor: the bare interpreter.
- ``optimize()`` on the appendix, warm, one row per rule: median per call. Anchor: raw
  highspy on the LPs the call solved, captured as they were handed to ``solvers.solve``
  (a fresh ``Highs`` with the library's options, ``passModel`` from numpy arrays, ``run``,
  reading ``x``); a rule that solves no LP is anchored on the same call with every fill an
  LP (the default rule) or on one default ``optimize()`` (equal awards).
- ``portfolio optimize`` end to end (subprocess); anchor: the bare interpreter.
- a 1.000-point budget frontier on the appendix; anchor: one ``optimize()``.
- one year of 100.000 tasks, ``solve_ladder`` as ``optimize()`` runs it (every fill in
  closed form); anchor: ``water_filling.water_fill`` on each source; the allocations are
  compared too.
- the closed form's speed-up over the same ladder with every fill an LP
  (``solve_ladder(..., closed_form_from=10**12)``), one year of 10.000 tasks (100.000 with
  ``--lp-path``); target ≥ 50×.
- a 3-year plan of 10.000 tasks, one run: the whole ``optimize()``, which defers one new
  task per pass; anchor: the same plan given the tasks it deferred (``deferred=``), one
  pass to the same allocation. The note splits the run: ``solve_ladder``,
  ``build_instance``, choosing the deferral, the rest. Then that one pass with every fill
  an LP: the time in ``solve_ladder`` against raw highspy on the same LPs (target ≤ 1,3×).
- a 5-year plan of 100.000 tasks in a fresh subprocess: peak resident memory of the
  whole process (the kernel's high-water mark, making the tasks included); anchor: the
  resident memory once the tasks are made.
- the working paper of one year of 100.000 tasks (``allocation_to_excel``) in a fresh
  subprocess: its time (anchor: ``optimize()`` of the same tasks) and the peak memory of
  the whole process (anchor: the resident memory before the export); see
  ``benchmarks/export.py``.
- ``pf.simulate``: 10.000 single-year scenarios, 1.000 scenarios of the 3-year plan on 2
  processes, and a paper estimate for 10^6 on a dask cluster; see ``benchmarks/simulate.py``.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.export import measure_export  # noqa: E402
from benchmarks.generate import synthetic  # noqa: E402
from benchmarks.lp import captured_lps, ladder_seconds, raw_highspy_seconds, seconds_in  # noqa: E402
from benchmarks.simulate import bench_simulate_plan, bench_simulate_year  # noqa: E402


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
    times: list[list[float]] = [[] for _ in commands]
    for k in range(repeat + 1):
        for args, mine in zip(commands, times, strict=True):
            t0 = time.perf_counter()
            subprocess.run(
                args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
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


RULES = ("proportional", "equal_awards", "weighted", "closest_to_plan")


@contextmanager
def _every_fill_an_lp() -> Iterator[None]:
    """Within it, every fill is solved by LPs (the closed form's threshold out of reach)."""
    import portfolio.model.progressive as progressive

    saved = progressive.CLOSED_FORM_FROM
    progressive.CLOSED_FORM_FROM = 10**12
    try:
        yield
    finally:
        progressive.CLOSED_FORM_FROM = saved


def bench_optimize(rule: str, repeat: int) -> Row:
    """``optimize()`` on the appendix with one rule, median of warm calls.

    Anchor: raw highspy on the LPs the call solved; a rule that solves none is
    anchored on the same call with every fill an LP (the default rule) or on one
    default ``optimize()`` (equal awards).
    """
    import portfolio as pf

    tasks = pf.read_appendix()

    def call() -> object:
        return pf.optimize(tasks, rule=rule)

    def default() -> object:
        return pf.optimize(tasks)

    for _ in range(3):
        call()
        default()
    # the call and its anchor take turns, so that the machine's drift touches both alike
    times: list[float] = []
    anchor_times: list[float] = []
    with captured_lps() as lps:
        result = pf.optimize(tasks, rule=rule)
    with _every_fill_an_lp(), captured_lps() as forced_lps:
        forced = pf.optimize(tasks, rule=rule)
    in_ladder: list[float] = []
    for _ in range(repeat):
        with ladder_seconds() as spent:
            times.append(_median(call, 1))
        in_ladder.extend(spent)
        if lps:
            anchor_times.append(raw_highspy_seconds(lps))
        elif rule == "proportional":
            with _every_fill_an_lp():
                anchor_times.append(_median(call, 1))
        else:
            anchor_times.append(_median(default, 1))
    took, anchor_value = statistics.median(times), statistics.median(anchor_times)
    if lps:
        anchor = f"raw highspy, the same {len(lps)} LPs"
    elif rule == "proportional":
        anchor = "the same call, every fill an LP"
    else:
        anchor = "one default optimize()"
    note = (
        f"solve_ladder {_fmt(statistics.median(in_ladder), 's')} of it; {result.solves} fills and checks, "
        f"{len(lps)} of them LPs"
    )
    if len(forced_lps) != len(lps):
        difference = (result.table["allocated"] - forced.table["allocated"]).abs().max()
        note += (
            f"; with every fill an LP: {len(forced_lps)} LPs (raw highspy on them "
            f"{_fmt(raw_highspy_seconds(forced_lps), 's')}), the same allocation to {difference:.0e}"
        )
    target = 0.020 if rule == "proportional" else 0.050
    name = "default rule" if rule == "proportional" else f"rule={rule}"
    return Row(
        f"optimize() appendix, {name} (median, warm)",
        took,
        "s",
        anchor,
        anchor_value,
        f"≤ {target * 1e3:.0f} ms",
        took <= target,
        note,
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


def bench_what_if(repeat: int) -> Row:
    import portfolio as pf
    from portfolio.widget import WhatIf

    tasks = pf.read_appendix()
    widget = WhatIf(tasks)
    values = iter(list(range(60, 100)) * 10)

    def move() -> None:  # one move of a slider: optimize, summary and the two charts again
        widget.controls["recurrent"].value = next(values)

    took = _median(move, repeat)
    one = _median(lambda: pf.optimize(tasks), repeat)
    return Row(
        "what-if: one move of a slider, redrawn", took, "s", "one optimize()", one, "< 1 s", took < 1.0
    )


def _year(n: int) -> Any:
    from portfolio.model.inputs import make_options, planned_totals
    from portfolio.model.instance import build_instance

    tasks = synthetic(n, seed=0)
    return build_instance(tasks, make_options(), planned_totals(tasks))


def _water_fill(inst: Any) -> np.ndarray:
    from portfolio.model.options import SOURCES
    from portfolio.water_filling import water_fill

    x = np.zeros(inst.n)
    for s, source in enumerate(SOURCES):
        mine = inst.source == s
        x[mine], _ = water_fill(inst.demand[mine], inst.tier[mine], float(inst.envelope[s]), source=source)
    return x


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def bench_closed_form(n: int, repeat: int) -> Row:
    """One year of ``n`` tasks: ``solve_ladder`` as ``optimize()`` runs it, against ``water_fill``."""
    from portfolio.model.ladder import solve_ladder

    inst = _year(n)
    x = _water_fill(inst)
    reps = max(repeat, 5)
    # the ladder and its anchor take turns, so that the machine's drift touches both alike
    ladder = fast = float("inf")
    for _ in range(reps):
        fast = min(fast, _median(lambda: _water_fill(inst), 1))
        ladder = min(ladder, _median(lambda: solve_ladder(inst), 1))
    result = solve_ladder(inst)
    diff = _relative(result.x, x)
    return Row(
        f"one year, {_n(n)} tasks: solve_ladder as optimize() runs it (closed form)",
        ladder,
        "s",
        "water_fill on each source",
        fast,
        "",
        None,
        f"{result.solves} fills, no LP; largest difference from water_fill {diff:.0e} (relative); "
        f"fastest of {reps}",
    )


def bench_fast_path(n: int) -> Row:
    """Speed-up of the closed form over the same ladder with every fill an LP (one year of ``n`` tasks)."""
    from portfolio.model.ladder import solve_ladder

    inst = _year(n)
    x = _water_fill(inst)
    solve_ladder(inst)
    closed = min(_median(lambda: solve_ladder(inst), 1) for _ in range(5))
    with captured_lps() as lps:
        t0 = time.perf_counter()
        by_lp = solve_ladder(inst, closed_form_from=10**12)
        slow = time.perf_counter() - t0
    diff = max(_relative(by_lp.x, x), _relative(solve_ladder(inst).x, x))
    speedup = slow / closed
    return Row(
        f"closed form, one year of {_n(n)} tasks: speed-up over every fill an LP",
        speedup,
        "×",
        "solve_ladder by LPs / closed form",
        1.0,
        "≥ 50×",
        speedup >= 50 and diff <= 1e-6,
        f"closed form {_fmt(closed, 's')}, by LPs {_fmt(slow, 's')} ({len(lps)} LPs, the largest with "
        f"{_n(max((p.num_cols for p in lps), default=0))} columns); both against water_fill: "
        f"{diff:.0e} (relative)",
    )


def bench_marginal(repeat: int) -> list[Row]:
    """``marginal()`` (with ``sensitivity()``) on the appendix against one ``optimize()`` of the same run.

    A single year with the default rule, and the 3-year plan; the note counts the runs.
    """
    import importlib

    import portfolio as pf

    optimize_module = importlib.import_module("portfolio.model.optimize")  # marginal() re-runs through it
    tasks = pf.read_appendix()
    rows = []
    for label, options, target in (("default rule", {}, 10.0), ("3-year plan", {"years": 3}, None)):
        one = _median(lambda options=options: pf.optimize(tasks, **options), repeat)
        runs: list[float] = []
        with seconds_in(optimize_module, "amounts_and_levels", runs):
            fresh = pf.optimize(tasks, **options)
            runs.clear()
            t0 = time.perf_counter()
            fresh.marginal()
            took = time.perf_counter() - t0
        rows.append(
            Row(
                f"marginal() on the appendix, {label} (one call, runs cached within it)",
                took,
                "s",
                "one optimize() of the same run",
                one,
                f"≤ {target:.0f}×" if target else "",
                took <= target * one if target else None,
                f"{len(runs)} runs of the rule (amounts and levels only) with one envelope moved",
            )
        )
    return rows


def bench_plan(n: int, years: int, repeat: int, cut: float = 0.0) -> list[Row]:
    """The rolling plan of ``n`` tasks with its admission of new starts, and one pass of it.

    Row 1: the whole ``optimize()`` (admission: every candidate tried in the priority
    order, most by the shortcuts, the rest by a plan; then the final pass); anchor: one
    pass of the horizon with its starts given, the least any plan costs. Row 2: that
    one pass with every fill an LP, time in ``solve_ladder`` against raw highspy on the
    same LPs (the library's overhead around the solver).
    """
    import portfolio as pf
    import portfolio.model.plan as plan_module
    from portfolio.model.admission import admit
    from portfolio.model.inputs import make_options, planned_totals
    from portfolio.model.options import budget_matrix

    tasks = synthetic(n, seed=0)
    budget = None
    if cut:  # the recurrent envelope cut (every year), the investment as planned
        from portfolio.model.budget import resolve_budget

        budget = resolve_budget({"recurrent": f"-{cut:g}%"}, planned_totals(tasks))
    label = f", recurrent −{cut:g}%" if cut else ""
    pf.optimize(synthetic(81, seed=1), years=years)  # warm the code paths, not this portfolio
    took = float("inf")
    for _ in range(repeat):
        gc.collect()
        with (
            ladder_seconds() as in_ladder,
            seconds_in(plan_module, "build_instance") as in_build,
            seconds_in(plan_module.Horizon, "allocate") as passes,
        ):
            t0 = time.perf_counter()
            plan = pf.optimize(tasks, years=years, budget=budget)
            took = min(took, time.perf_counter() - t0)
    opts = make_options("proportional", budget, years=years)
    admission = admit(tasks, opts, budget_matrix(opts, planned_totals(tasks), years))
    horizon, starts = admission.horizon, admission.starts
    one_pass = float("inf")
    for _ in range(max(3, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        again = horizon.allocate(starts)
        one_pass = min(one_pass, time.perf_counter() - t0)
    diff = float(abs(again.x.ravel() - plan.table["allocated"].to_numpy()).max())
    status = plan.starts["status"].value_counts()
    rest = took - sum(in_ladder) - sum(in_build)
    whole = Row(
        f"{years}-year plan, {_n(n)} tasks{label}: whole optimize()",
        took,
        "s",
        "one pass, its starts given",
        one_pass,
        "",
        None,
        f"{_n(len(plan.starts))} new tasks: {_n(int(status.get('started', 0)))} start, "
        f"{_n(int(status.get('not_started', 0)))} do not; {len(passes)} passes of the horizon; "
        f"in solve_ladder {_fmt(sum(in_ladder), 's')} ({_n(len(in_ladder))} yearly ladders), "
        f"build_instance {_fmt(sum(in_build), 's')}, the rest {_fmt(rest, 's')}; "
        f"the anchor's allocation differs by {diff:.0e}" + ("" if repeat > 1 else "; one run"),
    )
    # one pass with every fill an LP: the solver dominates, the library's part shows as the ratio
    raw = in_lp = one = float("inf")
    for _ in range(repeat):
        gc.collect()
        with _every_fill_an_lp(), captured_lps() as lps, ladder_seconds() as spent:
            horizon.allocate(starts)
        in_lp = min(in_lp, sum(spent))
        gc.collect()
        raw = min(raw, raw_highspy_seconds(lps))
        one = min(one, raw_highspy_seconds(lps, one_instance=True))
    by_lp = Row(
        f"{years}-year plan, {_n(n)} tasks{label}, starts given (one pass), every fill an LP: "
        "model build + solve",
        in_lp,
        "s",
        f"raw highspy, the same {len(lps)} LPs",
        raw,
        "≤ 1,3×",
        in_lp <= 1.3 * raw,
        f"{len(spent)} yearly ladders, one pass; time in solve_ladder; raw highspy in one instance "
        f"(clearModel between LPs, as the library does): {_fmt(one, 's')}, ratio {_num(in_lp / one, 2)}",
    )
    return [whole, by_lp]


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


def bench_export(n: int) -> list[Row]:
    """``allocation_to_excel`` on one year of ``n`` tasks in a fresh process: time and peak memory."""
    data = measure_export(ROOT, n)
    note = (
        f"CPU {_fmt(data['cpu'], 's')}; {_num(data['bytes'] / 2**20, 1)} MB file; "
        f"resident before the export {_num(data['before'] / 1024)} MB; "
        f"XlsxWriter alone writing the same {_n(data['cells'])} cells: {_fmt(data['floor'], 's')} of CPU"
    )
    seconds = Row(
        f"working paper (.xlsx), one year of {_n(n)} tasks: `allocation_to_excel`",
        data["seconds"],
        "s",
        "`optimize()` of the same tasks",
        data["optimize"],
        "≤ 15 s",
        data["seconds"] <= 15,
        note,
    )
    peak = data["peak"] / 1024
    memory = Row(
        f"working paper (.xlsx), one year of {_n(n)} tasks: peak memory (whole process)",
        peak,
        "MB",
        "resident before the export",
        data["before"] / 1024,
        "≤ 600 MB",
        peak <= 600,
    )
    return [seconds, memory]


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
    parser.add_argument(
        "--lp-path", action="store_true", help="also the closed form against LPs at the large size (minutes)"
    )
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 9
    big = 20_000 if args.quick else 100_000
    print(machine(), flush=True)
    # the whole plan, admission included: one run of it
    small, medium = (2_000, 5_000) if args.quick else (10_000, 10_000)
    steps: list[tuple[str, Callable[[], Row | list[Row]]]] = [
        ("generator", lambda: bench_generator(big)),
        ("import", lambda: bench_import(repeat * 3)),
        *((f"optimize, {rule}", lambda rule=rule: bench_optimize(rule, repeat * 5)) for rule in RULES),
        ("cli", lambda: bench_cli(max(3, repeat // 2))),
        ("frontier", lambda: bench_frontier(repeat)),
        ("what-if", lambda: bench_what_if(repeat)),
        ("closed form", lambda: bench_closed_form(big, repeat)),
        ("closed form against LPs", lambda: bench_fast_path(medium)),
        ("marginal", lambda: bench_marginal(repeat)),
        ("plan", lambda: bench_plan(small, 3, 1)),
        ("plan, recurrent cut", lambda: bench_plan(small, 3, 1, cut=15)),
        ("memory", lambda: bench_memory(big, 5)),
        ("export", lambda: bench_export(big)),
        ("simulate, one year", lambda: bench_simulate_year(2_000 if args.quick else 10_000, repeat)),
        (
            "simulate, plan",
            lambda: bench_simulate_plan(100 if args.quick else 1_000, 2, 20 if args.quick else 50),
        ),
    ]
    if args.lp_path:
        steps.append(("closed form against LPs, large", lambda: bench_fast_path(big)))
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
