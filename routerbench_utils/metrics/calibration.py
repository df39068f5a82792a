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



def recalibrate(predicted, fit_predicted, fit_actual) -> np.ndarray:
    """Predicted scores mapped through one isotonic regression per model, fitted on held-out pairs.

    For model :math:`m`, :math:`g_m` is the non-decreasing map that minimises
    :math:`\\sum_i (a_{im} - g_m(p_{im}))^2` over the fitting pairs (``fit_predicted``, ``fit_actual``,
    e.g. out-of-fold predictions of the training rows and their true scores), clipped to [0, 1]; the
    result is :math:`g_m(\\hat q_{im})` for every row of ``predicted``. A router whose scores are
    calibrated is left nearly as it is.

    See the chapter :ref:`chap-predictive` ("Predictive routers", calibration).

    Parameters
    ----------
    predicted : array_like of shape (rows, models)
        The scores to recalibrate (e.g. ``router.predict_quality(test)``).
    fit_predicted : array_like of shape (fit rows, models)
        Predictions on rows the router was not fitted on (out-of-fold predictions of the training rows:
        :func:`routerbench_utils.routers.out_of_fold_quality`).
    fit_actual : array_like of shape (fit rows, models)
        The true scores of those rows.

    Returns
    -------
    ndarray of shape (rows, models)
        The recalibrated scores, in [0, 1].

    Raises
    ------
    RouterBenchDataError
        If the arrays are not 2-D, or their numbers of models (or of fitting rows) differ.

    Examples
    --------
    >>> fit_p = np.array([[0.1], [0.4], [0.6], [0.9]])
    >>> fit_a = np.array([[0.0], [0.0], [1.0], [1.0]])
    >>> recalibrate(np.array([[0.2], [0.8]]), fit_p, fit_a).ravel().tolist()
    [0.0, 1.0]
    """
    from sklearn.isotonic import IsotonicRegression

    p, fp, fa = (np.asarray(x, dtype=float) for x in (predicted, fit_predicted, fit_actual))
    if p.ndim != 2 or fp.ndim != 2 or fa.ndim != 2:
        raise RouterBenchDataError(
            f"predicted, fit_predicted, fit_actual: expected 2-D arrays (rows, models), got shapes "
            f"{p.shape}, {fp.shape}, {fa.shape}")
    if not (p.shape[1] == fp.shape[1] == fa.shape[1]) or fp.shape[0] != fa.shape[0]:
        raise RouterBenchDataError(
            f"predicted, fit_predicted, fit_actual: expected one column per model in each and one row per "
            f"fitting row in the last two, got shapes {p.shape}, {fp.shape}, {fa.shape}")
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    return np.column_stack([iso.fit(fp[:, j], fa[:, j]).predict(p[:, j]) for j in range(p.shape[1])])
