"""The graded problem sets: one per week of the syllabus, together covering every chapter, generated from
their instructor sources by Otter Assign and graded offline by Otter Run. For every set, the instructor's
solutions score full marks, the unanswered student notebook zero on every autograded question, and a
partly answered notebook exactly the points of the questions it answers; the student notebook carries no
solution, hidden test or rubric; the autograder zip carries the package's wheel and grades, with Otter's
Gradescope entry point, in a fresh environment where the package is installed from the zip alone."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
import yaml

from ._fresh_venv import fresh_venv, offline_env
from ._scripts import load_script
from .test_book_sources import ROOT

problemsets = load_script("problemsets")
course_kit = load_script("course_kit")
NAMES = problemsets.names()
LINK = re.compile(r"\[([^\]]+)\]\(\.\./\.\./book/([^)#]+)\.html(?:#[^)]*)?\)")
#: Pages of the table of contents that are not chapters a set could cover.
NOT_CHAPTERS = {"index", "syllabus", "notation", "instructor", "teaching", "api", "glossary", "bibliography"}


def _toc_titles() -> dict[str, str]:
    """Every page of the table of contents: file stem -> its title (the first '# ' heading)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    titles = {}
    for entry in [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]:
        path = next(p for p in (ROOT / f"{entry}.ipynb", ROOT / f"{entry}.md") if p.exists())
        text = (path.read_text() if path.suffix == ".md" else
                "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"))
        titles[path.stem] = re.search(r"^# (.+)$", text, re.M).group(1).strip()
    return titles


