"""Cascade routing: routing and cascading as one strategy (chapter "Cascade routing").

A router picks one model per prompt from quality estimates made *before* any model runs; a cascade
runs models in a fixed order and looks at each answer *after* it is generated. Cascade routing
(Dekoninck et al., 2025) does both: at every step it may call any model not yet called, or stop, and
it decides by the expected best quality of the models called so far minus their price. Here the
quality estimates are the true scores plus seeded Gaussian noise of two sizes, ``noise_before`` and
``noise_after``, so that one can ask how good each kind of estimate must be for the unified strategy
to pay off.

With no after-generation information (``noise_after=inf``) the strategy is a predictive router; with
a fixed order and a perfect after-generation estimate it is the RouterBench cascade with a perfect
judge; and the after-estimate thresholded at 1/2 *is* that cascade's noisy judge, draw for draw
(:func:`~routerbench_utils.routers.cascade_routing.judge_error`). See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and
cascading as one strategy").
"""
from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.special import erfcx, ndtr, ndtri

from .. import _checks
from ..data import cost_matrix, dataset_column, score_matrix, validate
from ..errors import RouterBenchDataError
from ..frontier import model_points
from .base import WTP_GRID, Router

#: Smallest prior variance of a model's score: no model is certain to be right (or wrong) on a
#: prompt just because it was on every training prompt of the dataset.
PRIOR_VARIANCE_FLOOR = 1e-4


def judge_error(noise_after: float) -> float:
    """Error rate of a judge that accepts an answer when its after-estimate reaches 1/2.

    On a task scored 0 or 1 the after-estimate is :math:`a = s + \\sigma_a \\eta` with
    :math:`\\eta \\sim N(0, 1)`; the judge errs when :math:`a` falls on the wrong side of 1/2:

    .. math:: \\varepsilon = \\Phi\\!\\left(-\\frac{1}{2\\sigma_a}\\right).

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    noise_after : float
        :math:`\\sigma_a \\ge 0` (``inf``: a coin flip, error 1/2).

    Returns
    -------
    float
        The judge's error rate, in [0, 1/2].

    Raises
    ------
    RouterBenchDataError
        If ``noise_after`` is negative or NaN.

    Examples
    --------
    >>> round(judge_error(0.5), 4)
    0.1587
    """
    sigma = _check_noise(noise_after, "noise_after")
    if sigma == 0:
        return 0.0
    return float(ndtr(-0.5 / sigma))


def noise_for_judge_error(error_rate: float) -> float:
    """The after-generation noise whose 1/2-threshold judge errs at ``error_rate``: the inverse of
    :func:`~routerbench_utils.routers.cascade_routing.judge_error`,

    .. math:: \\sigma_a = \\frac{1}{2\\,\\Phi^{-1}(1 - \\varepsilon)}.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    error_rate : float
        :math:`\\varepsilon` in [0, 1/2] (0: ``sigma_a = 0``; 1/2: ``inf``).

    Returns
    -------
    float

    Raises
    ------
    RouterBenchDataError
        If ``error_rate`` is outside [0, 1/2] (a judge wrong more often than not is a judge whose
        verdicts one would flip).

    Examples
    --------
    >>> round(noise_for_judge_error(judge_error(0.3)), 12)
    0.3
    """
    e = float(error_rate)
    if not 0.0 <= e <= 0.5:
        raise RouterBenchDataError(f"error_rate: expected a probability in [0, 0.5], got {error_rate!r}")
    if e == 0.0:
        return 0.0
    if e == 0.5:
        return float("inf")
    return float(0.5 / ndtri(1.0 - e))


def _check_noise(value, name: str) -> float:
    try:
        sigma = float(value)
    except (TypeError, ValueError):
        raise RouterBenchDataError(f"{name}: expected a number >= 0 (or inf), got {value!r}") from None
    if not sigma >= 0:  # also refuses NaN
        raise RouterBenchDataError(f"{name}: expected a number >= 0 (or inf), got {value!r}")
    return sigma


def _check_wtp(value) -> float:
    try:
        wtp = float(value)
    except (TypeError, ValueError):
        raise RouterBenchDataError(f"willingness_to_pay: expected a number >= 0, got {value!r}") from None
    if not wtp >= 0:
        raise RouterBenchDataError(f"willingness_to_pay: expected a number >= 0 (or inf), got {value!r}")
    return wtp


