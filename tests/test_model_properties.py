"""Hypothesis properties over generated portfolios."""

from __future__ import annotations

import numpy as np
from conftest import make_tasks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portfolio as pf


@st.composite
def portfolios(draw: st.DrawFn) -> pf.TaskList:
    rows = []
    n_b = draw(st.integers(1, 5))
    n_c = draw(st.integers(0, 4))
    n_a = draw(st.integers(0, 3))
    for i in range(n_a):
        rows.append(
            {
                "id": f"A{i + 1}",
                "approved": draw(st.integers(1, 50)) * 3.0,
                "lease_years": 3,
                "start_year": 2023,
                "end_year": 2025,
            }
        )
    for i in range(n_b):
        approved = float(draw(st.integers(1, 500)))
        spent = float(draw(st.integers(0, int(approved))))
        rows.append(
            {
                "id": f"B{i + 1}",
                "approved": approved,
                "spent_before": spent,
                "end_year": draw(st.integers(2024, 2027)),
                "planned": float(draw(st.integers(0, 100))),
            }
        )
    for i in range(n_c):
        rows.append(
            {
                "id": f"C{i + 1}",
                "approved": float(draw(st.integers(1, 300))),
                "start_year": 2024,
                "end_year": draw(st.integers(2024, 2026)),
            }
        )
    return make_tasks(*rows)


def commitments(tasks: pf.TaskList) -> float:
    d = pf.derive(tasks)
    return float(d.loc[d["tier"] == 1, "annual_demand"].sum())


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(portfolios(), st.floats(0, 1.5))
def test_envelope_and_bounds_respected(tasks: pf.TaskList, share: float) -> None:
    d = pf.derive(tasks)
    envelope = commitments(tasks) + share * float(d["annual_demand"].sum())
    table = pf.optimize(tasks, budget={"recurrent": envelope}).year_table()
    assert table["allocated"].sum() <= envelope + 1e-6
    assert (table["allocated"] >= -1e-9).all()
    assert (table["allocated"] <= table["demand"] + 1e-6).all()
    tier1 = table[table["tier"] == 1]
    assert ((tier1["allocated"] - tier1["demand"]).abs() < 1e-6).all()
    # the money is spent as far as demand allows, but for what no new start fits in whole
    left = envelope - table["allocated"].sum()
    if left > 1e-4:
        rest = table[table["kind"] != "new"]
        assert ((rest["allocated"] - rest["demand"]).abs() < 1e-6).all()
        waiting = table[(table["kind"] == "new") & (table["allocated"] <= 1e-9) & (table["demand"] > 0)]
        assert (waiting["demand"] > left - 1e-6).all()


@SETTINGS
@given(portfolios(), st.floats(0, 1), st.floats(0, 1))
def test_coverage_never_falls_when_the_envelope_grows(tasks: pf.TaskList, a: float, b: float) -> None:
    d = pf.derive(tasks)
    base = commitments(tasks)
    full = float(d["annual_demand"].sum())
    small, large = sorted((a, b))
    lo = pf.optimize(tasks, budget={"recurrent": base + small * (full - base)})
    hi = pf.optimize(tasks, budget={"recurrent": base + large * (full - base)})
    for key, level in lo.levels.items():
        if key[2] < 4:  # new starts are first fit, whole or not at all: their share may step back
            assert hi.levels.get(key, 1.0) >= level - 1e-7


@SETTINGS
@given(portfolios(), st.floats(0, 1), st.randoms(use_true_random=False))
def test_row_order_and_solver_do_not_matter(tasks: pf.TaskList, share: float, rnd: object) -> None:
    d = pf.derive(tasks)
    envelope = commitments(tasks) + share * float(d["annual_demand"].sum())
    shuffled = list(tasks.tasks)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = pf.optimize(tasks, budget={"recurrent": envelope}).year_table()["allocated"]
    b = pf.optimize(pf.TaskList(tuple(shuffled)), budget={"recurrent": envelope}).year_table()["allocated"]
    c = pf.optimize(tasks, budget={"recurrent": envelope}, solver="cbc").year_table()["allocated"]
    assert np.allclose(a.sort_index(), b.sort_index(), rtol=1e-6, atol=1e-6)
    assert np.allclose(a, c, rtol=1e-6, atol=1e-3)


@SETTINGS
@given(portfolios(), st.floats(0, 0.9))
def test_below_commitments_is_infeasible(tasks: pf.TaskList, share: float) -> None:
    need = commitments(tasks)
    if need <= 1:
        return
    try:
        pf.optimize(tasks, budget={"recurrent": share * need})
    except pf.InfeasibleError as error:
        assert error.shortfall is not None
        assert abs(error.shortfall - (1 - share) * need) < 1e-3
    else:
        raise AssertionError("expected InfeasibleError")
