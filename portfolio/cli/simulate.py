"""``portfolio simulate``: Monte Carlo over the envelopes from the command line.

``--budget SOURCE=SPEC`` takes an amount (``332401``, ``-15%``) or a distribution:
``uniform:LOW:HIGH``, ``normal:MEAN:SD``, ``triangular:LOW:MODE:HIGH`` (amounts or
percentages of the document's total; ``SD`` may be a share of it, ``5%``), or
``resample:F1:F2:…`` (observed factors of the document's total). The other flags
are those of ``optimize``. A bad distribution is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PortfolioError
from .outputs import check_outputs, write_outputs
from .values import budget_spec, share
from .whatif import add_run_arguments, run_arguments
from .words import source_word, tier_word, word

__all__ = ["add_simulate_parser", "simulate"]

EPILOG = """examples:
  portfolio simulate --budget recurrent=uniform:300000:600000 --scenarios 10000 --out sim.xlsx
  portfolio simulate --budget recurrent=uniform:-15%:+15% --budget investment=normal:66390:5000 --out sim.png
  portfolio simulate --years 3 --budget investment=normal:100%:8% --scenarios 1000 --workers 2 \\
      --min-completion-probability 0.9 --out plan_risk.csv
"""

#: key -> (English, Vietnamese)
_WORDS: dict[str, tuple[str, str]] = {
    "simulation": ("simulation", "mô phỏng"),
    "scenarios": ("scenarios", "kịch bản"),
    "seed": ("seed", "hạt giống"),
    "method": ("method", "cách tính"),
    "distribution": ("distribution", "phân phối"),
    "tier coverage": (
        "coverage of each tier: 5%, median, 95% of scenarios",
        "tỷ lệ đáp ứng từng thứ bậc: 5%, trung vị, 95% kịch bản",
    ),
    "core": ("core index", "chỉ số lõi"),
    "always": ("always in full", "luôn đủ"),
    "sometimes": ("in full in some scenarios", "có khi đủ"),
    "never": ("never in full", "không bao giờ đủ"),
    "at risk": (
        "tasks that depend on a good year (core index)",
        "nhiệm vụ phụ thuộc vào năm tốt (chỉ số lõi)",
    ),
    "starts": ("new starts: started and completed", "khởi công mới: khởi công và hoàn thành"),
    "failed": (
        "scenarios infeasible (fund nothing in full)",
        "kịch bản không khả thi (không cấp đủ nhiệm vụ nào)",
    ),
    "decided": ("decided to start", "quyết định khởi công"),
    "none": ("none", "không có"),
    "closed form": ("closed form", "công thức đóng"),
    "engine": ("engine, scenario by scenario", "giải từng kịch bản"),
}


def _w(key: str, lang: str) -> str:
    english, vietnamese = _WORDS[key]
    return vietnamese if lang == "vi" else english


def add_simulate_parser(
    sub: Any, appendix_arg: Callable[[argparse.ArgumentParser], None], out_arg: Callable[..., None]
) -> argparse.ArgumentParser:
    """The ``simulate`` sub-command: the run's options, distributions for ``--budget``, its outputs."""
    sim = sub.add_parser(
        "simulate",
        help="Monte Carlo over uncertain envelopes: core index, coverage bands, new starts' completion",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        conflict_handler="resolve",
    )
    appendix_arg(sim)
    add_run_arguments(sim)
    sim.add_argument(
        "--budget",
        action="append",
        type=budget_spec,
        default=[],
        metavar="SOURCE=SPEC",
        help="an envelope's distribution: uniform:LOW:HIGH, normal:MEAN:SD, triangular:LOW:MODE:HIGH "
        "(million VND or percentages of the document's total: uniform:-15%%:+15%%), resample:F1:F2:... "
        "(observed factors of the document's total), or an amount; repeat for both sources",
    )
    sim.add_argument("--scenarios", type=int, default=10_000, help="number of scenarios (default: 10000)")
    sim.add_argument(
        "--seed", type=int, default=0, help="seed of the draws (default: 0): same seed, same result"
    )
    sim.add_argument(
        "--correlation", type=float, help="correlation of the two sources' envelopes in each year (-1 to 1)"
    )
    sim.add_argument(
        "--min-completion-probability",
        type=share("0.9 or 90%"),
        metavar="P",
        help="start a new task only if it is completed in at least this share of scenarios (0.9 or 90%%)",
    )
    sim.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes for the scenarios the engine runs (default: this one)",
    )
    sim.add_argument("--no-progress", action="store_true", help="no progress bar")
    out_arg(
        sim,
        "write the result; repeat for several: .xlsx (summary, core index and quantiles per task, "
        "tier coverage, new starts, the envelopes drawn), .csv (per task and year), .png (core "
        "index and fan chart)",
    )
    return sim


