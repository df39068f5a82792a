"""The one call chapters use to get their data: a RouterBench file or the embedded synthetic data.

:func:`~routerbench_utils.load` reads the file that ``source`` or ``$ROUTERBENCH_DATA`` names (through
:func:`rbu.data.load_routerbench <routerbench_utils.data.reading.load_routerbench>`), else generates the
embedded data, repaired the same way. It sits outside :mod:`routerbench_utils.data` because the generator itself builds on that
package (no import circle).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from .data.reading import DATA_ENV, load_routerbench
from .data.repair import repair
from ._deprecated import renamed_keywords
from .embedded import embedded_routerbench
from .errors import RouterBenchDataError
from .latency import add_assumed_latency


@renamed_keywords(seed="random_state")
def load(source: str | os.PathLike | None = None, random_state: int = 0, scale: float = 1.0,
         verbose: bool = True, latency: bool = False) -> pd.DataFrame:
    """The one call chapters use: a real file if ``source`` or ``$ROUTERBENCH_DATA`` names one, else the
    embedded synthetic data (:func:`routerbench_utils.embedded_routerbench` with ``random_state`` and ``scale``).

    A file is read and repaired by :func:`rbu.data.load_routerbench
    <routerbench_utils.data.reading.load_routerbench>`; the embedded data are generated, repaired the
    same way (:func:`rbu.data.repair <routerbench_utils.data.repair.repair>`), kept in memory per
    ``(random_state, scale, latency)`` and, when ``$RBU_CACHE_DIR`` names a directory, on disk between processes.
    Each call returns a fresh copy.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    source : path, optional
        A RouterBench file (``.pkl``, ``.csv``, ``.parquet``); default ``$ROUTERBENCH_DATA``, else the
        embedded data.
    random_state : int, default 0
        The embedded data's seed; for a file, only the seed of the assumed latencies. ``seed=`` still
        works for one release, with a :class:`DeprecationWarning`.
    scale : float, default 1.0
        The embedded data's size, a fraction of the full 34,778 prompts in (0, 1]; ignored for a file.
    verbose : bool, default True
        Print which data was used (and, for a file, the repair report).
    latency : bool, default False
        Add assumed ``<model>|latency`` columns (seconds), for a file and the embedded data alike: the
        generator's own for the embedded data; for a file, its own latency columns where it has them,
        else :func:`routerbench_utils.latency.add_assumed_latency` (response length / 4 tokens).

    Returns
    -------
    DataFrame
        The clean wide frame; ``df.attrs`` holds ``source`` (a one-line description),
        ``repair_report`` (text) and ``synthetic`` (bool).

    Raises
    ------
    RouterBenchDataError
        For an empty ``source`` (``""``: call ``rbu.load()`` for the embedded data), for a file that :func:`rbu.data.load_routerbench <routerbench_utils.data.reading.load_routerbench>`
        refuses (unknown suffix, no such file, no frame inside, data that cannot be repaired); for ``latency=True`` on a file
        whose models have neither latency nor response columns, or a model without an assumed serving
        speed; for a ``random_state`` that is negative or a ``scale`` outside (0, 1] (embedded data).
    """
    if source is None:
        source = os.environ.get(DATA_ENV, "").strip() or None  # an empty variable counts as unset
    elif not isinstance(source, (str, os.PathLike)):
        raise RouterBenchDataError(
            f"source: expected a path to a RouterBench file, got {type(source).__name__}; a frame already in "
            "memory goes through rbu.data.repair (wide) or rbu.long_to_wide (long)")
    elif not os.fspath(source).strip():
        # an empty string is a mistake (a variable that was never filled in), not a request for the
        # embedded data: that is rbu.load() with no source
        raise RouterBenchDataError(
            "source: '' names no file; expected a RouterBench file (.pkl, .csv or .parquet); for the embedded "
            "synthetic data call rbu.load() without a source")
    if os.environ.get("RBU_DATA_LOG"):  # the book's build records which chapters read a data set
        with open(os.environ["RBU_DATA_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"source": str(source) if source else "embedded"}) + "\n")
    if source is not None:
        if verbose:
            print(f"Data: real RouterBench file {source}")
        df = load_routerbench(source, verbose=verbose)
        if latency:
            df = add_assumed_latency(df, random_state=random_state)
        df.attrs["source"] = f"file {Path(source).name}"
        df.attrs["synthetic"] = False
        return df
    df = _embedded_clean(int(random_state), float(scale), bool(latency)).copy()
    df.attrs = dict(df.attrs)
    if verbose:
        # One short line (the page's data note says the rest): it must not run off a code block.
        print(f"Data: embedded synthetic RouterBench, random_state={random_state}, scale={scale}: {len(df):,} prompts")
    return df


#: Set to a directory to keep the generated embedded data on disk between processes (the book's build
#: sets it, so that each chapter's kernel reads the data instead of generating it again).
CACHE_ENV = "RBU_CACHE_DIR"


def _cache_key(seed: int, scale: float, latency: bool) -> str:
    """A file name that changes whenever the data could: the arguments, and the source of every module
    the generator and the repair run (so an edited generator never reads a stale file)."""
    package = Path(__file__).resolve().parent
    sources = sorted([package / "embedded.py", package / "catalog.py", package / "latency.py",
                      package / "loading.py", *(package / "data").glob("*.py")])
    digest = hashlib.sha256(f"{seed}|{scale!r}|{latency}|{pd.__version__}".encode())
    for path in sources:
        digest.update(path.read_bytes())
    return f"embedded-{digest.hexdigest()[:20]}.pkl"


@functools.lru_cache(maxsize=4)
def _embedded_clean(seed: int, scale: float, latency: bool) -> pd.DataFrame:
    """The repaired embedded data of one seed and scale, generated once per process (callers copy it),
    and read from ``$RBU_CACHE_DIR`` when an earlier process left it there."""
    directory = os.environ.get(CACHE_ENV)
    if directory:
        path = Path(directory) / _cache_key(seed, scale, latency)
        if path.exists():
            return pd.read_pickle(path)
        df = _generate_clean(seed, scale, latency)
        path.parent.mkdir(parents=True, exist_ok=True)
        # written under a private name, then renamed: a second kernel never reads half a file
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            df.to_pickle(partial)
            os.replace(partial, path)
        finally:  # a failed write (disk full) leaves no half file behind
            partial.unlink(missing_ok=True)
        return df
    return _generate_clean(seed, scale, latency)


def _generate_clean(seed: int, scale: float, latency: bool) -> pd.DataFrame:
    """Generate and repair the embedded data of one seed and scale."""
    raw = embedded_routerbench(random_state=seed, scale=scale, latency=latency)
    df, report = repair(raw, source=f"embedded synthetic data (random_state={seed}, scale={scale})")
    df.attrs["repair_report"] = str(report)
    df.attrs["source"] = f"embedded (random_state={seed}, scale={scale})"
    df.attrs["synthetic"] = True
    return df