def positive_part_mean(mean, sd, k) -> np.ndarray:
    """:math:`E[(M - k)^+]` for :math:`M \\sim N(\\mu, s^2)`, elementwise (broadcasting).

    .. math:: E[(M - k)^+] = s\\,\\psi(z), \\qquad \\psi(z) = \\varphi(z) + z\\,\\Phi(z),
              \\qquad z = (\\mu - k)/s,

    and :math:`(\\mu - k)^+` where :math:`s = 0`. Since :math:`\\psi(z) = z + \\psi(-z)`, only
    :math:`\\psi(w)` for :math:`w = -|z| \\le 0` is evaluated, as
    :math:`e^{-w^2/2}\\,(1/\\sqrt{2\\pi} + \\tfrac{w}{2}\\,\\mathrm{erfcx}(-w/\\sqrt 2))`: a far tail
    gives a tiny positive number, not a cancellation to 0 or below.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    mean, sd : array_like
        :math:`\\mu` and :math:`s \\ge 0` of the normal belief, broadcast against each other and ``k``.
    k : array_like
        The threshold (the best quality already in hand).

    Returns
    -------
    ndarray
        :math:`E[(M - k)^+]`, elementwise, never negative.

    Examples
    --------
    >>> round(float(positive_part_mean(0.0, 1.0, 0.0)), 6)  # 1 / sqrt(2 pi)
    0.398942
    """
    shape = np.broadcast_shapes(np.shape(mean), np.shape(sd), np.shape(k))
    if not shape:  # a 0-d call: work on 1-element arrays (the in-place steps need arrays)
        return positive_part_mean(*(np.reshape(x, 1) for x in (mean, sd, k)))[0]
    mean, sd, k = (np.asarray(x, dtype=float) for x in (mean, sd, k))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.subtract(mean, k)
        z /= sd
        w = -np.abs(z)
        bracket = erfcx(w * -np.sqrt(0.5))
        bracket *= 0.5 * w
        bracket += 1 / np.sqrt(2 * np.pi)
        w *= w
        w *= -0.5
        bracket *= np.exp(w)
        bracket += np.maximum(z, 0.0)
        np.maximum(bracket, 0.0, out=bracket)
        bracket *= sd
    random = sd > 0
    if random.all():
        return bracket
    return np.where(random, bracket, np.maximum(mean - k, 0.0))


def expected_gain(mean, sd, best) -> np.ndarray:
    """Expected rise of the best known quality from one more model, elementwise.

    A model not yet called will, once called, be worth :math:`Q = \\mathrm{clip}(M, 0, 1)` with
    :math:`M \\sim N(\\mu, s^2)` (its after-generation estimate, still unknown); the best quality known
    so far is :math:`d \\in [0, 1]` (0 before the first call). Then

    .. math:: E[\\max(d, Q)] - d = E[(M - d)^+] - E[(M - 1)^+],

    from :math:`(\\mathrm{clip}(M, 0, 1) - d)^+ = (M - d)^+ - (M - 1)^+` for :math:`0 \\le d \\le 1`.
    With :math:`d = 0` this is the model's expected quality :math:`E[Q]`; with :math:`s = 0` it is
    :math:`\\mathrm{clip}(\\mu, d, 1) - d`, computed so, exactly.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    mean, sd : array_like
        :math:`\\mu` and :math:`s \\ge 0` of each candidate.
    best : array_like
        :math:`d`, broadcast against ``mean``.

    Returns
    -------
    ndarray
        The expected gains, all >= 0.

    Examples
    --------
    >>> float(expected_gain(0.7, 0.0, 0.0)), float(expected_gain(0.7, 0.0, 0.9))
    (0.7, 0.0)
    """
    mean, sd, best = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (mean, sd, best)))
    return _gain(mean, sd, best, positive_part_mean(mean, sd, 1.0))


