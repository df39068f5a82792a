"""Load, repair, validate and split RouterBench data in its wide form (DESIGN.md section 3).

A wide frame has one row per prompt: ``sample_id``, ``prompt``, ``eval_name``, and for each model
``<model>`` (score in [0, 1]), ``<model>|total_cost`` (USD) and ``<model>|model_response``, plus
``oracle_model_to_route_to``. Users' long logs become wide through :func:`long_to_wide`.
"""
from __future__ import annotations

import ast
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import DATASETS, NO_MODEL_CORRECT, dataset_of
from .errors import RouterBenchDataError, first_ids

ID, PROMPT, EVAL_NAME, ORACLE = "sample_id", "prompt", "eval_name", "oracle_model_to_route_to"
COST_SUFFIX, RESPONSE_SUFFIX, LATENCY_SUFFIX = "|total_cost", "|model_response", "|latency"
#: The environment variable that points every chapter at a real RouterBench file.
DATA_ENV = "ROUTERBENCH_DATA"


def cost_column(model: str) -> str:
    """The cost column of ``model``: ``'<model>|total_cost'``."""
    return model + COST_SUFFIX


def models(df: pd.DataFrame) -> list[str]:
    """Model names present in a wide frame: columns that have a ``|total_cost`` partner.

    Examples
    --------
    >>> models(pd.DataFrame({"a": [1.0], "a|total_cost": [0.1], "sample_id": ["x"]}))
    ['a']
    """
    names = [c for c in df.columns if isinstance(c, str) and not c.count("|")
             and cost_column(c) in df.columns]
    return names


def check_model_columns(df: pd.DataFrame) -> None:
    """Check that every model has both its score and its cost column and that no model name holds ``|``.

    A ``<model>|total_cost`` (or ``|model_response``, ``|latency``) column without its score column, a
    known model's score column without its cost, and a model name containing ``|`` raise
    :class:`RouterBenchDataError`: such a model would otherwise be silently left out of every analysis.
    """
    from .catalog import MODELS

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
    """Check a per-model mapping (price factors, request fees): every name is a model of ``df`` and every
    value is finite and positive (or >= 0 with ``allow_zero``); raise naming the argument otherwise."""
    names = models(df)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise RouterBenchDataError(f"{argument}: models {unknown} are not in the data ({names})")
    bad = {m: v for m, v in values.items() if not (np.isfinite(v) and (v >= 0 if allow_zero else v > 0))}
    if bad:
        expected = "values >= 0" if allow_zero else "positive finite values"
        raise RouterBenchDataError(f"{argument}: expected {expected}, got {bad}")


def dataset_column(df: pd.DataFrame) -> pd.Series:
    """``dataset_of`` applied to the ``eval_name`` column (computed once per distinct name)."""
    _require_columns(df, [EVAL_NAME])
    names = df[EVAL_NAME].astype(str)
    mapping = {name: dataset_of(name) for name in names.unique()}
    return names.map(mapping).rename("dataset")


def score_matrix(df: pd.DataFrame, model_names: list[str] | None = None) -> np.ndarray:
    """Scores as a float array of shape (prompts, models), in the order of ``model_names``."""
    names = models(df) if model_names is None else list(model_names)
    _require_columns(df, names)
    return df[names].to_numpy(dtype=float)


def cost_matrix(df: pd.DataFrame, model_names: list[str] | None = None) -> np.ndarray:
    """Costs (USD) as a float array of shape (prompts, models), in the order of ``model_names``."""
    names = models(df) if model_names is None else list(model_names)
    cols = [cost_column(m) for m in names]
    _require_columns(df, cols)
    return df[cols].to_numpy(dtype=float)


