"""KNN routers at scale: fit and curve on 10^5 training x 10^5 test prompts, exact and approximate.

Run: .venv/bin/python benchmarks/bench_knn.py [--train 100000] [--test 100000] [--search exact ivf]
     [--sample 1000] [--before DIR]

Not a test: prints times and memory. The prompts come from the embedded data of as many seeds as
it takes (the official split per dataset at 50%, then the first ``--train`` and ``--test`` rows),
written once to a temporary folder. Each case runs in a fresh interpreter (see
``_measure.py``: wall and CPU seconds, and the peak of resident memory above the data's):

- ``KNN k=40``: ``KNNRouter(40).fit(train)`` then ``.curve(test)`` (32 willingness-to-pay values);
- ``KNN k=5, 10, 40``: the three KNN routers of a comparison, fitted and swept one after the other
  (they share the embedding and one neighbour search);
- ``... ivf``: the same with ``search="ivf"`` (faiss's inverted-file index, the ``scale`` extra), and
  after the clock stops, its recall@40: the share of the exact 40 nearest neighbours it finds, on
  ``--sample`` test prompts (the exact search of the sample only);
- ``brute force`` (the reference the ratios use): scikit-learn's
  ``NearestNeighbors(metric="cosine", algorithm="brute").kneighbors`` for k = 40 on the same features,
  computed before the clock starts;
- ``before: ...``: with ``--before DIR``, the exact cases with the package found in ``DIR`` (e.g.
  ``git archive <commit> routerbench_utils | tar -x -C DIR``).

With both searches, the routing result of each is compared: AIQ (paper variant) of the k = 40 curve
on the test prompts, both curves over the same cost range. ``--search ivf`` alone skips the exact KNN
cases (the slow ones at 10^5; the brute-force reference still runs).

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
    frames = [rbu.load(random_state=s, verbose=False)
              .assign(sample_id=lambda d, s=s: f"{s}:" + d["sample_id"])
              for s in range(math.ceil(1.05 * (n_train + n_test) / full))]
    train, test = rbu.official_split(pd.concat(frames, ignore_index=True), train_fraction=0.5)
    if len(train) < n_train or len(test) < n_test:
        raise SystemExit(f"only {len(train)} training and {len(test)} test prompts")
    train.iloc[:n_train].to_pickle(folder / "train.pkl")
    test.iloc[:n_test].to_pickle(folder / "test.pkl")


def case(name: str, folder: str, sample: str = "1000") -> None:
    import numpy as np
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
        report({**measure(call), **times})
        return
    search = "ivf" if name.endswith(" ivf") else "exact"
    ks = [40] if "k=40" in name and "k=5" not in name else [5, 10, 40]
    routers: dict[int, object] = {}
    curves: dict[int, pd.DataFrame] = {}

    def call() -> None:
        for k in ks:
            start = time.perf_counter()
            routers[k] = rbu.KNNRouter(k, search=search).fit(train) if search != "exact" else \
                rbu.KNNRouter(k).fit(train)  # as an older package without `search` takes it
            times[f"fit k={k}"] = time.perf_counter() - start
            start = time.perf_counter()
            curves[k] = routers[k].curve(test)
            times[f"curve k={k}"] = time.perf_counter() - start
    result = {**measure(call), **times,
              "curve": curves[40][["cost", "quality"]].to_numpy().tolist()}
    if search != "exact":  # recall@40 on a sample of test prompts, against the exact search
        from routerbench_utils.routers.neighbours import cosine_neighbours

        router = routers[40]
        x_train = router.estimator_.X_
        x_test = router.embedder_.transform(test["prompt"].tolist())  # the cached features
        found = cosine_neighbours(x_train, x_test, 40, search=search)  # the search the curve made
        rows = np.sort(np.random.default_rng(0).choice(len(test), min(int(sample), len(test)), replace=False))
        exact = cosine_neighbours(x_train, x_test[rows], 40)
        result["recall"] = float(np.mean([len(np.intersect1d(a, b)) for a, b in zip(found[rows], exact)]) / 40)
        result["recall_rows"] = len(rows)
    report(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=100_000)
    parser.add_argument("--test", type=int, default=100_000)
    parser.add_argument("--search", nargs="+", choices=["exact", "ivf"], default=["exact", "ivf"],
                        help="the KNN routers' neighbour searches to time (default both)")
    parser.add_argument("--sample", type=int, default=1000, help="test prompts of the recall check")
    parser.add_argument("--before", help="a folder holding an older routerbench_utils to time as 'before'")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case(*args.case)
        return
    import json

    import routerbench_utils as rbu

    folder = Path(tempfile.mkdtemp(prefix="routerbench-knn-"))
    try:
        start = time.perf_counter()
        write_data(folder, args.train, args.test)
        print(f"{args.train:,} training x {args.test:,} test prompts of the embedded data "
              f"(generated in {time.perf_counter() - start:.0f} s)", flush=True)
        names = ["brute force"]
        for search in args.search:
            suffix = "" if search == "exact" else f" {search}"
            names += [f"KNN k=40{suffix}", f"KNN k=5, 10, 40{suffix}"]
        results = {}
        for n in names:
            results[n] = run_case(__file__, n, str(folder), str(args.sample))
            print(f"  {n}: {results[n]['seconds']:.1f} s", flush=True)
        if args.before:
            env = dict(os.environ, PYTHONPATH=str(Path(args.before).resolve()))
            for n in [n for n in names[1:] if not n.endswith(" ivf")]:
                done = subprocess.run([sys.executable, __file__, "--case", n, str(folder), str(args.sample)],
                                      env=env, capture_output=True, text=True, check=True)
                results[f"before: {n}"] = json.loads(done.stdout.strip().splitlines()[-1])
        ref = results["brute force"]
        print(f"{'case':<24} {'wall s':>8} {'CPU s':>8} {'x ref (CPU)':>12} {'peak':>9} {'recall@40':>10}  "
              f"parts (wall s)")
        for n, r in results.items():
            parts = ", ".join(f"{k} {v:.1f}" for k, v in r.items() if k.startswith(("fit", "curve ")))
            found = f"{r['recall']:.4f}" if "recall" in r else ("exact" if n != "brute force" else "")
            print(f"{n:<24} {r['seconds']:8.1f} {r['cpu_seconds']:8.1f} "
                  f"{r['cpu_seconds'] / ref['cpu_seconds']:12.2f} {gb(r['peak_bytes']):>9} {found:>10}  {parts}")
        sampled = {r["recall_rows"] for r in results.values() if "recall_rows" in r}
        if sampled:
            print(f"recall@40: share of the exact 40 nearest found, on {max(sampled):,} sampled test prompts")
        if "KNN k=40" in results and "KNN k=40 ivf" in results:
            curves = {n: results[n]["curve"] for n in ("KNN k=40", "KNN k=40 ivf")}
            costs = [c for curve in curves.values() for c, _ in curve]
            aiqs = {n: rbu.aiq(*zip(*curve), c_min=min(costs), c_max=max(costs)) for n, curve in curves.items()}
            print(f"AIQ of the k=40 curve (one cost range): exact {aiqs['KNN k=40']:.5f}, ivf "
                  f"{aiqs['KNN k=40 ivf']:.5f}, difference {aiqs['KNN k=40 ivf'] - aiqs['KNN k=40']:+.5f}")
        for n in ("KNN k=40", "KNN k=40 ivf"):
            if n in results:
                mine = results[n]
                print(f"target: fit + curve under 15 s and 1.5 GB -> {n}: {mine['seconds']:.1f} s wall "
                      f"({mine['cpu_seconds']:.1f} s CPU), {gb(mine['peak_bytes'])}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
