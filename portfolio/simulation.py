"""The result of a Monte Carlo run over the envelopes: core index, coverage quantiles, new starts.

A :class:`Simulation` keeps every scenario's envelopes and allocation; the tables
are computed from them on demand. A task is *funded in full* in a scenario when
``allocated ≥ demand − 0,01`` (MODEL §8); its **core index** is the share of the
scenarios that fund it in full. A failed scenario (the commitments exceed an
envelope) funds no task in full and is left out of the quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .model.options import SOURCES, Options
from .money import format_percent
from .scenario_runs import Outcomes, funded_in_full
from .tasks import TaskList
from .uncertainty import Marginal

__all__ = ["QUANTILES", "Simulation"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def quantile_label(q: float) -> str:
    """``0.05`` -> ``q05``, ``0.5`` -> ``q50``, ``0.975`` -> ``q97.5``."""
    text = f"{100 * q:g}"
    return "q" + (text.zfill(2) if "." not in text else text)


@dataclass
class Simulation:
    """Scenarios of the envelopes and what the rule gives in each.

    Attributes
    ----------
    options
        The run's options (their ``budget`` is the document's; each scenario has its own).
    tasks
        The appendix the run allocated.
    marginals
        Source -> each year's :class:`~portfolio.uncertainty.Marginal`.
    envelopes
        One row per scenario, columns ``(source, year)``, million VND.
    outcomes
        Each scenario's allocation, demand and tiers (:class:`~portfolio.scenario_runs.Outcomes`).
    seed, method
        The seed drawn from; ``closed form`` or ``engine``.
    decided_starts
        With ``min_completion_probability``: the starts decided for every scenario
        (one row per new task), else ``None`` (each scenario decides its own).
    quantiles
        The quantiles the tables report.
    """

    options: Options
    tasks: TaskList
    ids: tuple[str, ...]
    source: np.ndarray
    new_ids: tuple[str, ...]
    marginals: dict[str, list[Marginal]]
    envelopes: pd.DataFrame
    outcomes: Outcomes
    seed: int | None
    method: str
    min_completion_probability: float | None = None
    decided_starts: pd.DataFrame | None = None
    quantiles: tuple[float, ...] = QUANTILES
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ shape
    @property
    def scenarios(self) -> int:
        """The number of scenarios."""
        return int(self.outcomes.x.shape[0])

    @property
    def years(self) -> tuple[int, ...]:
        """The years of the run."""
        return tuple(self.options.plan_year + k for k in range(self.outcomes.x.shape[1]))

    @property
    def failed(self) -> pd.Series:
        """Per scenario: the reason it failed (an envelope below its commitments), ``""`` if it did not."""
        return pd.Series(self.outcomes.reason, name="reason").rename_axis("scenario")

    @property
    def failed_share(self) -> float:
        """The share of scenarios that failed."""
        return float((self.outcomes.reason != "").mean())

    def _index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_product([self.years, self.ids], names=["year", "id"])

    # ------------------------------------------------------------------ tables
    @property
    def core_index(self) -> pd.Series:
        """Per ``(year, id)``: the share of scenarios funding the task in full (allocated ≥ demand − 0,01)."""
        if "core" not in self._cache:
            full = funded_in_full(self.outcomes.x, self.outcomes.demand).mean(axis=0)
            self._cache["core"] = pd.Series(full.ravel(), index=self._index(), name="core_index")
        return self._cache["core"]

    def allocations(self) -> pd.DataFrame:
        """Every scenario's allocation: one row per scenario, columns ``(year, id)`` (NaN if it failed)."""
        n = self.scenarios
        frame = pd.DataFrame(self.outcomes.x.reshape(n, -1), columns=self._index())
        return frame.rename_axis("scenario")

    def tier_coverage(self) -> pd.DataFrame:
        """Every scenario's coverage of each tier: columns ``(source, year, tier)``, allocated / demand."""
        if "tiers" in self._cache:
            return self._cache["tiers"]
        o = self.outcomes
        columns, values = [], []
        for j, source in enumerate(SOURCES):
            mine = self.source == j
            for k, year in enumerate(self.years):
                tiers = np.unique(o.tier[:, k, mine])
                for t in tiers[tiers > 0]:
                    member = (o.tier[:, k, :] == t) & mine
                    demand = np.where(member, o.demand[:, k, :], 0.0).sum(axis=1)
                    given = np.where(member, o.x[:, k, :], 0.0).sum(axis=1)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        values.append(
                            np.where(demand > 0, given / demand, np.where(np.isnan(given), np.nan, 1.0))
                        )
                    columns.append((source, year, int(t)))
        frame = pd.DataFrame(
            np.column_stack(values) if values else np.zeros((self.scenarios, 0)),
            columns=pd.MultiIndex.from_tuples(columns, names=["source", "year", "tier"]),
        ).rename_axis("scenario")
        self._cache["tiers"] = frame
        return frame

    def coverage(self, by: str = "tier") -> pd.DataFrame:
        """Quantiles of each tier's coverage (``by="tier"``) or of each task's allocation (``by="task"``).

        ``tier``: indexed by ``(source, year, tier)``, the mean and the quantiles
        (``q05`` … ``q95``) of allocated / demand. ``task``: indexed by ``(year, id)``,
        the median demand, the mean and quantiles of the allocation in million VND and
        the core index. Failed scenarios are left out.
        """
        if by not in ("tier", "task"):
            from .errors import ScenarioError

            raise ScenarioError(f"expected by='tier' or 'task', got {by!r}", field="by")
        ok = self.outcomes.reason == ""
        if by == "tier":
            raw = self.tier_coverage()[ok]
            out = pd.DataFrame({"mean": raw.mean(axis=0)})
            for q in self.quantiles:
                out[quantile_label(q)] = raw.quantile(q, axis=0) if len(raw) else np.nan
            return out
        x = self.allocations()[ok]
        demand = self.outcomes.demand[ok].reshape(int(ok.sum()), -1)
        out = pd.DataFrame(
            {"demand": np.median(demand, axis=0) if demand.size else np.nan, "mean": x.mean(axis=0)},
            index=self._index(),
        )
        for q in self.quantiles:
            out[quantile_label(q)] = x.quantile(q, axis=0) if len(x) else np.nan
        out["core_index"] = self.core_index
        return out

    def task_table(self) -> pd.DataFrame:
        """Per ``(year, id)``: name, group, agency, source, tier, core index, the allocation's quantiles.

        ``tier`` is the task's tier in most scenarios (a started task's tier depends on
        its start); ``demand`` the median demand. What the CSV of a run holds.
        """
        from .demand import task_columns

        cols = task_columns(self.tasks)
        k = len(self.years)
        names = np.array([task.name for task in self.tasks], dtype=object)
        info = pd.DataFrame(
            {
                "name": np.tile(names, k),
                "group": np.tile(cols["group"].astype(str), k),
                "agency": np.tile(cols["agency"].astype(str), k),
                "funding_source": np.tile(cols["funding_source"].astype(str), k),
            },
            index=self._index(),
        )
        tiers = self.outcomes.tier.reshape(self.scenarios, -1)
        info["tier"] = [int(np.bincount(column).argmax()) for column in tiers.T]
        table = self.coverage("task")
        ordered = ["demand", "core_index", "mean", *[quantile_label(q) for q in self.quantiles]]
        return info.join(table[ordered])

    @property
    def start_probability(self) -> pd.Series:
        """Per new task: the share of scenarios in which it is started and completed (its schedule paid)."""
        share = self.outcomes.completed.mean(axis=0) if self.scenarios else np.zeros(len(self.new_ids))
        return pd.Series(share, index=pd.Index(self.new_ids, name="id"), name="start_probability")

    # ------------------------------------------------------------------ views
    def summary(self) -> pd.Series:
        """The run in one Series: scenarios, seed, rule, envelopes, failures, core and coverage medians."""
        core = self.core_index.xs(self.years[0], level="year")
        items: dict[str, Any] = {
            "scenarios": self.scenarios,
            "seed": self.seed,
            "rule": self.options.rule,
            "years": len(self.years),
            "method": self.method,
        }
        for source in SOURCES:
            described = {m.describe() for m in self.marginals[source]}
            items[f"envelope {source}"] = "; ".join(sorted(described))
        if self.min_completion_probability is not None:
            items["min completion probability"] = self.min_completion_probability
        items["failed"] = self.failed_share
        items["tasks always funded in full"] = int((core >= 1).sum())
        items["tasks funded in full in some scenarios"] = int(((core > 0) & (core < 1)).sum())
        items["tasks never funded in full"] = int((core <= 0).sum())
        tiers = self.coverage("tier")
        for key, row in tiers.iterrows():
            source, year, tier = (str(k) for k in key)  # type: ignore[attr-defined]
            if year == str(self.years[0]):
                items[f"coverage {source} tier {tier} (median)"] = row.get("q50", row["mean"])
        if len(self.new_ids):
            items["new starts completed (expected number)"] = float(self.start_probability.sum())
        return pd.Series(items, name="simulation", dtype=object)

    def _repr_html_(self) -> str:
        from .simulation_views import simulation_html

        return simulation_html(self)

    def __repr__(self) -> str:
        return (
            f"Simulation({self.scenarios} scenarios, seed {self.seed}, rule {self.options.rule}, "
            f"{len(self.years)} year(s), {self.method}; failed {format_percent(self.failed_share)})"
        )

    def plot(self, kind: str = "core", ax: Any = None, **kwargs: Any) -> Any:
        """``core``: the core index of each task as bars; ``fan``: each tier's coverage against the envelope.

        Keyword arguments go to :func:`portfolio.plot_simulation.plot_core` or
        :func:`~portfolio.plot_simulation.plot_fan`. Returns the Axes.
        """
        from .plot_simulation import plot_core, plot_fan

        if kind == "core":
            return plot_core(self, ax, **kwargs)
        if kind == "fan":
            return plot_fan(self, ax, **kwargs)
        from .errors import ScenarioError

        raise ScenarioError(f"expected kind='core' or 'fan', got {kind!r}", field="kind")

    def to_excel(self, path: str | Path) -> None:
        """Write the run as a workbook: summary, core index, coverage, new starts, envelopes."""
        from .simulation_workbook import simulation_to_excel

        simulation_to_excel(self, path)
