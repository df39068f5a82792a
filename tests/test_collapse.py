"""Routing collapse and the metrics table: call shares, overlap, headroom, the task-aware baseline,
metric ranks and their rank correlations, each against a plain re-derivation."""
from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.evaluation.collapse import (best_model_per_dataset, best_within_budget, call_shares,
                                        correct_overlap, headroom_recovered, metric_ranks, metric_table,
                                        rank_correlations, sweep, two_model_pair)

ROUTERS = {
    "oracle": rbu.OracleRouter,
    "zero": lambda: rbu.ZeroRouter(random_state=1),
    "knn": lambda: rbu.KNNRouter(10, random_state=1),
    "mlp": lambda: rbu.MLPRouter((20,), max_iter=50, random_state=1),
    "svm": lambda: rbu.SVMRouter(random_state=1),
    "cascade": lambda: rbu.CascadeRouter(0.1, random_state=1),
    "task label": rbu.TaskLabelRouter,
    "classifier": lambda: rbu.routers.ClassifierRouter(random_state=1),
}


@pytest.fixture(scope="module")
def split():
    df = rbu.load(random_state=3, scale=0.05, verbose=False)
    train, test = rbu.official_split(df)
    keep = lambda d: d[rbu.data.dataset_column(d).isin(["arc-challenge", "mbpp", "winogrande"])]  # noqa: E731
    return keep(train), keep(test)


# --- sweep and call shares --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(ROUTERS))
def test_sweep_is_route_and_outcomes_in_one_pass(split, name):
    train, test = split
    router = ROUTERS[name]().fit(train)
    s = sweep(router, test)
    params, cost, quality = router.outcomes(test)
    assert s.settings == params and s.chosen.shape == cost.shape == (len(params), len(test))
    np.testing.assert_array_equal(s.cost, cost)
    np.testing.assert_array_equal(s.quality, quality)
    for k, p in enumerate(params):  # the routes are the router's own, value by value
        assert list(s.chosen[k]) == list(router.route(test, p))


def test_sweep_rejects_unfitted_and_foreign_routers(split):
    _, test = split
    with pytest.raises(RouterBenchDataError, match="fit"):
        sweep(rbu.KNNRouter(), test)
    with pytest.raises(RouterBenchDataError, match="Router"):
        sweep("knn", test)
    with pytest.raises(RouterBenchDataError, match="willingness"):
        sweep(rbu.KNNRouter(5).fit(split[0]), test, settings=[1.0, -1.0])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "no_model_correct"]), min_size=5, max_size=5),
                min_size=1, max_size=6))
def test_call_shares_count_every_call_and_sum_to_one(rows):
    shares = call_shares(rows, ["a", "b", "c"])
    assert np.allclose(shares.sum(axis=1), 1.0)
    for k, row in enumerate(rows):  # against a Counter
        counts = Counter(row)
        for model in shares.columns:
            assert shares.iloc[k][model] == pytest.approx(counts[model] / len(row))
    flat = [m for row in rows for m in row]
    assert ("no_model_correct" in shares.columns) == ("no_model_correct" in flat)


def test_call_shares_reject_bad_input():
    with pytest.raises(RouterBenchDataError, match="outside"):
        call_shares([["a", "z"]], ["a", "b"])
    with pytest.raises(RouterBenchDataError, match="params"):
        call_shares([["a", "b"], ["a", "a"]], ["a", "b"], settings=[1])
    with pytest.raises(RouterBenchDataError, match="at least one"):
        call_shares(np.empty((0, 0), dtype=object), ["a"])


def test_oracle_shares_at_a_huge_willingness_to_pay_follow_the_best_score(split):
    train, test = split
    s = sweep(rbu.OracleRouter().fit(train), test, settings=[0.0, 1e9])
    shares = call_shares(s.chosen, rbu.models(test), s.settings)
    cheapest = rbu.models(test)[int(np.argmin(rbu.cost_matrix(test).mean(axis=0)))]
    assert shares.loc[0.0].idxmax() == cheapest  # willingness 0: the cheapest model per prompt
    assert np.allclose(s.quality[1], rbu.score_matrix(test).max(axis=1))


# --- overlap, budget, headroom ----------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 1), min_size=8, max_size=8), min_size=1, max_size=5))
def test_overlap_is_the_jaccard_index_of_the_prompts_right(rows):
    quality = {f"r{k}": row for k, row in enumerate(rows)}
    jac = correct_overlap(quality)
    both = correct_overlap(quality, kind="both")
    assert np.allclose(jac, jac.T) and np.allclose(np.diag(jac), 1.0)
    assert np.allclose(np.diag(both), [np.mean(r) for r in rows])
    for a, b in combinations(quality, 2):
        sa = {i for i, v in enumerate(quality[a]) if v}
        sb = {i for i, v in enumerate(quality[b]) if v}
        expected = len(sa & sb) / len(sa | sb) if sa | sb else 1.0
        assert jac.loc[a, b] == pytest.approx(expected)
        assert both.loc[a, b] == pytest.approx(len(sa & sb) / 8)


