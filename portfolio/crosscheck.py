"""The document checked against itself on every read.

Phụ lục 2 says the same thing twice: each group heading announces its task count
(``(14 nhiệm vụ)``, checked by the layout parser), each ``TỔNG`` row and section E
state a group's totals, each agency row its subtotals. Rows that went missing on
the way (a heading not recognised, a sheet deleted, a cell lost) make these
disagree, so :func:`check_document` turns the disagreements no rounding can
explain into an error naming what is missing:

* section E states a group of which no row was read;
* a group's rows fall short of (or exceed) its ``TỔNG`` row or its section-E
  figure by more than the rounding of its rows could explain
  (:func:`allowed_gap`, from :data:`~portfolio.tolerances.ROW_ROUNDING`);
* an agency row's subtotals are exceeded by exactly the sums of its last rows
  in every column it states (:func:`missing_agency_row`): those rows add up to
  nothing of the agency's own, so they belong to another agency whose row is
  missing (deleted, or not read), and were credited to the agency above.

A task's own years are checked against the heading it stands under
(:func:`continuing_starts`): a continuing task (chuyển tiếp: group B, and group
D under its sub-heading ``Nhiệm vụ chuyển tiếp``) started before the plan
year, so one that starts in it or later means a sub-heading of new tasks
(``Nhiệm vụ đề xuất mới``) went missing above it, which would read new
tasks as continuing.

Smaller disagreements are the document's own slips (the plan has eight): they
stay findings of :func:`~portfolio.reconciliation.reconcile`, and
:func:`mismatch_warning` gives the one-line warning ``show`` and ``optimize``
print, with their number, so that a new one is never hidden among the known.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .errors import InputError
from .money import format_amount
from .reconciliation import reconcile_tasks
from .tasks import GROUP_TITLES, StatedTotal, TaskList
from .tolerances import ROW_ROUNDING, SUM_NOISE

__all__ = ["allowed_gap", "check_document", "continuing_starts", "mismatch_warning", "missing_agency_row"]


def allowed_gap(rows: int, decimals: int) -> float:
    """How far (million VND) a group's rows may sum from a total stated with ``decimals`` digits.

    Half a shown digit per row, at least one digit: the rounding the rows may
    carry, and the plan's own slips of one million.

    Examples
    --------
    >>> allowed_gap(39, 0), allowed_gap(2, 0), allowed_gap(4, 1)
    (19.5, 1.0, 0.2)
    """
    return max(1.0, ROW_ROUNDING * rows) * 10.0 ** (-decimals)


def check_document(tasks: TaskList) -> None:
    """Raise if the document's own totals say that rows are missing.

    Parameters
    ----------
    tasks
        Tasks read from a document layout, with the subtotals it states (a tidy
        CSV states none and passes).

    Raises
    ------
    InputError
        Naming the file, where the stated figure stands and what is missing: a
        group section E lists but no row of which was read, or a group whose rows
        fall short of its ``TỔNG`` or section-E figure.
    """
    if not tasks.stated:
        return
    read_groups = {task.group for task in tasks}
    for stated in tasks.stated:
        if stated.scope == "summary" and stated.group not in read_groups and stated.stated:
            title = GROUP_TITLES[stated.group].upper()
            raise InputError(
                f"section E lists group {stated.group} ({stated.column} {format_amount(stated.stated)}) "
                f"but no row of group {stated.group} was read: its heading '{stated.group}. {title} "
                "(… nhiệm vụ)' or its table is missing or not recognised",
                file=tasks.source,
                row=stated.where,
            )
    decimals = {(s.scope, s.group, s.column, s.where): s.decimals for s in tasks.stated}
    counts: dict[str, int] = {group: sum(task.group == group for task in tasks) for group in read_groups}
    for finding in reconcile_tasks(tasks):
        if finding.scope == "agency":
            continue
        shown = decimals[(finding.scope, finding.group, finding.column, finding.where)]
        if abs(finding.difference) > allowed_gap(counts.get(finding.group, 0), shown) + SUM_NOISE:
            label = "section E" if finding.scope == "summary" else "its TỔNG row"
            short = finding.difference > 0
            how = "short of" if short else "above"
            why = "a row or a cell is missing" if short else "a row or a cell was added or changed"
            raise InputError(
                f"the rows of group {finding.group} sum to {format_amount(finding.computed)} in "
                f"{finding.column}, {how} the {format_amount(finding.stated)} {label} states "
                f"by {format_amount(abs(finding.difference))}: {why}",
                file=tasks.source,
                row=finding.where,
            )
    missing = missing_agency_row(tasks)
    if missing is not None:
        raise missing


def missing_agency_row(tasks: TaskList) -> InputError | None:
    """The error for rows credited to the agency above theirs, or ``None``.

    An agency row whose stated subtotals its rows exceed, in every column it
    states, by the sums of a run of its last rows holds those rows without their
    own agency row: without them the rows add up to what it states. "Add up" allows
    what a group's total allows (:func:`allowed_gap`: the rows' rounding, and a slip
    of one million such as the plan's own), and an agency row within that of its
    rows is never questioned, so the document's slips stay warnings, counted by
    :func:`mismatch_warning`.

    Returns
    -------
    InputError or None
        Naming the file, the first of those rows, the agency row they fell under and
        its figures; ``None`` when no agency row looks so.
    """
    by_id = {task.id: task for task in tasks}
    agencies: dict[tuple[str, int], list[StatedTotal]] = {}
    for stated in tasks.stated:
        if stated.scope == "agency" and stated.stated is not None:
            agencies.setdefault((stated.group, stated.position), []).append(stated)
    for key, figures in agencies.items():
        rows = [by_id[i] for i in tasks.members.get(key, ()) if i in by_id]
        excess = {
            s.column: math.fsum(getattr(t, s.column) for t in rows) - (s.stated or 0.0) for s in figures
        }
        slack = {s.column: allowed_gap(len(rows), s.decimals) + SUM_NOISE for s in figures}
        if all(abs(excess[column]) <= slack[column] for column in excess):
            continue  # adds up, or a rounding or a slip of the document (counted by mismatch_warning)
        for k in range(1, len(rows)):
            tail = rows[len(rows) - k :]
            sums = {column: math.fsum(getattr(t, column) for t in tail) for column in excess}
            if all(abs(excess[c] - sums[c]) <= slack[c] for c in excess):
                first, last, agency = tail[0].id, tail[-1].id, figures[0].agency
                run = first if k == 1 else f"{first}–{last}"
                said = ", ".join(f"{s.column} {format_amount(s.stated or 0.0)}" for s in figures)
                summed = ", ".join(
                    f"{s.column} {format_amount((s.stated or 0.0) + excess[s.column])}" for s in figures
                )
                rows_are, seem = ("row", "seems") if k == 1 else (f"{k} rows", "seem")
                return InputError(
                    f"the agency row '{agency}' ({figures[0].where}) states {said} but its rows sum to "
                    f"{summed}; without its last {rows_are}, {run}, they add up: {run} {seem} to belong "
                    f"to another agency whose row above {first} is missing (deleted or not recognised); "
                    "restore that agency row",
                    file=tasks.source,
                    row=first,
                )
    return None


def continuing_starts(tasks: TaskList, where: Mapping[str, str]) -> InputError | None:
    """The first continuing task that starts in the plan year or later, as an error (else ``None``).

    Parameters
    ----------
    tasks
        Tasks read from a document layout; one whose plan year is not known passes.
    where
        Task id -> where its row stands (``line 25``, ``sheet 'D' row 9``).

    Notes
    -----
    Group B is the group of continuing tasks (its heading: ``CÁC NHIỆM VỤ CHUYỂN
    TIẾP``); in group D the sub-headings ``I Nhiệm vụ chuyển tiếp`` and ``II
    Nhiệm vụ đề xuất mới`` tell continuing tasks from new ones, and a task read
    as continuing there is one with ``is_new`` false.
    """
    year = tasks.plan_year
    if year is None:
        return None
    for task in tasks:
        if task.is_new or task.group not in ("B", "D") or task.start_year < year:
            continue
        under = "group B, the continuing tasks" if task.group == "B" else "group D's continuing tasks"
        missing = (
            "it belongs under another heading"
            if task.group == "B"
            else "the sub-heading of new tasks (II Nhiệm vụ đề xuất mới) is missing above it"
        )
        return InputError(
            f"the task stands under {under} (chuyển tiếp) but its period {task.period!r} starts in "
            f"{task.start_year}, {'the plan year' if task.start_year == year else 'after the plan year'} "
            f"{year}: a continuing task started before the plan year, so {missing} or the period is wrong",
            file=tasks.source,
            row=f"{task.id} ({where[task.id]})" if task.id in where else task.id,
            field="period",
        )
    return None


def mismatch_warning(tasks: TaskList) -> str | None:
    """The one-line warning for stated subtotals that differ from their rows, or ``None``.

    Only mismatches count (a figure that cannot be a rounding of its rows); the
    plan itself has eight, and the warning gives their number so a ninth shows.

    Examples
    --------
    >>> from portfolio.readers import bundled_appendix_path, read_appendix
    >>> source = bundled_appendix_path().parent / "sources" / "kh325_ubnd_2023.txt"
    >>> mismatch_warning(read_appendix(source)).split(": ")[1].split(";")[0]
    '8 stated subtotals differ from their rows'
    """
    mismatches = sum(f.kind == "mismatch" for f in reconcile_tasks(tasks))
    if not mismatches:
        return None
    what = "stated subtotal differs" if mismatches == 1 else "stated subtotals differ"
    listed = f"`portfolio reconcile {tasks.source}` lists them"
    return f"{tasks.source}: {mismatches} {what} from their rows; {listed}"
