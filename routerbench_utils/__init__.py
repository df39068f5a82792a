"""routerbench_utils: the helper package of the RouterBench Book.

The top level holds the names a chapter or an analysis reaches for first, grouped as on the book's
API reference page; everything else is reached through its module (``rbu.metrics.apgr``,
``rbu.frontier.budgeted_oracle``, ``rbu.plots.ROUTER_COLORS``). Each public function's docstring
states its formula and names the chapter that explains it.
"""
# Every module, so that ``rbu.<module>.<name>`` works after ``import routerbench_utils as rbu``
# (plots excepted: it loads matplotlib and seaborn, so it is imported on first use, see __getattr__).
from . import (catalog, claims, compare, data, display, embed, embedded, errors, frontier, hygiene, latency,
               largelog, loading, metrics, neighbours, rag, routers, subsets)
from . import cascade_routing
from . import online
from . import collapse

# Data: read, generate, split and reshape RouterBench-format data.
from .loading import load
from .data import cost_matrix, long_to_wide, models, official_split, score_matrix
from .embedded import embedded_routerbench
from .subsets import by_dataset, datasets_present, example_dataset
from .errors import RouterBenchDataError
from .catalog import DATASET_TITLES, short_name

# Frontier and metrics: points on the cost-quality plane, the hull, AIQ and savings.
from .frontier import interpolate, model_points, ndch, zero_router_curve
from .metrics import aiq, aiq_table, bootstrap_aiq, cost_to_reach, saving_ci, shared_range

# Routers: scikit-learn estimators that send each prompt to one model.
from .routers import (CascadeRouter, KNNRouter, MLPRouter, OracleRouter, Router, SVMRouter, TaskLabelRouter,
                      ZeroRouter, evaluate_routing)

# Evaluation: compare routers and state results that are checked on the data at hand.
from .compare import compare_routers
from .claims import claim, data_note, notice
from .display import show_table

# Plotting: loaded on first use (matplotlib and seaborn take seconds to import).
_PLOT_NAMES = ("cost_quality_plot", "model_scatter", "panel_grid", "plot_frontier", "use_book_style")


def __getattr__(name: str):
    if name == "plots" or name in _PLOT_NAMES:
        import importlib

        plots = importlib.import_module(".plots", __name__)
        return plots if name == "plots" else getattr(plots, name)
    raise AttributeError(
        f"module 'routerbench_utils' has no attribute {name!r}; names outside the curated top level are "
        f"reached through their module, e.g. rbu.metrics.apgr (see the API reference page)")


#: The curated public API, grouped as on the API reference page.
API_GROUPS = {
    "Data": ["load", "embedded_routerbench", "official_split", "long_to_wide", "models", "score_matrix",
             "cost_matrix", "datasets_present", "by_dataset", "example_dataset", "short_name",
             "DATASET_TITLES", "RouterBenchDataError"],
    "Frontier and metrics": ["model_points", "ndch", "interpolate", "zero_router_curve", "aiq", "aiq_table",
                             "shared_range", "bootstrap_aiq", "cost_to_reach", "saving_ci"],
    "Routers": ["Router", "ZeroRouter", "OracleRouter", "KNNRouter", "MLPRouter", "SVMRouter",
                "CascadeRouter", "TaskLabelRouter", "evaluate_routing"],
    "Evaluation": ["compare_routers", "claim", "notice", "data_note", "show_table"],
    "Plotting": list(_PLOT_NAMES),
}
__all__ = [name for group in API_GROUPS.values() for name in group]
__version__ = "0.1.0"
