"""Which datasets a frame holds and their rows (routerbench_utils.subsets)."""
from __future__ import annotations

import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def frame(names):
    return pd.DataFrame({"eval_name": names, "x": range(len(names))})


def test_dataset_rows_keeps_one_dataset_in_order_with_its_index():
    df = frame(["mbpp", "mmlu-anatomy", "mbpp", "mmlu-virology"])
    part = rbu.subsets.dataset_rows("mmlu", df)
    assert part.index.tolist() == [1, 3] and part["x"].tolist() == [1, 3]


def test_dataset_rows_cuts_every_frame_like_by_dataset():
    df = rbu.load(random_state=2, scale=0.02, verbose=False)
    train, test = rbu.official_split(df)
    for name, tr, te in rbu.by_dataset(train, test):
        got_tr, got_te = rbu.subsets.dataset_rows(name, train, test)
        pd.testing.assert_frame_equal(got_tr, tr)
        pd.testing.assert_frame_equal(got_te, te)


def test_dataset_rows_names_the_frame_that_lacks_the_dataset():
    with pytest.raises(RouterBenchDataError, match=r"frame 2 has no rows of dataset 'mbpp'.*'mmlu'"):
        rbu.subsets.dataset_rows("mbpp", frame(["mbpp"]), frame(["mmlu-anatomy"]))
    with pytest.raises(RouterBenchDataError, match="frame 1"):
        rbu.subsets.dataset_rows("gsm8k", frame(["mbpp"]))


def test_dataset_rows_with_the_arguments_swapped_says_the_order():
    df = pd.DataFrame({"eval_name": ["mbpp", "mmlu-anatomy"], "x": [1, 2]})
    with pytest.raises(RouterBenchDataError, match=r"dataset's name, then frames.*got \(DataFrame, str\)"):
        rbu.subsets.dataset_rows(df, "mbpp")
