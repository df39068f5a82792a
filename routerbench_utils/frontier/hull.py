"""The non-decreasing convex hull (monotone chain; vectorised) and the Zero router's frontier (chapter
"The non-decreasing convex hull and the Zero router").
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..errors import RouterBenchDataError
from .points import as_points


def _turn(x0: ArrayLike, y0: ArrayLike, x1: ArrayLike, y1: ArrayLike, x2: ArrayLike,
          y2: ArrayLike) -> np.ndarray:
    """Cross product of (p0 -> p1) and (p0 -> p2): ``>= 0`` when p1 lies on or below the chord from p0
    to p2 (so p1 is no hull vertex), ``< 0`` when the chain p0, p1, p2 turns strictly right.

    Every orientation test of the hull uses this one expression, so all of them round alike.
    """
    return (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without a Python loop."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - ends + lengths, lengths) + np.arange(ends[-1] if ends.size else 0)


# Elements a vectorised search evaluates per step: few queries get many probes each (fewer numpy calls),
# many queries get few (less work).
_PROBE_BUDGET = 1 << 14


# A pruning pass that removes less than this share of the points hands over to the merge of concave
# runs. Per point a pass is much cheaper than a merge round (no gathers, no searches), so passes go on
# while they are productive; the share bounds their total cost by 32 passes over the points.
_MIN_PASS_YIELD = 1 / 32


# Below this many points the filter before the sort costs more numpy calls than it saves sorting.
_FILTER_BEFORE_SORT_FROM = 512


def _first_false(holds: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray,
                 hi: np.ndarray) -> np.ndarray:
    """For each query ``k``, the first ``j`` in ``[lo[k], hi[k])`` at which ``holds`` fails (``hi[k]``
    if it holds throughout), for a predicate that holds, then fails, along ``j``.

    A k-ary search of all queries at once: each step probes every open range at ``k`` evenly spaced
    positions (``holds(queries, positions)`` on flat arrays) and keeps the stretch between the last
    probe that holds and the first that fails, so :math:`O(\\log n / \\log k)` steps. ``k`` is 2 (a
    binary search, the least work) when there are many queries and up to 64 when there are few (the
    fewest numpy calls), see :data:`_PROBE_BUDGET`.
    """
    lo, hi = lo.copy(), hi.copy()
    while True:
        open_ = np.flatnonzero(lo < hi)
        if open_.size == 0:
            return lo
        start, width = lo[open_], hi[open_] - lo[open_]
        fan = int(min(width.max(), max(2, np.sqrt(_PROBE_BUDGET / open_.size)), 64))
        # Evenly spaced, the last at hi - 1: the answer is often at the end of the range (a bridge that
        # leaves from the last point of the left chain, or reaches the last point of the right one).
        probe = hi[open_, None] - 1 - (width[:, None] * np.arange(fan - 1, -1, -1)) // fan
        ok = holds(np.repeat(open_, fan), probe.ravel()).reshape(probe.shape)
        fails = np.where(ok.all(axis=1), fan, np.argmin(ok, axis=1))  # first failing probe, or fan
        rows = np.arange(open_.size)
        lo[open_] = np.where(fails > 0, probe[rows, np.maximum(fails - 1, 0)] + 1, start)
        hi[open_] = np.where(fails < fan, probe[rows, np.minimum(fails, fan - 1)], hi[open_])


def _tangents(x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray, start: np.ndarray,
              stop: np.ndarray) -> np.ndarray:
    """For each point ``(px, py)`` and the strictly concave chain of points ``start:stop`` right of it,
    the position of the chain's point of steepest slope from the point (the last one, if several tie).

    Along such a chain the slope from a point on its left rises, then falls: the chain still climbs
    at ``j`` while ``j + 1`` lies on or above the line from the point through ``j``, and the tangent
    point is the first ``j`` where it stops climbing.
    """
    def climbs(query: np.ndarray, j: np.ndarray) -> np.ndarray:
        return _turn(px[query], py[query], x[j], y[j], x[j + 1], y[j + 1]) >= 0

    return _first_false(climbs, start, stop - 1)


def _bridges(x: np.ndarray, y: np.ndarray, left: np.ndarray, right: np.ndarray,
             stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper tangents (bridges) of pairs of strictly concave chains of points ``L = left:right`` and
    ``R = right:stop``, ``L`` entirely cheaper than ``R``.

    Returns positions ``(a, b)`` such that the upper hull of ``L`` and ``R`` is ``L[..a]`` followed by
    ``R[b..]``. A point of ``L`` stays on that hull exactly when the chain turns strictly right at it
    on the way from its predecessor to its tangent point on ``R``; the points that stay form a prefix
    of ``L`` (its first point always stays), so a search over ``L``, each probe with a tangent search
    over ``R``, finds ``a``: :math:`O(\\log^2 n)` vectorised steps for all pairs at once, far fewer with
    many probes per step.
    """
    def stays(pair: np.ndarray, i: np.ndarray) -> np.ndarray:
        top = _tangents(x, y, x[i], y[i], right[pair], stop[pair])
        return _turn(x[i - 1], y[i - 1], x[i], y[i], x[top], y[top]) < 0

    a = _first_false(stays, left + 1, right) - 1
    return a, _tangents(x, y, x[a], y[a], right, stop)


