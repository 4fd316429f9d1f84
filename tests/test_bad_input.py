"""Malformed inputs: every one gives a one-line PortfolioError naming file, row and field.

The corpus lives in ``tests/corpus``: small text files committed as they are
(``csv_*``, ``txt_*``), and Office files that ``tests/corpus/make_corpus.py``
builds from ``valid.txt`` into a temporary folder (``xlsx_*``, ``docx_*``). Each
bad file has one row in :data:`BAD`, with the substrings its message must hold;
each accepted variant (a BOM, UTF-16, a second sheet, merged cells) has one row
in :data:`GOOD`, with the file whose tasks it must equal.
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import InfeasibleError, InputError, PortfolioError, PortfolioWarning, ScenarioError
from portfolio.tasks import parse_period

CORPUS = Path(__file__).resolve().parent / "corpus"

# file -> substrings of the message (after the file name, which every message starts with)
BAD: dict[str, tuple[str, ...]] = {
    # tidy CSV
    "csv_empty.csv": ("the file is empty",),
    "csv_header_only.csv": ("line 2", "no task rows after the header"),
    "csv_missing_column.csv": ("line 1", "missing column(s) is_new"),
    "csv_duplicate_header.csv": ("line 1", "column(s) approved appear more than once"),
    "csv_money_text.csv": ("row B4 (line 4)", "field 'approved'", "got 'ba trăm'"),
    "csv_money_nan.csv": ("row B4 (line 4)", "field 'planned'", "got 'nan'"),
    "csv_money_inf.csv": ("row B4 (line 4)", "field 'approved'", "got 'inf'"),
    "csv_negative_amount.csv": ("row B4 (line 4)", "field 'spent_before'", "must not be negative, got -24.7"),
    "csv_spent_above_approved.csv": (
        "row B4 (line 4)",
        "field 'spent_before'",
        "spent_before + carried_over = 400 exceeds approved = 397",
    ),
    "csv_start_after_end.csv": ("row B4 (line 4)", "field 'start_year'", "2025 is after end_year 2024"),
    "csv_year_5_digits.csv": ("row B4 (line 4)", "field 'end_year'", "a year from 1990 to 2100, got 20244"),
    "csv_year_letter_o.csv": ("row B4 (line 4)", "field 'start_year'", "whole number, got '2O23'"),
    "csv_year_underscore.csv": ("row B4 (line 4)", "field 'start_year'", "whole number, got '2_023'"),
    "csv_duplicate_id.csv": ("row B4 (line 7)", "field 'id'", "duplicate task id (first at line 4)"),
    "csv_unknown_group.csv": ("row B4 (line 4)", "field 'group'", "A, B, C or D, got 'F'"),
    "csv_lease_zero.csv": ("row A3 (line 3)", "field 'lease_years'", "1 to 5 years", "got 0"),
    "csv_lease_nine.csv": ("row A3 (line 3)", "field 'lease_years'", "1 to 5 years", "got 9"),
    "csv_lease_fraction.csv": ("row A3 (line 3)", "field 'lease_years'", "whole number, got '3.5'"),
    "csv_is_new_maybe.csv": ("row C1 (line 5)", "field 'is_new'", "true or false, got 'maybe'"),
    "csv_id_e1.csv": ("row E1 (line 4)", "field 'id'", "an id like B3", "got 'E1'"),
    "csv_id_group_mismatch.csv": ("row B1 (line 3)", "field 'id'", "does not start with its group letter A"),
    "csv_more_cells.csv": ("row B4 (line 4)", "15 cells, more than the 14 columns"),
    "csv_short_row.csv": ("row B4 (line 4)", "field 'spent_before'", "9 cells, fewer than the 14 columns"),
    "csv_cp1258.csv": ("line 2", "not UTF-8", "cp1258"),
    "csv_is_a_workbook.csv": ("is an Office file", "not text"),
    # the plan's text layout
    "txt_empty.txt": ("the file is empty",),
    "txt_cp1258.txt": ("line 1", "not UTF-8", "cp1258"),
    "txt_utf16_no_bom.txt": ("line 1", "NUL bytes", "UTF-16"),
    "txt_headings_only.txt": ("no task rows found", "no header row"),
    "txt_no_appendix.txt": ("no task rows found", "no group heading", "no 'Phụ lục 2' heading"),
    "txt_row_before_header.txt": ("line 8", "a table row before its header row"),
    "txt_header_missing_column.txt": ("line 8", "header row lacks the column(s) approved", "'Ghi chú'"),
    "txt_header_at_end.txt": ("line 8", "header row lacks the column(s) approved"),
    "txt_d_no_agency_column.txt": ("line 24", "header row lacks the column(s) agency"),
    "txt_tt_1a.txt": ("line 11", "field 'TT'", "got '1a'"),
    "txt_task_zero.txt": ("row B0 (line 19)", "field 'TT'", "a task number from 1, got 0"),
    "txt_duplicate_number.txt": (
        "row B1 (line 19)",
        "field 'TT'",
        "appears twice in group B (first at line 18)",
    ),
    "txt_agency_subtotal_abc.txt": (
        "row Sở Thông tin và Truyền thông (line 9)",
        "field 'approved'",
        "got 'abc'",
    ),
    "txt_d_before_subheading.txt": ("row D1 (line 25)", "before its sub-heading"),
    "txt_unknown_group.txt": ("line 22", "unknown group letter 'F'"),
    "txt_mixed_formats_bad.txt": ("row A2 (line 11)", "field 'approved'", "got '1,645.5'"),
    "txt_money_text.txt": ("row B2 (line 19)", "field 'approved'", "got 'hai nghìn'"),
    "txt_money_nan.txt": ("row B2 (line 19)", "field 'planned'", "got 'nan'"),
    "txt_money_inf.txt": ("row B2 (line 19)", "field 'approved'", "got 'inf'"),
    "txt_negative_amount.txt": ("row B2 (line 19)", "field 'spent_before'", "must not be negative"),
    "txt_spent_above_approved.txt": ("row B2 (line 19)", "field 'spent_before'", "exceeds approved = 2578"),
    "txt_start_after_end.txt": (
        "row B2 (line 19)",
        "field 'period'",
        "start_year 2025 is after end_year 2023",
    ),
    "txt_year_5_digits.txt": ("row B2 (line 19)", "field 'period'", "four-digit year, got '20244'"),
    "txt_year_letter_o.txt": ("row B2 (line 19)", "field 'period'", "got '2O23' (a letter among the digits)"),
    "txt_lease_zero.txt": ("row A2 (line 11)", "field 'period'", "1 to 5 years", "got 0"),
    "txt_lease_nine.txt": ("row A2 (line 11)", "field 'period'", "1 to 5 years", "got 9"),
    # the document cross-checked against itself; never a guessed cell
    # Excel
    "xlsx_empty.xlsx": ("the file is empty",),
    "xlsx_encrypted.xlsx": ("is encrypted or an old .xls",),
    "xlsx_random_bytes.xlsx": ("not a readable .xlsx workbook", "not a zip"),
    "xlsx_truncated.xlsx": ("not a readable .xlsx workbook",),
    "xlsx_zip_not_workbook.xlsx": ("not a readable .xlsx workbook", "[Content_Types].xml"),
    "xlsx_no_heading.xlsx": ("no task rows found", "no group heading"),
    "xlsx_merged_header_only.xlsx": (
        "sheet 'Phụ lục 2' row 4",
        "lacks the column(s) approved, planned",
        "'Kinh phí'",
    ),
    "xlsx_bool_money.xlsx": ("row B1 (sheet 'Phụ lục 2' row 12)", "field 'approved'", "got 'True'"),
    "xlsx_date_money.xlsx": ("row B1 (sheet 'Phụ lục 2' row 12)", "field 'planned'", "got '2024-03-01'"),
    "xlsx_date_tt.xlsx": ("sheet 'Phụ lục 2' row 12", "field 'TT'", "got '2024-01-01'"),
    "xlsx_float_tt.xlsx": ("sheet 'Phụ lục 2' row 12", "field 'TT'", "got '1,5'"),
    "xlsx_negative.xlsx": ("row B1 (sheet 'Phụ lục 2' row 12)", "field 'approved'", "must not be negative"),
    "xlsx_year_letter_o.xlsx": ("row B1 (sheet 'Phụ lục 2' row 12)", "field 'period'", "got '2O23'"),
    # Word
    "docx_empty.docx": ("the file is empty",),
    "docx_encrypted.docx": ("is encrypted or an old .doc",),
    "docx_random_bytes.docx": ("is not a .docx document",),
    "docx_truncated.docx": ("is not a .docx document",),
    "docx_is_a_workbook.docx": ("not a readable .docx document", "spreadsheetml"),
    "docx_no_tables.docx": ("the document has no tables",),
    "docx_d_before_subheading.docx": ("row D1 (table 3 row 2)", "before its sub-heading"),
}

# The classes of a silent wrong answer (the document cross-checked against itself, a cell never
# guessed, an amount beyond any budget): file -> the whole message after the file name.
_NEW_READ_AS_CONTINUING = (
    "field 'period': the task stands under group D's continuing tasks (chuyển tiếp) but its period "
    "'2024' starts in 2024, the plan year 2024: a continuing task started before the plan year, so "
    "the sub-heading of new tasks (II Nhiệm vụ đề xuất mới) is missing above it or the period is wrong"
)
EXACT: dict[str, str] = {
    "txt_count_mismatch.txt": "line 4: the heading of group A announces 3 tasks but 2 task rows follow it",
    "txt_section_d_cut.txt": (
        "line 27: section E lists group D (approved 155.688) but no row of group D was read: its "
        "heading 'D. CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN ĐẦU TƯ CÔNG (… nhiệm vụ)' or its "
        "table is missing or not recognised"
    ),
    "xlsx_sheet_d_deleted.xlsx": (
        "sheet 'E' row 5: section E lists group D (approved 155.688) but no row of group D was "
        "read: its heading 'D. CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN ĐẦU TƯ CÔNG (… nhiệm vụ)' "
        "or its table is missing or not recognised"
    ),
    "txt_total_not_reached.txt": (
        "line 34: the rows of group A sum to 18.593 in planned, short of the 28.593 section E "
        "states by 10.000: a row or a cell is missing"
    ),
    "txt_agency_row_deleted.txt": (
        "row A2: the agency row 'Sở Thông tin và Truyền thông' (line 9) states approved 18.000, "
        "planned 18.000 but its rows sum to approved 19.645, planned 18.593; without its last "
        "row, A2, they add up: A2 seems to belong to another agency whose row above A2 is missing "
        "(deleted or not recognised); restore that agency row"
    ),
    "xlsx_formula_unsaved.xlsx": (
        "sheet 'Phụ lục 2' cell D6: holds the formula '=9000*2' with no saved result (the "
        "workbook was written by a program and never saved by Excel); open and save it in Excel "
        "or LibreOffice so every formula keeps its value, or use the tidy CSV"
    ),
    "xlsx_merged_money.xlsx": (
        "row A2 (sheet 'Phụ lục 2' row 7): field 'planned': a cell is merged across this money "
        "column; unmerge it so that every amount stands in its own column"
    ),
    "docx_merged_money.docx": (
        "row B1 (table 2 row 3): field 'carried_over': a cell is merged across this money column; "
        "unmerge it so that every amount stands in its own column"
    ),
    "txt_tab_missing.txt": (
        "row B1 (line 18): the row has 6 cells, fewer than the 7 columns of its header (a tab or "
        "a cell is missing, so the cells after it would shift)"
    ),
    "txt_tab_added.txt": (
        "row B1 (line 18): the row has 8 cells, more than the 7 columns of its header (a tab or a "
        "cell is added, so the cells after it would shift)"
    ),
    "xlsx_cell_deleted.xlsx": (
        "row A2 (sheet 'Phụ lục 2' row 7): field 'planned': cell E7 is empty, under the last "
        "amount column of its header: a task row fills every amount (a zero is written -), so a "
        "cell is missing and the cells after it have shifted, or the amount was left out; write 0 "
        "or - for a zero"
    ),
    "docx_cell_deleted.docx": (
        "row A2 (table 1 row 4): field 'planned': cell 5 is empty, under the last amount column "
        "of its header: a task row fills every amount (a zero is written -), so a cell is missing "
        "and the cells after it have shifted, or the amount was left out; write 0 or - for a zero"
    ),
    "csv_money_huge.csv": (
        "row B4 (line 4): field 'approved': expected an amount of at most 10^12 million VND "
        "(beyond any budget), got '1e308'"
    ),
    "txt_money_huge.txt": (
        "row B1 (line 18): field 'approved': expected an amount of at most 10^12 million VND "
        "(beyond any budget), got '1.000.000.000.000.000'"
    ),
    "xlsx_money_huge.xlsx": (
        "row B2 (sheet 'Phụ lục 2' row 13): field 'planned': expected an amount of at most 10^12 "
        "million VND (beyond any budget), got '1e+308'"
    ),
    # a sub-heading deleted: the task's own start contradicts the heading it now stands under
    "txt_d_new_subheading_deleted.txt": "row D2 (line 27): " + _NEW_READ_AS_CONTINUING,
    "xlsx_d_new_subheading_deleted.xlsx": "row D2 (sheet 'Phụ lục 2' row 19): " + _NEW_READ_AS_CONTINUING,
}
BAD.update({name: (message,) for name, message in EXACT.items()})

# accepted variants -> the file whose tasks they must equal
GOOD: dict[str, str] = {
    "valid.csv": "valid.csv",
    "csv_bom.csv": "valid.csv",
    "csv_utf16.csv": "valid.csv",
    "csv_blank_rows.csv": "valid.csv",
    "valid.txt": "valid.txt",
    "txt_bom.txt": "valid.txt",
    "txt_utf16.txt": "valid.txt",
    "txt_mixed_formats_ok.txt": "valid.txt",
    "txt_two_row_header.txt": "valid.txt",
    "valid.xlsx": "valid.txt",
    "xlsx_second_sheet.xlsx": "valid.txt",
    "xlsx_merged_header.xlsx": "valid.txt",
    "valid.docx": "valid.txt",
    "docx_merged_cells.docx": "valid.txt",
    "docx_two_row_header.docx": "valid.txt",
    # headings with a Cyrillic А, a fullwidth Ｄ, lower case and no space; a table one column right
    "txt_confusable_headings.txt": "valid.txt",
    "txt_shifted_right.txt": "valid.txt",
    "xlsx_cyrillic_heading.xlsx": "valid.txt",
    "xlsx_shifted_right.xlsx": "valid.txt",
    "xlsx_sheet_per_group.xlsx": "valid.txt",
    "docx_cyrillic_heading.docx": "valid.txt",
}
WARNED = {"csv_extra_column.csv": ("valid.csv", "ignoring unknown column(s) note")}
OTHER = {"xlsx_agency_merged_down.xlsx"}  # tested on its own below


def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    made: dict[str, Path] = _load_maker().make_corpus(folder)
    return made


def _path(name: str, binaries: dict[str, Path]) -> Path:
    return binaries.get(name, CORPUS / name)


def test_corpus_is_complete(binaries: dict[str, Path]) -> None:
    committed = {p.name for p in CORPUS.iterdir() if p.suffix in {".csv", ".txt"}}
    generated = set(binaries)
    assert committed | generated == set(BAD) | set(GOOD) | set(WARNED) | OTHER
    assert len(BAD) >= 40


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_through_the_api(name: str, binaries: dict[str, Path]) -> None:
    path = _path(name, binaries)
    with pytest.raises(PortfolioError) as error:
        pf.read_appendix(path)
    assert isinstance(error.value, InputError)
    message = str(error.value)
    assert len(message.splitlines()) == 1
    assert message.startswith(f"{path}: ")
    for part in BAD[name]:
        assert part in message, (part, message)


@pytest.mark.parametrize("name", sorted(EXACT))
def test_a_silent_wrong_answer_is_now_its_exact_message(name: str, binaries: dict[str, Path]) -> None:
    path = _path(name, binaries)
    with pytest.raises(InputError) as error:
        pf.read_appendix(path)
    assert str(error.value) == f"{path}: {EXACT[name]}"


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_through_the_cli(
    name: str, binaries: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _path(name, binaries)
    code = main(["show", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"portfolio: error: {path}: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(GOOD))
def test_accepted_variants_read_like_the_plain_file(name: str, binaries: dict[str, Path]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PortfolioWarning)
        tasks = pf.read_appendix(_path(name, binaries))
    assert tasks.tasks == pf.read_appendix(CORPUS / GOOD[name]).tasks
    if not name.endswith(".csv"):  # merged or split cells must keep every subtotal in its column
        assert pf.reconcile(_path(name, binaries)) == []


def test_xlsx_text_merged_down_belongs_to_every_row(binaries: dict[str, Path]) -> None:
    tasks = pf.read_appendix(binaries["xlsx_agency_merged_down.xlsx"])
    assert tasks["D2"].agency == tasks["D1"].agency == "Sở Thông tin và Truyền thông"


def test_extra_column_is_ignored_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    name = "csv_extra_column.csv"
    reference, note = WARNED[name]
    with pytest.warns(PortfolioWarning, match="ignoring unknown column") as record:
        tasks = pf.read_appendix(CORPUS / name)
    assert note in str(record[0].message) and name in str(record[0].message)
    assert tasks.tasks == pf.read_appendix(CORPUS / reference).tasks
    assert main(["show", str(CORPUS / name)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and note in err[0]


def test_reconcile_mismatch_is_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (CORPUS / "valid.txt").read_text(encoding="utf-8").replace("<b>19.645</b>", "<b>19.999</b>", 1)
    path = tmp_path / "mismatch.txt"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(pf.read_appendix(path)) == 6
        findings = pf.reconcile(path)
    assert [(f.agency, f.column, f.kind) for f in findings] == [
        ("Sở Thông tin và Truyền thông", "approved", "mismatch")
    ]
    assert main(["reconcile", str(path)]) == 0
    assert "mismatch" in capsys.readouterr().out


def test_missing_file_and_unknown_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path, expected in [
        (tmp_path / "nowhere.csv", "file not found"),
        (tmp_path / "nowhere.xlsx", "file not found"),
        (tmp_path, "unknown file type"),
        (tmp_path / "plan.pdf", "unknown file type '.pdf'"),
    ]:
        with pytest.raises(InputError) as error:
            pf.read_appendix(path)
        assert expected in str(error.value) and str(path) in str(error.value)
        assert main(["show", str(path)]) == 2
        assert len(capsys.readouterr().err.splitlines()) == 1


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ("B3", "row B3"),
        ("B3 (line 4)", "row B3 (line 4)"),
        ("line 12", "line 12"),
        ("sheet 'A' row 5", "sheet 'A' row 5"),
        ("table 2 row 7", "table 2 row 7"),
    ],
)
def test_input_error_names_the_row_once(row: str, shown: str) -> None:
    error = InputError("bad\nthing", file="f.csv", row=row, field="approved")
    assert str(error) == f"f.csv: {shown}: field 'approved': bad thing"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2O24", "letter among the digits"),
        ("2023-2O24", "letter among the digits"),
        ("202l - 2024", "letter among the digits"),
        ("20244", "four-digit year"),
        ("Năm", "expected a year"),
        ("2021-2022-2023", "at most two years"),
    ],
)
def test_period_errors(period: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_period(period)


def test_period_text_around_years_is_fine() -> None:
    assert parse_period("Thuê dịch vụ 05 năm (gói phần mềm, 2022-2026)") == (2022, 2026, 5)
    assert parse_period("Năm 2024 (giai đoạn 1, 4.0)") == (2024, 2024, None)


# -- scenarios through portfolio.optimize ----------------------------------------------

SCENARIOS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "unknown task": ({"locked": {"Z9": 1.0}}, ("field 'locked'", "'Z9' is not a task id")),
    "unknown task in must_fund": ({"must_fund": ("B99",)}, ("field 'must_fund'", "'B99'")),
    "unknown agency": (
        {"agency_caps": {"Sở Không Tồn Tại": 5.0}},
        ("field 'agency_caps'", "Sở Không Tồn Tại"),
    ),
    "agency without accents": ({"agency_floors": {"So Y te": 5.0}}, ("did you mean 'sở y tế'",)),
    "negative envelope": ({"budget": {"recurrent": -1.0}}, ("field 'budget.recurrent'", "got -1.0")),
    "NaN envelope": ({"budget": {"recurrent": math.nan}}, ("field 'budget.recurrent'", "got nan")),
    "inf envelope": ({"budget": {"investment": math.inf}}, ("field 'budget.investment'", "got inf")),
    "text envelope": ({"budget": {"recurrent": "abc"}}, ("field 'budget.recurrent'", "got 'abc'")),
    "unknown source": ({"budget": {"capital": 5.0}}, ("field 'budget.capital'", "unknown source")),
    "percentage": ({"budget": {"recurrent": "-150%"}}, ("field 'budget.recurrent'", "more than 100%")),
    "union member": ({"weights": {"B38": "x"}}, ("field 'weights.B38'", "got 'x'")),
    "constraint amount": ({"constraints": ("Sở Y tế >= abc",)}, ("field 'constraints'", "'abc'")),
    "constraint shape": ({"constraints": ("B38 +",)}, ("field 'constraints'", "cannot parse 'B38 +'")),
    "constraint word": ({"constraints": ("hello",)}, ("field 'constraints'", "cannot parse 'hello'")),
    "constraint unknown name": ({"constraints": ("Z9 <= 5",)}, ("field 'constraints'", "'Z9'")),
    "constraint NaN": ({"constraints": ("B38 <= nan",)}, ("field 'constraints'", "'nan'")),
    "yearly envelopes": ({"budget": {"recurrent": [1.0, 2.0]}}, ("2 yearly amounts for a 1-year horizon",)),
    "unknown option": ({"colour": "red"}, ("field 'colour'",)),
    "plan year": ({"plan_year": 20244}, ("field 'plan_year'",)),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_bad_scenarios(name: str, tasks: pf.TaskList) -> None:
    options, expected = SCENARIOS[name]
    with pytest.raises(ScenarioError) as error:
        pf.optimize(tasks, **options)
    message = str(error.value)
    assert "\n" not in message
    for part in expected:
        assert part in message, (part, message)


def test_commitments_above_the_envelope(tasks: pf.TaskList) -> None:
    with pytest.raises(InfeasibleError) as error:
        pf.optimize(tasks, budget={"recurrent": 1000.0})
    exc = error.value
    assert isinstance(exc, PortfolioError)
    assert exc.available == 1000.0
    assert exc.needed is not None and exc.needed > 1000.0
    assert exc.shortfall == pytest.approx(exc.needed - 1000.0)
    assert "\n" not in str(exc) and "recurrent" in str(exc) and "short by" in str(exc)


def test_infeasible_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--budget", "recurrent=1000"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("portfolio: infeasible: ") and "short by" in err[0]


def test_overdue_task_gives_a_warning(tmp_path: Path) -> None:
    text = (
        (CORPUS / "valid.csv")
        .read_text(encoding="utf-8")
        .replace(
            "B4,B,Sở Giao Thông vận tải,Phát triển hệ thống vận tải,2023-2024,2023,2024",
            "B4,B,Sở Giao Thông vận tải,Phát triển hệ thống vận tải,2022-2023,2022,2023",
        )
    )
    path = tmp_path / "overdue.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.warns(PortfolioWarning, match=r"B4.*overdue"):
        pf.optimize(path)
