"""Read a RouterBench file (``.pkl``, ``.csv``, ``.parquet``; wide or long) and repair it; name what is wrong with a file that cannot be read."""
from __future__ import annotations

import difflib
import os
import pickle
from pathlib import Path

import pandas as pd

from ..errors import RouterBenchDataError
from .longformat import is_long_table, long_table_to_wide
from .repair import repair
from .schema import ID

#: The environment variable that points every chapter at a real RouterBench file
#: (read by :func:`routerbench_utils.load`).
DATA_ENV = "ROUTERBENCH_DATA"

_SUFFIXES = (".pkl", ".pickle", ".csv", ".parquet")


def load_routerbench(path: str | os.PathLike, tasks: str = "paper", verbose: bool = True) -> pd.DataFrame:
    """Read an official RouterBench file (``.pkl``, ``.csv`` or ``.parquet``) and repair it.

    A wide file (one row per prompt) is repaired by :func:`~routerbench_utils.data.repair.repair`; a
    long-format table (one row per sample and model, as the RouterBench raw file or a saved routing log)
    is first pivoted by :func:`~routerbench_utils.data.longformat.long_table_to_wide`, its repairs at the
    top of the same report. A file that cannot be read is named with what was found: an empty path, a
    directory, a missing or empty file, a truncated or foreign pickle, a CSV with another separator or
    encoding, a damaged Parquet file.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    path : path
        The file; its suffix picks the reader.
    tasks : {'paper', 'all'}
        Keep the paper's seven datasets only, or every task of the file.
    verbose : bool
        Print the :class:`routerbench_utils.repair.RepairReport`.

    Returns
    -------
    DataFrame
        The clean wide frame with the file's column names; the report, as text, in
        ``df.attrs['repair_report']``.

    Raises
    ------
    RouterBenchDataError
        For an unknown suffix, a file that cannot be read (see above), a file that holds no frame, or
        what :func:`routerbench_utils.data.repair.repair` refuses.

    Examples
    --------
    >>> df = load_routerbench("routerbench_5shot.pkl")  # not run: no real file  # doctest: +SKIP
    """
    if tasks not in ("paper", "all"):
        raise RouterBenchDataError(f"tasks: expected 'paper' or 'all', got {tasks!r}")
    path = _checked_path(path)
    raw = _read(path)
    notes: list[str] = []
    if is_long_table(raw):
        raw, notes = long_table_to_wide(raw, source=path.name)
    df, report = repair(raw, source=path.name, tasks=tasks)
    report.notes[:0] = notes
    df.attrs["repair_report"] = str(report)
    if verbose:
        print(report)
    return df


def _checked_path(path) -> Path:
    """``path`` as a Path, after the checks that need no reading: empty, suffix, existence, kind, size."""
    if not isinstance(path, (str, os.PathLike)):
        raise RouterBenchDataError(f"path: expected a file path (str or Path), got {type(path).__name__}")
    if not str(os.fspath(path)).strip():
        raise RouterBenchDataError(
            "path '': an empty path names no file; expected a RouterBench file (.pkl, .csv or .parquet); "
            "to use the embedded synthetic data, call rbu.load() without a source")
    path = Path(path)
    if path.is_dir():
        raise RouterBenchDataError(
            f"path {str(path)!r} is a directory; expected a RouterBench file (.pkl, .csv or .parquet) inside "
            "it; for a directory of Parquet logs use rbu.largelog.model_points")
    if path.suffix.lower() not in _SUFFIXES:
        raise RouterBenchDataError(
            f"path {str(path)!r}: unknown file type {path.suffix!r}; expected one of {sorted(_SUFFIXES)}")
    if not path.exists():
        near = difflib.get_close_matches(path.name, [p.name for p in path.parent.glob("*")], n=1) \
            if path.parent.is_dir() else []
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise RouterBenchDataError(f"path {str(path)!r}: no such file{hint}")
    if path.stat().st_size == 0:
        raise RouterBenchDataError(f"path {str(path)!r}: the file is empty (0 bytes); expected a RouterBench "
                                   "table: write or download it again")
    return path


def _read(path: Path) -> pd.DataFrame:
    """Read ``path`` by its suffix; every failure of the reader is named with the file and what was found."""
    suffix = path.suffix.lower()
    name = repr(str(path))
    if suffix in (".pkl", ".pickle"):
        try:
            raw = pd.read_pickle(path)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError,
                ValueError, KeyError, OverflowError, MemoryError) as exc:
            raise RouterBenchDataError(
                f"path {name}: not a readable pandas pickle ({type(exc).__name__}: {str(exc)[:80]}): the file is "
                "truncated, damaged or not a pickle; expected a DataFrame saved with DataFrame.to_pickle: "
                "download or write it again") from exc
    elif suffix == ".csv":
        raw = _read_csv(path, name)
    else:
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises its own classes (ArrowInvalid, ...) and OSError
            raise RouterBenchDataError(
                f"path {name}: not a readable Parquet file ({type(exc).__name__}: {str(exc)[:80]}); expected a "
                "table written with DataFrame.to_parquet: write or download it again") from exc
    if not isinstance(raw, pd.DataFrame):
        raise RouterBenchDataError(f"path {name}: holds a {type(raw).__name__}, expected a DataFrame")
    if raw.shape[1] == 0 or len(raw) == 0:
        raise RouterBenchDataError(f"path {name}: holds a table with {len(raw)} rows and {raw.shape[1]} columns; "
                                   "expected at least one prompt row")
    return raw


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    with open(path, encoding="utf-8", errors="replace") as file:
        header = file.readline().strip()
    if ID not in header.split(","):
        # A CSV saved with another separator reads as one column, or fails to parse: say which it is.
        for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if ID in [field.strip().strip('"') for field in header.split(separator)]:
                raise RouterBenchDataError(
                    f"path {name}: the header is separated by {word} ({header[:60]!r}), not commas; expected a "
                    f"comma-separated file: save it with commas, or read it with pd.read_csv(path, "
                    f"sep={separator!r}) and pass the frame to rbu.data.repair")
    try:
        raw = pd.read_csv(path, encoding="utf-8")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start:exc.start + 1].hex()
        raise RouterBenchDataError(
            f"path {name}: not UTF-8 text (byte 0x{byte} at position {exc.start}, as Latin-1 or Windows-1252 "
            "write accented letters); expected a UTF-8 CSV: save it as UTF-8, or read it with "
            "pd.read_csv(path, encoding='latin-1') and pass the frame to rbu.data.repair") from exc
    except pd.errors.EmptyDataError as exc:
        raise RouterBenchDataError(f"path {name}: holds no columns (empty or blank lines only); expected a "
                                   "RouterBench table with a header line") from exc
    except pd.errors.ParserError as exc:
        raise RouterBenchDataError(
            f"path {name}: not a well-formed CSV ({str(exc).strip()[:100]}); expected one header line and the "
            "same number of fields on every line: was it cut short or written with another separator?") from exc
    return raw
