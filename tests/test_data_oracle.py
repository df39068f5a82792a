"""The Oracle's choice per prompt (routerbench_utils.data.oracle)."""
from __future__ import annotations

import numpy as np
import pandas as pd

import routerbench_utils as rbu


def test_oracle_choice_takes_the_best_score_then_the_lowest_cost():
    scores = np.array([[1.0, 1.0, 0.0], [0.5, 0.8, 0.8], [0.0, 0.0, 0.0]])
    costs = np.array([[0.3, 0.1, 0.0], [0.1, 0.4, 0.2], [0.1, 0.2, 0.3]])
    np.testing.assert_array_equal(rbu.data.oracle_choice(scores, costs), [1, 2, -1])


def test_oracle_labels_name_the_model_or_no_model_correct():
    frame = pd.DataFrame({"sample_id": ["x", "y"], "eval_name": ["mbpp"] * 2,
                          "a": [1.0, 0.0], "a|total_cost": [0.2, 0.2],
                          "b": [1.0, 0.0], "b|total_cost": [0.1, 0.1]})
    assert rbu.data.oracle_labels(frame).tolist() == ["b", rbu.catalog.NO_MODEL_CORRECT]
    assert rbu.data.oracle_labels(frame, ["a"]).tolist() == ["a", rbu.catalog.NO_MODEL_CORRECT]
