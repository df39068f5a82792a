"""Other papers' metrics on the two-model axis: RouteLLM's APGR and CPT, AutoMix's IBC lift (chapter
"Routing collapse, the plateau, and metrics that disagree").
"""
from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import RouterBenchDataError
from ..frontier import as_points
from .aiq import aiq, cost_to_reach


#: The two curves APGR can be computed on: the router's hull (the package's default) or its raw points
#: in order of strong-model share (RouteLLM's evaluation).
APGR_CURVES = ("hull", "raw")


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
    pgr = _checks.number(pgr, "pgr", low=0.0, high=1.0)
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

