"""One evaluation engine: every comparison of the book as one tidy table of estimates with intervals
(chapters "All routers compared", "Cascade routing", "Online routing under partial feedback", "Routing
collapse, the plateau, and metrics that disagree").

Every function here scores curves (per-prompt cost and quality matrices, one row per setting of a
router's knob) over one shared cost range, the cheapest to the dearest model's mean cost, and takes its
intervals from one bootstrap path, :func:`routerbench_utils.metrics.bootstrap_aiq` and
:func:`routerbench_utils.saving_ci` on the resamples of
:func:`routerbench_utils.metrics.resample_weights`: every curve is resampled on the same prompts, so a
difference of two curves' samples is a paired difference. The result is one table, :data:`COLUMNS`:

- ``dataset``, ``router`` and ``setting`` (what was scored; ``setting`` is, e.g., the number of prompts
  an online router had seen);
- ``metric``: ``aiq``; ``aiq_gain`` (the router minus ``baseline``, paired); ``saving`` (the best
  single model's cost over the router's cost at that quality); and, from :func:`metric_estimates`, the
  other headline metrics of the collapse chapter (:data:`METRICS`: ``aiq_official``, ``apgr_hull``,
  ``apgr_raw``, ``cpt_50``, ``regret``);
- ``estimate``, ``low``, ``high``: the full-sample value and its percentile interval;
- ``baseline``: the curve a paired difference is taken against (missing, NaN, for the other metrics);
- ``resampling``: the resampling behind the interval, e.g. ``"paired bootstrap: 200 resamples of 120
  prompts, random_state=0"``.

The wide tables of the chapters (:func:`compare_routers`, :func:`compare_on_plane`,
:func:`aiq_learning_curve`, :func:`~routerbench_utils.evaluation.collapse.metric_table`) are reshapes of it.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import clone

from .. import _checks
from .._deprecated import renamed_keywords
from ..catalog import DATASETS
from ..data import cost_matrix, dataset_column, models, score_matrix, validate
from ..errors import RouterBenchDataError
from ..metrics import aiq, apgr, bootstrap_aiq, cost_to_reach, cpt, interval, resample_weights, saving_ci
from ..routers import Router
from .compare import TEST_HULL, default_routers

#: The columns of every table of the engine, in order.
COLUMNS = ["dataset", "router", "setting", "metric", "estimate", "low", "high", "baseline", "resampling"]


def resampling(n_boot: int, n_prompts: int, random_state: int) -> str:
    """The text of the ``resampling`` column: which bootstrap gave an interval.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    n_boot : int
        Resamples (0: no interval).
    n_prompts : int
        Prompts per resample.
    random_state : int
        Seed of the resamples.

    Returns
    -------
    str

    Examples
    --------
    >>> resampling(200, 120, 0)
    'paired bootstrap: 200 resamples of 120 prompts, random_state=0'
    >>> resampling(0, 120, 0)
    'none'
    """
    if not n_boot:
        return "none"
    return f"paired bootstrap: {int(n_boot)} resamples of {int(n_prompts)} prompts, random_state={random_state}"


def _matrices(curves: Mapping[str, tuple]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for name, pair in curves.items():
        if len(pair) == 3:  # (settings, cost, quality), as Router.outcomes returns it
            pair = pair[1:]
        c, q = pair
        out[name] = (np.atleast_2d(np.asarray(c, dtype=float)), np.atleast_2d(np.asarray(q, dtype=float)))
    return out


def paired_samples(curves: Mapping[str, tuple], c_min: float, c_max: float, n_boot: int = 200,
                   random_state: int = 0, variant: str = "paper") -> tuple[dict, dict]:
    """Every curve's AIQ and its bootstrap samples, all resampled on the same prompts.

    .. math:: \\mathrm{AIQ}_b(R) = \\frac{1}{c_{max} - c_{min}} \\int_{c_{min}}^{c_{max}}
        \\tilde f_{R, b}(c)\\,dc,

    with :math:`\\tilde f_{R, b}` the hull of router :math:`R`'s curve on resample :math:`b`; one random_state and
    one prompt count give every curve the same resamples, so :math:`\\mathrm{AIQ}_b(R) -
    \\mathrm{AIQ}_b(S)` is a paired difference.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    curves : mapping of str to (cost, quality) or (settings, cost, quality)
        Per-prompt matrices of shape (settings, prompts) (e.g. ``router.outcomes(test)``).
    c_min, c_max : float
        The shared cost range.
    n_boot : int, default 200
        Resamples.
    random_state : int, default 0
        Seed of the resamples.
    variant : {"paper", "official"}
        The AIQ formula, as in :func:`routerbench_utils.aiq`.

    Returns
    -------
    estimates : dict of str to float
        Full-sample AIQ per curve.
    samples : dict of str to ndarray of shape (n_boot,)
        Bootstrap AIQ per curve.

    Raises
    ------
    RouterBenchDataError
        As :func:`routerbench_utils.bootstrap_aiq` (e.g. curves on different numbers of prompts).
    """
    estimates, samples = {}, {}
    for name, (c, q) in _matrices(curves).items():
        samples[name] = bootstrap_aiq(c, q, n_boot=n_boot, random_state=random_state, c_min=c_min, c_max=c_max,
                                      variant=variant)
        estimates[name] = aiq(c.mean(axis=1), q.mean(axis=1), c_min=c_min, c_max=c_max, variant=variant)
    return estimates, samples


def paired_estimates(curves: Mapping[str, tuple], model_cost, model_quality, baseline: str | None = None,
                     n_boot: int = 200, random_state: int = 0, level: float = 0.95, variant: str = "paper",
                     dataset: str | None = None, details: bool = False) -> pd.DataFrame:
    """AIQ, the paired gain over a baseline and the saving at matched quality of every curve, with
    bootstrap intervals, as one tidy table (:data:`COLUMNS`).

    The cost range is the cheapest to the dearest model's mean cost (rows of ``model_cost``); intervals
    come from :func:`paired_samples` (AIQ and gain) and :func:`routerbench_utils.saving_ci` (saving), all
    on the same resamples:

    .. math:: \\Delta(R) = \\mathrm{AIQ}(R) - \\mathrm{AIQ}(B), \\qquad
        \\Delta_b(R) = \\mathrm{AIQ}_b(R) - \\mathrm{AIQ}_b(B), \\qquad
        S(R) = c^* / c_R(q^*).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    curves : mapping of str to (cost, quality) or (settings, cost, quality)
        Per-prompt matrices of shape (settings, prompts), one curve per name.
    model_cost, model_quality : array-like of shape (models, prompts)
        Every single model's per-prompt cost and score on the same prompts.
    baseline : str, optional
        A key of ``curves``: add an ``aiq_gain`` row for every other curve.
    n_boot : int, default 200
        Resamples of the prompts.
    random_state : int, default 0
        Seed of the resamples.
    level : float, default 0.95
        Coverage of the intervals.
    variant : {"paper", "official"}
        The AIQ formula.
    dataset : str, optional
        The value of the ``dataset`` column.
    details : bool, default False
        Add the columns of :func:`routerbench_utils.saving_ci` (``best``, ``best_quality``,
        ``best_cost``, ``reached``, ``same_best``) and ``cost_to_match`` on the saving rows.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, rows per curve: ``aiq``, then ``aiq_gain`` (not for the baseline), then
        ``saving``.

    Raises
    ------
    RouterBenchDataError
        If ``baseline`` is not a key of ``curves``, and as :func:`paired_samples`.

    Examples
    --------
    >>> models_c, models_q = np.array([[1.0, 1.0], [3.0, 3.0]]), np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> # two settings: the cheap model everywhere, then the right model per prompt
    >>> router = ([[1.0, 1.0], [1.0, 3.0]], [[0.0, 1.0], [1.0, 1.0]])
    >>> table = paired_estimates({"models": (models_c, models_q), "router": router}, models_c, models_q,
    ...                          baseline="models", n_boot=20)
    >>> table[["router", "metric", "estimate", "baseline"]].round(3).to_numpy().tolist()
    [['models', 'aiq', 0.75, nan], ['models', 'saving', 1.0, nan], ['router', 'aiq', 0.875, nan], ['router', 'aiq_gain', 0.125, 'models'], ['router', 'saving', 1.5, nan]]
    >>> table["resampling"].iloc[0]
    'paired bootstrap: 20 resamples of 2 prompts, random_state=0'
    """
    return _paired(curves, model_cost, model_quality, baseline, n_boot, random_state, level, variant, dataset,
                   details)[0]


def _paired(curves, model_cost, model_quality, baseline=None, n_boot=200, random_state=0, level=0.95,
            variant="paper", dataset=None, details=False) -> tuple[pd.DataFrame, dict, dict]:
    """:func:`paired_estimates`' table, with the estimates and bootstrap samples behind it."""
    matrices = _matrices(curves)
    if baseline is not None and baseline not in matrices:
        raise RouterBenchDataError(f"baseline: {baseline!r} is not one of the curves ({list(matrices)})")
    mc, mq = np.asarray(model_cost, dtype=float), np.asarray(model_quality, dtype=float)
    means = mc.mean(axis=1)
    lo, hi = float(means.min()), float(means.max())
    estimates, samples = paired_samples(matrices, lo, hi, n_boot, random_state, variant)
    how = resampling(n_boot, mc.shape[1], random_state)
    rows = []
    for name, (c, q) in matrices.items():
        ci = interval(estimates[name], samples[name], level)
        rows.append({"router": name, "metric": "aiq", "estimate": ci["aiq"], "low": ci["low"],
                     "high": ci["high"], "baseline": None})
        if baseline is not None and name != baseline:
            gain = interval(estimates[name] - estimates[baseline], samples[name] - samples[baseline], level)
            rows.append({"router": name, "metric": "aiq_gain", "estimate": gain["aiq"], "low": gain["low"],
                         "high": gain["high"], "baseline": baseline})
        saved = saving_ci(c, q, mc, mq, level=level, n_boot=n_boot, random_state=random_state)
        row = {"router": name, "metric": "saving", "estimate": saved["saving"], "low": saved["low"],
               "high": saved["high"], "baseline": None}
        if details:
            row.update({k: saved[k] for k in ("best", "best_quality", "best_cost", "reached", "same_best")})
            row["cost_to_match"] = cost_to_reach(c.mean(axis=1), q.mean(axis=1), saved["best_quality"])
        rows.append(row)
    table = pd.DataFrame(rows).assign(dataset=dataset, setting=None, resampling=how)
    extra = [c for c in table.columns if c not in COLUMNS]
    return table[COLUMNS + extra], estimates, samples


