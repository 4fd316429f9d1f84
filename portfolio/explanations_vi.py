"""The reasons of :mod:`portfolio.explanations` in Vietnamese (``lang="vi"``).

Written from the same codes and figures as the English sentences, never
translated from them: the tier, the reasons for the task's bounds and what
holds its amount, the rule and its level, the envelope. Amounts in triệu đồng,
written the Vietnamese way (``237.540,67``, ``32,23%``).
"""

from __future__ import annotations

from typing import Any

from .explanation_context import LEGAL_BASIS, ReasonContext, finishing, slack, tier_set_by_scenario
from .model import HeldBy, LowerReason, UpperReason
from .money import format_amount, format_percent
from .tolerances import COVERAGE, PLANNED

__all__ = ["AS_PLANNED", "SOURCE_WORDS", "paragraph_vi", "reason_vi"]

AS_PLANNED = "đúng kế hoạch"
SOURCE_WORDS = {"recurrent": "chi thường xuyên", "investment": "đầu tư công"}
_LAW = LEGAL_BASIS["all_or_nothing"]
_KIND = {
    "lease": "thuê dịch vụ",
    "annual": "nhiệm vụ thường xuyên",
    "continuing": "chuyển tiếp",
    "new": "mở mới",
}
_RULES = {
    "proportional": "phân bổ theo tỷ lệ",
    "equal_awards": "chia đều",
    "weighted": "ưu tiên theo trọng số",
    "closest_to_plan": "sát kế hoạch",
}
_money = format_amount
_pct = format_percent


def _label(r: Any, ctx: ReasonContext) -> str:
    tier, kind = int(r.tier), str(r.kind)
    names = {
        1: "thứ bậc 1, cam kết",
        2: f"thứ bậc 2, hoàn thành năm {ctx.year}",
        3: "thứ bậc 3, chuyển tiếp",
        4: "thứ bậc 4, khởi công mới",
    }
    if tier_set_by_scenario(tier, kind, finishing(r.remaining_need, r.demand), ctx.custom_tiers):
        return f"thứ bậc {tier} ({_KIND.get(kind, kind)}; theo kịch bản)"
    return names[tier]


def _row_words(family: str, name: str) -> str:
    words = {
        "agency_cap": "mức trần của {}",
        "agency_floor": "mức sàn của {}",
        "constraint": "ràng buộc '{}'",
    }
    return words.get(family, "ràng buộc '{}'").format(name)


def _row_clause(name: str, ctx: ReasonContext) -> str:
    row = ctx.rows.loc[name]
    what = _row_words(str(row["family"]), str(row["name"]))
    if row["held"] == "lower":
        return f"{what} có hiệu lực: tổng được nâng lên {_money(row['lower'])}"
    return f"{what} có hiệu lực: tổng được giữ ở {_money(row['upper'])}"


def _at_floor(r: Any, why: Any, ctx: ReasonContext, label: str, because: str) -> str:
    d, lo, hi = r.demand, r.lower, r.upper
    if why.lower_reason == LowerReason.MUST_FUND and int(r.tier) != 1:
        return f"bắt buộc bố trí theo kịch bản: đủ nhu cầu {_money(d)}, trước thứ tự ưu tiên ({label})"
    if why.lower_reason == LowerReason.SEED:
        seed = f"{_pct(ctx.seed_share)} nhu cầu còn lại {_money(r.remaining_need)} = {_money(lo)}"
        if lo >= hi - slack(lo, hi):
            return f"{label}: tỷ lệ bố trí vốn {seed} đủ mức trần"
        return f"{label}: chỉ nhận tỷ lệ bố trí vốn {seed}{because}"
    if why.lower_reason == LowerReason.COMMITTED:
        return f"{label}: giữ mức đã phân bổ đợt 1 {_money(lo)}, không thể giảm{because}"
    if r.kind == "lease":
        return f"{label}: tiền thuê dịch vụ {_money(d)} mỗi năm được bố trí đủ; cam kết được bố trí trước"
    if r.kind == "annual":
        return f"{label}: nhiệm vụ thường xuyên được bố trí đủ {_money(d)}; cam kết được bố trí trước"
    return f"{label}: bố trí đủ nhu cầu {_money(d)}"


def _at_cap(r: Any, why: Any, ctx: ReasonContext, label: str) -> str:
    d, need, hi = r.demand, r.remaining_need, r.upper
    tol = slack(r.allocated, hi)
    if hi <= tol:
        if r.kind == "lease":
            return f"{label}: thời hạn hợp đồng thuê không gồm năm {ctx.year}, không phải chi"
        return f"{label}: không có nhu cầu năm {ctx.year} (nhu cầu còn lại {_money(need)})"
    if why.upper_reason == UpperReason.REMAINING_NEED:
        return f"{label}: bố trí đủ toàn bộ nhu cầu còn lại {_money(need)} (hệ số tiến độ κ = {ctx.pacing:g})"
    if why.upper_reason == UpperReason.PACING:
        pacing = f"κ = {ctx.pacing:g} × nhu cầu {_money(d)}"
        return f"{label}: bố trí đến mức trần theo tiến độ {_money(hi)} ({pacing})"
    if why.upper_reason == UpperReason.ALL_OR_NOTHING:
        return f"{label}: bố trí đủ, như dự án đầu tư công mới phải được bố trí ({_LAW})"
    if d >= need - tol:
        return f"{label}: bố trí đủ nhu cầu còn lại {_money(need)}"
    years = round(need / d)
    return f"{label}: bố trí đủ nhu cầu năm {_money(d)} (nhu cầu còn lại {_money(need)} trong {years} năm)"


