"""Why each task got what it got, in words a finance officer reads.

Every sentence is written from the allocation's data: the codes of
``Allocation.reasons`` (the reason for each task's bounds, what holds its
amount and which row), ``Allocation.rows`` (the envelopes and rows and the bound
each is held at), the table (tier, kind, demand, remaining need, bounds,
amounts), the levels the rule reached and the options' numbers (pacing, seed
share, weights). No sentence is read back from words. Amounts are in million
VND (triệu đồng), written the Vietnamese way (``237.540,67``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .explanations_vi import AS_PLANNED as AS_PLANNED_VI
from .explanations_vi import paragraph_vi, reason_vi
from .model import (
    SEGMENTS,
    HeldBy,
    LowerReason,
    UpperReason,
    hold_slack,
    make_selector,
    option_words,
    priority_weights,
)
from .money import format_amount, format_vnd
from .records import records
from .start_notes import start_notes

if TYPE_CHECKING:
    from .model import Allocation

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
_ROW_WORDS = {
    "agency_cap": "agency cap of {}",
    "agency_floor": "agency floor of {}",
    "constraint": "analyst constraint '{}'",
}
_money = format_amount


def _pct(ratio: float) -> str:
    return format_vnd(100 * ratio, 2) + "%"


def _tol(*values: float) -> float:
    return hold_slack(max(abs(v) for v in values))


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
    spent: dict[str, bool]  # source -> its envelope is held at its bound
    levels: dict[tuple[str, int], float]
    earlier: dict[tuple[str, int], tuple[float, list[int]]]
    weight: dict[str, float]
    rows: pd.DataFrame
    start_words: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # _label by task id, where made ahead


def _first_year(allocation: Allocation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table and the reasons of the plan year, row for row."""
    year = allocation.years[0]
    reasons = allocation.reasons
    of_year = reasons.index.get_level_values("year") == year
    return allocation.year_table(year), reasons[of_year].droplevel("year")


def _context(allocation: Allocation, table: pd.DataFrame) -> _Context:
    options, year = allocation.options, allocation.years[0]
    weight = priority_weights(options, make_selector(table))
    rows = allocation.rows[allocation.rows["year"] == year]
    envelopes = rows[rows["family"] == "envelope"]
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
        envelope={str(s): float(v) for s, v in zip(envelopes["name"], envelopes["upper"], strict=True)},
        spent={str(s): h == "upper" for s, h in zip(envelopes["name"], envelopes["held"], strict=True)},
        levels={(s, t): v for (s, y, t), v in allocation.levels.items() if y == year},
        earlier=earlier,
        weight=dict(zip(map(str, table.index), weight.tolist(), strict=True)),
        rows=rows,
        start_words=start_notes(allocation),
    )


def _label(r: Any, ctx: _Context) -> str:
    """``tier 3 continuing (chuyển tiếp)``; a tier the scenario moved says so."""
    finishing = r.remaining_need <= r.demand + hold_slack(r.demand)
    return _tier_label(int(r.tier), str(r.kind), bool(finishing), ctx)


def _labels(table: pd.DataFrame, ctx: _Context) -> dict[str, str]:
    """:func:`_label` of every task of ``table`` by id, each written once per (tier, kind, finishing)."""
    demand = table["demand"].to_numpy(dtype=float)
    finishing = table["remaining_need"].to_numpy(dtype=float) <= demand + hold_slack(demand)
    tiers = [int(t) for t in table["tier"].tolist()]
    keys = list(zip(tiers, [str(k) for k in table["kind"].tolist()], finishing.tolist(), strict=True))
    words = {key: _tier_label(*key, ctx) for key in set(keys)}
    return dict(zip(map(str, table.index), map(words.__getitem__, keys), strict=True))


