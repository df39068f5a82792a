"""A cascade's outcomes in expectation over its judge's random errors (chapter "Cascading routers").

A :class:`~routerbench_utils.CascadeRouter` whose judge errs draws the errors from a seed, and one seed
is one sample of what such a judge would do: on a test split of a few hundred prompts, two seeds can
differ by more than the effect being measured. The expectation over the judge's draws is exact and
cheap, because the judge errs independently on each (prompt, model) call: the chance of reaching each
model of the cascade is a product of the chances of rejecting the answers before it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _checks
from .._deprecated import renamed_keywords
from ..data import cost_matrix, score_matrix, validate
from ..routers import CascadeRouter
from ..routers.base import row_costs


def expected_cascade_outcomes(cascade: CascadeRouter, test: pd.DataFrame,
                              settings: Sequence | None = None) -> tuple[list, np.ndarray, np.ndarray]:
    """Per-prompt cost and quality of a fitted cascade, in expectation over its judge's errors.

    The cascade calls the models of prompt :math:`i` cheapest first (ordered by their mean training
    cost :math:`\\hat c_{(k)}` on the prompt's dataset). The judge accepts model :math:`k`'s answer with
    probability :math:`a_{ik} = 1 - \\epsilon_{FR}` if its score reaches the threshold :math:`\\tau` and
    :math:`a_{ik} = \\epsilon_{FA}` otherwise, independently for every call. For budget :math:`B` the
    budget lets the cascade go on to model :math:`k + 1` only if
    :math:`\\sum_{j \\le k} c_{i(j)} + \\hat c_{(k+1)} \\le B`; this does not depend on the judge, so the
    last model the budget allows, :math:`K_i`, is fixed. With :math:`r_{i1} = 1` and
    :math:`r_{i,k+1} = r_{ik}(1 - a_{ik})` the chance of reaching model :math:`k`,

    .. math::

        \\mathbb{E}[\\text{cost}_i] = \\sum_{k \\le K_i} r_{ik}\\, c_{i(k)}, \\qquad
        \\mathbb{E}[\\text{quality}_i] = \\sum_{k < K_i} r_{ik}\\, a_{ik}\\, s_{i(k)}
        + r_{iK_i}\\, s_{i(K_i)} .

    These are the means over infinitely many judge seeds of what
    :meth:`~routerbench_utils.CascadeRouter.outcomes` returns for one seed; with a perfect judge
    (:math:`\\epsilon = 0`) the two agree exactly.

    See the chapter :ref:`chap-cascade` ("Cascading routers").

    Parameters
    ----------
    cascade : CascadeRouter
        A fitted cascade; its models, their order, threshold and error rates are used (not its seed).
    test : DataFrame
        RouterBench-format rows holding every model of ``cascade.models_``.
    settings : sequence of float, optional
        Budgets in USD per query; default :data:`routerbench_utils.routers.BUDGET_GRID`.

    Returns
    -------
    settings : list
        The budgets.
    cost, quality : ndarray of shape (len(settings), len(test))
        Expected per-prompt cost (every call paid) and score (the answer returned).

    Raises
    ------
    RouterBenchDataError
        If ``cascade`` is not fitted, an entry of ``settings`` is not a budget (a number >= 0, or inf;
        the error names it, e.g. ``settings[2]``), or ``test`` fails validation or lacks a model of
        ``cascade.models_``.

    Examples
    --------
    >>> import routerbench_utils as rbu
    >>> df = rbu.embedded_routerbench(0, scale=0.05, datasets=["mbpp"])
    >>> train, test = rbu.official_split(df)
    >>> cascade = rbu.CascadeRouter(error_rate=0.2).fit(train)
    >>> budgets, cost, quality = expected_cascade_outcomes(cascade, test, [0.0, float("inf")])
    >>> cost.shape == (2, len(test)), bool((cost[1] >= cost[0]).all())
    (True, True)
    """
    settings, cost, quality, _ = _expectation(cascade, test, settings)
    return settings, cost, quality


def _expectation(cascade: CascadeRouter, test: pd.DataFrame, settings: Sequence | None
                 ) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`expected_cascade_outcomes` and, per (budget, prompt), the model most likely to give the
    answer (a column of ``cascade.models_``): :math:`\\arg\\max_k P(\\text{answer} = k)`, with
    :math:`P(\\text{answer} = k) = r_{ik}\\,a_{ik}` for :math:`k < K_i` and :math:`r_{iK_i}` for the last
    model allowed; ties go to the model called first (the cheapest)."""
    cascade._check_fitted()
    settings = list(cascade.default_settings() if settings is None else settings)
    budgets = [_checks.number(b, f"settings[{k}]", low=0.0, allow_inf=True) for k, b in enumerate(settings)]
    validate(test)
    scores, costs = score_matrix(test, cascade.models_), cost_matrix(test, cascade.models_)
    predicted = row_costs(cascade.costs_, test)
    order = np.argsort(predicted, axis=1, kind="stable")  # cheapest first, as the cascade calls them
    rows = np.arange(len(test))[:, None]
    scores, costs, predicted = scores[rows, order], costs[rows, order], predicted[rows, order]
    accept = np.where(scores >= cascade.threshold, 1.0 - cascade.false_reject_, cascade.false_accept_)
    # what has been paid before each call, if it is made (fixed: every earlier call was made)
    paid_before = np.cumsum(costs, axis=1) - costs
    n, n_models = scores.shape
    out_cost, out_quality = np.zeros((len(budgets), n)), np.zeros((len(budgets), n))
    answer = np.zeros((len(budgets), n), dtype=int)
    for b, budget in enumerate(budgets):
        allowed = paid_before + predicted <= budget
        allowed[:, 0] = True  # the first, cheapest call is always made
        allowed = np.cumprod(allowed, axis=1).astype(bool)  # once the budget stops it, it stays stopped
        last = allowed.sum(axis=1) - 1  # the last model the budget allows, per prompt
        reach = np.ones(n)
        likeliest = np.full(n, -1.0)  # the largest chance of giving the answer seen so far
        for k in range(n_models):
            live = allowed[:, k]
            out_cost[b] += np.where(live, reach * costs[:, k], 0.0)
            stop_here = np.where(k == last, 1.0, accept[:, k])  # the last allowed call always ends it
            chance = np.where(live, reach * stop_here, 0.0)  # P(this model's answer is returned)
            out_quality[b] += chance * scores[:, k]
            more = chance > likeliest  # strictly: a tie stays with the model called first
            answer[b] = np.where(more, order[:, k], answer[b])
            likeliest = np.where(more, chance, likeliest)
            reach = np.where(live, reach * (1.0 - stop_here), 0.0)
    return settings, out_cost, out_quality, answer


class ExpectedCascadeRouter(CascadeRouter):
    """A :class:`~routerbench_utils.CascadeRouter` whose cost and quality are expectations over judges.

    Same parameters, order, budget rule and judge as the cascade; :meth:`outcomes`, ``sweep`` and
    ``curve`` report the expected per-prompt cost and quality over the judge's random errors
    (:func:`expected_cascade_outcomes`), so a comparison such as
    :func:`routerbench_utils.compare_routers` reports the cascade as it is on average rather than for
    one seed of the judge. Nothing is drawn: the model a sweep names for a prompt (and
    :meth:`route` returns) is the one most likely to give the answer,

    .. math:: \\hat m_i = \\arg\\max_k P(\\text{answer}_i = k), \\qquad
              P(\\text{answer}_i = k) = r_{ik}\\, a_{ik} \\;(k < K_i), \\quad r_{iK_i} \\;(k = K_i),

    in the notation of :func:`expected_cascade_outcomes` (ties: the model called first, the cheapest).
    It is the answering model of every draw when the judge cannot err, and the likeliest one otherwise;
    call shares counted from it are those of the likeliest answers, not expected shares.

    See the chapter :ref:`chap-cascade` ("Cascading routers").

    Parameters
    ----------
    error_rate, threshold, false_accept, false_reject
        As for :class:`~routerbench_utils.CascadeRouter`; its ``random_state`` is accepted too (so that
        ``clone`` and ``set_params`` work as for the cascade) and not used.

    Examples
    --------
    >>> import routerbench_utils as rbu
    >>> df = rbu.embedded_routerbench(0, scale=0.05, datasets=["mbpp"])
    >>> train, test = rbu.official_split(df)
    >>> curve = ExpectedCascadeRouter(error_rate=0.2).fit(train).curve(test)
    >>> list(curve.columns)
    ['setting', 'cost', 'quality']
    """

    def _sweep_arrays(self, test: pd.DataFrame, settings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The likeliest answering model per prompt, the expected cost and quality: no draw."""
        _, cost, quality, answer = _expectation(self, test, settings)
        return np.asarray(self.models_, dtype=object)[answer], cost, quality

    @renamed_keywords(budget="budget_per_prompt")
    def route(self, test: pd.DataFrame, budget_per_prompt: float | None = None) -> np.ndarray:
        """The model most likely to give the answer, per row, at one budget (no draw of the judge).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        budget_per_prompt : float, optional
            USD per query; default no limit (``inf``).

        Returns
        -------
        ndarray of object
            One model name per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``budget_per_prompt`` is negative or NaN, or ``test`` fails
            validation.
        """
        self._check_fitted()
        budget = _checks.number(self._knob(budget_per_prompt, np.inf), "budget_per_prompt", low=0.0,
                                allow_inf=True)
        _, _, _, answer = _expectation(self, test, [budget])
        return np.asarray(self.models_, dtype=object)[answer[0]]

    def outcomes(self, test: pd.DataFrame, settings: Sequence | None = None, *, params: Sequence | None = None):
        """Per-prompt expected cost and quality for each budget (:func:`expected_cascade_outcomes`).

        Parameters
        ----------
        test : DataFrame
            RouterBench-format rows holding every model of ``models_``.
        settings : sequence of float, optional
            Budgets in USD per query; default :data:`routerbench_utils.routers.BUDGET_GRID`.
        params : sequence of float, optional
            The old name of ``settings``.

        Returns
        -------
        settings : list
        cost, quality : ndarray of shape (len(settings), len(test))
        """
        self._check_fitted()
        return expected_cascade_outcomes(self, test, self._settings(settings, params))
