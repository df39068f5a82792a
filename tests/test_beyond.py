"""Metrics across conventions, the budgeted Oracle, re-pricing, latency, task labels and hygiene."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

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


def test_latency_columns_are_optional_and_leave_the_rest_unchanged():
    plain = rbu.embedded_routerbench(seed=5, scale=0.05)
    timed = rbu.embedded_routerbench(seed=5, scale=0.05, latency=True)
    pd.testing.assert_frame_equal(plain, timed[plain.columns])
    latency = timed[[f"{m}|latency" for m in rbu.catalog.MODELS]]
    assert (latency > 0).all().all()
    # a slower model (fewer tokens per second) is slower on average on long answers
    gsm = timed[timed["eval_name"] == "grade-school-math"]
    assert gsm["gpt-4-1106-preview|latency"].mean() > gsm["mistralai/mistral-7b-chat|latency"].mean()
    bad = rbu.data.repair(timed)[0].assign(**{"claude-v2|latency": -1.0})
    with pytest.raises(RouterBenchDataError, match="latency"):
        rbu.data.validate(bad)


def test_task_label_router_uses_only_the_label(small_data):
    train, test = rbu.official_split(small_data)
    router = rbu.TaskLabelRouter("eval_name").fit(train)
    predicted = router.predict_quality(test)
    anatomy = (test["eval_name"] == "mmlu-anatomy").to_numpy()
    expected = train.loc[train["eval_name"] == "mmlu-anatomy", list(rbu.catalog.MODELS)].mean().to_numpy()
    np.testing.assert_allclose(predicted[anatomy], np.tile(expected, (anatomy.sum(), 1)))
    with pytest.raises(RouterBenchDataError, match="level"):
        rbu.TaskLabelRouter("prompt").fit(train)


def test_hygiene_report_finds_each_mistake(small_data):
    train, test = rbu.official_split(small_data)
    assert rbu.hygiene.hygiene_report(test, train=train).empty
    bad = pd.concat([test, test.iloc[[3]], train.iloc[[0]].assign(sample_id="new-id")], ignore_index=True)
    bad["claude-v2|total_cost"] = 0.0
    bad["claude-v1|total_cost"] = 0.004
    bad.loc[0, "claude-instant-v1"] = np.nan
    bad.loc[1, "mistralai/mistral-7b-chat|total_cost"] = 1.2345e-7
    bad.loc[2, "meta/llama-2-70b-chat|total_cost"] = 1.0
    report = rbu.hygiene.hygiene_report(bad, train=train)
    found = set(zip(report["check"], report["severity"]))
    assert found >= {("model without a price", "error"), ("constant cost", "warning"),
                     ("missing scores", "error"), ("costs are not whole tokens", "warning"),
                     ("impossible token counts", "error"), ("duplicate ids", "error"),
                     ("test prompts seen in training", "error")}
    with pytest.raises(RouterBenchDataError, match="hygiene: .*model without a price"):
        rbu.hygiene.hygiene_report(bad, train=train, strict=True)


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
