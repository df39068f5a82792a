"""The wide frame's schema (routerbench_utils.data.schema): accessors and validation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def test_validate_rejects_duplicates_and_string_scores(real_frame):
    clean, _ = rbu.data.repair(real_frame)
    with pytest.raises(RouterBenchDataError, match="sample_id.*share an id.*mbpp.dev.1"):
        rbu.data.validate(pd.concat([clean, clean.iloc[[2]]]))
    with pytest.raises(RouterBenchDataError, match="dtype.*expected a score"):
        rbu.data.validate(clean.assign(**{"claude-v2": "1", "claude-v2|total_cost": 0.1}))


def test_validate_wants_model_columns(real_frame):
    with pytest.raises(RouterBenchDataError, match="no model columns"):
        rbu.data.validate(real_frame[["sample_id", "eval_name"]])


def test_dataset_of():
    assert rbu.catalog.dataset_of("mmlu-professional-law") == "mmlu"
    assert rbu.catalog.dataset_of("mtbench101") == "mtbench"
    assert rbu.catalog.dataset_of("grade-school-math") == "grade-school-math"
    assert rbu.catalog.dataset_of("my-task") == "my-task"
    with pytest.raises(RouterBenchDataError, match="eval_name"):
        rbu.catalog.dataset_of(3)


def test_accessors_read_the_columns_in_the_order_asked():
    frame = pd.DataFrame({"sample_id": ["x", "y"], "eval_name": ["mmlu-anatomy", "mbpp"],
                          "a": [1.0, 0.0], "a|total_cost": [0.1, 0.2], "b": [0.5, 1.0],
                          "b|total_cost": [0.01, 0.02]})
    assert rbu.models(frame) == ["a", "b"]
    assert rbu.data.cost_column("a") == "a|total_cost"
    np.testing.assert_array_equal(rbu.score_matrix(frame, ["b", "a"]), [[0.5, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(rbu.cost_matrix(frame, ["b"]), [[0.01], [0.02]])
    assert rbu.data.dataset_column(frame).tolist() == ["mmlu", "mbpp"]
    with pytest.raises(RouterBenchDataError, match="missing column.*'c[|]total_cost'"):
        rbu.cost_matrix(frame, ["c"])


def test_check_model_columns_names_orphans():
    frame = pd.DataFrame({"sample_id": ["x"], "eval_name": ["mbpp"], "a|total_cost": [0.1]})
    with pytest.raises(RouterBenchDataError, match="'a[|]total_cost' has no score column 'a'"):
        rbu.data.check_model_columns(frame)
