"""One word per concept: the parameter names of the package's public signatures.

A test (``tests/test_parameter_names.py``) walks every public function, method and class of the package
and checks its parameters against this page: no retired name, cost before quality, a budget that says
its unit. The book's glossary (chapter "Glossary") defines the ideas; this page fixes their names.

- ``random_state``: the seed of every random draw (an ``int``; never ``seed``);
- ``cost``: USD per prompt (a matrix: prompts x models, or settings x prompts); it comes *before*
  ``quality`` in every argument list;
- ``quality``: a score in [0, 1] (same shapes as ``cost``);
- ``willingness_to_pay``: :math:`\\lambda \\ge 0`, USD a router pays for one unit of quality; the knob of
  the Oracle, the predictive, online and cascade-routing routers;
- ``settings``: the values of a router's knob that ``curve``, ``sweep`` and ``outcomes`` go through
  (never ``params``: scikit-learn's ``get_params`` means the router's hyper-parameters);
- ``budget_per_prompt``: a budget in USD per prompt (the online router's pacing,
  ``best_within_budget``); ``total_budget``: a budget in USD for a whole stream;
- ``threshold``: the two-model classifier's knob, the predicted chance that the strong model is needed;
- ``error_rate``: how often a cascade's judge is wrong;
- ``n_boot``: bootstrap resamples of the prompts; ``level``: the coverage of an interval (0.95);
- ``n_draws``: seeded draws of a random router's noise averaged over
  (:class:`~routerbench_utils.evaluation.MeanOverDrawsRouter`);
- ``c_min``, ``c_max``: the cost range of an AIQ, USD per prompt.

Regret has one name per kind (the columns of :func:`routerbench_utils.evaluation.regret_curves` and the
metric of :func:`routerbench_utils.evaluation.metric_table`):

- ``oracle``: cumulative regret against the Oracle, the best score on every prompt at any cost;
- ``best_fixed``: against the best single model at the same spend;
- ``zero``: against the Zero router (the best mix of models) at the same spend;
- ``regret`` (one number per router, the collapse chapter): the Oracle's quality minus the router's
  best quality, how far below the Oracle it tops out.

See the chapter :ref:`chap-api` (API reference).
"""
from __future__ import annotations

from types import MappingProxyType

#: Parameter name -> its meaning, for the names the table above fixes.
PARAMETERS = MappingProxyType({
    "random_state": "the seed of every random draw",
    "cost": "USD per prompt; before quality in every argument list",
    "quality": "a score in [0, 1]",
    "willingness_to_pay": "USD a router pays for one unit of quality",
    "settings": "the values of a router's knob that curve, sweep and outcomes go through",
    "budget_per_prompt": "a budget in USD per prompt",
    "total_budget": "a budget in USD for a whole stream",
    "threshold": "the two-model classifier's knob",
    "error_rate": "how often a cascade's judge is wrong",
    "n_boot": "bootstrap resamples of the prompts",
    "n_draws": "seeded draws of a random router's noise averaged over",
    "level": "the coverage of an interval",
})

#: Retired name -> the name that replaces it. The old keyword still works for one release, with a
#: DeprecationWarning; in a signature it may only appear keyword-only, defaulting to None.
RETIRED = MappingProxyType({
    "seed": "random_state",
    "params": "settings",
    "budget": "budget_per_prompt or total_budget",
})

#: Names that carry a cost and names that carry a quality: where both appear, cost comes first.
COST_NAMES = ("cost", "costs", "model_cost", "cost_a")
QUALITY_NAMES = ("quality", "scores", "model_quality", "quality_a")

#: (qualified name, parameter) -> why it keeps an old name or order for now. Each is a known debt,
#: written down rather than hidden; the signature test fails on any other.
EXCEPTIONS = MappingProxyType({
})
