"""The working paper's ``Độ nhạy`` sheet read back with openpyxl, against sensitivity() and marginal()."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import portfolio as pf
from portfolio.export import allocation_to_excel
from portfolio.paper_sheets import source_label, tier_label
from portfolio.sensitivity_sheet import ENVELOPE_HEADERS, OPEN_END, SENSITIVITY_SHEET

SHARES_HEAD = "Mã (id)"


def _read(path: Path) -> tuple[dict[tuple[str, int], tuple[object, ...]], dict[str, list[object]], list[str]]:
    """The sheet's envelope rows by (label, year), its task rows by id and the share columns' heads."""
    book = openpyxl.load_workbook(path, data_only=True)
    rows = [tuple(row) for row in book[SENSITIVITY_SHEET].iter_rows(values_only=True)]
    first = rows.index(tuple([*ENVELOPE_HEADERS, *[None] * (len(rows[0]) - len(ENVELOPE_HEADERS))]))
    envelopes: dict[tuple[str, int], tuple[object, ...]] = {}
    k = first + 1
    while rows[k][0]:
        envelopes[(str(rows[k][0]), int(str(rows[k][1])))] = rows[k]
        k += 1
    head = next(i for i in range(k, len(rows)) if rows[i][0] == SHARES_HEAD)
    columns = [str(c) for c in rows[head][2:] if c is not None][:-2]  # agency and task name come last
    tasks = {
        str(r[0]): list(r[2 : 2 + len(columns)]) for r in rows[head + 1 :] if r[0] and r[0] != "TỔNG (total)"
    }
    return envelopes, tasks, columns


def _check(allocation: pf.Allocation, path: Path) -> None:
    envelopes, tasks, columns = _read(path)
    sensitivity, marginal = allocation.sensitivity(), allocation.marginal()["per_million"]
    assert len(envelopes) == len(sensitivity) == len(columns)
    for (source, year), row in sensitivity.iterrows():
        cells = envelopes[(source_label(str(source)), int(year))]
        assert cells[2] == pytest.approx(row["amount"], abs=1e-9)
        for cell, value in ((cells[3], row["holds_from"]), (cells[4], row["holds_until"])):
            assert cell == (pytest.approx(value, abs=1e-9) if math.isfinite(value) else OPEN_END)
        assert cells[5] == pytest.approx(row["level"], abs=1e-12)
        rise = row["level_per_million"]
        assert cells[7] == (pytest.approx(0.01 / rise, rel=1e-12) if rise > 0 else "–")
        tier = row["rationed_tier"]
        assert cells[8] == (tier_label(int(tier)) if tier is not None and tier == tier else "–")
    assert set(tasks) == set(allocation.tasks.ids)
    for source, year in sensitivity.index:
        c = next(k for k, head in enumerate(columns) if str(year) in head and f"({source})" in head)
        shown = np.array([float(tasks[i][c] or 0.0) for i in allocation.tasks.ids])
        exact = marginal.loc[(source, year)].reindex(list(allocation.tasks.ids)).to_numpy()
        assert np.abs(shown - exact).max() <= 1e-12
    totals = next(
        r
        for r in openpyxl.load_workbook(path)[SENSITIVITY_SHEET].iter_rows(values_only=True)
        if r[0] == "TỔNG (total)"
    )
    for c, head in enumerate(columns):
        key = next(k for k in sensitivity.index if str(k[1]) in head and f"({k[0]})" in head)
        assert totals[2 + c] == pytest.approx(float(marginal.loc[key].sum()), abs=1e-12)


def test_the_working_paper_has_the_sensitivity(tmp_path: Path) -> None:
    allocation = pf.optimize()
    path = tmp_path / "paper.xlsx"
    allocation_to_excel(allocation, path)
    _check(allocation, path)
    envelopes, tasks, _ = _read(path)
    # the appendix: tier 3 of recurrent rises by 1/266.884 per million, 2.668,84 million a point
    recurrent = envelopes[(source_label("recurrent"), 2024)]
    assert recurrent[3:5] == (pytest.approx(246384.4833, abs=1e-3), pytest.approx(513268.4833, abs=1e-3))
    assert recurrent[6] == "1/266.884" and recurrent[7] == pytest.approx(2668.84)
    assert tasks["B38"][0] == pytest.approx(237540.6667 / 266884, rel=1e-6)  # 89,01% of each million
    # investment: nothing moves until D3 fits whole at 83.818,98
    investment = envelopes[(source_label("investment"), 2024)]
    assert investment[4] == pytest.approx(83818.98, abs=0.05) and investment[6] == "0"
    assert all(cells[1] is None for cells in tasks.values())


def test_a_plan_has_one_column_per_envelope_and_year(tmp_path: Path) -> None:
    from portfolio.cli import main

    path = tmp_path / "plan.xlsx"
    assert main(["optimize", "--years", "3", "--out", str(path)]) == 0
    allocation = pf.optimize(years=3)
    _check(allocation, path)
    envelopes, _, columns = _read(path)
    assert len(columns) == 6 and envelopes[(source_label("investment"), 2026)][4] == OPEN_END


def test_the_sheet_can_be_left_out(tmp_path: Path) -> None:
    path = tmp_path / "paper.xlsx"
    allocation_to_excel(pf.optimize(), path, sensitivity=False)
    assert SENSITIVITY_SHEET not in openpyxl.load_workbook(path).sheetnames


def test_in_vietnamese_the_sheet_has_no_english(tmp_path: Path) -> None:
    from portfolio.language import GLOSS

    path = tmp_path / "paper.xlsx"
    allocation = pf.optimize()
    allocation_to_excel(allocation, path, lang="vi")
    rows = list(openpyxl.load_workbook(path)[SENSITIVITY_SHEET].iter_rows(values_only=True))
    names = {text for task in allocation.tasks for text in (task.name, task.agency)}  # the document's own
    texts = [str(c) for row in rows for c in row if isinstance(c, str) and c not in names]
    assert not [t for t in texts if GLOSS.search(t)]
    assert [GLOSS.sub("", h) for h in ENVELOPE_HEADERS] in [[c for c in row if c is not None] for row in rows]
