"""The document cross-checked against itself: no silent wrong total.

The plan's own text (``data/sources``) states every subtotal twice or three
times; a reader that lost a row, a group or a cell must say so. The property at
the end corrupts one cell of a valid layout at random: the file either reads
back with the same totals or raises our one-line error, never a different total.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portfolio as pf
from portfolio.cli import main
from portfolio.crosscheck import allowed_gap, mismatch_warning
from portfolio.errors import InputError
from portfolio.money import format_vnd
from portfolio.readers.cells import heading_group
from portfolio.tasks import MONEY_COLUMNS, TaskList

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "sources" / "kh325_ubnd_2023.txt"
VALID = Path(__file__).resolve().parent / "corpus" / "valid.txt"
_C_II = "<b>II</b>\t<b>Sở Tài nguyên và Môi trường</b>"  # group C's second agency row


@pytest.fixture(scope="module")
def plan_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, lines: list[str], name: str = "plan.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _totals(tasks: TaskList) -> dict[tuple[str, str], float]:
    return {
        (group, column): math.fsum(getattr(t, column) for t in tasks if t.group == group)
        for group in "ABCD"
        for column in MONEY_COLUMNS
    }


def test_the_plan_reads_with_its_eight_known_mismatches_counted(capsys: pytest.CaptureFixture[str]) -> None:
    tasks = pf.read_appendix(SOURCE)
    assert len(tasks) == 81
    message = mismatch_warning(tasks)
    assert message == (
        f"{SOURCE}: 8 stated subtotals differ from their rows; `portfolio reconcile {SOURCE}` lists them"
    )
    assert main(["show", str(SOURCE)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"warning: {message}"]
    assert mismatch_warning(pf.read_appendix()) is None  # the tidy CSV states no subtotal


def test_a_new_mismatch_is_not_hidden_among_the_known(plan_lines: list[str], tmp_path: Path) -> None:
    # Sở Tài nguyên và Môi trường (C) states planned 488: make it 490
    at = next(i for i, line in enumerate(plan_lines) if line.startswith(_C_II))
    assert "<b>488</b>" in plan_lines[at]
    changed = [*plan_lines]
    changed[at] = changed[at].replace("<b>488</b>", "<b>490</b>")
    message = mismatch_warning(pf.read_appendix(_write(tmp_path, changed)))
    assert message is not None and ": 9 stated subtotals differ from their rows;" in message


def test_a_deleted_agency_row_names_the_rows_it_leaves_behind(
    plan_lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # group C's second agency row (Sở Tài nguyên và Môi trường, C5–C6) deleted: they fall to the row above
    at = next(i for i, line in enumerate(plan_lines) if line.startswith(_C_II))
    path = _write(tmp_path, plan_lines[:at] + plan_lines[at + 1 :])
    assert main(["show", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"portfolio: error: {path}: row C5: the agency row 'Sở Thông tin và Truyền thông' (line {at - 4}) "
        "states approved 214.000, planned 2.480 but its rows sum to approved 238.396, planned 2.968; "
        "without its last 2 rows, C5–C6, they add up: C5–C6 seem to belong to another agency whose row "
        "above C5 is missing (deleted or not recognised); restore that agency row"
    ]


def _agency_rows(lines: list[str]) -> list[int]:
    """Lines of the agency rows of groups A–C (a Roman numeral, or none, then a bold agency)."""
    first = next(i for i, line in enumerate(lines) if line.startswith("**A. "))
    last = next(i for i, line in enumerate(lines) if line.startswith("**D. "))
    return [
        i
        for i in range(first, last)
        if "\t<b>" in lines[i] and "TỔNG" not in lines[i] and not lines[i].split("\t")[0].isdigit()
    ]


def test_every_deleted_agency_row_is_an_error_and_the_plan_is_not(
    plan_lines: list[str], tmp_path: Path
) -> None:
    """Each of the plan's 42 agency rows of A–C deleted in turn: an error every time, never a total."""
    rows = _agency_rows(plan_lines)
    assert len(rows) == 8 + 19 + 15  # the agency rows of A, B, C (B's Sở Nội Vụ has no numeral)
    pf.read_appendix(SOURCE)  # its 8 slips are no such error
    for at in rows:
        path = _write(tmp_path, plan_lines[:at] + plan_lines[at + 1 :])
        with pytest.raises(InputError) as caught:
            pf.read_appendix(path)
        message = str(caught.value)
        assert (
            "a task row before any agency row" in message  # the first agency of a group
            or "seem to belong to another agency whose row above" in message
            or "seems to belong to another agency whose row above" in message
        ), message


def test_group_d_cut_out_while_section_e_lists_it(plan_lines: list[str], tmp_path: Path) -> None:
    d = next(i for i, line in enumerate(plan_lines) if line.startswith("**D. "))
    e = next(i for i, line in enumerate(plan_lines) if line.startswith("**E. "))
    path = _write(tmp_path, plan_lines[:d] + plan_lines[e:])  # E's row "4 D" is its 7th line
    with pytest.raises(InputError) as caught:
        pf.read_appendix(path)
    assert str(caught.value) == (
        f"{path}: line {d + 7}: section E lists group D (approved 246.924) but no row of group D was "
        "read: its heading 'D. CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN ĐẦU TƯ CÔNG (… nhiệm vụ)' or its "
        "table is missing or not recognised"
    )


def test_a_cyrillic_heading_reads_all_81_tasks(plan_lines: list[str], tmp_path: Path) -> None:
    changed = [line.replace("**A. CÁC", "**\u0410. CÁC") for line in plan_lines]
    assert changed != plan_lines
    assert pf.read_appendix(_write(tmp_path, changed)).tasks == pf.read_appendix(SOURCE).tasks


