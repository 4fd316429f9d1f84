"""One name per agency: the alias table, the folding of spellings, the merges reconcile lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import portfolio as pf
from portfolio.agencies import add_aliases, agency_key, agency_merges, canonical_agency, reset_aliases
from portfolio.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN_TEXT = ROOT / "data" / "sources" / "kh325_ubnd_2023.txt"
VP = "Văn phòng ĐDBQH & HĐND thành phố"
NN = "Sở Nông nghiệp và Phát triển nông thôn"


@pytest.fixture
def clean_aliases() -> Iterator[None]:
    reset_aliases()
    yield
    reset_aliases()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Văn phòng ĐDBQH&HĐND TP", "Văn phòng ĐDBQH & HĐND thành phố"),
        ("Sở Nông nghiệp và Phát triển Nông thôn", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("  SỞ   Y TẾ ", "Sở Y tế"),
        ("Ủy ban nhân dân TP. Hải Phòng", "Ủy ban nhân dân thành phố Hải Phòng"),
        ("Sở Văn hoá và Thể thao", "Sở Văn hóa và Thể thao"),  # the tone mark's old and new place
    ],
)
def test_spellings_of_one_agency_share_a_key(one: str, other: str) -> None:
    assert agency_key(one) == agency_key(other)


def test_different_agencies_keep_different_keys() -> None:
    assert agency_key("Sở Y tế") != agency_key("Sở Tư pháp")
    assert agency_key("Văn phòng Thành ủy") != agency_key("Văn phòng Ủy ban nhân dân thành phố")


def test_the_document_has_two_merges(document_tasks: pf.TaskList, tasks: pf.TaskList) -> None:
    expected = {
        VP: ["Văn phòng ĐDBQH&HĐND TP", "Văn phòng ĐDBQH & HĐND thành phố"],
        NN: ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Phát triển Nông thôn"],
    }
    assert agency_merges(document_tasks) == expected
    assert agency_merges(tasks) == expected == pf.agency_merges(tasks)
    assert canonical_agency("Văn phòng ĐDBQH&HĐND TP") == VP


def test_totals_caps_and_floors_use_the_canonical_name(default_allocation: pf.Allocation) -> None:
    agencies = default_allocation.by_agency().index.get_level_values("agency")
    assert "Văn phòng ĐDBQH&HĐND TP" not in agencies and VP in agencies
    assert "Sở Nông nghiệp và Phát triển Nông thôn" not in agencies
    table = default_allocation.year_table()
    assert table.index[table["agency"] == VP].tolist() == ["A12", "A13", "B39"]  # spelled two ways
    assert table.index[table["agency"] == NN].tolist() == ["B22", "B23", "C13"]
    by_one = pf.optimize(agency_caps={"Văn phòng ĐDBQH&HĐND TP": 4000})
    by_other = pf.optimize(agency_caps={"VĂN PHÒNG ĐDBQH & HĐND THÀNH PHỐ": 4000})
    pd.testing.assert_frame_equal(by_one.table, by_other.table)
    capped = by_one.year_table()
    assert capped.loc[capped["agency"] == VP, "allocated"].sum() == pytest.approx(4000)


def test_users_extend_the_alias_table(tmp_path: Path, tasks: pf.TaskList, clean_aliases: None) -> None:
    assert agency_key("Sở TTTT") != agency_key("Sở Thông tin và Truyền thông")
    table = tmp_path / "aliases.csv"
    table.write_text("alias,canonical\nSở TTTT,Sở Thông tin và Truyền thông\n", encoding="utf-8")
    add_aliases(table)
    assert canonical_agency("sở tttt") == "Sở Thông tin và Truyền thông"
    allocation = pf.optimize(tasks, agency_caps={"Sở TTTT": 60000})
    table_ = allocation.year_table()
    assert table_.loc[table_["agency"] == "Sở Thông tin và Truyền thông", "allocated"].sum() <= 60000 + 1e-6
    add_aliases({"Sở Y tế": "Sở Y tế Hải Phòng"})
    assert "Sở Y tế Hải Phòng" in set(pf.optimize(tasks).year_table()["agency"])


def test_reconcile_lists_the_merges(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", str(PLAN_TEXT)]) == 0
    out = capsys.readouterr().out
    assert "agency names merged:" in out
    assert f"{VP} <- 'Văn phòng ĐDBQH&HĐND TP'; 'Văn phòng ĐDBQH & HĐND thành phố'" in out
