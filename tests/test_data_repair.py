"""Repairing the official files' quirks (routerbench_utils.data.repair) and its errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


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


def test_repair_refuses_missing_columns_and_empty_frames(real_frame):
    with pytest.raises(RouterBenchDataError, match="missing column.*eval_name"):
        rbu.data.repair(real_frame.drop(columns="eval_name"))
    with pytest.raises(RouterBenchDataError, match="empty"):
        rbu.data.repair(real_frame.iloc[:0])


def test_turns_to_text_joins_turns_and_refuses_other_text():
    text = rbu.data.turns_to_text(pd.Series(["['a', 'b']", "'c'", None]))
    assert text.tolist() == ["a\n\nb", "c", None]
    with pytest.raises(RouterBenchDataError, match="prompt.*not the repr"):
        rbu.data.turns_to_text(pd.Series(["[unclosed"]))
