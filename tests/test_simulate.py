"""Monte Carlo over the envelopes: closed forms, one answer per seed, the engine's equality."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import portfolio as pf
from portfolio.errors import PortfolioWarning, ScenarioError
from portfolio.uncertainty import draw_envelopes, envelope_marginals

#: recurrent tier 3 is covered in full from here (docs/model.md §5): B38 is funded in full
TIER3_FULL = 513_268.48
#: D3 (20.000) starts once the investment envelope leaves it room: 63.818,98 of D1, D2 first
D3_FITS = 83_818.98
UNIFORM = ("uniform", 300_000, 600_000)


@pytest.fixture(scope="module")
def uniform_run(tasks: pf.TaskList) -> pf.Simulation:
    return pf.simulate(tasks, budget={"recurrent": UNIFORM}, scenarios=10_000, seed=7)


def test_core_index_of_b38_is_the_closed_form_probability(uniform_run: pf.Simulation) -> None:
    p = (600_000 - TIER3_FULL) / 300_000
    se = math.sqrt(p * (1 - p) / 10_000)
    core = uniform_run.core_index[(2024, "B38")]
    assert abs(core - p) < 4 * se
    # and exactly the share of drawn envelopes at or above the point where tier 3 is covered
    drawn = uniform_run.envelopes[("recurrent", 2024)].to_numpy()
    assert core == pytest.approx(np.mean(drawn >= TIER3_FULL - 0.01), abs=1e-12)


def test_every_tier_3_task_shares_b38_core_and_commitments_are_always_core(
    uniform_run: pf.Simulation,
) -> None:
    core = uniform_run.core_index.xs(2024)
    table = pf.optimize().year_table()
    recurrent = table["funding_source"] == "recurrent"
    tier3 = table.index[recurrent & (table["tier"] == 3) & (table["demand"] > 0)]
    assert np.allclose(core[tier3], core["B38"])
    assert (core[table.index[table["tier"] == 1]] == 1).all()
    assert uniform_run.method == "closed form"
    assert uniform_run.failed_share == 0


def test_coverage_quantiles_follow_the_water_filling(uniform_run: pf.Simulation) -> None:
    tiers = uniform_run.coverage("tier")
    # tier 3's coverage is min(1, (E − 246.384,48) / 266.884): its median at the median envelope
    median_envelope = float(np.median(uniform_run.envelopes[("recurrent", 2024)]))
    expected = min(1.0, (median_envelope - 246_384.48) / 266_884)
    assert tiers.loc[("recurrent", 2024, 3), "q50"] == pytest.approx(expected, abs=1e-6)
    assert tiers.loc[("recurrent", 2024, 1), "q05"] == 1.0
    tasks = uniform_run.coverage("task")
    b38 = tasks.loc[(2024, "B38")]
    assert b38["q95"] == pytest.approx(b38["demand"], abs=0.01)
    assert b38["q05"] < b38["q50"] < b38["q95"]


def test_closed_form_equals_optimize_at_sampled_scenarios(tasks: pf.TaskList) -> None:
    budget = {
        "recurrent": ("triangular", 250_000, 400_000, 700_000),
        "investment": ("uniform", 60_000, 120_000),
    }
    sim = pf.simulate(tasks, budget=budget, scenarios=400, seed=3)
    assert sim.method == "closed form"
    x = sim.allocations()
    rng = np.random.default_rng(0)
    picked = list(rng.choice(400, 8, replace=False))
    investment = sim.envelopes[("investment", 2024)]
    picked += [int(investment.idxmax()), int(investment.idxmin())]  # D3 starts, D3 waits
    for i in picked:
        env = {s: float(sim.envelopes[(s, 2024)][i]) for s in ("recurrent", "investment")}
        expected = pf.optimize(tasks, budget=env).table["allocated"]
        assert np.abs(x.loc[i].to_numpy() - expected.to_numpy()).max() < 0.01
    # D3 starts exactly when its 20.000 fits (docs/model.md §5)
    assert sim.start_probability["D3"] == pytest.approx(np.mean(investment >= D3_FITS - 1e-6))


def test_engine_fallback_equals_optimize(tasks: pf.TaskList) -> None:
    sim = pf.simulate(tasks, budget={"recurrent": UNIFORM}, scenarios=12, seed=1, rule="equal_awards")
    assert sim.method == "engine"
    for i in (0, 5, 11):
        env = {s: float(sim.envelopes[(s, 2024)][i]) for s in ("recurrent", "investment")}
        expected = pf.optimize(tasks, budget=env, rule="equal_awards").table["allocated"].to_numpy()
        assert np.abs(sim.outcomes.x[i, 0] - expected).max() < 0.01


def test_same_seed_same_result_and_scenario_i_keeps_its_draws(tasks: pf.TaskList) -> None:
    budget = {"recurrent": ("normal", 400_000, 50_000), "investment": ("uniform", "-15%", "+15%")}
    a = pf.simulate(tasks, budget=budget, scenarios=300, seed=11)
    b = pf.simulate(tasks, budget=budget, scenarios=300, seed=11)
    c = pf.simulate(tasks, budget=budget, scenarios=50, seed=11)
    d = pf.simulate(tasks, budget=budget, scenarios=300, seed=12)
    assert a.envelopes.equals(b.envelopes)
    assert np.array_equal(a.outcomes.x, b.outcomes.x)
    assert a.core_index.equals(b.core_index)
    assert a.envelopes.iloc[:50].equals(c.envelopes)  # scenario i does not depend on how many there are
    assert not a.envelopes.equals(d.envelopes)
    marginals = envelope_marginals(budget, {"recurrent": 332_401.0, "investment": 66_390.0}, 1)
    tail = draw_envelopes(marginals, 20, 11, first=280)
    assert np.array_equal(tail["recurrent"][:, 0], a.envelopes[("recurrent", 2024)].to_numpy()[280:])


def test_plan_through_a_process_pool_is_identical(tasks: pf.TaskList) -> None:
    budget = {"recurrent": UNIFORM, "investment": ("normal", 66_390, 8_000)}
    alone = pf.simulate(tasks, budget=budget, scenarios=8, seed=5, years=2)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = pf.simulate(tasks, budget=budget, scenarios=8, seed=5, years=2, executor=pool, chunk_size=3)
    assert alone.method == pooled.method == "engine"
    assert np.array_equal(alone.outcomes.x, pooled.outcomes.x, equal_nan=True)
    assert np.array_equal(alone.outcomes.completed, pooled.outcomes.completed)
    assert alone.start_probability.equals(pooled.start_probability)
    env = {s: alone.envelopes[s].iloc[3].tolist() for s in ("recurrent", "investment")}
    plan = pf.optimize(tasks, budget=env, years=2)
    assert np.abs(plan.table["allocated"].to_numpy() - alone.outcomes.x[3].ravel()).max() < 0.01
    started = plan.starts.index[plan.starts["status"] == "started"]
    assert set(started) == set(alone.start_probability.index[alone.outcomes.completed[3]])


def test_robust_start_single_year_is_the_closed_form_probability(tasks: pf.TaskList) -> None:
    budget = {"investment": ("uniform", 60_000, 120_000)}
    fit = (120_000 - D3_FITS) / 60_000  # 0,603: D3 fits; D4 (26.688) after it fits with 0,158
    loose = pf.simulate(tasks, budget=budget, scenarios=400, seed=2, min_completion_probability=0.5)
    drawn = loose.envelopes[("investment", 2024)].to_numpy()
    assert loose.decided_starts.loc["D3", "status"] == "started"
    assert loose.decided_starts.loc["D4", "status"] == "not_started"
    assert loose.start_probability["D3"] == pytest.approx(np.mean(drawn >= D3_FITS - 1e-6))
    assert abs(loose.start_probability["D3"] - fit) < 0.1
    assert loose.start_probability["D4"] == 0
    strict = pf.simulate(tasks, budget=budget, scenarios=400, seed=2, min_completion_probability=0.7)
    assert (strict.decided_starts["status"] != "started").all()
    assert strict.decided_starts.loc["D3", "if_started"] == pytest.approx(loose.start_probability["D3"])


def test_robust_starts_in_a_plan_hold_at_the_probability(tasks: pf.TaskList) -> None:
    budget = {"recurrent": UNIFORM, "investment": ("normal", 66_390, 6_000)}
    sim = pf.simulate(tasks, budget=budget, scenarios=40, seed=4, years=3, min_completion_probability=0.9)
    decided = sim.decided_starts
    started = decided.index[decided["status"] == "started"]
    assert {"D3", "D4"} <= set(started)
    assert (sim.start_probability[started] >= 0.9).all()
    assert (sim.start_probability.drop(started) == 0).all()
    assert (decided.loc[decided["status"] == "not_started", "if_started"] < 0.9).all()


def test_infeasible_scenarios_fund_nothing_and_warn(tasks: pf.TaskList) -> None:
    with pytest.warns(PortfolioWarning, match="infeasible"):
        sim = pf.simulate(tasks, budget={"recurrent": ("uniform", 0, 400_000)}, scenarios=500, seed=0)
    commitments = (
        pf.optimize().year_table().query("tier == 1 and funding_source == 'recurrent'")["demand"].sum()
    )
    drawn = sim.envelopes[("recurrent", 2024)].to_numpy()
    assert sim.failed_share == pytest.approx(np.mean(drawn < commitments))
    assert sim.core_index[(2024, "A1")] == pytest.approx(1 - sim.failed_share)
    assert "commitments need" in sim.failed[sim.failed != ""].iloc[0]


def test_value_kinds(tasks: pf.TaskList) -> None:
    class Frozen:  # a scipy.stats frozen distribution, by its duck type
        def ppf(self, u: np.ndarray) -> np.ndarray:
            return 300_000 + 100_000 * np.asarray(u)

        def mean(self) -> float:
            return 350_000.0

    sim = pf.simulate(tasks, budget={"recurrent": Frozen()}, scenarios=200)
    drawn = sim.envelopes[("recurrent", 2024)]
    assert drawn.between(300_000, 400_000).all()
    factors = [0.9, 0.95, 1.0]
    sim = pf.simulate(tasks, budget={"investment": ("resample", factors)}, scenarios=300)
    drawn = sim.envelopes[("investment", 2024)].round(6)
    assert set(drawn) == {round(f * 66_390, 6) for f in factors}
    same = pf.simulate(tasks, budget={"investment": np.array(factors)}, scenarios=300)
    assert same.envelopes.equals(sim.envelopes)
    fixed = pf.simulate(tasks, budget={"recurrent": 300_000, "investment": "-10%"}, scenarios=3)
    assert (fixed.envelopes[("investment", 2024)] == 0.9 * 66_390).all()
    per_year = pf.simulate(
        tasks, budget={"recurrent": [300_000, UNIFORM, ("normal", "100%", "5%")]}, years=3, scenarios=4
    )
    assert (per_year.envelopes[("recurrent", 2024)] == 300_000).all()
    assert per_year.marginals["recurrent"][2].params == pytest.approx((332_401, 16_620.05))


def test_correlation_is_a_gaussian_copula() -> None:
    marginals = envelope_marginals(
        {"recurrent": ("normal", 0, 1), "investment": ("normal", 0, 1)}, {"recurrent": 1, "investment": 1}, 1
    )
    # normals are clipped at 0: shift them to keep the sample's correlation
    shifted = {s: [type(m)("normal", (10.0, 1.0)) for m in ms] for s, ms in marginals.items()}
    drawn = draw_envelopes(shifted, 20_000, 0, correlation=0.8)
    rho = np.corrcoef(drawn["recurrent"][:, 0], drawn["investment"][:, 0])[0, 1]
    assert rho == pytest.approx(0.8, abs=0.02)


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({"recurrent": ("uniform", 600_000, 300_000)}, "low ≤ high"),
        ({"recurrent": ("normal", 300_000, -5)}, "sd ≥ 0"),
        ({"recurrent": ("lognormal", 1, 2)}, "unknown distribution 'lognormal'"),
        ({"recurrent": ("uniform", 1)}, "uniform takes low, high"),
        ({"recurrent": ("triangular", 1, 5, 3)}, "low ≤ mode ≤ high"),
        ({"recurrent": ("resample", [1.0, -0.5])}, "factors to resample"),
        ({"recurrent": [300_000, 400_000]}, "one value per year"),
        ({"recurrent": ("uniform", "abc", 3)}, "expected an amount"),
        ({"capital": 5}, "unknown source"),
    ],
)
def test_bad_distributions_are_one_line_errors(tasks: pf.TaskList, budget: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        pf.simulate(tasks, budget=budget, scenarios=5)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scenarios": 0}, "scenarios"),
        ({"scenarios": 2.5}, "scenarios"),
        ({"seed": -1}, "seed"),
        ({"min_completion_probability": 1.5}, "min_completion_probability"),
        ({"correlation": 2.0}, "correlation"),
        ({"correlation": [[1, 0.5], [0.4, 1]]}, "correlation"),
    ],
)
def test_bad_run_options(tasks: pf.TaskList, kwargs: dict, field: str) -> None:
    with pytest.raises(ScenarioError, match=field):
        pf.simulate(tasks, **kwargs)


def test_summary_and_repr(uniform_run: pf.Simulation) -> None:
    summary = uniform_run.summary()
    assert summary["scenarios"] == 10_000
    assert summary["envelope recurrent"] == "uniform 300.000–600.000"
    assert (
        summary["tasks always funded in full"]
        + summary["tasks funded in full in some scenarios"]
        + summary["tasks never funded in full"]
        == 81
    )
    assert "10000 scenarios" in repr(uniform_run)


def test_robust_admission_of_one_known_scenario_is_the_plan_admission(tasks: pf.TaskList) -> None:
    # one scenario with the document's envelopes: "completed in ⌈p·1⌉ scenario" is §6's admission
    sim = pf.simulate(tasks, scenarios=1, years=3, min_completion_probability=1.0)
    plan = pf.optimize(tasks, years=3)
    decided = sim.decided_starts
    assert decided["start_year"].equals(plan.starts["start_year"])
    assert np.abs(sim.outcomes.x[0].ravel() - plan.table["allocated"].to_numpy()).max() < 0.01
    assert set(sim.start_probability.index[sim.start_probability == 1]) == {"D3", "D4"}


def test_progress_bar_only_when_asked_and_after_its_delay(
    tasks: pf.TaskList, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import portfolio.monte_carlo as monte_carlo

    budget = {"recurrent": UNIFORM}
    pf.simulate(tasks, budget=budget, scenarios=4, rule="equal_awards")  # default: off under pytest
    pf.simulate(tasks, budget=budget, scenarios=4, rule="equal_awards", progress=True)  # under 2 s
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(monte_carlo, "PROGRESS_AFTER", 0.0)
    pf.simulate(tasks, budget=budget, scenarios=4, rule="equal_awards", progress=True, chunk_size=1)
    assert "/4 [" in capsys.readouterr().err  # the bar, cleared at the end (leave=False)


def test_robust_starts_hold_and_are_maximal_by_brute_force(tasks: pf.TaskList) -> None:
    from portfolio.model.options import SOURCES
    from portfolio.scenario_runs import run_scenarios

    budget = {"recurrent": ("uniform", 450_000, 700_000), "investment": ("uniform", 60_000, 110_000)}
    sim = pf.simulate(tasks, budget=budget, scenarios=6, seed=1, years=2, min_completion_probability=0.5)
    decided = sim.decided_starts
    started = decided.index[decided["status"] == "started"]
    assert len(started) > 5 and len(started) < len(decided)  # a case with both answers
    assert (sim.start_probability[started] >= 0.5).all()
    envelopes = np.stack([sim.envelopes[s].to_numpy() for s in SOURCES], axis=2)
    ids, new = list(sim.ids), [list(sim.ids).index(t) for t in sim.new_ids]
    starts = {ids.index(t): int(y) for t, y in decided.loc[started, "start_year"].items()}
    for task in decided.index[decided["status"] == "not_started"]:
        for year in sim.years:  # started in any year, it or a start already decided falls below 3 of 6
            trial = {**starts, ids.index(task): year}
            done = run_scenarios(sim.tasks, sim.options, envelopes, trial).completed.sum(axis=0)
            assert min(done[new.index(t)] for t in trial) < 3


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(60_000, 600_000),
    width=st.floats(0, 300_000),
    shift=st.floats(0, 200_000),
    seed=st.integers(0, 2**32 - 1),
)
def test_more_money_never_lowers_a_core_index(low: float, width: float, shift: float, seed: int) -> None:
    # the same seed draws the same u: each scenario's envelope moves up by the shift, and the
    # ladder's allocation of every task already started is monotone in its envelope
    import warnings

    tasks = pf.read_appendix()
    with warnings.catch_warnings():  # envelopes below the commitments are part of the property
        warnings.simplefilter("ignore", PortfolioWarning)
        base = pf.simulate(
            tasks, budget={"recurrent": ("uniform", low, low + width)}, scenarios=200, seed=seed
        )
        budget = {"recurrent": ("uniform", low + shift, low + width + shift)}
        more = pf.simulate(tasks, budget=budget, scenarios=200, seed=seed)
    old = ~base.core_index.index.get_level_values("id").isin(base.new_ids)
    assert (more.core_index[old] >= base.core_index[old] - 1e-12).all()
    assert more.failed_share <= base.failed_share


def test_robust_starts_read_a_lock_at_0_as_admission_does(tasks: pf.TaskList) -> None:
    # D3 locked at 0 can never be paid: it is no candidate, and D4 (26.688) takes the room
    # it would have taken (at 90.000-120.000 of investment, 26.181-56.181 is idle after D1, D2)
    budget = {"investment": ("uniform", 90_000, 120_000)}
    sim = pf.simulate(
        tasks, budget=budget, scenarios=100, seed=2, min_completion_probability=0.5, locked={"D3": 0}
    )
    decided = sim.decided_starts
    assert decided.loc["D3", "status"] == "not_started" and decided.loc["D3", "completion"] == 0
    assert decided.loc["D4", "status"] == "started" and decided.loc["D4", "start_year"] == 2024
    assert decided.loc["D4", "completion"] >= 0.9
