"""The paired bootstrap over prompts behind every interval of the book: resampling weights, AIQ's
bootstrap and interval, the saving at matched quality (chapters "AIQ" and "All routers compared").
"""
from __future__ import annotations

import functools

import numpy as np

from .._deprecated import renamed_keywords
from .. import _checks
from ..errors import RouterBenchDataError
from ..frontier import check_costs
from .aiq import VARIANTS, aiq, cost_to_reach


def _check_matrices(cost: np.ndarray, quality: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        c = np.atleast_2d(np.asarray(cost, dtype=float))
        q = np.atleast_2d(np.asarray(quality, dtype=float))
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"{name}: cost and quality are not numbers ({exc}); expected (points, "
                                   "prompts) arrays of floats") from exc
    if c.shape != q.shape:
        raise RouterBenchDataError(f"{name}: cost has shape {c.shape} but quality has shape {q.shape}")
    if c.ndim != 2 or c.shape[0] == 0 or c.shape[1] == 0:
        raise RouterBenchDataError(f"{name}: cost and quality have shape {c.shape}; expected (points, prompts) "
                                   "with at least one point and one prompt")
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


@renamed_keywords(seed="random_state")
def resample_weights(n: int, n_boot: int, random_state: int) -> np.ndarray:
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
    random_state : int
        Seed of the generator: the same ``(n, n_boot, random_state)`` gives the same resamples, so
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
    >>> resample_weights(4, 2, random_state=0).sum(axis=1).tolist()
    [1.0, 1.0]
    """
    return _resample_weights(int(n), int(n_boot), int(random_state)).copy()


@functools.lru_cache(maxsize=4)
def _resample_weights(n: int, n_boot: int, random_state: int) -> np.ndarray:
    """:func:`~routerbench_utils.metrics.resample_weights`, drawn once per ``(n, n_boot, random_state)`` and kept (read-only): every curve
    of a comparison is resampled on the same prompts, so the draw, the slowest step of a bootstrap, is
    shared by all of them."""
    counts = np.random.default_rng(random_state).multinomial(n, np.full(n, 1.0 / n), size=n_boot)
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


@renamed_keywords(seed="random_state")
def bootstrap_aiq(cost, quality, n_boot: int = 1000, random_state: int = 0, c_min: float | None = None,
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
    random_state : int
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
    >>> bootstrap_aiq(cost, quality, n_boot=3, random_state=0).shape
    (3,)
    """
    if n_boot < 1:
        raise RouterBenchDataError(f"n_boot: expected a positive count, got {n_boot}")
    curves, _, lo, hi = _paired_setup(cost, quality, other, c_min, c_max)
    weights = _resample_weights(curves[0][0].shape[1], n_boot, random_state)
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


@renamed_keywords(seed="random_state")
def aiq_ci(cost, quality, level: float = 0.95, n_boot: int = 1000, random_state: int = 0,
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
    n_boot, random_state, c_min, c_max, variant, other
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
    samples = bootstrap_aiq(cost, quality, n_boot=n_boot, random_state=random_state, c_min=lo, c_max=hi, variant=variant,
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
    RouterBenchDataError
        If ``samples`` is empty or not finite, or ``level`` is not a number in (0, 1).

    Examples
    --------
    >>> interval(0.5, [0.4, 0.5, 0.6], level=0.5)
    {'aiq': 0.5, 'low': 0.45, 'high': 0.55}
    """
    level = _checks.number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    samples = np.asarray(samples, dtype=float).ravel()
    if samples.size == 0 or not np.isfinite(samples).all():
        raise RouterBenchDataError(f"samples: expected finite bootstrap samples, got {samples.size} values"
                                   f"{'' if samples.size == 0 else ' with NaN or infinite ones'}")
    tail = (1 - level) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return {"aiq": float(estimate), "low": float(low), "high": float(high)}


@renamed_keywords(seed="random_state")
def saving_ci(cost, quality, model_cost, model_quality, level: float = 0.95, n_boot: int = 1000,
              random_state: int = 0) -> dict[str, float]:
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
    level, n_boot, random_state
        Interval level, number of resamples and their random_state.

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
    weights = _resample_weights(c.shape[1], n_boot, random_state)  # the same resamples as bootstrap_aiq's
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

