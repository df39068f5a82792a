"""The cascade: call models from cheap to dear and stop when a judge accepts the answer, within a budget
(chapter "Cascades").
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._deprecated import renamed_argument, renamed_keywords
from .. import _checks
from ..data import cost_matrix, score_matrix, validate
from ..errors import RouterBenchDataError
from .base import BUDGET_GRID, Router, dataset_costs, row_costs


class CascadeRouter(Router):
    """Call models from cheapest to dearest until a judge accepts an answer or the budget runs out.

    The judge accepts an answer whose score reaches ``threshold``, but errs with probability
    ``error_rate`` (accepting a bad answer or rejecting a good one). Real judges err asymmetrically:
    ``false_accept`` and ``false_reject``, when given, set the two error rates separately. The next model
    is called only if the money spent so far plus its mean training cost stays within the per-query
    budget (the first model is always called). Quality is the last called model's score; cost is the
    sum of every call. Judge errors are drawn once per (prompt, model) from ``random_state``, so budgets share
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
        The score :math:`\\tau` an answer needs to be good (1: only a full score; above 1 the judge
        accepts nothing, so every model the budget allows is called). NaN is refused.
    random_state : int, default 0
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
    >>> cascade = CascadeRouter(error_rate=0.05).fit(train)
    >>> len(cascade.curve(test)) == len(rbu.routers.BUDGET_GRID)  # one point per budget
    True
    """

    family = "Cascade"
    knob = "budget_per_prompt"

    def __init__(self, error_rate: float = 0.0, threshold: float = 1.0, random_state: int = 0,
                 false_accept: float | None = None, false_reject: float | None = None, **renamed):
        self.error_rate = error_rate
        self.threshold = threshold
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)
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
            if rate is not None:
                _checks.number(rate, label, low=0.0, high=1.0)
        _checks.number(self.threshold, "threshold")  # above 1 the judge accepts nothing: a valid setting
        super().fit(train)
        # The two judge error rates; either defaults to the symmetric error_rate.
        self.false_accept_ = self.error_rate if self.false_accept is None else self.false_accept
        self.false_reject_ = self.error_rate if self.false_reject is None else self.false_reject
        self.costs_ = dataset_costs(train, self.models_)
        return self

    def default_settings(self) -> list:
        """The official per-query budgets, :data:`routerbench_utils.routers.BUDGET_GRID` (USD).

        Returns
        -------
        list of float
        """
        return list(BUDGET_GRID)

    def _simulate(self, test: pd.DataFrame, budgets: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        validate(test)
        scores, costs = score_matrix(test, self.models_), cost_matrix(test, self.models_)
        predicted = row_costs(self.costs_, test)
        order = np.argsort(predicted, axis=1, kind="stable")  # cheapest first, per row's dataset
        rows = np.arange(len(test))[:, None]
        scores, costs, predicted = scores[rows, order], costs[rows, order], predicted[rows, order]
        good = scores >= self.threshold
        draws = np.random.default_rng(self.random_state).random(scores.shape)
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

    def _sweep_arrays(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One simulation for every budget: the model answering, every call paid, the last call's score."""
        budgets = [_checks.number(p, "budget_per_prompt", low=0.0, allow_inf=True) for p in settings]
        cost, quality, last = self._simulate(test, budgets)
        return np.asarray(self.models_, dtype=object)[last], cost, quality

    def outcomes(self, test: pd.DataFrame, settings: Sequence | None = None, *, params: Sequence | None = None):
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
        params = self._settings(settings, params)
        # a budget of 0 (or below the cheapest call) still calls the cheapest model: the first call is always made
        budgets = [_checks.number(p, "budget_per_prompt", low=0.0, allow_inf=True) for p in params]
        cost, quality, _ = self._simulate(test, budgets)
        return params, cost, quality

    @renamed_keywords(budget="budget_per_prompt")
    def route(self, test: pd.DataFrame, budget_per_prompt: float | None = None) -> np.ndarray:
        """The model whose answer the cascade returns (its cost is the sum of all calls: use curve).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        budget_per_prompt : float, optional
            USD per query; default no limit (``inf``). ``budget=``, its old name, still answers for
            one release with a DeprecationWarning.

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
        budget = _checks.number(self._knob(budget_per_prompt, np.inf), "budget_per_prompt", low=0.0,
                                allow_inf=True)
        _, _, last = self._simulate(test, [budget])
        return np.asarray(self.models_, dtype=object)[last[0]]

