"""LP/MPS writers, the backend registry, and import hygiene."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import highspy
import numpy as np
import pytest

import solvers
from solvers import (
    LinearProblem,
    ProblemBuilder,
    Sense,
    available_backends,
    get_backend,
    solve,
    write_lp,
    write_mps,
)
from solvers.highs import HighsBackend
from solvers.pulp_cbc import PulpCbcBackend


def _named() -> LinearProblem:
    # max 3 x + 2 y + 0 z + 10  s.t.  budget: x + y <= 4,  mix: 1 <= x - y <= 2,  x <= 5
    # optimum x = 3, y = 1 (budget and mix's upper side bind): 9 + 2 + 10 = 21
    b = ProblemBuilder()
    v = b.add_variables("alloc", 3, upper=[5.0, np.inf, 1.0], names=["alloc[x]", "alloc y", "9z"])
    b.add_constraints("budget", [0, 0], v[:2], [1.0, 1.0], -np.inf, 4.0, names=["budget (VND)"])
    b.add_constraints("mix", [0, 0], v[:2], [1.0, -1.0], 1.0, 2.0, names=["mix-a/b"])
    b.add_constraints("dup", [0], v[:1], [1.0], -np.inf, 100.0, names=["budget_VND"])
    b.set_objective(v[:2], [3.0, 2.0], Sense.MAXIMIZE, offset=10.0)
    return b.build()


def test_write_lp_uses_sanitized_unique_names(tmp_path: Path) -> None:
    path = write_lp(_named(), tmp_path / "model.lp")
    text = path.read_text()
    for name in ("alloc_x", "alloc_y", "_9z", "budget_VND", "budget_VND_2", "mix_a_b_lo"):
        assert name in text, name
    assert "mix_a_b_hi" in text and "Maximize" in text
    assert "(" not in text.split("\n", 1)[1]  # no raw names survive
    assert "offset" in text.splitlines()[0] and "10.0" in text.splitlines()[0]


@pytest.mark.parametrize(("writer", "suffix"), [(write_lp, ".lp"), (write_mps, ".mps")])
def test_written_file_solves_to_same_optimum(
    tmp_path: Path, writer: Callable[[LinearProblem, Path], Path], suffix: str
) -> None:
    problem = _named()
    path = writer(problem, tmp_path / f"model{suffix}")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    want = solve(problem).objective
    assert want is not None and want == pytest.approx(21.0)
    # the writers drop the constant offset (noted in a comment)
    assert h.getInfo().objective_function_value == pytest.approx(want - problem.offset)


def test_registry() -> None:
    found = available_backends()
    assert found == {"highs": HighsBackend, "cbc": PulpCbcBackend}
    assert isinstance(get_backend("highs"), HighsBackend)
    assert isinstance(get_backend("cbc"), PulpCbcBackend)
    for cls in found.values():
        assert cls.supports_lp and cls.supports_milp and cls.supports_duals
        assert isinstance(cls.name, str)
    with pytest.raises(ValueError, match="cbc, highs"):
        get_backend("gurobi")
    with pytest.raises(ValueError, match="unknown solver 'glpk'"):
        solve(_named(), "glpk")


def test_import_is_light() -> None:
    code = (
        "import sys, solvers\n"
        "heavy = [m for m in ('highspy', 'pulp', 'scipy', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names() -> None:
    for name in (
        "LinearProblem", "ProblemBuilder", "Sense", "Status", "SolveResult", "SolverError",
        "solve", "get_backend", "available_backends", "HighsSession", "write_lp", "write_mps",
        "Names", "Numbered",
    ):  # fmt: skip
        assert hasattr(solvers, name) and name in solvers.__all__


def test_unique_names_never_reuse_a_taken_name(tmp_path: Path) -> None:
    # "a b" and "a_b" both sanitize to a_b; the second becomes a_b_3, as a_b_2 is taken
    b = ProblemBuilder()
    v = b.add_variables("x", 4, upper=1.0, names=["a b", "a_b", "a_b_2", "c"])
    b.add_constraints("sum", [0, 0, 0, 0], v, [1.0, 2.0, 3.0, 4.0], -np.inf, 5.0)
    b.set_objective(v, [1.0, 1.0, 1.0, 1.0], Sense.MAXIMIZE)
    text = write_lp(b.build(), tmp_path / "names.lp").read_text()
    assert "a_b + 3 a_b_2 + 2 a_b_3 + 4 c" in text  # coefficients 1, 2, 3 of the first three names
