"""The second round (đợt 2): the full-year envelope on top of round 1's amounts, checked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import make_tasks

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import InfeasibleError, InputError, ScenarioError

RECURRENT = {"investment": 0}


@pytest.fixture(scope="module")
def small() -> pf.TaskList:
    """A1 annual 100 (tier 1), B1 finishing 200 (tier 2), B2 900 (2024-26), B3 400 (2024-25) in tier 3."""
    return make_tasks(
        {"id": "A1", "approved": 100, "start_year": 2024, "end_year": 2024},
        {"id": "B1", "approved": 200, "end_year": 2024},
        {"id": "B2", "approved": 900, "end_year": 2026},
        {"id": "B3", "approved": 400, "end_year": 2025},
    )


def test_round_two_on_top_of_round_one(small: pf.TaskList) -> None:
    # round 1, 400: tiers 1-2 take 300; tier 3 (demand 300 + 200) shares 100 at 20%: 60 and 40
    round1 = pf.optimize(small, budget={**RECURRENT, "recurrent": 400})
    assert round1.year_table()["allocated"].tolist() == pytest.approx([100, 200, 60, 40])
    # the full year, 700: tier 3 shares 400 at 80%: 240 and 160, of which round 2 gives 180 and 120
    year = pf.optimize(small, budget={**RECURRENT, "recurrent": 700}, committed=round1)
    table = year.year_table()
    assert table["allocated"].tolist() == pytest.approx([100, 200, 240, 160])
    assert table["round_1"].tolist() == pytest.approx([100, 200, 60, 40])
    assert table["round_2"].tolist() == pytest.approx([0, 0, 180, 120])


def test_a_round_one_amount_above_the_share_is_kept(small: pf.TaskList) -> None:
    # B2 got 250 in round 1; at 700 tier 3 has 400: B2 keeps 250 (above 300 × 75%), B3 takes 150 = 75%
    year = pf.optimize(small, budget={**RECURRENT, "recurrent": 700}, committed={"B2": 250})
    table = year.year_table()
    assert table.loc["B2", "allocated"] == pytest.approx(250)
    assert table.loc["B3", "allocated"] == pytest.approx(150)
    assert year.reasons.loc[(2024, "B2"), "lower_reason"] == "committed"
    reason = pf.explain(year).loc["B2", "reason"]
    assert "round-1 (đợt 1) amount 250" in reason


def test_round_one_above_the_envelope_names_the_shortfall(small: pf.TaskList) -> None:
    with pytest.raises(InfeasibleError) as caught:
        pf.optimize(
            small, budget={**RECURRENT, "recurrent": 700}, committed={"A1": 100, "B1": 200, "B2": 500}
        )
    assert caught.value.shortfall == pytest.approx(100)
    assert "round 1 (đợt 1) already allocated 800,00" in str(caught.value)
    assert "short by 100,00 million VND" in str(caught.value)


def test_committed_as_csv_mapping_or_allocation_agree(tmp_path: Path) -> None:
    round1 = pf.optimize(budget={"recurrent": "-15%"})
    csv = tmp_path / "round1.csv"
    round1.to_csv(str(csv))  # id, year, ..., allocated
    typed = tmp_path / "typed.csv"
    amounts = round1.year_table()["allocated"]
    typed.write_text(
        "id,đợt 1\n" + "".join(f'{k},"{pf_vnd(v)}"\n' for k, v in amounts.items()), encoding="utf-8-sig"
    )
    runs = [pf.optimize(committed=c) for c in (round1, str(csv), typed, dict(amounts))]
    for run in runs[1:]:
        assert run.year_table()["allocated"].to_numpy() == pytest.approx(
            runs[0].year_table()["allocated"].to_numpy(), abs=0.01
        )
    table = runs[0].year_table()
    assert (table["allocated"] >= amounts - 1e-6).all()  # no task goes down
    assert (table["round_1"] + table["round_2"]).to_numpy() == pytest.approx(table["allocated"].to_numpy())
    recurrent = table["funding_source"] == "recurrent"
    assert table.loc[recurrent, "allocated"].sum() == pytest.approx(332401)


def pf_vnd(value: float) -> str:
    from portfolio.money import format_vnd

    return format_vnd(value, 6)


def test_the_cli_committed_file_equals_python(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    round1 = tmp_path / "round1.csv"
    assert main(["optimize", "--budget", "recurrent=-15%", "--out", str(round1)]) == 0
    cli, python = tmp_path / "cli.csv", tmp_path / "python.csv"
    assert main(["optimize", "--committed", str(round1), "--out", str(cli)]) == 0
    assert "round 1" in capsys.readouterr().out
    pf.optimize(committed=str(round1)).to_csv(str(python))
    assert cli.read_text(encoding="utf-8") == python.read_text(encoding="utf-8")


def test_bad_committed_input(tmp_path: Path, small: pf.TaskList) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,amount\nB2,abc\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv: row B2: field 'amount'"):
        pf.optimize(small, committed=bad)
    bad.write_text("task,amount\nB2,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'id' column"):
        pf.optimize(small, committed=bad)
    with pytest.raises(ScenarioError, match="field 'committed'.*'Z9' is not a task id"):
        pf.optimize(small, committed={"Z9": 1.0})
    with pytest.raises(ScenarioError, match="B2 is deferred but has"):
        pf.optimize(small, budget={"recurrent": 700}, committed={"B2": 10.0}, deferred=["B2"])


def _columns(sheet: Any, header: int) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[header] if c.value is not None}


def test_the_workbook_shows_round_one_round_two_and_the_year(tmp_path: Path) -> None:
    import openpyxl

    from portfolio.export import DIFFERENCE_HEADER, OPTIMIZED_HEADER, ROUND_HEADERS

    round1 = tmp_path / "round1.csv"
    assert main(["optimize", "--budget", "recurrent=300000", "--out", str(round1)]) == 0
    book_path = tmp_path / "year.xlsx"
    assert main(["optimize", "--committed", str(round1), "--out", str(book_path)]) == 0
    year = pf.optimize(committed=str(round1))
    exact = year.year_table()
    values = openpyxl.load_workbook(book_path, data_only=True)
    formulas = openpyxl.load_workbook(book_path)
    checked = {"task": 0, "agency": 0, "total": 0}
    for group in "ABCD":
        sheet, text = values[group], formulas[group]
        header = next(r[0].row for r in sheet.iter_rows() if r[0].value in ("TT", "Stt"))
        at = _columns(sheet, header)
        assert OPTIMIZED_HEADER not in at  # the year's total takes its place
        one, two, whole, diff = (at[h] for h in (*ROUND_HEADERS, DIFFERENCE_HEADER))
        assert (one, two, whole, diff) == (one, one + 1, one + 2, one + 3)
        members: list[float] = []
        for row in range(header + 1, sheet.max_row + 1):
            label = sheet.cell(row, 2).value
            cells = [sheet.cell(row, c).value for c in (one, two, whole)]
            if cells[2] is None:
                continue
            a, b, total = (float(c or 0) for c in cells)
            assert a + b == pytest.approx(total, abs=1e-9)  # each row adds up as shown
            number = str(sheet.cell(row, 1).value or "")
            if number.isdigit():
                task = f"{group}{number}"
                assert total == pytest.approx(exact.loc[task, "allocated"], abs=0.01)
                assert a == pytest.approx(exact.loc[task, "round_1"], abs=0.01)  # under one cent of a million
                assert str(text.cell(row, whole).value).startswith(("=", "=SUM"))
                members.append(total)
                checked["task"] += 1
            elif label == "TỔNG":
                assert str(text.cell(row, whole).value).startswith("=SUM(")
                assert str(text.cell(row, one).value).startswith("=SUM(")
                shown = exact[exact["group"] == group]
                assert total == pytest.approx(shown["allocated"].sum(), abs=0.01 * len(shown))
                assert a == pytest.approx(shown["round_1"].sum(), abs=0.01 * len(shown))
                checked["total"] += 1
            elif number:  # an agency row (Roman numeral): the SUM of its task rows below
                formula = str(text.cell(row, whole).value)
                assert formula.startswith("=SUM(")
                first, last = formula[5:-1].split(":") if ":" in formula else (formula[5:-1],) * 2
                span = range(int(first[1:]), int(last[1:]) + 1)
                below = sum(float(sheet.cell(r, whole).value or 0) for r in span)
                assert total == pytest.approx(below, abs=1e-6)
                checked["agency"] += 1
    assert checked["task"] == 81 and checked["total"] == 4 and checked["agency"] > 20
    summary = values["E"]
    header = next(r[0].row for r in summary.iter_rows() if r[0].value == "Stt")
    at = _columns(summary, header)
    last = summary.max_row
    while summary.cell(last, 2).value != "A + B + C + D":
        last -= 1
    a, b, total = (float(summary.cell(last, at[h]).value) for h in ROUND_HEADERS)
    investment = exact.loc[exact["funding_source"] == "investment", "allocated"].sum()
    assert total == pytest.approx(332401 + investment)
    assert a + b == pytest.approx(total) and b == pytest.approx(332401 - 300000, abs=0.01)
    assert pf.read_appendix(book_path).tasks == year.tasks.tasks  # the reader still reads it back
