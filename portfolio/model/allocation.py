"""The result of a run: an allocation per task, with tables, summary and sensitivity."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .allocation_tables import (
    binding_table,
    named_table,
    summary_figures,
    sums_by,
    task_notes,
    tier_lines,
    tier_report,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from matplotlib.axes import Axes

    from ..tasks import TaskList
    from .instance import Instance
    from .options import Options
    from .solved import StageProblem

__all__ = ["Allocation"]


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass(frozen=True)
class Allocation:
    """An optimized allocation compared with the document's (million VND).

    One year or a multi-year plan, the same shape: :attr:`table` and
    :attr:`reasons` are indexed by ``(year, id)``, one row per task and year,
    the years in order and the tasks of each year in the document's order;
    sensitivity is per envelope and year, binding rows name their year.

    To look up a task without writing the year: ``a.task("B38")`` is its rows,
    indexed by year (one row for a single year); ``a.year_table()`` is the first
    year's table indexed by task id (``a.year_table(2025)`` another year of a
    plan), for ``.loc["B38", "allocated"]`` and masks over ids; ``a.allocated``
    is each task's amount summed over the years. On the full table:
    ``a.table.loc[(2024, "B38")]`` or ``a.table.xs("B38", level="id")``.

    Attributes
    ----------
    table
        Indexed by ``(year, id)``: ``group``, ``agency``, ``pillar``,
        ``category`` (``portfolio.pillars``), ``funding_source``,
        ``tier``, ``kind``, ``remaining_need``, ``demand``, ``lower`` and
        ``upper`` (the task's bounds), ``planned`` (the document's Dự kiến phân
        bổ, for the first year; 0 later), ``allocated``, ``difference``
        (allocated − planned), ``coverage`` (allocated / demand).
    options
        The options of the run (rule, envelopes, ...).
    tasks
        The :class:`~portfolio.tasks.TaskList` the run allocated.
    envelopes
        ``(source, year) -> envelope``.
    levels
        ``(source, year, tier) -> `` the common level the rule reached (the
        coverage ratio λ for the proportional rule).
    status
        ``"optimal"`` when every stage solved to optimality.
    reasons
        Row for row with ``table`` (``(year, id)``): ``lower_reason`` and
        ``upper_reason``, the codes of the reasons for the task's bounds;
        ``held_by``, what holds its amount; ``row``, the row or envelope that
        holds it (a name of ``rows``), else ``""``. The codes and their meaning
        are in :mod:`portfolio.model.reasons`.
    rows
        Every envelope and agency or analyst row of each year, indexed by its name
        (``envelope recurrent``, ``agency_cap 0: Sở Y tế``): ``year``, ``family``,
        ``name``, ``lower``, ``upper``, ``activity`` and ``held`` (the bound it is
        at: ``"upper"``, ``"lower"`` or ``""``).
    sensitivity_table
        The value of one more million VND per envelope and year, indexed by
        ``(envelope, year)`` (see :meth:`sensitivity`).
    binding_rows
        ``(year, family, name)`` of the envelopes and rows each year's
        allocation meets at a bound (see :meth:`binding`).
    starts
        One row per new task, indexed by id: whether and when it starts and, when
        it does not, the year and the money that stop it
        (:meth:`portfolio.model.admission.Admission.table`, ``docs/model.md`` §6).
    lang
        The language the result shows itself in (:mod:`portfolio.language`):
        ``"vi"`` makes its explanations, displays, summary, workbook labels and
        chart labels Vietnamese; ``"en"`` English where there is English;
        ``None`` (default) leaves each to its own default. A ``lang=`` given to
        one call overrides it.

    Examples
    --------
    >>> from portfolio import optimize
    >>> a = optimize()
    >>> list(a.table.index.names)
    ['year', 'id']
    >>> round(float(a.task("B38").loc[2024, "allocated"]), 2)
    76559.18
    >>> round(float(a.year_table().loc["B38", "allocated"]), 2)
    76559.18
    """

    table: pd.DataFrame
    options: Options
    tasks: TaskList
    envelopes: dict[tuple[str, int], float]
    levels: dict[tuple[str, int, int], float]
    status: str = "optimal"
    objective: float = 0.0
    reasons: pd.DataFrame = field(default_factory=_empty_frame)
    rows: pd.DataFrame = field(default_factory=_empty_frame)
    sensitivity_table: pd.DataFrame | None = None
    binding_rows: tuple[tuple[int, str, str], ...] = ()
    solves: int = 0
    instances: tuple[Instance, ...] = field(default=(), repr=False)
    starts: pd.DataFrame = field(default_factory=_empty_frame)
    lang: str | None = field(default=None, repr=False)

    @property
    def rule(self) -> str:
        """The rationing rule used."""
        return self.options.rule

    @property
    def years(self) -> list[int]:
        """Years of the plan."""
        return sorted({year for _, year in self.envelopes})

    @property
    def plan_year(self) -> int:
        """The first year planned: the document's (``NĂM 2025``) unless the run was given another.

        Writers title the appendix with it (``layout_rows.title_lines(a.plan_year)``).
        """
        return self.options.plan_year

    def task(self, task_id: str) -> pd.DataFrame:
        """One task's rows of :attr:`table`, indexed by year (one row for a single year).

        ``task_id`` is the document's id (``"B38"``; case and spaces do not matter).

        Raises
        ------
        KeyError
            If no task of the allocation has this id.
        """
        key = str(task_id).strip().upper()
        ids = self.table.index.get_level_values("id")
        mine = ids == key
        if not mine.any():
            raise KeyError(f"{task_id!r} is not a task id of the allocation")
        return self.table[mine].droplevel("id")

    def year_table(self, year: int | None = None) -> pd.DataFrame:
        """The table of one year indexed by task id (default: the first year, the plan year).

        Raises
        ------
        ValueError
            If ``year`` is not a year of the allocation.
        """
        year = self.years[0] if year is None else int(year)
        if year not in self.years:
            raise ValueError(f"year {year} is not in the allocation's years {self.years}")
        years = self.table.index.get_level_values("year")
        return self.table[years == year].droplevel("year")

    @property
    def notes(self) -> dict[str, list[str]]:
        """Task id -> the options that set its bounds, in words (over every year of a plan).

        Written from :attr:`reasons` for reading (``["locked at 50.000"]``,
        ``["deferred"]``, ``[]`` where only the ladder set the bounds); code reads
        the codes in :attr:`reasons`. In English; :meth:`notes_in` for Vietnamese.
        """
        return self.notes_in("en")

    def notes_in(self, lang: str | None = None) -> dict[str, list[str]]:
        """:attr:`notes` in ``lang`` (``"en"`` or ``"vi"``; by default :attr:`lang`, else English)."""
        from ..language import lang_of

        return task_notes(self, lang_of(lang, self))

    @property
    def allocated(self) -> pd.Series:
        """Allocated amount per task id (summed over the years of a plan), in document order."""
        return self.table.groupby(level="id", sort=False)["allocated"].sum()

    def by_agency(self) -> pd.DataFrame:
        """Demand, planned, allocated, difference and coverage per agency."""
        return sums_by(self, ["group", "agency"])

    def by_group(self) -> pd.DataFrame:
        """The same per task group (A–D)."""
        return sums_by(self, ["group"])

    def by_pillar(self) -> pd.DataFrame:
        """Demand, planned, allocated, difference and shares per pillar of Nghị quyết 03-NQ/TU.

        See :func:`~portfolio.model.pillar_report.pillar_table`: the four pillars in
        order (then ``chưa phân loại`` if a task is), ``planned_share`` of the
        document's total and ``envelope_share`` of the year's envelopes.
        """
        from .pillar_report import pillar_table

        return pillar_table(self.table, self.envelopes)

    def by_category(self) -> pd.DataFrame:
        """The same per heading of Phụ lục I (I Thể chế số … XII Không gian trải nghiệm)."""
        from .pillar_report import pillar_table

        return pillar_table(self.table, self.envelopes, by="category")

    def by_tier(self) -> pd.DataFrame:
        """The same per funding source and tier."""
        return sums_by(self, ["funding_source", "tier"]).sort_index()

    def summary(self, lang: str | None = None) -> pd.Series:
        """Key figures: rule, envelopes, allocated and planned totals, tier coverage.

        With ``lang="vi"`` (or :attr:`lang`) the keys are Vietnamese:
        ``hạn mức chi thường xuyên 2024``, ``mức chi thường xuyên 2024 thứ bậc 3``.
        """
        from ..language import lang_of

        return summary_figures(self, vi=lang_of(lang, self) == "vi")

    @functools.cached_property
    def _marginal(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from solvers import get_backend

        from .marginal import marginal_tables

        return marginal_tables(self, get_backend(self.options.solver).precision)

    def marginal(self) -> pd.DataFrame:
        """What each task gains per extra million VND in each envelope and year (MODEL §7).

        Indexed by ``(envelope, year, id)`` (the envelope's source and year, the
        task): ``per_million``, the task's gain over the whole run (in a plan a
        change in one year's envelope moves later years too, shown per year in
        ``per_million YEAR``). It holds over :meth:`sensitivity`'s
        ``[holds_from, holds_until]``: ``x(E + δ) − x(E) = δ · per_million``. It is
        computed by re-running the rule with the one envelope moved (a few runs
        per envelope where the bounds foresee the range's ends, a search where
        they do not; each cached), so it is right for every rule and option.
        """
        return self._marginal[0]

    def sensitivity(self) -> pd.DataFrame:
        """The value of one more million VND in each envelope and year (MODEL §7, ``docs/model.md`` §5).

        Indexed by ``(envelope, year)``: ``amount``, ``holds_from`` and
        ``holds_until`` (the envelopes over which :meth:`marginal` holds),
        ``rationed_tier`` (the first tier whose tasks the extra million raises; the
        first not covered when none moves), the common ``level`` of its moving tasks
        and ``level_per_million``, its rise per extra million (each moving task's gain
        over its weight in the rule's fill; weighted and tier 1: the tier's coverage).
        """
        return self._marginal[1]

    def binding(self) -> pd.DataFrame:
        """Rows and task bounds that bind in each year's allocation: ``year``, ``family``, ``name``.

        Year by year: the envelopes and rows at a bound, then the tasks at their
        cap (``task_upper``), at a positive floor (``task_floor``) and fixed
        (``task_fixed``).
        """
        return binding_table(self)

    def tier_report(self) -> pd.DataFrame:
        """Per source and tier: demand, planned, allocated, coverage, for printing."""
        return tier_report(self)

    def with_lang(self, lang: str | None) -> Allocation:
        """The same allocation, shown in ``lang`` (``"en"``, ``"vi"`` or ``None``; see :attr:`lang`)."""
        from dataclasses import replace

        from ..language import check_lang

        return replace(self, lang=None if lang is None else check_lang(lang))

    def named_table(self) -> pd.DataFrame:
        """:attr:`table` with each task's ``name`` as its first column."""
        return named_table(self)

    def to_csv(self, path: str) -> None:
        """Write the per-task table with names as CSV for Excel (UTF-8 with BOM, exact amounts; atomic)."""
        from pathlib import Path

        from ..output import atomic_write_text, csv_for_excel

        atomic_write_text(Path(path), csv_for_excel(self.named_table().reset_index()))

    def __repr__(self) -> str:
        head = f"Allocation(rule={self.rule!r}, status={self.status!r}, years={self.years})"
        return "\n".join([head, *tier_lines(self)])

    @functools.cached_property
    def stages(self) -> tuple[StageProblem, ...]:
        """The ladder's stage problems, each with its LP, solution and row duals by name.

        Each year's ladder run again with every fill step solved as an LP (the run
        may take a closed form where only the envelopes bind: the same allocation).
        See :class:`~portfolio.model.solved.StageProblem`; ``write_lp`` writes one as
        a CPLEX LP file.
        """
        from .solved import solve_stages

        return solve_stages(self.instances, self.rule, self.options.solver)

    def plot(self, kind: str = "task", ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the allocation; returns the Axes (a new figure if ``ax`` is None).

        ``kind``: ``"task"`` (each task against the document, :func:`~portfolio.plots.plot_tasks`),
        ``"tier"`` (:func:`~portfolio.plots.plot_tiers`), ``"agency"``
        (:func:`~portfolio.plots.plot_agencies`) or ``"plan"`` (the years of a plan,
        :func:`~portfolio.plots.plot_plan`). Keyword arguments go to that function.
        """
        from ..plots import plot_agencies, plot_plan, plot_tasks, plot_tiers

        kinds: dict[str, Callable[..., Axes]] = {
            "task": plot_tasks,
            "tier": plot_tiers,
            "agency": plot_agencies,
            "plan": plot_plan,
        }
        if kind not in kinds:
            raise ValueError(f"kind must be one of {', '.join(kinds)}, got {kind!r}")
        return kinds[kind](self, ax, **kwargs)

    def to_html(self, path: str | None = None, **kwargs: Any) -> str:
        """The one-file HTML report of this allocation (see :func:`portfolio.report.report_html`).

        Written to ``path`` if given; the text is returned either way.
        """
        from ..report import report_html, write_report

        if path is not None:
            return write_report(path, self, **kwargs)
        return report_html(self, **kwargs)

    def _repr_html_(self) -> str:
        from ..language import display_context
        from ..views import allocation_html

        with display_context(self):
            return allocation_html(self)
