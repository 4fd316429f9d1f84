"""An independent reference of the single-year allocation rules (docs/model.md §2–4).

Written from the formulation alone, to be compared with ``portfolio.optimize``
on small portfolios (at most a few dozen tasks; the tests use ≤ 8). It shares
only the data layer with the library (``portfolio.derive`` for demand,
remaining need and tiers) and solves its small dense LPs with ``highspy``
directly. It is meant to be plain, not fast.

The leximin progressive filling (§4.1) is computed differently from the
library's description: the level ``t*`` is the LP optimum as there, but the
tasks that stop at ``t*`` are found *primally*: with every active task held
at its level floor, a task is blocked when "maximise x_i" cannot lift it above
its floor (a first LP maximising the active tasks' sum rules out every task
that it already lifts). No dual value is ever read.

Readings of the places where docs/model.md leaves a choice (each is marked
``READING`` where it is used):

1. Phase-1 caps ``c_i`` are the targets of the fill, not bounds of the
   feasible set: a task whose level reaches ``c_i`` stops there, but the rows
   may still need it higher (a closest-to-plan spending row with pacing, an
   analyst row above demand); phase 2 then lifts it. Reading ``x ≤ c`` as a
   hard bound would make such feasible scenarios infeasible.
2. closest_to_plan keeps both the least-change row and the spending rows
   ``Σ_s x ≥ S_s`` in every stage (without the spending rows the
   least-change row alone would not be the least-change face). ``S_s`` is
   ``min(E_s, Σ_s u)`` or less where another rule (an agency cap, an analyst
   row) keeps the envelope from being spent that far: the most source ``s`` can
   spend under the hard rules, recurrent first, then investment with the
   recurrent spending ``S_recurrent`` ("as far as demand and the rows allow").
3. all_or_nothing: the new public-investment tasks are held at 0 from the
   start until their admission (after their tier's fills); their seed share
   does not apply (it would contradict ``x ∈ {0, u}``). Admission checks the
   rules with every undecided or skipped candidate at 0 and every later tier
   within its bounds.
4. Infeasible: the hard rules have no point at all (with the all-or-nothing
   candidates at 0 and, for closest_to_plan, the spending rows).
5. Weights: ``ω_i`` multiplies the weights whose key is the task's id, its
   agency, its group letter or its funding source. They change the weighted
   rule's utility and the order of all-or-nothing admission, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import highspy
import numpy as np

import portfolio as pf

__all__ = ["ReferenceInfeasible", "natural_key", "reference_allocate"]

INF = float("inf")
FLOOR_TOL = 1e-6  # a task "cannot rise" when its max is within this of its floor (million VND)


class ReferenceInfeasible(Exception):
    """The hard rules leave no allocation."""


def natural_key(task_id: str) -> tuple[str, int]:
    return task_id[0], int(task_id[1:])


# --------------------------------------------------------------------------- LP


@dataclass
class _Rows:
    """Dense rows over a column vector; ``lo ≤ a·v ≤ hi``."""

    a: list[np.ndarray] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def add(self, coef: np.ndarray, lo: float, hi: float) -> None:
        self.a.append(np.asarray(coef, float))
        self.lo.append(lo)
        self.hi.append(hi)


def _solve(
    cost: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    rows: _Rows,
    *,
    maximize: bool = True,
    tolerance: float = 1e-10,
) -> tuple[bool, float, np.ndarray]:
    """Solve one small dense LP with HiGHS; (optimal?, objective, column values)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # the amounts are read from t* and kept as floors: HiGHS's default tolerance (1e-7) would let
    # a level overshoot a row by as much, and a later stage meet floors no point satisfies
    h.setOptionValue("primal_feasibility_tolerance", tolerance)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    # the thread count is left as the process has it, as the library leaves it: HiGHS keeps
    # one thread scheduler per process, and setting another count after a run makes later
    # runs return kError
    n = len(cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows.a)
    lp.col_cost_ = np.asarray(cost, float)
    lp.col_lower_ = np.asarray(lb, float)
    lp.col_upper_ = np.asarray(ub, float)
    lp.row_lower_ = np.array(rows.lo, float)
    lp.row_upper_ = np.array(rows.hi, float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    dense = np.array(rows.a, float).reshape(len(rows.a), n)
    starts, index, value = [0], [], []
    for j in range(n):
        nz = np.nonzero(dense[:, j])[0]
        index.extend(int(r) for r in nz)
        value.extend(float(v) for v in dense[nz, j])
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, float)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return False, float("nan"), np.full(n, np.nan)
    return True, float(h.getInfo().objective_function_value), np.array(h.getSolution().col_value)


