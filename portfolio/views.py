"""Compact HTML summaries of the results, for Jupyter's rich display and the report.

Each view shows what a planner looks at first, in at most about 30 rows, in the
language and number format of ``portfolio.options.display``; the full tables
stay on the objects (``Allocation.table``, ``Comparison.per_task``, ...).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .display import STYLE, amount, html_table, options, percent, signed, source_word, tier_word, word

if TYPE_CHECKING:
    import pandas as pd

    from .comparison import Comparison
    from .model.allocation import Allocation
    from .tasks import TaskList

__all__ = ["allocation_html", "allocation_parts", "comparison_html", "frontier_html", "largest_changes"]
__all__ += ["tasks_html"]


def _wrap(kind: str, title: str, parts: list[str]) -> str:
    return f'{STYLE}<div class="pf-view pf-{kind}"><h4>{html.escape(title)}</h4>{"".join(parts)}</div>'


def _heading(text: str) -> str:
    return f"<h4>{html.escape(text)}</h4>"


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def largest_changes(allocation: Allocation, n: int | None = None) -> pd.DataFrame:
    """The first year's tasks with the largest changes against the document (by size)."""
    n = options.display.max_rows if n is None else n
    table = allocation.year_table()
    order = np.argsort(-table["difference"].abs().to_numpy(float), kind="stable")
    return table.iloc[order[:n]]


