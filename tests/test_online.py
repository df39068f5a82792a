"""Online routing: the seeded stream, the LinUCB replay (against a plain re-derivation), bandit
feedback only, the budget's hard cap, the regret identities and the router interface."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.routers.online import (BudgetPacer, LinUCBRouter, replay_stream, stream_order)
from routerbench_utils.evaluation import aiq_learning_curve, regret_curves


def synthetic(n: int = 600, d: int = 6, k: int = 4, seed: int = 0):
    """A stream with a clear best model per context: prompts of two kinds, model 1 best on the
    first kind, model 2 on the second; costs per model, constant."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 2, n)
    features = np.column_stack([np.ones(n), kind, 1 - kind, rng.normal(0, 0.3, (n, d - 3))])
    p = np.full((n, k), 0.2)
    p[kind == 0, 1] = 0.9
    p[kind == 1, 2] = 0.9
    scores = (rng.random((n, k)) < p).astype(float)
    costs = np.tile(np.linspace(0.001, 0.004, k), (n, 1))
    return features, scores, costs


def reference_linucb(features, scores, costs, alpha, price, ridge, prior, batch_size, seed):
    """LinUCB written the plain way: every estimate solved from its Gram matrix, no inverse kept."""
    n, d = features.shape
    k = scores.shape[1]
    gram = np.repeat(np.eye(d)[None] * ridge, k, axis=0)
    b_q, b_c = np.zeros((k, d)), np.zeros((k, d))
    rng = np.random.default_rng(seed)
    chosen = []
    for start in range(0, n, batch_size):
        x = features[start:start + batch_size]
        theta_q = np.array([np.linalg.solve(gram[a], b_q[a]) for a in range(k)])
        theta_c = np.array([np.linalg.solve(gram[a], b_c[a]) for a in range(k)])
        width = np.array([[np.sqrt(row @ np.linalg.solve(gram[a], row)) for a in range(k)] for row in x])
        value = prior + x @ theta_q.T - price * np.maximum(x @ theta_c.T, 0) + alpha * width
        tie = value >= value.max(axis=1, keepdims=True) - 1e-12
        arms = np.argmax(np.where(tie, rng.random(value.shape), -1.0), axis=1)
        for i, a in enumerate(arms):
            gram[a] += np.outer(x[i], x[i])
            b_q[a] += (scores[start + i, a] - prior) * x[i]
            b_c[a] += costs[start + i, a] * x[i]
        chosen.extend(arms)
    return np.array(chosen)


@pytest.mark.parametrize("batch_size", [1, 7])
def test_replay_matches_a_plain_rederivation(batch_size):
    features, scores, costs = synthetic(n=150)
    result = replay_stream(features, cost=costs, quality=scores, alpha=0.5, willingness_to_pay=0.01, ridge=2.0,
                           prior_score=0.3, batch_size=batch_size, random_state=3)
    expected = reference_linucb(features, scores, costs, 0.5, 100.0, 2.0, 0.3, batch_size, 3)
    np.testing.assert_array_equal(result.chosen, expected)
    rows = np.arange(len(features))
    np.testing.assert_array_equal(result.score, scores[rows, expected])
    assert result.pulls.sum() == len(features)


def test_stream_order_is_a_seeded_permutation():
    order = stream_order(50, random_state=4)
    assert sorted(order) == list(range(50))
    np.testing.assert_array_equal(order, stream_order(pd.DataFrame({"a": range(50)}), random_state=4))
    assert not np.array_equal(order, stream_order(50, random_state=5))
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="n: expected a positive number"):
            stream_order(bad)


def test_same_seed_same_result_and_a_new_seed_differs():
    features, scores, costs = synthetic()
    pacer = lambda: BudgetPacer(0.002 * len(features), len(features)).start(costs.max(axis=0))  # noqa: E731
    one = replay_stream(features, cost=costs, quality=scores, pacer=pacer(), checkpoints=[100], random_state=1)
    two = replay_stream(features, cost=costs, quality=scores, pacer=pacer(), checkpoints=[100], random_state=1)
    np.testing.assert_array_equal(one.chosen, two.chosen)
    np.testing.assert_array_equal(one.price, two.price)
    np.testing.assert_array_equal(one.snapshots[100][0], two.snapshots[100][0])
    other = replay_stream(features, cost=costs, quality=scores, pacer=pacer(), random_state=2)
    assert not np.array_equal(one.chosen, other.chosen)  # ties are broken by the seed


