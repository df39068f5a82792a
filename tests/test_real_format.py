"""Real data first: the official files' exact shape, structural errors, options that behave the same
for a file and for the embedded data, and the helpers chapters use to run on any subset of datasets."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

THREE = ["arc-challenge", "mbpp", "winogrande"]
GPT35 = "gpt-3.5-turbo-1106"


@pytest.fixture(scope="module")
def quirky_three() -> pd.DataFrame:
    return rbu.embedded_routerbench(random_state=0, scale=0.3, quirks=True, datasets=THREE)


def test_quirks_have_the_official_shape(quirky_three):
    arc = quirky_three[quirky_three["eval_name"] == "arc-challenge"]
    split = arc[arc["sample_id"].duplicated(keep=False)]
    assert split["sample_id"].nunique() == 14 and len(split) == 28
    gpt35_only = split[split[GPT35].notna()]
    others = split[split[GPT35].isna()]
    ten = [m for m in rbu.catalog.MODELS if m != GPT35]
    assert gpt35_only[ten].isna().all().all() and others[ten].notna().all().all()
    costs = [rbu.data.cost_column(m) for m in rbu.catalog.MODELS]
    assert split[costs].notna().all().all()  # every cost filled on both rows
    ratio = gpt35_only.set_index("sample_id")[costs] / others.set_index("sample_id")[costs]
    assert 1.7 < float(np.median(ratio.to_numpy())) < 2.3  # the GPT-3.5-only row about twice as dear
    first_is_gpt35 = split.drop_duplicates("sample_id")[GPT35].notna()
    assert int(first_is_gpt35.sum()) == 7  # which row comes first varies, as in the file


def test_merge_restores_the_clean_rows(quirky_three):
    merged, report = rbu.data.repair(quirky_three)
    clean, _ = rbu.data.repair(rbu.embedded_routerbench(random_state=0, scale=0.3, datasets=THREE))
    clean = clean.set_index("sample_id").loc[merged["sample_id"]]
    values = [c for m in rbu.catalog.MODELS for c in (m, rbu.data.cost_column(m))]
    np.testing.assert_array_equal(merged[values].to_numpy(), clean[values].to_numpy())
    assert report.set_aside is not None and len(report.set_aside) == 14 * 11  # one per model and id
    assert set(report.set_aside["sample_id"]) == set(
        quirky_three.loc[quirky_three["sample_id"].duplicated(), "sample_id"])
    assert (report.set_aside["set_aside"] > report.set_aside["kept"]).mean() > 0.4


def test_a_subset_of_datasets_is_the_same_rows_as_the_full_data():
    full = rbu.embedded_routerbench(random_state=3, scale=0.05)
    part = rbu.embedded_routerbench(random_state=3, scale=0.05, datasets=["mbpp"])
    pd.testing.assert_frame_equal(part, full[full["eval_name"] == "mbpp"].reset_index(drop=True))
    with pytest.raises(RouterBenchDataError, match="datasets"):
        rbu.embedded_routerbench(datasets=["imagenet"])


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.drop(columns=["gpt-4-1106-preview"]), "'gpt-4-1106-preview\\|total_cost' has no score column"),
    (lambda d: d.drop(columns=["gpt-4-1106-preview|total_cost"]), "score column 'gpt-4-1106-preview' has no cost"),
    (lambda d: d.assign(**{"a|b": 1.0, "a|b|total_cost": 0.1}), "model name 'a\\|b' contains '\\|'"),
])
def test_structural_mistakes_raise(real_frame, mutate, message):
    with pytest.raises(RouterBenchDataError, match=message):
        rbu.data.repair(mutate(real_frame))


def test_latency_option_behaves_the_same_for_a_file(real_frame, tmp_path):
    path = tmp_path / "real.pkl"
    real_frame.to_pickle(path)
    df = rbu.load(path, latency=True, verbose=False)
    for m in rbu.models(df):
        assert (df[m + "|latency"] > 0).all()
    assert "latency" in rbu.model_points(df).columns
    embedded = rbu.load(scale=0.05, latency=True, verbose=False)
    assert "latency" in rbu.model_points(embedded).columns
    no_text = real_frame.drop(columns=[c for c in real_frame.columns if c.endswith("|model_response")])
    no_text.to_pickle(path)
    with pytest.raises(RouterBenchDataError, match="latency.*model_response"):
        rbu.load(path, latency=True, verbose=False)


def test_split_with_an_empty_part_raises():
    tiny = rbu.load(scale=0.05, verbose=False)
    one = pd.concat([tiny[tiny["eval_name"] == "mbpp"], tiny[tiny["eval_name"] == "winogrande"].iloc[:1]])
    with pytest.raises(RouterBenchDataError, match="winogrande.*empty"):
        rbu.official_split(one)


def test_ragged_logs_can_be_analysed_on_the_complete_prompts(capsys):
    log = pd.DataFrame({"sample_id": ["q1", "q1", "q2", "q3", "q3"], "model": ["a", "b", "a", "a", "b"],
                        "quality": [1.0, 0.0, 1.0, 0.0, 1.0], "cost": [0.2, 0.1, 0.2, 0.2, 0.1]})
    with pytest.raises(RouterBenchDataError, match="missing='drop'"):
        rbu.long_to_wide(log)
    wide = rbu.long_to_wide(log, missing="drop")
    assert list(wide["sample_id"]) == ["q1", "q3"] and wide.attrs["dropped_prompts"] == ["q2"]
    assert "dropped 1 of 3 prompts" in capsys.readouterr().out
    with pytest.raises(RouterBenchDataError, match="missing: expected"):
        rbu.long_to_wide(log, missing="ignore")


def test_claims_show_a_note_only_when_they_fail(tmp_path, monkeypatch, capsys):
    log = tmp_path / "claims.jsonl"
    monkeypatch.setenv("RBU_CLAIMS_LOG", str(log))
    result = rbu.book.claim(True, "one is less than two", "it is not")
    assert bool(result) is True and "holds" in repr(result)
    assert capsys.readouterr().out == ""
    assert not rbu.book.claim(False, "KNN ties Zero", "KNN loses by 0.019")
    shown = capsys.readouterr().out
    assert "KNN ties Zero" in shown and "KNN loses by 0.019" in shown
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["holds"] for line in lines] == [True, False]


def test_data_note_names_the_data(real_frame, tmp_path):
    path = tmp_path / "routerbench_3task.pkl"
    real_frame.to_pickle(path)
    note = rbu.book.data_note(rbu.load(path, verbose=False))._repr_html_()
    assert "routerbench_3task.pkl" in note and "ARC-Challenge" in note and "synthetic" not in note
    note = rbu.book.data_note(rbu.load(scale=0.05, verbose=False))._repr_html_()
    assert "synthetic" in note and "random_state=0" in note and "7 datasets" in note


def test_example_dataset_picks_from_what_is_present():
    frame = pd.DataFrame({"eval_name": ["winogrande", "mbpp", "mmlu-anatomy"]})
    assert rbu.datasets_present(frame) == ["mmlu", "winogrande", "mbpp"]
    assert rbu.example_dataset(frame, prefer=["arc-challenge", "mbpp"]) == "mbpp"
    assert rbu.example_dataset(frame) == "mmlu"
    assert rbu.example_dataset(frame, exclude=["mmlu"]) == "winogrande"
    with pytest.raises(RouterBenchDataError, match="excluded"):
        rbu.example_dataset(frame, exclude=["mmlu", "winogrande", "mbpp"])
    with pytest.raises(RouterBenchDataError, match="GSM8K"):
        rbu.subsets.require_datasets(frame, ["grade-school-math"], "the partial-credit section")


def test_panel_grid_has_one_panel_per_dataset():
    import matplotlib
    matplotlib.use("Agg")
    for n, shape in ((1, 1), (3, 3), (7, 7)):
        fig, axes = rbu.panel_grid(n)
        assert len(axes) == shape and len(fig.axes) == shape


def test_import_loads_no_plotting_library():
    code = "import sys, routerbench_utils; print('matplotlib' in sys.modules, 'seaborn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_by_dataset_walks_a_split_together_and_names_a_missing_side():
    df = rbu.load(random_state=2, scale=0.02, verbose=False)
    train, test = rbu.official_split(df)
    seen = []
    for name, tr, te in rbu.by_dataset(train, test):
        seen.append(name)
        assert set(rbu.data.dataset_column(tr)) == {name} == set(rbu.data.dataset_column(te))
    assert seen == rbu.datasets_present(train)
    only = test[rbu.data.dataset_column(test) != seen[0]]
    with pytest.raises(RouterBenchDataError, match=repr(seen[0])):
        list(rbu.by_dataset(train, only))
