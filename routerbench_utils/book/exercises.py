"""Exercises the data cannot pose: skipped with a note that says why, and then stated nowhere.

An exercise may need something the data at hand lack: a second dataset, a dataset with subjects, a
given model. Its chapter then calls :func:`skip_exercise` in a hidden cell placed just before the
exercise. The cell shows a note titled "Skipped on this data" saying why, and marks its output with the
exercise's label. The book's build, staging each edition from the executed chapters, passes the cells
through :func:`drop_skipped_exercises`, which removes what the page would otherwise state about the
exercise:

- the exercise's statement (its ``{exercise}`` block);
- its solution, text and cells, from ``{solution-start}`` to ``{solution-end}``;
- every paragraph of the chapter that refers to it (``{ref}`` or ``{numref}`` to its label), except
  in a Markdown list, where only the items that refer to it go, and in a list of references
  (``{ref}`a`, {ref}`b```), where only the reference and its comma go.
  Pages without cells (the syllabus) pass through :func:`drop_references` in the same way.

The note stays where the exercise was. So a chapter writes each reference to an exercise that may be
skipped as a paragraph of its own (or in a list of references), and never inside a directive.
"""
from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterable, Mapping

from .claims import Note

#: The key of a note's output metadata naming the exercise it skips (read by the book's build).
SKIP_KEY = "rbu_skipped_exercise"

_OPENER = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>\S*)[ \t]*$")
_LABEL = re.compile(r"^:label:[ \t]*(\S+)[ \t]*$")