def _merge_chains(x: np.ndarray, y: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The upper hull of consecutive strictly concave chains of points ``starts[k]:starts[k + 1]``.

    Merges neighbouring chains pairwise, all pairs of a round at once: the merged chain keeps the left
    chain up to its bridge end and the right chain from its bridge end on, i.e. drops the points
    between the two ends. With :math:`k` chains over :math:`m` points that is :math:`\\lceil \\log_2 k
    \\rceil` rounds, each :math:`O(m)` to drop the points under its bridges; the searches cost
    :math:`O(\\log^2 s)` per pair of chains of :math:`s` points, :math:`O(m)` over all rounds.
    """
    while starts.size > 1:
        pairs = starts.size // 2
        stops = np.append(starts[1:], x.size)
        a, b = _bridges(x, y, starts[0:2 * pairs:2], starts[1:2 * pairs:2], stops[1:2 * pairs:2])
        under = b - a - 1  # points strictly between the bridge's ends lie under it
        starts = starts[0::2]  # each pair becomes one chain; an odd last chain waits for the next round
        if under.any():
            keep = np.ones(x.size, dtype=bool)
            keep[_ranges(a + 1, under)] = False
            x, y = x[keep], y[keep]
            starts = starts - np.concatenate(([0], np.cumsum(under)))[:starts.size]
    return x, y


def _upper_chain(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The strict upper-hull vertices of points with strictly increasing ``x`` and ``y``.

    First vectorised pruning passes: a point on or below the chord of its two neighbours is never a
    vertex, so all such points go at once. A pass costs :math:`O(m)`; while each pass removes at least
    a share :data:`_MIN_PASS_YIELD` of the points, the set shrinks geometrically (:math:`O(m)` in all).
    A pass that removes fewer (a curve whose points turn reflex one at a time, as before one high
    point, where passes alone would take :math:`O(m^2)`) hands over to :func:`_merge_chains`: the points
    it kept form :math:`k` runs, each strictly concave (at most one more run than removed points), and
    merging them costs :math:`O(m \\log k)`.
    """
    while x.size >= 3:
        reflex = _turn(x[:-2], y[:-2], x[1:-1], y[1:-1], x[2:], y[2:]) >= 0
        removed = int(np.count_nonzero(reflex))
        if removed == 0:
            break
        stays = np.concatenate(([True], ~reflex, [True]))
        x, y = x[stays], y[stays]
        if removed < _MIN_PASS_YIELD * stays.size:
            # A run starts at every point that stays after one that did not.
            return _merge_chains(x, y, np.flatnonzero(np.concatenate(([True], ~stays[:-1]))[stays]))
    return x, y


def _hull_candidates(c: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Three points of the hull and every point that could be a vertex between them, unsorted.

    The hull's two ends are the cheapest point (best quality among the cheapest) and the best point
    (cheapest among the best); nothing on or below their chord is a vertex. The point farthest above
    that chord is on the hull too (one step of quickhull), so nothing on or below the two chords
    through it is a vertex either. :math:`O(n)` before any sort: on scattered points only a small
    fraction is left to sort.
    """
    c_first = c.min()
    q_first = q[c == c_first].max()
    q_last = q.max()
    c_last = c[q == q_last].min()
    height = _turn(c_first, q_first, c, q, c_last, q_last)  # < 0 above the chord, lowest farthest
    apex = int(np.argmin(height))
    if not height[apex] < 0:  # nothing above the chord: the hull is the chord's ends
        return np.array([c_first, c_last]), np.array([q_first, q_last])
    c_apex, q_apex = c[apex], q[apex]
    # The chords first-apex-last form a concave polyline, on every cost the lower of the two chords'
    # lines: a point is above the polyline when it is above either line, with no per-point choice.
    above = ((_turn(c_first, q_first, c, q, c_apex, q_apex) < 0)
             | (_turn(c_apex, q_apex, c, q, c_last, q_last) < 0))
    return (np.concatenate(([c_first, c_apex, c_last], c[above])),
            np.concatenate(([q_first, q_apex, q_last], q[above])))


def _hull_vertices(c: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of the non-decreasing convex hull of validated points; see :class:`~routerbench_utils.frontier.NDCH`."""
    if c.size > _FILTER_BEFORE_SORT_FROM:
        c, q = _hull_candidates(c, q)
    # Equal costs are merged below, so the sort need not be stable (nor sort by quality: lexsort is
    # several times slower than a plain argsort on shuffled points).
    order = np.argsort(c)
    c, q = c[order], q[order]
    distinct = c[1:] != c[:-1]
    if not distinct.all():
        # one point per cost, with the best quality paid for at that cost
        first = np.flatnonzero(np.concatenate(([True], distinct)))
        c, q = c[first], np.maximum.reduceat(q, first)
    # A vertex must beat the quality of every cheaper point (the hull is non-decreasing): keep strict
    # record highs. Both coordinates are strictly increasing from here on.
    record = np.concatenate(([True], q[1:] > np.maximum.accumulate(q[:-1])))
    c, q = c[record], q[record]
    return _upper_chain(c, q)


class NDCH:
    """The non-decreasing convex hull of a router's (cost, quality) points: its best attainable frontier.

    Mixing routers (:func:`routerbench_utils.interpolate`) makes every point on a segment between two
    points attainable,
    and paying more than needed (a no-op cost) extends any point to the right at equal quality. The
    frontier is therefore the upper concave envelope of the points, from the cheapest point up to the
    cheapest point of maximal quality, and flat after it. Points left of the cheapest point are not
    attainable: there the frontier is undefined (NaN). For vertices :math:`(c_0, q_0), \\dots, (c_k, q_k)`:

    .. math::

        \\tilde f(c) = \\begin{cases}
            \\text{undefined} & c < c_0, \\\\
            q_j + \\frac{q_{j+1} - q_j}{c_{j+1} - c_j}\\,(c - c_j) & c_j \\le c \\le c_{j+1}, \\\\
            q_k & c \\ge c_k.
        \\end{cases}

    See the chapter :ref:`chap-hull` ("The non-decreasing convex hull and the Zero router").

    Parameters
    ----------
    cost, quality : array_like
        One value per point, equal lengths, at least one point; costs finite and >= 0 (USD), qualities
        finite.

    Attributes
    ----------
    cost, quality : ndarray
        The hull's vertices, sorted by cost; quality is strictly increasing and concave. Points on a
        hull edge but not at a corner (collinear points) are not vertices.

    Raises
    ------
    RouterBenchDataError
        For mismatched lengths, no points, NaN or infinite values, or negative costs.

    Notes
    -----
    :math:`O(n \\log n)` time for any input, :math:`O(n)` memory:

    1. drop the points on or below the chord from the cheapest point to the best one (the hull's
       two ends), then on or below the two chords through the point farthest above it (a hull point
       too): :math:`O(n)`, and on scattered points only a small fraction is left;
    2. sort the rest by cost (:math:`O(n \\log n)`, the dominant step), keeping the best quality per
       cost;
    3. keep strict record highs of quality (:math:`O(n)`): every other point is dominated;
    4. vectorised monotone-chain passes, each dropping every point on or below the chord of its two
       neighbours, while each removes at least 1/32 of the points (:math:`O(n)` in all);
    5. if points are still left to drop (passes alone would take :math:`O(n^2)` on, e.g., a concave
       curve followed by one high point: each pass drops one point), the last pass has split them
       into :math:`k` strictly concave runs, which are merged pairwise along their upper tangents,
       found by vectorised searches: :math:`\\lceil \\log_2 k \\rceil` rounds of :math:`O(n)`.

    Every orientation test is the same cross product, and points on a chord (collinear) are never
    vertices; the vertices are those of Andrew's monotone chain on the same points (identical whenever
    the cross products are exact, e.g. for integer or dyadic coordinates; on other floats the two can
    differ only for points within rounding error of a chord).

    Examples
    --------
    >>> h = NDCH([1, 2, 3, 4], [0.5, 0.6, 0.9, 0.8])
    >>> h.cost, h.quality
    (array([1., 3.]), array([0.5, 0.9]))
    >>> float(h(2.0)), float(h(10.0))
    (0.7, 0.9)
    """

    def __init__(self, cost, quality):
        c, q = as_points(cost, quality, "ndch")
        self._points = (c, q)
        self.cost, self.quality = _hull_vertices(c, q)

    def __repr__(self) -> str:
        return f"NDCH({self.cost.size} vertices, cost {self.cost[0]:.3g}..{self.cost[-1]:.3g})"

    def __call__(self, cost) -> np.ndarray:
        """The frontier's quality at ``cost``: linear between vertices, flat right of the last, NaN left
        of the first."""
        x = np.asarray(cost, dtype=float)
        y = np.interp(x, self.cost, self.quality)
        return np.where(x < self.cost[0], np.nan, y)

    @property
    def max_quality(self) -> float:
        """The frontier's best quality, that of its last (dearest) vertex."""
        return float(self.quality[-1])

    def dominated(self, tol: float = 1e-12) -> np.ndarray:
        """Boolean mask over the input points: True where a point lies strictly below the frontier.

        Parameters
        ----------
        tol : float, default 1e-12
            A point counts as below only if its quality is more than ``tol`` under the frontier at its
            cost (points on an edge are not dominated).

        Returns
        -------
        ndarray of bool
            One entry per input point, in input order.
        """
        c, q = self._points
        return q < self(c) - tol

    def integral(self, lo: float, hi: float) -> float:
        """Exact :math:`\\int_{lo}^{hi} f(c)\\,dc` of the frontier, with :math:`f = 0` left of its first
        vertex (nothing is attainable there) and flat right of its last.

        Parameters
        ----------
        lo, hi : float
            The cost range, ``lo <= hi``.

        Returns
        -------
        float
            The area under the frontier (quality x USD); 0 when the range ends before the first vertex.

        Raises
        ------
        RouterBenchDataError
            If ``lo`` or ``hi`` is not finite or ``hi < lo``.
        """
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
            raise RouterBenchDataError(f"integral: expected finite lo <= hi, got lo={lo}, hi={hi}")
        start = max(lo, self.cost[0])
        if hi <= start:
            return 0.0
        inner = self.cost[(self.cost > start) & (self.cost < hi)]
        x = np.concatenate([[start], inner, [hi]])
        y = np.interp(x, self.cost, self.quality)
        return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0))

    def vertices(self) -> pd.DataFrame:
        """The vertices as a frame with columns ``cost`` and ``quality``, sorted by cost.

        Returns
        -------
        DataFrame
        """
        return pd.DataFrame({"cost": self.cost, "quality": self.quality})