# ------------------------------------------------------------------ the model


class _Model:
    """The allocation columns x, the fixed rows, and the faces kept at a stage."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.lo = np.zeros(n)  # current floors (option bounds, then fill floors, then fixed)
        self.hi = np.zeros(n)
        self.rows: list[tuple[np.ndarray, float, float]] = []  # over x only
        # closest_to_plan: (p, D* + ε) -> deviation columns pos, neg
        self.change: tuple[np.ndarray, float] | None = None
        # weighted: (members, ω, l, u, U* − ε) -> utility columns y
        self.utility: tuple[list[int], np.ndarray, np.ndarray, np.ndarray, float] | None = None
        self.tolerance = 1e-10  # HiGHS's primal feasibility tolerance (see _solve)

    def lp(
        self,
        x_cost: np.ndarray | None = None,
        *,
        cover: tuple[list[int], np.ndarray, np.ndarray] | None = None,
        t_max: float = 0.0,
        lo: np.ndarray | None = None,
        hi: np.ndarray | None = None,
        utility_cost: bool = False,
        change_cost: bool = False,
        maximize: bool = True,
        tolerance: float | None = None,
    ) -> tuple[bool, float, np.ndarray]:
        """Columns: x (n), t (1), then pos/neg (2n) and y (4|M|) when the faces are on.

        ``cover = (S, b, w)`` adds ``x_i − w_i t ≥ b_i`` for ``i ∈ S`` with ``0 ≤ t ≤ t_max``
        and maximises ``t`` unless another cost is given.
        """
        n = self.n
        lo = self.lo if lo is None else lo
        hi = self.hi if hi is None else hi
        n_dev = 2 * n if self.change is not None else 0
        members = self.utility[0] if self.utility is not None else []
        n_y = 4 * len(members)
        ncol = n + 1 + n_dev + n_y
        it = n
        cost = np.zeros(ncol)
        lb = np.zeros(ncol)
        ub = np.zeros(ncol)
        lb[:n], ub[:n] = lo, hi
        lb[it], ub[it] = 0.0, (t_max if cover is not None else 0.0)
        rows = _Rows()
        for coef, rlo, rhi in self.rows:
            row = np.zeros(ncol)
            row[:n] = coef
            rows.add(row, rlo, rhi)
        if self.change is not None:
            p, bound = self.change
            pos, neg = n + 1, 2 * n + 1
            ub[pos : pos + n] = INF
            ub[neg : neg + n] = INF
            for i in range(n):  # x_i − pos_i + neg_i = p_i
                row = np.zeros(ncol)
                row[i], row[pos + i], row[neg + i] = 1.0, -1.0, 1.0
                rows.add(row, p[i], p[i])
            total = np.zeros(ncol)
            total[pos : pos + 2 * n] = 1.0
            rows.add(total, -INF, bound)
            if change_cost:
                cost[pos : pos + 2 * n] = 1.0
        if self.utility is not None:
            members, omega, l_opt, u_opt, floor_u = self.utility
            y0 = n + 1 + n_dev
            value = np.zeros(ncol)
            for m, i in enumerate(members):
                row = np.zeros(ncol)
                row[i] = 1.0
                for j in range(4):  # x_i = l_i + Σ_j y_ij, 0 ≤ y_ij ≤ (u_i − l_i)/4
                    col = y0 + 4 * m + j
                    ub[col] = max(0.0, (u_opt[i] - l_opt[i]) / 4)
                    row[col] = -1.0
                    value[col] = omega[i] * (4 - j) / 4  # j = 0..3 is the doc's j = 1..4
                rows.add(row, l_opt[i], l_opt[i])
            if floor_u > -INF:
                rows.add(value, floor_u, INF)
            if utility_cost:
                cost += value
        if cover is not None:
            s, b, w = cover
            for i in s:  # x_i − w_i t ≥ b_i
                row = np.zeros(ncol)
                row[i], row[it] = 1.0, -w[i]
                rows.add(row, b[i], INF)
            if x_cost is None and not utility_cost and not change_cost:
                cost[it] = 1.0
        if x_cost is not None:
            cost[:n] += x_cost
        tol = self.tolerance if tolerance is None else tolerance
        ok, obj, sol = _solve(cost, lb, ub, rows, maximize=maximize, tolerance=tol)
        return ok, obj, sol

    def feasible(self, lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> bool:
        return self.lp(np.zeros(self.n), lo=lo, hi=hi)[0]


def _fill(
    model: _Model, members: list[int], base: np.ndarray, w: np.ndarray, cap: np.ndarray, top: float
) -> None:
    """Progressive filling: the leximin point of ((x_i − b_i)/w_i), each task stopping at ``cap_i``
    and every ratio at ``top``. Each task's stop is written into ``model.lo`` as its floor."""
    lo = model.lo

    def loosen() -> bool:
        # the floors sit a hair past a row: the faces' and the spending rows' room (1e-9 of
        # an amount), spent by an earlier stage where rows cascade (a row across the sources
        # beside a spending row), leaves none for the solver's own: the model solves at a
        # looser tolerance from here on (1e-8, 1e-7, then 1e-6), far inside the 0,01 compared
        looser = [tol for tol in (1e-8, 1e-7, 1e-6) if tol > model.tolerance]
        if looser:
            model.tolerance = looser[0]
        return bool(looser)

    active = [i for i in members if w[i] > 1e-12 and lo[i] < cap[i] - FLOOR_TOL]
    while active:
        t_cap = min(top, min((cap[i] - base[i]) / w[i] for i in active))
        ok, t_star, _ = model.lp(cover=(active, base, w), t_max=max(0.0, t_cap))
        while not ok and loosen():
            ok, t_star, _ = model.lp(cover=(active, base, w), t_max=max(0.0, t_cap))
        if not ok:
            raise RuntimeError("reference: a fill stage has no solution")
        t_star = min(t_star, t_cap)
        reached = t_star >= t_cap - 1e-9 * max(1.0, abs(t_cap))
        if reached:
            # the level reached a cap: those tasks (or all, at the top level) stop there
            if t_cap >= top - 1e-9 * max(1.0, abs(top)):
                stop = list(active)  # at the top level every active task stops
            else:
                stop = [i for i in active if (cap[i] - base[i]) / w[i] <= t_cap + 1e-9 * max(1.0, t_cap)]
            # at the level the LP reached: t_cap may be a hair above what it allows, and the LP's
            # own level may overshoot by its feasibility tolerance, which the faces' hair of room
            # (spent by an earlier tier) may not absorb: step a hair down until the floors hold
            for attempt in range(16):
                floors = lo.copy()
                for i in stop:
                    floors[i] = max(lo[i], min(cap[i], base[i] + w[i] * t_star))
                if model.feasible(lo=floors):
                    break
                if attempt % 4 == 3 and not loosen():
                    raise RuntimeError("reference: the level floors have no solution")
                t_star *= 1 - 1e-9
            else:
                raise RuntimeError("reference: the level floors have no solution")
            lo[:] = floors
            active = [i for i in active if i not in stop]
            continue
        # which tasks cannot go above their level floor f_i = max(l_i, b_i + t* w_i)?
        floors = lo.copy()
        for i in active:
            floors[i] = max(lo[i], base[i] + w[i] * t_star)
        sum_cost = np.zeros(model.n)
        sum_cost[active] = 1.0
        ok, _, x = model.lp(sum_cost, lo=floors)
        while not ok:  # a rounding in t*: step a hair down, then loosen the tolerance
            t_star *= 1 - 1e-9
            for i in active:
                floors[i] = max(lo[i], base[i] + w[i] * t_star)
            ok, _, x = model.lp(sum_cost, lo=floors)
            if not ok and not loosen():
                raise RuntimeError("reference: the level floors have no solution")
        blocked = []
        for i in active:
            if x[i] > floors[i] + FLOOR_TOL:
                continue  # lifted by the sum: not blocked
            one = np.zeros(model.n)
            one[i] = 1.0
            ok, top_i, _ = model.lp(one, lo=floors)
            if ok and top_i <= floors[i] + FLOOR_TOL:
                blocked.append(i)
        if not blocked:
            raise RuntimeError("reference: no task stops at the optimal level")
        for i in blocked:
            lo[i] = floors[i]
        # the others are at least at this level too: keep it as their floor
        for i in active:
            lo[i] = floors[i]
        active = [i for i in active if i not in blocked]


