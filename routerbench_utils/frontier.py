"""Cost-quality points of models and routers (chapter "The cost-quality plane")."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import check_model_values, cost_column, dataset_column, models, validate
from .errors import RouterBenchDataError


def model_points(df: pd.DataFrame, cost: str = "mean") -> pd.DataFrame:
    """One row per (dataset, model): the model's mean cost per query and mean score.

    For rows :math:`i \\in D` of a dataset and a model :math:`m`,
    :math:`\\text{quality} = \\frac{1}{|D|} \\sum_i s_{im}` and
    :math:`\\text{cost} = \\frac{1}{|D|} \\sum_i c_{im}` (or :math:`\\sum_i c_{im}` with ``cost="total"``).
    Works on any subset of rows, e.g. a test split. Where the frame has ``<model>|latency`` columns, a
    ``latency`` column gives the mean seconds per query.

    Examples
    --------
    >>> pts = model_points(load(scale=0.05, verbose=False))  # doctest: +SKIP
    >>> list(pts.columns)  # doctest: +SKIP
    ['dataset', 'model', 'cost', 'quality', 'n']
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    validate(df)
    names = models(df)
    dataset = dataset_column(df).to_numpy()
    frame = pd.DataFrame({"dataset": dataset})
    timed = all(m + "|latency" in df.columns for m in names)
    for m in names:
        frame[("q", m)] = df[m].to_numpy(dtype=float)
        frame[("c", m)] = df[cost_column(m)].to_numpy(dtype=float)
        if timed:
            frame[("l", m)] = df[m + "|latency"].to_numpy(dtype=float)
    grouped = frame.groupby("dataset", sort=False)
    agg = grouped.sum() if cost == "total" else grouped.mean()
    means = grouped.mean()
    sizes = grouped.size()
    rows = [(d, m, agg.at[d, ("c", m)], means.at[d, ("q", m)], int(sizes[d]))
            for d in agg.index for m in names]
    points = pd.DataFrame(rows, columns=["dataset", "model", "cost", "quality", "n"])
    if timed:
        points["latency"] = [means.at[d, ("l", m)] for d in agg.index for m in names]
    return points


def _as_points(cost, quality, name: str = "points") -> tuple[np.ndarray, np.ndarray]:
    """Validate a set of (cost, quality) points: 1-D, same length, at least one, all finite."""
    c = np.asarray(cost, dtype=float).ravel()
    q = np.asarray(quality, dtype=float).ravel()
    if c.shape != q.shape:
        raise RouterBenchDataError(f"{name}: cost has {c.size} values but quality has {q.size}")
    if c.size == 0:
        raise RouterBenchDataError(f"{name}: expected at least one (cost, quality) point, got none")
    bad = ~(np.isfinite(c) & np.isfinite(q))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise RouterBenchDataError(
            f"{name}: {int(bad.sum())} points are NaN or infinite (first at position {k}: "
            f"cost={c[k]}, quality={q[k]}); expected finite numbers")
    return c, q


def interpolate(a, b, t) -> tuple[np.ndarray, np.ndarray]:
    """The point of the router that sends a prompt to router ``b`` with probability ``t``, else to ``a``.

    For points :math:`a = (c_a, q_a)` and :math:`b = (c_b, q_b)`, expected cost and quality are linear in
    :math:`t`: :math:`(c, q)(t) = (1 - t)\\,a + t\\,b`, :math:`t \\in [0, 1]`.

    Examples
    --------
    >>> interpolate((0.001, 0.6), (0.01, 0.9), 0.5)
    (array(0.0055), array(0.75))
    """
    t = np.asarray(t, dtype=float)
    if not np.all((t >= 0) & (t <= 1)):
        raise RouterBenchDataError("t: expected probabilities in [0, 1]")
    (ca, cb), (qa, qb) = _as_points([a[0], b[0]], [a[1], b[1]], "interpolate")
    return (1 - t) * ca + t * cb, (1 - t) * qa + t * qb


def simulate_mixture(cost_a, quality_a, cost_b, quality_b, t, seed: int = 0) -> pd.DataFrame:
    """Route each prompt to router B with probability ``t`` (else A) and return the realised points.

    Inputs are per-prompt costs and qualities of the two routers (arrays of equal length ``n``); ``t`` is
    one probability or an array of them. Returns one row per ``t`` with the realised mean ``cost`` and
    ``quality`` and the expected ones from :func:`interpolate` (``cost_expected``, ``quality_expected``).
    The realised point converges to the line as ``n`` grows (its error shrinks like
    :math:`1/\\sqrt{n}`).
    """
    ca, qa = _as_points(cost_a, quality_a, "router A")
    cb, qb = _as_points(cost_b, quality_b, "router B")
    if ca.size != cb.size:
        raise RouterBenchDataError(f"routers A and B: {ca.size} vs {cb.size} prompts; expected the same prompts")
    t = np.atleast_1d(np.asarray(t, dtype=float))
    if not np.all((t >= 0) & (t <= 1)):
        raise RouterBenchDataError("t: expected probabilities in [0, 1]")
    to_b = np.random.default_rng(seed).random((t.size, ca.size)) < t[:, None]
    cost = np.where(to_b, cb, ca).mean(axis=1)
    quality = np.where(to_b, qb, qa).mean(axis=1)
    expected_c, expected_q = interpolate((ca.mean(), qa.mean()), (cb.mean(), qb.mean()), t)
    return pd.DataFrame({"t": t, "cost": cost, "quality": quality,
                         "cost_expected": expected_c, "quality_expected": expected_q})


