"""CBC backend through PuLP, and LP/MPS writers for people to read.

``pulp`` is imported inside the functions that need it, so ``import solvers`` works
without it.

The solver is always an explicit ``pulp.COIN_CMD`` pointed at the CBC executable bundled
with PuLP (the one ``PULP_CBC_CMD`` runs; constructing ``PULP_CBC_CMD`` itself emits a
DeprecationWarning since PuLP 3.3 and it is removed in PuLP 4.0), falling back to a
``cbc`` on the PATH. PuLP's global default solver is never used.

Rows become PuLP constraints named ``r{i}`` (equality, ``>=`` or ``<=``); a ranged row
(two different finite bounds) becomes ``r{i}_lo`` (``>=``) and ``r{i}_hi`` (``<=``)
and its dual is the sum of theirs, i.e. the dual of whichever side is active. Free rows
are left out (dual 0). Columns are ``x{j}``. Index-based names avoid PuLP's renaming of
illegal characters. Measured with PuLP 3.3.2 and its bundled CBC: ``constraint.pi`` and
``variable.dj`` already follow the convention of :mod:`solvers.status` in both senses
(e.g. +2 for a binding ``<=`` row of ``max 3x + 2y``, +3 for a binding ``>=`` row of
``min 2x + 3y``), so they are used unchanged.

Precision: the bundled CBC 2.10.3 writes column values, duals and reduced costs with
``%15.8g`` (8 significant digits), so ``x`` is only accurate to about 1e-8 relative
(123456789.123 comes back as 123456790). ``objective`` is taken from CBC's own
objective line instead, which is printed with more digits (about 1e-10 relative
agreement with HiGHS on the random test LPs). Use ``"highs"`` when amounts
must be exact; ``"cbc"`` is a cross-check and produces files people can read.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from solvers._common import (
    DEFAULT_MIP_GAP,
    NO_POINT,
    check_options,
    clean,
    empty_result,
    row_activity,
)
from solvers._pulp_model import to_pulp, unique_names
from solvers.problem import LinearProblem
from solvers.status import SolveResult, Status

if TYPE_CHECKING:
    import pulp

__all__ = ["CBC_STATUS_MAP", "PulpCbcBackend", "cbc_status", "write_lp", "write_mps"]

#: ``(prob.status, prob.sol_status)`` pairs reported by PuLP after a CBC run, and their
#: meaning here. PuLP codes: status 1 Optimal, 0 Not Solved, -1 Infeasible,
#: -2 Unbounded, -3 Undefined; sol_status 1 Optimal Solution Found, 2 Solution Found
#: (integer feasible), 0 No Solution Found, -1 No Solution Exists, -2 Unbounded.
#: Any other pair maps to UNKNOWN.
CBC_STATUS_MAP: dict[tuple[int, int], Status] = {
    (1, 1): Status.OPTIMAL,
    # CBC wrote "Stopped on time - objective value ...": PuLP turns that into status
    # Optimal with sol_status "Solution Found"; it is a limit, not an optimum.
    (1, 2): Status.TIME_LIMIT,
    # CBC wrote "Stopped on time" before finding any feasible point.
    (0, 0): Status.TIME_LIMIT,
    (-1, -1): Status.INFEASIBLE,
    (-1, 0): Status.INFEASIBLE,  # CBC "Integer infeasible"
    (-2, -2): Status.UNBOUNDED,
}

# Pairs that mean "CBC stopped early". We set no limit other than time, so they are
# TIME_LIMIT when a time limit was given and UNKNOWN otherwise (e.g. an interrupt).
_STOPPED = frozenset({(1, 2), (0, 0)})


def cbc_status(lp_status: int, sol_status: int, *, time_limited: bool = True) -> Status:
    """Map PuLP's status pair after a CBC run to a :class:`Status`.

    Parameters
    ----------
    lp_status : int
        ``prob.status`` (``pulp.LpStatus`` code).
    sol_status : int
        ``prob.sol_status`` (``pulp.LpSolution`` code).
    time_limited : bool, default True
        Whether the run had a time limit; without one, an early stop is UNKNOWN.

    Returns
    -------
    Status
        The mapped status; UNKNOWN for any pair not in :data:`CBC_STATUS_MAP`.
    """
    key = (int(lp_status), int(sol_status))
    if key in _STOPPED and not time_limited:
        return Status.UNKNOWN
    return CBC_STATUS_MAP.get(key, Status.UNKNOWN)


def _cbc_path() -> str:
    import pulp

    bundled = getattr(getattr(pulp, "PULP_CBC_CMD", None), "pulp_cbc_path", None)
    if bundled and os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return str(bundled)
    found = shutil.which("cbc")
    if found is None:
        raise RuntimeError("no CBC executable: neither PuLP's bundled cbc nor 'cbc' on PATH")
    return found


@functools.cache
def _command_class() -> type:
    """``pulp.COIN_CMD`` that also keeps the first line of CBC's solution file.

    That line (e.g. ``Optimal - objective value 246913578.24599999``) carries the
    objective with more digits than the column values, which the bundled CBC 2.10.3
    prints with ``%15.8g``, i.e. 8 significant digits.
    """
    import pulp

    class _CbcCommand(pulp.COIN_CMD):
        header = ""

        def get_status(self, filename: str) -> Any:
            with open(filename) as f:
                self.header = f.readline()
            return super().get_status(filename)

    return _CbcCommand


def _header_objective(header: str) -> float | None:
    match = re.search(r"objective value\s+(\S+)", header)
    try:
        return float(match.group(1)) if match else None
    except ValueError:
        return None


class PulpCbcBackend:
    """Solve LPs and MILPs with CBC through PuLP (slower than HiGHS: files + a process).

    Attributes
    ----------
    name : str
        ``"cbc"``.
    requires : str
        Python package needed: ``"pulp"``.
    supports_lp, supports_milp, supports_duals : bool
        All True.
    """

    name: ClassVar[str] = "cbc"
    requires: ClassVar[str] = "pulp"
    supports_lp: ClassVar[bool] = True
    supports_milp: ClassVar[bool] = True
    supports_duals: ClassVar[bool] = True
    #: the values, duals and reduced costs come from a file written with 8 significant
    #: digits, a relative error up to 5e-8 (the objective line often has more, not always)
    precision: ClassVar[float] = 1e-7

    def solve(
        self,
        problem: LinearProblem,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
    ) -> SolveResult:
        """Solve ``problem`` with CBC.

        Parameters
        ----------
        problem : LinearProblem
            The model.
        time_limit : float, optional
            Wall-clock seconds (CBC ``-sec``); None means no limit.
        mip_gap : float, optional
            Relative gap at which a MIP counts as optimal (CBC ``ratio``); None means 0.

        Returns
        -------
        SolveResult
            The outcome; see :mod:`solvers.status` for the dual sign convention. For a
            MIP, CBC's "Unbounded" only says that the LP relaxation is unbounded, so it
            is reported as INFEASIBLE_OR_UNBOUNDED.
        """
        t0 = time.perf_counter()
        check_options(time_limit, mip_gap)
        if problem.num_cols == 0:
            return empty_result(problem, self.name, t0)
        import pulp

        prob, variables, constraints = to_pulp(
            problem,
            [f"x{j}" for j in range(problem.num_cols)],
            [f"r{i}" for i in range(problem.num_rows)],
            "solvers",
        )
        command = _command_class()(
            path=_cbc_path(),
            msg=False,
            mip=problem.is_mip,
            timeLimit=time_limit,
            gapRel=(DEFAULT_MIP_GAP if mip_gap is None else mip_gap) if problem.is_mip else None,
        )
        try:
            prob.solve(command)
        except pulp.PulpSolverError as exc:
            return SolveResult(
                status=Status.ERROR,
                termination=f"PulpSolverError: {exc}",
                solver=self.name,
                x=None,
                objective=None,
                row_activity=None,
                row_duals=None,
                reduced_costs=None,
                solve_seconds=time.perf_counter() - t0,
            )
        status = cbc_status(prob.status, prob.sol_status, time_limited=time_limit is not None)
        if status is Status.UNBOUNDED and problem.is_mip:
            status = Status.INFEASIBLE_OR_UNBOUNDED
        words = command.header.split(" - ")[0].strip()  # e.g. "Stopped on time"
        pulp_words = f"PuLP: {pulp.LpStatus[prob.status]}/{pulp.LpSolution[prob.sol_status]}"
        termination = f"{words} ({pulp_words})" if words else pulp_words

        values = [v.varValue for v in variables]
        x = act = duals = reduced = None
        objective = None
        if status not in NO_POINT and None not in values:
            x = clean(np.array(values, dtype=np.float64))
            act = row_activity(problem, x)
            # CBC's own objective line (more digits than x; no offset, as PuLP's MPS
            # file has none); c @ x from the 8-digit values only as a fallback
            reported = _header_objective(command.header)
            objective = problem.offset + (float(problem.c @ x) if reported is None else reported)
        if status is Status.OPTIMAL and not problem.is_mip:
            duals = np.zeros(problem.num_rows)
            for i, con in constraints:
                duals[i] += con.pi or 0.0
            duals = clean(duals)
            reduced = clean(np.array([v.dj or 0.0 for v in variables], dtype=np.float64))
        return SolveResult(
            status=status,
            termination=termination,
            solver=self.name,
            x=x,
            objective=objective,
            row_activity=act,
            row_duals=duals,
            reduced_costs=reduced,
            solve_seconds=time.perf_counter() - t0,
        )


_MAX_NAME = 90  # PuLP's LP writer refuses names longer than 100 characters


def _sanitize(name: str) -> str:
    """Replace runs of other characters than letters, digits, ``_`` by one ``_``.

    Trailing underscores are dropped; a name starting with a digit or ``e<digit>`` (which
    LP readers could take for a number) gets a leading ``_``.
    """
    out = re.sub(r"[^A-Za-z0-9_]+", "_", name).rstrip("_")[:_MAX_NAME]
    if not out or not (out[0].isalpha() or out[0] == "_") or re.match(r"[eE]\d", out):
        out = "_" + out
    return out


def _readable(problem: LinearProblem) -> pulp.LpProblem:
    cols = unique_names([_sanitize(s) for s in problem.col_names])
    rows = [_sanitize(s) for s in problem.row_names]  # made unique after _lo/_hi suffixes
    prob, _, _ = to_pulp(problem, cols, rows, "model")
    return prob


def _note_offset(path: Path, problem: LinearProblem, comment: str) -> None:
    """Record the objective constant, which PuLP's writers drop, as a comment line."""
    if problem.offset != 0.0:
        note = f"{comment} objective constant (offset) not written below: {problem.offset!r}"
        path.write_text(f"{note}\n{path.read_text()}")