def oracle_choice(scores: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Index of the Oracle's model per prompt: the best score, ties broken by the lower cost.

    Returns -1 where every score is 0 (no model is correct).
    """
    scores = np.asarray(scores, dtype=float)
    costs = np.asarray(costs, dtype=float)
    best = scores.max(axis=1, keepdims=True)
    # Among the models that reach the best score, take the cheapest.
    tied_cost = np.where(scores == best, costs, np.inf)
    choice = tied_cost.argmin(axis=1)
    return np.where(best[:, 0] > 0, choice, -1)


def oracle_labels(df: pd.DataFrame, model_names: list[str] | None = None) -> np.ndarray:
    """The ``oracle_model_to_route_to`` column recomputed from scores and costs."""
    names = models(df) if model_names is None else list(model_names)
    choice = oracle_choice(score_matrix(df, names), cost_matrix(df, names))
    labels = np.array(names + [NO_MODEL_CORRECT], dtype=object)
    return labels[choice]  # -1 picks the last label, NO_MODEL_CORRECT


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` is a clean wide RouterBench frame and return it unchanged.

    Raises :class:`RouterBenchDataError` naming the column, a few offending ``sample_id`` values and what
    was expected: an empty frame, missing columns, duplicate ids, non-numeric, NaN or out-of-range
    scores (expected in [0, 1]), non-numeric, NaN, infinite or negative costs.
    """
    if not isinstance(df, pd.DataFrame):
        raise RouterBenchDataError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise RouterBenchDataError("the frame is empty: expected at least one prompt row")
    _require_columns(df, [ID, EVAL_NAME])
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
        _check_numeric(df, model, low=0.0, high=1.0, what="a score in [0, 1]")
        _check_numeric(df, cost_column(model), low=0.0, high=np.inf, what="a cost >= 0 in USD")
        if model + LATENCY_SUFFIX in df.columns:
            _check_numeric(df, model + LATENCY_SUFFIX, low=0.0, high=np.inf, what="a latency >= 0 in seconds")
    return df


def _require_columns(df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RouterBenchDataError(
            f"missing column(s) {missing}; the frame has {list(df.columns)[:8]}"
            f"{' ...' if df.shape[1] > 8 else ''}")


def _check_numeric(df: pd.DataFrame, column: str, low: float, high: float, what: str) -> None:
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


@dataclass
class RepairReport:
    """What :func:`repair` changed, one line per repair; printed by the loaders."""

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
    ``oracle_model_to_route_to`` is recomputed from scores and costs. The result passes :func:`validate`.
    """
    if tasks not in ("paper", "all"):
        raise RouterBenchDataError(f"tasks: expected 'paper' or 'all', got {tasks!r}")
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise RouterBenchDataError(f"{source}: the frame is empty: expected at least one prompt row")
    _require_columns(df, [ID, EVAL_NAME])
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

    Each distinct string is parsed once (``ast.literal_eval``); a value that is not a list of strings
    raises :class:`RouterBenchDataError`.
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


_READERS = {".pkl": pd.read_pickle, ".pickle": pd.read_pickle, ".csv": pd.read_csv,
            ".parquet": pd.read_parquet}


def load_routerbench(path: str | os.PathLike, tasks: str = "paper", verbose: bool = True) -> pd.DataFrame:
    """Read an official RouterBench file (``.pkl``, ``.csv`` or ``.parquet``) and repair it.

    Returns the clean wide frame with the file's column names; the :class:`RepairReport` is printed
    when ``verbose`` and kept in ``df.attrs['repair_report']`` (as text) either way.

    Examples
    --------
    >>> df = load_routerbench("routerbench_5shot.pkl")  # doctest: +SKIP
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise RouterBenchDataError(
            f"path {str(path)!r}: unknown file type {path.suffix!r}; expected one of {sorted(_READERS)}")
    if not path.exists():
        raise RouterBenchDataError(f"path {str(path)!r}: no such file")
    raw = reader(path)
    if not isinstance(raw, pd.DataFrame):
        raise RouterBenchDataError(f"path {str(path)!r}: holds a {type(raw).__name__}, expected a DataFrame")
    df, report = repair(raw, source=path.name, tasks=tasks)
    df.attrs["repair_report"] = str(report)
    if verbose:
        print(report)
    return df


def load(source: str | os.PathLike | None = None, seed: int = 0, scale: float = 1.0,
         verbose: bool = True, latency: bool = False) -> pd.DataFrame:
    """The one call chapters use: a real file if ``source`` or ``$ROUTERBENCH_DATA`` names one, else the
    embedded synthetic data (:func:`routerbench_utils.embedded_routerbench` with ``seed`` and ``scale``).

    Parameters
    ----------
    source : path, optional
        A RouterBench file (``.pkl``, ``.csv``, ``.parquet``); default ``$ROUTERBENCH_DATA``, else the
        embedded data.
    seed, scale : int, float
        The embedded data's seed and size (fraction of full size); ignored for a file.
    verbose : bool
        Print which data was used and the repair report.
    latency : bool
        Add assumed ``<model>|latency`` columns (seconds), for a file and the embedded data alike: the
        generator's own for the embedded data; for a file, its own latency columns where it has them,
        else :func:`routerbench_utils.add_assumed_latency` (response length / 4 tokens).

    Returns
    -------
    DataFrame
        The clean wide frame; ``df.attrs`` holds ``source`` (a one-line description),
        ``repair_report`` (text) and ``synthetic`` (bool).
    """
    source = source or os.environ.get(DATA_ENV) or None
    if source is not None:
        if verbose:
            print(f"Data: real RouterBench file {source}")
        df = load_routerbench(source, verbose=verbose)
        if latency:
            from .latency import add_assumed_latency

            df = add_assumed_latency(df, seed=seed)
        df.attrs["source"] = f"file {Path(source).name}"
        df.attrs["synthetic"] = False
        return df
    df = _embedded_clean(int(seed), float(scale), bool(latency)).copy()
    df.attrs = dict(df.attrs)
    if verbose:
        # One short line (the page's data note says the rest): it must not run off a code block.
        print(f"Data: embedded synthetic RouterBench, seed={seed}, scale={scale}: {len(df):,} prompts")
    return df


@functools.lru_cache(maxsize=4)
def _embedded_clean(seed: int, scale: float, latency: bool) -> pd.DataFrame:
    """The repaired embedded data of one seed and scale, generated once per process (callers copy it)."""
    from .embedded import embedded_routerbench  # the generator is only needed without a file

    raw = embedded_routerbench(seed=seed, scale=scale, latency=latency)
    df, report = repair(raw, source=f"embedded synthetic data (seed={seed}, scale={scale})")
    df.attrs["repair_report"] = str(report)
    df.attrs["source"] = f"embedded (seed={seed}, scale={scale})"
    df.attrs["synthetic"] = True
    return df


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
    _require_columns(df, required)
    for column in required:
        absent = df[column].isna()
        if absent.any():
            raise RouterBenchDataError(
                f"column {column!r}: {int(absent.sum())} rows are missing a value "
                f"(sample_ids {first_ids(df.loc[absent, ID])})")
    checked = df.assign(quality=_numeric(df, "quality"), cost=_numeric(df, "cost"))
    _check_numeric(checked, "quality", 0.0, 1.0, "a quality in [0, 1]")
    _check_numeric(checked, "cost", 0.0, np.inf, "a cost >= 0 in USD")
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


def official_split(df: pd.DataFrame, train_fraction: float = 0.7, seed: int = 42
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The official RouterBench split, per dataset: returns ``(train, test)`` in file order.

    For each dataset, the unique ``sample_id`` values in file order are shuffled by a NumPy ``RandomState``
    seeded with ``seed`` (the same permutation as ``np.random.seed(seed); np.random.shuffle(ids)``,
    without touching global state); the first ``floor(train_fraction * n)`` are the training prompts.
    """
    if not 0.0 < train_fraction < 1.0:
        raise RouterBenchDataError(f"train_fraction: expected a number in (0, 1), got {train_fraction!r}")
    _require_columns(df, [ID, EVAL_NAME])
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


def dataset_summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset: its title, number of ``eval_name`` values and prompts, and how it is scored."""
    from .catalog import DATASET_TITLES, SCORING

    dataset = dataset_column(df)
    grouped = df.groupby(dataset.to_numpy(), sort=False)
    sizes = grouped.size()
    return pd.DataFrame({
        "dataset": sizes.index,
        "title": [DATASET_TITLES.get(d, d) for d in sizes.index],
        "eval_names": grouped[EVAL_NAME].nunique().to_numpy(),
        "prompts": sizes.to_numpy(),
        "scoring": [SCORING.get(d, "unknown") for d in sizes.index],
    })
