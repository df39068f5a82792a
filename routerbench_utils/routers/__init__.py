"""Routers: one module per family, one protocol (chapters "The Oracle" to "All routers compared").

Every router is a scikit-learn estimator (parameters stored unchanged, ``sklearn.base.clone`` works,
fitted state ends in ``_``) that answers ``fit(train)``, ``route(test, <knob>)`` (one model name per
row) and ``curve(test)`` (one point per setting of its knob). Reach the names here as
``rbu.routers.<name>``:

- :mod:`.base`: the :class:`Router` protocol, the knob grids, the value rule and routing outcomes;
- :mod:`.baselines`: the Oracle and the Zero router;
- :mod:`.predictive`: KNN, MLP, SVM, task-label and two-model classifier routers;
- :mod:`.cascades`: the cascade with a judge and a budget;
- :mod:`.online`: LinUCB learning from a stream, and the budget pacer;
- :mod:`.cascade_routing`: cascade routing (routing and cascading in one rule);
- :mod:`.neighbours`: the cosine nearest-neighbour search behind the KNN router.
"""
from .base import (BUDGET_GRID, ERROR_RATES, WTP_GRID, Router, Sweep, choose_by_value, evaluate_routing,
                   routing_outcomes, single_model_outcomes)
from .baselines import OracleRouter, ZeroRouter
from .cascade_routing import CascadeRoutingRouter
from .cascades import CascadeRouter
from .online import BudgetPacer, LinUCBRouter
from .predictive import ClassifierRouter, KNNRouter, MLPRouter, SVMRouter, TaskLabelRouter, out_of_fold_quality

__all__ = ["BUDGET_GRID", "BudgetPacer", "CascadeRouter", "CascadeRoutingRouter", "ClassifierRouter",
           "ERROR_RATES", "KNNRouter", "LinUCBRouter", "MLPRouter", "OracleRouter", "Router", "SVMRouter",
           "Sweep", "TaskLabelRouter", "WTP_GRID", "ZeroRouter", "choose_by_value", "evaluate_routing", "out_of_fold_quality",
           "routing_outcomes", "single_model_outcomes"]