def test_bandit_beats_uniform_random_on_a_clear_problem():
    features, scores, costs = synthetic(n=2000, seed=7)
    result = replay_stream(features, cost=costs, quality=scores, alpha=0.3, willingness_to_pay=np.inf, batch_size=8)
    rng = np.random.default_rng(0)
    random_arms = rng.integers(0, scores.shape[1], (50, len(scores)))
    random_quality = scores[np.arange(len(scores)), random_arms].mean(axis=1)  # 50 random policies
    assert result.score.mean() > random_quality.max() + 0.2
    # it has found the best model of each kind of prompt by the second half of the stream
    late = slice(1000, None)
    best = np.where(features[late, 1] == 1, 2, 1)  # column 1 marks the second kind
    assert (result.chosen[late] == best).mean() > 0.9


def test_learns_only_from_the_chosen_model():
    features, scores, costs = synthetic()
    bound = costs.max(axis=0)
    pacer = BudgetPacer(0.0025 * len(features), len(features)).start(bound)
    clean = replay_stream(features, cost=costs, quality=scores, pacer=pacer, checkpoints=[300])
    rows = np.arange(len(features))
    poisoned_s, poisoned_c = np.full_like(scores, np.nan), np.full_like(costs, np.nan)
    poisoned_s[rows, clean.chosen] = scores[rows, clean.chosen]
    poisoned_c[rows, clean.chosen] = costs[rows, clean.chosen]
    pacer = BudgetPacer(0.0025 * len(features), len(features)).start(bound)
    again = replay_stream(features, cost=poisoned_c, quality=poisoned_s, pacer=pacer, checkpoints=[300])
    np.testing.assert_array_equal(again.chosen, clean.chosen)
    np.testing.assert_array_equal(again.coef_quality, clean.coef_quality)
    np.testing.assert_array_equal(again.snapshots[300][1], clean.snapshots[300][1])
    assert np.isfinite(again.coef_cost).all()


@settings(max_examples=30, deadline=None)
@given(share=st.floats(0.05, 1.5), seed=st.integers(0, 10_000), exact=st.booleans(),
       rate=st.sampled_from([1e-4, 0.05, 1.0]))
def test_the_budget_is_never_exceeded(share, seed, exact, rate):
    rng = np.random.default_rng(seed)
    n, k = 300, 4
    features = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    scores = rng.random((n, k)) * np.linspace(0.2, 1.0, k)  # the dearest model is the best
    costs = rng.uniform(0.5, 1.0, (n, k)) * np.array([0.0001, 0.0005, 0.002, 0.01])
    bound = costs if exact else costs.max(axis=0)
    cheapest = (costs if exact else np.broadcast_to(bound, costs.shape)).min(axis=1).sum()
    # a budget between what the cheapest bounds need and what the dearest model would spend
    budget = cheapest + share * (costs[:, -1].sum() - cheapest)
    pacer = BudgetPacer(budget, n, learning_rate=rate).start(bound)
    result = replay_stream(features, cost=costs, quality=scores, alpha=1.0, pacer=pacer)
    assert result.cost.sum() <= budget
    assert pacer.spent_ == pytest.approx(result.cost.sum())
    assert pacer.fallbacks_ == result.fallback.sum()
    # a fallback goes to the model with the cheapest bound for that prompt
    cheap = np.argmin(np.broadcast_to(bound, costs.shape), axis=1)
    np.testing.assert_array_equal(result.chosen[result.fallback], cheap[result.fallback])


def test_a_tight_budget_falls_back_to_the_cheapest_model():
    features, scores, costs = synthetic(n=400)
    costs = costs[:, ::-1].copy()  # the models that score well are now the cheap and the dearest
    budget = costs[:, -1].sum() * 1.05  # hardly more than the cheapest model everywhere
    pacer = BudgetPacer(budget, len(costs), learning_rate=1e-4).start(costs.max(axis=0))
    result = replay_stream(features, cost=costs, quality=scores, alpha=1.0, willingness_to_pay=np.inf, pacer=pacer)
    assert result.fallback.sum() > 0 and (result.chosen[result.fallback] == 3).all()
    assert result.cost.sum() <= budget


