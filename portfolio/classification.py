"""Place every task under a pillar and a heading of Phụ lục I, by stated rules.

The rules read the task's name, then its lead agency, and the first that
matches decides (:data:`RULES`, then :data:`AGENCY_RULES`). The rules and the
hand-checked tasks are data in :mod:`portfolio.pillar_rules`.

A task no rule places is ``chưa phân loại`` and one
:class:`~portfolio.errors.PortfolioWarning` lists every such task. The
bundled appendix was checked by hand against the seeds; ``docs/pillars.md``
lists where the hand check overrides the rules and why.

>>> classify_task("Cải tạo, nâng cấp hệ thống truyền thanh cơ sở", "Sở Thông tin và Truyền thông")
Classification(pillar='Xã hội số', category='XI Xã hội số', reason='truyền thanh → XI Xã hội số')
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from .errors import InputError, PortfolioWarning
from .pillar_rules import AGENCY_RULES, HAND_CHECKED, RULES, Rule
from .pillars import CATEGORY_PILLAR, UNCLASSIFIED, category_name, fold, pillar_name
from .tasks import Task, TaskList

__all__ = [
    "AGENCY_RULES",
    "HAND_CHECKED",
    "NO_RULE",
    "RULES",
    "Classification",
    "Rule",
    "classify",
    "classify_task",
    "given_classification",
    "read_pillars",
]

NO_RULE = "no rule matches the name or the agency"


class Classification(NamedTuple):
    """A task's pillar, its heading of Phụ lục I and why."""

    pillar: str
    category: str
    reason: str


