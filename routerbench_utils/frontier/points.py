"""Cost-quality points: one per model (and dataset), checked arrays of cost and quality (chapter "The
cost-quality plane").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import cost_column, dataset_column, models, validate
from ..errors import RouterBenchDataError


def model_points(df: pd.DataFrame, cost: str = "mean") -> pd.DataFrame:
    """One row per (dataset, model): the model's mean cost per query and mean score.

    For rows :math:`i \\in D` of a dataset and a model :math:`m`,
    :math:`\\text{quality} = \\frac{1}{|D|} \\sum_i s_{im}` and
    :math:`\\text{cost} = \\frac{1}{|D|} \\sum_i c_{im}` (or :math:`\\sum_i c_{im}` with ``cost="total"``).
    Works on any subset of rows, e.g. a test split. Where the frame has ``<model>|latency`` columns, a
    ``latency`` column gives the mean seconds per query.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    cost : {"mean", "total"}
        Mean USD per query (default, the paper's axis) or the dataset's total spend.

    Returns
    -------
    DataFrame
        Columns ``dataset``, ``model``, ``cost``, ``quality``, ``n`` (prompts of the dataset) and, where
        every model has a latency column, ``latency``; datasets in the order they first appear, models
        in column order.

    Raises
    ------
    RouterBenchDataError
        If ``cost`` is neither ``"mean"`` nor ``"total"``, or ``df`` fails
        :func:`rbu.data.validate <routerbench_utils.data.schema.validate>` (missing columns, duplicate
        ids, scores outside [0, 1], negative or NaN costs).

    Examples
    --------
    >>> pts = model_points(test)
    >>> list(pts.columns)
    ['dataset', 'model', 'cost', 'quality', 'n']
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    validate(df)
    names = models(df)
    dataset = dataset_column(df).to_numpy()
    timed = all(m + "|latency" in df.columns for m in names)
    columns: dict = {"dataset": dataset}
    for m in names:  # built in one go: a frame grown column by column fragments past ~50 models
        columns[("q", m)] = df[m].to_numpy(dtype=float)
        columns[("c", m)] = df[cost_column(m)].to_numpy(dtype=float)
        if timed:
            columns[("l", m)] = df[m + "|latency"].to_numpy(dtype=float)
    frame = pd.DataFrame(columns)
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


def check_costs(cost: np.ndarray, name: str, argument: str = "argument 'cost'") -> None:
    """Raise :class:`~routerbench_utils.RouterBenchDataError` if any cost is negative: a cost is USD
    spent, never negative (a negative one would also let the hull buy quality for less than nothing).

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    cost : ndarray
        Costs, of any shape.
    name, argument : str
        The function (or router) and the argument, for the message.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        Naming how many costs are negative and up to three positions.
    """
    negative = cost < 0
    if negative.any():
        bad = np.argwhere(negative)
        where = [int(k[0]) if cost.ndim == 1 else tuple(int(i) for i in k) for k in bad[:3]]
        shown = ", ".join(f"position {k}: {cost[k]:g}" for k in where)
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        plural = "s" if len(bad) > 1 else ""
        raise RouterBenchDataError(
            f"{name}: {argument} has {len(bad)} negative value{plural} ({shown}{more}); "
            "expected costs >= 0 in USD")


def float_array(values, name: str, argument: str) -> np.ndarray:
    """``values`` as a 1-D float array, or an error naming the function and argument when they are not
    numbers (text, None, nested lists of different lengths).

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    values : array_like
        The numbers.
    name, argument : str
        The function and the argument, for the message.

    Returns
    -------
    ndarray of float
        ``values`` flattened.

    Raises
    ------
    RouterBenchDataError
        If ``values`` cannot be read as numbers.
    """
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"{name}: argument {argument!r} is not numbers ({exc}); expected an array of "
                                   "floats") from exc


def as_points(cost, quality, name: str = "points",
               argument: str = "argument 'cost'") -> tuple[np.ndarray, np.ndarray]:
    """Validate a set of (cost, quality) points: 1-D, same length, at least one, all finite, costs >= 0.

    Every function that takes points (the hull, AIQ, interpolation) checks them here, so each refuses
    bad points with the same message.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    cost, quality : array_like
        The points' coordinates (flattened).
    name, argument : str
        The function (or router) and the costs' argument, for the messages.

    Returns
    -------
    (ndarray, ndarray)
        The costs and qualities as 1-D float arrays.

    Raises
    ------
    RouterBenchDataError
        For values that are not numbers, lengths that differ, no point, NaN or infinite values, or
        negative costs.
    """
    c, q = float_array(cost, name, "cost"), float_array(quality, name, "quality")
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
    check_costs(c, name, argument)
    return c, q