def test_overlap_counts_partial_credit_in_proportion_and_rejects_bad_input():
    jac = correct_overlap({"a": [0.5, 1.0], "b": [1.0, 0.0]})
    assert jac.loc["a", "b"] == pytest.approx(0.5 / 2.0)  # min: (.5, 0), max: (1, 1)
    for bad, match in [({}, "at least one"), ({"a": [1, 0], "b": [1]}, "same prompts"),
                       ({"a": [1, -0.5]}, ">= 0"), ({"a": [1, np.nan]}, "finite")]:
        with pytest.raises(RouterBenchDataError, match=match):
            correct_overlap(bad)
    with pytest.raises(RouterBenchDataError, match="kind"):
        correct_overlap({"a": [1]}, kind="cosine")


def test_best_within_budget():
    cost, quality = [1.0, 2.0, 2.0, 3.0, 0.5], [0.5, 0.8, 0.8, 0.9, 0.5]
    assert best_within_budget(cost, quality, 2.5) == 1  # a tie in quality and cost: the first
    assert best_within_budget(cost, quality, 10) == 3
    assert best_within_budget(cost, quality, 1.0) == 4  # a tie in quality: the cheaper
    with pytest.raises(RouterBenchDataError, match="cheapest"):
        best_within_budget(cost, quality, 0.1)


def test_headroom_recovered():
    assert headroom_recovered(0.9, 0.7, 0.9) == pytest.approx(1.0)
    assert headroom_recovered(0.7, 0.7, 0.9) == pytest.approx(0.0)
    values = pd.Series({"a": 0.6, "b": 0.8})
    out = headroom_recovered(values, 0.7, 0.9)
    assert list(out.index) == ["a", "b"] and out.tolist() == pytest.approx([-0.5, 0.5])
    with pytest.raises(RouterBenchDataError, match="headroom"):
        headroom_recovered(0.8, 0.9, 0.9)
    with pytest.raises(RouterBenchDataError, match="finite"):
        headroom_recovered(np.nan, 0.7, 0.9)


# --- the task-aware baseline and the weak-strong pair -----------------------------------------------

def test_best_model_per_dataset_is_the_training_argmax(split):
    train, test = split
    chosen = best_model_per_dataset(train, test)
    assert len(chosen) == len(test)
    datasets = rbu.data.dataset_column(test).to_numpy()
    for name, part in rbu.by_dataset(train):
        means = pd.Series(rbu.score_matrix(part).mean(axis=0), index=rbu.models(part))
        costs = pd.Series(rbu.cost_matrix(part).mean(axis=0), index=rbu.models(part))
        top = means[means >= means.max() - 1e-12]
        assert set(chosen[datasets == name]) == {costs[top.index].idxmin()}


def test_best_model_per_dataset_breaks_ties_to_the_cheaper_and_names_missing_datasets(split):
    train, test = split
    tied = train.copy()
    tied["mistralai/mistral-7b-chat"] = 1.0  # the best, and cheap
    tied["claude-v1"] = 1.0  # tied with it, and dearer
    assert set(best_model_per_dataset(tied, test)) == {"mistralai/mistral-7b-chat"}
    only_arc = train[rbu.data.dataset_column(train) == "arc-challenge"]
    with pytest.raises(RouterBenchDataError, match="no training rows"):
        best_model_per_dataset(only_arc, test)


def test_two_model_pair_prefers_routellm_and_falls_back(split):
    _, test = split
    pair = two_model_pair(test)
    assert (pair["strong"], pair["weak"], pair["fallback"]) == (
        "gpt-4-1106-preview", "mistralai/mixtral-8x7b-chat", False)
    no_mixtral = test.drop(columns=["mistralai/mixtral-8x7b-chat", "mistralai/mixtral-8x7b-chat|total_cost",
                                    "mistralai/mixtral-8x7b-chat|model_response"], errors="ignore")
    fallback = two_model_pair(no_mixtral)
    costs = pd.Series(rbu.cost_matrix(no_mixtral).mean(axis=0), index=rbu.models(no_mixtral))
    assert fallback["fallback"] and fallback["weak"] == costs.idxmin()
    cheap_best = test.copy()
    cheap = costs.idxmin()
    cheap_best[cheap] = 1.0
    with pytest.raises(RouterBenchDataError, match="dearer and better"):
        two_model_pair(cheap_best, strong="none", weak="none")


