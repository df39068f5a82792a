"""routerbench_utils: the helper package of the RouterBench Book.

The book's chapters import everything from here; each function's docstring states its formula and
names the chapter that explains it.
"""
from .catalog import (DATASET_TITLES, DATASETS, MODELS, NO_MODEL_CORRECT, PRICES_PER_MTOK, REAL_ROUTER_FINDINGS,
                      SHORT_NAMES, short_name)
from .data import (DATA_ENV, RepairReport, cost_column, cost_matrix, dataset_column, dataset_of,
                   dataset_summary, load,
                   load_routerbench, long_to_wide, models, official_split, oracle_labels, repair,
                   score_matrix, validate)
from .embedded import calibration_table, embedded_routerbench
from .errors import RouterBenchDataError
from .frontier import (NDCH, budgeted_oracle, dominated_models, interpolate, mixture_weights, model_points, ndch,
                       reprice, simulate_mixture, zero_router)
from .metrics import (aiq, aiq_ci, aiq_table, apgr, bootstrap_aiq, brier_score, cost_to_reach, cpt, ibc_lift,
                      reliability_table, saving_ci, shared_range)
from .routers import (BUDGET_GRID, ERROR_RATES, WTP_GRID, CascadeRouter, ClassifierRouter, KNNRouter, MLPRouter,
                      OracleRouter, Router, SVMRouter, TaskLabelRouter, ZeroRouter, evaluate_routing,
                      routing_outcomes)
from .compare import compare_routers, default_routers, interval_table
from .embed import FrozenEmbedder, MiniLMEmbedder, TfidfSvdEmbedder
from .hygiene import hygiene_report, wide_to_long
from .rag import (DEFAULT_REQUEST_FEES, ONLINE_SERVICES, rag_routerbench, retrieval_pipeline,
                  with_request_fees)
from .claims import claim, data_note, describe_data, is_synthetic, notice
from .subsets import by_dataset, datasets_present, example_dataset, require_datasets
from .latency import add_assumed_latency
from .display import show_table

# Plotting helpers load matplotlib and seaborn, which take seconds: they are imported on first use.
_PLOT_NAMES = ("COST_LABEL", "MODEL_COLORS", "MODEL_MARKERS", "QUALITY_LABEL", "ROUTER_COLORS",
               "cost_quality_plot", "format_cost_axis", "label_points", "model_scatter", "panel_grid",
               "plot_frontier", "router_legend", "use_book_style")


def __getattr__(name: str):
    if name in _PLOT_NAMES:
        from . import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'routerbench_utils' has no attribute {name!r}")


__all__ = [
    "DATASET_TITLES", "DATASETS", "DATA_ENV", "MODELS", "NO_MODEL_CORRECT", "PRICES_PER_MTOK",
    "SHORT_NAMES", "RepairReport", "RouterBenchDataError", "calibration_table", "cost_column",
    "cost_matrix", "dataset_column", "dataset_of", "dataset_summary", "model_points",
    "COST_LABEL", "QUALITY_LABEL", "MODEL_COLORS", "MODEL_MARKERS", "ROUTER_COLORS", "label_points",
    "model_scatter", "short_name", "use_book_style", "NDCH", "interpolate", "ndch", "simulate_mixture",
    "zero_router", "dominated_models", "mixture_weights", "aiq", "aiq_ci", "aiq_table", "bootstrap_aiq", "shared_range", "cost_quality_plot", "format_cost_axis",
    "plot_frontier", "router_legend", "budgeted_oracle", "reprice", "apgr", "cpt", "ibc_lift", "brier_score", "reliability_table", "cost_to_reach", "saving_ci", "BUDGET_GRID", "ERROR_RATES", "WTP_GRID", "CascadeRouter",
    "ClassifierRouter", "KNNRouter", "MLPRouter", "OracleRouter", "Router", "SVMRouter", "TaskLabelRouter", "ZeroRouter",
    "evaluate_routing", "routing_outcomes", "compare_routers", "default_routers", "interval_table", "REAL_ROUTER_FINDINGS", "FrozenEmbedder", "MiniLMEmbedder", "TfidfSvdEmbedder", "hygiene_report", "wide_to_long", "DEFAULT_REQUEST_FEES", "ONLINE_SERVICES",
    "rag_routerbench", "retrieval_pipeline", "with_request_fees", "embedded_routerbench", "load", "load_routerbench",
    "long_to_wide", "models", "official_split", "oracle_labels", "repair", "score_matrix", "validate",
    "claim", "data_note", "describe_data", "is_synthetic", "notice", "by_dataset", "datasets_present",
    "example_dataset", "require_datasets", "add_assumed_latency", "panel_grid", "show_table",
]
__version__ = "0.1.0"
