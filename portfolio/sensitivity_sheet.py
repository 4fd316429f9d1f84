"""The working paper's ``Độ nhạy`` sheet: what one more million VND buys (MODEL §7, docs/model.md §5).

Two tables, from :meth:`Allocation.sensitivity` and :meth:`Allocation.marginal`:

- per envelope (funding source and year): the envelope, the range
  ``[holds_from, holds_until]`` over which the marginal vector holds, the first
  tier whose tasks the extra money raises, the level of those tasks, and the
  level's rise per million (as ``1/266.884`` and as the million VND that raise it
  by one percentage point), as :meth:`Allocation.sensitivity` defines them;
- per task, in document order: the share of each extra million of each
  envelope that the task receives (over the whole run: in a plan a change in
  one year's envelope moves later years too), and the column's total, the share
  of the extra million spent.

Amounts are exact (the workbook shows two decimals at most); an open end of a
range is the text ``∞``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .money import format_amount
from .paper_sheets import TOTAL_LABEL, envelope_order, source_label, tier_label
from .sheets import Cell, Percent, Sheet
from .tolerances import SHARE, SHOWN

if TYPE_CHECKING:
    from .model.allocation import Allocation
    from .tasks import TaskList

__all__ = ["SENSITIVITY_SHEET", "ENVELOPE_HEADERS", "rate_text", "sensitivity_sheet"]

SENSITIVITY_SHEET = "Độ nhạy"
ENVELOPE_HEADERS = (
    "Nguồn vốn (funding source)",
    "Năm (year)",
    "Hạn mức (envelope)",
    "Đúng từ (holds from)",
    "Đến (holds until)",
    "Mức (level)",
    "Mức tăng mỗi triệu (level's rise per million)",
    "Triệu đồng cho 1 điểm % (million VND per point of level)",
    "Thứ bậc bị hạn chế (rationed tier)",
)
OPEN_END = "∞"
_SHORT = {"recurrent": "Thường xuyên", "investment": "Đầu tư công"}
_UNIT = "Đơn vị tính: triệu đồng (million VND)"


def rate_text(value: float) -> str:
    """A rise per million as text: ``1/266.884`` when its inverse is a round amount, else 3 digits.

    Examples
    --------
    >>> rate_text(1 / 266884), rate_text(1 / 254707.5), rate_text(0.0), rate_text(0.375), rate_text(1.0)
    ('1/266.884', '1/254.707,5', '0', '0,375', '1')
    """
    if not value > 0:
        return "0"
    inverse = 1.0 / value
    if inverse > 1 and abs(inverse - round(inverse, 2)) <= SHOWN * inverse:
        return f"1/{format_amount(inverse)}"
    return f"{value:.3g}".replace(".", ",")


def _end(value: float) -> Cell:
    return float(value) if math.isfinite(value) else OPEN_END


def _share(value: float) -> Cell:
    """A task's share of the extra million as a percentage; empty when it gains nothing."""
    return Percent(value) if abs(value) > SHARE else ""  # below: float noise, shown empty


def sensitivity_sheet(allocation: Allocation, tasks: TaskList) -> Sheet:
    """``Độ nhạy``: the sensitivity per envelope, then each task's gain per extra million.

    ``tasks`` gives the document order of the task table (the allocation's own,
    or the list the working paper is laid out from).
    """
    sensitivity = allocation.sensitivity()
    marginal = allocation.marginal()["per_million"]
    keys = sorted(sensitivity.index, key=lambda key: envelope_order(str(key[0]), int(key[1])))
    sheet = Sheet(SENSITIVITY_SHEET)
    sheet.add(["Độ nhạy: giá trị của một triệu đồng tăng thêm (sensitivity: one more million VND)"], "title")
    sheet.add([f"Quy tắc (rule): {allocation.rule}. {_UNIT}"], "note")
    sheet.add(
        [
            "Trong khoảng [đúng từ, đến] của một hạn mức, khi hạn mức tăng δ triệu đồng, mỗi nhiệm vụ "
            "nhận thêm δ nhân tỷ lệ mỗi triệu của nó (within the range, each task gains d times its share "
            "when the envelope rises by d million)"
        ],
        "note",
    )
    sheet.blank()
    sheet.add(["Theo hạn mức (by envelope)"], "heading")
    sheet.add_header(list(ENVELOPE_HEADERS))
    for source, year in keys:
        row = sensitivity.loc[(source, year)]
        tier = row["rationed_tier"]
        rationed = tier is not None and tier == tier  # neither None nor NaN
        rise = float(row["level_per_million"])
        sheet.add(
            [
                source_label(str(source)),
                str(year),
                float(row["amount"]),
                _end(float(row["holds_from"])),
                _end(float(row["holds_until"])),
                Percent(float(row["level"])),
                rate_text(rise),
                0.01 / rise if rise > 0 else "–",
                tier_label(int(tier)) if rationed else "–",
            ]
        )
    sheet.blank()
    sheet.add(["Mỗi triệu tăng thêm cho từng nhiệm vụ (each task's share of one more million)"], "heading")
    columns = [f"{_SHORT.get(str(source), str(source))} {year} ({source})" for source, year in keys]
    # the shares stand under the first table's figures, the long texts to their right
    sheet.add(
        ["Mã (id)", "Nhóm (group)", *columns, "Đơn vị chủ trì (agency)", "Tên nhiệm vụ (task)"], "header"
    )
    shares = {key: marginal.loc[key] for key in keys}
    for task in tasks:
        cells: list[Cell] = [task.id, task.group]
        cells += [_share(float(shares[key].get(task.id, 0.0))) for key in keys]
        sheet.add([*cells, task.agency, task.name])
    totals = [Percent(float(shares[key].sum())) for key in keys]
    sheet.add(
        [TOTAL_LABEL, "", *totals, "phần của một triệu được chi (share of the million spent)", ""], "total"
    )
    return sheet
