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

The elastic LPs are built and solved in :mod:`portfolio.model.elastic`; the
words of the messages (amounts in million VND in the Vietnamese format) are
in :mod:`portfolio.model.diagnosis_words`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InfeasibleError
from ..money import format_vnd
from ..tolerances import AMOUNT, DUAL_SUPPORT
from .constraints import LinearRow
from .diagnosis_words import (
    and_list,
    caps_words,
    floor_parts,
    floors_words,
    money,
    row_label,
    short_text,
    what_floors_need,
)
from .elastic import elastic, forcing_rows
from .instance import Instance
from .options import SOURCES
from .reasons import LowerReason, UpperReason, label

__all__ = ["diagnose"]

# An excess (a slack, a gap between an amount and a bound) at most this large is nothing.
_TOL = AMOUNT
# A row whose dual exceeds this (in absolute value) forces the excess.
_DUAL = DUAL_SUPPORT


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
        short_text(
            f"task {inst.ids[k]} cannot be met in {inst.year}: its floor {money(needed)} ({why}) "
            f"is above its cap {money(available)}",
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


def _row_alone(inst: Instance) -> InfeasibleError | None:
    for row in inst.rows:
        least, most = _activity_range(inst, row)
        if most < row.lower - _TOL * max(1.0, abs(row.lower)):
            return InfeasibleError(
                f"{row_label(row)} cannot be met at any envelope: its tasks can take at most "
                f"{money(most)} ({caps_words(inst, row)}), short by {money(row.lower - most)} million VND",
                rule=row_label(row),
                needed=float(row.lower),
                available=most,
            )
        if least > row.upper + _TOL * max(1.0, abs(row.upper)):
            return InfeasibleError(
                f"{row_label(row)} cannot be met at any envelope: it is below what "
                f"{floors_words(inst, row)} need, {money(least)}: short by "
                f"{money(least - row.upper)} million VND",
                rule=row_label(row),
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
        need = what_floors_need(floor_parts(inst, members, inst.lower))
        return InfeasibleError(
            short_text(
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


def _rows_together(inst: Instance, solver: str) -> InfeasibleError | None:
    """Rows that cannot all hold within the tasks' bounds, at any envelope."""
    if not inst.rows:
        return None
    fit = elastic(inst, solver, rows_elastic=True, envelopes=False)
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
    conflict = sorted(set(forcing_rows(inst, fit, np.ones(len(inst.rows), bool))) | set(missed))
    k = conflict[0]
    row = inst.rows[k]
    duals = fit.result.row_duals
    if duals is not None and abs(float(duals[fit.rows[k]])) > _DUAL:
        raise_it = float(duals[fit.rows[k]]) > 0  # raising its lower bound costs more
    elif max(below[k], above[k]) > _TOL:
        raise_it = bool(below[k] >= above[k])
    else:
        raise_it = bool(np.isfinite(row.lower))
    names = [row_label(inst.rows[j]) for j in conflict[1:]]
    rule = and_list([row_label(row), *names])
    if names:
        label = f"{rule} cannot all be met at any envelope"
        by = "with " + ("that row" if len(names) == 1 else "those rows")
    else:
        label = f"{rule} cannot be met at any envelope with the other rows"
        by = "with them"
    if raise_it:
        needed, available = float(row.lower), float(row.lower) - total
        what = f"{by}, its tasks can take at most {money(available)} of the {money(needed)} it asks"
    else:
        needed, available = float(row.upper) + total, float(row.upper)
        what = f"{by}, its tasks need at least {money(needed)}, above its {money(available)}"
    return InfeasibleError(
        f"{label}: {what}: short by {money(needed - available)} million VND",
        rule=rule,
        needed=needed,
        available=available,
    )


def _with_envelopes(inst: Instance, solver: str) -> InfeasibleError | None:
    """The envelope that the rows together with the floors overrun."""
    fit = elastic(inst, solver, rows_elastic=False, envelopes=True)
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
    culprits = forcing_rows(inst, fit, touches)
    envelope = f"{source} envelope {inst.year}"
    if not culprits:
        return InfeasibleError(
            short_text(
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
    names = [row_label(inst.rows[k]) for k in culprits]
    covered = np.zeros(inst.n, dtype=bool)
    for k in culprits:
        covered |= inst.rows[k].coef != 0
    outside = members & ~covered
    parts = floor_parts(inst, outside, inst.lower)
    others = sum(value for _, value in parts)
    forced = needed - others
    subject = "the row needs" if len(culprits) == 1 else "the rows need"
    what = f"{subject} {format_vnd(forced, 1)} of it"
    if parts:
        where = "it" if len(culprits) == 1 else "them"
        what += " and " + and_list([f"{words} outside {where} {format_vnd(v, 1)}" for words, v in parts])
        what += f", together {format_vnd(needed, 1)},"
    return InfeasibleError(
        short_text(
            f"{envelope} cannot meet {and_list(names)}: {what} "
            f"but the envelope is {format_vnd(available, 1)}",
            needed,
            available,
        ),
        envelope=f"{source} {inst.year}",
        rule=and_list([envelope, *names]),
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
