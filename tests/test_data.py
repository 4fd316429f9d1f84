"""The bundled appendix equals the document, cell by cell."""

from __future__ import annotations

import math

import pytest
from conftest import APPENDIX_CSV

import portfolio as pf
from portfolio.readers.tidy import csv_text
from portfolio.tasks import parse_period


def test_csv_is_what_our_reader_makes_of_the_document(document_tasks: pf.TaskList) -> None:
    assert csv_text(document_tasks) == APPENDIX_CSV.read_text(encoding="utf-8")


def test_bundled_default_is_the_csv(tasks: pf.TaskList) -> None:
    assert pf.read_appendix().tasks == tasks.tasks


def test_counts_per_group(tasks: pf.TaskList) -> None:
    counts = {g: sum(t.group == g for t in tasks) for g in "ABCD"}
    assert counts == {"A": 14, "B": 39, "C": 24, "D": 4}
    assert tasks.ids[0] == "A1" and tasks.ids[-1] == "D4"


@pytest.mark.parametrize(
    ("column", "group", "total"),
    [
        # row sums; where the document's TỔNG differs, reconcile reports it
        ("approved", "A", 212078),
        ("planned", "A", 48239),
        ("approved", "B", 1158730),
        ("spent_before", "B", 129620.3),
        ("carried_over", "B", 71659.75),
        ("planned", "B", 274070),
        ("approved", "C", 630090),
        ("planned", "C", 10092),
        ("approved", "D", 246924),
        ("spent_before", "D", 32598),
        ("planned", "D", 66390),
    ],
)
def test_group_sums(tasks: pf.TaskList, column: str, group: str, total: float) -> None:
    assert math.isclose(sum(getattr(t, column) for t in tasks if t.group == group), total, abs_tol=1e-9)


def test_default_envelopes_are_the_planned_totals(tasks: pf.TaskList) -> None:
    by_source = {
        s: sum(t.planned for t in tasks if t.funding_source == s) for s in ("recurrent", "investment")
    }
    assert by_source == {"recurrent": 332401, "investment": 66390}


@pytest.mark.parametrize(
    ("task_id", "field", "value"),
    [
        ("A3", "lease_years", 3),
        ("A12", "period", "Thuê dịch vụ 05 năm (gói phần mềm, 2022-2026)"),
        ("A12", "start_year", 2022),
        ("A13", "end_year", 2026),
        ("A1", "lease_years", None),
        ("A7", "agency", "Văn phòng Ủy ban nhân dân thành phố"),
        ("A12", "agency", "Văn phòng ĐDBQH&HĐND TP"),
        ("B4", "spent_before", 24.7),
        ("B17", "spent_before", 495.6),
        ("B21", "carried_over", 102.75),
        ("B11", "agency", "Sở Nội Vụ"),
        ("B12", "carried_over", 1877),
        ("B38", "approved", 848597),
        ("B38", "spent_before", 71145),
        ("B38", "carried_over", 64830),
        ("B1", "planned", 0),
        ("C11", "agency", "Cục Thống kê Hải Phòng"),
        ("C13", "agency", "Sở Nông nghiệp và Phát triển Nông thôn"),
        ("C14", "start_year", 2023),
        ("C14", "approved", 291375),
        ("D1", "agency", "Sở Thông tin và Truyền thông"),
        ("D2", "is_new", False),
        ("D3", "is_new", True),
        ("D4", "agency", "Đại học Hải Phòng"),
        ("D4", "funding_source", "investment"),
        ("C1", "is_new", True),
        ("B5", "is_new", False),
    ],
)
def test_cells(tasks: pf.TaskList, task_id: str, field: str, value: object) -> None:
    assert getattr(tasks[task_id], field) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Năm 2024", (2024, 2024, None)),
        ("2023 - 2024", (2023, 2024, None)),
        ("Thuê dịch vụ 03 năm (2023- 2026)", (2023, 2026, 3)),
        ("Thuê dịch vụ 05 năm (gói phần mềm, 2022-2026)", (2022, 2026, 5)),
        ("2024", (2024, 2024, None)),
    ],
)
def test_parse_period(text: str, expected: tuple[int, int, int | None]) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "sắp tới", "20244", "2021-2022-2023"])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


def test_frame_view(tasks: pf.TaskList) -> None:
    frame = tasks.frame
    assert list(frame.index[:3]) == ["A1", "A2", "A3"]
    assert frame.loc["B38", "approved"] == 848597
    assert str(frame["lease_years"].dtype) == "Int64"
