"""The embedded RAG set: its mechanism, per-request fees counted exactly once, and a router that wins."""
from __future__ import annotations

import numpy as np
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


@pytest.fixture(scope="module")
def rag():
    return rbu.rag.rag_routerbench(random_state=1)


def test_schema_and_mechanism(rag):
    assert len(rag) == 800 and set(rag["eval_name"]) == {"rag"}
    assert rbu.models(rag) == list(rbu.catalog.MODELS) + list(rbu.rag.ONLINE_SERVICES)
    by_kind = rag.groupby("post_cutoff")[rbu.models(rag)].mean()
    online, offline = list(rbu.rag.ONLINE_SERVICES), list(rbu.catalog.MODELS)
    # after the cut-off only the online services answer well ...
    assert by_kind.loc[True, online].min() > by_kind.loc[True, offline].max() + 0.4
    # ... before it the best offline model is at least as good as any service
    assert by_kind.loc[False, offline].max() >= by_kind.loc[False, online].max()
    # the prompt text tells the two kinds apart
    assert (rag["prompt"].str.contains("most recent") == rag["post_cutoff"]).all()


def test_request_fees_enter_every_cost_exactly_once():
    free = rbu.rag.rag_routerbench(random_state=2, fees={s: 0.0 for s in rbu.rag.ONLINE_SERVICES})
    paid = rbu.rag.rag_routerbench(random_state=2)
    for service, fee in rbu.rag.DEFAULT_REQUEST_FEES.items():
        np.testing.assert_allclose(paid[rbu.data.cost_column(service)] - free[rbu.data.cost_column(service)], fee)
    for model in rbu.catalog.MODELS:  # offline models pay no fee
        np.testing.assert_array_equal(paid[rbu.data.cost_column(model)], free[rbu.data.cost_column(model)])
    # model points: the mean cost rises by the fee, once
    delta = (rbu.model_points(paid).set_index("model")["cost"] - rbu.model_points(free).set_index("model")["cost"])
    np.testing.assert_allclose(delta[list(rbu.rag.ONLINE_SERVICES)], list(rbu.rag.DEFAULT_REQUEST_FEES.values()))
    # a cascade pays the fee once per call of a service: with a judge that never accepts, every model
    # is called once, so the spend rises by the sum of the fees
    budgets = [np.inf]
    spent_free = rbu.CascadeRouter(0.0, threshold=2.0).fit(free).curve(free, budgets)["cost"].item()
    spent_paid = rbu.CascadeRouter(0.0, threshold=2.0).fit(paid).curve(paid, budgets)["cost"].item()
    assert spent_paid - spent_free == pytest.approx(sum(rbu.rag.DEFAULT_REQUEST_FEES.values()))
    # a predictive router's predicted cost includes the fee (it is the training mean cost)
    router = rbu.KNNRouter(10).fit(paid)
    assert router.costs_.loc["rag", "you.com/rag"] == pytest.approx(paid[rbu.data.cost_column("you.com/rag")].mean())


def test_bad_fees_raise(rag):
    with pytest.raises(RouterBenchDataError, match="not in the data"):
        rbu.rag.with_request_fees(rag, {"bing": 0.01})
    with pytest.raises(RouterBenchDataError, match=">= 0"):
        rbu.rag.with_request_fees(rag, {"you.com/rag": -0.01})


def test_predictive_router_beats_the_zero_router_beyond_its_interval(rag):
    train, test = rbu.official_split(rag)
    result = rbu.compare_routers(train, test, routers={"KNN": rbu.KNNRouter(40)}, n_boot=200)
    knn = result["aiq"].set_index("router").loc["KNN"]
    assert knn["vs_zero_low"] > 0.02


def test_retrieval_pipeline(rag):
    piped = rbu.rag.retrieval_pipeline(rag, "gpt-3.5-turbo-1106", "retrieve+gpt-3.5", hit_rate=1.0, fee=0.002)
    recent = piped["post_cutoff"]
    assert piped.loc[recent, "retrieve+gpt-3.5"].mean() > rag.loc[recent, "gpt-3.5-turbo-1106"].mean() + 0.4
    extra = piped[rbu.data.cost_column("retrieve+gpt-3.5")] - rag[rbu.data.cost_column("gpt-3.5-turbo-1106")]
    np.testing.assert_allclose(extra, 0.002 + 1500 * 1.0 / 1e6)
    with pytest.raises(RouterBenchDataError, match="generator"):
        rbu.rag.retrieval_pipeline(rag, "you.com/rag", "x")