def _fresh(label: str, router) -> Router:
    """An unfitted copy of ``router``, a Router instance."""
    if isinstance(router, Router):
        return clone(router)
    raise RouterBenchDataError(
        f"routers[{label!r}]: expected a Router instance such as rbu.KNNRouter(k=40), got {router!r}")


def _evaluate(train, test, routers, datasets, n_boot, random_state, variant):
    """Per dataset: the curves (settings, cost, quality) and the tidy table with saving details."""
    routers = default_routers(random_state) if routers is None else routers
    if not routers:
        raise RouterBenchDataError("routers: expected at least one router")
    validate(train, source="train")  # an empty or broken split would otherwise give an empty table
    validate(test, source="test")
    train_ds, test_ds = dataset_column(train).to_numpy(), dataset_column(test).to_numpy()
    present = list(pd.unique(test_ds))
    names = datasets if datasets is not None else (
        [d for d in DATASETS if d in present] + [d for d in present if d not in DATASETS])
    for name in names:
        tr, te = train[train_ds == name], test[test_ds == name]
        if len(tr) == 0 or len(te) == 0:
            raise RouterBenchDataError(f"dataset {name!r}: no training or no test rows")
        zero_cost, zero_quality = cost_matrix(te).T, score_matrix(te).T  # one row per model
        entries = {TEST_HULL: (models(te), zero_cost, zero_quality)}
        for label, router in routers.items():
            entries[label] = _fresh(label, router).fit(tr).outcomes(te)
        table = paired_estimates(entries, zero_cost, zero_quality, baseline=TEST_HULL, n_boot=n_boot,
                                 random_state=random_state, variant=variant, dataset=name, details=True)
        table["best"] = table["best"].map(lambda k: models(te)[int(k)] if pd.notna(k) else None)
        yield name, entries, table


