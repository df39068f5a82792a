"""Time and memory of generating the full-size embedded data (run: .venv/bin/python benchmarks/bench_embedded.py).

Not a test: prints wall time of generation and of the full `load()` path, and peak memory.
"""
from __future__ import annotations

import resource
import time
import tracemalloc

import routerbench_utils as rbu


def main() -> None:
    tracemalloc.start()
    start = time.perf_counter()
    raw = rbu.embedded_routerbench(seed=0, scale=1.0)
    generate = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    start = time.perf_counter()
    df = rbu.load(seed=0, scale=1.0, verbose=False)
    full = time.perf_counter() - start
    table = rbu.calibration_table(df)
    worst = table.assign(e=table["error"].abs()).groupby("quantity")["e"].max()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"prompts: {len(raw):,}, frame memory: {raw.memory_usage(deep=True).sum() / 2**20:.0f} MiB")
    print(f"generate: {generate:.2f} s (target < 10 s), peak traced allocation {peak / 2**20:.0f} MiB")
    print(f"load() incl. repair: {full:.2f} s; process max RSS {rss:.0f} MiB (target < 1024 MiB)")
    print("worst calibration errors (score/oracle absolute, cost relative, no_model_correct count):")
    print(worst.to_string())


if __name__ == "__main__":
    main()
