"""Router families behind one small interface (chapters "The Oracle" to "All routers compared").

Routers follow scikit-learn's conventions: settings are ``__init__`` parameters stored unchanged
(``get_params``/``set_params``; ``sklearn.base.clone`` works), validation happens in ``fit(train)``,
and fitted state ends in ``_``. Every router has one *knob* that trades cost for quality, named by its
``knob`` attribute and by the keyword of ``route``: ``willingness_to_pay`` (Oracle, predictive routers),
``position`` (Zero router), ``budget`` (cascade), ``threshold`` (two-model classifier).
``route(test, value)`` gives one model name per row, ``curve(test, params=None)`` a frame with
``param`` (the knob's value), ``cost``, ``quality``: one point per setting of the knob.
``outcomes(test, params)`` gives the per-prompt cost and quality behind each point, which the bootstrap
of :func:`routerbench_utils.bootstrap_aiq` needs. Writing a router of your own means subclassing
:class:`~routerbench_utils.Router` and implementing ``route`` (and ``fit`` if it learns).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.svm import LinearSVR

from .catalog import NO_MODEL_CORRECT
from .data import cost_matrix, dataset_column, models, oracle_labels, score_matrix, validate
from .embed import TfidfSvdEmbedder, fit_transform, prompt_texts
from .errors import RouterBenchDataError, first_ids
from .neighbours import CosineKNNRegressor, check_search
from .frontier import NDCH

#: The official willingness-to-pay grid: 32 values from 1e-10 to 1e9 (geometric).
WTP_GRID = tuple(np.logspace(-10, 9, 32))
#: The official per-query budgets of the cascade (USD).
BUDGET_GRID = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 50.0, 100.0)
#: The official judge error rates of the cascade.
ERROR_RATES = (0.0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8)


def _model_index(df: pd.DataFrame, chosen, names: list[str]) -> np.ndarray:
    """Column index of each row's chosen model (-1 for ``no_model_correct``); unknown names raise."""
    chosen = np.asarray(chosen, dtype=object)
    if chosen.shape != (len(df),):
        raise RouterBenchDataError(f"chosen: expected one model name per row ({len(df)}), got shape {chosen.shape}")
    # look up each distinct name once (a route holds a handful), then spread to the rows
    codes, distinct = pd.factorize(chosen, use_na_sentinel=False)
    index = pd.Index(list(names) + [NO_MODEL_CORRECT]).get_indexer(distinct)[codes]
    unknown = index < 0
    if unknown.any():
        raise RouterBenchDataError(
            f"chosen: {int(unknown.sum())} rows name models that are not in the data "
            f"({first_ids(pd.unique(chosen[unknown]))}); expected one of {names}")
    return np.where(index == len(names), -1, index)


def routing_outcomes(df: pd.DataFrame, chosen) -> tuple[np.ndarray, np.ndarray]:
    """Per-prompt (cost, quality) when each row is sent to the model named in ``chosen``.

    .. math:: (c_i, q_i) = (c_{i, m(i)},\\; s_{i, m(i)})

    for the model :math:`m(i)` named in row :math:`i` of ``chosen``. The label ``no_model_correct`` (the
    Oracle's answer where every model scores 0) costs 0 and scores 0.

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    chosen : array_like of str
        One model name (or ``no_model_correct``) per row of ``df``, in row order.

    Returns
    -------
    cost, quality : ndarray of shape (len(df),)
        Each prompt's cost (USD) and score under the routing.

    Raises
    ------
    RouterBenchDataError
        If ``chosen`` does not hold one name per row, or names a model that is not in ``df``.
    """
    names = models(df)
    return _outcomes_of(_model_index(df, chosen, names), cost_matrix(df, names), score_matrix(df, names))


