"""The ``portfolio`` command: show, reconcile, optimize, compare, frontier, explain, convert.

Every error is one line on stderr naming the file, row and field, with exit
code 2 (1 for an infeasible scenario); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InfeasibleError, PortfolioError, PortfolioWarning

if TYPE_CHECKING:
    from .model import Allocation
    from .tasks import TaskList

__all__ = ["main"]

EPILOG_OPTIMIZE = """examples:
  portfolio optimize                                  # bundled appendix, default rule
  portfolio optimize --budget recurrent=300000 --out plan.xlsx
  portfolio optimize --rule closest_to_plan --years 3 --out plan.csv
  portfolio optimize --scenario examples/scenarios/cut10.toml
  portfolio optimize --scenario examples/scenarios/priority_health.toml --name health_weighted
"""

EPILOG_COMPARE = """examples:
  portfolio compare examples/scenarios/cut10.toml examples/scenarios/cut20.toml
  portfolio compare examples/scenarios/ --out scenarios.xlsx   # every file of the folder
  portfolio compare examples/scenarios/*.toml --out per_task.csv
"""

EPILOG_FRONTIER = """examples:
  portfolio frontier                                 # recurrent envelope, commitments to full demand
  portfolio frontier --source both --points 1000 --out frontier.png
  portfolio frontier --source investment --rule equal_awards --points 50 --out frontier.csv
"""

EPILOG_EXPLAIN = """examples:
  portfolio explain                                  # every task whose allocation differs from the plan
  portfolio explain --task B38
  portfolio explain --scenario examples/scenarios/cut10.toml --out reasons.csv
"""


def _budget(text: str) -> tuple[str, float]:
    source, sep, amount = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected SOURCE=AMOUNT (e.g. recurrent=300000), got {text!r}")
    from .money import MoneyFormatError, parse_vnd

    try:
        grouped = (
            "," in amount or amount.count(".") > 1 or ("." in amount and len(amount.rsplit(".", 1)[1]) == 3)
        )
        value = parse_vnd(amount.strip(), decimal_comma=grouped)
    except MoneyFormatError as exc:
        raise argparse.ArgumentTypeError(f"--budget {source}: {exc}") from None
    if value is None:
        raise argparse.ArgumentTypeError(f"--budget {source}: no amount given")
    return source.strip(), value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="Allocate Hải Phòng's digital-transformation budget (Phụ lục 2, KH 325/KH-UBND). "
        "Money in million VND (triệu đồng).",
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def appendix_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "appendix",
            nargs="?",
            help="the appendix: tidy .csv, the plan's .txt, or .xlsx/.docx laid out like the "
            "document (default: the bundled Phụ lục 2)",
        )
        pillars_arg(p)

    def pillars_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--pillars",
            type=Path,
            metavar="FILE",
            help="a CSV id,pillar,category overriding the pillar of some tasks (docs/pillars.md)",
        )

    def out_arg(p: argparse.ArgumentParser, help: str) -> None:
        p.add_argument("--out", type=Path, action="append", default=[], metavar="FILE", help=help)

    def run_args(p: argparse.ArgumentParser) -> None:
        """The options of one run; a flag given on the command line overrides the scenario's."""
        p.add_argument(
            "--budget",
            action="append",
            type=_budget,
            default=[],
            metavar="SOURCE=AMOUNT",
            help="envelope of a funding source, million VND (recurrent=332401, investment=66390); "
            "repeat for both; default: the document's planned totals",
        )
        p.add_argument(
            "--rule",
            choices=["proportional", "equal_awards", "weighted", "closest_to_plan"],
            help="rationing rule within a tier (default: proportional)",
        )
        p.add_argument("--solver", choices=["highs", "cbc"], help="LP backend (default: highs)")
        p.add_argument("--plan-year", type=int, help="first year planned (default: 2024)")
        p.add_argument("--years", type=int, help="years in the plan (default: 1; 3 for the rolling plan)")
        p.add_argument("--scenario", type=Path, metavar="FILE", help="the options of a .toml/.json scenario")
        p.add_argument("--name", help="the scenario to run when FILE holds several")

    show = sub.add_parser(
        "show",
        help="summary of the appendix: rows and totals per group and agency",
        epilog="example:\n  portfolio show data/appendix2_2024.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    appendix_arg(show)
    show.add_argument("--agencies", action="store_true", help="also list the totals per agency")

    rec = sub.add_parser(
        "reconcile",
        help="list where the document's subtotals do not add up",
        epilog="example:\n  portfolio reconcile data/sources/kh325_ubnd_2023.txt --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rec.add_argument("appendix", help="a file laid out like the document (.txt, .xlsx, .docx)")
    rec.add_argument("--json", action="store_true", help="print the findings as a JSON list and nothing else")

    opt = sub.add_parser(
        "optimize",
        help="allocate the envelopes across the tasks",
        epilog=EPILOG_OPTIMIZE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    appendix_arg(opt)
    run_args(opt)
    out_arg(
        opt,
        "write a result; repeat for several: .csv (per-task table: id, year, "
        "planned, allocated, ...), .xlsx (laid out like Phụ lục 2, plus summary and "
        "scenario sheets), .png (optimized vs actual per task; the years stacked by tier "
        "with --years N), .html (the one-file report)",
    )
    opt.add_argument(
        "--write-lp",
        type=Path,
        metavar="DIR",
        help="write each stage problem of the ladder as a CPLEX LP file into DIR (created if missing)",
    )

    rep = sub.add_parser(
        "report",
        help="write a one-file HTML report (summary, charts, reasons, reconciliation), printable",
        epilog="examples:\n  portfolio report --out report.html\n"
        "  portfolio report --scenario examples/scenarios/cut10.toml --out cut10.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("appendix", nargs="?", help="the appendix (default: the bundled Phụ lục 2)")
    rep.add_argument(
        "--scenario",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a .toml/.json scenario (repeat for several; they are also set side by side)",
    )
    rep.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .html file to write")

    cmp = sub.add_parser(
        "compare",
        help="run scenario files and set their allocations side by side",
        epilog=EPILOG_COMPARE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmp.add_argument(
        "scenarios", nargs="+", type=Path, metavar="FILE", help="scenario .toml/.json files or folders"
    )
    cmp.add_argument("--appendix", help="the appendix (default: the bundled Phụ lục 2)")
    pillars_arg(cmp)
    out_arg(
        cmp,
        "write the comparison; repeat for several: .xlsx (per task, agency, group, tier), "
        ".csv (per task), .png (per tier)",
    )

    fro = sub.add_parser(
        "frontier",
        help="coverage of each tier as an envelope grows from the commitments to full demand",
        epilog=EPILOG_FRONTIER,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    appendix_arg(fro)
    fro.add_argument(
        "--source",
        default="recurrent",
        choices=["recurrent", "investment", "both"],
        help="the envelope to sweep; both: the two as one share of full demand (default: recurrent)",
    )
    fro.add_argument("--points", type=int, default=200, help="envelopes in the sweep (default: 200)")
    fro.add_argument("--start", type=float, help="first envelope, million VND (share 0-1 with --source both)")
    fro.add_argument("--stop", type=float, help="last envelope (default: the source's full demand)")
    run_args(fro)
    out_arg(fro, "write the sweep: .csv (one row per envelope and tier) or .png (chart)")

    exp = sub.add_parser(
        "explain",
        help="why each task's allocation differs from the document's plan",
        epilog=EPILOG_EXPLAIN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    appendix_arg(exp)
    exp.add_argument("--task", metavar="ID", help="one paragraph on one task, e.g. B38")
    run_args(exp)
    out_arg(exp, "write every task's reason as .csv")

    conv = sub.add_parser(
        "convert",
        help="read any layout and write the tidy CSV",
        epilog="example:\n  portfolio convert data/sources/kh325_ubnd_2023.txt --out appendix.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conv.add_argument("appendix", help="the source file")
    pillars_arg(conv)
    conv.add_argument("--out", type=Path, required=True, help="the tidy CSV to write")
    return parser


def _show(args: argparse.Namespace) -> int:
    from .money import format_vnd
    from .pillar_views import pillar_lines
    from .readers import read_appendix

    tasks = read_appendix(args.appendix, pillars=args.pillars)
    frame = tasks.frame
    money = ["approved", "spent_before", "carried_over", "planned"]
    print(f"{tasks.source}: {len(tasks)} tasks (million VND)")
    header = f"{'group':<6}{'rows':>5}" + "".join(f"{c:>16}" for c in money)
    print(header)
    for group, part in frame.groupby("group", sort=True):
        print(f"{group:<6}{len(part):>5}" + "".join(f"{format_vnd(part[c].sum(), 2):>16}" for c in money))
    print(f"{'total':<6}{len(frame):>5}" + "".join(f"{format_vnd(frame[c].sum(), 2):>16}" for c in money))
    print()
    print("\n".join(pillar_lines(frame)))
    if args.agencies:
        print()
        for key, part in frame.groupby(["group", "agency"], sort=False):
            letter, agency = str(key[0]), str(key[1])
            print(
                f"{letter} {agency[:44]:<45}{len(part):>3}"
                + "".join(f"{format_vnd(part[c].sum(), 2):>14}" for c in money)
            )
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    from .reconciliation import reconcile

    findings = reconcile(args.appendix)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1))
        return 0
    if not findings:
        print(f"{args.appendix}: every stated subtotal equals the sum of its rows")
    for finding in findings:
        print(finding)
    mismatches = sum(f.kind == "mismatch" for f in findings)
    print(f"{len(findings)} findings: {mismatches} mismatches, {len(findings) - mismatches} roundings")
    return 0


def _options(args: argparse.Namespace, tasks: TaskList) -> dict[str, Any]:
    """The run's options: a scenario's (``--scenario``), command-line flags overriding them."""
    options: dict[str, Any] = {}
    if args.scenario is not None:
        from .scenarios import load_scenarios

        scenarios = load_scenarios(args.scenario)
        chosen = [s for s in scenarios if args.name in (None, s.name)]
        if len(chosen) != 1:
            names = ", ".join(s.name for s in scenarios)
            raise PortfolioError(f"{args.scenario}: choose one scenario with --name: {names}")
        options = chosen[0].check(tasks).model_dump()
    flags = {"rule": args.rule, "solver": args.solver, "plan_year": args.plan_year, "years": args.years}
    options.update({k: v for k, v in flags.items() if v is not None})
    options["budget"] = {**(options.get("budget") or {}), **dict(args.budget)}
    return options


def _run(args: argparse.Namespace) -> Allocation:
    from .model import optimize
    from .readers import read_appendix

    tasks = read_appendix(args.appendix, pillars=args.pillars)
    return optimize(tasks, **_options(args, tasks))


def _optimize(args: argparse.Namespace) -> int:
    from .money import format_vnd

    outputs = _check_outputs(
        args.out, [args.appendix] if args.appendix else [], (".csv", ".xlsx", ".html", ".png")
    )
    allocation = _run(args)
    report = allocation.by_tier()
    print(
        f"rule: {allocation.rule}; envelopes: "
        + ", ".join(f"{s} {y} {format_vnd(v, 2)}" for (s, y), v in sorted(allocation.envelopes.items()))
    )
    print(f"{'source / tier':<28}{'demand':>16}{'planned':>16}{'allocated':>16}{'coverage':>10}")
    for key, row in report.iterrows():
        label = " ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        print(
            f"{label:<28}{format_vnd(row['demand'], 2):>16}{format_vnd(row['planned'], 2):>16}"
            f"{format_vnd(row['allocated'], 2):>16}{row['coverage']:>10.4f}"
        )
    print()
    _table(allocation.by_pillar(), ["planned", "allocated", "difference"])
    _write_outputs(allocation, outputs)
    if args.write_lp is not None:
        from .model.solved import write_stages

        paths = write_stages(allocation.stages, args.write_lp)
        print(f"wrote {len(paths)} LP files to {args.write_lp}")
    return 0


def _check_outputs(
    outputs: list[Path], inputs: Sequence[str | Path], suffixes: tuple[str, ...] = (".csv", ".xlsx", ".png")
) -> list[Path]:
    """Refuse unknown suffixes and writing over an input, before any work is done."""
    from .output import refuse_overwrite

    for out in outputs:
        refuse_overwrite(out, [Path(i) for i in inputs])
        if out.suffix.lower() not in suffixes:
            allowed = " or ".join(filter(None, [", ".join(suffixes[:-1]), suffixes[-1]]))
            raise PortfolioError(f"{out}: --out must end in {allowed}")
        if not out.resolve().parent.is_dir():
            raise PortfolioError(f"{out}: the folder does not exist")
    return outputs


def _write_outputs(allocation: object, outputs: list[Path]) -> None:
    from .model import Allocation

    assert isinstance(allocation, Allocation)
    for out in outputs:
        suffix = out.suffix.lower()
        if suffix == ".csv":
            allocation.to_csv(str(out))
        elif suffix == ".xlsx":
            from .export import allocation_to_excel

            allocation_to_excel(allocation, out)  # with the tasks the allocation kept
        elif suffix == ".html":
            allocation.to_html(str(out))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from .plots import plot_plan, plot_tasks, save_figure

            save_figure(plot_plan(allocation) if len(allocation.years) > 1 else plot_tasks(allocation), out)
        print(f"wrote {out}")


def _table(frame: object, columns: Sequence[str]) -> None:
    """Print a frame of amounts, the Vietnamese way, one row per index key."""
    import pandas as pd

    from .money import format_vnd

    assert isinstance(frame, pd.DataFrame)
    keys = [" ".join(str(k) for k in (key if isinstance(key, tuple) else (key,))) for key in frame.index]
    width = max([24, *(len(k) + 2 for k in keys)])
    print(f"{'':<{width}}" + "".join(f"{str(c)[:15]:>16}" for c in columns))
    for key, (_, row) in zip(keys, frame.iterrows(), strict=True):
        cells = ["-" if pd.isna(row[c]) else format_vnd(float(row[c]), 0) for c in columns]
        print(f"{key:<{width}}" + "".join(f"{c:>16}" for c in cells))


def _compare(args: argparse.Namespace) -> int:
    from .readers import read_appendix
    from .scenarios import compare

    outputs = _check_outputs(args.out, [*args.scenarios, *([args.appendix] if args.appendix else [])])
    tasks = read_appendix(args.appendix, pillars=args.pillars)
    comparison = compare(args.scenarios, tasks, raise_on_failure=False)
    columns = list(comparison.per_tier.columns)
    print("million VND; planned = the document's Dự kiến phân bổ")
    _table(comparison.per_tier, columns)
    print()
    _table(comparison.per_group, columns)
    print()
    _table(comparison.per_pillar, columns)
    for name, reason in comparison.failed.items():
        print(f"portfolio: infeasible: scenario {name!r}: {reason}", file=sys.stderr)
    for out in outputs:
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            comparison.to_excel(out)
        elif suffix == ".csv":
            from .output import atomic_write_text

            table = comparison.per_task.reset_index()
            atomic_write_text(out, table.to_csv(index=False, lineterminator="\n", float_format="%.6f"))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from .plots import plot_comparison, save_figure

            save_figure(plot_comparison(comparison.per_tier.iloc[:-1]), out)
        print(f"wrote {out}")
    return 1 if comparison.failed else 0


def _frontier(args: argparse.Namespace) -> int:
    import numpy as np

    from .frontiers import frontier
    from .money import format_vnd
    from .readers import read_appendix

    outputs = _check_outputs(args.out, [args.appendix] if args.appendix else [], (".csv", ".png"))
    tasks = read_appendix(args.appendix, pillars=args.pillars)
    options = _options(args, tasks)
    sweep = frontier(
        tasks,
        source=args.source,
        points=args.points,
        start=args.start,
        stop=args.stop,
        **options,
    )
    shown = np.unique(np.linspace(0, args.points - 1, min(args.points, 11)).round().astype(int))
    tiers = sorted(set(sweep["tier"]))
    print(f"coverage of each tier by envelope (million VND), {args.source}")
    print(f"{'envelope':>16}  {'source':<11}" + "".join(f"{'tier ' + str(t):>10}" for t in tiers))
    for (_, source), rows in sweep[sweep["point"].isin(shown)].groupby(["point", "source"], sort=False):
        coverage = dict(zip(rows["tier"], rows["coverage"], strict=True))
        failed = bool(rows["failed"].iloc[0])
        cells = ["failed" if failed else f"{coverage[t]:.2%}" if t in coverage else "" for t in tiers]
        envelope = format_vnd(float(rows["envelope"].iloc[0]), 0)
        print(f"{envelope:>16}  {source!s:<11}" + "".join(f"{c:>10}" for c in cells))
    failed = sweep.loc[sweep["failed"], "reason"].drop_duplicates()
    for reason in failed.head(3):
        print(f"portfolio: infeasible: {reason}", file=sys.stderr)
    for out in outputs:
        if out.suffix.lower() == ".csv":
            from .output import atomic_write_text

            atomic_write_text(out, sweep.to_csv(index=False, lineterminator="\n", float_format="%.6f"))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from .plots import plot_frontier, save_figure

            save_figure(plot_frontier(sweep), out)
        print(f"wrote {out}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from .explanations import explain, explain_text
    from .money import format_vnd

    outputs = _check_outputs(args.out, [args.appendix] if args.appendix else [], (".csv",))
    allocation = _run(args)
    if args.task:
        print(explain_text(allocation, args.task))
    else:
        reasons = explain(allocation)
        for task, row in reasons[reasons["reason"] != "as planned"].iterrows():
            print(
                f"{task!s:<5}{format_vnd(row['planned'], 2):>14}{format_vnd(row['allocated'], 2):>14}"
                f"{format_vnd(row['difference'], 2):>14}  {row['reason']}"
            )
    for out in outputs:
        from .output import atomic_write_text

        frame = explain(allocation).reset_index()
        atomic_write_text(out, frame.to_csv(index=False, lineterminator="\n", float_format="%.6f"))
        print(f"wrote {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .readers import read_appendix
    from .report import write_report
    from .scenarios import compare, load_scenarios

    out = _check_outputs(
        [args.out], [*args.scenario, *([args.appendix] if args.appendix else [])], (".html",)
    )[0]
    tasks = read_appendix(args.appendix)
    if not args.scenario:
        from .model import optimize

        write_report(out, optimize(tasks))
    else:
        scenarios = [s for path in args.scenario for s in load_scenarios(path, tasks)]
        comparison = compare(scenarios, tasks) if len(scenarios) > 1 else None
        runs = [
            (s.name, s.description, comparison.allocations[s.name] if comparison else s.run(tasks))
            for s in scenarios
        ]
        first, *others = runs
        write_report(out, first[2], name=first[0], description=first[1], others=others, comparison=comparison)
    print(f"wrote {out}")
    return 0


def _convert(args: argparse.Namespace) -> int:
    from .output import refuse_overwrite
    from .readers import read_appendix
    from .readers.tidy import write_csv

    refuse_overwrite(args.out, [Path(args.appendix)])
    tasks = read_appendix(args.appendix, pillars=args.pillars)
    write_csv(tasks, args.out)
    print(f"wrote {len(tasks)} tasks to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 for an infeasible scenario, 2 for bad input.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {
        "show": _show,
        "reconcile": _reconcile,
        "optimize": _optimize,
        "compare": _compare,
        "frontier": _frontier,
        "explain": _explain,
        "report": _report,
        "convert": _convert,
    }

    def warn(
        message: warnings.WarningMessage | object,
        category: type[Warning],
        *rest: object,
        **kw: object,
    ) -> None:
        if issubclass(category, PortfolioWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:  # pragma: no cover - third-party warnings keep their usual form
            print(f"{category.__name__}: {message}", file=sys.stderr)

    warnings.showwarning = warn
    try:
        return handlers[args.command](args)
    except InfeasibleError as exc:
        if args.debug:
            raise
        print(f"portfolio: infeasible: {exc}", file=sys.stderr)
        return 1
    except PortfolioError as exc:
        if args.debug:
            raise
        print(f"portfolio: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        sys.stderr.close()
        return 0
    except OSError as exc:
        if args.debug:
            raise
        print(f"portfolio: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
