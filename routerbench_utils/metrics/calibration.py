"""Calibration of predicted scores: the Brier score and the reliability table (chapter "Predictive
routers").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import RouterBenchDataError


def brier_score(predicted, actual) -> float:
    """Mean squared error of predicted scores, :math:`\\frac{1}{N}\\sum_i (\\hat q_i - s_i)^2`.

    0 is perfect; always predicting 0.5 on 0/1 scores gives 0.25.

    See the chapter :ref:`chap-predictive` ("Predictive routers", calibration).

    Parameters
    ----------
    predicted, actual : array_like
        Predicted and actual scores, of any (equal) shape; both are flattened.

    Returns
    -------
    float
        The Brier score.

    Raises
    ------
    RouterBenchDataError
        If the two differ in size or are empty.

    Examples
    --------
    >>> brier_score([0.5, 0.5], [0.0, 1.0])
    0.25
    """
    p, a = np.asarray(predicted, dtype=float).ravel(), np.asarray(actual, dtype=float).ravel()
    if p.shape != a.shape or p.size == 0:
        raise RouterBenchDataError(f"brier_score: expected equal, non-empty shapes, got {p.size} and {a.size}")
    return float(np.mean((p - a) ** 2))


def reliability_table(predicted, actual, bins: int = 10) -> pd.DataFrame:
    """Calibration of predicted scores: per equal-width bin of the prediction, its mean prediction, the
    mean actual score and the count.

    For bin :math:`B_j = [j/J, (j+1)/J)` (the last one closed), the table gives
    :math:`\\bar{\\hat q}_j = \\mathrm{mean}\\{\\hat q_i : \\hat q_i \\in B_j\\}` and
    :math:`\\bar s_j = \\mathrm{mean}\\{s_i : \\hat q_i \\in B_j\\}`. A calibrated predictor has the two
    equal in every bin (the diagonal of a reliability diagram). Predictions outside [0, 1] count in
    the end bins.

    See the chapter :ref:`chap-predictive` ("Predictive routers", calibration).

    Parameters
    ----------
    predicted, actual : array_like
        Predicted and actual scores, of any (equal) shape; both are flattened.
    bins : int
        Number of equal-width bins over [0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns ``bin_low``, ``bin_high``, ``predicted``, ``actual``, ``count``; empty bins left out.

    Raises
    ------
    RouterBenchDataError
        If the two differ in size or are empty.

    Examples
    --------
    >>> reliability_table([0.1, 0.2, 0.9], [0, 1, 1], bins=2)["count"].tolist()
    [2, 1]
    """
    p, a = np.asarray(predicted, dtype=float).ravel(), np.asarray(actual, dtype=float).ravel()
    if p.shape != a.shape or p.size == 0:
        raise RouterBenchDataError(f"reliability_table: expected equal, non-empty shapes, got {p.size} and {a.size}")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_p = np.bincount(which, weights=p, minlength=bins) / counts
        mean_a = np.bincount(which, weights=a, minlength=bins) / counts
    table = pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "predicted": mean_p,
                          "actual": mean_a, "count": counts})
    return table[table["count"] > 0].reset_index(drop=True)

