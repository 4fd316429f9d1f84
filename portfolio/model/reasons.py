"""Why each task's bounds are what they are, and what holds its amount: codes, not words.

:func:`~portfolio.model.instance.build_instance` records, per task, the code of
the reason for its lower bound (:class:`LowerReason`) and for its upper bound
(:class:`UpperReason`). After the ladder, :func:`task_reasons` says what holds
each task's final amount (:class:`HeldBy`, and the row that holds it) and
:func:`row_table` which envelopes and rows are at a bound. Both are pure
functions of the year's :class:`~portfolio.model.instance.Instance` and its
allocation ``x``, with the tolerance :func:`~portfolio.tolerances.hold_slack`,
so they are the same whatever backend ran the ladder.

:data:`LABELS` holds the English and Vietnamese words for every code, and
:func:`option_words` the words for the options that set a task's bounds. Code
that needs a reason reads the codes; words are only written, never read back.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from ..money import format_amount, format_vnd
from ..tolerances import hold_slack
from .options import SOURCES

if TYPE_CHECKING:
    import pandas as pd

    from .instance import Instance

__all__ = [
    "LABELS",
    "OPTION_LOWER",
    "OPTION_UPPER",
    "HeldBy",
    "LowerReason",
    "UpperReason",
    "label",
    "option_words",
    "row_key",
    "row_table",
    "task_index",
    "task_reasons",
]


class LowerReason(str, Enum):
    """Why a task's lower bound (its floor) is what it is (``docs/model.md`` §3)."""

    #: No floor: the task may receive nothing.
    NONE = "none"
    #: Tier 1: its demand is owed and paid first (Luật NSNN 2015 Đ4 k2).
    COMMITMENT = "commitment"
    #: The scenario's ``must_fund``: its full demand.
    MUST_FUND = "must_fund"
    #: A new task's seed share ``σ·R`` (never above its upper bound).
    SEED = "seed"
    #: The scenario's ``locked`` amount (the upper bound is the same).
    LOCK = "lock"
    #: The amount already allocated this year in round 1 (đợt 1, option
    #: ``committed``): notified to the agency, it cannot go down.
    COMMITTED = "committed"


class UpperReason(str, Enum):
    """Why a task's upper bound (its cap) is what it is (``docs/model.md`` §3)."""

    #: This year's demand ``d``: the lease payment, the annual amount or the even
    #: schedule ``R/m`` (0 when nothing is due this year).
    DEMAND = "demand"
    #: The pacing cap ``κ·d`` (``κ > 1``), below the remaining need.
    PACING = "pacing"
    #: The whole remaining need ``R``, which pacing ``κ·d`` would exceed.
    REMAINING_NEED = "remaining_need"
    #: The scenario's ``locked`` amount.
    LOCK = "lock"
    #: Deferred by the scenario: 0.
    DEFERRAL = "deferral"
    #: New public investment funded to this cap or not at all (option
    #: ``all_or_nothing``, Luật Đầu tư công 2019 Đ51 k5).
    ALL_OR_NOTHING = "all_or_nothing"
    #: 0: the multi-year plan does not start this new task, since it cannot be funded
    #: to completion within the horizon (``docs/model.md`` §6).
    NOT_STARTED = "not_started"


class HeldBy(str, Enum):
    """What holds a task's final amount."""

    #: At its upper bound (the reason is ``upper_reason``).
    UPPER = "upper"
    #: At a positive lower bound (the reason is ``lower_reason``); also a floor that
    #: equals the cap (a commitment, a lock above 0, a seed share at the cap).
    LOWER = "lower"
    #: Between its bounds, held by an agency floor or cap or an analyst row at one of
    #: its bounds in which the task has a non-zero coefficient (``row`` names it).
    ROW = "row"
    #: Between its bounds, held by the envelope of its source, spent (``row`` names it).
    ENVELOPE = "envelope"
    #: Between its bounds, and neither a row nor its envelope is at a bound: the rule's
    #: own level held it (the optimum a rule keeps: weighted utility, least change).
    LEVEL = "level"
    #: All-or-nothing and not started this year: its full amount did not fit (``row``
    #: names the envelope or row it would break, when one alone does).
    NOT_ADMITTED = "not_admitted"
    #: Not started by the multi-year plan (``upper_reason`` is ``not_started``).
    NOT_STARTED = "not_started"


