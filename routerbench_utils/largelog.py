"""Cost-quality points of a routing log too large for memory, read from Parquet by DuckDB.

A long log (one row per prompt and model: ``sample_id``, ``model``, ``quality``, ``cost``, optional
``eval_name`` and ``latency``) of 10^8 or 10^9 rows does not fit in a pandas frame, but everything
the Zero router and AIQ need from it is tiny: per dataset and model, the number of prompts and the
sums of quality and cost. :func:`~routerbench_utils.model_points` computes them with one ``GROUP BY`` that DuckDB runs
over the Parquet files in streaming fashion (only the columns it needs, a few row groups at a time,
spilling to disk past ``memory_limit``); :func:`routerbench_utils.zero_router_curve` and
:func:`routerbench_utils.aiq` then work on the few rows it returns, as on any other points.

DuckDB is an optional extra (``pip install routerbench_utils[scale]``). It was chosen over polars
for three reasons: the aggregation is one SQL statement (:func:`~routerbench_utils.largelog.points_sql`) that Spark SQL, Dask-SQL
or a warehouse run unchanged when a log outgrows one machine; its out-of-core aggregation is bounded
by an explicit ``memory_limit``; and it is one wheel with no dependencies.

See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").
"""
from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import dataset_of
from .data.problems import Problems
from .errors import RouterBenchDataError, first_ids

#: Columns the log must have, and the optional ones the points use.
REQUIRED = ("sample_id", "model", "quality", "cost")
OPTIONAL = ("eval_name", "latency")
_MAX_MODELS = 64  # one bit per model in an unsigned 64-bit mask


def points_sql(table: str = "log", latency: bool = False, eval_name: bool = True) -> str:
    """The aggregation behind :func:`~routerbench_utils.model_points`, as one portable SQL statement.

    For each ``eval_name`` :math:`e` and model :math:`m`, over the rows :math:`i` of that pair,

    .. math:: n_{em} = \\#\\{i\\}, \\quad Q_{em} = \\sum_i q_{im}, \\quad C_{em} = \\sum_i c_{im},

    from which a dataset's point is :math:`(\\sum_e C_{em} / \\sum_e n_{em},\\;
    \\sum_e Q_{em} / \\sum_e n_{em})`. Only ``COUNT``, ``SUM`` and ``GROUP BY``: the statement runs
    as it is in DuckDB, Spark SQL (``spark.sql(points_sql("log"))`` on a registered view), Dask-SQL or
    a data warehouse, which is how the same points are computed from a log spread over many machines.

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    table : str
        The table or view holding the log.
    latency : bool
        Also sum the ``latency`` column.
    eval_name : bool
        Group by ``eval_name`` (else every row is in one task, ``'custom'``).

    Returns
    -------
    str
        The statement; its columns are ``eval_name``, ``model``, ``n``, ``quality``, ``cost`` (sums)
        and, with ``latency``, ``latency``.

    Examples
    --------
    >>> print(points_sql("log"))  # doctest: +NORMALIZE_WHITESPACE
    SELECT eval_name, model, COUNT(*) AS n, SUM(quality) AS quality, SUM(cost) AS cost
    FROM log GROUP BY eval_name, model
    """
    task = "eval_name" if eval_name else "'custom' AS eval_name"
    sums = "SUM(quality) AS quality, SUM(cost) AS cost" + (", SUM(latency) AS latency" if latency else "")
    group = "eval_name, model" if eval_name else "model"
    return f"SELECT {task}, model, COUNT(*) AS n, {sums}\nFROM {table} GROUP BY {group}"


