"""AIQ, its confidence intervals, and the metrics of other papers (chapters "AIQ", "Predictive
routers" for calibration, and "Routing collapse, the plateau, and metrics that disagree").

AIQ, the Average Improvement in Quality, summarises a router's whole cost-quality curve by one number:
the area under its non-decreasing convex hull divided by the cost range. RouteLLM's APGR and CPT,
AutoMix's IBC lift, the cost at matched quality and the calibration of predicted scores live here too,
so that every metric the book compares is computed in one place.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import RouterBenchDataError
from .frontier import NDCH, as_points, check_costs

#: The two AIQ conventions: the paper's formula and the official RouterBench code's.
VARIANTS = ("paper", "official")
#: The two curves APGR can be computed on: the router's hull (the package's default) or its raw points
#: in order of strong-model share (RouteLLM's evaluation).
APGR_CURVES = ("hull", "raw")


def _range(hull: NDCH, c_min: float | None, c_max: float | None, points_max: float) -> tuple[float, float]:
    lo = hull.cost[0] if c_min is None else float(c_min)
    hi = points_max if c_max is None else float(c_max)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
        raise RouterBenchDataError(f"c_min/c_max: expected finite c_min <= c_max, got {lo} and {hi}")
    return lo, hi


def aiq(cost, quality, c_min: float | None = None, c_max: float | None = None,
        variant: str = "paper") -> float:
    """Average Improvement in Quality of a router's (cost, quality) points.

    With :math:`\\tilde f` the router's non-decreasing convex hull
    (:class:`~routerbench_utils.frontier.NDCH`), zero left of its cheapest point and flat right of its
    last vertex:

    - ``variant="paper"`` (Hu et al., 2024):

      .. math:: \\mathrm{AIQ} = \\frac{1}{c_{max} - c_{min}} \\int_{c_{min}}^{c_{max}} \\tilde f(c)\\,dc;

    - ``variant="official"`` (the official RouterBench code): the integral from the curve's own cheapest
      point :math:`c_0` to :math:`c_{max}`, divided by :math:`c_{max}` (as if the range started at
      cost 0): :math:`\\frac{1}{c_{max}} \\int_{c_0}^{c_{max}} \\tilde f(c)\\,dc`.

    Both integrals are exact (the hull is piecewise linear). To compare routers, give all of them one
    range (see :func:`~routerbench_utils.aiq_table`).

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    cost, quality : array_like
        The router's points: mean cost per query and mean quality, one entry per setting of its knob
        (any order; dominated points do no harm).
    c_min, c_max : float, optional
        The cost range. Defaults: the curve's own cheapest and dearest point.
    variant : {"paper", "official"}
        Which formula.

    Returns
    -------
    float
        AIQ, in quality units. For a single cost (zero range) the paper variant returns the frontier's
        quality there (0 below the cheapest point).

    Raises
    ------
    RouterBenchDataError
        If ``variant`` is unknown; the points are empty, of unequal length, not finite or have a
        negative cost; ``c_min > c_max`` or either is not finite; or, for the official variant,
        ``c_max <= 0``.

    Examples
    --------
    >>> aiq([0, 1, 2], [0.5, 0.9, 0.9])    # (0.7 + 0.9) / 2
    0.8
    >>> aiq([1, 2], [0.5, 0.9], c_min=0)   # zero below the cheapest point: (0 + 0.7) / 2
    0.35
    """
    if variant not in VARIANTS:
        raise RouterBenchDataError(f"variant: expected one of {VARIANTS}, got {variant!r}")
    c, q = as_points(cost, quality, "aiq")
    hull = NDCH(c, q)
    lo, hi = _range(hull, c_min, c_max, float(c.max()))
    if variant == "official":
        if hi <= 0:
            raise RouterBenchDataError(f"c_max: the official variant divides by c_max, got {hi}")
        return float(hull.integral(hull.cost[0], hi) / hi)
    if hi == lo:
        value = hull(lo)
        return float(np.nan_to_num(value, nan=0.0))
    return float(hull.integral(lo, hi) / (hi - lo))


def _curve_arrays(curve) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(curve, pd.DataFrame):
        missing = [c for c in ("cost", "quality") if c not in curve.columns]
        if missing:
            raise RouterBenchDataError(f"curve: missing column(s) {missing}; expected 'cost' and 'quality'")
        return curve["cost"].to_numpy(dtype=float), curve["quality"].to_numpy(dtype=float)
    if isinstance(curve, NDCH):
        return curve.cost, curve.quality
    cost, quality = curve
    return np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)


def shared_range(curves: Mapping[str, object]) -> tuple[float, float]:
    """The cost range that covers every curve: (cheapest point of any, dearest point of any).

    .. math:: [c_{min}, c_{max}] = [\\min_r \\min_k c_{rk},\\; \\max_r \\max_k c_{rk}]

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    curves : mapping of str to curve
        Name to a frame with ``cost`` and ``quality`` columns, a ``(cost, quality)`` pair of arrays,
        or an :class:`~routerbench_utils.frontier.NDCH`.

    Returns
    -------
    tuple of float
        ``(c_min, c_max)``.

    Raises
    ------
    RouterBenchDataError
        If a frame lacks a ``cost`` or ``quality`` column.
    ValueError
        If ``curves`` is empty or a curve has no points.

    Examples
    --------
    >>> shared_range({"a": ([1.0, 2.0], [0.5, 0.6]), "b": ([0.5, 3.0], [0.4, 0.7])})
    (0.5, 3.0)
    """
    arrays = [_curve_arrays(c) for c in curves.values()]
    return min(float(c.min()) for c, _ in arrays), max(float(c.max()) for c, _ in arrays)


def aiq_table(curves: Mapping[str, object], c_min: float | None = None, c_max: float | None = None,
              variant: str = "paper") -> pd.Series:
    """AIQ of several curves over one shared cost range, so that the numbers compare.

    Each curve gets :func:`~routerbench_utils.aiq` over :math:`[c_{min}, c_{max}]`, by default :func:`~routerbench_utils.shared_range`.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    curves : mapping of str to curve
        Name to a frame with ``cost`` and ``quality`` columns, a ``(cost, quality)`` pair of arrays,
        or an :class:`~routerbench_utils.frontier.NDCH`.
    c_min, c_max : float, optional
        The shared range; each defaults to the end of :func:`~routerbench_utils.shared_range`.
    variant : {"paper", "official"}
        As in :func:`~routerbench_utils.aiq`.

    Returns
    -------
    pandas.Series
        AIQ by name, named ``"AIQ (<variant>)"``.

    Raises
    ------
    RouterBenchDataError
        If ``curves`` is empty, or for any reason :func:`~routerbench_utils.aiq` raises on a curve.

    Examples
    --------
    >>> aiq_table({"a": ([0, 2], [0.5, 0.9]), "b": ([1, 2], [0.8, 0.8])}).round(3).tolist()
    [0.7, 0.4]
    """
    if not curves:
        raise RouterBenchDataError("curves: expected at least one curve")
    lo, hi = shared_range(curves)
    lo = lo if c_min is None else c_min
    hi = hi if c_max is None else c_max
    return pd.Series({name: aiq(*_curve_arrays(curve), c_min=lo, c_max=hi, variant=variant)
                      for name, curve in curves.items()}, name=f"AIQ ({variant})")


def _check_matrices(cost: np.ndarray, quality: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    c = np.atleast_2d(np.asarray(cost, dtype=float))
    q = np.atleast_2d(np.asarray(quality, dtype=float))
    if c.shape != q.shape:
        raise RouterBenchDataError(f"{name}: cost has shape {c.shape} but quality has shape {q.shape}")
    if not (np.isfinite(c).all() and np.isfinite(q).all()):
        raise RouterBenchDataError(f"{name}: per-prompt costs and qualities must be finite")
    check_costs(c, name, "the per-prompt cost matrix")
    return c, q


def _paired_setup(cost, quality, other, c_min, c_max):
    """Validated per-prompt matrices of one or two routers, their full-sample curves and the range."""
    curves = [_check_matrices(cost, quality, "router")]
    if other is not None:
        curves.append(_check_matrices(*other, "other router"))
        if curves[1][0].shape[1] != curves[0][0].shape[1]:
            raise RouterBenchDataError(
                f"other: {curves[1][0].shape[1]} prompts vs {curves[0][0].shape[1]}; expected the same prompts")
    full = [(c.mean(axis=1), q.mean(axis=1)) for c, q in curves]
    lo = min(float(c.min()) for c, _ in full) if c_min is None else c_min
    hi = max(float(c.max()) for c, _ in full) if c_max is None else c_max
    return curves, full, lo, hi


def resample_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap resamples of ``n`` prompts as weights: multinomial counts over the prompts, over ``n``.

    Row :math:`b` holds :math:`w_{bi} = k_{bi}/n` with :math:`(k_{b1}, \\dots, k_{bn}) \\sim
    \\mathrm{Multinomial}(n; 1/n, \\dots, 1/n)`, the number of times prompt :math:`i` is drawn, so a
    resample's mean of any per-prompt quantity :math:`v` is one matrix product, :math:`\\sum_i w_{bi}
    v_i` (``weights @ values``).

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    n : int
        Number of prompts.
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the generator: the same ``(n, n_boot, seed)`` gives the same resamples, so
        :func:`~routerbench_utils.bootstrap_aiq` and :func:`~routerbench_utils.saving_ci` resample the same prompts.

    Returns
    -------
    ndarray of shape (n_boot, n)
        Each row sums to 1.

    Raises
    ------
    ZeroDivisionError
        If ``n == 0``.
    ValueError
        If ``n_boot < 0`` (from numpy's generator).

    Examples
    --------
    >>> resample_weights(4, 2, seed=0).sum(axis=1).tolist()
    [1.0, 1.0]
    """
    return _resample_weights(int(n), int(n_boot), int(seed)).copy()


