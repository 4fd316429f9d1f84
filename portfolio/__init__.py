"""portfolio: share a public budget across a portfolio of tasks, exactly and explainably.

Built on Phụ lục 2 of Hải Phòng's 2024 digital-transformation plan (Kế hoạch
325/KH-UBND). Money is in million VND (triệu đồng) throughout.

>>> import portfolio as pf
>>> tasks = pf.read_appendix()          # the bundled 81 tasks
>>> len(tasks)
81

Heavy modules (pandas, the solvers, matplotlib) load on first use, so
``import portfolio`` stays fast.
"""

# The command (``portfolio.__main__``) imports this package before it can catch a Ctrl-C,
# so the package imports nothing at all (``typing`` only for the type checker)
TYPE_CHECKING = False

__version__ = "0.1.0"

_EXPORTS = {
    "read_appendix": "portfolio.readers",
    "bundled_appendix_path": "portfolio.readers",
    "reconcile": "portfolio.reconciliation",
    "Finding": "portfolio.reconciliation",
    "derive": "portfolio.demand",
    "Task": "portfolio.tasks",
    "TaskList": "portfolio.tasks",
    "PortfolioError": "portfolio.errors",
    "PortfolioWarning": "portfolio.errors",
    "InputError": "portfolio.errors",
    "ScenarioError": "portfolio.errors",
    "InfeasibleError": "portfolio.errors",
    "SolveError": "portfolio.errors",
    "optimize": "portfolio.model",
    "Allocation": "portfolio.model",
    "Scenario": "portfolio.scenarios",
    "load_scenarios": "portfolio.scenarios",
    "compare": "portfolio.comparison",
    "Comparison": "portfolio.comparison",
    "frontier": "portfolio.frontiers",
    "water_fill": "portfolio.water_filling",
    "explain": "portfolio.explanations",
    "explain_text": "portfolio.explanations",
    "agency_merges": "portfolio.agencies",
    "add_aliases": "portfolio.agencies",
    "write_template": "portfolio.template",
    "Frontier": "portfolio.frontiers",
    "options": "portfolio.display",
    "what_if": "portfolio.widget",
    "classify": "portfolio.classification",
    "simulate": "portfolio.monte_carlo",
    "Simulation": "portfolio.simulation",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .agencies import add_aliases, agency_merges
    from .classification import classify
    from .comparison import Comparison, compare
    from .demand import derive
    from .display import options
    from .errors import (
        InfeasibleError,
        InputError,
        PortfolioError,
        PortfolioWarning,
        ScenarioError,
        SolveError,
    )
    from .explanations import explain, explain_text
    from .frontiers import Frontier, frontier
    from .model import Allocation, optimize
    from .monte_carlo import simulate
    from .readers import bundled_appendix_path, read_appendix
    from .reconciliation import Finding, reconcile
    from .scenarios import Scenario, load_scenarios
    from .simulation import Simulation
    from .tasks import Task, TaskList
    from .template import write_template
    from .water_filling import water_fill
    from .widget import what_if


def __getattr__(name: str) -> "Any":
    import importlib

    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'portfolio' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
