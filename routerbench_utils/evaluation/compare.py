"""Fit, sweep and compare routers per dataset (chapter "All routers compared")."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from sklearn.base import clone

from ..catalog import DATASETS
from ..data import cost_matrix, dataset_column, models, score_matrix, validate
from ..errors import RouterBenchDataError
from ..metrics import aiq, bootstrap_aiq, cost_to_reach, interval, saving_ci
from ..routers import (CascadeRouter, ClassifierRouter, KNNRouter, MLPRouter, OracleRouter, Router, SVMRouter,
                      ZeroRouter)


#: The label of the comparison's baseline: the Zero router as the hull of the models' own test
#: points (the routed Zero router, ``ZeroRouter``, learns its hull on the training rows instead).
TEST_HULL = "Zero (test hull)"
#: What a missing value looks like in a printed table (an em dash).
MISSING = "\u2014"


def default_routers(seed: int = 0) -> dict[str, Router]:
    """The book's line-up of routers, unfitted: the Oracle, the routed Zero router, KNN (k = 5, 10, 40),
    two MLPs, a linear SVM, three cascades (judge error 0, 0.05, 0.2) and the GPT-4-vs-Mixtral classifier.

    :func:`routerbench_utils.compare_routers` uses it when given no routers, and clones each router per
    dataset, so the same dictionary can be passed to several comparisons.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    seed : int, default 0
        The ``seed`` of every router (random mixes, embeddings, network weights, judge errors).

    Returns
    -------
    dict of str to Router
        Display name (e.g. ``"KNN k=40"``, ``"Cascade e=0.05"``) -> unfitted router, in the order of the
        tables.
    """
    return {
        "Oracle": OracleRouter(),
        "Zero (routed)": ZeroRouter(seed=seed),
        "KNN k=5": KNNRouter(5, seed=seed),
        "KNN k=10": KNNRouter(10, seed=seed),
        "KNN k=40": KNNRouter(40, seed=seed),
        "MLP (100)": MLPRouter((100,), seed=seed),
        "MLP (100, 100)": MLPRouter((100, 100), seed=seed),
        "SVM (linear)": SVMRouter(seed=seed),
        "Cascade e=0": CascadeRouter(0.0, seed=seed),
        "Cascade e=0.05": CascadeRouter(0.05, seed=seed),
        "Cascade e=0.2": CascadeRouter(0.2, seed=seed),
        "Classifier (GPT-4 vs Mixtral)": ClassifierRouter(seed=seed),
    }


def _fresh(label: str, router) -> Router:
    """An unfitted copy of ``router``, a Router instance."""
    if isinstance(router, Router):
        return clone(router)
    raise RouterBenchDataError(
        f"routers[{label!r}]: expected a Router instance such as rbu.KNNRouter(k=40), got {router!r}")


def compare_routers(train: pd.DataFrame, test: pd.DataFrame,
                    routers: Mapping[str, Router] | None = None,
                    datasets: list[str] | None = None, n_boot: int = 200, seed: int = 0,
                    variant: str = "paper") -> dict[str, pd.DataFrame]:
    """Fit a fresh copy of every router (``sklearn.base.clone``) on each dataset's training rows, sweep
    it on the test rows, and score it.

    The Zero router of the comparison (``"Zero (test hull)"``, :data:`routerbench_utils.evaluation.compare.TEST_HULL`)
    is the hull of the models' own test points. Every curve of a dataset is scored over one shared range
    :math:`[c_{min}, c_{max}]`, the cheapest to the dearest model's mean cost on its test rows:

    .. math::

        \\mathrm{AIQ}(R) = \\frac{1}{c_{max} - c_{min}} \\int_{c_{min}}^{c_{max}} \\tilde f_R(c)\\,dc,
        \\qquad \\Delta(R) = \\mathrm{AIQ}(R) - \\mathrm{AIQ}(\\mathrm{Zero}),

    with :math:`\\tilde f_R` the non-decreasing convex hull of router :math:`R`'s points (``variant``
    ``"paper"``; see :func:`routerbench_utils.aiq` for ``"official"``). Intervals come from ``n_boot``
    resamples of the test prompts (seeded): every curve of a dataset is resampled on the same prompts, so
    a router's samples minus the Zero router's are paired differences. The saving at matched quality is
    :math:`S = c^* / c_R(q^*)`, the best single model's cost over the cheapest cost at which the router
    reaches its quality (:func:`routerbench_utils.saving_ci`).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    train, test : DataFrame
        RouterBench-format training and test rows (e.g. :func:`routerbench_utils.official_split`); every
        dataset compared needs rows on both sides.
    routers : mapping of str to Router, optional
        Display name -> router (fitted or not: each is cloned, so the originals are left as they are).
        Default :func:`routerbench_utils.evaluation.compare.default_routers` with ``seed``.
    datasets : list of str, optional
        The datasets to compare, in this order. Default: every dataset of ``test``, the paper's seven in
        the paper's order first.
    n_boot : int, default 200
        Bootstrap resamples of the test prompts for the intervals.
    seed : int, default 0
        Seed of the resamples (and of the default routers).
    variant : {"paper", "official"}
        The AIQ formula, as in :func:`routerbench_utils.aiq`.

    Returns
    -------
    dict of str to DataFrame
        ``{"curves": ..., "aiq": ..., "savings": ...}``:

        - ``curves``: one row per (dataset, router, param) with ``cost`` and ``quality``, the Zero
          router's rows (one per model) first;
        - ``aiq``: per (dataset, router) ``aiq`` with its bootstrap interval (``low``, ``high``), and the
          paired difference to the Zero router ``vs_zero`` with its interval (``vs_zero_low``,
          ``vs_zero_high``);
        - ``savings``: per (dataset, router) the best single model on the test rows (``best_model``,
          ``best_quality``, ``best_cost``; the cheapest of those tied at the top), the cheapest cost at
          which the router reaches its quality (``cost_to_match``), the ratio ``saving`` (NaN where the
          router never reaches it) and, from :func:`routerbench_utils.saving_ci` on the same resamples
          as the AIQ intervals, its interval (``saving_low``, ``saving_high``; a resample where the
          router never reaches the best quality counts as 0), the share of resamples where it reaches it
          (``reached``) and the share whose best model is the full sample's (``same_best``: how fragile
          "matched quality" is).

    Raises
    ------
    RouterBenchDataError
        If ``routers`` is empty or holds something that is not a :class:`routerbench_utils.Router`; a
        dataset compared has no training or no test rows; either frame lacks ``eval_name`` or fails
        validation (missing columns, out-of-range scores, negative costs); or a router's own ``fit``
        refuses the training rows (e.g. a cascade's error rate outside [0, 1]).
    """
    routers = default_routers(seed) if routers is None else routers
    if not routers:
        raise RouterBenchDataError("routers: expected at least one router")
    validate(train, source="train")  # an empty or broken split would otherwise give an empty table
    validate(test, source="test")
    train_ds, test_ds = dataset_column(train).to_numpy(), dataset_column(test).to_numpy()
    present = list(pd.unique(test_ds))
    names = datasets if datasets is not None else (
        [d for d in DATASETS if d in present] + [d for d in present if d not in DATASETS])
    curve_rows, aiq_rows, saving_rows = [], [], []
    for name in names:
        tr, te = train[train_ds == name], test[test_ds == name]
        if len(tr) == 0 or len(te) == 0:
            raise RouterBenchDataError(f"dataset {name!r}: no training or no test rows")
        zero_cost, zero_quality = cost_matrix(te).T, score_matrix(te).T  # one row per model
        lo, hi = float(zero_cost.mean(axis=1).min()), float(zero_cost.mean(axis=1).max())
        entries = {TEST_HULL: (models(te), zero_cost, zero_quality)}
        for label, router in routers.items():
            entries[label] = _fresh(label, router).fit(tr).outcomes(te)
        # One bootstrap per curve; every curve of a dataset is resampled on the same prompts (one seed,
        # one prompt count), so a router's samples minus the Zero router's are the paired differences.
        samples = {label: bootstrap_aiq(c, q, n_boot=n_boot, seed=seed, c_min=lo, c_max=hi, variant=variant)
                   for label, (_, c, q) in entries.items()}
        zero_aiq = aiq(zero_cost.mean(axis=1), zero_quality.mean(axis=1), c_min=lo, c_max=hi, variant=variant)
        for label, (params, c, q) in entries.items():
            cost_mean, quality_mean = c.mean(axis=1), q.mean(axis=1)
            curve_rows += [(name, label, p, cm, qm) for p, cm, qm in zip(params, cost_mean, quality_mean)]
            estimate = aiq(cost_mean, quality_mean, c_min=lo, c_max=hi, variant=variant)
            ci = interval(estimate, samples[label])
            diff = interval(estimate - zero_aiq, samples[label] - samples[TEST_HULL])
            aiq_rows.append((name, label, ci["aiq"], ci["low"], ci["high"], diff["aiq"], diff["low"], diff["high"]))
            # The saving at the best model's quality, bootstrapped on the AIQ's resamples (same seed).
            saved = saving_ci(c, q, zero_cost, zero_quality, n_boot=n_boot, seed=seed)
            reach = cost_to_reach(cost_mean, quality_mean, saved["best_quality"])
            saving_rows.append((name, label, models(te)[saved["best"]], saved["best_quality"], saved["best_cost"],
                                reach, saved["saving"], saved["low"], saved["high"], saved["reached"],
                                saved["same_best"]))
    return {
        "curves": pd.DataFrame(curve_rows, columns=["dataset", "router", "param", "cost", "quality"]),
        "aiq": pd.DataFrame(aiq_rows, columns=["dataset", "router", "aiq", "low", "high",
                                               "vs_zero", "vs_zero_low", "vs_zero_high"]),
        "savings": pd.DataFrame(saving_rows, columns=["dataset", "router", "best_model", "best_quality",
                                                      "best_cost", "cost_to_match", "saving", "saving_low",
                                                      "saving_high", "reached", "same_best"]),
    }


def interval_table(table: pd.DataFrame, value: str = "aiq", low: str = "low", high: str = "high",
                   digits: int = 3) -> pd.DataFrame:
    """Pivot a ``compare_routers(...)['aiq']`` frame to routers x datasets with ``'est [low, high]'``
    cells, rows and columns in the order they first appear.

    Numbers are rounded to ``digits`` places (a rounded zero prints without a sign). A NaN estimate
    (e.g. a saving the router never reaches) becomes an em dash; a (dataset, router)
    pair absent from ``table`` is NaN in the pivot (``rbu.show_table`` shows it as a dash too).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    table : DataFrame
        Long rows with columns ``dataset``, ``router`` and the three named below, e.g.
        ``compare_routers(...)["aiq"]`` or ``["savings"]``.
    value, low, high : str
        The columns of the estimate and its interval: ``"aiq", "low", "high"`` (default), or e.g.
        ``"vs_zero", "vs_zero_low", "vs_zero_high"`` or ``"saving", "saving_low", "saving_high"``.
    digits : int, default 3
        Decimal places.

    Returns
    -------
    DataFrame
        One row per router, one column per dataset, string cells ``"0.712 [0.701, 0.724]"``.

    Raises
    ------
    KeyError
        If ``table`` lacks one of the columns ``dataset``, ``router``, ``value``, ``low``, ``high``.
    ValueError
        If ``table`` holds two rows for one (dataset, router) pair (pandas cannot pivot them).

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": ["mbpp"], "router": ["KNN k=40"], "aiq": [0.5],
    ...                      "low": [0.45], "high": [0.55]})
    >>> interval_table(rows).loc["KNN k=40", "mbpp"]
    '0.500 [0.450, 0.550]'
    """
    def fixed(x: float) -> str:
        return f"{round(float(x), digits) + 0.0:.{digits}f}"  # + 0.0: no '-0.000' on the page

    cells = [MISSING if pd.isna(v) else f"{fixed(v)} [{fixed(lo)}, {fixed(hi)}]"
             for v, lo, hi in zip(table[value], table[low], table[high])]
    wide = table.assign(cell=cells).pivot(index="router", columns="dataset", values="cell")
    return wide.loc[pd.unique(table["router"]), pd.unique(table["dataset"])]
