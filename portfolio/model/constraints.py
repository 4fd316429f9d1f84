"""Analyst constraints written as strings: ``"Sở Y tế >= 20000"``, ``"C <= 5.000"``.

Grammar: ``term (+|- term)* (<=|>=|==) amount`` where a term is ``[coefficient *] name``
and a name is a task id (``B38``), a group letter (``C``), a funding source
(``recurrent``), a tier (``tier 3``) or an agency as the document spells it
(case and spacing do not matter). The amount is in million VND, either plain
(``20000``, ``1500.5``) or Vietnamese (``20.000``, ``1.500,5``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import ScenarioError
from ..money import MoneyFormatError, parse_vnd
from .options import Selector

__all__ = ["LinearRow", "parse_constraint"]

_OPERATOR = re.compile(r"(<=|>=|==|=|≤|≥)")
_TERM_SPLIT = re.compile(r"\s+([+-])\s+|(?<=[A-Da-d]\d)([+-])(?=[A-Da-d]\d)")
_COEF = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*\*\s*(.+)$")


@dataclass(frozen=True)
class LinearRow:
    """A linear row over the tasks' allocations: ``lower <= coef · x <= upper``.

    Attributes
    ----------
    family
        ``agency_floor``, ``agency_cap`` or ``constraint``.
    name
        What the analyst wrote (or the agency), used in messages and duals.
    coef
        One coefficient per task.
    lower, upper
        Bounds in million VND (``±inf`` for an open side).
    """

    family: str
    name: str
    coef: np.ndarray
    lower: float
    upper: float


def _amount(text: str, source: str) -> float:
    cleaned = text.strip()
    try:
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+", cleaned):
            value = parse_vnd(cleaned)
        else:
            value = parse_vnd(cleaned, decimal_comma=False)
    except MoneyFormatError:
        value = None
    if value is None:
        raise ScenarioError(
            f"cannot read the amount {text.strip()!r} in {source!r}; expected e.g. 20000 or 20.000",
            field="constraints",
        )
    return value


def parse_constraint(text: str, selector: Selector) -> LinearRow:
    """Turn one analyst constraint into a :class:`LinearRow`.

    Parameters
    ----------
    text
        The constraint, e.g. ``"Sở Y tế >= 20000"``.
    selector
        Resolves names to tasks.

    Returns
    -------
    LinearRow
        With family ``constraint``.

    Raises
    ------
    ScenarioError
        If the string does not parse or names nothing known.
    """
    parts = _OPERATOR.split(text)
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise ScenarioError(
            f"cannot parse {text!r}; expected 'NAME <= AMOUNT', 'NAME >= AMOUNT' or 'NAME == AMOUNT'",
            field="constraints",
        )
    lhs, operator, rhs = parts
    amount = _amount(rhs, text)
    coef = np.zeros(len(selector.ids))
    pieces = [p for p in _TERM_SPLIT.split(lhs.strip()) if p is not None]
    sign = 1.0
    expect_term = True
    for piece in pieces:
        token = piece.strip()
        if token in {"+", "-"}:
            if expect_term:
                raise ScenarioError(f"cannot parse {text!r}: two signs in a row", field="constraints")
            sign = 1.0 if token == "+" else -1.0
            expect_term = True
            continue
        if not token:
            continue
        factor = 1.0
        match = _COEF.match(token)
        if match:
            factor = float(match.group(1).replace(",", "."))
            token = match.group(2).strip()
        coef += sign * factor * selector.mask(token, option="constraints").astype(float)
        sign, expect_term = 1.0, False
    if expect_term:
        raise ScenarioError(f"cannot parse {text!r}: a sign with no term after it", field="constraints")
    lower, upper = {
        "<=": (-np.inf, amount),
        "≤": (-np.inf, amount),
        ">=": (amount, np.inf),
        "≥": (amount, np.inf),
        "==": (amount, amount),
        "=": (amount, amount),
    }[operator]
    return LinearRow("constraint", " ".join(text.split()), coef, lower, upper)
