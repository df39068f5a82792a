"""AIQ: hand-checked values, invariances, both variants, and bootstrap intervals."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
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
    ci = rbu.metrics.aiq_ci(cost, quality, n_boot=300, random_state=5)
    assert ci["low"] < ci["aiq"] < ci["high"]
    assert ci == rbu.metrics.aiq_ci(cost, quality, n_boot=300, random_state=5)
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
    out = rbu.saving_ci([[1.0, 10.0]], [[1.0, 1.0]], model_c, model_q, n_boot=200, random_state=1)
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
                            scores, n_boot=300, random_state=0)
    assert 0.0 < fragile["same_best"] < 1.0
    again = rbu.saving_ci(np.ones((1, 30)), np.ones((1, 30)), [np.full(30, 2.0), np.full(30, 20.0)],
                          scores, n_boot=300, random_state=0)
    assert again == fragile
    with pytest.raises(RouterBenchDataError):
        rbu.saving_ci([[1.0]], [[1.0]], model_c, model_q)


def test_resample_weights_are_seeded_multinomial_resamples():
    from routerbench_utils.metrics import resample_weights

    w = resample_weights(50, 200, random_state=3)
    assert w.shape == (200, 50) and np.allclose(w.sum(axis=1), 1.0)
    assert np.allclose(w * 50, np.rint(w * 50))  # counts of prompts drawn, over n
    assert np.array_equal(w, resample_weights(50, 200, random_state=3))
    assert not np.array_equal(w, resample_weights(50, 200, random_state=4))


# --- APGR on the hull and on the raw curve (RouteLLM's evaluation) ---------------------------------

def _routellm_apgr(strong_percentage, accuracy, weak_accuracy, strong_accuracy):
    """RouteLLM's evaluation (routellm/evals/evaluate.py, generate_results), transcribed: a frame of
    router points in percent, sorted by the share of strong calls, trapezoids over share / 100."""
    import pandas as pd

    df_per_method = pd.DataFrame({"strong_percentage": strong_percentage, "accuracy": accuracy}
                                 ).sort_values(by=["strong_percentage"])
    auc = np.trapezoid(df_per_method["accuracy"], df_per_method["strong_percentage"] / 100)
    weak_auc = np.zeros([len(df_per_method)], dtype=float)
    weak_auc.fill(weak_accuracy)
    weak_auc = np.trapezoid(weak_auc, df_per_method["strong_percentage"] / 100)
    strong_auc = np.zeros([len(df_per_method)], dtype=float)
    strong_auc.fill(strong_accuracy)
    strong_auc = np.trapezoid(strong_auc, df_per_method["strong_percentage"] / 100)
    return (auc - weak_auc) / (strong_auc - weak_auc)


def _loop_apgr(x, q, qw, qs):
    """An independent re-derivation in plain Python: sort the points by share (ties in input order),
    add up trapezoids, divide by the width to get the mean quality, rescale to the gap."""
    points = sorted(zip(map(float, x), map(float, q)), key=lambda p: p[0])
    area = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        area += (x1 - x0) * (y0 + y1) / 2
    width = points[-1][0] - points[0][0]
    return (area / width - qw) / (qs - qw)


def _non_concave_curve(rng, n):
    """Random router points over the shares 0..1 whose raw curve dips (not concave, not monotone)."""
    share = np.sort(np.concatenate([[0.0, 1.0], rng.uniform(0, 1, n - 2)]))
    quality = rng.uniform(0.3, 0.9, n)
    quality[n // 2] = 0.1  # a deep dip in the middle: below the chord of its neighbours
    return share, quality


def test_raw_apgr_reproduces_routellm_to_the_last_digit():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(3, 30))
        share, quality = _non_concave_curve(rng, n)
        order = rng.permutation(n)  # RouteLLM's points arrive in threshold order, not share order
        pct, acc = 100 * share[order], 100 * quality[order]
        weak, strong = (0.0, float(rng.uniform(20, 50))), (1.0, float(rng.uniform(60, 95)))
        expected = _routellm_apgr(pct, acc, weak[1], strong[1])
        got = rbu.metrics.apgr(np.zeros(n), acc, weak, strong, curve="raw", share=pct / 100)
        assert got == expected  # the same arithmetic: equal to the last digit


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.5, 1.5), st.floats(0.0, 1.0)), min_size=2, max_size=40),
       st.floats(0.0, 0.45), st.floats(0.55, 1.0), st.floats(1e-4, 1e-2), st.floats(1.5, 50))
def test_raw_apgr_matches_a_plain_loop_on_random_curves(points, qw, qs, cw, ratio):
    x, q = np.array(points).T
    cs = cw * ratio
    cost = np.maximum(cw + x * (cs - cw), 0.0)  # shares below 0 mean costs below the weak model's
    x = (cost - cw) / (cs - cw)
    assume(np.ptp(x) > 1e-3)  # a range of shares to average over (none raises, tested below)
    got = rbu.metrics.apgr(cost, q, (cw, qw), (cs, qs), curve="raw")
    assert got == pytest.approx(_loop_apgr(x, q, qw, qs), rel=1e-9, abs=1e-9)


def test_raw_apgr_ties_keep_the_input_order():
    # two points at share 0.2 with different qualities: the curve goes 0 -> first -> second -> 1
    x, q = [0.0, 0.2, 0.2, 1.0], [0.2, 0.9, 0.3, 0.6]
    got = rbu.metrics.apgr(np.zeros(4), q, (0.0, 0.2), (1.0, 0.6), curve="raw", share=x)
    assert got == pytest.approx(_loop_apgr(x, q, 0.2, 0.6), rel=1e-12)
    swapped = rbu.metrics.apgr(np.zeros(4), [0.2, 0.3, 0.9, 0.6], (0.0, 0.2), (1.0, 0.6), curve="raw",
                               share=x)
    assert swapped != pytest.approx(got)  # the order of ties matters, so it is fixed


def test_raw_apgr_is_below_the_hull_on_a_dipping_curve_over_the_whole_range():
    rng = np.random.default_rng(3)
    for _ in range(100):
        share, quality = _non_concave_curve(rng, int(rng.integers(3, 20)))
        cost = 0.001 + share * 0.009
        weak, strong = (0.001, 0.2), (0.01, 0.95)
        raw = rbu.metrics.apgr(cost, quality, weak, strong, curve="raw")
        hull = rbu.metrics.apgr(cost, quality, weak, strong, curve="hull")
        assert raw < hull - 1e-12  # the hull bridges the dip; the raw curve falls into it
    # on a concave, rising curve from the weak to the strong model the two agree
    cost, quality = [0.001, 0.004, 0.01], [0.2, 0.8, 0.95]
    assert rbu.metrics.apgr(cost, quality, weak, strong, curve="raw") == pytest.approx(
        rbu.metrics.apgr(cost, quality, weak, strong))


@settings(max_examples=150, deadline=None)
@given(point_sets)
def test_hull_apgr_is_unchanged(points):
    c, q = np.array(points).T
    weak, strong = (0.01, 0.2), (1.0, 0.95)
    expected = (rbu.aiq(c, q, c_min=0.01, c_max=1.0) - 0.2) / (0.95 - 0.2)  # the formula before curve=
    assert rbu.metrics.apgr(c, q, weak, strong) == expected
    assert rbu.metrics.apgr(c, q, weak, strong, curve="hull") == expected
    # the same hull read on the share axis
    share = np.clip((c - 0.01) / 0.99, 0, 1)
    inside = (c >= 0.01) & (c <= 1.0)
    if inside.sum() == len(c):
        assert rbu.metrics.apgr(c, q, weak, strong, share=share) == pytest.approx(expected, abs=1e-9)


def test_apgr_hand_checked_values_and_the_random_router():
    weak, strong = (0.0, 0.5), (2.0, 0.9)
    # hull: the chord from (0, .5) to (2, .9) bridges the dip: AIQ .7, APGR .5
    assert rbu.metrics.apgr([0, 1, 2], [0.5, 0.4, 0.9], weak, strong) == pytest.approx(0.5)
    # raw: trapezoids .45 + .65 over a width of 2: mean .55, APGR (.55 - .5) / .4
    assert rbu.metrics.apgr([0, 1, 2], [0.5, 0.4, 0.9], weak, strong, curve="raw") == pytest.approx(0.125)
    # the random router, a straight line from the weak to the strong model, has APGR 0.5 on both curves
    for curve in ("hull", "raw"):
        assert rbu.metrics.apgr([0, 2], [0.5, 0.9], weak, strong, curve=curve) == pytest.approx(0.5)
    # raw averages over the points' own range: a router that never goes past half-way
    assert rbu.metrics.apgr([0, 1], [0.5, 0.9], weak, strong, curve="raw") == pytest.approx(0.5)


def test_apgr_rejects_bad_arguments():
    weak, strong = (0.0, 0.5), (2.0, 0.9)
    with pytest.raises(RouterBenchDataError, match="curve"):
        rbu.metrics.apgr([0, 2], [0.5, 0.9], weak, strong, curve="trapezoid")
    with pytest.raises(RouterBenchDataError, match="spans no range"):
        rbu.metrics.apgr([1.0], [0.7], weak, strong, curve="raw")
    with pytest.raises(RouterBenchDataError, match="spans no range"):
        rbu.metrics.apgr([1.0, 1.0], [0.7, 0.8], weak, strong, curve="raw")
    with pytest.raises(RouterBenchDataError, match="share"):
        rbu.metrics.apgr([0, 2], [0.5, 0.9], weak, strong, share=[0.0])
    with pytest.raises(RouterBenchDataError, match="outside"):
        rbu.metrics.apgr([0, 2], [0.5, 0.9], weak, strong, curve="raw", share=[0, 100])
    with pytest.raises(RouterBenchDataError, match="quality"):
        rbu.metrics.apgr([0, 2], [0.5, 0.9], (0.0, 0.9), (2.0, 0.5))
    with pytest.raises(RouterBenchDataError, match="cost"):
        rbu.metrics.apgr([0, 2], [0.5, 0.9], (2.0, 0.5), (0.0, 0.9), curve="raw")


# --- The bootstrap walks every resample's hull at once ---------------------------------------------

small_costs = st.sampled_from([0.0, 0.001, 0.002, 0.004, 0.01, 0.03])
small_scores = st.sampled_from([0.0, 0.25, 0.5, 1.0])


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 8), st.integers(1, 25), st.integers(0, 2**16), st.data())
def test_bootstrap_aiq_equals_one_aiq_per_resample(k, n, seed, data):
    """Ties, duplicate costs, zero costs and flat curves included: every resample's AIQ is what aiq()
    gives for that resample's mean points, in both variants and over a wider range."""
    cost = np.array(data.draw(st.lists(small_costs, min_size=k * n, max_size=k * n))).reshape(k, n)
    quality = np.array(data.draw(st.lists(small_scores, min_size=k * n, max_size=k * n))).reshape(k, n)
    weights = rbu.metrics.resample_weights(n, 15, seed)
    mc, mq = weights @ cost.T, weights @ quality.T
    lo, hi = float(cost.mean(axis=1).min()), float(cost.mean(axis=1).max())
    cases = [("paper", lo, hi), ("paper", 0.0, 0.05)]
    if hi > 0:
        cases.append(("official", lo, max(hi, float(mc.min(axis=1).max()))))
    for variant, c_min, c_max in cases:
        got = rbu.bootstrap_aiq(cost, quality, n_boot=15, random_state=seed, c_min=c_min, c_max=c_max,
                                variant=variant)
        expected = [rbu.aiq(mc[b], mq[b], c_min=c_min, c_max=c_max, variant=variant) for b in range(15)]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 8), st.integers(1, 25), st.integers(0, 2**16), st.data())