def test_pacer_rejects_what_it_cannot_guarantee():
    bound = np.array([0.001, 0.01])
    with pytest.raises(ValueError, match="total_budget: 0.05 USD is below 0.1 USD"):
        BudgetPacer(0.05, 100).start(bound)
    for kwargs, match in [({"total_budget": -1.0, "n_prompts": 10}, "total_budget"),
                          ({"total_budget": 1.0, "n_prompts": 0}, "n_prompts"),
                          ({"total_budget": 1.0, "n_prompts": 10, "learning_rate": 0.0}, "learning_rate")]:
        with pytest.raises(ValueError, match=match):
            BudgetPacer(**kwargs).start(bound)
    with pytest.raises(ValueError, match="cost_bound: expected shape"):
        BudgetPacer(1.0, 10).start(np.ones((3, 2)))
    pacer = BudgetPacer(1.0, 10).start(bound)
    with pytest.raises(RouterBenchDataError, match="step 0 to model 0 cost 0.002.*above its bound"):
        pacer.pay(0, 0.002)


def test_replay_validates_its_input():
    features, scores, costs = synthetic(n=40)
    cases = [
        (dict(alpha=-1.0), ValueError, "alpha"),
        (dict(ridge=0.0), ValueError, "ridge"),
        (dict(prior_score=np.nan), ValueError, "prior_score"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(willingness_to_pay=0.0), ValueError, "willingness_to_pay"),
        (dict(checkpoints=[41]), ValueError, r"checkpoints: expected numbers of prompts in \[1, 40\]"),
        (dict(pacer=BudgetPacer(1.0, 39)), ValueError, "pacer: expected a pacer started"),
    ]
    for kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            replay_stream(features, cost=costs, quality=scores, **kwargs)
    with pytest.raises(ValueError, match=r"scores and costs: expected two arrays of shape \(40"):
        replay_stream(features, cost=costs, quality=scores[:-1])
    bad = features.copy()
    bad[5, 2] = np.nan
    with pytest.raises(RouterBenchDataError, match="features: 1 rows hold NaN.*row 5"):
        replay_stream(bad, cost=costs, quality=scores)
    nan_scores = np.full_like(scores, np.nan)
    with pytest.raises(RouterBenchDataError, match="model called at step 0 .* score nan"):
        replay_stream(features, cost=costs, quality=nan_scores)


def test_regret_against_the_oracle_is_never_negative_and_the_comparators_are_ordered():
    rng = np.random.default_rng(11)
    n, k = 500, 5
    scores = rng.random((n, k)).round(1)
    costs = rng.uniform(0, 1, (n, k)) * np.linspace(0.1, 1, k)
    for trial in range(20):
        chosen = rng.integers(0, k, n)
        frame = regret_curves(chosen, cost=costs, quality=scores)
        assert (frame["oracle"] >= 0).all() and (np.diff(frame["oracle"]) >= -1e-9).all()
        both = frame.dropna()
        assert (both["oracle"] >= both["zero"] - 1e-9).all()
        assert (both["zero"] >= both["best_fixed"] - 1e-9).all()
    assert frame["prompts"].iloc[-1] == n and len(frame) == 200


def test_regret_curves_by_hand():
    scores = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    costs = np.array([[1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0]])
    frame = regret_curves(np.array([1, 0, 0, 1]), checkpoints=[2, 4], cost=costs, quality=scores)
    # after 2 prompts: the router scored 0 for 4 USD; the Oracle 2; model 0 (2 USD) scored 1,
    # model 1 (6 USD) unaffordable; the Zero hull at a mean spend of 2 mixes the models half and half
    assert frame["oracle"].tolist() == [2.0, 2.0]
    assert frame["best_fixed"].tolist() == [1.0, 1.0]
    assert frame["zero"].tolist() == [1.0, 1.0]
    assert frame["spend"].tolist() == [4.0, 8.0] and frame["quality"].tolist() == [0.0, 1.0]


