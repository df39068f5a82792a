"""Convert between a long routing log (one row per prompt and model) and the wide frame.

A production system logs one row per call: ``sample_id``, ``model``, ``quality``, ``cost`` (and
optionally ``prompt``, ``eval_name``, ``latency``). :func:`~routerbench_utils.long_to_wide` checks such a log and turns it
into the wide frame every helper takes; :func:`~routerbench_utils.data.convert.wide_to_long` is its inverse.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalog import NO_MODEL_CORRECT
from ..errors import RouterBenchDataError, first_ids
from .oracle import oracle_choice
from .problems import Problems
from .schema import (EVAL_NAME, ID, LATENCY_SUFFIX, ORACLE, PROMPT, container_rows, cost_column, models,
                     require_columns, validate)


def long_to_wide(df: pd.DataFrame, missing: str = "raise") -> pd.DataFrame:
    """Turn a long routing log (one row per prompt and model) into the wide frame every helper takes.

    Required columns: ``sample_id``, ``model``, ``quality`` (in [0, 1]) and ``cost`` (USD, >= 0);
    optional: ``prompt``, ``eval_name`` (``'custom'`` when absent) and ``latency`` (seconds). A prompt
    is its ``(eval_name, sample_id)`` pair (ids that restart in each task name different prompts), and
    every prompt must have exactly one row per model. Prompts and models keep the order in which they first
    appear in the log.

    The pivot is a scatter: with :math:`p_r` and :math:`m_r` the prompt's and the model's index of
    row :math:`r` (from one hash pass per column), the row's values land in cell
    :math:`(p_r, m_r)` of a prompts x models array, and a count per cell finds repeated and missing
    pairs. Time and memory are linear in the rows (11 million rows: about a second).

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    df : DataFrame
        The long log.
    missing : {'raise', 'drop'}
        What to do with prompts that some models did not answer (a ragged log, normal in production):
        ``'raise'`` (default) stops with the ids; ``'drop'`` keeps only the prompts every model answered
        and records the dropped ids in ``wide.attrs['dropped_prompts']`` (and prints how many).

    Returns
    -------
    DataFrame
        The wide frame: ``sample_id``; per model its score, ``|total_cost`` and (when the log has
        latency) ``|latency`` columns; ``eval_name``; ``prompt`` (when the log has it); and
        ``oracle_model_to_route_to``.

    Raises
    ------
    RouterBenchDataError
        For an empty log, missing columns or values, values that are not numbers, qualities outside
        [0, 1], negative or infinite costs, a repeated (prompt, model) pair, a prompt some model did
        not answer (with ``missing='raise'``), or a prompt whose ``eval_name`` or ``prompt`` differs
        between its rows; each message names the column and the first offending ``sample_id`` values.

    Examples
    --------
    >>> log = pd.DataFrame({"sample_id": ["q1", "q1"], "model": ["a", "b"],
    ...                     "quality": [1.0, 0.0], "cost": [0.02, 0.001]})
    >>> long_to_wide(log)[["sample_id", "a", "b", "oracle_model_to_route_to"]]
      sample_id    a    b oracle_model_to_route_to
    0        q1  1.0  0.0                        a
    """
    if missing not in ("raise", "drop"):
        raise RouterBenchDataError(f"missing: expected 'raise' or 'drop', got {missing!r}")
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise RouterBenchDataError("long_to_wide: the log is empty; expected one row per (prompt, model)")
    required = [ID, "model", "quality", "cost"]
    require_columns(df, required)
    # Every column and rule is checked before anything is raised: one error lists every problem.
    problems = Problems()
    for column in [ID, "model"] + [c for c in (EVAL_NAME, PROMPT) if c in df.columns]:
        if isinstance(df[column], pd.DataFrame):
            problems.add(f"column {column!r}", f"appears {df[column].shape[1]} times", "one column of each name",
                         "rename or drop the copies")
    problems.raise_if_any()
    for column in required:
        absent = df[column].isna().to_numpy()
        if absent.any():
            problems.add(f"column {column!r}", f"{int(absent.sum())} rows are missing a value "
                         f"(sample_ids {first_ids(df.loc[absent, ID])})", f"a {column} on every row",
                         "fill it in or drop those rows")
    for column in [ID, "model"] + [c for c in (EVAL_NAME, PROMPT) if c in df.columns]:
        bad = container_rows(df[column])
        if bad.any():
            problems.add(f"column {column!r}", f"{int(bad.sum())} values are lists or other containers "
                         f"({first_ids(df.loc[bad, column].tolist(), 3)})", "one text or number per row",
                         "correct those values")
    quality = _numeric(df, "quality", 0.0, 1.0, "a quality in [0, 1]", problems)
    cost = _numeric(df, "cost", 0.0, np.inf, "a cost >= 0 in USD", problems)
    problems.raise_if_any()

    prompt_code, ids = _factorize(df[ID])
    if EVAL_NAME in df.columns:
        # A prompt is its (eval_name, sample_id) pair: ids that restart in each task name different prompts.
        task_code, tasks = pd.factorize(df[EVAL_NAME], sort=False, use_na_sentinel=False)
        if len(tasks) > 1:
            pair_code, pairs = pd.factorize(prompt_code * len(tasks) + task_code, sort=False)
            prompt_code, ids = pair_code.astype(np.int64, copy=False), ids.take(pairs // len(tasks))
    model_code, model_values = _factorize(df["model"])
    model_names = [str(m) for m in model_values]
    if len(set(model_names)) < len(model_names):
        raise RouterBenchDataError(
            f"column 'model': distinct values {list(model_values)} share a name as text; expected one "
            "name per model")
    n_prompts, n_models = len(ids), len(model_names)
    # A log written prompt by prompt, the models in one order, fills the (prompt, model) cells in
    # order: then every pair is there once and the pivot is a reshape. Any other order takes a count
    # and a scatter.
    in_order = len(df) == n_prompts * n_models and _in_order(prompt_code, model_code, n_models)
    complete = np.ones(n_prompts, dtype=bool)
    cell = None
    if not in_order:
        cell = prompt_code * n_models + model_code  # the (prompt, model) cell of every row
        per_cell = np.bincount(cell, minlength=n_prompts * n_models)
        if per_cell.max() > 1:
            _raise_repeated(df, cell, per_cell)
        complete = (per_cell.reshape(n_prompts, n_models) > 0).all(axis=1)
        del per_cell
    dropped: list = []
    if not complete.all():
        incomplete = list(ids[~complete])
        several = ids.duplicated(keep=False) & ~complete  # one sample_id under several eval_names
        if several.any() and missing == "raise":
            raise RouterBenchDataError(
                f"column 'eval_name': prompts {first_ids(pd.unique(ids[several]))} carry different values on "
                "different rows, and no eval_name has a row for every model; expected one eval_name per "
                "sample_id (or, for different prompts that reuse an id, a row for every model under each)")
        if missing == "raise":
            raise RouterBenchDataError(
                f"column 'model': {len(incomplete)} prompts lack a row for some of the {n_models} "
                f"models ({first_ids(incomplete)}); expected every prompt answered by every model, "
                "or pass missing='drop' to analyse the prompts every model answered")
        if not complete.any():
            raise RouterBenchDataError(
                f"long_to_wide(missing='drop'): no prompt is answered by all {n_models} models "
                f"({model_names}); expected at least one complete prompt")
        dropped = incomplete
        print(f"long_to_wide: dropped {len(dropped)} of {n_prompts} prompts that some models "
              f"did not answer ({first_ids(dropped)}); the ids are in wide.attrs['dropped_prompts']")

    # One array holds every number of the wide frame, in its column order: per model its score,
    # cost (and latency). Each row of the log is written once, into its cell.
    fields = [quality, cost]
    if "latency" in df.columns:
        latency = df[["latency"]]
        if pd.api.types.is_timedelta64_dtype(latency["latency"].dtype):  # a duration is a latency: in seconds
            latency = latency.assign(latency=latency["latency"].dt.total_seconds())
        fields.append(_numeric(latency.assign(**{ID: df[ID].to_numpy()}), "latency", 0.0, np.inf,
                               "a latency >= 0 in seconds"))
    if in_order:
        values = np.stack(fields, axis=-1).reshape(n_prompts, n_models, len(fields))
    else:
        # no NaN fill: every cell of a kept (complete) prompt is written
        values = np.empty((n_prompts, n_models, len(fields)))
        flat = values.reshape(n_prompts * n_models, len(fields))
        for k, field in enumerate(fields):
            flat[cell, k] = field
        del flat
    n_fields = len(fields)
    del cell, fields
    kept_ids = ids[complete] if dropped else ids
    if dropped:
        values = values[complete]
    names = [column for m in model_names
             for column in (m, cost_column(m), m + LATENCY_SUFFIX)[:n_fields]]
    wide = pd.DataFrame(values.reshape(len(kept_ids), -1), columns=names, copy=False)
    wide.insert(0, ID, kept_ids)
    for column, default in ((EVAL_NAME, "custom"), (PROMPT, None)):
        if column in df.columns:
            wide[column] = _per_prompt(df[column], column, prompt_code, n_models if in_order else 0,
                                       ids, complete if dropped else None)
        elif default is not None:
            wide[column] = default
    labels = pd.Index(model_names + [NO_MODEL_CORRECT])
    wide[ORACLE] = labels.take(oracle_choice(cost=values[:, :, 1], quality=values[:, :, 0]))  # -1: the last
    wide.attrs["dropped_prompts"] = dropped
    return wide


def _in_order(prompt_code: np.ndarray, model_code: np.ndarray, n_models: int) -> bool:
    """Whether row r is prompt r // n_models and model r % n_models (checked in blocks: no large
    temporary array)."""
    prompts = prompt_code.reshape(-1, n_models)
    models = model_code.reshape(-1, n_models)
    order = np.arange(n_models)
    step = max(1, 2**20 // n_models)
    for start in range(0, len(prompts), step):
        block = slice(start, start + step)
        if not ((models[block] == order).all()
                and (prompts[block] == np.arange(start, start + len(prompts[block]))[:, None]).all()):
            return False
    return True


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..k-1 in order of first appearance, and the k distinct values (one hash pass)."""
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _raise_repeated(df: pd.DataFrame, cell: np.ndarray, per_cell: np.ndarray) -> None:
    repeated = per_cell[cell] > 1
    first_rows = np.unique(cell[repeated], return_index=True)[1]  # each pair's first repeated row
    rows = np.flatnonzero(repeated)[np.sort(first_rows)]
    pairs = zip(df[ID].to_numpy()[rows].tolist(), df["model"].to_numpy()[rows].tolist())
    raise RouterBenchDataError(
        f"columns 'sample_id'+'model': {int(repeated.sum())} rows repeat a (prompt, model) pair "
        f"({first_ids(tuple(p) for p in pairs)}); expected one row per pair")


