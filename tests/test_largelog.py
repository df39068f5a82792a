"""Points of a Parquet log through DuckDB (routerbench_utils.largelog) against the in-memory path."""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError, largelog

pytest.importorskip("duckdb")


def _write(log: pd.DataFrame, folder, parts: int = 1) -> list[str]:
    """The log as ``parts`` Parquet files, in row order (names sort in that order)."""
    paths = []
    for k, chunk in enumerate(np.array_split(np.arange(len(log)), parts)):
        path = folder / f"part-{k:03d}.parquet"
        log.iloc[chunk].to_parquet(path, index=False)
        paths.append(str(path))
    return paths


def _in_memory(log: pd.DataFrame, **kw) -> pd.DataFrame:
    cost = kw.pop("cost", "mean")
    return rbu.model_points(rbu.long_to_wide(log, **kw), cost=cost)


@pytest.fixture(scope="module")
def log(small_data) -> pd.DataFrame:
    return rbu.data.wide_to_long(small_data)


def test_points_equal_the_in_memory_points(log, tmp_path):
    files = _write(log, tmp_path, parts=3)
    points = largelog.model_points(tmp_path)  # a directory: every *.parquet, in name order
    pd.testing.assert_frame_equal(points, _in_memory(log), check_dtype=False, rtol=1e-12)
    assert points.attrs["rows"] == len(log)
    total = largelog.model_points(files, cost="total")
    pd.testing.assert_frame_equal(total, _in_memory(log, cost="total"), check_dtype=False, rtol=1e-12)


def test_zero_router_and_aiq_follow_from_the_points(log, tmp_path):
    _write(log, tmp_path)
    points = largelog.model_points(tmp_path / "part-000.parquet")
    expected = _in_memory(log)
    pd.testing.assert_frame_equal(rbu.zero_router_curve(points), rbu.zero_router_curve(expected),
                                  check_dtype=False, rtol=1e-12)
    for (_, got), (_, want) in zip(points.groupby("dataset", sort=False), expected.groupby("dataset", sort=False)):
        assert rbu.aiq(got["cost"], got["quality"]) == pytest.approx(rbu.aiq(want["cost"], want["quality"]),
                                                                      rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(n_prompts=st.integers(1, 25), n_models=st.integers(1, 5), seed=st.integers(0, 10_000),
       parts=st.integers(1, 3), shuffled=st.booleans(), timed=st.booleans(), tasks=st.booleans())
def test_points_match_on_generated_logs(tmp_path_factory, n_prompts, n_models, seed, parts, shuffled, timed,
                                        tasks):
    rng = np.random.default_rng(seed)
    names = [f"m{k}" for k in rng.permutation(n_models)]
    log = pd.DataFrame({"sample_id": np.repeat([f"p{k}" for k in rng.permutation(n_prompts)], n_models),
                        "model": np.tile(names, n_prompts),
                        "quality": rng.integers(0, 3, n_prompts * n_models) / 2,
                        "cost": rng.random(n_prompts * n_models)})
    if tasks:
        log["eval_name"] = np.repeat(rng.choice(["mbpp", "mmlu-anatomy", "mine"], n_prompts), n_models)
    if timed:
        log["latency"] = rng.random(len(log))
    if shuffled:
        log = log.iloc[rng.permutation(len(log))].reset_index(drop=True)
    folder = tmp_path_factory.mktemp("log")
    points = largelog.model_points(_write(log, folder, parts))
    pd.testing.assert_frame_equal(points, _in_memory(log), check_dtype=False, rtol=1e-12)


def _small_log() -> pd.DataFrame:
    return pd.DataFrame({
        "sample_id": ["q1", "q1", "q2", "q2", "q3", "q3"], "model": ["big", "small"] * 3,
        "quality": [1.0, 1.0, 1.0, 0.0, 0.5, 0.0], "cost": [0.02, 0.001, 0.03, 0.002, 0.02, 0.001],
        "eval_name": ["mbpp"] * 6,
    })


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.drop(columns="cost"), "missing column.*cost"),
    (lambda d: d.drop(index=[3]), "column 'model': 1 prompts lack a row.*'q2'"),
    (lambda d: pd.concat([d, d.iloc[[0]]]), "repeat a \\(prompt, model\\) pair.*\\('q1', 'big'\\)"),
    (lambda d: d.assign(quality=[1.0, 1.2, 1.0, 0.0, 0.5, 0.0]), "quality.*not a quality in \\[0, 1\\].*'q1': 1.2"),
    (lambda d: d.assign(cost=[0.02, 0.001, -1.0, 0.002, 0.02, 0.001]), "cost.*not a cost >= 0.*'q2': -1.0"),
    (lambda d: d.assign(cost=[0.02, 0.001, np.inf, 0.002, 0.02, 0.001]), "cost.*not a cost >= 0.*'q2': inf"),
    (lambda d: d.assign(quality=[1.0, np.nan, 1.0, 0.0, 0.5, 0.0]), "quality.*1 rows are missing.*'q1'"),
    (lambda d: d.assign(quality=["1", "1", "1", "0", "1", "0"]), "quality.*type VARCHAR.*expected numbers"),
    (lambda d: d.assign(eval_name=["mbpp", "mmlu", "mbpp", "mbpp", "mbpp", "mbpp"]),
     "eval_name.*'q1'.*different values"),
])
def test_bad_logs_raise_as_long_to_wide_does(tmp_path, mutate, message):
    log = mutate(_small_log())
    path = _write(log.reset_index(drop=True), tmp_path)
    with pytest.raises(RouterBenchDataError, match=message):
        largelog.model_points(path)
    if "type VARCHAR" not in message and "missing column" not in message:
        with pytest.raises(RouterBenchDataError):  # the in-memory path refuses the same log
            rbu.long_to_wide(log)