@functools.lru_cache(maxsize=4)
def _resample_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    """:func:`~routerbench_utils.metrics.resample_weights`, drawn once per ``(n, n_boot, seed)`` and kept (read-only): every curve
    of a comparison is resampled on the same prompts, so the draw, the slowest step of a bootstrap, is
    shared by all of them."""
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_boot)
    weights = counts / n
    weights.flags.writeable = False
    return weights


def _hull_walk(cost: np.ndarray, quality: np.ndarray, c_min, c_max,
               target=None) -> tuple[np.ndarray, np.ndarray]:
    """The area under the non-decreasing convex hull of each row's points, and the cost at which it
    reaches a target: :func:`~routerbench_utils.aiq` and :func:`~routerbench_utils.cost_to_reach` for
    many small curves at once.

    Each row :math:`b` holds one curve's points :math:`(c_{bk}, q_{bk})_k` (e.g. a router's points on
    one bootstrap resample). Its hull is walked from the cheapest point (the best quality at that
    cost) by gift wrapping, all rows at once: the next vertex is the point to the right with a higher
    quality and the steepest slope (the farthest among equal slopes, so collinear points are not
    vertices), as in :class:`~routerbench_utils.frontier.NDCH`. Each edge adds its exact area over
    :math:`[a_b, c_{max}]`, with the frontier 0 left of the first vertex and flat after the last:

    .. math:: A_b = \\int_{a_b}^{c_{max}} \\tilde f_b(c)\\,dc .

    At most one pass per vertex, each a few array operations over all rows: no Python loop over
    rows, so a bootstrap of a few hundred resamples costs about as much as one :func:`~routerbench_utils.aiq`.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    cost, quality : array of shape (rows, points)
        Finite points, costs >= 0 (validated by the callers).
    c_min : float or array of shape (rows,)
        :math:`a_b`, where each area starts (the frontier is 0 left of the row's cheapest point).
    c_max : float
        Where every area ends.
    target : array of shape (rows,), optional
        A quality per row: the returned costs are the cheapest at which each hull reaches it.

    Returns
    -------
    area : ndarray of shape (rows,)
        :math:`A_b` (quality x USD).
    reach : ndarray of shape (rows,)
        The cheapest cost at which row :math:`b`'s hull reaches ``target[b]`` (NaN where it never
        does, or everywhere when ``target`` is None).

    Examples
    --------
    >>> area, reach = _hull_walk(np.array([[1.0, 2.0, 4.0, 3.0]]), np.array([[0.2, 0.6, 0.8, 0.5]]),
    ...                          1.0, 4.0, target=np.array([0.7]))
    >>> round(float(area[0]), 12), round(float(reach[0]), 12)   # AIQ 1.8 / 3 = 0.6, as aiq gives
    (1.8, 3.0)
    """
    c, q = np.atleast_2d(np.asarray(cost, dtype=float)), np.atleast_2d(np.asarray(quality, dtype=float))
    rows = np.arange(c.shape[0])
    start = np.broadcast_to(np.asarray(c_min, dtype=float), rows.shape)
    at = c.min(axis=1)
    level = np.where(c == at[:, None], q, -np.inf).max(axis=1)  # the best quality at the cheapest cost
    goal = np.full(rows.shape, np.nan) if target is None else np.asarray(target, dtype=float)
    reach = np.where(level >= goal, at, np.nan)
    area = np.zeros(rows.shape)
    live = np.ones(rows.shape, dtype=bool)
    for _ in range(c.shape[1]):
        dc, dq = c - at[:, None], q - level[:, None]
        ahead = live[:, None] & (dc > 0) & (dq > 0)
        slope = np.where(ahead, dq / np.where(ahead, dc, 1.0), -np.inf)
        steepest = slope.max(axis=1)
        live = np.isfinite(steepest)
        if not live.any():
            break
        k = np.argmax(np.where(ahead & (slope == steepest[:, None]), dc, -np.inf), axis=1)
        nc, nq = np.where(live, c[rows, k], at), np.where(live, q[rows, k], level)
        # the edge's area over [start, c_max], linear between its ends
        lo, hi = np.maximum(at, start), np.minimum(nc, c_max)
        rise = np.where(nc > at, (nq - level) / np.where(nc > at, nc - at, 1.0), 0.0)
        inside = live & (hi > lo)
        area += np.where(inside, (hi - lo) * (2 * level + rise * (lo + hi - 2 * at)) / 2, 0.0)
        crossed = live & np.isnan(reach) & (nq >= goal)
        reach = np.where(crossed, at + (goal - level) / np.where(crossed, rise, 1.0), reach)
        at, level = nc, nq
    area += level * np.clip(c_max - np.maximum(at, start), 0.0, None)  # flat after the last vertex
    return area, reach


