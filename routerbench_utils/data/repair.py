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
from .schema import (EVAL_NAME, ID, LATENCY_SUFFIX, ORACLE, PROMPT, RESPONSE_SUFFIX, check_model_columns,
                     cost_column, dataset_column, models, require_columns, validate)


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
    that is not a number raises); a ``sample_id`` split over several rows is merged per model (two
    different values for one model raise); rows with a NaN score are removed, with their ids; rows of
    tasks outside the paper's seven are removed when ``tasks='paper'``; prompts and responses stored as
    the ``repr`` of a list of turns become plain text (turns joined by a blank line);
    ``oracle_model_to_route_to`` is recomputed from scores and costs.

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
        For an empty frame, missing columns, values that are not numbers, split rows that disagree,
        text that is not a list of turns, or no row left.
    """
    if tasks not in ("paper", "all"):
        raise RouterBenchDataError(f"tasks: expected 'paper' or 'all', got {tasks!r}")
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise RouterBenchDataError(f"{source}: the frame is empty: expected at least one prompt row")
    require_columns(df, [ID, EVAL_NAME])
    check_model_columns(df)
    names = models(df)
    if not names:
        raise RouterBenchDataError(f"{source}: no model columns ('<model>' with '<model>|total_cost')")
    report = RepairReport(source=source, rows_in=len(df))
    df = df.reset_index(drop=True).copy()

    converted = [c for m in names for c in (m, cost_column(m)) if not pd.api.types.is_float_dtype(df[c])]
    for column in converted:
        df[column] = _to_float(df, column)
    if converted:
        report.add(f"converted {len(converted)} score/cost columns stored as text or objects to float")

    df = _merge_split_ids(df, names, report)

    if tasks == "paper":
        dataset = dataset_column(df)
        extra = ~dataset.isin(DATASETS)
        if extra.any():
            counts = df.loc[extra, EVAL_NAME].value_counts()
            report.add(f"removed {int(extra.sum())} rows of tasks outside the paper's seven: "
                       + ", ".join(f"{k} ({v})" for k, v in counts.items()))
            df = df.loc[~extra].reset_index(drop=True)

    nan_rows = df[names].isna().any(axis=1)
    if nan_rows.any():
        report.add(f"removed {int(nan_rows.sum())} rows with a missing score: {first_ids(df.loc[nan_rows, ID])}")
        df = df.loc[~nan_rows].reset_index(drop=True)

    text_columns = [c for c in [PROMPT] + [m + RESPONSE_SUFFIX for m in names] if c in df.columns]
    parsed = [c for c in text_columns if _looks_like_list_repr(df[c])]
    for column in parsed:
        df[column] = turns_to_text(df[column], column)
    if parsed:
        report.add(f"parsed list-repr text into plain text in {len(parsed)} columns "
                   f"({', '.join(parsed[:2])}{', ...' if len(parsed) > 2 else ''})")

    if len(df) == 0:
        raise RouterBenchDataError(f"{source}: no rows left after repair; expected at least one prompt")
    validate(df)
    labels = oracle_labels(df, names)
    if ORACLE in df.columns:
        changed = int((df[ORACLE].astype(str).to_numpy() != labels.astype(str)).sum())
        if changed:
            report.add(f"recomputed '{ORACLE}': {changed} rows disagreed with the scores and costs")
    df[ORACLE] = labels
    report.rows_out = len(df)
    return df, report


def _to_float(df: pd.DataFrame, column: str) -> pd.Series:
    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce")
    unparsed = values.isna() & raw.notna() & (raw.astype(str).str.strip().str.lower() != "nan")
    if unparsed.any():
        raise RouterBenchDataError(
            f"column {column!r}: {int(unparsed.sum())} values are not numbers "
            f"({', '.join(f'{i!r}: {v!r}' for i, v in zip(df.loc[unparsed, ID][:5], raw[unparsed][:5]))})")
    return values.astype(float)


def _merge_split_ids(df: pd.DataFrame, names: list[str], report: RepairReport) -> pd.DataFrame:
    """Merge ids split over several rows, per model (the 5-shot file's 14 ARC-Challenge ids).

    In the official file both rows of a split id carry a cost for every model, but each model is scored
    on one row only. Each model's score, cost, response (and latency) are taken from the row that scores
    it; the costs on the other row are set aside and listed in ``report.set_aside``. The merged row keeps
    the prompt of the row that scores the most models. Two rows scoring one model differently raise.
    """
    dup = df[ID].duplicated(keep=False).to_numpy()
    if not dup.any():
        return df
    part = df.loc[dup]
    ids = part[ID]
    # The base row of each id: the one that scores the most models (its prompt and eval_name are kept).
    n_scored = part[names].notna().sum(axis=1)
    base = part.assign(_n=n_scored.to_numpy()).sort_values("_n", ascending=False, kind="stable")
    merged = base.drop_duplicates(ID).drop(columns="_n").set_index(ID)
    aside = []
    for m in names:
        scored = part[m].notna().to_numpy()
        distinct = part.loc[scored].groupby(ID, sort=False)[m].nunique()
        if (distinct > 1).any():
            raise RouterBenchDataError(
                f"column 'sample_id': ids {first_ids(distinct.index[distinct > 1])} appear in several rows with "
                f"different scores for model {m!r}; expected each model to be scored on one row of a split id")
        first_scoring = part.loc[scored].drop_duplicates(ID)
        source = first_scoring.set_index(ID)
        columns = [c for c in (m, cost_column(m), m + RESPONSE_SUFFIX, m + LATENCY_SUFFIX) if c in df.columns]
        merged.loc[source.index, columns] = source[columns]
        # Costs on the rows that do not score m (or score it a second time) are set aside, not summed.
        cost = cost_column(m)
        unused = part.loc[~part.index.isin(first_scoring.index) & part[cost].notna().to_numpy()
                          & ids.isin(source.index).to_numpy()]
        if len(unused):
            aside.append(pd.DataFrame({ID: unused[ID].to_numpy(), "column": cost,
                                       "set_aside": unused[cost].to_numpy(dtype=float),
                                       "kept": source.loc[unused[ID], cost].to_numpy(dtype=float)}))
    merged_ids = list(pd.unique(ids))
    report.add(f"merged {len(merged_ids)} sample_ids split over {int(dup.sum())} rows, taking each model's "
               f"score, cost and response from the row that scores it: {first_ids(merged_ids)}")
    if aside:
        report.set_aside = pd.concat(aside, ignore_index=True)
        table = report.set_aside
        report.add(f"set aside {len(table)} cost values of those ids, from rows that do not score that model "
                   f"(they sum to ${table['set_aside'].sum():.4f} against ${table['kept'].sum():.4f} kept; "
                   "listed in report.set_aside)")
    prompts_differ = part.groupby(ID, sort=False)[PROMPT].nunique() if PROMPT in part.columns else pd.Series()
    if (prompts_differ > 1).any():
        report.add(f"{int((prompts_differ > 1).sum())} of those ids carry different prompt texts on their "
                   "rows; kept the prompt of the row that scores the most models")
    # The merged row takes the place of the id's first row.
    merged = merged.reset_index()[df.columns]
    merged.index = part.drop_duplicates(ID).index
    return pd.concat([df.loc[~dup], merged]).sort_index().reset_index(drop=True)


def _looks_like_list_repr(series: pd.Series) -> bool:
    head = series.dropna().astype(str).head(50)
    return len(head) > 0 and bool(head.str.startswith("[").all() and head.str.endswith("]").all())


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
        except (ValueError, SyntaxError) as exc:
            raise RouterBenchDataError(
                f"column {column!r}: {raw[:60]!r} is not the repr of a list of strings ({exc})") from exc
        if isinstance(turns, str):
            turns = [turns]
        if not isinstance(turns, (list, tuple)):
            raise RouterBenchDataError(f"column {column!r}: expected a list of turns, got {raw[:60]!r}")
        texts[k] = "\n\n".join(str(t) for t in turns)
    return pd.Series(texts[codes], index=series.index, name=series.name, dtype=object)
