"""A one-file HTML report of an allocation, for e-mail and print (``portfolio report``).

Self-contained: the styles are inline and the charts are SVG drawn into the page
(their letters as paths, so no font is fetched); no script, image or style sheet
is referenced. Vietnamese first (the headings of ``portfolio.options.display``),
laid out for A4 printing. It holds the summary (envelopes, coverage per tier),
the charts, the reasons for the largest changes against the document, the
document's subtotals that do not add up (reconciliation) and the options of
each scenario; with several scenarios, their comparison.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .display import STYLE, amount, html_table, source_word, word

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .comparison import Comparison
    from .model.allocation import Allocation
    from .tasks import TaskList

__all__ = ["external_references", "report_html", "svg_of", "write_report"]

_PAGE_STYLE = """<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1050px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.1em}h2{font-size:1.2em;border-bottom:2px solid #1f5fa8;margin-top:1.6em}
.sub{color:#555;margin-top:0}figure{margin:.8em 0}figure svg{max-width:100%;height:auto}
figcaption{color:#555;font-size:.9em}ol.reasons li{margin:.3em 0}
@media print{body{max-width:none;margin:0}figure,table,li{break-inside:avoid}h2,h3{break-after:avoid}
figure svg{max-height:245mm;width:auto}}
@page{size:A4;margin:15mm}
</style>"""


def svg_of(ax: Axes) -> str:
    """The figure holding ``ax`` as an inline ``<svg>`` element (letters as paths); the figure is closed."""
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    figure: Any = ax.figure
    while not isinstance(figure, Figure):
        figure = figure.figure
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "portfolio"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # without the XML declaration and DOCTYPE


def _vietnamese_only() -> bool:
    """Whether the report is shown in Vietnamese only (an allocation made with ``lang="vi"``)."""
    from .display import options

    return options.display.lang == "vi" and not options.display.glosses


def _t(text: str) -> str:
    """A fixed label of the report, without its English gloss when the report is Vietnamese only."""
    from .language import without_glosses

    return without_glosses(text) if _vietnamese_only() else text


def _figure(ax: Axes, caption: str) -> str:
    return f"<figure>{svg_of(ax)}<figcaption>{html.escape(_t(caption))}</figcaption></figure>"


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def _findings(tasks: TaskList) -> str:
    """The document's subtotals that do not add up (for the bundled CSV: those of its source text)."""
    from .readers import bundled_appendix_path
    from .reconciliation import COLUMN_WORDS_VI, KIND_WORDS, reconcile, reconcile_tasks

    if tasks.stated:
        findings, source = reconcile_tasks(tasks), tasks.source
    elif Path(tasks.source).resolve() == bundled_appendix_path().resolve():
        source_text = bundled_appendix_path().parent / "sources" / "kh325_ubnd_2023.txt"
        findings, source = reconcile(source_text), "Kế hoạch 325/KH-UBND, Phụ lục 2"
    else:
        return f"<p>{_t('Tệp CSV không nêu tổng phụ nào (a tidy CSV states no subtotals).')}</p>"
    if not findings:
        every = _t("đều khớp (every stated subtotal adds up)")
        return f"<p>Mọi tổng phụ của {html.escape(source)} {every}.</p>"
    vi = _vietnamese_only()
    rows = [
        [f.group, f.agency or f.scope, COLUMN_WORDS_VI.get(f.column, f.column) if vi else f.column]
        + [amount(f.stated, 1), amount(f.computed, 1), amount(f.difference, 1), KIND_WORDS[f.kind][vi]]
        for f in findings
    ]
    header = ["Nhóm (group)", "Đơn vị (agency)", "Cột (column)", "Văn bản ghi (stated)"]
    header += ["Tổng các dòng (sum of rows)", "Chênh lệch (difference)", "Loại (kind)"]
    header = [_t(h) for h in header]
    intro = f"<p>{len(findings)} tổng phụ của {html.escape(source)} không bằng tổng các dòng của nó.</p>"
    return intro + html_table(header, rows, numeric_from=3)


def _reasons(allocation: Allocation) -> str:
    from .explanations import explain_text
    from .views import largest_changes

    items = [
        f"<li>{html.escape(explain_text(allocation, str(task)))}</li>"
        for task in largest_changes(allocation).index
    ]
    return f'<ol class="reasons">{"".join(items)}</ol>'


def _options(allocation: Allocation, name: str, description: str) -> str:
    opts = allocation.options.model_dump(exclude_defaults=True)
    vi = _vietnamese_only()
    rows = [[word("rule", both=False) if vi else "rule", allocation.rule]]
    rows += [[key, _value(value)] for key, value in opts.items() if key not in ("rule", "budget")]
    rows += [
        [f"{word('envelope', both=False)} {source_word(s)} {y}" if vi else f"envelope {s} {y}", amount(v)]
        for (s, y), v in sorted(allocation.envelopes.items())
    ]
    text = f"<p><b>{html.escape(name)}</b>{': ' + html.escape(description) if description else ''}</p>"
    return text + html_table([_t("Tuỳ chọn (option)"), _t("Giá trị (value)")], rows, numeric_from=9)


def _value(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, float):
        return amount(value, 2).rstrip("0").rstrip(",.") if value != round(value) else amount(value)
    return str(value)


def _allocation_sections(allocation: Allocation, name: str, description: str) -> list[str]:
    from .plots import plot_agencies, plot_plan, plot_tasks, plot_tiers
    from .views import allocation_parts

    parts = allocation_parts(allocation)
    year = allocation.years[0]
    charts = [_figure(plot_tiers(allocation), f"Dự kiến và phân bổ theo thứ bậc, {year} (by tier)")]
    if len(allocation.years) > 1:
        charts.append(_figure(plot_plan(allocation), "Kế hoạch nhiều năm (the years of the plan)"))
    charts.append(
        _figure(plot_agencies(allocation, top=15), f"15 đơn vị lớn nhất, {year} (largest agencies)")
    )
    charts.append(_figure(plot_tasks(allocation), f"Từng nhiệm vụ, {year} (every task)"))
    return [
        _section(f"{_t('Tóm tắt (summary)')}: {name}", _options(allocation, name, description)),
        _section(
            word("envelopes"), parts["envelopes"], f"<h3>{html.escape(word('by_tier'))}</h3>", parts["tiers"]
        ),
        _section(
            f"{word('changes')}, {year}",
            parts["changes"],
            f"<h3>{_t('Lý do (reasons)')}</h3>",
            _reasons(allocation),
        ),
        _section(_t("Biểu đồ (charts)"), *charts),
    ]


def report_html(
    allocation: Allocation,
    *,
    name: str = "",
    description: str = "",
    others: Sequence[tuple[str, str, Allocation]] = (),
    comparison: Comparison | None = None,
) -> str:
    """The report as one HTML document.

    Parameters
    ----------
    allocation
        The allocation reported (the first scenario's with several).
    name, description
        The scenario's name and description (default: the rule).
    others
        Further scenarios ``(name, description, allocation)``, each with its own sections.
    comparison
        The scenarios side by side, shown first.

    An allocation made with ``lang="vi"`` shows its tables and charts without
    English glosses.
    """
    from .language import display_context

    with display_context(allocation):
        return _report_html(allocation, name, description, others, comparison)


def _report_html(
    allocation: Allocation,
    name: str,
    description: str,
    others: Sequence[tuple[str, str, Allocation]],
    comparison: Comparison | None,
) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from .views import comparison_html

    name = name or allocation.rule
    years = allocation.years
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    source = html.escape(Path(allocation.tasks.source).name)
    head = [
        f"<h1>Báo cáo phân bổ ngân sách chuyển đổi số {span}</h1>",
        f'<p class="sub">{"" if _vietnamese_only() else "Allocation report · "}Kế hoạch 325/KH-UBND, '
        f"Phụ lục 2 · {source} · {len(allocation.tasks)} {_t('nhiệm vụ (tasks)')} · "
        f"{_t('triệu đồng (million VND)')}</p>",
    ]
    body = list(head)
    if comparison is not None:
        body.append(_section(_t("So sánh kịch bản (scenarios side by side)"), comparison_html(comparison)))
    for item_name, item_description, item in [(name, description, allocation), *others]:
        body += _allocation_sections(item, item_name, item_description)
    body.append(_section(_t("Đối chiếu văn bản (reconciliation)"), _findings(allocation.tasks)))
    title = html.escape(f"Báo cáo phân bổ {span}: {name}")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}</title>'
        f'{_PAGE_STYLE}{STYLE}</head><body><div class="pf-view">{"".join(body)}</div></body></html>\n'
    )


def write_report(path: str | Path, allocation: Allocation, **kwargs: Any) -> str:
    """Write :func:`report_html` to ``path`` (atomic); returns the text."""
    from .output import atomic_write_text

    text = report_html(allocation, **kwargs)
    atomic_write_text(Path(path), text)
    return text


def external_references(text: str) -> list[str]:
    """Every URL the page would fetch: ``src``, ``href``, ``url()``, ``@import`` (not ``#id``, ``data:``)."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']([^"'#][^"']*)["']""", text)
    found += re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
    found += re.findall(r"@import\s+['\"]?([^'\";]+)", text)
    return [u for u in found if not u.startswith(("data:", "#"))]
