"""The Oracle's choice per prompt (routerbench_utils.data.oracle)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu


def test_oracle_choice_takes_the_best_score_then_the_lowest_cost():
    scores = np.array([[1.0, 1.0, 0.0], [0.5, 0.8, 0.8], [0.0, 0.0, 0.0]])
    costs = np.array([[0.3, 0.1, 0.0], [0.1, 0.4, 0.2], [0.1, 0.2, 0.3]])
    np.testing.assert_array_equal(rbu.data.oracle_choice(cost=costs, quality=scores), [1, 2, -1])


def test_oracle_choice_refuses_its_matrices_by_position():
    """The old order was (scores, costs): a positional call cannot be read safely, so it is refused."""
    with pytest.raises(TypeError, match=r"cost=, quality= by name only \(cost before quality\)"):
        rbu.data.oracle_choice(np.ones((1, 2)), np.ones((1, 2)))


def test_oracle_labels_name_the_model_or_no_model_correct():
    frame = pd.DataFrame({"sample_id": ["x", "y"], "eval_name": ["mbpp"] * 2,
                          "a": [1.0, 0.0], "a|total_cost": [0.2, 0.2],
                          "b": [1.0, 0.0], "b|total_cost": [0.1, 0.1]})
    assert rbu.data.oracle_labels(frame).tolist() == ["b", rbu.catalog.NO_MODEL_CORRECT]
    assert rbu.data.oracle_labels(frame, ["a"]).tolist() == ["a", rbu.catalog.NO_MODEL_CORRECT]


def test_oracle_points_worked_example():
    # mbpp: prompt x -> b (both right, b cheaper), prompt y -> nobody (cost 0, score 0);
    # gsm8k: prompt z -> a (the better partial score, although dearer).
    frame = pd.DataFrame({"sample_id": ["x", "y", "z"], "eval_name": ["mbpp", "mbpp", "gsm8k"],
                          "a": [1.0, 0.0, 0.75], "a|total_cost": [0.2, 0.2, 0.4],
                          "b": [1.0, 0.0, 0.5], "b|total_cost": [0.1, 0.1, 0.1]})
    points = rbu.data.oracle_points(frame)
    assert points.columns.tolist() == ["dataset", "model", "cost", "quality", "n"]
    assert points["dataset"].tolist() == ["mbpp", "gsm8k"] and set(points["model"]) == {"Oracle"}
    np.testing.assert_allclose(points["cost"], [0.05, 0.4])
    np.testing.assert_allclose(points["quality"], [0.5, 0.75])
    assert points["n"].tolist() == [2, 1]


def test_oracle_points_equal_the_oracle_router_on_every_dataset():
    df = rbu.load(random_state=3, scale=0.03, verbose=False)
    points = rbu.data.oracle_points(df).set_index("dataset")
    oracle = rbu.OracleRouter().fit(df)
    for name, part in rbu.by_dataset(df):
        cost, quality = rbu.evaluate_routing(part, oracle.route(part))
        np.testing.assert_allclose(points.loc[name, ["cost", "quality"]], [cost, quality],
                                   rtol=1e-12)
        assert points.loc[name, "n"] == len(part)
