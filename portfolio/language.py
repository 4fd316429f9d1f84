"""One language setting for what a result shows: ``"en"`` or ``"vi"``.

A language is given per call (``pf.explain(a, lang="vi")``, ``a.plot(lang="vi")``),
else by the result (``pf.optimize(..., lang="vi")`` sets :attr:`Allocation.lang
<portfolio.model.allocation.Allocation>`), else each output keeps its default:
explanations in English, charts and workbooks in Vietnamese with English glosses
in parentheses (``Phân bổ (allocated)``), notebook displays as
``pf.options.display`` says. ``"vi"`` is Vietnamese throughout: the reasons in
Vietnamese, and the glosses dropped from charts, workbook labels and displays.

>>> lang_of(None), lang_of("vi"), lang_of(None, default="vi")
('en', 'vi', 'vi')
>>> without_glosses("Phân bổ tối ưu (optimized)"), without_glosses("Trung tâm (IOC) năm 2024")
('Phân bổ tối ưu', 'Trung tâm năm 2024')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from .errors import ScenarioError

if TYPE_CHECKING:
    from .sheets import Sheet

__all__ = ["LANGS", "check_lang", "display_context", "lang_of", "vietnamese_sheets", "without_glosses"]

LANGS = ("en", "vi")
# an English gloss in parentheses: "(allocated)", "(tier 3)", "(million VND)"; never "(đợt 1)"
GLOSS = re.compile(r"\s*\((?=[^()]*[A-Za-z])[ -'*-~]*\)")
_LABEL_STYLES = {"title", "heading", "note", "header", "total"}


def check_lang(lang: object) -> str:
    """``lang`` if it is ``"en"`` or ``"vi"``, else a :class:`ScenarioError` naming the field ``lang``."""
    if lang not in LANGS:
        raise ScenarioError(f"expected one of {', '.join(LANGS)}, got {lang!r}", field="lang")
    return str(lang)


def lang_of(lang: str | None, owner: object = None, default: str = "en") -> str:
    """The language of one output: ``lang`` if given, else the ``owner``'s ``lang``, else ``default``."""
    if lang is not None:
        return check_lang(lang)
    own = getattr(owner, "lang", None)
    return check_lang(own) if own is not None else default


def without_glosses(text: str) -> str:
    """``text`` without its English glosses in parentheses."""
    return GLOSS.sub("", text)


def display_context(owner: object) -> AbstractContextManager[None]:
    """The display options a result with its own ``lang`` is shown in (none when it has none).

    ``"vi"``: Vietnamese headings without English glosses; ``"en"``: English.
    """
    from .display import option_context

    own = getattr(owner, "lang", None)
    if own is None:
        return nullcontext()
    if check_lang(own) == "vi":
        return option_context(lang="vi", glosses=False)
    return option_context(lang="en")


def vietnamese_sheets(sheets: Iterable[Sheet], names: Iterable[str] = ()) -> Iterator[Sheet]:
    """The sheets with the English glosses dropped from their labels, one by one as they are made.

    Titles, headings, notes, header and total rows lose every gloss; other rows
    lose them from every text cell that is not one of ``names`` (the tasks' and
    agencies' own names, which may hold an abbreviation such as ``(IOC)``), and
    the cell comments lose theirs too.
    """
    kept = set(names)
    for sheet in sheets:
        for number, (style, cells) in enumerate(sheet.rows):
            if style in _LABEL_STYLES:
                changed = [without_glosses(c) if isinstance(c, str) else c for c in cells]
            else:
                changed = [without_glosses(c) if isinstance(c, str) and c not in kept else c for c in cells]
            sheet.rows[number] = (style, changed)
        for key, text in sheet.comments.items():
            sheet.comments[key] = without_glosses(text)
        yield sheet