def _rationed(task: str, r: Any, ctx: ReasonContext, src: str, tol: float) -> str:
    x, d, p, cov = r.allocated, r.demand, r.planned, r.allocated / r.demand
    level = ctx.levels.get((src, int(r.tier)), float("nan"))
    if ctx.rule == "proportional":
        if abs(cov - level) <= COVERAGE:
            return f"bố trí {_pct(level)} nhu cầu {_money(d)}, tỷ lệ chung của thứ bậc"
        return f"bố trí {_pct(cov)} nhu cầu {_money(d)} (tỷ lệ chung của thứ bậc là {_pct(level)})"
    if ctx.rule == "equal_awards":
        return f"chia đều: nhận {_money(x)}, bằng {_pct(cov)} nhu cầu {_money(d)} (mức chung {_money(level)})"
    if ctx.rule == "closest_to_plan":
        target = min(p, r.upper)
        if target > 0 and abs(x - level * target) <= tol:
            return f"sát kế hoạch: giảm còn {_pct(level)} mức dự kiến {_money(p)}"
        return f"sát kế hoạch: dự kiến {_money(p)}, nhận {_money(x)}"
    return f"ưu tiên theo trọng số {ctx.weight[task]:g}: bố trí {_pct(cov)} nhu cầu {_money(d)}"


def _main(task: str, r: Any, why: Any, ctx: ReasonContext) -> str:
    x, d = r.allocated, r.demand
    src, tier, tol = str(r.funding_source), int(r.tier), slack(r.allocated, r.upper)
    label, envelope = _label(r, ctx), ctx.envelope.get(src, float("nan"))
    source = SOURCE_WORDS.get(src, src)
    spent = ctx.spent.get(src, False)
    because = f", vì hạn mức {source} {_money(envelope)} đã dùng hết" if spent else ""
    if why.held_by == HeldBy.LOWER:
        return _at_floor(r, why, ctx, label, because)
    if why.held_by == HeldBy.UPPER:
        return _at_cap(r, why, ctx, label)
    if why.held_by == HeldBy.NOT_ADMITTED:
        return (
            f"{label}: không khởi công: dự án đầu tư công mới được bố trí đủ hoặc không bố trí ({_LAW}), "
            f"và nhu cầu {_money(r.upper)} không đủ vốn"
        )
    if why.held_by != HeldBy.ENVELOPE:
        because = ""
    earlier, before = ctx.earlier.get((src, tier), (0.0, []))
    if x <= tol:
        if why.held_by == HeldBy.ROW:
            return f"{label}: không được bố trí"
        if because and before and earlier >= envelope - slack(envelope):
            return f"{label}: hạn mức {source} {_money(envelope)} không còn sau các thứ bậc trước"
        if ctx.rule == "weighted":
            return f"{label}: quy tắc ưu tiên dành vốn {source} cho nhiệm vụ có trọng số cao hơn{because}"
        if because:
            return f"{label}: không còn vốn trong hạn mức {source} {_money(envelope)}"
    if x > d + tol:
        return f"{label}: bố trí {_pct(x / d)} nhu cầu năm {_money(d)} (κ = {ctx.pacing:g}){because}"
    return f"{label}: {_rationed(task, r, ctx, src, tol)}{because}"


def reason_vi(task: str, r: Any, why: Any, ctx: ReasonContext) -> str:
    """The Vietnamese reason for one task (``r`` its table row, ``why`` its reasons row)."""
    label = _label(r, ctx)
    if why.upper_reason == UpperReason.DEFERRAL:
        main = f"hoãn theo kịch bản: không bố trí năm {ctx.year}; {label}, nhu cầu {_money(r.demand)}"
    elif why.lower_reason == LowerReason.LOCK:
        main = f"cố định {_money(r.allocated)} theo kịch bản; {label}, nhu cầu {_money(r.demand)}"
    elif why.held_by == HeldBy.NOT_STARTED:
        main = f"{label}: không khởi công: không bố trí đủ để hoàn thành trong kế hoạch"
    else:
        main = _main(task, r, why, ctx)
    if why.held_by == HeldBy.ROW:
        return f"{main}; {_row_clause(why.row, ctx)}"
    return main


def paragraph_vi(key: str, r: Any, ctx: ReasonContext, reason: str) -> str:
    """One paragraph on one task in Vietnamese: dự kiến, phân bổ, chênh lệch, lý do."""
    diff = r.allocated - r.planned
    if abs(diff) > PLANNED:
        share = f" ({'+' if diff > 0 else '-'}{_pct(abs(diff) / r.planned)})" if r.planned > 0 else ""
        change = f"{'tăng' if diff > 0 else 'giảm'} {_money(abs(diff))}{share}"
    else:
        change = AS_PLANNED
    source = SOURCE_WORDS.get(str(r.funding_source), str(r.funding_source))
    envelope = _money(ctx.envelope[r.funding_source])
    return (
        f"{key} ({r.agency}; nhóm {r.group}; hạn mức {source} {envelope}): văn bản dự kiến "
        f"{_money(r.planned)} cho năm {ctx.year}, quy tắc {_RULES.get(ctx.rule, ctx.rule)} phân bổ "
        f"{_money(r.allocated)}, {change}. Lý do: {reason}." + " Đơn vị: triệu đồng."
    )
