"""The ``portfolio`` command's arguments: sub-commands, their files and the run's options."""

from __future__ import annotations

import argparse
from pathlib import Path

from .simulate import add_simulate_parser
from .whatif import add_run_arguments

__all__ = ["build_parser"]

EPILOG_OPTIMIZE = """examples:
  portfolio optimize                                  # bundled appendix, default rule
  portfolio optimize --budget recurrent=300000 --out plan.xlsx
  portfolio optimize --budget recurrent=-15% --defer B38 --cap "Sở Y tế=20000" --out cut.xlsx
  portfolio optimize kh2025.txt --committed round1.csv --budget recurrent=400000 --out round2.xlsx
  portfolio optimize --rule closest_to_plan --years 3 --out plan.csv
  portfolio optimize --scenario examples/scenarios/cut10.toml
  portfolio optimize --scenario examples/scenarios/priority_health.toml --name health_weighted
"""

EPILOG_COMPARE = """examples:
  portfolio compare examples/scenarios/cut10.toml examples/scenarios/cut20.toml
  portfolio compare examples/scenarios/ --out scenarios.xlsx   # every file of the folder
  portfolio compare examples/scenarios/*.toml --out per_task.csv
  portfolio compare --baseline examples/scenarios/cut10.toml   # beside the optimized default
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


def build_parser() -> argparse.ArgumentParser:
    """The ``portfolio`` command's parser: one sub-command per job."""
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

    run_args = add_run_arguments

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
        "--sensitivity",
        action="store_true",
        help="also print what one more million VND buys in each envelope and year: the range over "
        "which it holds, the rationed tier's rise and the tasks that gain (độ nhạy)",
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
    cmp.add_argument(
        "--baseline",
        action="store_true",
        help="also run the default options (the optimized baseline) as a column named 'baseline'",
    )
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
        help="read any layout and write it as the tidy CSV or laid out like the document",
        epilog="examples:\n  portfolio convert data/sources/kh325_ubnd_2023.txt --out appendix.csv\n"
        "  portfolio convert appendix.csv --out phu_luc_2.xlsx   (.xlsx, .docx, .txt: the document's layout)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conv.add_argument("appendix", help="the source file")
    pillars_arg(conv)
    conv.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the file to write: .csv (tidy) or .xlsx, .docx, .txt (document layout)",
    )
    tpl = sub.add_parser(
        "template",
        help="write an empty Phụ lục 2 workbook for a year, with dropdowns, to fill and read back",
        epilog="example:\n  portfolio template --year 2025 --out blank.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tpl.add_argument("--year", type=int, required=True, help="the plan year (NĂM …)")
    tpl.add_argument("--rows", type=int, default=20, help="empty task rows per table (default: 20)")
    tpl.add_argument("--out", type=Path, required=True, help="the .xlsx to write")
    add_simulate_parser(sub, appendix_arg, out_arg)
    for command in sub.choices.values():
        command.add_argument(
            "--lang",
            choices=["en", "vi"],
            default="en",
            help="language of tables, explanations and plot labels (vi: tiếng Việt; default: en)",
        )
    return parser
