"""Why each task got what it got, in words a finance officer reads.

Every sentence is written from the allocation's data: the codes of
``Allocation.reasons`` (the reason for each task's bounds, what holds its
amount and which row), ``Allocation.rows`` (the envelopes and rows and the bound
each is held at), the table (tier, kind, demand, remaining need, bounds,
amounts), the levels the rule reached and the options' numbers (pacing, seed
share, weights). No sentence is read back from words. Amounts are in million
VND (triệu đồng), written the Vietnamese way (``237.540,67``).

What the reasons draw on is gathered once (:mod:`portfolio.explanation_context`);
the sentences are written in English (:mod:`portfolio.explanations_en`) or in
Vietnamese (:mod:`portfolio.explanations_vi`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .explanation_context import LEGAL_BASIS, first_year, reason_context
from .explanations_en import labels_en, paragraph_en, reason_en
from .explanations_vi import AS_PLANNED as AS_PLANNED_VI
from .explanations_vi import paragraph_vi, reason_vi
from .records import records
from .tolerances import PLANNED

if TYPE_CHECKING:
    from .model import Allocation

__all__ = ["LEGAL_BASIS", "explain", "explain_text"]


def _language(lang: str | None, allocation: Allocation) -> str:
    from .language import lang_of

    return lang_of(lang, allocation)


def explain(allocation: Allocation, *, threshold: float = PLANNED, lang: str | None = None) -> pd.DataFrame:
    """The reason for every task's allocation, in words (the plan year of a multi-year plan).

    Parameters
    ----------
    allocation
        The result of :func:`~portfolio.model.optimize` (any rule and options).
    threshold
        Differences from the document's plan up to this many million VND are "as planned".
    lang
        ``"en"`` or ``"vi"``: the reasons in Vietnamese ("thứ bậc 3, chuyển
        tiếp: bố trí 32,23% nhu cầu 237.540,67, tỷ lệ chung của thứ bậc …").
        By default the allocation's own :attr:`~portfolio.model.Allocation.lang`,
        else English.

    Returns
    -------
    pandas.DataFrame
        Indexed by task id: ``planned``, ``allocated``, ``difference``, ``tier`` and
        ``reason`` (e.g. "tier 2 finishing in 2024 (hoàn thành): funded to its full
        remaining need 912"; "as planned" where the difference is within ``threshold``).
        Each reason is written from the codes of ``allocation.reasons``.

    Examples
    --------
    >>> from portfolio import optimize
    >>> explain(optimize()).loc["B1", "reason"]
    'tier 2 finishing in 2024 (hoàn thành): funded to its full remaining need 912'
    """
    table, reasons = first_year(allocation)
    ctx = reason_context(allocation, table)
    vietnamese = _language(lang, allocation) == "vi"
    write = reason_vi if vietnamese else reason_en
    planned = AS_PLANNED_VI if vietnamese else "as planned"
    # words only where the allocation differs from the plan; the rows read as plain values
    far = np.abs(table["difference"].to_numpy(float)) > threshold
    if not vietnamese:  # the tier labels of the reasons, once per (tier, kind, finishing)
        ctx = replace(ctx, labels=labels_en(table[far], ctx))
    texts = [planned] * len(table)
    rows = zip(
        np.flatnonzero(far).tolist(),
        table.index[far],
        records(table[far]),
        records(reasons[far]),
        strict=True,
    )
    for position, task, r, why in rows:
        texts[position] = write(str(task), r, why, ctx)
    out = table[["planned", "allocated", "difference", "tier"]].copy()
    out["reason"] = texts
    return out


def explain_text(allocation: Allocation, task_id: str, *, lang: str | None = None) -> str:
    """One paragraph on one task: what was planned, what is allocated, and why.

    In ``lang`` (``"en"`` or ``"vi"``; by default the allocation's own, else English).

    Raises
    ------
    ScenarioError
        If ``task_id`` is not a task of the allocation.
    """
    table, reasons = first_year(allocation)
    key = str(task_id).strip().upper()
    if key not in table.index:
        raise ScenarioError(f"{task_id!r} is not a task id of the allocation", field="task")
    r = next(table.loc[[key]].itertuples(index=False))
    why = next(reasons.loc[[key]].itertuples(index=False))
    ctx = reason_context(allocation, table)
    if _language(lang, allocation) == "vi":
        return paragraph_vi(key, r, ctx, reason_vi(key, r, why, ctx))
    return paragraph_en(key, r, why, ctx, reason_en(key, r, why, ctx))
