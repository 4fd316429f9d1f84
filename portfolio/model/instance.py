"""One year's model data: demand, bounds, tiers and rows, built from tasks and options.

All options become bounds and rows here, before any solver runs, so that every
rule sees the same commitments, locks, deferrals and analyst constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import derive
from ..errors import ScenarioError
from ..tasks import TaskList
from .constraints import LinearRow, parse_constraint
from .options import SOURCES, Options, Selector

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Instance", "build_instance", "make_selector"]


@dataclass(frozen=True)
class Instance:
    """Arrays of one plan year, one entry per task (document order).

    Attributes
    ----------
    derived
        The :func:`portfolio.demand.derive` table of the year.
    source
        Index into :data:`SOURCES` of each task's funding source.
    envelope
        The envelope of each source, million VND.
    demand, remaining, planned
        This year's demand ``d``, the remaining need ``R`` and the document's allocation.
    lower, upper
        Hard bounds after every option (commitments, must-fund, locks, deferrals,
        seed share, pacing).
    weight
        Priority weight of each task (``weighted`` rule).
    binary
        Tasks funded all-or-nothing (new public investment, on request).
    rows
        Agency floors and caps and analyst constraints.
    notes
        Task id -> the options that set its bounds, for explanations (only
        the tasks some option touched).
    """

    year: int
    derived: pd.DataFrame
    ids: tuple[str, ...]
    source: np.ndarray
    tier: np.ndarray
    envelope: np.ndarray
    demand: np.ndarray
    remaining: np.ndarray
    planned: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    weight: np.ndarray
    binary: np.ndarray
    rows: tuple[LinearRow, ...]
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of tasks."""
        return len(self.ids)


def _custom_tiers(derived: pd.DataFrame, options: Options, selector: Selector) -> np.ndarray:
    tier = derived["tier"].to_numpy(int).copy()
    kinds = derived["kind"].to_numpy(str)
    for key, value in options.tiers.items():
        if key in {"lease", "annual", "continuing", "new"}:
            tier[kinds == key] = value
        else:
            tier[selector.mask(key, option="tiers")] = value
    return tier


def make_selector(derived: pd.DataFrame) -> Selector:
    """The :class:`Selector` of one year's derived table."""
    return Selector(
        tuple(derived.index.to_numpy(object).tolist()),
        derived["group"].to_numpy(str),
        derived["agency"].to_numpy(object),
        derived["funding_source"].to_numpy(str),
        derived["tier"].to_numpy(int),
    )