def _markdown(name: str) -> str:
    nb = nbformat.read(ROOT / "problemsets" / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_one_problem_set_per_week_together_covering_every_chapter():
    assert len(NAMES) >= 6
    weeks = [int(re.search(r"^Week (\d+)\b", _markdown(name), re.M).group(1)) for name in NAMES]
    assert weeks == list(range(1, len(NAMES) + 1)), "one set per week, in order"
    assert [int(re.match(r"ps(\d+)_", name).group(1)) for name in NAMES] == weeks
    syllabus = (ROOT / "book" / "syllabus.md").read_text()
    for name in NAMES:  # the syllabus hands out each set, with its points
        points = sum(config["points"] for config in problemsets.questions(name).values())
        assert f"problemsets/{name}.ipynb>` ({points} points)" in syllabus, name
    covered = {stem for name in NAMES for _, stem in LINK.findall(_markdown(name).split("\n\n", 2)[1])}
    chapters = set(_toc_titles()) - NOT_CHAPTERS
    assert chapters - covered == set(), "chapters that no problem set covers"
    assert {"cascade_routing", "online", "collapse", "rag"} <= covered


@pytest.mark.parametrize("name", NAMES)
def test_every_chapter_a_set_names_exists_under_its_title(name):
    titles = _toc_titles()
    links = LINK.findall(_markdown(name))
    assert links, f"{name} names no chapter"
    for title, stem in links:
        assert stem in titles, f"{name} links book/{stem}, which is not in the table of contents"
        assert title == titles[stem], f"{name} calls book/{stem} {title!r}; its title is {titles[stem]!r}"
    for title in re.findall(r"the chapter \*([^*]+)\*", _markdown(name)):  # named without a link
        assert title in titles.values(), f"{name} names a chapter {title!r} that does not exist"


@pytest.mark.parametrize("name", NAMES)
def test_written_questions_are_graded_by_a_rubric_of_levels(name):
    nb = nbformat.read(ROOT / "problemsets" / f"{name}.ipynb", as_version=4)
    manual = [q for q, config in problemsets.questions(name).items() if config.get("manual")]
    assert manual, f"{name} has no written question"
    text = "\n".join(c.source for c in nb.cells)
    for question in manual:
        block = text.split(f"name: {question}\nmanual: true")[1].split("# END QUESTION")[0]
        solution = block.split("# BEGIN SOLUTION")[1]
        for level in ("*Full credit", "*Partial credit", "*No credit"):
            assert level in solution, f"{name} {question}: the rubric has no level {level.strip('*')!r}"


@pytest.fixture(scope="module")
def generated():
    """The build's problem sets (the test command builds first, from clean); generated here only
    when missing or older than their source, so that Otter Assign does not run twice per test run."""
    problemsets.ensure_generated(problemsets.OUT)
    return problemsets.OUT


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_hidden_test_or_rubric(generated, name):
    source = nbformat.read(ROOT / "problemsets" / f"{name}.ipynb", as_version=4)
    student = nbformat.read(generated / name / "student" / f"{name}.ipynb", as_version=4)
    text = json.dumps([c.source for c in student.cells]) + json.dumps(student.metadata)
    assert "BEGIN SOLUTION" not in text and "SOLUTION" not in text.replace("solution", "")
    assert "hidden=True" not in text, "a hidden test reached the student notebook"
    assert "Rubric" not in text and "Model answer" not in text, "a rubric reached the student notebook"
    # Every solution line of the source is gone from the student's cells (a few generic ones aside).
    solution_lines = {line.strip() for c in source.cells if c.cell_type == "code"
                      and "# BEGIN SOLUTION" in c.source for line in c.source.split("# BEGIN SOLUTION")[1]
                      .split("# END SOLUTION")[0].splitlines() if len(line.strip()) > 20}
    student_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert solution_lines and not [line for line in solution_lines if line in student_code]
    # The first cell installs the wheel published with the book, and the grader's own Otter.
    first = student.cells[0].source
    assert f"'../../wheels/{course_kit.wheel_name()}'" in first and "otter-grader==" in first
    assert "git+" not in first or yaml.safe_load((ROOT / "_config.yml").read_text()).get("package_repository")


@pytest.mark.parametrize("name", NAMES)
def test_autograder_zip_carries_every_hidden_test_and_the_wheel(generated, name):
    with zipfile.ZipFile(generated / name / "autograder" / f"{name}-autograder.zip") as zipped:
        tests = {n.split("/")[-1][:-3]: zipped.read(n).decode() for n in zipped.namelist()
                 if n.startswith("tests/") and n.endswith(".py")}
        wheel = zipped.read(f"files/{course_kit.wheel_name()}")
        environment = yaml.safe_load(zipped.read("environment.yml"))
    graded = {q for q, config in problemsets.questions(name).items() if not config.get("manual")}
    assert set(tests) == graded
    assert all("hidden=True" in tests[q] for q in graded)
    # The wheel holds the package of this working tree, file for file (so the build's commit).
    with zipfile.ZipFile(io.BytesIO(wheel)) as packed:
        inside = {n: packed.read(n) for n in packed.namelist() if n.endswith(".py")}
    tree = {str(p.relative_to(ROOT)): p.read_bytes() for p in (ROOT / "routerbench_utils").rglob("*.py")}
    assert inside == tree, "the zip's wheel does not hold this tree's package"
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert f"/autograder/source/files/{course_kit.wheel_name()}" in pip


@pytest.mark.parametrize("name", NAMES)
def test_solution_full_marks_blank_zero_partial_exactly_its_questions(generated, name, tmp_path):
    partial, answered = problemsets.partial_submission(name, generated)
    nbformat.write(partial, tmp_path / f"{name}.ipynb")
    submissions = [generated / name / "autograder" / f"{name}.ipynb",
                   generated / name / "student" / f"{name}.ipynb", tmp_path / f"{name}.ipynb"]
    # Three Otter Run processes at once: each mostly waits on its own kernel.
    with ThreadPoolExecutor(max_workers=3) as pool:
        solved, blank, part = pool.map(lambda path: problemsets.grade(name, path, out=generated), submissions)
    configs = problemsets.questions(name)
    graded = {q for q, config in configs.items() if not config.get("manual")}
    assert set(solved["questions"]) == set(blank["questions"]) == set(part["questions"]) == graded
    assert solved["possible"] >= 8
    for question, (score, possible) in solved["questions"].items():
        assert possible == configs[question]["points"] and score == possible, \
            f"{name} {question}: the solution scores {score}/{possible}"
    for question, (score, _) in blank["questions"].items():
        assert score == 0, f"{name} {question}: the unanswered notebook scores {score}"
    assert 0 < len(answered) < len(graded)
    for question, (score, possible) in part["questions"].items():
        assert score == (possible if question in answered else 0), \
            f"{name} {question}: the partly answered notebook scores {score}/{possible}"
    assert part["total"] == sum(configs[q]["points"] for q in answered)


def test_an_autograder_zip_grades_on_gradescopes_layout_from_its_own_wheel(generated, tmp_path):
    """Unpacked as Gradescope does (``<root>/source``, the submission in ``<root>/submission``), in a
    fresh environment without the package or the repository: the zip's pip requirements, the wheel
    among them, install offline from the zip, and Otter's Gradescope entry point grades the solution."""
    name = NAMES[0]
    root = tmp_path / "autograder"
    with zipfile.ZipFile(generated / name / "autograder" / f"{name}-autograder.zip") as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()  # Gradescope makes it
    (root / "submission" / f"{name}.ipynb").write_bytes(
        (generated / name / "autograder" / f"{name}.ipynb").read_bytes())
    python, env = fresh_venv(tmp_path), offline_env(tmp_path)
    environment = yaml.safe_load((root / "source" / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    local = [r.replace("/autograder", str(root)) for r in pip if r.startswith("/autograder/")]
    assert local, "the zip's environment installs no file from the zip"
    # Otter itself is among the visible dependencies; the package is not, until the zip's wheel is in.
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *local], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    run = ("import routerbench_utils, sys\n"
           f"assert routerbench_utils.__file__.startswith({str(tmp_path / 'venv')!r}), routerbench_utils.__file__\n"
           "from otter.run.run_autograder import main\n"
           f"main({str(root)!r})\n")
    done = subprocess.run([str(python), "-c", run], env=env, capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    scores = {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if t["name"] != "Public Tests"}
    assert scores and all(score == possible > 0 for score, possible in scores.values()), scores


SOLUTIONS = """import sys, warnings
import nbformat
warnings.simplefilter("error")  # a DeprecationWarning (a moved name) or any other warning fails
warnings.filterwarnings("ignore", module="otter")  # Otter's own imports are not the sets' business
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])
            and "grader.check" not in c.source]
    code = [line for line in "\\n".join(code).splitlines() if "otter" not in line]
    exec(compile("\\n".join(code), path, "exec"), {"__name__": "solution"})
    print("ok", path)
"""


def test_solutions_use_the_package_without_a_warning(generated, tmp_path):
    """Every instructor solution, run with warnings as errors against the package as it is (its public
    names only: a name moved by a restructuring warns, and fails here)."""
    script = tmp_path / "solutions.py"
    script.write_text(SOLUTIONS)
    paths = [str(generated / name / "autograder" / f"{name}.ipynb") for name in NAMES]
    done = subprocess.run([sys.executable, str(script), *paths], capture_output=True, text=True, cwd=tmp_path,
                          env={**problemsets._grading_env(), "PYTHONWARNINGS": "error"})
    assert done.returncode == 0, done.stdout[-1000:] + done.stderr[-3000:]
    assert done.stdout.count("ok ") == len(NAMES)
