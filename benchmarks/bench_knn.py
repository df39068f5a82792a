"""KNN routers at scale: fit and curve on 10^5 training x 10^5 test prompts.

Run: .venv/bin/python benchmarks/bench_knn.py [--train 100000] [--test 100000]
     [--before DIR]

Not a test: prints times and memory. The prompts come from the embedded data of as many seeds as
it takes (the official split per dataset at 50%, then the first ``--train`` and ``--test`` rows),
written once to a temporary folder. Each case runs in a fresh interpreter (see
``_measure.py``: wall and CPU seconds, and the peak of resident memory above the data's):

- ``KNN k=40``: ``KNNRouter(40).fit(train)`` then ``.curve(test)`` (32 willingness-to-pay values);
- ``KNN k=5, 10, 40``: the three KNN routers of a comparison, fitted and swept one after the other
  (they share the embedding and one neighbour search);
- ``brute force`` (the reference the ratios use): scikit-learn's
  ``NearestNeighbors(metric="cosine", algorithm="brute").kneighbors`` for k = 40 on the same features,
  computed before the clock starts;
- ``before: ...``: with ``--before DIR``, the same cases with the package found in ``DIR`` (e.g.
  ``git archive <commit> routerbench_utils | tar -x -C DIR``).

Target (issue 15): KNN k = 40, fit plus curve, under 15 s and 1.5 GB.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import gb, measure, report, run_case  # noqa: E402


def write_data(folder: Path, n_train: int, n_test: int) -> None:
    """The embedded data of as many seeds as it takes (ids prefixed by the seed), split per dataset."""
    import math

    import pandas as pd

    import routerbench_utils as rbu

    full = len(rbu.load(verbose=False))
    frames = [rbu.load(seed=s, verbose=False).assign(sample_id=lambda d, s=s: f"{s}:" + d["sample_id"])
              for s in range(math.ceil(1.05 * (n_train + n_test) / full))]
    train, test = rbu.official_split(pd.concat(frames, ignore_index=True), train_fraction=0.5)
    if len(train) < n_train or len(test) < n_test:
        raise SystemExit(f"only {len(train)} training and {len(test)} test prompts")
    train.iloc[:n_train].to_pickle(folder / "train.pkl")
    test.iloc[:n_test].to_pickle(folder / "test.pkl")


def case(name: str, folder: str) -> None:
    import pandas as pd

    import routerbench_utils as rbu

    train, test = pd.read_pickle(Path(folder) / "train.pkl"), pd.read_pickle(Path(folder) / "test.pkl")
    times: dict[str, float] = {}
    if name.endswith("brute force"):
        from sklearn.neighbors import NearestNeighbors

        embedder = rbu.embed.TfidfSvdEmbedder()
        x_train = embedder.fit(train["prompt"].tolist()).transform(train["prompt"].tolist())
        x_test = embedder.transform(test["prompt"].tolist())

        def call() -> None:
            NearestNeighbors(n_neighbors=40, metric="cosine", algorithm="brute").fit(x_train).kneighbors(
                x_test, return_distance=False)
    else:
        ks = [40] if name.endswith("k=40") else [5, 10, 40]

        def call() -> None:
            for k in ks:
                start = time.perf_counter()
                router = rbu.KNNRouter(k).fit(train)
                times[f"fit k={k}"] = time.perf_counter() - start
                start = time.perf_counter()
                router.curve(test)
                times[f"curve k={k}"] = time.perf_counter() - start
    report({**measure(call), **times})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=100_000)
    parser.add_argument("--test", type=int, default=100_000)
    parser.add_argument("--before", help="a folder holding an older routerbench_utils to time as 'before'")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case(*args.case)
        return
    folder = Path(tempfile.mkdtemp(prefix="routerbench-knn-"))
    try:
        start = time.perf_counter()
        write_data(folder, args.train, args.test)
        print(f"{args.train:,} training x {args.test:,} test prompts of the embedded data "
              f"(generated in {time.perf_counter() - start:.0f} s)")
        names = ["brute force", "KNN k=40", "KNN k=5, 10, 40"]
        results = {n: run_case(__file__, n, str(folder)) for n in names}
        if args.before:
            env = dict(os.environ, PYTHONPATH=str(Path(args.before).resolve()))
            for n in names[1:]:
                done = subprocess.run([sys.executable, __file__, "--case", n, str(folder)], env=env,
                                      capture_output=True, text=True, check=True)
                import json

                results[f"before: {n}"] = json.loads(done.stdout.strip().splitlines()[-1])
        ref = results["brute force"]
        print(f"{'case':<24} {'wall s':>8} {'CPU s':>8} {'x ref (CPU)':>12} {'peak':>9}  parts (wall s)")
        for n, r in results.items():
            parts = ", ".join(f"{k} {v:.1f}" for k, v in r.items() if k.startswith(("fit", "curve")))
            print(f"{n:<24} {r['seconds']:8.1f} {r['cpu_seconds']:8.1f} "
                  f"{r['cpu_seconds'] / ref['cpu_seconds']:12.2f} {gb(r['peak_bytes']):>9}  {parts}")
        mine = results["KNN k=40"]
        print(f"target: fit + curve under 15 s and 1.5 GB -> {mine['seconds']:.1f} s wall "
              f"({mine['cpu_seconds']:.1f} s CPU), {gb(mine['peak_bytes'])}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
