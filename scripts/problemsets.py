"""Generate and grade the graded problem sets with Otter-Grader, offline.

    python scripts/problemsets.py generate            # student notebooks + autograders
    python scripts/problemsets.py grade ps1_data_plane submission.ipynb [...]

The instructor sources are ``problemsets/ps<week>_<topic>.ipynb`` (Otter Assign's format: questions,
solutions, public and hidden tests, written questions with their rubric). ``generate`` builds the
package's wheel (scripts/course_kit.py) and writes, for each set, under ``_build/problemsets/<name>/``:

- ``student/<name>.ipynb``: what students get (solutions replaced by ``...``, hidden tests and rubrics
  removed, a first cell that installs the wheel published with the book and ``otter-grader`` when
  missing);
- ``autograder/<name>.ipynb`` (the solutions) and ``autograder/<name>-autograder.zip``: every test, and
  the wheel (``files/<wheel>``), which the zip's environment installs from the zip itself
  (``environment.yml`` names ``/autograder/source/files/<wheel>``: Gradescope's setup script, or any
  machine that unpacks the zip there), so it grades without the repository or network for the package.

``grade`` runs Otter Run (no Docker, no network) on each submission and prints its score per question.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).parent))
import course_kit  # noqa: E402  (scripts/course_kit.py: the wheel and the downloads' install cell)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "problemsets"
OUT = ROOT / "_build" / "problemsets"
OTTER = Path(sys.executable).parent / "otter"


def names() -> list[str]:
    """The problem sets, in course order (their file names start with ps1, ps2, ...)."""
    return sorted(p.stem for p in SOURCES.glob("ps*.ipynb"))


def _otter_requirement() -> str:
    """The pinned otter-grader of requirements.txt, so students check with the grader's version."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip().startswith("otter-grader"):
            return line.strip()
    raise RuntimeError("requirements.txt pins no otter-grader")


#: Where Gradescope (and ``otter run``'s copy of its layout) unpacks the zip; ``files/`` holds the
#: autograder's extra files.
GRADESCOPE_SOURCE = "/autograder/source"


def generate_one(name: str, out: Path = OUT, run_tests: bool = False, wheel: Path | None = None) -> Path:
    """Otter Assign on one source; returns its output folder (``student/``, ``autograder/``)."""
    wheel = wheel or course_kit.wheel()
    master = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
    # The zip carries the wheel and its environment installs it from there (not from a repository).
    config_cell = master.cells[0]
    config = yaml.safe_load(config_cell.source.split("\n", 1)[1])
    config["autograder_files"] = [wheel.name]
    config["requirements"] = [f"{GRADESCOPE_SOURCE}/files/{wheel.name}"]
    config_cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)
    # The install cell goes first, before Otter's own cells: outside any question, Otter keeps it.
    master.cells.insert(0, course_kit.install_cell(extra=[("otter", _otter_requirement())]))
    target = out / name
    # Written beside the old output and swapped in at the end: a grading that is reading the old one
    # (another test process) never finds half a folder.
    fresh = out.parent / f".{out.name}-{name}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / f"{name}.ipynb"
        nbformat.write(master, staged)
        shutil.copy(wheel, Path(tmp) / wheel.name)
        cmd = [str(OTTER), "assign", str(staged), str(fresh)] + ([] if run_tests else ["--no-run-tests"])
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=_grading_env())
    if done.returncode != 0:
        raise RuntimeError(f"otter assign failed on problemsets/{name}.ipynb:\n{done.stdout}\n{done.stderr}")
    # A stable name for the autograder (Otter stamps it with the time).
    (zipped,) = (fresh / "autograder").glob(f"{name}-autograder_*.zip")
    zipped.rename(fresh / "autograder" / f"{name}-autograder.zip")
    old = out.parent / f".{out.name}-{name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    target.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no _build/problemsets yet
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def generate(out: Path = OUT, run_tests: bool = False) -> list[Path]:
    """Every set, after building the wheel (from clean: the autograders carry this build's package)."""
    from concurrent.futures import ThreadPoolExecutor

    with _lock(out):
        wheel = course_kit.build_wheel()
        with ThreadPoolExecutor(max_workers=2) as pool:  # each Otter Assign is its own process
            return list(pool.map(lambda name: generate_one(name, out, run_tests, wheel), names()))


