"""Reconcile finds exactly the document's own subtotals that do not add up."""

from __future__ import annotations

import json

import pytest
from conftest import PLAN_TEXT

import portfolio as pf
from portfolio.cli import main

# (scope, group, agency, column, stated, computed, kind); checked by hand against the plan
EXPECTED = [
    (
        "agency",
        "B",
        "Văn phòng Ủy ban nhân dân thành phố",
        "planned",
        1246,
        1247,
        "mismatch",
    ),  # 764+483
    ("agency", "B", "Sở Nội Vụ", "planned", 8699, 8698, "mismatch"),  # 1.813+2.883+4.002
    ("agency", "B", "Sở Du lịch", "planned", 5150, 5149, "mismatch"),  # 2.648+2.501
    ("agency", "B", "Sở Công thương", "planned", 15232, 15233, "mismatch"),  # 10.769+4.464
    ("group", "B", None, "approved", 1158731, 1158730, "mismatch"),
    ("group", "B", None, "spent_before", 129620, 129620.3, "rounding"),
    ("group", "B", None, "carried_over", 71660, 71659.75, "rounding"),
    ("group", "B", None, "planned", 274069, 274070, "mismatch"),
    ("summary", "B", None, "approved", 1158731, 1158730, "mismatch"),
    ("summary", "B", None, "planned", 274069, 274070, "mismatch"),
]


def test_reconcile_finds_every_mismatch() -> None:
    found = [
        (f.scope, f.group, f.agency, f.column, f.stated, f.computed, f.kind) for f in pf.reconcile(PLAN_TEXT)
    ]
    assert found == EXPECTED


def test_difference_is_stated_minus_computed() -> None:
    for finding in pf.reconcile(PLAN_TEXT):
        assert finding.difference == pytest.approx(finding.stated - finding.computed)


def test_every_other_stated_figure_adds_up(document_tasks: pf.TaskList) -> None:
    # 141 stated figures in all; only the ten above differ from their rows
    assert len(document_tasks.stated) == 141
    assert len(pf.reconcile(document_tasks)) == len(EXPECTED)


def test_rows_are_not_fixed(document_tasks: pf.TaskList) -> None:
    assert sum(t.planned for t in document_tasks if t.agency == "Sở Du lịch") == 5149


def test_csv_states_nothing(tasks: pf.TaskList) -> None:
    assert pf.reconcile(tasks) == []


def test_cli_json_prints_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", str(PLAN_TEXT), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 10
    assert data[0]["agency"] == "Văn phòng Ủy ban nhân dân thành phố"
    assert set(data[0]) >= {
        "scope",
        "group",
        "agency",
        "column",
        "stated",
        "computed",
        "difference",
        "kind",
    }


def test_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", str(PLAN_TEXT)]) == 0
    out = capsys.readouterr().out
    assert "8 mismatches, 2 roundings" in out


def test_findings_in_vietnamese_from_python_and_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    findings = pf.reconcile(PLAN_TEXT, lang="vi")
    assert findings == pf.reconcile(PLAN_TEXT)  # the same findings, only printed otherwise
    first = str(findings[0])
    assert first.startswith("sai lệch: dòng cộng của đơn vị B Văn phòng Ủy ban nhân dân thành phố, ")
    assert "dự kiến phân bổ: văn bản ghi 1.246, tổng các dòng 1.247 (chênh lệch -1) tại dòng " in first
    assert str(findings[5]).startswith("làm tròn: dòng TỔNG nhóm B, đã sử dụng: văn bản ghi 129.620,00")
    report = str(findings)
    assert "10 phát hiện: 8 sai lệch, 2 làm tròn" in report
    merged = "Văn phòng ĐDBQH & HĐND thành phố gộp từ 'Văn phòng ĐDBQH&HĐND TP'; "
    merged += "'Văn phòng ĐDBQH & HĐND thành phố'"
    assert merged in report
    assert len(findings.merges) == 2
    for english in ("mismatch", "rounding", "stated", "rows sum", "agency", "merged", " at line"):
        assert english not in report
    assert main(["reconcile", str(PLAN_TEXT), "--lang", "vi"]) == 0
    assert capsys.readouterr().out == report + "\n"
    assert main(["reconcile", str(PLAN_TEXT)]) == 0
    assert capsys.readouterr().out == str(pf.reconcile(PLAN_TEXT)) + "\n"  # English, the default


def test_a_tidy_csv_says_so_in_either_language(capsys: pytest.CaptureFixture[str]) -> None:
    from portfolio.readers import bundled_appendix_path

    assert main(["reconcile", str(bundled_appendix_path()), "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "không ghi dòng cộng nào" in out and "gộp từ" in out
    with pytest.raises(pf.errors.ScenarioError, match="field 'lang'"):
        pf.reconcile(PLAN_TEXT, lang="fr")
