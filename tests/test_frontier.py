"""The non-decreasing convex hull, interpolation and the Zero router: properties and hand checks."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
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
    sim = rbu.frontier.simulate_mixture(ca, qa, cb, qb, t=[0.0, 0.25, 0.5, 1.0], random_state=3)
    np.testing.assert_allclose(sim["quality"], sim["quality_expected"], atol=4 / np.sqrt(n))
    np.testing.assert_allclose(sim["cost"], sim["cost_expected"], rtol=0.01)
    small = rbu.frontier.simulate_mixture(ca[:100], qa[:100], cb[:100], qb[:100], t=0.5, random_state=3)
    big = rbu.frontier.simulate_mixture(ca, qa, cb, qb, t=0.5, random_state=3)
    # the realised point's error shrinks with more prompts (same seed, deterministic)
    assert abs(big["quality"] - big["quality_expected"]).item() < 0.01
    assert rbu.frontier.simulate_mixture(ca[:100], qa[:100], cb[:100], qb[:100], t=0.5, random_state=3).equals(small)


def test_zero_router_on_model_points():
    points = pd.DataFrame({
        "dataset": ["d"] * 4 + ["e"] * 2,
        "model": ["cheap", "mid", "bad", "top", "x", "y"],
        "cost": [1.0, 2.0, 3.0, 4.0, 1.0, 2.0],
        "quality": [0.5, 0.8, 0.6, 0.9, 0.7, 0.6],
    })
    zero = rbu.zero_router_curve(points)
    assert zero[zero["dataset"] == "d"]["model"].tolist() == ["cheap", "mid", "top"]
    assert zero[zero["dataset"] == "e"]["model"].tolist() == ["x"]
    with pytest.raises(RouterBenchDataError, match="missing column"):
        rbu.zero_router_curve(points.drop(columns="model"))


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


# --- the hull against a plain monotone chain, on random and adversarial points ------------------------

def _turn(o, a, b):
    """The hull's orientation test: >= 0 when ``a`` lies on or below the chord from ``o`` to ``b``."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def monotone_chain(cost, quality) -> np.ndarray:
    """Reference: Andrew's monotone chain in plain Python, over the points that beat every cheaper or
    equally cheap point (the non-decreasing part). Returns the vertices as rows (cost, quality)."""
    hull: list[tuple[float, float]] = []
    best = -np.inf
    for point in sorted(zip(map(float, cost), map(float, quality)), key=lambda p: (p[0], -p[1])):
        if point[1] <= best:
            continue
        best = point[1]
        while len(hull) >= 2 and _turn(hull[-2], hull[-1], point) >= 0:
            hull.pop()
        hull.append(point)
    return np.array(hull).reshape(-1, 2)


def assert_same_hull(cost, quality):
    hull = rbu.ndch(cost, quality)
    expected = monotone_chain(cost, quality)
    np.testing.assert_array_equal(hull.cost, expected[:, 0])
    np.testing.assert_array_equal(hull.quality, expected[:, 1])
    below = np.asarray(quality) < np.interp(cost, expected[:, 0], expected[:, 1]) - 1e-12
    np.testing.assert_array_equal(hull.dominated(), below & (np.asarray(cost) >= expected[0, 0]))
    return hull


