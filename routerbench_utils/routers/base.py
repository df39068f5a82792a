"""The router protocol and what every family shares: the knob grids, the outcome of a routing, the
value rule ``quality - cost / willingness_to_pay`` (chapters "The Oracle" to "All routers compared").
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..catalog import NO_MODEL_CORRECT
from ..data import cost_matrix, dataset_column, models, score_matrix, validate
from .. import _checks
from .._deprecated import keyword_only
from ..errors import RouterBenchDataError, first_ids


#: The official willingness-to-pay grid (USD per unit of quality): the 32 values of ``WILLINGNESS_TO_PAY``
#: in RouterBench's own code (withmartian/routerbench, ``utils.py``), from 1e-10 to 1e9, dense between
#: 1 and 1e5 where the models' trade-offs lie.
WTP_GRID = (1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 10.0, 50.0,
            100.0, 500.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 7500.0, 10000.0, 25000.0, 50000.0, 75000.0,
            100000.0, 1e6, 1e9)


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
    >>> [round(v, 4) for v in evaluate_routing(test, ["gpt-4-1106-preview"] * len(test))]
    [0.0049, 0.8163]
    """
    if cost not in ("mean", "total"):
        raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise RouterBenchDataError("df: expected a wide frame with at least one prompt to evaluate the routing on")
    c, q = routing_outcomes(df, chosen)
    return (float(c.sum()) if cost == "total" else float(c.mean())), float(q.mean())


