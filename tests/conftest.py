from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import portfolio as pf

# CI draws the same generated cases on every run (a red CI is then a real change, and
# it can be replayed); a developer's runs keep drawing new ones
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
PLAN_TEXT = ROOT / "data" / "sources" / "kh325_ubnd_2023.txt"
APPENDIX_CSV = ROOT / "data" / "appendix2_2024.csv"


@pytest.fixture(scope="session")
def tasks() -> pf.TaskList:
    return pf.read_appendix(APPENDIX_CSV)


@pytest.fixture(scope="session")
def document_tasks() -> pf.TaskList:
    return pf.read_appendix(PLAN_TEXT)


@pytest.fixture(scope="session")
def default_allocation(tasks: pf.TaskList) -> pf.Allocation:
    return pf.optimize(tasks)


def make_tasks(*rows: dict[str, object]) -> pf.TaskList:
    """A small portfolio for hand-computed cases; each row overrides a default task."""
    from portfolio.tasks import Task

    built = []
    for row in rows:
        group = str(row.get("id", "B1"))[0]
        values: dict[str, object] = {
            "group": group,
            "agency": "Sở Thử nghiệm",
            "name": f"task {row.get('id')}",
            "period": "",
            "start_year": 2023,
            "end_year": 2024,
            "lease_years": None,
            "approved": 0.0,
            "spent_before": 0.0,
            "carried_over": 0.0,
            "planned": 0.0,
            "funding_source": "investment" if group == "D" else "recurrent",
            "is_new": group == "C",
        }
        values.update(row)
        built.append(Task(**values))  # type: ignore[arg-type]
    return pf.TaskList(tuple(built), source="<test>")
