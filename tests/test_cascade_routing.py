"""Cascade routing: its special cases (a predictive router, the perfect-judge cascade, the noisy judge),
determinism, the value of after-generation information, scikit-learn manners and argument checks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.routers.cascade_routing import (CascadeRoutingRouter, expected_gain, judge_error,
                                                       noise_for_judge_error, positive_part_mean,
                                                       reservation_value)
from routerbench_utils.evaluation import compare_on_plane
from routerbench_utils.routers import WTP_GRID, choose_by_value

GRID = [0.0, 1e-3, 0.05, 1.0, 30.0, 1e3, 1e9]


@pytest.fixture(scope="module")
def data():
    df = rbu.load(random_state=2, scale=0.1, verbose=False)
    return rbu.official_split(df)


def pick(frame, name):
    return frame[rbu.data.dataset_column(frame) == name]


@pytest.fixture(scope="module", params=["arc-challenge", "mbpp", "grade-school-math"])
def split(request, data):
    train, test = data
    return pick(train, request.param), pick(test, request.param)


def is_binary(test) -> bool:
    return bool(np.isin(rbu.score_matrix(test), [0.0, 1.0]).all())


# ------------------------------------------------------------------------------------- the maths
def test_positive_part_mean_matches_numerical_integration():
    rng = np.random.default_rng(0)
    mean, sd, k = rng.normal(0.4, 1.0, 40), rng.uniform(0.05, 1.5, 40), rng.uniform(0, 1, 40)
    grid = np.linspace(-12, 12, 40001)
    for mu, s, kk in zip(mean, sd, k):
        x = mu + s * grid
        numeric = np.trapezoid(np.maximum(x - kk, 0) * stats.norm.pdf(grid), grid)
        assert positive_part_mean(mu, s, kk) == pytest.approx(numeric, abs=1e-7)
    # far in the tail: tiny but positive, never a cancellation to zero or below
    tail = positive_part_mean(-3.0, 0.2, 0.0)
    assert 0 < tail < 1e-40
    assert positive_part_mean(0.3, 0.0, 0.1) == pytest.approx(0.2) and positive_part_mean(0.3, 0.0, 0.5) == 0


def test_expected_gain_is_the_rise_of_the_expected_maximum():
    rng = np.random.default_rng(1)
    draws = rng.standard_normal(400_000)
    for mu, s, d in [(0.6, 0.3, 0.0), (0.2, 0.5, 0.4), (1.3, 0.8, 0.9), (0.5, 0.0, 0.3), (0.5, 0.0, 0.7)]:
        q = np.clip(mu + s * draws, 0, 1)
        monte_carlo = np.maximum(d, q).mean() - d
        assert expected_gain(mu, s, d) == pytest.approx(monte_carlo, abs=3e-3)
    assert expected_gain(0.7, 0.4, 1.0) == 0.0  # nothing can beat a known 1


def test_reservation_value_breaks_even():
    rng = np.random.default_rng(2)
    mean, sd, price = rng.normal(0.5, 0.6, 5000), rng.uniform(0.001, 1.0, 5000), rng.uniform(0, 0.4, 5000)
    r = reservation_value(mean, sd, price)
    inside = (r > 0) & (r < 1)
    np.testing.assert_allclose(expected_gain(mean, sd, r)[inside], price[inside], rtol=1e-8, atol=1e-13)
    below = r <= 0  # not worth it even against nothing: E[Q] - r = price
    np.testing.assert_allclose((expected_gain(mean, sd, 0.0) - r)[below], price[below], rtol=1e-12)
    assert inside.mean() > 0.5 and below.any()
    # a dearer price lowers the value; a known value minus its price; a free look is worth the top
    assert (reservation_value(mean, sd, price + 0.01) <= r + 1e-12).all()
    assert reservation_value(0.7, 0.0, 0.1) == pytest.approx(0.6)
    assert reservation_value(0.2, 0.3, 0.0) == 1.0


def test_judge_error_and_its_inverse():
    assert judge_error(0.0) == 0.0 and judge_error(np.inf) == 0.5
    assert judge_error(0.5) == pytest.approx(stats.norm.cdf(-1.0))
    for e in [0.01, 0.05, 0.2, 0.4]:
        assert judge_error(noise_for_judge_error(e)) == pytest.approx(e)
    assert noise_for_judge_error(0.0) == 0.0 and noise_for_judge_error(0.5) == np.inf


# ------------------------------------------------------------------------------ special cases
@pytest.mark.parametrize("max_models", [1, 3, None])
def test_no_after_information_is_a_predictive_router(split, max_models):
    """noise_after = inf: choose_by_value on the before-estimates, whatever max_models."""
    train, test = split
    router = CascadeRoutingRouter(noise_before=0.7, noise_after=np.inf, max_models=max_models,
                                  random_state=3).fit(train)
    est = router.estimates(test)
    expected = np.clip(est["before_mean"], 0, 1)
    run = router.simulate(test, WTP_GRID)
    assert (run["calls"] == 1).all()  # no second call ever pays without after-information
    for k, lam in enumerate(WTP_GRID):
        chosen = choose_by_value(lam, router.models_, cost=est["predicted_cost"], quality=expected)
        assert (np.asarray(router.models_, dtype=object)[run["answer"][k]] == chosen).all()
    # and its curve is that router's curve, priced with true costs
    c, q = rbu.routers.routing_outcomes(test, choose_by_value(30.0, router.models_,
                                                                cost=est["predicted_cost"],
                                                                quality=expected))
    _, cost, quality = router.outcomes(test, settings=[30.0])
    np.testing.assert_allclose(cost[0], c)
    np.testing.assert_array_equal(quality[0], q)


@pytest.mark.parametrize("policy", ["index", "greedy"])
def test_one_call_is_a_predictive_router_on_the_expected_quality(split, policy):
    """max_models = 1: the one-step look-ahead is exact, so the pick maximises lambda E[Q] - c."""
    train, test = split
    router = CascadeRoutingRouter(noise_before=0.6, noise_after=0.3, max_models=1, policy=policy,
                                  random_state=8).fit(train)
    est = router.estimates(test)
    expected = expected_gain(est["before_mean"], est["spread"], 0.0)
    run = router.simulate(test, GRID)
    for k, lam in enumerate(GRID):
        chosen = choose_by_value(lam, router.models_, cost=est["predicted_cost"], quality=expected)
        np.testing.assert_array_equal(np.asarray(router.models_, dtype=object)[run["answer"][k]], chosen)


def test_perfect_after_information_in_cost_order_is_the_perfect_judge_cascade(split):
    """order='cost', noise_after=0, lambda=inf: the cascade's calls; its answer is the best, not the last."""
    train, test = split
    cascade = rbu.CascadeRouter(0.0).fit(train)
    _, c_cascade, q_cascade = cascade.outcomes(test, settings=[np.inf])
    for noise_before in [0.5, np.inf]:
        router = CascadeRoutingRouter(noise_before=noise_before, noise_after=0.0, order="cost",
                                      random_state=4).fit(train)
        _, c, q = router.outcomes(test, settings=[np.inf])
        np.testing.assert_allclose(c, c_cascade, rtol=1e-12)
        assert (q >= q_cascade).all()
        if is_binary(test):
            np.testing.assert_array_equal(q, q_cascade)
    if not is_binary(test):  # graded scores: the best answer beats the last one somewhere
        assert (q > q_cascade).any()


