"""The sub-commands of ``portfolio``: optimize, compare, frontier, explain, report, and all by name.

Each takes the parsed arguments and returns the exit code; errors are raised
and turned into one line by :func:`portfolio.cli.main`. The commands on the
appendix itself (show, reconcile, convert, template) are in
:mod:`portfolio.cli.appendix`, ``simulate`` in :mod:`portfolio.cli.simulate`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .appendix import convert, read, reconcile, show, template
from .outputs import check_outputs, write_outputs
from .simulate import simulate
from .whatif import run_arguments
from .words import WORDS, amount_word, source_word, tier_word, word

if TYPE_CHECKING:
    import pandas as pd

    from ..model import Allocation

__all__ = ["HANDLERS"]


def run(args: argparse.Namespace) -> Allocation:
    """Optimize the appendix with the options the arguments give."""
    from ..model import optimize

    tasks = read(args.appendix, args.pillars)
    lang = "vi" if args.lang == "vi" else None  # English tables; each output keeps its own default
    return optimize(tasks, lang=lang, **run_arguments(args, tasks))


def print_tiers(allocation: Allocation, lang: str) -> None:
    """The summary an analyst reads: envelopes, then each source and tier's coverage."""
    from ..money import format_percent

    print(
        f"{word('rule', lang)}: {allocation.rule}; {word('envelopes', lang)}: "
        + ", ".join(
            f"{source_word(s, lang)} {y} {amount_word(v)}"
            for (s, y), v in sorted(allocation.envelopes.items())
        )
    )
    columns = ["demand", "planned", "allocated"]
    if "round_1" in allocation.table.columns:
        columns[2:2] = ["round_1", "round_2"]
    keys = ["funding_source", "tier"] if len(allocation.years) == 1 else ["year", "funding_source", "tier"]
    sums = allocation.table.groupby(keys)[columns].sum().sort_index()
    coverage = allocation.by_tier()["coverage"]
    heads = "".join(f"{word(c, lang):>16}" for c in columns)
    print(f"{word('source / tier', lang):<32}{heads}{word('coverage', lang):>10}")
    for key, row in sums.iterrows():
        parts = key if isinstance(key, tuple) else (key,)
        *year, source, tier = parts
        label = " ".join([*(str(y) for y in year), source_word(str(source), lang), tier_word(tier, lang)])
        cells = "".join(f"{amount_word(row[c]):>16}" for c in columns)
        print(f"{label:<32}{cells}{format_percent(coverage.loc[key]):>10}")


def optimize(args: argparse.Namespace) -> int:
    """Allocate, print the summary, write the outputs."""
    inputs = [args.appendix, args.pillars, args.scenario]
    outputs = check_outputs(args.out, inputs, (".csv", ".xlsx", ".html", ".png"))
    allocation = run(args)
    print_tiers(allocation, args.lang)
    print()
    print_table(allocation.by_pillar(), ["planned", "allocated", "difference"], args.lang)
    if args.sensitivity:
        from .sensitivity import print_sensitivity

        print()
        print_sensitivity(allocation, args.lang)

    def write(out: Path, temporary: Path) -> None:
        write_allocation(allocation, out, temporary, args.lang)

    write_outputs(outputs, write, inputs, word("wrote", args.lang))
    if args.write_lp is not None:
        from ..model.solved import write_stages

        paths = write_stages(allocation.stages, args.write_lp)
        print(f"{word('wrote', args.lang)} {len(paths)} LP files to {args.write_lp}")
    return 0