def ndch(cost, quality) -> NDCH:
    """The non-decreasing convex hull of (cost, quality) points; see
    :class:`~routerbench_utils.frontier.NDCH`.

    The frontier :math:`\\tilde f` is the upper concave envelope of the points from the cheapest point
    up to the cheapest point of maximal quality, flat after it, undefined left of the cheapest point.
    :math:`O(n \\log n)` for any :math:`n` points (a sort, then linear filters and, at worst,
    logarithmically many linear merge rounds; see :class:`~routerbench_utils.frontier.NDCH`).

    See the chapter :ref:`chap-hull` ("The non-decreasing convex hull and the Zero router").

    Parameters
    ----------
    cost, quality : array_like
        One value per point (e.g. a router's curve, or the models' points of one dataset), equal
        lengths; costs finite and >= 0 (USD), qualities finite.

    Returns
    -------
    NDCH
        Callable (``hull(c)`` is the frontier's quality at cost ``c``), with the vertices in ``.cost``
        and ``.quality``.

    Raises
    ------
    RouterBenchDataError
        For mismatched lengths, no points, NaN or infinite values, or negative costs.

    Examples
    --------
    >>> hull = ndch([1, 2, 3, 4], [0.5, 0.6, 0.9, 0.8])
    >>> hull.cost, float(hull.max_quality)
    (array([1., 3.]), 0.9)
    """
    return NDCH(cost, quality)


