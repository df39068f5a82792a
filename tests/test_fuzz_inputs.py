"""Generated malformed inputs (issue 24): every call returns a valid result or raises RouterBenchDataError.

Hypothesis mutates small valid inputs (a wide frame in the official format, a long log, the bytes of a
file, cost-quality points, a Parquet log split over two files) with the kinds of damage real files show:
junk cells (text, None, NaN, inf, negative numbers, booleans, durations, lists), dropped, renamed and
duplicated columns, repeated or missing ids, ids reused across tasks, truncated bytes. Whatever comes
out must either be a valid result (checked, not just returned) or a RouterBenchDataError: never
another exception, never a frame that fails validation. Runs are derandomized, so they are the same
every time, and small (a few seconds).
"""
from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.catalog import NO_MODEL_CORRECT

from .conftest import real_format_frame

FUZZ = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

JUNK = st.sampled_from([None, np.nan, np.inf, -np.inf, -1.0, 2.0, 0.0, 1.0, "x", "", " 1 ", "nan", "[INST] hi [/INST]",
                        "['a', 'b']", "['unclosed", True, 7, pd.Timedelta(seconds=1), [1, 2], "0.5"])


def _frame() -> pd.DataFrame:
    return real_format_frame()


@st.composite
def damaged_frames(draw, base=_frame):
    """A real-format frame with a few random kinds of damage."""
    frame = base()
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["cell", "cell", "drop", "rename", "duplicate-row", "id", "task",
                                     "column-of", "reuse-ids"]))
        columns = list(frame.columns)
        if kind == "cell" and len(frame):
            row = draw(st.integers(0, len(frame) - 1))
            k = draw(st.integers(0, len(columns) - 1))
            frame.isetitem(k, frame.iloc[:, k].astype(object))  # any junk fits an object column
            frame.iat[row, k] = draw(JUNK)
        elif kind == "drop" and len(columns) > 1:
            frame = frame.drop(columns=draw(st.sampled_from(columns)))
        elif kind == "rename":
            column = draw(st.sampled_from(columns))
            new = column + draw(st.sampled_from(["|cost", "|total_cost", " ", "|model_response", "|latency", "|x"]))
            frame = frame.rename(columns={column: new})
        elif kind == "duplicate-row" and len(frame):
            frame = pd.concat([frame, frame.iloc[[draw(st.integers(0, len(frame) - 1))]]], ignore_index=True)
        elif kind == "id" and "sample_id" in columns and len(frame):
            frame["sample_id"] = frame["sample_id"].astype(object)
            frame.loc[draw(st.integers(0, len(frame) - 1)), "sample_id"] = draw(st.sampled_from([None, "x", 0, np.nan]))
        elif kind == "task" and "eval_name" in columns and len(frame):
            frame["eval_name"] = frame["eval_name"].astype(object)
            frame.loc[draw(st.integers(0, len(frame) - 1)), "eval_name"] = draw(
                st.sampled_from([None, 3, "custom", "mbpp", "mmlu-x", ""]))
        elif kind == "column-of":
            value = draw(JUNK)
            frame[draw(st.sampled_from(["extra", "m|total_cost", "m", "gpt-4-1106-preview|latency"]))] = \
                pd.Series([value] * len(frame), index=frame.index, dtype=object)
        elif kind == "reuse-ids" and "sample_id" in columns:
            frame["sample_id"] = pd.Series("0", index=frame.index, dtype=object)
    if draw(st.booleans()) and len(frame):
        frame = frame.iloc[: draw(st.integers(0, len(frame)))]
    return frame


def _check_wide(df: pd.DataFrame, oracle: bool = True) -> None:
    """A valid frame: validate passes, scores and costs are finite floats; a repaired one's Oracle column
    names models of the frame (validate leaves that derived column alone: the repair recomputes it)."""
    assert isinstance(df, pd.DataFrame) and len(df) > 0
    assert rbu.data.validate(df) is df
    names = rbu.models(df)
    assert names and np.isfinite(rbu.score_matrix(df)).all() and np.isfinite(rbu.cost_matrix(df)).all()
    if oracle:
        assert set(df["oracle_model_to_route_to"]) <= set(names) | {NO_MODEL_CORRECT}