def evaluate_routers(train: pd.DataFrame, test: pd.DataFrame, routers: Mapping[str, Router] | None = None,
                     datasets: list[str] | None = None, n_boot: int = 200, random_state: int = 0,
                     variant: str = "paper") -> pd.DataFrame:
    """Fit a fresh copy of every router on each dataset's training rows, sweep it on the test rows, and
    score it against the Zero router (the hull of the models' test points): one tidy table.

    Per dataset, :func:`paired_estimates` with ``baseline`` the Zero router
    (:data:`routerbench_utils.evaluation.TEST_HULL`): ``aiq``, ``aiq_gain`` and ``saving`` per router,
    with paired bootstrap intervals.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    train, test : DataFrame
        RouterBench-format training and test rows; every dataset compared needs rows on both sides.
    routers : mapping of str to Router, optional
        Display name -> router (each is cloned). Default
        :func:`routerbench_utils.evaluation.default_routers` with ``random_state``.
    datasets : list of str, optional
        The datasets, in this order; default every dataset of ``test``, the paper's seven first.
    n_boot : int, default 200
        Bootstrap resamples of the test prompts.
    random_state : int, default 0
        Seed of the resamples (and of the default routers).
    variant : {"paper", "official"}
        The AIQ formula.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one block of rows per dataset.

    Raises
    ------
    RouterBenchDataError
        As :func:`compare_routers`.
    """
    tables = [table[COLUMNS] for _, _, table in _evaluate(train, test, routers, datasets, n_boot, random_state,
                                                          variant)]
    return pd.concat(tables, ignore_index=True)