# ------------------------------------------------------------------ options


def _parse_number(text: str) -> float:
    # READING: analyst rows in the tests use plain integers; "5.000" is five thousand
    # in the library's Vietnamese format, so only integers are written here.
    return float(text.replace(".", "").replace(",", "."))


def _parse_row(text: str, ids: list[str], groups, sources, agencies) -> tuple[np.ndarray, str, float]:
    m = re.match(r"^(.*?)(<=|>=|=)(.*)$", text)
    if not m:
        raise ValueError(f"cannot read constraint {text!r}")
    lhs, op, rhs = m.group(1), m.group(2), m.group(3)
    coef = np.zeros(len(ids))
    for term in lhs.split("+"):
        name = term.strip()
        if name in ids:
            coef[ids.index(name)] += 1
        elif name in ("A", "B", "C", "D"):
            coef += groups == name
        elif name in ("recurrent", "investment"):
            coef += sources == name
        elif name in set(agencies):
            coef += agencies == name
        else:
            raise ValueError(f"unknown name {name!r} in {text!r}")
    return coef, op, _parse_number(rhs.strip())


# ------------------------------------------------------------------ the ladder


def reference_allocate(
    tasks: pf.TaskList,
    budget: dict[str, float],
    rule: str = "proportional",
    *,
    pacing: float = 1.0,
    seed_share: float = 0.0,
    must_fund: tuple[str, ...] | list[str] = (),
    locked: dict[str, float] | None = None,
    deferred: tuple[str, ...] | list[str] = (),
    agency_floors: dict[str, float] | None = None,
    agency_caps: dict[str, float] | None = None,
    constraints: tuple[str, ...] | list[str] = (),
    weights: dict[str, float] | None = None,
    all_or_nothing: bool = False,
    plan_year: int = 2024,
) -> dict[str, float]:
    """The allocation of a single plan year, per task id (million VND).

    Raises
    ------
    ReferenceInfeasible
        When the hard rules leave no allocation.
    """
    table = pf.derive(tasks, plan_year)
    ids = [str(i) for i in table.index]
    n = len(ids)
    d = table["annual_demand"].to_numpy(float)
    r_need = table["remaining_need"].to_numpy(float)
    tier = table["tier"].to_numpy(int)
    kind = table["kind"].to_numpy(object)
    planned = table["planned"].to_numpy(float)
    source = table["funding_source"].to_numpy(object)
    agency = table["agency"].to_numpy(object)
    group = table["group"].to_numpy(object)
    locked = dict(locked or {})
    weights = dict(weights or {})

    # §3 bounds
    lower = np.zeros(n)
    upper = np.zeros(n)
    for i in range(n):
        if kind[i] in ("lease", "annual"):
            upper[i] = d[i]
        else:
            upper[i] = min(pacing * d[i], r_need[i])
        if tier[i] == 1:
            lower[i] = d[i]
        if kind[i] == "new":
            lower[i] = min(seed_share * r_need[i], upper[i])
        if ids[i] in must_fund:
            lower[i] = max(lower[i], d[i])
        if ids[i] in locked:
            lower[i] = upper[i] = float(locked[ids[i]])
        if ids[i] in deferred:
            lower[i] = upper[i] = 0.0

    omega = np.ones(n)
    for i in range(n):
        for key in (ids[i], agency[i], group[i], source[i]):
            if key in weights:
                omega[i] *= float(weights[key])

    # READING 3: all-or-nothing candidates sit at 0 until admitted
    candidates = [i for i in range(n) if all_or_nothing and kind[i] == "new" and source[i] == "investment"]
    candidates.sort(key=lambda i: (-omega[i], -planned[i], natural_key(ids[i])))

    model = _Model(n)
    model.lo[:] = lower
    model.hi[:] = upper
    for i in candidates:
        model.lo[i] = model.hi[i] = 0.0

    for src, env in budget.items():
        coef = (source == src).astype(float)
        if coef.any():
            model.rows.append((coef, -INF, float(env)))
    for name, amount in (agency_floors or {}).items():
        model.rows.append(((agency == name).astype(float), float(amount), INF))
    for name, amount in (agency_caps or {}).items():
        model.rows.append(((agency == name).astype(float), -INF, float(amount)))
    for text in constraints:
        coef, op, rhs = _parse_row(text, ids, group, source, agency)
        model.rows.append((coef, rhs if op in (">=", "=") else -INF, rhs if op in ("<=", "=") else INF))

    if rule == "closest_to_plan" and model.feasible():
        # READING 2: each envelope spent as far as demand and the hard rules allow, in every
        # stage; the most each source can spend, recurrent first, then investment with the
        # recurrent spending S exactly: with the hair of room the stages keep below S, a row
        # shared by both sources (an agency cap) would let investment's most take that room
        # and ask for more than it can spend once recurrent is spent
        spending = []
        for src in ("recurrent", "investment"):
            coef = (source == src).astype(float)
            if src not in budget or not coef.any():
                continue
            ok, most, _ = model.lp(coef, maximize=True)
            spend = min(float(budget[src]), float(upper[coef > 0].sum()), most if ok else INF)
            model.rows.append((coef, spend, INF))
            spending.append(len(model.rows) - 1)
        for r in spending:  # the stages keep a hair of room for the LP's accuracy
            coef, spend, _ = model.rows[r]
            model.rows[r] = (coef, spend - 1e-9 * max(1.0, abs(spend)), INF)

    if not model.feasible():
        raise ReferenceInfeasible("the hard rules leave no allocation")

    if rule == "closest_to_plan":
        model.change = (planned, INF)
        ok, d_star, _ = model.lp(np.zeros(n), change_cost=True, maximize=False)
        if not ok:
            raise ReferenceInfeasible("least change")
        # a hair of room for the LP's accuracy, far inside HiGHS's feasibility tolerance (1e-7):
        # with 1e-7 an earlier tier's fill took the room (B2, B3 at 0,55 + 3e-8 left tier 3's
        # B1 short of its plan) and the solver's tolerance then read a level no floor can meet
        model.change = (planned, d_star + 1e-9 * max(1.0, abs(d_star)))

    cap = np.minimum(upper, np.maximum(lower, d))  # c_i
    for k in sorted(set(tier.tolist())):
        members = [i for i in range(n) if tier[i] == k and i not in candidates]
        if rule == "weighted" and members:
            model.utility = (members, omega, lower, upper, -INF)
            ok, u_star, _ = model.lp(np.zeros(n), utility_cost=True)
            if not ok:
                raise RuntimeError("reference: the utility stage has no solution")
            model.utility = (members, omega, lower, upper, u_star - 1e-7 * max(1.0, abs(u_star)))
        zero = np.zeros(n)
        # phase 1 (READING 1: c is the fill's target, the rows may still lift a task above it)
        if rule in ("proportional", "weighted"):
            _fill(model, members, zero, d, cap, 1.0)
        elif rule == "equal_awards":
            _fill(model, members, zero, np.ones(n), cap, INF)
        elif rule == "closest_to_plan":
            _fill(model, members, zero, np.minimum(planned, cap), cap, 1.0)
            # the tasks that reached their plan (or were planned at 0) share what the face
            # still allows above it in proportion to the rest of their cap
            base = np.minimum(planned, cap)
            reached = [i for i in members if model.lo[i] >= base[i] - FLOOR_TOL]
            # a task counts as at its plan within FLOOR_TOL; its level rises from where it is
            # (the least-change face's hair of room may let an earlier tier take a little of it)
            _fill(model, reached, np.minimum(base, model.lo), cap - base, cap, 1.0)
        else:
            raise ValueError(f"unknown rule {rule!r}")
        # phase 2: headroom above demand, in proportion to u − d
        head = [i for i in members if model.lo[i] >= cap[i] - FLOOR_TOL and upper[i] > cap[i] + FLOOR_TOL]
        if head:
            _fill(model, head, np.minimum(d, model.lo), upper - d, upper, 1.0)
        # the tier keeps what it received
        for i in members:
            model.hi[i] = model.lo[i]
        if model.change is not None and k < max(tier):
            # the least change again, given what the tiers so far received: a fill may take the
            # face's hair of room (B1 at 0,25 + 1,6e-9 beside a row B1 + D2 <= 1), and the next
            # tier, whose level that hair lowers, would then need more room than is left
            # If the tier's amounts sit a hair below the spending rows (the level rounded down
            # by the same room), no point is left to re-solve from: the face stays as it was, and
            # a later stage that cannot be met says so
            before = model.change
            model.change = (planned, INF)
            ok, d_star, _ = model.lp(np.zeros(n), change_cost=True, maximize=False)
            model.change = (planned, d_star + 1e-9 * max(1.0, abs(d_star))) if ok else before
        model.utility = None
        # all-or-nothing starts of this tier, in the priority order of new starts
        for i in candidates:
            if tier[i] != k:
                continue
            lo, hi = model.lo.copy(), model.hi.copy()
            lo[i] = hi[i] = upper[i]
            if model.feasible(lo, hi):
                model.lo[i] = model.hi[i] = upper[i]
    return {ids[i]: float(model.lo[i]) for i in range(n)}