def _upper_chain(c: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Indices of the strict upper-hull vertices of points sorted by cost (distinct costs).

    Vectorised pruning: a point on or below the chord of its two neighbours is never a vertex, so all
    such points are dropped at once, and the pass repeats until the chain turns strictly right
    everywhere (Andrew's monotone chain, done in whole-array passes).
    """
    keep = np.arange(c.size)
    while keep.size >= 3:
        x, y = c[keep], q[keep]
        # cross product of (p[i-1] -> p[i]) and (p[i-1] -> p[i+1]); >= 0 means p[i] is on/below the chord
        cross = ((x[1:-1] - x[:-2]) * (y[2:] - y[:-2]) - (y[1:-1] - y[:-2]) * (x[2:] - x[:-2]))
        drop = np.concatenate([[False], cross >= 0, [False]])
        if not drop.any():
            break
        keep = keep[~drop]
    return keep


class NDCH:
    """The non-decreasing convex hull of a router's (cost, quality) points: its best attainable frontier.

    Mixing routers (:func:`interpolate`) makes every point on a segment between two points attainable,
    and paying more than needed (a no-op cost) extends any point to the right at equal quality. The
    frontier is therefore the upper concave envelope of the points, from the cheapest point up to the
    cheapest point of maximal quality, and flat after it. Points left of the cheapest point are not
    attainable: there the frontier is undefined (NaN).

    Built in :math:`O(n \\log n)` (a sort, then a record-high filter and vectorised monotone-chain passes).

    Attributes
    ----------
    cost, quality : ndarray
        The hull's vertices, sorted by cost; quality is strictly increasing and concave.

    Examples
    --------
    >>> h = NDCH([1, 2, 3, 4], [0.5, 0.6, 0.9, 0.8])
    >>> h.cost, h.quality
    (array([1., 3.]), array([0.5, 0.9]))
    >>> float(h(2.0)), float(h(10.0))
    (0.7, 0.9)
    """

    def __init__(self, cost, quality):
        c, q = _as_points(cost, quality, "ndch")
        self._points = (c, q)
        order = np.lexsort((-q, c))  # by cost, best quality first among equal costs
        c, q = c[order], q[order]
        # A vertex must beat the quality of every cheaper-or-equal point (the hull is non-decreasing):
        # keep strict record highs, which also keeps one point per cost.
        previous_best = np.concatenate([[-np.inf], np.maximum.accumulate(q)[:-1]])
        record = q > previous_best
        c, q = c[record], q[record]
        chain = _upper_chain(c, q)
        self.cost, self.quality = c[chain], q[chain]

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
        return float(self.quality[-1])

    def dominated(self, tol: float = 1e-12) -> np.ndarray:
        """Boolean mask over the input points: True where a point lies strictly below the frontier."""
        c, q = self._points
        return q < self(c) - tol

    def integral(self, lo: float, hi: float) -> float:
        """Exact :math:`\\int_{lo}^{hi} f(c)\\,dc` of the frontier, with :math:`f = 0` left of its first
        vertex (nothing is attainable there) and flat right of its last."""
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
        """The vertices as a frame with columns ``cost`` and ``quality``."""
        return pd.DataFrame({"cost": self.cost, "quality": self.quality})


def ndch(cost, quality) -> NDCH:
    """The non-decreasing convex hull of (cost, quality) points; see :class:`NDCH`.

    Raises :class:`RouterBenchDataError` for NaN or infinite input or mismatched lengths.
    """
    return NDCH(cost, quality)


def zero_router(points: pd.DataFrame) -> pd.DataFrame:
    """The Zero router of each dataset: the non-decreasing convex hull of the individual models' points.

    It routes by mixing models at random, with no look at the prompt, so any router worth its keep must
    beat it. Takes :func:`model_points` output (columns ``dataset``, ``model``, ``cost``, ``quality``)
    and returns its hull vertices, one row per (dataset, vertex model), sorted by cost.
    """
    missing = [c for c in ("dataset", "model", "cost", "quality") if c not in points.columns]
    if missing:
        raise RouterBenchDataError(f"zero_router: missing column(s) {missing}; pass model_points(df)")
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
    the Zero router's hull) beats it. Takes :func:`model_points` output; returns it with the columns
    ``dominated_by`` (the cheapest dominating model, or ``None``) and ``below_frontier`` (bool).
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
        cheapest = np.where(beats, c[None, :], np.inf).argmin(axis=1)
        names = part["model"].to_numpy()
        by = np.where(beats.any(axis=1), names[cheapest], None)
        out.append(part.assign(dominated_by=by, below_frontier=NDCH(c, q).dominated()))
    return pd.concat(out)


def mixture_weights(cost, quality, target_cost: float, target_quality: float) -> np.ndarray:
    """Probabilities over the given points whose mix lands exactly on ``(target_cost, target_quality)``.

    Solves :math:`\\sum_k w_k (c_k, q_k, 1) = (c^*, q^*, 1)` with :math:`w \\ge 0` by non-negative least
    squares; such weights exist whenever the target lies in the convex hull of the points
    (Caratheodory: three points suffice in the plane). Raises if the target is outside.
    """
    from scipy.optimize import nnls

    c, q = _as_points(cost, quality, "mixture_weights")
    scale = max(float(np.abs(c).max()), 1e-300)  # put cost on the scale of quality for the solver
    system = np.vstack([c / scale, q, np.ones_like(c)])
    weights, residual = nnls(system, np.array([target_cost / scale, target_quality, 1.0]))
    if residual > 1e-9:
        raise RouterBenchDataError(
            f"target ({target_cost}, {target_quality}) lies outside the convex hull of the points: "
            "no mix of them reaches it")
    return weights


def _row_hulls(cost: np.ndarray, quality: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-decreasing convex hulls of every row's points at once (rows: prompts, columns: models).

    Returns the rows' points sorted by cost and a mask of their hull vertices. The same three steps as
    :class:`NDCH` (sort, strict record highs, drop non-right turns until none is left), each a whole-array
    operation over all rows; the last repeats at most once per column.
    """
    order = np.lexsort((-quality, cost), axis=1)  # by cost, best quality first among equal costs
    c, q = np.take_along_axis(cost, order, 1), np.take_along_axis(quality, order, 1)
    previous_best = np.concatenate([np.full((len(q), 1), -np.inf), np.maximum.accumulate(q, axis=1)[:, :-1]], 1)
    vertex = q > previous_best
    rows, columns = np.indices(q.shape)
    width = q.shape[1]
    for _ in range(width):
        # neighbours among the current vertices: the last one before and the first one after each column
        before = np.maximum.accumulate(np.where(vertex, columns, -1), axis=1)
        before = np.concatenate([np.full((len(q), 1), -1), before[:, :-1]], 1)
        after = np.minimum.accumulate(np.where(vertex, columns, width)[:, ::-1], axis=1)[:, ::-1]
        after = np.concatenate([after[:, 1:], np.full((len(q), 1), width)], 1)
        inner = vertex & (before >= 0) & (after < width)
        p, n = np.clip(before, 0, width - 1), np.clip(after, 0, width - 1)
        cp, qp, cn, qn = c[rows, p], q[rows, p], c[rows, n], q[rows, n]
        cross = (c - cp) * (qn - qp) - (q - qp) * (cn - cp)
        drop = inner & (cross >= 0)
        if not drop.any():
            break
        vertex &= ~drop
    return c, q, vertex


def budgeted_oracle(df: pd.DataFrame, model_names: list[str] | None = None) -> pd.DataFrame:
    """The best attainable mean quality at every mean cost per query, choosing a model per prompt.

    The paper's Oracle is one point (the best score per prompt). With a budget, the Oracle should spend
    where a dollar buys the most score. Allowing a random choice per prompt (the LP relaxation), the
    optimum is greedy: start every prompt at its cheapest model, then take upgrades along each prompt's
    own non-decreasing convex hull in order of falling slope (score gained per USD), across all prompts.
    Returns the frontier's vertices (``cost``, ``quality``), from all-cheapest to the Oracle's point.
    """
    validate(df)
    names = models(df) if model_names is None else list(model_names)
    c, q, vertex = _row_hulls(df[[cost_column(m) for m in names]].to_numpy(dtype=float),
                              df[names].to_numpy(dtype=float))
    n = len(df)
    # Each vertex after a row's first is an upgrade from the row's previous vertex.
    columns = np.indices(q.shape)[1]
    previous = np.maximum.accumulate(np.where(vertex, columns, -1), axis=1)
    previous = np.concatenate([np.full((n, 1), -1), previous[:, :-1]], 1)
    upgrade = vertex & (previous >= 0)
    rows = np.nonzero(upgrade)[0]
    d_cost = c[upgrade] - c[rows, previous[upgrade]]
    d_quality = q[upgrade] - q[rows, previous[upgrade]]
    order = np.argsort(-(d_quality / d_cost), kind="stable")
    start_cost, start_quality = c[:, 0].sum(), q[:, 0].sum()  # every row's cheapest point is a vertex
    cost = start_cost + np.concatenate([[0.0], np.cumsum(d_cost[order])])
    quality = start_quality + np.concatenate([[0.0], np.cumsum(d_quality[order])])
    return pd.DataFrame({"cost": cost / n, "quality": quality / n})


def reprice(df: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """A copy of ``df`` with each named model's costs multiplied by its factor (a price change).

    Scaling every model by one common factor leaves AIQ unchanged; changing relative prices moves the
    hull, the Zero router and AIQ.
    """
    check_model_values(df, factors, "factors", allow_zero=False)
    out = df.copy()
    for m, f in factors.items():
        out[cost_column(m)] = out[cost_column(m)] * f
    return out