def test_index_policy_without_before_information_finds_the_cascade_order(split):
    """noise_before = inf, noise_after = 0, lambda = inf, any order allowed: every reservation value is
    1, ties go to the cheapest, so the index walks the cascade's cheapest-first order by itself."""
    train, test = split
    _, c_cascade, q_cascade = rbu.CascadeRouter(0.0).fit(train).outcomes(test, settings=[np.inf])
    router = CascadeRoutingRouter(noise_before=np.inf, noise_after=0.0, random_state=4).fit(train)
    _, c, q = router.outcomes(test, settings=[np.inf])
    np.testing.assert_allclose(c, c_cascade, rtol=1e-12)
    assert (q >= q_cascade).all()


def test_greedy_and_index_policies_differ_but_share_the_first_call_without_after_information(split):
    train, test = split
    make = lambda policy, after: CascadeRoutingRouter(noise_before=1.0, noise_after=after,  # noqa: E731
                                                      policy=policy, random_state=2).fit(train)
    assert not np.array_equal(make("index", 0.1).simulate(test, GRID)["called"],
                              make("greedy", 0.1).simulate(test, GRID)["called"])
    np.testing.assert_array_equal(make("index", np.inf).simulate(test, GRID)["answer"],
                                  make("greedy", np.inf).simulate(test, GRID)["answer"])


