"""Why a year cannot be allocated: the rule that the hard rules overrun, and by how much.

The checks go from the simplest to the most involved, and the first that finds
something gives the message:

1. each task alone: a floor above its cap;
2. each agency floor or cap and each analyst row alone, against its tasks'
   bounds (pure arithmetic: the least and the most the row's sum can be). Such
   a row cannot be met at any envelope, and the message says so;
3. each envelope alone, against the floors of its source (commitments, locks,
   must-fund, seed floors);
4. the rows together, with no envelope (an elastic LP): rows that contradict
   each other, again at any envelope;
5. the rows together with the envelopes (an elastic LP on the envelopes): the
   envelope that is short and the rows that force the spending on it.

Amounts in the messages are million VND in the Vietnamese format; envelope
amounts keep one decimal, the rows' amounts as many as they need (up to two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solvers import ProblemBuilder, SolveResult, solve

from ..errors import InfeasibleError
from ..money import format_vnd
from .constraints import LinearRow
from .instance import Instance
from .options import SOURCES
from .reasons import LowerReason, UpperReason, label
from .tolerances import AMOUNT, DUAL_SUPPORT

__all__ = ["diagnose"]

# An excess (a slack, a gap between an amount and a bound) at most this large is nothing.
_TOL = AMOUNT
# A row whose dual exceeds this (in absolute value) forces the excess.
_DUAL = DUAL_SUPPORT
# Task ids listed in a message before "and N more".
_LISTED = 3


def diagnose(inst: Instance, solver: str) -> InfeasibleError:
    """Explain an infeasible year: the rule that cannot be met, its need, what is available.

    Parameters
    ----------
    inst
        The year whose stage problem has no feasible point.
    solver
        Backend for the elastic LPs (``"highs"`` or ``"cbc"``).

    Returns
    -------
    InfeasibleError
        One line naming the envelope, agency floor or cap, analyst row or lock
        that cannot be met, with ``needed``, ``available`` and ``shortfall`` in
        million VND wherever they make sense.
    """
    return (
        _task_alone(inst)
        or _row_alone(inst)
        or _envelope_alone(inst)
        or _rows_together(inst, solver)
        or _with_envelopes(inst, solver)
        or _undiagnosed(inst)
    )


# ---------------------------------------------------------------- wording


def _money(value: float) -> str:
    """An amount with the decimals it needs, at most two: ``300.000``, ``276.375,75``."""
    text = format_vnd(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_LISTED])
    return shown if len(ids) <= _LISTED else f"{shown} and {len(ids) - _LISTED} more"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _label(row: LinearRow) -> str:
    """How a message names a row: ``analyst row 'C >= 300000'``, ``agency cap 'Sở X' 1.000``."""
    if row.family == "agency_floor":
        return f"agency floor {row.name!r} {_money(row.lower)}"
    if row.family == "agency_cap":
        return f"agency cap {row.name!r} {_money(row.upper)}"
    return f"analyst row {row.name!r}"


def _short_text(label: str, needed: float, available: float) -> str:
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


def _floors(inst: Instance, tasks: np.ndarray, amounts: np.ndarray) -> list[tuple[str, float]]:
    """``(words, amount)`` per kind of floor among ``tasks`` (a mask), in the order of :data:`_KINDS`."""
    kind = _floor_kind(inst)
    parts = []
    for k, floor in enumerate(_KINDS):
        members = np.flatnonzero(tasks & (kind == k) & (np.abs(amounts) > _TOL))
        if members.size == 0:
            continue
        words = floor.kind
        if floor.listed:
            words += f" ({_ids([inst.ids[i] for i in members])})"
        parts.append((words, float(amounts[members].sum())))
    return parts


def _what_floors_need(parts: list[tuple[str, float]]) -> str:
    """``commitments need 70.166,5`` or ``commitments need 70.166,5 and locks (B38) 50.000,0, together …``."""
    if not parts:
        return "the floors need 0,0"
    items = [f"{parts[0][0]} need {format_vnd(parts[0][1], 1)}"]
    items += [f"{words} {format_vnd(value, 1)}" for words, value in parts[1:]]
    if len(parts) == 1:
        return items[0]
    return f"{_join(items)}, together {format_vnd(sum(value for _, value in parts), 1)},"


# ---------------------------------------------------------------- arithmetic checks


def _task_alone(inst: Instance) -> InfeasibleError | None:
    bad = np.flatnonzero(inst.lower > inst.upper + _TOL)
    if bad.size == 0:
        return None
    k = int(bad[0])
    needed, available = float(inst.lower[k]), float(inst.upper[k])
    why = f"floor: {label(inst.lower_reason[k], LowerReason)}; cap: "
    why += label(inst.upper_reason[k], UpperReason)
    return InfeasibleError(
        _short_text(
            f"task {inst.ids[k]} cannot be met in {inst.year}: its floor {_money(needed)} ({why}) "
            f"is above its cap {_money(available)}",
            needed,
            available,
        ),
        rule=f"task {inst.ids[k]}",
        needed=needed,
        available=available,
    )


def _activity_range(inst: Instance, row: LinearRow) -> tuple[float, float]:
    """The least and the most ``row.coef · x`` can be within the tasks' bounds."""
    pos, neg = np.clip(row.coef, 0.0, None), np.clip(row.coef, None, 0.0)
    least = float(pos @ inst.lower + neg @ inst.upper)
    most = float(pos @ inst.upper + neg @ inst.lower)
    return least, most


