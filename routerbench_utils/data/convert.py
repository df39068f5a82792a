"""Convert between a long routing log (one row per prompt and model) and the wide frame.

A production system logs one row per call: ``sample_id``, ``model``, ``quality``, ``cost`` (and
optionally ``prompt``, ``eval_name``, ``latency``). :func:`long_to_wide` checks such a log and turns it
into the wide frame every helper takes; :func:`wide_to_long` is its inverse.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import RouterBenchDataError, first_ids
from .oracle import oracle_labels
from .schema import (EVAL_NAME, ID, LATENCY_SUFFIX, ORACLE, PROMPT, check_numeric, cost_column, models,
                     require_columns)


def long_to_wide(df: pd.DataFrame, missing: str = "raise") -> pd.DataFrame:
    """Turn a long routing log (one row per prompt and model) into the wide frame every helper takes.

    Required columns: ``sample_id``, ``model``, ``quality`` (in [0, 1]) and ``cost`` (USD, >= 0);
    optional: ``prompt``, ``eval_name`` (``'custom'`` when absent) and ``latency`` (seconds). Every
    prompt must have exactly one row per model. Bad input raises :class:`RouterBenchDataError`.

    Parameters
    ----------
    df : DataFrame
        The long log.
    missing : {'raise', 'drop'}
        What to do with prompts that some models did not answer (a ragged log, normal in production):
        ``'raise'`` (default) stops with the ids; ``'drop'`` keeps only the prompts every model answered
        and records the dropped ids in ``wide.attrs['dropped_prompts']`` (and prints how many).

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
    for column in required:
        absent = df[column].isna()
        if absent.any():
            raise RouterBenchDataError(
                f"column {column!r}: {int(absent.sum())} rows are missing a value "
                f"(sample_ids {first_ids(df.loc[absent, ID])})")
    checked = df.assign(quality=_numeric(df, "quality"), cost=_numeric(df, "cost"))
    check_numeric(checked, "quality", 0.0, 1.0, "a quality in [0, 1]")
    check_numeric(checked, "cost", 0.0, np.inf, "a cost >= 0 in USD")
    dup = checked.duplicated([ID, "model"], keep=False)
    if dup.any():
        pairs = checked.loc[dup, [ID, "model"]].drop_duplicates().itertuples(index=False)
        raise RouterBenchDataError(
            f"columns 'sample_id'+'model': {int(dup.sum())} rows repeat a (prompt, model) pair "
            f"({first_ids(tuple(p) for p in pairs)}); expected one row per pair")
    ids = pd.unique(checked[ID])
    model_names = [str(m) for m in pd.unique(checked["model"])]
    counts = checked.groupby(ID, sort=False)["model"].nunique()
    incomplete = counts[counts < len(model_names)]
    dropped: list = []
    if len(incomplete) and missing == "drop":
        dropped = list(incomplete.index)
        checked = checked[~checked[ID].isin(incomplete.index)]
        if len(checked) == 0:
            raise RouterBenchDataError(
                f"long_to_wide(missing='drop'): no prompt is answered by all {len(model_names)} models "
                f"({model_names}); expected at least one complete prompt")
        ids = pd.unique(checked[ID])
        print(f"long_to_wide: dropped {len(dropped)} of {len(dropped) + len(ids)} prompts that some models "
              f"did not answer ({first_ids(dropped)}); the ids are in wide.attrs['dropped_prompts']")
    elif len(incomplete):
        raise RouterBenchDataError(
            f"column 'model': {len(incomplete)} prompts lack a row for some of the {len(model_names)} "
            f"models ({first_ids(incomplete.index)}); expected every prompt answered by every model, "
            "or pass missing='drop' to analyse the prompts every model answered")
    checked["model"] = checked["model"].astype(str)
    wide = pd.DataFrame({ID: ids})
    values = ["quality", "cost"] + (["latency"] if "latency" in checked.columns else [])
    pivot = checked.pivot(index=ID, columns="model", values=values).reindex(ids)
    for m in model_names:
        wide[m] = pivot[("quality", m)].to_numpy(dtype=float)
        wide[cost_column(m)] = pivot[("cost", m)].to_numpy(dtype=float)
        if "latency" in values:
            wide[m + LATENCY_SUFFIX] = pivot[("latency", m)].to_numpy(dtype=float)
    for column, default in ((EVAL_NAME, "custom"), (PROMPT, None)):
        if column in checked.columns:
            per_id = checked.groupby(ID, sort=False)[column]
            clash = per_id.nunique(dropna=False)
            if (clash > 1).any():
                raise RouterBenchDataError(
                    f"column {column!r}: prompts {first_ids(clash.index[clash > 1])} carry different "
                    f"values on different rows; expected one {column} per sample_id")
            wide[column] = per_id.first().reindex(ids).to_numpy()
        elif default is not None:
            wide[column] = default
    wide[ORACLE] = oracle_labels(wide, model_names)
    wide.attrs["dropped_prompts"] = dropped
    return wide


def _numeric(df: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.isna() & df[column].notna()
    if bad.any():
        raise RouterBenchDataError(
            f"column {column!r}: values {first_ids(df.loc[bad, column])} are not numbers "
            f"(sample_ids {first_ids(df.loc[bad, ID])})")
    return values


def wide_to_long(df: pd.DataFrame) -> pd.DataFrame:
    """The long form of a wide frame, one row per (prompt, model), as a routing log would store it:
    ``sample_id``, ``eval_name``, ``prompt`` (when present), ``model``, ``quality``, ``cost`` and
    ``latency`` (when present). :func:`routerbench_utils.long_to_wide` inverts it."""
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
