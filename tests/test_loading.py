"""rbu.load (routerbench_utils.loading): the file named by the environment, else the embedded data."""
from __future__ import annotations


import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


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
