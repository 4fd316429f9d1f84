"""The fixed words of Phụ lục 2's layout for a plan year: its title, unit line and headers.

The document names its plan year in its title (``… THỰC HIỆN NĂM 2024``), in group
B's heading and in the money columns' headers (``Dự kiến phân bổ kinh phí năm
2024``); these functions give that text for any year, so that a layout written for
2025 (:mod:`portfolio.layout_rows`, :mod:`portfolio.template`) reads back as 2025.
"""

from __future__ import annotations

from .tasks import GROUP_TITLES

__all__ = [
    "SUMMARY_TITLE",
    "TITLE_LINES",
    "UNIT_LINE",
    "group_title",
    "money_headers",
    "optional_headers",
    "title_lines",
]

UNIT_LINE = "Đơn vị tính: Triệu đồng"
SUMMARY_TITLE = "TỔNG HỢP CÁC NHÓM NHIỆM VỤ CHUYỂN ĐỔI SỐ"


def title_lines(year: int = 2024) -> tuple[str, str]:
    """The appendix's title for a plan year: ``("Phụ lục 2", "DANH MỤC … THỰC HIỆN NĂM 2025")``."""
    return ("Phụ lục 2", f"DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ THỰC HIỆN NĂM {year}")


def money_headers(year: int = 2024) -> dict[str, tuple[tuple[str, str], ...]]:
    """The money columns of each group's table, with the header text the document uses for ``year``."""
    planned = f"Dự kiến phân bổ kinh phí năm {year}"
    return {
        "A": (("approved", "Dự toán được duyệt"), ("planned", planned)),
        "B": (
            ("approved", "Dự toán được duyệt"),
            ("spent_before", f"Kinh phí đã sử dụng năm {year - 1}"),
            ("carried_over", f"Chuyển nguồn từ {year - 1} sang {year}"),
            ("planned", f"{planned} (đợt 1)"),
        ),
        "C": (("approved", "Nhu cầu kinh phí"), ("planned", f"{planned} (đợt 1)")),
        "D": (("approved", "Dự toán"), ("spent_before", "Đã phân bổ, thực hiện"), ("planned", planned)),
    }


def optional_headers(year: int = 2024) -> dict[str, str]:
    """Columns a group's table lacks in the document, shown only if a task needs them."""
    return {
        "spent_before": f"Kinh phí đã sử dụng năm {year - 1}",
        "carried_over": f"Chuyển nguồn từ {year - 1} sang {year}",
    }


def group_title(group: str, year: int = 2024) -> str:
    """A group's heading words for a plan year (group B names the year before and the year)."""
    if group == "B":
        return f"Các nhiệm vụ chuyển tiếp từ năm {year - 1} sang năm {year}"
    return GROUP_TITLES[group]


TITLE_LINES = title_lines(2024)
