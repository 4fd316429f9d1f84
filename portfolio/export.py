"""Export an :class:`~portfolio.model.Allocation`: a working paper in Excel, CSV tables.

The workbook (:func:`allocation_to_excel`) is laid out like Phụ lục 2 with the
optimized allocation, its difference, the tier (Thứ bậc), the funding source
(Nguồn vốn) and the reason (Lý do, from :func:`portfolio.explain`) on every task
row; subtotals and ``TỔNG`` are ``=SUM()`` formulas stored with their values.

Amounts are kept to ``decimals`` digits (two by default: the cent of a million,
10.000 VND, the document's own precision, so every figure of the document is
stored exactly), rounded as :mod:`portfolio.shown_amounts` rounds them: every
subtotal and total on every sheet is then the sum of its rows as shown.

CSV files (:func:`tables_to_csv`) are for Excel: UTF-8 with a byte-order mark,
a ``name`` column, amounts at full precision.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .paper_sheets import (
    DIFFERENCE_HEADER,
    OPTIMIZED_HEADER,
    SOURCE_LABELS,
    plan_sheet,
    plan_sheet_title,
    scenario_sheet,
    source_label,
    summary_sheet,
    tier_label,
)
from .shown_amounts import rounded_table, shown_tasks, shown_tiers
from .tasks import TaskList

if TYPE_CHECKING:
    import pandas as pd

    from .layout_rows import LayoutRow
    from .model.allocation import Allocation
    from .sheets import Sheet

__all__ = ["DIFFERENCE_HEADER", "OPTIMIZED_HEADER", "ROUND_HEADERS", "SCENARIO_SHEET", "SOURCE_LABELS"]
__all__ += ["SUMMARY_SHEET", "TEXT_HEADERS", "allocation_to_excel", "plan_sheet_title", "rounded_table"]
__all__ += ["shown_tasks", "tables_to_csv", "tier_label", "with_stated_totals"]

SUMMARY_SHEET = "Tổng hợp"
SCENARIO_SHEET = "Kịch bản"
TEXT_HEADERS = ("Thứ bậc (tier)", "Nguồn vốn (funding source)", "Lý do (reason)")
#: The money columns of a round 2 (``committed=``): đợt 1, đợt 2, the year's total (optimized).
#: None starts with words the reader takes for a column of the document ("Đã phân bổ" is spent_before).
ROUND_HEADERS = ("Đợt 1, đã phân bổ (round 1)", "Đợt 2 (round 2)", "Cả năm (year total)")


def with_stated_totals(tasks: TaskList) -> TaskList:
    """The tasks with the subtotals their document states, where that document is known.

    A layout source (text, ``.xlsx``, ``.docx``) states its own; the bundled tidy
    CSV states none, but holds exactly the tasks of the bundled text of Kế hoạch
    325/KH-UBND, whose subtotals are then taken.
    """
    import warnings

    from .readers import bundled_appendix_path, read_appendix

    if tasks.stated:
        return tasks
    document = bundled_appendix_path().parent / "sources" / "kh325_ubnd_2023.txt"
    if not document.is_file() or len(tasks) != 81:
        return tasks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stated = read_appendix(document)
    return stated if stated.tasks == tasks.tasks else tasks


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while the working paper is made and written.

    At 100.000 tasks the export makes millions of small objects (the layout's rows
    and cells, the reasons) that reference counting frees and no cycle holds; the
    collector's passes over them cost about 1,4 s of the export's CPU time. It runs
    again afterwards, as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _text_cells(
    allocation: Allocation, year_rows: pd.DataFrame, lang: str = "en"
) -> dict[str, tuple[str, str, str]]:
    """Tier, funding source and reason (in ``lang``) of each task (the first plan year)."""
    from .explanations import explain

    reasons = explain(allocation, lang=lang)["reason"]
    ids = year_rows.index.tolist()  # each column read as one list: Series.to_dict boxes 100.000 values
    tiers = dict(zip(ids, year_rows["tier"].tolist(), strict=True))
    sources = dict(zip(ids, year_rows["funding_source"].tolist(), strict=True))
    labels = {int(t): f"{int(t)} – {tier_label(int(t), short=True)}" for t in set(tiers.values())}  # shared
    words = {str(s): source_label(str(s)) for s in set(sources.values())}  # shared too
    return {
        str(i): (labels[int(tiers[i])], words[str(sources[i])], str(r))
        for i, r in zip(reasons.index.tolist(), reasons.tolist(), strict=True)
    }


def _with_text_columns(rows: list[LayoutRow], texts: dict[str, tuple[str, str, str]]) -> Iterator[LayoutRow]:
    """The group tables with :data:`TEXT_HEADERS` appended (section E as it is), row by row.

    ``rows`` is emptied as it is read, so that a row is let go once its sheet is written.
    """
    from .layout_rows import LayoutRow

    blank = ("", "", "")
    rows.reverse()
    while rows:
        row = rows.pop()
        if row.group == "E" or row.kind in ("heading", "unit"):
            yield row
        elif row.kind == "header":
            yield replace(row, cells=(*row.cells, *TEXT_HEADERS), keys=(*row.keys, "", "", ""))
        else:  # the constructor, not dataclasses.replace: 100.000 rows
            extra = texts.get(f"{row.group}{row.cells[0]}", blank) if row.kind == "task" else blank
            yield LayoutRow(row.kind, (*row.cells, *extra), row.group, row.keys, row.notes)


def _money_columns(
    first: pd.DataFrame, decimals: int
) -> tuple[list[tuple[str, Mapping[str, float]]], dict[str, tuple[str, str]]]:
    """The columns after the document's own on each task row, and the formulas that make them.

    Optimized and difference (``=H7-G7``); after a round 2 (``committed=``) đợt 1,
    đợt 2, the year's total (``=đợt 1 + đợt 2``) and the difference, each round
    rounded as :func:`shown_tasks` rounds it (so đợt 1 shows what round 1's own
    workbook showed, and adds up to round 1's envelopes).
    """
    ids = [str(k) for k in first.index.tolist()]

    def amounts(column: str) -> dict[str, float]:  # the column as one list, not 100.000 boxed items
        return dict(zip(ids, first[column].to_numpy(dtype=float).tolist(), strict=True))

    optimized, difference = amounts("allocated"), amounts("difference")
    extra: list[tuple[str, Mapping[str, float]]]
    if "round_1" not in first.columns:
        extra = [(OPTIMIZED_HEADER, optimized), (DIFFERENCE_HEADER, difference)]
        return extra, {"extra1": ("extra0", "planned")}
    extra = [
        (ROUND_HEADERS[0], amounts("round_1")),
        (ROUND_HEADERS[1], amounts("round_2")),
        (ROUND_HEADERS[2], optimized),
        (DIFFERENCE_HEADER, difference),
    ]
    return extra, {"extra2": ("extra0", "+extra1"), "extra3": ("extra2", "planned")}


def allocation_to_excel(
    allocation: Allocation,
    path: str | Path,
    *,
    tasks: TaskList | str | Path | None = None,
    decimals: int = 2,
    lang: str | None = None,
    sensitivity: bool = True,
) -> None:
    """Write an allocation as a working paper laid out like Phụ lục 2.

    Parameters
    ----------
    allocation
        The result of :func:`portfolio.optimize`.
    path
        The ``.xlsx`` file, written atomically; equal inputs give equal bytes.
    tasks
        The tasks the allocation was computed from (a :class:`TaskList` or a
        path); by default the allocation's own (:attr:`Allocation.tasks`).
    decimals
        Digits kept after the decimal mark. ``2`` (the default) keeps every
        figure of the document exactly, and :func:`portfolio.read_appendix`
        reads the workbook back to the same tasks.
    lang
        ``"vi"``: reasons in Vietnamese and labels without their English
        glosses; ``"en"``: reasons in English. By default the allocation's own
        :attr:`~portfolio.model.Allocation.lang`, else English reasons; the
        labels are Vietnamese with English glosses unless ``"vi"``.
    sensitivity
        Whether to add the ``Độ nhạy`` sheet (:mod:`portfolio.sensitivity_sheet`),
        which costs :meth:`Allocation.marginal` (a few more runs per envelope).

    Raises
    ------
    ValueError
        If ``decimals`` is negative or the allocation's tasks are not ``tasks``.

    Notes
    -----
    Sheets ``A`` … ``E`` as in the document, each task row with the optimized
    allocation (the first year of a plan), its difference (a formula), tier,
    funding source and reason; agency subtotals and ``TỔNG`` as ``=SUM()``, a
    comment where the document states another figure. Then ``Tổng hợp`` (per
    source and tier, per group); for a plan ``Kế hoạch N năm`` (per task and
    year); ``Kịch bản`` (rule, envelopes, plan year, years, non-default options);
    ``Độ nhạy`` (what one more million VND in each envelope buys, task by task).
    Frozen headers, landscape, one page wide, headers repeated on every page.
    """
    from .language import lang_of, vietnamese_sheets
    from .layout_rows import appendix_lines, title_lines
    from .layout_workbook import layout_sheets
    from .model.inputs import load_tasks
    from .workbook import write_workbook

    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    with _without_cycle_collection():
        language = lang_of(lang, allocation)
        task_list = allocation.tasks if tasks is None else load_tasks(tasks)
        shown = shown_tasks(allocation, task_list, decimals)
        first = shown[shown["year"] == allocation.years[0]].set_index("id")
        extra, derived = _money_columns(first, decimals)
        layout = appendix_lines(with_stated_totals(task_list), decimals=decimals, extra_columns=extra)
        rows = _with_text_columns(layout, _text_cells(allocation, allocation.year_table(), language))
        sheets = [summary_sheet(allocation, shown, shown_tiers(allocation, decimals))]
        if len(allocation.years) > 1:
            sheets.append(plan_sheet(allocation, shown, task_list))
        sheets.append(scenario_sheet(allocation, shown, decimals, SCENARIO_SHEET, lang=language))
        if sensitivity:
            from .sensitivity_sheet import sensitivity_sheet

            sheets.append(sensitivity_sheet(allocation, task_list))
        year = allocation.plan_year
        group_sheets = layout_sheets(rows, derived=derived, year=year)  # made as written
        every: Iterator[Sheet] = itertools.chain(group_sheets, sheets)
        if language == "vi":
            names = {text for task in task_list for text in (task.name, task.agency)}
            every = vietnamese_sheets(every, names)
        write_workbook(every, path, title=title_lines(year)[1])


def tables_to_csv(allocation: Allocation, folder: str | Path) -> list[Path]:
    """Write the allocation's tables as CSV files for Excel (:func:`portfolio.output.csv_for_excel`).

    Parameters
    ----------
    allocation
        The result of :func:`portfolio.optimize`.
    folder
        Where to write; created if missing.

    Returns
    -------
    list of pathlib.Path
        ``per_task.csv`` (:attr:`Allocation.table` with each task's ``name``, its
        index as the columns ``year``, ``id``), ``by_agency.csv``, ``by_group.csv``,
        ``by_tier.csv`` (index levels first), floats at full precision so that
        ``pandas.read_csv`` gives them back.
    """
    from .output import atomic_write_text, csv_for_excel

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"per_task": allocation.named_table(), "by_agency": allocation.by_agency()}
    tables.update(by_group=allocation.by_group(), by_tier=allocation.by_tier())
    paths = [folder / f"{name}.csv" for name in tables]
    for path, frame in zip(paths, tables.values(), strict=True):
        atomic_write_text(path, csv_for_excel(frame.reset_index()))
    return paths
