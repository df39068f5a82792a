"""Claim checks and data notes: how a chapter tells the truth about the data it ran on.

A chapter states a result in prose, then checks it with :func:`~routerbench_utils.book.claim` on whatever
data it was given. Where the data support the sentence nothing is shown; where they do not, the page
shows a visible note beside the sentence saying what the data show instead.
:func:`~routerbench_utils.book.data_note` opens every chapter with a note naming the data, and
:func:`~routerbench_utils.book.notice` says in one line that a section needs something the data lack. In a
notebook the notes are HTML admonitions (the book's theme styles them); elsewhere they print.

Set the environment variable ``RBU_CLAIMS_LOG`` to a file path to append one JSON line per checked
claim (used by the book's test runs to list which claims hold on which data).
"""
from __future__ import annotations

import html
import json
import os
import sys

import pandas as pd

from .glue import glue

#: The environment variable naming a JSON-lines file that collects every checked claim.
CLAIMS_LOG_ENV = "RBU_CLAIMS_LOG"


class Note:
    """A note for the page: an admonition in a notebook, plain text elsewhere.

    In a notebook it renders as an HTML admonition of class ``kind`` (the book's theme styles ``note``
    and ``warning``); its ``repr`` is ``"title: body"``. :func:`routerbench_utils.book.data_note`,
    :func:`routerbench_utils.book.notice` and :func:`routerbench_utils.book.claim` build and show them.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    kind : str
        The admonition class, ``"note"`` or ``"warning"``.
    title : str
        The note's title line.
    body : str
        The text; paragraphs separated by a blank line. Escaped as HTML, so it may hold any character.
    """

    def __init__(self, kind: str, title: str, body: str) -> None:
        self.kind, self.title, self.body = kind, title, body

    def _repr_html_(self) -> str:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in self.body.split("\n\n") if p)
        return (f'<div class="admonition {self.kind} rbu-note"><p class="admonition-title">'
                f"{html.escape(self.title)}</p>{paragraphs}</div>")

    def __repr__(self) -> str:
        return f"{self.title}: {self.body}"


def _show(note: Note) -> None:
    """Display ``note`` in a Jupyter kernel, print it otherwise."""
    if "ipykernel" in sys.modules:
        from IPython.display import display

        display(note)
    else:
        print(repr(note))


class ClaimResult:
    """The outcome of :func:`routerbench_utils.book.claim`: true when the claim holds.

    ``bool(result)`` is ``holds``, so ``if rbu.claim(...):`` branches on it. As a cell's last value it
    shows nothing (the note, where the claim fails, is already on the page); its ``repr`` says whether
    it holds.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    holds : bool
        Whether the data support the sentence.
    text : str
        The sentence as the prose states it.
    observed : str
        What the data show.
    """

    __slots__ = ("holds", "text", "observed")

    def __init__(self, holds: bool, text: str, observed: str) -> None:
        self.holds, self.text, self.observed = holds, text, observed

    def __bool__(self) -> bool:
        return self.holds

    def __repr__(self) -> str:
        return f"claim({self.text!r}: {'holds' if self.holds else 'does not hold: ' + self.observed})"

    def _ipython_display_(self) -> None:
        """Nothing to show: a claim that holds is silent, one that fails has shown its note."""


