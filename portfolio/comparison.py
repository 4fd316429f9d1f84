"""Scenarios side by side: each one's allocation per task, agency, group, tier and pillar.

:func:`compare` runs scenarios (:class:`~portfolio.scenarios.Scenario`, or their
files) on one appendix and sets their first plan year beside the document's
plan; :class:`Comparison` holds the tables, with their CSV files, workbook and
chart. Both are also importable from :mod:`portfolio.scenarios`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InfeasibleError, ScenarioError, SolveError
from .model.inputs import load_tasks, plan_year_of
from .model.options import SOURCES, normalize_name
from .tasks import TaskList

if TYPE_CHECKING:
    from .model.allocation import Allocation
    from .scenarios import Scenario, Tasks

__all__ = ["TOTAL", "Comparison", "compare"]

TOTAL = "TỔNG"
_KEYS = (["id"], ["agency_key"], ["group"], ["funding_source", "tier"])


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side, in million VND (the first plan year of each scenario).

    ``per_task``, ``per_agency``, ``per_group``, ``per_tier`` and ``per_pillar`` (the
    pillars of Nghị quyết 03-NQ/TU) hold ``planned``
    (the document) then one allocated column per scenario and a ``TỔNG`` row; a
    failed scenario's column is NaN and ``failed`` gives its one-line reason.
    ``envelopes`` holds each scenario's envelope per source.
    """

    per_task: pd.DataFrame
    per_agency: pd.DataFrame
    per_group: pd.DataFrame
    per_tier: pd.DataFrame
    envelopes: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    allocations: dict[str, Allocation] = field(default_factory=dict)
    per_pillar: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name (the CSV file stems and the sheet names)."""
        names = ("per_task", "per_agency", "per_group", "per_tier", "per_pillar", "envelopes")
        out = {name: getattr(self, name) for name in names}
        if self.failed:
            reasons = pd.Series(self.failed, dtype=object, name="reason")
            out["failed"] = reasons.rename_axis("scenario").to_frame()
        return out

    def named_per_task(self) -> pd.DataFrame:
        """:attr:`per_task` with each task's ``name`` and ``agency`` as its first columns."""
        tasks = next((a.tasks for a in self.allocations.values()), None)
        by_id = {t.id: t for t in tasks} if tasks is not None else {}
        out = self.per_task.copy()
        ids = [str(i) for i in out.index]
        out.insert(0, "agency", [by_id[i].agency if i in by_id else "" for i in ids])
        out.insert(0, "name", [by_id[i].name if i in by_id else "" for i in ids])
        return out

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write one CSV per table into ``folder`` (created if missing); return the paths.

        CSV for Excel (:func:`portfolio.output.csv_for_excel`): UTF-8 with a BOM,
        amounts at full precision, ``per_task.csv`` with each task's name and agency.
        """
        from .output import atomic_write_text, csv_for_excel

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = self.tables() | {"per_task": self.named_per_task()}
        for name, table in tables.items():
            atomic_write_text(folder / f"{name}.csv", csv_for_excel(table.reset_index()))
        return [folder / f"{name}.csv" for name in tables]

    def to_excel(self, path: str | Path, tasks: TaskList | None = None, *, lang: str = "en") -> None:
        """Write the comparison workbook (:mod:`portfolio.compare_workbook`; atomic, reproducible).

        ``lang="vi"`` drops the English glosses of its labels.
        """
        from .compare_workbook import write_comparison

        write_comparison(self, path, tasks, lang=lang)

    def plot(self, by: str = "tier", ax: Any = None, *, top: int | None = None, lang: str = "en") -> Any:
        """Scenarios side by side as grouped horizontal bars; returns the Axes.

        ``by``: ``"tier"`` (source and tier), ``"group"``, ``"agency"``, ``"pillar"``
        or ``"task"`` (the 20 largest tasks unless ``top`` says otherwise);
        ``lang="vi"``: labels without their English glosses.
        """
        from .plots import plot_comparison

        frames = {"tier": self.per_tier, "group": self.per_group, "agency": self.per_agency}
        frames["task"], frames["pillar"] = self.per_task, self.per_pillar
        if by not in frames:
            raise ValueError(f"by must be one of {', '.join(frames)}, got {by!r}")
        return plot_comparison(frames[by], ax, top=20 if by == "task" and top is None else top, lang=lang)

    def _repr_html_(self) -> str:
        from .views import comparison_html

        return comparison_html(self)


def _per_pillar(long: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Planned and each scenario's allocation per pillar, in the Resolution's order, with TỔNG."""
    from .pillars import PILLARS, UNCLASSIFIED

    order = [*PILLARS, *([UNCLASSIFIED] if (long["pillar"] == UNCLASSIFIED).any() else [])]
    frame = long.pivot_table(
        index="pillar", columns="scenario", values="value", aggfunc="sum", fill_value=0.0
    )
    frame = frame.reindex(index=order, fill_value=0.0).reindex(columns=["planned", *names]).astype(float)
    frame = frame.rename_axis(columns=None)
    frame.loc[TOTAL, :] = frame.sum(axis=0, skipna=False)
    return frame


