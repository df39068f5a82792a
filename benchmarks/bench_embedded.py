"""Time and memory of generating the full-size embedded data (run: .venv/bin/python benchmarks/bench_embedded.py).

Not a test: prints wall time of generation (best of three; target < 2 s) and of the full `load()`
path, peak memory, the worst calibration errors of the means and, per dataset, how far the number of
models correct per prompt is from its target shape and the worst Oracle pick-share error.
"""
from __future__ import annotations

import resource
import time
import tracemalloc

import routerbench_utils as rbu
from routerbench_utils.embedded import shape_table


def main() -> None:
    times = []
    for _ in range(3):  # best of three: the machine is shared
        start = time.perf_counter()
        rbu.embedded_routerbench(random_state=0, scale=1.0)
        times.append(time.perf_counter() - start)
    generate = min(times)
    tracemalloc.start()
    raw = rbu.embedded_routerbench(random_state=0, scale=1.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    start = time.perf_counter()
    df = rbu.load(random_state=0, scale=1.0, verbose=False)
    full = time.perf_counter() - start
    table = rbu.embedded.calibration_table(df)
    worst = table.assign(e=table["error"].abs()).groupby("quantity")["e"].max()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"prompts: {len(raw):,}, frame memory: {raw.memory_usage(deep=True).sum() / 2**20:.0f} MiB")
    print(f"generate: {generate:.2f} s (best of 3; target < 2 s), peak traced allocation {peak / 2**20:.0f} MiB")
    print(f"load() incl. repair: {full:.2f} s; process max RSS {rss:.0f} MiB (target < 1024 MiB)")
    print("worst calibration errors (score/oracle absolute, cost relative, no_model_correct count):")
    print(worst.to_string())
    print("shape: total variation to the target histogram of models correct; worst Oracle pick-share error:")
    print(shape_table(df).to_string(index=False, float_format="{:.4f}".format))


if __name__ == "__main__":
    main()
