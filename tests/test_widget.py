"""The live what-if: tests drive the controls and check the allocation that follows."""

from __future__ import annotations

import pytest

import portfolio as pf
from portfolio.widget import WhatIf


@pytest.fixture
def widget() -> WhatIf:
    return WhatIf(pf.read_appendix(), draw=False)  # the allocation only; test_output_is_redrawn draws


def test_starts_at_the_document_envelopes(widget: WhatIf) -> None:
    assert set(widget.controls) == {"recurrent", "investment", "rule", "deferred"}
    assert widget.controls["recurrent"].value == 100 and widget.controls["rule"].value == "proportional"
    a = widget.allocation
    assert a is not None
    assert a.envelopes[("recurrent", 2024)] == pytest.approx(332_401.0)
    assert a.levels[("recurrent", 2024, 3)] == pytest.approx(0.3223, abs=5e-5)


def test_controls_drive_the_allocation(widget: WhatIf) -> None:
    widget.controls["recurrent"].value = 90
    a = widget.allocation
    assert a is not None and a.envelopes[("recurrent", 2024)] == pytest.approx(299_160.9)
    assert a.year_table()["allocated"][
        a.year_table()["funding_source"] == "recurrent"
    ].sum() == pytest.approx(299_160.9)
    widget.controls["rule"].value = "equal_awards"
    assert widget.allocation is not None and widget.allocation.rule == "equal_awards"
    widget.controls["deferred"].value = ("B38",)
    assert widget.allocation is not None
    assert widget.allocation.year_table().loc["B38", "allocated"] == 0.0
    widget.controls["investment"].value = 150
    assert widget.allocation is not None
    assert widget.allocation.envelopes[("investment", 2024)] == pytest.approx(99_585.0)


def test_an_infeasible_envelope_says_why(widget: WhatIf) -> None:
    widget.controls["recurrent"].value = 10  # 33.240 cannot pay the commitments (70.166,5)
    assert widget.allocation is None and "recurrent" in widget.message
    widget.controls["recurrent"].value = 100
    assert widget.allocation is not None and widget.message == ""


def test_output_is_redrawn() -> None:
    widget = pf.what_if()
    outputs = widget.output.outputs
    assert any("Phân bổ ngân sách" in str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert len(outputs) == 2
    widget.controls["recurrent"].value = 10
    assert "Không khả thi" in str(widget.output.outputs) and len(widget.output.outputs) == 1
