"""Why each task got what it got, in words a finance officer reads.

Every reason is built from the allocation's own data: its table (tier, kind,
demand, remaining need, bounds), the levels the rule reached, the envelopes,
the options (locks, deferrals, caps, constraints) and their notes. Amounts are
in million VND (triệu đồng), written the Vietnamese way (``237.540,67``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .model.constraints import parse_constraint
from .model.options import Selector
from .model.stages import SEGMENTS
from .money import format_vnd

if TYPE_CHECKING:
    from .model.allocation import Allocation

__all__ = ["LEGAL_BASIS", "explain", "explain_text"]

#: Legal references quoted in reasons (as the rest of the library cites them).
LEGAL_BASIS = {
    "ladder": "Luật Đầu tư công 2019 Đ51 k4–k5",
    "all_or_nothing": "Luật Đầu tư công 2019 Đ51 k5",
}
_KIND = {
    "lease": "service lease, thuê dịch vụ",
    "annual": "annual task, nhiệm vụ thường xuyên",
    "continuing": "continuing, chuyển tiếp",
    "new": "new, mở mới",
}
_ABS = 1e-3  # million VND (1.000 đồng): far above solver noise, far below a real difference


def _money(value: float) -> str:
    """Write ``48.201``, ``548,33``, ``237.540,67``: two decimals at most, trailing zeros cut."""
    if abs(value - round(value)) < 0.005:
        return format_vnd(round(value), 0)
    return format_vnd(value, 2).rstrip("0").rstrip(",")


def _pct(ratio: float) -> str:
    return format_vnd(100 * ratio, 2) + "%"


def _tol(*values: float) -> float:
    return _ABS + 1e-7 * max(abs(v) for v in values)


def _tiers_text(tiers: list[int]) -> str:
    if len(tiers) == 1:
        return f"tier {tiers[0]}"
    if tiers == list(range(tiers[0], tiers[-1] + 1)):
        return f"tiers {tiers[0]}–{tiers[-1]}"
    return "tiers " + ", ".join(str(t) for t in tiers)


@dataclass(frozen=True)
class _Context:
    """What every reason of one allocation year draws on."""

    rule: str
    year: int
    custom_tiers: bool
    pacing: float
    seed_share: float
    envelope: dict[str, float]
    spent: dict[str, float]
    levels: dict[tuple[str, int], float]
    earlier: dict[tuple[str, int], tuple[float, list[int]]]
    weight: dict[str, float]
    notes: dict[str, list[str]]
    hits: dict[str, list[str]]


def _first_year(allocation: Allocation) -> pd.DataFrame:
    table = allocation.table
    return table[table["year"] == allocation.years[0]]


def _row_hits(table: pd.DataFrame, allocation: Allocation, selector: Selector) -> dict[str, list[str]]:
    """Task id -> the agency caps, floors and analyst constraints that bind on it."""
    options = allocation.options
    x, lo, hi = (table[c].to_numpy(float) for c in ("allocated", "lower", "upper"))
    rows: list[tuple[str, np.ndarray, float, float]] = []
    for agency, amount in options.agency_caps.items():
        rows.append((f"agency cap of {agency}", selector.mask(agency, option="agency_caps"), -np.inf, amount))
    for agency, amount in options.agency_floors.items():
        rows.append(
            (f"agency floor of {agency}", selector.mask(agency, option="agency_floors"), amount, np.inf)
        )
    for text in options.constraints:
        row = parse_constraint(text, selector)
        rows.append((f"analyst constraint '{row.name}'", row.coef, row.lower, row.upper))
    hits: dict[str, list[str]] = defaultdict(list)
    tol = np.array([_tol(a, b) for a, b in zip(x, hi, strict=True)])
    for name, coef, lower, upper in rows:
        coef = np.asarray(coef, dtype=float)
        activity = float(coef @ x)
        for bound, side in ((upper, "upper"), (lower, "lower")):
            if not np.isfinite(bound) or abs(activity - bound) > _tol(bound):
                continue
            below, above = x < hi - tol, x > lo + tol
            held = (coef > 0) & below | (coef < 0) & above
            if side == "lower":
                held = (coef > 0) & above | (coef < 0) & below
            verb = "held at" if side == "upper" else "lifted to"
            for i in np.flatnonzero(held).tolist():
                hits[str(table.index[i])].append(f"{name} binds: its total is {verb} {_money(bound)}")
    return hits


def _context(allocation: Allocation, table: pd.DataFrame) -> _Context:
    options, year = allocation.options, allocation.years[0]
    selector = Selector(
        list(table.index),
        table["group"].to_numpy(str),
        table["agency"].to_numpy(str),
        table["funding_source"].to_numpy(str),
        table["tier"].to_numpy(int),
    )
    weight = np.ones(len(table))
    for name, value in options.weights.items():
        weight[selector.mask(name, option="weights")] *= value
    envelope = {s: float(v) for (s, y), v in allocation.envelopes.items() if y == year}
    spent = table.groupby("funding_source")["allocated"].sum()
    by_tier = table.groupby(["funding_source", "tier"])["allocated"].sum()
    earlier: dict[tuple[str, int], tuple[float, list[int]]] = {}
    for key in by_tier.index:
        source, tier = str(key[0]), int(key[1])
        before = [int(t) for s, t in by_tier.index if s == source and t < tier]
        earlier[(source, tier)] = (float(sum(by_tier[(source, t)] for t in before)), before)
    return _Context(
        rule=allocation.rule,
        year=year,
        custom_tiers=bool(options.tiers),
        pacing=options.pacing,
        seed_share=options.seed_share,
        envelope=envelope,
        spent={str(s): float(v) for s, v in spent.items()},
        levels={(s, t): v for (s, y, t), v in allocation.levels.items() if y == year},
        earlier=earlier,
        weight=dict(zip(map(str, table.index), weight.tolist(), strict=True)),
        notes=allocation.notes,
        hits=_row_hits(table, allocation, selector),
    )


def _label(r: Any, ctx: _Context) -> str:
    """``tier 3 continuing (chuyển tiếp)``; a tier the scenario moved says so."""
    tier, kind = int(r.tier), str(r.kind)
    names = {
        1: "tier 1 commitment (cam kết)",
        2: f"tier 2 finishing in {ctx.year} (hoàn thành)",
        3: "tier 3 continuing (chuyển tiếp)",
        4: "tier 4 new (khởi công mới)",
    }
    finishing = r.remaining_need <= r.demand + _ABS
    default = {"lease": 1, "annual": 1, "new": 4}.get(kind, 2 if finishing else 3)
    if ctx.custom_tiers and tier != default or tier not in names:
        return f"tier {tier} ({_KIND.get(kind, kind)}; set by the scenario's tiers)"
    return names[tier]


def _rationed(task: str, r: Any, ctx: _Context, src: str, tol: float) -> tuple[str, str]:
    """The rule's words for a task funded part of the way: what it gets, and how the rule works."""
    x, d, p, cov = r.allocated, r.demand, r.planned, r.allocated / r.demand
    level = ctx.levels.get((src, int(r.tier)), float("nan"))
    schedule = "even-schedule demand" if r.kind in ("continuing", "new") else "demand"
    if ctx.rule == "proportional":
        if abs(cov - level) <= 1e-4:
            return f"rationed at the common coverage {_pct(level)} of its {schedule} {_money(d)}", ""
        common = f" (the tier's common coverage is {_pct(level)})"
        return f"rationed at {_pct(cov)} of its {schedule} {_money(d)}{common}", ""
    if ctx.rule == "equal_awards":
        if abs(x - level) <= tol:
            return (
                f"equal awards (chia đều): gets the common award {_money(level)}, "
                f"{_pct(cov)} of its demand {_money(d)}",
                "; every task of the tier still below its demand gets the same award",
            )
        common = f" (the tier's common award is {_money(level)})"
        return f"equal awards (chia đều): gets {_money(x)}, {_pct(cov)} of its demand {_money(d)}{common}", ""
    if ctx.rule == "closest_to_plan":
        how = "; closest_to_plan keeps the total change from the plan least"
        closest = "kept closest to the plan (sát kế hoạch)"
        target = min(p, r.upper)
        if target > 0 and abs(x - level * target) <= tol:
            return f"{closest}: cut to the common {_pct(level)} of its planned {_money(p)}", how
        planned = f"planned {_money(p)}" if p > 0 else "planned nothing"
        return f"{closest}: {planned}, it takes {_money(x)} no other task could use", how
    weight = ctx.weight[task]
    return (
        f"weighted rule (ưu tiên, weight {weight:g}): funded to {_pct(cov)} of its demand {_money(d)}",
        f"; the rule funds each demand in {SEGMENTS} equal steps, the highest weight × marginal value first",
    )


