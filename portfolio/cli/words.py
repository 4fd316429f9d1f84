"""The words of the command line's tables, in English or Vietnamese (``--lang vi``)."""

from __future__ import annotations

__all__ = ["WORDS", "amount_word", "source_word", "tier_word", "word"]

#: key -> (English, Vietnamese)
WORDS: dict[str, tuple[str, str]] = {
    "source / tier": ("source / tier", "nguồn vốn / thứ bậc"),
    "group": ("group", "nhóm"),
    "rows": ("rows", "số dòng"),
    "total": ("total", "tổng"),
    "demand": ("demand", "nhu cầu"),
    "planned": ("planned", "dự kiến"),
    "allocated": ("allocated", "phân bổ"),
    "coverage": ("coverage", "tỷ lệ"),
    "round_1": ("round 1", "đợt 1"),
    "round_2": ("round 2", "đợt 2"),
    "approved": ("approved", "dự toán"),
    "spent_before": ("spent before", "đã sử dụng"),
    "carried_over": ("carried over", "chuyển nguồn"),
    "rule": ("rule", "quy tắc"),
    "envelopes": ("envelopes", "hạn mức"),
    "plan year": ("plan year", "năm kế hoạch"),
    "million VND": ("million VND", "triệu đồng"),
    "wrote": ("wrote", "đã ghi"),
    "tasks": ("tasks", "nhiệm vụ"),
    "envelope": ("envelope", "hạn mức"),
    "failed": ("failed", "không khả thi"),
    "difference": ("difference", "chênh lệch"),
    "compare note": (
        "million VND; planned = the document's Dự kiến phân bổ",
        "triệu đồng; dự kiến = Dự kiến phân bổ của văn bản",
    ),
    "frontier title": (
        "coverage of each tier by envelope (million VND)",
        "tỷ lệ đáp ứng từng thứ bậc theo hạn mức (triệu đồng)",
    ),
}
_SOURCES = {"recurrent": "chi thường xuyên", "investment": "đầu tư công", "both": "cả hai nguồn"}


def word(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (``en`` or ``vi``)."""
    english, vietnamese = WORDS[key]
    return vietnamese if lang == "vi" else english


def source_word(source: str, lang: str) -> str:
    """``recurrent`` or, in Vietnamese, ``chi thường xuyên``."""
    return _SOURCES.get(source, source) if lang == "vi" else source


def tier_word(tier: object, lang: str) -> str:
    """``tier 3`` or ``thứ bậc 3``."""
    return f"{'thứ bậc' if lang == 'vi' else 'tier'} {tier}"


def amount_word(value: float, decimals: int = 2) -> str:
    """``1.158.731,00`` (``decimals`` digits after the comma), ``-`` for a missing amount."""
    import math

    from ..money import format_vnd

    return "-" if value is None or not math.isfinite(float(value)) else format_vnd(float(value), decimals)