def test_exact_before_estimates_and_no_price_make_an_oracle(split):
    """noise_before = 0 and lambda = inf: one call, to a best-scoring model, the cheapest (predicted) of
    those tied at the top: the Oracle with predicted costs breaking its ties."""
    train, test = split
    router = CascadeRoutingRouter(noise_before=0.0, noise_after=0.0, random_state=1).fit(train)
    run = router.simulate(test, [np.inf])
    est = router.estimates(test)
    assert (run["calls"] == 1).all()
    top = est["score"].max(axis=1, keepdims=True)
    expected = np.argmin(np.where(est["score"] == top, est["predicted_cost"], np.inf), axis=1)
    np.testing.assert_array_equal(run["answer"][0], expected)


@pytest.mark.parametrize("noise_after", [0.2, 0.5, 1.0])
def test_thresholded_after_estimates_are_the_cascade_judge(data, noise_after):
    """Same seed: CascadeRouter(judge_error(noise_after)) stops at the first model, in cost order, whose
    after-estimate reaches 1/2 (on scores 0 or 1), draw for draw."""
    train, test = data
    train, test = pick(train, "winogrande"), pick(test, "winogrande")
    router = CascadeRoutingRouter(noise_before=0.5, noise_after=noise_after, order="cost",
                                  random_state=5).fit(train)
    est = router.estimates(test)
    rows = np.arange(len(test))[:, None]
    accept = (est["after"] >= 0.5)[rows, est["order"]]
    stop = np.where(accept.any(axis=1), accept.argmax(axis=1), accept.shape[1] - 1)
    cost = np.cumsum(est["cost"][rows, est["order"]], axis=1)[rows[:, 0], stop]
    quality = est["score"][rows, est["order"]][rows[:, 0], stop]
    _, c, q = rbu.CascadeRouter(judge_error(noise_after), random_state=5).fit(train).outcomes(test, settings=[np.inf])
    np.testing.assert_allclose(c[0], cost, rtol=1e-12)
    np.testing.assert_array_equal(q[0], quality)
    # and the judge errs at the stated rate (a check of the draws, 1 in 10^4 to fail by chance)
    wrong = (est["after"] >= 0.5) != (est["score"] >= 1)
    tolerance = 4 * np.sqrt(judge_error(noise_after) / wrong.size)
    assert wrong.mean() == pytest.approx(judge_error(noise_after), abs=tolerance)


def test_after_noise_is_standard_normal(data):
    train, test = data
    router = CascadeRoutingRouter(noise_before=0.3, noise_after=0.25, random_state=9).fit(train)
    est = router.estimates(test)
    eta = ((est["after"] - est["score"]) / 0.25).ravel()
    epsilon = ((est["before"] - est["score"]) / 0.3).ravel()
    for sample in (eta, epsilon):
        assert stats.kstest(sample, "norm").pvalue > 1e-4
    assert abs(np.corrcoef(eta, epsilon)[0, 1]) < 0.02  # two separate streams


# --------------------------------------------------------------- behaviour and determinism
def test_deterministic_for_a_seed_and_different_across_seeds(split):
    train, test = split
    make = lambda seed: CascadeRoutingRouter(noise_before=1.0, noise_after=0.3, max_models=3,  # noqa: E731
                                             random_state=seed).fit(train)
    first, again, other = make(7).curve(test, GRID), make(7).curve(test, GRID), make(8).curve(test, GRID)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["quality"], other["quality"])