def _files(source: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """The Parquet files of ``source`` (a file, a directory of ``*.parquet``, a glob or a list), in
    name order: the order their rows count as 'first appearance'."""
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.parquet"))
        elif any(ch in str(item) for ch in "*?["):
            found = sorted(glob.glob(str(item)))
        else:
            found = [str(path)] if path.exists() else []
        if not found:
            raise RouterBenchDataError(f"source: {str(item)!r} names no Parquet file; expected a .parquet "
                                       "file, a directory of them, or a glob such as 'logs/*.parquet'")
        files += found
    return files


def _connect(memory_limit: str, threads: int | None, spill: str):
    try:
        import duckdb
    except ImportError as exc:
        raise RouterBenchDataError(
            "routerbench_utils.largelog needs the optional package duckdb "
            "(pip install 'routerbench_utils[scale]' or pip install duckdb); for a log that fits in "
            "memory, rbu.long_to_wide and rbu.model_points need nothing") from exc
    config = {"memory_limit": memory_limit, "temp_directory": spill, "preserve_insertion_order": "false"}
    if threads is not None:
        config["threads"] = str(int(threads))
    return duckdb.connect(config=config)


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


_NUMERIC = ("DOUBLE", "FLOAT", "DECIMAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT",
            "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT")


def _kind(sql_type: str) -> str:
    """A column type's kind: numbers of any width count as one kind (DuckDB's UNION widens them)."""
    return "number" if sql_type.startswith(_NUMERIC) else sql_type


def _duration_columns(name: str, columns: Sequence[str]) -> list[str]:
    """The columns among ``columns`` that the file's Arrow schema types as durations (none when pyarrow,
    which pandas uses to write Parquet, is not installed)."""
    try:
        import pyarrow.parquet as pq
        import pyarrow.types as pat
    except ImportError:
        return []
    try:
        schema = pq.read_schema(name)
    except Exception:  # unreadable: DuckDB's own check names the file
        return []
    return [c for c in columns if c in schema.names and pat.is_duration(schema.field(c).type)]


def _check_columns(con, files: list[str]) -> dict[str, str]:
    """Check every file's schema before any aggregation; return the column types the files share.

    Each file must have the required columns, numbers in ``quality``, ``cost`` (and ``latency``), and
    the same columns of the same kinds as the first file: a file that lacks ``eval_name`` would turn
    every task into one, and a type that differs would stop DuckDB midway. Every file that differs is
    named with its difference, all in one error."""
    problems = Problems("model_points")
    schemas: list[tuple[str, dict[str, str]]] = []
    for name in files:
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quoted(name)})").fetchall()
        except Exception as exc:  # duckdb.Error subclasses: a damaged or foreign file
            problems.add(f"file {name!r}", f"not a readable Parquet file ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:100]})", "a Parquet file", "write it again or leave it out")
            continue
        these = {row[0]: str(row[1]) for row in described}
        missing = [c for c in REQUIRED if c not in these]
        if missing:
            problems.add(f"file {name!r}", f"missing column(s) {missing}; the file has {list(these)[:8]}"
                         f"{' ...' if len(these) > 8 else ''}",
                         f"{list(REQUIRED)} (and optionally {list(OPTIONAL)}) in every file",
                         "write the file again with those columns")
        for column in ("quality", "cost", "latency"):
            kind = these.get(column)
            if kind is None or kind.startswith(_NUMERIC):
                continue
            duration = kind.startswith(("INTERVAL", "TIME", "DATE"))
            problems.add(f"file {name!r}", f"column {column!r} has type {kind}"
                         + (" (durations or dates): a duration is not a cost" if duration else ""),
                         "numbers (" + ("USD" if column == "cost" else "seconds" if column == "latency"
                                        else "a quality in [0, 1]") + ")",
                         "write it as a floating-point column")
        for column in _duration_columns(name, ("quality", "cost", "latency")):
            # Parquet stores a duration as plain 64-bit integers: DuckDB reads nanoseconds as BIGINT
            problems.add(f"file {name!r}", f"column {column!r} holds durations (an Arrow duration, read as "
                         "integer nanoseconds): a duration is not a cost", "numbers in USD (costs), seconds "
                         "(latencies) or [0, 1] (qualities)", "write it as a floating-point column")
        schemas.append((name, these))
    if schemas:
        first_name, first = schemas[0]
        for name, these in schemas[1:]:
            for column in REQUIRED + OPTIONAL:
                if (column in first) != (column in these):
                    has, lacks = (first_name, name) if column in first else (name, first_name)
                    problems.add(f"file {name!r}", f"column {column!r} is in {has!r} but not in {lacks!r}",
                                 "the same columns in every file (a file without eval_name would put every "
                                 "task under one name)", "write the files with the same columns")
                elif column in first and _kind(first[column]) != _kind(these[column]):
                    problems.add(f"file {name!r}", f"column {column!r} has type {these[column]}, against "
                                 f"{first[column]} in {first_name!r}", "the same type in every file",
                                 "write the column with one type in every file")
    problems.raise_if_any()
    return schemas[0][1]


