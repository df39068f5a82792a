"""The wide RouterBench frame: its column names, the accessors that read it, and its validation.

A wide frame has one row per prompt: ``sample_id``, ``prompt``, ``eval_name``, and for each model
``<model>`` (score in [0, 1]), ``<model>|total_cost`` (USD) and ``<model>|model_response``, plus
``oracle_model_to_route_to`` (DESIGN.md section 3). Every other module reads frames through the
names and functions here.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..catalog import MODELS, dataset_of
from ..errors import RouterBenchDataError, first_ids
from .problems import Problems

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
    require_frame(df)
    return [c for c in df.columns if isinstance(c, str) and not c.count("|")
            and cost_column(c) in df.columns]


def require_frame(df, name: str = "df") -> None:
    """Raise :class:`~routerbench_utils.RouterBenchDataError` unless ``df`` is a pandas DataFrame.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : object
        What was passed where a wide frame is expected.
    name : str
        The argument's name, for the message.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        Naming the argument and the type it got.
    """
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"{name}: expected a pandas DataFrame (a wide RouterBench frame), got "
                                   f"{type(df).__name__}")


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
    require_frame(df)
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


#: Columns of a wide frame that are not model columns.
META_COLUMNS = (ID, PROMPT, EVAL_NAME, ORACLE)
#: The kinds of per-model column, by suffix.
KIND_SUFFIXES = (COST_SUFFIX, RESPONSE_SUFFIX, LATENCY_SUFFIX)
_EXPECTED_MODEL = ("for each model a score column '<model>' beside '<model>|total_cost' (optionally "
                   "'<model>|model_response' and '<model>|latency'), model names without '|'")


def _likely_kind(kind: str) -> str | None:
    """The column kind a near-miss suffix most likely meant (``cost`` -> ``total_cost``), or None."""
    known = [s[1:] for s in KIND_SUFFIXES]
    text = kind.strip().lower().replace("-", "_").replace(" ", "_")
    if text in known:
        return text  # a case or spacing slip: 'Total_Cost', 'total cost'
    for word, meant in (("cost", "total_cost"), ("price", "total_cost"), ("usd", "total_cost"),
                        ("resp", "model_response"), ("answer", "model_response"), ("output", "model_response"),
                        ("latenc", "latency"), ("second", "latency"), ("time", "latency")):
        if word in text:
            return meant
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
    return close[0] if close else None


def model_column_problems(df: pd.DataFrame, problems: Problems) -> list[str]:
    """Add to ``problems`` every mistake in the model columns of ``df``; return the columns left out.

    Model columns are recognised by the schema's pattern, not by a list of known models, so a user's
    own model is read like a catalogue one: ``<model>`` (score), ``<model>|total_cost``,
    ``<model>|model_response``, ``<model>|latency``. Problems: a kind column without its score column
    (with the near-miss score column it probably belongs to), a response or latency column without a
    cost, a catalogue model's score without its cost, a model name containing ``|``, and a near-miss
    kind such as ``my-model|cost`` (with the name it was likely meant to have).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame.
    problems : Problems
        Where to add the problems found.

    Returns
    -------
    list of str
        Columns that are neither metadata nor model columns (left out of every analysis; the repair
        reports them).
    """
    columns = [c for c in df.columns if isinstance(c, str)]
    present = set(columns)
    plain = [c for c in columns if "|" not in c and c not in META_COLUMNS]
    near_missed: set[str] = set()  # models named by a near-miss column (reported there)
    needs_cost: set[str] = set()  # models with a response or latency column but no cost
    left_out = [c for c in df.columns if not isinstance(c, str)]
    for column in columns:
        if "|" not in column:
            continue
        model, kind = column.rsplit("|", 1)
        suffix = "|" + kind
        if suffix not in KIND_SUFFIXES:
            meant = _likely_kind(kind)
            if meant is not None:
                target = f"{model}|{meant}"
                note = " (that name is taken too)" if target in present else ""
                problems.add("model columns", f"column {column!r} has the unknown kind {kind!r}; it is likely "
                             f"meant to be {target!r}{note}", _EXPECTED_MODEL,
                             f"rename it to {target!r}, or the model is left out of every analysis")
                near_missed.add(model)
            else:
                left_out.append(column)
            continue
        if "|" in model:
            problems.add("model columns", f"column {column!r}: the model name {model!r} contains '|', which "
                         "separates a model from its column kind", _EXPECTED_MODEL, "rename the model")
            continue
        if model not in present:
            near = difflib.get_close_matches(model, [c for c in plain if cost_column(c) not in present],
                                             n=1, cutoff=0.6)
            hint = f"; the score column is likely {near[0]!r}: rename it to {model!r}" if near else ""
            problems.add("model columns", f"column {column!r} has no score column {model!r}{hint}",
                         _EXPECTED_MODEL, "add the score column or drop the model's columns")
        elif suffix != COST_SUFFIX and cost_column(model) not in present:
            needs_cost.add(model)  # named below, with its score column
    for column in plain:
        if cost_column(column) in present or column in near_missed:
            continue
        if column in MODELS or column in needs_cost:
            problems.add("model columns", f"score column {column!r} has no cost column {cost_column(column)!r}",
                         _EXPECTED_MODEL, "add the cost column (USD per prompt) or drop the score column")
        else:
            left_out.append(column)
    return left_out


def check_model_columns(df: pd.DataFrame) -> None:
    """Check the model columns of ``df`` (:func:`model_column_problems`), raising for all problems at once.

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
        column, a known model's score column without its cost, a model name containing ``|``, or a
        near-miss column kind (``my-model|cost``): such a model would otherwise be silently left out
        of every analysis.
    """
    problems = Problems()
    model_column_problems(df, problems)
    problems.raise_if_any()


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


def numeric_problem(df: pd.DataFrame, column: str, low: float, high: float, what: str) -> str | None:
    """What is wrong with ``df[column]`` as a numeric column with every value finite in [low, high], or None.

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
    str or None
        What was found (how many rows fail, up to five ``sample_id: value`` examples), or None.
    """
    values = df[column]
    if isinstance(values, pd.DataFrame):
        return f"the name appears {values.shape[1]} times (rename the copies)"
    dtype = values.dtype
    if pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return (f"dtype {dtype} (durations or dates), not numbers: a duration is not a cost; store costs "
                "in USD and latencies in seconds, as floats")
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return f"dtype {dtype}, not numbers (load_routerbench converts string scores)"
    arr = values.to_numpy(dtype=float)
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if bad.any():
        ids = df.loc[bad, ID] if ID in df.columns else df.index[bad]
        examples = ", ".join(f"{i!r}: {v}" for i, v in zip(list(ids)[:5], arr[bad][:5]))
        return f"{int(bad.sum())} rows hold values that are not {what} ({examples})"
    return None


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
    found = numeric_problem(df, column, low, high, what)
    if found is not None:
        raise RouterBenchDataError(f"column {column!r}: {found}; expected {what}")


def container_rows(values: pd.Series) -> np.ndarray:
    """Rows of ``values`` that hold a list, tuple, dict, set or array instead of one text or number.

    Checked row by row only when pandas cannot tell the column's kind at once (an object column of
    mixed values); such values cannot be ids, tasks or model names.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    values : Series
        A column.

    Returns
    -------
    ndarray of bool
        True where the row holds a container.

    Examples
    --------
    >>> container_rows(pd.Series(["a", [1, 2], 3], dtype=object)).tolist()
    [False, True, False]
    """
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "integer", "floating", "mixed-integer-float",
                                                         "empty", "boolean", "decimal"):
        return np.zeros(len(values), dtype=bool)
    return np.fromiter((isinstance(v, (list, tuple, dict, set, np.ndarray)) for v in values), bool, len(values))


def key_problems(df: pd.DataFrame, problems: Problems, duplicates: bool = True) -> bool:
    """Add to ``problems`` what is wrong with the prompt keys: missing ids or tasks, ids that are lists,
    tasks that are not text, and (with ``duplicates``) a prompt on several rows. Returns whether the
    keys are usable (each row's ``(eval_name, sample_id)`` a pair of scalars).

    A prompt is keyed by its task and its id, ``(eval_name, sample_id)``: ids that restart at 0 in
    each task (common in exported files) name different prompts, not one prompt split over rows.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame with ``sample_id`` and ``eval_name``.
    problems : Problems
        Where to add the problems found.
    duplicates : bool, default True
        Also report prompts on several rows (the repair merges those instead).

    Returns
    -------
    bool
        True when every key is a pair of scalars (missing values aside).
    """
    rows = np.arange(len(df))
    usable = True
    for column, why in ((ID, "rows without an id cannot be told apart and would be merged into one prompt"),
                        (EVAL_NAME, "a row without a task cannot be given its dataset")):
        values = df[column]
        if isinstance(values, pd.DataFrame):
            problems.add(f"column {column!r}", f"the name appears {values.shape[1]} times", "one column of "
                         "each name", "rename or drop the copies")
            usable = False
            continue
        absent = values.isna().to_numpy()
        if absent.any():
            problems.add(f"column {column!r}", f"{int(absent.sum())} rows have no value (rows "
                         f"{first_ids(rows[absent].tolist())})", f"a {column} on every row",
                         f"fill it in or drop those rows: {why}")
        if column == ID:
            bad = container_rows(values)
            expected = "one id (text or a number) per row"
        else:
            bad = ~absent & ~np.fromiter((isinstance(v, str) for v in values), bool, len(values)) \
                if pd.api.types.infer_dtype(values, skipna=True) != "string" else np.zeros(len(values), bool)
            expected = "the task's name as text (e.g. 'mbpp', 'mmlu-anatomy')"
        if bad.any():
            problems.add(f"column {column!r}", f"{int(bad.sum())} values are not usable as a key "
                         f"({first_ids(values[bad].tolist(), 3)} in rows {first_ids(rows[bad].tolist(), 3)})",
                         expected, "correct those values")
            usable = False
    if usable and duplicates:
        dup = df.duplicated([EVAL_NAME, ID], keep=False).to_numpy() & df[ID].notna().to_numpy()
        if dup.any():
            problems.add(f"column {ID!r}", f"{int(dup.sum())} rows share an id within one task "
                         f"({first_ids(df.loc[dup, ID].unique())})",
                         "one row per prompt, a prompt being keyed by (eval_name, sample_id)",
                         "drop the repeated rows (rbu.data.repair merges the official files' split ids)")
    return usable


def prompt_keys(df: pd.DataFrame) -> np.ndarray:
    """One integer per row naming its prompt: the ``(eval_name, sample_id)`` pair, in order of first appearance.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame with ``sample_id`` and ``eval_name``.

    Returns
    -------
    ndarray of int
        Equal for two rows exactly when both their ``eval_name`` and their ``sample_id`` are equal.

    Examples
    --------
    >>> prompt_keys(pd.DataFrame({"sample_id": [0, 0, 1, 0], "eval_name": ["a", "b", "a", "a"]}))
    array([0, 1, 2, 0])
    """
    require_columns(df, [ID, EVAL_NAME])
    ids, _ = pd.factorize(df[ID], use_na_sentinel=False)
    tasks, task_values = pd.factorize(df[EVAL_NAME], use_na_sentinel=False)
    keys, _ = pd.factorize(ids.astype(np.int64) * max(len(task_values), 1) + tasks)
    return keys


def reused_ids(df: pd.DataFrame) -> list:
    """The ``sample_id`` values that name prompts of more than one ``eval_name``, in file order.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame with ``sample_id`` and ``eval_name``.

    Returns
    -------
    list
        The reused ids (empty when every id belongs to one task).
    """
    require_columns(df, [ID, EVAL_NAME])
    tasks = df.groupby(ID, sort=False, dropna=True)[EVAL_NAME].nunique()
    return list(tasks.index[tasks > 1])


def validate(df: pd.DataFrame, source: str = "") -> pd.DataFrame:
    """Check that ``df`` is a clean wide RouterBench frame and return it unchanged.

    Every rule is checked and every problem listed in one error (:class:`Problems`).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        The frame to check.
    source : str, optional
        The frame's name, which starts the error message (e.g. a file name).

    Returns
    -------
    DataFrame
        ``df`` itself.

    Raises
    ------
    RouterBenchDataError
        Naming the column, a few offending ``sample_id`` values and what was expected: an empty frame,
        missing columns, rows without an id or task, a prompt (``eval_name``, ``sample_id``) on several
        rows, model-column mistakes (:func:`model_column_problems`), non-numeric, NaN or out-of-range
        scores (expected in [0, 1]), non-numeric, NaN, infinite or negative costs and latencies,
        durations given as costs.
    """
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise RouterBenchDataError(f"{source + ': ' if source else ''}the frame is empty: expected at least "
                                   "one prompt row")
    problems = Problems(source)
    missing = [c for c in (ID, EVAL_NAME) if c not in df.columns]
    if missing:
        problems.add("columns", f"missing column(s) {missing}; the frame has {list(df.columns)[:8]}"
                     f"{' ...' if df.shape[1] > 8 else ''}", "'sample_id' and 'eval_name' in every wide frame",
                     "rename the id and task columns, or build the frame with rbu.long_to_wide")
    else:
        key_problems(df, problems)
    n_before = len(problems)
    model_column_problems(df, problems)
    names = models(df)
    if not names and len(problems) == n_before:
        problems.add("model columns", "no model columns", _EXPECTED_MODEL,
                     "name each model's score and cost columns so")
    for model in names:
        for column, high, what in ((model, 1.0, "a score in [0, 1]"), (cost_column(model), np.inf, "a cost >= 0 in USD"),
                                   (model + LATENCY_SUFFIX, np.inf, "a latency >= 0 in seconds")):
            if column in df.columns:
                found = numeric_problem(df, column, 0.0, high, what)
                if found is not None:
                    problems.add(f"column {column!r}", found, what)
    problems.raise_if_any()
    return df
