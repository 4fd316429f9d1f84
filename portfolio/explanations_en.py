"""The reasons of :mod:`portfolio.explanations` in English (``lang="en"``, the default).

Written from the codes of ``Allocation.reasons`` (the reason for each task's
bounds, what holds its amount and which row), the task's row of the table and
the figures of :class:`~portfolio.explanation_context.ReasonContext` (envelopes,
rows, the levels the rule reached, the options' numbers); no sentence is read
back from words. Amounts in million VND (triệu đồng), written the Vietnamese way
(``237.540,67``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .explanation_context import LEGAL_BASIS, ReasonContext, finishing, slack, tier_set_by_scenario
from .model import SEGMENTS, HeldBy, LowerReason, UpperReason, option_words
from .money import format_amount, format_vnd
from .tolerances import COVERAGE, PLANNED, WHOLE

__all__ = ["labels_en", "paragraph_en", "reason_en"]

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


def _tiers_text(tiers: list[int]) -> str:
    if len(tiers) == 1:
        return f"tier {tiers[0]}"
    if tiers == list(range(tiers[0], tiers[-1] + 1)):
        return f"tiers {tiers[0]}–{tiers[-1]}"
    return "tiers " + ", ".join(str(t) for t in tiers)


def _label(r: Any, ctx: ReasonContext) -> str:
    """``tier 3 continuing (chuyển tiếp)``; a tier the scenario moved says so."""
    return _tier_label(int(r.tier), str(r.kind), finishing(r.remaining_need, r.demand), ctx)


def labels_en(table: pd.DataFrame, ctx: ReasonContext) -> dict[str, str]:
    """The tier label of every task of ``table`` by id, each written once per (tier, kind, finishing)."""
    demand = table["demand"].to_numpy(dtype=float)
    finishes = finishing(table["remaining_need"].to_numpy(dtype=float), demand)
    tiers = [int(t) for t in table["tier"].tolist()]
    keys = list(zip(tiers, [str(k) for k in table["kind"].tolist()], finishes.tolist(), strict=True))
    words = {key: _tier_label(*key, ctx) for key in set(keys)}
    return dict(zip(map(str, table.index), map(words.__getitem__, keys), strict=True))


def _tier_label(tier: int, kind: str, finishes: bool, ctx: ReasonContext) -> str:
    names = {
        1: "tier 1 commitment (cam kết)",
        2: f"tier 2 finishing in {ctx.year} (hoàn thành)",
        3: "tier 3 continuing (chuyển tiếp)",
        4: "tier 4 new (khởi công mới)",
    }
    if tier_set_by_scenario(tier, kind, finishes, ctx.custom_tiers):
        return f"tier {tier} ({_KIND.get(kind, kind)}; set by the scenario's tiers)"
    return names[tier]


def _row_clause(name: str, ctx: ReasonContext) -> str:
    """``agency cap of Sở Y tế binds: its total is held at 5.000`` for the row that holds a task."""
    row = ctx.rows.loc[name]
    what = _ROW_WORDS.get(str(row["family"]), "row '{}'").format(row["name"])
    if row["held"] == "lower":
        return f"{what} binds: its total is lifted to {_money(row['lower'])}"
    return f"{what} binds: its total is held at {_money(row['upper'])}"


def _rationed(task: str, r: Any, ctx: ReasonContext, src: str, tol: float) -> tuple[str, str]:
    """The rule's words for a task funded part of the way: what it gets, and how the rule works."""
    x, d, p, cov = r.allocated, r.demand, r.planned, r.allocated / r.demand
    level = ctx.levels.get((src, int(r.tier)), float("nan"))
    schedule = "even-schedule demand" if r.kind in ("continuing", "new") else "demand"
    if ctx.rule == "proportional":
        if abs(cov - level) <= COVERAGE:
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
        if years >= 1 and abs(years - round(years)) < WHOLE:
            pay = f"{_money(need)}/{round(years)} = {_money(d)} a year"
        return f"{label}: lease payment (thuê dịch vụ) {pay} is paid in full; commitments come first"
    if r.kind == "annual":
        annual = "the annual task (nhiệm vụ thường xuyên)"
        return f"{label}: {annual} is paid its {_money(d)} in full; commitments come first"
    return f"{label}: paid its full demand {_money(d)}"


def _at_floor(r: Any, why: Any, ctx: ReasonContext, label: str, because: str) -> str:
    """Held by its floor (``held_by == "lower"``): the lower reason says whose floor."""
    d, lo, hi = r.demand, r.lower, r.upper
    if why.lower_reason == LowerReason.MUST_FUND and int(r.tier) != 1:
        return (
            f"must-fund by the scenario: funded to its full demand {_money(d)} ahead of the ladder ({label})"
        )
    if why.lower_reason == LowerReason.SEED:
        seed = f"{_pct(ctx.seed_share)} of its remaining need {_money(r.remaining_need)} = {_money(lo)}"
        if lo >= hi - slack(lo, hi):
            cap = "its full demand" if abs(hi - d) <= slack(hi) else f"its cap {_money(hi)}"
            return f"{label}: its seed share (tỷ lệ bố trí vốn) {seed} covers {cap}"
        return f"{label}: gets only its seed share (tỷ lệ bố trí vốn) {seed}{because}"
    if why.lower_reason == LowerReason.COMMITTED:
        return f"{label}: kept at its round-1 (đợt 1) amount {_money(lo)}, which cannot go down{because}"
    return _commitment(r, label)


def _at_cap(r: Any, why: Any, ctx: ReasonContext, label: str) -> str:
    """Held by its cap (``held_by == "upper"``): the upper reason says what the cap is."""
    d, need, hi = r.demand, r.remaining_need, r.upper
    tol = slack(r.allocated, hi)
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


def _not_admitted(r: Any, why: Any, ctx: ReasonContext, label: str) -> str:
    """All-or-nothing new public investment left out: what its full amount would have broken."""
    amount = f"demand {_money(r.demand)}"
    if abs(r.upper - r.demand) > slack(r.upper):
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


def _main(task: str, r: Any, why: Any, ctx: ReasonContext) -> str:
    """The reason from the ladder and the rule (no option fixed the amount)."""
    x, d = r.allocated, r.demand
    src, tier, tol = str(r.funding_source), int(r.tier), slack(r.allocated, r.upper)
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
        if because and before and earlier >= envelope - slack(envelope):
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


def reason_en(task: str, r: Any, why: Any, ctx: ReasonContext) -> str:
    """The English reason for one task (``r`` its table row, ``why`` its reasons row)."""
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


def paragraph_en(key: str, r: Any, why: Any, ctx: ReasonContext, reason: str) -> str:
    """One paragraph on one task in English: planned, allocated, the change, why, the options on it."""
    diff = r.allocated - r.planned
    if abs(diff) > PLANNED:
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
