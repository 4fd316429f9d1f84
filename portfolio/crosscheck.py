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
  (:func:`allowed_gap`, from :data:`~portfolio.model.tolerances.ROW_ROUNDING`).

Smaller disagreements are the document's own slips (the plan has eight): they
stay findings of :func:`~portfolio.reconciliation.reconcile`, and
:func:`mismatch_warning` gives the one-line warning ``show`` and ``optimize``
print, with their number, so that a new one is never hidden among the known.
"""

from __future__ import annotations

from .errors import InputError
from .model.tolerances import ROW_ROUNDING
from .money import format_amount
from .reconciliation import reconcile_tasks
from .tasks import GROUP_TITLES, TaskList

__all__ = ["allowed_gap", "check_document", "mismatch_warning"]


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
        if abs(finding.difference) > allowed_gap(counts.get(finding.group, 0), shown) + 1e-9:
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
