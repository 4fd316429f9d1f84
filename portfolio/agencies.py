"""One name per agency (đơn vị chủ trì), however the document spells it.

The appendix writes one agency several ways: "Văn phòng ĐDBQH&HĐND TP" and
"Văn phòng ĐDBQH & HĐND thành phố", "…Phát triển Nông thôn" and "…Phát
triển nông thôn". Names are compared by a key that folds Unicode form, case,
spacing, ``&`` and "TP"/"thành phố" and the old and new places of the tone mark
("hoá"/"hóa"); an alias table (``portfolio/agency_aliases.csv``, package data)
then gives each key one canonical name, and :func:`add_aliases` extends it
(a mapping or a CSV file with the columns ``alias`` and ``canonical``).

Totals per agency, agency caps and floors and the analyst's rows use the
canonical name; the document's own spelling stays on each task (what
:func:`portfolio.reconcile` checks). :func:`agency_merges` lists the merges.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import InputError

__all__ = [
    "add_aliases",
    "agency_key",
    "agency_merges",
    "aliases",
    "canonical_agency",
    "canonical_names",
    "reset_aliases",
]

_TABLE = Path(__file__).with_name("agency_aliases.csv")
# the old ("hoá") and new ("hóa") places of the tone mark on oa, oe, uy
_TONES = {
    f"{v}{t}": f"{unicodedata.normalize('NFC', v[0] + t)}{v[1]}"
    for v in ("oa", "oe", "uy")
    for t in ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
}
_TONE = re.compile("|".join(sorted((unicodedata.normalize("NFC", k) for k in _TONES), key=len, reverse=True)))
_TONE_MAP = {unicodedata.normalize("NFC", k): v for k, v in _TONES.items()}
_CITY = re.compile(r"\b(thành phố|tp\.?)(?=\s|$)")
_extra: dict[str, str] = {}


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name)).casefold().replace("&", " & ")
    text = _TONE.sub(lambda m: _TONE_MAP[m.group(0)], text)
    text = " ".join(text.replace("\u00a0", " ").split())
    return _CITY.sub("tp", text)


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, str]:
    return _read_table(_TABLE.read_text(encoding="utf-8"), str(_TABLE))


def _read_table(text: str, file: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header = [c.strip().casefold() for c in rows[0]] if rows else []
    if header[:2] != ["alias", "canonical"]:
        raise InputError("expected the columns alias, canonical", file=file, row="line 1")
    out = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError("expected an alias and its canonical name", file=file, row=f"line {number}")
        out[_fold(cells[0])] = " ".join(cells[1].split())
    return out


def aliases() -> dict[str, str]:
    """The alias table in use: folded alias -> canonical name (the package's, then :func:`add_aliases`)."""
    return {**_bundled(), **_extra}


def add_aliases(table: Mapping[str, str] | str | Path) -> None:
    """Extend the alias table: ``{"Sở TTTT": "Sở Thông tin và Truyền thông"}`` or a CSV ``alias,canonical``.

    Raises
    ------
    InputError
        For a CSV without the two columns or with an empty cell.
    """
    if isinstance(table, (str, Path)):
        path = Path(table)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"cannot read the alias table: {exc.strerror or exc}", file=str(path)) from None
        _extra.update(_read_table(text, str(path)))
    else:
        _extra.update({_fold(k): " ".join(str(v).split()) for k, v in table.items()})
    canonical_agency.cache_clear()


def reset_aliases() -> None:
    """Forget the aliases :func:`add_aliases` added: the package's table alone again."""
    _extra.clear()
    canonical_agency.cache_clear()


@functools.lru_cache(maxsize=4096)
def canonical_agency(name: str) -> str:
    """The alias table's canonical name for ``name``, else ``name`` with its spacing tidied.

    Examples
    --------
    >>> canonical_agency("Văn phòng ĐDBQH&HĐND TP")
    'Văn phòng ĐDBQH & HĐND thành phố'
    >>> canonical_agency("Sở Nông nghiệp và Phát triển Nông thôn")
    'Sở Nông nghiệp và Phát triển nông thôn'
    """
    tidy = " ".join(unicodedata.normalize("NFC", str(name)).split())
    return aliases().get(_fold(tidy), tidy)


def agency_key(name: str) -> str:
    """The key two spellings of one agency share (folded canonical name).

    Examples
    --------
    >>> agency_key("Văn phòng ĐDBQH & HĐND thành phố") == agency_key("VĂN PHÒNG ĐDBQH&HĐND TP")
    True
    """
    return _fold(canonical_agency(name))


def canonical_names(names: Iterable[str]) -> dict[str, str]:
    """Each spelling -> its canonical name among ``names`` (document order).

    The alias table's name when it has one; otherwise the spelling used most
    often (the first of equals in document order).
    """
    spellings = [str(n) for n in names]
    counts = Counter(spellings)
    best: dict[str, str] = {}
    for name in dict.fromkeys(spellings):
        key = agency_key(name)
        listed = aliases().get(_fold(name))
        if listed is not None:
            best[key] = listed
        elif key not in best or counts[name] > counts.get(best[key], 0):
            best[key] = name
    return {name: best[agency_key(name)] for name in dict.fromkeys(spellings)}


def agency_merges(tasks: Iterable[object]) -> dict[str, list[str]]:
    """Canonical name -> the spellings of the document merged into it (only where there are several).

    ``tasks`` is a :class:`~portfolio.tasks.TaskList` (or any tasks with an ``agency``).
    """
    names = canonical_names(getattr(t, "agency") for t in tasks)  # noqa: B009 - any task-like object
    merged: dict[str, list[str]] = {}
    for spelling, canonical in names.items():
        merged.setdefault(canonical, []).append(spelling)
    return {c: s for c, s in merged.items() if len(s) > 1 or s[0] != c}
