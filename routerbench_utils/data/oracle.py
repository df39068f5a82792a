"""The Oracle's choice per prompt: the best score, ties broken by the lower cost.

One definition, used by the loader (which recomputes ``oracle_model_to_route_to``), the converter of
long logs, the embedded data's generator and the Oracle router; :func:`~routerbench_utils.data.oracle.oracle_points` gives the
Oracle's (cost, quality) point of each dataset from it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._deprecated import keyword_only
from ..catalog import NO_MODEL_CORRECT
from .schema import cost_matrix, dataset_column, models, score_matrix, validate


@keyword_only("cost", "quality")
def oracle_choice(*, cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Index of the Oracle's model per prompt: the best score, ties broken by the lower cost.

    .. math:: m^*(i) = \\arg\\min \\{ c_{im} : s_{im} = \\max_{m'} s_{im'} \\}

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    cost, quality : ndarray of shape (prompts, models), keyword-only
        Costs in USD and scores in [0, 1], passed by name (a positional call raises a TypeError).

    Returns
    -------
    ndarray of int
        The column of the chosen model per prompt; -1 where every score is 0 (no model is correct).

    Examples
    --------
    >>> oracle_choice(cost=np.array([[0.2, 0.1], [0.2, 0.1]]),
    ...               quality=np.array([[1.0, 1.0], [0.0, 0.0]]))
    array([ 1, -1])
    """
    scores = np.asarray(quality, dtype=float)
    costs = np.asarray(cost, dtype=float)
    best = scores.max(axis=1, keepdims=True)
    # Among the models that reach the best score, take the cheapest.
    tied_cost = np.where(scores == best, costs, np.inf)
    choice = tied_cost.argmin(axis=1)
    return np.where(best[:, 0] > 0, choice, -1)


def oracle_labels(df: pd.DataFrame, model_names: Sequence[str] | None = None) -> np.ndarray:
    """The ``oracle_model_to_route_to`` column recomputed from the scores and costs of ``df``.

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    df : DataFrame
        A wide frame.
    model_names : sequence of str, optional
        The models to choose from; default all models of ``df``.

    Returns
    -------
    ndarray of object
        One model name per row, or ``no_model_correct`` where every model scores 0.
    """
    names = models(df) if model_names is None else list(model_names)
    choice = oracle_choice(cost=cost_matrix(df, names), quality=score_matrix(df, names))
    labels = np.array(names + [NO_MODEL_CORRECT], dtype=object)
    return labels[choice]  # -1 picks the last label, NO_MODEL_CORRECT


def oracle_points(df: pd.DataFrame, model_names: Sequence[str] | None = None) -> pd.DataFrame:
    """The Oracle's point of each dataset: its mean cost per query and mean score.

    With :math:`m^*(i)` the Oracle's model (:func:`~routerbench_utils.data.oracle.oracle_choice`), over the rows :math:`i \\in D` of a
    dataset

    .. math:: \\text{cost} = \\frac{1}{|D|} \\sum_{i \\in D} c_{i m^*(i)}, \\qquad
              \\text{quality} = \\frac{1}{|D|} \\sum_{i \\in D} \\max_m s_{im},

    where a prompt no model gets right (``no_model_correct``) counts as cost 0 and score 0, as in
    :class:`~routerbench_utils.OracleRouter` and the official code. The rows have the form of
    :func:`~routerbench_utils.model_points`, so the two frames concatenate for a plot or a table.

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    df : DataFrame
        A wide frame (any rows, e.g. a test split).
    model_names : sequence of str, optional
        The models the Oracle chooses from; default all models of ``df``.

    Returns
    -------
    DataFrame
        One row per dataset, in order of first appearance: ``dataset``, ``model`` (``"Oracle"``),
        ``cost``, ``quality``, ``n`` (the number of rows).

    Raises
    ------
    RouterBenchDataError
        If ``df`` is not a clean wide frame, or a named model has no score or cost column.

    Examples
    --------
    >>> oracle_points(test).columns.tolist()
    ['dataset', 'model', 'cost', 'quality', 'n']
    """
    validate(df)
    names = models(df) if model_names is None else list(model_names)
    costs, scores = cost_matrix(df, names), score_matrix(df, names)
    choice = oracle_choice(cost=costs, quality=scores)
    routed = choice >= 0  # -1: no model is correct, routed nowhere
    paid = np.where(routed, np.take_along_axis(costs, np.maximum(choice, 0)[:, None], 1)[:, 0], 0.0)
    per_prompt = pd.DataFrame({"dataset": dataset_column(df).to_numpy(), "cost": paid,
                               "quality": np.where(routed, scores.max(axis=1), 0.0)})
    grouped = per_prompt.groupby("dataset", sort=False)
    points = grouped[["cost", "quality"]].mean().assign(n=grouped.size(), model="Oracle")
    return points.reset_index()[["dataset", "model", "cost", "quality", "n"]]