class Sweep:
    """A router's sweep of its knob over test rows: for every setting, the model each prompt went to and
    what each prompt cost and scored. The one result of every router's :meth:`Router.sweep`;
    :meth:`Router.curve` is its tidy summary, :meth:`Sweep.to_frame`.

    Row :math:`k` of the matrices holds setting :math:`\\theta_k`; the curve's point is
    :math:`\\big(\\frac{1}{n}\\sum_i c_{ki}, \\frac{1}{n}\\sum_i q_{ki}\\big)`.

    See the chapter :ref:`chap-byo` ("Bring your own router and your own logs").

    Parameters
    ----------
    knob : str
        The name of the router's knob (``willingness_to_pay``, ``budget_usd``, ``position``, ...).
    settings : sequence
        The knob's values, one per row of the matrices.
    chosen : array-like of shape (settings, prompts)
        Model names; for a cascade, the model whose answer is returned.
    cost : array-like of shape (settings, prompts)
        USD per prompt (for a cascade, every call it paid for).
    quality : array-like of shape (settings, prompts)
        Score per prompt.

    Raises
    ------
    RouterBenchDataError
        If the matrices do not have one row per setting and one shape.

    Examples
    --------
    >>> s = Sweep("budget_usd", [0.5, 1.0], [["a", "b"], ["b", "b"]], [[1.0, 3.0], [3.0, 3.0]],
    ...           [[0.0, 1.0], [1.0, 1.0]])
    >>> s.to_frame()
       setting  cost  quality
    0      0.5   2.0      0.5
    1      1.0   3.0      1.0
    """

    def __init__(self, knob: str, settings: Sequence, chosen, cost, quality) -> None:
        self.knob = knob
        try:
            self.settings = list(settings)
            self.chosen = np.asarray(chosen, dtype=object)
            self.cost = np.asarray(cost, dtype=float)
            self.quality = np.asarray(quality, dtype=float)
        except (TypeError, ValueError) as exc:
            raise RouterBenchDataError(f"Sweep: expected a list of settings and (settings, prompts) arrays of "
                                       f"model names, costs and qualities ({exc})") from exc
        shape = (len(self.settings), self.cost.shape[-1] if self.cost.ndim == 2 else -1)
        if not (self.cost.shape == self.quality.shape == self.chosen.shape == shape):
            raise RouterBenchDataError(
                f"Sweep: expected chosen, cost and quality of one shape (settings, prompts) = {shape}, got "
                f"{self.chosen.shape}, {self.cost.shape}, {self.quality.shape}")

    @property
    def params(self) -> list:
        """Deprecated name of ``settings``."""
        from .._deprecated import warn_moved

        warn_moved("Sweep.params", "Sweep.settings")
        return self.settings

    def to_frame(self, cost: str = "mean") -> pd.DataFrame:
        """The tidy curve: one row per setting with the mean (or total) cost and the mean quality.

        Parameters
        ----------
        cost : {"mean", "total"}
            Mean USD per query (default) or the total spend.

        Returns
        -------
        DataFrame
            Columns ``setting``, ``cost``, ``quality``, in the order of ``settings``.

        Raises
        ------
        RouterBenchDataError
            If ``cost`` is neither ``"mean"`` nor ``"total"``.
        """
        if cost not in ("mean", "total"):
            raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
        spent = self.cost.sum(axis=1) if cost == "total" else self.cost.mean(axis=1)
        return pd.DataFrame({"setting": self.settings, "cost": spent, "quality": self.quality.mean(axis=1)})

    def __len__(self) -> int:
        return len(self.settings)

    def __repr__(self) -> str:
        return (f"Sweep of {self.knob} over {len(self.settings)} settings x {self.chosen.shape[1]} prompts\n"
                f"{self.to_frame()}")


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
    >>> Cheapest().fit(train).curve(test).round(6)
      setting      cost   quality
    0    None  0.000081  0.408163
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

        The knob's keyword is the class attribute ``knob``; left at ``None`` it takes the constructor's
        value when the knob is also a parameter of the router, else the family's default.

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

    def default_settings(self) -> list:
        """The knob values ``curve`` and ``sweep`` take when given none (here ``[None]``).

        Returns
        -------
        list
        """
        return [None]

    def default_params(self) -> list:
        """Deprecated name of :meth:`default_settings`.

        Returns
        -------
        list
        """
        from .._deprecated import warn_moved

        warn_moved(f"{type(self).__name__}.default_params", f"{type(self).__name__}.default_settings")
        return self.default_settings()

    def _settings(self, settings: Sequence | None, params: Sequence | None = None) -> list:
        """The knob values asked for (``params`` is the deprecated keyword), else the defaults."""
        if params is not None:
            from .._deprecated import warn_moved

            warn_moved("the keyword params", "settings")
            settings = params if settings is None else settings
        if settings is not None:
            return list(settings)
        if type(self).default_params is not Router.default_params:  # a router written before the rename
            from .._deprecated import warn_moved

            warn_moved(f"{type(self).__name__}.default_params", "default_settings")
            return list(self.default_params())
        return list(self.default_settings())

    def _knob(self, value, fallback=None):
        """The knob's value for ``route``: the one given, else the constructor's (a knob that is also a
        parameter, e.g. ``LinUCBRouter(willingness_to_pay=w)``), else ``fallback``."""
        if value is None and self.knob in self.get_params(deep=False):
            value = getattr(self, self.knob)
        return fallback if value is None else value

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise RouterBenchDataError(f"{type(self).__name__}: call fit(train) before routing")

    def sweep(self, test: pd.DataFrame, settings: Sequence | None = None) -> Sweep:
        """Route the test rows at every setting of the knob, keeping who was called and what each
        prompt cost and scored.

        For a router that pays only for the model it chooses, :math:`(c_{ki}, q_{ki}) =
        (c_{i, m_k(i)}, s_{i, m_k(i)})` with :math:`m_k(i)` = ``route(test, settings[k])[i]``; a cascade
        pays for every call it makes, and its chosen model is the one whose answer it returns.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        settings : sequence, optional
            Knob values; default :meth:`default_settings`.

        Returns
        -------
        Sweep
            ``settings``, ``chosen``, ``cost`` and ``quality`` (matrices of shape (settings, prompts)).

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``test`` fails validation, a setting is invalid for the router,
            or a route names a model that is not in ``test``.
        """
        self._check_fitted()
        validate(test)
        settings = self._settings(settings)
        chosen, cost, quality = self._sweep_arrays(test, settings)
        return Sweep(self.knob, settings, chosen, cost, quality)

    def _sweep_arrays(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(chosen, cost, quality)`` of shape (settings, prompts); a router that pays for more than
        the chosen model (a cascade) overrides it."""
        # The test rows' cost and score matrices once, not once per setting (as routing_outcomes would).
        names = models(test)
        costs, scores = cost_matrix(test, names), score_matrix(test, names)
        chosen = [np.asarray(c, dtype=object) for c in self._choices(test, settings)]
        pairs = [_outcomes_of(_model_index(test, c, names), costs, scores) for c in chosen]
        shape = (len(settings), len(test))
        return (np.array(chosen, dtype=object).reshape(shape), np.array([c for c, _ in pairs]).reshape(shape),
                np.array([q for _, q in pairs]).reshape(shape))

    def outcomes(self, test: pd.DataFrame, settings: Sequence | None = None, *, params: Sequence | None = None
                 ) -> tuple[list, np.ndarray, np.ndarray]:
        """``(settings, cost, quality)``: the per-prompt matrices of :meth:`sweep`, shape
        (len(settings), len(test)).

        Row :math:`k` holds every test prompt's cost and score when routed with ``settings[k]``: the
        input :func:`routerbench_utils.bootstrap_aiq` and :func:`routerbench_utils.saving_ci` resample.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        settings : sequence, optional
            Knob values; default :meth:`default_settings`.
        params : sequence, optional
            Deprecated name of ``settings``.

        Returns
        -------
        settings : list
            The knob values, one per row of the matrices.
        cost, quality : ndarray of shape (len(settings), len(test))
            Per-prompt cost (USD) and score.

        Raises
        ------
        RouterBenchDataError
            As :meth:`sweep`.
        """
        s = self.sweep(test, self._settings(settings, params))
        return s.settings, s.cost, s.quality

    def _choices(self, test: pd.DataFrame, settings: list) -> list[np.ndarray]:
        """The routes for every setting; routers that can share work across settings override it."""
        return [self.route(test, p) for p in settings]

    def curve(self, test: pd.DataFrame, settings: Sequence | None = None, cost: str = "mean", *,
              params: Sequence | None = None) -> pd.DataFrame:
        """One (cost, quality) point per setting of the knob, on the rows of ``test``:
        ``sweep(test, settings).to_frame(cost)``.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        settings : sequence, optional
            Knob values; default :meth:`default_settings`.
        cost : {"mean", "total"}
            Mean USD per query (default) or the total spend.
        params : sequence, optional
            Deprecated name of ``settings``.

        Returns
        -------
        DataFrame
            Columns ``setting``, ``cost``, ``quality``: one row per knob value, in the order given.

        Raises
        ------
        RouterBenchDataError
            If ``cost`` is neither ``"mean"`` nor ``"total"``, and as :meth:`sweep`.
        """
        if cost not in ("mean", "total"):
            raise RouterBenchDataError(f"cost: expected 'mean' or 'total', got {cost!r}")
        return self.sweep(test, self._settings(settings, params)).to_frame(cost)


def check_wtp(value) -> float:
    """A willingness to pay :math:`\\lambda \\ge 0` as a float, or an error that names the argument.

    See the chapter :ref:`chap-oracle` ("The Oracle").

    Parameters
    ----------
    value : float
        Quality points a router would pay one dollar for.

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    RouterBenchDataError
        If ``value`` is not a number, negative or NaN (``inf`` is allowed: quality only, cost breaks ties).
    """
    return _checks.number(value, "willingness_to_pay", low=0.0, allow_inf=True)


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


@keyword_only("cost", "quality")
def choose_by_value(willingness_to_pay: float, model_names: Sequence[str], *, cost: np.ndarray,
                    quality: np.ndarray) -> np.ndarray:
    """The willingness-to-pay choice: per row, the model maximising ``lambda * q_im - c_im``.

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{im}

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    willingness_to_pay : float
        :math:`\\lambda >= 0`, USD per unit of quality: 0 picks the cheapest model, a large value the
        best-scoring one; ``inf`` means quality only, the cost breaking ties (the cheapest of the
        best-scoring models, as the Oracle chooses).
    model_names : sequence of str
        The models of the columns.
    cost, quality : ndarray of shape (prompts, models), keyword-only
        Predicted (or, for the Oracle, true) costs and scores, passed by name (a positional call
        raises a TypeError; the old order was quality, cost); ``cost`` may be per-model means
        broadcast to the rows.

    Returns
    -------
    ndarray of object
        One model name per row.

    Raises
    ------
    RouterBenchDataError
        If ``willingness_to_pay`` is NaN, negative or not a number, ``quality`` and ``cost`` do not
        broadcast to one 2-d shape, have no column, or do not have one name per column.
    """
    wtp = check_wtp(willingness_to_pay)
    try:
        quality, cost = np.broadcast_arrays(np.asarray(quality, dtype=float), np.asarray(cost, dtype=float))
    except ValueError as exc:
        raise RouterBenchDataError(f"quality, cost: shapes {np.shape(quality)} and {np.shape(cost)} do not "
                                   "broadcast; expected (prompts, models) arrays") from exc
    names = np.asarray(model_names, dtype=object)
    if quality.ndim != 2 or quality.shape[1] == 0 or quality.shape[1] != len(names):
        raise RouterBenchDataError(f"quality: shape {quality.shape} with {len(names)} model names; expected "
                                   "(prompts, models) with one name per column")
    if np.isinf(wtp):
        # lambda = inf: infinity times a zero cost is NaN, so compare qualities first, then costs
        best = quality.max(axis=1, keepdims=True)
        return names[np.where(quality == best, cost, np.inf).argmin(axis=1)]
    return names[np.argmax(wtp * quality - cost, axis=1)]


def dataset_means(train: pd.DataFrame, names: list[str], column: str) -> pd.DataFrame:
    """Per-dataset model means, those of :func:`~routerbench_utils.model_points`, one row per dataset plus
    the overall mean in row ``'*'``: :math:`\\bar v_{dm} = \\frac{1}{|D_d|}\\sum_{i \\in D_d} v_{im}`.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    train : DataFrame
        Validated RouterBench rows (not validated again here).
    names : list of str
        The models, in column order.
    column : {"cost", "quality"}
        Which means.

    Returns
    -------
    DataFrame
        Datasets (and ``'*'``) by models.
    """
    values = score_matrix(train, names) if column == "quality" else cost_matrix(train, names)
    # model_points' means (the same groupby mean), without validating the rows again: fit did
    table = pd.DataFrame(values, columns=names).groupby(dataset_column(train).to_numpy(),
                                                        sort=False).mean().sort_index()
    table.loc["*"] = values.mean(axis=0)
    return table


def dataset_costs(train: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Mean training cost per query of each model, per dataset (rows) and overall (row ``'*'``):
    :func:`dataset_means` of the costs, the cost a router predicts before it calls a model.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    train : DataFrame
        Validated RouterBench rows.
    names : list of str
        The models, in column order.

    Returns
    -------
    DataFrame
        Datasets (and ``'*'``) by models.
    """
    return dataset_means(train, names, "cost")


def row_costs(table: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Predicted cost per (row, model): the row's dataset's training mean, else the overall mean.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    table : DataFrame
        :func:`dataset_costs` of the training rows.
    test : DataFrame
        The rows to route.

    Returns
    -------
    ndarray of shape (n_rows, n_models)
        The predicted cost of each model on each row.
    """
    keys = dataset_column(test).to_numpy()
    keys = np.where(np.isin(keys, table.index), keys, "*")
    return table.loc[keys].to_numpy()

