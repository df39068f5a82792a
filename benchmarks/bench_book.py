"""How long the book takes: per-chapter execution times of the last run, the wall time against the sum
of chapter times (the parallel speed-up), and the hull against the sort on the same points.

    python scripts/book.py execute --real-format   # or: bash scripts/build-book.sh
    python benchmarks/bench_book.py

Reads _build/executed/timings.json and run.json written by scripts/book.py; prints ratios, asserts
nothing (speed is measured here, not in the tests).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

import routerbench_utils as rbu

EXECUTED = Path(__file__).resolve().parents[1] / "_build" / "executed"


def chapter_table() -> None:
    timings = json.loads((EXECUTED / "timings.json").read_text())
    run = json.loads((EXECUTED / "run.json").read_text())
    labels = sorted({r["data"] for r in timings})
    by_chapter: dict[str, dict[str, float]] = {}
    for r in timings:
        by_chapter.setdefault(r["chapter"], {})[r["data"]] = r["seconds"]
    print(f"{'chapter':<14}" + "".join(f"{label:>20}" for label in labels))
    for chapter, row in sorted(by_chapter.items(), key=lambda kv: -kv[1].get(labels[0], 0.0)):
        print(f"{chapter:<14}" + "".join(f"{row.get(label, float('nan')):>19.1f}s" for label in labels))
    total = sum(r["seconds"] for r in timings)
    wall = run["wall_seconds"]
    print(f"\nsum of chapter times {total:.0f} s, wall {wall:.0f} s with {run['workers']} workers: "
          f"parallel speed-up {total / wall:.2f}x")
    slow = [c for c, row in by_chapter.items() if row.get("embedded", 0.0) > 20.0]
    print(f"chapters over 20 s on the embedded data: {len(slow)} ({', '.join(sorted(slow))})")


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def hull_against_sort() -> None:
    rng = np.random.default_rng(0)
    for n in (10**6, 10**7):
        cost, quality = rng.random(n), rng.random(n)
        hull = best_of(lambda: rbu.ndch(cost, quality))
        sort = best_of(lambda: np.argsort(cost))
        print(f"ndch on {n:.0e} random points: {hull * 1e3:.0f} ms, {hull / sort:.2f}x np.argsort")


if __name__ == "__main__":
    if (EXECUTED / "run.json").exists():
        chapter_table()
    else:
        print("no executed run yet: run scripts/book.py execute --real-format first")
    hull_against_sort()