def _caps_words(inst: Instance, row: LinearRow) -> str:
    """Why the tasks of a row can take no more: ``their caps``, and the locks and deferrals among them."""
    words = "their caps"
    tasks = row.coef > 0
    fixed = []
    locked, deferred = (UpperReason.LOCK.value,), (UpperReason.DEFERRAL.value, UpperReason.NOT_STARTED.value)
    for codes, kind in ((locked, "locked"), (deferred, "deferred")):
        ids = [inst.ids[i] for i in np.flatnonzero(tasks & np.isin(inst.upper_reason, codes))]
        if ids:
            fixed.append(f"{_ids(ids)} {kind}")
    if fixed:
        words += ", with " + _join(fixed)
    if (row.coef < 0).any() and float(-np.clip(row.coef, None, 0.0) @ inst.lower) > _TOL:
        words += ", less the floors of the tasks it subtracts"
    return words


def _floors_words(inst: Instance, row: LinearRow) -> str:
    """What a row's least sum is made of: ``its commitments and locks (B38)``."""
    tasks = (row.coef > 0) & (inst.lower > _TOL)
    kinds = [words for words, _ in _floors(inst, tasks, row.coef * inst.lower)]
    words = "its " + _join(kinds) if kinds else "its floors"
    if (row.coef < 0).any() and float(-np.clip(row.coef, None, 0.0) @ inst.upper) > _TOL:
        words += " (less the caps of the tasks it subtracts)"
    return words


def _row_alone(inst: Instance) -> InfeasibleError | None:
    for row in inst.rows:
        least, most = _activity_range(inst, row)
        if most < row.lower - _TOL * max(1.0, abs(row.lower)):
            return InfeasibleError(
                f"{_label(row)} cannot be met at any envelope: its tasks can take at most "
                f"{_money(most)} ({_caps_words(inst, row)}), short by {_money(row.lower - most)} million VND",
                rule=_label(row),
                needed=float(row.lower),
                available=most,
            )
        if least > row.upper + _TOL * max(1.0, abs(row.upper)):
            return InfeasibleError(
                f"{_label(row)} cannot be met at any envelope: it is below what "
                f"{_floors_words(inst, row)} need, {_money(least)}: short by "
                f"{_money(least - row.upper)} million VND",
                rule=_label(row),
                needed=least,
                available=float(row.upper),
            )
    return None


def _envelope_alone(inst: Instance) -> InfeasibleError | None:
    for s, source in enumerate(SOURCES):
        members = inst.source == s
        needed = float(inst.lower[members].sum())
        available = float(inst.envelope[s])
        if needed <= available + _TOL * max(1.0, abs(available)):
            continue
        need = _what_floors_need(_floors(inst, members, inst.lower))
        return InfeasibleError(
            _short_text(
                f"{source} envelope {inst.year}: {need} but the envelope is {format_vnd(available, 1)}",
                needed,
                available,
            ),
            envelope=f"{source} {inst.year}",
            rule=f"{source} envelope {inst.year}",
            needed=needed,
            available=available,
        )
    return None