def _either(call):
    """Run ``call``: its result, or None after a RouterBenchDataError; any other exception fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning (numpy's empty mean, pandas' downcast) is a failure too
        try:
            return call()
        except RouterBenchDataError as error:
            assert str(error)  # a message, never an empty error
            return None


@FUZZ
@given(damaged_frames(), st.sampled_from(["paper", "all"]))
def test_repair_returns_a_valid_frame_or_raises_the_packages_error(frame, tasks):
    result = _either(lambda: rbu.data.repair(frame, tasks=tasks))
    if result is not None:
        df, report = result
        _check_wide(df)
        assert report.rows_in == len(frame) and report.rows_out == len(df)


@FUZZ
@given(damaged_frames(base=lambda: rbu.data.repair(real_format_frame())[0]))
def test_validate_and_the_helpers_accept_only_valid_frames(frame):
    if _either(lambda: rbu.data.validate(frame)) is not None:
        _check_wide(frame, oracle=False)
        split = _either(lambda: rbu.official_split(frame, train_fraction=0.5))
        if split is not None:
            assert len(split[0]) + len(split[1]) == len(frame)
    report = _either(lambda: rbu.hygiene.hygiene_report(frame))
    assert report is None or set(report["severity"]) <= {"error", "warning"}


@st.composite
def damaged_logs(draw):
    """A long log (one row per prompt and model) with random damage."""
    log = rbu.data.wide_to_long(rbu.data.repair(real_format_frame())[0])
    if draw(st.booleans()):
        log["latency"] = 1.0
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["cell", "drop-row", "drop-column", "repeat", "task"]))
        if kind == "cell":
            column = draw(st.sampled_from(list(log.columns)))
            log[column] = log[column].astype(object)
            log.loc[log.index[draw(st.integers(0, len(log) - 1))], column] = draw(JUNK)
        elif kind == "drop-row" and len(log) > 1:
            log = log.drop(index=log.index[draw(st.integers(0, len(log) - 1))])
        elif kind == "drop-column":
            log = log.drop(columns=draw(st.sampled_from(list(log.columns))))
        elif kind == "repeat":
            log = pd.concat([log, log.iloc[[draw(st.integers(0, len(log) - 1))]]])
        elif kind == "task" and "eval_name" in log.columns:
            log["eval_name"] = log["eval_name"].astype(object)
            log.loc[log.index[draw(st.integers(0, len(log) - 1))], "eval_name"] = draw(st.sampled_from(["mbpp", None]))
    return log.reset_index(drop=True)


@FUZZ
@given(damaged_logs(), st.sampled_from(["raise", "drop"]))
def test_long_to_wide_returns_a_valid_frame_or_raises_the_packages_error(log, missing):
    wide = _either(lambda: rbu.long_to_wide(log, missing=missing))
    if wide is not None:
        assert rbu.data.validate(wide) is wide
        assert np.isfinite(rbu.score_matrix(wide)).all()


@settings(FUZZ, max_examples=25)
@given(st.sampled_from([".pkl", ".csv", ".parquet"]), st.integers(0, 4000), st.booleans(), st.booleans())
def test_files_cut_anywhere_load_or_raise_the_packages_error(tmp_path_factory, suffix, cut, long, bad_cell):
    frame = real_format_frame()
    if bad_cell:
        frame.loc[2, "claude"] = "oops"  # a column left out, and reported
    if long:
        frame = rbu.data.wide_to_long(rbu.data.repair(frame)[0]).rename(
            columns={"model": "model_name", "quality": "performance"})
    buffer = io.BytesIO()
    {".pkl": frame.to_pickle, ".csv": lambda b: frame.to_csv(b, index=False),
     ".parquet": frame.to_parquet}[suffix](buffer)
    path = tmp_path_factory.mktemp("fuzz") / f"data{suffix}"
    path.write_bytes(buffer.getvalue()[:cut])
    df = _either(lambda: rbu.data.load_routerbench(path, verbose=False))
    if df is not None:
        _check_wide(df)


numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.sampled_from([0.0, 1.0, -1.0]))


@settings(FUZZ, max_examples=60)
@given(st.lists(st.tuples(numbers, numbers), max_size=6), numbers)
def test_metrics_of_any_points_return_a_number_or_raise_the_packages_error(points, target):
    cost = [c for c, _ in points]
    quality = [q for _, q in points]
    value = _either(lambda: rbu.aiq(cost, quality))
    assert value is None or np.isfinite(value)
    reach = _either(lambda: rbu.cost_to_reach(cost, quality, target))
    assert reach is None or np.isnan(reach) or reach >= 0
    hull = _either(lambda: rbu.ndch(cost, quality))
    assert hull is None or len(hull.cost) >= 1


duckdb = pytest.importorskip("duckdb")


@settings(FUZZ, max_examples=12)
@given(st.sampled_from(["none", "drop", "type", "junk", "null"]), st.sampled_from(["sample_id", "model", "quality",
                                                                                  "cost", "eval_name"]))
def test_parquet_logs_give_the_in_memory_points_or_raise_the_packages_error(tmp_path_factory, damage, column):
    log = rbu.data.wide_to_long(rbu.data.repair(real_format_frame())[0])
    first, second = log.iloc[:6].copy(), log.iloc[6:].copy()
    if damage == "drop":
        second = second.drop(columns=column)
    elif damage == "type":
        second[column] = second[column].astype(str)
    elif damage == "junk":
        second = second.astype({column: object})
        second.iloc[0, second.columns.get_loc(column)] = "junk"
        second[column] = second[column].astype(str)
    elif damage == "null":
        second = second.astype({column: object})
        second.iloc[0, second.columns.get_loc(column)] = None
    folder = tmp_path_factory.mktemp("parquet")
    first.to_parquet(folder / "a.parquet", index=False)
    second.to_parquet(folder / "b.parquet", index=False)
    points = _either(lambda: rbu.largelog.model_points(folder))
    if points is not None:
        expected = rbu.model_points(rbu.long_to_wide(pd.concat([first, second], ignore_index=True)))
        pd.testing.assert_frame_equal(points, expected, check_dtype=False, rtol=1e-12)


@pytest.fixture(scope="module")
def fitted():
    """Routers that fit fast, fitted once on a small embedded split."""
    train, test = rbu.official_split(rbu.load(scale=0.01, verbose=False))
    routers = [rbu.OracleRouter().fit(train), rbu.ZeroRouter().fit(train), rbu.CascadeRouter().fit(train),
               rbu.TaskLabelRouter().fit(train)]
    return routers, test


knob_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 3),
                        st.sampled_from([None, "1", "", True, [0.1], np.float32("nan")]))


@settings(FUZZ, max_examples=60)
@given(st.integers(0, 3), knob_values)
def test_any_knob_value_routes_to_models_or_raises_the_packages_error(fitted, which, value):
    routers, test = fitted
    router = routers[which]
    chosen = _either(lambda: router.route(test, value))
    if chosen is not None:
        assert len(chosen) == len(test)
        assert set(chosen) <= set(rbu.models(test)) | {NO_MODEL_CORRECT}
        cost, quality = rbu.evaluate_routing(test, chosen)
        assert np.isfinite(cost) and 0 <= quality <= 1