# Families that defeat pruning by passes (each pass drops only the points at the end of a run), on
# integer coordinates so that every orientation test is exact whatever the order of evaluation.
def concave_then_high(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A concave curve of n points, then one high point whose tangent touches the curve half way."""
    x = np.arange(n, dtype=float)
    y = 2 * n * x - x**2
    return np.append(x, 2 * n), np.append(y, 9 * n**2 / 4)


def low_concave_high(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The same, plus one cheap low point: the curve is cut from both ends."""
    c, q = concave_then_high(n)
    return np.append(c + 1, 0.0), np.append(q, -float(n) ** 2)


def convex_then_concave(n: int) -> tuple[np.ndarray, np.ndarray]:
    """An S-curve of two parabolas: the hull runs from the first point to a tangent on the concave half."""
    x = np.arange(2 * n, dtype=float)
    return x, np.where(x <= n, x**2, 2.0 * n**2 - (2 * n - x) ** 2)


def teeth(n: int, width: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Concave teeth of ``width`` points along a concave curve, each falling back at its end: passes
    cut every tooth from its start, one point per tooth and pass."""
    i = np.arange(n, dtype=float)
    t = i % width
    return i, 4 * (2 * n * i - i**2) + (n // width) * t * (2 * width - t)


def noisy_concave(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random costs, qualities on a concave curve plus small integer noise (many short runs)."""
    rng = np.random.default_rng(seed)
    x = rng.permutation(4 * n)[:n].astype(float)
    return x, np.floor(np.sqrt(x) * 1000) + rng.integers(0, 20, n)


FAMILIES = [concave_then_high, low_concave_high, convex_then_concave, teeth, noisy_concave]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 10, 100, 1000, 20_000])
def test_hull_matches_monotone_chain_on_adversarial_families(family, n):
    c, q = family(n)
    order = np.random.default_rng(n).permutation(c.size)  # input order must not matter
    assert_same_hull(c[order], q[order])


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("n", [1, 2, 5, 50, 2000, 50_000])
def test_hull_matches_monotone_chain_on_random_points(seed, n):
    rng = np.random.default_rng(seed)
    c, q = rng.random(n), rng.random(n)
    assert_same_hull(c, q)
    assert_same_hull(np.round(c, 2), np.round(q, 2))  # ties in cost, in quality, collinear points
    x = np.sort(c)
    assert_same_hull(x, np.sqrt(x) + rng.normal(0, 1e-3, n))  # points near a concave curve


# Exact orientation tests; a coarse grid makes collinear triples and ties common.
grid = st.one_of(st.integers(min_value=0, max_value=64).map(lambda k: k / 64),
                 st.integers(min_value=0, max_value=8).map(float))


@pytest.fixture(params=["default", "filter first", "merge at once", "merge, one probe"])
def hull_tuning(request, monkeypatch):
    """Small inputs skip the filter before the sort and rarely reach the merge of concave runs: also
    force the filter and the merge (right after the first pass), with the widest searches (64 probes a
    step) or binary ones, so that grid points with many collinear triples and ties exercise every
    branch."""
    from routerbench_utils.frontier import hull as frontier

    if request.param != "default":
        monkeypatch.setattr(frontier, "_FILTER_BEFORE_SORT_FROM", 0)
    if request.param.startswith("merge"):
        monkeypatch.setattr(frontier, "_MIN_PASS_YIELD", 1.0)
        monkeypatch.setattr(frontier, "_PROBE_BUDGET", 1 if request.param == "merge, one probe" else 1 << 20)
    return request.param


# The fixture only sets module constants, the same for every example.
fixture_ok = [HealthCheck.function_scoped_fixture]


@settings(max_examples=300, deadline=None, suppress_health_check=fixture_ok)
@given(points=st.lists(st.tuples(grid, grid), min_size=1, max_size=60))
def test_hull_matches_monotone_chain_on_grid_points(points, hull_tuning):
    c, q = np.array(points, dtype=float).T
    assert_same_hull(c, q)


@pytest.mark.parametrize("cost, quality", [
    # a bridge from (0, 0) along (2, 3), (4, 6): (2, 3) lies on the hull but is no vertex
    ([0, 1, 2, 4, 6, 10, 20], [0, 1.45, 3, 6, 8.5, 10, 11]),
    # a bridge from (1, 3) along (3, 5) to (5, 7): (3, 5) lies on the hull but is no vertex
    ([0, 1, 3, 4, 5, 7, 12, 20], [0, 3, 5, 5.9, 7, 8, 9, 9.5]),
])
def test_hull_drops_collinear_points_where_runs_meet(cost, quality, hull_tuning):
    """The reflex point (1, 1.45), resp. (4, 5.9), splits the points into two concave runs; the bridge
    between them is collinear with a point of one run, which must not become a vertex."""
    hull = assert_same_hull(np.array(cost, dtype=float), np.array(quality, dtype=float))
    assert 2.0 not in hull.cost and 3.0 not in hull.cost