def compare(
    scenarios: Iterable[Scenario | str | Path],
    tasks: Tasks = None,
    *,
    raise_on_failure: bool = True,
    baseline: bool = False,
) -> Comparison:
    """Run scenarios on one appendix and set their allocations side by side.

    ``scenarios`` may hold scenario files or folders; ``tasks`` is the appendix
    (bundled by default). With ``raise_on_failure=False`` a scenario that is
    infeasible (or that the solver cannot finish) becomes an entry of
    ``failed`` with NaN columns; input errors (unknown names, bad amounts)
    always raise. Multi-year scenarios show their first year. With
    ``baseline=True`` the default options run first, as the column
    ``baseline``: the optimized default beside the document's ``planned``.
    """
    from .demand import derive
    from .scenarios import Scenario, load_scenarios

    task_list = load_tasks(tasks)
    items: list[Scenario] = [Scenario(name="baseline", description="the default options")] if baseline else []
    for item in scenarios:
        items.extend([item] if isinstance(item, Scenario) else load_scenarios(item))
    names = [s.name for s in items]
    if len(set(names)) < len(names) or "planned" in names:
        raise ScenarioError(f"scenario names must be unique and not 'planned': {names}", field="name")
    allocations: dict[str, Allocation] = {}
    failed: dict[str, str] = {}
    for scenario in items:
        try:
            allocations[scenario.name] = scenario.run(task_list)
        except (InfeasibleError, SolveError) as exc:
            if raise_on_failure:
                raise
            failed[scenario.name] = " ".join(str(exc).split())
    base = derive(task_list, plan_year_of(task_list, next((s.plan_year for s in items if s.plan_year), None)))
    parts = [base.assign(scenario="planned", value=base["planned"])]
    for name, allocation in allocations.items():
        table = allocation.year_table()
        parts.append(table.assign(scenario=name, value=table["allocated"]))
    long = pd.concat(parts).rename_axis("id").reset_index()
    long["agency_key"] = [normalize_name(a) for a in long["agency"]]
    spelling = long.drop_duplicates("agency_key").set_index("agency_key")["agency"]
    out: dict[str, pd.DataFrame] = {}
    for what, by in zip(("per_task", "per_agency", "per_group", "per_tier"), _KEYS, strict=True):
        frame = long.pivot_table(index=by, columns="scenario", values="value", aggfunc="sum", fill_value=0.0)
        frame = frame.reindex(columns=["planned", *names]).astype(float).rename_axis(columns=None)
        if what in ("per_task", "per_agency"):  # document order
            frame = frame.reindex(pd.unique(long[by[0]]))
        if what == "per_agency":
            frame.index = pd.Index([spelling[k] for k in frame.index], name="agency")
        total = frame.sum(axis=0, skipna=False)
        frame.loc[(TOTAL, "") if isinstance(frame.index, pd.MultiIndex) else TOTAL, :] = total
        out[what] = frame
    out["per_pillar"] = _per_pillar(long, names)
    envelopes = pd.DataFrame(np.nan, index=pd.Index(SOURCES, name="funding_source"), columns=names)
    for name, allocation in allocations.items():
        for source in SOURCES:
            envelopes.loc[source, name] = allocation.envelopes[(source, allocation.years[0])]
    return Comparison(envelopes=envelopes, failed=failed, allocations=allocations, **out)
