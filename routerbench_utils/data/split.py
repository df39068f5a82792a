"""The official RouterBench train/test split, per dataset (chapter "Predictive routers")."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import RouterBenchDataError
from .schema import EVAL_NAME, ID, dataset_column, require_columns


def official_split(df: pd.DataFrame, train_fraction: float = 0.7, seed: int = 42
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The official RouterBench split, per dataset: returns ``(train, test)`` in file order.

    For each dataset, the unique ``sample_id`` values in file order are shuffled by a NumPy ``RandomState``
    seeded with ``seed`` (the same permutation as ``np.random.seed(seed); np.random.shuffle(ids)``,
    without touching global state); the first ``floor(train_fraction * n)`` are the training prompts.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    df : DataFrame
        A wide frame with ``sample_id`` and ``eval_name``.
    train_fraction : float
        The share of each dataset's prompts in the training part, in (0, 1).
    seed : int
        The permutation's seed (42 in the official code).

    Returns
    -------
    (DataFrame, DataFrame)
        Copies of the training and the test rows, in file order.

    Raises
    ------
    RouterBenchDataError
        For a fraction outside (0, 1), missing columns, an empty frame, or a dataset too small to
        leave both parts non-empty.
    """
    if not 0.0 < train_fraction < 1.0:
        raise RouterBenchDataError(f"train_fraction: expected a number in (0, 1), got {train_fraction!r}")
    require_columns(df, [ID, EVAL_NAME])
    if len(df) == 0:
        raise RouterBenchDataError("official_split: the frame is empty")
    dataset = dataset_column(df)
    train_ids: list[np.ndarray] = []
    too_small = {}
    for name in pd.unique(dataset):
        # An object array: np.random shuffles it reliably (a pandas string array it does not).
        ids = np.array(pd.unique(df.loc[dataset == name, ID]), dtype=object)
        np.random.RandomState(seed).shuffle(ids)
        n_train = int(train_fraction * len(ids))
        if n_train == 0 or n_train == len(ids):
            too_small[name] = len(ids)
        train_ids.append(ids[:n_train])
    if too_small:
        raise RouterBenchDataError(
            f"official_split: datasets {too_small} (prompts per dataset) leave the train or the test part "
            f"empty with train_fraction={train_fraction}; expected enough prompts for both parts: drop these "
            "datasets or add prompts")
    in_train = df[ID].isin(np.concatenate(train_ids)).to_numpy()
    return df.loc[in_train].copy(), df.loc[~in_train].copy()