def test_cost_counts_every_call_and_calls_respect_max_models(split):
    train, test = split
    router = CascadeRoutingRouter(noise_before=1.0, noise_after=0.3, max_models=2, random_state=1).fit(train)
    run = router.simulate(test, GRID)
    assert run["calls"].min() >= 1 and run["calls"].max() <= 2
    np.testing.assert_allclose(run["cost"], (run["called"] * rbu.cost_matrix(test, router.models_)).sum(axis=2))
    assert run["called"][np.arange(len(GRID))[:, None], np.arange(len(test)), run["answer"]].all()
    # steps number the calls 0, 1, ... in order
    np.testing.assert_array_equal(run["step"] >= 0, run["called"])
    np.testing.assert_array_equal(run["step"].max(axis=2) + 1, run["calls"])
    # lambda = 0 calls the cheapest model once; a large lambda calls more than once somewhere
    assert (run["calls"][0] == 1).all() and (run["calls"][-1] == 2).any()
    est = router.estimates(test)
    cheapest = np.argmin(est["predicted_cost"], axis=1)
    np.testing.assert_array_equal(run["answer"][0], cheapest)


def test_fixed_order_follows_the_order(split):
    train, test = split
    names = rbu.models(train)
    order = [names[3], names[0], names[5]]
    router = CascadeRoutingRouter(noise_before=1.0, noise_after=0.1, order=order, random_state=2).fit(train)
    run = router.simulate(test, [1e9])
    called = run["called"][0]
    index = [names.index(m) for m in order]
    assert called[:, index[0]].all()
    assert not called[:, [k for k in range(len(names)) if k not in index]].any()
    assert (called[:, index[2]] <= called[:, index[1]]).all()  # the third only after the second


def test_route_names_the_answer_and_curve_has_one_point_per_value(split):
    train, test = split
    router = CascadeRoutingRouter(willingness_to_pay=30.0, random_state=0).fit(train)
    chosen = router.route(test)
    assert chosen.shape == (len(test),) and set(chosen) <= set(router.models_)
    np.testing.assert_array_equal(chosen, router.route(test, 30.0))
    curve = router.curve(test)
    assert len(curve) == len(WTP_GRID) and list(curve.columns) == ["setting", "cost", "quality"]


def two_model_frame(n: int, seed: int) -> pd.DataFrame:
    """A cheap model right on 60% of prompts and a dear one always right."""
    rng = np.random.default_rng(seed)
    ids = [f"arc-challenge.test.{i}" for i in range(n)]
    cheap = (rng.random(n) < 0.6).astype(float)
    log = pd.DataFrame({
        "sample_id": np.repeat(ids, 2), "eval_name": "arc-challenge",
        "model": np.tile(["cheap-model", "dear-model"], n),
        "quality": np.column_stack([cheap, np.ones(n)]).ravel(),
        "cost": np.tile([1e-4, 1e-2], n)})
    return rbu.long_to_wide(log)


def test_more_after_noise_never_helps_in_expectation():
    """Call the cheap model, then the dear one if it pays (lambda = 0.05 USD per unit of quality). With a
    perfect after-estimate the dear model is called exactly when the cheap one is wrong; the noisier the
    after-estimate, the more it is called in vain or skipped wrongly: the mean utility
    lambda * quality - cost falls as noise_after grows, to the blind 'always call both' at inf."""
    frame = two_model_frame(12_000, seed=0)
    train, test = frame.iloc[:2000], frame.iloc[2000:]
    lam = 0.05
    utility = []
    for noise in [0.0, 0.3, 0.6, 1.2, np.inf]:
        values = []
        for seed in range(2):
            router = CascadeRoutingRouter(noise_before=np.inf, noise_after=noise, order=["cheap-model", "dear-model"],
                                          random_state=seed).fit(train)
            _, c, q = router.outcomes(test, settings=[lam])
            values.append(lam * q.mean() - c.mean())
        utility.append(np.mean(values))
    assert all(np.diff(utility) < 0), utility
    assert utility[-1] == pytest.approx(lam - (1e-4 + 1e-2))  # no after-information: always both


# --------------------------------------------------------------------- scikit-learn manners
def test_clone_and_params():
    router = CascadeRoutingRouter(willingness_to_pay=5.0, noise_before=0.4, noise_after=0.1, max_models=2,
                                  order="cost", random_state=11)
    copy = clone(router)
    assert copy.get_params() == router.get_params() and copy is not router
    assert not hasattr(copy, "models_")
    order = ["a", "b"]
    assert clone(CascadeRoutingRouter(order=order)).get_params()["order"] == order


