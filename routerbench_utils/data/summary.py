"""One row per dataset of a frame: what it is, how big, how it is scored (chapter "The data set")."""
from __future__ import annotations

import pandas as pd

from ..catalog import DATASET_TITLES, SCORING
from .schema import EVAL_NAME, dataset_column


def dataset_summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset: its title, number of ``eval_name`` values and prompts, and how it is scored.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.

    Returns
    -------
    DataFrame
        Columns ``dataset``, ``title``, ``eval_names``, ``prompts`` and ``scoring``, in the order the
        datasets first appear.

    Raises
    ------
    RouterBenchDataError
        If ``eval_name`` is missing.
    """
    dataset = dataset_column(df)
    grouped = df.groupby(dataset.to_numpy(), sort=False)
    sizes = grouped.size()
    return pd.DataFrame({
        "dataset": sizes.index,
        "title": [DATASET_TITLES.get(d, d) for d in sizes.index],
        "eval_names": grouped[EVAL_NAME].nunique().to_numpy(),
        "prompts": sizes.to_numpy(),
        "scoring": [SCORING.get(d, "unknown") for d in sizes.index],
    })
