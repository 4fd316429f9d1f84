from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.money import MoneyFormatError, format_amount, format_vnd, largest_remainder_round, parse_vnd


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1.158.731", 1158731.0),
        ("329,7", 329.7),
        ("102,75", 102.75),
        ("-", 0.0),
        ("", None),
        ("<b>28.080</b>", 28080.0),
        ("18000", 18000.0),
        (1645.0, 1645.0),
        (" 1.195,6 ", 1195.6),
    ],
)
def test_parse_vietnamese(cell: object, value: float | None) -> None:
    assert parse_vnd(cell) == value


@pytest.mark.parametrize("cell", ["abc", "1.2.3", "329.7", "12,3,4", float("inf")])
def test_parse_rejects(cell: object) -> None:
    with pytest.raises(MoneyFormatError):
        parse_vnd(cell)


def test_parse_plain_decimal() -> None:
    assert parse_vnd("329.7", decimal_comma=False) == 329.7
    with pytest.raises(MoneyFormatError):
        parse_vnd("1.158.731", decimal_comma=False)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1158731, 0, "1.158.731"),
        (329.7, 1, "329,7"),
        (237540.6666, 2, "237.540,67"),
        (0.5, 0, "1"),
        (-10166.5, 1, "-10.166,5"),
    ],
)
def test_format(value: float, decimals: int, text: str) -> None:
    assert format_vnd(value, decimals) == text


@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=2),
)
def test_largest_remainder_keeps_the_total(values: list[float], decimals: int) -> None:
    shown = largest_remainder_round(values, decimals)
    target = math.floor(round(sum(values) * 10**decimals, 6) + 0.5) / 10**decimals
    assert math.isclose(float(np.sum(shown)), target, abs_tol=1e-6)
    assert np.all(np.abs(shown - np.asarray(values)) < 10.0**-decimals + 1e-9)


def test_largest_remainder_known() -> None:
    assert largest_remainder_round([329.7, 24.7, 200.6]).tolist() == [330.0, 25.0, 200.0]


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from([0.0, 0.001, -0.004, 0.0049, 0.005, 0.25, 0.995, -0.996]),
)
def test_format_amount_writes_an_amount_as_format_vnd_rounds_it(whole: int, part: float) -> None:
    """A whole amount takes a short path past Decimal; it must write what format_vnd writes."""
    value = float(whole) + part
    if abs(value - round(value)) < 0.005:
        assert format_amount(value) == format_vnd(round(value), 0)
    else:
        assert format_amount(value) == format_vnd(value, 2).rstrip("0").rstrip(",")


def test_format_amount_of_whole_amounts() -> None:
    assert [format_amount(v) for v in (0.0, -0.0, -0.004, 18000.0, -70166.0, 1158731.0, 999.996, 1e15)] == [
        "0",
        "0",
        "0",
        "18.000",
        "-70.166",
        "1.158.731",
        "1.000",
        "1.000.000.000.000.000",
    ]