def test_one_tab_missing_names_the_row(plan_lines: list[str], tmp_path: Path) -> None:
    at = next(i for i, line in enumerate(plan_lines) if line.startswith("5\tNâng cấp Cổng thông tin"))
    cells = plan_lines[at].split("\t")
    changed = [*plan_lines]
    changed[at] = "\t".join(cells[:4] + cells[5:])
    with pytest.raises(InputError, match=rf"row B5 \(line {at + 1}\): the row has 6 cells, fewer than the 7"):
        pf.read_appendix(_write(tmp_path, changed))


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("**A. CÁC NHIỆM VỤ TRIỂN KHAI (14 nhiệm vụ)**", ("A", 14)),
        ("\u0410. CÁC NHIỆM VỤ (14 nhiệm vụ)", ("A", 14)),  # Cyrillic А
        ("\u0392 . CÁC NHIỆM VỤ (39 nhiệm vụ)", ("B", 39)),  # Greek Β, a space before the dot
        ("Ｃ．CÁC NHIỆM VỤ (24 NHIỆM VỤ)", ("C", 24)),  # fullwidth
        ("d.các nhiệm vụ đầu tư công (04 nhiệm vụ)", ("D", 4)),  # lower case, no space
        ("E. TỔNG HỢP CÁC NHÓM", ("E", None)),
        ("a. ghi chú", None),  # a lower-case item without a task count is no heading
        ("B. 38 tỷ đồng", None),
    ],
)
def test_headings_match_robustly(heading: str, expected: tuple[str, int | None] | None) -> None:
    assert heading_group(heading) == expected


def test_reconcile_on_a_tidy_csv_says_it_states_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    path = pf.bundled_appendix_path()
    assert main(["reconcile", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: states no subtotals (a tidy CSV has none); nothing to reconcile"
    assert not any("findings" in line or "equals the sum" in line for line in out)


def test_allowed_gap_keeps_the_plans_slips_and_no_more() -> None:
    # the plan's group B misses its TỔNG by one million over 39 rows: within the gap
    assert allowed_gap(39, 0) == 19.5
    assert allowed_gap(1, 0) == 1.0
    assert allowed_gap(2, 2) == pytest.approx(0.01)


# -- the property: one corrupted cell never gives a different total ------------------------

_VALID_LINES = VALID.read_text(encoding="utf-8").splitlines()
# (line, cell) of every non-empty cell of the text layout: a heading line is one cell
_CELLS = [
    (i, j)
    for i, line in enumerate(_VALID_LINES)
    for j, cell in enumerate(line.split("\t"))
    if cell.strip() or "\t" in line
]
_OTHER_CELLS = sorted({cell for line in _VALID_LINES for cell in line.split("\t")})
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
_NUMBER = st.integers(0, 10**7).map(lambda n: format_vnd(n / 10, 1).rstrip("0").rstrip(","))
_VALUES = st.one_of(st.just(""), st.sampled_from(_OTHER_CELLS), _NUMBER, _TEXT)


def _same_or_error(read: object, original: TaskList) -> None:
    """Reading gives our one-line InputError, or totals within the rounding the cross-check allows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tasks = read()  # type: ignore[operator]
        except InputError as exc:
            assert len(str(exc).splitlines()) == 1
            return
    assert isinstance(tasks, TaskList)
    before, after = _totals(original), _totals(tasks)
    for key, value in before.items():
        rows = sum(t.group == key[0] for t in original)
        assert abs(after[key] - value) <= allowed_gap(rows, 0) + 1e-9, (key, value, after[key])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(_CELLS),
    action=st.sampled_from(["replace", "delete", "insert"]),
    value=_VALUES,
)
def test_one_corrupted_text_cell_reads_the_same_totals_or_fails(
    where: tuple[int, int], action: str, value: str, tmp_path: Path
) -> None:
    original = pf.read_appendix(VALID)
    lines = [*_VALID_LINES]
    i, j = where
    cells = lines[i].split("\t")
    if action == "replace":
        cells[j] = value
    elif action == "delete":
        del cells[j]
    else:
        cells.insert(j, value)
    lines[i] = "\t".join(cells)
    path = tmp_path / "corrupt.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    _same_or_error(lambda: pf.read_appendix(path), original)


def _workbook_rows() -> list[list[object]]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", VALID.parent / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows: list[list[object]] = module.base_rows()
    return rows


_ROWS = _workbook_rows()
_XLSX_CELLS = [(r, c) for r, row in enumerate(_ROWS) for c in range(max(len(row), 7))]
_XLSX_VALUES = st.one_of(
    st.none(),
    st.integers(0, 10**6).map(float),
    st.sampled_from(sorted({str(v) for row in _ROWS for v in row if v is not None})),
    _TEXT,
    st.just("=SUM(D1:D3)"),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(_XLSX_CELLS), value=_XLSX_VALUES, merge=st.booleans())
def test_one_corrupted_workbook_cell_reads_the_same_totals_or_fails(
    where: tuple[int, int], value: object, merge: bool, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    original = pf.read_appendix(VALID)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in _ROWS:
        sheet.append(row)
    r, c = where
    if merge:  # the cell merged with its right neighbour instead of changed
        sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + 1, end_column=c + 2)
    else:
        sheet.cell(r + 1, c + 1).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(buffer.getvalue())
    _same_or_error(lambda: pf.read_appendix(path), original)