def _examples(con, where: str, columns: str = "sample_id") -> list:
    """The first rows (in file order) matching ``where``, for an error message."""
    return con.execute(f"SELECT {columns} FROM log WHERE {where} ORDER BY _pos LIMIT 5").fetchall()


def model_points(source: str | os.PathLike | Sequence[str | os.PathLike], cost: str = "mean",
                 missing: str = "raise", memory_limit: str = "2GB", threads: int | None = None,
                 check_pairs: bool = True) -> pd.DataFrame:
    """:func:`routerbench_utils.model_points` of a long log stored as Parquet, without loading it.

    Returns the frame ``rbu.model_points(rbu.long_to_wide(log))`` would return, computed by DuckDB
    from per-(``eval_name``, model) counts and sums (:func:`~routerbench_utils.largelog.points_sql`): for the prompts :math:`D` of
    a dataset, :math:`\\text{cost} = \\frac{1}{|D|}\\sum_{i \\in D} c_{im}` (or the sum with
    ``cost="total"``) and :math:`\\text{quality} = \\frac{1}{|D|}\\sum_{i \\in D} q_{im}`. The log is
    checked as :func:`routerbench_utils.long_to_wide` checks it, over the whole file: missing values,
    qualities outside [0, 1], negative or infinite costs and, with ``check_pairs``, every prompt
    answered exactly once by every model under one ``eval_name`` (one more pass, grouping by prompt).

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    source : path, glob or list of them
        One Parquet file, a directory of ``*.parquet`` files, a glob, or a list; read in name order.
    cost : {'mean', 'total'}
        Mean cost per query, or the total, as in :func:`routerbench_utils.model_points`.
    missing : {'raise', 'drop'}
        Prompts some model did not answer: stop with their ids, or leave them out of every point
        (their ids in ``points.attrs['dropped_prompts']``, the first 1,000; the count in
        ``points.attrs['n_dropped']``). Needs ``check_pairs``.
    memory_limit : str
        DuckDB's memory limit (e.g. ``'2GB'``); past it, the aggregation spills to a temporary folder.
    threads : int, optional
        DuckDB's threads; default all cores.
    check_pairs : bool
        Check that every prompt has one row per model (a second pass over the files, the expensive
        one: it groups by prompt). Without it, only the per-model counts of each dataset are compared.

    Returns
    -------
    DataFrame
        One row per (dataset, model): ``dataset``, ``model``, ``cost``, ``quality``, ``n`` (prompts)
        and, when the log has ``latency``, ``latency`` (mean seconds); datasets and models in order of
        first appearance in the files. ``attrs['rows']`` holds the number of rows read.

    Raises
    ------
    RouterBenchDataError
        For no file, missing or non-numeric columns, missing values, values out of range, a
        (prompt, model) pair that repeats, a prompt some model did not answer (with
        ``missing='raise'``), a prompt under two ``eval_name`` values, or more than 64 models;
        messages name the column and the first offending ``sample_id`` values in file order. Without
        the optional package duckdb, it says how to install it.

    Examples
    --------
    >>> points = model_points("logs/*.parquet")  # not run: no logs here  # doctest: +SKIP
    >>> rbu.zero_router_curve(points)  # not run: no logs here  # doctest: +SKIP
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    if missing not in ("raise", "drop"):
        raise RouterBenchDataError(f"missing: expected 'raise' or 'drop', got {missing!r}")
    if missing == "drop" and not check_pairs:
        raise RouterBenchDataError("missing='drop' needs check_pairs=True: finding the prompts to drop is "
                                   "the pairs check")
    files = _files(source)
    with tempfile.TemporaryDirectory(prefix="routerbench-duckdb-") as spill:
        con = _connect(memory_limit, threads, spill)
        try:
            return _model_points(con, files, cost, missing, check_pairs)
        finally:
            con.close()


def _model_points(con, files: list[str], cost: str, missing: str, check_pairs: bool) -> pd.DataFrame:
    types = _check_columns(con, files)
    has_eval, has_latency = "eval_name" in types, "latency" in types
    columns = ", ".join(c for c in REQUIRED + OPTIONAL if c in types)
    # The files as one view; _pos gives each row's place (file, row), for 'first appearance' and examples.
    con.execute("CREATE TEMP VIEW log AS " + "\nUNION ALL ".join(
        f"SELECT {columns}, {k} * 4294967296 + file_row_number AS _pos "
        f"FROM read_parquet({_quoted(name)}, file_row_number = true)" for k, name in enumerate(files)))
    sums = _points_table(con, has_eval, has_latency, where="")
    _check_rows(con, sums)
    rows_read = int(sums["n"].sum())
    names = _ordered(sums, "model")
    if len(names) > _MAX_MODELS:
        raise RouterBenchDataError(f"column 'model': {len(names)} models; at most {_MAX_MODELS} are supported")
    dropped: list = []
    n_dropped = 0
    if check_pairs:
        n_dropped, dropped = _check_pairs(con, names, sums["eval_name"].dropna().unique(), has_eval, missing)
        if n_dropped:
            sums = _points_table(con, has_eval, has_latency,
                                 where="AS l WHERE NOT EXISTS (SELECT 1 FROM dropped d WHERE "
                                 f"{_same_prompt('d', 'l', has_eval)})")
            if sums.empty:
                raise RouterBenchDataError(
                    f"model_points(missing='drop'): no prompt is answered by all {len(names)} models "
                    f"({names}); expected at least one complete prompt")
    points = _to_points(sums, names, cost, has_latency)
    points.attrs.update(rows=rows_read, dropped_prompts=dropped, n_dropped=n_dropped)
    return points


#: The checks of every row, as long_to_wide runs them and in its order: (column, failing rows, what).
_ROW_CHECKS = (
    ("sample_id", "sample_id IS NULL", None),
    ("model", "model IS NULL", None),
    ("quality", "quality IS NULL", None),
    ("cost", "cost IS NULL", None),
    ("quality", "NOT (quality >= 0 AND quality <= 1)", "a quality in [0, 1]"),
    ("cost", "NOT (cost >= 0 AND isfinite(cost))", "a cost >= 0 in USD"),
)


def _points_table(con, has_eval: bool, has_latency: bool, where: str) -> pd.DataFrame:
    """Counts and sums per (eval_name, model) (:func:`~routerbench_utils.largelog.points_sql`), where each pair first appears, and
    how many of its rows fail each check of ``_ROW_CHECKS``: one pass over the files."""
    source = f"(SELECT * FROM log {where})" if where else "log"
    select, rest = points_sql(source, latency=has_latency, eval_name=has_eval).split("\nFROM ", 1)
    checks = "".join(f", COUNT(*) FILTER (WHERE {w}) AS _check{k}" for k, (_, w, _) in enumerate(_ROW_CHECKS))
    return con.execute(f"{select}, MIN(_pos) AS first_row{checks}\nFROM {rest}").df()


def _check_rows(con, sums: pd.DataFrame) -> None:
    """Raise one error for every failing check of ``_ROW_CHECKS``, each naming its first offending rows."""
    problems = Problems()
    for k, (column, where, what) in enumerate(_ROW_CHECKS):
        count = int(sums[f"_check{k}"].sum())
        if not count:
            continue
        if what is None:
            ids = [r[0] for r in _examples(con, where)]
            problems.add(f"column {column!r}", f"{count} rows are missing a value (sample_ids {first_ids(ids)})",
                         f"a {column} on every row", "fill it in or drop those rows")
        else:
            shown = ", ".join(f"{i!r}: {v}" for i, v in _examples(con, where, f"sample_id, {column}"))
            problems.add(f"column {column!r}", f"{count} rows hold values that are not {what} ({shown})", what)
    problems.raise_if_any()


def _ordered(table: pd.DataFrame, column: str) -> list:
    """The values of ``column`` in order of first appearance in the files."""
    first = table.groupby(column, sort=False)["first_row"].min().sort_values(kind="stable")
    return [str(v) for v in first.index]


def _model_bit(con, names: Sequence[str]) -> tuple[str, list[int]]:
    """An SQL expression giving each model a distinct bit 0..63, and the bits of ``names``.

    Six bits of DuckDB's 64-bit ``hash(model)`` when some window of them tells the models present
    apart (cheap); else the model's position in ``names`` (a search per row). Either is exact, since
    the models present are all there are."""
    hashes = [int(h) for h in con.execute("SELECT list(hash(v)) FROM unnest(?) t(v)", [list(names)]).fetchone()[0]]
    for shift in range(64 - 6 + 1):
        bits = [(h >> shift) & 63 for h in hashes]
        if len(set(bits)) == len(bits):
            return f"((hash(model) >> {shift}) & 63)", bits
    return f"(list_position({list(names)!r}, model) - 1)", list(range(len(names)))


def _same_prompt(a: str, b: str, has_eval: bool) -> str:
    """SQL: rows ``a`` and ``b`` belong to one prompt, the (eval_name, sample_id) pair."""
    same = f"{a}.sample_id = {b}.sample_id"
    return same + (f" AND {a}.eval_name IS NOT DISTINCT FROM {b}.eval_name" if has_eval else "")


def _check_pairs(con, names: list[str], tasks: Sequence[str], has_eval: bool, missing: str
                 ) -> tuple[int, list]:
    """Every prompt, keyed by (eval_name, sample_id): one row per model. Returns the count and the first
    ids of the prompts to drop (``missing='drop'``).

    One pass groups the rows by prompt: a row count and the set of models seen as a 64-bit mask
    (:func:`_model_bit`, exact). Only failing prompts are kept, usually none. A sample_id whose rows
    fall under several eval_names, none of them complete, is named as such (one prompt logged under
    two tasks, or two prompts that reuse an id, each missing models)."""
    bit, bits = _model_bit(con, names)
    full = sum(1 << b for b in bits)
    key = "sample_id, eval_name" if has_eval else "sample_id"
    seen = f"bit_or(1::UBIGINT << {bit})"
    con.execute(f"""CREATE TEMP TABLE failing AS
        SELECT {key}, COUNT(*) AS rows, {seen} AS seen
        FROM log GROUP BY {key}
        HAVING COUNT(*) <> {len(names)} OR {seen} <> {full}::UBIGINT""")
    # where each failing prompt first appears, for the messages (the failing ones only: usually none)
    con.execute(f"""CREATE TEMP TABLE prompts AS SELECT f.*, p.first_row FROM failing f JOIN
        (SELECT {key}, MIN(_pos) AS first_row FROM log WHERE sample_id IN (SELECT sample_id FROM failing)
         GROUP BY {key}) p ON {_same_prompt("f", "p", has_eval)}""")
    repeated = "rows > bit_count(seen)"
    incomplete = f"seen <> {full}::UBIGINT"
    n_repeated, n_incomplete = (int(b) for b in con.execute(
        f"""SELECT COUNT(*) FILTER (WHERE {repeated}),
                   COUNT(*) FILTER (WHERE {incomplete} AND NOT ({repeated})) FROM prompts""").fetchone())

    def first(where: str, limit: int = 5) -> list:
        return [r[0] for r in con.execute(
            f"SELECT sample_id FROM prompts WHERE {where} ORDER BY first_row LIMIT {limit}").fetchall()]

    if n_repeated:
        pairs = con.execute(
            "SELECT sample_id, model FROM log WHERE sample_id IN (SELECT unnest(?)) GROUP BY sample_id, model "
            "HAVING COUNT(*) > 1 ORDER BY MIN(_pos) LIMIT 5", [first(repeated)]).fetchall()
        raise RouterBenchDataError(
            f"columns 'sample_id'+'model': {n_repeated} prompts repeat a (prompt, model) pair "
            f"({first_ids(tuple(p) for p in pairs)}); expected one row per pair")
    if n_incomplete and has_eval and missing == "raise":
        clashing = [r[0] for r in con.execute(
            f"SELECT sample_id FROM prompts WHERE {incomplete} GROUP BY sample_id HAVING COUNT(*) > 1 "
            "ORDER BY MIN(first_row) LIMIT 5").fetchall()]
        if clashing:
            raise RouterBenchDataError(
                f"column 'eval_name': prompts {first_ids(clashing)} carry different values on different rows, "
                "and no eval_name has a row for every model; expected one eval_name per sample_id (or, for "
                "different prompts that reuse an id, a row for every model under each)")
    if n_incomplete and missing == "raise":
        raise RouterBenchDataError(
            f"column 'model': {n_incomplete} prompts lack a row for some of the {len(names)} models "
            f"({first_ids(first(incomplete))}); expected every prompt answered by every model, or pass "
            "missing='drop' to analyse the prompts every model answered")
    if not n_incomplete:
        return 0, []
    con.execute(f"CREATE TEMP TABLE dropped AS SELECT {key} FROM prompts WHERE {incomplete}")
    dropped = first(incomplete, 1000)
    print(f"model_points: dropped {n_incomplete} prompts that some models did not answer "
          f"({first_ids(dropped)}); the first 1,000 ids are in points.attrs['dropped_prompts']")
    return n_incomplete, dropped


def points_from_sums(sums: pd.DataFrame, cost: str = "mean") -> pd.DataFrame:
    """Per-(``eval_name``, model) counts and sums, as :func:`~routerbench_utils.largelog.points_sql` returns them from any engine,
    to the points of :func:`routerbench_utils.model_points`.

    Each ``eval_name`` maps to its dataset (:func:`routerbench_utils.catalog.dataset_of`); per dataset
    :math:`D` and model :math:`m`, :math:`n = \\sum_{e \\in D} n_{em}`,
    :math:`\\text{quality} = \\sum_e Q_{em} / n` and :math:`\\text{cost} = \\sum_e C_{em} / n` (the sum
    itself with ``cost="total"``). This is how a Spark, Dask or warehouse result of the same
    statement becomes points for :func:`routerbench_utils.zero_router_curve` and AIQ.

    Parameters
    ----------
    sums : DataFrame
        Columns ``eval_name``, ``model``, ``n``, ``quality``, ``cost`` (and optionally ``latency``,
        and ``first_row``: where the pair first appears, which orders datasets and models; without
        it, the order of ``sums``).
    cost : {'mean', 'total'}
        As in :func:`routerbench_utils.model_points`.

    Returns
    -------
    DataFrame
        One row per (dataset, model): ``dataset``, ``model``, ``cost``, ``quality``, ``n`` (and
        ``latency``).

    Raises
    ------
    RouterBenchDataError
        For missing columns, an unknown ``cost``, or a dataset whose models have different numbers of
        rows (some prompt not answered by every model).

    Examples
    --------
    >>> sums = pd.DataFrame({"eval_name": ["mbpp", "mbpp"], "model": ["a", "b"], "n": [4, 4],
    ...                      "quality": [3.0, 2.0], "cost": [0.4, 0.04]})
    >>> points_from_sums(sums)[["model", "cost", "quality"]].to_numpy().tolist()
    [['a', 0.1, 0.75], ['b', 0.01, 0.5]]

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    missing = [c for c in ("eval_name", "model", "n", "quality", "cost") if c not in sums.columns]
    if missing:
        raise RouterBenchDataError(f"sums: missing column(s) {missing}; expected the columns of points_sql")
    sums = sums.assign(model=sums["model"].astype(str),
                       first_row=sums["first_row"] if "first_row" in sums.columns else np.arange(len(sums)))
    return _to_points(sums, _ordered(sums, "model"), cost, "latency" in sums.columns)


