"""The compact HTML of a :class:`~portfolio.simulation.Simulation`, in the display's language."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .display import STYLE, amount, html_table, options, percent, source_word, tier_word
from .tolerances import SHARE

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["simulation_html", "simulation_word"]

_WORDS: dict[str, tuple[str, str]] = {
    "simulation": ("Mô phỏng ngân sách", "Budget simulation"),
    "scenarios": ("kịch bản", "scenarios"),
    "seed": ("hạt giống", "seed"),
    "envelope": ("Hạn mức", "Envelope"),
    "distribution": ("Phân phối", "Distribution"),
    "year": ("Năm", "Year"),
    "tier coverage": ("Mức đáp ứng theo bậc", "Tier coverage"),
    "core": ("Chỉ số lõi", "Core index"),
    "task": ("Nhiệm vụ", "Task"),
    "demand": ("Nhu cầu", "Demand"),
    "median": ("Trung vị", "Median"),
    "at risk": ("Nhiệm vụ phụ thuộc vào năm tốt", "Tasks that depend on a good year"),
    "always": ("luôn đủ", "always in full"),
    "sometimes": ("có khi đủ", "in full in some scenarios"),
    "never": ("không bao giờ đủ", "never in full"),
    "new starts": ("Khởi công mới", "New starts"),
    "start probability": ("Xác suất khởi công và hoàn thành", "Started and completed"),
    "status": ("Quyết định", "Decision"),
    "failed": ("kịch bản không khả thi", "infeasible scenarios"),
    "tasks": ("nhiệm vụ", "tasks"),
    "coverage": ("Mức đáp ứng", "Coverage"),
    "tier": ("Thứ bậc", "Tier"),
    "mean": ("Trung bình", "Mean"),
    "always full": ("Luôn đủ ở mọi kịch bản", "In full in every scenario"),
    "started": ("khởi công", "started"),
    "not_started": ("chưa khởi công", "not started"),
    "by_scenario": ("theo kịch bản", "by the scenario"),
}


def simulation_word(key: str, *, both: bool = True) -> str:
    """A heading of the simulation's views in the display language (Vietnamese with English after it)."""
    vi, en = _WORDS[key]
    if options.display.lang == "en":
        return en[:1].upper() + en[1:] if both else en
    return f"{vi} ({en.lower()})" if both and vi.lower() != en.lower() else vi


def _quantiles(values: np.ndarray) -> list[float]:
    values = values[~np.isnan(values)]
    if not values.size:
        return [np.nan] * 3
    return [float(v) for v in np.quantile(values, [0.05, 0.5, 0.95])]


def simulation_html(sim: Simulation) -> str:
    """Envelopes, each tier's coverage, the tasks at risk and the new starts, in about 30 rows."""
    w = simulation_word
    parts: list[str] = []
    rows: list[list[Any]] = []
    for source, marginals in sim.marginals.items():
        for year, marginal in zip(sim.years, marginals, strict=True):
            low, mid, high = _quantiles(sim.envelopes[(source, year)].to_numpy(float))
            rows.append(
                [source_word(source), year, marginal.describe(), amount(low), amount(mid), amount(high)]
            )
    parts.append(
        html_table([w("envelope"), w("year"), w("distribution"), "5%", "50%", "95%"], rows, numeric_from=3)
    )
    tiers = sim.coverage("tier")
    full = tiers[[c for c in tiers.columns if c.startswith("q")] + ["mean"]].ge(1 - SHARE).all(axis=1)
    shown_tiers = tiers[~full] if len(tiers) > options.display.max_rows else tiers
    rows = []
    for key, row in shown_tiers.iterrows():
        source, year, tier = cast(tuple[str, int, int], key)
        rows.append(
            [
                source_word(str(source)),
                year,
                tier_word(int(tier)),
                percent(row.get("q05", np.nan)),
                percent(row.get("q50", np.nan)),
                percent(row.get("q95", np.nan)),
                percent(row["mean"]),
            ]
        )
    parts.append(f"<h4>{html.escape(w('tier coverage'))}</h4>")
    header = [w("envelope"), w("year"), w("tier"), "5%", "50%", "95%", w("mean")]
    parts.append(html_table(header, rows[: 2 * options.display.max_rows], numeric_from=3))
    if len(shown_tiers) < len(tiers):
        tier_name = w("tier", both=False).lower()
        always = ", ".join(f"{source_word(str(k[0]))} {k[1]} {tier_name} {k[2]}" for k in tiers.index[full])
        parts.append(f'<p class="note">{html.escape(w("always full"))}: {html.escape(always)}</p>')
    core = sim.core_index.xs(sim.years[0], level="year")
    counts = (
        f"{w('core')} {sim.years[0]}: {int((core >= 1).sum())} {w('always', both=False)}, "
        f"{int(((core > 0) & (core < 1)).sum())} {w('sometimes', both=False)}, "
        f"{int((core <= 0).sum())} {w('never', both=False)}"
    )
    parts.append(f"<p>{html.escape(counts)}</p>")
    risky = core[(core > 0) & (core < 1)].sort_values(kind="stable")
    if len(risky):
        table = sim.coverage("task").xs(sim.years[0], level="year")
        shown = risky.head(min(10, options.display.max_rows))
        rows = [
            [task, percent(share), amount(table.loc[task, "demand"], 2), amount(table.loc[task, "q50"], 2)]
            for task, share in shown.items()
        ]
        parts.append(f"<h4>{html.escape(w('at risk'))} ({len(risky)})</h4>")
        parts.append(html_table([w("task"), w("core"), w("demand"), w("median")], rows))
    starts = sim.start_probability
    if len(starts) and (starts > 0).any() or sim.decided_starts is not None:
        shown_starts = starts[starts > 0].sort_values(ascending=False, kind="stable").head(10)
        decided = sim.decided_starts
        rows = []
        for task, share in shown_starts.items():
            cells: list[Any] = [task, percent(share)]
            if decided is not None:
                cells.append(w(str(decided.loc[task, "status"]), both=False))
            rows.append(cells)
        header = [w("task"), w("start probability")]
        if decided is not None:
            header.append(w("status"))
        parts.append(f"<h4>{html.escape(w('new starts'))}</h4>")
        parts.append(html_table(header, rows) if rows else "<p>-</p>")
    if sim.failed_share > 0:
        note = f"{percent(sim.failed_share)} {w('failed', both=False)}"
        parts.append(f'<p class="note">{html.escape(note)}</p>')
    title = (
        f"{w('simulation')} · {amount(sim.scenarios)} {w('scenarios', both=False)} · "
        f"{w('seed', both=False)} {sim.seed} · {sim.options.rule}"
    )
    return f'{STYLE}<div class="pf-view pf-simulation"><h4>{html.escape(title)}</h4>{"".join(parts)}</div>'
