"""A RouterBench table in long format (one row per sample and model) read into the wide frame.

Besides the wide pickles, the RouterBench download offers a raw table in long format: one row per
(sample, model) with a ``model_name`` column and that model's score (``performance``), cost and
response; the official conversion script pivots it into the wide pickle. A routing log saved to a file
has the same shape with ``model``, ``quality`` and ``cost``. :func:`long_table_to_wide` pivots either
through :func:`~routerbench_utils.long_to_wide` (the package's one long-to-wide path), after the repairs
the wide files get: text scores become numbers, a (sample, model) pair scored on one of two rows is taken
from the row that scores it (the long form of a split id), prompts with a missing score are dropped;
every repair is one line of the notes it returns, which :func:`~routerbench_utils.data.load_routerbench`
puts at the top of its report.
"""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd

from ..errors import RouterBenchDataError, first_ids
from .convert import long_to_wide
from .problems import Problems
from .schema import EVAL_NAME, ID, PROMPT, RESPONSE_SUFFIX, models

#: Accepted names of each column of a long table, in order of preference (the raw file's first).
LONG_COLUMNS = {
    "model": ("model_name", "model"),
    "quality": ("performance", "quality", "score"),
    "cost": ("total_cost", "cost"),
    "response": ("model_response", "response"),
}


def is_long_table(df: pd.DataFrame) -> bool:
    """Whether ``df`` looks like a long table: a model-name column and no wide model columns.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A frame as read from a file.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_long_table(pd.DataFrame({"sample_id": ["a"], "model_name": ["m"], "performance": [1.0]}))
    True
    """
    return (isinstance(df, pd.DataFrame) and any(c in df.columns for c in LONG_COLUMNS["model"])
            and not models(df))


def _pick(df: pd.DataFrame, kind: str) -> str | None:
    return next((c for c in LONG_COLUMNS[kind] if c in df.columns), None)


