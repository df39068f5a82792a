"""rbu.load (routerbench_utils.loading): the file named by the environment, else the embedded data."""
from __future__ import annotations


import pandas as pd

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


def test_the_disk_cache_returns_the_same_frame_and_follows_the_source(tmp_path, monkeypatch):
    """With $RBU_CACHE_DIR set the embedded data is written once and read back identically; the file
    name changes with the arguments (and with the generator's source: the key hashes it)."""
    from routerbench_utils import loading

    monkeypatch.setenv(loading.CACHE_ENV, str(tmp_path))
    loading._embedded_clean.cache_clear()
    first = rbu.load(random_state=5, scale=0.01, verbose=False)
    files = list(tmp_path.glob("embedded-*.pkl"))
    assert len(files) == 1
    loading._embedded_clean.cache_clear()
    again = rbu.load(random_state=5, scale=0.01, verbose=False)
    pd.testing.assert_frame_equal(first, again)
    assert again.attrs == first.attrs
    assert loading._cache_key(5, 0.01, False) != loading._cache_key(6, 0.01, False)
    loading._embedded_clean.cache_clear()
