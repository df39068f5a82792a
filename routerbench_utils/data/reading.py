"""Read an official RouterBench file (``.pkl``, ``.csv``, ``.parquet``) and repair it."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import RouterBenchDataError
from .repair import repair

#: The environment variable that points every chapter at a real RouterBench file
#: (read by :func:`routerbench_utils.load`).
DATA_ENV = "ROUTERBENCH_DATA"

_READERS = {".pkl": pd.read_pickle, ".pickle": pd.read_pickle, ".csv": pd.read_csv,
            ".parquet": pd.read_parquet}


def load_routerbench(path: str | os.PathLike, tasks: str = "paper", verbose: bool = True) -> pd.DataFrame:
    """Read an official RouterBench file (``.pkl``, ``.csv`` or ``.parquet``) and repair it.

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
        For an unknown suffix, a missing file, a file that holds no frame, or what
        :func:`routerbench_utils.data.repair.repair` refuses.

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
