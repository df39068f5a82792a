"""Reading an official file (routerbench_utils.data.reading): every quirk repaired, bad paths refused."""
from __future__ import annotations

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


def test_unknown_and_absent_files_raise(tmp_path):
    with pytest.raises(RouterBenchDataError, match="unknown file type '.xlsx'"):
        rbu.data.load_routerbench(tmp_path / "data.xlsx")
    with pytest.raises(RouterBenchDataError, match="no such file"):
        rbu.data.load_routerbench(tmp_path / "absent.pkl")
