"""The Oracle's choice per prompt: the best score, ties broken by the lower cost.

One definition, used by the loader (which recomputes ``oracle_model_to_route_to``), the converter of
long logs, the embedded data's generator and the Oracle router.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..catalog import NO_MODEL_CORRECT
from .schema import cost_matrix, models, score_matrix


def oracle_choice(scores: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Index of the Oracle's model per prompt: the best score, ties broken by the lower cost.

    .. math:: m^*(i) = \\arg\\min \\{ c_{im} : s_{im} = \\max_{m'} s_{im'} \\}

    Parameters
    ----------
    scores, costs : ndarray of shape (prompts, models)
        Scores in [0, 1] and costs in USD.

    Returns
    -------
    ndarray of int
        The column of the chosen model per prompt; -1 where every score is 0 (no model is correct).

    Examples
    --------
    >>> oracle_choice(np.array([[1.0, 1.0], [0.0, 0.0]]), np.array([[0.2, 0.1], [0.2, 0.1]]))
    array([ 1, -1])

    See the chapter :ref:`chap-oracle` ("The Oracle").
    """
    scores = np.asarray(scores, dtype=float)
    costs = np.asarray(costs, dtype=float)
    best = scores.max(axis=1, keepdims=True)
    # Among the models that reach the best score, take the cheapest.
    tied_cost = np.where(scores == best, costs, np.inf)
    choice = tied_cost.argmin(axis=1)
    return np.where(best[:, 0] > 0, choice, -1)


def oracle_labels(df: pd.DataFrame, model_names: Sequence[str] | None = None) -> np.ndarray:
    """The ``oracle_model_to_route_to`` column recomputed from the scores and costs of ``df``.

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

    See the chapter :ref:`chap-oracle` ("The Oracle").
    """
    names = models(df) if model_names is None else list(model_names)
    choice = oracle_choice(score_matrix(df, names), cost_matrix(df, names))
    labels = np.array(names + [NO_MODEL_CORRECT], dtype=object)
    return labels[choice]  # -1 picks the last label, NO_MODEL_CORRECT
