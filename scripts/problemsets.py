"""Generate and grade the graded problem sets with Otter-Grader, offline.

    python scripts/problemsets.py generate            # student notebooks + autograders
    python scripts/problemsets.py grade ps1_cost_quality submission.ipynb [...]

The instructor sources are ``problemsets/<name>.ipynb`` (Otter Assign's format: questions, solutions,
public and hidden tests). ``generate`` writes, for each, under ``_build/problemsets/<name>/``:

- ``student/<name>.ipynb``: what students get (solutions replaced by ``...``, hidden tests removed,
  a first cell that installs ``routerbench_utils`` and ``otter-grader`` when missing);
- ``autograder/<name>.ipynb`` (the solutions) and ``autograder/<name>-autograder.zip`` (every test).

``grade`` runs Otter Run (no Docker, no network) on each submission and prints its score per question.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

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


def _book_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_script", ROOT / "scripts" / "book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate_one(name: str, out: Path = OUT, run_tests: bool = False) -> Path:
    """Otter Assign on one source; returns its output folder (``student/``, ``autograder/``)."""
    master = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
    # The install cell goes first, before Otter's own cells: outside any question, Otter keeps it.
    setup = _book_script().install_cell(extra=[("otter", _otter_requirement())])
    master.cells.insert(0, setup)
    target = out / name
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / f"{name}.ipynb"
        nbformat.write(master, staged)
        cmd = [str(OTTER), "assign", str(staged), str(target)] + ([] if run_tests else ["--no-run-tests"])
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=_grading_env())
    if done.returncode != 0:
        raise RuntimeError(f"otter assign failed on problemsets/{name}.ipynb:\n{done.stdout}\n{done.stderr}")
    # A stable name for the autograder (Otter stamps it with the time).
    (zipped,) = (target / "autograder").glob(f"{name}-autograder_*.zip")
    zipped.rename(target / "autograder" / f"{name}-autograder.zip")
    return target


def generate(out: Path = OUT, run_tests: bool = False) -> list[Path]:
    return [generate_one(name, out, run_tests) for name in names()]


def ensure_generated(out: Path = OUT) -> None:
    """Generate the problem sets whose output is missing or older than their source (cheap when current)."""
    for name in names():
        student = out / name / "student" / f"{name}.ipynb"
        if not student.exists() or student.stat().st_mtime < (SOURCES / f"{name}.ipynb").stat().st_mtime:
            generate_one(name, out)


def _grading_env() -> dict:
    # Graded on the embedded data whatever the caller's environment says; one thread per kernel.
    env = {k: v for k, v in os.environ.items() if k != "ROUTERBENCH_DATA"}
    env.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
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
