"""The wide RouterBench frame: its column names, the accessors that read it, and its validation.

A wide frame has one row per prompt: ``sample_id``, ``prompt``, ``eval_name``, and for each model
``<model>`` (score in [0, 1]), ``<model>|total_cost`` (USD) and ``<model>|model_response``, plus
``oracle_model_to_route_to`` (DESIGN.md section 3). Every other module reads frames through the
names and functions here.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..catalog import MODELS, dataset_of
from ..errors import RouterBenchDataError, first_ids

ID, PROMPT, EVAL_NAME, ORACLE = "sample_id", "prompt", "eval_name", "oracle_model_to_route_to"
COST_SUFFIX, RESPONSE_SUFFIX, LATENCY_SUFFIX = "|total_cost", "|model_response", "|latency"


def cost_column(model: str) -> str:
    """The cost column of ``model``: ``'<model>|total_cost'``.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    model : str
        A model name, e.g. ``"gpt-4-1106-preview"``.

    Returns
    -------
    str
        The name of its cost column (USD per prompt).
    """
    return model + COST_SUFFIX


def models(df: pd.DataFrame) -> list[str]:
    """Model names present in a wide frame: columns that have a ``|total_cost`` partner.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.

    Returns
    -------
    list of str
        The models in column order.

    Examples
    --------
    >>> models(pd.DataFrame({"a": [1.0], "a|total_cost": [0.1], "sample_id": ["x"]}))
    ['a']
    """
    return [c for c in df.columns if isinstance(c, str) and not c.count("|")
            and cost_column(c) in df.columns]


def require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`~routerbench_utils.RouterBenchDataError` naming the columns of ``columns`` that ``df`` lacks.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Any frame.
    columns : sequence of str
        The columns it must have.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        Naming the missing columns and the first columns the frame has.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RouterBenchDataError(
            f"missing column(s) {missing}; the frame has {list(df.columns)[:8]}"
            f"{' ...' if df.shape[1] > 8 else ''}")


def dataset_column(df: pd.DataFrame) -> pd.Series:
    """The dataset of every row: :func:`routerbench_utils.catalog.dataset_of` of its ``eval_name``.

    Each distinct ``eval_name`` is mapped once (an MMLU subject such as ``mmlu-anatomy`` maps to
    ``mmlu``).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame with an ``eval_name`` column.

    Returns
    -------
    Series
        Named ``dataset``, aligned with ``df``.

    Raises
    ------
    RouterBenchDataError
        If ``eval_name`` is missing.
    """
    require_columns(df, [EVAL_NAME])
    names = df[EVAL_NAME].astype(str)
    mapping = {name: dataset_of(name) for name in names.unique()}
    return names.map(mapping).rename("dataset")


def score_matrix(df: pd.DataFrame, model_names: Sequence[str] | None = None) -> np.ndarray:
    """Scores :math:`s_{im}` as a float array of shape (prompts, models).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.
    model_names : sequence of str, optional
        The columns, in this order; default :func:`~routerbench_utils.models` of ``df``.

    Returns
    -------
    ndarray of float, shape (len(df), len(model_names))

    Raises
    ------
    RouterBenchDataError
        If a model's column is missing.
    """
    names = models(df) if model_names is None else list(model_names)
    require_columns(df, names)
    return df[names].to_numpy(dtype=float)


def cost_matrix(df: pd.DataFrame, model_names: Sequence[str] | None = None) -> np.ndarray:
    """Costs :math:`c_{im}` (USD per query) as a float array of shape (prompts, models).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.
    model_names : sequence of str, optional
        The models, in this order; default :func:`~routerbench_utils.models` of ``df``.

    Returns
    -------
    ndarray of float, shape (len(df), len(model_names))

    Raises
    ------
    RouterBenchDataError
        If a model's ``|total_cost`` column is missing.
    """
    names = models(df) if model_names is None else list(model_names)
    cols = [cost_column(m) for m in names]
    require_columns(df, cols)
    return df[cols].to_numpy(dtype=float)


def check_model_columns(df: pd.DataFrame) -> None:
    """Check that every model has its score and its cost column and that no model name holds ``|``.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        For a ``<model>|total_cost`` (or ``|model_response``, ``|latency``) column without its score
        column, a known model's score column without its cost, or a model name containing ``|``:
        such a model would otherwise be silently left out of every analysis.
    """
    problems = []
    for column in (c for c in df.columns if isinstance(c, str)):
        for suffix in (COST_SUFFIX, RESPONSE_SUFFIX, LATENCY_SUFFIX):
            if not column.endswith(suffix):
                continue
            model = column[: -len(suffix)]
            if "|" in model:
                problems.append(f"column {column!r}: the model name {model!r} contains '|', which separates "
                                "a model from its column kind; rename the model")
            elif model not in df.columns:
                problems.append(f"column {column!r} has no score column {model!r}")
            elif suffix != COST_SUFFIX and cost_column(model) not in df.columns:
                problems.append(f"column {column!r} has no cost column {cost_column(model)!r}")
    problems += [f"score column {m!r} has no cost column {cost_column(m)!r}" for m in MODELS
                 if m in df.columns and cost_column(m) not in df.columns]
    if problems:
        raise RouterBenchDataError(
            "; ".join(problems) + ". Expected for each model a score column '<model>' and a cost column "
            "'<model>|total_cost' (model names without '|')")


def check_model_values(df: pd.DataFrame, values: dict[str, float], argument: str, allow_zero: bool) -> None:
    """Check a per-model mapping (price factors, request fees) against the models of ``df``.

    See the chapter :ref:`chap-rag` ("Routing in a compound AI system").

    Parameters
    ----------
    df : DataFrame
        A wide frame.
    values : dict of str to float
        One value per model name.
    argument : str
        The argument's name, for the message.
    allow_zero : bool
        Accept 0 (else only positive values).

    Raises
    ------
    RouterBenchDataError
        If a name is not a model of ``df`` or a value is not finite and positive (>= 0 with
        ``allow_zero``).

    Returns
    -------
    None
    """
    names = models(df)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise RouterBenchDataError(f"{argument}: models {unknown} are not in the data ({names})")
    bad = {m: v for m, v in values.items() if not (np.isfinite(v) and (v >= 0 if allow_zero else v > 0))}
    if bad:
        expected = "values >= 0" if allow_zero else "positive finite values"
        raise RouterBenchDataError(f"{argument}: expected {expected}, got {bad}")


def check_numeric(df: pd.DataFrame, column: str, low: float, high: float, what: str) -> None:
    """Check that ``df[column]`` is numeric (not bool) with every value finite and in [low, high].

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame with ``sample_id`` (named in the message) and ``column``.
    column : str
        The column to check.
    low, high : float
        The closed range every value must lie in.
    what : str
        What was expected, for the message.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        Naming the column, how many rows fail and up to five ``sample_id: value`` examples; ``what``
        says what was expected (e.g. ``"a score in [0, 1]"``).
    """
    values = df[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise RouterBenchDataError(
            f"column {column!r} has dtype {values.dtype}: expected {what}"
            " (load_routerbench converts string scores)")
    arr = values.to_numpy(dtype=float)
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if bad.any():
        ids = df.loc[bad, ID] if ID in df.columns else df.index[bad]
        examples = ", ".join(f"{i!r}: {v}" for i, v in zip(list(ids)[:5], arr[bad][:5]))
        raise RouterBenchDataError(
            f"column {column!r}: {int(bad.sum())} rows hold values that are not {what} ({examples})")


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` is a clean wide RouterBench frame and return it unchanged.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        The frame to check.

    Returns
    -------
    DataFrame
        ``df`` itself.

    Raises
    ------
    RouterBenchDataError
        Naming the column, a few offending ``sample_id`` values and what was expected: an empty frame,
        missing columns, duplicate ids, non-numeric, NaN or out-of-range scores (expected in [0, 1]),
        non-numeric, NaN, infinite or negative costs and latencies.
    """
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise RouterBenchDataError("the frame is empty: expected at least one prompt row")
    require_columns(df, [ID, EVAL_NAME])
    check_model_columns(df)
    names = models(df)
    if not names:
        raise RouterBenchDataError(
            "no model columns: expected for each model a score column '<model>' and a cost column "
            "'<model>|total_cost'")
    dup = df[ID].duplicated(keep=False)
    if dup.any():
        raise RouterBenchDataError(
            f"column 'sample_id': {int(dup.sum())} rows share an id ({first_ids(df.loc[dup, ID].unique())});"
            " expected one row per prompt")
    for model in names:
        check_numeric(df, model, low=0.0, high=1.0, what="a score in [0, 1]")
        check_numeric(df, cost_column(model), low=0.0, high=np.inf, what="a cost >= 0 in USD")
        if model + LATENCY_SUFFIX in df.columns:
            check_numeric(df, model + LATENCY_SUFFIX, low=0.0, high=np.inf, what="a latency >= 0 in seconds")
    return df
