"""The sub-commands on the appendix itself: show, reconcile, convert, template.

They read the document (:func:`read`, which the other commands use too), show
its rows and totals, list what does not add up, write it in another layout, or
write an empty one for a year; none of them allocates. Each takes the parsed
arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PortfolioError, PortfolioWarning
from .outputs import check_outputs, protected_inputs
from .words import amount_word, word

if TYPE_CHECKING:
    from ..tasks import TaskList

__all__ = ["CONVERT_SUFFIXES", "convert", "read", "reconcile", "show", "template"]


def read(appendix: str | None, pillars: str | Path | None = None) -> TaskList:
    """Read the appendix (cross-checked against itself) and warn once if stated subtotals differ."""
    import warnings

    from ..crosscheck import mismatch_warning
    from ..readers import read_appendix

    tasks = read_appendix(appendix, pillars=pillars)
    message = mismatch_warning(tasks)
    if message:
        warnings.warn(message, PortfolioWarning, stacklevel=2)
    return tasks


def show(args: argparse.Namespace) -> int:
    """Rows and totals per group and pillar (and per agency)."""
    from ..pillar_views import pillar_lines

    lang = args.lang
    tasks = read(args.appendix, args.pillars)
    frame = tasks.frame
    money = ["approved", "spent_before", "carried_over", "planned"]
    year = f", {word('plan year', lang)} {tasks.plan_year}" if tasks.plan_year else ""
    print(f"{tasks.source}: {len(tasks)} {word('tasks', lang)} ({word('million VND', lang)}{year})")
    print(f"{word('group', lang):<6}{word('rows', lang):>8}" + "".join(f"{word(c, lang):>16}" for c in money))
    for group, part in frame.groupby("group", sort=True):
        print(f"{group:<6}{len(part):>8}" + "".join(f"{amount_word(part[c].sum()):>16}" for c in money))
    print(
        f"{word('total', lang):<6}{len(frame):>8}"
        + "".join(f"{amount_word(frame[c].sum()):>16}" for c in money)
    )
    print()
    print("\n".join(pillar_lines(frame)))
    if args.agencies:
        from ..agencies import canonical_agency

        print()
        keys = [frame["group"], frame["agency"].map(canonical_agency)]
        for key, part in frame.groupby(keys, sort=False):
            letter, agency = str(key[0]), str(key[1])
            print(
                f"{letter} {agency[:44]:<45}{len(part):>3}"
                + "".join(f"{amount_word(part[c].sum()):>14}" for c in money)
            )
    return 0


def reconcile(args: argparse.Namespace) -> int:
    """The document's subtotals that do not add up, and the agency names merged (``--lang vi``)."""
    from ..reconciliation import reconcile as findings_of

    findings = findings_of(args.appendix, lang=args.lang)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1))
        return 0
    print(findings)
    return 0


CONVERT_SUFFIXES = (".csv", ".xlsx", ".docx", ".txt")


def convert(args: argparse.Namespace) -> int:
    """Read any layout, write what the suffix names: the tidy CSV, or the document's layout."""
    from ..layout_rows import appendix_lines
    from ..output import atomic_write_text, refuse_overwrite
    from ..readers.tidy import write_csv
    from ..writers import write_layout_docx, write_layout_text, write_layout_xlsx

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in CONVERT_SUFFIXES:
        raise PortfolioError(
            f"{out}: --out must end in .csv (the tidy table) or .xlsx, .docx, .txt (laid out like "
            f"the document), not {suffix or 'no suffix'!r}"
        )
    refuse_overwrite(out, protected_inputs([args.appendix, args.pillars]))
    tasks = read(args.appendix, args.pillars)
    year = tasks.plan_year or 2024
    if suffix == ".csv":
        write_csv(tasks, out)
    elif suffix == ".xlsx":
        write_layout_xlsx(appendix_lines(tasks), out, year=year)
    elif suffix == ".docx":
        write_layout_docx(appendix_lines(tasks), out, year=year)
    else:
        atomic_write_text(out, write_layout_text(appendix_lines(tasks, number_style="text"), year=year))
    print(f"{word('wrote', args.lang)} {len(tasks)} {word('tasks', args.lang)}: {out}")
    return 0


def template(args: argparse.Namespace) -> int:
    """Write an empty Phụ lục 2 workbook for a year."""
    from ..template import write_template

    check_outputs([args.out], [], (".xlsx",))
    write_template(args.out, year=args.year, rows=args.rows, lang=args.lang)
    print(f"{word('wrote', args.lang)} {args.out}")
    return 0