#: Kind of code -> code -> (English, Vietnamese) words.
LABELS: dict[type[Enum], dict[str, tuple[str, str]]] = {
    LowerReason: {
        "none": ("no floor", "không có mức sàn"),
        "commitment": ("commitment, paid first", "cam kết, bố trí trước"),
        "must_fund": ("must-fund: full demand", "bắt buộc bố trí đủ nhu cầu"),
        "seed": ("seed share of its remaining need", "tỷ lệ bố trí vốn"),
        "lock": ("locked by the scenario", "cố định theo kịch bản"),
        "committed": ("allocated in round 1 (đợt 1)", "đã phân bổ đợt 1"),
    },
    UpperReason: {
        "demand": ("this year's demand", "nhu cầu năm"),
        "pacing": ("pacing cap κ × demand", "mức trần theo tiến độ"),
        "remaining_need": ("its whole remaining need", "toàn bộ nhu cầu còn lại"),
        "lock": ("locked by the scenario", "cố định theo kịch bản"),
        "deferral": ("deferred by the scenario", "hoãn theo kịch bản"),
        "all_or_nothing": (
            "all-or-nothing new public investment",
            "đầu tư công mới: bố trí đủ hoặc không bố trí",
        ),
        "not_started": (
            "not started: its schedule does not fit in the money left (Đ51 k5)",
            "chưa khởi công: số vốn còn lại không đủ bố trí theo tiến độ",
        ),
    },
    HeldBy: {
        "upper": ("at its cap", "ở mức trần"),
        "lower": ("at its floor", "ở mức sàn"),
        "row": ("held by an agency or analyst row", "bị giới hạn bởi ràng buộc"),
        "envelope": ("rationed by its envelope", "bị giới hạn bởi hạn mức nguồn vốn"),
        "level": ("at the rule's level", "theo mức chung của quy tắc"),
        "not_admitted": ("not started: its full amount did not fit", "không khởi công: không đủ vốn"),
        "not_started": ("not started (yet)", "chưa khởi công"),
    },
}


#: The codes an option of the scenario (or the plan) sets, not the ladder.
OPTION_LOWER = (
    LowerReason.MUST_FUND.value,
    LowerReason.SEED.value,
    LowerReason.LOCK.value,
    LowerReason.COMMITTED.value,
)
OPTION_UPPER = tuple(code.value for code in UpperReason if code not in (UpperReason.DEMAND, UpperReason.LOCK))


def label(code: Enum | str, kind: type[Enum], language: str = "en") -> str:
    """The words for a code of ``kind`` (:class:`LowerReason`, ...), ``"en"`` or ``"vi"``.

    Examples
    --------
    >>> label("deferral", UpperReason), label("commitment", LowerReason, "vi")
    ('deferred by the scenario', 'cam kết, bố trí trước')
    """
    english, vietnamese = LABELS[kind][kind(code).value]
    return vietnamese if language == "vi" else english


def option_words(
    lower_reason: str,
    upper_reason: str,
    lower: float,
    upper: float,
    *,
    pacing: float,
    seed_share: float,
    language: str = "en",
) -> list[str]:
    """The options that set a task's bounds, in words (``[]`` when only the ladder did).

    Examples
    --------
    >>> option_words("lock", "lock", 50000.0, 50000.0, pacing=1.0, seed_share=0.0)
    ['locked at 50.000']
    >>> option_words("none", "pacing", 0.0, 3059.25, pacing=1.5, seed_share=0.0)
    ['pacing κ = 1.5 allows up to 3.059,25']
    >>> option_words("committed", "demand", 912.0, 912.0, pacing=1.0, seed_share=0.0, language="vi")
    ['đã phân bổ 912 ở đợt 1']
    """
    vi = language == "vi"
    words = []
    if lower_reason == LowerReason.LOCK:
        return [f"{'cố định ở' if vi else 'locked at'} {format_amount(lower)}"]
    if lower_reason == LowerReason.MUST_FUND:
        words.append(label(lower_reason, LowerReason, language))
    elif lower_reason == LowerReason.SEED:
        share = format_vnd(100 * seed_share, 2)
        words.append(f"tỷ lệ bố trí vốn {share}% nhu cầu" if vi else f"seed share {share}% of its need")
    elif lower_reason == LowerReason.COMMITTED:
        amount = format_amount(lower)
        words.append(f"đã phân bổ {amount} ở đợt 1" if vi else f"allocated {amount} in round 1 (đợt 1)")
    if upper_reason in (UpperReason.PACING, UpperReason.REMAINING_NEED):
        most = format_amount(upper)
        words.append(
            f"tiến độ κ = {pacing:g} cho phép tối đa {most}"
            if vi
            else f"pacing κ = {pacing:g} allows up to {most}"
        )
    elif upper_reason == UpperReason.DEFERRAL:
        words.append("hoãn" if vi else "deferred")
    elif upper_reason in (UpperReason.ALL_OR_NOTHING, UpperReason.NOT_STARTED):
        words.append(label(upper_reason, UpperReason, language))
    return words