def _to_points(sums: pd.DataFrame, names: list[str], cost: str, has_latency: bool) -> pd.DataFrame:
    """Per (eval_name, model) sums to per (dataset, model) points, in first-appearance order."""
    sums = sums.assign(model=sums["model"].astype(str))
    sums["dataset"] = sums["eval_name"].astype(str).map({e: dataset_of(e) for e in sums["eval_name"].unique()})
    datasets = _ordered(sums, "dataset")
    values = ["n", "quality", "cost"] + (["latency"] if has_latency else [])
    table = sums.groupby(["dataset", "model"], sort=False)[values].sum()
    table = table.reindex(pd.MultiIndex.from_product([datasets, names], names=["dataset", "model"]))
    counts = table["n"].to_numpy(dtype=float).reshape(len(datasets), len(names))
    uneven = ~np.isfinite(counts).all(axis=1) | (np.nanmin(counts, axis=1) != np.nanmax(counts, axis=1))
    if uneven.any():  # only reachable without check_pairs
        raise RouterBenchDataError(
            f"column 'model': in datasets {[d for d, u in zip(datasets, uneven) if u]} the models have "
            "different numbers of rows; expected every prompt answered by every model")
    n = table["n"].to_numpy()
    points = pd.DataFrame({"dataset": table.index.get_level_values(0), "model": table.index.get_level_values(1),
                           "cost": table["cost"].to_numpy() / (1 if cost == "total" else n),
                           "quality": table["quality"].to_numpy() / n, "n": n.astype(int)})
    if has_latency:
        points["latency"] = table["latency"].to_numpy() / n
    return points
