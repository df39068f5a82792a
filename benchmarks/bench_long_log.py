"""Time and peak memory of ``long_to_wide`` on a production-size routing log.

Run: .venv/bin/python benchmarks/bench_long_log.py [--prompts 1000000] [--shuffled]
     [--before path/to/old/convert.py]

Not a test: prints times and memory. The log has one row per (prompt, model): 10^6 prompts x the 11
models = 11 million rows by default, with ``sample_id``, ``eval_name``, ``model``, ``quality`` and
``cost``, strings stored as pandas stores them (Arrow-backed ``str``). Rows come grouped by prompt
(a log written as each prompt's answers come back); ``--shuffled`` puts them in random order.

Each case runs in a fresh interpreter that builds the log, then measures one call (see
``_measure.py``): wall and CPU seconds, and the peak of resident memory above the log's own. Cases:

- ``long_to_wide``: the package's converter, with every check it runs (missing values, numbers,
  ranges, repeated and missing pairs, one eval_name per prompt) and the Oracle column;
- ``numpy pivot`` (the reference the ratios use): factorise both keys, scatter quality and cost
  into a prompts x models array; no check at all;
- ``pandas pivot``: ``DataFrame.pivot``, no check;
- ``before``: with ``--before FILE``, the ``long_to_wide`` of an older ``convert.py`` (e.g.
  ``git show 27fc462:routerbench_utils/data/convert.py > /tmp/old_convert.py``).

Targets (issue 15): 11M rows in under 2 s, peak memory under 1.5x the log's size.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent))
from _measure import gb, measure, report, run_case  # noqa: E402

N_MODELS = 11


def make_log(n_prompts: int, shuffled: bool = False, seed: int = 0) -> pd.DataFrame:
    """A routing log of ``n_prompts`` x 11 models (built through Arrow: no Python loop over rows)."""
    import routerbench_utils as rbu

    rng = np.random.default_rng(seed)
    names = pa.array(list(rbu.catalog.MODELS))
    datasets = pa.array(list(rbu.catalog.DATASETS))
    prompt = np.repeat(np.arange(n_prompts), N_MODELS)
    model = np.tile(np.arange(N_MODELS), n_prompts)
    if shuffled:
        order = rng.permutation(len(prompt))
        prompt, model = prompt[order], model[order]
    ids = pa.compute.binary_join_element_wise(
        pa.array(np.full(n_prompts, "prompt")), pa.array(np.arange(n_prompts).astype(str)), ".")
    table = pa.table({
        "sample_id": ids.take(pa.array(prompt)),
        "eval_name": datasets.take(pa.array(prompt % len(datasets))),
        "model": names.take(pa.array(model)),
        "quality": (rng.random(len(prompt)) < 0.6).astype(float),
        "cost": rng.lognormal(-7, 1, len(prompt)),
    })
    return table.to_pandas()


def numpy_pivot(log: pd.DataFrame) -> np.ndarray:
    """The reference: factorise, then scatter quality and cost into (prompts, models, 2)."""
    prompt, ids = pd.factorize(log["sample_id"])
    model, names = pd.factorize(log["model"])
    out = np.full((len(ids), len(names), 2), np.nan)
    flat = out.reshape(-1, 2)
    cell = prompt * len(names) + model
    flat[cell, 0] = log["quality"].to_numpy()
    flat[cell, 1] = log["cost"].to_numpy()
    return out


def pandas_pivot(log: pd.DataFrame) -> pd.DataFrame:
    return log.pivot(index="sample_id", columns="model", values=["quality", "cost"])


def case(name: str, n_prompts: int, shuffled: bool, before: str | None) -> None:
    import routerbench_utils as rbu

    log = make_log(n_prompts, shuffled)
    size = int(log.memory_usage(deep=True).sum())
    if name == "long_to_wide":
        call = lambda: rbu.long_to_wide(log)  # noqa: E731
    elif name == "numpy pivot":
        call = lambda: numpy_pivot(log)  # noqa: E731
    elif name == "pandas pivot":
        call = lambda: pandas_pivot(log)  # noqa: E731
    else:
        spec = importlib.util.spec_from_file_location("routerbench_utils.data._before", before)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        call = lambda: module.long_to_wide(log)  # noqa: E731
    report({**measure(call), "log_bytes": size, "rows": len(log)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=1_000_000)
    parser.add_argument("--shuffled", action="store_true")
    parser.add_argument("--before", help="a convert.py whose long_to_wide to time as 'before'")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        name, prompts, shuffled, before = args.case
        case(name, int(prompts), shuffled == "1", before or None)
        return
    names = ["numpy pivot", "long_to_wide", "pandas pivot"] + (["before"] if args.before else [])
    results = {n: run_case(__file__, n, str(args.prompts), str(int(args.shuffled)), args.before or "")
               for n in names}
    ref = results["numpy pivot"]
    log_bytes = ref["log_bytes"]
    order = "shuffled" if args.shuffled else "grouped by prompt"
    print(f"log: {ref['rows']:,} rows ({args.prompts:,} prompts x {N_MODELS} models, {order}), "
          f"{gb(log_bytes)} in memory")
    print(f"{'case':<14} {'wall s':>8} {'CPU s':>8} {'x ref (CPU)':>12} {'peak':>9} {'x log':>6}")
    for n, r in results.items():
        print(f"{n:<14} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} "
              f"{r['cpu_seconds'] / ref['cpu_seconds']:12.2f} {gb(r['peak_bytes']):>9} "
              f"{r['peak_bytes'] / log_bytes:6.2f}")
    mine = results["long_to_wide"]
    print(f"targets: under 2 s -> {mine['seconds']:.2f} s wall, {mine['cpu_seconds']:.2f} s CPU; "
          f"peak under 1.5x the log -> {mine['peak_bytes'] / log_bytes:.2f}x")


if __name__ == "__main__":
    main()