def _tier_label(tier: int, kind: str, finishing: bool, ctx: _Context) -> str:
    names = {
        1: "tier 1 commitment (cam kết)",
        2: f"tier 2 finishing in {ctx.year} (hoàn thành)",
        3: "tier 3 continuing (chuyển tiếp)",
        4: "tier 4 new (khởi công mới)",
    }
    default = {"lease": 1, "annual": 1, "new": 4}.get(kind, 2 if finishing else 3)
    if ctx.custom_tiers and tier != default or tier not in names:
        return f"tier {tier} ({_KIND.get(kind, kind)}; set by the scenario's tiers)"
    return names[tier]


def _row_clause(name: str, ctx: _Context) -> str:
    """``agency cap of Sở Y tế binds: its total is held at 5.000`` for the row that holds a task."""
    row = ctx.rows.loc[name]
    what = _ROW_WORDS.get(str(row["family"]), "row '{}'").format(row["name"])
    if row["held"] == "lower":
        return f"{what} binds: its total is lifted to {_money(row['lower'])}"
    return f"{what} binds: its total is held at {_money(row['upper'])}"


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


def _commitment(r: Any, label: str) -> str:
    """A commitment paid in full: the lease payment, the annual task, or its demand."""
    d, need = r.demand, r.remaining_need
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


def _at_floor(r: Any, why: Any, ctx: _Context, label: str, because: str) -> str:
    """Held by its floor (``held_by == "lower"``): the lower reason says whose floor."""
    d, lo, hi = r.demand, r.lower, r.upper
    if why.lower_reason == LowerReason.MUST_FUND and int(r.tier) != 1:
        return (
            f"must-fund by the scenario: funded to its full demand {_money(d)} ahead of the ladder ({label})"
        )
    if why.lower_reason == LowerReason.SEED:
        seed = f"{_pct(ctx.seed_share)} of its remaining need {_money(r.remaining_need)} = {_money(lo)}"
        if lo >= hi - _tol(lo, hi):
            cap = "its full demand" if abs(hi - d) <= _tol(hi) else f"its cap {_money(hi)}"
            return f"{label}: its seed share (tỷ lệ bố trí vốn) {seed} covers {cap}"
        return f"{label}: gets only its seed share (tỷ lệ bố trí vốn) {seed}{because}"
    if why.lower_reason == LowerReason.COMMITTED:
        return f"{label}: kept at its round-1 (đợt 1) amount {_money(lo)}, which cannot go down{because}"
    return _commitment(r, label)


def _at_cap(r: Any, why: Any, ctx: _Context, label: str) -> str:
    """Held by its cap (``held_by == "upper"``): the upper reason says what the cap is."""
    d, need, hi = r.demand, r.remaining_need, r.upper
    tol = _tol(r.allocated, hi)
    if hi <= tol:
        if r.kind == "lease":
            return f"{label}: its lease contract window does not include {ctx.year}, nothing is due"
        return f"{label}: no demand in {ctx.year} (remaining need {_money(need)})"
    if why.upper_reason == UpperReason.REMAINING_NEED:
        return f"{label}: funded to its full remaining need {_money(need)} (pacing κ = {ctx.pacing:g})"
    if why.upper_reason == UpperReason.PACING:
        pacing = f"κ = {ctx.pacing:g} × its demand {_money(d)}"
        return f"{label}: funded up to its pacing cap {_money(hi)} ({pacing})"
    if why.upper_reason == UpperReason.ALL_OR_NOTHING:
        rule = LEGAL_BASIS["all_or_nothing"]
        return f"{label}: funded in full, as all-or-nothing new public investment must be ({rule})"
    if d >= need - tol:
        return f"{label}: funded to its full remaining need {_money(need)}"
    years = round(need / d)
    return f"{label}: capped at its demand {_money(d)} (remaining need {_money(need)} over {years} years)"