def test_saving_ci_equals_one_cost_to_reach_per_resample(k, n, seed, data):
    """The saving's samples are, per resample, the best model's cost over the router's cost_to_reach
    of that model's quality (the cheapest model among those tied at the top)."""
    def draw(values, rows):
        return np.array(data.draw(st.lists(values, min_size=rows * n, max_size=rows * n))).reshape(rows, n)

    cost, quality = draw(small_costs, k) + 0.0005, draw(small_scores, k)
    model_cost, model_quality = draw(small_costs, 3) + 0.0005, draw(small_scores, 3)
    weights = rbu.metrics.resample_weights(n, 25, seed)
    rc, rq, bc, bq = (weights @ m.T for m in (cost, quality, model_cost, model_quality))
    samples, same = [], []
    full_top = model_quality.mean(axis=1).max()
    full_best = int(np.argmin(np.where(model_quality.mean(axis=1) >= full_top - 1e-12,
                                       model_cost.mean(axis=1), np.inf)))
    for b in range(25):
        tied = np.flatnonzero(bq[b] >= bq[b].max() - 1e-12)
        best = int(tied[np.argmin(bc[b][tied])])
        reach = rbu.cost_to_reach(rc[b], rq[b], bq[b].max())
        samples.append(0.0 if np.isnan(reach) else bc[b][best] / reach)
        same.append(best == full_best)
    out = rbu.saving_ci(cost, quality, model_cost, model_quality, n_boot=25, random_state=seed)
    low, high = np.quantile(samples, [0.025, 0.975])
    assert out["low"] == pytest.approx(low, abs=1e-12) and out["high"] == pytest.approx(high, abs=1e-12)
    assert out["same_best"] == pytest.approx(np.mean(same))