def test_regret_curves_validates_its_input():
    scores, costs = np.ones((3, 2)), np.ones((3, 2))
    with pytest.raises(ValueError, match="chosen: expected 3 model indices in \\[0, 2\\)"):
        regret_curves([0, 1, 2], cost=costs, quality=scores)
    with pytest.raises(ValueError, match="checkpoints"):
        regret_curves([0, 1, 1], checkpoints=[4], cost=costs, quality=scores)
    with pytest.raises(RouterBenchDataError, match="negative"):
        regret_curves([0, 1, 1], cost=-costs, quality=scores)


@pytest.fixture(scope="module")
def split():
    df = rbu.load(random_state=1, scale=0.05, verbose=False)
    train, test = rbu.official_split(df)
    return train, test


def test_router_interface_snapshots_and_budget(split):
    train, test = split
    rho = 0.3 * rbu.cost_matrix(train).mean(axis=0).max()
    router = LinUCBRouter(budget_per_prompt=rho, checkpoints=[50, 200], random_state=0).fit(train)
    assert router.pacer_.spent_ <= rho * len(train)
    curve = router.curve(test)
    assert list(curve.columns) == ["setting", "cost", "quality"] and curve["quality"].between(0, 1).all()
    again = clone(router).fit(train).curve(test)
    pd.testing.assert_frame_equal(curve, again)
    early = router.snapshot(50)
    np.testing.assert_array_equal(early.coef_quality_, router.result_.snapshots[50][0])
    assert router.snapshot(len(train)) is router
    assert not np.array_equal(early.predict_quality(test), router.predict_quality(test))
    x = np.hstack([np.ones((len(test), 1)), router.embedder_.transform(test["prompt"].tolist())])
    by_hand = np.clip(router.prior_score + x @ router.coef_quality_.T, 0, 1)
    np.testing.assert_allclose(router.predict_quality(test), by_hand)
    fast, slow = router.outcomes(test), rbu.Router.outcomes(router, test)  # by index, by name
    for a, b in zip(fast[1:], slow[1:]):
        np.testing.assert_array_equal(a, b)
    chosen = router.route(test, 1.0)
    assert set(chosen) <= set(rbu.models(test))
    lo, hi = rbu.cost_matrix(test).mean(axis=0).min(), rbu.cost_matrix(test).mean(axis=0).max()
    learning = aiq_learning_curve(router, test, lo, hi)
    assert learning["prompts"].tolist() == [50, 200, len(train)]
    assert learning["aiq"].between(0, 1).all()
    with pytest.raises(RouterBenchDataError, match="no snapshot after 60 prompts"):
        router.snapshot(60)
    with pytest.raises(ValueError, match="budget_per_prompt"):
        LinUCBRouter(budget_per_prompt=-1.0).fit(train)
    with pytest.raises(ValueError, match="cost_bound"):
        LinUCBRouter(budget_per_prompt=rho, cost_bound="guess").fit(train)
    with pytest.raises(RouterBenchDataError, match="call fit"):
        LinUCBRouter().route(test)


def test_the_pacer_takes_total_budget_and_budget_still_answers_with_a_warning():
    bound = np.array([0.001, 0.01])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = BudgetPacer(total_budget=1.0, n_prompts=10).start(bound)
    with pytest.warns(DeprecationWarning, match=r"keyword 'budget' of .*has moved to 'total_budget'"):
        old = BudgetPacer(budget=1.0, n_prompts=10).start(bound)
    assert old.total_budget == new.total_budget == 1.0 and old.rate_ == new.rate_
    with pytest.raises(TypeError, match="both"):
        BudgetPacer(budget=1.0, total_budget=1.0, n_prompts=10)


def test_the_cost_and_quality_matrices_are_refused_by_position():
    """The old order was (scores, costs): a positional call cannot warn, so it raises, saying to pass
    them by name in cost-before-quality order."""
    features, scores, costs = np.ones((4, 2)), np.ones((4, 2)), np.ones((4, 2))
    with pytest.raises(TypeError, match=r"cost=, quality= by name only \(cost before quality\)"):
        replay_stream(features, scores, costs)
    with pytest.raises(TypeError, match=r"cost=, quality= by name only \(cost before quality\)"):
        regret_curves(scores, costs, [0, 1, 1, 0])
