"""Reconcile the document's own subtotals with the sums of its rows.

Phụ lục 2 states a subtotal on every agency row, a ``TỔNG`` row per group and a
summary (section E). Not all of them add up. :func:`reconcile` lists every stated
figure that differs from the sum of the rows it totals; it never changes a row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .tasks import TaskList
from .tolerances import AMOUNT, SUM_NOISE

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMN_WORDS_VI", "KIND_WORDS", "Finding", "Findings", "findings_frame", "reconcile"]
__all__ += ["reconcile_tasks"]

# (English, Vietnamese)
KIND_WORDS = {"mismatch": ("mismatch", "sai lệch"), "rounding": ("rounding", "làm tròn")}
_SCOPES = {
    "agency": ("agency subtotal", "dòng cộng của đơn vị"),
    "group": ("TỔNG", "dòng TỔNG"),
    "summary": ("section E", "mục E"),
}
COLUMN_WORDS_VI = {
    "approved": "dự toán",
    "spent_before": "đã sử dụng",
    "carried_over": "chuyển nguồn",
    "planned": "dự kiến phân bổ",
}
_PLACES_VI = (("line", "dòng"), ("row", "dòng"), ("sheet", "trang tính"), ("table", "bảng"))


def _check_lang(lang: str) -> str:
    if lang not in ("en", "vi"):
        from .errors import ScenarioError

        raise ScenarioError(f"expected en or vi, got {lang!r}", field="lang")
    return lang


@dataclass(frozen=True)
class Finding:
    """One stated figure that is not the sum of its rows.

    Attributes
    ----------
    scope
        ``"agency"`` (an agency row), ``"group"`` (a TỔNG row) or ``"summary"`` (section E).
    group
        The task group.
    agency
        The agency, for an agency subtotal; ``None`` otherwise.
    column
        Tidy column name: ``approved``, ``spent_before``, ``carried_over`` or ``planned``.
    stated
        The figure the document states, million VND.
    computed
        The sum of the rows, million VND.
    difference
        ``stated - computed``.
    kind
        ``"mismatch"`` when the stated figure cannot be a rounding of the sum
        (``|difference| >= 0.5`` of the last digit the document shows), else ``"rounding"``.
    where
        Where the stated figure stands in the file.
    """

    scope: Literal["agency", "group", "summary"]
    group: str
    agency: str | None
    column: str
    stated: float
    computed: float
    difference: float
    kind: Literal["mismatch", "rounding"]
    where: str
    lang: str = field(default="en", compare=False, repr=False)

    def to_dict(self) -> dict[str, object]:
        """The finding as a JSON-ready dict (without the language it prints in)."""
        out = asdict(self)
        del out["lang"]
        return out

    def text(self, lang: str | None = None) -> str:
        r"""The finding in one line, in ``lang`` (``"en"`` or ``"vi"``; by default its own).

        Examples
        --------
        >>> f = Finding("agency", "B", "Sở Du lịch", "planned", 5150.0, 5149.0, 1.0, "mismatch", "line 487")
        >>> print(f.text("vi").replace(", ", ",\n"))
        sai lệch: dòng cộng của đơn vị B Sở Du lịch,
        dự kiến phân bổ: văn bản ghi 5.150,
        tổng các dòng 5.149 (chênh lệch 1) tại dòng 487
        """
        from .money import format_vnd

        vi = _check_lang(self.lang if lang is None else lang) == "vi"
        digits = 2 if not float(self.difference).is_integer() else 0
        stated, computed = format_vnd(self.stated, digits), format_vnd(self.computed, digits)
        difference = format_vnd(self.difference, digits)
        kind, label = KIND_WORDS[self.kind][vi], _SCOPES[self.scope][vi]
        if not vi:
            who = f"{self.group} {self.agency}" if self.agency else f"group {self.group}"
            return (
                f"{kind}: {label} of {who}, {self.column}: stated {stated}, rows sum to {computed} "
                f"(difference {difference}) at {self.where}"
            )
        who = f"{self.group} {self.agency}" if self.agency else f"nhóm {self.group}"
        where = self.where
        for english, vietnamese in _PLACES_VI:
            where = re.sub(rf"\b{english}\b", vietnamese, where)
        column = COLUMN_WORDS_VI.get(self.column, self.column)
        return (
            f"{kind}: {label} {who}, {column}: văn bản ghi {stated}, tổng các dòng {computed} "
            f"(chênh lệch {difference}) tại {where}"
        )

    def __str__(self) -> str:
        return self.text()


class Findings(list[Finding]):
    """What :func:`reconcile` found: the findings (a list), the agency names merged, a language.

    ``str()`` gives the report ``portfolio reconcile`` prints: one line per
    finding, the count, then the merges of agency spellings, in :attr:`lang`.

    Attributes
    ----------
    merges
        Canonical agency name -> the document's spellings merged into it
        (:func:`portfolio.agencies.agency_merges`).
    lang
        ``"en"`` or ``"vi"``.
    source
        The file read (named when it states nothing or everything adds up).
    stated
        Whether the source states subtotals at all (a tidy CSV does not).
    """

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        merges: dict[str, list[str]] | None = None,
        lang: str = "en",
        source: str = "",
        stated: bool = True,
    ) -> None:
        super().__init__(findings)
        self.merges = dict(merges or {})
        self.lang = _check_lang(lang)
        self.source = source
        self.stated = stated

    def lines(self, lang: str | None = None) -> list[str]:
        """The report's lines in ``lang`` (default :attr:`lang`)."""
        language = _check_lang(self.lang if lang is None else lang)
        vi = language == "vi"
        out: list[str] = []
        if not self.stated:
            out.append(
                f"{self.source}: không ghi dòng cộng nào (CSV dạng bảng không có); không có gì để đối chiếu"
                if vi
                else f"{self.source}: states no subtotals (a tidy CSV has none); nothing to reconcile"
            )
        else:
            if not self:
                out.append(
                    f"{self.source}: mọi dòng cộng văn bản ghi đều bằng tổng các dòng của nó"
                    if vi
                    else f"{self.source}: every stated subtotal equals the sum of its rows"
                )
            out += [finding.text(language) for finding in self]
            mismatches = sum(f.kind == "mismatch" for f in self)
            rest = len(self) - mismatches
            out.append(
                f"{len(self)} phát hiện: {mismatches} sai lệch, {rest} làm tròn"
                if vi
                else f"{len(self)} findings: {mismatches} mismatches, {rest} roundings"
            )
        if self.merges:
            out.append("tên đơn vị được gộp làm một:" if vi else "agency names merged:")
            arrow = "gộp từ" if vi else "<-"
            for canonical, spellings in self.merges.items():
                out.append(f"  {canonical} {arrow} " + "; ".join(repr(s) for s in spellings))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def reconcile_tasks(tasks: TaskList) -> list[Finding]:
    """Compare every stated subtotal of a document-layout source with its rows.

    Parameters
    ----------
    tasks
        Tasks read from a document layout (text, xlsx, docx). A tidy CSV states
        no subtotals, so it gives no findings.

    Returns
    -------
    list of Finding
        In document order; empty where the document adds up.
    """
    by_id = {task.id: task for task in tasks}
    findings: list[Finding] = []
    for stated in tasks.stated:
        if stated.scope == "agency":
            ids = tasks.members.get((stated.group, stated.position), ())
        else:
            ids = tuple(t.id for t in tasks if t.group == stated.group)
        computed = math.fsum(float(getattr(by_id[i], stated.column)) for i in ids)
        value = 0.0 if stated.stated is None else stated.stated
        difference = value - computed
        if abs(difference) < AMOUNT:
            continue
        half_unit = 0.5 * 10.0 ** (-stated.decimals)
        kind: Literal["mismatch", "rounding"] = (
            "mismatch" if abs(difference) >= half_unit - SUM_NOISE else "rounding"
        )
        findings.append(
            Finding(
                scope=stated.scope,
                group=stated.group,
                agency=stated.agency,
                column=stated.column,
                stated=value,
                computed=round(computed, 6),
                difference=round(difference, 6),
                kind=kind,
                where=stated.where,
            )
        )
    return findings


