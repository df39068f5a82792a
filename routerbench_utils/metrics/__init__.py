"""Metrics of a router's cost-quality curve: AIQ and its intervals, other papers' metrics, calibration.

Reach the names here as ``rbu.metrics.<name>``; each lives in a submodule with one job:

- :mod:`.aiq`: AIQ on one curve or a table of curves, the shared cost range, the cost to reach a quality;
- :mod:`.bootstrap`: the paired bootstrap over prompts (``resample_weights``, ``bootstrap_aiq``,
  ``aiq_ci``, ``interval``, ``saving_ci``); :mod:`routerbench_utils.evaluation` builds on it;
- :mod:`.apgr`: RouteLLM's APGR and CPT, AutoMix's IBC lift on the two-model axis;
- :mod:`.calibration`: the Brier score, the reliability table and the isotonic recalibration of
  predicted scores.

This layer reads only :mod:`routerbench_utils.frontier` and :mod:`routerbench_utils.errors`.
"""
from .aiq import VARIANTS, aiq, aiq_table, cost_to_reach, shared_range
from .apgr import APGR_CURVES, apgr, cpt, ibc_lift
from .bootstrap import aiq_ci, bootstrap_aiq, interval, resample_weights, saving_ci
from .calibration import brier_score, recalibrate, reliability_table

__all__ = ["APGR_CURVES", "VARIANTS", "aiq", "aiq_ci", "aiq_table", "apgr", "bootstrap_aiq", "brier_score",
           "cost_to_reach", "cpt", "ibc_lift", "interval", "recalibrate", "reliability_table", "resample_weights",
           "saving_ci", "shared_range"]
