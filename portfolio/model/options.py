"""What a run may change: the rule, the envelopes and the analyst's options.

Every option is validated before any model is built; a name that matches no
task, agency, group or pillar is a :class:`~portfolio.errors.ScenarioError`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..agencies import agency_key
from ..errors import ScenarioError
from ..money import MAX_AMOUNT
from ..pillars import category_name, pillar_name

__all__ = ["RULES", "Options", "Selector", "normalize_name"]

RULES = ("proportional", "equal_awards", "weighted", "closest_to_plan")
Rule = Literal["proportional", "equal_awards", "weighted", "closest_to_plan"]
SOURCES = ("recurrent", "investment")


def normalize_name(text: str) -> str:
    """Compare agency names the way a reader does: one key per agency (:func:`portfolio.agencies.agency_key`).

    NFC, case, spacing, ``&``, "TP"/"thành phố" and the tone mark's place are
    folded and the alias table maps other spellings to the canonical name.
    """
    return agency_key(text)


def _finite(value: float, what: str, *, money: bool = True) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    if money and abs(value) > MAX_AMOUNT:
        raise ValueError(f"{what} must be at most 10^12 million VND (beyond any budget), got {value!r}")
    return float(value)


class Options(BaseModel):
    """The options of one run (all amounts in million VND).

    Attributes
    ----------
    rule
        ``proportional`` (default), ``equal_awards``, ``weighted`` or ``closest_to_plan``.
    budget
        Envelope per funding source: a number (every year) or one number per
        year of the horizon. Missing sources default to the document's planned
        total of that source.
    plan_year, years
        First year planned (t0) and the horizon length (1 = a single year).
    weights
        Priority weights by task id, agency, group letter, source or pillar
        (``{"Kinh tế số": 2}``; the ``weighted`` rule); weights that match one
        task multiply.
    must_fund
        Tasks (or agencies, groups) funded to their full demand, whatever their tier.
    locked
        Task id -> fixed amount.
    deferred
        Tasks (or agencies, groups) given nothing this run.
    agency_floors, agency_caps
        Agency (or group, pillar, any name of the constraint grammar) -> least /
        most money in a year.
    constraints
        Analyst rows as strings: ``"Sở Y tế >= 20000"``, ``"C <= 5000"``, ``"B38 + B36 <= 100000"``,
        ``"Kinh tế số >= 50.000"``.
    seed_share
        Least share of its remaining need each new task receives (the document's
        "Tỷ lệ bố trí vốn" is 2% for most new tasks).
    pacing
        κ ≥ 1: a task may take up to κ times its even-schedule demand (never more
        than its remaining need).
    all_or_nothing
        New public-investment tasks (D, new) are funded to full demand or not
        started (Luật Đầu tư công Đ51 k5), admitted first-fit in the priority
        order of new starts (``docs/model.md`` §4.2).
    tiers
        Custom ladder: task id, group letter or kind (``lease``, ``annual``,
        ``continuing``, ``new``) -> tier number (1 is served first; tier 1
        tasks are commitments funded in full).
    solver
        ``highs`` (default) or ``cbc``.
    committed
        Task id -> the amount already allocated this year in round 1 (đợt 1):
        the task gets at least this in the first plan year (round 2, đợt 2,
        allocates the full-year envelope on top of it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule = "proportional"
    budget: dict[str, float | tuple[float, ...]] = Field(default_factory=dict)
    plan_year: int = Field(default=2024, ge=1990, le=2100)
    years: int = Field(default=1, ge=1, le=20)
    weights: dict[str, float] = Field(default_factory=dict)
    must_fund: tuple[str, ...] = ()
    locked: dict[str, float] = Field(default_factory=dict)
    deferred: tuple[str, ...] = ()
    agency_floors: dict[str, float] = Field(default_factory=dict)
    agency_caps: dict[str, float] = Field(default_factory=dict)
    constraints: tuple[str, ...] = ()
    seed_share: float = Field(default=0.0, ge=0.0, le=1.0)
    pacing: float = Field(default=1.0, ge=1.0, le=100.0)
    all_or_nothing: bool = False
    tiers: dict[str, int] = Field(default_factory=dict)
    solver: Literal["highs", "cbc"] = "highs"
    committed: dict[str, float] = Field(default_factory=dict)

    @field_validator("budget")
    @classmethod
    def _budget(cls, value: dict[str, object]) -> dict[str, float | tuple[float, ...]]:
        out: dict[str, float | tuple[float, ...]] = {}
        for source, amount in value.items():
            if source not in SOURCES:
                raise ValueError(f"unknown funding source {source!r}; expected recurrent or investment")
            if isinstance(amount, (list, tuple, np.ndarray)):
                amounts = tuple(_finite(a, f"budget {source}") for a in amount)
                if any(a < 0 for a in amounts):
                    raise ValueError(f"budget {source} must not be negative")
                out[source] = amounts
            else:
                number = _finite(amount, f"budget {source}")  # type: ignore[arg-type]
                if number < 0:
                    raise ValueError(f"budget {source} must not be negative, got {number:g}")
                out[source] = number
        return out

    @field_validator("weights", "locked", "agency_floors", "agency_caps", "committed")
    @classmethod
    def _amounts(cls, value: dict[str, float]) -> dict[str, float]:
        for key, amount in value.items():
            number = _finite(amount, f"the amount for {key!r}")
            if number < 0:
                raise ValueError(f"the amount for {key!r} must not be negative, got {number:g}")
        return value

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, value: dict[str, int]) -> dict[str, int]:
        for key, tier in value.items():
            if not 1 <= tier <= 9:
                raise ValueError(f"tier of {key!r} must be 1 to 9, got {tier}")
        return value


