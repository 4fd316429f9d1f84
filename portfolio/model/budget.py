"""Envelopes as an analyst writes them: amounts, Vietnamese amounts or percentages.

``300000``, ``"300.000"``, ``"-15%"`` (15% less than the document's planned
total of that source), ``"90%"`` (90% of it) and ``"+5%"`` all name an
envelope; a list gives one per year of a plan. :func:`optimize`,
:class:`~portfolio.scenarios.Scenario` and the command line read them alike.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import re
from collections.abc import Mapping

from ..errors import ScenarioError
from ..money import MAX_AMOUNT, MoneyFormatError, format_amount, parse_vnd
from .options import SOURCES

__all__ = ["budget_value", "check_budget", "resolve_amount", "resolve_budget"]

PERCENT = re.compile(r"^([+-]?)\s*(\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?)\s*%$")  # 1e3% as 1e3 is an amount
_EXPECTED = "expected an amount or a percentage like -10%"


def budget_value(value: object, where: str) -> float | str:
    """Check a non-negative amount (``300000``, ``"300.000"``), or a percentage kept as text.

    Raises
    ------
    ScenarioError
        Naming ``where`` (e.g. ``budget.recurrent``) for anything else.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
    text = "".join(value.split()) if isinstance(value, str) else ""
    if match := PERCENT.match(text):
        if match.group(1) == "-" and float(match.group(2).replace(",", ".")) > 100:
            raise ScenarioError(f"a cut of more than 100% is negative: {value!r}", field=where)
        return text
    for comma in (True, False) if text else ():
        with contextlib.suppress(MoneyFormatError):
            value = parse_vnd(text, decimal_comma=comma)
            break
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_AMOUNT:
        beyond = isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_AMOUNT
        expected = (
            "expected an amount of at most 10^12 million VND (beyond any budget)" if beyond else _EXPECTED
        )
        raise ScenarioError(f"{expected}, got {value!r}", field=where)
    return float(value)


def resolve_amount(value: float | str, baseline: float) -> float:
    """Return an amount, or a percentage of ``baseline`` (``"-10%"``, ``"90%"``: 0.9 × it).

    Examples
    --------
    >>> resolve_amount("-15%", 1000.0), resolve_amount("90%", 1000.0), resolve_amount(5.0, 1000.0)
    (850.0, 900.0, 5.0)
    """
    match = PERCENT.match(value) if isinstance(value, str) else None
    if match is None:
        return float(value)
    sign, share = match.group(1), float(match.group(2).replace(",", ".")) / 100
    return max(0.0, baseline * {"-": 1 - share, "+": 1 + share}.get(sign, share))


def check_budget(value: object) -> dict[str, float | str | list[float | str]]:
    """Check a budget mapping as written: known sources, amounts or percentages (not resolved).

    Raises
    ------
    ScenarioError
        For an unknown source or a bad amount, naming ``budget.SOURCE``.
    """
    if not isinstance(value, Mapping):
        raise ScenarioError(f"expected source = amount pairs, got {value!r}", field="budget")
    out: dict[str, float | str | list[float | str]] = {}
    for source, amount in value.items():
        where = f"budget.{source}"
        if source not in SOURCES:
            raise ScenarioError("unknown source; expected recurrent or investment", field=where)
        if isinstance(amount, (list, tuple)) and amount:
            out[source] = [budget_value(a, f"{where}[{k}]") for k, a in enumerate(amount)]
        elif hasattr(amount, "tolist") and not isinstance(amount, (int, float)):
            out[source] = [budget_value(a, f"{where}[{k}]") for k, a in enumerate(amount.tolist())]
        else:
            out[source] = budget_value(amount, where)
    return out


def resolve_budget(
    budget: Mapping[str, object] | None, baseline: Mapping[str, float]
) -> dict[str, float | tuple[float, ...]]:
    """Return the budget in million VND, percentages taken of ``baseline`` (source -> planned total).

    Examples
    --------
    >>> resolve_budget({"recurrent": "-15%", "investment": [1, "50%"]}, {"recurrent": 100, "investment": 10})
    {'recurrent': 85.0, 'investment': (1.0, 5.0)}
    """
    checked = check_budget(budget or {})
    out: dict[str, float | tuple[float, ...]] = {}
    for source, value in checked.items():
        if isinstance(value, list):
            out[source] = tuple(
                _capped(resolve_amount(v, baseline[source]), v, f"budget.{source}[{k}]", baseline[source])
                for k, v in enumerate(value)
            )
        else:
            out[source] = _capped(
                resolve_amount(value, baseline[source]), value, f"budget.{source}", baseline[source]
            )
    return out


def _capped(amount: float, written: float | str, where: str, baseline: float) -> float:
    """``amount``, or a :class:`ScenarioError` if a percentage made it more than any budget."""
    if math.isfinite(amount) and amount <= MAX_AMOUNT:
        return amount
    shown = str(written) if len(str(written)) <= 40 else f"{str(written)[:37]}…"
    raise ScenarioError(
        f"{shown} of the planned {format_amount(baseline)} is more than 10^12 million VND "
        "(beyond any budget); expected an amount of at most 10^12 million VND",
        field=where,
    )
