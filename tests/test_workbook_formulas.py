"""Plain formulas skip XlsxWriter's rewriting of function names, and the bytes stay the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet

import portfolio as pf
import portfolio.xlsx_sheet as xlsx_sheet
from portfolio.export import allocation_to_excel
from portfolio.sheets import Formula, Sheet
from portfolio.workbook import write_workbook

# formulas of every kind: plain ones, and ones XlsxWriter rewrites or must see whole
FORMULAS = [
    "=F8-E8",
    "=SUM(D8:D46)",
    "=SUM(D7,D47,D64)-SUM(E7:E9)",
    "=SUBTOTAL(9,C4:C7)",
    "='C'!D726",
    "=SUM('Tổng hợp (2024)'!C4,A!D3)",
    "=SWITCH(A1,1,2,3)",
    "=IF(A1>0,SUM(A1:A3),0)",
    "=XLOOKUP(A1,B1:B3,C1:C3)",
    "=_xlfn.STDEV.S(A1:A3)",
    "=SINGLE(A1:A3)",
    "=sum(A1:A2)",
]


def _sheets() -> list[Sheet]:
    sheet = Sheet("Công thức")
    for k, text in enumerate(FORMULAS):
        sheet.add(["row", float(k), Formula(text, float(k) + 0.5)])
    return [sheet, Sheet("Tổng hợp (2024)", rows=[("body", ["x", 1.0])])]


def _written(path: Path, write: object) -> bytes:
    write(path)  # type: ignore[operator]
    return path.read_bytes()


def test_plain_formulas_are_the_ones_xlsxwriter_leaves_alone() -> None:
    plain = [f for f in FORMULAS if xlsx_sheet.plain_formula(f)]
    assert plain == FORMULAS[:6]
    sheet = Worksheet()
    for formula in plain:  # XlsxWriter's own rewriting only drops the "="
        assert sheet._prepare_formula(formula) == formula[1:]


@pytest.mark.parametrize("case", ["formulas", "appendix", "plan"])
def test_the_short_way_writes_the_same_bytes(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case == "formulas":

        def write(path: Path) -> None:
            write_workbook(_sheets(), path)

    else:
        allocation = pf.optimize() if case == "appendix" else pf.optimize(years=3)

        def write(path: Path) -> None:
            allocation_to_excel(allocation, path, sensitivity=False)

    # count the formulas XlsxWriter rewrites itself
    rewritten: list[str] = []
    original = Worksheet._prepare_formula

    def spy(self: Worksheet, formula: str, *args: object) -> str:
        rewritten.append(formula)
        return original(self, formula, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(Worksheet, "_prepare_formula", spy)
    short = _written(tmp_path / "short.xlsx", write)
    taken = len(rewritten)
    monkeypatch.setattr(xlsx_sheet, "plain_formula", lambda formula: False)
    rewritten.clear()
    full = _written(tmp_path / "full.xlsx", write)
    assert short == full
    assert len(rewritten) > taken  # the short way was taken for some formulas
    if case != "formulas":  # the working paper's formulas are all plain
        assert taken == 0