def _main(task: str, r: Any, ctx: _Context) -> str:
    """The reason from the ladder and the rule (no option fixed the amount)."""
    x, d, need, lo, hi = r.allocated, r.demand, r.remaining_need, r.lower, r.upper
    src, tier, tol = str(r.funding_source), int(r.tier), _tol(r.allocated, r.upper)
    label, envelope = _label(r, ctx), ctx.envelope.get(src, float("nan"))
    notes = ctx.notes.get(task, [])
    if hi <= _ABS:
        if r.kind == "lease":
            return f"{label}: its lease contract window does not include {ctx.year}, nothing is due"
        return f"{label}: no demand in {ctx.year} (remaining need {_money(need)})"
    must = "must-fund: full demand" in notes and x >= hi - tol
    if must and tier != 1:
        return (
            f"must-fund by the scenario: funded to its full demand {_money(d)} ahead of the ladder ({label})"
        )
    if tier == 1 or lo >= hi - tol:
        if r.kind == "lease":
            years = need / d if d > 0 else 0.0
            pay = f"{_money(d)} a year"
            if years >= 1 and abs(years - round(years)) < 1e-6:
                pay = f"{_money(need)}/{round(years)} = {_money(d)} a year"
            return f"{label}: lease payment (thuê dịch vụ) {pay} is paid in full; commitments come first"
        if r.kind == "annual":
            annual = "the annual task (nhiệm vụ thường xuyên)"
            return f"{label}: {annual} is paid its {_money(d)} in full; commitments come first"
        return f"{label}: paid its full demand {_money(d)}"
    if x >= hi - tol:
        if hi > d + tol:
            if hi >= need - tol:
                return (
                    f"{label}: funded to its full remaining need {_money(need)} (pacing κ = {ctx.pacing:g})"
                )
            pacing = f"κ = {ctx.pacing:g} × its demand {_money(d)}"
            return f"{label}: funded up to its pacing cap {_money(hi)} ({pacing})"
        if any(n.startswith("all-or-nothing") for n in notes):
            rule = LEGAL_BASIS["all_or_nothing"]
            return f"{label}: funded in full, as all-or-nothing new public investment must be ({rule})"
        if d >= need - tol:
            return f"{label}: funded to its full remaining need {_money(need)}"
        years = round(need / d)
        return f"{label}: capped at its demand {_money(d)} (remaining need {_money(need)} over {years} years)"
    binds = ctx.spent.get(src, 0.0) >= envelope - _tol(envelope) - 0.01
    because = f" because the {src} envelope {_money(envelope)} binds" if binds else ""
    earlier, before = ctx.earlier.get((src, tier), (0.0, []))
    if x <= tol:
        if any(n.startswith("all-or-nothing") for n in notes):
            return (
                f"{label}: not started: new public investment is funded in full or not at all "
                f"({LEGAL_BASIS['all_or_nothing']}) and its demand {_money(d)} did not fit{because}"
            )
        if before and earlier >= envelope - _tol(envelope) - 0.01:
            return (
                f"{label}: nothing left in the {src} envelope {_money(envelope)} after {_tiers_text(before)}"
            )
        if ctx.rule == "weighted":
            return f"{label}: the weighted rule gave the {src} money to tasks of higher weight{because}"
    if any(n.startswith("seed share") for n in notes) and abs(x - lo) <= tol and lo > 0:
        seed = f"{_pct(ctx.seed_share)} of its remaining need {_money(need)} = {_money(lo)}"
        return f"{label}: gets only its seed share (tỷ lệ bố trí vốn) {seed}{because}"
    if x > d + tol:
        pacing = f"pacing κ = {ctx.pacing:g} allows up to {_money(hi)}"
        return f"{label}: funded {_pct(x / d)} of its even-schedule demand {_money(d)} ({pacing}){because}"
    if x <= tol and ctx.rule == "proportional" and because:
        return f"{label}: nothing left for it in the {src} envelope {_money(envelope)}"
    what, how = _rationed(task, r, ctx, src, tol)
    return f"{label}: {what}{because}{how}"


