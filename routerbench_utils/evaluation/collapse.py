"""Routing collapse, the routing plateau, and metrics that disagree (chapter "Routing collapse, the
plateau, and metrics that disagree").

Helpers to look inside a router's sweep rather than only at its curve: which model it calls at every
setting of its knob (:func:`~routerbench_utils.evaluation.collapse.sweep`, :func:`~routerbench_utils.evaluation.collapse.call_shares`), which prompts different routers get right
(:func:`~routerbench_utils.evaluation.collapse.correct_overlap`), how much of the Oracle's headroom a router recovers
(:func:`~routerbench_utils.evaluation.collapse.headroom_recovered`), a task-aware baseline (:func:`~routerbench_utils.evaluation.collapse.best_model_per_dataset`), and one table of
every headline metric (the wide form of the engine's :func:`~routerbench_utils.evaluation.metric_estimates`:
:func:`~routerbench_utils.evaluation.collapse.metric_table`, :func:`~routerbench_utils.evaluation.collapse.metric_pivot`) with the
rank correlations between them (:func:`~routerbench_utils.evaluation.collapse.metric_ranks`, :func:`~routerbench_utils.evaluation.collapse.rank_correlations`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from ..catalog import NO_MODEL_CORRECT
from ..data import cost_matrix, dataset_column, models, score_matrix
from ..errors import RouterBenchDataError
from ..frontier import as_points, model_points
from .._deprecated import renamed_keywords, warn_moved
from ..routers import Router, Sweep
from .compare import MISSING
from .engine import metric_estimates

#: The metrics of :func:`~routerbench_utils.evaluation.collapse.metric_table` for which a smaller value is better.
LOWER_IS_BETTER = ("CPT", "regret")
#: The column heads of :func:`~routerbench_utils.evaluation.collapse.metric_table` for the metrics of
#: :func:`~routerbench_utils.evaluation.metric_estimates` (CPT's head names its share:
#: :func:`~routerbench_utils.evaluation.collapse.metric_label`).
METRIC_LABELS = {"aiq": "AIQ (paper)", "aiq_official": "AIQ (official)", "apgr_hull": "APGR (hull)",
                 "apgr_raw": "APGR (raw)", "regret": "regret"}


def _names_index(chosen: np.ndarray, names: Sequence[str], argument: str) -> np.ndarray:
    """Column of each name in ``names`` (``no_model_correct``: len(names)); unknown names raise."""
    index = pd.Index(list(names) + [NO_MODEL_CORRECT]).get_indexer(chosen.ravel()).reshape(chosen.shape)
    unknown = index < 0
    if unknown.any():
        examples = sorted({str(v) for v in chosen[unknown]})[:3]
        raise RouterBenchDataError(
            f"{argument}: {int(unknown.sum())} entries name models outside {list(names)} (e.g. {examples}); "
            "expected model names of the data or 'no_model_correct'")
    return index


def sweep(router: Router, test: pd.DataFrame, settings: Sequence | None = None, *,
          params: Sequence | None = None) -> Sweep:
    """Route the test rows at every setting of a fitted router's knob, keeping who was called: the
    router's own :meth:`~routerbench_utils.Router.sweep`, after checking that it is a fitted router.

    Per setting :math:`\\theta` and prompt :math:`i`, the chosen model :math:`m_\\theta(i)` (from which
    :func:`~routerbench_utils.evaluation.collapse.call_shares` counts the calls) and what the prompt cost
    and scored, :math:`(c_{i, m_\\theta(i)}, s_{i, m_\\theta(i)})`; a cascade pays for every call.

    Parameters
    ----------
    router : Router
        A fitted router (e.g. ``rbu.KNNRouter(40).fit(train)``).
    test : DataFrame
        RouterBench-format rows to route.
    settings : sequence, optional
        The knob's values; default ``router.default_settings()``.
    params : sequence, optional
        Deprecated name of ``settings``.

    Returns
    -------
    Sweep
        ``settings``, ``chosen``, ``cost``, ``quality`` (matrices of shape (settings, prompts)); the row
        means of ``cost`` and ``quality`` are ``router.curve(test, settings)``.

    Raises
    ------
    RouterBenchDataError
        If the router is not fitted, ``test`` is not valid RouterBench data, a value of the knob is
        invalid for the router, or a route names a model that is not in ``test``.

    Examples
    --------
    >>> s = sweep(rbu.OracleRouter().fit(train), test, settings=[0.0, 1e9])
    >>> call_shares(s.chosen, rbu.models(test), s.settings).shape
    (2, 11)

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    if not isinstance(router, Router):
        raise RouterBenchDataError(f"router: expected a fitted Router instance, got {router!r}")
    if not hasattr(router, "models_"):
        raise RouterBenchDataError(f"{type(router).__name__}: call fit(train) before sweep")
    if params is not None:
        warn_moved("the keyword params", "settings")
        settings = params if settings is None else settings
    return router.sweep(test, settings)


