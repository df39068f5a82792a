"""AIQ and its confidence intervals (chapter "AIQ").

AIQ, the Average Improvement in Quality, summarises a router's whole cost-quality curve by one number:
the area under its non-decreasing convex hull divided by the cost range.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import RouterBenchDataError
from .frontier import NDCH, as_points, check_costs

VARIANTS = ("paper", "official")


def _range(hull: NDCH, c_min: float | None, c_max: float | None, points_max: float) -> tuple[float, float]:
    lo = hull.cost[0] if c_min is None else float(c_min)
    hi = points_max if c_max is None else float(c_max)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
        raise RouterBenchDataError(f"c_min/c_max: expected finite c_min <= c_max, got {lo} and {hi}")
    return lo, hi


def aiq(cost, quality, c_min: float | None = None, c_max: float | None = None,
        variant: str = "paper") -> float:
    """Average Improvement in Quality of a router's (cost, quality) points.

    With :math:`\\tilde f` the router's non-decreasing convex hull (:class:`NDCH`), zero left of its
    cheapest point and flat right of its last vertex:

    - ``variant="paper"`` (Hu et al., 2024):
      :math:`\\mathrm{AIQ} = \\frac{1}{c_{max} - c_{min}} \\int_{c_{min}}^{c_{max}} \\tilde f(c)\\,dc`;
    - ``variant="official"`` (the official RouterBench code): the integral from the curve's own cheapest
      point to :math:`c_{max}`, divided by :math:`c_{max}` (as if the range started at cost 0).

    Both integrals are exact (the hull is piecewise linear). Defaults: the curve's own range, from its
    cheapest to its dearest point. For a single cost (zero range) the paper variant returns the
    frontier's quality there. To compare routers, give all of them one range (see :func:`aiq_table`).

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
        return hull.integral(hull.cost[0], hi) / hi
    if hi == lo:
        value = hull(lo)
        return float(np.nan_to_num(value, nan=0.0))
    return hull.integral(lo, hi) / (hi - lo)


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
    """The cost range that covers every curve: (cheapest point of any, dearest point of any)."""
    arrays = [_curve_arrays(c) for c in curves.values()]
    return min(float(c.min()) for c, _ in arrays), max(float(c.max()) for c, _ in arrays)