def test_clone_of_a_fitted_router_routes_the_same(split):
    train, test = split
    router = CascadeRoutingRouter(noise_before=0.8, noise_after=0.2, max_models=3, random_state=6).fit(train)
    np.testing.assert_array_equal(router.route(test, 30.0), clone(router).fit(train).route(test, 30.0))


@pytest.mark.parametrize("params, argument", [
    ({"noise_before": -0.1}, "noise_before"),
    ({"noise_before": float("nan")}, "noise_before"),
    ({"noise_after": -1}, "noise_after"),
    ({"noise_after": "high"}, "noise_after"),
    ({"max_models": 0}, "max_models"),
    ({"max_models": 2.5}, "max_models"),
    ({"order": "random"}, "order"),
    ({"order": ["gpt-5"]}, "order"),
    ({"order": ["claude-v2", "claude-v2"]}, "order"),
    ({"order": []}, "order"),
    ({"random_state": -1}, "random_state"),
    ({"policy": "best"}, "policy"),
    ({"willingness_to_pay": -2.0}, "willingness_to_pay"),
])
def test_bad_parameters_raise_in_fit_naming_the_argument(split, params, argument):
    train, _ = split
    router = CascadeRoutingRouter(**params)  # stored unchanged, as in scikit-learn
    with pytest.raises(RouterBenchDataError, match=argument):
        router.fit(train)


def test_bad_calls_raise(split):
    train, test = split
    with pytest.raises(RouterBenchDataError, match="call fit"):
        CascadeRoutingRouter().route(test)
    router = CascadeRoutingRouter().fit(train)
    with pytest.raises(RouterBenchDataError, match="willingness_to_pay"):
        router.curve(test, settings=[1.0, -1.0])
    with pytest.raises(RouterBenchDataError, match="error_rate"):
        noise_for_judge_error(0.7)
    with pytest.raises(RouterBenchDataError, match="noise_after"):
        judge_error(-0.5)


# ------------------------------------------------------------------------ the plane comparison
def test_compare_on_plane_pairs_the_resamples(split):
    train, test = split
    routing = CascadeRoutingRouter(noise_before=1.0, noise_after=np.inf, max_models=1).fit(train)
    unified = CascadeRoutingRouter(noise_before=1.0, noise_after=0.2, max_models=3).fit(train)
    cascade = rbu.CascadeRouter(judge_error(0.2)).fit(train)
    curves = {name: r.outcomes(test)[1:] for name, r in
              [("routing", routing), ("cascade", cascade), ("cascade routing", unified)]}
    mc, mq = rbu.cost_matrix(test).T, rbu.score_matrix(test).T
    table = compare_on_plane(curves, mc, mq, candidate="cascade routing", n_boot=60, random_state=3)
    assert list(table.index) == ["routing", "cascade", "cascade routing"]
    lo, hi = mc.mean(axis=1).min(), mc.mean(axis=1).max()
    for name, (c, q) in curves.items():
        assert table.loc[name, "aiq"] == pytest.approx(rbu.aiq(c.mean(1), q.mean(1), c_min=lo, c_max=hi))
        samples = rbu.bootstrap_aiq(c, q, n_boot=60, random_state=3, c_min=lo, c_max=hi)
        assert table.loc[name, "aiq_low"] == pytest.approx(np.quantile(samples, 0.025))
    edges = table["edge"]
    assert edges["routing"] == pytest.approx(table.loc["cascade routing", "aiq"] - table.loc["routing", "aiq"])
    assert edges["cascade routing"] == pytest.approx(min(edges["routing"], edges["cascade"]))
    # the edge over the best other is paired per resample: its interval lies within both pairwise ones'
    assert table.loc["cascade routing", "edge_low"] <= min(table["edge_low"].drop("cascade routing")) + 1e-12
    saved = rbu.saving_ci(*curves["cascade"], mc, mq, n_boot=60, random_state=3)
    assert table.loc["cascade", "saving_high"] == pytest.approx(saved["high"])
    with pytest.raises(RouterBenchDataError, match="candidate"):
        compare_on_plane(curves, mc, mq, candidate="knn")