def bootstrap_aiq(cost, quality, n_boot: int = 1000, seed: int = 0, c_min: float | None = None,
                  c_max: float | None = None, variant: str = "paper", other=None) -> np.ndarray:
    """AIQ on ``n_boot`` bootstrap resamples of the prompts.

    Row :math:`k` of the per-prompt matrices holds what the router's :math:`k`-th setting (a model, a
    willingness to pay, a budget) spent and scored on each prompt, so its curve is the row means. With
    :math:`w_b` the weights of resample :math:`b` (:func:`~routerbench_utils.metrics.resample_weights`), the resampled curve is
    :math:`(C w_b, Q w_b)` and the sample is :math:`\\mathrm{AIQ}_b = \\mathrm{AIQ}(C w_b, Q w_b)` over
    the fixed range :math:`[c_{min}, c_{max}]`. Every point, the hull and AIQ are recomputed on each
    resample.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    cost, quality : array of shape (points, prompts)
        The router's per-prompt cost and score at each setting of its knob (``Router.outcomes``).
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the resamples.
    c_min, c_max : float, optional
        The fixed range; default: the full sample's curve (both curves' with ``other``).
    variant : {"paper", "official"}
        As in :func:`~routerbench_utils.aiq`.
    other : tuple of two arrays, optional
        ``(cost_b, quality_b)`` of a second router on the same prompts: the samples are then the paired
        differences :math:`\\mathrm{AIQ}_b(A) - \\mathrm{AIQ}_b(B)`, each on the same resample.

    Returns
    -------
    ndarray of shape (n_boot,)
        The AIQ (or paired difference) of each resample.

    Raises
    ------
    RouterBenchDataError
        If ``n_boot < 1``; the matrices differ in shape, are not finite or hold a negative cost; or
        ``other`` has another number of prompts.

    Examples
    --------
    >>> cost, quality = [[1.0, 1.0, 1.0]], [[0.0, 1.0, 1.0]]
    >>> bootstrap_aiq(cost, quality, n_boot=3, seed=0).shape
    (3,)
    """
    if n_boot < 1:
        raise RouterBenchDataError(f"n_boot: expected a positive count, got {n_boot}")
    curves, _, lo, hi = _paired_setup(cost, quality, other, c_min, c_max)
    weights = _resample_weights(curves[0][0].shape[1], n_boot, seed)
    values = np.empty((len(curves), n_boot))
    for k, (c, q) in enumerate(curves):
        mc, mq = weights @ c.T, weights @ q.T  # (n_boot, points): every resample's curve at once
        values[k] = _batch_aiq(mc, mq, lo, hi, variant)
    return values[0] - values[1] if other is not None else values[0]


