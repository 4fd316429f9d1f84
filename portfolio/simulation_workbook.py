"""A simulation as a workbook: summary, core index per task, tier coverage, new starts, the envelopes drawn.

Written by the project's one workbook writer (:func:`portfolio.workbook.write_workbook`):
atomic, reproducible bytes, text kept text, print-ready.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from .export import tier_label
from .sheets import Cell, Percent, Sheet
from .workbook import write_workbook

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["simulation_sheets", "simulation_to_excel"]

_SHARES = {"core_index", "mean_coverage"}


def _number(value: object) -> Cell:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


def _summary(sim: Simulation) -> Sheet:
    sheet = Sheet("Tóm tắt (summary)")
    sheet.add(["Mô phỏng ngân sách (budget simulation): Monte Carlo over the envelopes"], "title")
    sheet.add(
        [
            "Chỉ số lõi (core index): the share of scenarios that fund a task in full "
            "(allocated ≥ demand − 0,01 million VND); amounts in million VND"
        ],
        "note",
    )
    sheet.blank()
    sheet.add_header(["Mục (item)", "Giá trị (value)"])
    for key, value in sim.summary().items():
        share = str(key).startswith(("coverage", "failed", "min completion"))
        cell = Percent(float(value)) if share and value is not None else _number(value)
        sheet.add([str(key), cell])
    return sheet


def _tasks(sim: Simulation) -> Sheet:
    table = sim.task_table()
    sheet = Sheet("Chỉ số lõi (core index)", widths={2: 48.0})  # long names wrap
    quantiles = [c for c in table.columns if c.startswith("q")]
    sheet.add_header(
        [
            "Năm (year)",
            "Mã (id)",
            "Tên nhiệm vụ (task)",
            "Nhóm (group)",
            "Cơ quan (agency)",
            "Nguồn vốn (source)",
            "Thứ bậc (tier)",
            "Nhu cầu, trung vị (median demand)",
            "Chỉ số lõi (core index)",
            "Phân bổ trung bình (mean allocated)",
            *[f"Phân bổ {float(c[1:]):g}% (allocated, quantile)" for c in quantiles],
        ]
    )
    for key, row in table.iterrows():
        year, task = cast(tuple[int, str], key)
        sheet.add(
            [
                int(year),
                str(task),
                str(row["name"]),
                row["group"],
                row["agency"],
                row["funding_source"],
                tier_label(int(row["tier"])) if row["tier"] else None,
                _number(row["demand"]),
                Percent(float(row["core_index"])),
                _number(row["mean"]),
                *[_number(row[c]) for c in quantiles],
            ]
        )
    return sheet


def _coverage(sim: Simulation) -> Sheet:
    table = sim.coverage("tier")
    sheet = Sheet("Mức đáp ứng (tier coverage)")
    quantiles = [c for c in table.columns if c.startswith("q")]
    sheet.add_header(
        [
            "Nguồn vốn (source)",
            "Năm (year)",
            "Thứ bậc (tier)",
            "Trung bình (mean)",
            *[f"{float(c[1:]):g}% (quantile)" for c in quantiles],
        ]
    )
    for key, row in table.iterrows():
        source, year, tier = cast(tuple[str, int, int], key)
        cells: list[Cell] = [str(source), int(year), tier_label(int(tier))]
        cells += [None if np.isnan(row[c]) else Percent(float(row[c])) for c in ["mean", *quantiles]]
        sheet.add(cells)
    return sheet


def _starts(sim: Simulation) -> Sheet:
    sheet = Sheet("Khởi công mới (new starts)")
    decided = sim.decided_starts
    header = ["Mã (id)", "Khởi công và hoàn thành (started and completed), share of scenarios"]
    if decided is not None:
        header += ["Quyết định (decision)", "Năm khởi công (start year)", "Nếu khởi công (if started)"]
    sheet.add_header(header)
    for task, share in sim.start_probability.items():
        cells: list[Cell] = [str(task), Percent(float(share))]
        if decided is not None:
            row = decided.loc[str(task)]
            start = row["start_year"]
            if_started = row["if_started"]
            cells += [
                str(row["status"]),
                None if start is None or start is np.nan or str(start) == "<NA>" else int(start),
                None if np.isnan(if_started) else Percent(float(if_started)),
            ]
        sheet.add(cells)
    return sheet


def _envelopes(sim: Simulation) -> Sheet:
    sheet = Sheet("Hạn mức (envelopes drawn)")
    columns = [cast(tuple[str, int], c) for c in sim.envelopes.columns]
    sheet.add_header(
        ["Kịch bản (scenario)", *[f"{s} {y}" for s, y in columns], "Không khả thi (infeasible because)"]
    )
    values = sim.envelopes.to_numpy(float)
    for i in range(sim.scenarios):
        reason = str(sim.outcomes.reason[i])
        sheet.add([i, *(float(v) for v in values[i]), reason or None])
    return sheet


def simulation_sheets(sim: Simulation) -> Iterator[Sheet]:
    """The workbook's sheets, each made just before it is written."""
    yield _summary(sim)
    yield _tasks(sim)
    yield _coverage(sim)
    yield _starts(sim)
    yield _envelopes(sim)


def simulation_to_excel(sim: Simulation, path: str | Path) -> None:
    """Write ``sim`` as an ``.xlsx`` (atomic, reproducible bytes)."""
    write_workbook(simulation_sheets(sim), path, title="Mô phỏng ngân sách (budget simulation)")
