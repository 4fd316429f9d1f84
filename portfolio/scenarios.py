"""Scenarios: named sets of run options read from TOML or JSON, and run.

A file holds one scenario as top-level keys, or several under ``[[scenario]]``
(TOML) or a ``"scenario"`` list (JSON). A budget is an amount in million VND, a
percentage of the baseline envelope (the document's planned total of that
source: ``"-10%"`` and ``"90%"`` both mean 90% of it), or a list with one value
per year. Every other field of :class:`~portfolio.model.options.Options` may be
given; what is not given keeps its default. See ``examples/scenarios/``.
Scenarios side by side are :mod:`portfolio.comparison`'s (:func:`compare`,
:class:`Comparison`, also importable from here).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pydantic as pyd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .comparison import TOTAL, Comparison, compare
from .errors import ScenarioError
from .input_files import SCENARIO_LIMIT, read_input_bytes
from .model.budget import check_budget, resolve_budget
from .model.inputs import field_path, load_tasks
from .model.optimize import optimize, run_options
from .model.options import SOURCES, Options, Rule, budget_matrix
from .tasks import TaskList

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from .model.allocation import Allocation

__all__ = ["TOTAL", "Comparison", "Scenario", "compare", "load_scenarios", "planned_totals"]

Tasks = TaskList | str | Path | None


def planned_totals(tasks: TaskList) -> dict[str, float]:
    """Return the document's planned total of each funding source: the baseline envelopes."""
    return {s: float(sum(t.planned for t in tasks if t.funding_source == s)) for s in SOURCES}


class Scenario(BaseModel):
    """A named set of run options; a field left ``None`` keeps the default of :class:`Options`.

    ``budget`` maps a source to an amount (million VND), a percentage of the
    baseline envelope (``"-10%"``, ``"90%"``, ``"+5%"``) or a list of them, one
    per year; ``name`` and ``description`` label the scenario in comparisons.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    budget: dict[str, float | str | list[float | str]] = Field(default_factory=dict)
    rule: Rule | None = None
    plan_year: int | None = None
    years: int | None = None
    weights: dict[str, float] | None = None
    must_fund: tuple[str, ...] | None = None
    locked: dict[str, float] | None = None
    deferred: tuple[str, ...] | None = None
    agency_floors: dict[str, float] | None = None
    agency_caps: dict[str, float] | None = None
    constraints: tuple[str, ...] | None = None
    seed_share: float | None = None
    pacing: float | None = None
    all_or_nothing: bool | None = None
    tiers: dict[str, int] | None = None
    solver: Literal["highs", "cbc"] | None = None
    committed: dict[str, float] | str | None = None
    _file: str | None = PrivateAttr(default=None)
    _prefix: str = PrivateAttr(default="")

    @pyd.field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, value: object) -> dict[str, float | str | list[float | str]]:
        return check_budget(value)

    @pyd.field_validator("must_fund", "deferred", "constraints", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @pyd.model_validator(mode="after")
    def _check_options(self) -> Scenario:
        try:
            checked = {
                k: v for k, v in self.overrides().items() if not isinstance(v, str) or k != "committed"
            }
            Options(rule=self.rule or "proportional", **checked)
        except ValidationError as exc:
            raise _error(exc, "", "") from None
        return self

    def overrides(self) -> dict[str, Any]:
        """Return the options this scenario sets, other than ``rule`` and ``budget``."""
        skip = {"name", "description", "budget", "rule"}
        return {k: v for k, v in self if k not in skip and v is not None}

    def _located(self, exc: ScenarioError) -> ScenarioError:
        where = f"{self._prefix}{exc.field}" if exc.field else (self._prefix.rstrip(".") or None)
        return ScenarioError(exc.message, file=self._file or f"scenario {self.name!r}", field=where)

    def resolved_budget(self, tasks: TaskList) -> dict[str, float | tuple[float, ...]]:
        """Return the budget in million VND, percentages taken of the document's planned totals."""
        return resolve_budget(self.budget, planned_totals(tasks))

    def to_options(self, tasks: Tasks = None) -> Options:
        """Return the run's :class:`Options` for an appendix (bundled by default)."""
        task_list = load_tasks(tasks)
        try:
            return run_options(task_list, self.budget, self.rule or "proportional", **self.overrides())
        except ScenarioError as exc:
            raise self._located(exc) from None

    def check(self, tasks: Tasks = None) -> Options:
        """Validate names, constraints and yearly budgets against an appendix without solving."""
        from .model.instance import build_instance

        task_list = load_tasks(tasks)
        opts = self.to_options(task_list)
        try:
            envelopes = budget_matrix(opts, planned_totals(task_list), opts.years)
            build_instance(task_list, opts, {s: float(envelopes[s][0]) for s in SOURCES})
        except ScenarioError as exc:
            raise self._located(exc) from None
        return opts

    def run(self, tasks: Tasks = None) -> Allocation:
        """Optimize with this scenario's options.

        Raises
        ------
        ScenarioError
            For a name the appendix does not know, naming the file and field.
        InfeasibleError
            When the scenario's hard rules do not fit an envelope.
        """
        task_list = load_tasks(tasks)
        try:
            return optimize(task_list, self.budget, self.rule or "proportional", **self.overrides())
        except ScenarioError as exc:
            raise self._located(exc) from None


