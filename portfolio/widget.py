"""A live what-if in Jupyter: envelopes, rule and deferred tasks as controls (``pf.what_if()``).

A thin shell over :func:`~portfolio.model.optimize`: every change of a control runs
``optimize`` with the controls' values (a few milliseconds) and redraws the summary
and the tier and agency charts in one ``Output``. Needs the optional extra
``pip install "portfolio[widgets]"`` (ipywidgets).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PortfolioError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .model.allocation import Allocation
    from .tasks import TaskList

__all__ = ["WhatIf", "what_if"]

RULES = ("proportional", "equal_awards", "weighted", "closest_to_plan")


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - the test extras include it
        raise PortfolioError('the what-if widget needs ipywidgets: pip install "portfolio[widgets]"') from exc
    return ipywidgets


class WhatIf:
    """The widget :func:`what_if` returns; shows itself in Jupyter.

    Attributes
    ----------
    controls
        ``"recurrent"`` and ``"investment"`` (sliders, percent of the document's
        envelope: 100 = 332.401 and 66.390), ``"rule"`` (a dropdown) and
        ``"deferred"`` (a multi-select of task ids).
    allocation
        The allocation of the controls' current values (``None`` while they are infeasible).
    message
        Why the current values cannot be allocated, else ``""``.
    output
        The ``Output`` holding the summary and the charts.
    """

    def __init__(self, tasks: TaskList, *, draw: bool = True) -> None:
        from .model.inputs import planned_totals

        widgets = _widgets()
        self.tasks = tasks
        self.baseline = planned_totals(tasks)
        self.draw = draw
        slider = {"min": 0, "max": 200, "step": 1, "value": 100, "continuous_update": False}
        style = {"description_width": "initial"}
        self.controls: dict[str, Any] = {
            "recurrent": widgets.IntSlider(
                description="Chi thường xuyên (recurrent) %", style=style, **slider
            ),
            "investment": widgets.IntSlider(description="Đầu tư công (investment) %", style=style, **slider),
            "rule": widgets.Dropdown(options=list(RULES), value="proportional", description="Quy tắc (rule)"),
            "deferred": widgets.SelectMultiple(
                options=list(tasks.ids), value=(), rows=6, description="Hoãn (deferred)"
            ),
        }
        self.output = widgets.Output()
        self.allocation: Allocation | None = None
        self.message = ""
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        sliders = widgets.VBox(
            [self.controls["recurrent"], self.controls["investment"], self.controls["rule"]]
        )
        self.box = widgets.VBox([widgets.HBox([sliders, self.controls["deferred"]]), self.output])
        self.update()

    def budget(self) -> dict[str, float]:
        """The envelopes the sliders give, in million VND."""
        return {s: self.baseline[s] * self.controls[s].value / 100.0 for s in ("recurrent", "investment")}

    def update(self) -> Allocation | None:
        """Run ``optimize`` with the controls' values and redraw; returns the allocation."""
        from .model import optimize

        try:
            self.allocation = optimize(
                self.tasks,
                budget=self.budget(),
                rule=self.controls["rule"].value,
                deferred=list(self.controls["deferred"].value),
            )
            self.message = ""
        except PortfolioError as exc:
            self.allocation, self.message = None, " ".join(str(exc).split())
        if self.draw:
            self._redraw()
        return self.allocation

    def _changed(self, change: Any) -> None:
        self.update()

    def _redraw(self) -> None:
        """Replace the output with the summary and the charts (as display data: no kernel needed)."""
        import html
        import io

        from IPython.display import HTML, Image

        self.output.outputs = ()
        if self.allocation is None:
            self.output.append_display_data(
                HTML(f"<p><b>Không khả thi (infeasible):</b> {html.escape(self.message)}</p>")
            )
            return
        self.output.append_display_data(HTML(self.allocation._repr_html_()))
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format="png", dpi=72)
        self.output.append_display_data(Image(data=buffer.getvalue(), format="png"))

    def figure(self) -> Figure:
        """The tier and agency charts of the current allocation, side by side (a new Figure).

        Raises
        ------
        PortfolioError
            While the controls' values cannot be allocated.
        """
        from matplotlib.figure import Figure

        if self.allocation is None:
            raise PortfolioError(f"nothing to draw: {self.message}")
        # no pyplot state, and fixed places for the two charts: a layout engine would
        # measure every label again at each change
        figure = Figure(figsize=(15, 6))
        left = figure.add_axes((0.06, 0.16, 0.34, 0.76))
        right = figure.add_axes((0.68, 0.10, 0.31, 0.82))  # room on its left for the agencies' names
        self.allocation.plot("tier", ax=left)
        self.allocation.plot("agency", ax=right, top=12)
        return figure

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def what_if(tasks: TaskList | str | Path | None = None) -> WhatIf:
    """A live what-if: move the envelopes, pick a rule, defer tasks; the allocation follows.

    Parameters
    ----------
    tasks
        The appendix (a :class:`~portfolio.tasks.TaskList`, a path, or ``None`` for the bundled one).

    Returns
    -------
    WhatIf
        Displays as the controls over the summary and the tier and agency charts;
        ``.controls[...]`` are the ipywidgets, ``.allocation`` the current result.
    """
    from .model.inputs import load_tasks

    return WhatIf(load_tasks(tasks))
