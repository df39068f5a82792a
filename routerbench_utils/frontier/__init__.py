"""The cost-quality plane: points of models, mixing, the non-decreasing convex hull, the budgeted Oracle.

Reach the names here as ``rbu.frontier.<name>``; each lives in a submodule with one job:

- :mod:`.points`: one point per model (``model_points``) and checked cost/quality arrays (``as_points``);
- :mod:`.mixing`: the line between two models and mixtures (``interpolate``, ``simulate_mixture``,
  ``mixture_weights``);
- :mod:`.hull`: the non-decreasing convex hull (``NDCH``, ``ndch``), the Zero router's frontier
  (``zero_router_curve``) and dominated models;
- :mod:`.oracle`: the budgeted Oracle and repricing (``budgeted_oracle``, ``reprice``).

This layer reads only :mod:`routerbench_utils.data` and :mod:`routerbench_utils.errors`.
"""
from .hull import NDCH, dominated_models, ndch, zero_router_curve
from .mixing import interpolate, mixture_weights, simulate_mixture
from .oracle import budgeted_oracle, reprice
from .points import as_points, check_costs, model_points

__all__ = ["NDCH", "as_points", "budgeted_oracle", "check_costs", "dominated_models", "interpolate",
           "mixture_weights", "model_points", "ndch", "reprice", "simulate_mixture", "zero_router_curve"]