def long_table_to_wide(df: pd.DataFrame, source: str = "frame") -> tuple[pd.DataFrame, list[str]]:
    """Pivot a long RouterBench table (one row per sample and model) into a raw wide frame.

    Columns: ``sample_id``, ``eval_name``, a model column (``model_name`` or ``model``), a score
    (``performance``, ``quality`` or ``score``), a cost (``total_cost`` or ``cost``), optionally
    ``prompt`` and a response (``model_response`` or ``response``). A prompt is its
    ``(eval_name, sample_id)`` pair. Rows whose score is missing are set aside: where the same pair
    and model is scored on another row (the long form of the official files' split ids) that row is
    used; a prompt left without some model's score is dropped (as the wide repair drops a row with a
    missing score). The rest goes through :func:`~routerbench_utils.long_to_wide`, which refuses
    repeated pairs and values out of range. The result is ready for
    :func:`~routerbench_utils.data.repair.repair`.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        The long table.
    source : str
        Its name, for the notes and the messages.

    Returns
    -------
    (DataFrame, list of str)
        The wide frame (scores, costs, responses, ``prompt``, ``eval_name``), and one note per repair.

    Raises
    ------
    RouterBenchDataError
        Listing every problem at once: a missing column (saying what was found and which file to use
        instead), scores or costs that are not numbers, rows without an id, task or model; then what
        :func:`~routerbench_utils.long_to_wide` refuses.
    """
    problems = Problems(source)
    picked = {kind: _pick(df, kind) for kind in LONG_COLUMNS}
    lacking = [f"{kind} ({' or '.join(map(repr, LONG_COLUMNS[kind]))})" for kind in ("model", "quality", "cost")
               if picked[kind] is None]
    lacking += [repr(c) for c in (ID, EVAL_NAME) if c not in df.columns]
    if lacking:
        raise RouterBenchDataError(
            f"{source}: a long-format table (one row per sample and model) without the column(s) "
            f"{', '.join(lacking)}; the table has {list(df.columns)[:10]}; expected the RouterBench raw "
            "table's columns (sample_id, eval_name, prompt, model_name, performance, total_cost, "
            "model_response): rename them, or use the wide file routerbench_5shot.pkl / routerbench_0shot.pkl "
            "instead")
    notes = [f"read a long-format table ({len(df)} rows, one per sample and model: column "
             f"{picked['model']!r}) and pivoted it to one row per prompt with rbu.long_to_wide"]
    rows = np.arange(len(df))
    for column in (ID, EVAL_NAME, picked["model"]):
        absent = df[column].isna().to_numpy()
        if absent.any():
            problems.add(f"column {column!r}", f"{int(absent.sum())} rows have no value (rows "
                         f"{first_ids(rows[absent].tolist())})", f"a {column} on every row", "fill it in or drop those rows")
    numbers = {}
    for kind, what in (("quality", "a score in [0, 1]"), ("cost", "a cost >= 0 in USD")):
        column = df[picked[kind]]
        if pd.api.types.is_timedelta64_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
            problems.add(f"column {picked[kind]!r}", f"dtype {column.dtype} (durations or dates)", what,
                         "a duration is not a cost: store costs in USD as floats")
            continue
        values = pd.to_numeric(column, errors="coerce")
        text = column.astype(str).str.strip().str.lower()
        unparsed = (values.isna() & column.notna() & (text != "nan")).to_numpy()
        if unparsed.any():
            problems.add(f"column {picked[kind]!r}", f"{int(unparsed.sum())} values are not numbers "
                         f"({', '.join(f'{i!r}: {v!r}' for i, v in zip(df[ID][unparsed][:5], column[unparsed][:5]))})",
                         what, "correct or remove those values (NaN marks a missing score)")
        numbers[kind] = values.astype(float)
    problems.raise_if_any()
    if any(not pd.api.types.is_float_dtype(df[picked[k]]) for k in ("quality", "cost")):
        notes.append("converted the score and cost columns stored as text or objects to float")

    log = pd.DataFrame({ID: df[ID].to_numpy(), EVAL_NAME: df[EVAL_NAME].to_numpy(),
                        "model": df[picked["model"]].astype(str).to_numpy(),
                        "quality": numbers["quality"].to_numpy(), "cost": numbers["cost"].to_numpy()})
    unscored = log["quality"].isna().to_numpy()
    if unscored.all():
        raise RouterBenchDataError(f"{source}: column {picked['quality']!r} holds no score on any row; expected "
                                   "each model's score of each sample")
    pair = log[[EVAL_NAME, ID, "model"]]
    scored_elsewhere = unscored & pair.assign(_s=~unscored).groupby([EVAL_NAME, ID, "model"], sort=False,
                                                                    dropna=False)["_s"].transform("any").to_numpy()
    if scored_elsewhere.any():
        aside = log.loc[scored_elsewhere]
        notes.append(f"merged {aside[ID].nunique()} sample_ids whose models are scored on different rows, taking "
                     f"each model's score and cost from the row that scores it; set aside {int(scored_elsewhere.sum())} "
                     f"rows without a score (their costs sum to ${aside['cost'].sum():.4f}): "
                     f"{first_ids(pd.unique(aside[ID]))}")
    alone = unscored & ~scored_elsewhere
    if alone.any():
        notes.append(f"removed the prompts of {int(alone.sum())} (sample, model) rows with a missing score: "
                     f"{first_ids(pd.unique(log.loc[alone, ID]))}")
    keep = ~unscored
    with contextlib.redirect_stdout(io.StringIO()):  # its notice of dropped prompts is in the notes
        wide = long_to_wide(log.loc[keep].reset_index(drop=True), missing="drop" if alone.any() else "raise")
    # Text columns, from the scored rows: the prompt of each (eval_name, sample_id), the response per model.
    kept = df.loc[keep].reset_index(drop=True)
    where = pd.MultiIndex.from_frame(wide[[EVAL_NAME, ID]].astype(str))
    position = where.get_indexer(pd.MultiIndex.from_frame(kept[[EVAL_NAME, ID]].astype(str)))
    inside = position >= 0
    if PROMPT in kept.columns:
        prompts = np.full(len(wide), None, dtype=object)
        first = ~pd.Series(position).duplicated().to_numpy() & inside
        prompts[position[first]] = kept[PROMPT].to_numpy()[first]
        differ = pd.Series(kept[PROMPT].astype(str).to_numpy()[inside]).groupby(position[inside]).nunique()
        if (differ > 1).any():
            notes.append(f"{int((differ > 1).sum())} prompts carry different texts on their rows; kept the "
                         "text of the first row")
        wide[PROMPT] = prompts
    if picked["response"] is not None:
        model_names = models(wide)
        column_of = {m: k for k, m in enumerate(model_names)}
        responses = np.full((len(wide), len(model_names)), None, dtype=object)
        model_index = kept[picked["model"]].astype(str).map(column_of).to_numpy()
        responses[position[inside], model_index[inside].astype(int)] = kept[picked["response"]].to_numpy()[inside]
        for k, m in enumerate(model_names):
            wide[m + RESPONSE_SUFFIX] = responses[:, k]
    return wide, notes
