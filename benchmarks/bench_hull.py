"""Time the non-decreasing convex hull and AIQ (run: .venv/bin/python benchmarks/bench_hull.py).

Not a test: it prints times and ratios. Four parts:

1. the hull on small random point sets against a straightforward reimplementation of the official
   RouterBench algorithm (every point tested against every chord of two other points: cubic in n);
2. pruning by passes alone (the previous algorithm: drop every point on or below the chord of its
   neighbours, repeat) on a family that defeats it, where it is quadratic, next to the hull;
3. the hull at 10^6 and 10^7 points of several families, with its time as a ratio to ``np.lexsort``
   and to ``np.argsort`` (by cost) of the same points. A sort is the lower bound of the hull's
   problem, so these ratios say what the hull costs beyond sorting. The points come in random
   order: on input already sorted by cost every sort is near-linear (it finds one run), so the
   ratios would only compare linear passes;
4. AIQ over every dataset of the full-size embedded data.

Families: points all on a concave curve are the best case of pruning by passes (one pass finds
nothing to drop), not the worst. The worst cases make points reflex one at a time, so that each pass
drops only the last point of a run: a concave curve followed by one high point; a convex-then-concave
(S-shaped) curve, whose concave half is cut from its start by the chord from the first point; concave
teeth, each cut from its start.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

import routerbench_utils as rbu

Points = tuple[np.ndarray, np.ndarray]


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


def passes_only(cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """The previous algorithm: sort, record highs, then whole-array pruning passes until none drops a
    point. Each pass is O(n), but a pass may drop a single point: O(n^2) at worst."""
    order = np.lexsort((-quality, cost))
    c, q = cost[order], quality[order]
    record = np.concatenate([[True], q[1:] > np.maximum.accumulate(q)[:-1]])
    c, q = c[record], q[record]
    keep = np.arange(c.size)
    while keep.size >= 3:
        x, y = c[keep], q[keep]
        cross = (x[1:-1] - x[:-2]) * (y[2:] - y[:-2]) - (y[1:-1] - y[:-2]) * (x[2:] - x[:-2])
        drop = np.concatenate([[False], cross >= 0, [False]])
        if not drop.any():
            break
        keep = keep[~drop]
    return np.stack([c[keep], q[keep]], axis=1)


def uniform(n: int) -> Points:
    rng = np.random.default_rng(n)
    return rng.random(n), rng.random(n)


def concave_curve(n: int) -> Points:
    """Every point a vertex: the best case of pruning by passes."""
    x = np.arange(1, n + 1) / n
    return x, np.sqrt(x)


def concave_then_high(n: int) -> Points:
    """A concave curve of n points, then one high point whose tangent touches the curve half way:
    passes drop one point each, n / 2 passes."""
    x = np.arange(1, n + 1) / n
    high = np.sqrt(0.5) + 1.5 / (2 * np.sqrt(0.5))  # the tangent at x = 0.5 passes through (2, high)
    return np.append(x, 2.0), np.append(np.sqrt(x), high)


def convex_then_concave(n: int) -> Points:
    """An S-curve (logistic): the hull runs from the first point to a tangent on the concave part."""
    x = np.arange(n) / n
    return x, 1 / (1 + np.exp(-12 * (x - 0.3)))


def teeth(n: int, width: int = 64) -> Points:
    """Concave teeth of ``width`` points along a concave curve, each falling back at its end."""
    i = np.arange(n, dtype=float)
    t = i % width
    return i / n, (4 * (2 * n * i - i**2) + (n // width) * t * (2 * width - t)) / n**2


def noisy_concave(n: int) -> Points:
    """Random costs, qualities near a concave curve: many short runs of reflex points."""
    rng = np.random.default_rng(n)
    x = rng.random(n)
    return x, np.sqrt(x) + rng.normal(0, 1e-4, n)


FAMILIES: dict[str, Callable[[int], Points]] = {
    "uniform random": uniform,
    "all on a concave curve (best case)": concave_curve,
    "concave + one high point": concave_then_high,
    "convex then concave": convex_then_concave,
    "concave teeth, 64 wide": teeth,
    "near a concave curve": noisy_concave,
}


def shuffled(points: Points) -> Points:
    c, q = points
    order = np.random.default_rng(1).permutation(c.size)
    return np.ascontiguousarray(c[order]), np.ascontiguousarray(q[order])


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def against_naive(rng: np.random.Generator) -> None:
    print("non-decreasing convex hull vs the official algorithm's approach (cubic), random points")
    print(f"{'n':>9} {'ours (s)':>10} {'naive (s)':>10} {'ratio':>8}")
    for n in (50, 100, 200, 400):
        c, q = rng.random(n), rng.random(n)
        ours = best_of(lambda: rbu.ndch(c, q))
        naive = best_of(lambda: naive_ndch(c, q), repeats=1)
        reference = naive_ndch(c, q)
        assert np.allclose(rbu.ndch(c, q)(reference[:, 0]), reference[:, 1])  # same frontier
        print(f"{n:>9} {ours:>10.5f} {naive:>10.3f} {naive / ours:>8.0f}x")
    print("points all on a concave curve (every point a vertex: the naive search cannot stop early)")
    for n in (50, 100, 200):
        xs = np.sort(rng.random(n))
        ours = best_of(lambda: rbu.ndch(xs, np.sqrt(xs)))
        naive = best_of(lambda: naive_ndch(xs, np.sqrt(xs)), repeats=1)
        print(f"{n:>9} {ours:>10.5f} {naive:>10.3f} {naive / ours:>8.0f}x")


def against_passes(sizes: tuple[int, ...]) -> None:
    print("\nconcave + one high point: pruning by passes alone (previous algorithm) vs the hull")
    print(f"{'n':>9} {'passes (s)':>11} {'hull (s)':>10} {'ratio':>8}")
    for n in sizes:
        c, q = shuffled(concave_then_high(n))
        old = best_of(lambda: passes_only(c, q), repeats=1)
        new = best_of(lambda: rbu.ndch(c, q))
        assert np.array_equal(passes_only(c, q), rbu.ndch(c, q).vertices().to_numpy())
        print(f"{n:>9} {old:>11.3f} {new:>10.4f} {old / new:>7.0f}x")


def against_sorts(sizes: tuple[int, ...]) -> None:
    print("\nthe hull vs sorting the same points (random input order; best of 3, of 1 at 10^7)")
    print(f"{'family':<36} {'n':>9} {'hull (s)':>9} {'lexsort':>8} {'argsort':>8} "
          f"{'/lexsort':>9} {'/argsort':>9}")
    for n in sizes:
        repeats = 3 if n <= 10**6 else 1
        for name, family in FAMILIES.items():
            c, q = shuffled(family(n))
            hull = best_of(lambda: rbu.ndch(c, q), repeats)
            lexsort = best_of(lambda: np.lexsort((-q, c)), repeats)
            argsort = best_of(lambda: np.argsort(c), repeats)
            print(f"{name:<36} {n:>9.0e} {hull:>9.3f} {lexsort:>8.3f} {argsort:>8.3f} "
                  f"{hull / lexsort:>8.2f}x {hull / argsort:>8.2f}x", flush=True)
    c, q = concave_then_high(10**6)
    hull = best_of(lambda: rbu.ndch(c, q))
    lexsort = best_of(lambda: np.lexsort((-q, c)))
    argsort = best_of(lambda: np.argsort(c))
    print(f"{'concave + one high point, sorted input':<36} {10**6:>9.0e} {hull:>9.3f} {lexsort:>8.3f} "
          f"{argsort:>8.3f} {hull / lexsort:>8.2f}x {hull / argsort:>8.2f}x  (sorts find one run)")


def aiq_on_embedded_data() -> None:
    df = rbu.load(verbose=False)
    points = rbu.model_points(df)
    start = time.perf_counter()
    for name, part in points.groupby("dataset"):
        for variant in ("paper", "official"):
            rbu.aiq(part["cost"], part["quality"], variant=variant)
    print(f"\nZero-router AIQ, both variants, all 7 datasets: {time.perf_counter() - start:.4f} s")


def main() -> None:
    quick = "--quick" in sys.argv  # skip 10^7 points and the slowest runs of the previous algorithm
    against_naive(np.random.default_rng(0))
    against_passes((10**3, 10**4) if quick else (10**3, 10**4, 3 * 10**4))
    against_sorts((10**6,) if quick else (10**6, 10**7))
    aiq_on_embedded_data()


if __name__ == "__main__":
    main()
