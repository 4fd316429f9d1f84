"""Cells of the appendix's layout as the document writes them: amounts, ratios, numerals.

Money is shown in integer display units (``decimals`` digits after the comma),
rounded column by column with largest-remainder rounding
(:func:`portfolio.money.largest_remainder_round`) so that a subtotal of shown
cells is their sum; :mod:`portfolio.layout_rows` lays these cells out in rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from .money import format_vnd, largest_remainder_round

__all__ = ["ratio_cell", "roman_numeral", "round_units", "sum_units", "units_cell", "vnd_text"]


def vnd_text(value: float) -> str:
    """Shortest Vietnamese text of an amount: ``1.158.731``, ``329,7``, ``-`` for zero.

    Examples
    --------
    >>> vnd_text(1158731.0), vnd_text(329.7), vnd_text(102.75), vnd_text(0.0)
    ('1.158.731', '329,7', '102,75', '-')
    """
    if value == 0:
        return "-"
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_vnd(value, places)


def units_cell(units: int | None, decimals: int, number_style: str) -> object:
    """A money cell from display units: a number (``"numeric"``) or its text, ``-`` for zero."""
    if units is None:
        return ""
    if number_style == "numeric":
        return units / 10**decimals if decimals else float(units)
    if units == 0:
        return "-"
    text = format_vnd(units / 10**decimals, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def ratio_cell(planned: int | None, approved: int | None) -> str:
    """The share of the approved amount planned, as the document writes it (``32,2%``)."""
    if planned is None or not approved:
        return ""
    return format_vnd(100.0 * planned / approved, 1) + "%"


def roman_numeral(number: int) -> str:
    """``number`` in Roman numerals, as the document numbers its agency rows (``XIV``)."""
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for value, numeral in numerals:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def round_units(values: Sequence[float | None], decimals: int) -> list[int | None]:
    """Largest-remainder rounding of the present values, as integer display units."""
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    out: list[int | None] = [None] * len(values)
    if not present:
        return out
    rounded = largest_remainder_round([v for _, v in present], decimals)
    scale = 10**decimals
    for (i, _), r in zip(present, np.rint(rounded * scale).tolist(), strict=True):
        out[i] = int(r)
    return out


def sum_units(units: Sequence[int | None]) -> int | None:
    """The sum of the present units, ``None`` if none is present."""
    present = [u for u in units if u is not None]
    return sum(present) if present else None
