"""Online routing under partial (bandit) feedback (chapter "Online routing under partial feedback").

Prompts arrive one at a time. The router sends each to one model and then sees that model's score and
cost, and nothing about the models it did not call. This module holds the pieces of that setting:

- :func:`~routerbench_utils.routers.online.stream_order`: a seeded replay order of the rows of a RouterBench frame;
- :func:`~routerbench_utils.routers.online.replay_stream`: a linear upper-confidence-bound (LinUCB) bandit over prompt features, one
  ridge regression per model for its score and one for its cost, optionally paced by a
  :class:`~routerbench_utils.routers.online.BudgetPacer`; a plain numpy loop over the stream that reads, at each step, only the
  chosen model's score and cost;
- :class:`~routerbench_utils.routers.online.LinUCBRouter`: the same bandit as a :class:`~routerbench_utils.routers.Router` (``fit``
  replays a frame as a stream, ``route``/``curve`` use the frozen policy), with snapshots of the
  policy after chosen numbers of prompts;
- :func:`~routerbench_utils.evaluation.regret_curves`: cumulative regret of a stream of choices against the Oracle, the best single
  model at the same spend and the Zero router's mixture at the same spend;
- :func:`~routerbench_utils.evaluation.aiq_learning_curve`: AIQ of the policy frozen after ``n`` prompts, on held-out prompts.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .. import _checks
from ..data import cost_matrix, models, score_matrix, validate
from ..embed import fresh_embedding, prompt_texts
from ..errors import RouterBenchDataError
from .._deprecated import keyword_only, renamed_keywords, warn_moved
from .base import WTP_GRID, Router, choose_by_value

#: How far below the total budget the pacer keeps its own ceiling (a relative margin), so that the
#: rounding of a long sum of costs can never carry the spend over the budget.
_BUDGET_MARGIN = 1e-9
#: The dual variable of the pacer is kept within these bounds (no overflow or underflow in exp).
_NU_RANGE = (1e-12, 1e12)


def stream_order(n, random_state: int = 0) -> np.ndarray:
    """A seeded order in which to replay ``n`` prompts as a stream: a random permutation.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    n : int or DataFrame
        The number of prompts, or a frame whose rows are replayed.
    random_state : int
        Seed of the permutation (``numpy.random.default_rng``); the same seed gives the same order.

    Returns
    -------
    ndarray of int
        Row positions in stream order: ``df.iloc[stream_order(df, random_state)]`` is the stream.

    Raises
    ------
    RouterBenchDataError
        If ``n`` is not a positive count (or the frame is empty).

    Examples
    --------
    >>> stream_order(5, random_state=0)
    array([2, 4, 3, 0, 1])
    >>> bool((stream_order(5, random_state=0) == np.random.default_rng(0).permutation(5)).all())
    True
    """
    count = len(n) if isinstance(n, pd.DataFrame) else n
    if isinstance(count, (bool, np.bool_)) or not isinstance(count, (int, np.integer)) or count < 1:
        raise RouterBenchDataError(f"n: expected a positive number of prompts (or a non-empty frame), got {count!r}")
    return np.random.default_rng(random_state).permutation(int(count))


class BudgetPacer:
    """Dual (Lagrangian) pacing of a total budget over a stream of known length, with a hard cap.

    The router maximises :math:`\\hat q_{ta} - \\mu_t \\hat c_{ta}` where :math:`\\mu_t` (quality per
    USD) is the price of money. With :math:`\\rho_t = (B - S_t)/(T - t)` the budget left per prompt
    left (:math:`S_t` the spend so far) and :math:`\\mu_t = \\nu_t / \\rho_t`, the pacer takes an
    exponentiated (mirror-descent) dual step after every call:

    .. math:: \\nu_{t+1} = \\nu_t \\exp\\big(\\eta\\,(c_t / \\rho_t - 1)\\big),

    so the price rises while the router spends faster than :math:`\\rho_t` per prompt and falls while
    it spends slower. Measuring against the budget *left* (not the fixed :math:`B/T`) makes the pacer
    pay back an early overspend instead of carrying it to the end: the spend follows the line
    :math:`B\\,t/T` and ends near :math:`B`.

    The pacing alone does not guarantee the total. The **hard cap** does: before each call the pacer
    checks that, after paying the chosen model's cost bound :math:`\\bar c_{ta}`, the money left still
    covers the cheapest bound of every later prompt,

    .. math:: S_t + \\bar c_{ta} + \\sum_{i > t} \\min_m \\bar c_{im} \\le B,

    and otherwise calls the cheapest model instead. By induction the spend never exceeds :math:`B`
    (as long as every call costs at most its bound, which is checked).

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    total_budget : float
        Total budget :math:`B` (USD) over the stream (``budget=``, its old name, still answers for one
        release with a DeprecationWarning).
    n_prompts : int
        Length :math:`T` of the stream.
    learning_rate : float
        Step :math:`\\eta > 0` of the dual update. The price starts at :math:`\\nu_0 = 1`: a unit of
        quality is worth one prompt's share of the budget.

    Attributes
    ----------
    spent_ : float
        Money spent so far (after :meth:`start`).
    step_ : int
        Prompts handled so far.
    nu_ : float
        The dual variable :math:`\\nu_t`; :attr:`price_` is :math:`\\mu_t = \\nu_t/\\rho`.
    fallbacks_ : int
        Calls redirected to the cheapest model by the hard cap.

    Raises
    ------
    RouterBenchDataError
        From :meth:`start`, naming the argument: a ``total_budget``, ``n_prompts`` or
        ``learning_rate`` that is not a positive number (NaN, text and a fractional ``n_prompts``
        included), or a budget below the sum of the cheapest cost bounds (then no policy can be
        guaranteed to stay within it). From :meth:`choose` and :meth:`pay`, before :meth:`start`,
        after the stream's last prompt, or for a model index or cost that cannot be used.

    Notes
    -----
    The arguments are checked in :meth:`start`, the pacer's ``fit``: as in scikit-learn, the
    constructor only stores them (unchanged, so ``get_params``-style copies see what was passed), and
    ``start`` checks them together with the data they must fit (the cost bounds), then sets the
    state that ends in ``_``.
    """

    @renamed_keywords(budget="total_budget")
    def __init__(self, total_budget: float, n_prompts: int, learning_rate: float = 0.05) -> None:
        self.total_budget = total_budget
        self.n_prompts = n_prompts
        self.learning_rate = learning_rate

    def start(self, cost_bound) -> "BudgetPacer":
        """Validate the settings and the cost bounds and reset the state to the start of the stream.

        Parameters
        ----------
        cost_bound : array_like of shape (models,) or (n_prompts, models)
            An upper bound of each call's cost (USD) known before the call: per model (e.g. its price
            times the largest number of tokens), or per prompt and model.

        Returns
        -------
        BudgetPacer
            ``self``, ready for :meth:`choose` and :meth:`pay`.

        Raises
        ------
        RouterBenchDataError
            See the class.
        """
        budget = _checks.number(self.total_budget, "total_budget (USD over the stream)", low=0, low_open=True)
        if isinstance(self.n_prompts, (float, np.floating)):
            raise RouterBenchDataError(f"n_prompts: expected a whole number of prompts >= 1 (an int), got "
                                       f"{self.n_prompts!r}")
        n = _checks.count(self.n_prompts, "n_prompts (prompts in the stream)", minimum=1)
        _checks.number(self.learning_rate, "learning_rate (the dual step)", low=0, low_open=True)
        bound = np.asarray(cost_bound, dtype=float)
        if bound.ndim == 1:
            bound = np.broadcast_to(bound, (int(n), bound.size))
        if bound.ndim != 2 or bound.shape[0] != n or bound.shape[1] < 1:
            raise RouterBenchDataError(f"cost_bound: expected shape (models,) or ({n}, models), got {np.shape(cost_bound)}")
        if not np.isfinite(bound).all() or (bound < 0).any():
            raise RouterBenchDataError("cost_bound: expected finite bounds >= 0 (USD) for every model")
        self.rho_ = budget / n
        self.ceiling_ = budget * (1.0 - _BUDGET_MARGIN)
        self.bound_ = bound
        self.cheapest_ = np.argmin(bound, axis=1)
        floor = bound[np.arange(n), self.cheapest_]
        # reserve_[t]: the cheapest bounds of every prompt after t, which must stay affordable
        self.reserve_ = np.concatenate([np.cumsum(floor[::-1])[::-1][1:], [0.0]])
        need = float(floor.sum())
        if need > self.ceiling_:
            raise RouterBenchDataError(
                f"total_budget: {budget:.6g} USD is below {need:.6g} USD, the sum over the {n} prompts of the "
                "cheapest model's cost bound; no policy can be guaranteed to stay within it. Raise the "
                "total_budget or pass tighter cost bounds (e.g. per prompt)")
        self.nu_ = 1.0
        self.spent_, self.step_, self.fallbacks_ = 0.0, 0, 0
        return self

    @property
    def rate_(self) -> float:
        """The budget left per prompt left, :math:`\\rho_t = (B - S_t)/(T - t)` (USD)."""
        left = max(self.n_prompts - self.step_, 1)
        # the cap keeps the spend below B, so the rate stays positive; the floor guards rounding only
        return max((float(self.total_budget) - self.spent_) / left, 1e-300)

    @property
    def budget(self) -> float:
        """Deprecated name of ``total_budget``, the constructor argument (warns)."""
        warn_moved("BudgetPacer.budget", "BudgetPacer.total_budget")
        return self.total_budget

    @property
    def price_(self) -> float:
        """The current price of money :math:`\\mu_t = \\nu_t / \\rho_t` (quality per USD)."""
        return self.nu_ / self.rate_

    def _check_step(self, arm, method: str) -> tuple[int, int]:
        """The current step and ``arm`` as ints, refused before :meth:`start`, after the stream's
        last prompt, or for an index that names no model."""
        if not hasattr(self, "bound_"):
            raise RouterBenchDataError(f"BudgetPacer.{method}: the pacer is not started: call "
                                       "start(cost_bound) first")
        if self.step_ >= len(self.bound_):
            raise RouterBenchDataError(f"BudgetPacer.{method}: the stream of n_prompts={len(self.bound_)} "
                                       "prompts is over; call start(cost_bound) again for a new stream")
        models = self.bound_.shape[1]
        index = _checks.count(arm, "arm (a model's column index)", minimum=0)
        if index >= models:
            raise RouterBenchDataError(f"arm: expected a model's column index in [0, {models - 1}], got {arm!r}")
        return self.step_, index

    def choose(self, arm: int) -> tuple[int, bool]:
        """The model to call for the current prompt: ``arm``, or the cheapest one if ``arm`` could
        break the budget.

        Parameters
        ----------
        arm : int
            The router's preferred model (column index).

        Returns
        -------
        arm : int
            The model to call.
        fell_back : bool
            Whether the hard cap redirected the call.
        """
        t, arm = self._check_step(arm, "choose")
        if self.spent_ + self.bound_[t, arm] + self.reserve_[t] <= self.ceiling_:
            return arm, False
        self.fallbacks_ += 1
        return int(self.cheapest_[t]), True

    def pay(self, arm: int, cost: float) -> None:
        """Record the cost of the call just made and take the dual step.

        Parameters
        ----------
        arm : int
            The model called.
        cost : float
            What the call cost (USD).

        Raises
        ------
        RouterBenchDataError
            If the call cost more than its bound: the guarantee would no longer hold.
        """
        t, arm = self._check_step(arm, "pay")
        cost = _checks.number(cost, "cost (USD of the call just made)", low=0)
        if cost > self.bound_[t, arm]:
            raise RouterBenchDataError(
                f"cost_bound: the call at step {t} to model {arm} cost {cost:.6g} USD, above its bound "
                f"{self.bound_[t, arm]:.6g}; bounds must cover every call for the budget to be guaranteed")
        step = self.learning_rate * (cost / self.rate_ - 1.0)
        self.spent_ += cost
        self.nu_ = min(max(self.nu_ * math.exp(min(step, 50.0)), _NU_RANGE[0]), _NU_RANGE[1])
        self.step_ += 1


@dataclass
class StreamResult:
    """What a replay of a stream produced: the choices, what they revealed, and the learned models.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    chosen : ndarray of int, shape (T,)
        The model (column index) called for each prompt, in stream order.
    score, cost : ndarray of shape (T,)
        The score and cost the called model revealed (the only feedback).
    price : ndarray of shape (T,)
        The price of money :math:`\\mu_t` (quality per USD) used for each choice.
    fallback : ndarray of bool, shape (T,)
        Whether the budget's hard cap redirected the call to the cheapest model.
    coef_quality, coef_cost : ndarray of shape (models, features)
        The ridge estimates :math:`\\hat\\theta` of score (around ``prior_score``) and cost after the
        whole stream.
    pulls : ndarray of int, shape (models,)
        How often each model was called.
    snapshots : dict
        ``{n: (coef_quality, coef_cost)}`` after ``n`` prompts, for each requested checkpoint.
    """

    chosen: np.ndarray
    score: np.ndarray
    cost: np.ndarray
    price: np.ndarray
    fallback: np.ndarray
    coef_quality: np.ndarray
    coef_cost: np.ndarray
    pulls: np.ndarray
    snapshots: dict = field(default_factory=dict)


def _check_features(features) -> np.ndarray:
    x = np.asarray(features, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise RouterBenchDataError(f"features: expected a 2-D array (prompts, features), got shape {x.shape}")
    if not np.isfinite(x).all():
        rows = np.flatnonzero(~np.isfinite(x).all(axis=1))
        raise RouterBenchDataError(
            f"features: {rows.size} rows hold NaN or infinite values (first at row {rows[0]}); expected "
            "finite prompt features")
    return x


@keyword_only("cost", "quality")
def replay_stream(features, *, cost, quality, alpha: float = 0.1, willingness_to_pay: float = 1.0,
                  ridge: float = 1.0, prior_score: float = 0.5, pacer: BudgetPacer | None = None,
                  checkpoints: Sequence[int] = (), batch_size: int = 32,
                  random_state: int = 0) -> StreamResult:
    """Replay a stream with a LinUCB bandit that learns only from the chosen model's score and cost.

    For the prompt :math:`x_t` (a feature row), each model :math:`a` has ridge estimates
    :math:`\\hat\\theta^q_a = A_a^{-1} b^q_a` and :math:`\\hat\\theta^c_a = A_a^{-1} b^c_a` of its
    score (around a prior mean :math:`q_0`) and cost, fitted on the prompts it was sent:
    :math:`A_a = \\kappa I + \\sum_{i: a_i = a} x_i x_i^\\top`,
    :math:`b^q_a = \\sum_{i: a_i = a} (s_{ia} - q_0) x_i`, :math:`b^c_a = \\sum_{i: a_i = a} c_{ia} x_i`.
    The bandit calls

    .. math:: a_t = \\arg\\max_a \\; q_0 + x_t^\\top\\hat\\theta^q_a
              - \\mu_t \\max(0, x_t^\\top\\hat\\theta^c_a) + \\alpha \\sqrt{x_t^\\top A_a^{-1} x_t},

    optimistic in the score by :math:`\\alpha` standard errors, with :math:`\\mu_t = 1/\\lambda` (a
    fixed willingness to pay) or the price set by a :class:`~routerbench_utils.routers.online.BudgetPacer`. After the call it reads
    :math:`s_{t a_t}` and :math:`c_{t a_t}`, and nothing else, and updates only model :math:`a_t`,
    by Sherman-Morrison: with :math:`u = A^{-1} x_t`,
    :math:`A^{-1} \\leftarrow A^{-1} - u u^\\top / (1 + x_t^\\top u)`.

    With ``batch_size`` :math:`B > 1`, prompts arrive in batches (as in high-volume serving): the
    :math:`B` choices of a batch use the estimates from before it, then each model takes the rows it
    was sent at once (Woodbury's identity, Sherman-Morrison for one row). The widths of all models
    for a whole batch are one matrix product, so a batch costs a few whole-array operations.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    features : array_like of shape (T, d)
        One row per prompt, in stream order (include a constant column for an intercept).
    cost, quality : array_like of shape (T, models), keyword-only
        The costs (USD) and scores every model would get, passed by name (a positional call raises
        a TypeError); the replay reads only the chosen entry of each row, so the others may be
        anything, NaN included.
    alpha : float
        Exploration :math:`\\alpha \\ge 0` (0: greedy).
    willingness_to_pay : float
        :math:`\\lambda > 0` (USD per unit of quality; ``inf``: ignore cost) when no pacer is given.
    ridge : float
        :math:`\\kappa > 0`, the prior precision of every estimate.
    prior_score : float
        :math:`q_0`, the score every model is expected to have before its first call. The middle of
        the range, 0.5, neither writes off nor favours a model no prompt was sent to (with 0, an
        untried model looks worse than any tried one and a sequential router hardly ever tries it).
    pacer : BudgetPacer, optional
        Sets the price of money for each batch and enforces the total budget, call by call; it must
        have been started (:meth:`BudgetPacer.start`) for this stream.
    checkpoints : sequence of int
        Numbers of prompts after which the estimates are kept in ``snapshots`` (a batch ends there).
    batch_size : int
        Prompts per batch (1: the classic, fully sequential LinUCB).
    random_state : int
        Seed of the tie-breaking: models of equal value (as all are before any feedback) are chosen
        among at random, not always the first column.

    Returns
    -------
    StreamResult
        Choices, revealed feedback, prices, fallbacks, estimates and snapshots.

    Raises
    ------
    RouterBenchDataError
        For arrays of the wrong shape or settings out of range.
    RouterBenchDataError
        If a chosen model's score or cost is NaN, or a cost is negative (the step and model named).
    """
    x_all = _check_features(features)
    s_all, c_all = np.asarray(quality, dtype=float), np.asarray(cost, dtype=float)
    n, d = x_all.shape
    if s_all.ndim != 2 or s_all.shape != c_all.shape or s_all.shape[0] != n:
        raise RouterBenchDataError(f"scores and costs: expected two arrays of shape ({n}, models), got "
                         f"{s_all.shape} and {c_all.shape}")
    k = s_all.shape[1]
    if not (np.isfinite(alpha) and alpha >= 0):
        raise RouterBenchDataError(f"alpha: expected a number >= 0, got {alpha!r}")
    if not (np.isfinite(ridge) and ridge > 0):
        raise RouterBenchDataError(f"ridge: expected a number > 0, got {ridge!r}")
    if not np.isfinite(prior_score):
        raise RouterBenchDataError(f"prior_score: expected a finite score, got {prior_score!r}")
    if pacer is None and not float(willingness_to_pay) > 0:
        raise RouterBenchDataError(f"willingness_to_pay: expected a number > 0 (or inf), got {willingness_to_pay!r}")
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise RouterBenchDataError(f"batch_size: expected a positive number of prompts, got {batch_size!r}")
    marks = {int(c) for c in checkpoints}
    if any(c < 1 or c > n for c in marks):
        raise RouterBenchDataError(f"checkpoints: expected numbers of prompts in [1, {n}], got {sorted(marks)}")
    if pacer is not None and (getattr(pacer, "step_", None) != 0 or pacer.n_prompts != n):
        raise RouterBenchDataError(f"pacer: expected a pacer started for this stream of {n} prompts "
                         "(BudgetPacer(total_budget, n_prompts).start(cost_bound))")

    estimates = _RidgeEstimates(k, d, ridge, float(prior_score))
    chosen = np.empty(n, dtype=np.int64)
    price = np.empty(n)
    fallback = np.zeros(n, dtype=bool)
    snapshots = {}
    fixed_price = 1.0 / float(willingness_to_pay)
    rng = np.random.default_rng(random_state)
    ends = sorted(set(range(batch_size, n, batch_size)) | marks | {n})
    # The matrices are small (d x d per model): one BLAS thread is faster than several that wait on
    # each other, many times so on a busy machine.
    with threadpool_limits(limits=1, user_api="blas"):
        for start, stop in zip([0] + ends[:-1], ends):
            x = x_all[start:stop]
            mu = pacer.price_ if pacer is not None else fixed_price
            value, u = estimates.upper_values(x, mu, alpha)
            # ties (every model is alike before its first feedback) go to a random one of them
            tie = value >= value.max(axis=1, keepdims=True) - 1e-12
            arms = np.argmax(np.where(tie, rng.random(value.shape), -1.0), axis=1)
            rows = np.arange(start, stop)
            if pacer is not None:
                # The cap is checked call by call: each call's cost counts before the next is allowed.
                for i, row in enumerate(rows):
                    arms[i], fallback[row] = pacer.choose(int(arms[i]))
                    pacer.pay(int(arms[i]), _observed(s_all, c_all, row, int(arms[i]))[1])
            s, c = s_all[rows, arms], c_all[rows, arms]  # the only feedback: the chosen entries
            bad = ~(np.isfinite(s) & np.isfinite(c) & (c >= 0))
            if bad.any():
                k_bad = int(np.flatnonzero(bad)[0])
                _observed(s_all, c_all, int(rows[k_bad]), int(arms[k_bad]))  # raises, naming the step
            estimates.update(x, arms, s, c, u)
            chosen[start:stop], price[start:stop] = arms, mu
            if stop in marks:
                snapshots[stop] = (estimates.theta_q.copy(), estimates.theta_c.copy())
    rows = np.arange(n)
    return StreamResult(chosen, s_all[rows, chosen], c_all[rows, chosen], price, fallback,
                        estimates.theta_q, estimates.theta_c, np.bincount(chosen, minlength=k), snapshots)


class _RidgeEstimates:
    """Per-model ridge regressions of score and cost on the prompt features, kept by their inverse
    Gram matrices so that a batch of new rows is a low-rank update."""

    def __init__(self, k: int, d: int, ridge: float, prior: float) -> None:
        self.prior = prior  # the scores are regressed around it
        self.a_inv = np.repeat(np.eye(d)[None] / ridge, k, axis=0)  # (models, d, d), symmetric
        self.flat_inv = self.a_inv.reshape(k * d, d)  # a view: A_a^{-1} x for every a in one product
        self.b_q, self.b_c = np.zeros((k, d)), np.zeros((k, d))
        self.theta_q, self.theta_c = np.zeros((k, d)), np.zeros((k, d))

    def upper_values(self, x: np.ndarray, mu: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        """The optimistic values of every model for the rows ``x`` (m, d), and ``u[i, a] = A_a^{-1} x_i``."""
        k, d = self.theta_q.shape
        u = (x @ self.flat_inv.T).reshape(len(x), k, d)
        width = np.sqrt(np.maximum(np.einsum("iad,id->ia", u, x), 0.0))
        quality = self.prior + x @ self.theta_q.T
        return quality - mu * np.maximum(x @ self.theta_c.T, 0.0) + alpha * width, u

    def update(self, x: np.ndarray, arms: np.ndarray, s: np.ndarray, c: np.ndarray, u: np.ndarray) -> None:
        """Add the rows ``x`` with the feedback ``s``, ``c`` of the models ``arms`` (one per row)."""
        for a in np.unique(arms):
            mine = arms == a
            xa, p = x[mine], u[mine, a]  # p = X_a A^{-1} (A^{-1} is symmetric)
            if len(xa) == 1:  # Sherman-Morrison
                self.a_inv[a] -= np.outer(p[0], p[0]) / (1.0 + p[0] @ xa[0])
            else:  # Woodbury: A^{-1} - P^T (I + P X^T)^{-1} P
                self.a_inv[a] -= p.T @ np.linalg.solve(np.eye(len(xa)) + p @ xa.T, p)
            self.b_q[a] += (s[mine] - self.prior) @ xa
            self.b_c[a] += c[mine] @ xa
            self.theta_q[a], self.theta_c[a] = self.a_inv[a] @ self.b_q[a], self.a_inv[a] @ self.b_c[a]


def _observed(scores: np.ndarray, costs: np.ndarray, row: int, arm: int) -> tuple[float, float]:
    """The score and cost of one call; NaN, infinite or negative values raise, naming the step."""
    s, c = scores[row, arm], costs[row, arm]
    if not (np.isfinite(s) and np.isfinite(c) and c >= 0):
        raise RouterBenchDataError(
            f"scores/costs: the model called at step {row} (column {arm}) returned score {s} and cost {c}; "
            "expected a finite score and a finite cost >= 0 for every call")
    return float(s), float(c)


def _with_intercept(features: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((len(features), 1)), features])


class LinUCBRouter(Router):
    """A contextual-bandit router: LinUCB over prompt features, learning from bandit feedback only.

    ``fit(stream)`` replays the rows of ``stream`` in a seeded order (:func:`~routerbench_utils.routers.online.stream_order`) through
    :func:`~routerbench_utils.routers.online.replay_stream`: each prompt goes to one model, and only that model's score and cost are
    learned from. Without a budget the bandit uses the fixed willingness to pay :math:`\\lambda`
    (reward :math:`s - c/\\lambda`); with ``budget_per_prompt`` a :class:`~routerbench_utils.routers.online.BudgetPacer` adjusts the
    price of money so that the total spend stays within ``budget_per_prompt * len(stream)``.

    After ``fit`` the policy is frozen: ``route(test, wtp)`` sends each prompt to
    :math:`\\arg\\max_a \\lambda \\hat q_a(x) - \\hat c_a(x)` with the learned estimates (scores clipped
    to [0, 1], costs at 0 from below) and no exploration, like the predictive routers; ``curve``
    sweeps :data:`~routerbench_utils.routers.WTP_GRID`. :meth:`snapshot` gives the policy as it was
    after ``n`` prompts of the stream, for each ``n`` in ``checkpoints``.

    See the chapter :ref:`chap-online` ("Online routing under partial feedback").

    Parameters
    ----------
    alpha : float
        Exploration :math:`\\alpha \\ge 0`, in standard errors of the score estimate (0: greedy).
    willingness_to_pay : float
        :math:`\\lambda > 0`, USD per unit of quality, during a stream without a budget (with a budget
        the pacer sets the price).
    ridge : float
        Prior precision :math:`\\kappa > 0` of the ridge estimates.
    prior_score : float
        Score :math:`q_0` every model is expected to have before its first call (see
        :func:`~routerbench_utils.routers.online.replay_stream`).
    budget_per_prompt : float, optional
        Mean budget per prompt :math:`\\rho` (USD); the stream's total is :math:`\\rho T`. None: no
        budget.
    learning_rate : float
        Step :math:`\\eta` of the pacer's dual update (see :class:`~routerbench_utils.routers.online.BudgetPacer`).
    cost_bound : {"max", "exact"} or array_like
        What the hard cap knows before a call: ``"max"``, each model's largest cost on the stream (a
        price list times the most tokens a call may use); ``"exact"``, every call's own cost (prices
        and token counts known before the call); or an array of shape (models,) or (prompts, models)
        in the frame's row order.
    checkpoints : sequence of int
        Numbers of prompts after which :meth:`snapshot` can freeze the policy.
    batch_size : int
        Prompts per batch of the replay (see :func:`~routerbench_utils.routers.online.replay_stream`; 1: fully sequential).
    embedding : object, optional
        Prompt features with ``fit(texts)``/``transform(texts)`` (default: a new
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder`, fitted on the stream's texts, as the
        predictive routers do); pass a :class:`~routerbench_utils.embed.FrozenEmbedder` to share one.
    shuffle : bool
        Replay in the seeded order of :func:`~routerbench_utils.routers.online.stream_order` (True) or in the frame's row order.
    random_state : int
        Seed of the stream order, of the tie-breaking and of the default embedding.

    Attributes
    ----------
    order_ : ndarray of int
        Row positions of the stream, in the order replayed.
    result_ : StreamResult
        The replay (choices, feedback, prices, fallbacks, snapshots).
    coef_quality_, coef_cost_ : ndarray of shape (models, features + 1)
        The estimates after the whole stream (intercept first).
    pacer_ : BudgetPacer or None
        The pacer after the stream (``spent_``, ``fallbacks_``).

    Examples
    --------
    >>> router = LinUCBRouter(alpha=0.1, budget_per_prompt=0.002).fit(train)
    >>> bool(router.pacer_.spent_ <= 0.002 * len(train))
    True
    """

    family = "Online"
    knob = "willingness_to_pay"

    def __init__(self, alpha: float = 0.1, willingness_to_pay: float = 1.0, ridge: float = 1.0,
                 prior_score: float = 0.5, budget_per_prompt: float | None = None,
                 learning_rate: float = 0.05,
                 cost_bound="max", checkpoints: Sequence[int] = (), batch_size: int = 32, embedding=None,
                 shuffle: bool = True, random_state: int = 0):
        self.alpha = alpha
        self.willingness_to_pay = willingness_to_pay
        self.ridge = ridge
        self.prior_score = prior_score
        self.budget_per_prompt = budget_per_prompt
        self.learning_rate = learning_rate
        self.cost_bound = cost_bound
        self.checkpoints = checkpoints
        self.batch_size = batch_size
        self.embedding = embedding
        self.shuffle = shuffle
        self.random_state = random_state

    def _bounds(self, costs: np.ndarray) -> np.ndarray:
        """The cost bounds of the hard cap, in stream order (``costs`` is already in stream order)."""
        if isinstance(self.cost_bound, str):
            if self.cost_bound == "max":
                return costs.max(axis=0)
            if self.cost_bound == "exact":
                return costs
            raise RouterBenchDataError(f"cost_bound: expected 'max', 'exact' or an array, got {self.cost_bound!r}")
        bound = np.asarray(self.cost_bound, dtype=float)
        return bound[self.order_] if bound.ndim == 2 else bound

    def fit(self, stream: pd.DataFrame) -> "LinUCBRouter":
        """Replay the rows of ``stream`` as a stream and learn from bandit feedback.

        Parameters
        ----------
        stream : DataFrame
            RouterBench-format rows (wide), with a ``prompt`` column.

        Returns
        -------
        LinUCBRouter
            ``self``, fitted.

        Raises
        ------
        RouterBenchDataError
            For a frame that fails validation or lacks prompts.
        RouterBenchDataError
            For settings out of range (see :func:`~routerbench_utils.routers.online.replay_stream` and :class:`~routerbench_utils.routers.online.BudgetPacer`).
        """
        super().fit(stream)
        if len(stream) < 1:
            raise RouterBenchDataError("stream: expected at least one prompt to replay, got an empty frame")
        self.embedder_ = fresh_embedding(self.embedding, self.random_state)
        texts = prompt_texts(stream, "stream")
        features = np.asarray(self.embedder_.fit(texts).transform(texts), dtype=float)
        n = len(stream)
        self.order_ = stream_order(n, self.random_state) if self.shuffle else np.arange(n)
        scores = score_matrix(stream, self.models_)[self.order_]
        costs = cost_matrix(stream, self.models_)[self.order_]
        self.pacer_ = None
        if self.budget_per_prompt is not None:
            rho = float(self.budget_per_prompt)
            if not (np.isfinite(rho) and rho > 0):
                raise RouterBenchDataError(f"budget_per_prompt: expected a positive number of USD or None, got "
                                 f"{self.budget_per_prompt!r}")
            self.pacer_ = BudgetPacer(rho * n, n, self.learning_rate)
            self.pacer_.start(self._bounds(costs))
        self.result_ = replay_stream(_with_intercept(features[self.order_]), cost=costs, quality=scores,
                                     alpha=self.alpha,
                                     willingness_to_pay=self.willingness_to_pay, ridge=self.ridge,
                                     prior_score=self.prior_score,
                                     pacer=self.pacer_, checkpoints=self.checkpoints,
                                     batch_size=self.batch_size, random_state=self.random_state)
        self.coef_quality_, self.coef_cost_ = self.result_.coef_quality, self.result_.coef_cost
        self.n_seen_ = n
        return self

    def snapshot(self, n: int) -> "LinUCBRouter":
        """The policy frozen after the first ``n`` prompts of the stream (a checkpoint, or all).

        Parameters
        ----------
        n : int
            A number of prompts in ``checkpoints``, or the stream's length.

        Returns
        -------
        LinUCBRouter
            A fitted copy whose estimates are those after ``n`` prompts.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted or ``n`` was not a checkpoint.
        """
        self._check_fitted()
        if n == self.n_seen_:
            return self
        if n not in self.result_.snapshots:
            raise RouterBenchDataError(
                f"snapshot: no snapshot after {n} prompts; pass it in checkpoints (have "
                f"{sorted(self.result_.snapshots)} and {self.n_seen_}, the whole stream)")
        frozen = copy.copy(self)
        frozen.coef_quality_, frozen.coef_cost_ = self.result_.snapshots[n]
        frozen.n_seen_ = n
        return frozen

    def _predict(self, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        validate(test)
        missing = [m for m in self.models_ if m not in models(test)]
        if missing:
            raise RouterBenchDataError(f"test: models {missing} of the stream are not in the test rows")
        x = _with_intercept(np.asarray(self.embedder_.transform(prompt_texts(test, "test")), dtype=float))
        quality = self.prior_score + x @ self.coef_quality_.T
        return np.clip(quality, 0.0, 1.0), np.maximum(x @ self.coef_cost_.T, 0.0)

    def predict_quality(self, test: pd.DataFrame) -> np.ndarray:
        """Estimated score of every model on every test prompt, shape (rows, models), in [0, 1].

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows with prompts and the stream's models.

        Returns
        -------
        ndarray
            :math:`\\mathrm{clip}(q_0 + x^\\top \\hat\\theta^q_a, 0, 1)`.
        """
        return self._predict(test)[0]

    def default_settings(self) -> list:
        return list(WTP_GRID)

    def route(self, test: pd.DataFrame, willingness_to_pay: float | None = None) -> np.ndarray:
        """Route with the frozen policy at willingness to pay :math:`\\lambda` (no exploration).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows with prompts.
        willingness_to_pay : float, optional
            :math:`\\lambda \\ge 0` (USD per unit of quality); default the router's own
            ``willingness_to_pay``.

        Returns
        -------
        ndarray of object
            One model name per row.
        """
        quality, cost = self._predict(test)
        return choose_by_value(_wtp(self._knob(willingness_to_pay, 1.0)), self.models_, cost=cost,
                               quality=quality)

    def _choices(self, test: pd.DataFrame, params: list) -> list[np.ndarray]:
        quality, cost = self._predict(test)  # once for every willingness to pay
        return [choose_by_value(_wtp(p), self.models_, cost=cost, quality=quality) for p in params]


def _wtp(value) -> float:
    wtp = float(value)
    if not wtp >= 0:
        raise RouterBenchDataError(f"willingness_to_pay: expected a number >= 0, got {value!r}")
    return wtp


def __getattr__(name: str):
    # regret_curves and aiq_learning_curve evaluate a router: they moved to routerbench_utils.evaluation,
    # a layer above the routers, looked up by name on first use (no import from here).
    if name in ("regret_curves", "aiq_learning_curve"):
        import importlib

        from .._deprecated import warn_moved

        warn_moved(f"{__name__}.{name}", f"routerbench_utils.evaluation.{name}")
        return getattr(importlib.import_module("routerbench_utils.evaluation"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