def build_instance(
    tasks: TaskList,
    options: Options,
    envelope: dict[str, float],
    *,
    year: int | None = None,
    remaining: np.ndarray | None = None,
    derived: pd.DataFrame | None = None,
    selector: Selector | None = None,
) -> Instance:
    """Turn tasks and options into one year's bounds and rows.

    Parameters
    ----------
    tasks
        The appendix.
    options
        The run's options.
    envelope
        Source -> envelope of the year.
    year
        The year; ``options.plan_year`` by default.
    remaining
        Remaining need to use instead of the document's (later years of a plan).
    derived
        ``derive(tasks, year)`` when the caller already has it (a plan reuses
        each year's table across its passes).
    selector
        The :class:`Selector` of ``derived`` (likewise reused).

    Returns
    -------
    Instance
        Ready for the rules.

    Raises
    ------
    ScenarioError
        For an option that names nothing known or contradicts another option.
    """
    year = options.plan_year if year is None else year
    if derived is None:
        derived = derive(tasks, year)
    if selector is None:
        selector = make_selector(derived)
    ids = selector.ids
    tier = _custom_tiers(derived, options, selector)
    kind = derived["kind"].to_numpy(str)
    need = derived["remaining_need"].to_numpy(float) if remaining is None else np.asarray(remaining, float)
    if remaining is not None:
        years_left = derived["years_left"].to_numpy(int)
        schedule = need / years_left
        demand = np.where(
            (kind == "lease") | (kind == "annual"), derived["annual_demand"].to_numpy(float), schedule
        )
    else:
        demand = derived["annual_demand"].to_numpy(float)
    notes: dict[str, list[str]] = {}  # only the tasks an option touches

    def note(i: int | np.integer[Any], text: str) -> None:
        notes.setdefault(ids[i], []).append(text)

    commitment = tier == 1
    lower = np.where(commitment, demand, 0.0)
    cap = np.where((kind == "lease") | (kind == "annual"), demand, np.minimum(options.pacing * demand, need))
    upper = np.maximum(cap, lower)
    if options.pacing > 1:
        for i in np.flatnonzero(upper > demand + 1e-9):
            note(i, f"pacing κ = {options.pacing:g} allows up to {upper[i]:,.2f}")
    if options.seed_share > 0:
        new = (kind == "new") & (demand > 0)
        lower = np.where(new, np.minimum(options.seed_share * need, upper), lower)
        seed = f"seed share {options.seed_share:.1%} of its need"
        for i in np.flatnonzero(new):
            note(i, seed)
    for name in options.must_fund:
        for i in np.flatnonzero(selector.mask(name, option="must_fund")):
            lower[i] = max(lower[i], demand[i])
            upper[i] = max(upper[i], lower[i])
            note(i, "must-fund: full demand")
    deferred = selector.mask_any(options.deferred, option="deferred")
    for name in options.must_fund:
        clash = selector.mask(name, option="must_fund") & deferred
        if clash.any():
            raise ScenarioError(
                f"{ids[int(np.flatnonzero(clash)[0])]} is both must-fund and deferred",
                field="deferred",
            )
    lower[deferred] = upper[deferred] = 0.0
    for i in np.flatnonzero(deferred):
        note(i, "deferred")
    for task_id, amount in options.locked.items():
        k = selector.index(task_id, option="locked")
        if deferred[k]:
            raise ScenarioError(f"{ids[k]} is both locked and deferred", field="locked")
        limit = max(need[k], demand[k])
        if amount > limit + 1e-9:
            raise ScenarioError(
                f"{ids[k]} locked at {amount:,.2f} exceeds its remaining need {limit:,.2f}",
                field="locked",
            )
        lower[k] = upper[k] = float(amount)
        note(k, f"locked at {amount:,.2f}")
    weight = np.ones(len(ids))
    for name, value in options.weights.items():
        weight[selector.mask(name, option="weights")] *= value
    binary = np.zeros(len(ids), dtype=bool)
    if options.all_or_nothing:
        binary = (derived["group"].to_numpy(str) == "D") & (kind == "new") & (upper > lower) & (demand > 0)
        for i in np.flatnonzero(binary):
            note(i, "all-or-nothing new public investment")
    rows: list[LinearRow] = []
    for family, table, side in (
        ("agency_floor", options.agency_floors, "lower"),
        ("agency_cap", options.agency_caps, "upper"),
    ):
        for agency, amount in table.items():
            mask = selector.mask(agency, option=family + "s")
            bound = (amount, np.inf) if side == "lower" else (-np.inf, amount)
            rows.append(LinearRow(family, agency, mask.astype(float), *bound))
    rows.extend(parse_constraint(text, selector) for text in options.constraints)
    funding = derived["funding_source"].to_numpy(object)
    source = np.select([funding == s for s in SOURCES], np.arange(len(SOURCES)), default=-1)
    if (source < 0).any():
        raise ScenarioError(f"unknown funding source {funding[source < 0][0]!r}", field="funding_source")
    envelope_array = np.asarray([float(envelope.get(s, 0.0)) for s in SOURCES])
    return Instance(
        year=year,
        derived=derived,
        ids=ids,
        source=source,
        tier=tier,
        envelope=envelope_array,
        demand=demand,
        remaining=need,
        planned=derived["planned"].to_numpy(float),
        lower=lower,
        upper=upper,
        weight=weight,
        binary=binary,
        rows=tuple(rows),
        notes=notes,
    )
