"""Infeasible years: the message names the rule that cannot be met, its need, what is
available and the shortfall.

Every case runs the bundled appendix through :func:`portfolio.optimize`. The
amounts come from ``data/appendix2_2024.csv``: group C's tasks can take at most
276.375,75 (the sum of their caps), the commitments (group A, recurrent) need
70.166,53, the default recurrent envelope is 332.401 and B38 belongs to the
Sở Tài nguyên và Môi trường.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import portfolio as pf


@pytest.fixture(scope="module")
def appendix() -> pf.TaskList:
    return pf.read_appendix()


def infeasible(appendix: pf.TaskList, message: str, **options: Any) -> pf.InfeasibleError:
    """The error of ``optimize(**options)``, whose message must be exactly ``message``."""
    with pytest.raises(pf.InfeasibleError, match=f"^{re.escape(message)}$") as caught:
        pf.optimize(appendix, **options)
    assert "\n" not in str(caught.value)
    return caught.value


def test_row_above_what_its_tasks_can_take(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "analyst row 'C >= 300000' cannot be met at any envelope: its tasks can take at most "
        "276.375,75 (their caps), short by 23.624,25 million VND",
        constraints=["C >= 300000"],
    )
    assert error.needed == pytest.approx(300000)
    assert error.available == pytest.approx(276375.75)
    assert error.shortfall == pytest.approx(23624.25)
    assert error.envelope is None
    assert error.rule == "analyst row 'C >= 300000'"


def test_agency_row_above_its_caps_is_not_blamed_on_the_envelope(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "analyst row 'Sở Y tế >= 400000' cannot be met at any envelope: its tasks can take at most "
        "161.666,8 (their caps), short by 238.333,2 million VND",
        constraints=["Sở Y tế >= 400000"],
    )
    assert error.shortfall == pytest.approx(238333.2)


def test_envelope_below_the_commitments(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "recurrent envelope 2024: commitments need 70.166,5 but the envelope is 60.000,0: "
        "short by 10.166,5 million VND",
        budget={"recurrent": 60000},
    )
    assert error.envelope == "recurrent 2024"
    assert error.needed == pytest.approx(70166.5333, abs=1e-3)
    assert error.available == 60000
    assert error.shortfall == pytest.approx(10166.5333, abs=1e-3)


def test_envelope_below_the_commitments_and_a_lock(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "recurrent envelope 2024: commitments need 70.166,5 and locks (B38) 200.000,0, together "
        "270.166,5, but the envelope is 250.000,0: short by 20.166,5 million VND",
        budget={"recurrent": 250000},
        locked={"B38": 200000},
    )
    assert error.envelope == "recurrent 2024"
    assert error.shortfall == pytest.approx(20166.5333, abs=1e-3)


def test_agency_cap_below_a_lock(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "agency cap 'Sở Tài nguyên và Môi trường' 10.000 cannot be met at any envelope: it is below "
        "what its locks (B38) need, 50.000: short by 40.000 million VND",
        locked={"B38": 50000},
        agency_caps={"Sở Tài nguyên và Môi trường": 10000},
    )
    assert error.needed == pytest.approx(50000)
    assert error.available == pytest.approx(10000)
    assert error.shortfall == pytest.approx(40000)
    assert error.envelope is None


def test_agency_cap_below_its_commitments(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "agency cap 'Sở Y tế' 1.000 cannot be met at any envelope: it is below what its commitments "
        "need, 1.761,8: short by 761,8 million VND",
        agency_caps={"Sở Y tế": 1000},
    )
    assert error.shortfall == pytest.approx(761.8)


def test_at_most_row_below_its_commitments(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "analyst row 'A <= 1000' cannot be met at any envelope: it is below what its commitments "
        "need, 70.166,53: short by 69.166,53 million VND",
        constraints=["A <= 1000"],
    )
    assert error.shortfall == pytest.approx(69166.5333, abs=1e-3)


def test_agency_floor_above_what_its_tasks_can_take(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "agency floor 'Sở Y tế' 200.000 cannot be met at any envelope: its tasks can take at most "
        "161.666,8 (their caps), short by 38.333,2 million VND",
        agency_floors={"Sở Y tế": 200000},
    )
    assert error.needed == pytest.approx(200000)
    assert error.available == pytest.approx(161666.8)
    assert error.shortfall == pytest.approx(38333.2)


def test_deferral_is_named_among_the_caps(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "agency floor 'Sở Tài nguyên và Môi trường' 100.000 cannot be met at any envelope: its tasks "
        "can take at most 30.707 (their caps, with B38 deferred), short by 69.293 million VND",
        agency_floors={"Sở Tài nguyên và Môi trường": 100000},
        deferred=["B38"],
    )
    assert error.shortfall == pytest.approx(69293)


def test_envelope_short_because_of_an_analyst_row(appendix: pf.TaskList) -> None:
    # C can take 270.000 (its caps allow 276.375,75), but not on top of the commitments
    error = infeasible(
        appendix,
        "recurrent envelope 2024 cannot meet analyst row 'C >= 270000': the row needs 270.000,0 of it "
        "and commitments outside it 70.166,5, together 340.166,5, but the envelope is 332.401,0: "
        "short by 7.765,5 million VND",
        constraints=["C >= 270000"],
    )
    assert error.envelope == "recurrent 2024"
    assert error.rule == "recurrent envelope 2024 and analyst row 'C >= 270000'"
    assert error.needed == pytest.approx(340166.5333, abs=1e-3)
    assert error.available == pytest.approx(332401)
    assert error.shortfall == pytest.approx(7765.5333, abs=1e-3)


def test_envelope_short_because_of_an_agency_floor(appendix: pf.TaskList) -> None:
    # the agency has 104.025,33 of recurrent caps; the rest of its floor falls on investment
    error = infeasible(
        appendix,
        "investment envelope 2024 cannot meet agency floor 'Sở Thông tin và Truyền thông' 150.000: "
        "the row needs 45.974,7 of it but the envelope is 10.000,0: short by 35.974,7 million VND",
        budget={"investment": 10000},
        agency_floors={"Sở Thông tin và Truyền thông": 150000},
    )
    assert error.envelope == "investment 2024"
    assert error.shortfall == pytest.approx(35974.6667, abs=1e-3)


def test_rows_that_contradict_each_other(appendix: pf.TaskList) -> None:
    error = infeasible(
        appendix,
        "analyst row 'C >= 200000' and analyst row 'C <= 100000' cannot all be met at any envelope: "
        "with that row, its tasks can take at most 100.000 of the 200.000 it asks: "
        "short by 100.000 million VND",
        constraints=["C >= 200000", "C <= 100000"],
    )
    assert error.envelope is None
    assert error.shortfall == pytest.approx(100000)
