"""The result of a run: an allocation per task, with tables, summary and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import TIER_NAMES

if TYPE_CHECKING:
    import pandas as pd

    from .options import Options

__all__ = ["Allocation"]

_SUM_COLUMNS = ["demand", "planned", "allocated", "difference"]


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass(frozen=True)
class Allocation:
    """An optimized allocation compared with the document's (million VND).

    Attributes
    ----------
    table
        Indexed by task id (and ``year`` in a multi-year plan, as a column):
        ``group``, ``agency``, ``funding_source``, ``tier``, ``kind``, ``demand``,
        ``planned`` (the document's Dự kiến phân bổ), ``allocated``,
        ``difference`` (allocated − planned), ``coverage`` (allocated / demand).
    options
        The options of the run (rule, envelopes, ...).
    envelopes
        ``(source, year) -> envelope``.
    levels
        ``(source, year, tier) -> `` the common level the rule reached (the
        coverage ratio λ for the proportional rule).
    status
        ``"optimal"`` when every stage solved to optimality.
    reasons
        Row for row with ``table`` (task id, ``year``): ``lower_reason`` and
        ``upper_reason``, the codes of the reasons for the task's bounds;
        ``held_by``, what holds its amount; ``row``, the row or envelope that
        holds it (a name of ``rows``), else ``""``. The codes and their meaning
        are in :mod:`portfolio.model.reasons`.
    rows
        Every envelope and agency or analyst row of each year, indexed by its name
        (``envelope recurrent``, ``agency_cap 0: Sở Y tế``): ``year``, ``family``,
        ``name``, ``lower``, ``upper``, ``activity`` and ``held`` (the bound it is
        at: ``"upper"``, ``"lower"`` or ``""``).
    sensitivity_table
        The value of one more million VND per envelope (single-year runs).
    """

    table: pd.DataFrame
    options: Options
    envelopes: dict[tuple[str, int], float]
    levels: dict[tuple[str, int, int], float]
    status: str = "optimal"
    objective: float = 0.0
    reasons: pd.DataFrame = field(default_factory=_empty_frame)
    rows: pd.DataFrame = field(default_factory=_empty_frame)
    sensitivity_table: pd.DataFrame | None = None
    binding_rows: tuple[tuple[str, str], ...] = ()
    solves: int = 0

    @property
    def rule(self) -> str:
        """The rationing rule used."""
        return self.options.rule

    @property
    def years(self) -> list[int]:
        """Years of the plan."""
        return sorted({year for _, year in self.envelopes})

    @property
    def notes(self) -> dict[str, list[str]]:
        """Task id -> the options that set its bounds, in words (over every year of a plan).

        Written from :attr:`reasons` for reading (``["locked at 50.000"]``,
        ``["deferred"]``, ``[]`` where only the ladder set the bounds); code reads
        the codes in :attr:`reasons`.
        """
        from .reasons import OPTION_LOWER, OPTION_UPPER, option_words

        ids = self.table.index.astype(str)
        out: dict[str, list[str]] = {task: [] for task in dict.fromkeys(ids)}
        if self.reasons.empty:
            return out
        lower_reason, upper_reason = self.reasons["lower_reason"], self.reasons["upper_reason"]
        touched = np.flatnonzero(
            (lower_reason.isin(OPTION_LOWER) | upper_reason.isin(OPTION_UPPER)).to_numpy(bool)
        )
        lower, upper = self.table["lower"].to_numpy(float), self.table["upper"].to_numpy(float)
        for i in touched.tolist():
            words = option_words(
                str(lower_reason.iloc[i]),
                str(upper_reason.iloc[i]),
                float(lower[i]),
                float(upper[i]),
                pacing=self.options.pacing,
                seed_share=self.options.seed_share,
            )
            out[ids[i]].extend(w for w in words if w not in out[ids[i]])
        return out

    @property
    def allocated(self) -> pd.Series:
        """Allocated amount per task (summed over the years of a plan)."""
        return self.table.groupby(level=0, sort=False)["allocated"].sum()

    def _by(self, keys: list[str]) -> pd.DataFrame:
        table = self.table
        if "year" in table.columns and len(self.years) > 1:
            keys = ["year", *keys]
        out = table.groupby(keys, sort=False)[_SUM_COLUMNS].sum()
        out["coverage"] = np.where(
            out["demand"] > 0, out["allocated"] / out["demand"].where(out["demand"] > 0, 1), np.nan
        )
        return out

    def by_agency(self) -> pd.DataFrame:
        """Demand, planned, allocated, difference and coverage per agency."""
        return self._by(["group", "agency"])

    def by_group(self) -> pd.DataFrame:
        """The same per task group (A–D)."""
        return self._by(["group"])

    def by_tier(self) -> pd.DataFrame:
        """The same per funding source and tier."""
        return self._by(["funding_source", "tier"]).sort_index()

    def summary(self) -> pd.Series:
        """Key figures: rule, envelopes, allocated and planned totals, tier coverage."""
        import pandas as pd

        data: dict[str, Any] = {"rule": self.rule, "status": self.status}
        for (source, year), amount in sorted(self.envelopes.items()):
            spent = self.table.loc[
                (self.table["funding_source"] == source) & (self.table["year"] == year), "allocated"
            ].sum()
            data[f"envelope {source} {year}"] = amount
            data[f"allocated {source} {year}"] = round(float(spent), 6)
        data["planned total"] = float(self.table.loc[self.table["year"] == self.years[0], "planned"].sum())
        for (source, year, tier), level in sorted(self.levels.items()):
            data[f"level {source} {year} tier {tier}"] = round(level, 6)
        return pd.Series(data, name="summary")

    def sensitivity(self) -> pd.DataFrame:
        """The value of one more million VND in each envelope (see ``docs/model.md``)."""
        import pandas as pd

        if self.sensitivity_table is None:
            return pd.DataFrame()
        return self.sensitivity_table

    def binding(self) -> pd.DataFrame:
        """Rows and task bounds that bind in the final allocation, by family."""
        import pandas as pd

        records = [{"family": fam, "name": name} for fam, name in self.binding_rows]
        table = self.table
        at_upper = table.index[
            (table["allocated"] >= table["upper"] - 1e-6) & (table["upper"] > table["lower"] + 1e-9)
        ]
        at_lower = table.index[
            (table["allocated"] <= table["lower"] + 1e-6)
            & (table["lower"] > 0)
            & (table["upper"] > table["lower"] + 1e-9)
        ]
        fixed = table.index[(table["upper"] <= table["lower"] + 1e-9) & (table["upper"] > 0)]
        records += [{"family": "task_upper", "name": str(i)} for i in dict.fromkeys(at_upper)]
        records += [{"family": "task_floor", "name": str(i)} for i in dict.fromkeys(at_lower)]
        records += [{"family": "task_fixed", "name": str(i)} for i in dict.fromkeys(fixed)]
        return pd.DataFrame(records, columns=["family", "name"])

    def tier_report(self) -> pd.DataFrame:
        """Per source and tier: demand, planned, allocated, coverage, for printing."""
        out = self.by_tier()
        out["tier name"] = [TIER_NAMES.get(int(key[-1]), f"tier {key[-1]}") for key in out.index]
        return out

    def to_csv(self, path: str) -> None:
        """Write the per-task table as CSV (atomic)."""
        from pathlib import Path

        from ..output import atomic_write_text

        frame = self.table.reset_index()
        atomic_write_text(Path(path), frame.to_csv(index=False, lineterminator="\n", float_format="%.6f"))

    def __repr__(self) -> str:
        lines = [f"Allocation(rule={self.rule!r}, status={self.status!r}, years={self.years})"]
        report = self.by_tier()
        for key, row in report.iterrows():
            lines.append(
                f"  {key}: demand {row['demand']:,.2f}, planned {row['planned']:,.2f}, "
                f"allocated {row['allocated']:,.2f}, coverage {row['coverage']:.4f}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return str(self.by_tier().to_html()) + str(self.table.to_html())
