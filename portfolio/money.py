"""Money in million VND (triệu đồng): Vietnamese number formats and display rounding.

The appendix writes ``1.158.731`` (a dot groups thousands) and ``329,7`` (a comma
is the decimal mark); ``-`` means zero and an empty cell means "not given". This
module turns such cells into exact :class:`decimal.Decimal`-backed floats and back,
and rounds columns for display so that every subtotal still adds up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

__all__ = [
    "MAX_AMOUNT",
    "MoneyFormatError",
    "check_magnitude",
    "format_amount",
    "format_percent",
    "format_vnd",
    "largest_remainder_round",
    "parse_amount",
    "parse_vnd",
]

_DASHES = {"-", "–", "—", "−"}
# 1.158.731 / 1.158.731,5 / 329,7 / 18000 / 18000.5 (a plain decimal point is accepted
# only when the number cannot be read as grouped thousands, see parse_vnd)
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_COMMA_DECIMAL = re.compile(r"^\d+(?:,\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


#: The largest amount (million VND) any cell, subtotal or envelope may hold: 10^12
#: million VND is a thousand times Việt Nam's yearly state budget, so anything larger
#: is a typing slip (``1e308``), and it keeps every sum far from float overflow.
MAX_AMOUNT = 1e12


class MoneyFormatError(ValueError):
    """A cell that is not a money amount in any format the appendix uses."""


def check_magnitude(value: float, shown: object) -> float:
    """Return ``value``, or raise :class:`MoneyFormatError` if it exceeds :data:`MAX_AMOUNT`.

    Examples
    --------
    >>> check_magnitude(332401.0, "332401")
    332401.0
    >>> check_magnitude(1e308, "1e308")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    portfolio.money.MoneyFormatError: expected an amount of at most 10^12 million VND ..., got '1e308'
    """
    if abs(value) > MAX_AMOUNT:
        text = str(shown).strip()
        if not isinstance(shown, str) or len(text) > 30:
            text = f"{float(value):g}"
        raise MoneyFormatError(
            f"expected an amount of at most 10^12 million VND (beyond any budget), got {text!r}"
        )
    return value


def parse_vnd(cell: object, *, decimal_comma: bool = True) -> float | None:
    """Read one money cell of the appendix.

    Parameters
    ----------
    cell
        The cell as text (``"1.158.731"``, ``"329,7"``, ``"-"``, ``""``) or a number
        already (an ``.xlsx`` numeric cell).
    decimal_comma
        ``True`` for the document's Vietnamese format (dot groups thousands, comma
        is the decimal mark). ``False`` for the tidy CSV, where ``329.7`` is a plain
        decimal and no grouping is used.

    Returns
    -------
    float or None
        The amount in million VND; ``0.0`` for a dash; ``None`` for an empty cell.

    Raises
    ------
    MoneyFormatError
        If the text is not a number in the expected format.

    Examples
    --------
    >>> parse_vnd("1.158.731"), parse_vnd("329,7"), parse_vnd("-"), parse_vnd("")
    (1158731.0, 329.7, 0.0, None)
    >>> parse_vnd("329.7", decimal_comma=False)
    329.7
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise MoneyFormatError(f"expected an amount, got {cell!r}")
    if isinstance(cell, (int, float, Decimal, np.integer, np.floating)):
        value = float(cell)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise MoneyFormatError(f"expected a finite amount, got {cell!r}")
        return check_magnitude(value, cell)
    text = str(cell).replace("\u00a0", " ").strip()
    text = re.sub(r"</?b>", "", text).strip()
    if text == "":
        return None
    if text in _DASHES:
        return 0.0
    negative = False
    if text[0] in "-−":
        negative, text = True, text[1:].strip()
    compact = text.replace(" ", "")
    if decimal_comma:
        if _GROUPED.match(compact):
            number = compact.replace(".", "").replace(",", ".")
        elif _COMMA_DECIMAL.match(compact):
            number = compact.replace(",", ".")
        else:
            raise MoneyFormatError(f"expected an amount like 1.158.731 or 329,7, got {str(cell).strip()!r}")
    else:
        if not _NUMERIC.match(compact):
            raise MoneyFormatError(f"expected a plain decimal like 329.7, got {str(cell)!r}")
        number = compact
    try:
        value = float(Decimal(number))
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
        raise MoneyFormatError(f"expected an amount, got {str(cell)!r}") from exc
    if not math.isfinite(value):
        raise MoneyFormatError(f"expected a finite amount, got {str(cell)!r}")
    check_magnitude(value, cell)
    return -value if negative else value


