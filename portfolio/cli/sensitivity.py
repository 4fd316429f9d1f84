"""``portfolio optimize --sensitivity``: what one more million VND buys, per envelope and year."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..money import format_amount, format_percent
from ..sensitivity_sheet import rate_text
from ..tolerances import RATE
from .words import source_word, tier_word

if TYPE_CHECKING:
    from ..model import Allocation

__all__ = ["print_sensitivity"]

#: Tasks named per envelope: the largest gains.
TOP = 5


def _end(value: float) -> str:
    return format_amount(value) if np.isfinite(value) else ("∞" if value > 0 else "−∞")


def _share(value: float) -> str:
    """A gain per million, four significant digits, decimal comma: ``0,8901``."""
    return f"{value:.4g}".replace(".", ",")


def print_sensitivity(allocation: Allocation, lang: str = "en") -> None:
    """Print :meth:`Allocation.sensitivity` and the tasks :meth:`Allocation.marginal` moves most.

    One line per envelope and year: the range ``[holds_from, holds_until]`` over which
    the marginal vector holds, the rationed tier, its level and its rise per million;
    then the tasks that gain most per extra million in that envelope.
    """
    vi = lang == "vi"
    sensitivity = allocation.sensitivity()
    marginal = allocation.marginal().reset_index()
    print(
        "Độ nhạy: một triệu đồng tăng thêm trong mỗi hạn mức"
        if vi
        else "Sensitivity (độ nhạy): one more million VND in each envelope"
    )
    head = ("hạn mức", "năm", "số tiền", "đúng từ", "đến", "thứ bậc", "mức", "mỗi triệu")
    head_en = ("envelope", "year", "amount", "holds from", "holds until", "rationed", "level", "per million")
    widths = (24, 6, 14, 14, 14, 12, 10, 12)
    print("".join(f"{h:<{w}}" for h, w in zip(head if vi else head_en, widths, strict=True)))
    for key, row in sensitivity.iterrows():
        source, year = str(key[0]), int(key[1])  # type: ignore[index]
        tier = row["rationed_tier"]
        cells = (
            source_word(source, lang),
            str(year),
            format_amount(row["amount"]),
            _end(row["holds_from"]),
            _end(row["holds_until"]),
            "–" if tier is None or tier != tier else tier_word(int(tier), lang),
            format_percent(row["level"]),
            rate_text(row["level_per_million"]),
        )
        print("".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)))
        mine = marginal[(marginal["envelope"] == source) & (marginal["year"] == year)]
        gains = mine.set_index("id")["per_million"]
        gains = gains[gains.abs() > RATE].sort_values(ascending=False, kind="stable").head(TOP)
        if len(gains):
            words = ", ".join(f"{task} {_share(float(v))}" for task, v in gains.items())
            print(f"  {'mỗi triệu tăng thêm cho' if vi else 'each extra million goes to'}: {words}")
