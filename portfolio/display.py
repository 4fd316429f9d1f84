"""How results show themselves: the display options, words and number formats.

``portfolio.options.display`` holds the settings every rich display reads, so
that no notebook needs a formatter of its own:

* ``lang``: ``"vi"`` (default) writes Vietnamese headings with English in
  parentheses and Vietnamese numbers (``1.158.731``, ``32,23%``); ``"en"``
  writes English headings and ``1,158,731``, ``32.23%``.
* ``max_rows``: the most rows of one table in a summary (the ten largest
  changes, the sampled points of a frontier).
* ``glosses``: with ``lang="vi"``, whether headings keep their English gloss
  in parentheses (default ``True``); a result made with ``lang="vi"``
  (``pf.optimize(..., lang="vi")``) is shown without them.

>>> import portfolio as pf
>>> pf.options.display.lang
'vi'
>>> amount(1158731.4), percent(0.32227)
('1.158.731', '32,23%')
>>> with option_context(lang="en"):
...     amount(1158731.4), percent(0.32227), word("envelope")
('1,158,731', '32.23%', 'Envelope')
>>> word("envelope")
'Hạn mức (envelope)'
>>> number(237540.666), number(0.32227)
('237.540,67', '0,3223')
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import ScenarioError
from .money import format_vnd

__all__ = ["DisplayOptions", "amount", "html_table", "number", "option_context", "options", "percent"]
__all__ += ["source_word", "tier_word", "word"]

LANGS = ("vi", "en")

# key -> (Vietnamese, English)
_WORDS: dict[str, tuple[str, str]] = {
    "allocation": ("Phân bổ ngân sách", "Allocation"),
    "rule": ("quy tắc", "rule"),
    "status": ("trạng thái", "status"),
    "envelope": ("Hạn mức", "Envelope"),
    "allocated": ("Phân bổ", "Allocated"),
    "unspent": ("Chưa phân bổ", "Unspent"),
    "demand": ("Nhu cầu", "Demand"),
    "planned": ("Dự kiến phân bổ", "Planned"),
    "difference": ("Chênh lệch", "Difference"),
    "coverage": ("Mức đáp ứng", "Coverage"),
    "source": ("Nguồn vốn", "Source"),
    "tier": ("Thứ bậc", "Tier"),
    "group": ("Nhóm", "Group"),
    "task": ("Nhiệm vụ", "Task"),
    "tasks": ("nhiệm vụ", "tasks"),
    "name": ("Tên nhiệm vụ", "Name"),
    "agency": ("Đơn vị chủ trì", "Lead agency"),
    "year": ("Năm", "Year"),
    "scenario": ("Kịch bản", "Scenario"),
    "failed": ("Không khả thi", "Infeasible"),
    "changes": ("Những thay đổi lớn nhất so với văn bản", "The largest changes against the document"),
    "by_tier": ("Theo nguồn vốn và thứ bậc", "By source and tier"),
    "by_group": ("Theo nhóm nhiệm vụ", "By task group"),
    "envelopes": ("Hạn mức và số đã phân bổ", "Envelopes and what was allocated"),
    "frontier": ("Mức đáp ứng theo hạn mức", "Coverage by envelope"),
    "current": ("hạn mức hiện tại", "current envelope"),
    "points": ("điểm", "points"),
    "more": ("còn {n} dòng nữa", "{n} more rows"),
    "full_table": ("bảng đầy đủ", "the full table"),
    "total": ("TỔNG", "Total"),
    "reason": ("Lý do", "Reason"),
}
_SOURCES = {"recurrent": ("Chi thường xuyên", "recurrent"), "investment": ("Đầu tư công", "investment")}
_TIERS = {
    1: ("Cam kết", "commitments"),
    2: ("Hoàn thành trong năm", "finishing"),
    3: ("Chuyển tiếp", "continuing"),
    4: ("Khởi công mới", "new"),
}


class DisplayOptions:
    """The settings of every rich display (``portfolio.options.display``).

    Attributes
    ----------
    lang
        ``"vi"`` (default) or ``"en"``.
    max_rows
        The most rows of one table in a summary (default 10).
    glosses
        Whether Vietnamese headings keep their English gloss (default ``True``).
    """

    def __init__(self) -> None:
        self._lang = "vi"
        self._max_rows = 10
        self._glosses = True

    @property
    def glosses(self) -> bool:
        """Whether Vietnamese headings keep their English gloss: ``Hạn mức (envelope)``."""
        return self._glosses

    @glosses.setter
    def glosses(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise ScenarioError(f"expected True or False, got {value!r}", field="glosses")
        self._glosses = value

    @property
    def lang(self) -> str:
        """``"vi"`` or ``"en"``."""
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        if value not in LANGS:
            raise ScenarioError(f"expected one of {', '.join(LANGS)}, got {value!r}", field="lang")
        self._lang = value

    @property
    def max_rows(self) -> int:
        """The most rows of one table in a summary."""
        return self._max_rows

    @max_rows.setter
    def max_rows(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScenarioError(f"expected a whole number ≥ 1, got {value!r}", field="max_rows")
        self._max_rows = value

    def format_pandas(self) -> None:
        """Show every float of a pandas table in the display's number format.

        Amounts with two decimals (``237.540,67``), shares below 1 with four
        (``0,3223``); the language is read when a table is shown.
        """
        import pandas as pd

        pd.set_option("display.float_format", number)

    def __repr__(self) -> str:
        return f"DisplayOptions(lang={self.lang!r}, max_rows={self.max_rows}, glosses={self.glosses})"


class _Options:
    """``portfolio.options``: settings by area (only ``display`` for now)."""

    def __init__(self) -> None:
        self.display = DisplayOptions()

    def __repr__(self) -> str:
        return f"options(display={self.display!r})"


options = _Options()


@contextmanager
def option_context(**settings: Any) -> Iterator[None]:
    """Set display options for a ``with`` block, then put the old ones back."""
    display = options.display
    old = {key: getattr(display, key) for key in settings}
    try:
        for key, value in settings.items():
            if key not in ("lang", "max_rows", "glosses"):
                raise ScenarioError(f"no display option {key!r}; known: lang, max_rows, glosses", field=key)
            setattr(display, key, value)
        yield
    finally:
        for key, value in old.items():
            setattr(display, key, value)


def _pick(pair: tuple[str, str], *, both: bool = True) -> str:
    vi, en = pair
    if options.display.lang == "en":
        return en[:1].upper() + en[1:]
    glossed = both and options.display.glosses and vi.lower() != en.lower()
    return f"{vi} ({en.lower()})" if glossed else vi


def word(key: str, *, both: bool = True) -> str:
    """A heading in the display language (``both``: English in parentheses after Vietnamese)."""
    return _pick(_WORDS[key], both=both)


def source_word(source: str) -> str:
    """A funding source in words: ``Chi thường xuyên (recurrent)``."""
    return _pick(_SOURCES.get(source, (source, source)))


def tier_word(tier: int) -> str:
    """A tier in words: ``3 · Chuyển tiếp (continuing)``."""
    return f"{int(tier)} · {_pick(_TIERS.get(int(tier), (str(tier), str(tier))))}"


def amount(value: float, decimals: int = 0) -> str:
    """An amount in million VND, in the display's number format (``-`` when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if options.display.lang == "en":
        return f"{float(value):,.{decimals}f}"
    return format_vnd(float(value), decimals)


