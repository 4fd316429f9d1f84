"""Registry of solver backends and the :func:`solve` entry point.

Known backends: ``"highs"`` (:class:`~solvers.highs.HighsBackend`, the default) and
``"cbc"`` (:class:`~solvers.pulp_cbc.PulpCbcBackend`). Each backend imports its solver
library only when it solves, so this module imports quickly and works when one of the
libraries is missing.
"""

from __future__ import annotations

import importlib.util
from typing import ClassVar, Protocol

from solvers.highs import HighsBackend
from solvers.problem import LinearProblem
from solvers.pulp_cbc import PulpCbcBackend
from solvers.status import SolveResult

__all__ = ["Backend", "available_backends", "get_backend", "solve"]


class Backend(Protocol):
    """What every solver backend provides.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"highs"``.
    requires : str
        Importable Python package the backend needs, e.g. ``"highspy"``.
    supports_lp, supports_milp, supports_duals : bool
        Capabilities.
    precision : float
        Relative precision of the values, duals and objective it reports: what a
        caller keeping an optimum as a constraint must allow for.
    """

    name: ClassVar[str]
    requires: ClassVar[str]
    supports_lp: ClassVar[bool]
    supports_milp: ClassVar[bool]
    supports_duals: ClassVar[bool]
    precision: ClassVar[float]

    def solve(
        self,
        problem: LinearProblem,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
    ) -> SolveResult:
        """Solve ``problem``.

        Parameters
        ----------
        problem : LinearProblem
            The model.
        time_limit : float, optional
            Wall-clock seconds; None means no limit.
        mip_gap : float, optional
            Relative MIP gap; None means 0 (prove optimality).

        Returns
        -------
        SolveResult
            The outcome.
        """
        ...


_REGISTRY: dict[str, type[Backend]] = {
    HighsBackend.name: HighsBackend,
    PulpCbcBackend.name: PulpCbcBackend,
}


def available_backends() -> dict[str, type[Backend]]:
    """Return the backends whose Python package can be imported, by name.

    Returns
    -------
    dict of str to type[Backend]
        ``{"highs": HighsBackend, "cbc": PulpCbcBackend}`` when both ``highspy`` and
        ``pulp`` are installed. Checked without importing them. (Whether the CBC
        executable itself runs is only known when solving.)
    """
    return {
        name: cls for name, cls in _REGISTRY.items() if importlib.util.find_spec(cls.requires) is not None
    }


def get_backend(name: str) -> Backend:
    """Return a backend instance by name.

    Parameters
    ----------
    name : str
        ``"highs"`` or ``"cbc"``.

    Returns
    -------
    Backend
        A new instance.

    Raises
    ------
    ValueError
        If ``name`` is not a known backend (the message lists the known ones).
    ImportError
        If the backend's Python package is not installed.
    """
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; known solvers: {', '.join(sorted(_REGISTRY))}") from None
    if importlib.util.find_spec(cls.requires) is None:
        raise ImportError(f"solver {name!r} needs the Python package {cls.requires!r}")
    return cls()


def solve(
    problem: LinearProblem,
    solver: str = "highs",
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> SolveResult:
    """Solve ``problem`` with the named backend.

    Parameters
    ----------
    problem : LinearProblem
        The model.
    solver : str, default "highs"
        Backend name: ``"highs"`` or ``"cbc"``.
    time_limit : float, optional
        Wall-clock seconds; None means no limit. Reaching it gives TIME_LIMIT.
    mip_gap : float, optional
        Relative gap at which a MIP counts as optimal; None means 0 (prove optimality).

    Returns
    -------
    SolveResult
        The outcome; call :meth:`SolveResult.raise_for_status` to insist on OPTIMAL.

    Raises
    ------
    ValueError
        If ``solver`` is unknown.
    """
    return get_backend(solver).solve(problem, time_limit=time_limit, mip_gap=mip_gap)
