"""The ``portfolio`` command: show, reconcile, optimize, convert.

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

from .errors import InfeasibleError, PortfolioError, PortfolioWarning

__all__ = ["main"]

EPILOG_OPTIMIZE = """examples:
  portfolio optimize                                  # bundled appendix, default rule
  portfolio optimize --budget recurrent=300000 --out plan.xlsx
  portfolio optimize --rule closest_to_plan --years 3 --out plan.csv
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
    opt.add_argument(
        "--budget",
        action="append",
        type=_budget,
        default=[],
        metavar="SOURCE=AMOUNT",
        help="envelope of a funding source, million VND (recurrent=332401, investment=66390); "
        "repeat for both; default: the document's planned totals",
    )
    opt.add_argument(
        "--rule",
        default="proportional",
        choices=["proportional", "equal_awards", "weighted", "closest_to_plan"],
        help="rationing rule within a tier (default: proportional)",
    )
    opt.add_argument(
        "--solver", default="highs", choices=["highs", "cbc"], help="LP backend (default: highs)"
    )
    opt.add_argument("--plan-year", type=int, default=2024, help="first year planned (default: 2024)")
    opt.add_argument(
        "--years",
        type=int,
        default=1,
        help="years in the plan (default: 1; 3 for the rolling plan)",
    )
    opt.add_argument(
        "--out",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="write a result; repeat for several: .csv (per-task table: id, year, "
        "planned, allocated, ...), .xlsx (laid out like Phụ lục 2, plus summary and "
        "scenario sheets), .png (optimized vs actual per task)",
    )

    conv = sub.add_parser(
        "convert",
        help="read any layout and write the tidy CSV",
        epilog="example:\n  portfolio convert data/sources/kh325_ubnd_2023.txt --out appendix.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conv.add_argument("appendix", help="the source file")
    conv.add_argument("--out", type=Path, required=True, help="the tidy CSV to write")
    return parser


def _show(args: argparse.Namespace) -> int:
    from .money import format_vnd
    from .readers import read_appendix

    tasks = read_appendix(args.appendix)
    frame = tasks.frame
    money = ["approved", "spent_before", "carried_over", "planned"]
    print(f"{tasks.source}: {len(tasks)} tasks (million VND)")
    header = f"{'group':<6}{'rows':>5}" + "".join(f"{c:>16}" for c in money)
    print(header)
    for group, part in frame.groupby("group", sort=True):
        print(f"{group:<6}{len(part):>5}" + "".join(f"{format_vnd(part[c].sum(), 2):>16}" for c in money))
    print(f"{'total':<6}{len(frame):>5}" + "".join(f"{format_vnd(frame[c].sum(), 2):>16}" for c in money))
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


def _optimize(args: argparse.Namespace) -> int:
    from .model import optimize
    from .money import format_vnd

    outputs = _check_outputs(args.out, [args.appendix] if args.appendix else [])
    budget = dict(args.budget)
    allocation = optimize(
        args.appendix,
        budget=budget,
        rule=args.rule,
        solver=args.solver,
        plan_year=args.plan_year,
        years=args.years,
    )
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
    _write_outputs(allocation, outputs, args.appendix)
    return 0


def _check_outputs(outputs: list[Path], inputs: list[str]) -> list[Path]:
    """Refuse unknown suffixes and writing over an input, before any work is done."""
    from .output import refuse_overwrite

    for out in outputs:
        refuse_overwrite(out, [Path(i) for i in inputs])
        if out.suffix.lower() not in {".csv", ".xlsx", ".png"}:
            raise PortfolioError(f"{out}: --out must end in .csv, .xlsx or .png")
        if not out.resolve().parent.is_dir():
            raise PortfolioError(f"{out}: the folder does not exist")
    return outputs


def _write_outputs(allocation: object, outputs: list[Path], appendix: str | None) -> None:
    from .model import Allocation

    assert isinstance(allocation, Allocation)
    for out in outputs:
        suffix = out.suffix.lower()
        if suffix == ".csv":
            allocation.to_csv(str(out))
        elif suffix == ".xlsx":
            from .export import allocation_to_excel
            from .readers import read_appendix

            allocation_to_excel(allocation, out, tasks=read_appendix(appendix))
        else:
            import matplotlib

            matplotlib.use("Agg")
            from .plots import plot_tasks, save_figure

            save_figure(plot_tasks(allocation), out)
        print(f"wrote {out}")


def _convert(args: argparse.Namespace) -> int:
    from .output import refuse_overwrite
    from .readers import read_appendix
    from .readers.tidy import write_csv

    refuse_overwrite(args.out, [Path(args.appendix)])
    tasks = read_appendix(args.appendix)
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
    handlers = {"show": _show, "reconcile": _reconcile, "optimize": _optimize, "convert": _convert}

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