def _per_prompt(column: pd.Series, name: str, prompt_code: np.ndarray, in_order_models: int,
                ids: pd.Index, complete: np.ndarray | None):
    """The one value ``column`` holds on every row of each prompt (a missing value counts as a value);
    prompts whose rows disagree raise. ``in_order_models``: the number of models when the rows come
    prompt by prompt (row ``r`` belongs to prompt ``r // in_order_models``), else 0. ``complete``:
    the prompts kept (the others neither raise nor appear), or None for all."""
    code, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    if in_order_models:
        code = code.reshape(-1, in_order_models)
        seen = code[:, 0]
        clash = (code != seen[:, None]).any(axis=1)
    else:
        seen = np.empty(len(ids), dtype=code.dtype)
        seen[prompt_code] = code  # some row's value per prompt; all rows must agree with it
        clash = np.zeros(len(ids), dtype=bool)
        clash[prompt_code[code != seen[prompt_code]]] = True
    if complete is not None:
        clash &= complete
    if clash.any():
        raise RouterBenchDataError(
            f"column {name!r}: prompts {first_ids(ids[clash])} carry different values on different "
            f"rows; expected one {name} per sample_id")
    chosen = seen if complete is None else seen[complete]
    if uniques.dtype == object or not (chosen >= 0).any():  # as an object array, for pandas to infer
        table = np.asarray(uniques, dtype=object)
        out = np.empty(len(chosen), dtype=object)
        out[chosen >= 0] = table[chosen[chosen >= 0]]
        out[chosen < 0] = np.nan  # missing on every row of the prompt
        return out
    return pd.Index(uniques).take(chosen, allow_fill=True)  # -1: missing on every row


