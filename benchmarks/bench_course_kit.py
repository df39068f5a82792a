"""What the course kit adds to a build, and what grading costs: each step timed once, wall and CPU.

    python benchmarks/bench_course_kit.py        # after a build (the slides need executed chapters)

Steps: the package's wheel (scripts/course_kit.py), the six problem sets (Otter Assign, two at a time),
the weekly slides (scripts/slides.py), and one Otter Run of each kind of submission of the first set
(solution, blank). Prints a table; asserts nothing (speed is measured here, not in the tests). The
machine is shared: compare CPU seconds between runs rather than wall seconds.
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import course_kit  # noqa: E402
import problemsets  # noqa: E402
import slides  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, step) -> None:
    wall, cpu = time.perf_counter(), _cpu()
    step()
    print(f"{label:<34}{time.perf_counter() - wall:>8.1f} s wall{_cpu() - cpu:>8.1f} s CPU")


def main() -> None:
    name = problemsets.names()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("wheel", lambda: course_kit.build_wheel(out / "wheel"))
        timed(f"{len(problemsets.names())} problem sets (Otter Assign)", lambda: problemsets.generate(out / "sets"))
        if slides.ensure_built() is not None:
            timed("slides, every week", lambda: slides.build(out / "slides"))
        for folder in ("autograder", "student"):
            timed(f"grade {name} ({folder})",
                  lambda: problemsets.grade(name, out / "sets" / name / folder / f"{name}.ipynb", out=out / "sets"))


if __name__ == "__main__":
    main()