def reconcile(path: str | Path | TaskList, *, lang: str = "en") -> Findings:
    """Read an appendix and list where its stated subtotals do not add up.

    Parameters
    ----------
    path
        A file laid out like the document (``.txt``, ``.xlsx``, ``.docx``) or a
        :class:`TaskList` already read.
    lang
        The language the findings print in, ``"en"`` or ``"vi"`` (``str()`` of
        the result and of each finding).

    Returns
    -------
    Findings
        A list of every stated agency subtotal, TỔNG row and section-E figure
        that differs from the sum of its rows, marked ``mismatch`` or
        ``rounding``; its ``merges`` are the agency spellings merged into one
        name, and ``str()`` is the report ``portfolio reconcile`` prints.

    Examples
    --------
    >>> from portfolio.readers import bundled_appendix_path
    >>> source = bundled_appendix_path().parent / "sources" / "kh325_ubnd_2023.txt"
    >>> first = reconcile(source)[0]
    >>> first.agency, first.column, first.stated, first.computed, first.kind
    ('Văn phòng Ủy ban nhân dân thành phố', 'planned', 1246.0, 1247.0, 'mismatch')
    """
    from .agencies import agency_merges

    _check_lang(lang)
    if isinstance(path, TaskList):
        tasks, source = path, str(path.source)
    else:
        from .readers import read_appendix

        tasks, source = read_appendix(path), str(path)
    found = [replace(f, lang=lang) for f in reconcile_tasks(tasks)]
    return Findings(found, merges=agency_merges(tasks), lang=lang, source=source, stated=bool(tasks.stated))


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a table (one row each)."""
    import pandas as pd

    columns = list(Finding.__dataclass_fields__)
    return pd.DataFrame([f.to_dict() for f in findings], columns=columns)