def _reason(task: str, r: Any, ctx: _Context) -> str:
    notes = ctx.notes.get(task, [])
    label = _label(r, ctx)
    if "deferred" in notes:
        main = f"deferred by the scenario (hoãn): nothing in {ctx.year}; {label}, demand {_money(r.demand)}"
    elif any(n.startswith("locked at") for n in notes):
        main = f"locked at {_money(r.allocated)} by the scenario; {label}, demand {_money(r.demand)}"
    elif any(n.startswith("not started") for n in notes):
        main = f"{label}: not started: it cannot be funded to completion within the plan's envelopes"
    else:
        main = _main(task, r, ctx)
    return "; ".join([main, *dict.fromkeys(ctx.hits.get(task, []))])


def explain(allocation: Allocation, *, threshold: float = 0.5) -> pd.DataFrame:
    """The reason for every task's allocation, in words (the plan year of a multi-year plan).

    Parameters
    ----------
    allocation
        The result of :func:`~portfolio.model.optimize` (any rule and options).
    threshold
        Differences from the document's plan up to this many million VND are "as planned".

    Returns
    -------
    pandas.DataFrame
        Indexed by task id: ``planned``, ``allocated``, ``difference``, ``tier`` and
        ``reason`` (e.g. "tier 2 finishing in 2024 (hoàn thành): funded to its full
        remaining need 912"; "as planned" where the difference is within ``threshold``).

    Examples
    --------
    >>> from portfolio import optimize
    >>> explain(optimize()).loc["B1", "reason"]
    'tier 2 finishing in 2024 (hoàn thành): funded to its full remaining need 912'
    """
    table = _first_year(allocation)
    ctx = _context(allocation, table)
    rows = zip(table.index, table.itertuples(index=False), table["difference"].to_numpy(float), strict=True)
    reasons = [
        _reason(str(task), r, ctx) if abs(diff) > threshold else "as planned" for task, r, diff in rows
    ]
    out = table[["planned", "allocated", "difference", "tier"]].copy()
    out["reason"] = reasons
    return out


