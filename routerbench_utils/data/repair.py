"""Repair the quirks of the official RouterBench files into a clean wide frame (DESIGN.md section 3).

:func:`~routerbench_utils.data.repair.repair` turns text scores into floats, merges ids split over several rows, removes rows with a
missing score and tasks outside the paper's seven, parses list-repr prompts, and recomputes the
Oracle column; each change is one line of a :class:`~routerbench_utils.data.repair.RepairReport`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalog import DATASETS
from ..errors import RouterBenchDataError, first_ids
from .oracle import oracle_labels
from .problems import Problems
from .schema import (EVAL_NAME, ID, LATENCY_SUFFIX, ORACLE, PROMPT, RESPONSE_SUFFIX, cost_column,
                     dataset_column, key_problems, model_column_problems, models, prompt_keys, reused_ids,
                     validate)


@dataclass
class RepairReport:
    """What :func:`~routerbench_utils.data.repair.repair` changed, one line per repair; printed by the loaders.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    source : str
        What was repaired (a file name or the embedded data), for the first line of the report.
    notes : list of str
        One line per repair, in the order they were made.
    rows_in, rows_out : int
        Rows before and after the repair.
    set_aside : DataFrame, optional
        Costs of split ids not used by the merge: ``sample_id``, ``column``, ``set_aside``, ``kept``.
    """

    source: str
    notes: list[str] = field(default_factory=list)
    rows_in: int = 0
    rows_out: int = 0
    #: Costs of split ids not used by the merge: ``sample_id``, ``column``, ``set_aside``, ``kept``.
    set_aside: pd.DataFrame | None = None

    def add(self, note: str) -> None:
        self.notes.append(note)

    def __str__(self) -> str:
        head = f"{self.source}: {self.rows_in} rows read, {self.rows_out} prompts kept"
        return "\n".join([head] + [f"  - {n}" for n in self.notes]) if self.notes else head


def repair(df: pd.DataFrame, source: str = "frame", tasks: str = "paper"
           ) -> tuple[pd.DataFrame, RepairReport]:
    """Repair the quirks of the official files and return ``(clean_frame, report)``.

    Repairs, each recorded in the report: scores stored as strings or objects become floats (a value
    that is not a number raises); a prompt, keyed by ``(eval_name, sample_id)``, split over several rows
    is merged per model (two different values for one model raise; ids reused by several tasks are
    different prompts, and reported); rows with a NaN score are removed, with their ids and the models
    missing; rows of tasks outside the paper's seven are removed when ``tasks='paper'``; prompts and
    responses stored as the ``repr`` of a list of turns become plain text (turns joined by a blank line;
    other text, such as Llama's ``[INST] ... [/INST]``, is kept as it is); columns that are neither
    metadata nor a model's are left out and listed; ``oracle_model_to_route_to`` is recomputed from
    scores and costs.

    Model columns are recognised by the schema's pattern (``<model>``, ``<model>|total_cost``, ...),
    so a user's own model is read like a catalogue one. Every problem found is reported at once, in
    one :class:`~routerbench_utils.RouterBenchDataError` (:class:`~routerbench_utils.data.problems.Problems`).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        A wide frame as read from a file (scores may be text, ids may be split over rows).
    source : str
        A name for the report and the error messages (e.g. the file name).
    tasks : {'paper', 'all'}
        Keep only the paper's seven datasets, or every task of the file.

    Returns
    -------
    (DataFrame, RepairReport)
        The clean frame, which passes :func:`routerbench_utils.data.schema.validate`, and what was changed.

    Raises
    ------
    RouterBenchDataError
        For an empty frame, missing columns, rows without an id or task, ids that are lists, model
        column mistakes (a cost without its score, a near-miss name such as ``my-model|cost``), values
        that are not numbers, durations or booleans where scores and costs go, split rows that
        disagree, a file of tasks outside the paper's seven only (``tasks='paper'``), a model scored on
        no row, models scored on different prompts, or values out of range after the repair.
    """
    if tasks not in ("paper", "all"):
        raise RouterBenchDataError(f"tasks: expected 'paper' or 'all', got {tasks!r}")
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"{source}: expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise RouterBenchDataError(f"{source}: the frame is empty: expected at least one prompt row")
    problems = Problems(source)
    missing = [c for c in (ID, EVAL_NAME) if c not in df.columns]
    if missing:
        problems.add("columns", f"missing column(s) {missing}; the frame has {list(df.columns)[:8]}"
                     f"{' ...' if df.shape[1] > 8 else ''}", "'sample_id' and 'eval_name' in every wide frame",
                     "rename the id and task columns; a long log (one row per prompt and model) goes through "
                     "rbu.long_to_wide")
    else:
        key_problems(df, problems, duplicates=False)  # split ids are merged below
    left_out = model_column_problems(df, problems)
    names = models(df)
    if not names and not len(problems):
        problems.add("model columns", "no model columns (no '<model>' with '<model>|total_cost')",
                     "for each model a score column '<model>' beside '<model>|total_cost'",
                     "name each model's score and cost columns so")
    report = RepairReport(source=source, rows_in=len(df))
    df = df.reset_index(drop=True).copy()

    converted = []
    for m in names:
        for column, what in ((m, "a score in [0, 1]"), (cost_column(m), "a cost >= 0 in USD")):
            if isinstance(df[column], pd.DataFrame):
                problems.add(f"column {column!r}", f"the name appears {df[column].shape[1]} times", "one "
                             "column of each name", "rename or drop the copies")
            elif not pd.api.types.is_float_dtype(df[column]):
                values = _to_float(df, column, what, problems)
                if values is not None:
                    df[column] = values
                    converted.append(column)
    problems.raise_if_any()  # nothing below can run on a frame with these problems
    if converted:
        report.add(f"converted {len(converted)} score/cost columns stored as text or objects to float")
    if left_out:
        report.add(f"left out {len(left_out)} columns that are neither metadata nor a model's score/cost/"
                   f"response/latency: {first_ids(left_out)}")

    reused = reused_ids(df)
    if reused:
        report.add(f"{len(reused)} sample_ids name prompts of several tasks ({first_ids(reused)}): a prompt is "
                   "keyed by (eval_name, sample_id), so these are kept as different prompts")
    df = _merge_split_ids(df, names, report, problems)

    if tasks == "paper":
        dataset = dataset_column(df)
        extra = ~dataset.isin(DATASETS)
        if extra.all():
            counts = df[EVAL_NAME].value_counts()
            raise RouterBenchDataError(
                f"{source}: column 'eval_name': every row is of a task outside the paper's seven ("
                + ", ".join(f"{k} ({v})" for k, v in counts.head(8).items())
                + f"); expected some of {list(DATASETS)}; pass tasks='all' to keep your own tasks")
        if extra.any():
            counts = df.loc[extra, EVAL_NAME].value_counts()
            report.add(f"removed {int(extra.sum())} rows of tasks outside the paper's seven: "
                       + ", ".join(f"{k} ({v})" for k, v in counts.items()))
            df = df.loc[~extra].reset_index(drop=True)

    unscored = [m for m in names if df[m].isna().all()]
    if unscored:
        raise RouterBenchDataError(
            f"{source}: model columns {unscored} hold no score on any row"
            + (f" of the tasks kept ({', '.join(map(str, pd.unique(df[EVAL_NAME])[:5]))})" if tasks == "paper" else "")
            + "; expected each model scored on its prompts: drop those models' columns (every row would "
            "otherwise be removed as missing a score)")
    nan_rows = df[names].isna().any(axis=1)
    if nan_rows.any():
        per_model = df.loc[nan_rows, names].isna().sum()
        per_model = per_model[per_model > 0].sort_values(ascending=False, kind="stable")
        report.add(f"removed {int(nan_rows.sum())} rows with a missing score ("
                   + ", ".join(f"{m}: {int(n)}" for m, n in per_model.head(3).items())
                   + f"{', ...' if len(per_model) > 3 else ''}): {first_ids(df.loc[nan_rows, ID])}")
        if nan_rows.all():
            raise RouterBenchDataError(
                f"{source}: no row has a score for every model (missing per model: "
                + ", ".join(f"{m}: {int(n)}" for m, n in per_model.items())
                + f" of {len(df)} rows); expected prompts scored by every model: keep only the models "
                "scored on the same prompts (or analyse each group of models separately)")
        df = df.loc[~nan_rows].reset_index(drop=True)

    text_columns = [c for c in [PROMPT] + [m + RESPONSE_SUFFIX for m in names] if c in df.columns]
    parsed = []
    for column in text_columns:
        text, n_parsed, unparsed = _parse_list_reprs(df[column])
        if n_parsed:
            df[column] = text
            parsed.append(column)
        if unparsed:
            report.add(f"kept as text {len(unparsed)} values of {column!r} that look like a list repr but do "
                       f"not parse as one: {first_ids(unparsed, 3)}")
    if parsed:
        report.add(f"parsed list-repr text into plain text in {len(parsed)} columns "
                   f"({', '.join(parsed[:2])}{', ...' if len(parsed) > 2 else ''})")

    validate(df, source=source)
    labels = oracle_labels(df, names)
    if ORACLE in df.columns:
        changed = int((df[ORACLE].astype(str).to_numpy() != labels.astype(str)).sum())
        if changed:
            report.add(f"recomputed '{ORACLE}': {changed} rows disagreed with the scores and costs")
    df[ORACLE] = labels
    report.rows_out = len(df)
    return df, report


def _to_float(df: pd.DataFrame, column: str, what: str, problems: Problems) -> pd.Series | None:
    """``df[column]`` as floats (text and objects parsed), or None after adding the problem found."""
    raw = df[column]
    if pd.api.types.is_timedelta64_dtype(raw.dtype) or pd.api.types.is_datetime64_any_dtype(raw.dtype):
        problems.add(f"column {column!r}", f"dtype {raw.dtype} (durations or dates), not numbers", what,
                     "a duration is not a cost: store costs in USD as floats")
        return None
    if pd.api.types.is_bool_dtype(raw.dtype):
        problems.add(f"column {column!r}", f"dtype {raw.dtype} (True/False)", what,
                     "store scores as 0.0/1.0 floats")
        return None
    values = pd.to_numeric(raw, errors="coerce")
    unparsed = values.isna() & raw.notna() & (raw.astype(str).str.strip().str.lower() != "nan")
    if unparsed.any():
        problems.add(f"column {column!r}", f"{int(unparsed.sum())} values are not numbers "
                     f"({', '.join(f'{i!r}: {v!r}' for i, v in zip(df.loc[unparsed, ID][:5], raw[unparsed][:5]))})",
                     what, "correct or remove those values (NaN marks a missing score)")
        return None
    return values.astype(float)


def _merge_split_ids(df: pd.DataFrame, names: list[str], report: RepairReport, problems: Problems) -> pd.DataFrame:
    """Merge prompts split over several rows, per model (the 5-shot file's 14 ARC-Challenge ids).

    A prompt is keyed by ``(eval_name, sample_id)``: ids that restart in each task are different prompts.
    In the official file both rows of a split id carry a cost for every model, but each model is scored
    on one row only. Each model's score, cost, response (and latency) are taken from the row that scores
    it; the costs on the other row are set aside and listed in ``report.set_aside``. The merged row keeps
    the prompt of the row that scores the most models. Two rows scoring one model differently raise
    (every such model and id listed in one error).
    """
    keys = prompt_keys(df)
    dup = pd.Series(keys).duplicated(keep=False).to_numpy()
    if not dup.any():
        return df
    key = "_rbu_key"
    part = df.loc[dup].assign(**{key: keys[dup]})
    id_of = dict(zip(part[key], part[ID]))
    # The base row of each prompt: the one that scores the most models (its prompt text is kept).
    n_scored = part[names].notna().sum(axis=1)
    base = part.assign(_n=n_scored.to_numpy()).sort_values("_n", ascending=False, kind="stable")
    merged = base.drop_duplicates(key).drop(columns="_n").set_index(key)
    aside = []
    for m in names:
        scored = part[m].notna().to_numpy()
        distinct = part.loc[scored].groupby(key, sort=False)[m].nunique()
        if (distinct > 1).any():
            problems.add(f"column {m!r}", f"sample_ids {first_ids(id_of[k] for k in distinct.index[distinct > 1])} "
                         f"appear in several rows with different scores for model {m!r}",
                         "each model scored on one row of a split id",
                         "keep the right score and blank (NaN) the other")
            continue
        first_scoring = part.loc[scored].drop_duplicates(key)
        source = first_scoring.set_index(key)
        columns = [c for c in (m, cost_column(m), m + RESPONSE_SUFFIX, m + LATENCY_SUFFIX) if c in df.columns]
        merged.loc[source.index, columns] = source[columns]
        # Costs on the rows that do not score m (or score it a second time) are set aside, not summed.
        cost = cost_column(m)
        unused = part.loc[~part.index.isin(first_scoring.index) & part[cost].notna().to_numpy()
                          & part[key].isin(source.index).to_numpy()]
        if len(unused):
            aside.append(pd.DataFrame({ID: unused[ID].to_numpy(), "column": cost,
                                       "set_aside": unused[cost].to_numpy(dtype=float),
                                       "kept": source.loc[unused[key], cost].to_numpy(dtype=float)}))
    problems.raise_if_any()
    merged_ids = list(pd.unique(part[ID]))
    report.add(f"merged {len(merged_ids)} sample_ids split over {int(dup.sum())} rows, taking each model's "
               f"score, cost and response from the row that scores it: {first_ids(merged_ids)}")
    if aside:
        report.set_aside = pd.concat(aside, ignore_index=True)
        table = report.set_aside
        report.add(f"set aside {len(table)} cost values of those ids, from rows that do not score that model "
                   f"(they sum to ${table['set_aside'].sum():.4f} against ${table['kept'].sum():.4f} kept; "
                   "listed in report.set_aside)")
    prompts_differ = part.groupby(key, sort=False)[PROMPT].nunique() if PROMPT in part.columns else pd.Series()
    if (prompts_differ > 1).any():
        report.add(f"{int((prompts_differ > 1).sum())} of those ids carry different prompt texts on their "
                   "rows; kept the prompt of the row that scores the most models")
    # The merged row takes the place of the prompt's first row.
    merged = merged.reset_index(drop=True)[df.columns]
    merged.index = part.drop_duplicates(key).index
    return pd.concat([df.loc[~dup], merged]).sort_index().reset_index(drop=True)


#: A value that is the repr of a list of strings starts with '[' then a quote (or is '[]'). Llama-format
#: prompts ("[INST] ... [/INST]") start with '[' too, but not with a quote: they stay plain text.
_LIST_REPR = r"^\s*\[\s*(?:['\"]|\])"


def _parse_list_reprs(series: pd.Series) -> tuple[pd.Series, int, list]:
    """Parse the values of ``series`` that are list reprs into plain text; keep every other value.

    Returns the new column, how many values were parsed, and the values that looked like a list repr
    but did not parse (kept as they were, for the report)."""
    text = series.astype(object)
    present = text.notna().to_numpy()
    as_str = text.where(present, "").astype(str)
    looks = as_str.str.match(_LIST_REPR).to_numpy() & as_str.str.rstrip().str.endswith("]").to_numpy() & present
    if not looks.any():
        return series, 0, []
    codes, uniques = pd.factorize(as_str[looks])
    out = np.empty(len(uniques), dtype=object)
    ok = np.zeros(len(uniques), dtype=bool)
    for k, raw in enumerate(uniques):
        try:
            turns = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(turns, (list, tuple)):
            out[k], ok[k] = "\n\n".join(str(t) for t in turns), True
    result = text.copy()
    rows = np.flatnonzero(looks)
    good = ok[codes]
    result.iloc[rows[good]] = out[codes[good]]
    unparsed = list(pd.unique(np.asarray(uniques, dtype=object)[~ok]))
    return result, int(good.sum()), [u[:40] for u in unparsed]


def turns_to_text(series: pd.Series, column: str = "prompt") -> pd.Series:
    """Parse ``repr(list_of_turns)`` strings into plain text, turns joined by a blank line.

    Each distinct string is parsed once (``ast.literal_eval``).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    series : Series
        Strings such as ``"['Write a poem.', 'Now shorten it.']"``; missing values stay missing.
    column : str
        The column's name, for the message.

    Returns
    -------
    Series of object
        Plain text, aligned with ``series``.

    Raises
    ------
    RouterBenchDataError
        For a value that is not the repr of a list of strings.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[-1] = None  # NaN stays missing
    for k, raw in enumerate(uniques):
        try:
            turns = ast.literal_eval(raw)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
            raise RouterBenchDataError(
                f"column {column!r}: {raw[:60]!r} is not the repr of a list of strings ({exc})") from exc
        if isinstance(turns, str):
            turns = [turns]
        if not isinstance(turns, (list, tuple)):
            raise RouterBenchDataError(f"column {column!r}: expected a list of turns, got {raw[:60]!r}")
        texts[k] = "\n\n".join(str(t) for t in turns)
    return pd.Series(texts[codes], index=series.index, name=series.name, dtype=object)