def _numeric(df: pd.DataFrame, column: str, low: float, high: float, what: str,
             problems: Problems | None = None) -> np.ndarray | None:
    """``df[column]`` as floats, checked as :func:`routerbench_utils.data.schema.check_numeric` checks
    a wide frame's column (the same messages), without copying the log. With ``problems``, a problem is
    added there (and None returned) instead of raised; missing values are left to the caller."""
    found = Problems() if problems is None else problems
    before = len(found)
    dtype = df[column].dtype
    values = None
    if pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        # pd.to_numeric would turn a duration into nanoseconds and accept them as dollars
        found.add(f"column {column!r}", f"has dtype {dtype} (durations or dates), not numbers", what,
                  "a duration is not a cost: store costs in USD and latencies in seconds, as floats")
    else:
        values = pd.to_numeric(df[column], errors="coerce")
        unparsed = (values.isna() & df[column].notna()).to_numpy()
        if unparsed.any():
            found.add(f"column {column!r}", f"values {first_ids(df.loc[unparsed, column])} are not numbers "
                      f"(sample_ids {first_ids(df.loc[unparsed, ID])})", what, "correct or remove those values")
        elif pd.api.types.is_bool_dtype(values):
            found.add(f"column {column!r}", f"has dtype {values.dtype}", what,
                      "store them as floats (load_routerbench converts string scores)")
        else:
            values = values.to_numpy(dtype=float)
            present = df[column].notna().to_numpy()
            bad = present & ~(np.isfinite(values) & (values >= low) & (values <= high))
            if bad.any():
                ids = df[ID].to_numpy()[bad][:5].tolist()
                examples = ", ".join(f"{i!r}: {v}" for i, v in zip(ids, values[bad][:5]))
                found.add(f"column {column!r}", f"{int(bad.sum())} rows hold values that are not {what} "
                          f"({examples})", what)
    if problems is None:
        found.raise_if_any()
    return None if len(found) > before else values


