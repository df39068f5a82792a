"""The graded problem sets: generated from their instructor sources by Otter Assign, graded offline by
Otter Run. The instructor's solutions score full marks; the unanswered student notebook scores zero
on every autograded question, and it carries no solution and no hidden test."""
from __future__ import annotations

import json
import zipfile

import nbformat
import pytest

from ._scripts import load_script
from .test_book_sources import ROOT

problemsets = load_script("problemsets")
NAMES = problemsets.names()


def test_three_problem_sets_follow_the_module():
    assert NAMES == ["ps1_cost_quality", "ps2_routers", "ps3_beyond"]
    syllabus = (ROOT / "book" / "syllabus.md").read_text()
    for name in NAMES:  # each is handed out from the six-week map
        assert f"problemsets/{name}.ipynb" in syllabus, name


@pytest.fixture(scope="module")
def generated():
    """The build's problem sets (the test command builds first, from clean); generated here only
    when missing or older than their source, so that Otter Assign does not run twice per test run."""
    problemsets.ensure_generated(problemsets.OUT)
    return problemsets.OUT


def _questions(name: str) -> dict[str, dict]:
    """The questions of the instructor source: name -> config (points, manual)."""
    import yaml

    configs = {}
    for cell in nbformat.read(ROOT / "problemsets" / f"{name}.ipynb", as_version=4).cells:
        if cell.cell_type == "raw" and cell.source.lower().startswith("# begin question"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            configs[config["name"]] = config
    return configs


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(generated, name):
    source = nbformat.read(ROOT / "problemsets" / f"{name}.ipynb", as_version=4)
    student = nbformat.read(generated / name / "student" / f"{name}.ipynb", as_version=4)
    text = json.dumps([c.source for c in student.cells]) + json.dumps(student.metadata)
    assert "BEGIN SOLUTION" not in text and "SOLUTION" not in text.replace("solution", "")
    assert "hidden=True" not in text, "a hidden test reached the student notebook"
    # Every solution line of the source is gone from the student's cells (a few generic ones aside).
    solution_lines = {line.strip() for c in source.cells if c.cell_type == "code"
                      and "# BEGIN SOLUTION" in c.source for line in c.source.split("# BEGIN SOLUTION")[1]
                      .split("# END SOLUTION")[0].splitlines() if len(line.strip()) > 20}
    student_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert solution_lines and not [line for line in solution_lines if line in student_code]
    # The first cell installs what a fresh JupyterLab or Colab lacks.
    first = student.cells[0].source
    assert "routerbench_utils @ git+" in first and "otter-grader==" in first
    # The autograder holds a hidden test for every autograded question.
    with zipfile.ZipFile(generated / name / "autograder" / f"{name}-autograder.zip") as zipped:
        tests = {n.split("/")[-1][:-3]: zipped.read(n).decode() for n in zipped.namelist()
                 if n.startswith("tests/") and n.endswith(".py")}
    graded = {q for q, config in _questions(name).items() if not config.get("manual")}
    assert set(tests) == graded
    assert all("hidden=True" in tests[q] for q in graded)


@pytest.mark.parametrize("name", NAMES)
def test_solutions_score_full_marks_and_the_blank_notebook_zero(generated, name):
    from concurrent.futures import ThreadPoolExecutor

    # Two Otter Run processes at once: each mostly waits on its own kernel.
    with ThreadPoolExecutor(max_workers=2) as pool:
        solved, blank = pool.map(lambda folder: problemsets.grade(
            name, generated / name / folder / f"{name}.ipynb", out=generated), ["autograder", "student"])
    graded = {q for q, config in _questions(name).items() if not config.get("manual")}
    assert set(solved["questions"]) == set(blank["questions"]) == graded
    assert solved["possible"] >= 10
    for question, (score, possible) in solved["questions"].items():
        assert possible > 0 and score == possible, f"{name} {question}: the solution scores {score}/{possible}"
    for question, (score, _) in blank["questions"].items():
        assert score == 0, f"{name} {question}: the unanswered notebook scores {score}"