class Selector:
    """Resolve names in options (task ids, agencies, groups, sources, tiers, pillars) to tasks.

    A pillar is named as :func:`portfolio.pillars.pillar_name` reads it
    (``Kinh tế số``, ``digital economy``), a heading of Phụ lục I as
    :func:`portfolio.pillars.category_name` does (``VI Dữ liệu số``, ``VI``).

    Parameters
    ----------
    ids, groups, agencies, sources, tiers
        One entry per task.
    pillars, categories
        One entry per task (default: every task unclassified).
    """

    def __init__(
        self,
        ids: Sequence[str],
        groups: Sequence[str] | np.ndarray,
        agencies: Sequence[str] | np.ndarray,
        sources: Sequence[str] | np.ndarray,
        tiers: Sequence[int] | np.ndarray,
        pillars: Sequence[str] | np.ndarray | None = None,
        categories: Sequence[str] | np.ndarray | None = None,
    ) -> None:
        self.ids = tuple(ids)
        self.groups = np.asarray(groups)
        self.agencies = agencies
        self.sources = np.asarray(sources)
        self.tiers = np.asarray(tiers)
        self.pillars = np.asarray(pillars if pillars is not None else ["chưa phân loại"] * len(self.ids))
        self.categories = np.asarray(categories if categories is not None else self.pillars)

    @functools.cached_property
    def id_index(self) -> dict[str, int]:
        """Upper-cased task id -> position (built on first use)."""
        return {task_id.upper(): i for i, task_id in enumerate(self.ids)}

    @functools.cached_property
    def agency_keys(self) -> np.ndarray:
        """Each task's agency as :func:`normalize_name` folds it (built on first use)."""
        # normalised once per distinct agency, not once per task
        names, inverse = np.unique(np.asarray(self.agencies, dtype=object).astype(str), return_inverse=True)
        return np.asarray([normalize_name(a) for a in names.tolist()])[inverse.ravel()]

    def mask(self, name: str, *, option: str) -> np.ndarray:
        """Boolean mask of the tasks a name designates.

        Raises
        ------
        ScenarioError
            If nothing matches, naming the option and the closest agencies.
        """
        key = str(name).strip()
        n = len(self.ids)
        if key.upper() in self.id_index:
            out = np.zeros(n, dtype=bool)
            out[self.id_index[key.upper()]] = True
            return out
        if key.upper() in {"A", "B", "C", "D"}:
            return self.groups == key.upper()
        if key.casefold() in SOURCES:
            return self.sources == key.casefold()
        if key.casefold().startswith("tier ") and key[5:].strip().isdigit():
            return self.tiers == int(key[5:].strip())
        pillar = pillar_name(key)
        if pillar is not None:
            return self.pillars == pillar
        category = category_name(key)
        if category is not None:
            return self.categories == category
        folded = normalize_name(key)
        match = self.agency_keys == folded
        if match.any():
            return match
        import difflib

        close = difflib.get_close_matches(folded, sorted(set(self.agency_keys.tolist())), n=2)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ScenarioError(
            f"{key!r} is no task id, group, funding source, tier, pillar or agency of the appendix{hint}",
            field=option,
        )

    def mask_any(self, names: Sequence[str], *, option: str) -> np.ndarray:
        """The tasks any of ``names`` designates (task ids looked up at once)."""
        out = np.zeros(len(self.ids), dtype=bool)
        found = []
        for name in names:
            k = self.id_index.get(str(name).strip().upper())
            if k is None:
                out |= self.mask(name, option=option)
            else:
                found.append(k)
        out[found] = True
        return out

    def index(self, name: str, *, option: str) -> int:
        """The single task a task id designates."""
        key = str(name).strip().upper()
        if key not in self.id_index:
            raise ScenarioError(f"{name!r} is not a task id of the appendix", field=option)
        return self.id_index[key]


def budget_matrix(
    options: Options, planned_by_source: Mapping[str, float], years: int
) -> dict[str, np.ndarray]:
    """Envelope of each source for each year of the horizon.

    A single number applies to every year; a list must give one number per year.
    A source not named uses the document's planned total of that source.
    """
    out: dict[str, np.ndarray] = {}
    for source in SOURCES:
        amount = options.budget.get(source, planned_by_source.get(source, 0.0))
        if isinstance(amount, tuple):
            if len(amount) != years:
                raise ScenarioError(
                    f"budget {source} gives {len(amount)} yearly amounts for a {years}-year horizon",
                    field="budget",
                )
            out[source] = np.asarray(amount, dtype=float)
        else:
            out[source] = np.full(years, float(amount))
    return out