def row_key(family: str, k: int, name: str) -> str:
    """How the reasons and ``Allocation.binding()`` name a row: ``agency_cap 0: Sở Y tế``."""
    return f"{family} {k}: {name}"


def task_index(inst: Instance) -> pd.MultiIndex:
    """The ``(year, id)`` index of one year's tasks, in the order of the task list."""
    import pandas as pd

    ids = inst.derived.index if len(inst.derived) == inst.n else pd.Index(inst.ids)
    # the ids are unique: they are their own level, with no factorizing
    codes: list[Any] = [np.zeros(len(ids), dtype=np.intp), np.arange(len(ids), dtype=np.intp)]
    levels: list[Any] = [pd.Index([inst.year], dtype=np.int64), ids]
    return pd.MultiIndex(levels=levels, codes=codes, names=["year", "id"], verify_integrity=False)


def _held_side(activity: float, lower: float, upper: float) -> str:
    """``"upper"`` or ``"lower"``: the bound a row's activity is at, or ``""``."""
    if np.isfinite(upper) and abs(activity - upper) <= hold_slack(upper):
        return "upper"
    if np.isfinite(lower) and abs(activity - lower) <= hold_slack(lower):
        return "lower"
    return ""


def row_table(inst: Instance, x: np.ndarray) -> pd.DataFrame:
    """Every envelope and row of the year and the bound it is held at in the allocation ``x``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``row`` (``envelope recurrent``, ``agency_cap 0: Sở Y tế``, ...):
        ``year``, ``family`` (``envelope``, ``agency_floor``, ``agency_cap``,
        ``constraint``), ``name`` (the source, the agency or the analyst's text),
        ``lower``, ``upper``, ``activity`` (the row's sum in ``x``) and ``held``
        (``"upper"``, ``"lower"`` or ``""``).
    """
    import pandas as pd

    x = np.asarray(x, dtype=float)
    spent = np.bincount(inst.source, weights=x, minlength=len(SOURCES))
    keys = ["envelope " + source for source in SOURCES]
    family = ["envelope"] * len(SOURCES)
    name = list(SOURCES)
    lower = [-np.inf] * len(SOURCES)
    upper = [float(e) for e in inst.envelope]
    activity = [float(v) for v in spent]
    for k, row in enumerate(inst.rows):
        keys.append(row_key(row.family, k, row.name))
        family.append(row.family)
        name.append(row.name)
        lower.append(row.lower)
        upper.append(row.upper)
        activity.append(float(row.coef @ x))
    held = [_held_side(a, lo, hi) for a, lo, hi in zip(activity, lower, upper, strict=True)]
    columns = {"family": family, "name": name, "lower": lower, "upper": upper, "activity": activity}
    frame = pd.DataFrame(columns, index=pd.Index(keys, name="row"))
    frame["held"] = held
    frame.insert(0, "year", inst.year)
    return frame