def format_percent(ratio: float | None, decimals: int = 2, *, missing: str = "-") -> str:
    """A ratio as a Vietnamese percentage: ``0.3223`` -> ``32,23%``; ``missing`` for None or NaN.

    Examples
    --------
    >>> format_percent(0.32227), format_percent(1.0, 0), format_percent(float("nan"))
    ('32,23%', '100%', '-')
    """
    if ratio is None or not math.isfinite(float(ratio)):
        return missing
    return format_vnd(100 * float(ratio), decimals) + "%"


def parse_amount(text: object) -> float | None:
    """Read an amount as an analyst types it: Vietnamese (``20.000``, ``1.500,5``) or plain (``1500.5``).

    A dot followed by groups of three digits groups thousands; a comma is the
    decimal mark; otherwise a dot is a plain decimal point.

    Raises
    ------
    MoneyFormatError
        If the text is no amount.

    Examples
    --------
    >>> parse_amount("20.000"), parse_amount("1.500,5"), parse_amount("1500.5"), parse_amount("76559.180000")
    (20000.0, 1500.5, 1500.5, 76559.18)
    """
    compact = str(text).replace("\u00a0", "").replace(" ", "").lstrip("-−")
    grouped = "," in compact or bool(_GROUPED.match(compact))
    return parse_vnd(text, decimal_comma=grouped)


def format_vnd(value: float, decimals: int = 0) -> str:
    """Write an amount the Vietnamese way: ``1.158.731``, ``329,7``.

    Parameters
    ----------
    value
        Amount in million VND.
    decimals
        Digits after the decimal comma; trailing zeros are kept (``decimals=2``
        gives ``102,75``, ``10,00``).

    Examples
    --------
    >>> format_vnd(1158731), format_vnd(329.7, 1), format_vnd(-70166.5, 1)
    ('1.158.731', '329,7', '-70.166,5')
    """
    if not math.isfinite(float(value)):
        return str(float(value))  # "inf", "-inf", "nan"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.{decimals}f}"
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def format_amount(value: float) -> str:
    """Write an amount in a sentence: ``48.201``, ``548,33``, ``237.540,67``.

    Two decimals at most, trailing zeros cut.

    Examples
    --------
    >>> format_amount(48201.0), format_amount(548.3333), format_amount(3059.25), format_amount(2.5)
    ('48.201', '548,33', '3.059,25', '2,5')
    """
    if abs(value - round(value)) < 0.005:
        whole = int(round(value))
        if abs(whole) < 2**53:  # what format_vnd(whole) writes, without its Decimal (most amounts)
            return ("-" if whole < 0 else "") + f"{abs(whole):,}".replace(",", ".")
        return format_vnd(whole, 0)
    return format_vnd(value, 2).rstrip("0").rstrip(",")


def largest_remainder_round(
    values: Sequence[float] | np.ndarray, decimals: int = 0, total: float | None = None
) -> np.ndarray:
    """Round amounts for display so that the rounded parts add up to the rounded total.

    The Hamilton (largest-remainder) method: every value is floored to the display
    unit, then the units still missing from the rounded total go, one each, to
    the values with the largest remainders (ties to the earlier row). Each shown
    value differs from its exact value by less than one display unit.

    Parameters
    ----------
    values
        Exact amounts (non-negative or mixed sign).
    decimals
        Display precision: ``0`` for whole million VND.
    total
        The total the parts must show; by default the exact sum rounded half-up.

    Returns
    -------
    numpy.ndarray
        The rounded values, whose sum equals the rounded total exactly.

    Examples
    --------
    >>> largest_remainder_round([0.4, 0.4, 0.2]).tolist()
    [1.0, 0.0, 0.0]
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return arr.copy()
    scale = 10.0**decimals
    scaled = arr * scale
    exact_total = float(np.sum(scaled)) if total is None else float(total) * scale
    # half-up on the total, robust to binary noise like 2.4999999999
    target = int(math.floor(round(exact_total, 6) + 0.5))
    floors = np.floor(np.round(scaled, 6))
    remainders = scaled - floors
    missing = target - int(np.sum(floors))
    order = np.lexsort((np.arange(arr.size), -remainders))
    result = floors.copy()
    if missing > 0:
        idx = order[np.arange(missing) % arr.size]
        np.add.at(result, idx, 1.0)
    elif missing < 0:
        back = np.lexsort((np.arange(arr.size), remainders))
        idx = back[np.arange(-missing) % arr.size]
        np.add.at(result, idx, -1.0)
    return result / scale