def _outcomes_of(index: np.ndarray, costs: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-prompt (cost, quality) of the models at column ``index`` (-1: no model, cost 0, score 0)."""
    rows = np.arange(len(index))
    safe = np.maximum(index, 0)
    cost = np.where(index >= 0, costs[rows, safe], 0.0)
    quality = np.where(index >= 0, scores[rows, safe], 0.0)
    return cost, quality


def evaluate_routing(df: pd.DataFrame, chosen, cost: str = "mean") -> tuple[float, float]:
    """The (cost, quality) point of a routing decision: ``chosen`` names one model per row of ``df``.

    .. math:: \\Big(\\frac{1}{n} \\sum_i c_{i, m(i)},\\; \\frac{1}{n} \\sum_i s_{i, m(i)}\\Big)

    Cost is the mean USD per query (``cost="total"``: the sum, as in
    :func:`routerbench_utils.model_points`); quality the mean score of the chosen models. A row labelled
    ``no_model_correct`` costs 0 and scores 0 (:func:`routerbench_utils.routers.routing_outcomes`).

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    chosen : array_like of str
        One model name (or ``no_model_correct``) per row of ``df``, e.g. ``router.route(df, value)``.
    cost : {"mean", "total"}
        Mean USD per query (default) or the total spend.

    Returns
    -------
    cost, quality : float
        The routing's point on the cost-quality plane.

    Raises
    ------
    RouterBenchDataError
        If ``cost`` is neither ``"mean"`` nor ``"total"``; ``chosen`` does not hold one name per row or
        names a model that is not in ``df``.

    Examples
    --------
    >>> evaluate_routing(test, ["gpt-4-1106-preview"] * len(test))  # doctest: +SKIP
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    c, q = routing_outcomes(df, chosen)
    return (float(c.sum()) if cost == "total" else float(c.mean())), float(q.mean())


class Router(BaseEstimator):
    """Base class: fit on training rows, route test rows for a value of the knob, sweep to a curve.

    Subclasses implement :meth:`~routerbench_utils.Router.route` (and
    :meth:`~routerbench_utils.Router.fit` when they learn) and may override
    :meth:`~routerbench_utils.Router.default_params` and :meth:`~routerbench_utils.Router.outcomes` (a
    cascade does, since it pays for every call). A scikit-learn estimator: settings in ``__init__``,
    stored unchanged, so ``clone`` works. The class attributes ``family`` (the colour of
    :data:`routerbench_utils.plots.ROUTER_COLORS` its curves take) and ``knob`` (the name of
    ``route``'s parameter) describe the router.

    A router's curve is the set of points, one per knob value :math:`\\theta`,

    .. math:: \\Big(\\frac{1}{n} \\sum_i c_{i, m_\\theta(i)},\\;
        \\frac{1}{n} \\sum_i s_{i, m_\\theta(i)}\\Big),

    where :math:`m_\\theta(i)` is the model ``route(test, theta)`` picks for prompt :math:`i`.

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Attributes
    ----------
    models_ : list of str
        The models of the training rows, set by ``fit``.

    Examples
    --------
    A router that always picks the cheapest model on average (no knob):

    >>> class Cheapest(Router):
    ...     def fit(self, train):
    ...         super().fit(train)
    ...         means = rbu.cost_matrix(train).mean(axis=0)
    ...         self.choice_ = self.models_[int(means.argmin())]
    ...         return self
    ...     def route(self, test, param=None):
    ...         return np.full(len(test), self.choice_, dtype=object)
    >>> Cheapest().fit(train).curve(test)  # doctest: +SKIP
    """

    family = "Custom"
    #: The name of the knob swept by ``curve`` (the keyword of ``route``).
    knob = "param"

    def fit(self, train: pd.DataFrame) -> "Router":
        """Validate the training rows and learn from them; here, only the models (``models_``).

        Subclasses that learn call ``super().fit(train)`` first, then set their own ``*_`` attributes.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows.

        Returns
        -------
        Router
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``train`` fails :func:`rbu.data.validate <routerbench_utils.data.schema.validate>`
            (missing columns, duplicate ids, scores outside [0, 1], negative or NaN costs).
        """
        validate(train)
        self.models_ = models(train)
        return self

    def route(self, test: pd.DataFrame, param=None) -> np.ndarray:
        """One model name per test row, for one value of the knob (to be implemented by a subclass).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route (their scores are not to be read, except by the Oracle).
        param : optional
            The knob's value (its name is the class attribute ``knob``).

        Returns
        -------
        ndarray of object
            A model of ``models_`` (or ``no_model_correct``) per row.

        Raises
        ------
        NotImplementedError
            Always, on the base class.
        """
        raise NotImplementedError

    def default_params(self) -> list:
        """The knob values ``curve`` and ``outcomes`` sweep when given none (here ``[None]``).

        Returns
        -------
        list
        """
        return [None]

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise RouterBenchDataError(f"{type(self).__name__}: call fit(train) before routing")

    def outcomes(self, test: pd.DataFrame, params: Sequence | None = None
                 ) -> tuple[list, np.ndarray, np.ndarray]:
        """``(params, cost, quality)``: per-prompt matrices of shape (len(params), len(test)).

        Row :math:`k` holds every test prompt's cost and score when routed with ``params[k]``: the
        input :func:`routerbench_utils.bootstrap_aiq` and :func:`routerbench_utils.saving_ci` resample.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        params : sequence, optional
            Knob values; default :meth:`~routerbench_utils.Router.default_params`.

        Returns
        -------
        params : list
            The knob values, one per row of the matrices.
        cost, quality : ndarray of shape (len(params), len(test))
            Per-prompt cost (USD) and score.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``test`` fails validation, or a route names a model that is
            not in ``test``.
        """
        self._check_fitted()
        validate(test)
        params = self.default_params() if params is None else list(params)
        # The test rows' cost and score matrices once, not once per parameter (as routing_outcomes would).
        names = models(test)
        costs, scores = cost_matrix(test, names), score_matrix(test, names)
        pairs = [_outcomes_of(_model_index(test, chosen, names), costs, scores)
                 for chosen in self._choices(test, params)]
        return params, np.array([c for c, _ in pairs]), np.array([q for _, q in pairs])

    def _choices(self, test: pd.DataFrame, params: list) -> list[np.ndarray]:
        """The routes for every parameter; routers that can share work across parameters override it."""
        return [self.route(test, p) for p in params]

    def curve(self, test: pd.DataFrame, params: Sequence | None = None, cost: str = "mean") -> pd.DataFrame:
        """One (cost, quality) point per parameter, on the rows of ``test``.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        params : sequence, optional
            Knob values; default :meth:`~routerbench_utils.Router.default_params`.
        cost : {"mean", "total"}
            Mean USD per query (default) or the total spend.

        Returns
        -------
        DataFrame
            Columns ``param``, ``cost``, ``quality``: one row per knob value, in the order given.

        Raises
        ------
        RouterBenchDataError
            If ``cost`` is neither ``"mean"`` nor ``"total"``, and as :meth:`~routerbench_utils.Router.outcomes`.
        """
        if cost not in ("mean", "total"):
            raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
        params, c, q = self.outcomes(test, params)
        spent = c.sum(axis=1) if cost == "total" else c.mean(axis=1)
        return pd.DataFrame({"param": params, "cost": spent, "quality": q.mean(axis=1)})


def _check_wtp(value) -> float:
    wtp = float(value)
    if not wtp >= 0:
        raise RouterBenchDataError(f"willingness_to_pay: expected a number >= 0, got {value!r}")
    return wtp


def single_model_outcomes(test: pd.DataFrame, names: Sequence[str] | None = None
                          ) -> tuple[list, np.ndarray, np.ndarray]:
    """Per-prompt outcomes of sending every prompt to one model, for each model: the Zero router's
    ingredients, in the ``(params, cost, quality)`` form of :meth:`~routerbench_utils.Router.outcomes`.

    Row :math:`m` of ``cost`` and ``quality`` holds :math:`(c_{im}, q_{im})_i`, so
    ``rbu.aiq(cost.mean(axis=1), quality.mean(axis=1))`` is the Zero router's AIQ and
    ``rbu.bootstrap_aiq(cost, quality)`` its bootstrap, resampled on the same prompts as any router's.

    See the chapter :ref:`chap-aiq` ("AIQ: one number for a whole curve").

    Parameters
    ----------
    test : DataFrame
        RouterBench-format rows (wide: one column per model).
    names : sequence of str, optional
        The models, by default every model of ``test`` (:func:`~routerbench_utils.models`).

    Returns
    -------
    names : list of str
        The models, one per row of the matrices.
    cost, quality : ndarray of shape (len(names), len(test))
        Each model's per-prompt cost (USD) and score.

    Raises
    ------
    RouterBenchDataError
        If a named model has no score or cost column in ``test``.
    """
    names = models(test) if names is None else list(names)
    return names, cost_matrix(test, names).T, score_matrix(test, names).T


def choose_by_value(quality: np.ndarray, cost: np.ndarray, willingness_to_pay: float,
                    model_names: Sequence[str]) -> np.ndarray:
    """The willingness-to-pay choice: per row, the model maximising ``lambda * q_im - c_im``.

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{im}

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    quality, cost : ndarray of shape (prompts, models)
        Predicted (or, for the Oracle, true) scores and costs; ``cost`` may be per-model means
        broadcast to the rows.
    willingness_to_pay : float
        :math:`\\lambda >= 0`, USD per unit of quality: 0 picks the cheapest model, a large value the
        best-scoring one (ties to the first in ``model_names``).
    model_names : sequence of str
        The models of the columns.

    Returns
    -------
    ndarray of object
        One model name per row.

    Raises
    ------
    ValueError
        If ``quality`` and ``cost`` do not broadcast to one shape, or have no column.
    IndexError
        If a row picks a column beyond the last of ``model_names`` (give one name per column).
    """
    value = willingness_to_pay * np.asarray(quality, dtype=float) - np.asarray(cost, dtype=float)
    return np.asarray(model_names, dtype=object)[np.argmax(value, axis=1)]


def _dataset_means(train: pd.DataFrame, names: list[str], column: str) -> pd.DataFrame:
    """Per-dataset model means, those of :func:`~routerbench_utils.model_points` (``column``: ``cost`` or
    ``quality``), one row per dataset plus the overall mean in row ``'*'``."""
    values = score_matrix(train, names) if column == "quality" else cost_matrix(train, names)
    # model_points' means (the same groupby mean), without validating the rows again: fit did
    table = pd.DataFrame(values, columns=names).groupby(dataset_column(train).to_numpy(),
                                                        sort=False).mean().sort_index()
    table.loc["*"] = values.mean(axis=0)
    return table


def _dataset_costs(train: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Mean training cost per query of each model, per dataset (rows) and overall (row '*')."""
    return _dataset_means(train, names, "cost")


def _row_costs(table: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Predicted cost per (row, model): the row's dataset's training mean, else the overall mean."""
    keys = dataset_column(test).to_numpy()
    keys = np.where(np.isin(keys, table.index), keys, "*")
    return table.loc[keys].to_numpy()


class OracleRouter(Router):
    """The best model for every prompt, read off the test labels: an upper bound, not a real router.

    ``route(test)`` (``param=None``) is the Oracle of the paper: the best score, ties to the cheapest
    model. Prompts on which every model scores 0 are labelled ``no_model_correct`` and count as cost 0
    and score 0 (the official code does the same, as a side effect of routing them to no model at all).
    ``route(test, wtp)`` is the Oracle with a willingness to pay: the model maximising
    :math:`\\lambda s_{im} - c_{im}` with the *true* scores and costs, i.e. a predictive router with
    perfect predictions. Its default curve sweeps the official grid, then adds the classic Oracle:

    .. math:: m^*(i) = \\arg\\max_m s_{im} \\text{ (cheapest among ties)}, \\qquad
        m^*_\\lambda(i) = \\arg\\max_m \\lambda\\, s_{im} - c_{im}.

    It takes no parameters; ``fit`` only records the models (:meth:`~routerbench_utils.Router.fit`).

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.

    Examples
    --------
    >>> oracle = OracleRouter().fit(train)  # doctest: +SKIP
    >>> rbu.evaluate_routing(test, oracle.route(test))  # doctest: +SKIP
    """

    family = "Oracle"
    knob = "willingness_to_pay"

    def default_params(self) -> list:
        """The official willingness-to-pay grid (:data:`routerbench_utils.routers.WTP_GRID`), then
        ``None`` (the classic Oracle).

        Returns
        -------
        list
        """
        return list(WTP_GRID) + [None]

    def route(self, test: pd.DataFrame, willingness_to_pay: float | None = None) -> np.ndarray:
        """The Oracle's model per test row, read off the test rows' true scores and costs.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        willingness_to_pay : float, optional
            :math:`\\lambda \\ge 0` in USD per unit of quality; ``None`` (default) for the paper's
            Oracle (best score, cheapest among ties, ``no_model_correct`` where every model scores 0).

        Returns
        -------
        ndarray of object
            A model name (or ``no_model_correct``) per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``willingness_to_pay`` is negative or NaN, or ``test`` lacks a
            model's score or cost column.
        """
        self._check_fitted()
        if willingness_to_pay is None:
            return oracle_labels(test, self.models_)
        wtp = _check_wtp(willingness_to_pay)
        return choose_by_value(score_matrix(test, self.models_), cost_matrix(test, self.models_), wtp,
                               self.models_)


class ZeroRouter(Router):
    """The Zero router: random mixes of the models on the training hull, blind to the prompt.

    Fitting finds, per dataset, the vertices of the non-decreasing convex hull of the models' training
    points. ``route(test, t)`` targets the cost ``c_min + t (c_max - c_min)`` of each dataset's hull and
    sends each prompt, at random (seeded), to one of the two vertex models around it so that the
    expected training cost is the target. With the hull's vertex costs :math:`c_0 < \\dots < c_K` and
    :math:`c_{j-1} < c(t) \\le c_j`:

    .. math:: c(t) = c_0 + t\\,(c_K - c_0), \\qquad
        P(\\text{vertex } j) = \\frac{c(t) - c_{j-1}}{c_j - c_{j-1}}, \\quad
        P(\\text{vertex } j - 1) = 1 - P(\\text{vertex } j).

    On the test rows its points scatter around the training hull; the comparison's baseline
    (``"Zero (test hull)"`` in :func:`routerbench_utils.compare_routers`) is the hull of the test points
    instead.

    See the chapter :ref:`chap-hull` ("The non-decreasing convex hull and the Zero router").

    Parameters
    ----------
    seed : int, default 0
        Seed of the per-prompt draws (the same draws for every position).

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    vertices_ : dict
        Dataset -> ``(costs, models)``: the hull's vertex costs (mean training USD per query, increasing)
        and the model at each vertex.
    """

    family = "Zero"
    knob = "position"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def fit(self, train: pd.DataFrame) -> "ZeroRouter":
        """Find each dataset's hull vertices (``vertices_``) from the models' training points.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows.

        Returns
        -------
        ZeroRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``train`` fails validation.
        """
        super().fit(train)
        table = _dataset_costs(train, self.models_)
        quality = _dataset_means(train, self.models_, "quality").drop(index="*")
        self.vertices_ = {}
        for name in quality.index:
            c, q = table.loc[name].to_numpy(), quality.loc[name].to_numpy()
            hull = NDCH(c, q)
            index = [int(np.flatnonzero((c == hc) & (q == hq))[0]) for hc, hq in zip(hull.cost, hull.quality)]
            self.vertices_[name] = (hull.cost, [self.models_[k] for k in index])
        return self

    def default_params(self) -> list:
        """The positions of every dataset's hull vertices, :math:`(c_j - c_0) / (c_K - c_0)`, sorted.

        Returns
        -------
        list of float
            Values in [0, 1]; ``[0.0]`` for a dataset whose hull is one point.
        """
        positions = set()
        for cost, _ in self.vertices_.values():
            span = cost[-1] - cost[0]
            positions.update(np.round((cost - cost[0]) / span, 12) if span > 0 else [0.0])
        return sorted(positions)

    def route(self, test: pd.DataFrame, position: float = 0.0) -> np.ndarray:
        """A random mix of two neighbouring hull models per dataset, at the cost position ``position``.

        Parameters
        ----------
        test : DataFrame
            Rows to route; only their ``eval_name`` is read (the Zero router never looks at a prompt).
        position : float, default 0.0
            :math:`t \\in [0, 1]`: 0 the cheapest vertex model, 1 the best one.

        Returns
        -------
        ndarray of object
            A model name per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``position`` is outside [0, 1], or ``test`` holds a dataset
            absent from the training rows.
        """
        self._check_fitted()
        t = float(position)
        if not 0.0 <= t <= 1.0:
            raise RouterBenchDataError(f"position: the Zero router takes a position t in [0, 1], got {position!r}")
        dataset = dataset_column(test).to_numpy()
        unknown = sorted(set(dataset) - set(self.vertices_))
        if unknown:
            raise RouterBenchDataError(f"test: datasets {unknown} were not in the training rows")
        draws = np.random.default_rng(self.seed).random(len(test))
        chosen = np.empty(len(test), dtype=object)
        for name, (cost, names) in self.vertices_.items():
            rows = dataset == name
            target = cost[0] + t * (cost[-1] - cost[0])
            right = int(min(np.searchsorted(cost, target, side="left"), len(cost) - 1))
            left = max(right - 1, 0)
            share = 0.0 if right == left else (target - cost[left]) / (cost[right] - cost[left])
            chosen[rows] = np.where(draws[rows] < share, names[right], names[left])
        return chosen


class _PredictiveRouter(Router):
    """Predict every model's score from the prompt embedding; pick
    :math:`\\arg\\max_m \\lambda \\hat q_{im} - \\hat c_{m}` for a willingness to pay :math:`\\lambda`.

    :math:`\\hat c_m` is model :math:`m`'s mean cost per query on the training prompts of the row's
    dataset. Predictions are clipped to [0, 1].
    """

    family = "Predictive"
    knob = "willingness_to_pay"

    def __init__(self, embedding=None, seed: int = 0):
        self.embedding = embedding
        self.seed = seed

    def _estimator(self):
        raise NotImplementedError

    def fit(self, train: pd.DataFrame) -> "_PredictiveRouter":
        """Fit the embedding on the training prompts, the learner on every model's scores, and the
        models' mean training costs per dataset.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text.

        Returns
        -------
        Router
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``train`` fails validation, has no ``prompt`` column, or a prompt is missing.
        """
        super().fit(train)
        self.embedder_ = self.embedding if self.embedding is not None else TfidfSvdEmbedder(seed=self.seed)
        texts = prompt_texts(train, "train")
        features = fit_transform(self.embedder_, texts)  # each training prompt tokenised once
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.estimator_ = self._estimator().fit(features, score_matrix(train, self.models_))
        self.converged_ = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        self.costs_ = _dataset_costs(train, self.models_)
        return self

    def predict_quality(self, test: pd.DataFrame) -> np.ndarray:
        """Predicted score of every model on every test prompt, shape (rows, models), clipped to [0, 1].

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column (their scores are not read).

        Returns
        -------
        ndarray of shape (len(test), len(models_))
            :math:`\\hat q_{im}`, in the order of ``models_``.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        self._check_fitted()
        features = self.embedder_.transform(prompt_texts(test, "test"))
        return np.clip(np.asarray(self.estimator_.predict(features)).reshape(len(test), -1), 0.0, 1.0)

    def default_params(self) -> list:
        """The official willingness-to-pay grid, :data:`routerbench_utils.routers.WTP_GRID`.

        Returns
        -------
        list of float
        """
        return list(WTP_GRID)

    def route(self, test: pd.DataFrame, willingness_to_pay: float = 1.0) -> np.ndarray:
        """Per row, the model maximising :math:`\\lambda\\, \\hat q_{im} - \\hat c_{d(i), m}`.

        Parameters
        ----------
        test : DataFrame
            Rows with ``prompt`` and ``eval_name`` columns (their scores are not read).
        willingness_to_pay : float, default 1.0
            :math:`\\lambda \\ge 0`, USD per unit of quality: 0 picks the cheapest model, a large value
            the best predicted one.

        Returns
        -------
        ndarray of object
            A model name per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``willingness_to_pay`` is negative or NaN, or ``test`` has no
            ``prompt`` column or a missing prompt.
        """
        wtp = _check_wtp(willingness_to_pay)
        return choose_by_value(self.predict_quality(test), _row_costs(self.costs_, test), wtp, self.models_)

    def _choices(self, test: pd.DataFrame, params: list) -> list[np.ndarray]:
        predicted, costs = self.predict_quality(test), _row_costs(self.costs_, test)  # once for all params
        return [choose_by_value(predicted, costs, _check_wtp(p), self.models_) for p in params]


class KNNRouter(_PredictiveRouter):
    """Predictive router: a model's predicted score is its mean score on the ``k`` training prompts
    nearest in cosine distance.

    .. math:: \\hat q_{im} = \\frac{1}{k} \\sum_{j \\in N_k(i)} s_{jm}, \\qquad
        m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    where :math:`N_k(i)` are the :math:`k` training prompts whose embeddings are nearest to prompt
    :math:`i`'s in cosine distance :math:`1 - \\cos(x_i, x_j)`, :math:`\\lambda` is the willingness to
    pay (the knob) and :math:`\\hat c_{d,m}` model :math:`m`'s mean training cost per query on the
    prompt's dataset :math:`d(i)`. On a training split smaller than ``k``, every training prompt is a
    neighbour.

    The neighbour search is exact by default: every test prompt against every training prompt,
    :math:`O(n_{train}\\, n_{test})`, shared by every ``k`` and willingness to pay. For large
    splits (10^5 prompts and more), ``search="ivf"`` finds :math:`N_k(i)` approximately in an
    inverted-file index of faiss (the ``scale`` extra): about 99% of the exact neighbours on the
    book's data, in a fraction of the time (``benchmarks/bench_knn.py``).

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    k : int, default 40
        Neighbours per prompt.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``seed`` (fitted on the training prompts).
    seed : int, default 0
        Seed of the default embedding, and of the index's k-means with ``search="ivf"``.
    search : {"exact", "ivf"}, default "exact"
        The neighbour search: exact, or approximate from faiss's inverted-file index (needs
        ``pip install 'routerbench_utils[scale]'``); see
        :func:`~routerbench_utils.neighbours.cosine_neighbours`.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted nearest-neighbour regressor (one output per model).
    converged_ : bool
        Always True (nothing iterates).
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).

    Examples
    --------
    >>> knn = KNNRouter(k=40).fit(train)  # doctest: +SKIP
    >>> knn.curve(test)  # one point per willingness to pay of WTP_GRID  # doctest: +SKIP
    >>> KNNRouter(k=40, search="ivf").fit(big_train).curve(big_test)  # approximate  # doctest: +SKIP
    """

    family = "KNN"

    def __init__(self, k: int = 40, embedding=None, seed: int = 0, search: str = "exact"):
        super().__init__(embedding=embedding, seed=seed)
        self.k = k
        self.search = search

    def fit(self, train: pd.DataFrame) -> "KNNRouter":
        """Check ``search`` (before any embedding is fitted), then fit as every predictive router does.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text.

        Returns
        -------
        KNNRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``search`` is not ``"exact"`` or ``"ivf"``, or is ``"ivf"`` without faiss installed;
            if ``train`` fails validation, has no ``prompt`` column, or a prompt is missing.
        """
        check_search(self.search)
        return super().fit(train)

    def _estimator(self):
        # one neighbour search per (training, test) embedding, shared by every k and every router
        return CosineKNNRegressor(self.k, search=self.search, seed=self.seed)


class MLPRouter(_PredictiveRouter):
    """Predictive router: a multi-layer perceptron regresses every model's score on the embedding.

    scikit-learn's ``MLPRegressor`` (ReLU, Adam, squared error) with early stopping on 10% of the
    training rows (stop after 10 epochs without improvement) predicts the vector of the models' scores,
    :math:`\\hat q_{i\\cdot} = \\mathrm{MLP}(x_i)`, from the prompt's embedding :math:`x_i`.

    Routing follows the willingness to pay :math:`\\lambda` (the knob):

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    with :math:`\\hat q_{im}` the predicted score clipped to [0, 1] and :math:`\\hat c_{d,m}` model
    :math:`m`'s mean training cost per query on the prompt's dataset :math:`d(i)`.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    hidden : tuple of int, default (100,)
        Units per hidden layer, e.g. ``(100, 100)``.
    max_iter : int, default 300
        Maximum epochs.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``seed`` (fitted on the training prompts).
    seed : int, default 0
        Seed of the default embedding and of the learner.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted scikit-learn regressor (one output per model).
    converged_ : bool
        False if the learner warned that it did not converge.
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).
    """

    family = "MLP"

    def __init__(self, hidden: tuple[int, ...] = (100,), max_iter: int = 300, embedding=None, seed: int = 0):
        super().__init__(embedding=embedding, seed=seed)
        self.hidden = hidden
        self.max_iter = max_iter

    def _estimator(self):
        return MLPRegressor(hidden_layer_sizes=tuple(self.hidden), max_iter=self.max_iter, random_state=self.seed,
                            early_stopping=True, n_iter_no_change=10)


class SVMRouter(_PredictiveRouter):
    """Predictive router: one linear support-vector regression per model.

    For each model :math:`m`, scikit-learn's ``LinearSVR`` (epsilon-insensitive loss with
    :math:`\\epsilon = 0`, at most 5,000 iterations) fits :math:`\\hat q_{im} = w_m^\\top x_i + b_m` on
    the prompt's embedding :math:`x_i`.

    Routing follows the willingness to pay :math:`\\lambda` (the knob):

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    with :math:`\\hat q_{im}` the predicted score clipped to [0, 1] and :math:`\\hat c_{d,m}` model
    :math:`m`'s mean training cost per query on the prompt's dataset :math:`d(i)`.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    C : float, default 1.0
        Inverse regularisation strength of each regression.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``seed`` (fitted on the training prompts).
    seed : int, default 0
        Seed of the default embedding and of the learner.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted scikit-learn regressor (one output per model).
    converged_ : bool
        False if the learner warned that it did not converge.
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).
    """

    family = "SVM"

    def __init__(self, C: float = 1.0, embedding=None, seed: int = 0):
        super().__init__(embedding=embedding, seed=seed)
        self.C = C

    def _estimator(self):
        return MultiOutputRegressor(LinearSVR(C=self.C, epsilon=0.0, random_state=self.seed, max_iter=5000))


class CascadeRouter(Router):
    """Call models from cheapest to dearest until a judge accepts an answer or the budget runs out.

    The judge accepts an answer whose score reaches ``threshold``, but errs with probability
    ``error_rate`` (accepting a bad answer or rejecting a good one). Real judges err asymmetrically:
    ``false_accept`` and ``false_reject``, when given, set the two error rates separately. The next model
    is called only if the money spent so far plus its mean training cost stays within the per-query
    budget (the first model is always called). Quality is the last called model's score; cost is the
    sum of every call. Judge errors are drawn once per (prompt, model) from ``seed``, so budgets share
    them.

    For prompt :math:`i`, with the models ordered by their mean training cost :math:`\\hat c_{(1)} \\le
    \\hat c_{(2)} \\le \\dots` on the prompt's dataset, the judge's verdict on model :math:`k` and the
    stopping rule for budget :math:`B` are

    .. math::

        A_{ik} = \\mathbf{1}[s_{i(k)} \\ge \\tau] \\oplus E_{ik}, \\quad
        E_{ik} \\sim \\mathrm{Bernoulli}\\big(\\epsilon_{FR} \\text{ if } s_{i(k)} \\ge \\tau
        \\text{ else } \\epsilon_{FA}\\big),

        \\text{call } k + 1 \\iff A_{ik} = 0 \\text{ and } \\sum_{j \\le k} c_{i(j)} + \\hat c_{(k+1)} \\le B;
        \\qquad \\text{cost}_i = \\sum_{j \\le K_i} c_{i(j)}, \\quad \\text{quality}_i = s_{i(K_i)},

    where :math:`K_i` is the last model called. The judge reads the true score: the cascade's curve is
    what a judge of the given error rates would achieve.

    See the chapter :ref:`chap-cascade` ("Cascading routers").

    Parameters
    ----------
    error_rate : float, default 0.0
        The judge's error probability :math:`\\epsilon`, in [0, 1], for both kinds of error unless set
        separately.
    threshold : float, default 1.0
        The score :math:`\\tau` an answer needs to be good (1: only a full score).
    seed : int, default 0
        Seed of the judge's errors.
    false_accept : float, optional
        :math:`\\epsilon_{FA}`, the probability of accepting a bad answer; default ``error_rate``.
    false_reject : float, optional
        :math:`\\epsilon_{FR}`, the probability of rejecting a good answer; default ``error_rate``.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    false_accept_, false_reject_ : float
        The two error rates in use.
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training); it orders the models and checks the budget.

    Examples
    --------
    >>> cascade = CascadeRouter(error_rate=0.05).fit(train)  # doctest: +SKIP
    >>> cascade.curve(test)  # one point per budget of BUDGET_GRID  # doctest: +SKIP
    """

    family = "Cascade"
    knob = "budget"

    def __init__(self, error_rate: float = 0.0, threshold: float = 1.0, seed: int = 0,
                 false_accept: float | None = None, false_reject: float | None = None):
        self.error_rate = error_rate
        self.threshold = threshold
        self.seed = seed
        self.false_accept = false_accept
        self.false_reject = false_reject

    def fit(self, train: pd.DataFrame) -> "CascadeRouter":
        """Check the error rates, then learn each model's mean training cost per dataset (``costs_``).

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows.

        Returns
        -------
        CascadeRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``error_rate``, ``false_accept`` or ``false_reject`` is not a probability in [0, 1], or
            ``train`` fails validation.
        """
        for label, rate in (("error_rate", self.error_rate), ("false_accept", self.false_accept),
                            ("false_reject", self.false_reject)):
            if rate is not None and not 0.0 <= rate <= 1.0:
                raise RouterBenchDataError(f"{label}: expected a probability in [0, 1], got {rate!r}")
        super().fit(train)
        # The two judge error rates; either defaults to the symmetric error_rate.
        self.false_accept_ = self.error_rate if self.false_accept is None else self.false_accept
        self.false_reject_ = self.error_rate if self.false_reject is None else self.false_reject
        self.costs_ = _dataset_costs(train, self.models_)
        return self

    def default_params(self) -> list:
        """The official per-query budgets, :data:`routerbench_utils.routers.BUDGET_GRID` (USD).

        Returns
        -------
        list of float
        """
        return list(BUDGET_GRID)

    def _simulate(self, test: pd.DataFrame, budgets: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        validate(test)
        scores, costs = score_matrix(test, self.models_), cost_matrix(test, self.models_)
        predicted = _row_costs(self.costs_, test)
        order = np.argsort(predicted, axis=1, kind="stable")  # cheapest first, per row's dataset
        rows = np.arange(len(test))[:, None]
        scores, costs, predicted = scores[rows, order], costs[rows, order], predicted[rows, order]
        good = scores >= self.threshold
        draws = np.random.default_rng(self.seed).random(scores.shape)
        wrong = draws < np.where(good, self.false_reject_, self.false_accept_)
        accept = good != wrong
        n, n_models = scores.shape
        out_cost, out_quality = np.zeros((len(budgets), n)), np.zeros((len(budgets), n))
        last = np.zeros((len(budgets), n), dtype=int)
        for b, budget in enumerate(budgets):
            spent, quality, done = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
            for k in range(n_models):
                call = ~done & ((k == 0) | (spent + predicted[:, k] <= budget))
                spent += np.where(call, costs[:, k], 0.0)
                quality = np.where(call, scores[:, k], quality)
                last[b] = np.where(call, order[:, k], last[b])
                done |= ~call | (call & accept[:, k])
            out_cost[b], out_quality[b] = spent, quality
        return out_cost, out_quality, last

    def outcomes(self, test: pd.DataFrame, params: Sequence | None = None):
        """Per-prompt cost (every call paid) and quality (the last call's score) for each budget.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        params : sequence of float, optional
            Budgets in USD per query; default :data:`routerbench_utils.routers.BUDGET_GRID`.

        Returns
        -------
        params : list
            The budgets.
        cost, quality : ndarray of shape (len(params), len(test))
            Per-prompt cost (sum of every call) and score (last model called).

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, a budget is negative or NaN, or ``test`` fails validation or
            lacks a model of ``models_``.
        """
        self._check_fitted()
        params = self.default_params() if params is None else list(params)
        if any(not float(p) >= 0 for p in params):
            raise RouterBenchDataError("params: budgets must be >= 0 USD per query")
        cost, quality, _ = self._simulate(test, [float(p) for p in params])
        return params, cost, quality

    def route(self, test: pd.DataFrame, budget: float = np.inf) -> np.ndarray:
        """The model whose answer the cascade returns (its cost is the sum of all calls: use curve).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        budget : float, default inf
            USD per query.

        Returns
        -------
        ndarray of object
            The last model called, per row. Scoring these with
            :func:`routerbench_utils.evaluate_routing` undercounts the cost: use
            :meth:`~routerbench_utils.Router.curve` or :meth:`~routerbench_utils.CascadeRouter.outcomes`.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` fails validation or lacks a model of ``models_``.
        """
        self._check_fitted()
        _, _, last = self._simulate(test, [float(budget)])
        return np.asarray(self.models_, dtype=object)[last[0]]


class ClassifierRouter(Router):
    """Not in the paper: a two-model router in the spirit of RouteLLM (Ong et al., 2024).

    A logistic regression on the prompt embedding estimates the probability that the ``strong`` model
    scores higher than the ``weak`` one; prompts whose probability reaches the threshold go to the strong
    model. Sweeping the threshold from 1 to 0 moves from all-weak to all-strong:

    .. math:: \\hat p(x_i) = \\sigma(w^\\top x_i + b) \\approx P(s_{i,\\text{strong}} > s_{i,\\text{weak}}),
        \\qquad m(i) = \\text{strong} \\iff \\hat p(x_i) \\ge \\tau.

    Where the strong model never (or always) wins on the training rows, :math:`\\hat p` is that constant.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    strong, weak : str
        The two models (default GPT-4 and Mixtral 8x7B).
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``seed`` (fitted on the training prompts).
    seed : int, default 0
        Seed of the default embedding.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : LogisticRegression or None
        The fitted classifier; None when the training rows hold one class only.
    constant_ : float
        The predicted probability when ``estimator_`` is None (set only then).
    thresholds_ : list of float
        The default thresholds: the 0, 5, ..., 100 % quantiles of :math:`\\hat p` on the training rows,
        plus one just above 1 (all-weak).
    """

    family = "Classifier"
    knob = "threshold"

    def __init__(self, strong: str = "gpt-4-1106-preview", weak: str = "mistralai/mixtral-8x7b-chat",
                 embedding=None, seed: int = 0, C: float = 1.0):
        self.strong, self.weak = strong, weak
        self.embedding = embedding
        self.seed = seed
        self.C = C

    def fit(self, train: pd.DataFrame) -> "ClassifierRouter":
        """Fit the embedding on the training prompts and the classifier on "strong scores higher".

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text and both models' columns.

        Returns
        -------
        ClassifierRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``strong`` or ``weak`` is not a model of ``train``, a prompt is missing, or ``train``
            fails validation.
        """
        super().fit(train)
        for name in (self.strong, self.weak):
            if name not in self.models_:
                raise RouterBenchDataError(f"model {name!r} is not in the training data ({self.models_})")
        self.embedder_ = self.embedding if self.embedding is not None else TfidfSvdEmbedder(seed=self.seed)
        texts = prompt_texts(train, "train")
        features = fit_transform(self.embedder_, texts)
        label = (train[self.strong].to_numpy(dtype=float) > train[self.weak].to_numpy(dtype=float)).astype(int)
        if label.min() == label.max():  # one class only: predict its share
            self.estimator_ = None
            self.constant_ = float(label[0])
        else:
            self.estimator_ = LogisticRegression(C=self.C, max_iter=1000).fit(features, label)
        train_p = self.predict_strong(train)
        self.thresholds_ = sorted(set(np.round(np.quantile(train_p, np.linspace(0, 1, 21)), 12)) | {1.0 + 1e-9})
        return self

    def predict_strong(self, test: pd.DataFrame) -> np.ndarray:
        """Estimated probability that the strong model beats the weak one, per row.

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column.

        Returns
        -------
        ndarray of shape (len(test),)
            :math:`\\hat p(x_i)` in [0, 1].

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        self._check_fitted()
        if self.estimator_ is None:
            return np.full(len(test), self.constant_)
        return self.estimator_.predict_proba(self.embedder_.transform(prompt_texts(test, "test")))[:, 1]

    def default_params(self) -> list:
        """The thresholds learned in ``fit`` (``thresholds_``), from all-strong to all-weak.

        Returns
        -------
        list of float
        """
        return list(self.thresholds_)

    def route(self, test: pd.DataFrame, threshold: float = 0.5) -> np.ndarray:
        """The strong model where :math:`\\hat p(x_i) \\ge` ``threshold``, else the weak one.

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column.
        threshold : float, default 0.5
            :math:`\\tau`; above 1 sends every prompt to the weak model, 0 every prompt to the strong one.

        Returns
        -------
        ndarray of object
            ``strong`` or ``weak`` per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        return np.where(self.predict_strong(test) >= float(threshold), self.strong, self.weak).astype(object)


class TaskLabelRouter(_PredictiveRouter):
    """Not in the paper: predict a model's score on a prompt by its mean training score on the prompt's
    task (``level="dataset"``) or ``eval_name`` (e.g. the MMLU subject), then route by willingness to pay
    like the predictive routers. It reads no prompt text: how much of a learned router's gain is only
    the task label?

    .. math:: \\hat q_{im} = \\frac{1}{|T_{\\ell(i)}|} \\sum_{j \\in T_{\\ell(i)}} s_{jm}, \\qquad
        m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    where :math:`T_\\ell` are the training rows with the prompt's label :math:`\\ell(i)` (a label
    unseen in training takes the mean over all training rows) and :math:`\\hat c_{d,m}` is model
    :math:`m`'s mean training cost per query on the prompt's dataset.

    See the chapter :ref:`chap-predictive` ("Predictive routers", the task label).

    Parameters
    ----------
    level : {"eval_name", "dataset"}
        The label: the row's ``eval_name`` (default; MMLU subjects apart) or its dataset.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    means_ : DataFrame
        Mean training score per label (rows, plus ``'*'`` for all rows) and model (columns).
    costs_ : DataFrame
        Mean training cost per query of each model, per dataset and overall (row ``'*'``).
    """

    family = "Task label"

    def __init__(self, level: str = "eval_name"):
        super().__init__()
        self.level = level

    def _labels(self, df: pd.DataFrame) -> np.ndarray:
        return (dataset_column(df) if self.level == "dataset" else df["eval_name"].astype(str)).to_numpy()

    def fit(self, train: pd.DataFrame) -> "TaskLabelRouter":
        """Learn each model's mean training score per label (``means_``) and mean cost (``costs_``).

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows (no prompt text needed).

        Returns
        -------
        TaskLabelRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``level`` is neither ``"dataset"`` nor ``"eval_name"``, or ``train`` fails validation.
        """
        if self.level not in ("dataset", "eval_name"):
            raise RouterBenchDataError(f"level: expected 'dataset' or 'eval_name', got {self.level!r}")
        Router.fit(self, train)
        scores = pd.DataFrame(score_matrix(train, self.models_), columns=self.models_)
        self.means_ = scores.groupby(self._labels(train)).mean()
        self.means_.loc["*"] = scores.mean()
        self.costs_ = _dataset_costs(train, self.models_)
        return self

    def predict_quality(self, test: pd.DataFrame) -> np.ndarray:
        """Each model's mean training score on the row's label (the overall mean for an unseen label).

        Parameters
        ----------
        test : DataFrame
            Rows with an ``eval_name`` column.

        Returns
        -------
        ndarray of shape (len(test), len(models_))

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``eval_name`` column (``level="dataset"``).
        KeyError
            If ``test`` has no ``eval_name`` column (``level="eval_name"``).
        """
        self._check_fitted()
        keys = self._labels(test)
        keys = np.where(np.isin(keys, self.means_.index), keys, "*")  # an unseen task: the overall mean
        return self.means_.loc[keys].to_numpy()