def _log(entry: dict) -> None:
    """Append ``entry`` as one JSON line to the file ``$RBU_CLAIMS_LOG`` names, if it names one."""
    path = os.environ.get(CLAIMS_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")


def claim(holds: bool, text: str, observed: str) -> ClaimResult:
    """Check one sentence of the prose on the data at hand; show a note where it does not hold.

    Where ``holds`` is false, a warning titled "Not on this data" is shown (displayed in a notebook,
    printed elsewhere): "The text says: ``text``. On the data this page ran on: ``observed``." Where it
    holds nothing is shown. When the environment variable ``RBU_CLAIMS_LOG`` names a file, one JSON
    line ``{"claim", "holds", "observed"}`` is appended to it either way.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    holds : bool
        Whether the data support the sentence (computed by the caller from the data at hand).
    text : str
        The claim as the prose states it, e.g. ``"KNN ties the Zero router on every dataset"``.
    observed : str
        What the data show, with the numbers, e.g. ``"on ARC-Challenge KNN loses by 0.019"``; shown
        only when the claim does not hold.

    Returns
    -------
    ClaimResult
        True when the claim holds (``if claim(...):`` branches on it); shows nothing as a cell's value.

    Raises
    ------
    ValueError
        If ``holds`` has no single truth value (e.g. a numpy array of several booleans: pass
        ``bool(mask.all())``).
    OSError
        If ``RBU_CLAIMS_LOG`` names a file that cannot be opened for appending.

    Examples
    --------
    >>> bool(claim(2 > 1, "two exceeds one", "it does not"))
    True
    """
    holds = bool(holds)
    _log({"claim": text, "holds": holds, "observed": observed})
    if not holds:
        _show(Note("warning", "Not on this data",
                   f"The text says: {text}. On the data this page ran on: {observed}."))
    return ClaimResult(holds, text, observed)


def conclude(name: str, holds: bool, text: str, instead: str) -> ClaimResult:
    """Check a result on the data at hand and give the page the sentence those data support.

    A summary or a "what we learned" paragraph states results; on another data set the result may not
    hold. ``conclude`` checks it like :func:`claim` (and logs it the same way when ``$RBU_CLAIMS_LOG`` is
    set), then glues under ``name`` the sentence the page should print: ``text`` where the result holds,
    ``instead`` (what the data show) where it does not. The prose writes ``{glue:text}`name``` where the
    sentence belongs, so the summary itself changes with the data rather than a warning appearing
    elsewhere. Outside a notebook kernel nothing is glued; the chosen sentence is in the result.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    name : str
        The glue key the prose refers to, e.g. ``"summary_knn"``.
    holds : bool
        Whether the data support ``text`` (computed from the data at hand).
    text : str
        The sentence where the result holds.
    instead : str
        The sentence where it does not: what the data show, with the numbers.

    Returns
    -------
    ClaimResult
        True when the result holds; ``observed`` is ``instead``.

    Examples
    --------
    >>> bool(conclude("summary_demo", 1 < 2, "One is less than two.", "It is not."))
    True
    """
    holds = bool(holds)
    _log({"claim": text, "holds": holds, "observed": instead, "conclusion": name})
    glue(name, text if holds else instead)  # stored in a notebook kernel; nothing elsewhere
    return ClaimResult(holds, text, instead)


def notice(text: str) -> None:
    """Say in one visible line that a section needs something the data lack, e.g. a dataset.

    Shows a note titled "Skipped on this data" (displayed in a notebook, printed elsewhere). A chapter
    calls it instead of the section it skips, so the page says why the section is empty.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    text : str
        What the section needs and the data lack, e.g. ``"This section needs MMLU's subjects."``.

    Returns
    -------
    None
        The note is shown, not returned.
    """
    _show(Note("note", "Skipped on this data", text))


def describe_data(df: pd.DataFrame) -> str:
    """One sentence naming the data: its source, datasets, prompt and model counts.

    Reads ``df.attrs["source"]`` and ``df.attrs["synthetic"]``, which :func:`routerbench_utils.load`
    sets (a frame built by hand is described as "a frame passed in by hand").

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).

    Returns
    -------
    str
        E.g. ``"embedded synthetic RouterBench, embedded (random_state=0, scale=1.0): 34,778 prompts, 11 models,
        7 datasets (MMLU, ...)"``.

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column.
    """
    from ..catalog import DATASET_TITLES
    from ..data import models
    from ..subsets import datasets_present

    present = datasets_present(df)
    titles = ", ".join(DATASET_TITLES.get(d, d) for d in present)
    source = df.attrs.get("source", "a frame passed in by hand")
    kind = "embedded synthetic RouterBench" if df.attrs.get("synthetic") else "RouterBench-format data"
    return (f"{kind}, {source}: {len(df):,} prompts, {len(models(df))} models, "
            f"{len(present)} dataset{'s' if len(present) != 1 else ''} ({titles})")


def data_note(df: pd.DataFrame) -> Note:
    """The note that opens a chapter: which data the page ran on, and what that means for its numbers.

    For the embedded synthetic data (``df.attrs["synthetic"]``) it says the numbers illustrate the method
    and are not measurements, and how to rerun on a real file; for other data, that every number and
    checked claim on the page is computed from them. The data are named by
    :func:`routerbench_utils.book.describe_data`.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        The data the chapter runs on, as :func:`routerbench_utils.load` returns them.

    Returns
    -------
    Note
        Display it as a cell's last expression (an admonition in a notebook).

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column.
    """
    if df.attrs.get("synthetic"):
        body = (f"This page ran on the {describe_data(df)}. The numbers are computed from synthetic data "
                "calibrated to real RouterBench means: they illustrate the method, they are not measurements "
                "of the real models. Set ROUTERBENCH_DATA to a real file to rerun every chapter on it.")
    else:
        body = (f"This page ran on {describe_data(df)}. Every number and checked claim on the page is "
                "computed from this data; where a claim of the text does not hold, a note says so.")
    return Note("note", "Data on this page", body)


def is_synthetic(df: pd.DataFrame) -> bool:
    """Whether ``df`` is the embedded synthetic data (as marked by :func:`routerbench_utils.load`).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Any frame; only ``df.attrs["synthetic"]`` is read (absent counts as real data).

    Returns
    -------
    bool
        True for the embedded synthetic data.
    """
    return bool(df.attrs.get("synthetic", False))
