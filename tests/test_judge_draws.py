"""The cascade in expectation over its judge's draws: exact where the judge cannot err, the mean of many
seeds where it can, and usable wherever a router is (chapter "Cascading routers")."""
from __future__ import annotations

import numpy as np
import pytest

import routerbench_utils as rbu
from routerbench_utils.evaluation import ExpectedCascadeRouter, expected_cascade_outcomes
from routerbench_utils.routers import BUDGET_GRID

BUDGETS = [0.0, 1e-4, 5e-4, 0.001, *BUDGET_GRID, np.inf]


@pytest.fixture(scope="module")
def split():
    df = rbu.embedded_routerbench(3, scale=0.05, datasets=["mbpp", "winogrande"])
    train, test = rbu.official_split(df)
    return train, test.iloc[:80]


def test_a_perfect_judge_is_its_own_expectation(split):
    train, test = split
    cascade = rbu.CascadeRouter(error_rate=0.0).fit(train)
    _, cost, quality = cascade.outcomes(test, BUDGETS)
    _, e_cost, e_quality = expected_cascade_outcomes(cascade, test, BUDGETS)
    np.testing.assert_allclose(e_cost, cost, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(e_quality, quality, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("rates", [{"error_rate": 0.2}, {"false_accept": 0.3, "false_reject": 0.05}])
def test_the_expectation_is_the_mean_over_many_judge_seeds(split, rates):
    train, test = split
    seeds = 400
    runs = [rbu.CascadeRouter(**rates, random_state=s).fit(train).outcomes(test, BUDGETS)[1:] for s in range(seeds)]
    cost = np.mean([c for c, _ in runs], axis=0)
    quality = np.mean([q for _, q in runs], axis=0)
    cascade = rbu.CascadeRouter(**rates).fit(train)
    _, e_cost, e_quality = expected_cascade_outcomes(cascade, test, BUDGETS)
    # a value in [0, top] has a standard deviation of at most top / 2, so the seeds' mean is within
    # five standard errors, 5 top / (2 sqrt(seeds)), in every prompt x budget cell
    tol = 5 / (2 * np.sqrt(seeds))
    every_call = rbu.cost_matrix(test).sum(axis=1)  # the most a prompt can cost
    assert np.abs(quality - e_quality).max() < tol
    assert (np.abs(cost - e_cost) < tol * every_call).all()
    # and on average over the prompts the agreement is much closer
    assert np.abs(quality.mean(axis=1) - e_quality.mean(axis=1)).max() < 0.01


def test_budget_zero_makes_only_the_cheapest_call(split):
    train, test = split
    cascade = rbu.CascadeRouter(error_rate=0.3).fit(train)
    _, cost, quality = expected_cascade_outcomes(cascade, test, [0.0])
    _, seeded_cost, seeded_quality = cascade.outcomes(test, [0.0])
    np.testing.assert_allclose(cost, seeded_cost)  # one call, whatever the judge says
    np.testing.assert_allclose(quality, seeded_quality)


def test_the_expected_router_plugs_into_a_comparison(split):
    train, test = split
    router = ExpectedCascadeRouter(error_rate=0.2)
    curve = router.fit(train).curve(test)
    _, cost, quality = expected_cascade_outcomes(router, test)
    np.testing.assert_allclose(curve["cost"], cost.mean(axis=1))
    np.testing.assert_allclose(curve["quality"], quality.mean(axis=1))
    result = rbu.compare_routers(train, test, routers={"expected": ExpectedCascadeRouter(0.2)}, n_boot=20)
    assert set(result["aiq"]["router"]) >= {"expected"}


def test_an_unfitted_cascade_is_refused(split):
    with pytest.raises(rbu.RouterBenchDataError, match="fit"):
        expected_cascade_outcomes(rbu.CascadeRouter(0.1), split[1])