# ---------------------------------------------------------------- elastic LPs


@dataclass(frozen=True)
class _Elastic:
    """The answer of an elastic LP: the solve, the row index of each of the instance's rows."""

    result: SolveResult
    rows: np.ndarray  # problem row of each inst.rows entry
    below: np.ndarray  # column: how far each row's sum falls short of its lower bound
    above: np.ndarray  # column: how far it exceeds its upper bound
    excess: np.ndarray  # column: how far each source's spending exceeds its envelope


def _elastic(inst: Instance, solver: str, *, rows_elastic: bool, envelopes: bool) -> _Elastic | None:
    """Least total excess over the elastic rules, the others hard.

    With ``rows_elastic`` the rows may be missed (and there is no envelope);
    otherwise the rows hold and each envelope may be exceeded.
    """
    b = ProblemBuilder()
    x = b.add_variables("x", inst.n, inst.lower, inst.upper)
    excess = np.zeros(0, dtype=np.int64)
    if envelopes:
        excess = b.add_variables("excess", len(SOURCES), 0.0, np.inf, names=[f"excess {s}" for s in SOURCES])
        for s, source in enumerate(SOURCES):
            members = x[inst.source == s]
            b.add_constraints(
                "envelope",
                np.zeros(members.size + 1, int),
                np.concatenate([members, excess[s : s + 1]]),
                np.concatenate([np.ones(members.size), [-1.0]]),
                -np.inf,
                float(inst.envelope[s]),
                num_rows=1,
                names=[f"envelope {source}"],
            )
    m = len(inst.rows)
    bound = (0.0, np.inf) if rows_elastic else (0.0, 0.0)
    below = b.add_variables("below", m, *bound)
    above = b.add_variables("above", m, *bound)
    rows = np.zeros(m, dtype=np.int64)
    for k, row in enumerate(inst.rows):
        nz = np.flatnonzero(row.coef)
        rows[k] = b.add_constraints(
            row.family,
            np.zeros(nz.size + 2, int),
            np.concatenate([x[nz], below[k : k + 1], above[k : k + 1]]),
            np.concatenate([row.coef[nz], [1.0, -1.0]]),
            row.lower,
            row.upper,
            num_rows=1,
            names=[f"{row.family} {k}"],
        )[0]
    cost = np.concatenate([below, above]) if rows_elastic else excess
    b.set_objective(cost, np.ones(cost.size), "minimize")
    result = solve(b.build(), solver=solver)
    if not result.ok or result.x is None:
        return None
    return _Elastic(result, rows, below, above, excess)


def _forcing(inst: Instance, fit: _Elastic, candidates: np.ndarray) -> list[int]:
    """The rows among ``candidates`` (a mask) that force the excess.

    A row forces it when its dual is not zero; a backend without duals gives
    the rows whose sum sits at a bound.
    """
    duals = fit.result.row_duals
    activity = fit.result.row_activity
    out = []
    for k in np.flatnonzero(candidates):
        row = inst.rows[k]
        if duals is not None:
            if abs(float(duals[fit.rows[k]])) > _DUAL:
                out.append(int(k))
        elif activity is not None:
            value = float(activity[fit.rows[k]])
            bounds = [bound for bound in (row.lower, row.upper) if np.isfinite(bound)]
            if any(abs(value - bound) <= _TOL * max(1.0, abs(bound)) for bound in bounds):
                out.append(int(k))
    return out


