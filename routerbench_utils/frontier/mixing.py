"""Mixing two or more models: the line between their points, a simulated mixture, the weights that reach
a target (chapter "Linear interpolation and extrapolation").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._deprecated import renamed_keywords
from ..errors import RouterBenchDataError
from .points import as_points, float_array


def interpolate(a, b, t) -> tuple[np.ndarray, np.ndarray]:
    """The point of the router that sends a prompt to router ``b`` with probability ``t``, else to ``a``.

    For points :math:`a = (c_a, q_a)` and :math:`b = (c_b, q_b)`, expected cost and quality are linear in
    :math:`t`:

    .. math:: (c, q)(t) = (1 - t)\\,a + t\\,b, \\qquad t \\in [0, 1].

    See the chapter :ref:`chap-interpolation` ("Linear interpolation and extrapolation").

    Parameters
    ----------
    a, b : pair of float
        The two routers' points ``(cost, quality)``.
    t : float or array_like
        Probability (or probabilities) of sending a prompt to ``b``.

    Returns
    -------
    cost, quality : ndarray
        The mixed points, of the shape of ``t`` (numpy scalars for a scalar ``t``).

    Raises
    ------
    RouterBenchDataError
        If a ``t`` is outside [0, 1] or NaN, or a point is not finite or has a negative cost.

    Examples
    --------
    >>> interpolate((0.001, 0.6), (0.01, 0.9), 0.5)
    (np.float64(0.0055), np.float64(0.75))
    """
    t = float_array(t, "interpolate", "t").reshape(np.shape(t))
    if not np.all((t >= 0) & (t <= 1)):
        raise RouterBenchDataError("t: expected probabilities in [0, 1]")
    try:
        (c_a, q_a), (c_b, q_b) = a, b
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"interpolate: a and b must each be one (cost, quality) pair ({exc})") from exc
    (ca, cb), (qa, qb) = as_points([c_a, c_b], [q_a, q_b], "interpolate", "the cost pair (a[0], b[0])")
    return (1 - t) * ca + t * cb, (1 - t) * qa + t * qb


@renamed_keywords(seed="random_state")
def simulate_mixture(cost_a, quality_a, cost_b, quality_b, t, random_state: int = 0) -> pd.DataFrame:
    """Route each prompt to router B with probability ``t`` (else A) and return the realised points.

    Inputs are per-prompt costs and qualities of the two routers (arrays of equal length ``n``); ``t`` is
    one probability or an array of them. Returns one row per ``t`` with the realised mean ``cost`` and
    ``quality`` and the expected ones from :func:`~routerbench_utils.interpolate` (``cost_expected``,
    ``quality_expected``).
    The realised point converges to the line as ``n`` grows (its error shrinks like
    :math:`1/\\sqrt{n}`): with :math:`B_i \\sim \\mathrm{Bernoulli}(t)` drawn per prompt,

    .. math:: \\hat c(t) = \\frac{1}{n} \\sum_i \\big[(1 - B_i)\\, c^A_i + B_i\\, c^B_i\\big],
        \\qquad \\mathbb{E}\\,\\hat c(t) = (1 - t)\\,\\bar c^A + t\\,\\bar c^B,

    and likewise for quality.

    See the chapter :ref:`chap-interpolation` ("Linear interpolation and extrapolation").

    Parameters
    ----------
    cost_a, quality_a : array_like of shape (n,)
        Router A's per-prompt cost (USD) and score.
    cost_b, quality_b : array_like of shape (n,)
        Router B's, on the same prompts.
    t : float or array_like
        Probability (or probabilities) of sending a prompt to B.
    random_state : int, default 0
        Seed of the draws (one row of draws per ``t``).

    Returns
    -------
    DataFrame
        One row per ``t``: ``t``, ``cost``, ``quality`` (realised means), ``cost_expected`` and
        ``quality_expected`` (the line, :func:`routerbench_utils.interpolate`).

    Raises
    ------
    RouterBenchDataError
        If a router's arrays differ in length, are empty, not finite or hold a negative cost; A and B
        cover different numbers of prompts; or a ``t`` is outside [0, 1].
    """
    ca, qa = as_points(cost_a, quality_a, "router A", "argument 'cost_a'")
    cb, qb = as_points(cost_b, quality_b, "router B", "argument 'cost_b'")
    if ca.size != cb.size:
        raise RouterBenchDataError(f"routers A and B: {ca.size} vs {cb.size} prompts; expected the same prompts")
    t = np.atleast_1d(np.asarray(t, dtype=float))
    if not np.all((t >= 0) & (t <= 1)):
        raise RouterBenchDataError("t: expected probabilities in [0, 1]")
    to_b = np.random.default_rng(random_state).random((t.size, ca.size)) < t[:, None]
    cost = np.where(to_b, cb, ca).mean(axis=1)
    quality = np.where(to_b, qb, qa).mean(axis=1)
    expected_c, expected_q = interpolate((ca.mean(), qa.mean()), (cb.mean(), qb.mean()), t)
    return pd.DataFrame({"t": t, "cost": cost, "quality": quality,
                         "cost_expected": expected_c, "quality_expected": expected_q})


def mixture_weights(cost, quality, target_cost: float, target_quality: float) -> np.ndarray:
    """Probabilities over the given points whose mix lands exactly on ``(target_cost, target_quality)``.

    Solves :math:`\\sum_k w_k (c_k, q_k, 1) = (c^*, q^*, 1)` with :math:`w \\ge 0` by non-negative least
    squares; such weights exist whenever the target lies in the convex hull of the points
    (Caratheodory: three points suffice in the plane). Sending each prompt to router :math:`k` with
    probability :math:`w_k` then lands, in expectation, on the target.

    See the chapter :ref:`chap-interpolation` ("Linear interpolation and extrapolation").

    Parameters
    ----------
    cost, quality : array_like
        The points (routers or models) to mix.
    target_cost, target_quality : float
        The point to reach.

    Returns
    -------
    ndarray
        One weight per point, :math:`w_k \\ge 0`, summing to 1 (within the solver's tolerance); not
        unique when more than three points could be mixed.

    Raises
    ------
    RouterBenchDataError
        If the target lies outside the convex hull of the points (residual above 1e-9: no mix reaches
        it), or the points are empty, of unequal length, not finite or hold a negative cost.
    """
    from scipy.optimize import nnls

    c, q = as_points(cost, quality, "mixture_weights")
    scale = max(float(np.abs(c).max()), 1e-300)  # put cost on the scale of quality for the solver
    system = np.vstack([c / scale, q, np.ones_like(c)])
    weights, residual = nnls(system, np.array([target_cost / scale, target_quality, 1.0]))
    if residual > 1e-9:
        raise RouterBenchDataError(
            f"target ({target_cost}, {target_quality}) lies outside the convex hull of the points: "
            "no mix of them reaches it")
    return weights

