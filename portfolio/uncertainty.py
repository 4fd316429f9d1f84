"""Envelopes as forecasts: one distribution per source (and year), drawn scenario by scenario.

A budget value of :func:`portfolio.simulate` is one of:

- a number or a percentage (``300000``, ``"-15%"``): the envelope is known;
- ``("uniform", low, high)``, ``("normal", mean, sd)``, ``("triangular", low, mode, high)``;
  ``low``, ``high``, ``mode`` and ``mean`` may be percentages of the document's
  planned total (``("uniform", "-15%", "+15%")``), ``sd`` a share of it (``"5%"``);
- a scipy.stats frozen distribution (anything with a ``ppf``), in million VND;
- observed shortfall factors to resample, as ``("resample", [0.92, 0.97, 1.0])`` or a
  numpy array / pandas Series: each scenario takes one factor, with equal chance, and
  the envelope is the factor times the **default envelope** (the document's planned
  total of the source, 332.401 recurrent and 66.390 investment on the appendix);
- in a plan, a list with one of the above per year.

Scenario ``i`` draws its numbers from row ``i`` of one standard normal matrix of
``numpy.random.Generator(PCG64(seed))`` (one column per source and year, recurrent's
years first), so its envelopes depend on the seed and on ``i`` only, never on the
number of scenarios, the executor or the chunking. A correlation between sources is
a Gaussian copula: the rows are multiplied by the Cholesky factor of the correlation
matrix, then each column ``z`` becomes ``u = Φ(z)`` and the envelope the
distribution's quantile at ``u`` (a normal takes ``mean + sd·z`` directly). A drawn
envelope below 0 is taken as 0.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ScenarioError
from .model.budget import budget_value, resolve_amount
from .model.options import SOURCES
from .money import format_vnd
from .tolerances import EIGEN_NOISE, QUANTILE_EDGE

__all__ = ["Marginal", "draw_envelopes", "envelope_marginals", "parse_marginal"]

KINDS = ("uniform", "normal", "triangular", "resample")
_ARITY = {"uniform": 2, "normal": 2, "triangular": 3}
_erfc = np.frompyfunc(math.erfc, 1, 1)


@dataclass(frozen=True)
class Marginal:
    """The distribution of one envelope (a source in a year), in million VND.

    ``kind`` is ``fixed``, ``uniform``, ``normal``, ``triangular``, ``resample``
    or ``ppf`` (a frozen distribution); ``params`` its parameters (resolved
    amounts; for ``resample`` the envelopes themselves, factor × default).
    """

    kind: str
    params: tuple[float, ...] = ()
    dist: Any = None

    def quantile(self, z: np.ndarray) -> np.ndarray:
        """The envelopes at standard normal draws ``z`` (their quantile at ``Φ(z)``)."""
        if self.kind == "fixed":
            return np.full(z.shape, self.params[0])
        if self.kind == "normal":
            return np.maximum(0.0, self.params[0] + self.params[1] * z)
        u = np.clip(np.asarray(0.5 * _erfc(-z / math.sqrt(2)), dtype=float), 0.0, 1.0)
        if self.kind == "uniform":
            low, high = self.params
            return low + u * (high - low)
        if self.kind == "triangular":
            low, mode, high = self.params
            if high == low:
                return np.full(z.shape, low)
            cut = (mode - low) / (high - low)
            left = low + np.sqrt(u * (high - low) * (mode - low))
            right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
            return np.where(u < cut, left, right)
        if self.kind == "resample":
            values = np.asarray(self.params)
            return values[np.minimum((u * values.size).astype(int), values.size - 1)]
        u = np.clip(u, QUANTILE_EDGE, 1 - QUANTILE_EDGE)  # many ppf are infinite at 0 or 1
        out = np.asarray(self.dist.ppf(u), dtype=float)
        if out.shape != z.shape or not np.isfinite(out).all():
            raise ScenarioError(
                "the distribution's ppf gave a value that is not a finite number", field="budget"
            )
        return np.maximum(0.0, out)

    @property
    def mean(self) -> float:
        """The expected envelope (of the distribution before negative draws are taken as 0)."""
        if self.kind in ("fixed", "normal"):
            return self.params[0]
        if self.kind in ("uniform", "triangular", "resample"):
            return float(np.mean(self.params))
        return float(self.dist.mean())

    def describe(self) -> str:
        """One line: ``uniform 300.000–600.000``, ``normal 66.390 ± 5.000``."""
        p = [format_vnd(v, 0) for v in self.params]
        if self.kind == "fixed":
            return p[0]
        if self.kind == "uniform":
            return f"uniform {p[0]}–{p[1]}"
        if self.kind == "normal":
            return f"normal {p[0]} ± {p[1]}"
        if self.kind == "triangular":
            return f"triangular {p[0]}–{p[1]}–{p[2]}"
        if self.kind == "resample":
            return f"resample {len(self.params)} values, {format_vnd(min(self.params), 0)}–" + format_vnd(
                max(self.params), 0
            )
        name = getattr(getattr(self.dist, "dist", None), "name", type(self.dist).__name__)
        return f"{name} (mean {format_vnd(self.mean, 0)})"


def _amount(value: object, baseline: float, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise ScenarioError(f"{what} must be an amount or a percentage, got {value!r}", field=where)
    if isinstance(value, numbers.Real) and not math.isfinite(float(value)):
        raise ScenarioError(f"{what} must be a finite number, got {value!r}", field=where)
    return resolve_amount(budget_value(value, where), baseline)


def _factors(values: object, baseline: float, where: str) -> Marginal:
    try:
        factors = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ScenarioError(f"factors to resample must be numbers, got {values!r}", field=where) from None
    if factors.size == 0 or not np.isfinite(factors).all() or (factors < 0).any():
        raise ScenarioError(
            "factors to resample must be at least one finite number ≥ 0 (1 = the default envelope)",
            field=where,
        )
    return Marginal("resample", tuple(float(f) * baseline for f in factors))


def parse_marginal(value: object, baseline: float, where: str = "budget") -> Marginal:
    """Check one envelope's value (see the module) and resolve it against ``baseline``.

    Raises
    ------
    ScenarioError
        For an unknown kind, the wrong number of parameters, ``low > high``,
        ``sd < 0``, a mode outside ``[low, high]``, a factor below 0, naming ``where``.

    Examples
    --------
    >>> parse_marginal(("uniform", "-50%", "+50%"), 100.0)
    Marginal(kind='uniform', params=(50.0, 150.0), dist=None)
    >>> parse_marginal(("normal", 10, -1), 100.0)
    Traceback (most recent call last):
    portfolio.errors.ScenarioError: field 'budget': normal needs sd ≥ 0, got -1
    """
    if hasattr(value, "ppf") and callable(value.ppf):
        return Marginal("ppf", (), value)
    if isinstance(value, np.ndarray) or type(value).__name__ == "Series":
        return _factors(value, baseline, where)
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        kind, params = value[0].strip().lower(), value[1:]
        if kind == "resample":
            if len(params) != 1:
                raise ScenarioError(
                    "resample takes one sequence of factors: ('resample', [...])", field=where
                )
            return _factors(params[0], baseline, where)
        if kind not in _ARITY:
            raise ScenarioError(
                f"unknown distribution {value[0]!r}; expected one of {', '.join(KINDS)}", field=where
            )
        if len(params) != _ARITY[kind]:
            names = {"uniform": "low, high", "normal": "mean, sd", "triangular": "low, mode, high"}[kind]
            raise ScenarioError(f"{kind} takes {names}, got {len(params)} values", field=where)
        if kind == "normal":
            mean = _amount(params[0], baseline, where, "mean")
            sd_text = params[1]
            if isinstance(sd_text, str) and sd_text.strip().endswith("%"):
                sd = _amount(sd_text.strip().lstrip("+"), baseline, where, "sd")
            elif (isinstance(sd_text, numbers.Real) and not isinstance(sd_text, bool) and sd_text < 0) or (
                isinstance(sd_text, str) and sd_text.strip().startswith("-")
            ):
                raise ScenarioError(f"normal needs sd ≥ 0, got {sd_text!r}", field=where)
            else:
                sd = _amount(sd_text, baseline, where, "sd")
            return Marginal("normal", (mean, sd))
        labels: tuple[str, ...] = ("low", "high") if kind == "uniform" else ("low", "mode", "high")
        amounts = tuple(_amount(p, baseline, where, n) for p, n in zip(params, labels, strict=True))
        if amounts[0] > amounts[-1]:
            raise ScenarioError(
                f"{kind} needs low ≤ high, got low {format_vnd(amounts[0], 2)}, "
                f"high {format_vnd(amounts[-1], 2)}",
                field=where,
            )
        if kind == "triangular" and not amounts[0] <= amounts[1] <= amounts[2]:
            raise ScenarioError(
                f"triangular needs low ≤ mode ≤ high, got mode {format_vnd(amounts[1], 2)}", field=where
            )
        return Marginal(kind, amounts)
    if isinstance(value, (list, tuple)):
        raise ScenarioError(
            f"expected a number, a distribution such as ('uniform', low, high) or ('resample', [factors]), "
            f"got {value!r}",
            field=where,
        )
    return Marginal("fixed", (_amount(value, baseline, where, "the envelope"),))


def envelope_marginals(
    budget: Mapping[str, object] | None, baseline: Mapping[str, float], years: int
) -> dict[str, list[Marginal]]:
    """Each source's distribution for each year of the horizon (a source not named: its default).

    A list gives one value per year (its length must be ``years``); any other value
    holds for every year, drawn afresh each year.
    """
    budget = dict(budget or {})
    unknown = sorted(set(budget) - set(SOURCES))
    if unknown:
        raise ScenarioError("unknown source; expected recurrent or investment", field=f"budget.{unknown[0]}")
    out: dict[str, list[Marginal]] = {}
    for source in SOURCES:
        value = budget.get(source, baseline[source])
        where = f"budget.{source}"
        if isinstance(value, list):
            if len(value) != years:
                raise ScenarioError(
                    f"a list gives one value per year: {len(value)} for a {years}-year horizon "
                    "(factors to resample: ('resample', [...]))",
                    field=where,
                )
            out[source] = [parse_marginal(v, baseline[source], f"{where}[{k}]") for k, v in enumerate(value)]
        else:
            out[source] = [parse_marginal(value, baseline[source], where)] * years
    return out


def correlation_matrix(correlation: object, years: int) -> np.ndarray:
    """The copula's correlation over the columns (recurrent's years, then investment's).

    A number ``ρ`` correlates the two sources in the same year (the years are
    independent); a square matrix of side ``2·years`` gives every pair.
    """
    d = len(SOURCES) * years
    if correlation is None:
        return np.eye(d)
    if isinstance(correlation, numbers.Real) and not isinstance(correlation, bool):
        rho = float(correlation)
        if not -1 <= rho <= 1:
            raise ScenarioError(f"a correlation must lie in [-1, 1], got {rho:g}", field="correlation")
        matrix = np.eye(d)
        for k in range(years):
            matrix[k, years + k] = matrix[years + k, k] = rho
        return matrix
    try:
        matrix = np.asarray(correlation, dtype=float)
    except (TypeError, ValueError):
        raise ScenarioError(
            f"expected a number or a matrix, got {correlation!r}", field="correlation"
        ) from None
    if (
        matrix.shape != (d, d)
        or not np.isfinite(matrix).all()
        or not np.allclose(matrix, matrix.T)
        or not np.allclose(np.diag(matrix), 1)
    ):
        raise ScenarioError(
            f"expected a symmetric {d}×{d} matrix with ones on its diagonal (recurrent's years, then "
            "investment's)",
            field="correlation",
        )
    return matrix


def draw_envelopes(
    marginals: Mapping[str, Sequence[Marginal]],
    scenarios: int,
    seed: int | None,
    correlation: object = None,
    first: int = 0,
) -> dict[str, np.ndarray]:
    """Source -> ``(scenarios, years)`` envelopes of scenarios ``first … first + scenarios − 1``.

    Row ``i`` of the standard normal matrix belongs to scenario ``i`` (see the module),
    so a slice of scenarios is drawn the same as inside a longer run.
    """
    years = len(next(iter(marginals.values())))
    matrix = correlation_matrix(correlation, years)
    try:
        factor = np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        eigen, vectors = np.linalg.eigh(matrix)
        if eigen.min() < -EIGEN_NOISE:
            raise ScenarioError(
                "the correlation matrix is not positive semi-definite", field="correlation"
            ) from None
        factor = vectors * np.sqrt(np.clip(eigen, 0, None))
    rng = np.random.Generator(np.random.PCG64(seed))
    d = matrix.shape[0]
    if first:
        rng.standard_normal(first * d)  # the rows before (PCG64 draws normals one by one, in order)
    z = rng.standard_normal((scenarios, d)) @ factor.T
    return {
        s: np.column_stack([m.quantile(z[:, j * years + k]) for k, m in enumerate(marginals[s])])
        for j, s in enumerate(SOURCES)
    }
