"""Evaluation hygiene: the checks that catch mistakes real routing leaderboards have made.

:func:`~routerbench_utils.hygiene.hygiene_report` looks at a wide frame (and optionally its training split) and lists what is
wrong, one finding per row, instead of letting a bad evaluation produce a confident number.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .catalog import PRICES_PER_MTOK
from .data import EVAL_NAME, ID, PROMPT, cost_column, models
from .data.problems import Problems
from .data.schema import key_problems, reused_ids
from .errors import RouterBenchDataError, first_ids

_COLUMNS = ["check", "severity", "column", "rows", "detail"]


def hygiene_report(df: pd.DataFrame, train: pd.DataFrame | None = None, strict: bool = False) -> pd.DataFrame:
    """Findings about ``df`` (a wide frame, e.g. a test split), one per row.

    Checks: a prompt (``eval_name``, ``sample_id``) on several rows; ids reused by several tasks (a
    warning: each pair is one prompt, so join on both); NaN or out-of-range scores; NaN or negative costs; a model whose
    cost is 0 on every prompt (a missing price); a model whose cost is the same on every prompt (constant
    token counts: a logging bug, or a flat fee that should be said); for models with a known price equal
    for input and output tokens, costs that are not whole numbers of tokens or imply impossible token
    counts; and, given ``train``, test prompts or ids that also appear in training (leakage).
    ``severity`` is ``error`` or ``warning``; with ``strict=True`` any error raises
    :class:`~routerbench_utils.RouterBenchDataError` listing them.

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    df : DataFrame
        A wide frame, e.g. a test split.
    train : DataFrame, optional
        The training rows, to look for prompts or ids on both sides (leakage).
    strict : bool
        Raise on any finding of severity ``error`` instead of returning it.

    Returns
    -------
    DataFrame
        One row per finding: ``check``, ``severity``, ``column``, ``rows`` and ``detail`` (no rows when
        the frame is clean).

    Raises
    ------
    RouterBenchDataError
        With ``strict=True``, if any finding has severity ``error``.
    """
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise RouterBenchDataError("hygiene_report: expected a non-empty wide frame")
    if train is not None and not isinstance(train, pd.DataFrame):
        raise RouterBenchDataError(f"train: expected a wide DataFrame (the training rows), got {type(train).__name__}")
    findings: list[tuple] = []

    def add(check: str, severity: str, column: str, where, detail: str) -> None:
        """Record a finding; ``where`` is a boolean mask over ``df`` or a list of ids."""
        where = np.asarray(where)
        if where.dtype == bool:
            ids = df[ID].to_numpy()[where] if ID in df.columns else np.flatnonzero(where)  # rows, without ids
        else:
            ids = where
        findings.append((check, severity, column, len(ids), f"{detail} ({first_ids(ids, 3)})"))

    keyed = ID in df.columns and EVAL_NAME in df.columns
    if keyed:
        unusable = Problems()
        if not key_problems(df, unusable, duplicates=False):
            findings.append(("unusable ids", "error", ID, len(df), "; ".join(map(str, unusable))))
            keyed = False  # the checks below need (eval_name, sample_id) pairs of scalars
    elif ID in df.columns and not isinstance(df[ID], pd.Series):
        findings.append(("unusable ids", "error", ID, len(df), "the sample_id column appears several times"))
    if keyed:
        # a prompt is its (eval_name, sample_id) pair: an id reused by another task is another prompt
        dup = df.duplicated([EVAL_NAME, ID], keep=False).to_numpy()
        if dup.any():
            add("duplicate ids", "error", ID, dup, "the same (eval_name, sample_id) on several rows")
        reused = reused_ids(df)
        if reused:
            add("ids reused across tasks", "warning", ID, reused,
                "the same sample_id names prompts of several tasks: each (eval_name, sample_id) is one prompt; "
                "join on both columns, never on sample_id alone")
    elif ID in df.columns and isinstance(df[ID], pd.Series) and not any(f[0] == "unusable ids" for f in findings):
        dup = df[ID].astype(str).duplicated(keep=False).to_numpy()
        if dup.any():
            add("duplicate ids", "error", ID, dup, "the same sample_id on several rows")
    if not models(df):
        findings.append(("no model columns", "error", "", 0, "no '<model>' column with a '<model>|total_cost' "
                         "partner: nothing to check (rbu.data.validate names the columns that are wrong)"))
    for m in models(df):
        if isinstance(df[m], pd.DataFrame) or isinstance(df[cost_column(m)], pd.DataFrame):
            findings.append(("not numbers", "error", m, len(df), "the model's score or cost column appears "
                             "several times"))
            continue
        if not pd.api.types.is_numeric_dtype(df[m]) or not pd.api.types.is_numeric_dtype(df[cost_column(m)]):
            add("not numbers", "error", m, np.ones(len(df), dtype=bool),
                f"dtypes {df[m].dtype} / {df[cost_column(m)].dtype}: expected float scores and costs in USD")
            continue
        score = pd.to_numeric(df[m], errors="coerce")
        cost = pd.to_numeric(df[cost_column(m)], errors="coerce")
        if score.isna().any():
            add("missing scores", "error", m, score.isna(), "NaN or non-numeric scores")
        outside = (score < 0) | (score > 1)
        if outside.any():
            add("scores out of range", "error", m, outside, "scores outside [0, 1]")
        if cost.isna().any():
            add("missing costs", "error", cost_column(m), cost.isna(), "NaN or non-numeric costs")
        if (cost < 0).any():
            add("negative costs", "error", cost_column(m), cost < 0, "negative costs")
        valid = cost.dropna()
        if len(valid) and (valid == 0).all():
            add("model without a price", "error", cost_column(m), cost == 0,
                "cost 0 on every prompt: a missing price makes this model look free")
        elif len(valid) > 1 and valid.nunique() == 1:
            add("constant cost", "warning", cost_column(m), cost.notna(),
                f"the same cost {valid.iloc[0]:.3g} on every prompt: constant token counts?")
        price = PRICES_PER_MTOK.get(m)
        if price is not None and price[0] == price[1] and len(valid):
            tokens = valid / (price[0] / 1e6)
            fractional = (tokens - tokens.round()).abs() > 1e-3
            if fractional.any():
                add("costs are not whole tokens", "warning", cost_column(m), cost.index.isin(valid.index[fractional]),
                    f"cost / listed price ({price[0]} USD per 1M tokens) is not a whole number of tokens")
            huge = tokens > 200_000
            if huge.any():
                add("impossible token counts", "error", cost_column(m), cost.index.isin(valid.index[huge]),
                    "more than 200,000 tokens per query at the listed price")
    if train is not None:
        if keyed and ID in train.columns and EVAL_NAME in train.columns:
            seen_keys = pd.MultiIndex.from_frame(train[[EVAL_NAME, ID]].astype(str))
            both = pd.MultiIndex.from_frame(df[[EVAL_NAME, ID]].astype(str)).isin(seen_keys)
            if both.any():
                add("ids in train and test", "error", ID, both,
                    "the same (eval_name, sample_id) in training and test")
        elif ID in train.columns and ID in df.columns:
            shared = np.intersect1d(df[ID].astype(str), train[ID].astype(str))
            if shared.size:
                add("ids in train and test", "error", ID, shared, "the same sample_id in training and test")
        if PROMPT in train.columns and PROMPT in df.columns:
            seen = set(train[PROMPT].astype(str).str.strip())
            leak = df[PROMPT].astype(str).str.strip().isin(seen)
            if leak.any():
                add("test prompts seen in training", "error", PROMPT, leak,
                    "prompt text also in the training rows: the router may have memorised the answer")
    report = pd.DataFrame(findings, columns=_COLUMNS)
    if strict and (report["severity"] == "error").any():
        errors = report[report["severity"] == "error"]
        raise RouterBenchDataError("hygiene: " + "; ".join(
            f"{r.check} in {r.column!r}: {r.rows} rows {r.detail}" for r in errors.itertuples()))
    return report
