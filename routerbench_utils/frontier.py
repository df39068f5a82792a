"""Cost-quality points of models and routers (chapter "The cost-quality plane")."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import cost_column, dataset_column, models, validate
from .errors import RouterBenchDataError


def model_points(df: pd.DataFrame, cost: str = "mean") -> pd.DataFrame:
    """One row per (dataset, model): the model's mean cost per query and mean score.

    For rows :math:`i \\in D` of a dataset and a model :math:`m`,
    :math:`\\text{quality} = \\frac{1}{|D|} \\sum_i s_{im}` and
    :math:`\\text{cost} = \\frac{1}{|D|} \\sum_i c_{im}` (or :math:`\\sum_i c_{im}` with ``cost="total"``).
    Works on any subset of rows, e.g. a test split.

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
    for m in names:
        frame[("q", m)] = df[m].to_numpy(dtype=float)
        frame[("c", m)] = df[cost_column(m)].to_numpy(dtype=float)
    grouped = frame.groupby("dataset", sort=False)
    agg = grouped.sum() if cost == "total" else grouped.mean()
    means = grouped.mean()
    sizes = grouped.size()
    rows = [(d, m, agg.at[d, ("c", m)], means.at[d, ("q", m)], int(sizes[d]))
            for d in agg.index for m in names]
    return pd.DataFrame(rows, columns=["dataset", "model", "cost", "quality", "n"])
