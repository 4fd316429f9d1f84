"""Why a year cannot be allocated: the envelope or row that the hard rules overrun, and by how much."""

from __future__ import annotations

import numpy as np

from solvers import ProblemBuilder, solve

from ..errors import InfeasibleError
from ..money import format_vnd
from .instance import Instance
from .options import SOURCES

__all__ = ["diagnose"]


def diagnose(inst: Instance, solver: str) -> InfeasibleError:
    """Explain an infeasible year: which envelope or row, what is needed, the shortfall.

    An elastic copy of the hard rules (each envelope and analyst row may be
    exceeded at a cost of one per million) finds the least excess; the rows
    that need it are the culprits.
    """
    n = inst.n
    b = ProblemBuilder()
    x = b.add_variables("x", n, inst.lower, inst.upper)
    names: list[str] = []
    slack_cols: list[np.ndarray] = []
    for s, source in enumerate(SOURCES):
        members = np.flatnonzero(inst.source == s)
        slack = b.add_variables("slack", 1, 0.0, np.inf, names=[f"excess {source}"])
        b.add_constraints(
            "envelope",
            np.zeros(members.size + 1, int),
            np.concatenate([x[members], slack]),
            np.concatenate([np.ones(members.size), [-1.0]]),
            -np.inf,
            inst.envelope[s],
            num_rows=1,
            names=[f"envelope {source}"],
        )
        names.append(f"envelope {source}")
        slack_cols.append(slack)
    for k, row in enumerate(inst.rows):
        nz = np.flatnonzero(row.coef)
        pair = b.add_variables("slack", 2, 0.0, np.inf, names=[f"below {k}", f"above {k}"])
        b.add_constraints(
            row.family,
            np.zeros(nz.size + 2, int),
            np.concatenate([x[nz], pair]),
            np.concatenate([row.coef[nz], [1.0, -1.0]]),
            row.lower,
            row.upper,
            num_rows=1,
            names=[f"{row.family} {k}"],
        )
        names.append(f"{row.family} {row.name!r}")
        slack_cols.append(pair)
    cols = np.concatenate(slack_cols)
    b.set_objective(cols, np.ones(cols.size), "minimize")
    result = solve(b.build(), solver=solver)
    if not result.ok or result.x is None:
        return InfeasibleError(
            f"the rules of {inst.year} cannot all be met (no diagnosis: {result.status.value})"
        )
    for name, col in zip(names, slack_cols, strict=True):
        excess = float(result.x[col].sum())
        if excess <= 1e-6:
            continue
        if name.startswith("envelope"):
            source = name.split(" ", 1)[1]
            s = SOURCES.index(source)
            members = inst.source == s
            commitments = float(inst.lower[members & (inst.tier == 1)].sum())
            others = float(inst.lower[members & (inst.tier != 1)].sum())
            available = float(inst.envelope[s])
            needed = available + excess
            detail = f"commitments need {format_vnd(commitments, 1)}"
            if others > 1e-6:
                detail += f" and other fixed floors (must-fund, locked, seed) {format_vnd(others, 1)}"
            if abs(commitments + others - needed) > 0.05:
                detail += f"; with the analyst rows {format_vnd(needed, 1)}"
            return InfeasibleError(
                f"{source} envelope {inst.year}: {detail} but the envelope is "
                f"{format_vnd(available, 1)}: short by {format_vnd(excess, 1)} million VND",
                envelope=f"{source} {inst.year}",
                needed=needed,
                available=available,
            )
        return InfeasibleError(
            f"{name} cannot be met in {inst.year} with the other rules: off by "
            f"{format_vnd(excess, 1)} million VND",
            envelope=name,
            needed=None,
            available=None,
        )
    return InfeasibleError(f"the rules of {inst.year} cannot all be met")
