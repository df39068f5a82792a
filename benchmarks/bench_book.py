"""How long the book takes: per-chapter execution times of the last run and the wall time against the
sum of chapter times (the parallel speed-up). The hull against the sort on the same 10^6 and 10^7
points is benchmarks/bench_hull.py's table.

    python scripts/book.py execute --real-format --fresh   # or: bash scripts/build-book.sh --fresh
    python benchmarks/bench_book.py

Reads _build/executed/timings.json and run.json written by scripts/book.py; prints ratios, asserts
nothing (speed is measured here, not in the tests).
"""
from __future__ import annotations

import json
from pathlib import Path

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
    total = sum(r["seconds"] for r in timings if not r.get("cached"))
    wall = run["wall_seconds"]
    cached = sum(1 for r in timings if r.get("cached"))
    if cached:  # a run re-used from the execution cache took no time in this build
        print(f"\n{cached} runs came from the cache (their seconds are those of the run that made them): "
              "time every chapter with python scripts/book.py execute --real-format --fresh")
    print(f"\nsum of chapter times {total:.0f} s, wall {wall:.0f} s with {run['workers']} workers: "
          f"parallel speed-up {total / max(wall, 1e-9):.2f}x")
    slow = [c for c, row in by_chapter.items() if row.get("embedded", 0.0) > 20.0]
    print(f"chapters over 20 s on the embedded data: {len(slow)} ({', '.join(sorted(slow))})")


if __name__ == "__main__":
    if (EXECUTED / "run.json").exists():
        chapter_table()
    else:
        print("no executed run yet: run scripts/book.py execute --real-format first")