def aiq_table(curves: Mapping[str, object], c_min: float | None = None, c_max: float | None = None,
              variant: str = "paper") -> pd.Series:
    """AIQ of several curves over one shared cost range (default: :func:`shared_range`).

    ``curves`` maps a name to a frame with ``cost`` and ``quality`` columns, a ``(cost, quality)``
    pair of arrays, or an :class:`NDCH`. Returns a Series of AIQ by name.
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
    """Bootstrap resamples of ``n`` prompts as weights, shape (n_boot, n): multinomial counts over n.

    A resample's mean of any per-prompt quantity is one matrix product (``weights @ values``). The
    same ``(n, n_boot, seed)`` gives the same resamples, so :func:`bootstrap_aiq` and :func:`saving_ci`
    resample the same prompts.
    """
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_boot)
    return counts / n


def bootstrap_aiq(cost, quality, n_boot: int = 1000, seed: int = 0, c_min: float | None = None,
                  c_max: float | None = None, variant: str = "paper", other=None) -> np.ndarray:
    """AIQ on ``n_boot`` bootstrap resamples of the prompts.

    ``cost`` and ``quality`` are per-prompt matrices of shape (points, prompts): row ``k`` holds what
    the router's ``k``-th setting (a model, a willingness to pay, a budget) spent and scored on each
    prompt, so the router's curve is the row means. Each resample draws prompts with replacement
    (seeded) and recomputes every point, the hull and AIQ over the fixed range ``[c_min, c_max]``
    (default: the full sample's range). With ``other=(cost_b, quality_b)`` on the same prompts, returns
    the paired differences AIQ(A) - AIQ(B), each computed on the same resample.
    """
    if n_boot < 1:
        raise RouterBenchDataError(f"n_boot: expected a positive count, got {n_boot}")
    curves, _, lo, hi = _paired_setup(cost, quality, other, c_min, c_max)
    weights = resample_weights(curves[0][0].shape[1], n_boot, seed)
    values = np.empty((len(curves), n_boot))
    for k, (c, q) in enumerate(curves):
        mc, mq = weights @ c.T, weights @ q.T  # (n_boot, points)
        for b in range(n_boot):
            values[k, b] = aiq(mc[b], mq[b], c_min=lo, c_max=hi, variant=variant)
    return values[0] - values[1] if other is not None else values[0]


def aiq_ci(cost, quality, level: float = 0.95, n_boot: int = 1000, seed: int = 0,
           c_min: float | None = None, c_max: float | None = None, variant: str = "paper",
           other=None) -> dict[str, float]:
    """AIQ with a percentile bootstrap confidence interval over prompts.

    Arguments as in :func:`bootstrap_aiq`. Returns ``{"aiq", "low", "high"}``; with ``other``, the
    paired difference AIQ(A) - AIQ(B) and its interval, which says whether A beats B beyond the noise of
    which prompts happened to be sampled.
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
    """``{"aiq", "low", "high"}``: the estimate and the percentile interval of bootstrap ``samples``."""
    tail = (1 - level) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return {"aiq": float(estimate), "low": float(low), "high": float(high)}


def cost_to_reach(cost, quality, target: float) -> float:
    """The cheapest cost at which a router's frontier reaches quality ``target`` (NaN if it never does).

    Inverts the non-decreasing convex hull: on the segment where the frontier crosses ``target``,
    :math:`c^* = c_k + (target - q_k)(c_{k+1} - c_k)/(q_{k+1} - q_k)`; if the cheapest point already
    reaches it, that point's cost.
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
    (:func:`cost_to_reach`): 2 means the router matches the best model's quality at half its cost.
    Each of ``n_boot`` resamples of the prompts (seeded) recomputes the best model, its quality and
    cost, and the router's curve; a resample on which the router never reaches the best model's quality
    counts as saving 0 (no saving is possible there).

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

    Examples
    --------
    >>> models_c, models_q = [[1.0, 1.0], [10.0, 10.0]], [[0.0, 1.0], [1.0, 1.0]]
    >>> saving_ci([[1.0, 10.0]], [[1.0, 1.0]], models_c, models_q, n_boot=10)["saving"]  # 10 / 5.5
    1.8181818181818181

    See the chapter "Cascading routers".
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
    weights = resample_weights(c.shape[1], n_boot, seed)  # the same resamples as bootstrap_aiq's
    rc, rq, bc, bq = weights @ c.T, weights @ q.T, weights @ mc.T, weights @ mq.T
    samples, same = np.empty(n_boot), np.empty(n_boot, dtype=bool)
    for b in range(n_boot):
        k, _, _, samples[b] = one(rc[b], rq[b], bc[b], bq[b])
        same[b] = k == best
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


def apgr(cost, quality, weak: tuple[float, float], strong: tuple[float, float]) -> float:
    """RouteLLM's average performance gap recovered (Ong et al., 2024), for a weak and a strong model.

    With :math:`x = (c - c_w)/(c_s - c_w)` the share of calls to the strong model and
    :math:`\\mathrm{PGR}(x) = (\\tilde f(c) - q_w)/(q_s - q_w)` the share of the quality gap recovered by the
    router's frontier :math:`\\tilde f` (its non-decreasing convex hull, as for AIQ),
    :math:`\\mathrm{APGR} = \\int_0^1 \\mathrm{PGR}(x)\\,dx`. On the same curve and range this equals
    :math:`(\\mathrm{AIQ}_{[c_w, c_s]} - q_w)/(q_s - q_w)`; the random router (the two-model Zero router)
    has APGR 0.5. ``weak`` and ``strong`` are ``(cost, quality)`` points.
    """
    (cw, qw), (cs, qs) = weak, strong
    _two_model_axis([cw], weak, strong)
    if not qs > qw:
        raise RouterBenchDataError(f"strong: its quality ({qs}) must exceed the weak model's ({qw})")
    return (aiq(cost, quality, c_min=cw, c_max=cs) - qw) / (qs - qw)


def cpt(cost, quality, weak: tuple[float, float], strong: tuple[float, float], pgr: float = 0.5,
        monotone: str = "raise") -> float:
    """RouteLLM's CPT(x%): the smallest share of strong-model calls at which a router recovers ``pgr`` of
    the quality gap between the weak and the strong model.

    The router's points are read as a curve in cost order. RouteLLM interpolates that raw curve; where it
    is not monotone the answer depends on which crossing one takes. ``monotone="raise"`` (default)
    refuses such a curve, naming the offending points; ``monotone="hull"`` uses the router's
    non-decreasing convex hull, the frontier it can actually attain. Returns NaN if never reached.
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

    For a router point :math:`(c, q)`: :math:`\\mathrm{IBC} = (q - q_w)/(c - c_w)` and
    :math:`\\Delta_{\\mathrm{IBC}} = (\\mathrm{IBC} - \\mathrm{IBC}_{base})/\\mathrm{IBC}_{base}` with
    :math:`\\mathrm{IBC}_{base} = (q_s - q_w)/(c_s - c_w)`. Positive: the point lies above the straight line
    from the weak to the strong model (the random router). Returns one value per point (NaN at the weak
    model's cost).
    """
    (cw, qw), (cs, qs) = weak, strong
    c, q = as_points(cost, quality, "ibc_lift")
    base = (qs - qw) / (cs - cw)
    with np.errstate(divide="ignore", invalid="ignore"):
        ibc = np.where(c > cw, (q - qw) / (c - cw), np.nan)
    return (ibc - base) / base


def brier_score(predicted, actual) -> float:
    """Mean squared error of predicted scores: :math:`\\frac{1}{N}\\sum (\\hat q - s)^2` (0 is perfect)."""
    p, a = np.asarray(predicted, dtype=float).ravel(), np.asarray(actual, dtype=float).ravel()
    if p.shape != a.shape or p.size == 0:
        raise RouterBenchDataError(f"brier_score: expected equal, non-empty shapes, got {p.size} and {a.size}")
    return float(np.mean((p - a) ** 2))


def reliability_table(predicted, actual, bins: int = 10) -> pd.DataFrame:
    """Calibration of predicted scores: per equal-width bin of the prediction, its mean prediction, the
    mean actual score and the count. A calibrated predictor has the two means equal in every bin."""
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
