"""Learning curves of an online router: cumulative regret of its stream of choices and the AIQ of its
policy as it learns (chapter "Online routing under partial feedback").

:func:`aiq_learning_curve` is the wide form; :func:`learning_estimates` gives the same AIQ with paired
bootstrap intervals in the engine's tidy table (:data:`routerbench_utils.evaluation.COLUMNS`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._deprecated import keyword_only
from ..errors import RouterBenchDataError
from ..frontier import ndch
from ..metrics import aiq, interval
from ..routers import LinUCBRouter
from .engine import COLUMNS, paired_samples, resampling


@keyword_only("cost", "quality")
def regret_curves(chosen, checkpoints: Sequence[int] | None = None, *, cost, quality) -> pd.DataFrame:
    """Cumulative regret of a stream of choices against three comparators, after ``t`` prompts.

    With :math:`Q_t = \\sum_{i \\le t} s_{i a_i}` and :math:`S_t = \\sum_{i \\le t} c_{i a_i}` the
    router's cumulative score and spend, and :math:`Q_{ta}, C_{ta}` those of model :math:`a` alone
    on the same prompts:

    - ``oracle``: :math:`R^{O}_t = \\sum_{i \\le t} \\max_a s_{ia} - Q_t \\ge 0`, against the best
      score on every prompt (at any cost);
    - ``best_fixed``: :math:`R^{F}_t = \\max\\{Q_{ta} : C_{ta} \\le S_t\\} - Q_t`, against the best single
      model the same money would have paid for on these prompts (NaN if none);
    - ``zero``: :math:`R^{Z}_t = t\\,\\tilde f_t(S_t/t) - Q_t`, against the Zero router's mixture at
      the same spend: :math:`\\tilde f_t` is the non-decreasing convex hull (:func:`~routerbench_utils.ndch`)
      of the models' mean (cost, score) points on the first :math:`t` prompts (NaN where the router
      spent less than the cheapest point of the hull).

    Any mixture of models includes the single models, and no mixture beats the per-prompt best, so
    :math:`R^O_t \\ge R^Z_t \\ge R^F_t` wherever defined. :math:`R^Z` and :math:`R^F` are negative
    when the router beats the comparator.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    chosen : array_like of int, shape (T,)
        The model (column index) called for each prompt.
    checkpoints : sequence of int, optional
        Values of :math:`t` (1 to T); default: 200 evenly spaced ones ending at T.
    cost, quality : array_like of shape (T, models), keyword-only
        Every model's cost and score on the stream's prompts, in stream order (an evaluation reads
        them all; the router saw only its own choices). Passed by name: a call that passes them
        by position (the old order was scores, costs, chosen) raises a TypeError.

    Returns
    -------
    DataFrame
        One row per checkpoint: ``prompts`` (:math:`t`), ``spend`` (:math:`S_t`), ``quality``
        (:math:`Q_t`), ``oracle``, ``best_fixed``, ``zero`` (cumulative regrets, in units of score).

    Raises
    ------
    RouterBenchDataError
        For NaN or infinite scores or costs, or negative costs.
    RouterBenchDataError
        For shapes that do not match, a chosen index out of range, or checkpoints outside [1, T].

    Examples
    --------
    >>> s = np.array([[1.0, 0.0], [0.0, 1.0]]); c = np.array([[0.1, 0.2], [0.1, 0.2]])
    >>> regret_curves([0, 0], checkpoints=[2], cost=c, quality=s)["oracle"].tolist()
    [1.0]
    """
    s, c = np.asarray(quality, dtype=float), np.asarray(cost, dtype=float)
    a = np.asarray(chosen)
    if s.ndim != 2 or s.shape != c.shape:
        raise RouterBenchDataError(f"scores and costs: expected two arrays of one shape (T, models), got {s.shape} "
                         f"and {c.shape}")
    n, k = s.shape
    if a.shape != (n,) or not np.issubdtype(a.dtype, np.integer) or (a < 0).any() or (a >= k).any():
        raise RouterBenchDataError(f"chosen: expected {n} model indices in [0, {k}), got shape {a.shape}")
    if not (np.isfinite(s).all() and np.isfinite(c).all()):
        raise RouterBenchDataError("scores/costs: expected finite values for every prompt and model")
    if (c < 0).any():
        raise RouterBenchDataError(f"costs: {int((c < 0).sum())} negative values; expected costs >= 0 USD")
    t = (np.unique(np.linspace(1, n, min(n, 200)).round().astype(int)) if checkpoints is None
         else np.asarray(sorted({int(v) for v in checkpoints})))
    if t.size == 0 or t[0] < 1 or t[-1] > n:
        raise RouterBenchDataError(f"checkpoints: expected numbers of prompts in [1, {n}]")
    rows = np.arange(n)
    quality = np.cumsum(s[rows, a])[t - 1]
    spend = np.cumsum(c[rows, a])[t - 1]
    best = np.cumsum(s.max(axis=1))[t - 1]
    model_q, model_c = np.cumsum(s, axis=0)[t - 1], np.cumsum(c, axis=0)[t - 1]  # (checkpoints, models)
    # Rounding: a model that costs exactly the router's spend counts as affordable.
    affordable = model_c <= spend[:, None] * (1 + 1e-12)
    fixed = np.where(affordable, model_q, -np.inf).max(axis=1)
    fixed = np.where(np.isfinite(fixed), fixed, np.nan)
    zero = np.array([ti * float(ndch(mc / ti, mq / ti)(sp / ti))
                     for ti, mc, mq, sp in zip(t, model_c, model_q, spend)])
    return pd.DataFrame({"prompts": t, "spend": spend, "quality": quality, "oracle": best - quality,
                         "best_fixed": fixed - quality, "zero": zero - quality})


def _checkpoint_sizes(router: LinUCBRouter, sizes: Sequence[int] | None) -> list[int]:
    """The numbers of prompts to freeze a fitted router at: ``sizes``, by default every checkpoint and the
    whole stream."""
    router._check_fitted()
    if sizes is None:
        sizes = sorted(set(router.result_.snapshots) | {router.n_seen_})
    return [int(n) for n in sizes]


def aiq_learning_curve(router: LinUCBRouter, test: pd.DataFrame, c_min: float, c_max: float,
                       sizes: Sequence[int] | None = None) -> pd.DataFrame:
    """AIQ on held-out prompts of the policy frozen after ``n`` prompts of the stream, for each ``n``.

    For each size :math:`n`, :meth:`LinUCBRouter.snapshot` freezes the estimates after :math:`n`
    prompts, its curve sweeps the willingness to pay on ``test``, and
    :func:`~routerbench_utils.aiq` gives
    :math:`\\frac{1}{c_{max} - c_{min}}\\int_{c_{min}}^{c_{max}} \\tilde f_n(c)\\,dc`.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    router : LinUCBRouter
        A fitted router.
    test : DataFrame
        Held-out rows (not in the stream).
    c_min, c_max : float
        The shared cost range of the AIQ (e.g. the models' mean costs on ``test``).
    sizes : sequence of int, optional
        Checkpoints of the router (default: all of them and the whole stream).

    Returns
    -------
    DataFrame
        Columns ``prompts`` (:math:`n`) and ``aiq``.

    Raises
    ------
    RouterBenchDataError
        If a size is not a checkpoint of the router (see :meth:`LinUCBRouter.snapshot`).
    """
    rows = []
    for n in _checkpoint_sizes(router, sizes):
        curve = router.snapshot(n).curve(test)
        rows.append({"prompts": int(n), "aiq": aiq(curve["cost"], curve["quality"], c_min=c_min, c_max=c_max)})
    return pd.DataFrame(rows)


def learning_estimates(router: LinUCBRouter, test: pd.DataFrame, c_min: float, c_max: float,
                       sizes: Sequence[int] | None = None, n_boot: int = 200, random_state: int = 0,
                       level: float = 0.95) -> pd.DataFrame:
    """AIQ on held-out prompts of the policy frozen after ``n`` prompts, for each ``n``, with paired
    bootstrap intervals: :func:`aiq_learning_curve` in the engine's tidy table.

    Every snapshot's curve is resampled on the same held-out prompts
    (:func:`~routerbench_utils.evaluation.paired_samples`), so the gain of a later snapshot over an
    earlier one is a paired difference; ``aiq_gain`` rows give it against the first size.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    router : LinUCBRouter
        A fitted router.
    test : DataFrame
        Held-out rows (not in the stream).
    c_min, c_max : float
        The shared cost range of the AIQ.
    sizes : sequence of int, optional
        Checkpoints of the router (default: all of them and the whole stream).
    n_boot : int, default 200
        Resamples of the held-out prompts.
    random_state : int, default 0
        Seed of the resamples.
    level : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        :data:`~routerbench_utils.evaluation.COLUMNS`; ``setting`` is the number of prompts seen.

    Raises
    ------
    RouterBenchDataError
        If a size is not a checkpoint of the router (see :meth:`LinUCBRouter.snapshot`).
    """
    sizes = _checkpoint_sizes(router, sizes)
    if not sizes:
        raise RouterBenchDataError("sizes: expected at least one number of prompts")
    curves = {n: router.snapshot(n).outcomes(test)[1:] for n in sizes}
    estimates, samples = paired_samples(curves, c_min, c_max, n_boot, random_state)
    how = resampling(n_boot, len(test), random_state)
    rows = []
    first = sizes[0]
    for n in sizes:
        ci = interval(estimates[n], samples[n], level)
        rows.append({"setting": n, "metric": "aiq", "estimate": ci["aiq"], "low": ci["low"], "high": ci["high"],
                     "baseline": None})
        if n != first:
            gain = interval(estimates[n] - estimates[first], samples[n] - samples[first], level)
            rows.append({"setting": n, "metric": "aiq_gain", "estimate": gain["aiq"], "low": gain["low"],
                         "high": gain["high"], "baseline": f"after {first} prompts"})
    return pd.DataFrame(rows).assign(dataset=None, router=type(router).__name__, resampling=how)[COLUMNS]
