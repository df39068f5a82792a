"""An exercise the data cannot pose is skipped with a note that says why, and then stated nowhere.

``rbu.book.skip_exercise`` marks the note's output with the exercise's label; the build's staging
(scripts/book_editions.py) removes the exercise's statement, its solution and the paragraphs that refer
to it. These tests check the removal on made-up cells, that no chapter shows a skip note inside a
solution (where the exercise would already have been stated), and, over every executed run of the
chapters, that a page whose run skipped an exercise does not state it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from routerbench_utils.book.exercises import (SKIP_KEY, drop_exercises, drop_references,
                                              drop_skipped_exercises, skip_exercise, skipped_exercises)

from .test_book_sources import NOTEBOOKS, ROOT

REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"  # set by scripts/test.sh after the full run
BUILD = Path(os.environ.get("RBU_BUILD_DIR") or ROOT / "_build")  # as scripts/book_execute.py
EXECUTED = BUILD / "executed"
STAGE = BUILD / "stage"


def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def _skip_cell(label, text="The exercise needs two datasets; the data have one."):
    cell = nbformat.v4.new_code_cell("page.skip_exercise(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": f"Skipped on this data: {text}"},
                                           metadata={SKIP_KEY: label})]
    return cell


def _chapter():
    return [_md("## 1. A question\n\nSome idea.\n\n{ref}`ex-a` measures it.\n\n"
                "See also {ref}`ex-a`, {ref}`ex-b`.\n\n## Exercises"),
            _skip_cell("ex-a"),
            _md("```{exercise}\n:label: ex-a\n\nAsk A.\n```\n\n```{solution-start} ex-a\n:class: dropdown\n```\n\n"
                "Answer A."),
            nbformat.v4.new_code_cell("print('solution of A')"),
            _md("Answer A, continued.\n\n```{solution-end}\n```\n\n```{exercise}\n:label: ex-b\n\nAsk B.\n```\n\n"
                "```{solution-start} ex-b\n:class: dropdown\n```"),
            nbformat.v4.new_code_cell("print('solution of B')"),
            _md("```{solution-end}\n```\n\n## Summary\n\nDone.")]


def test_a_skipped_exercise_loses_its_statement_solution_and_references():
    cells = _chapter()
    assert skipped_exercises(cells) == {"ex-a": "Skipped on this data: The exercise needs two datasets; "
                                                "the data have one."}
    kept = drop_skipped_exercises(cells)
    text = "\n".join(c.source for c in kept)
    for gone in ("Ask A", "Answer A", "solution of A", ":label: ex-a", "{ref}`ex-a`", "measures it"):
        assert gone not in text, gone
    for stays in ("Some idea.", "See also {ref}`ex-b`.", "Ask B.", "solution of B", "## Summary", "## Exercises"):
        assert stays in text, stays
    assert any(SKIP_KEY in str(c.get("outputs", "")) for c in kept)  # the note stays where the exercise was
    assert text.count("{solution-start}") == text.count("{solution-end}") == 1
    assert "ex-a" in "\n".join(c.source for c in cells)  # the input cells are not changed


def test_nothing_is_dropped_when_nothing_is_skipped():
    cells = [c for c in _chapter() if not c.get("outputs")]
    assert [c.source for c in drop_skipped_exercises(cells)] == [c.source for c in cells]


def test_a_misspelt_label_or_a_reference_inside_a_fence_is_refused():
    with pytest.raises(ValueError, match="no exercise of the chapter has that label"):
        drop_exercises(_chapter(), ["ex-typo"])
    with pytest.raises(ValueError, match="paragraph of its own"):
        drop_references("```{note}\nSee {ref}`ex-a`.\n```", ["ex-a"])
    with pytest.raises(ValueError, match="label"):
        skip_exercise("two words", "why")
    with pytest.raises(ValueError, match="say why"):
        skip_exercise("ex-a", " ")


def test_a_page_without_cells_keeps_the_rest_of_a_list_of_references():
    row = "| 1 | {doc}`dataset` | {ref}`ex-dataset-independence`, {ref}`ex-plane-split` | x |"
    assert drop_references(row, ["ex-dataset-independence"]) == "| 1 | {doc}`dataset` | {ref}`ex-plane-split` | x |"
    assert drop_references(row, ["ex-plane-split"]) == "| 1 | {doc}`dataset` | {ref}`ex-dataset-independence` | x |"
    items = "Intro.\n\n- one\n- two, see {ref}`ex-a`\n  continued\n- three\n\nEnd."
    assert drop_references(items, ["ex-a"]) == "Intro.\n\n- one\n- three\n\nEnd."


def test_skip_exercise_prints_its_note_outside_a_notebook(capsys):
    skip_exercise("ex-a", "The exercise needs subjects.")
    assert capsys.readouterr().out == "Skipped on this data: The exercise needs subjects.\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_skips_an_exercise_from_inside_its_solution(path):
    """A note shown inside a solution comes after the exercise was stated: the skip belongs before it."""
    inside = False
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for fence in re.findall(r"^```\{(solution-start|solution-end)\}", cell.source, re.M):
                inside = fence == "solution-start"
        elif inside:
            assert not re.search(r"\b(notice|skip_exercise)\(", cell.source), (
                f"{path.name}: a note inside a solution says the data lack something after the exercise was "
                f"stated: call page.skip_exercise(label, why) in a cell before the exercise:\n{cell.source}")


def _runs():
    return sorted(EXECUTED.glob("*/book/*.ipynb")) if EXECUTED.exists() else []


def _stated(cells, label):
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    return re.search(r"^:label:[ \t]*" + re.escape(label) + r"[ \t]*$", text, re.M) or re.search(
        r"\{(?:ref|numref)\}`(?:[^`<]*<)?" + re.escape(label) + r">?`", text)


def test_no_page_states_an_exercise_its_run_skipped():
    """Every executed run (the embedded data and the two real-format files), staged as the build stages
    it, and the staged editions themselves: a skip note and its exercise are never on one page."""
    runs = _runs()
    if not runs:
        if REQUIRED:
            pytest.fail("no executed chapters: run scripts/test.sh")
        pytest.skip("chapters not executed")
    skipped_somewhere = set()
    for path in runs:
        cells = nbformat.read(path, as_version=4).cells
        skipped = skipped_exercises(cells)
        kept = drop_skipped_exercises(cells)
        inside = False
        for cell in kept:  # a note of the old kind, shown in a solution after the exercise was stated
            if cell.cell_type == "markdown":
                for fence in re.findall(r"^```\{(solution-start|solution-end)\}", cell.source, re.M):
                    inside = fence == "solution-start"
            elif inside:
                assert "Skipped on this data" not in json.dumps(cell.get("outputs", [])), (
                    f"{path}: a skip note inside a solution, after its exercise was stated")
        for label, note in skipped.items():
            skipped_somewhere.add((path.parts[-3], path.stem, label))
            assert not _stated(kept, label), f"{path}: {label} is skipped ({note}) and still stated"
            assert note.startswith("Skipped on this data: ") and len(note) > 40, note
    for staged in sorted(STAGE.glob("*/book/*.ipynb")):
        cells = json.loads(staged.read_text())["cells"]
        for label in skipped_exercises(cells):
            cells_nb = [nbformat.from_dict(c) for c in cells]
            assert not _stated(cells_nb, label), f"{staged}: the page states {label}, which its run skipped"
    if (EXECUTED / "real-format-mbpp").exists():  # MBPP alone: one dataset, no subjects
        assert {("real-format-mbpp", "questions", "ex-q-subjects"),
                ("real-format-mbpp", "questions", "ex-q-specialist"),
                ("real-format-mbpp", "predictive", "ex-pred-subject")} <= skipped_somewhere
