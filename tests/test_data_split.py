"""The official split (routerbench_utils.data.split)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


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