def _error(exc: ValidationError, file: str, prefix: str) -> ScenarioError:
    """One line from pydantic's report: file, dotted field, what was expected."""
    first = exc.errors()[0]
    inner = first.get("ctx", {}).get("error")
    if isinstance(inner, ScenarioError):
        return ScenarioError(inner.message, file=file, field=prefix + (inner.field or "") or None)
    where = field_path(first.get("loc", ()))
    message = str(first.get("msg", exc)).removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        import difflib

        close = difflib.get_close_matches(where, list(Scenario.model_fields), n=1)
        message = "unknown field" + (f"; did you mean {close[0]!r}?" if close else "")
    elif first.get("type") != "missing" and not isinstance(first.get("input"), (dict, list)):
        message += f", got {first.get('input')!r}"
    return ScenarioError(message, file=file, field=prefix + where or None)


def _read(path: Path) -> object:
    suffix = path.suffix.lower()
    if suffix not in {".toml", ".json"}:
        raise ScenarioError("expected a .toml or .json scenario file", file=str(path))
    data = read_input_bytes(path, limit=SCENARIO_LIMIT, error=ScenarioError)
    try:
        text = data.decode("utf-8-sig")
        return tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"not valid {suffix[1:].upper()}: {exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", file=str(path), row=f"line {line}"
        ) from None
    except RecursionError:
        raise ScenarioError(
            "nested too deeply to be a scenario (tables or lists inside one another about a thousand deep)",
            file=str(path),
        ) from None


def _entries(data: object, path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(field prefix, raw mapping) of each scenario in a file."""
    if isinstance(data, dict) and "scenario" in data:
        if extra := sorted(set(data) - {"scenario"}):
            raise ScenarioError(
                "no top-level keys are allowed beside [[scenario]]", file=str(path), field=extra[0]
            )
        data = [data["scenario"]] if isinstance(data["scenario"], dict) else data["scenario"]
    if isinstance(data, dict):
        return [("", {"name": path.stem, **data})]
    if not isinstance(data, list) or not data:
        raise ScenarioError("expected a scenario or a list of [[scenario]]", file=str(path))
    out = []
    for k, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise ScenarioError("expected a table", file=str(path), field=f"scenario[{k}]")
        out.append((f"scenario[{k}].", {"name": f"{path.stem}-{k + 1}", **entry}))
    return out


def load_scenarios(path: str | Path, tasks: Tasks = None) -> list[Scenario]:
    """Read the scenarios of a TOML or JSON file, or of every such file in a folder.

    A folder's files are read in name order; a file's single unnamed scenario is named after
    the file. With ``tasks``, every scenario is also checked against that appendix.

    Raises
    ------
    ScenarioError
        One line naming the file and the field, e.g. ``cut.toml: field
        'budget.recurrent': expected an amount or a percentage like -10%, got 'abc'``.
    """
    path = Path(path)
    files = [path]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".toml", ".json"})
        if not files:
            raise ScenarioError("the folder holds no .toml or .json scenario file", file=str(path))
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for file in files:
        for prefix, raw in _entries(_read(file), file):
            try:
                scenario = Scenario(**raw)
            except ValidationError as exc:
                raise _error(exc, str(file), prefix) from None
            if scenario.name in seen:
                message = f"duplicate scenario name (also in {seen[scenario.name]})"
                raise ScenarioError(message, file=str(file), field=f"{prefix}name")
            seen[scenario.name] = str(file)
            scenario._file, scenario._prefix = str(file), prefix
            scenarios.append(scenario)
    if tasks is not None:
        task_list = load_tasks(tasks)
        for scenario in scenarios:
            scenario.check(task_list)
    return scenarios