def _not_admitted_rows(inst: Instance, tasks: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    """For each all-or-nothing task left at 0: the envelope or row its full amount would break."""
    out = np.full(tasks.size, "", dtype=object)
    activity = rows["activity"].to_numpy(float)
    for j, i in enumerate(tasks.tolist()):
        amount = float(inst.upper[i])
        s = int(inst.source[i])
        envelope = float(inst.envelope[s])
        if activity[s] + amount > envelope + hold_slack(envelope):
            out[j] = "envelope " + SOURCES[s]
            continue
        for k, row in enumerate(inst.rows):
            after = activity[len(SOURCES) + k] + row.coef[i] * amount
            if after > row.upper + hold_slack(row.upper) or after < row.lower - hold_slack(row.lower):
                out[j] = row_key(row.family, k, row.name)
                break
    return out


def task_reasons(inst: Instance, x: np.ndarray, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per task: the reasons for its bounds and what holds its amount ``x``.

    Parameters
    ----------
    inst
        The year's bounds, their reasons, envelopes and rows.
    x
        The year's allocation (``LadderResult.x``).
    rows
        ``row_table(inst, x)`` when the caller has it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(year, id)`` (:func:`task_index`): ``lower_reason`` (:class:`LowerReason`),
        ``upper_reason`` (:class:`UpperReason`), ``held_by`` (:class:`HeldBy`) and
        ``row`` (the row or envelope that holds it, as :func:`row_table` names it;
        ``""`` when a bound holds it).

    Notes
    -----
    In this order: a task the plan did not start is ``not_started``; a task at a
    positive floor is held by its ``lower`` bound (a floor equal to its cap too);
    a task at its cap by its ``upper``; an all-or-nothing task left at 0 is
    ``not_admitted``. Any other task was rationed: it is held by the first row of
    ``inst.rows`` at a bound in which it has a coefficient that stops it (any
    non-zero coefficient; at a task's zero floor, only one that keeps it from rising),
    else by its source's envelope if spent, else by the rule's ``level``.
    """
    import pandas as pd

    x = np.asarray(x, dtype=float)
    if rows is None:
        rows = row_table(inst, x)
    lo, hi = inst.lower, inst.upper
    lower_reason = np.asarray(inst.lower_reason, dtype=object)
    upper_reason = np.asarray(inst.upper_reason, dtype=object)
    held = np.full(inst.n, HeldBy.LEVEL.value, dtype=object)
    row = np.full(inst.n, "", dtype=object)
    above = x > lo + hold_slack(lo)
    at_lower = (lo > hold_slack(lo)) & ~above
    at_upper = x >= hi - hold_slack(hi)
    not_started = upper_reason == UpperReason.NOT_STARTED.value
    held[at_upper] = HeldBy.UPPER.value
    held[at_lower] = HeldBy.LOWER.value
    held[not_started] = HeldBy.NOT_STARTED.value
    settled = at_upper | at_lower | not_started
    waiting = np.flatnonzero(~settled & inst.binary & ~above)
    held[waiting] = HeldBy.NOT_ADMITTED.value
    row[waiting] = _not_admitted_rows(inst, waiting, rows)
    rationed = ~settled & ~(inst.binary & ~above)
    sides = rows["held"].to_numpy(str)[len(SOURCES) :]
    for k, (side, line) in enumerate(zip(sides.tolist(), inst.rows, strict=True)):
        if not side or not rationed.any():
            continue
        # at its upper bound a row holds the tasks it adds (they cannot rise) and the
        # tasks it subtracts that are above their floor (they cannot fall); at its lower
        # bound, the tasks it adds above their floor and the tasks it subtracts
        stops = (line.coef > 0) | (line.coef < 0) & above
        if side == "lower":
            stops = (line.coef > 0) & above | (line.coef < 0)
        mine = rationed & stops
        held[mine] = HeldBy.ROW.value
        row[mine] = row_key(line.family, k, line.name)
        rationed &= ~mine
    spent = rows["held"].to_numpy(str)[: len(SOURCES)] == "upper"
    by_envelope = rationed & spent[inst.source]
    held[by_envelope] = HeldBy.ENVELOPE.value
    row[by_envelope] = np.asarray(["envelope " + s for s in SOURCES], dtype=object)[inst.source[by_envelope]]
    columns = {"lower_reason": lower_reason, "upper_reason": upper_reason, "held_by": held, "row": row}
    return pd.DataFrame(columns, index=task_index(inst), copy=False)
