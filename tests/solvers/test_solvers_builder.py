"""ProblemBuilder and LinearProblem: assembly, validation, immutability."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from solvers import LinearProblem, ProblemBuilder, Sense


def _tiny() -> LinearProblem:
    # columns a, b, c; rows:
    #   r[0]:  1a      + 2c   (the 2c given as 0.5 + 1.5, summed)
    #   r[1]:       3b
    #   r[2]:  (no entries)
    #   s[0]:  4a + 5b        (plus a 7c and a -7c that cancel and are dropped)
    b = ProblemBuilder()
    x = b.add_variables("x", 2, names=["a", "b"])
    y = b.add_variables("y", 1, lower=-1.0, upper=2.0, cost=4.0, integer=True, names=["c"])
    b.add_constraints(
        "r", [0, 0, 1, 0], [x[0], y[0], x[1], y[0]], [1.0, 0.5, 3.0, 1.5], 0.0, [1, 2, 3],
        num_rows=3,
    )  # fmt: skip
    b.add_constraints("s", [0, 0, 0, 0], [0, 1, 2, 2], [4.0, 5.0, 7.0, -7.0], -np.inf, 9.0)
    b.set_objective(x, [1.0, -1.0], Sense.MAXIMIZE, offset=2.5)
    return b.build()


def test_csc_arrays() -> None:
    p = _tiny()
    # column a: rows 0 (1) and 3 (4); column b: rows 1 (3) and 3 (5); column c: row 0 (2)
    np.testing.assert_array_equal(p.a_start, [0, 2, 4, 5])
    np.testing.assert_array_equal(p.a_index, [0, 3, 1, 3, 0])
    np.testing.assert_array_equal(p.a_value, [1.0, 4.0, 3.0, 5.0, 2.0])
    np.testing.assert_array_equal(p.row_lower, [0, 0, 0, -np.inf])
    np.testing.assert_array_equal(p.row_upper, [1, 2, 3, 9])
    np.testing.assert_array_equal(p.c, [1.0, -1.0, 4.0])
    np.testing.assert_array_equal(p.col_lower, [0, 0, -1])
    np.testing.assert_array_equal(p.col_upper, [np.inf, np.inf, 2])
    np.testing.assert_array_equal(p.integrality, [False, False, True])
    assert p.offset == 2.5 and p.sense is Sense.MAXIMIZE
    assert (p.num_cols, p.num_rows, p.is_mip) == (3, 4, True)
    assert p.col_names == ("a", "b", "c")
    assert p.row_names == ("r[0]", "r[1]", "r[2]", "s[0]")
    assert p.families == ("r", "s") and p.blocks == ("x", "y")
    np.testing.assert_array_equal(p.rows_of("r"), [0, 1, 2])
    np.testing.assert_array_equal(p.rows_of("s"), [3])
    np.testing.assert_array_equal(p.cols_of("y"), [2])
    with pytest.raises(KeyError, match="known"):
        p.rows_of("nope")
    with pytest.raises(KeyError):
        p.cols_of("nope")


def test_duplicate_triplets_are_summed() -> None:
    b = ProblemBuilder()
    x = b.add_variables("x", 2)
    b.add_constraints("r", [0, 0, 0, 0], [x[1], x[0], x[1], x[1]], [1.0, 2.0, 3.0, 4.0], 0, 1)
    p = b.build()
    np.testing.assert_array_equal(p.a_start, [0, 1, 2])
    np.testing.assert_array_equal(p.a_value, [2.0, 8.0])


def test_returned_indices_and_default_names() -> None:
    b = ProblemBuilder()
    np.testing.assert_array_equal(b.add_variables("x", 3), [0, 1, 2])
    np.testing.assert_array_equal(b.add_variables("z", 2), [3, 4])
    np.testing.assert_array_equal(b.add_variables("x", 1), [5])  # same block again
    rows = b.add_constraints("r", [1], [0], [1.0], 0, 1)
    np.testing.assert_array_equal(rows, [0, 1])
    np.testing.assert_array_equal(b.add_constraints("q", [0], [0], [1.0], 0, 1), [2])
    p = b.build()
    # default names number on within a block / family
    assert p.col_names == ("x[0]", "x[1]", "x[2]", "z[0]", "z[1]", "x[3]")
    assert p.row_names == ("r[0]", "r[1]", "q[0]")
    np.testing.assert_array_equal(p.cols_of("x"), [0, 1, 2, 5])


def test_duplicate_column_name_rejected() -> None:
    b = ProblemBuilder()
    b.add_variables("x", 2)
    b.add_variables("y", 1, names=["x[0]"])
    with pytest.raises(ValueError, match=r"duplicate column name 'x\[0\]'"):
        b.build()


def test_duplicate_row_name_rejected() -> None:
    b = ProblemBuilder()
    x = b.add_variables("x", 1)
    b.add_constraints("r", [0], x, [1.0], 0, 1, names=["budget"])
    b.add_constraints("s", [0], x, [1.0], 0, 1, names=["budget"])
    with pytest.raises(ValueError, match="duplicate row name 'budget'"):
        b.build()


def test_builder_input_validation() -> None:
    b = ProblemBuilder()
    x = b.add_variables("x", 2)
    with pytest.raises(ValueError, match="column indices"):
        b.add_constraints("r", [0], [5], [1.0], 0, 1)
    with pytest.raises(ValueError, match="local row numbers"):
        b.add_constraints("r", [3], [0], [1.0], 0, 1, num_rows=2)
    with pytest.raises(ValueError, match="lengths"):
        b.add_constraints("r", [0, 0], [0], [1.0], 0, 1)
    with pytest.raises(ValueError, match="shape"):
        b.add_constraints("r", [0, 1], [0, 1], [1.0, 1.0], [0, 0, 0], 1)
    with pytest.raises(ValueError, match="finite"):
        b.add_constraints("r", [0], [0], [np.nan], 0, 1)
    with pytest.raises(ValueError, match="names"):
        b.add_variables("y", 2, names=["only one"])
    with pytest.raises(ValueError, match="shape"):
        b.add_variables("y", 2, upper=[1.0, 2.0, 3.0])
    b.set_objective(x, 1.0, Sense.MINIMIZE)
    with pytest.raises(ValueError, match="sense"):
        b.set_objective(x, 1.0, Sense.MAXIMIZE)


def test_objective_accumulates() -> None:
    b = ProblemBuilder()
    x = b.add_variables("x", 2, cost=[1.0, 0.0])
    b.set_objective(x, [1.0, 2.0], "maximize", offset=1.0)
    b.set_objective([1, 1], [3.0, 4.0], Sense.MAXIMIZE, offset=2.0)
    p = b.build()
    np.testing.assert_array_equal(p.c, [2.0, 9.0])
    assert p.offset == 3.0 and p.sense is Sense.MAXIMIZE
    assert ProblemBuilder().build().sense is Sense.MINIMIZE


def _fields(p: LinearProblem) -> dict[str, object]:
    return {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"col_lower": np.zeros(2)}, "col_lower"),
        ({"integrality": np.zeros(4, dtype=bool)}, "integrality"),
        ({"row_upper": np.zeros(3)}, "row_upper"),
        ({"a_start": np.array([0, 2, 4])}, "a_start"),
        ({"a_value": np.ones(4)}, "a_value"),
        ({"col_names": ("a", "b")}, "col_names"),
        ({"row_family": np.array([0, 0, 0, 5])}, "row_family"),
        ({"a_index": np.array([0, 3, 1, 3, 7])}, "a_index"),
        ({"a_index": np.array([3, 0, 1, 3, 0])}, "increasing"),
        ({"c": np.array([1.0, np.nan, 0.0])}, "NaN"),
        ({"col_lower": np.array([np.inf, 0.0, 0.0])}, r"\+inf"),
        ({"row_upper": np.array([-np.inf, 0, 0, 0])}, "-inf"),
        ({"c": np.zeros((3, 1))}, "1-dimensional"),
    ],
)
def test_shapes_validated(change: dict[str, object], message: str) -> None:
    fields = _fields(_tiny()) | change
    with pytest.raises(ValueError, match=message):
        LinearProblem(**fields)  # type: ignore[arg-type]


def test_arrays_read_only_and_caller_arrays_untouched() -> None:
    p = _tiny()
    for name in ("c", "col_lower", "a_start", "a_index", "a_value", "row_upper", "integrality"):
        assert not getattr(p, name).flags.writeable, name
    lower = np.zeros(3)
    q = p.with_bounds(col_lower=lower)
    assert lower.flags.writeable  # a private copy was frozen, not the caller's array
    lower[0] = 5.0
    assert q.col_lower[0] == 0.0


def test_with_bounds_shares_matrix() -> None:
    p = _tiny()
    q = p.with_bounds(row_upper=[5, 5, 5, 5], col_upper=[1, 1, 1])
    assert q.a_value is p.a_value and q.a_index is p.a_index and q.a_start is p.a_start
    assert q.c is p.c and q.col_names is p.col_names
    np.testing.assert_array_equal(q.row_upper, [5, 5, 5, 5])
    np.testing.assert_array_equal(p.row_upper, [1, 2, 3, 9])
    assert q.row_lower is p.row_lower
    with pytest.raises(ValueError, match="row_upper"):
        p.with_bounds(row_upper=[1.0])


def test_matrix_is_canonical_whatever_the_order_of_the_triplets() -> None:
    # families in row order, one with its entries over the columns out of order, one
    # row reaching back to the first column: the same canonical CSC as sorted triplets
    rng = np.random.default_rng(3)
    rows = np.repeat(np.arange(6), 4)
    cols = np.concatenate([rng.permutation(8)[:4] for _ in range(6)])
    vals = rng.normal(size=rows.size)
    shuffled = rng.permutation(rows.size)
    b = ProblemBuilder()
    x = b.add_variables("x", 8)
    b.add_constraints("first", rows[:12] // 1, x[cols[:12]], vals[:12], -1, 1)
    b.add_constraints("second", rows[12:] - 3, x[cols[12:]], vals[12:], -1, 1)
    p = b.build()
    b2 = ProblemBuilder()
    x2 = b2.add_variables("x", 8)
    b2.add_constraints("all", rows[shuffled], x2[cols[shuffled]], vals[shuffled], -1, 1)
    q = b2.build()
    for name in ("a_start", "a_index", "a_value"):
        np.testing.assert_array_equal(getattr(p, name), getattr(q, name))
    dense = np.zeros((6, 8))
    dense[rows, cols] = vals
    rebuilt = np.zeros((6, 8))
    rebuilt[p.a_index, np.repeat(np.arange(8), np.diff(p.a_start))] = p.a_value
    np.testing.assert_array_equal(rebuilt, dense)