def test_drop_leaves_out_the_prompts_a_model_missed(tmp_path, capsys):
    log = _small_log().drop(index=[3]).reset_index(drop=True)
    points = largelog.model_points(_write(log, tmp_path), missing="drop")
    assert "dropped 1 prompts" in capsys.readouterr().out
    assert points.attrs["dropped_prompts"] == ["q2"] and points.attrs["n_dropped"] == 1
    pd.testing.assert_frame_equal(points, _in_memory(log, missing="drop"), check_dtype=False, rtol=1e-12)
    with pytest.raises(RouterBenchDataError, match="check_pairs"):
        largelog.model_points(_write(log, tmp_path), missing="drop", check_pairs=False)


def test_without_the_pair_check_uneven_counts_still_raise(tmp_path):
    log = _small_log().drop(index=[3]).reset_index(drop=True)
    with pytest.raises(RouterBenchDataError, match="different numbers of rows"):
        largelog.model_points(_write(log, tmp_path), check_pairs=False)


def test_arguments_and_sources_are_checked(tmp_path):
    with pytest.raises(RouterBenchDataError, match="names no Parquet file"):
        largelog.model_points(tmp_path / "absent.parquet")
    with pytest.raises(RouterBenchDataError, match="cost"):
        largelog.model_points(tmp_path, cost="median")


def test_points_sql_is_a_plain_group_by():
    sql = largelog.points_sql("events", latency=True)
    assert sql.startswith("SELECT eval_name, model, COUNT(*) AS n, SUM(quality) AS quality, SUM(cost)")
    assert "SUM(latency)" in sql and sql.endswith("FROM events GROUP BY eval_name, model")
    assert "GROUP BY model" in largelog.points_sql(eval_name=False)


def test_a_missing_duckdb_says_how_to_install_it(tmp_path, monkeypatch):
    _write(_small_log(), tmp_path)
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(RouterBenchDataError, match="pip install"):
        largelog.model_points(tmp_path)


@pytest.mark.filterwarnings("ignore::pandas.errors.PerformanceWarning")  # model_points, 64 models
@pytest.mark.parametrize("n_models", [40, 64])
def test_many_models_are_told_apart_exactly(tmp_path, n_models):
    """Past a few dozen models no window of a hash separates them; the check falls back to positions."""
    names = [f"model-{k}" for k in range(n_models)]
    log = pd.DataFrame({"sample_id": np.repeat(["a", "b", "c"], n_models), "model": names * 3,
                        "quality": np.tile(np.linspace(0, 1, n_models), 3), "cost": 0.001})
    points = largelog.model_points(_write(log, tmp_path))
    pd.testing.assert_frame_equal(points, _in_memory(log), check_dtype=False, rtol=1e-12)
    ragged = log.drop(index=[n_models + 7]).reset_index(drop=True)  # 'b' lacks model-7
    with pytest.raises(RouterBenchDataError, match="1 prompts lack a row.*'b'"):
        largelog.model_points(_write(ragged, tmp_path))


def test_more_than_64_models_are_refused(tmp_path):
    log = pd.DataFrame({"sample_id": "a", "model": [f"m{k}" for k in range(65)], "quality": 1.0,
                        "cost": 0.001})
    with pytest.raises(RouterBenchDataError, match="65 models; at most 64"):
        largelog.model_points(_write(log, tmp_path))


def test_the_portable_statement_and_points_from_sums_give_the_points(log):
    """What a Spark or warehouse user runs: points_sql on their engine, points_from_sums on the result
    (here DuckDB on the frame, without row positions: the order of the result)."""
    import duckdb

    sums = duckdb.connect().execute(largelog.points_sql("log")).df()  # 'log': the frame, by name
    points = largelog.points_from_sums(sums)
    expected = _in_memory(log)
    merged = expected.merge(points, on=["dataset", "model"], suffixes=("", "_sums"))
    assert len(merged) == len(expected) == len(points)
    np.testing.assert_allclose(merged[["cost_sums", "quality_sums"]], merged[["cost", "quality"]], rtol=1e-12)
    assert (merged["n"] == merged["n_sums"]).all()
    with pytest.raises(RouterBenchDataError, match="missing column"):
        largelog.points_from_sums(sums.drop(columns="n"))