@settings(max_examples=100, deadline=None, suppress_health_check=fixture_ok)
@given(points=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=300))
def test_hull_matches_monotone_chain_on_sorted_integer_curves(points, hull_tuning):
    """Points of a rising concave curve with integer jitter: long runs, many merges."""
    c, q = np.array(points, dtype=float).T
    assert_same_hull(c, np.floor(40 * np.sqrt(c)) + q % 7)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
def test_hull_work_is_near_linear_on_adversarial_families(family, monkeypatch):
    """Count the points that go through orientation tests: pruning passes alone would test about
    n^2 / 4 of them on most of these families (one point dropped per run and pass), the hull a few per
    point. A deterministic bound on the work, not a timing."""
    from routerbench_utils.frontier import hull as frontier

    tested, merged = [], []
    turn, merge = frontier._turn, frontier._merge_chains

    def counted_turn(*args):
        result = turn(*args)
        tested.append(np.size(result))
        return result

    def counted_merge(x, y, starts):
        merged.append(starts.size)
        return merge(x, y, starts)

    monkeypatch.setattr(frontier, "_turn", counted_turn)
    monkeypatch.setattr(frontier, "_merge_chains", counted_merge)
    c, q = family(20_000)
    rbu.ndch(c, q)
    assert sum(tested) < 20 * c.size
    assert merged and merged[0] >= 2  # the concave runs were merged, not pruned pass after pass


@pytest.mark.parametrize("call, message", [
    (lambda: rbu.ndch([0.1, -0.2, -1e-9], [0.5, 0.6, 0.7]),
     r"ndch: argument 'cost' has 2 negative values \(position 1: -0\.2, position 2: -1e-09\); "
     r"expected costs >= 0 in USD"),
    (lambda: rbu.ndch(-np.arange(1.0, 6.0), np.ones(5)),
     r"argument 'cost' has 5 negative values \(position 0: -1, position 1: -2, position 2: -3 and 2 more\)"),
    (lambda: rbu.aiq([0.0, -1.0], [0.5, 0.9]), r"aiq: argument 'cost' has 1 negative value \(position 1: -1\)"),
    (lambda: rbu.cost_to_reach([-1.0, 1.0], [0.5, 0.9], 0.7), r"cost_to_reach: argument 'cost' has 1 negative"),
    (lambda: rbu.metrics.cpt([-1.0, 1.0], [0.5, 0.9], (0.0, 0.4), (1.0, 0.9)), r"cpt: argument 'cost' has 1 negative"),
    (lambda: rbu.metrics.ibc_lift([-1.0], [0.5], (0.0, 0.4), (1.0, 0.9)), r"ibc_lift: argument 'cost' has 1 negative"),
    (lambda: rbu.interpolate((-0.5, 0.6), (1.0, 0.9), 0.5),
     r"interpolate: the cost pair \(a\[0\], b\[0\]\) has 1 negative value \(position 0: -0\.5\)"),
    (lambda: rbu.frontier.simulate_mixture([0.1, 0.1], [1.0, 0.0], [0.2, -0.2], [1.0, 1.0], t=0.5),
     r"router B: argument 'cost_b' has 1 negative value \(position 1: -0\.2\)"),
    (lambda: rbu.frontier.mixture_weights([0.0, -1.0], [0.5, 0.9], 0.0, 0.5), r"mixture_weights: argument 'cost'"),
    (lambda: rbu.bootstrap_aiq([[0.1, 0.1], [0.2, -0.3]], [[0.5, 0.5], [0.9, 0.9]], n_boot=2),
     r"router: the per-prompt cost matrix has 1 negative value \(position \(1, 1\): -0\.3\); expected costs >= 0"),
    (lambda: rbu.aiq([0.0, np.nan], [0.5, 0.9]), r"aiq: 1 points are NaN or infinite"),
    (lambda: rbu.aiq([0.0, 1.0], [0.5, -np.inf]), r"aiq: 1 points are NaN or infinite"),
])
def test_negative_or_non_finite_costs_are_refused(call, message):
    with pytest.raises(RouterBenchDataError, match=message):
        call()