def number(value: float) -> str:
    """A float of a table: two decimals, four for a share below 1 (``237.540,67``, ``0,3223``)."""
    if not math.isfinite(float(value)):
        return str(value)
    return amount(value, 4 if 0 < abs(value) < 1 else 2)


def percent(share: float, decimals: int = 2) -> str:
    """A share (0–1) as a percentage: ``32,23%`` (``-`` when missing)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "-"
    text = f"{100.0 * float(share):.{decimals}f}%"
    return text if options.display.lang == "en" else text.replace(".", ",")


STYLE = (
    "<style>.pf-view{font-family:sans-serif;font-size:13px}.pf-view h4{margin:.6em 0 .3em}"
    ".pf-view table{border-collapse:collapse;margin:.2em 0 .8em}"
    ".pf-view th,.pf-view td{border-bottom:1px solid #ddd;padding:2px 8px}"
    ".pf-view th{text-align:left;background:#f3f5f8}.pf-view td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.pf-view .up{color:#2f7d3b}.pf-view .down{color:#b0392f}"
    ".pf-view .note{color:#666}</style>"
)


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric_from: int = 1) -> str:
    """A small HTML table; cells from column ``numeric_from`` on are right-aligned.

    A cell may be a ``(text, css class)`` pair. Text is escaped.
    """
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            text, css = cell if isinstance(cell, tuple) else (cell, "")
            classes = " ".join(c for c in ("n" if k >= numeric_from else "", css) if c)
            attr = f' class="{classes}"' if classes else ""
            cells.append(f"<td{attr}>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def signed(value: float, decimals: int = 0) -> tuple[str, str]:
    """A change with its sign and a css class (``up``/``down``) for a table cell."""
    text = amount(value, decimals)
    if value > 0.5 * 10.0**-decimals:
        return "+" + text, "up"
    if value < -0.5 * 10.0**-decimals:
        return text, "down"
    return text, ""
