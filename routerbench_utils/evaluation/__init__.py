"""Evaluation: compare routers on the cost-quality plane, with paired bootstrap intervals, and the
metric tables of the routing-collapse chapter (chapters "All routers compared" and "Routing collapse,
the plateau, and metrics that disagree").

Reach the names here as ``rbu.evaluation.<name>``:

- :mod:`.compare`: every router of the book on one split (``compare_routers``, ``default_routers``,
  ``interval_table``);
- :mod:`.collapse`: sweeps of a router's knob, call shares, metric tables and their rank agreement.
"""
from .collapse import (Sweep, best_model_per_dataset, best_within_budget, call_shares, correct_overlap,
                       headroom_recovered, metric_ranks, metric_table, rank_correlations, sweep, two_model_pair)
from .compare import TEST_HULL, compare_routers, default_routers, interval_table

__all__ = ["Sweep", "TEST_HULL", "best_model_per_dataset", "best_within_budget", "call_shares",
           "compare_routers", "correct_overlap", "default_routers", "headroom_recovered", "interval_table",
           "metric_ranks", "metric_table", "rank_correlations", "sweep", "two_model_pair"]
