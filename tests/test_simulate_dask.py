"""``simulate`` on a dask.distributed LocalCluster: the same answer as in this process."""

from __future__ import annotations

import numpy as np

import portfolio as pf


def test_a_plan_on_a_dask_local_cluster_is_identical(tasks: pf.TaskList) -> None:
    from dask.distributed import Client, LocalCluster

    budget = {"recurrent": ("uniform", 300_000, 600_000), "investment": ("normal", 66_390, 8_000)}
    here = pf.simulate(tasks, budget=budget, scenarios=6, seed=9, years=2, rule="equal_awards")
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        there = pf.simulate(
            tasks,
            budget=budget,
            scenarios=6,
            seed=9,
            years=2,
            rule="equal_awards",
            executor=client.get_executor(),
            chunk_size=2,
        )
    assert np.array_equal(here.outcomes.x, there.outcomes.x, equal_nan=True)
    assert here.core_index.equals(there.core_index)
    assert here.start_probability.equals(there.start_probability)