def _gain(mean: np.ndarray, sd: np.ndarray, best: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """:func:`~routerbench_utils.routers.cascade_routing.expected_gain` given ``tail`` :math:`= E[(M - 1)^+]`, which does not change with ``best``."""
    known = np.clip(mean, best, 1.0) - best
    gain = positive_part_mean(mean, sd, best) - tail
    return np.where(sd > 0, np.maximum(gain, 0.0), known)


def reservation_value(mean, sd, price) -> np.ndarray:
    """Weitzman's reservation value of a model not yet called, elementwise.

    The value :math:`r` at which paying ``price`` (a cost in units of quality, :math:`\\hat c /
    \\lambda`) for the model's answer exactly breaks even against keeping a known quality :math:`r`:

    .. math:: E[(Q - r)^+] = \\hat c / \\lambda, \\qquad Q = \\mathrm{clip}(M, 0, 1),\\;
              M \\sim N(\\mu, s^2).

    The left side is :func:`~routerbench_utils.routers.cascade_routing.expected_gain` (``best=r``) for :math:`0 \\le r \\le 1`, convex and
    decreasing in :math:`r`; below 0 it is :math:`E[Q] - r`, so :math:`r = E[Q] - \\hat c/\\lambda`
    when that is <= 0, and for :math:`s = 0` (a value known in advance) :math:`r = \\mathrm{clip}(\\mu,
    0, 1) - \\hat c/\\lambda` everywhere. Otherwise the root lies in (0, 1), where
    :math:`E[(Q - r)^+] = s\\,\\psi((\\mu - r)/s) - E[(M - 1)^+]` (:func:`~routerbench_utils.routers.cascade_routing.positive_part_mean`), so

    .. math:: r = \\mu - s\\,\\psi^{-1}\\!\\left(\\frac{\\hat c/\\lambda + E[(M - 1)^+]}{s}\\right),
              \\qquad \\psi(z) = \\varphi(z) + z\\,\\Phi(z),

    with :math:`\\psi^{-1}` read off a table of :math:`\\log\\psi` and polished by two Newton steps
    on :math:`\\log\\psi(z) = \\log u` (slope :math:`\\Phi(z)/\\psi(z)`). A zero price gives 1: any
    chance of a better answer is worth taking.

    Calling models in decreasing reservation value and stopping once the best known quality reaches
    the largest reservation value left is the optimal policy for independent values (Weitzman, 1979,
    "Pandora's box").

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    mean, sd : array_like
        :math:`\\mu` and :math:`s \\ge 0`.
    price : array_like
        :math:`\\hat c/\\lambda \\ge 0`, broadcast against ``mean``.

    Returns
    -------
    ndarray
        :math:`r` (at most 1; negative when the model is not worth its price even against nothing).

    Examples
    --------
    >>> float(reservation_value(0.7, 0.0, 0.1))  # a known 0.7 for 0.1: worth it up to 0.6
    0.6
    >>> r = reservation_value(0.5, 0.3, 0.05)
    >>> round(float(expected_gain(0.5, 0.3, r)), 6)  # the break-even holds
    0.05
    """
    shape = np.broadcast_shapes(np.shape(mean), np.shape(sd), np.shape(price))
    mean, sd, price = (np.array(x, dtype=float).reshape(-1) for x in np.broadcast_arrays(mean, sd, price))
    tail = positive_part_mean(mean, sd, 1.0)
    expected = _gain(mean, sd, np.zeros_like(mean), tail)
    r = _reservation(mean, sd, price, tail, expected)
    return r.reshape(shape)


def _reservation(mean: np.ndarray, sd: np.ndarray, price: np.ndarray, tail: np.ndarray,
                 expected: np.ndarray) -> np.ndarray:
    """:func:`~routerbench_utils.routers.cascade_routing.reservation_value` given :math:`E[(M-1)^+]` and :math:`E[Q]` (shared across prices)."""
    r = np.where(sd > 0, expected, np.clip(mean, 0.0, 1.0)) - price
    inner = (sd > 0) & (price < expected) & (price > 0)
    s = sd[inner]
    r[inner] = mean[inner] - s * _psi_inverse((price[inner] + tail[inner]) / s)
    return np.where((sd > 0) & (price == 0), 1.0, r)


_PSI_TABLE: tuple[np.ndarray, np.ndarray] | None = None


def _psi_inverse(u: np.ndarray) -> np.ndarray:
    """:math:`z` with :math:`\\psi(z) = \\varphi(z) + z\\Phi(z) = u > 0`: a table, then Newton on logs."""
    global _PSI_TABLE
    if _PSI_TABLE is None:  # psi rises from about 1e-300 at z = -37 to z itself beyond 40
        z = np.linspace(-37.0, 40.0, 15401)
        _PSI_TABLE = (np.log(positive_part_mean(z, 1.0, 0.0)), z)
    log_psi, grid = _PSI_TABLE
    log_u = np.log(u)
    z = np.interp(log_u, log_psi, grid)
    z = np.where(u > np.exp(log_psi[-1]), u, z)  # psi(z) = z + psi(-z) = z to double precision
    for _ in range(2):  # Newton on log psi; the table is close, so two steps suffice
        psi = positive_part_mean(z, 1.0, 0.0)
        z = z - (np.log(psi) - log_u) * psi / ndtr(z)
    return z


def _posterior(mean, var, signal, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian update of N(mean, var) by ``signal = q + noise * N(0, 1)`` (noise 0: exact; inf: none)."""
    if np.isinf(noise):
        return mean, var
    if noise == 0:
        return signal.copy(), np.zeros_like(var)
    certain = var == 0
    safe = np.where(certain, 1.0, var)
    precision = 1.0 / safe + 1.0 / noise**2
    new_mean = (mean / safe + signal / noise**2) / precision
    return np.where(certain, mean, new_mean), np.where(certain, 0.0, 1.0 / precision)


class CascadeRoutingRouter(Router):
    """Cascade routing: call models one at a time, any model at any step, while it pays.

    Quality estimates are the true scores :math:`s_{im}` plus seeded noise: before generation
    :math:`b_{im} = s_{im} + \\sigma_b \\varepsilon_{im}` for every model, after generation
    :math:`a_{im} = s_{im} + \\sigma_a \\eta_{im}` for the models called (:math:`\\varepsilon,
    \\eta \\sim N(0, 1)`, drawn once per (prompt, model) from ``random_state``, shared by every
    willingness to pay). The router reads them with the noise model: a Gaussian prior
    :math:`N(\\pi_m, v_m)` per (dataset, model) from the training rows (mean and variance of the
    model's scores, the variance floored at :data:`PRIOR_VARIANCE_FLOOR`), updated by each estimate
    with its known noise, gives the before-belief :math:`N(\\mu^b_{im}, \\tau^{b\\,2}_{im})` and the
    after-belief :math:`N(\\mu^a_{im}, \\tau^{a\\,2}_{im})`. A called model is worth its
    after-estimate :math:`\\hat q_{im} = \\mathrm{clip}(\\mu^a_{im}, 0, 1)`; before it is called, that
    value is :math:`\\mathrm{clip}(M, 0, 1)` with :math:`M \\sim N(\\mu^b_{im},
    \\tau^{b\\,2}_{im} - \\tau^{a\\,2}_{im})`, the spread of the after-belief's mean.

    With :math:`S` the models called so far, :math:`d = \\max_{m \\in S} \\hat q_{im}` (0 if none)
    and :math:`\\hat c_{m}` a model's mean training cost on the row's dataset, calling model :math:`j`
    next is worth

    .. math:: v_j = \\lambda \\, \\big(E[\\max(d, Q_j)] - d\\big) - \\hat c_j
              \\qquad (\\texttt{expected\\_gain}),

    the one-step look-ahead of "maximise :math:`\\lambda\\,E[\\max_{m \\in S} \\hat q_m] -
    \\sum_{m \\in S} \\hat c_m`" (the paper writes the same trade-off with :math:`1/\\lambda` on the
    cost). Each step picks a model not yet called (below), calls it if :math:`v_j > 0`, else stops;
    the first call is always made. Which model to pick:

    - ``policy="index"`` (default): the largest reservation value :math:`r_j`
      (:func:`~routerbench_utils.routers.cascade_routing.reservation_value`, the :math:`r` with :math:`\\lambda E[(Q_j - r)^+] = \\hat c_j`).
      The stop rule is the same as "stop once :math:`d` reaches the largest :math:`r_j` left", so this
      is Weitzman's optimal search for independent values ("Pandora's box"): it may start with a
      cheap model of modest value because a dear one can still follow. The last call that
      ``max_models`` allows is picked as below (nothing can follow it, and then the one-step
      look-ahead is exact), so ``max_models=1`` is the predictive router on
      :math:`E[Q_j]`.
    - ``policy="greedy"``: the largest :math:`v_j` (the literal one-step look-ahead), which tends to
      call the model with the most to add now, often the dearest.

    At most ``max_models`` calls are made. The answer is the called model with the best
    after-estimate (ties: the first in model order); the cost is the sum of the called models' true
    costs. The look-ahead assumes that models err independently given the estimates; real models do
    not (a prompt one model fails is often hard for all).

    Special cases (tested): with ``noise_after=inf`` the after-belief equals the before-belief, no
    second call ever pays, and the router is the predictive router
    ``choose_by_value(lambda, names, cost=predicted_cost, quality=clip(before_mean, 0, 1))``. With ``order="cost"`` it
    walks each row's models cheapest first (the order of :class:`~routerbench_utils.CascadeRouter`)
    and stops when the next call no longer pays; with ``noise_before > 0`` (every model may still be
    right), ``noise_after=0`` and ``willingness_to_pay=inf`` it then calls exactly the models of the
    perfect-judge cascade with an unlimited budget (same cost; the same quality on 0/1 scores, at
    least as high on graded ones, as it answers with the best rather than the last). With
    ``noise_before=inf`` and ``policy="index"`` it finds that order by itself (every reservation value
    is 1 at an infinite willingness to pay; ties go to the cheapest). The after-estimates are drawn
    from the same uniforms as that cascade's judge (same random_state, same layout): thresholded at 1/2 they
    *are* the verdicts of ``CascadeRouter(judge_error(noise_after), random_state=random_state)`` on 0/1
    scores.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    willingness_to_pay : float, default 1.0
        :math:`\\lambda \\ge 0`, USD per unit of quality, used by ``route`` when no value is given
        (``curve`` sweeps :data:`~routerbench_utils.routers.WTP_GRID`); ``inf`` calls while any
        model may still raise the quality, whatever it costs.
    noise_before : float, default 0.5
        :math:`\\sigma_b \\ge 0`; ``inf``: nothing is known of a prompt before a model answers it
        (the prior alone).
    noise_after : float, default 0.2
        :math:`\\sigma_a \\ge 0`; ``inf``: nothing is learnt from an answer.
    max_models : int or None, default None
        Most models called per prompt (None: all).
    order : None, "cost" or sequence of str, default None
        None: any model at any step (cascade routing). ``"cost"``: each row's models by mean training
        cost, cheapest first; a list of model names: that order. With an order the router can only
        call the next model or stop.
    policy : {"index", "greedy"}, default "index"
        How the next model is picked when ``order`` is None (see above).
    random_state : int, default 0
        Seed of the estimates' noise.

    Attributes
    ----------
    models_ : list of str
    costs_, prior_mean_, prior_var_ : DataFrame
        Per dataset (rows; ``'*'``: all training rows) and model (columns): mean cost, mean score and
        floored score variance on the training rows.

    Raises
    ------
    RouterBenchDataError
        From ``fit``, naming the argument, if a parameter is out of range.

    Examples
    --------
    >>> router = CascadeRoutingRouter(noise_before=0.5, noise_after=0.1).fit(train)
    >>> router.curve(test).shape  # one point per willingness to pay
    (32, 3)
    """

    family = "Cascade routing"
    knob = "willingness_to_pay"

    def __init__(self, willingness_to_pay: float = 1.0, noise_before: float = 0.5, noise_after: float = 0.2,
                 max_models: int | None = None, order: str | Sequence[str] | None = None,
                 policy: str = "index", random_state: int = 0):
        self.willingness_to_pay = willingness_to_pay
        self.noise_before = noise_before
        self.noise_after = noise_after
        self.max_models = max_models
        self.order = order
        self.policy = policy
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, train: pd.DataFrame) -> "CascadeRoutingRouter":
        _check_wtp(self.willingness_to_pay)
        self.noise_before_ = _check_noise(self.noise_before, "noise_before")
        self.noise_after_ = _check_noise(self.noise_after, "noise_after")
        if self.max_models is not None and (isinstance(self.max_models, bool)
                                            or not isinstance(self.max_models, Integral)
                                            or self.max_models < 1):
            raise RouterBenchDataError(
                f"max_models: expected a whole number >= 1 or None, got {self.max_models!r}")
        if self.policy not in ("index", "greedy"):
            raise RouterBenchDataError(f"policy: expected 'index' or 'greedy', got {self.policy!r}")
        _checks.seed(self.random_state, "random_state")
        super().fit(train)
        names = self.models_
        if self.order is not None and not (isinstance(self.order, str) and self.order == "cost"):
            if isinstance(self.order, str):
                raise RouterBenchDataError(
                    f"order: expected None, 'cost' or a list of model names, got {self.order!r}")
            listed = list(self.order)
            unknown = [m for m in listed if m not in names]
            repeated = sorted({m for m in listed if listed.count(m) > 1})
            if unknown or repeated or not listed:
                raise RouterBenchDataError(
                    f"order: expected distinct model names of the data ({names}); got unknown {unknown}, "
                    f"repeated {repeated}" + ("" if listed else ", and an empty list"))
        points = model_points(train)
        scores = pd.DataFrame(score_matrix(train, names), columns=names)
        labels = dataset_column(train).to_numpy()
        self.costs_ = self._with_overall(points.pivot(index="dataset", columns="model", values="cost")[names],
                                         cost_matrix(train, names).mean(axis=0))
        self.prior_mean_ = self._with_overall(scores.groupby(labels).mean()[names], scores.mean().to_numpy())
        variance = self._with_overall(scores.groupby(labels).var(ddof=0)[names], scores.var(ddof=0).to_numpy())
        self.prior_var_ = variance.clip(lower=PRIOR_VARIANCE_FLOOR)
        return self

    @staticmethod
    def _with_overall(table: pd.DataFrame, overall: np.ndarray) -> pd.DataFrame:
        table = table.copy()
        table.loc["*"] = overall
        return table

    @staticmethod
    def _rows(table: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
        """Per (row, model) value of ``table``: the row's dataset (``labels``), else the overall row '*'."""
        codes, datasets = pd.factorize(labels)
        where = table.index.get_indexer(datasets)
        where = np.where(where >= 0, where, table.index.get_loc("*"))
        return table.to_numpy(dtype=float)[where[codes]]

    # ---------------------------------------------------------------- estimates
    def estimates(self, test: pd.DataFrame) -> dict[str, np.ndarray]:
        """The quality estimates and beliefs of every (row, model) of ``test``.

        Returns a dict of arrays of shape (rows, models), columns in ``models_`` order: ``score``
        (true), ``cost`` (true), ``predicted_cost`` (:math:`\\hat c`), ``before`` and ``after`` (the
        noisy estimates :math:`b, a`; NaN where their noise is infinite), ``before_mean``,
        ``before_sd``, ``after_mean``, ``after_sd`` (the beliefs), ``spread`` (sd of the after-mean
        seen before the call), and ``order`` (each row's model columns, cheapest predicted first).

        The before-noise comes from ``default_rng([random_state, 1])`` in model order. The
        after-noise is :math:`\\eta = \\pm\\Phi^{-1}(u)` with :math:`u` from
        ``default_rng(random_state).random`` laid out in each row's cost order (the draws of
        :class:`~routerbench_utils.CascadeRouter`'s judge) and the sign + where the score is 1, -
        elsewhere: still standard normal for every score, and on 0/1 scores
        :math:`a \\ge 1/2` exactly when that judge (error :func:`~routerbench_utils.routers.cascade_routing.judge_error`) accepts.
        """
        self._check_fitted()
        validate(test)
        names = self.models_
        score, cost = score_matrix(test, names), cost_matrix(test, names)
        labels = dataset_column(test).to_numpy()
        predicted = self._rows(self.costs_, labels)
        n, m = score.shape
        order = np.argsort(predicted, axis=1, kind="stable")
        rows = np.arange(n)[:, None]
        uniform = np.empty((n, m))
        uniform[rows, order] = np.random.default_rng(self.random_state).random((n, m))
        probit = ndtri(np.clip(uniform, 1e-300, None))
        eta = np.where(score >= 1.0, probit, -probit)
        epsilon = np.random.default_rng([self.random_state, 1]).standard_normal((n, m))
        sb, sa = self.noise_before_, self.noise_after_
        before = score + sb * epsilon if np.isfinite(sb) else np.full((n, m), np.nan)
        after = score + sa * eta if np.isfinite(sa) else np.full((n, m), np.nan)
        prior_mean, prior_var = self._rows(self.prior_mean_, labels), self._rows(self.prior_var_, labels)
        before_mean, before_var = _posterior(prior_mean, prior_var, before, sb)
        after_mean, after_var = _posterior(before_mean, before_var, after, sa)
        spread = np.sqrt(np.maximum(before_var - after_var, 0.0))
        return {"score": score, "cost": cost, "predicted_cost": predicted, "before": before, "after": after,
                "before_mean": before_mean, "before_sd": np.sqrt(before_var), "after_mean": after_mean,
                "after_sd": np.sqrt(after_var), "spread": spread, "order": order}

    # --------------------------------------------------------------- simulation
    def _fixed_order(self, est: dict[str, np.ndarray]) -> np.ndarray | None:
        if self.order is None:
            return None
        if isinstance(self.order, str):
            return est["order"]
        index = [self.models_.index(name) for name in self.order]
        return np.broadcast_to(np.asarray(index), (est["score"].shape[0], len(index)))

    @staticmethod
    def _index(lams: list[float], mean: np.ndarray, sd: np.ndarray, cost: np.ndarray, tail: np.ndarray,
               first: np.ndarray) -> np.ndarray:
        """Each model's reservation value per (parameter, prompt), shape (params * rows, models), in
        USD (:math:`\\lambda r`) so that it ranks exactly as ``choose_by_value`` where values are known
        in advance; for :math:`\\lambda = \\infty`, :math:`r` itself."""
        n, m = mean.shape
        mean, sd, cost, tail, first = (x.ravel() for x in (mean, sd, cost, tail, first))
        out = np.empty((len(lams), n * m))
        for k, lam in enumerate(lams):  # a short loop over parameters; each handles every prompt
            if np.isinf(lam):
                out[k] = _reservation(mean, sd, np.zeros_like(cost), tail, first)
            elif lam == 0:
                out[k] = -cost
            else:
                root = _reservation(mean, sd, cost / lam, tail, first)
                # lambda * E[Q] - c where no root is needed, exactly as choose_by_value computes it
                closed = (sd == 0) | (lam * first <= cost)
                out[k] = np.where(closed, lam * first - cost, lam * root)
        return out.reshape(len(lams), n, m).reshape(len(lams) * n, m)

    def simulate(self, test: pd.DataFrame, settings: Sequence | None = None, *,
                 params: Sequence | None = None) -> dict[str, np.ndarray]:
        """Run the strategy on ``test`` for each willingness to pay in ``settings`` (``params``: its
        deprecated name).

        Returns ``params`` (list) and arrays of shape (params, rows): ``cost`` (sum of the called
        models' true costs), ``quality`` (the answer's true score), ``answer`` (its column in
        ``models_``) and ``calls`` (how many models were called); and, of shape (params, rows,
        models), ``called`` (which models were called) and ``step`` (at which step, from 0; -1: not
        called). The only loop runs over at most ``max_models`` steps; each
        step handles every (parameter, prompt) pair still calling at once.
        """
        self._check_fitted()
        if params is not None:
            from .._deprecated import warn_moved

            warn_moved("the keyword params of simulate()", "settings")
            settings = params if settings is None else settings
        params = [self.willingness_to_pay] if settings is None else list(settings)
        lams = [_check_wtp(p) for p in params]
        est = self.estimates(test)
        n, m = est["score"].shape
        fixed = self._fixed_order(est)
        steps = min(self.max_models or m, m if fixed is None else fixed.shape[1])
        mean_b, spread, c_hat = est["before_mean"], est["spread"], est["predicted_cost"]
        worth = np.clip(est["after_mean"], 0.0, 1.0)  # a called model's value, known once it answered
        # One entry per (parameter, prompt), all handled at once; entry e = k * n + i.
        lam = np.repeat(np.asarray(lams, dtype=float), n)
        row = np.tile(np.arange(n), len(lams))
        # What does not depend on the state: E[(M - 1)^+] and the first step's gains (d = 0).
        tail = positive_part_mean(mean_b, spread, 1.0)
        first = _gain(mean_b, spread, np.zeros((n, 1)), tail)
        index = None
        if fixed is None and self.policy == "index" and steps > 1:
            index = self._index(lams, mean_b, spread, c_hat, tail, first)
        called = np.zeros((len(lams) * n, m), dtype=bool)
        when = np.full((len(lams) * n, m), -1)
        best = np.zeros(len(lams) * n)
        active = np.arange(len(lams) * n)  # the entries still calling: each step works on them only
        for step in range(steps):
            r = row[active]
            if fixed is not None:
                pick = fixed[r, step]
            elif index is not None and step < steps - 1:
                pick = _argmax_with_ties(np.where(called[active], -np.inf, index[active]), c_hat[r])
            else:  # greedy: the largest net gain now (exact for the last call allowed)
                if step == 0:
                    gain = first[r]
                else:  # the gains depend on the prompt and the best known quality only
                    ur, ud, inverse = _distinct_pairs(r, best[active])
                    gain = _gain(mean_b[ur], spread[ur], ud[:, None], tail[ur])[inverse]
                value = _values(lam[active, None], gain, c_hat[r])
                value[called[active]] = -np.inf
                pick = _argmax_with_ties(value, c_hat[r])
            # Call the pick while it pays: lambda * E[max(d, Q)] - d > its predicted cost.
            gain = first[r, pick] if step == 0 else _gain(mean_b[r, pick], spread[r, pick], best[active],
                                                          tail[r, pick])
            go = np.full(len(active), True) if step == 0 else _values(lam[active], gain, c_hat[r, pick]) > 0
            active, pick = active[go], pick[go]
            called[active, pick] = True
            when[active, pick] = step
            best[active] = np.maximum(best[active], worth[row[active], pick])
            if not len(active):
                break
        called, when = called.reshape(len(lams), n, m), when.reshape(len(lams), n, m)
        answer = np.argmax(np.where(called, worth[None], -np.inf), axis=2)
        quality = np.take_along_axis(np.broadcast_to(est["score"], called.shape), answer[..., None], 2)[..., 0]
        cost = (called * est["cost"][None]).sum(axis=2)
        return {"params": params, "cost": cost, "quality": quality, "answer": answer,
                "calls": called.sum(axis=2), "called": called, "step": when}

    # ----------------------------------------------------------- the Router API
    def default_settings(self) -> list:
        return list(WTP_GRID)

    def _sweep_arrays(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One simulation for every willingness to pay: the model answering, every call paid."""
        run = self.simulate(test, settings)
        return np.asarray(self.models_, dtype=object)[run["answer"]], run["cost"], run["quality"]

    def outcomes(self, test: pd.DataFrame, settings: Sequence | None = None, *, params: Sequence | None = None):
        """``(settings, cost, quality)``: per-prompt matrices of shape (len(settings), len(test)); the
        cost counts every call.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        settings : sequence of float, optional
            Willingness-to-pay values; default :data:`~routerbench_utils.routers.WTP_GRID`.
        params : sequence of float, optional
            Deprecated name of ``settings``.

        Returns
        -------
        settings : list
        cost, quality : ndarray of shape (len(settings), len(test))
        """
        params = self._settings(settings, params)
        run = self.simulate(test, params)
        return params, run["cost"], run["quality"]

    def route(self, test: pd.DataFrame, willingness_to_pay: float | None = None) -> np.ndarray:
        """The model whose answer is returned, per row (its cost is the sum of all calls: use
        ``outcomes`` or ``curve``)."""
        wtp = self.willingness_to_pay if willingness_to_pay is None else willingness_to_pay
        run = self.simulate(test, [wtp])
        return np.asarray(self.models_, dtype=object)[run["answer"][0]]


def _values(lam: np.ndarray, gain: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """:math:`\\lambda g - \\hat c`; where :math:`\\lambda = \\infty`, the gain itself (cost breaks ties)."""
    infinite = np.isinf(lam)
    if not infinite.any():
        return lam * gain - cost
    return np.where(infinite, gain, np.where(infinite, 0.0, lam) * gain - cost)


def _distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ``(first, second)`` pairs and, per input, the index of its pair (a lexsort)."""
    order = np.lexsort((second, first))
    f, s = first[order], second[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (f[1:] != f[:-1]) | (s[1:] != s[:-1])
    inverse = np.empty(len(order), dtype=int)
    inverse[order] = np.cumsum(new) - 1
    return f[new], s[new], inverse


def _argmax_with_ties(value: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Column of the largest value per row; among exact ties, the cheapest predicted (then the first)."""
    pick = np.argmax(value, axis=1)
    top = value[np.arange(len(value)), pick]
    tied = np.flatnonzero(np.count_nonzero(value == top[:, None], axis=1) > 1)
    if len(tied):
        pick[tied] = np.argmax(np.where(value[tied] == top[tied, None], -cost[tied], -np.inf), axis=1)
    return pick


def __getattr__(name: str):
    # compare_on_plane is evaluation, a layer above the routers: it moved to routerbench_utils.evaluation.
    # Looked up by name on first use (no import), so the routers never depend on the evaluation layer.
    if name == "compare_on_plane":
        import importlib

        from .._deprecated import warn_moved

        warn_moved(f"{__name__}.compare_on_plane", "routerbench_utils.evaluation.compare_on_plane")
        return importlib.import_module("routerbench_utils.evaluation").compare_on_plane
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