def _print(sim: Any, lang: str) -> None:
    from ..money import format_percent

    print(
        f"{_w('simulation', lang)}: {sim.scenarios} {_w('scenarios', lang)}, {_w('seed', lang)} {sim.seed}, "
        f"{word('rule', lang)} {sim.options.rule}, {_w('method', lang)}: {_w(sim.method, lang)}"
    )
    for source, marginals in sim.marginals.items():
        described = "; ".join(dict.fromkeys(m.describe() for m in marginals))
        print(f"  {source_word(source, lang)}: {described}")
    print()
    print(_w("tier coverage", lang))
    for key, row in sim.coverage("tier").iterrows():
        source, year, tier = key
        label = f"{year} {source_word(str(source), lang)} {tier_word(tier, lang)}"
        cells = "".join(f"{format_percent(row[q]):>10}" for q in ("q05", "q50", "q95") if q in row)
        print(f"  {label:<40}{cells}")
    core = sim.core_index.xs(sim.years[0], level="year")
    print()
    print(
        f"{_w('core', lang)} {sim.years[0]}: {int((core >= 1).sum())} {_w('always', lang)}, "
        f"{int(((core > 0) & (core < 1)).sum())} {_w('sometimes', lang)}, {int((core <= 0).sum())} "
        f"{_w('never', lang)}"
    )
    risky = core[(core > 0) & (core < 1)].sort_values(kind="stable")
    if len(risky):
        print(
            _w("at risk", lang)
            + ": "
            + ", ".join(f"{t} {format_percent(v)}" for t, v in risky.head(12).items())
        )
    starts = sim.start_probability
    shown = starts[starts > 0].sort_values(ascending=False, kind="stable")
    print(
        _w("starts", lang)
        + ": "
        + (", ".join(f"{t} {format_percent(v)}" for t, v in shown.head(12).items()) or _w("none", lang))
    )
    if sim.decided_starts is not None:
        decided = sim.decided_starts
        chosen = decided[decided["status"] == "started"]
        names = ", ".join(f"{t} {int(y)}" for t, y in chosen["start_year"].items()) or _w("none", lang)
        print(f"{_w('decided', lang)} (≥ {format_percent(sim.min_completion_probability)}): {names}")
    if sim.failed_share > 0:
        print(f"{format_percent(sim.failed_share)} {_w('failed', lang)}", file=sys.stderr)


def simulate(args: argparse.Namespace) -> int:
    """Draw the scenarios, print what is safe and what is not, write the outputs."""
    from .appendix import read

    inputs = [args.appendix, args.pillars, args.scenario]
    outputs = check_outputs(args.out, inputs, (".csv", ".xlsx", ".png"))
    if args.workers < 0:
        raise PortfolioError(f"--workers: expected a number ≥ 0, got {args.workers}")
    tasks = read(args.appendix, args.pillars)
    kwargs = run_arguments(args, tasks)
    extra: dict[str, Any] = {
        "scenarios": args.scenarios,
        "seed": args.seed,
        "correlation": args.correlation,
        "min_completion_probability": args.min_completion_probability,
        "progress": False if args.no_progress else None,
    }
    from ..monte_carlo import simulate as run

    if args.workers > 0:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            sim = run(tasks, executor=pool, **extra, **kwargs)
    else:
        sim = run(tasks, **extra, **kwargs)
    _print(sim, args.lang)

    def write(out: Path, temporary: Path) -> None:
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            sim.to_excel(temporary)
        elif suffix == ".csv":
            from ..output import atomic_write_text, csv_for_excel

            atomic_write_text(temporary, csv_for_excel(sim.task_table().reset_index()))
        else:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            from ..plots import in_language, save_figure

            fig, (top, bottom) = plt.subplots(2, 1, figsize=(13.5, 10), layout="constrained")
            in_language(sim.plot("core", ax=top), args.lang)
            in_language(sim.plot("fan", ax=bottom), args.lang)
            save_figure(top, temporary)
            plt.close(fig)

    write_outputs(outputs, write, inputs, word("wrote", args.lang))
    return 0
