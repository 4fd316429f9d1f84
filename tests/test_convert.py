"""``portfolio convert`` writes the layout its suffix names; CSV outputs are for Excel and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import portfolio as pf
from portfolio.cli import main

BOM = b"\xef\xbb\xbf"
# pandas 2's default float parser can be one unit in the last place off; pandas 3 is exact
EXACT: dict[str, Any] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".docx", ".txt"])
def test_convert_writes_the_layout_its_suffix_names(suffix: str, tmp_path: Path) -> None:
    out = tmp_path / f"appendix{suffix}"
    assert main(["convert", str(pf.bundled_appendix_path()), "--out", str(out)]) == 0
    data = out.read_bytes()
    if suffix == ".csv":
        assert data.startswith(b"id,")  # the tidy CSV, byte for byte the bundled appendix's format
    elif suffix in (".xlsx", ".docx"):
        assert data.startswith(b"PK")  # a zip package, not CSV text under another name
    else:
        assert data.startswith("**Phụ lục 2**".encode())
    assert pf.read_appendix(out).tasks == pf.read_appendix().tasks


@pytest.mark.parametrize("name", ["appendix.json", "appendix.xls", "appendix"])
def test_convert_refuses_other_suffixes(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    assert main(["convert", str(pf.bundled_appendix_path()), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".csv (the tidy table) or .xlsx, .docx, .txt" in err
    assert not out.exists()


def test_optimize_and_explain_csv_for_excel(tmp_path: Path) -> None:
    allocation, reasons = tmp_path / "allocation.csv", tmp_path / "reasons.csv"
    assert main(["optimize", "--out", str(allocation)]) == 0
    assert main(["explain", "--out", str(reasons)]) == 0
    for path in (allocation, reasons):
        assert path.read_bytes().startswith(BOM)
    table = pd.read_csv(allocation, **EXACT)
    assert table.columns.tolist()[:3] == ["year", "id", "name"]
    b38 = table.set_index("id").loc["B38"]
    assert b38["name"] == pf.read_appendix()["B38"].name
    exact = float(pf.optimize().year_table().loc["B38", "allocated"])  # 76.559,18194175913
    assert b38["allocated"] == exact  # every digit, not rounded to 6 places
    assert pd.read_csv(reasons).columns.tolist()[:2] == ["id", "name"]


def _plan_2025(tmp_path: Path) -> Path:
    """The bundled plan's text with every year moved on by one: a 2025 plan."""
    import re

    source = Path(__file__).resolve().parent.parent / "data" / "sources" / "kh325_ubnd_2023.txt"
    years = re.compile(r"(?<![\d.,/])(20[12]\d)(?![\d.,])|(?<=/)(20[12]\d)\b")
    path = tmp_path / "kh_2025.txt"
    path.write_text(years.sub(lambda m: str(int(m.group(0)) + 1), source.read_text("utf-8")), "utf-8")
    return path


def test_writers_title_the_plan_year(tmp_path: Path) -> None:
    import openpyxl

    from portfolio.export import allocation_to_excel

    plan = _plan_2025(tmp_path)
    title = "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ THỰC HIỆN NĂM 2025"
    for suffix in (".xlsx", ".txt"):
        out = tmp_path / f"converted{suffix}"
        assert main(["convert", str(plan), "--out", str(out)]) == 0
        assert pf.read_appendix(out).plan_year == 2025
    assert f"**{title}**" in (tmp_path / "converted.txt").read_text("utf-8").splitlines()[:2]
    path = tmp_path / "paper.xlsx"
    allocation_to_excel(pf.optimize(pf.read_appendix(plan)), path)
    sheet = openpyxl.load_workbook(path, read_only=True)["A"]
    assert [row[0] for row in sheet.iter_rows(max_row=2, values_only=True)] == ["Phụ lục 2", title]


def test_the_template_goes_through_the_one_writer(tmp_path: Path) -> None:
    import openpyxl

    from portfolio.template import write_template

    write_template(tmp_path / "one.xlsx", year=2025, rows=3)
    write_template(tmp_path / "two.xlsx", year=2025, rows=3)
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()  # reproducible
    book = openpyxl.load_workbook(tmp_path / "one.xlsx")
    sheet = book["Phụ lục 2"]
    assert book["Danh mục"].sheet_state == "hidden"
    kinds = sorted(v.type for v in sheet.data_validations.dataValidation)
    # per table (A, B, C and D's two) its TT, agency and amounts; each group heading a list of the groups
    assert kinds == sorted(["whole", "list", "decimal"] * 5 + ["list"] * 4)
    assert sheet.page_setup.orientation == "landscape" and sheet.freeze_panes == "A4"
