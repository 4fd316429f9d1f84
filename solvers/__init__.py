"""Talk to LP/MILP solvers: build a :class:`LinearProblem`, :func:`solve` it, read the result.

This package knows nothing about budgets or tasks. It depends on numpy only at import
time; ``highspy`` (backend ``"highs"``, the default) and ``pulp`` (backend ``"cbc"``, and
the LP/MPS writers) are imported when first used.

Dual sign convention: see :mod:`solvers.status`.
"""

from __future__ import annotations

from solvers._names import Names, Numbered
from solvers.backends import Backend, available_backends, get_backend, solve
from solvers.highs_session import HighsSession
from solvers.problem import LinearProblem, Sense
from solvers.problem_builder import ProblemBuilder
from solvers.pulp_cbc import write_lp, write_mps
from solvers.status import SolverError, SolveResult, Status

__all__ = [
    "Backend",
    "HighsSession",
    "LinearProblem",
    "Names",
    "Numbered",
    "ProblemBuilder",
    "Sense",
    "SolveResult",
    "SolverError",
    "Status",
    "available_backends",
    "get_backend",
    "solve",
    "write_lp",
    "write_mps",
]
