"""The non-decreasing convex hull, interpolation and the Zero router: properties and hand checks."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

coords = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
point_sets = st.lists(st.tuples(coords, coords), min_size=1, max_size=40)


def _hull(points):
    c, q = np.array(points, dtype=float).T
    return c, q, rbu.ndch(c, q)


@settings(max_examples=200, deadline=None)
@given(point_sets)
def test_hull_is_non_decreasing_concave_and_covers_every_point(points):
    c, q, hull = _hull(points)
    assert np.all(np.diff(hull.cost) > 0) and np.all(np.diff(hull.quality) > 0)
    x, y = hull.cost, hull.quality
    turn = (x[1:-1] - x[:-2]) * (y[2:] - y[:-2]) - (y[1:-1] - y[:-2]) * (x[2:] - x[:-2])
    assert np.all(turn < 1e-12)  # concave: every corner turns right
    assert np.all(hull(c) >= q - 1e-9)  # on or above every input point
    assert hull.max_quality == pytest.approx(q.max())
    assert hull.cost[0] == pytest.approx(c.min())


@settings(max_examples=150, deadline=None)
@given(point_sets, st.randoms(use_true_random=False))
def test_hull_ignores_order_and_dominated_points(points, rnd):
    c, q, hull = _hull(points)
    shuffled = list(points)
    rnd.shuffle(shuffled)
    _, _, again = _hull(shuffled)
    np.testing.assert_array_equal(hull.cost, again.cost)
    np.testing.assert_array_equal(hull.quality, again.quality)
    # a point under the frontier changes nothing
    x = rnd.uniform(hull.cost[0], hull.cost[-1] + 0.5)
    below = float(hull(x)) - rnd.uniform(1e-6, 0.5)
    _, _, more = _hull(points + [(x, below)])
    np.testing.assert_allclose(more.quality, hull.quality)
    np.testing.assert_allclose(more.cost, hull.cost)


def test_hull_hand_example_and_edge_cases():
    hull = rbu.ndch([1, 2, 3, 4, 3], [0.5, 0.6, 0.9, 0.8, 0.7])
    assert hull.cost.tolist() == [1.0, 3.0] and hull.quality.tolist() == [0.5, 0.9]
    assert hull.dominated().tolist() == [False, True, False, True, True]
    assert np.isnan(hull(0.5)) and hull(2.0) == pytest.approx(0.7) and hull(99.0) == 0.9
    single = rbu.ndch([0.0], [0.3])  # a single point at zero cost
    assert single.cost.tolist() == [0.0] and float(single(5.0)) == 0.3
    collinear = rbu.ndch([0, 1, 2, 3], [0, 1, 2, 3])
    assert collinear.cost.tolist() == [0.0, 3.0]  # interior collinear points are not vertices
    assert not collinear.dominated().any()  # ... but they lie on the frontier
    ties = rbu.ndch([1, 1, 1], [0.2, 0.5, 0.5])
    assert ties.cost.tolist() == [1.0] and ties.quality.tolist() == [0.5]


@pytest.mark.parametrize("cost,quality,message", [
    ([1.0, np.nan], [0.1, 0.2], "NaN or infinite"),
    ([1.0, 2.0], [0.1, np.inf], "NaN or infinite"),
    ([1.0, 2.0], [0.1], "2 values but quality has 1"),
    ([], [], "at least one"),
])
def test_hull_rejects_bad_input(cost, quality, message):
    with pytest.raises(RouterBenchDataError, match=message):
        rbu.ndch(cost, quality)


@settings(max_examples=100, deadline=None)
@given(coords, coords, coords, coords, st.lists(st.floats(0, 1), min_size=1, max_size=10))
def test_interpolation_is_linear(ca, qa, cb, qb, ts):
    c, q = rbu.interpolate((ca, qa), (cb, qb), ts)
    t = np.array(ts)
    np.testing.assert_allclose(c, ca + t * (cb - ca), atol=1e-12)
    np.testing.assert_allclose(q, qa + t * (qb - qa), atol=1e-12)


def test_interpolation_rejects_bad_probabilities():
    with pytest.raises(RouterBenchDataError, match="t: expected probabilities"):
        rbu.interpolate((0, 0), (1, 1), 1.5)


def test_simulated_mixture_converges_to_the_line():
    rng = np.random.default_rng(1)
    n = 200_000
    qa, qb = (rng.random(n) < 0.6).astype(float), (rng.random(n) < 0.9).astype(float)
    ca, cb = np.full(n, 0.001), np.full(n, 0.01)
    sim = rbu.simulate_mixture(ca, qa, cb, qb, t=[0.0, 0.25, 0.5, 1.0], seed=3)
    np.testing.assert_allclose(sim["quality"], sim["quality_expected"], atol=4 / np.sqrt(n))
    np.testing.assert_allclose(sim["cost"], sim["cost_expected"], rtol=0.01)
    small = rbu.simulate_mixture(ca[:100], qa[:100], cb[:100], qb[:100], t=0.5, seed=3)
    big = rbu.simulate_mixture(ca, qa, cb, qb, t=0.5, seed=3)
    # the realised point's error shrinks with more prompts (same seed, deterministic)
    assert abs(big["quality"] - big["quality_expected"]).item() < 0.01
    assert rbu.simulate_mixture(ca[:100], qa[:100], cb[:100], qb[:100], t=0.5, seed=3).equals(small)


def test_zero_router_on_model_points():
    points = pd.DataFrame({
        "dataset": ["d"] * 4 + ["e"] * 2,
        "model": ["cheap", "mid", "bad", "top", "x", "y"],
        "cost": [1.0, 2.0, 3.0, 4.0, 1.0, 2.0],
        "quality": [0.5, 0.8, 0.6, 0.9, 0.7, 0.6],
    })
    zero = rbu.zero_router(points)
    assert zero[zero["dataset"] == "d"]["model"].tolist() == ["cheap", "mid", "top"]
    assert zero[zero["dataset"] == "e"]["model"].tolist() == ["x"]
    with pytest.raises(RouterBenchDataError, match="missing column"):
        rbu.zero_router(points.drop(columns="model"))


def test_model_points_means_and_totals(small_data):
    pts = rbu.model_points(small_data)
    arc = small_data[small_data["eval_name"] == "arc-challenge"]
    row = pts[(pts["dataset"] == "arc-challenge") & (pts["model"] == "claude-v2")].iloc[0]
    assert row["quality"] == pytest.approx(arc["claude-v2"].mean())
    assert row["cost"] == pytest.approx(arc["claude-v2|total_cost"].mean())
    total = rbu.model_points(small_data, cost="total")
    assert total.loc[row.name, "cost"] == pytest.approx(arc["claude-v2|total_cost"].sum())
    with pytest.raises(RouterBenchDataError, match="cost"):
        rbu.model_points(small_data, cost="median")


def test_exact_fraction_check_of_the_trapezoid():
    # vertices (0, 1/2), (2, 1), flat to 4: area = 2 * 3/4 + 2 * 1 = 7/2
    hull = rbu.ndch([0, 2, 3], [0.5, 1.0, 0.7])
    assert Fraction(hull.integral(0, 4)).limit_denominator(1000) == Fraction(7, 2)