@contextlib.contextmanager
def _lock(out: Path):
    """One generator at a time over ``out`` (a build and a test process may both want to write it)."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure_generated(out: Path = OUT) -> None:
    """Generate the problem sets whose output is missing or older than their source or the package
    (cheap when current). One process at a time (test workers share the output)."""
    with _lock(out):
        _generate_stale(out)


def _generate_stale(out: Path) -> None:
    for name in names():
        student = out / name / "student" / f"{name}.ipynb"
        newest = max((SOURCES / f"{name}.ipynb").stat().st_mtime, course_kit.wheel().stat().st_mtime)
        if not student.exists() or student.stat().st_mtime < newest:
            generate_one(name, out)


def questions(name: str) -> dict[str, dict]:
    """The questions of an instructor source, in order: name -> config (``points``, ``manual``)."""
    configs = {}
    for cell in nbformat.read(SOURCES / f"{name}.ipynb", as_version=4).cells:
        if cell.cell_type == "raw" and cell.source.lower().startswith("# begin question"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            configs[config["name"]] = config
    return configs


def partial_submission(name: str, out: Path = OUT, answered: int | None = None):
    """A partly correct submission: the student notebook with the instructor's answers to the first
    ``answered`` autograded questions (default: half of them, at least one) and the others left as handed
    out. Returns the notebook and the names of the answered questions: each of them should score full
    marks and every other question zero (a later answer may use an earlier one, never the reverse)."""
    graded = [q for q, config in questions(name).items() if not config.get("manual")]
    answered = max(1, len(graded) // 2) if answered is None else answered
    student = nbformat.read(out / name / "student" / f"{name}.ipynb", as_version=4)
    solved = nbformat.read(out / name / "autograder" / f"{name}.ipynb", as_version=4)
    blanks = [c for c in student.cells if c.cell_type == "code" and "otter_answer_cell" in c.metadata.get("tags", [])]
    answers = [c for c in solved.cells if c.cell_type == "code"
               and "otter_assign_solution_cell" in c.metadata.get("tags", [])]
    if not len(blanks) == len(answers) == len(graded):
        raise RuntimeError(f"{name}: {len(blanks)} answer cells, {len(answers)} solutions, {len(graded)} questions")
    for blank, answer in list(zip(blanks, answers))[:answered]:
        blank.source = answer.source
    return student, graded[:answered]


def _grading_env() -> dict:
    # Graded on the embedded data whatever the caller's environment says; one thread per kernel.
    env = {k: v for k, v in os.environ.items() if k != "ROUTERBENCH_DATA"}
    env.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    # The embedded data as the build keeps it (made by the same package from the same seed): each
    # grading reads it in 0.1 s instead of generating it in 2-3 s.
    cache = ROOT / "_build" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    env.setdefault("RBU_CACHE_DIR", str(cache))
    return env


def grade(name: str, submission: Path, out: Path = OUT) -> dict:
    """Otter Run on one submission: ``{"total": ..., "possible": ..., "questions": {q: (score, max)}}``."""
    autograder = out / name / "autograder" / f"{name}-autograder.zip"
    if not autograder.exists():
        raise FileNotFoundError(f"{autograder} is missing: run `python scripts/problemsets.py generate` first")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(OTTER), "run", "--no-logo", "-a", str(autograder), "-o", tmp, str(Path(submission).resolve())]
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=_grading_env())
        results = Path(tmp) / "results.json"
        if done.returncode != 0 or not results.exists():
            raise RuntimeError(f"otter run failed on {submission}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        tests = json.loads(results.read_text())["tests"]
    # One entry per question; "Public Tests" is Otter's summary of the public checks, not a question.
    questions = {t["name"]: (float(t["score"]), float(t["max_score"])) for t in tests
                 if t["name"] != "Public Tests"}
    return {"total": sum(s for s, _ in questions.values()), "possible": sum(m for _, m in questions.values()),
            "questions": questions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="student notebooks and autograders into _build/problemsets")
    gen.add_argument("--check", action="store_true", help="also run every test on the solutions (Otter Assign)")
    grd = sub.add_parser("grade", help="grade submissions of one problem set")
    grd.add_argument("name", choices=names())
    grd.add_argument("submissions", nargs="+", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.command == "generate":
        for target in generate(run_tests=args.check):
            print(f"  {target.relative_to(ROOT)}: student/, autograder/")
        print(f"problemsets: generated {len(names())} in {time.perf_counter() - start:.0f} s")
        return 0
    for path in args.submissions:
        result = grade(args.name, path)
        parts = ", ".join(f"{q} {s:g}/{m:g}" for q, (s, m) in result["questions"].items())
        print(f"{path}: {result['total']:g}/{result['possible']:g} ({parts})")
    print(f"problemsets: graded {len(args.submissions)} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