def skip_exercise(label: str, text: str) -> None:
    """Show why the exercise ``label`` is skipped on this data; the page then states it nowhere.

    Call it in a ``remove-input`` cell just before the exercise, when the data lack what the exercise
    needs. It shows a note titled "Skipped on this data" with ``text`` (displayed in a notebook,
    printed elsewhere). In a notebook the note's output carries ``{SKIP_KEY: label}`` as metadata, and
    the book's build removes the exercise's statement, its solution and the chapter's paragraphs that
    refer to it (:func:`drop_skipped_exercises`), so that the note takes the exercise's place.

    See the chapter :ref:`chap-questions` ("Open questions").

    Parameters
    ----------
    label : str
        The exercise's label, as in its ``:label:`` option, e.g. ``"ex-q-specialist"``.
    text : str
        What the exercise is about, what it needs and what the data lack, e.g. ``"The exercise on a
        specialist model needs a dataset with subjects; MBPP has one eval_name."``.

    Returns
    -------
    None
        The note is shown, not returned.

    Raises
    ------
    ValueError
        If ``label`` is not a non-empty label without spaces, or ``text`` is empty.

    Examples
    --------
    >>> skip_exercise("ex-demo", "The exercise needs two datasets; the data have one.")
    Skipped on this data: The exercise needs two datasets; the data have one.
    """
    if not isinstance(label, str) or not re.fullmatch(r"[\w:-]+", label):
        raise ValueError(f"skip_exercise: label must be an exercise's label such as 'ex-q-subjects', "
                         f"got {label!r}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("skip_exercise: text must say why the exercise is skipped, got an empty text")
    note = Note("note", "Skipped on this data", text)
    if "ipykernel" in sys.modules:
        from IPython.display import display

        display(note, metadata={SKIP_KEY: label})
    else:
        print(repr(note))


def _get(cell, key: str, default=None):
    return cell.get(key, default) if isinstance(cell, Mapping) else getattr(cell, key, default)


def skipped_exercises(cells: Iterable) -> dict[str, str]:
    """The exercises a run skipped: label -> the note's text, read from the cells' outputs.

    See the chapter :ref:`chap-questions` ("Open questions").

    Parameters
    ----------
    cells : iterable of notebook cells
        An executed notebook's cells (``nbformat`` nodes or plain dicts).

    Returns
    -------
    dict
        One entry per :func:`skip_exercise` call the run made, in order.
    """
    found = {}
    for cell in cells:
        for output in _get(cell, "outputs", None) or []:
            label = (output.get("metadata") or {}).get(SKIP_KEY)
            if label:
                found[label] = "".join(output.get("data", {}).get("text/plain", ""))
    return found


def _reference(label: str) -> re.Pattern:
    name = re.escape(label)
    return re.compile(r"\{(?:ref|numref)\}`(?:[^`<]*<)?" + name + r">?`" + r"|\]\(#" + name + r"\)")


def drop_references(text: str, labels: Iterable[str]) -> str:
    """``text`` without what it says about the exercises ``labels``: each paragraph that refers to
    one is removed; in a list of references (``{ref}`a`, {ref}`b```) only the reference and its comma.

    See the chapter :ref:`chap-questions` ("Open questions").

    Parameters
    ----------
    text : str
        Markdown (a cell's source or a page).
    labels : iterable of str
        The skipped exercises' labels.

    Returns
    -------
    str
        The text; unchanged when it refers to none of ``labels``.

    Raises
    ------
    ValueError
        If a reference sits in a paragraph that also opens or closes a directive (removing it would
        break the directive): write the reference as a paragraph of its own.

    Examples
    --------
    >>> drop_references("Intro.\\n\\n{ref}`ex-a` measures it.\\n\\nSee {ref}`ex-a`, {ref}`ex-b`.", ["ex-a"])
    'Intro.\\n\\nSee {ref}`ex-b`.'
    """
    for label in labels:
        ref = _reference(label).pattern
        other = r"\{(?:ref|numref)\}`[^`]+`"
        text = re.sub(f"(?:{ref}), (?={other})|(?<=`), (?:{ref})", "", text)
        paragraphs = re.split(r"(\n[ \t]*\n)", text)
        kept = []
        for paragraph in paragraphs[::2]:
            if re.search(ref, paragraph) and _LIST_ITEM.match(paragraph):
                paragraph = _drop_items(paragraph, ref)  # a list loses only the items that refer to it
                if paragraph.strip():
                    kept.append(paragraph)
                continue
            if re.search(ref, paragraph):
                if any(_OPENER.match(line) or re.fullmatch(r"`{3,}|:{3,}", line.strip())
                       for line in paragraph.splitlines()):
                    raise ValueError(f"a reference to the skipped exercise {label} sits in a paragraph "
                                     f"with a directive's fence: {paragraph[:120]!r}; write it as a "
                                     "paragraph of its own")
                continue
            kept.append(paragraph)
        text = "\n\n".join(kept)
    return text


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")


def _drop_items(block: str, ref: str) -> str:
    """A Markdown list without the items (a marker line and its indented continuation) matching ``ref``."""
    items: list[list[str]] = []
    for line in block.split("\n"):
        if _LIST_ITEM.match(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return "\n".join(line for item in items if not re.search(ref, "\n".join(item)) for line in item)


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line closing the directive opened at ``start`` (the last line if none)."""
    for i in range(start + 1, len(lines)):
        if lines[i].strip() == fence:
            return i
    return len(lines) - 1


def drop_exercises(cells: Iterable, labels: Iterable[str]) -> list:
    """The cells without the exercises ``labels``: their statements, their solutions (text and cells,
    from ``{solution-start} label`` to the next ``{solution-end}``) and the paragraphs that refer to
    them (:func:`drop_references`). Cells left empty are removed; the others are copies.

    See the chapter :ref:`chap-questions` ("Open questions").

    Parameters
    ----------
    cells : iterable of notebook cells
        A notebook's cells (``nbformat`` nodes or plain dicts with ``cell_type`` and ``source``).
    labels : iterable of str
        The exercises to remove.

    Returns
    -------
    list
        The kept cells.

    Raises
    ------
    ValueError
        If a label names no exercise of these cells (a misspelt label would otherwise leave the
        exercise stated), or a solution has no ``{solution-end}``.
    """
    labels = set(labels)
    cells = list(cells)
    if not labels:
        return cells
    kept, inside, found = [], False, set()
    for cell in cells:
        if _get(cell, "cell_type") != "markdown":
            if not inside:
                kept.append(cell)
            continue
        source = _get(cell, "source")
        lines = (source if isinstance(source, str) else "".join(source)).split("\n")
        out, i = [], 0
        while i < len(lines):
            opener = _OPENER.match(lines[i])
            name = opener.group("name") if opener else None
            if inside:
                if name == "solution-end":
                    inside = False
                    i = _closing(lines, i, opener.group("fence"))
                i += 1
                continue
            if name == "solution-start" and opener.group("arg") in labels:
                inside = True
                i = _closing(lines, i, opener.group("fence")) + 1
                continue
            if name == "exercise":
                end = _closing(lines, i, opener.group("fence"))
                options = [_LABEL.match(line) for line in lines[i + 1:end]]
                label = next((m.group(1) for m in options if m), None)
                if label in labels:
                    found.add(label)
                    i = end + 1
                    continue
            out.append(lines[i])
            i += 1
        text = drop_references("\n".join(out), labels)
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
        if text.strip():
            cell = copy.deepcopy(cell)
            if isinstance(cell, Mapping):
                cell["source"] = text
            else:
                cell.source = text
            kept.append(cell)
    if inside:
        raise ValueError("a skipped exercise's {solution-start} has no {solution-end}")
    if labels - found:
        raise ValueError(f"skip_exercise named {sorted(labels - found)}, but no exercise of the chapter has "
                         "that label: correct the label")
    return kept


def drop_skipped_exercises(cells: Iterable) -> list:
    """The cells of an executed chapter without the exercises its run skipped (:func:`skip_exercise`).

    The book's build calls it for every chapter of both editions, before the student edition's
    solutions are removed. See :func:`drop_exercises` for what goes.

    See the chapter :ref:`chap-questions` ("Open questions").

    Parameters
    ----------
    cells : iterable of notebook cells
        An executed notebook's cells.

    Returns
    -------
    list
        The kept cells.
    """
    cells = list(cells)
    return drop_exercises(cells, skipped_exercises(cells))