def reference_admitted(
    tasks: pf.TaskList,
    budget: dict[str, float],
    rule: str = "proportional",
    **options: object,
) -> dict[str, float]:
    """The single-year allocation with the admission of new starts (docs/model.md §6), by brute force.

    Every candidate is tried in the priority order of new starts (weight, planned,
    natural id) by allocating the whole year again with it started and every other
    candidate not started; it is admitted when every admitted start (itself
    included) then gets its whole demand. Rounds repeat until one admits nothing.

    READING 6: a new task is not a candidate but started by the scenario when it has
    a floor of its own (must-fund, a lock, a positive seed share) or is named with a
    positive coefficient in a row with a positive lower bound (an agency floor, an
    analyst ``>=`` or ``=`` row); deferred tasks are not candidates; a task with no
    remaining need starts trivially.
    """
    table = pf.derive(tasks, int(options.get("plan_year", 2024)))  # type: ignore[call-overload]
    ids = [str(i) for i in table.index]
    d = table["annual_demand"].to_numpy(float)
    need = table["remaining_need"].to_numpy(float)
    kind = table["kind"].to_numpy(object)
    agency = table["agency"].to_numpy(object)
    group = table["group"].to_numpy(object)
    source = table["funding_source"].to_numpy(object)
    planned = table["planned"].to_numpy(float)
    deferred = [str(t) for t in options.get("deferred", ()) or ()]  # type: ignore[attr-defined]
    weights = dict(options.get("weights") or {})  # type: ignore[call-overload]
    named = np.zeros(len(ids), dtype=bool)
    for name, amount in dict(options.get("agency_floors") or {}).items():  # type: ignore[call-overload]
        if float(amount) > 0:
            named |= agency == name
    for text in options.get("constraints", ()) or ():  # type: ignore[attr-defined]
        coef, op, rhs = _parse_row(str(text), ids, group, source, agency)
        if op in (">=", "=") and rhs > 0:
            named |= coef > 0
    forced, candidates = set(), []
    for i in range(len(ids)):
        if kind[i] != "new" or ids[i] in deferred:
            continue
        own_floor = (
            ids[i] in (options.get("must_fund") or ())  # type: ignore[operator]
            or ids[i] in dict(options.get("locked") or {})  # type: ignore[call-overload]
            or float(options.get("seed_share", 0.0) or 0.0) * need[i] > 0  # type: ignore[arg-type]
        )
        if own_floor or named[i] or need[i] <= 0:
            forced.add(i)
        else:
            candidates.append(i)
    omega = np.ones(len(ids))
    for i in range(len(ids)):
        for key in (ids[i], agency[i], group[i], source[i]):
            if key in weights:
                omega[i] *= float(weights[key])
    candidates.sort(key=lambda i: (-omega[i], -planned[i], natural_key(ids[i])))

    def allocate(started: set[int]) -> dict[str, float]:
        waiting = [ids[i] for i in candidates if i not in started]
        run = {**options, "deferred": deferred + waiting}
        return reference_allocate(tasks, budget, rule, **run)  # type: ignore[arg-type]

    started: set[int] = set()
    changed = True
    while changed:
        changed = False
        for c in candidates:
            if c in started:
                continue
            trial = started | {c}
            try:
                x = allocate(trial)
            except ReferenceInfeasible:  # with it started, the hard rules have no point
                continue
            # whole to the reference's own LP accuracy (its least-change face is solved to
            # about 1e-6 of an amount; a start rationed short misses by far more), far inside the 0,01 promise
            if all(x[ids[i]] >= d[i] - 1e-5 * max(1.0, d[i]) for i in trial):
                started = trial
                changed = True
    return allocate(started)