def test_zero_and_negative_zero_costs_are_fine():
    hull = rbu.ndch([0.0, -0.0, 1.0], [0.2, 0.3, 0.4])
    assert hull.cost.tolist() == [0.0, 1.0] and hull.quality.tolist() == [0.3, 0.4]


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 9), st.integers(0, 10_000))
def test_mixture_weights_land_on_any_target_inside_the_hull(n, seed):
    """The weights are a probability vector and the mix of the points is the target itself."""
    rng = np.random.default_rng(seed)
    cost, quality = rng.uniform(0.01, 5.0, n), rng.uniform(0.0, 1.0, n)
    mix = rng.dirichlet(np.ones(n))  # a target inside the convex hull by construction
    target = (float(mix @ cost), float(mix @ quality))
    w = rbu.frontier.mixture_weights(cost, quality, *target)
    assert w.shape == (n,) and (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-9)
    assert (w @ cost, w @ quality) == pytest.approx(target, abs=1e-9)


def test_mixture_weights_refuse_a_target_outside_the_hull():
    with pytest.raises(RouterBenchDataError, match="outside the convex hull"):
        rbu.frontier.mixture_weights([1.0, 2.0, 3.0], [0.2, 0.6, 0.7], 2.0, 0.9)


def test_dominated_models_names_the_cheapest_dominating_model_and_the_frontier():
    """A worked case: B is dominated by A (dearer and worse); D is dominated by no model but lies
    below the chord from A to C, so a mix of A and C beats it; A and C are on the frontier."""
    points = pd.DataFrame({"dataset": "d", "model": list("ABCD"),
                           "cost": [1.0, 2.0, 3.0, 2.0], "quality": [0.5, 0.4, 0.9, 0.6]})
    out = rbu.frontier.dominated_models(points).set_index("model")
    assert out["dominated_by"].to_dict() == {"A": None, "B": "A", "C": None, "D": None}
    assert out["below_frontier"].to_dict() == {"A": False, "B": True, "C": False, "D": True}


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 10), st.integers(0, 10_000))
def test_dominated_models_agree_with_a_brute_force_check(n, seed):
    rng = np.random.default_rng(seed)
    cost = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n)  # ties in cost on purpose
    quality = rng.choice([0.1, 0.3, 0.5, 0.7, 0.9], n)
    points = pd.DataFrame({"dataset": "d", "model": [f"m{k}" for k in range(n)], "cost": cost,
                           "quality": quality})
    out = rbu.frontier.dominated_models(points)
    hull = rbu.ndch(cost, quality)
    for k in range(n):
        better = [j for j in range(n) if j != k and cost[j] <= cost[k] and quality[j] >= quality[k]
                  and (cost[j] < cost[k] or quality[j] > quality[k])]
        expected = min(better, key=lambda j: (cost[j], -quality[j]), default=None)
        got = out["dominated_by"].iloc[k]
        if expected is None:
            assert got is None
        else:  # the cheapest dominating model (any of equal cost and quality would do)
            j = int(got[1:])
            assert (cost[j], quality[j]) == (cost[expected], quality[expected])
        assert out["below_frontier"].iloc[k] == bool(quality[k] < hull(cost[k]) - 1e-12)


# --- The budgeted Oracle and repricing (moved from test_beyond) ---


def test_budgeted_oracle_bounds_every_single_model_and_ends_at_the_oracle(small_data):
    part = small_data[rbu.data.dataset_column(small_data) == "arc-challenge"]
    frontier = rbu.frontier.budgeted_oracle(part)
    assert np.all(np.diff(frontier["cost"]) >= -1e-15) and np.all(np.diff(frontier["quality"]) >= -1e-12)
    hull = rbu.ndch(frontier["cost"], frontier["quality"])
    for row in rbu.model_points(part).itertuples():
        if row.cost >= hull.cost[0]:
            assert float(hull(row.cost)) >= row.quality - 1e-12
    oracle_quality = rbu.score_matrix(part).max(axis=1).mean()
    assert frontier["quality"].iloc[-1] == pytest.approx(oracle_quality)