def write_allocation(allocation: Allocation, out: Path, temporary: Path, lang: str = "en") -> None:
    """Write one output of ``optimize`` (named ``out``: .csv, .xlsx, .html or .png) to ``temporary``.

    ``lang``: the workbook's reasons and labels, the chart's labels (``vi``: Vietnamese only).
    """
    suffix = out.suffix.lower()
    if suffix == ".csv":
        allocation.to_csv(str(temporary))
    elif suffix == ".xlsx":
        from ..export import allocation_to_excel

        allocation_to_excel(allocation, temporary, lang=lang)  # with the tasks the allocation kept
    elif suffix == ".html":
        allocation.to_html(str(temporary))
    else:
        import matplotlib

        matplotlib.use("Agg")
        from ..plots import plot_plan, plot_tasks, save_figure

        plot = plot_plan if len(allocation.years) > 1 else plot_tasks
        save_figure(plot(allocation, lang=lang), temporary)


def print_table(frame: pd.DataFrame, columns: Sequence[str], lang: str = "en") -> None:
    """Print a frame of amounts, the Vietnamese way, one row per index key (sources in ``lang``)."""

    def label(key: object) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        words = [source_word(str(k), lang) for k in parts if str(k)]
        if lang == "vi" and len(parts) == 2 and str(parts[1]).isdigit():  # (source, tier)
            words[-1] = tier_word(parts[1], lang)
        return " ".join(words)

    keys = [label(key) for key in frame.index]
    heads = [word(str(c), lang) if str(c) in WORDS else str(c) for c in columns]
    width = max([24, *(len(k) + 2 for k in keys)])
    print(f"{'':<{width}}" + "".join(f"{h[:15]:>16}" for h in heads))
    for key, (_, row) in zip(keys, frame.iterrows(), strict=True):
        print(f"{key:<{width}}" + "".join(f"{amount_word(row[c], 0):>16}" for c in columns))


def compare(args: argparse.Namespace) -> int:
    """Run scenario files side by side."""
    from ..comparison import compare as run_all

    lang = args.lang
    inputs = [*args.scenarios, args.appendix, args.pillars]
    outputs = check_outputs(args.out, inputs)
    comparison = run_all(
        args.scenarios,
        read(args.appendix, args.pillars),
        raise_on_failure=False,
        baseline=args.baseline,
    )
    columns = list(comparison.per_tier.columns)
    print(word("compare note", lang))
    print_table(comparison.per_tier, columns, lang)
    print()
    print_table(comparison.per_group, columns, lang)
    print()
    print_table(comparison.per_pillar, columns, lang)
    for name, reason in comparison.failed.items():
        print(f"portfolio: infeasible: scenario {name!r}: {reason}", file=sys.stderr)

    def write(out: Path, temporary: Path) -> None:
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            comparison.to_excel(temporary, lang=lang)
        elif suffix == ".csv":
            from ..output import atomic_write_text, csv_for_excel

            atomic_write_text(temporary, csv_for_excel(comparison.named_per_task().reset_index()))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from ..plots import plot_comparison, save_figure

            save_figure(plot_comparison(comparison.per_tier.iloc[:-1], lang=lang), temporary)

    write_outputs(outputs, write, inputs, word("wrote", lang))
    return 1 if comparison.failed else 0