def write_lp(problem: LinearProblem, path: str | os.PathLike[str]) -> Path:
    """Write ``problem`` as a CPLEX-LP file with readable names (via PuLP).

    Names are the problem's own column and row names with every character other than a
    letter, digit or ``_`` replaced by ``_`` (and made unique). A ranged row appears as
    two constraints ``<name>_lo`` and ``<name>_hi``; free rows are left out; PuLP writes
    a row without entries with its placeholder variable ``__dummy`` (fixed at 0). PuLP
    drops the objective's constant offset, so a nonzero offset is noted in a comment
    on the first line.

    Parameters
    ----------
    problem : LinearProblem
        The model.
    path : str or os.PathLike
        Destination file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(path)
    _readable(problem).writeLP(str(out))
    _note_offset(out, problem, "\\")
    return out


def write_mps(problem: LinearProblem, path: str | os.PathLike[str]) -> Path:
    """Write ``problem`` as a free-format MPS file with readable names (via PuLP).

    Names and rows as in :func:`write_lp`. PuLP writes an ``OBJSENSE`` section when it
    supports it (otherwise a ``*SENSE:`` comment). PuLP drops the objective's constant
    offset, so a nonzero offset is noted in a ``*`` comment on the first line.

    Parameters
    ----------
    problem : LinearProblem
        The model.
    path : str or os.PathLike
        Destination file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(path)
    prob = _readable(problem)
    if "with_objsense" in inspect.signature(prob.writeMPS).parameters:
        prob.writeMPS(str(out), with_objsense=True)
    else:  # older PuLP
        prob.writeMPS(str(out))
    _note_offset(out, problem, "*")
    return out
