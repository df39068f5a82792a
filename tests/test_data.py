"""The real-data loader, the converter from long logs, the split and their errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

from .conftest import FIXTURE_MODELS


@pytest.mark.parametrize("suffix", [".pkl", ".csv", ".parquet"])
def test_load_routerbench_repairs_every_quirk(real_frame, tmp_path, suffix, capsys):
    path = tmp_path / f"routerbench{suffix}"
    {".pkl": real_frame.to_pickle, ".csv": lambda p: real_frame.to_csv(p, index=False),
     ".parquet": real_frame.to_parquet}[suffix](path)
    df = rbu.data.load_routerbench(path)
    report = capsys.readouterr().out
    # the split ARC id is merged per model, the extra task removed, both reported
    assert list(df["sample_id"]) == ["arc-challenge.test.0", "arc-challenge.test.1", "mbpp.dev.1",
                                     "mmlu-anatomy.val.3", "mtbench101.dev.0"]
    assert "merged 1 sample_ids" in report and "chinese-extra (1)" in report
    merged = df.set_index("sample_id").loc["arc-challenge.test.1"]
    assert merged["gpt-3.5-turbo-1106"] == 1.0 and merged["mistralai/mistral-7b-chat"] == 1.0
    # each model's cost comes from the row that scores it, not from whichever row comes first
    assert merged["gpt-3.5-turbo-1106|total_cost"] == 0.0005
    assert merged["gpt-4-1106-preview|total_cost"] == 0.005
    assert merged["mistralai/mistral-7b-chat|total_cost"] == 0.0001
    assert merged["prompt"] == "Why do planets orbit?"  # the prompt of the row scoring most models
    assert "set aside 3 cost values" in report
    # scores became floats, prompts plain text with turns joined
    assert all(df[m].dtype == float for m in FIXTURE_MODELS)
    assert df.loc[df["sample_id"] == "mtbench101.dev.0", "prompt"].item() == "Write a poem.\n\nNow shorten it."
    # the Oracle column is recomputed: ties go to the cheapest, all-zero rows say so
    oracle = dict(zip(df["sample_id"], df["oracle_model_to_route_to"]))
    assert oracle["arc-challenge.test.0"] == "gpt-3.5-turbo-1106"
    assert oracle["arc-challenge.test.1"] == "mistralai/mistral-7b-chat"
    assert oracle["mbpp.dev.1"] == rbu.catalog.NO_MODEL_CORRECT
    assert oracle["mtbench101.dev.0"] == "gpt-4-1106-preview"
    assert "recomputed 'oracle_model_to_route_to'" in report
    assert df.attrs["repair_report"].startswith(path.name)
    assert rbu.data.validate(df) is df


def test_tasks_all_keeps_extra_rows(real_frame):
    df, report = rbu.data.repair(real_frame, tasks="all")
    assert "chinese-extra" in set(df["eval_name"])
    assert not any("outside" in note for note in report.notes)


def test_nan_scores_are_removed_and_reported(real_frame):
    real_frame.loc[3, "gpt-4-1106-preview"] = np.nan
    df, report = rbu.data.repair(real_frame)
    assert "mbpp.dev.1" not in set(df["sample_id"])
    assert any("missing score" in n and "mbpp.dev.1" in n for n in report.notes)


def test_conflicting_split_rows_raise(real_frame):
    real_frame.loc[1, "gpt-4-1106-preview"] = "0.0"  # the GPT-3.5 row now scores GPT-4 too, differently
    with pytest.raises(RouterBenchDataError, match="arc-challenge.test.1.*gpt-4-1106-preview"):
        rbu.data.repair(real_frame)


def test_unparseable_score_raises(real_frame):
    real_frame.loc[0, "claude"] = None
    real_frame.loc[0, "gpt-4-1106-preview"] = "correct"
    with pytest.raises(RouterBenchDataError, match="'gpt-4-1106-preview'.*not numbers.*arc-challenge.test.0"):
        rbu.data.repair(real_frame)


@pytest.mark.parametrize("column,value,message", [
    ("gpt-4-1106-preview", "1.7", "not a score in \\[0, 1\\]"),
    ("gpt-4-1106-preview|total_cost", -0.01, "not a cost >= 0"),
])
def test_out_of_range_values_raise(real_frame, column, value, message):
    real_frame.loc[0, column] = value
    with pytest.raises(RouterBenchDataError, match=f"{column.replace('|', '[|]')}.*{message}.*arc-challenge.test.0"):
        rbu.data.repair(real_frame)


def test_missing_cost_raises(real_frame):
    real_frame.loc[3, "gpt-3.5-turbo-1106|total_cost"] = np.nan
    with pytest.raises(RouterBenchDataError, match="gpt-3.5-turbo-1106[|]total_cost.*mbpp.dev.1"):
        rbu.data.repair(real_frame)


def test_missing_columns_and_empty_frames_raise(real_frame, tmp_path):
    with pytest.raises(RouterBenchDataError, match="missing column.*eval_name"):
        rbu.data.repair(real_frame.drop(columns="eval_name"))
    with pytest.raises(RouterBenchDataError, match="empty"):
        rbu.data.repair(real_frame.iloc[:0])
    with pytest.raises(RouterBenchDataError, match="no model columns"):
        rbu.data.validate(real_frame[["sample_id", "eval_name"]])
    with pytest.raises(RouterBenchDataError, match="unknown file type '.xlsx'"):
        rbu.data.load_routerbench(tmp_path / "data.xlsx")
    with pytest.raises(RouterBenchDataError, match="no such file"):
        rbu.data.load_routerbench(tmp_path / "absent.pkl")


def test_validate_rejects_duplicates_and_string_scores(real_frame):
    clean, _ = rbu.data.repair(real_frame)
    with pytest.raises(RouterBenchDataError, match="sample_id.*share an id.*mbpp.dev.1"):
        rbu.data.validate(pd.concat([clean, clean.iloc[[2]]]))
    with pytest.raises(RouterBenchDataError, match="dtype.*expected a score"):
        rbu.data.validate(clean.assign(**{"claude-v2": "1", "claude-v2|total_cost": 0.1}))


def test_dataset_of():
    assert rbu.catalog.dataset_of("mmlu-professional-law") == "mmlu"
    assert rbu.catalog.dataset_of("mtbench101") == "mtbench"
    assert rbu.catalog.dataset_of("grade-school-math") == "grade-school-math"
    assert rbu.catalog.dataset_of("my-task") == "my-task"
    with pytest.raises(RouterBenchDataError, match="eval_name"):
        rbu.catalog.dataset_of(3)


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


def test_official_split_matches_the_reference_permutation(small_data):
    before = np.random.get_state()
    train, test = rbu.official_split(small_data)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    assert len(train) + len(test) == len(small_data)
    assert not set(train["sample_id"]) & set(test["sample_id"])
    dataset = rbu.data.dataset_column(small_data)
    for name in rbu.catalog.DATASETS:
        ids = np.array(pd.unique(small_data.loc[dataset == name, "sample_id"]), dtype=object)
        state = np.random.get_state()
        np.random.seed(42)  # the official recipe, global state and all
        np.random.shuffle(ids)
        np.random.set_state(state)
        expected = set(ids[: int(0.7 * len(ids))])
        got = set(train.loc[rbu.data.dataset_column(train) == name, "sample_id"])
        assert got == expected, name
    # file order is kept (the global random state is checked above)
    assert train.index.is_monotonic_increasing and test.index.is_monotonic_increasing


def test_official_split_rejects_bad_fraction(small_data):
    with pytest.raises(RouterBenchDataError, match="train_fraction"):
        rbu.official_split(small_data, train_fraction=1.5)


def test_load_uses_the_environment_variable(real_frame, tmp_path, monkeypatch, capsys):
    path = tmp_path / "real.pkl"
    real_frame.to_pickle(path)
    monkeypatch.setenv(rbu.data.DATA_ENV, str(path))
    df = rbu.load()
    assert "real RouterBench file" in capsys.readouterr().out
    assert len(df) == 5 and df.attrs["source"] == "file real.pkl"
    monkeypatch.delenv(rbu.data.DATA_ENV)
    df = rbu.load(scale=0.05)
    assert "embedded synthetic" in capsys.readouterr().out