def allocation_parts(allocation: Allocation) -> dict[str, str]:
    """The sections of an allocation's summary, by name: ``envelopes``, ``tiers``, ``changes``."""
    years = allocation.years
    spent = allocation.table.groupby(["funding_source", "year"])["allocated"].sum()
    rows: list[list[Any]] = []
    for (source, year), envelope in sorted(allocation.envelopes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        used = float(spent.get((source, year), 0.0))
        rows.append([source_word(source), year, amount(envelope), amount(used), amount(envelope - used)])
    envelopes = html_table(
        [word("source"), word("year"), word("envelope"), word("allocated"), word("unspent")],
        rows,
        numeric_from=2,
    )
    tiers = allocation.table.groupby(["funding_source", "tier", "year"], sort=False)[
        ["demand", "planned", "allocated"]
    ].sum()
    order = sorted({(s, t) for s, t, _ in tiers.index}, key=lambda k: (k[0] != "recurrent", k[1]))
    if len(years) == 1:
        header = [word("source"), word("tier"), word("demand"), word("planned"), word("allocated")]
        header.append(word("coverage"))
        rows = []
        for source, tier in order:
            row = tiers.loc[cast(Any, (source, tier, years[0]))]
            share = row["allocated"] / row["demand"] if row["demand"] > 0 else float("nan")
            rows.append([source_word(source), tier_word(tier), amount(row["demand"]), amount(row["planned"])])
            rows[-1] += [amount(row["allocated"]), percent(share)]
    else:  # a plan: coverage per year
        header = [word("source"), word("tier"), *(f"{word('coverage', both=False)} {y}" for y in years)]
        rows = []
        for source, tier in order:
            cells: list[Any] = [source_word(source), tier_word(tier)]
            for year in years:
                key = (source, tier, year)
                found = key in tiers.index and tiers.loc[key, "demand"] > 0
                cells.append(
                    percent(tiers.loc[key, "allocated"] / tiers.loc[key, "demand"]) if found else "-"
                )
            rows.append(cells)
    tier_table = html_table(header, rows, numeric_from=2)
    top = largest_changes(allocation)
    change_rows = [
        [task_id, row["agency"], amount(row["planned"]), amount(row["allocated"]), signed(row["difference"])]
        for task_id, row in top.iterrows()
    ]
    changes = html_table(
        [
            word("task"),
            word("agency"),
            f"{word('planned')} {years[0]}",
            word("allocated"),
            word("difference"),
        ],
        change_rows,
        numeric_from=2,
    )
    return {"envelopes": envelopes, "tiers": tier_table, "changes": changes}


def allocation_title(allocation: Allocation) -> str:
    """``Phân bổ ngân sách (allocation) 2024 · quy tắc (rule) proportional``."""
    years = allocation.years
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    title = f"{word('allocation')} {span} · {word('rule')} {allocation.rule}"
    return title if allocation.status == "optimal" else f"{title} · {word('status')} {allocation.status}"


def allocation_html(allocation: Allocation) -> str:
    """An allocation in about 30 rows: envelopes, coverage per tier, the largest changes."""
    parts = allocation_parts(allocation)
    more = len(allocation.table) - min(options.display.max_rows, len(allocation.year_table()))
    return _wrap(
        "allocation",
        allocation_title(allocation),
        [
            _heading(word("envelopes")),
            parts["envelopes"],
            _heading(word("by_tier")),
            parts["tiers"],
            _heading(f"{word('changes')}, {allocation.years[0]}"),
            parts["changes"],
            _note(f"{word('more', both=False).format(n=more)}; {word('full_table', both=False)}: .table"),
        ],
    )


def _frame_rows(frame: pd.DataFrame, label: Any) -> list[list[Any]]:
    return [
        [label(key), *(amount(v) for v in row)]
        for key, row in zip(frame.index, frame.to_numpy(float), strict=True)
    ]


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        source, tier = key
        return f"{source_word(str(source))} · {tier_word(int(tier))}" if tier != "" else str(source)
    return str(key)


def comparison_html(comparison: Comparison) -> str:
    """Scenarios side by side: envelopes, per source and tier, per task group, what failed."""
    names = list(comparison.envelopes.columns)
    env_rows = [
        [source_word(str(source)), *(amount(v) for v in row)]
        for source, row in zip(comparison.envelopes.index, comparison.envelopes.to_numpy(float), strict=True)
    ]
    parts = [
        _heading(word("envelopes")),
        html_table([word("source"), *names], env_rows),
        _heading(word("by_tier")),
        html_table([word("tier"), *comparison.per_tier.columns], _frame_rows(comparison.per_tier, _key)),
        _heading(word("by_group")),
        html_table([word("group"), *comparison.per_group.columns], _frame_rows(comparison.per_group, str)),
    ]
    if comparison.failed:
        rows = [[name, reason] for name, reason in comparison.failed.items()]
        parts += [
            _heading(word("failed")),
            html_table([word("scenario"), word("reason")], rows, numeric_from=9),
        ]
    title = f"{word('scenario')}: {', '.join(names)}"
    return _wrap("comparison", title, parts)


def tasks_html(tasks: TaskList) -> str:
    """A task list: per group the count and the planned total, then its first tasks."""
    frame = tasks.frame
    groups = frame.groupby("group", sort=True)
    rows = [[g, len(part), amount(float(part["planned"].sum()))] for g, part in groups]
    rows.append([word("total", both=False), len(frame), amount(float(frame["planned"].sum()))])
    n = options.display.max_rows
    first = [
        [task_id, _cut(str(row["name"]), 60), _cut(str(row["agency"]), 36), amount(float(row["planned"]))]
        for task_id, row in frame.head(n).iterrows()
    ]
    parts = [
        html_table([word("group"), word("tasks", both=False), word("planned")], rows),
        html_table([word("task"), word("name"), word("agency"), word("planned")], first, numeric_from=3),
    ]
    if len(frame) > n:
        parts.append(_note(f"{word('more', both=False).format(n=len(frame) - n)}; .frame"))
    title = f"{len(frame)} {word('tasks', both=False)} · {tasks.source}"
    return _wrap("tasks", title, parts)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def frontier_html(frame: pd.DataFrame, current: dict[str, float] | None = None) -> str:
    """A frontier: each tier's coverage at evenly spaced points of the sweep, and at the current envelope."""
    from .frontiers import coverage_at

    ok = frame[~frame["failed"]]
    parts = []
    tiers = sorted(set(ok["tier"]))
    for source in dict.fromkeys(ok["source"]):
        mine = ok[ok["source"] == source]
        points = sorted(set(mine["point"]))
        n = min(len(points), options.display.max_rows + 1)
        shown = [points[int(k)] for k in np.unique(np.linspace(0, len(points) - 1, n).round().astype(int))]
        wide = mine.pivot_table(index="point", columns="tier", values="coverage", aggfunc="first")
        envelope = mine.groupby("point")["envelope"].first()
        rows: list[list[Any]] = [
            [amount(envelope[p]), *(percent(wide.loc[p, t]) if t in wide.columns else "-" for t in tiers)]
            for p in shown
        ]
        if current and source in current:
            at = coverage_at(frame, str(source), current[source])
            cells = [(percent(at[t]), "up") if t in at else "-" for t in tiers]
            rows.append([(f"{amount(current[source])} ({word('current', both=False)})", "up"), *cells])
        header = [f"{word('envelope')} · {source_word(str(source))}", *(tier_word(t) for t in tiers)]
        parts.append(html_table(header, rows, numeric_from=0))
    failed = int(frame.loc[frame["failed"], "point"].nunique())
    if failed:
        parts.append(_note(f"{word('failed')}: {failed} {word('points', both=False)}"))
    title = f"{word('frontier')} · {frame['point'].nunique()} {word('points', both=False)}"
    return _wrap("frontier", title, parts)
