"""The budgeted Oracle (the best model per prompt within a budget) and repricing models (chapter "The
Oracle").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import check_model_values, cost_column, models, validate


def _row_hulls(cost: np.ndarray, quality: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-decreasing convex hulls of every row's points at once (rows: prompts, columns: models).

    Returns the rows' points sorted by cost and a mask of their hull vertices. The same three steps as
    :class:`~routerbench_utils.frontier.NDCH` (sort, strict record highs, drop non-right turns until none is left), each a whole-array
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
    With prompt :math:`i`'s hull vertices :math:`(c_{i0}, q_{i0}), \\dots` (its cheapest model first) and
    the upgrades :math:`u = (\\Delta c_u, \\Delta q_u)` between consecutive vertices of every prompt,
    sorted by :math:`\\Delta q_u / \\Delta c_u` from high to low, the :math:`j`-th vertex is

    .. math:: \\Big(\\frac{1}{n}\\Big[\\sum_i c_{i0} + \\sum_{u \\le j} \\Delta c_u\\Big],\\;
        \\frac{1}{n}\\Big[\\sum_i q_{i0} + \\sum_{u \\le j} \\Delta q_u\\Big]\\Big).

    See the chapter :ref:`chap-oracle` ("The Oracle", the budgeted Oracle).

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    model_names : list of str, optional
        The models to choose from; default every model of ``df``.

    Returns
    -------
    DataFrame
        The frontier's vertices, columns ``cost`` (mean USD per query) and ``quality`` (mean score),
        from all-cheapest to the Oracle's point (the best score per prompt at the least cost).

    Raises
    ------
    RouterBenchDataError
        If ``df`` fails :func:`rbu.data.validate <routerbench_utils.data.schema.validate>`.
    KeyError
        If a name of ``model_names`` has no score or cost column in ``df``.
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

    :math:`c'_{im} = f_m\\, c_{im}` for every named model :math:`m` (others keep :math:`f_m = 1`).
    Scaling every model by one common factor leaves AIQ unchanged; changing relative prices moves the
    hull, the Zero router and AIQ.

    See the chapters :ref:`chap-plane` ("The cost-quality plane", prices) and :ref:`chap-aiq`
    ("AIQ: one number for a whole curve").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    factors : dict of str to float
        Model name -> price factor (e.g. ``{"gpt-4-1106-preview": 0.5}`` halves GPT-4's price).

    Returns
    -------
    DataFrame
        A copy of ``df``; ``df`` itself is unchanged.

    Raises
    ------
    RouterBenchDataError
        If a name of ``factors`` is not a model of ``df``, or a factor is not finite and positive.
    """
    check_model_values(df, factors, "factors", allow_zero=False)
    out = df.copy()
    for m, f in factors.items():
        out[cost_column(m)] = out[cost_column(m)] * f
    return out

