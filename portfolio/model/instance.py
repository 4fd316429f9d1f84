"""One year's model data: demand, bounds, tiers and rows, built from tasks and options.

All options become bounds and rows here, before any solver runs, so that every
rule sees the same commitments, locks, deferrals and analyst constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..demand import derive
from ..errors import ScenarioError
from ..tasks import TaskList
from ..tolerances import AMOUNT, FREE
from .constraints import LinearRow, parse_constraint
from .options import SOURCES, Options, Selector
from .reasons import LowerReason, UpperReason

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Instance", "build_instance", "make_selector", "priority_weights"]


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
    lower_reason, upper_reason
        The code of the reason for each bound
        (:class:`~portfolio.model.reasons.LowerReason`,
        :class:`~portfolio.model.reasons.UpperReason`): the option or rule that set it.
    weight
        Priority weight of each task (``weighted`` rule).
    binary
        Tasks funded all-or-nothing (new public investment, on request).
    not_started
        New tasks that do not start this year (their ``upper_reason`` is ``not_started``).
    rows
        Agency floors and caps and analyst constraints.
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
    lower_reason: np.ndarray
    upper_reason: np.ndarray
    weight: np.ndarray
    binary: np.ndarray
    not_started: np.ndarray
    rows: tuple[LinearRow, ...]

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
        derived["pillar"].to_numpy(object) if "pillar" in derived else None,
        derived["category"].to_numpy(object) if "category" in derived else None,
    )


def priority_weights(options: Options, selector: Selector) -> np.ndarray:
    """Each task's priority weight ``ω_i``: the product of the option weights that name it."""
    weight = np.ones(len(selector.ids))
    for name, value in options.weights.items():
        weight[selector.mask(name, option="weights")] *= value
    return weight


def _apply_committed(
    options: Options,
    selector: Selector,
    lower: np.ndarray,
    upper: np.ndarray,
    lower_reason: np.ndarray,
    deferred: np.ndarray,
) -> None:
    """Raise each task's floor to its round-1 amount (đợt 1), which cannot go down."""
    for task_id, amount in options.committed.items():
        k = selector.index(task_id, option="committed")
        if amount <= 0:
            continue
        name = selector.ids[k]
        if deferred[k]:
            raise ScenarioError(
                f"{name} is deferred but has {amount:,.2f} allocated in round 1", field="deferred"
            )
        if lower_reason[k] == LowerReason.LOCK.value and lower[k] < amount - FREE:
            raise ScenarioError(
                f"{name} locked at {lower[k]:,.2f}, below its round-1 amount {amount:,.2f}", field="locked"
            )
        if amount > lower[k]:
            lower[k] = float(amount)
            lower_reason[k] = LowerReason.COMMITTED.value
        upper[k] = max(upper[k], lower[k])


def build_instance(
    tasks: TaskList,
    options: Options,
    envelope: dict[str, float],
    *,
    year: int | None = None,
    remaining: np.ndarray | None = None,
    derived: pd.DataFrame | None = None,
    selector: Selector | None = None,
    not_started: np.ndarray | None = None,
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
    not_started
        Boolean mask of the new tasks not started (yet) in this year by the
        admission of new starts (``docs/model.md`` §6): 0, upper reason
        ``not_started``.

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
    commitment = tier == 1
    lower_reason = np.where(commitment, LowerReason.COMMITMENT.value, LowerReason.NONE.value).astype(object)
    lower = np.where(commitment, demand, 0.0)
    fixed = (kind == "lease") | (kind == "annual")
    paced = np.minimum(options.pacing * demand, need)
    cap = np.where(fixed, demand, paced)
    upper = np.maximum(cap, lower)
    upper_reason = np.full(len(ids), UpperReason.DEMAND.value, dtype=object)
    if options.pacing > 1:
        above = ~fixed & (upper > demand + AMOUNT)
        whole = options.pacing * demand >= need - AMOUNT
        upper_reason[above & ~whole] = UpperReason.PACING.value
        upper_reason[above & whole] = UpperReason.REMAINING_NEED.value
    if options.seed_share > 0:
        new = (kind == "new") & (demand > 0)
        lower = np.where(new, np.minimum(options.seed_share * need, upper), lower)
        lower_reason[new] = LowerReason.SEED.value
    for name in options.must_fund:
        for i in np.flatnonzero(selector.mask(name, option="must_fund")):
            if lower_reason[i] != LowerReason.COMMITMENT.value and demand[i] >= lower[i]:
                lower_reason[i] = LowerReason.MUST_FUND.value  # a commitment keeps its own code
            lower[i] = max(lower[i], demand[i])
            upper[i] = max(upper[i], lower[i])
    deferred = selector.mask_any(options.deferred, option="deferred")
    for name in options.must_fund:
        clash = selector.mask(name, option="must_fund") & deferred
        if clash.any():
            raise ScenarioError(
                f"{ids[int(np.flatnonzero(clash)[0])]} is both must-fund and deferred",
                field="deferred",
            )
    lower[deferred] = upper[deferred] = 0.0
    lower_reason[deferred] = LowerReason.NONE.value
    upper_reason[deferred] = UpperReason.DEFERRAL.value
    for task_id, amount in options.locked.items():
        k = selector.index(task_id, option="locked")
        if deferred[k]:
            raise ScenarioError(f"{ids[k]} is both locked and deferred", field="locked")
        limit = max(need[k], demand[k])
        if amount > limit + FREE:
            raise ScenarioError(
                f"{ids[k]} locked at {amount:,.2f} exceeds its remaining need {limit:,.2f}",
                field="locked",
            )
        lower[k] = upper[k] = float(amount)
        lower_reason[k] = LowerReason.LOCK.value
        upper_reason[k] = UpperReason.LOCK.value
    if year == options.plan_year:
        _apply_committed(options, selector, lower, upper, lower_reason, deferred)
    waiting = np.zeros(len(ids), dtype=bool)
    if not_started is not None:
        # the scenario's own reason stands: a deferral, or a lock (at 0: no candidate)
        waiting = np.asarray(not_started, dtype=bool) & ~deferred & (upper_reason != UpperReason.LOCK.value)
        lower[waiting] = upper[waiting] = 0.0
        lower_reason[waiting] = LowerReason.NONE.value
        upper_reason[waiting] = UpperReason.NOT_STARTED.value
    weight = priority_weights(options, selector)
    binary = np.zeros(len(ids), dtype=bool)
    if options.all_or_nothing:
        binary = (derived["group"].to_numpy(str) == "D") & (kind == "new") & (upper > lower) & (demand > 0)
        upper_reason[binary] = UpperReason.ALL_OR_NOTHING.value
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
        lower_reason=lower_reason,
        upper_reason=upper_reason,
        weight=weight,
        binary=binary,
        not_started=waiting,
        rows=tuple(rows),
    )