def call_shares(chosen, model_names: Sequence[str], settings: Sequence | None = None, *,
                params: Sequence | None = None) -> pd.DataFrame:
    """The share of prompts sent to each model, at each setting of a router's knob.

    .. math:: \\pi_{\\theta m} = \\frac{1}{n} \\sum_{i=1}^{n} \\mathbb{1}[m_\\theta(i) = m]

    Every row sums to 1. Routing collapse shows as the share of the dearest model rising to 1 as the
    willingness to pay grows.

    Parameters
    ----------
    chosen : array_like of str, shape (settings, prompts)
        The model each prompt went to at each setting (``sweep(...).chosen``); a 1-D array is one
        setting.
    model_names : sequence of str
        The columns, in order (e.g. ``rbu.models(test)``). ``no_model_correct`` (the classic Oracle's
        label where every model fails) gets a last column when it occurs.
    settings : sequence, optional
        The index (the knob's values); default 0, 1, 2, ...
    params : sequence, optional
        Deprecated name of ``settings``.

    Returns
    -------
    DataFrame
        One row per setting, one column per model, shares in [0, 1].

    Raises
    ------
    RouterBenchDataError
        If ``chosen`` is empty, names a model outside ``model_names``, or ``settings`` has another length
        than its rows.

    Examples
    --------
    >>> call_shares([["a", "a", "b", "a"], ["b", "b", "b", "a"]], ["a", "b"]).to_dict("list")
    {'a': [0.75, 0.25], 'b': [0.25, 0.75]}

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    chosen = np.atleast_2d(np.asarray(chosen, dtype=object))
    if chosen.size == 0:
        raise RouterBenchDataError("chosen: expected at least one routed prompt")
    names = list(model_names)
    index = _names_index(chosen, names, "chosen")
    n_settings, n = chosen.shape
    width = len(names) + 1
    # One bincount for all settings: setting k's model j lands in bin k * width + j.
    counts = np.bincount((index + width * np.arange(n_settings)[:, None]).ravel(),
                         minlength=n_settings * width).reshape(n_settings, width)
    if params is not None:
        warn_moved("the keyword params of call_shares()", "settings")
        settings = params if settings is None else settings
    params = list(range(n_settings)) if settings is None else list(settings)
    if len(params) != n_settings:
        raise RouterBenchDataError(f"settings (params): {len(params)} values for {n_settings} rows of chosen")
    columns = names + [NO_MODEL_CORRECT]
    shares = pd.DataFrame(counts / n, columns=columns, index=pd.Index(params, name="setting"))
    return shares if counts[:, -1].any() else shares.drop(columns=NO_MODEL_CORRECT)


def correct_overlap(quality: Mapping[str, object], kind: str = "jaccard") -> pd.DataFrame:
    """How far the prompts that different routers get right are the same prompts.

    With :math:`s_{ai} \\in [0, 1]` router :math:`a`'s score on prompt :math:`i`:

    - ``kind="jaccard"``: :math:`J_{ab} = \\sum_i \\min(s_{ai}, s_{bi}) / \\sum_i \\max(s_{ai}, s_{bi})`,
      on 0/1 scores the Jaccard index :math:`|A \\cap B| / |A \\cup B|` of the sets of prompts each
      gets right (partial credit counts in proportion). Two routers that get nothing right count as 1.
    - ``kind="both"``: :math:`\\frac{1}{n}\\sum_i \\min(s_{ai}, s_{bi})`, the share of prompts both get
      right; its diagonal is each router's mean score.

    Parameters
    ----------
    quality : mapping of str to array_like
        Router name to its per-prompt scores at one operating point (e.g. ``sweep(...).quality[k]``),
        all on the same prompts.
    kind : {"jaccard", "both"}
        Which overlap.

    Returns
    -------
    DataFrame
        Routers by routers, symmetric; the Jaccard matrix has ones on its diagonal.

    Raises
    ------
    RouterBenchDataError
        If ``kind`` is unknown, ``quality`` is empty, the arrays differ in length, or a score is not
        finite or is negative.

    Examples
    --------
    >>> correct_overlap({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0]}).loc["a", "b"]  # 1 shared of 3
    np.float64(0.3333333333333333)

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    if kind not in ("jaccard", "both"):
        raise RouterBenchDataError(f"kind: expected 'jaccard' or 'both', got {kind!r}")
    if not quality:
        raise RouterBenchDataError("quality: expected at least one router")
    labels = list(quality)
    rows = [np.asarray(quality[k], dtype=float).ravel() for k in labels]
    lengths = {len(r) for r in rows}
    if len(lengths) != 1:
        raise RouterBenchDataError(f"quality: the routers cover {sorted(lengths)} prompts; expected the same prompts")
    q = np.vstack(rows)
    if not np.isfinite(q).all() or (q < 0).any():
        raise RouterBenchDataError("quality: scores must be finite and >= 0")
    both = np.minimum(q[:, None, :], q[None, :, :]).sum(axis=2)
    if kind == "both":
        values = both / q.shape[1]
    else:
        either = np.maximum(q[:, None, :], q[None, :, :]).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(either > 0, both / either, 1.0)
    return pd.DataFrame(values, index=labels, columns=labels)


