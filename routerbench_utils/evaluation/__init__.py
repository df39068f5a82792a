"""Evaluation: compare routers on the cost-quality plane, with paired bootstrap intervals, and the
metric tables of the routing-collapse chapter (chapters "All routers compared" and "Routing collapse,
the plateau, and metrics that disagree").

Reach the names here as ``rbu.evaluation.<name>``:

- :mod:`.engine`: the one engine: every comparison as one tidy table of estimates with paired
  bootstrap intervals (``paired_estimates``, ``evaluate_routers``, ``metric_estimates``), and the
  chapters' wide forms of it (``compare_routers``);
- :mod:`.compare`: the book's line-up of routers and the interval table (``default_routers``,
  ``interval_table``);
- :mod:`.learning`: learning curves of an online router (``regret_curves``, ``aiq_learning_curve``,
  ``learning_estimates``);
- :mod:`.judge_draws`: a cascade in expectation over its judge's errors (``expected_cascade_outcomes``,
  ``ExpectedCascadeRouter``);
- :mod:`.draws`: any random router averaged over many seeded draws, with the Monte Carlo error
  (``MeanOverDrawsRouter``, ``aiq_over_draws``);
- :mod:`.collapse`: sweeps of a router's knob, call shares, the wide metric table (``metric_table``,
  ``metric_pivot`` of ``metric_estimates``) and the metrics' rank agreement.
"""
from .collapse import (Sweep, best_model_per_dataset, best_within_budget, call_shares, correct_overlap,
                       headroom_recovered, metric_label, metric_pivot, metric_ranks, metric_table,
                       rank_correlations, sweep, two_model_pair)
from .compare import TEST_HULL, default_routers, interval_table
from .draws import DrawEstimate, MeanOverDrawsRouter, aiq_over_draws
from .judge_draws import ExpectedCascadeRouter, expected_cascade_outcomes
from .engine import (COLUMNS, METRICS, compare_on_plane, compare_routers, evaluate_routers, metric_estimates,
                     paired_estimates, paired_samples, resampling)
from .learning import aiq_learning_curve, learning_estimates, regret_curves

__all__ = ["COLUMNS", "DrawEstimate", "ExpectedCascadeRouter", "MeanOverDrawsRouter", "Sweep", "TEST_HULL",
           "aiq_learning_curve", "aiq_over_draws",
           "best_model_per_dataset", "best_within_budget", "call_shares", "compare_on_plane",
           "compare_routers", "correct_overlap", "default_routers", "evaluate_routers",
           "expected_cascade_outcomes", "headroom_recovered", "interval_table", "learning_estimates",
           "METRICS", "metric_estimates", "metric_label", "metric_pivot", "metric_ranks", "metric_table",
           "paired_estimates", "paired_samples", "rank_correlations", "regret_curves", "resampling", "sweep",
           "two_model_pair"]
