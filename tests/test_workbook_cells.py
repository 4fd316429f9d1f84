"""Cells take the short way through XlsxWriter's cell writing, and the bytes stay the same."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

import portfolio as pf
import portfolio.xlsx_sheet as xlsx_sheet
from portfolio.export import allocation_to_excel
from portfolio.xlsx_sheet import LeanWorksheet

# text that XlsxWriter escapes or marks, and text it leaves alone
TEXTS = [
    "Sở Thông tin và Truyền thông",
    "Thuê dịch vụ CNTT (5 năm)",
    "a & b",
    "x < y > z",
    'quoted "name" and it\'s',
    " leading space",
    "trailing space ",
    "\tindented",
    "two\nlines",
    "bell\x07",
    "_x0041_ escaped",
    "_x not an escape",
    "non-character \ufffe\uffff",
    "\u00a0no-break space\u00a0",
    "<r>looks rich</r>",
    '=HYPERLINK("x")',
    "emoji 💰 outside the BMP",
    "1.158.731",
]
NUMBERS = [0.0, -0.0, 1.0, 18000.0, 76559.18, 548.3333333333334, -7.3e-12, 1e20, 1e-7, 12345678901234567.0, 3]
FORMULAS: list[tuple[str, object]] = [
    ("=SUM(A1:A3)", 1.5),
    ("=A1-B1", 0.0),
    ('=A1&"x"', "text"),
    ("=A1", True),
    ("=A1<B1", 0.0),
    ("=1/0", "#DIV/0!"),
]
Cells = list[tuple[str, object]]
Parts = dict[str, bytes]


def _sheet_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist() if name.startswith("xl/")}


def _write(path: Path, worksheet_class: type[Worksheet], cells: Cells) -> Parts:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    styles = [None, book.add_format({"bold": True}), book.add_format({"num_format": "#,##0.00", "border": 1})]
    sheet = book.add_worksheet("Ô", worksheet_class=worksheet_class)
    for k, (kind, value) in enumerate(cells):
        row, column, style = k // 3, k % 3 + (k // 7) % 4, styles[k % 3]
        if kind == "text":
            sheet.write_string(row, column, value, style)
        elif kind == "number":
            sheet.write_number(row, column, value, style)
        elif kind == "blank":
            sheet.write_blank(row, column, None, style)
        elif kind == "formula":
            formula, result = cast(tuple[str, Any], value)
            sheet.write_formula(row, column, formula, style, result)
        else:
            sheet.write_boolean(row, column, bool(value), style)
    book.close()
    return _sheet_xml(path)


def _both_ways(tmp_path: Path, cells: Cells) -> tuple[Parts, Parts]:
    short = _write(tmp_path / "short.xlsx", LeanWorksheet, cells)
    return short, _write(tmp_path / "full.xlsx", Worksheet, cells)


def test_assorted_cells_are_written_as_xlsxwriter_writes_them(tmp_path: Path) -> None:
    cells: Cells = [("text", t) for t in TEXTS]
    cells += [("number", n) for n in NUMBERS] + [("formula", f) for f in FORMULAS]
    cells += [("blank", None), ("boolean", True), ("text", "last")]
    short, full = _both_ways(tmp_path, cells)
    assert short == full
    assert b"_x005F_x0041_" in short["xl/worksheets/sheet1.xml"]  # the hard cases were there


_FINITE = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("text"), st.text(min_size=1, max_size=12)),
            st.tuples(st.just("number"), _FINITE),
            st.tuples(
                st.just("formula"),
                st.tuples(
                    st.sampled_from(["=SUM(A1:A2)", "=A1-B1", "=A1&B1", "=A1<1"]),
                    st.one_of(_FINITE, st.integers(-9, 9), st.text(max_size=4)),
                ),
            ),
            st.tuples(st.just("blank"), st.none()),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_cells_are_written_as_xlsxwriter_writes_them(tmp_path: Path, cells: Cells) -> None:
    short, full = _both_ways(tmp_path, cells)
    assert short == full


def test_cell_writers_are_the_undecorated_ones(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet(worksheet_class=LeanWorksheet)
    writers = sheet.cell_writers()
    assert [w.__name__ for w in writers] == [
        "_write_string",
        "_write_number",
        "_write_formula",
        "_write_blank",
    ]
    style = book.add_format({"bold": True})
    assert [writers[0](0, 0, "a", style), writers[1](0, 1, 1.5, style), writers[3](0, 2, None, style)] == [
        0,
        0,
        0,
    ]
    assert writers[1](-1, 0, 1.0, style) == -1  # the public method's result for a cell off the sheet
    book.close()


@pytest.mark.parametrize("years", [1, 3])
def test_the_working_paper_is_the_same_and_mostly_takes_the_short_way(
    years: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    allocation = pf.optimize(years=years)
    calls = {"full": 0}
    original = Worksheet._write_cell

    def counted(self: Worksheet, row: int, col: int, cell: object) -> None:
        calls["full"] += 1
        original(self, row, col, cell)

    monkeypatch.setattr(Worksheet, "_write_cell", counted)
    allocation_to_excel(allocation, tmp_path / "short.xlsx", sensitivity=False)
    taken_full = calls["full"]
    # XlsxWriter's own way throughout: its cell routine, its public writers, its formula rewriting
    monkeypatch.setattr(LeanWorksheet, "_write_cell", counted)
    public = ("write_string", "write_number", "write_formula", "write_blank")
    monkeypatch.setattr(LeanWorksheet, "cell_writers", lambda self: tuple(getattr(self, n) for n in public))
    monkeypatch.setattr(xlsx_sheet, "plain_formula", lambda formula: False)
    calls["full"] = 0
    allocation_to_excel(allocation, tmp_path / "full.xlsx", sensitivity=False)
    assert (tmp_path / "short.xlsx").read_bytes() == (tmp_path / "full.xlsx").read_bytes()
    assert 0 < taken_full < 0.05 * calls["full"]  # the short way wrote nearly every cell


class _Shown(str):
    def __str__(self) -> str:
        return "shown otherwise"


def _unusual(path: Path, worksheet_class: type[Worksheet]) -> Parts:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    style = book.add_format({"bold": True})
    sheet = book.add_worksheet(worksheet_class=worksheet_class)
    numbers = [Decimal("1.50"), Decimal("1E+2"), Fraction(1, 3), np.float64(0.1), np.int64(7), True]
    for column, number in enumerate(numbers):
        sheet.write_number(0, column, number, style)
        sheet.write_formula(1, column, "=SUM(A1:B1)", style, number)
    sheet.write_string(2, 0, _Shown("abc"), style)
    sheet.write_number(2, 1, 1.5, False)  # a format that is falsy, not None: XlsxWriter writes none
    for column, formula in enumerate(['=SUM(A1)&"_x0041_"', "=SUM(@A1:A3)", "=SUM(A1:A3)"]):
        sheet.write_formula(3, column, formula, style, 1.0)
    book.close()
    return _sheet_xml(path)


def test_unusual_values_take_xlsxwriters_way(tmp_path: Path) -> None:
    # numbers Python does not write as XlsxWriter does in every release, a str that shows
    # itself otherwise, a falsy format, formulas with text or "@"
    short = _unusual(tmp_path / "short.xlsx", LeanWorksheet)
    assert short == _unusual(tmp_path / "full.xlsx", Worksheet)
