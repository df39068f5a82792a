"""Time fitting and sweeping every router on every dataset of the full-size embedded data.

Not a test (run: .venv/bin/python benchmarks/bench_routers.py). Targets: every router on every dataset
in under 2 minutes; the cascade sweep (11 budgets x 8 error rates, all datasets) in under 10 s.
"""
from __future__ import annotations

import time

import routerbench_utils as rbu


def main() -> None:
    df = rbu.load(verbose=False)
    train, test = rbu.official_split(df)
    start = time.perf_counter()
    result = rbu.compare_routers(train, test, n_boot=1)
    routers = time.perf_counter() - start
    print(f"fit + sweep of {len(rbu.evaluation.default_routers())} routers on 7 datasets (1 bootstrap): {routers:.1f} s")

    train_ds, test_ds = rbu.data.dataset_column(train), rbu.data.dataset_column(test)
    start = time.perf_counter()
    for name in rbu.catalog.DATASETS:
        for eps in rbu.routers.ERROR_RATES:
            rbu.CascadeRouter(eps).fit(train[train_ds == name]).curve(test[test_ds == name])
    print(f"cascade sweep, 11 budgets x 8 error rates x 7 datasets: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    rbu.compare_routers(train, test, n_boot=200)
    print(f"the same comparison with 200 bootstrap resamples per router: {time.perf_counter() - start:.1f} s")
    table = result["aiq"].pivot(index="router", columns="dataset", values="vs_zero").round(3)
    print(table.to_string())


if __name__ == "__main__":
    main()
