"""Baseline routers: the Oracle (the best model per prompt, known in hindsight) and the Zero router (mixes
of models on the hull, no look at the prompt) (chapters "The Oracle" and "The non-decreasing convex hull
and the Zero router").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _checks
from .._deprecated import renamed_argument
from ..data import cost_matrix, dataset_column, oracle_labels, score_matrix
from ..errors import RouterBenchDataError
from ..frontier import NDCH
from .base import Router, WTP_GRID, check_wtp, choose_by_value, dataset_costs, dataset_means


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
    >>> oracle = OracleRouter().fit(train)
    >>> [round(v, 4) for v in rbu.evaluate_routing(test, oracle.route(test))]  # (cost, quality)
    [0.0003, 0.9796]
    """

    family = "Oracle"
    knob = "willingness_to_pay"

    def default_settings(self) -> list:
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
        wtp = check_wtp(willingness_to_pay)
        scores = score_matrix(test, self.models_)  # first, as before: its error names a score column
        return choose_by_value(wtp, self.models_, cost=cost_matrix(test, self.models_), quality=scores)


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
    random_state : int, default 0
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

    def __init__(self, random_state: int = 0, **renamed):
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)

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
        table = dataset_costs(train, self.models_)
        quality = dataset_means(train, self.models_, "quality").drop(index="*")
        self.vertices_ = {}
        for name in quality.index:
            c, q = table.loc[name].to_numpy(), quality.loc[name].to_numpy()
            hull = NDCH(c, q)
            index = [int(np.flatnonzero((c == hc) & (q == hq))[0]) for hc, hq in zip(hull.cost, hull.quality)]
            self.vertices_[name] = (hull.cost, [self.models_[k] for k in index])
        return self

    def default_settings(self) -> list:
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

    def route(self, test: pd.DataFrame, position: float | None = None) -> np.ndarray:
        """A random mix of two neighbouring hull models per dataset, at the cost position ``position``.

        Parameters
        ----------
        test : DataFrame
            Rows to route; only their ``eval_name`` is read (the Zero router never looks at a prompt).
        position : float, optional
            :math:`t \\in [0, 1]`: 0 the cheapest vertex model (default), 1 the best one.

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
        t = _checks.number(self._knob(position, 0.0), "position")  # text and NaN refused by name
        if not 0.0 <= t <= 1.0:
            raise RouterBenchDataError(f"position: the Zero router takes a position t in [0, 1], got {position!r}")
        dataset = dataset_column(test).to_numpy()
        unknown = sorted(set(dataset) - set(self.vertices_))
        if unknown:
            raise RouterBenchDataError(f"test: datasets {unknown} were not in the training rows")
        draws = np.random.default_rng(self.random_state).random(len(test))
        chosen = np.empty(len(test), dtype=object)
        for name, (cost, names) in self.vertices_.items():
            rows = dataset == name
            target = cost[0] + t * (cost[-1] - cost[0])
            right = int(min(np.searchsorted(cost, target, side="left"), len(cost) - 1))
            left = max(right - 1, 0)
            share = 0.0 if right == left else (target - cost[left]) / (cost[right] - cost[left])
            chosen[rows] = np.where(draws[rows] < share, names[right], names[left])
        return chosen

