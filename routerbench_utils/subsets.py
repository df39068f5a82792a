"""Which of the datasets a frame holds, and how chapters pick their examples from them.

Every chapter runs on any subset of the seven datasets, in any order. These helpers answer "which
datasets are here?" and "which one shall the worked example use?" in one place, and raise a clear
error when a chapter needs a dataset the data lack.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd

from .catalog import DATASET_TITLES, DATASETS
from .data.schema import dataset_column
from .errors import RouterBenchDataError


def datasets_present(df: pd.DataFrame) -> list[str]:
    """The datasets of ``df``: the paper's seven in the paper's order, then any others in file order.

    A row's dataset is :func:`routerbench_utils.catalog.dataset_of` of its ``eval_name`` (every MMLU
    subject counts as ``'mmlu'``). Chapters loop over this list, so they run on any subset of the
    datasets.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Rows with an ``eval_name`` column.

    Returns
    -------
    list of str
        Dataset keys, each once (empty for an empty frame).

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column.

    Examples
    --------
    >>> frame = pd.DataFrame({"eval_name": ["mbpp", "mmlu-anatomy", "mbpp"]})
    >>> datasets_present(frame)
    ['mmlu', 'mbpp']
    """
    found = list(pd.unique(dataset_column(df)))
    return [d for d in DATASETS if d in found] + [d for d in found if d not in DATASETS]


def example_dataset(df: pd.DataFrame, prefer: Sequence[str] = (), exclude: Sequence[str] = ()) -> str:
    """The dataset a worked example should use: the first of ``prefer`` present in ``df``, else the
    first dataset present (in the paper's order) not in ``exclude``.

    Chapters pick their example with it, so the example exists on any data (on the MBPP-only file
    ``example_dataset(df, prefer=["arc-challenge"])`` is ``'mbpp'``).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Rows with an ``eval_name`` column.
    prefer : sequence of str, optional
        Datasets to use if present, best first.
    exclude : sequence of str, optional
        Datasets never to use (neither from ``prefer`` nor as the fallback).

    Returns
    -------
    str
        A dataset key present in ``df``.

    Raises
    ------
    RouterBenchDataError
        If every dataset present is excluded (or ``df`` holds none), or ``df`` has no ``eval_name``
        column.

    Examples
    --------
    >>> frame = pd.DataFrame({"eval_name": ["mbpp", "winogrande"]})
    >>> example_dataset(frame, prefer=["mmlu", "winogrande"])
    'winogrande'
    """
    present = datasets_present(df)
    for name in prefer:
        if name in present and name not in exclude:
            return name
    candidates = [d for d in present if d not in exclude]
    if not candidates:
        raise RouterBenchDataError(
            f"example_dataset: the data hold {present}, all excluded by {list(exclude)}; expected at least "
            "one other dataset")
    return candidates[0]


def require_datasets(df: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Raise :class:`~routerbench_utils.RouterBenchDataError` unless ``df`` holds every dataset of
    ``needed``.

    For an analysis that cannot run without particular datasets; a chapter section that can be skipped
    checks :func:`routerbench_utils.datasets_present` and calls :func:`routerbench_utils.book.notice` instead.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Rows with an ``eval_name`` column.
    needed : sequence of str
        Dataset keys, e.g. ``["mmlu", "arc-challenge"]``.
    what : str
        The analysis that needs them, for the message (e.g. ``"the MMLU subject study"``).

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        Naming the missing datasets and those present, if any of ``needed`` is missing; or if ``df``
        has no ``eval_name`` column.
    """
    present = datasets_present(df)
    missing = [d for d in needed if d not in present]
    if missing:
        raise RouterBenchDataError(
            f"{what} needs the datasets {[DATASET_TITLES.get(d, d) for d in missing]}, which the data lack "
            f"(present: {present}); load a file that holds them or skip this analysis")


def by_dataset(df: pd.DataFrame, *others: pd.DataFrame) -> Iterator[tuple]:
    """Iterate over the datasets present, each with its rows of every frame given.

    ``for name, part in rbu.by_dataset(df)`` walks one frame; ``for name, tr, te in
    rbu.by_dataset(train, test)`` walks a split, dataset by dataset, which is how every router is
    fitted and scored in the book.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows; its datasets, in the order of :func:`~routerbench_utils.datasets_present`, are walked.
    *others : DataFrame
        More frames (e.g. the test split when ``df`` is the training split) cut by the same datasets.

    Yields
    ------
    tuple
        ``(dataset, rows of df, rows of each other frame...)``.

    Raises
    ------
    RouterBenchDataError
        If a dataset of ``df`` has no rows in one of ``others`` (a router could not be scored on it),
        or a frame has no ``eval_name`` column.
    """
    dataset = dataset_column(df).to_numpy()
    other_sets = [dataset_column(o).to_numpy() for o in others]
    for name in datasets_present(df):
        parts = [o[d == name] for o, d in zip(others, other_sets)]
        empty = [k + 2 for k, part in enumerate(parts) if len(part) == 0]
        if empty:
            raise RouterBenchDataError(
                f"by_dataset: dataset {name!r} has rows in the first frame but none in frame(s) "
                f"{empty}; split the data with rbu.official_split so every dataset is on both sides")
        yield (name, df[dataset == name], *parts)


def dataset_rows(name: str, df: pd.DataFrame, *others: pd.DataFrame):
    """The rows of one dataset, in one frame or in several (e.g. both sides of a split).

    ``part = rbu.subsets.dataset_rows("mbpp", df)`` is ``df`` cut to MBPP's prompts;
    ``tr, te = rbu.subsets.dataset_rows("mbpp", train, test)`` cuts a split, as one step of
    :func:`~routerbench_utils.by_dataset` does.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    name : str
        A dataset key, e.g. ``"mbpp"`` (see :func:`~routerbench_utils.datasets_present`; an MMLU subject's rows are
        ``"mmlu"``'s).
    df : DataFrame
        RouterBench-format rows.
    *others : DataFrame
        More frames cut to the same dataset.

    Returns
    -------
    DataFrame or tuple of DataFrame
        The rows of ``name`` in ``df`` (original index and order kept); with ``others``, a tuple with
        one frame per frame given.

    Raises
    ------
    RouterBenchDataError
        If ``name`` is not a string or an argument after it is not a DataFrame (the arguments in the
        wrong order), a frame has no rows of ``name`` (naming the frame and the datasets it holds), or
        has no ``eval_name`` column.

    Examples
    --------
    >>> frame = pd.DataFrame({"eval_name": ["mbpp", "mmlu-anatomy", "mbpp"], "x": [1, 2, 3]})
    >>> dataset_rows("mbpp", frame)["x"].tolist()
    [1, 3]
    """
    frames = (df, *others)
    if not isinstance(name, str) or not all(isinstance(f, pd.DataFrame) for f in frames):
        given = ", ".join(type(a).__name__ for a in (name, *frames))
        raise RouterBenchDataError(
            f"dataset_rows: expected the dataset's name, then frames, e.g. dataset_rows('mbpp', train, "
            f"test); got ({given})")
    parts = []
    for k, frame in enumerate(frames, start=1):
        part = frame[dataset_column(frame).to_numpy() == name]
        if len(part) == 0:
            raise RouterBenchDataError(
                f"dataset_rows: frame {k} has no rows of dataset {name!r} (it holds "
                f"{datasets_present(frame)}); pick one with rbu.example_dataset or rbu.datasets_present")
        parts.append(part)
    return parts[0] if not others else tuple(parts)


def dataset_title(name: str) -> str:
    """The display title of a dataset key (``"mbpp"`` -> ``"MBPP"``); a key without one is returned as it is.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    name : str
        A dataset key, e.g. from :func:`~routerbench_utils.datasets_present`.

    Returns
    -------
    str
        :data:`routerbench_utils.DATASET_TITLES`' title, or ``name``.

    Examples
    --------
    >>> dataset_title("arc-challenge"), dataset_title("my-own-task")
    ('ARC-Challenge', 'my-own-task')
    """
    if not isinstance(name, str):
        raise RouterBenchDataError(f"name: expected a dataset key as text (e.g. 'mbpp'), got {type(name).__name__}")
    return DATASET_TITLES.get(name, name)