def _rows_together(inst: Instance, solver: str) -> InfeasibleError | None:
    """Rows that cannot all hold within the tasks' bounds, at any envelope."""
    if not inst.rows:
        return None
    fit = _elastic(inst, solver, rows_elastic=True, envelopes=False)
    if fit is None or fit.result.x is None:
        return None
    x = fit.result.x
    below, above = x[fit.below], x[fit.above]
    total = float(below.sum() + above.sum())
    if total <= _TOL:
        return None
    # the rows in the conflict, the first of them named as the one missed by the
    # least total (which row an optimum relaxes is the solver's choice)
    missed = np.flatnonzero(np.maximum(below, above) > _TOL).tolist()
    conflict = sorted(set(_forcing(inst, fit, np.ones(len(inst.rows), bool))) | set(missed))
    k = conflict[0]
    row = inst.rows[k]
    duals = fit.result.row_duals
    if duals is not None and abs(float(duals[fit.rows[k]])) > _DUAL:
        raise_it = float(duals[fit.rows[k]]) > 0  # raising its lower bound costs more
    elif max(below[k], above[k]) > _TOL:
        raise_it = bool(below[k] >= above[k])
    else:
        raise_it = bool(np.isfinite(row.lower))
    names = [_label(inst.rows[j]) for j in conflict[1:]]
    rule = _join([_label(row), *names])
    if names:
        label = f"{rule} cannot all be met at any envelope"
        by = "with " + ("that row" if len(names) == 1 else "those rows")
    else:
        label = f"{rule} cannot be met at any envelope with the other rows"
        by = "with them"
    if raise_it:
        needed, available = float(row.lower), float(row.lower) - total
        what = f"{by}, its tasks can take at most {_money(available)} of the {_money(needed)} it asks"
    else:
        needed, available = float(row.upper) + total, float(row.upper)
        what = f"{by}, its tasks need at least {_money(needed)}, above its {_money(available)}"
    return InfeasibleError(
        f"{label}: {what}: short by {_money(needed - available)} million VND",
        rule=rule,
        needed=needed,
        available=available,
    )


def _with_envelopes(inst: Instance, solver: str) -> InfeasibleError | None:
    """The envelope that the rows together with the floors overrun."""
    fit = _elastic(inst, solver, rows_elastic=False, envelopes=True)
    if fit is None or fit.result.x is None:
        return None
    excess = fit.result.x[fit.excess]
    if float(excess.max()) <= _TOL:
        return None
    s = int(np.argmax(excess))
    source = SOURCES[s]
    members = inst.source == s
    available = float(inst.envelope[s])
    needed = available + float(excess[s])
    touches = np.array([bool((row.coef[members] != 0).any()) for row in inst.rows], dtype=bool)
    culprits = _forcing(inst, fit, touches)
    envelope = f"{source} envelope {inst.year}"
    if not culprits:
        return InfeasibleError(
            _short_text(
                f"{envelope}: the floors of its tasks with the rows need {format_vnd(needed, 1)} "
                f"but the envelope is {format_vnd(available, 1)}",
                needed,
                available,
            ),
            envelope=f"{source} {inst.year}",
            rule=envelope,
            needed=needed,
            available=available,
        )
    names = [_label(inst.rows[k]) for k in culprits]
    covered = np.zeros(inst.n, dtype=bool)
    for k in culprits:
        covered |= inst.rows[k].coef != 0
    outside = members & ~covered
    parts = _floors(inst, outside, inst.lower)
    others = sum(value for _, value in parts)
    forced = needed - others
    subject = "the row needs" if len(culprits) == 1 else "the rows need"
    what = f"{subject} {format_vnd(forced, 1)} of it"
    if parts:
        where = "it" if len(culprits) == 1 else "them"
        what += " and " + _join([f"{words} outside {where} {format_vnd(v, 1)}" for words, v in parts])
        what += f", together {format_vnd(needed, 1)},"
    return InfeasibleError(
        _short_text(
            f"{envelope} cannot meet {_join(names)}: {what} but the envelope is {format_vnd(available, 1)}",
            needed,
            available,
        ),
        envelope=f"{source} {inst.year}",
        rule=_join([envelope, *names]),
        needed=needed,
        available=available,
    )


def _undiagnosed(inst: Instance) -> InfeasibleError:
    if inst.binary.any():
        return InfeasibleError(
            f"the rules of {inst.year} cannot all be met with the all-or-nothing tasks "
            "funded either in full or not at all"
        )
    return InfeasibleError(f"the rules of {inst.year} cannot all be met")