def frontier(args: argparse.Namespace) -> int:
    """Sweep an envelope; print the coverage of each tier at a few envelopes."""
    import numpy as np

    from ..frontiers import frontier as sweep_of
    from ..money import format_percent

    lang = args.lang
    inputs = [args.appendix, args.pillars, args.scenario]
    outputs = check_outputs(args.out, inputs, (".csv", ".png"))
    tasks = read(args.appendix, args.pillars)
    options = run_arguments(args, tasks)
    sweep = sweep_of(
        tasks, source=args.source, points=args.points, start=args.start, stop=args.stop, **options
    )
    shown = np.unique(np.linspace(0, args.points - 1, min(args.points, 11)).round().astype(int))
    tiers = sorted(set(sweep["tier"]))
    print(f"{word('frontier title', lang)}, {source_word(args.source, lang)}")
    print(f"{word('envelope', lang):>16}  {'':<17}" + "".join(f"{tier_word(t, lang):>12}" for t in tiers))
    for (_, source), rows in sweep[sweep["point"].isin(shown)].groupby(["point", "source"], sort=False):
        coverage = dict(zip(rows["tier"], rows["coverage"], strict=True))
        failed = bool(rows["failed"].iloc[0])
        cells = [
            word("failed", lang) if failed else format_percent(coverage[t]) if t in coverage else ""
            for t in tiers
        ]
        envelope = amount_word(float(rows["envelope"].iloc[0]), 0)
        print(f"{envelope:>16}  {source_word(str(source), lang):<17}" + "".join(f"{c:>12}" for c in cells))
    failed = sweep.loc[sweep["failed"], "reason"].drop_duplicates()
    for reason in failed.head(3):
        print(f"portfolio: infeasible: {reason}", file=sys.stderr)

    def write(out: Path, temporary: Path) -> None:
        if out.suffix.lower() == ".csv":
            from ..output import atomic_write_text, csv_for_excel

            atomic_write_text(temporary, csv_for_excel(sweep))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from ..plots import plot_frontier, save_figure

            save_figure(plot_frontier(sweep, lang=lang), temporary)

    write_outputs(outputs, write, inputs, word("wrote", lang))
    return 0


def explain(args: argparse.Namespace) -> int:
    """Why each task's allocation differs from the plan (or one task's paragraph)."""
    from ..explanations import explain as reasons_of
    from ..explanations import explain_text
    from ..tolerances import PLANNED  # "as planned", as explain says it

    lang = args.lang
    inputs = [args.appendix, args.pillars, args.scenario]
    outputs = check_outputs(args.out, inputs, (".csv",))
    allocation = run(args)
    reasons = reasons_of(allocation, threshold=PLANNED, lang=lang)
    if args.task:
        print(explain_text(allocation, args.task, lang=lang))
    else:
        for task, row in reasons[reasons["difference"].abs() > PLANNED].iterrows():
            print(
                f"{task!s:<5}{amount_word(row['planned']):>14}{amount_word(row['allocated']):>14}"
                f"{amount_word(row['difference']):>14}  {row['reason']}"
            )
    if outputs:
        from ..output import atomic_write_text, csv_for_excel

        frame = reasons.copy()
        names = {task.id: task.name for task in allocation.tasks}
        frame.insert(0, "name", [names.get(str(i), "") for i in frame.index])
        text = csv_for_excel(frame.reset_index())
        write_outputs(
            outputs, lambda _out, temporary: atomic_write_text(temporary, text), inputs, word("wrote", lang)
        )
    return 0


def report(args: argparse.Namespace) -> int:
    """Write the one-file HTML report of a run, or of scenarios side by side."""
    from ..comparison import compare as run_all
    from ..report import write_report
    from ..scenarios import load_scenarios

    inputs = [*args.scenario, args.appendix]
    out = check_outputs([args.out], inputs, (".html",))[0]
    tasks = read(args.appendix)
    wrote = word("wrote", args.lang)
    if not args.scenario:
        from ..model import optimize as run_default

        allocation = run_default(tasks, lang="vi" if args.lang == "vi" else None)
        write_outputs([out], lambda _out, temporary: write_report(temporary, allocation), inputs, wrote)
    else:
        scenarios = [s for path in args.scenario for s in load_scenarios(path, tasks)]
        comparison = run_all(scenarios, tasks) if len(scenarios) > 1 else None
        runs = [
            (s.name, s.description, comparison.allocations[s.name] if comparison else s.run(tasks))
            for s in scenarios
        ]
        first, *others = runs

        def write(_out: Path, temporary: Path) -> None:
            write_report(
                temporary, first[2], name=first[0], description=first[1], others=others, comparison=comparison
            )

        write_outputs([out], write, inputs, wrote)
    return 0


HANDLERS = {
    "simulate": simulate,
    "show": show,
    "reconcile": reconcile,
    "optimize": optimize,
    "compare": compare,
    "frontier": frontier,
    "explain": explain,
    "report": report,
    "convert": convert,
    "template": template,
}
