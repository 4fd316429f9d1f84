"""The second round (đợt 2): the full-year envelope on top of round 1's amounts, checked by hand."""

from __future__ import annotations

from pathlib import Path

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
