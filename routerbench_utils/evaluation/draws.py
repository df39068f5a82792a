"""A random router in expectation over its draws, by Monte Carlo (chapter "Cascade routing").

Some routers draw random numbers when they route: the simulated quality estimates of
:class:`~routerbench_utils.routers.cascade_routing.CascadeRoutingRouter`, the judge of
:class:`~routerbench_utils.CascadeRouter`. One ``random_state`` is one sample of what such a router does,
and on a few hundred prompts two samples can differ by more than the effect being measured. Where the
expectation over the draws has a closed form, use it (the cascade's:
:class:`~routerbench_utils.evaluation.ExpectedCascadeRouter`); elsewhere
:class:`MeanOverDrawsRouter` averages many seeded draws and :func:`aiq_over_draws` says how far the
average may still be from the expectation (its Monte Carlo error).
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from numbers import Integral
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone

from .. import _checks
from ..catalog import NO_MODEL_CORRECT
from ..data import validate
from ..errors import RouterBenchDataError
from ..metrics import aiq, bootstrap_aiq
from ..routers import CascadeRouter, Router
from ..routers.cascade_routing import CascadeRoutingRouter

#: Routers whose ``fit`` draws nothing (their ``random_state`` is used only when they route): one fit
#: serves every draw, re-seeded, instead of one fit per draw. Exact types: a subclass may draw at fit.
_DRAW_WHEN_ROUTING = (CascadeRoutingRouter, CascadeRouter)


class MeanOverDrawsRouter(Router):
    """A random router averaged over ``n_draws`` seeded draws: per prompt, the mean cost and quality.

    Draw :math:`d = 1, \\dots, D` is the router with ``random_state`` :math:`s_d` (``random_states_``,
    distinct seeds drawn from this router's own ``random_state``). For each setting :math:`\\theta` of the
    knob and prompt :math:`i`, with :math:`(c^{(d)}_{\\theta i}, q^{(d)}_{\\theta i})` what draw :math:`d`
    spent and scored,

    .. math:: \\bar c_{\\theta i} = \\frac{1}{D} \\sum_{d=1}^{D} c^{(d)}_{\\theta i}, \\qquad
              \\bar q_{\\theta i} = \\frac{1}{D} \\sum_{d=1}^{D} q^{(d)}_{\\theta i},

    unbiased estimates of the expected cost and quality over the router's draws; ``outcomes``, ``sweep``
    and ``curve`` report them, so any comparison (:func:`~routerbench_utils.evaluation.compare_on_plane`,
    a bootstrap over prompts) sees the router as it is on average. The Monte Carlo error of a curve
    point is :math:`s/\\sqrt{D}`, :math:`s` the standard deviation over draws of the draw's mean over
    prompts (:meth:`curve_error`); that of an AIQ comes from :func:`aiq_over_draws`. The model a sweep
    names for a prompt (and :meth:`route` returns) is the one that answers it in the most draws (ties:
    the first in ``models_`` order). With a router that draws nothing (zero noise) every draw is the
    same and the mean is the single run.

    The router is cloned, never fitted itself. A
    :class:`~routerbench_utils.routers.cascade_routing.CascadeRoutingRouter` or
    :class:`~routerbench_utils.CascadeRouter` draws only when it routes, so it is fitted once and the
    fitted copy re-seeded for each draw (the same result as fitting every clone); any other router is
    fitted once per draw.

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    router : Router, optional
        An unfitted router with a ``random_state`` parameter; default
        ``CascadeRoutingRouter()``. Its knob is this router's knob.
    n_draws : int, default 32
        :math:`D \\ge 1`, the number of seeded draws averaged.
    random_state : int, default 0
        Seed of the draws' seeds.

    Attributes
    ----------
    routers_ : list of Router
        The fitted draws, one per seed.
    random_states_ : list of int
        Their seeds.
    models_ : list of str
        The models of the training rows.

    Raises
    ------
    RouterBenchDataError
        From ``fit``, naming the argument: ``n_draws`` not a whole number >= 1, ``random_state`` not a
        whole number >= 0, ``router`` not a Router with a ``random_state`` parameter.

    Examples
    --------
    >>> from routerbench_utils.routers.cascade_routing import CascadeRoutingRouter
    >>> noisy = CascadeRoutingRouter(noise_before=1.0, noise_after=0.3)
    >>> averaged = MeanOverDrawsRouter(noisy, n_draws=4).fit(train)
    >>> _, cost, quality = averaged.outcomes(test, [0.0, 100.0])
    >>> _, by_draw, _ = averaged.outcomes_by_draw(test, [0.0, 100.0])
    >>> by_draw.shape == (4, 2, len(test)), bool(np.allclose(by_draw.mean(axis=0), cost))
    (True, True)
    """

    def __init__(self, router: Router | None = None, n_draws: int = 32, random_state: int = 0):
        self.router = router
        self.n_draws = n_draws
        self.random_state = random_state

    # ------------------------------------------------------------- the inner router
    def _base(self) -> Router:
        """The router averaged (the default when ``router`` is None), checked."""
        base = CascadeRoutingRouter() if self.router is None else self.router
        if not isinstance(base, Router) or "random_state" not in base.get_params(deep=False):
            raise RouterBenchDataError(
                f"router: expected an unfitted Router with a random_state parameter (e.g. "
                f"rbu.routers.cascade_routing.CascadeRoutingRouter(...)), got {type(base).__name__}")
        return base

    @property
    def knob(self) -> str:
        """The averaged router's knob (the keyword of ``route``)."""
        return self._base().knob

    @property
    def family(self) -> str:
        """The averaged router's family (its curves' colour)."""
        return self._base().family

    def default_settings(self) -> list:
        """The averaged router's default knob values.

        Returns
        -------
        list
        """
        return list(self._base().default_settings())

    # ---------------------------------------------------------------------- fitting
    def fit(self, train: pd.DataFrame) -> "MeanOverDrawsRouter":
        """Fit one copy of ``router`` per draw, each with its own ``random_state``.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows.

        Returns
        -------
        MeanOverDrawsRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``n_draws``, ``random_state`` or ``router`` is invalid (the error names it), or as the
            averaged router's ``fit``.
        """
        n_draws = _checks.count(self.n_draws, "n_draws", 1)
        if not isinstance(self.n_draws, Integral) or isinstance(self.n_draws, (bool, np.bool_)):
            raise RouterBenchDataError(f"n_draws: expected a whole number >= 1, got {self.n_draws!r}")
        seed = _checks.seed(self.random_state, "random_state")
        base = self._base()
        seeds = np.random.default_rng(seed).choice(2**31 - 1, size=n_draws, replace=False)
        self.random_states_ = [int(s) for s in seeds]
        if type(base) in _DRAW_WHEN_ROUTING:
            first = clone(base).set_params(random_state=self.random_states_[0]).fit(train)
            self.routers_ = [first] + [copy.copy(first).set_params(random_state=s)
                                       for s in self.random_states_[1:]]
        else:
            self.routers_ = [clone(base).set_params(random_state=s).fit(train) for s in self.random_states_]
        self.models_ = list(self.routers_[0].models_)
        return self

    # ------------------------------------------------------------------------ draws
    def _draws(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(chosen, cost, quality)`` of every draw, each of shape (draws, settings, prompts)."""
        self._check_fitted()
        validate(test)
        sweeps = [router.sweep(test, settings) for router in self.routers_]
        return (np.array([s.chosen for s in sweeps], dtype=object), np.array([s.cost for s in sweeps]),
                np.array([s.quality for s in sweeps]))

    def _mode(self, chosen: np.ndarray) -> np.ndarray:
        """Per (setting, prompt), the model answering in the most draws (ties: the first in ``models_``)."""
        names = self.models_ + [NO_MODEL_CORRECT]
        codes = pd.Index(names).get_indexer(chosen.ravel()).reshape(chosen.shape)
        if (codes < 0).any():
            raise RouterBenchDataError(f"router: a draw named a model that is not one of {self.models_}")
        cells = np.arange(codes[0].size).reshape(codes.shape[1:])
        counts = np.bincount((cells[None] * len(names) + codes).ravel(), minlength=cells.size * len(names))
        best = counts.reshape(*cells.shape, len(names)).argmax(axis=-1)
        return np.asarray(names, dtype=object)[best]

    def outcomes_by_draw(self, test: pd.DataFrame, settings: Sequence | None = None
                         ) -> tuple[list, np.ndarray, np.ndarray]:
        """Per-prompt cost and quality of every draw, before averaging.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        settings : sequence, optional
            Knob values; default :meth:`default_settings`.

        Returns
        -------
        settings : list
        cost, quality : ndarray of shape (n_draws, len(settings), len(test))
            :math:`c^{(d)}_{\\theta i}` and :math:`q^{(d)}_{\\theta i}`; their mean over the first axis is
            :meth:`outcomes`. The input of :func:`aiq_over_draws`.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``test`` fails validation, or as the averaged router.
        """
        settings = self._settings(settings)
        _, cost, quality = self._draws(test, settings)
        return settings, cost, quality

    def _sweep_arrays(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The most frequent answering model, the mean cost and quality over the draws."""
        chosen, cost, quality = self._draws(test, settings)
        return self._mode(chosen), cost.mean(axis=0), quality.mean(axis=0)

    def route(self, test: pd.DataFrame, setting=None, **knob) -> np.ndarray:
        """The model answering each row in the most draws, for one value of the knob.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        setting : optional
            The knob's value, also accepted by the knob's own name (e.g. ``willingness_to_pay=1.0``);
            None: the averaged router's default (its constructor's value).

        Returns
        -------
        ndarray of object
            One model name per row.

        Raises
        ------
        TypeError
            If a keyword other than the knob is given.
        RouterBenchDataError
            If the router is not fitted, or as the averaged router's ``route``.
        """
        unknown = set(knob) - {self.knob}
        if unknown:
            raise TypeError(f"route() got unexpected keyword arguments {sorted(unknown)}; the knob is "
                            f"{self.knob!r}")
        setting = knob.get(self.knob, setting)
        self._check_fitted()
        chosen = np.array([np.asarray(r.route(test, setting), dtype=object) for r in self.routers_],
                          dtype=object)
        return self._mode(chosen[:, None, :])[0]

    def curve_error(self, test: pd.DataFrame, settings: Sequence | None = None) -> pd.DataFrame:
        """The curve with its Monte Carlo standard errors: per setting, the mean over draws of the
        mean cost and quality over prompts, and :math:`s/\\sqrt{D}`.

        With :math:`\\bar c^{(d)}_\\theta = \\frac{1}{n}\\sum_i c^{(d)}_{\\theta i}`, the cost's error is
        :math:`\\mathrm{sd}_d(\\bar c^{(d)}_\\theta)/\\sqrt{D}` (sample standard deviation; 0 when
        :math:`D = 1`, where it cannot be estimated: use more draws); the quality's likewise.

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows to route.
        settings : sequence, optional
            Knob values; default :meth:`default_settings`.

        Returns
        -------
        DataFrame
            Columns ``setting``, ``cost`` (USD per prompt), ``cost_se``, ``quality``, ``quality_se``.

        Raises
        ------
        RouterBenchDataError
            As :meth:`outcomes_by_draw`.
        """
        settings, cost, quality = self.outcomes_by_draw(test, settings)
        per_draw_cost, per_draw_quality = cost.mean(axis=2), quality.mean(axis=2)
        n = per_draw_cost.shape[0]
        ddof = 1 if n > 1 else 0
        return pd.DataFrame({
            "setting": settings, "cost": per_draw_cost.mean(axis=0),
            "cost_se": per_draw_cost.std(axis=0, ddof=ddof) / np.sqrt(n),
            "quality": per_draw_quality.mean(axis=0),
            "quality_se": per_draw_quality.std(axis=0, ddof=ddof) / np.sqrt(n)})


class DrawEstimate(NamedTuple):
    """An AIQ averaged over draws and its Monte Carlo error (:func:`aiq_over_draws`).

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    estimate : float
        The AIQ of the curve averaged over the draws.
    standard_error : float
        The standard deviation of ``samples``: the Monte Carlo standard error of ``estimate``.
    samples : ndarray of shape (n_boot,)
        The AIQ of the averaged curve on each resample of the draws.
    """

    estimate: float
    standard_error: float
    samples: np.ndarray


def aiq_over_draws(cost, quality, c_min: float | None = None, c_max: float | None = None, n_boot: int = 200,
                   random_state: int = 0, variant: str = "paper") -> DrawEstimate:
    """AIQ of a random router's curve averaged over its draws, with the Monte Carlo error of that AIQ.

    With :math:`\\bar c^{(d)}_\\theta, \\bar q^{(d)}_\\theta` draw :math:`d`'s curve (the mean over
    prompts of its per-prompt cost and quality at setting :math:`\\theta`), the estimate is the AIQ of
    the averaged curve :math:`\\big(\\frac{1}{D}\\sum_d \\bar c^{(d)}_\\theta, \\frac{1}{D}\\sum_d \\bar
    q^{(d)}_\\theta\\big)_\\theta`, the curve :class:`MeanOverDrawsRouter` reports. Its Monte Carlo error
    comes from resampling the :math:`D` draws with replacement (weights of
    :func:`~routerbench_utils.metrics.resample_weights`, through
    :func:`~routerbench_utils.bootstrap_aiq` with the draws in the place of the prompts): the standard
    deviation of the resampled AIQs. Two routers whose draws share their seeds (two
    :class:`MeanOverDrawsRouter` with the same ``random_state`` and ``n_draws``), resampled here with the
    same ``random_state``, are resampled on the same draws, so the difference of their samples is paired.

    This is the error of the average over draws, for the prompts at hand; the error of sampling the
    prompts is a bootstrap over prompts of the averaged outcomes
    (:func:`~routerbench_utils.bootstrap_aiq`).

    See the chapter :ref:`chap-cascade-routing` ("Cascade routing: routing and cascading as one
    strategy").

    Parameters
    ----------
    cost, quality : array of shape (draws, settings, prompts)
        Per-draw, per-prompt outcomes (:meth:`MeanOverDrawsRouter.outcomes_by_draw`).
    c_min, c_max : float, optional
        The AIQ's cost range (USD per prompt); default: the averaged curve's.
    n_boot : int, default 200
        Resamples of the draws.
    random_state : int, default 0
        Seed of the resamples.
    variant : {"paper", "official"}
        As in :func:`~routerbench_utils.aiq`.

    Returns
    -------
    DrawEstimate
        ``estimate``, ``standard_error`` (0 with a single draw) and the resampled ``samples``.

    Raises
    ------
    RouterBenchDataError
        If ``cost`` and ``quality`` are not two 3-d arrays of one shape with at least one draw, setting
        and prompt, or ``n_boot`` is not a whole number >= 1.

    Examples
    --------
    Two draws, two settings (a free model and one costing 1 USD), two prompts:

    >>> cost = [[[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [1.0, 1.0]]]
    >>> quality = [[[0.2, 0.4], [0.6, 0.8]], [[0.4, 0.6], [0.8, 1.0]]]
    >>> result = aiq_over_draws(cost, quality, c_min=0.0, c_max=1.0, n_boot=50)
    >>> round(result.estimate, 3), result.standard_error > 0
    (0.6, True)
    """
    try:
        cost, quality = np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    except (TypeError, ValueError) as exc:
        raise RouterBenchDataError(f"cost, quality: expected numeric (draws, settings, prompts) arrays ({exc})"
                                   ) from exc
    if cost.ndim != 3 or cost.shape != quality.shape or 0 in cost.shape:
        raise RouterBenchDataError(
            f"cost, quality: expected two (draws, settings, prompts) arrays of one shape, got {cost.shape} and "
            f"{quality.shape}; pass MeanOverDrawsRouter.outcomes_by_draw(...)")
    n_boot = _checks.count(n_boot, "n_boot", 1)
    curve_cost, curve_quality = cost.mean(axis=2), quality.mean(axis=2)  # (draws, settings)
    estimate = aiq(curve_cost.mean(axis=0), curve_quality.mean(axis=0), c_min=c_min, c_max=c_max,
                   variant=variant)
    if len(curve_cost) == 1:
        return DrawEstimate(float(estimate), 0.0, np.full(n_boot, float(estimate)))
    samples = bootstrap_aiq(curve_cost.T, curve_quality.T, n_boot=n_boot, random_state=random_state,
                            c_min=c_min, c_max=c_max, variant=variant)
    return DrawEstimate(float(estimate), float(np.std(samples, ddof=1)), samples)