def wide_to_long(df: pd.DataFrame) -> pd.DataFrame:
    """The long form of a wide frame, one row per (prompt, model), as a routing log would store it:
    ``sample_id``, ``eval_name``, ``prompt`` (when present), ``model``, ``quality``, ``cost`` and
    ``latency`` (when present). :func:`routerbench_utils.long_to_wide` inverts it.

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    df : DataFrame
        A clean wide RouterBench frame (one row per prompt, a score and a cost column per model).

    Returns
    -------
    DataFrame
        ``len(df) * n_models`` rows, prompts in the order of ``df`` and models in the order of
        :func:`routerbench_utils.models`.

    Raises
    ------
    RouterBenchDataError
        If ``df`` is not a valid wide frame (:func:`routerbench_utils.data.schema.validate`).
    """
    validate(df)  # a NaN score or a string cost would otherwise pass into the log unnoticed
    names = models(df)
    keys = [c for c in (ID, EVAL_NAME, PROMPT) if c in df.columns]
    parts = {"quality": names, "cost": [cost_column(m) for m in names]}
    if all(m + LATENCY_SUFFIX in df.columns for m in names):
        parts["latency"] = [m + LATENCY_SUFFIX for m in names]
    n, k = len(df), len(names)
    out = pd.DataFrame({c: np.repeat(df[c].to_numpy(), k) for c in keys})
    out["model"] = np.tile(np.asarray(names, dtype=object), n)
    for field, columns in parts.items():
        out[field] = df[columns].to_numpy(dtype=float).ravel()
    return out
