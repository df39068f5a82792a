"""The official RouterBench train/test split, per dataset (chapter "Predictive routers")."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._deprecated import renamed_keywords
from ..errors import RouterBenchDataError, first_ids
from .schema import EVAL_NAME, ID, dataset_column, prompt_keys, require_columns


@renamed_keywords(seed="random_state")
def official_split(df: pd.DataFrame, train_fraction: float = 0.7, random_state: int = 42
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The official RouterBench split, per dataset: returns ``(train, test)`` in file order.

    For each dataset, its prompts (unique ``(eval_name, sample_id)`` pairs, so an id reused by two tasks
    names two prompts) in file order are shuffled by a NumPy ``RandomState``
    seeded with ``random_state`` (the same permutation as
    ``np.random.seed(random_state); np.random.shuffle(ids)``,
    without touching global state); the first ``floor(train_fraction * n)`` are the training prompts.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    df : DataFrame
        A wide frame with ``sample_id`` and ``eval_name``.
    train_fraction : float
        The share of each dataset's prompts in the training part, in (0, 1).
    random_state : int
        The permutation's seed (42 in the official code). ``seed=`` still works for one release,
        with a :class:`DeprecationWarning`.

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
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"official_split: expected a wide DataFrame, got {type(df).__name__}")
    if not isinstance(train_fraction, (int, float, np.integer, np.floating)) or not 0.0 < train_fraction < 1.0:
        raise RouterBenchDataError(f"train_fraction: expected a number in (0, 1), got {train_fraction!r}")
    require_columns(df, [ID, EVAL_NAME])
    if len(df) == 0:
        raise RouterBenchDataError("official_split: the frame is empty")
    absent = df[EVAL_NAME].isna().to_numpy() | df[ID].isna().to_numpy()
    if absent.any():
        raise RouterBenchDataError(
            f"official_split: {int(absent.sum())} rows have no sample_id or eval_name (rows "
            f"{first_ids(np.flatnonzero(absent).tolist())}); expected both on every row: repair the frame first "
            "(rbu.data.repair)")
    dataset = dataset_column(df)
    # A prompt is its (eval_name, sample_id) pair: an id reused by another task is another prompt, and
    # drawing it for training must not pull that other prompt into training too.
    keys = prompt_keys(df)
    in_train = np.zeros(keys.max() + 1, dtype=bool)
    too_small = {}
    for name in pd.unique(dataset):
        # The dataset's prompts in file order, as an object array: np.random shuffles it reliably (a
        # pandas string array it does not). Only the length decides the permutation, so with unique ids
        # this is the official shuffle of the ids.
        ids = np.array(pd.unique(keys[(dataset == name).to_numpy()]), dtype=object)
        np.random.RandomState(random_state).shuffle(ids)
        n_train = int(train_fraction * len(ids))
        if n_train == 0 or n_train == len(ids):
            too_small[name] = len(ids)
        in_train[ids[:n_train].astype(np.int64)] = True
    if too_small:
        raise RouterBenchDataError(
            f"official_split: datasets {too_small} (prompts per dataset) leave the train or the test part "
            f"empty with train_fraction={train_fraction}; expected enough prompts for both parts: drop these "
            "datasets or add prompts")
    rows = in_train[keys]
    return df.loc[rows].copy(), df.loc[~rows].copy()