def _not_admitted(r: Any, why: Any, ctx: _Context, label: str) -> str:
    """All-or-nothing new public investment left out: what its full amount would have broken."""
    amount = f"demand {_money(r.demand)}"
    if abs(r.upper - r.demand) > _tol(r.upper):
        amount = f"full amount {_money(r.upper)}"
    where = ""
    if why.row:
        row = ctx.rows.loc[why.row]
        if row["family"] == "envelope":
            left = _money(max(0.0, row["upper"] - row["activity"]))
            where = f": the {row['name']} envelope {_money(row['upper'])} had {left} left"
        else:
            what = _ROW_WORDS.get(str(row["family"]), "row '{}'").format(row["name"])
            where = f": it would break the {what}"
    return (
        f"{label}: not started: new public investment is funded in full or not at all "
        f"({LEGAL_BASIS['all_or_nothing']}) and its {amount} did not fit{where}"
    )


def _main(task: str, r: Any, why: Any, ctx: _Context) -> str:
    """The reason from the ladder and the rule (no option fixed the amount)."""
    x, d = r.allocated, r.demand
    src, tier, tol = str(r.funding_source), int(r.tier), _tol(r.allocated, r.upper)
    label, envelope = ctx.labels.get(task) or _label(r, ctx), ctx.envelope.get(src, float("nan"))
    held = why.held_by
    spent = ctx.spent.get(src, False)
    because = f" because the {src} envelope {_money(envelope)} binds" if spent else ""
    if held == HeldBy.LOWER:
        return _at_floor(r, why, ctx, label, because)
    if held == HeldBy.UPPER:
        return _at_cap(r, why, ctx, label)
    if held == HeldBy.NOT_ADMITTED:
        return _not_admitted(r, why, ctx, label)
    # rationed: held by a row (named after the sentence), the envelope, or the rule's level
    if held != HeldBy.ENVELOPE:
        because = ""
    earlier, before = ctx.earlier.get((src, tier), (0.0, []))
    if x <= tol:
        if held == HeldBy.ROW:
            return f"{label}: gets nothing"
        if because and before and earlier >= envelope - _tol(envelope):
            return (
                f"{label}: nothing left in the {src} envelope {_money(envelope)} after {_tiers_text(before)}"
            )
        if ctx.rule == "weighted":
            return f"{label}: the weighted rule gave the {src} money to tasks of higher weight{because}"
        if ctx.rule == "proportional" and because:
            return f"{label}: nothing left for it in the {src} envelope {_money(envelope)}"
    if x > d + tol:
        pacing = f"pacing κ = {ctx.pacing:g} allows up to {_money(r.upper)}"
        return f"{label}: funded {_pct(x / d)} of its even-schedule demand {_money(d)} ({pacing}){because}"
    what, how = _rationed(task, r, ctx, src, tol)
    return f"{label}: {what}{because}{how}"


def _reason(task: str, r: Any, why: Any, ctx: _Context) -> str:
    label = ctx.labels.get(task) or _label(r, ctx)
    if why.upper_reason == UpperReason.DEFERRAL:
        main = f"deferred by the scenario (hoãn): nothing in {ctx.year}; {label}, demand {_money(r.demand)}"
    elif why.lower_reason == LowerReason.LOCK:
        main = f"locked at {_money(r.allocated)} by the scenario; {label}, demand {_money(r.demand)}"
    elif why.held_by == HeldBy.NOT_STARTED:
        main = f"{label}: {ctx.start_words.get(task) or 'not started (chưa khởi công)'}"
    else:
        main = _main(task, r, why, ctx)
    if why.held_by == HeldBy.ROW:
        return f"{main}; {_row_clause(why.row, ctx)}"
    return main


def _language(lang: str | None, allocation: Allocation) -> str:
    from .language import lang_of

    return lang_of(lang, allocation)


