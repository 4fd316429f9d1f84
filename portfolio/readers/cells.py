"""The text of the document's cells: cleaned, look-alikes folded, headings and column titles known.

Every reader of the document layout sees a cell through these functions, so a
heading typed with a Cyrillic ``А`` or a fullwidth ``Ａ``, with odd spacing or
in lower case, and a column title with tags or entities, read alike.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["cell_key", "clean_cell", "column_of", "fold", "heading_group", "unknown_group"]

_TAGS = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^[\s*_#]*([A-Ea-e])\s*\.\s*([^\s\d.].*)$")
# "F. CÁC NHIỆM VỤ … (2 nhiệm vụ)": shaped like a group heading, but no group of the appendix
_OTHER_HEADING = re.compile(r"^[\s*_#]*([A-Z])\s*\.\s*[^\s\d.]")
# Letters that look Latin but are not (Cyrillic, Greek): a heading typed or pasted with
# one of them must still be read as the group it shows.
_CONFUSABLES = str.maketrans(
    "АВСЕНКМОРТХаеорсхуАВЕНІЈКМОРЅТХΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "ABCEHKMOPTXaeopcxyABEHIJKMOPSTXABEHIKMNOPTXYZ",
)
_TASK_COUNT = re.compile(r"\(\s*0*(\d+)\s+nhiệm\s+vụ\s*\)", re.IGNORECASE)


def clean_cell(value: object) -> str:
    """Text of a cell without tags, entities, odd spaces or Unicode variants.

    Examples
    --------
    >>> clean_cell("<b>Văn phòng ĐDBQH&amp;HĐND TP</b>")
    'Văn phòng ĐDBQH&HĐND TP'
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = html.unescape(_TAGS.sub("", str(value)))
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))
    return " ".join(text.split())


def fold(text: str) -> str:
    """Text as it looks: compatibility forms (fullwidth ``Ａ``) and Cyrillic/Greek look-alikes made Latin.

    Examples
    --------
    >>> fold("\u0410. CÁC NHIỆM VỤ"), fold("ＴＴ")
    ('A. CÁC NHIỆM VỤ', 'TT')
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).translate(_CONFUSABLES))


def heading_group(text: str) -> tuple[str, int | None] | None:
    """Group letter and announced task count of a heading such as ``A. CÁC … (14 nhiệm vụ)``.

    The letter may be a look-alike (Cyrillic ``А``), the spacing around the dot
    may vary, and a lower-case heading is read when it announces its task count.

    Examples
    --------
    >>> heading_group("**\u0410.CÁC NHIỆM VỤ TRIỂN KHAI (14 NHIỆM VỤ)**")
    ('A', 14)
    >>> heading_group("b. các nhiệm vụ chuyển tiếp (39 nhiệm vụ)"), heading_group("B. 38 tỷ")
    (('B', 39), None)
    """
    match = _HEADING.match(fold(clean_cell(text)))
    if not match:
        return None
    rest = match.group(2)
    count = _TASK_COUNT.search(rest)
    capital = match.group(1).isupper() and any(ch.isalpha() and ch.isupper() for ch in rest[:8])
    if not capital and count is None:
        return None
    return match.group(1).upper(), int(count.group(1)) if count else None


def unknown_group(text: str) -> str | None:
    """The letter of a heading shaped like a group heading, with a task count, but not A–E."""
    cleaned = fold(clean_cell(text))
    match = _OTHER_HEADING.match(cleaned)
    if match and match.group(1) not in "ABCDE" and _TASK_COUNT.search(cleaned):
        return match.group(1)
    return None


def cell_key(text: str) -> str:
    """A cell as a key to compare: cleaned, look-alikes folded, case-folded."""
    return fold(clean_cell(text)).casefold()


def column_of(header: str) -> str | None:
    """Map a header cell of the document to the tidy column it holds."""
    h = cell_key(header)
    if h in {"tt", "stt"}:
        return "number"
    if h.startswith("tên nhóm"):
        return "group_letter"
    if h.startswith("tên nhiệm vụ"):
        return "name"
    if h.startswith("thời gian"):
        return "period"
    if h.startswith("đơn vị chủ trì"):
        return "agency"
    if h.startswith("dự toán") or h.startswith("nhu cầu kinh phí"):
        return "approved"
    if h.startswith("kinh phí đã sử dụng") or h.startswith("đã phân bổ"):
        return "spent_before"
    if h.startswith("chuyển nguồn"):
        return "carried_over"
    if h.startswith("dự kiến phân bổ"):
        return "planned"
    return None
