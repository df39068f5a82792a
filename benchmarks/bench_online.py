"""Time the online LinUCB replay on the full embedded data: every prompt (about 35k), 11 models.

Not a test (run: .venv/bin/python benchmarks/bench_online.py). Target: the paced stream of the whole
data in under 30 s on 2 cores. Two floors put the time in proportion: a plain numpy pass that
scores every model on every prompt with fixed linear estimates and takes the argmax (one matrix
product: no learning at all), and a Python loop doing the same prompt by prompt (the cost of
stepping through a stream one prompt at a time, before any learning). The embedding (TF-IDF and
SVD, fitted once on all prompts) is timed apart: it is shared with every other router.
"""
from __future__ import annotations

import time

import numpy as np

import routerbench_utils as rbu
from routerbench_utils.routers import online


def main() -> None:
    df = rbu.load(verbose=False)
    names = rbu.models(df)
    start = time.perf_counter()
    texts = df["prompt"].astype(str).tolist()
    embedder = rbu.embed.TfidfSvdEmbedder(random_state=0).fit(texts)
    features = embedder.transform(texts)
    print(f"embedding of {len(df):,} prompts (fit and transform, once): "
          f"{time.perf_counter() - start:.1f} s")

    order = online.stream_order(df, random_state=0)
    x = np.hstack([np.ones((len(df), 1)), features[order]])
    scores, costs = rbu.score_matrix(df, names)[order], rbu.cost_matrix(df, names)[order]
    n, k = scores.shape
    rho = 0.25 * costs.mean(axis=0).max()

    timings = {}
    for batch_size in (32, 1):
        pacer = online.BudgetPacer(rho * n, n).start(costs.max(axis=0))
        start = time.perf_counter()
        result = online.replay_stream(x, cost=costs, quality=scores, alpha=0.1, pacer=pacer, batch_size=batch_size)
        timings[batch_size] = time.perf_counter() - start
        assert result.cost.sum() <= rho * n
        print(f"paced LinUCB replay, {n:,} prompts x {k} models, batch {batch_size:>2}: "
              f"{timings[batch_size]:.2f} s ({1e6 * timings[batch_size] / n:.0f} us per prompt; "
              f"mean score {result.score.mean():.3f}, spent {result.cost.sum() / (rho * n):.2%} "
              "of the budget)")

    theta = result.coef_quality - result.price[-1] * result.coef_cost  # fixed estimates
    start = time.perf_counter()
    for _ in range(10):
        np.argmax(x @ theta.T, axis=1)
    vectorised = (time.perf_counter() - start) / 10
    start = time.perf_counter()
    for row in x:
        np.argmax(theta @ row)
    loop = time.perf_counter() - start
    print(f"floor, one numpy argmax over the models for all prompts: {1e3 * vectorised:.1f} ms")
    print(f"floor, a Python loop of one numpy argmax per prompt: {loop:.2f} s")
    for batch_size, seconds in timings.items():
        print(f"batch {batch_size:>2}: {seconds / vectorised:,.0f}x the vectorised floor, "
              f"{seconds / loop:.1f}x the per-prompt loop floor")


if __name__ == "__main__":
    main()