def test_budgeted_oracle_matches_per_prompt_hulls():
    """The vectorised frontier equals the greedy built from one NDCH per prompt, on ties and duplicates."""
    rng = np.random.default_rng(3)
    n, k = 60, 6
    scores = rng.choice([0.0, 0.25, 0.5, 1.0], size=(n, k))
    costs = rng.choice([0.001, 0.002, 0.004, 0.008], size=(n, k))
    frame = pd.DataFrame({"sample_id": [f"s{i}" for i in range(n)], "eval_name": "toy"})
    for j in range(k):
        frame[f"m{j}"] = scores[:, j]
        frame[f"m{j}|total_cost"] = costs[:, j]
    start_c = start_q = 0.0
    slopes, dcs, dqs = [], [], []
    for i in range(n):
        hull = rbu.ndch(costs[i], scores[i])
        start_c, start_q = start_c + hull.cost[0], start_q + hull.quality[0]
        dcs.append(np.diff(hull.cost))
        dqs.append(np.diff(hull.quality))
    dc, dq = np.concatenate(dcs), np.concatenate(dqs)
    order = np.argsort(-(dq / dc), kind="stable")
    expected_c = (start_c + np.concatenate([[0], np.cumsum(dc[order])])) / n
    expected_q = (start_q + np.concatenate([[0], np.cumsum(dq[order])])) / n
    got = rbu.frontier.budgeted_oracle(frame)
    # same frontier (the order of equal-slope upgrades may differ, the hull may not)
    grid = np.linspace(expected_c[0], expected_c[-1], 200)
    np.testing.assert_allclose(rbu.ndch(got["cost"], got["quality"])(grid), rbu.ndch(expected_c, expected_q)(grid),
                               atol=1e-12)
    assert got["quality"].iloc[-1] == pytest.approx(scores.max(axis=1).mean())

def test_reprice_scales_costs_and_common_scale_keeps_aiq(small_data):
    part = small_data[rbu.data.dataset_column(small_data) == "mmlu"]
    pts = rbu.model_points(part)
    doubled = rbu.model_points(rbu.frontier.reprice(part, {m: 2.0 for m in rbu.catalog.MODELS}))
    np.testing.assert_allclose(doubled["cost"], 2 * pts["cost"])
    assert rbu.aiq(doubled["cost"], doubled["quality"]) == pytest.approx(rbu.aiq(pts["cost"], pts["quality"]))
    dearer = rbu.model_points(rbu.frontier.reprice(part, {"zero-one-ai/Yi-34B-Chat": 20.0}))
    assert rbu.aiq(dearer["cost"], dearer["quality"]) != pytest.approx(rbu.aiq(pts["cost"], pts["quality"]))
    with pytest.raises(RouterBenchDataError, match="not in the data"):
        rbu.frontier.reprice(part, {"gpt-5": 2.0})
    with pytest.raises(RouterBenchDataError, match="positive finite values"):
        rbu.frontier.reprice(part, {"claude-v2": -1.0})


def test_model_points_of_many_models_without_a_fragmentation_warning():
    """A log of 60 models (production routers pick from dozens): one point per model, no pandas
    PerformanceWarning, and each point the model's column means."""
    import warnings

    rng = np.random.default_rng(0)
    n, m = 300, 60
    wide = pd.DataFrame({"sample_id": [f"q{i}" for i in range(n)], "eval_name": "custom"})
    scores = rng.integers(0, 2, (n, m)).astype(float)
    costs = rng.random((n, m)) / 100
    wide = pd.concat([wide, pd.DataFrame(scores, columns=[f"m{j}" for j in range(m)]),
                      pd.DataFrame(costs, columns=[f"m{j}|total_cost" for j in range(m)])], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        points = rbu.model_points(wide)
    assert len(points) == m
    np.testing.assert_allclose(points["quality"], scores.mean(axis=0))
    np.testing.assert_allclose(points["cost"], costs.mean(axis=0))
