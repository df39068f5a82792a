"""AIQ, the Average Improvement in Quality: the area under a router's non-decreasing convex hull divided
by the cost range, on one curve or a table of curves; the cost at which a curve reaches a quality
(chapter "AIQ").
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import _checks
from ..errors import RouterBenchDataError
from ..frontier import NDCH, as_points


#: The two AIQ conventions: the paper's formula and the official RouterBench code's.
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
    try:
        cost, quality = curve
        return np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"curve: expected a frame with 'cost' and 'quality', a (cost, quality) pair of "
                                   f"arrays or an NDCH, got {type(curve).__name__} ({exc})") from exc


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
        If ``curves`` is not a non-empty mapping, a frame lacks a ``cost`` or ``quality`` column, or a
        curve has no points or is not numbers.

    Examples
    --------
    >>> shared_range({"a": ([1.0, 2.0], [0.5, 0.6]), "b": ([0.5, 3.0], [0.4, 0.7])})
    (0.5, 3.0)
    """
    if not isinstance(curves, Mapping) or len(curves) == 0:
        raise RouterBenchDataError(f"curves: expected a non-empty mapping of names to curves, got "
                                   f"{type(curves).__name__ if not isinstance(curves, Mapping) else 'an empty one'}")
    arrays = [_curve_arrays(c) for c in curves.values()]
    if any(c.size == 0 for c, _ in arrays):
        raise RouterBenchDataError("curves: a curve has no points; expected at least one (cost, quality) point each")
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
    if not isinstance(curves, Mapping):
        raise RouterBenchDataError(f"curves: expected a mapping of names to curves, got {type(curves).__name__}")
    if len(curves) == 0:
        raise RouterBenchDataError("curves: expected at least one curve")
    lo, hi = shared_range(curves)
    lo = lo if c_min is None else c_min
    hi = hi if c_max is None else c_max
    return pd.Series({name: aiq(*_curve_arrays(curve), c_min=lo, c_max=hi, variant=variant)
                      for name, curve in curves.items()}, name=f"AIQ ({variant})")


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
    target = _checks.number(target, "target")
    hull = NDCH(*as_points(cost, quality, "cost_to_reach"))
    if target > hull.max_quality:
        return float("nan")
    k = int(np.searchsorted(hull.quality, target, side="left"))
    if k == 0:
        return float(hull.cost[0])
    c0, c1, q0, q1 = hull.cost[k - 1], hull.cost[k], hull.quality[k - 1], hull.quality[k]
    return float(c0 + (target - q0) * (c1 - c0) / (q1 - q0))