@renamed_keywords(seed="random_state")
def compare_routers(train: pd.DataFrame, test: pd.DataFrame,
                    routers: Mapping[str, Router] | None = None,
                    datasets: list[str] | None = None, n_boot: int = 200, random_state: int = 0,
                    variant: str = "paper") -> dict[str, pd.DataFrame]:
    """The wide form of :func:`evaluate_routers`: fit a fresh copy of every router (``sklearn.base.clone``) on each dataset's training rows, sweep
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
        Default :func:`routerbench_utils.evaluation.compare.default_routers` with ``random_state``.
    datasets : list of str, optional
        The datasets to compare, in this order. Default: every dataset of ``test``, the paper's seven in
        the paper's order first.
    n_boot : int, default 200
        Bootstrap resamples of the test prompts for the intervals.
    random_state : int, default 0
        Seed of the resamples (and of the default routers).
    variant : {"paper", "official"}
        The AIQ formula, as in :func:`routerbench_utils.aiq`.

    Returns
    -------
    dict of str to DataFrame
        ``{"curves": ..., "aiq": ..., "savings": ...}``:

        - ``curves``: one row per (dataset, router, setting) with ``cost`` and ``quality``, the Zero
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
    curve_rows, aiq_rows, saving_rows = [], [], []
    for name, entries, table in _evaluate(train, test, routers, datasets, n_boot, random_state, variant):
        for label, (params, c, q) in entries.items():
            curve_rows += [(name, label, p, cm, qm) for p, cm, qm in zip(params, c.mean(axis=1), q.mean(axis=1))]
        by = table.set_index(["router", "metric"])
        for label in entries:
            a = by.loc[(label, "aiq")]
            g = by.loc[(label, "aiq_gain")] if label != TEST_HULL else None
            diff = (g["estimate"], g["low"], g["high"]) if g is not None else (0.0, 0.0, 0.0)
            aiq_rows.append((name, label, a["estimate"], a["low"], a["high"], *diff))
            s = by.loc[(label, "saving")]
            saving_rows.append((name, label, s["best"], s["best_quality"], s["best_cost"], s["cost_to_match"],
                                s["estimate"], s["low"], s["high"], s["reached"], s["same_best"]))
    return {
        "curves": pd.DataFrame(curve_rows, columns=["dataset", "router", "setting", "cost", "quality"]),
        "aiq": pd.DataFrame(aiq_rows, columns=["dataset", "router", "aiq", "low", "high",
                                               "vs_zero", "vs_zero_low", "vs_zero_high"]),
        "savings": pd.DataFrame(saving_rows, columns=["dataset", "router", "best_model", "best_quality",
                                                      "best_cost", "cost_to_match", "saving", "saving_low",
                                                      "saving_high", "reached", "same_best"]),
    }


@renamed_keywords(seed="random_state")
def compare_on_plane(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], model_cost, model_quality,
                     candidate: str, n_boot: int = 200, random_state: int = 0, level: float = 0.95,
                     variant: str = "paper") -> pd.DataFrame:
    """Strategies side by side on the cost-quality plane, with paired bootstrap intervals: the wide form
    of :func:`paired_estimates` with each strategy's edge over the others.

    Every curve is scored over one cost range, the cheapest to the dearest model's mean cost
    (``model_cost``), as in :func:`~routerbench_utils.compare_routers`. Every strategy is resampled
    on the same prompts (:func:`~routerbench_utils.bootstrap_aiq` with one ``random_state``; the resamples
    come from :func:`~routerbench_utils.metrics.resample_weights`), so per resample :math:`b`

    .. math:: \\Delta_b = \\mathrm{AIQ}_b(\\text{candidate}) - \\mathrm{AIQ}_b(\\text{other}),
              \\qquad \\Delta^{\\max}_b = \\mathrm{AIQ}_b(\\text{candidate}) - \\max_{o}
              \\mathrm{AIQ}_b(o)

    are paired differences; "the candidate beats every other strategy" holds beyond the noise when
    the interval of :math:`\\Delta^{\\max}` lies above 0.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    curves : mapping of str to (cost, quality)
        Per strategy, per-prompt matrices of shape (points, prompts) (``Router.outcomes``' last two).
    model_cost, model_quality : array of shape (models, prompts)
        Every model's per-prompt cost and score on the same prompts.
    candidate : str
        The key of ``curves`` whose edge over the others is measured.
    n_boot, random_state, level, variant
        Resamples, their random_state, the interval level and the AIQ variant.

    Returns
    -------
    DataFrame
        One row per strategy: ``aiq``, ``aiq_low``, ``aiq_high``; ``edge``, ``edge_low``,
        ``edge_high`` (the candidate minus this strategy; on the candidate's own row, minus the best
        of the others, :math:`\\Delta^{\\max}`); ``saving``, ``saving_low``, ``saving_high``
        (:func:`~routerbench_utils.saving_ci` at the best single model's quality, same resamples).

    Raises
    ------
    RouterBenchDataError
        If ``candidate`` is not a key of ``curves`` or there is no other strategy.
    """
    if candidate not in curves:
        raise RouterBenchDataError(f"candidate: {candidate!r} is not one of the curves ({list(curves)})")
    if len(curves) < 2:
        raise RouterBenchDataError("curves: expected the candidate and at least one other strategy")
    table, estimates, samples = _paired(curves, model_cost, model_quality, n_boot=n_boot, random_state=random_state,
                                        level=level, variant=variant)
    by = table.set_index(["router", "metric"])
    others = [name for name in curves if name != candidate]
    rows = []
    for name in curves:
        if name == candidate:
            best_other = np.max([samples[o] for o in others], axis=0)
            edge = interval(estimates[name] - max(estimates[o] for o in others),
                            samples[name] - best_other, level)
        else:
            edge = interval(estimates[candidate] - estimates[name], samples[candidate] - samples[name], level)
        a, s = by.loc[(name, "aiq")], by.loc[(name, "saving")]
        rows.append({"strategy": name, "aiq": a["estimate"], "aiq_low": a["low"], "aiq_high": a["high"],
                     "edge": edge["aiq"], "edge_low": edge["low"], "edge_high": edge["high"],
                     "saving": s["estimate"], "saving_low": s["low"], "saving_high": s["high"]})
    return pd.DataFrame(rows).set_index("strategy")


#: The metrics of :func:`metric_estimates`, in the order of its rows, at the default ``pgr=0.5`` (CPT's
#: name carries its share of the gap: :func:`cpt_name`).
METRICS = ("aiq", "aiq_official", "apgr_hull", "apgr_raw", "cpt_50", "regret")


def cpt_name(pgr: float) -> str:
    """The ``metric`` of CPT at a share ``pgr`` of the gap in :func:`metric_estimates`' table.

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").

    Parameters
    ----------
    pgr : float
        The share of the gap, in [0, 1].

    Returns
    -------
    str

    Examples
    --------
    >>> cpt_name(0.5), cpt_name(0.25)
    ('cpt_50', 'cpt_25')
    """
    return f"cpt_{100 * float(pgr):g}"


def _curve_input(name: str, curve) -> tuple[np.ndarray, np.ndarray]:
    """A curve given to :func:`metric_estimates` as (cost, quality) arrays: 1-D mean points or
    (settings, prompts) matrices."""
    where = f"curves[{name!r}]"
    if isinstance(curve, pd.DataFrame):
        missing = [c for c in ("cost", "quality") if c not in curve.columns]
        if missing:
            raise RouterBenchDataError(f"{where}: missing column(s) {missing}; expected a frame with 'cost' "
                                       "and 'quality' (e.g. router.curve(test))")
        pair = (curve["cost"], curve["quality"])
    elif hasattr(curve, "cost") and hasattr(curve, "quality"):  # a Sweep
        pair = (curve.cost, curve.quality)
    else:
        try:
            pair = tuple(curve)
        except TypeError:
            pair = ()
        if len(pair) == 3:  # (settings, cost, quality), as Router.outcomes returns it
            pair = pair[1:]
        if len(pair) != 2:
            raise RouterBenchDataError(f"{where}: expected (cost, quality), a frame with 'cost' and 'quality' "
                                       f"or a Sweep, got {type(curve).__name__}")
    try:
        c, q = (np.asarray(v, dtype=float) for v in pair)
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"{where}: cost and quality are not numbers ({exc})") from exc
    if c.shape != q.shape or c.ndim not in (1, 2) or c.size == 0:
        raise RouterBenchDataError(f"{where}: cost {c.shape} and quality {q.shape}; expected one shape, "
                                   "(settings,) mean points or (settings, prompts) matrices, not empty")
    if not (np.isfinite(c).all() and np.isfinite(q).all()):
        raise RouterBenchDataError(f"{where}: costs and qualities must be finite")
    return c, q


def _reference(value, name: str, n: int | None, pair: bool):
    """A model's point ``(cost, quality)`` or the Oracle's quality, each a number or (with per-prompt
    curves) an array over the prompts: (the full-sample value, the per-prompt arrays or None)."""
    parts = value if pair else (value,)
    if pair and (isinstance(value, (str, bytes)) or np.ndim(value) == 0 or len(value) != 2):
        raise RouterBenchDataError(f"{name}: expected (cost, quality) of a model, got {value!r}")
    try:
        arrays = [np.asarray(v, dtype=float) for v in parts]
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"{name}: expected numbers, got {value!r}") from exc
    if not all(np.isfinite(a).all() and a.size for a in arrays):
        raise RouterBenchDataError(f"{name}: expected finite numbers, got {value!r}")
    if all(a.ndim == 0 for a in arrays):
        full = tuple(float(a) for a in arrays)
        return (full if pair else full[0]), None
    if any(a.ndim != 1 for a in arrays) or len({a.size for a in arrays}) != 1:
        raise RouterBenchDataError(f"{name}: expected numbers, or arrays of one value per prompt, got shapes "
                                   f"{[a.shape for a in arrays]}")
    if n is not None and arrays[0].size != n:
        raise RouterBenchDataError(f"{name}: {arrays[0].size} values per prompt for curves of {n} prompts; "
                                   "expected the same prompts")
    full = tuple(float(a.mean()) for a in arrays)
    return (full if pair else full[0]), (arrays if n is not None else None)


def _bounds(estimate: float, samples: np.ndarray, level: float, never: float = np.nan) -> tuple[float, float]:
    """The percentile interval of bootstrap samples (:func:`routerbench_utils.metrics.interval`); a sample
    that is NaN counts as ``never`` (CPT: +inf, the gap never recovered) or, if ``never`` is NaN, is left
    out (the metric undefined on that resample). With such samples the interval's ends are samples
    themselves (the next one outward), not interpolated."""
    s = np.asarray(samples, dtype=float)
    if np.isfinite(s).all():
        ci = interval(estimate, s, level)
        return ci["low"], ci["high"]
    s = np.where(np.isnan(s), never, s)
    s = s[~np.isnan(s)]
    if s.size == 0:
        return np.nan, np.nan
    tail = (1 - level) / 2
    return float(np.quantile(s, tail, method="lower")), float(np.quantile(s, 1 - tail, method="higher"))


def metric_estimates(curves: Mapping[str, object], weak, strong, c_min: float, c_max: float, oracle_quality,
                     pgr: float = 0.5, n_boot: int = 200, random_state: int = 0, level: float = 0.95,
                     dataset: str | None = None) -> pd.DataFrame:
    """Every headline metric of every router, on one set of conventions, with bootstrap intervals: one
    tidy table (:data:`COLUMNS`), a row per (router, metric).

    For router :math:`r` with points :math:`(c_k, q_k)`, :math:`k = 1, \\dots, J`, the ``metric`` column
    names (:data:`METRICS`):

    - ``aiq`` and ``aiq_official``: :func:`~routerbench_utils.aiq` over :math:`[c_{min}, c_{max}]`, the
      paper's and the official code's variant (from the curve's cheapest point, over :math:`c_{max}`);
    - ``apgr_hull`` and ``apgr_raw``: :func:`~routerbench_utils.metrics.apgr` for the weak model
      :math:`(c_w, q_w)` and the strong one :math:`(c_s, q_s)`, on the hull and on RouteLLM's raw curve;
    - ``cpt_50`` (:func:`cpt_name` of ``pgr``): :func:`~routerbench_utils.metrics.cpt` on the hull, the
      share of strong calls at which the router recovers ``pgr`` of the gap (NaN: never; lower is
      better);
    - ``regret``: :math:`q_{Oracle} - \\max_k q_k`, how far below the Oracle the router tops out,
      whatever it pays (lower is better).

    Given per-prompt matrices (``Router.outcomes``, a :class:`~routerbench_utils.routers.Sweep`), the
    intervals come from the one bootstrap path of the engine: the resamples
    :math:`w_b` of :func:`~routerbench_utils.metrics.resample_weights` (``n_boot``, ``random_state``),
    the same for every curve, so the resampled curve is :math:`(C w_b, Q w_b)` and AIQ's samples are
    :func:`~routerbench_utils.bootstrap_aiq`'s. The weak and the strong model and the Oracle's quality,
    when given per prompt, are resampled on the same prompts; given as numbers they stay fixed. A
    resample on which CPT never recovers the gap counts as :math:`+\\infty`, one on which a metric is
    undefined (the strong model no longer above the weak one) is left out. Given mean points only,
    there is nothing to resample: ``low`` and ``high`` are NaN and ``resampling`` is ``"none"``.

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree");
    :func:`~routerbench_utils.evaluation.collapse.metric_table` is its wide form.

    Parameters
    ----------
    curves : mapping of str to curve
        Router name to its points, in the order of the knob (the raw curve sorts them by cost): a
        frame with ``cost`` and ``quality`` columns, a ``(cost, quality)`` pair of 1-D arrays (mean
        points), or per-prompt matrices of shape (settings, prompts): a ``(cost, quality)`` or
        ``(settings, cost, quality)`` tuple, or a :class:`~routerbench_utils.routers.Sweep`. All mean
        points, or all matrices on the same prompts.
    weak, strong : tuple
        ``(cost, quality)`` of the weak and the strong model
        (:func:`~routerbench_utils.evaluation.collapse.two_model_pair`): two numbers, or with per-prompt
        curves two arrays of the model's per-prompt costs and scores.
    c_min, c_max : float
        The AIQ range (USD per prompt), the same for every router.
    oracle_quality : float or array_like
        The Oracle's quality (for the regret), or its per-prompt scores.
    pgr : float, default 0.5
        The share of the gap for CPT.
    n_boot : int, default 200
        Resamples of the prompts (0: no intervals).
    random_state : int, default 0
        Seed of the resamples.
    level : float, default 0.95
        Coverage of the intervals.
    dataset : str, optional
        The value of the ``dataset`` column.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: per router, one row per metric in the order of :data:`METRICS`; ``setting``
        and ``baseline`` missing (None).

    Raises
    ------
    RouterBenchDataError
        If ``curves`` is empty, a curve is not (cost, quality) or lacks ``cost`` or ``quality``, the
        curves mix mean points and matrices or cover different prompts; ``weak``, ``strong`` or
        ``oracle_quality`` are not numbers or not one per prompt; ``n_boot`` is negative or ``level``
        outside (0, 1); or a metric raises (e.g. a raw curve of a single point, a strong model not
        dearer and better than the weak one).

    Examples
    --------
    >>> table = metric_estimates({"r": ([0.0, 1.0, 2.0], [0.5, 0.4, 0.9])}, (0.0, 0.5), (2.0, 0.9),
    ...                          c_min=0.0, c_max=2.0, oracle_quality=1.0)
    >>> table[["metric", "estimate"]].round(3).to_numpy().tolist()
    [['aiq', 0.7], ['aiq_official', 0.7], ['apgr_hull', 0.5], ['apgr_raw', 0.125], ['cpt_50', 0.5], ['regret', 0.1]]
    >>> table["resampling"].iloc[0], bool(table["low"].isna().all())
    ('none', True)
    >>> # per prompt (settings x prompts): the cheap model everywhere, or the right model per prompt
    >>> c, q = [[1.0, 1.0, 1.0], [1.0, 3.0, 3.0]], [[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    >>> weak, strong = ([1.0, 1.0, 1.0], [0.0, 1.0, 1.0]), ([3.0, 3.0, 3.0], [1.0, 1.0, 1.0])
    >>> table = metric_estimates({"r": (c, q)}, weak, strong, 1.0, 3.0, [1.0, 1.0, 1.0], n_boot=50)
    >>> table.loc[0, "metric"], table.loc[0, ["estimate", "low", "high"]].astype(float).round(3).tolist()
    ('aiq', [0.889, 0.889, 1.0])
    >>> table.loc[0, "resampling"]
    'paired bootstrap: 50 resamples of 3 prompts, random_state=0'
    """
    if not curves:
        raise RouterBenchDataError("curves: expected at least one router")
    matrices = {name: _curve_input(name, curve) for name, curve in curves.items()}
    dims = {c.ndim for c, _ in matrices.values()}
    if len(dims) > 1:
        raise RouterBenchDataError("curves: some are mean points (1-D), others per-prompt matrices (2-D); "
                                   "expected one kind for every router")
    per_prompt = dims == {2}
    prompts = {c.shape[1] for c, _ in matrices.values()} if per_prompt else set()
    if len(prompts) > 1:
        raise RouterBenchDataError(f"curves: the matrices cover {sorted(prompts)} prompts; expected the same "
                                   "prompts for every router")
    n = prompts.pop() if per_prompt else None
    weak_point, weak_prompts = _reference(weak, "weak", n, pair=True)
    strong_point, strong_prompts = _reference(strong, "strong", n, pair=True)
    oracle, oracle_prompts = _reference(oracle_quality, "oracle_quality", n, pair=False)
    n_boot = _checks.count(n_boot, "n_boot", minimum=0)
    level = _checks.number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    cpt_metric = cpt_name(pgr)
    boot = per_prompt and n_boot > 0
    if boot:
        weights = resample_weights(n, n_boot, random_state)

        def resampled(reference, point):
            if reference is None:
                return np.tile(np.asarray(point, dtype=float), (n_boot, 1))
            return np.column_stack([weights @ a for a in reference])

        weak_b, strong_b = resampled(weak_prompts, weak_point), resampled(strong_prompts, strong_point)
        oracle_b = resampled(oracle_prompts, [oracle])[:, 0]

    def each(function, mc, mq, **kwargs):
        """``function`` on every resample's curve; NaN where it is undefined on that resample."""
        out = np.full(n_boot, np.nan)
        for b in range(n_boot):
            try:
                out[b] = function(mc[b], mq[b], tuple(weak_b[b]), tuple(strong_b[b]), **kwargs)
            except RouterBenchDataError:
                pass
        return out

    rows = []
    for name, (c, q) in matrices.items():
        mean_c, mean_q = (c.mean(axis=1), q.mean(axis=1)) if per_prompt else (c, q)
        try:
            estimates = {
                "aiq": aiq(mean_c, mean_q, c_min=c_min, c_max=c_max),
                "aiq_official": aiq(mean_c, mean_q, c_min=c_min, c_max=c_max, variant="official"),
                "apgr_hull": apgr(mean_c, mean_q, weak_point, strong_point),
                "apgr_raw": apgr(mean_c, mean_q, weak_point, strong_point, curve="raw"),
                cpt_metric: cpt(mean_c, mean_q, weak_point, strong_point, pgr, monotone="hull"),
                "regret": float(oracle - mean_q.max()),
            }
        except RouterBenchDataError as exc:
            raise RouterBenchDataError(f"curves[{name!r}]: {exc}") from exc
        bounds = {metric: (np.nan, np.nan) for metric in estimates}
        if boot:
            mc, mq = weights @ c.T, weights @ q.T  # (n_boot, settings): every resample's curve
            samples = {
                "aiq": bootstrap_aiq(c, q, n_boot=n_boot, random_state=random_state, c_min=c_min, c_max=c_max),
                "aiq_official": bootstrap_aiq(c, q, n_boot=n_boot, random_state=random_state, c_min=c_min,
                                              c_max=c_max, variant="official"),
                "apgr_hull": each(apgr, mc, mq),
                "apgr_raw": each(apgr, mc, mq, curve="raw"),
                cpt_metric: each(cpt, mc, mq, pgr=pgr, monotone="hull"),
                "regret": oracle_b - mq.max(axis=1),
            }
            bounds = {metric: _bounds(estimates[metric], samples[metric], level,
                                      never=np.inf if metric == cpt_metric else np.nan)
                      for metric in estimates}
        rows += [{"router": name, "metric": metric, "estimate": float(value), "low": bounds[metric][0],
                  "high": bounds[metric][1]} for metric, value in estimates.items()]
    how = resampling(n_boot if boot else 0, n or 0, random_state)
    table = pd.DataFrame(rows).assign(dataset=dataset, setting=None, baseline=None, resampling=how)
    return table[COLUMNS]