@renamed_keywords(budget="budget_per_prompt")
def best_within_budget(cost, quality, budget_per_prompt: float) -> int:
    """The operating point a router offers within a budget: of its points with mean cost at most
    ``budget_per_prompt``, the one with the highest quality (ties to the cheaper, then the first).

    .. math:: k^* = \\arg\\max_{k:\\, c_k \\le B} q_k

    Parameters
    ----------
    cost, quality : array_like
        The router's points (mean cost per query and mean quality per setting of its knob).
    budget_per_prompt : float
        :math:`B`, USD per prompt (the mean cost of a point is per prompt too).

    Returns
    -------
    int
        The index :math:`k^*` of the point.

    Raises
    ------
    RouterBenchDataError
        If the points are invalid, or no point costs at most ``budget_per_prompt`` (the message gives the cheapest).

    Examples
    --------
    >>> best_within_budget([1.0, 2.0, 3.0], [0.5, 0.8, 0.9], budget_per_prompt=2.5)
    1

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    c, q = as_points(cost, quality, "best_within_budget")
    within = c <= budget_per_prompt
    if not within.any():
        raise RouterBenchDataError(
            f"budget_per_prompt: {budget_per_prompt:.3g} USD per prompt is below the router's cheapest point ({c.min():.3g}); "
            "expected a budget the router can meet")
    order = np.lexsort((np.arange(len(c)), c, -q))  # best quality, then cheaper, then first
    return int(order[within[order]][0])


def headroom_recovered(value, base, top):
    """The share of the headroom between a baseline and the Oracle that a router recovers.

    .. math:: h = \\frac{v - v_{base}}{v_{top} - v_{base}}

    where :math:`v` is the router's value (AIQ, or its highest quality), :math:`v_{base}` the
    baseline's (the Zero router's AIQ, or the best single model's quality) and :math:`v_{top}` the
    Oracle's on the same scale. 0: no better than the baseline; 1: the Oracle; negative: worse than
    the baseline.

    Parameters
    ----------
    value : float, array_like or Series
        The router's (or several routers') value.
    base, top : float
        The baseline's and the Oracle's value.

    Returns
    -------
    float, ndarray or Series
        :math:`h`, of the shape (and index) of ``value``.

    Raises
    ------
    RouterBenchDataError
        If a value is not finite, or ``top <= base`` (no headroom to recover).

    Examples
    --------
    >>> round(headroom_recovered(0.75, base=0.7, top=0.9), 12)
    0.25

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    base, top = float(base), float(top)
    values = np.asarray(value, dtype=float)
    if not (np.isfinite(values).all() and np.isfinite(base) and np.isfinite(top)):
        raise RouterBenchDataError("headroom_recovered: value, base and top must be finite")
    if not top > base:
        raise RouterBenchDataError(
            f"top: the Oracle's value ({top:.4g}) must exceed the baseline's ({base:.4g}); no headroom")
    result = (value - base) / (top - base)
    return float(result) if np.ndim(result) == 0 else result


