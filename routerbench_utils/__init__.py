"""routerbench_utils: the helper package of the RouterBench Book.

The top level holds the names a chapter or an analysis reaches for first, grouped as on the book's
API reference page; everything else is reached through its module (``rbu.metrics.apgr``,
``rbu.frontier.budgeted_oracle``, ``rbu.plots.ROUTER_COLORS``). Each public function's docstring
states its formula and names the chapter that explains it.
"""
# Every layer, so that ``rbu.<module>.<name>`` works after ``import routerbench_utils as rbu``: data ->
# frontier and metrics -> routers -> evaluation. Not loaded here: ``plots`` (matplotlib and seaborn take
# seconds to import), the book's page helpers ``book`` (the library never imports them) and the stubs
# left at the old module paths; ``__getattr__`` loads each on first use.
from . import (catalog, data, embed, embedded, errors, evaluation, frontier, hygiene, largelog, latency, loading,
               metrics, rag, routers, subsets)

# Data: read, generate, split and reshape RouterBench-format data.
from .loading import load
from .data import cost_matrix, long_to_wide, models, official_split, score_matrix
from .embedded import embedded_routerbench
from .subsets import by_dataset, dataset_rows, dataset_title, datasets_present, example_dataset
from .errors import RouterBenchDataError
from .catalog import DATASET_TITLES, short_name

# Frontier and metrics: points on the cost-quality plane, the hull, AIQ and savings.
from .frontier import interpolate, model_points, ndch, zero_router_curve
from .metrics import aiq, aiq_table, bootstrap_aiq, cost_to_reach, saving_ci, shared_range

# Routers: scikit-learn estimators that send each prompt to one model.
from .routers import (CascadeRouter, CascadeRoutingRouter, KNNRouter, LinUCBRouter, MLPRouter, OracleRouter, Router,
                      SVMRouter, Sweep, TaskLabelRouter, ZeroRouter, evaluate_routing)

# Evaluation: compare routers with paired bootstrap intervals, as one tidy table or the chapters' wide one.
from .evaluation import compare_routers, evaluate_routers

# Plotting: loaded on first use (matplotlib and seaborn take seconds to import).
_PLOT_NAMES = ("cost_quality_plot", "model_scatter", "panel_grid", "plot_frontier", "use_book_style")


#: Modules loaded on first use: the figures, the book's page helpers, and the stubs at old module paths.
_LAZY_MODULES = ("plots", "book", "online", "cascade_routing", "neighbours", "compare", "collapse", "claims",
                 "display")
#: Page helpers that used to sit in the top level, now in :mod:`routerbench_utils.book`.
_MOVED_TO_BOOK = ("claim", "notice", "data_note", "show_table")


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _PLOT_NAMES:
        return getattr(importlib.import_module(".plots", __name__), name)
    if name in _MOVED_TO_BOOK:
        from ._deprecated import warn_moved

        warn_moved(f"routerbench_utils.{name}", f"routerbench_utils.book.{name}")
        return getattr(importlib.import_module(".book", __name__), name)
    raise AttributeError(
        f"module 'routerbench_utils' has no attribute {name!r}; names outside the curated top level are "
        f"reached through their module, e.g. rbu.metrics.apgr (see the API reference page)")


#: The curated public API, grouped as on the API reference page.
API_GROUPS = {
    "Data": ["load", "embedded_routerbench", "official_split", "long_to_wide", "models", "score_matrix",
             "cost_matrix", "datasets_present", "by_dataset", "dataset_rows", "example_dataset", "dataset_title",
             "short_name",
             "DATASET_TITLES", "RouterBenchDataError"],
    "Frontier and metrics": ["model_points", "ndch", "interpolate", "zero_router_curve", "aiq", "aiq_table",
                             "shared_range", "bootstrap_aiq", "cost_to_reach", "saving_ci"],
    "Routers": ["Router", "ZeroRouter", "OracleRouter", "KNNRouter", "MLPRouter", "SVMRouter",
                "CascadeRouter", "TaskLabelRouter", "LinUCBRouter", "CascadeRoutingRouter", "Sweep",
                "evaluate_routing"],
    "Evaluation": ["evaluate_routers", "compare_routers"],
    "Plotting": list(_PLOT_NAMES),
}
__all__ = [name for group in API_GROUPS.values() for name in group]
__version__ = "0.1.0"
