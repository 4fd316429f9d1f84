"""Validated task records of Phụ lục 2 and the collection that holds them.

A :class:`Task` is one row of the appendix (one *nhiệm vụ*), money in million VND
(triệu đồng). A :class:`TaskList` is what every reader returns: the tasks in
document order, a pandas view (:attr:`TaskList.frame`), and, when the source was
laid out like the document, the subtotals the document states (for
:func:`portfolio.reconcile`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError
from .money import MAX_AMOUNT
from .periods import parse_period
from .pillars import CATEGORIES, PILLARS, UNCLASSIFIED, category_name, pillar_name
from .stated import StatedTotal
from .tolerances import SUM_NOISE

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLASSIFICATION_COLUMNS",
    "COLUMNS",
    "GROUPS",
    "MONEY_COLUMNS",
    "StatedTotal",
    "Task",
    "TaskList",
    "parse_period",
]

GROUPS = ("A", "B", "C", "D")
GROUP_TITLES = {
    "A": "Các nhiệm vụ triển khai thường xuyên hàng năm",
    "B": "Các nhiệm vụ chuyển tiếp từ năm 2023 sang năm 2024",
    "C": "Nhiệm vụ các sở ngành, địa phương, các cơ quan Đảng, đoàn thể đề xuất mới",
    "D": "Các nhiệm vụ chuyển đổi số sử dụng nguồn đầu tư công",
}
MONEY_COLUMNS = ("approved", "spent_before", "carried_over", "planned")
COLUMNS = (
    "id",
    "group",
    "agency",
    "name",
    "period",
    "start_year",
    "end_year",
    "lease_years",
    "approved",
    "spent_before",
    "carried_over",
    "planned",
    "funding_source",
    "is_new",
)
#: Optional tidy columns: the policy pillar, the heading of Phụ lục I and why (``portfolio.pillars``).
CLASSIFICATION_COLUMNS = ("pillar", "category", "pillar_reason")
FundingSource = Literal["recurrent", "investment"]

_ID = re.compile(r"^[A-D][1-9]\d*$")


class _FieldError(ValueError):
    """A check across fields, blamed on one of them (pydantic reports no field for it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Task(BaseModel):
    """One task (nhiệm vụ) of Phụ lục 2, money in million VND.

    Attributes
    ----------
    id
        Group letter and the row's number in the document: ``A1`` … ``D4``.
    group
        ``A`` recurring (thường xuyên), ``B`` continuing (chuyển tiếp),
        ``C`` new proposals (đề xuất mới), ``D`` public investment (đầu tư công).
    agency
        The lead agency (đơn vị chủ trì), as the document spells it.
    approved
        Dự toán được duyệt (for C: nhu cầu kinh phí, the requested amount).
    spent_before
        Kinh phí đã sử dụng năm 2023 (B); đã phân bổ, thực hiện (D).
    carried_over
        Chuyển nguồn từ 2023 sang 2024: money that already belongs to the task.
    planned
        Dự kiến phân bổ kinh phí năm 2024: the document's actual allocation.
    lease_years
        NN of "Thuê dịch vụ NN năm" (1–5 years, NĐ 73/2019 Đ54), else ``None``.
    pillar
        The pillar of Nghị quyết 03-NQ/TU the task serves: ``Nền tảng``,
        ``Chính quyền số``, ``Kinh tế số``, ``Xã hội số`` or ``chưa phân loại``
        (English aliases such as ``digital economy`` are accepted).
    category
        Its heading of Phụ lục I (``VI Dữ liệu số``), or ``chưa phân loại``.
    pillar_reason
        Why: the rule that placed it (``truyền thanh → XI Xã hội số``), the hand
        check, or the file that gave it; empty until the task is classified
        (:func:`portfolio.classification.classify`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=_ID.pattern)
    group: Literal["A", "B", "C", "D"]
    agency: str = Field(min_length=1)
    name: str = Field(min_length=1)
    period: str = ""
    start_year: int = Field(ge=1990, le=2100)
    end_year: int = Field(ge=1990, le=2100)
    lease_years: int | None = Field(default=None, ge=1, le=5)
    approved: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    spent_before: float = Field(default=0.0, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    carried_over: float = Field(default=0.0, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    planned: float = Field(default=0.0, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    funding_source: FundingSource
    is_new: bool
    pillar: str = UNCLASSIFIED
    category: str = UNCLASSIFIED
    pillar_reason: str = ""

    @field_validator("pillar")
    @classmethod
    def _pillar(cls, value: str) -> str:
        name = pillar_name(value)
        if name is None:
            raise ValueError(
                f"expected a pillar: {', '.join(PILLARS)} or {UNCLASSIFIED} "
                f"(or foundations, digital government, digital economy, digital society), got {value!r}"
            )
        return name

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        name = category_name(value)
        if name is None:
            raise ValueError(
                f"expected a heading of Phụ lục I ({CATEGORIES[0]} … {CATEGORIES[-1]}, or its numeral) "
                f"or {UNCLASSIFIED}, got {value!r}"
            )
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Task:
        if self.id[0] != self.group:
            raise _FieldError("id", f"id {self.id!r} does not start with its group letter {self.group}")
        if self.start_year > self.end_year:
            raise _FieldError("start_year", f"start_year {self.start_year} is after end_year {self.end_year}")
        if self.spent_before + self.carried_over > self.approved + SUM_NOISE:
            raise _FieldError(
                "spent_before",
                f"spent_before + carried_over = {self.spent_before + self.carried_over:g} "
                f"exceeds approved = {self.approved:g}",
            )
        expected_source = "investment" if self.group == "D" else "recurrent"
        if self.funding_source != expected_source:
            raise _FieldError(
                "funding_source", f"funding_source of a group {self.group} task must be {expected_source!r}"
            )
        if self.lease_years is not None and self.group != "A":
            raise _FieldError("lease_years", "only group A tasks are service leases (lease_years)")
        return self


_YEAR_FIELDS = {"start_year", "end_year"}


def _friendly(name: str | None, kind: str, given: object, default: str) -> str:
    """Say pydantic's complaint about one field the way a reader of the appendix would."""
    shown = f"{given:g}" if isinstance(given, float) else repr(given)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    if name == "id" and kind == "string_pattern_mismatch":
        return f"expected an id like B3 (group letter A–D, then the row number from 1), got {shown}"
    if name == "group" and kind == "literal_error":
        return f"expected a group letter A, B, C or D, got {shown}"
    if name in _YEAR_FIELDS and kind in {"greater_than_equal", "less_than_equal"}:
        return f"expected a year from 1990 to 2100, got {shown}"
    if name == "lease_years" and kind in {"greater_than_equal", "less_than_equal"}:
        return f"a service lease lasts 1 to 5 years (NĐ 73/2019 Đ54), got {shown}"
    if name in MONEY_COLUMNS and kind == "greater_than_equal":
        return f"an amount must not be negative, got {shown}"
    if name in MONEY_COLUMNS and kind == "less_than_equal":
        return f"expected an amount of at most 10^12 million VND (beyond any budget), got {shown}"
    if kind == "finite_number":
        return f"expected a finite amount, got {shown}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in {"missing", "extra_forbidden"}:
        return default
    return f"{default}, got {shown}" if "got" not in default else default


def _field_of(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    loc = [str(part) for part in first.get("loc", ()) if str(part) != "__root__"]
    name = loc[0] if loc else None
    message = first.get("msg", str(error)).removeprefix("Value error, ")
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, _FieldError):
        return cause.field, str(cause)
    if first.get("type") == "value_error":
        return name, message
    return name, _friendly(name, str(first.get("type")), first.get("input"), message)


def make_task(
    values: dict[str, object], *, file: str, row: str, fields: dict[str, str] | None = None
) -> Task:
    """Validate one record, turning pydantic's report into an :class:`InputError`.

    Parameters
    ----------
    values
        Field values of one task.
    file, row
        Where the record comes from, for the error message.
    fields
        Field name -> the name to report (a document reader reports the years
        and lease it read from the period cell as ``period``).

    Returns
    -------
    Task
        The validated task.

    Raises
    ------
    InputError
        Naming the file, the row and the first field that failed.
    """
    try:
        return Task(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        name, message = _field_of(exc)
        if fields and name in fields:
            name = fields[name]
        raise InputError(message, file=file, row=row, field=name) from None


@dataclass(frozen=True)
class TaskList(Sequence[Task]):
    """The tasks of an appendix in document order, with where they came from.

    Attributes
    ----------
    tasks
        The validated tasks.
    source
        The file they were read from.
    stated
        Subtotals stated by a document-layout source (empty for a tidy CSV).
    members
        For each agency subtotal (by ``(group, position)``), the ids of its rows.
    plan_year
        The year the document plans (its title "… NĂM 2025", its headers "Dự kiến
        phân bổ kinh phí năm 2025", "Chuyển nguồn từ 2024 sang 2025"); ``None`` when
        the source does not say (a tidy CSV). Runs plan this year unless told another.
    """

    tasks: tuple[Task, ...]
    source: str = "<data>"
    stated: tuple[StatedTotal, ...] = ()
    members: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    plan_year: int | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for position, task in enumerate(self.tasks):
            if task.id in index:
                raise InputError("duplicate task id", file=self.source, row=task.id, field="id")
            index[task.id] = position
        object.__setattr__(self, "_index", index)  # a task by id in constant time, not a scan

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def __getitem__(self, key: int | str) -> Task:  # type: ignore[override]
        if isinstance(key, str):
            position = self._index.get(key)
            if position is None:
                raise KeyError(key)
            return self.tasks[position]
        return self.tasks[key]

    @property
    def ids(self) -> tuple[str, ...]:
        """Task ids in document order."""
        return tuple(task.id for task in self.tasks)

    @property
    def frame(self) -> pd.DataFrame:
        """One row per task, indexed by id, the tidy columns in order, then the classification."""
        import pandas as pd

        records = [task.model_dump() for task in self.tasks]
        frame = pd.DataFrame.from_records(records, columns=[*COLUMNS, *CLASSIFICATION_COLUMNS])
        frame["lease_years"] = frame["lease_years"].astype("Int64")
        return frame.set_index("id")

    def select(self, ids: Iterable[str]) -> TaskList:
        """The tasks with these ids, in document order (``tasks.select(["B38", "C1"])``).

        Raises
        ------
        KeyError
            If an id is not a task of the list.
        """
        wanted = [str(i).strip().upper() for i in ([ids] if isinstance(ids, str) else ids)]
        by_id = {task.id: task for task in self.tasks}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise KeyError(f"not task ids of the list: {', '.join(missing)}")
        chosen = set(wanted)
        return self._subset(tuple(task for task in self.tasks if task.id in chosen))

    def where(self, condition: Callable[[Task], bool] | None = None, **fields: Any) -> TaskList:
        """The tasks that meet ``condition`` and whose fields equal the given values, in document order.

        ``tasks.where(group="B", agency="Sở Y tế")``, ``tasks.where(lambda t: t.planned > 10_000)``;
        a field given a list or set matches any of its values.
        """
        known = list(Task.model_fields)
        for name in fields:
            if name not in known:
                raise KeyError(f"{name!r} is not a task field; known: {', '.join(known)}")

        def keep(task: Task) -> bool:
            for name, value in fields.items():
                mine = getattr(task, name)
                if isinstance(value, (list, tuple, set, frozenset)):
                    if mine not in value:
                        return False
                elif mine != value:
                    return False
            return condition is None or bool(condition(task))

        return self._subset(tuple(task for task in self.tasks if keep(task)))

    def _subset(self, tasks: tuple[Task, ...]) -> TaskList:
        ids = {task.id for task in tasks}
        members = {
            key: kept for key, group in self.members.items() if (kept := tuple(i for i in group if i in ids))
        }
        return TaskList(tasks, self.source, (), members, self.plan_year)

    def _repr_html_(self) -> str:
        from .views import tasks_html

        return tasks_html(self)

    def __repr__(self) -> str:
        counts = ", ".join(f"{g} {sum(t.group == g for t in self.tasks)}" for g in GROUPS)
        return f"TaskList({len(self.tasks)} tasks: {counts}; from {self.source})"
