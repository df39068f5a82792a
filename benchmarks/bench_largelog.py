"""Cost-quality points, Zero router and AIQ of a routing log larger than memory, from Parquet.

Run: .venv/bin/python benchmarks/bench_largelog.py [--rows 100000000] [--dir DIR] [--before]

Not a test: prints times and memory. Writes a long routing log of ``--rows`` rows (prompts x the 11
models, one Parquet file per 10^7 rows, rows grouped by prompt; ``sample_id``, ``eval_name``,
``model``, ``quality``, ``cost``) to ``--dir`` (kept, and reused when it already holds a log of that
size) or to a temporary folder. Then, each in a fresh interpreter (see ``_measure.py``):

- ``largelog``: ``rbu.largelog.model_points`` with every check (missing values, ranges, one row per
  prompt and model, one eval_name per prompt), then ``rbu.zero_router_curve`` and ``rbu.aiq`` per
  dataset on the points it returns;
- ``largelog, no pair check``: the same with ``check_pairs=False`` (one pass over the files);
- ``bare GROUP BY`` (the reference the ratios use): DuckDB runs ``points_sql`` on the files, with no
  check and no ordering;
- ``pandas`` (with ``--before``): what a log needed before: read the whole Parquet into pandas,
  ``long_to_wide``, ``model_points``. Only sensible up to about 10^7 rows.

Target (issue 15): 10^8 rows in under 60 s and under 4 GB.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _measure import gb, measure, report, run_case  # noqa: E402

ROWS_PER_FILE = 10_000_000


def write_log(folder: Path, rows: int, seed: int = 0) -> None:
    """``rows`` rows (rounded down to whole prompts) as Parquet files of at most 10^7 rows."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    import routerbench_utils as rbu

    models = list(rbu.catalog.MODELS)
    datasets = list(rbu.catalog.DATASETS)
    k = len(models)
    rng = np.random.default_rng(seed)
    # a (dataset, model) table of scores and mean costs, so that the frontier has a shape
    p_correct = rng.uniform(0.3, 0.9, (len(datasets), k))
    mean_cost = np.exp(rng.uniform(np.log(1e-5), np.log(1e-2), k))
    prompts_per_file = ROWS_PER_FILE // k
    n_prompts = rows // k
    folder.mkdir(parents=True, exist_ok=True)
    for f, start in enumerate(range(0, n_prompts, prompts_per_file)):
        stop = min(start + prompts_per_file, n_prompts)
        prompt = np.repeat(np.arange(start, stop), k)
        model = np.tile(np.arange(k), stop - start)
        task = prompt % len(datasets)
        ids = pc.binary_join_element_wise(pa.array(np.full(stop - start, "prompt")),
                                          pa.array(np.arange(start, stop).astype(str)), ".")
        table = pa.table({
            "sample_id": ids.take(pa.array(np.repeat(np.arange(stop - start), k))),
            "eval_name": pa.array(datasets).take(pa.array(task)),
            "model": pa.array(models).take(pa.array(model)),
            "quality": (rng.random(len(prompt)) < p_correct[task, model]).astype(float),
            "cost": mean_cost[model] * rng.lognormal(0.0, 0.5, len(prompt)),
        })
        pq.write_table(table, folder / f"log-{f:04d}.parquet", row_group_size=1_000_000)


def log_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(folder.glob("*.parquet")))


def case(name: str, folder: str) -> None:
    import routerbench_utils as rbu

    files = sorted(str(p) for p in Path(folder).glob("*.parquet"))

    def frontier(points) -> None:
        rbu.zero_router_curve(points)
        for _, part in points.groupby("dataset", sort=False):
            rbu.aiq(part["cost"], part["quality"])

    if name == "largelog":
        call = lambda: frontier(rbu.largelog.model_points(files))  # noqa: E731
    elif name == "largelog, no pair check":
        call = lambda: frontier(rbu.largelog.model_points(files, check_pairs=False))  # noqa: E731
    elif name == "bare GROUP BY":
        def call() -> None:
            import duckdb

            con = duckdb.connect(config={"memory_limit": "2GB", "temp_directory": tempfile.gettempdir()})
            con.execute(f"CREATE VIEW log AS SELECT * FROM read_parquet({files!r})")
            con.execute(rbu.largelog.points_sql("log")).df()
    else:
        def call() -> None:
            import pandas as pd

            frontier(rbu.model_points(rbu.long_to_wide(pd.read_parquet(folder))))
    report(measure(call))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e8)
    parser.add_argument("--dir", help="keep the log here (reused if it holds --rows rows)")
    parser.add_argument("--before", action="store_true", help="also time the in-memory pandas path")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case(*args.case)
        return
    rows = int(args.rows)
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="routerbench-log-"))
    try:
        if not folder.exists() or log_rows(folder) != rows // 11 * 11:
            shutil.rmtree(folder, ignore_errors=True)
            write = measure(lambda: write_log(folder, rows))
            print(f"wrote the log in {write['seconds']:.0f} s")
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        print(f"log: {log_rows(folder):,} rows in {len(list(folder.glob('*.parquet')))} Parquet files, "
              f"{gb(size)} on disk")
        names = ["bare GROUP BY", "largelog, no pair check", "largelog"] + (["pandas"] if args.before else [])
        results = {n: run_case(__file__, n, str(folder)) for n in names}
        ref = results["bare GROUP BY"]
        print(f"{'case':<24} {'wall s':>8} {'CPU s':>8} {'x ref (wall)':>13} {'peak':>9}")
        for n, r in results.items():
            print(f"{n:<24} {r['seconds']:8.1f} {r['cpu_seconds']:8.1f} "
                  f"{r['seconds'] / ref['seconds']:13.2f} {gb(r['peak_bytes']):>9}")
        mine = results["largelog"]
        print(f"target: under 60 s and 4 GB -> {mine['seconds']:.1f} s, {gb(mine['peak_bytes'])}")
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