def test_resample_weights_are_drawn_once_and_handed_out_as_copies():
    from routerbench_utils.metrics import resample_weights

    first = resample_weights(40, 30, random_state=9)
    first[:] = 0.0  # a caller's edits must not reach the next caller
    assert np.allclose(resample_weights(40, 30, random_state=9).sum(axis=1), 1.0)


# --- Other papers' metrics: RouteLLM's APGR and CPT, AutoMix's IBC lift (moved from test_beyond) ---

WEAK, STRONG = (1.0, 0.5), (3.0, 0.9)


def test_random_router_has_apgr_one_half_and_cpt_equal_to_pgr():
    c, q = [WEAK[0], STRONG[0]], [WEAK[1], STRONG[1]]
    assert rbu.metrics.apgr(c, q, WEAK, STRONG) == pytest.approx(0.5)
    for pgr in (0.2, 0.5, 0.8):
        assert rbu.metrics.cpt(c, q, WEAK, STRONG, pgr=pgr) == pytest.approx(pgr)
    np.testing.assert_allclose(rbu.metrics.ibc_lift([2.0, 3.0], [0.7, 0.9], WEAK, STRONG), [0.0, 0.0], atol=1e-12)

@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(1.0, 3.0), st.floats(0.5, 1.0)), min_size=1, max_size=12))
def test_apgr_is_an_affine_map_of_aiq_on_the_same_curve(points):
    c, q = np.array(points + [WEAK, STRONG]).T
    expected = (rbu.aiq(c, q, c_min=WEAK[0], c_max=STRONG[0]) - WEAK[1]) / (STRONG[1] - WEAK[1])
    assert rbu.metrics.apgr(c, q, WEAK, STRONG) == pytest.approx(expected)

def test_cpt_refuses_non_monotone_curves_unless_asked_for_the_hull():
    c, q = [1.0, 1.5, 2.0, 3.0], [0.5, 0.8, 0.6, 0.9]
    with pytest.raises(RouterBenchDataError, match="falls from quality 0.8000.*monotone='hull'"):
        rbu.metrics.cpt(c, q, WEAK, STRONG, pgr=0.5)
    # on the hull, 0.7 is reached between (1, .5) and (1.5, .8): at cost 1 + 0.5 * 2/3
    assert rbu.metrics.cpt(c, q, WEAK, STRONG, pgr=0.5, monotone="hull") == pytest.approx((1 / 3) / 2)
    assert np.isnan(rbu.metrics.cpt([1.0, 3.0], [0.5, 0.6], WEAK, STRONG, pgr=0.9))
    assert rbu.metrics.ibc_lift([1.5], [0.8], WEAK, STRONG)[0] > 0