def explain_text(allocation: Allocation, task_id: str) -> str:
    """One paragraph on one task: what was planned, what is allocated, and why.

    Raises
    ------
    ScenarioError
        If ``task_id`` is not a task of the allocation.
    """
    table = _first_year(allocation)
    key = str(task_id).strip().upper()
    if key not in table.index:
        raise ScenarioError(f"{task_id!r} is not a task id of the allocation", field="task")
    r = next(table.loc[[key]].itertuples(index=False))
    ctx = _context(allocation, table)
    reason = _reason(key, r, ctx)
    diff = r.allocated - r.planned
    if abs(diff) > 0.5:
        share = f" ({'+' if diff > 0 else ''}{_pct(diff / r.planned)})" if r.planned > 0 else ""
        change = f"{_money(abs(diff))} {'more' if diff > 0 else 'less'}{share}"
    else:
        change = "as planned"
    years = round(r.remaining_need / r.demand) if r.kind in ("continuing", "new") and r.demand > 0 else 0
    need = f" Its remaining need is {_money(r.remaining_need)} over {years} years." if years > 1 else ""
    need = "" if _money(r.remaining_need) in reason else need
    options = [n for n in ctx.notes.get(key, []) if n]
    envelope = _money(ctx.envelope[r.funding_source])
    return (
        f"{key} ({r.agency}; group {r.group}; {r.funding_source} envelope {envelope}): "
        f"the document planned {_money(r.planned)} for {ctx.year} and the {ctx.rule} rule allocates "
        f"{_money(r.allocated)}, {change}. Why: {reason}.{need}"
        + (f" Options on this task: {'; '.join(options)}." if options else "")
        + " Amounts in million VND (triệu đồng)."
    )
