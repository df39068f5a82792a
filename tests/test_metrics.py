"""AIQ: hand-checked values, invariances, both variants, and bootstrap intervals."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

coords = st.floats(min_value=0.01, max_value=1.0, allow_nan=False)
point_sets = st.lists(st.tuples(coords, coords), min_size=2, max_size=30)


def test_hand_checked_values():
    # vertices (1, .2), (2, .6), (4, .8): area on [1, 4] = .4 + 1.4 = 1.8, over a range of 3
    c, q = [1, 2, 4, 3], [0.2, 0.6, 0.8, 0.5]
    assert rbu.aiq(c, q) == pytest.approx(0.6)
    # the paper variant over [0, 4]: nothing is attainable below cost 1, so 1.8 / 4
    assert rbu.aiq(c, q, c_min=0, c_max=4) == pytest.approx(0.45)
    # the official variant integrates from the curve's cheapest point and divides by c_max
    assert rbu.aiq(c, q, variant="official") == pytest.approx(1.8 / 4)
    assert rbu.aiq(c, q, c_max=6, variant="official") == pytest.approx((1.8 + 2 * 0.8) / 6)
    # a single point: its quality
    assert rbu.aiq([0.5], [0.7]) == pytest.approx(0.7)


@settings(max_examples=150, deadline=None)
@given(point_sets)
def test_aiq_is_bounded_by_the_best_quality(points):
    c, q = np.array(points).T
    for variant in ("paper", "official"):
        assert rbu.aiq(c, q, variant=variant) <= q.max() + 1e-12


@settings(max_examples=150, deadline=None)
@given(point_sets, st.floats(min_value=1e-4, max_value=1e4))
def test_aiq_does_not_depend_on_the_cost_unit(points, scale):
    c, q = np.array(points).T
    for variant in ("paper", "official"):
        assert rbu.aiq(c * scale, q, variant=variant) == pytest.approx(rbu.aiq(c, q, variant=variant),
                                                                        rel=1e-9, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(point_sets, st.floats(0, 1), st.floats(0.01, 0.5))
def test_aiq_grows_when_a_point_is_added_above_the_hull(points, where, lift):
    c, q = np.array(points).T
    hull = rbu.ndch(c, q)
    x = c.min() + where * (c.max() - c.min())
    y = float(hull(x)) + lift
    before = rbu.aiq(c, q, c_min=c.min(), c_max=c.max())
    after = rbu.aiq(np.append(c, x), np.append(q, y), c_min=c.min(), c_max=c.max())
    assert after >= before - 1e-12
    if c.min() < x < c.max():
        assert after > before


def test_aiq_table_uses_one_shared_range():
    curves = {"a": ([1.0, 2.0], [0.5, 0.9]), "b": ([2.0, 4.0], [0.6, 0.7])}
    table = rbu.aiq_table(curves)
    assert table["a"] == pytest.approx(rbu.aiq([1, 2], [0.5, 0.9], c_min=1, c_max=4))
    assert table["b"] == pytest.approx((0 + 0.6 * 0 + (0.6 + 0.7) / 2 * 2) / 3)
    assert rbu.shared_range(curves) == (1.0, 4.0)


def test_bad_arguments():
    with pytest.raises(RouterBenchDataError, match="variant"):
        rbu.aiq([1], [1], variant="mine")
    with pytest.raises(RouterBenchDataError, match="c_min/c_max"):
        rbu.aiq([1, 2], [0.1, 0.2], c_min=3, c_max=1)
    with pytest.raises(RouterBenchDataError, match="at least one curve"):
        rbu.aiq_table({})


def test_bootstrap_interval_covers_and_is_seeded():
    rng = np.random.default_rng(0)
    n = 400
    quality = (rng.random((3, n)) < np.array([[0.5], [0.7], [0.8]])).astype(float)
    cost = np.array([[0.001], [0.004], [0.01]]) * rng.lognormal(0, 0.2, (3, n))
    ci = rbu.metrics.aiq_ci(cost, quality, n_boot=300, seed=5)
    assert ci["low"] < ci["aiq"] < ci["high"]
    assert ci == rbu.metrics.aiq_ci(cost, quality, n_boot=300, seed=5)
    assert 0.01 < ci["high"] - ci["low"] < 0.2
    # a router compared with itself: the paired difference is exactly zero
    same = rbu.metrics.aiq_ci(cost, quality, n_boot=100, other=(cost, quality))
    assert same == {"aiq": 0.0, "low": 0.0, "high": 0.0}
    # a clearly better router: the whole interval of the difference is above zero
    better = rbu.metrics.aiq_ci(cost, np.minimum(1.0, quality + (rng.random((3, n)) < 0.3)), n_boot=200,
                        other=(cost, quality))
    assert better["low"] > 0


def test_saving_ci_matches_by_hand_and_reports_fragility():
    # two models: a cheap one right on half the prompts, a dear one right on all; the router's one
    # point is right everywhere at a mean cost of 5.5, so it saves 10 / 5.5
    model_c, model_q = [[1.0, 1.0], [10.0, 10.0]], [[0.0, 1.0], [1.0, 1.0]]
    out = rbu.saving_ci([[1.0, 10.0]], [[1.0, 1.0]], model_c, model_q, n_boot=200, seed=1)
    assert out["saving"] == pytest.approx(10 / 5.5)
    assert out["best"] == 1 and out["best_quality"] == 1.0 and out["best_cost"] == 10.0
    assert out["low"] <= out["saving"] <= out["high"] and out["reached"] == 1.0
    # a tie at the top counts as the cheaper model: the saving is against the cheap one
    tied = rbu.saving_ci([[0.5, 0.5]], [[1.0, 1.0]], [[1.0, 1.0], [10.0, 10.0]], [[1.0, 1.0], [1.0, 1.0]],
                         n_boot=20)
    assert tied["best"] == 0 and tied["saving"] == pytest.approx(2.0)
    # a router that never reaches the best quality: NaN saving, resamples count as 0
    never = rbu.saving_ci([[1.0, 1.0]], [[0.0, 0.0]], model_c, model_q, n_boot=50)
    assert np.isnan(never["saving"]) and never["high"] == 0.0 and never["reached"] == 0.0
    # the best model changes between resamples when two models nearly tie on few prompts
    rng = np.random.default_rng(0)
    scores = (rng.random((2, 30)) < 0.6).astype(float)
    fragile = rbu.saving_ci(np.ones((1, 30)), np.ones((1, 30)), [np.full(30, 2.0), np.full(30, 20.0)],
                            scores, n_boot=300, seed=0)
    assert 0.0 < fragile["same_best"] < 1.0
    again = rbu.saving_ci(np.ones((1, 30)), np.ones((1, 30)), [np.full(30, 2.0), np.full(30, 20.0)],
                          scores, n_boot=300, seed=0)
    assert again == fragile
    with pytest.raises(RouterBenchDataError):
        rbu.saving_ci([[1.0]], [[1.0]], model_c, model_q)


def test_resample_weights_are_seeded_multinomial_resamples():
    from routerbench_utils.metrics import resample_weights

    w = resample_weights(50, 200, seed=3)
    assert w.shape == (200, 50) and np.allclose(w.sum(axis=1), 1.0)
    assert np.allclose(w * 50, np.rint(w * 50))  # counts of prompts drawn, over n
    assert np.array_equal(w, resample_weights(50, 200, seed=3))
    assert not np.array_equal(w, resample_weights(50, 200, seed=4))