def explain(allocation: Allocation, *, threshold: float = 0.5, lang: str | None = None) -> pd.DataFrame:
    """The reason for every task's allocation, in words (the plan year of a multi-year plan).

    Parameters
    ----------
    allocation
        The result of :func:`~portfolio.model.optimize` (any rule and options).
    threshold
        Differences from the document's plan up to this many million VND are "as planned".
    lang
        ``"en"`` or ``"vi"``: the reasons in Vietnamese ("thứ bậc 3, chuyển
        tiếp: bố trí 32,23% nhu cầu 237.540,67, tỷ lệ chung của thứ bậc …").
        By default the allocation's own :attr:`~portfolio.model.Allocation.lang`,
        else English.

    Returns
    -------
    pandas.DataFrame
        Indexed by task id: ``planned``, ``allocated``, ``difference``, ``tier`` and
        ``reason`` (e.g. "tier 2 finishing in 2024 (hoàn thành): funded to its full
        remaining need 912"; "as planned" where the difference is within ``threshold``).
        Each reason is written from the codes of ``allocation.reasons``.

    Examples
    --------
    >>> from portfolio import optimize
    >>> explain(optimize()).loc["B1", "reason"]
    'tier 2 finishing in 2024 (hoàn thành): funded to its full remaining need 912'
    """
    table, reasons = _first_year(allocation)
    ctx = _context(allocation, table)
    vietnamese = _language(lang, allocation) == "vi"
    write = reason_vi if vietnamese else _reason
    planned = AS_PLANNED_VI if vietnamese else "as planned"
    # words only where the allocation differs from the plan; the rows read as plain values
    far = np.abs(table["difference"].to_numpy(float)) > threshold
    if not vietnamese:  # the tier labels of the reasons, once per (tier, kind, finishing)
        ctx = replace(ctx, labels=_labels(table[far], ctx))
    texts = [planned] * len(table)
    rows = zip(
        np.flatnonzero(far).tolist(),
        table.index[far],
        records(table[far]),
        records(reasons[far]),
        strict=True,
    )
    for position, task, r, why in rows:
        texts[position] = write(str(task), r, why, ctx)
    out = table[["planned", "allocated", "difference", "tier"]].copy()
    out["reason"] = texts
    return out


def explain_text(allocation: Allocation, task_id: str, *, lang: str | None = None) -> str:
    """One paragraph on one task: what was planned, what is allocated, and why.

    In ``lang`` (``"en"`` or ``"vi"``; by default the allocation's own, else English).

    Raises
    ------
    ScenarioError
        If ``task_id`` is not a task of the allocation.
    """
    table, reasons = _first_year(allocation)
    key = str(task_id).strip().upper()
    if key not in table.index:
        raise ScenarioError(f"{task_id!r} is not a task id of the allocation", field="task")
    r = next(table.loc[[key]].itertuples(index=False))
    why = next(reasons.loc[[key]].itertuples(index=False))
    ctx = _context(allocation, table)
    if _language(lang, allocation) == "vi":
        return paragraph_vi(key, r, ctx, reason_vi(key, r, why, ctx))
    reason = _reason(key, r, why, ctx)
    diff = r.allocated - r.planned
    if abs(diff) > 0.5:
        share = f" ({'+' if diff > 0 else ''}{_pct(diff / r.planned)})" if r.planned > 0 else ""
        change = f"{_money(abs(diff))} {'more' if diff > 0 else 'less'}{share}"
    else:
        change = "as planned"
    years = round(r.remaining_need / r.demand) if r.kind in ("continuing", "new") and r.demand > 0 else 0
    need = f" Its remaining need is {_money(r.remaining_need)} over {years} years." if years > 1 else ""
    need = "" if _money(r.remaining_need) in reason else need
    options = option_words(
        why.lower_reason, why.upper_reason, r.lower, r.upper, pacing=ctx.pacing, seed_share=ctx.seed_share
    )
    envelope = _money(ctx.envelope[r.funding_source])
    return (
        f"{key} ({r.agency}; group {r.group}; {r.funding_source} envelope {envelope}): "
        f"the document planned {_money(r.planned)} for {ctx.year} and the {ctx.rule} rule allocates "
        f"{_money(r.allocated)}, {change}. Why: {reason}.{need}"
        + (f" Options on this task: {'; '.join(options)}." if options else "")
        + " Amounts in million VND (triệu đồng)."
    )