def _batch_aiq(cost: np.ndarray, quality: np.ndarray, lo: float, hi: float, variant: str) -> np.ndarray:
    """:func:`~routerbench_utils.aiq` of every row's curve over one range (validated points; ``lo <= hi``)."""
    if variant not in VARIANTS:
        raise RouterBenchDataError(f"variant: expected one of {VARIANTS}, got {variant!r}")
    if variant == "official":
        if hi <= 0:
            raise RouterBenchDataError(f"c_max: the official variant divides by c_max, got {hi}")
        return _hull_walk(cost, quality, cost.min(axis=1), hi)[0] / hi
    if hi == lo:  # a zero-width range: the frontier's height there (0 left of the cheapest point)
        return np.array([aiq(c, q, c_min=lo, c_max=hi) for c, q in zip(cost, quality)])
    return _hull_walk(cost, quality, lo, hi)[0] / (hi - lo)


def aiq_ci(cost, quality, level: float = 0.95, n_boot: int = 1000, seed: int = 0,
           c_min: float | None = None, c_max: float | None = None, variant: str = "paper",
           other=None) -> dict[str, float]:
    """AIQ with a percentile bootstrap confidence interval over prompts.

    The estimate is AIQ of the full sample's curve; the interval is the :math:`((1-\\ell)/2,
    (1+\\ell)/2)` quantiles of :func:`~routerbench_utils.bootstrap_aiq`'s samples for level :math:`\\ell`. With ``other``,
    the paired difference AIQ(A) - AIQ(B) and its interval, which says whether A beats B beyond the
    noise of which prompts happened to be sampled.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    cost, quality : array of shape (points, prompts)
        As in :func:`~routerbench_utils.bootstrap_aiq`.
    level : float
        Interval level, in (0, 1).
    n_boot, seed, c_min, c_max, variant, other
        As in :func:`~routerbench_utils.bootstrap_aiq`.

    Returns
    -------
    dict
        ``{"aiq", "low", "high"}``.

    Raises
    ------
    RouterBenchDataError
        If ``level`` is not in (0, 1), or as :func:`~routerbench_utils.bootstrap_aiq` raises.

    Examples
    --------
    >>> ci = aiq_ci([[1.0] * 4], [[0.0, 1.0, 1.0, 1.0]], n_boot=50)
    >>> ci["aiq"], ci["low"] <= ci["aiq"] <= ci["high"]
    (0.75, True)
    """
    if not 0 < level < 1:
        raise RouterBenchDataError(f"level: expected a probability in (0, 1), got {level}")
    _, full, lo, hi = _paired_setup(cost, quality, other, c_min, c_max)
    samples = bootstrap_aiq(cost, quality, n_boot=n_boot, seed=seed, c_min=lo, c_max=hi, variant=variant,
                            other=other)
    point = [aiq(c, q, c_min=lo, c_max=hi, variant=variant) for c, q in full]
    estimate = point[0] - point[1] if other is not None else point[0]
    return interval(estimate, samples, level)