def best_model_per_dataset(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """A task-aware baseline: send every test prompt to the model with the best mean training score on
    the prompt's dataset (ties to the cheaper model on the training rows, then the first).

    .. math:: m(i) = \\arg\\max_m \\bar s^{train}_{d(i), m}

    It reads the dataset label and no prompt text: a learned router that does not beat it has learned
    the task, not the prompt.

    Parameters
    ----------
    train, test : DataFrame
        RouterBench-format rows; every dataset of ``test`` must have training rows.

    Returns
    -------
    ndarray of str
        One model name per test row (``rbu.evaluate_routing(test, chosen)`` gives its point).

    Raises
    ------
    RouterBenchDataError
        If a dataset of ``test`` has no training rows, or the two frames hold different models.

    Examples
    --------
    >>> chosen = best_model_per_dataset(train, test)
    >>> [round(v, 4) for v in rbu.evaluate_routing(test, chosen)]  # (cost, quality)
    [0.0044, 0.7755]

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    names = models(train)
    if sorted(models(test)) != sorted(names):
        raise RouterBenchDataError(
            f"test: its models {sorted(models(test))} differ from the training rows' {sorted(names)}")
    points = model_points(train)
    table = points.assign(order=points["model"].map({m: k for k, m in enumerate(names)}))
    best = (table.sort_values(["dataset", "quality", "cost", "order"], ascending=[True, False, True, True])
            .drop_duplicates("dataset").set_index("dataset")["model"])
    wanted = dataset_column(test).to_numpy()
    missing = sorted(set(wanted) - set(best.index))
    if missing:
        raise RouterBenchDataError(
            f"test: datasets {missing} have no training rows; expected every test dataset in train")
    return best.loc[wanted].to_numpy(dtype=object)


def two_model_pair(test: pd.DataFrame, strong: str = "gpt-4-1106-preview",
                   weak: str = "mistralai/mixtral-8x7b-chat") -> dict:
    """The weak and the strong model for RouteLLM's metrics, with their test points.

    RouteLLM pairs GPT-4 (strong) with Mixtral 8x7B (weak). Where both are in the data and the strong
    one is both dearer and better on the test rows, that pair is returned; otherwise the best single
    model (highest mean score, the cheaper of ties) as the strong one and the cheapest model as the
    weak one, and ``fallback`` says so.

    Parameters
    ----------
    test : DataFrame
        RouterBench-format rows (one dataset, or several pooled).
    strong, weak : str
        The preferred pair.

    Returns
    -------
    dict
        ``strong`` and ``weak`` (model names), ``strong_point`` and ``weak_point`` (``(cost, quality)``
        on the test rows) and ``fallback`` (bool).

    Raises
    ------
    RouterBenchDataError
        If no pair has a strong model both dearer and better than the weak one (the cheapest model is
        also the best, or the costs tie), so APGR and CPT are undefined.

    Examples
    --------
    >>> pair = two_model_pair(test)
    >>> sorted(pair)
    ['fallback', 'strong', 'strong_point', 'weak', 'weak_point']
    >>> curve = rbu.OracleRouter().fit(train).curve(test)
    >>> 0 <= rbu.metrics.apgr(curve["cost"], curve["quality"], pair["weak_point"], pair["strong_point"])
    True

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    names = models(test)
    mean_cost = pd.Series(cost_matrix(test, names).mean(axis=0), index=names)
    mean_quality = pd.Series(score_matrix(test, names).mean(axis=0), index=names)

    def ordered(s: str, w: str) -> bool:
        return bool(mean_cost[s] > mean_cost[w] and mean_quality[s] > mean_quality[w])

    fallback = not (strong in names and weak in names and ordered(strong, weak))
    if fallback:
        top = mean_quality.max()
        tied = mean_quality.index[mean_quality >= top - 1e-12]
        strong = str(mean_cost[tied].idxmin())
        weak = str(mean_cost.idxmin())
        if not ordered(strong, weak):
            raise RouterBenchDataError(
                f"test: the best model ({strong}) is not both dearer and better than the cheapest ({weak}); "
                "APGR and CPT need a strong model above a weak one")
    return {"strong": strong, "weak": weak, "fallback": fallback,
            "strong_point": (float(mean_cost[strong]), float(mean_quality[strong])),
            "weak_point": (float(mean_cost[weak]), float(mean_quality[weak]))}


def metric_label(metric: str) -> str:
    """The column head of a metric of :func:`~routerbench_utils.evaluation.metric_estimates` in the wide
    table: ``"aiq"`` -> ``"AIQ (paper)"``, ``"cpt_50"`` -> ``"CPT(50%)"``.

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").

    Parameters
    ----------
    metric : str
        A ``metric`` of the tidy table.

    Returns
    -------
    str
        Its head in :func:`~routerbench_utils.evaluation.collapse.metric_table` (an unknown metric
        keeps its name).

    Examples
    --------
    >>> metric_label("apgr_raw"), metric_label("cpt_25")
    ('APGR (raw)', 'CPT(25%)')
    """
    if metric.startswith("cpt_"):
        return f"CPT({metric[4:]}%)"
    return METRIC_LABELS.get(metric, metric)


def metric_pivot(estimates: pd.DataFrame, intervals: bool = False, digits: int = 3) -> pd.DataFrame:
    """The wide form of :func:`~routerbench_utils.evaluation.metric_estimates`' tidy table: one row per
    router, one column per metric (heads from :func:`metric_label`), in the order of the rows.

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").

    Parameters
    ----------
    estimates : DataFrame
        The tidy table (columns ``router``, ``metric``, ``estimate``, ``low``, ``high``) of one
        dataset.
    intervals : bool, default False
        False: the estimates as numbers (what :func:`metric_ranks` and :func:`rank_correlations`
        read). True: text cells ``"0.770 [0.760, 0.780]"`` rounded to ``digits`` places, the estimate
        alone where it has no interval, a dash where it is missing (a CPT never reached).
    digits : int, default 3
        Decimal places of the text cells.

    Returns
    -------
    DataFrame
        Routers by metrics.

    Raises
    ------
    RouterBenchDataError
        If ``estimates`` lacks one of those columns, holds several datasets, or two rows for one
        (router, metric).

    Examples
    --------
    >>> tidy = pd.DataFrame({"router": ["r", "r"], "metric": ["aiq", "regret"], "estimate": [0.7, 0.1],
    ...                      "low": [0.65, 0.05], "high": [0.74, 0.2]})
    >>> metric_pivot(tidy, intervals=True).loc["r"].tolist()
    ['0.700 [0.650, 0.740]', '0.100 [0.050, 0.200]']
    """
    missing = [c for c in ("router", "metric", "estimate", "low", "high") if c not in estimates.columns]
    if missing:
        raise RouterBenchDataError(f"estimates: missing column(s) {missing}; expected the table of "
                                   "rbu.evaluation.metric_estimates")
    if "dataset" in estimates.columns and estimates["dataset"].nunique() > 1:
        raise RouterBenchDataError(f"estimates: rows of {estimates['dataset'].nunique()} datasets; pivot one "
                                   "dataset at a time (estimates[estimates.dataset == name])")
    if estimates.duplicated(["router", "metric"]).any():
        raise RouterBenchDataError("estimates: two rows for one (router, metric); expected one each")

    def fixed(x: float) -> str:
        return f"{round(float(x), digits) + 0.0:.{digits}f}"  # + 0.0: no '-0.000' on the page

    if intervals:
        cells = [MISSING if pd.isna(v) else fixed(v) if pd.isna(lo) else f"{fixed(v)} [{fixed(lo)}, {fixed(hi)}]"
                 for v, lo, hi in zip(estimates["estimate"], estimates["low"], estimates["high"])]
    else:
        cells = estimates["estimate"].astype(float)
    wide = estimates.assign(cell=list(cells)).pivot(index="router", columns="metric", values="cell")
    wide = wide.loc[pd.unique(estimates["router"]), pd.unique(estimates["metric"])]
    wide.index.name, wide.columns.name = None, None
    return wide.rename(columns=metric_label)


def metric_table(curves: Mapping[str, object], weak: tuple[float, float], strong: tuple[float, float],
                 c_min: float, c_max: float, oracle_quality: float, pgr: float = 0.5) -> pd.DataFrame:
    """Every headline metric of every router, on one set of conventions: the wide form of
    :func:`~routerbench_utils.evaluation.metric_estimates` without intervals (``n_boot=0``, then
    :func:`metric_pivot`).

    For router :math:`r` with points :math:`(c_k, q_k)`, :math:`k = 1, \\dots, J`:

    - ``AIQ (paper)`` and ``AIQ (official)``: :func:`~routerbench_utils.aiq` over
      :math:`[c_{min}, c_{max}]` (the official variant from the curve's cheapest point, over
      :math:`c_{max}`);
    - ``APGR (hull)`` and ``APGR (raw)``: :func:`~routerbench_utils.metrics.apgr` for the weak and
      strong model, on the hull and on RouteLLM's raw curve;
    - ``CPT(x%)``: :func:`~routerbench_utils.metrics.cpt` on the hull, the share of strong calls at
      which the router recovers ``pgr`` of the gap (NaN: never; lower is better);
    - ``regret``: :math:`q_{Oracle} - \\max_k q_k`, how far below the Oracle the router tops out,
      whatever it pays (lower is better).

    For intervals, call :func:`~routerbench_utils.evaluation.metric_estimates` with per-prompt curves
    and pivot its table with :func:`metric_pivot`.

    Parameters
    ----------
    curves : mapping of str to curve
        Router name to its points: a frame with ``cost`` and ``quality`` columns or a ``(cost,
        quality)`` pair of arrays, in the order of the knob (the raw curve sorts them by cost); any
        curve :func:`~routerbench_utils.evaluation.metric_estimates` takes.
    weak, strong : tuple of float
        ``(cost, quality)`` of the weak and the strong model (:func:`~routerbench_utils.evaluation.collapse.two_model_pair`).
    c_min, c_max : float
        The AIQ range, the same for every router.
    oracle_quality : float
        The Oracle's quality, for the regret.
    pgr : float
        The share of the gap for CPT.

    Returns
    -------
    DataFrame
        One row per router, one column per metric.

    Raises
    ------
    RouterBenchDataError
        If ``curves`` is empty, a curve lacks ``cost`` or ``quality``, or a metric raises (e.g. a raw
        curve of a single point).

    Examples
    --------
    >>> table = metric_table({"r": ([0.0, 1.0, 2.0], [0.5, 0.4, 0.9])}, (0.0, 0.5), (2.0, 0.9),
    ...                      c_min=0.0, c_max=2.0, oracle_quality=1.0)
    >>> table.loc["r", ["APGR (hull)", "APGR (raw)", "regret"]].round(3).tolist()
    [0.5, 0.125, 0.1]

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    return metric_pivot(metric_estimates(curves, weak, strong, c_min, c_max, oracle_quality, pgr, n_boot=0))


def _lower_is_better(columns, lower_is_better) -> list[str]:
    if lower_is_better is None:
        return [c for c in columns if str(c).startswith(LOWER_IS_BETTER)]
    unknown = [c for c in lower_is_better if c not in columns]
    if unknown:
        raise RouterBenchDataError(f"lower_is_better: {unknown} are not columns of the table")
    return list(lower_is_better)


def metric_ranks(table: pd.DataFrame, lower_is_better: Sequence[str] | None = None) -> pd.DataFrame:
    """Rank the routers by every metric: 1 is the best.

    Higher is better except for the columns in ``lower_is_better`` (default: those whose name starts
    with ``CPT`` or ``regret``). Ties share the best rank of the group; a missing value (a CPT never
    reached) ranks last.

    Parameters
    ----------
    table : DataFrame
        Routers by metrics (:func:`~routerbench_utils.evaluation.collapse.metric_table`).
    lower_is_better : sequence of str, optional
        The columns for which smaller is better.

    Returns
    -------
    DataFrame
        Integer ranks, routers by metrics.

    Raises
    ------
    RouterBenchDataError
        If ``table`` is empty or ``lower_is_better`` names a column it lacks.

    Examples
    --------
    >>> t = pd.DataFrame({"AIQ (paper)": [0.7, 0.8], "regret": [0.1, 0.2]}, index=["a", "b"])
    >>> metric_ranks(t).to_dict()
    {'AIQ (paper)': {'a': 2, 'b': 1}, 'regret': {'a': 1, 'b': 2}}

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    if table.empty:
        raise RouterBenchDataError("table: expected at least one router and one metric")
    lower = set(_lower_is_better(table.columns, lower_is_better))
    ranks = {c: table[c].rank(ascending=c in lower, method="min", na_option="bottom") for c in table.columns}
    return pd.DataFrame(ranks).astype(int)


def rank_correlations(table: pd.DataFrame, lower_is_better: Sequence[str] | None = None) -> pd.DataFrame:
    """Kendall's rank correlation between every two metrics over the routers.

    On the ranks of :func:`~routerbench_utils.evaluation.collapse.metric_ranks` (so that 1 means "the same order of routers" for metrics of
    either direction), Kendall's :math:`\\tau_b` (``scipy.stats.kendalltau``; ties handled):

    .. math:: \\tau_b = \\frac{P - Q}{\\sqrt{(P + Q + T_x)(P + Q + T_y)}}

    with :math:`P` and :math:`Q` the concordant and discordant pairs of routers and :math:`T_x`,
    :math:`T_y` the pairs tied on one metric only. 1: the two metrics order the routers alike;
    -1: in reverse.

    Parameters
    ----------
    table : DataFrame
        Routers by metrics (:func:`~routerbench_utils.evaluation.collapse.metric_table`), at least two routers.
    lower_is_better : sequence of str, optional
        As in :func:`~routerbench_utils.evaluation.collapse.metric_ranks`.

    Returns
    -------
    DataFrame
        Metrics by metrics, symmetric, ones on the diagonal; NaN off the diagonal where a metric ranks
        every router the same (no order to correlate).

    Raises
    ------
    RouterBenchDataError
        If ``table`` has fewer than two routers, or as :func:`~routerbench_utils.evaluation.collapse.metric_ranks` raises.

    Examples
    --------
    >>> t = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [3.0, 2.0, 1.0], "regret": [0.3, 0.2, 0.1]})
    >>> rank_correlations(t).round(3).to_dict()["A"]
    {'A': 1.0, 'B': -1.0, 'regret': 1.0}

    See the chapter :ref:`chap-collapse` ("Routing collapse, the plateau, and metrics that disagree").
    """
    if len(table) < 2:
        raise RouterBenchDataError(f"table: {len(table)} router(s); a rank correlation needs at least two")
    ranks = metric_ranks(table, lower_is_better)
    columns = list(ranks.columns)
    tau = np.eye(len(columns))
    varies = ranks.nunique() > 1
    for a in range(len(columns)):
        for b in range(a + 1, len(columns)):
            ca, cb = columns[a], columns[b]
            value = kendalltau(ranks[ca], ranks[cb]).statistic if varies[ca] and varies[cb] else np.nan
            tau[a, b] = tau[b, a] = value
    return pd.DataFrame(tau, index=columns, columns=columns)