def zero_router_curve(points: pd.DataFrame) -> pd.DataFrame:
    """The Zero router of each dataset: the non-decreasing convex hull of the individual models' points.

    It routes by mixing models at random, with no look at the prompt, so any router worth its keep must
    beat it: per dataset its frontier is :math:`\\tilde f` of the models' points
    :math:`(\\bar c_m, \\bar q_m)` (:func:`routerbench_utils.ndch`), reached by mixing the two vertex
    models around each cost (:func:`routerbench_utils.interpolate`).

    See the chapter :ref:`chap-hull` ("The non-decreasing convex hull and the Zero router").

    Parameters
    ----------
    points : DataFrame
        :func:`routerbench_utils.model_points` output (columns ``dataset``, ``model``, ``cost``,
        ``quality``), for one or several datasets.

    Returns
    -------
    DataFrame
        The hull's vertices: one row per (dataset, vertex model) with ``dataset``, ``model``, ``cost``,
        ``quality``, sorted by cost within each dataset (datasets in order of first appearance); one
        model per vertex.

    Raises
    ------
    RouterBenchDataError
        If ``points`` is not a frame or has no rows, a column is missing, or a dataset's points are not
        finite or hold a negative cost.
    """
    if not isinstance(points, pd.DataFrame) or len(points) == 0:
        raise RouterBenchDataError("zero_router_curve: expected the points of at least one model (a frame from "
                                   f"model_points(df)), got {type(points).__name__ if not isinstance(points, pd.DataFrame) else 'no rows'}")
    missing = [c for c in ("dataset", "model", "cost", "quality") if c not in points.columns]
    if missing:
        raise RouterBenchDataError(f"zero_router_curve: missing column(s) {missing}; pass model_points(df)")
    parts = []
    for name, part in points.groupby("dataset", sort=False):
        hull = NDCH(part["cost"], part["quality"])
        on_hull = ~hull.dominated()
        vertex = part[on_hull & np.isin(part["cost"].to_numpy(), hull.cost)]
        vertex = vertex.sort_values("cost").drop_duplicates("cost")
        parts.append(vertex[["dataset", "model", "cost", "quality"]])
    return pd.concat(parts, ignore_index=True)


