"""The words of an infeasibility message: how it names rows, tasks, floors and amounts.

:func:`~portfolio.model.diagnose.diagnose` finds the rule that cannot be met;
this module says it. Amounts in the messages are million VND in the
Vietnamese format; envelope amounts keep one decimal, the rows' amounts as many
as they need (up to two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..money import format_vnd
from ..tolerances import AMOUNT
from .constraints import LinearRow
from .instance import Instance
from .reasons import LowerReason, UpperReason

__all__ = [
    "and_list",
    "caps_words",
    "floor_parts",
    "floors_words",
    "id_list",
    "money",
    "row_label",
    "short_text",
    "what_floors_need",
]

# An amount at most this large is nothing.
_TOL = AMOUNT
# Task ids listed in a message before "and N more".
_LISTED = 3


def money(value: float) -> str:
    """An amount with the decimals it needs, at most two: ``300.000``, ``276.375,75``."""
    text = format_vnd(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def id_list(ids: Sequence[str]) -> str:
    """The first task ids, then how many more: ``B38, B39, B40 and 2 more``."""
    shown = ", ".join(ids[:_LISTED])
    return shown if len(ids) <= _LISTED else f"{shown} and {len(ids) - _LISTED} more"


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def row_label(row: LinearRow) -> str:
    """How a message names a row: ``analyst row 'C >= 300000'``, ``agency cap 'Sở X' 1.000``."""
    if row.family == "agency_floor":
        return f"agency floor {row.name!r} {money(row.lower)}"
    if row.family == "agency_cap":
        return f"agency cap {row.name!r} {money(row.upper)}"
    return f"analyst row {row.name!r}"


def short_text(label: str, needed: float, available: float) -> str:
    """``label: short by N million VND``, the shortfall with one decimal."""
    return f"{label}: short by {format_vnd(needed - available, 1)} million VND"


@dataclass(frozen=True)
class _Floor:
    """Tasks with a floor, by the option that set it (for the words of a message)."""

    kind: str  # "commitments", "locks", ...
    listed: bool  # name the tasks (options the analyst set) or only their kind


_KINDS = (
    _Floor("commitments", False),
    _Floor("locks", True),
    _Floor("must-fund tasks", True),
    _Floor("seed floors", False),
    _Floor("round 1 (đợt 1) amounts", False),
    _Floor("other floors", False),
)


def _floor_kind(inst: Instance) -> np.ndarray:
    """Index into :data:`_KINDS` of each task's floor (its lower reason); a lock overrides the tier."""
    reason = np.asarray(inst.lower_reason, dtype=object)
    kind = np.full(inst.n, len(_KINDS) - 1)
    kind[reason == LowerReason.SEED.value] = 3
    kind[reason == LowerReason.COMMITTED.value] = 4
    kind[reason == LowerReason.MUST_FUND.value] = 2
    kind[(inst.tier == 1) | (reason == LowerReason.COMMITMENT.value)] = 0
    kind[reason == LowerReason.LOCK.value] = 1
    return kind


def floor_parts(inst: Instance, tasks: np.ndarray, amounts: np.ndarray) -> list[tuple[str, float]]:
    """``(words, amount)`` per kind of floor among ``tasks`` (a mask), in the order of :data:`_KINDS`."""
    kind = _floor_kind(inst)
    parts = []
    for k, floor in enumerate(_KINDS):
        members = np.flatnonzero(tasks & (kind == k) & (np.abs(amounts) > _TOL))
        if members.size == 0:
            continue
        words = floor.kind
        if floor.listed:
            words += f" ({id_list([inst.ids[i] for i in members])})"
        parts.append((words, float(amounts[members].sum())))
    return parts


def what_floors_need(parts: list[tuple[str, float]]) -> str:
    """``commitments need 70.166,5`` or ``commitments need 70.166,5 and locks (B38) 50.000,0, together …``."""
    if not parts:
        return "the floors need 0,0"
    items = [f"{parts[0][0]} need {format_vnd(parts[0][1], 1)}"]
    items += [f"{words} {format_vnd(value, 1)}" for words, value in parts[1:]]
    if len(parts) == 1:
        return items[0]
    return f"{and_list(items)}, together {format_vnd(sum(value for _, value in parts), 1)},"


def caps_words(inst: Instance, row: LinearRow) -> str:
    """Why the tasks of a row can take no more: ``their caps``, and the locks and deferrals among them."""
    words = "their caps"
    tasks = row.coef > 0
    fixed = []
    locked, deferred = (UpperReason.LOCK.value,), (UpperReason.DEFERRAL.value, UpperReason.NOT_STARTED.value)
    for codes, kind in ((locked, "locked"), (deferred, "deferred")):
        ids = [inst.ids[i] for i in np.flatnonzero(tasks & np.isin(inst.upper_reason, codes))]
        if ids:
            fixed.append(f"{id_list(ids)} {kind}")
    if fixed:
        words += ", with " + and_list(fixed)
    if (row.coef < 0).any() and float(-np.clip(row.coef, None, 0.0) @ inst.lower) > _TOL:
        words += ", less the floors of the tasks it subtracts"
    return words


def floors_words(inst: Instance, row: LinearRow) -> str:
    """What a row's least sum is made of: ``its commitments and locks (B38)``."""
    tasks = (row.coef > 0) & (inst.lower > _TOL)
    kinds = [words for words, _ in floor_parts(inst, tasks, row.coef * inst.lower)]
    words = "its " + and_list(kinds) if kinds else "its floors"
    if (row.coef < 0).any() and float(-np.clip(row.coef, None, 0.0) @ inst.upper) > _TOL:
        words += " (less the caps of the tasks it subtracts)"
    return words
