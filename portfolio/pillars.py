"""The pillars of Nghị quyết 03-NQ/TU and the twelve headings of Phụ lục I.

Hải Phòng's digital-transformation resolution (Nghị quyết 03-NQ/TU,
26/10/2021, sections III and IV) builds on the foundations (*nền tảng*:
institutions, digital infrastructure and platforms, data, information security,
human resources, awareness) and three pillars: Chính quyền số (digital
government), Kinh tế số (digital economy) and Xã hội số (digital society).
Phụ lục I of Kế hoạch 325/KH-UBND lists the 2024 tasks under twelve headings,
I Thể chế số … XII Không gian trải nghiệm; each heading belongs to one pillar
(:data:`CATEGORY_PILLAR`). A task the rules cannot place is *chưa phân loại*.

Names are compared the way a reader writes them: case, spacing, the place of a
tone mark (``hoá``/``hóa``) and English aliases (``digital economy``) do not
matter (:func:`pillar_name`, :func:`category_name`).

>>> pillar_name("digital economy")
'Kinh tế số'
>>> category_name("vi")
'VI Dữ liệu số'
>>> CATEGORY_PILLAR["IX Chính phủ số"]
'Chính quyền số'
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "CATEGORIES",
    "CATEGORY_PILLAR",
    "FOUNDATIONS",
    "PILLARS",
    "UNCLASSIFIED",
    "category_name",
    "fold",
    "pillar_name",
]

#: Written with a capital as the three pillars are; a file may write it in any case
#: (``nền tảng``): names are compared folded (:func:`pillar_name`).
FOUNDATIONS = "Nền tảng"
UNCLASSIFIED = "chưa phân loại"
#: The four pillars in the Resolution's order (foundations first), then the bucket.
PILLARS = (FOUNDATIONS, "Chính quyền số", "Kinh tế số", "Xã hội số")

#: The twelve headings of Phụ lục I, numbered as the plan numbers them, with their pillar.
CATEGORY_PILLAR = {
    "I Thể chế số": FOUNDATIONS,
    "II Hạ tầng số": FOUNDATIONS,
    "III Nhân lực số": FOUNDATIONS,
    "IV Nhận thức số": FOUNDATIONS,
    "V Nền tảng số cơ bản": FOUNDATIONS,
    "VI Dữ liệu số": FOUNDATIONS,
    "VII An toàn thông tin mạng": FOUNDATIONS,
    "VIII Doanh nghiệp công nghệ số": "Kinh tế số",
    "IX Chính phủ số": "Chính quyền số",
    "X Kinh tế số": "Kinh tế số",
    "XI Xã hội số": "Xã hội số",
    "XII Không gian trải nghiệm": "Xã hội số",
}
CATEGORIES = tuple(CATEGORY_PILLAR)

_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_PILLAR_ALIASES = {
    FOUNDATIONS: ("foundations", "foundation", "nen tang", "nền móng", "digital foundations"),
    "Chính quyền số": ("digital government", "government", "chính phủ số", "e-government"),
    "Kinh tế số": ("digital economy", "economy"),
    "Xã hội số": ("digital society", "society"),
    UNCLASSIFIED: ("unclassified",),
}


def fold(text: str) -> str:
    """Fold a Vietnamese phrase for matching: NFC, lower case, single spaces, no tone marks.

    Tone marks go (``hoá`` and ``hóa`` are the same word written two ways, and
    an analyst may type without them); the letters' own marks (``ô``, ``ư``,
    ``đ``) stay, so ``số`` and ``sơ`` remain different words.

    >>> fold("Số  Hoá") == fold("số hóa") == "sô hoa"
    True
    """
    decomposed = unicodedata.normalize("NFD", str(text).casefold()).translate(_TONES)
    return " ".join(unicodedata.normalize("NFC", decomposed).split())


def _plain(text: str) -> str:
    """Folded, and without any mark at all (``Xa hoi so``), for names typed on any keyboard."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _table(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, aliases in names.items():
        for alias in (name, *aliases):
            out[fold(alias)] = name
            out.setdefault(_plain(alias), name)
    return out


_PILLARS = _table(_PILLAR_ALIASES | {p: () for p in PILLARS if p not in _PILLAR_ALIASES})
_CATEGORIES = _table(
    {c: (c.partition(" ")[0], c.partition(" ")[2], c.replace(" ", ". ", 1)) for c in CATEGORIES}
    | {UNCLASSIFIED: ("unclassified",)}
)


def pillar_name(text: str) -> str | None:
    """The canonical pillar a name designates (Vietnamese or English alias), else ``None``.

    >>> pillar_name("Xa hoi so"), pillar_name("FOUNDATIONS"), pillar_name("Sở Y tế")
    ('Xã hội số', 'Nền tảng', None)
    """
    return _PILLARS.get(fold(text)) or _PILLARS.get(_plain(text))


def category_name(text: str) -> str | None:
    """The canonical heading of Phụ lục I a name designates, else ``None``.

    Accepts the heading as written (``VI Dữ liệu số``), its numeral (``VI``) or
    its title (``Dữ liệu số``). In options the titles ``Kinh tế số`` and
    ``Xã hội số`` name the pillar (which holds the heading); write ``X`` or
    ``XI Xã hội số`` for the heading alone.

    >>> category_name("Dữ liệu số"), category_name("xi")
    ('VI Dữ liệu số', 'XI Xã hội số')
    """
    return _CATEGORIES.get(fold(text)) or _CATEGORIES.get(_plain(text))