def dominated_models(points: pd.DataFrame) -> pd.DataFrame:
    """Which models are dominated on each dataset, and how.

    A model is *dominated by a model* when another model is at most as costly and at least as good, and
    strictly better in one of the two; it is *below the frontier* when some mix of models (a point of
    the Zero router's hull) beats it:

    .. math:: m \\prec m' \\iff \\bar c_{m'} \\le \\bar c_m,\\ \\bar q_{m'} \\ge \\bar q_m,\\
        (\\bar c_{m'}, \\bar q_{m'}) \\ne (\\bar c_m, \\bar q_m);
        \\qquad \\text{below the frontier} \\iff \\bar q_m < \\tilde f(\\bar c_m).

    The two differ: a mix of models can beat a model that no single model beats.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    points : DataFrame
        :func:`routerbench_utils.model_points` output (columns ``dataset``, ``model``, ``cost``,
        ``quality``).

    Returns
    -------
    DataFrame
        ``points`` (same rows, same index) with the columns ``dominated_by`` (the cheapest dominating
        model, the best of those equally cheap, or ``None``) and ``below_frontier`` (bool).

    Raises
    ------
    RouterBenchDataError
        If a column is missing, or a dataset's points are not finite or hold a negative cost.
    ValueError
        If ``points`` has no rows.
    """
    missing = [c for c in ("dataset", "model", "cost", "quality") if c not in points.columns]
    if missing:
        raise RouterBenchDataError(f"dominated_models: missing column(s) {missing}; pass model_points(df)")
    out = []
    for _, part in points.groupby("dataset", sort=False):
        c = part["cost"].to_numpy()
        q = part["quality"].to_numpy()
        # beats[i, j]: model j is no dearer and no worse than model i, and better in one of the two
        beats = (c[None, :] <= c[:, None]) & (q[None, :] >= q[:, None]) & (
            (c[None, :] < c[:, None]) | (q[None, :] > q[:, None]))
        # the cheapest dominating model; among equally cheap ones, the best
        least = np.where(beats, c[None, :], np.inf).min(axis=1, keepdims=True)
        cheapest = np.where(beats & (c[None, :] == least), q[None, :], -np.inf).argmax(axis=1)
        names = part["model"].to_numpy()
        # an object Series keeps None as None (pandas would turn it into NaN in a string column)
        by = pd.Series([names[j] if any_ else None for j, any_ in zip(cheapest, beats.any(axis=1))],
                       index=part.index, dtype=object)
        out.append(part.assign(dominated_by=by, below_frontier=NDCH(c, q).dominated()))
    return pd.concat(out)