# --- the metric table, ranks and rank correlations --------------------------------------------------

def test_metric_table_hand_checked():
    weak, strong = (0.0, 0.5), (2.0, 0.9)
    curves = {"random": ([0.0, 2.0], [0.5, 0.9]), "dip": ([0.0, 1.0, 2.0], [0.5, 0.4, 0.9]),
              "early": pd.DataFrame({"cost": [0.0, 0.5, 2.0], "quality": [0.5, 0.85, 0.9]})}
    table = metric_table(curves, weak, strong, c_min=0.0, c_max=2.0, oracle_quality=0.95)
    assert list(table.columns) == ["AIQ (paper)", "AIQ (official)", "APGR (hull)", "APGR (raw)", "CPT(50%)",
                                   "regret"]
    assert table.loc["random", ["APGR (hull)", "APGR (raw)"]].tolist() == pytest.approx([0.5, 0.5])
    assert table.loc["dip", ["APGR (hull)", "APGR (raw)"]].tolist() == pytest.approx([0.5, 0.125])
    assert table.loc["random", "CPT(50%)"] == pytest.approx(0.5)
    assert table["regret"].tolist() == pytest.approx([0.05, 0.05, 0.05])
    assert table.loc["early", "AIQ (paper)"] == pytest.approx(rbu.aiq([0, 0.5, 2], [0.5, 0.85, 0.9]))
    with pytest.raises(RouterBenchDataError, match="missing"):
        metric_table({"x": pd.DataFrame({"cost": [1.0]})}, weak, strong, 0.0, 2.0, 1.0)
    with pytest.raises(RouterBenchDataError, match="at least one"):
        metric_table({}, weak, strong, 0.0, 2.0, 1.0)


def test_metric_ranks_orient_every_metric_so_that_one_is_best():
    table = pd.DataFrame({"AIQ (paper)": [0.8, 0.7, 0.8], "CPT(50%)": [0.3, np.nan, 0.1],
                          "regret": [0.1, 0.3, 0.2]}, index=["a", "b", "c"])
    ranks = metric_ranks(table)
    assert ranks["AIQ (paper)"].tolist() == [1, 3, 1]  # ties share the best rank
    assert ranks["CPT(50%)"].tolist() == [2, 3, 1]  # never reached: last
    assert ranks["regret"].tolist() == [1, 3, 2]
    flipped = metric_ranks(table, lower_is_better=[])
    assert flipped["regret"].tolist() == [3, 1, 2]
    with pytest.raises(RouterBenchDataError, match="not columns"):
        metric_ranks(table, lower_is_better=["latency"])


def _tau_b(x, y):
    """Kendall's tau-b by counting pairs, the textbook way."""
    concordant = discordant = ties_x = ties_y = 0
    for i, j in combinations(range(len(x)), 2):
        dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        if dx == 0 and dy == 0:
            continue
        if dx == 0:
            ties_x += 1
        elif dy == 0:
            ties_y += 1
        elif dx == dy:
            concordant += 1
        else:
            discordant += 1
    return (concordant - discordant) / np.sqrt((concordant + discordant + ties_x) *
                                                (concordant + discordant + ties_y))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)), min_size=3, max_size=9))
def test_rank_correlations_are_kendall_tau_b_of_the_ranks(rows):
    table = pd.DataFrame(rows, columns=["AIQ (paper)", "APGR (raw)", "regret"], dtype=float)
    tau = rank_correlations(table)
    assert np.allclose(np.diag(tau), 1.0)
    assert tau.equals(tau.T)
    ranks = metric_ranks(table)
    for a, b in combinations(table.columns, 2):
        if ranks[a].nunique() > 1 and ranks[b].nunique() > 1:
            assert tau.loc[a, b] == pytest.approx(_tau_b(ranks[a].to_numpy(), ranks[b].to_numpy()))
            assert -1 - 1e-12 <= tau.loc[a, b] <= 1 + 1e-12
        else:
            assert np.isnan(tau.loc[a, b])


def test_rank_correlations_align_directions_and_need_two_routers():
    table = pd.DataFrame({"AIQ (paper)": [0.9, 0.8, 0.7], "regret": [0.0, 0.1, 0.2]})
    assert rank_correlations(table).loc["AIQ (paper)", "regret"] == pytest.approx(1.0)
    with pytest.raises(RouterBenchDataError, match="at least two"):
        rank_correlations(table.iloc[:1])
