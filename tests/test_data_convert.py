"""Long logs to the wide frame and back (routerbench_utils.data.convert), and their errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def _log() -> pd.DataFrame:
    return pd.DataFrame({
        "sample_id": ["q1", "q1", "q2", "q2"], "model": ["big", "small"] * 2,
        "quality": [1.0, 1.0, 1.0, 0.0], "cost": [0.02, 0.001, 0.03, 0.002],
        "prompt": ["hi", "hi", "bye", "bye"], "latency": [2.0, 0.5, 2.5, 0.4],
    })


def test_long_to_wide_round_trip():
    wide = rbu.long_to_wide(_log())
    assert list(wide["sample_id"]) == ["q1", "q2"]
    assert rbu.models(wide) == ["big", "small"]
    assert wide["small|total_cost"].tolist() == [0.001, 0.002]
    assert wide["big|latency"].tolist() == [2.0, 2.5]
    assert wide["eval_name"].tolist() == ["custom", "custom"]
    assert wide["oracle_model_to_route_to"].tolist() == ["small", "big"]
    rbu.data.validate(wide)


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.drop(columns="cost"), "missing column.*cost"),
    (lambda d: d.iloc[:0], "empty"),
    (lambda d: d.iloc[:3], "1 prompts lack a row.*'q2'"),
    (lambda d: pd.concat([d, d.iloc[[0]]]), "repeat a \\(prompt, model\\) pair.*q1"),
    (lambda d: d.assign(quality=[1.0, 1.2, 1.0, 0.0]), "quality.*not a quality in \\[0, 1\\].*q1"),
    (lambda d: d.assign(cost=[0.02, -1.0, 0.03, 0.002]), "cost.*not a cost >= 0.*q1"),
    (lambda d: d.assign(quality=[1.0, np.nan, 1.0, 0.0]), "quality.*missing a value.*q1"),
    (lambda d: d.assign(quality=["1", "x", "1", "0"]), "quality.*not numbers"),
    (lambda d: d.assign(prompt=["hi", "hey", "bye", "bye"]), "prompt.*q1.*different values"),
])
def test_long_to_wide_rejects_bad_logs(mutate, message):
    with pytest.raises(RouterBenchDataError, match=message):
        rbu.long_to_wide(mutate(_log()))



def test_wide_to_long_round_trip(small_data):
    part = small_data.iloc[:50]
    back = rbu.long_to_wide(rbu.data.wide_to_long(part))
    for m in rbu.catalog.MODELS:
        np.testing.assert_array_equal(back[m], part[m])
        np.testing.assert_array_equal(back[rbu.data.cost_column(m)], part[rbu.data.cost_column(m)])
    assert (back["oracle_model_to_route_to"].to_numpy() == part["oracle_model_to_route_to"].to_numpy()).all()


def reference_long_to_wide(log: pd.DataFrame) -> pd.DataFrame:
    """The plain pandas pivot: prompts in order of first appearance, models likewise."""
    ids = pd.unique(log["sample_id"])
    names = [str(m) for m in pd.unique(log["model"])]
    values = ["quality", "cost"] + (["latency"] if "latency" in log.columns else [])
    pivot = log.assign(model=log["model"].astype(str)).pivot(
        index="sample_id", columns="model", values=values).reindex(ids)
    wide = pd.DataFrame({"sample_id": ids})
    for m in names:
        wide[m] = pivot[("quality", m)].to_numpy(dtype=float)
        wide[m + "|total_cost"] = pivot[("cost", m)].to_numpy(dtype=float)
        if "latency" in values:
            wide[m + "|latency"] = pivot[("latency", m)].to_numpy(dtype=float)
    first = log.groupby("sample_id", sort=False).first().reindex(ids)
    wide["eval_name"] = first["eval_name"].to_numpy() if "eval_name" in log.columns else "custom"
    if "prompt" in log.columns:
        wide["prompt"] = first["prompt"].to_numpy()
    wide["oracle_model_to_route_to"] = rbu.data.oracle_labels(wide, names)
    return wide


@settings(max_examples=40, deadline=None)
@given(n_prompts=st.integers(1, 30), n_models=st.integers(1, 6), seed=st.integers(0, 10_000),
       int_ids=st.booleans(), timed=st.booleans(), shuffled=st.booleans())
def test_long_to_wide_matches_a_plain_pivot(n_prompts, n_models, seed, int_ids, timed, shuffled):
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n_prompts * 3)[:n_prompts]
    ids = ids if int_ids else np.array([f"p{k}" for k in ids], dtype=object)
    names = [f"m{k}" for k in rng.permutation(n_models)]
    log = pd.DataFrame({"sample_id": np.repeat(ids, n_models), "model": np.tile(names, n_prompts),
                        "quality": rng.integers(0, 3, n_prompts * n_models) / 2,
                        "cost": rng.random(n_prompts * n_models).round(3),
                        "eval_name": np.repeat(rng.choice(["mbpp", "mmlu-anatomy"], n_prompts), n_models),
                        "prompt": np.repeat([f"text {k}" for k in range(n_prompts)], n_models)})
    if timed:
        log["latency"] = rng.random(len(log))
    if shuffled:
        log = log.iloc[rng.permutation(len(log))].reset_index(drop=True)
    got, expected = rbu.long_to_wide(log), reference_long_to_wide(log)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
    assert list(got.columns) == list(expected.columns)


def test_long_to_wide_keeps_categorical_and_numeric_model_names():
    log = _log().assign(model=pd.Categorical(["big", "small"] * 2, categories=["small", "big"]))
    assert rbu.models(rbu.long_to_wide(log)) == ["big", "small"]  # order of first appearance
    numeric = _log().assign(model=[7, 3, 7, 3])
    assert rbu.models(rbu.long_to_wide(numeric)) == ["7", "3"]


def test_long_to_wide_drop_keeps_complete_prompts_in_order(capsys):
    log = pd.concat([_log(), _log().assign(sample_id=["q3", "q3", "q4", "q4"])], ignore_index=True)
    ragged = log.drop(index=[2, 7])  # q2 lacks 'big', q4 lacks 'small'
    wide = rbu.long_to_wide(ragged, missing="drop")
    assert wide["sample_id"].tolist() == ["q1", "q3"]
    assert wide.attrs["dropped_prompts"] == ["q2", "q4"]
    assert "dropped 2 of 4 prompts" in capsys.readouterr().out
    with pytest.raises(RouterBenchDataError, match="2 prompts lack a row.*'q2', 'q4'"):
        rbu.long_to_wide(ragged)


def test_long_to_wide_names_the_first_bad_rows():
    log = pd.concat([_log()] * 3, ignore_index=True)
    log["sample_id"] = [f"q{k // 2}" for k in range(len(log))]
    log.loc[[5, 9], "cost"] = -1.0
    with pytest.raises(RouterBenchDataError, match="'cost': 2 rows .*'q2': -1.0, 'q4': -1.0"):
        rbu.long_to_wide(log)
    log.loc[[5, 9], "cost"] = 0.0
    log.loc[3, "eval_name"] = "other"
    log["eval_name"] = log["eval_name"].fillna("mbpp")
    with pytest.raises(RouterBenchDataError, match="'eval_name': prompts 'q1' carry different"):
        rbu.long_to_wide(log)
