"""Time the non-decreasing convex hull and AIQ (run: .venv/bin/python benchmarks/bench_hull.py).

Not a test. Prints the hull's time on 10^3..10^6 random points, the ratio against a straightforward
reimplementation of the official RouterBench algorithm (for every point, test it against every chord
of two other points: cubic in n) at sizes where that still finishes, and AIQ over every dataset of the
full-size embedded data.
"""
from __future__ import annotations

import time

import numpy as np

import routerbench_utils as rbu


def naive_ndch(cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Reference: keep the points that no chord of two other points passes above, then the
    non-decreasing ones. Same frontier, O(n^3) Python loops, as in the official code's approach."""
    order = np.argsort(cost, kind="stable")
    c, q = cost[order], quality[order]
    n = len(c)
    keep = []
    for k in range(n):
        below = False
        for i in range(n):
            for j in range(i + 1, n):
                if c[i] < c[k] < c[j]:
                    chord = q[i] + (q[j] - q[i]) * (c[k] - c[i]) / (c[j] - c[i])
                    if q[k] < chord:
                        below = True
                        break
            if below:
                break
        if not below:
            keep.append(k)
    hull_c, hull_q = c[keep], q[keep]
    best = np.maximum.accumulate(hull_q)
    rising = np.concatenate([[True], hull_q[1:] > best[:-1]])
    return np.stack([hull_c[rising], hull_q[rising]], axis=1)


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    print("non-decreasing convex hull, uniform random points")
    print(f"{'n':>9} {'ours (s)':>10} {'naive (s)':>10} {'ratio':>8}")
    for n in (50, 100, 200, 400, 10**3, 10**4, 10**5, 10**6):
        c, q = rng.random(n), rng.random(n)
        ours = best_of(lambda: rbu.ndch(c, q))
        if n <= 400:
            naive = best_of(lambda: naive_ndch(c, q), repeats=1)
            reference = naive_ndch(c, q)
            hull = rbu.ndch(c, q)
            assert np.allclose(hull(reference[:, 0]), reference[:, 1])  # same frontier
            print(f"{n:>9} {ours:>10.5f} {naive:>10.3f} {naive / ours:>8.0f}x")
        else:
            print(f"{n:>9} {ours:>10.5f} {'-':>10} {'-':>8}")
    x = np.sort(rng.random(10**6))
    concave = best_of(lambda: rbu.ndch(x, np.sqrt(x)))
    print(f"worst case, 10^6 points all on a concave curve (every point a vertex): {concave:.3f} s")
    print("points on a concave curve (every point a vertex: the naive search cannot stop early)")
    for n in (50, 100, 200):
        xs = np.sort(rng.random(n))
        ours = best_of(lambda: rbu.ndch(xs, np.sqrt(xs)))
        naive = best_of(lambda: naive_ndch(xs, np.sqrt(xs)), repeats=1)
        print(f"{n:>9} {ours:>10.5f} {naive:>10.3f} {naive / ours:>8.0f}x")

    df = rbu.load(verbose=False)
    points = rbu.model_points(df)
    start = time.perf_counter()
    for name, part in points.groupby("dataset"):
        for variant in ("paper", "official"):
            rbu.aiq(part["cost"], part["quality"], variant=variant)
    print(f"Zero-router AIQ, both variants, all 7 datasets: {time.perf_counter() - start:.4f} s")


if __name__ == "__main__":
    main()
