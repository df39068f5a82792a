"""The one call chapters use to get their data: a RouterBench file or the embedded synthetic data.

:func:`load` reads the file that ``source`` or ``$ROUTERBENCH_DATA`` names (through
:func:`routerbench_utils.data.load_routerbench`), else generates the embedded data, repaired the same
way. It sits outside :mod:`routerbench_utils.data` because the generator itself builds on that
package (no import circle).
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import pandas as pd

from .data.reading import DATA_ENV, load_routerbench
from .data.repair import repair
from .embedded import embedded_routerbench
from .latency import add_assumed_latency


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
        else :func:`routerbench_utils.latency.add_assumed_latency` (response length / 4 tokens).

    Returns
    -------
    DataFrame
        The clean wide frame; ``df.attrs`` holds ``source`` (a one-line description),
        ``repair_report`` (text) and ``synthetic`` (bool).

    Raises
    ------
    RouterBenchDataError
        For a file that :func:`routerbench_utils.data.load_routerbench` refuses.

    See the chapter :ref:`chap-dataset` ("The data set").
    """
    source = source or os.environ.get(DATA_ENV) or None
    if source is not None:
        if verbose:
            print(f"Data: real RouterBench file {source}")
        df = load_routerbench(source, verbose=verbose)
        if latency:
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
        df.to_pickle(partial)
        os.replace(partial, path)
        return df
    return _generate_clean(seed, scale, latency)


def _generate_clean(seed: int, scale: float, latency: bool) -> pd.DataFrame:
    """Generate and repair the embedded data of one seed and scale."""
    raw = embedded_routerbench(seed=seed, scale=scale, latency=latency)
    df, report = repair(raw, source=f"embedded synthetic data (seed={seed}, scale={scale})")
    df.attrs["repair_report"] = str(report)
    df.attrs["source"] = f"embedded (seed={seed}, scale={scale})"
    df.attrs["synthetic"] = True
    return df