def interval(estimate: float, samples: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """An estimate and the percentile interval of its bootstrap samples.

    .. math:: [\\mathrm{low}, \\mathrm{high}] = [Q_{(1-\\ell)/2}, Q_{(1+\\ell)/2}]

    the empirical quantiles of the samples (numpy's default, linear interpolation) for level
    :math:`\\ell`.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    estimate : float
        The full-sample estimate (returned unchanged as ``"aiq"``).
    samples : array_like
        Bootstrap samples of the same quantity.
    level : float
        Interval level.

    Returns
    -------
    dict
        ``{"aiq", "low", "high"}`` (the key is ``"aiq"`` whatever the quantity, as the tables of
        :func:`routerbench_utils.compare_routers` expect).

    Raises
    ------
    IndexError
        If ``samples`` is empty (from ``numpy.quantile``).
    ValueError
        If ``level`` is outside [0, 1] (from ``numpy.quantile``).

    Examples
    --------
    >>> interval(0.5, [0.4, 0.5, 0.6], level=0.5)
    {'aiq': 0.5, 'low': 0.45, 'high': 0.55}
    """
    tail = (1 - level) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return {"aiq": float(estimate), "low": float(low), "high": float(high)}


def cost_to_reach(cost, quality, target: float) -> float:
    """The cheapest cost at which a router's frontier reaches quality ``target``.

    Inverts the non-decreasing convex hull: on the segment :math:`[c_k, c_{k+1}]` where the frontier
    crosses the target,

    .. math:: c^* = c_k + (q^* - q_k)\\,\\frac{c_{k+1} - c_k}{q_{k+1} - q_k};

    if the cheapest point already reaches it, that point's cost.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    cost, quality : array_like
        The router's points (any order).
    target : float
        The quality to reach, :math:`q^*`.

    Returns
    -------
    float
        :math:`c^*`, or NaN if the frontier never reaches the target.

    Raises
    ------
    RouterBenchDataError
        If the points are empty, of unequal length, not finite or have a negative cost.

    Examples
    --------
    >>> round(cost_to_reach([1, 3], [0.5, 0.9], 0.7), 12)
    2.0
    """
    hull = NDCH(*as_points(cost, quality, "cost_to_reach"))
    if target > hull.max_quality:
        return float("nan")
    k = int(np.searchsorted(hull.quality, target, side="left"))
    if k == 0:
        return float(hull.cost[0])
    c0, c1, q0, q1 = hull.cost[k - 1], hull.cost[k], hull.quality[k - 1], hull.quality[k]
    return float(c0 + (target - q0) * (c1 - c0) / (q1 - q0))


def saving_ci(cost, quality, model_cost, model_quality, level: float = 0.95, n_boot: int = 1000,
              seed: int = 0) -> dict[str, float]:
    """A router's cost saving at the best single model's quality, with a bootstrap interval.

    The best single model is the cheapest of the models with the highest mean quality :math:`q^*`, at
    mean cost :math:`c^*` (the top vertex of the Zero router's frontier, so that two models tied at the
    top count as the cheaper one). The saving is

    .. math:: S = c^* / c_R(q^*),

    where :math:`c_R(q^*)` is the cheapest cost at which the router's frontier reaches :math:`q^*`
    (:func:`~routerbench_utils.cost_to_reach`): 2 means the router matches the best model's quality at half its cost.
    Each of ``n_boot`` resamples of the prompts (seeded) recomputes the best model, its quality and
    cost, and the router's curve; a resample on which the router never reaches the best model's quality
    counts as saving 0 (no saving is possible there).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    cost, quality : array of shape (points, prompts)
        The router's per-prompt cost and score at each setting of its knob (as returned by
        ``Router.outcomes``).
    model_cost, model_quality : array of shape (models, prompts)
        Every model's per-prompt cost and score on the same prompts (``cost_matrix(test).T``).
    level, n_boot, seed
        Interval level, number of resamples and their seed.

    Returns
    -------
    dict
        ``saving`` (NaN if the router never reaches :math:`q^*`), ``low``, ``high``; ``best`` (row
        index of the best model), ``best_quality``, ``best_cost``; ``same_best``, the share of resamples
        whose best model is the full sample's, and ``reached``, the share on which the router reaches
        the best model's quality. On a small test split ``same_best`` well below 1 says that "the best
        single model", and with it the saving, is fragile.

    Raises
    ------
    RouterBenchDataError
        If ``level`` is not in (0, 1) or ``n_boot < 1``; a matrix is not finite, holds a negative cost,
        or its cost and quality differ in shape; or the models' matrices cover other prompts.

    Examples
    --------
    >>> models_c, models_q = [[1.0, 1.0], [10.0, 10.0]], [[0.0, 1.0], [1.0, 1.0]]
    >>> saving_ci([[1.0, 10.0]], [[1.0, 1.0]], models_c, models_q, n_boot=10)["saving"]  # 10 / 5.5
    1.8181818181818181
    """
    if not 0 < level < 1:
        raise RouterBenchDataError(f"level: expected a probability in (0, 1), got {level}")
    if n_boot < 1:
        raise RouterBenchDataError(f"n_boot: expected a positive count, got {n_boot}")
    c, q = _check_matrices(cost, quality, "router")
    mc, mq = _check_matrices(model_cost, model_quality, "models")
    if c.shape[1] != mc.shape[1]:
        raise RouterBenchDataError(f"models: {mc.shape[1]} prompts vs the router's {c.shape[1]}; expected the same")

    def one(rc, rq, bc, bq):
        """(best model, its quality, its cost, saving) for one set of mean points."""
        top = bq.max()
        tied = np.flatnonzero(bq >= top - 1e-12)
        best = int(tied[np.argmin(bc[tied])])
        reach = cost_to_reach(rc, rq, top)  # NaN when the router never reaches it
        if np.isnan(reach):
            return best, top, bc[best], np.nan
        return best, top, bc[best], bc[best] / reach if reach > 0 else np.inf

    best, top, best_cost, saving = one(c.mean(axis=1), q.mean(axis=1), mc.mean(axis=1), mq.mean(axis=1))
    weights = _resample_weights(c.shape[1], n_boot, seed)  # the same resamples as bootstrap_aiq's
    rc, rq, bc, bq = weights @ c.T, weights @ q.T, weights @ mc.T, weights @ mq.T
    # Every resample at once: its best model (cheapest among those tied at the top), then the cost
    # at which the router's resampled hull reaches that model's quality, as one() does for one.
    tops = bq.max(axis=1)
    k = np.argmin(np.where(bq >= tops[:, None] - 1e-12, bc, np.inf), axis=1)
    reach = _hull_walk(rc, rq, 0.0, 0.0, target=tops)[1]
    chosen = bc[np.arange(n_boot), k]
    with np.errstate(divide="ignore"):
        samples = np.where(reach > 0, chosen / np.where(reach > 0, reach, 1.0), np.inf)
    samples[np.isnan(reach)] = np.nan
    same = k == best
    reached = ~np.isnan(samples)
    low, high = np.quantile(np.where(reached, samples, 0.0), [(1 - level) / 2, (1 + level) / 2])
    return {"saving": float(saving), "low": float(low), "high": float(high), "best": best,
            "best_quality": float(top), "best_cost": float(best_cost), "same_best": float(same.mean()),
            "reached": float(reached.mean())}


def _two_model_axis(cost: np.ndarray, weak: tuple[float, float], strong: tuple[float, float]) -> np.ndarray:
    """Share of calls to the strong model implied by a cost: x = (c - c_weak) / (c_strong - c_weak)."""
    (cw, _), (cs, _) = weak, strong
    if not cs > cw:
        raise RouterBenchDataError(f"strong: its cost ({cs}) must exceed the weak model's ({cw})")
    return (np.asarray(cost, dtype=float) - cw) / (cs - cw)


def _raw_apgr(x: np.ndarray, q: np.ndarray, qw: float, qs: float) -> float:
    """RouteLLM's APGR of raw points, operation for operation as its evaluation computes it."""
    order = np.argsort(x, kind="stable")  # ties keep their input order
    x, q = x[order], q[order]
    auc = np.trapezoid(q, x)
    weak_auc = np.trapezoid(np.full(len(x), qw, dtype=float), x)
    strong_auc = np.trapezoid(np.full(len(x), qs, dtype=float), x)
    return float((auc - weak_auc) / (strong_auc - weak_auc))


def apgr(cost, quality, weak: tuple[float, float], strong: tuple[float, float], curve: str = "hull",
         share=None) -> float:
    """RouteLLM's average performance gap recovered (Ong et al., 2024), for a weak and a strong model.

    With :math:`x` the share of calls to the strong model and :math:`\\mathrm{PGR} = (q - q_w)/(q_s -
    q_w)` the share of the quality gap between the weak and the strong model that a point recovers,
    APGR averages PGR over :math:`x`. By default the share is read off the cost,
    :math:`x = (c - c_w)/(c_s - c_w)`, which is exact for a router that uses only the two models at
    constant costs per call; pass ``share`` to give it directly.

    - ``curve="hull"`` (the default, the package's convention): the router's frontier :math:`\\tilde f`,
      its non-decreasing convex hull as for AIQ, over the whole range :math:`x \\in [0, 1]`:

      .. math:: \\mathrm{APGR} = \\int_0^1 \\frac{\\tilde f(x) - q_w}{q_s - q_w}\\,dx
                = \\frac{\\mathrm{AIQ}_{[c_w, c_s]} - q_w}{q_s - q_w}.

      The random router (the two-model Zero router) has APGR 0.5.

    - ``curve="raw"`` (RouteLLM's evaluation, ``routellm/evals/evaluate.py``): the router's own points,
      sorted by :math:`x` (ties keep their input order), joined by straight lines, over their own range
      :math:`[x_1, x_K]`, with no hull. The trapezoid rule gives

      .. math:: \\mathrm{AUC} = \\sum_{k=1}^{K-1} (x_{k+1} - x_k)\\,\\frac{q_k + q_{k+1}}{2},\\qquad
                \\mathrm{APGR}_{raw} = \\frac{\\mathrm{AUC} - q_w (x_K - x_1)}{(q_s - q_w)(x_K - x_1)},

      where RouteLLM writes the two products as trapezoid areas of the constant curves :math:`q_w` and
      :math:`q_s`. A dip in the raw curve lowers it, points outside :math:`[0, 1]` widen the average,
      and nothing of the hull's "pay more, keep the quality" applies. The computation is RouteLLM's
      operation for operation (``numpy.trapezoid`` on the sorted points), so the same inputs (e.g. its
      percentages) give its number to the last digit. RouteLLM sorts with pandas' default sort, which
      leaves the order of tied shares unspecified; where tied points differ in quality its number
      depends on that order, and this one keeps the input order.

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").

    Parameters
    ----------
    cost, quality : array_like
        The router's points (mean cost per query, mean quality), one per setting of its knob.
    weak, strong : tuple of float
        ``(cost, quality)`` of the weak and the strong model; the strong one must be dearer and better.
    curve : {"hull", "raw"}
        Average over the router's hull (default) or, as RouteLLM does, over its raw points.
    share : array_like, optional
        The share of calls to the strong model at each point, in [0, 1] (RouteLLM's x axis, its
        "strong model calls (%)" over 100). Default: :math:`(c - c_w)/(c_s - c_w)`. With
        ``curve="hull"`` the hull is taken on (share, quality) over [0, 1].

    Returns
    -------
    float
        APGR: 0 is the weak model's quality throughout, 1 the strong model's, 0.5 the random router.

    Raises
    ------
    RouterBenchDataError
        If ``curve`` is unknown; the strong model is not dearer and better than the weak one; the points
        are empty, of unequal length or not finite, or have a negative cost; ``share`` has another
        length than the points or leaves [0, 1]; or, with ``curve="raw"``, the points span no range of
        shares (one point, or all at the same share), so the average is undefined.

    Examples
    --------
    >>> weak, strong = (0.0, 0.5), (2.0, 0.9)
    >>> round(apgr([0, 1, 2], [0.5, 0.4, 0.9], weak, strong), 12)                # hull: the chord
    0.5
    >>> round(apgr([0, 1, 2], [0.5, 0.4, 0.9], weak, strong, curve="raw"), 12)   # the dip counts
    0.125
    """
    if curve not in APGR_CURVES:
        raise RouterBenchDataError(f"curve: expected one of {APGR_CURVES}, got {curve!r}")
    (cw, qw), (cs, qs) = weak, strong
    _two_model_axis([cw], weak, strong)
    if not qs > qw:
        raise RouterBenchDataError(f"strong: its quality ({qs}) must exceed the weak model's ({qw})")
    c, q = as_points(cost, quality, "apgr")
    if share is None:
        x = _two_model_axis(c, weak, strong)
    else:
        x = np.asarray(share, dtype=float).ravel()
        if x.shape != c.shape:
            raise RouterBenchDataError(f"share: {x.size} values for {c.size} points; expected one per point")
        outside = ~((x >= 0) & (x <= 1))
        if outside.any():
            raise RouterBenchDataError(
                f"share: {int(outside.sum())} values outside [0, 1] (e.g. {x[outside][:3].tolist()}); "
                "expected the share of calls to the strong model (divide percentages by 100)")
    if curve == "hull":
        if share is None:
            return (aiq(c, q, c_min=cw, c_max=cs) - qw) / (qs - qw)
        return (aiq(x, q, c_min=0.0, c_max=1.0) - qw) / (qs - qw)
    if not np.ptp(x) > 0:
        raise RouterBenchDataError(
            f"apgr: the {x.size} raw point(s) all sit at strong-model share {x[0]:.4g}; the raw curve "
            "spans no range to average over. Give points at two or more shares, or use curve='hull'")
    return _raw_apgr(x, q, qw, qs)


def cpt(cost, quality, weak: tuple[float, float], strong: tuple[float, float], pgr: float = 0.5,
        monotone: str = "raise") -> float:
    """RouteLLM's CPT(x%): the smallest share of strong-model calls at which a router recovers ``pgr``
    of the quality gap between the weak and the strong model.

    With the target :math:`q^* = q_w + \\mathrm{pgr}\\,(q_s - q_w)` and :math:`c^*` the cheapest cost
    at which the curve reaches it (:func:`~routerbench_utils.cost_to_reach`),

    .. math:: \\mathrm{CPT} = \\frac{c^* - c_w}{c_s - c_w},

    the share of strong calls that cost implies for a two-model router. :math:`c^*` is read off the
    router's non-decreasing convex hull, the frontier it can actually attain. RouteLLM instead
    interpolates the raw points (``numpy.interp`` of the share against the quality), which silently
    assumes that quality rises with the share: where the raw curve falls, the answer depends on which
    crossing one takes. ``monotone="raise"`` (default) refuses such a curve, naming the offending points;
    ``monotone="hull"`` accepts it and uses the hull. On a curve that rises but is not concave, the
    hull crosses the target at a smaller share than RouteLLM's interpolation.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve", other papers' metrics).

    Parameters
    ----------
    cost, quality : array_like
        The router's points.
    weak, strong : tuple of float
        ``(cost, quality)`` of the weak and the strong model.
    pgr : float
        The share of the gap to recover (0.5 for CPT(50%)).
    monotone : {"raise", "hull"}
        What to do with a curve whose quality falls as its cost rises.

    Returns
    -------
    float
        The share of strong calls (0.25 is 25%); NaN if the curve never reaches the target (RouteLLM's
        ``numpy.interp`` would return its last share instead). Negative where a router reaches the
        target spending less than the weak model.

    Raises
    ------
    RouterBenchDataError
        If ``monotone`` is unknown; with ``monotone="raise"``, the curve falls somewhere; the strong
        model is not dearer than the weak one; or the points are invalid.

    Examples
    --------
    >>> round(cpt([0, 1, 2], [0.5, 0.8, 0.9], weak=(0, 0.5), strong=(2, 0.9)), 12)  # 0.7 at cost 2/3
    0.333333333333
    """
    (_, qw), (_, qs) = weak, strong
    if monotone not in ("raise", "hull"):
        raise RouterBenchDataError(f"monotone: expected 'raise' or 'hull', got {monotone!r}")
    c, q = as_points(cost, quality, "cpt")
    target = qw + pgr * (qs - qw)
    order = np.argsort(c, kind="stable")
    c, q = c[order], q[order]
    drops = np.flatnonzero(np.diff(q) < 0)
    if monotone == "raise" and drops.size:
        k = int(drops[0])
        raise RouterBenchDataError(
            f"cpt: the curve falls from quality {q[k]:.4f} at cost {c[k]:.3g} to {q[k + 1]:.4f} at cost "
            f"{c[k + 1]:.3g} ({drops.size} drops); its CPT is ambiguous. Pass monotone='hull' to use the "
            "attainable frontier instead")
    return float(_two_model_axis([cost_to_reach(c, q, target)], weak, strong)[0])


def ibc_lift(cost, quality, weak: tuple[float, float], strong: tuple[float, float]) -> np.ndarray:
    """AutoMix's incremental benefit per cost (Aggarwal et al., 2023), relative to the weak-strong line.

    For a router point :math:`(c, q)`:

    .. math:: \\mathrm{IBC} = \\frac{q - q_w}{c - c_w},\\qquad
              \\Delta_{\\mathrm{IBC}} = \\frac{\\mathrm{IBC} - \\mathrm{IBC}_{base}}{\\mathrm{IBC}_{base}},
              \\qquad \\mathrm{IBC}_{base} = \\frac{q_s - q_w}{c_s - c_w}.

    Positive: the point lies above the straight line from the weak to the strong model (the random
    router).

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve", other papers' metrics).

    Parameters
    ----------
    cost, quality : array_like
        The router's points.
    weak, strong : tuple of float
        ``(cost, quality)`` of the weak and the strong model.

    Returns
    -------
    ndarray
        One lift per point, in input order; NaN at or below the weak model's cost, where IBC is
        undefined.

    Raises
    ------
    RouterBenchDataError
        If the points are empty, of unequal length, not finite or have a negative cost.

    Examples
    --------
    >>> ibc_lift([1.0, 2.0], [0.8, 0.9], weak=(0.0, 0.5), strong=(2.0, 0.9)).round(3).tolist()
    [0.5, 0.0]
    """
    (cw, qw), (cs, qs) = weak, strong
    c, q = as_points(cost, quality, "ibc_lift")
    base = (qs - qw) / (cs - cw)
    with np.errstate(divide="ignore", invalid="ignore"):
        ibc = np.where(c > cw, (q - qw) / (c - cw), np.nan)
    return (ibc - base) / base


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
