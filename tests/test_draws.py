"""A random router averaged over seeded draws (chapter "Cascade routing"): the mean over draws is the
mean of the seeded runs, a router that draws nothing is its own mean, the Monte Carlo error shrinks as
draws are added, and bad arguments are refused by name. Also the exact cascade's deterministic choice."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import routerbench_utils as rbu
from routerbench_utils.evaluation import (ExpectedCascadeRouter, MeanOverDrawsRouter, aiq_over_draws,
                                          expected_cascade_outcomes)
from routerbench_utils.routers import Router
from routerbench_utils.routers.cascade_routing import CascadeRoutingRouter

LAMBDAS = [0.0, 0.1, 10.0, 1e3]


@pytest.fixture(scope="module")
def split():
    df = rbu.embedded_routerbench(3, scale=0.05, datasets=["mbpp", "winogrande"])
    train, test = rbu.official_split(df)
    return train, test.iloc[:80]


class RandomPick(Router):
    """A router that draws at fit: one random model for every prompt (for the fit-per-draw path)."""

    knob = "param"

    def __init__(self, random_state: int = 0):
        self.random_state = random_state

    def fit(self, train):
        super().fit(train)
        self.pick_ = self.models_[np.random.default_rng(self.random_state).integers(len(self.models_))]
        return self

    def route(self, test, param=None):
        return np.full(len(test), self.pick_, dtype=object)


def seeded_runs(router, seeds, train, test, settings):
    runs = [clone(router).set_params(random_state=s).fit(train).outcomes(test, settings) for s in seeds]
    return np.array([c for _, c, _ in runs]), np.array([q for _, _, q in runs])


@pytest.mark.parametrize("router", [CascadeRoutingRouter(noise_before=1.0, noise_after=0.4),
                                    CascadeRoutingRouter(noise_before=0.5, noise_after=np.inf, max_models=1),
                                    rbu.CascadeRouter(error_rate=0.2)],
                         ids=["cascade routing", "routing", "cascade"])
def test_the_mean_over_draws_is_the_mean_of_the_seeded_runs(router, split):
    train, test = split
    settings = LAMBDAS if isinstance(router, CascadeRoutingRouter) else [0.0, 1e-4, np.inf]
    averaged = MeanOverDrawsRouter(router, n_draws=6, random_state=4).fit(train)
    assert len(set(averaged.random_states_)) == 6
    cost, quality = seeded_runs(router, averaged.random_states_, train, test, settings)
    assert not np.allclose(quality[0], quality[1])  # the draws differ, so the mean is a mean
    _, mean_cost, mean_quality = averaged.outcomes(test, settings)
    np.testing.assert_allclose(mean_cost, cost.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(mean_quality, quality.mean(axis=0), rtol=1e-12)
    _, by_draw_cost, by_draw_quality = averaged.outcomes_by_draw(test, settings)
    np.testing.assert_array_equal(by_draw_cost, cost)
    np.testing.assert_array_equal(by_draw_quality, quality)
    curve = averaged.curve(test, settings)
    np.testing.assert_allclose(curve["quality"], quality.mean(axis=(0, 2)))


def test_a_router_that_draws_at_fit_is_fitted_once_per_draw(split):
    train, test = split
    averaged = MeanOverDrawsRouter(RandomPick(), n_draws=20, random_state=1).fit(train)
    picks = [r.pick_ for r in averaged.routers_]
    assert len(set(picks)) > 1
    cost, quality = seeded_runs(RandomPick(), averaged.random_states_, train, test, [None])
    _, mean_cost, mean_quality = averaged.outcomes(test, [None])
    np.testing.assert_allclose(mean_cost, cost.mean(axis=0))
    np.testing.assert_allclose(mean_quality, quality.mean(axis=0))
    most = pd.Series(picks).value_counts()
    mode = [m for m in averaged.models_ if most.get(m, 0) == most.max()][0]  # ties: first in model order
    assert (averaged.route(test) == mode).all()


def test_with_zero_noise_the_mean_is_the_single_run(split):
    train, test = split
    exact = CascadeRoutingRouter(noise_before=0.0, noise_after=0.0)
    single = clone(exact).fit(train).sweep(test, LAMBDAS)
    averaged = MeanOverDrawsRouter(exact, n_draws=5).fit(train)
    sweep = averaged.sweep(test, LAMBDAS)
    np.testing.assert_allclose(sweep.cost, single.cost, rtol=1e-12)
    np.testing.assert_allclose(sweep.quality, single.quality, rtol=1e-12)
    np.testing.assert_array_equal(sweep.chosen, single.chosen)
    errors = averaged.curve_error(test, LAMBDAS)
    assert (errors["cost_se"] == 0).all() and (errors["quality_se"] == 0).all()
    _, cost, quality = averaged.outcomes_by_draw(test, LAMBDAS)
    result = aiq_over_draws(cost, quality, n_boot=30)
    assert result.standard_error == pytest.approx(0.0, abs=1e-12)


def test_the_monte_carlo_error_shrinks_with_the_number_of_draws():
    df = rbu.embedded_routerbench(3, scale=0.2, datasets=["winogrande", "mbpp"])
    train, test = rbu.official_split(df)
    noisy = CascadeRoutingRouter(noise_before=1.0, noise_after=0.4)
    errors, spreads = {}, {}
    for n_draws in (8, 128):
        averaged = MeanOverDrawsRouter(noisy, n_draws=n_draws).fit(train)
        _, cost, quality = averaged.outcomes_by_draw(test, LAMBDAS)
        errors[n_draws] = aiq_over_draws(cost, quality, n_boot=200).standard_error
        spreads[n_draws] = averaged.curve_error(test, LAMBDAS)["quality_se"].to_numpy()
    assert errors[8] > 0 and errors[128] < errors[8] / 2  # 1/sqrt(D): a quarter, expected
    assert spreads[128][1:].sum() < spreads[8][1:].sum() / 2  # (setting 0 calls the cheapest model: no noise)


def test_the_draws_resampled_alike_are_paired(split):
    train, test = split
    a = MeanOverDrawsRouter(CascadeRoutingRouter(noise_before=1.0, noise_after=0.4), n_draws=8).fit(train)
    _, cost, quality = a.outcomes_by_draw(test, LAMBDAS)
    one, two = aiq_over_draws(cost, quality, n_boot=50), aiq_over_draws(cost, quality, n_boot=50)
    np.testing.assert_array_equal(one.samples, two.samples)
    assert one.estimate == pytest.approx(rbu.aiq(*(m.mean(axis=(0, 2)) for m in (cost, quality))))


@pytest.mark.parametrize("params, name", [
    ({"n_draws": 0}, "n_draws"), ({"n_draws": 2.5}, "n_draws"), ({"n_draws": "8"}, "n_draws"),
    ({"n_draws": True}, "n_draws"), ({"n_draws": 4.0}, "n_draws"), ({"random_state": -1}, "random_state"),
    ({"random_state": 1.5}, "random_state"), ({"router": rbu.TaskLabelRouter()}, "router"),
    ({"router": "cascade"}, "router")])
def test_bad_arguments_are_refused_by_name(params, name, split):
    with pytest.raises(rbu.RouterBenchDataError, match=f"^{name}:"):
        MeanOverDrawsRouter(**params).fit(split[0])


def test_bad_inputs_of_aiq_over_draws_are_refused_by_name():
    with pytest.raises(rbu.RouterBenchDataError, match="cost, quality"):
        aiq_over_draws([[1.0, 2.0]], [[0.5, 0.6]])
    with pytest.raises(rbu.RouterBenchDataError, match="n_boot"):
        aiq_over_draws([[[1.0]], [[2.0]]], [[[0.5]], [[0.6]]], n_boot=0)


def test_an_unfitted_average_is_refused(split):
    with pytest.raises(rbu.RouterBenchDataError, match="fit"):
        MeanOverDrawsRouter(n_draws=2).outcomes(split[1])


def test_route_takes_the_knob_by_name_and_refuses_another(split):
    train, test = split
    averaged = MeanOverDrawsRouter(CascadeRoutingRouter(noise_after=0.4), n_draws=3).fit(train)
    assert averaged.knob == "willingness_to_pay"
    np.testing.assert_array_equal(averaged.route(test, willingness_to_pay=10.0), averaged.route(test, 10.0))
    with pytest.raises(TypeError, match="budget_per_prompt"):
        averaged.route(test, budget_per_prompt=1.0)


# ----------------------------------------------------------------- the exact cascade's choice
def test_the_expected_cascade_names_the_likeliest_answer_without_a_draw(split):
    train, test = split
    budgets = [0.0, 1e-4, np.inf]
    chosen = {s: ExpectedCascadeRouter(0.2, random_state=s).fit(train).sweep(test, budgets).chosen for s in (0, 7)}
    np.testing.assert_array_equal(chosen[0], chosen[7])  # the seed plays no part
    # the most frequent answer of many seeded cascades is (almost always) the likeliest answer
    seeded = np.array([rbu.CascadeRouter(0.2, random_state=s).fit(train).sweep(test, budgets).chosen
                       for s in range(300)])
    frequent = np.array([[pd.Series(seeded[:, b, i]).value_counts().idxmax() for i in range(len(test))]
                         for b in range(len(budgets))])
    assert (frequent == chosen[0]).mean() > 0.95
    # a perfect judge: the likeliest answer is the answer
    perfect = rbu.CascadeRouter(0.0).fit(train).sweep(test, budgets).chosen
    np.testing.assert_array_equal(ExpectedCascadeRouter(0.0).fit(train).sweep(test, budgets).chosen, perfect)
    router = ExpectedCascadeRouter(0.2).fit(train)
    np.testing.assert_array_equal(router.route(test, 1e-4), chosen[0][1])


def test_a_bad_budget_names_the_settings_argument(split):
    train, test = split
    cascade = rbu.CascadeRouter(0.1).fit(train)
    with pytest.raises(rbu.RouterBenchDataError, match=r"^settings\[1\]:"):
        expected_cascade_outcomes(cascade, test, [0.1, -1.0])
    with pytest.raises(rbu.RouterBenchDataError, match=r"^settings\[0\]:"):
        expected_cascade_outcomes(cascade, test, ["cheap"])
