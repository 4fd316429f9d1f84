"""Solving prints nothing of the solver's own: no HiGHS banner, no CBC log, at the descriptor level.

``capfd`` captures file descriptors 1 and 2, where a C library writes, not only Python's
``sys.stdout``/``sys.stderr``. HiGHS prints its banner at most once per process (highspy 1.16
does it while the first ``Highs()`` is constructed), so an in-process check that runs after
any other solve in the same test run proves little: each case also runs in a fresh
interpreter, whose output goes to the same captured descriptors.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import portfolio as pf
from portfolio.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOLVER_WORDS = ("HiGHS", "Copyright", "Running", "Welcome to the CBC", "Cbc0")

CASES = {
    "optimize": "import portfolio; portfolio.optimize()",
    "optimize_cbc": "import portfolio; portfolio.optimize(solver='cbc')",
    "cli_optimize": "import sys; from portfolio.cli import main; sys.exit(main(['optimize']))",
}


def _solver_text(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(word in line for word in SOLVER_WORDS)]


@pytest.mark.parametrize("case", list(CASES))
def test_fresh_interpreter_prints_nothing_of_the_solver(case: str, capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    done = subprocess.run([sys.executable, "-c", CASES[case]], cwd=ROOT, check=False, timeout=300)
    assert done.returncode == 0
    out, err = capfd.readouterr()
    if case == "cli_optimize":  # the CLI prints its own tables, and only them
        assert "recurrent tier 3" in out
        assert _solver_text(out) == [] and _solver_text(err) == []
    else:
        assert (out, err) == ("", "")


def test_optimize_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    pf.optimize()
    assert capfd.readouterr() == ("", "")


def test_optimize_with_cbc_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    pf.optimize(solver="cbc")
    assert capfd.readouterr() == ("", "")


def test_cli_optimize_prints_only_its_tables(capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    assert main(["optimize"]) == 0
    out, err = capfd.readouterr()
    assert "recurrent tier 3" in out
    assert _solver_text(out) == [] and _solver_text(err) == []


def test_a_program_that_ran_highs_with_its_defaults_first_still_optimizes() -> None:
    # HiGHS keeps one thread scheduler per process: asking for another thread
    # count after a default run made every later solve fail
    import subprocess
    import sys

    code = (
        "import highspy\n"
        "h = highspy.Highs(); h.setOptionValue('output_flag', False)\n"
        "h.addVar(0, 1); h.changeColCost(0, 1.0); h.run()\n"
        "import portfolio as pf\n"
        "print(round(pf.optimize(rule='weighted').levels[('recurrent', 2024, 3)], 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0.3223"
