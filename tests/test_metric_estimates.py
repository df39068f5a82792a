"""The collapse chapter's metric table through the one evaluation engine: ``metric_estimates`` gives the
tidy table of the engine (one row per router and metric, bootstrap intervals from the engine's
resamples), and ``metric_table`` is its wide form, checked against values worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.evaluation import COLUMNS, metric_estimates, metric_pivot, metric_table

WEAK, STRONG = (0.0, 0.5), (2.0, 0.9)
C_MIN, C_MAX, ORACLE = 0.25, 2.0, 0.95
CURVES = {
    "random": ([0.0, 2.0], [0.5, 0.9]),
    "dip": ([0.0, 1.0, 2.0], [0.5, 0.4, 0.9]),
    "early": pd.DataFrame({"cost": [0.5, 1.0, 2.0], "quality": [0.6, 0.8, 0.9]}),
    "never": ([0.0, 2.0], [0.5, 0.6]),
}
# Worked out by hand (the frontier is 0 left of a curve's cheapest point):
# - random and dip share the hull q = 0.5 + 0.2 c: AIQ over [0.25, 2] is (1.4 - 0.13125) / 1.75 = 0.725;
#   the official variant integrates from the curve's cheapest point (0) and divides by c_max: 1.4 / 2;
#   APGR on the hull 0.5; dip's raw curve x = (0, 0.5, 1): AUC 0.55, (0.55 - 0.5) / 0.4 = 0.125;
#   CPT(50%): the target 0.7 is reached at cost 1, a share of 0.5.
# - early: area 0.5 * 0.7 + 1 * 0.85 = 1.2 from its cheapest point, so AIQ 1.2 / 1.75 and 1.2 / 2;
#   APGR on the hull (0.6 - 0.5) / 0.4; raw x = (0.25, 0.5, 1): AUC 0.6 over a width 0.75,
#   (0.6 - 0.375) / 0.3 = 0.75; CPT: 0.6 + 0.4 (c - 0.5) = 0.7 at c = 0.75, a share of 0.375.
# - never: q = 0.5 + 0.05 c, AIQ (1.1 - 0.1265625) / 1.75 and 1.1 / 2, APGR 0.125 on both curves,
#   CPT never (NaN), regret 0.95 - 0.6.
EXPECTED = pd.DataFrame(
    {"AIQ (paper)": [0.725, 0.725, 1.2 / 1.75, 0.9734375 / 1.75],
     "AIQ (official)": [0.7, 0.7, 0.6, 0.55],
     "APGR (hull)": [0.5, 0.5, 0.25, 0.125],
     "APGR (raw)": [0.5, 0.125, 0.75, 0.125],
     "CPT(50%)": [0.5, 0.5, 0.375, np.nan],
     "regret": [0.05, 0.05, 0.05, 0.35]},
    index=["random", "dip", "early", "never"])


def test_tidy_table_has_the_engine_columns_and_one_row_per_router_and_metric():
    table = metric_estimates(CURVES, WEAK, STRONG, C_MIN, C_MAX, ORACLE, dataset="toy")
    assert list(table.columns) == COLUMNS == rbu.evaluation.engine.COLUMNS
    assert len(table) == len(CURVES) * 6
    assert table["metric"].tolist()[:6] == ["aiq", "aiq_official", "apgr_hull", "apgr_raw", "cpt_50", "regret"]
    assert table["router"].tolist() == [name for name in CURVES for _ in range(6)]
    assert (table["dataset"] == "toy").all() and table["baseline"].isna().all()
    # mean points only: nothing to resample
    assert (table["resampling"] == "none").all() and table[["low", "high"]].isna().all().all()


def test_wide_table_is_the_pivot_and_matches_hand_worked_values():
    wide = metric_table(CURVES, WEAK, STRONG, C_MIN, C_MAX, ORACLE)
    pd.testing.assert_frame_equal(wide, EXPECTED, check_exact=False, atol=1e-12)
    tidy = metric_estimates(CURVES, WEAK, STRONG, C_MIN, C_MAX, ORACLE, n_boot=0)
    pd.testing.assert_frame_equal(metric_pivot(tidy), wide)
    other = metric_table(CURVES, WEAK, STRONG, C_MIN, C_MAX, ORACLE, pgr=0.25)
    assert "CPT(25%)" in other.columns and other.loc["early", "CPT(25%)"] == pytest.approx(0.25)


def per_prompt(n=240, seed=0):
    """Three models on n prompts and two routers as (settings, prompts) matrices."""
    rng = np.random.default_rng(seed)
    cost = np.array([0.1, 0.4, 1.0])[:, None] * rng.uniform(0.5, 1.5, (3, n))
    quality = (rng.random((3, n)) < np.array([0.5, 0.65, 0.8])[:, None]).astype(float)
    cheapest_right = np.where(quality.any(axis=0), quality.argmax(axis=0), 0)

    def take(rows):  # rows: (settings, prompts) model indices
        return cost[rows, np.arange(n)], quality[rows, np.arange(n)]

    mixes = np.vstack([np.where(rng.random(n) < p, 2, 0) for p in (0.0, 0.3, 0.6, 1.0)])
    curves = {"models": (cost, quality), "mix": take(mixes),
              "oracle": take(np.vstack([np.zeros(n, int), cheapest_right]))}
    return curves, (cost[0], quality[0]), (cost[2], quality[2]), quality.max(axis=0)


def test_per_prompt_curves_give_intervals_that_contain_the_estimate():
    curves, weak, strong, oracle = per_prompt()
    c_min, c_max = float(curves["models"][0].mean(axis=1).min()), float(curves["models"][0].mean(axis=1).max())
    table = metric_estimates(curves, weak, strong, c_min, c_max, oracle, n_boot=200, random_state=3)
    assert (table["resampling"] == "paired bootstrap: 200 resamples of 240 prompts, random_state=3").all()
    finite = table.dropna(subset=["estimate"])
    assert finite[["low", "high"]].notna().all().all()
    assert ((finite["low"] <= finite["estimate"] + 1e-12) & (finite["estimate"] <= finite["high"] + 1e-12)).all()
    assert (finite["high"] > finite["low"]).any()  # the intervals are not all points
    # the estimates are the mean curves' metrics, the same as without resampling
    means = {k: (c.mean(axis=1), q.mean(axis=1)) for k, (c, q) in curves.items()}
    wide = metric_table(means, (weak[0].mean(), weak[1].mean()), (strong[0].mean(), strong[1].mean()),
                        c_min, c_max, float(oracle.mean()))
    pd.testing.assert_frame_equal(metric_pivot(table), wide)
    # AIQ's interval is aiq_ci's on the same resamples: one bootstrap path
    c, q = curves["mix"]
    ci = rbu.metrics.aiq_ci(c, q, n_boot=200, random_state=3, c_min=c_min, c_max=c_max)
    row = table[(table["router"] == "mix") & (table["metric"] == "aiq")].iloc[0]
    assert (row["estimate"], row["low"], row["high"]) == pytest.approx((ci["aiq"], ci["low"], ci["high"]))
    # regret's interval: the Oracle's resampled quality minus the router's best resampled point
    weights = rbu.metrics.resample_weights(c.shape[1], 200, random_state=3)
    samples = weights @ oracle - (weights @ q.T).max(axis=1)
    row = table[(table["router"] == "mix") & (table["metric"] == "regret")].iloc[0]
    assert (row["low"], row["high"]) == pytest.approx(tuple(np.quantile(samples, [0.025, 0.975])))


def test_resampling_is_seeded_and_the_text_pivot_prints_intervals():
    curves, weak, strong, oracle = per_prompt(n=60, seed=1)
    args = (curves, weak, strong, 0.1, 1.0, oracle)
    one, again = metric_estimates(*args, n_boot=30), metric_estimates(*args, n_boot=30)
    pd.testing.assert_frame_equal(one, again)
    other = metric_estimates(*args, n_boot=30, random_state=1)
    assert not np.allclose(one["low"].fillna(0), other["low"].fillna(0))
    text = metric_pivot(one, intervals=True)
    cell = text.loc["mix", "AIQ (paper)"]
    row = one[(one["router"] == "mix") & (one["metric"] == "aiq")].iloc[0]
    assert cell == f"{row['estimate']:.3f} [{row['low']:.3f}, {row['high']:.3f}]"


def test_cpt_never_reached_on_a_resample_counts_as_infinite():
    # one prompt in four lifts the router to the target: on some resamples it falls short
    n = 40
    cost = np.vstack([np.full(n, 1.0), np.full(n, 2.0)])
    quality = np.vstack([np.zeros(n), (np.arange(n) % 4 == 0).astype(float)])
    weak, strong = (1.0, 0.0), (2.0, 0.5)  # target 0.25, exactly the router's top quality
    table = metric_estimates({"r": (cost, quality)}, weak, strong, 1.0, 2.0, 1.0, n_boot=100)
    row = table[table["metric"] == "cpt_50"].iloc[0]
    assert row["estimate"] == pytest.approx(1.0) and row["high"] == np.inf


@pytest.mark.parametrize("call, argument", [
    (lambda: metric_estimates({}, WEAK, STRONG, 0, 2, 1), "curves"),
    (lambda: metric_estimates({"a": ([0, 2], [0.5, 0.9]), "b": ([[0, 2]], [[0.5, 0.9]])}, WEAK, STRONG, 0, 2, 1),
     "curves"),
    (lambda: metric_estimates({"a": ([[0, 2]], [[0.5, 0.9]]), "b": ([[0, 2, 1]], [[0.5, 0.9, 1]])}, WEAK, STRONG,
                              0, 2, 1), "curves"),
    (lambda: metric_estimates({"a": "curve"}, WEAK, STRONG, 0, 2, 1), "curves['a']"),
    (lambda: metric_estimates({"a": ([0, 2], [0.5])}, WEAK, STRONG, 0, 2, 1), "curves['a']"),
    (lambda: metric_estimates({"a": ([[0, 2]], [[0.5, 0.9]])}, ([0, 1, 2], [0, 1, 1]), STRONG, 0, 2, 1), "weak"),
    (lambda: metric_estimates({"a": ([0, 2], [0.5, 0.9])}, WEAK, (2.0,), 0, 2, 1), "strong"),
    (lambda: metric_estimates({"a": ([[0, 2]], [[0.5, 0.9]])}, WEAK, STRONG, 0, 2, [1, 1, 1]), "oracle_quality"),
    (lambda: metric_estimates({"a": ([0, 2], [0.5, 0.9])}, WEAK, STRONG, 0, 2, 1, n_boot=-1), "n_boot"),
    (lambda: metric_estimates({"a": ([0, 2], [0.5, 0.9])}, WEAK, STRONG, 0, 2, 1, level=1.5), "level"),
    (lambda: metric_estimates({"a": ([1.0], [0.7])}, WEAK, STRONG, 0, 2, 1), "curves['a']"),  # raw: one point
    (lambda: metric_pivot(pd.DataFrame({"router": ["a"], "metric": ["aiq"], "estimate": [0.5]})), "estimates"),
    (lambda: metric_pivot(pd.DataFrame({"dataset": ["x", "y"], "router": ["a", "a"], "metric": ["aiq", "aiq"],
                                        "estimate": [0.5, 0.6], "low": [0.4, 0.5], "high": [0.6, 0.7]})),
     "estimates"),
])
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(RouterBenchDataError) as caught:
        call()
    assert str(caught.value).startswith(argument), str(caught.value)