def _words(text: str) -> str:
    """Folded text as space-separated words, padded, for whole-word search."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", fold(text)).split()) + " "


# (category, phrase as written, folded phrase) in the order they are tried
_NAME_PHRASES = [(r.category, p, _words(p)) for r in RULES for p in r.phrases]
_AGENCY_PHRASES = [(r.category, p, _words(p)) for r in AGENCY_RULES for p in r.phrases]
_HAND = {_words(name): placed for name, placed in HAND_CHECKED.items()}


def classify_task(name: str, agency: str, *, hand_checked: bool = True) -> Classification:
    """The pillar and heading the rules give a task, with the phrase that decided.

    Parameters
    ----------
    name
        The task's name (Nội dung nhiệm vụ).
    agency
        Its lead agency (đơn vị chủ trì).
    hand_checked
        Whether the hand-checked tasks (:data:`HAND_CHECKED`) come first; ``False``
        gives what the phrases alone say.

    Returns
    -------
    Classification
        ``chưa phân loại`` with the reason :data:`NO_RULE` when nothing matches.

    Examples
    --------
    >>> classify_task("Nâng cấp Cổng thông tin điện tử thành phố.", "Văn phòng UBND").category
    'IX Chính phủ số'
    >>> classify_task("Thuê dịch vụ hạ tầng điện toán đám mây", "Sở TTTT").reason
    'hạ tầng → II Hạ tầng số'
    """
    words = _words(name)
    if hand_checked and words in _HAND:
        category, reason = _HAND[words]
        return Classification(CATEGORY_PILLAR[category], category, reason)
    for category, phrase, folded in _NAME_PHRASES:
        if folded in words:
            return Classification(CATEGORY_PILLAR[category], category, f"{phrase} → {category}")
    words = _words(agency)
    for category, phrase, folded in _AGENCY_PHRASES:
        if folded in words:
            return Classification(CATEGORY_PILLAR[category], category, f"agency {phrase} → {category}")
    return Classification(UNCLASSIFIED, UNCLASSIFIED, NO_RULE)


def read_pillars(path: str | Path) -> dict[str, Classification]:
    """Read an analyst's classification: a small CSV ``id,pillar,category[,pillar_reason]``.

    Either ``pillar`` or ``category`` may be left out (of the header or of a row);
    a missing pillar is the heading's, a missing heading is ``chưa phân loại``.
    Names may be English aliases (``digital economy``) or headings by numeral (``X``).

    Raises
    ------
    InputError
        Naming the file, the row and the field.
    """
    from .readers._files import read_text

    file = str(path)
    rows = list(csv.reader(io.StringIO(read_text(Path(path)), newline="")))
    header = [h.strip() for h in rows[0]] if rows else []
    if "id" not in header or not {"pillar", "category"} & set(header):
        raise InputError("expected the columns id and pillar and/or category", file=file, row="line 1")
    out: dict[str, Classification] = {}
    for number, cells in enumerate(rows[1:], start=2):
        record = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        task_id = record.get("id", "").upper()
        if not any(record.values()):
            continue
        row = f"{task_id} (line {number})" if task_id else f"line {number}"
        if not task_id:
            raise InputError("no task id", file=file, row=row, field="id")
        if task_id in out:
            raise InputError("the task is given twice", file=file, row=row, field="id")
        out[task_id] = given_classification(record, file=file, row=row)
    return out


def given_classification(record: Mapping[str, str], *, file: str, row: str) -> Classification:
    """The classification a row of a file gives (``pillar``, ``category``, ``pillar_reason`` cells)."""
    pillar_text, category_text = record.get("pillar", ""), record.get("category", "")
    category = category_name(category_text) if category_text else UNCLASSIFIED
    if category is None:
        raise InputError(
            f"expected a heading of Phụ lục I (I … XII, e.g. 'VI Dữ liệu số'), got {category_text!r}",
            file=file,
            row=row,
            field="category",
        )
    pillar = pillar_name(pillar_text) if pillar_text else CATEGORY_PILLAR.get(category, UNCLASSIFIED)
    if pillar is None:
        raise InputError(
            "expected Nền tảng, Chính quyền số, Kinh tế số, Xã hội số or chưa phân loại "
            f"(or foundations, digital government, digital economy, digital society), got {pillar_text!r}",
            file=file,
            row=row,
            field="pillar",
        )
    reason = record.get("pillar_reason", "") or f"given in {Path(file).name}"
    return Classification(pillar, category, reason)


def classify(tasks: TaskList, overrides: Mapping[str, Classification] | str | Path | None = None) -> TaskList:
    """Classify the tasks that are not yet (empty ``pillar_reason``), the analyst's overrides first.

    Parameters
    ----------
    tasks
        The appendix; tasks that carry a reason keep their classification.
    overrides
        Task id -> :class:`Classification`, or the path of a CSV for :func:`read_pillars`.

    Returns
    -------
    TaskList
        The same tasks (same source and stated totals) with ``pillar``,
        ``category`` and ``pillar_reason`` set.

    Warns
    -----
    PortfolioWarning
        Once, listing every task the rules could not place (``chưa phân loại``).

    Raises
    ------
    InputError
        If the overrides name a task that is not in the appendix.
    """
    file = "<overrides>"
    if isinstance(overrides, (str, Path)):
        file = str(overrides)
        overrides = read_pillars(overrides)
    overrides = dict(overrides or {})
    known = {task.id for task in tasks}
    for task_id in overrides:
        if task_id not in known:
            raise InputError("not a task of the appendix", file=file, row=task_id, field="id")
    out: list[Task] = []
    unplaced: list[Task] = []
    for task in tasks:
        given = overrides.get(task.id)
        if given is None and task.pillar_reason:
            out.append(task)
            continue
        found = given or classify_task(task.name, task.agency)
        if given is None and found.pillar == UNCLASSIFIED:
            unplaced.append(task)
        update = {"pillar": found.pillar, "category": found.category, "pillar_reason": found.reason}
        out.append(task.model_copy(update=update))
    if unplaced:
        listed = "; ".join(f"{t.id} {t.name[:40]!r}" for t in unplaced[:20])
        more = f"; and {len(unplaced) - 20} more" if len(unplaced) > 20 else ""
        warnings.warn(
            f"{tasks.source}: {len(unplaced)} task(s) no classification rule places, counted as "
            f"{UNCLASSIFIED!r}: {listed}{more}; "
            "give their pillar in a 'pillar' column or with --pillars FILE",
            PortfolioWarning,
            stacklevel=2,
        )
    return replace(tasks, tasks=tuple(out))  # keeps the source, stated totals, members and plan year
