"""RouterBench data in its wide form: the schema, and the helpers that read, repair, convert and split it.

Reach the names here as ``rbu.data.<name>``; each lives in a submodule with one job:

- :mod:`.schema`: column names, the accessors that read a frame (``models``, ``score_matrix``,
  ``cost_matrix``, ``dataset_column``, ``cost_column``), prompt keys (``(eval_name, sample_id)``) and
  ``validate``, which checks every column and rule and lists every problem at once;
- :mod:`.oracle`: the Oracle's choice per prompt (``oracle_choice``, ``oracle_labels``) and its point per
  dataset (``oracle_points``);
- :mod:`.repair`: the quirks of the official files (``repair``, ``RepairReport``, ``turns_to_text``);
- :mod:`.problems`: every problem of one input collected and raised as one error (``Problems``);
- :mod:`.reading`: reading an official file, wide or long, naming what is wrong with a file that cannot
  be read (``load_routerbench``, ``DATA_ENV``);
- :mod:`.longformat`: a long-format table (the RouterBench raw file, one row per sample and model)
  pivoted to the wide frame with the same repairs (``long_table_to_wide``);
- :mod:`.convert`: long routing logs to the wide frame and back (``long_to_wide``, ``wide_to_long``);
- :mod:`.split`: the official train/test split (``official_split``);
- :mod:`.summary`: one row per dataset (``dataset_summary``).

:func:`routerbench_utils.load`, which falls back to the embedded synthetic data, lives in
:mod:`routerbench_utils.loading`, since the generator builds on this package. Nothing here imports
from outside ``data`` but :mod:`routerbench_utils.catalog` and :mod:`routerbench_utils.errors`.
"""
from .convert import long_to_wide, wide_to_long
from .oracle import oracle_choice, oracle_labels, oracle_points
from .reading import DATA_ENV, load_routerbench
from .repair import RepairReport, repair, turns_to_text
from .schema import (COST_SUFFIX, EVAL_NAME, ID, LATENCY_SUFFIX, ORACLE, PROMPT, RESPONSE_SUFFIX,
                     check_model_columns, check_model_values, cost_column, cost_matrix, dataset_column,
                     models, score_matrix, validate)
from .split import official_split
from .summary import dataset_summary

__all__ = [
    "COST_SUFFIX", "DATA_ENV", "EVAL_NAME", "ID", "LATENCY_SUFFIX", "ORACLE", "PROMPT", "RESPONSE_SUFFIX",
    "RepairReport", "check_model_columns", "check_model_values", "cost_column", "cost_matrix",
    "dataset_column", "dataset_summary", "load_routerbench", "long_to_wide", "models", "oracle_choice",
    "oracle_labels", "oracle_points", "official_split", "repair", "score_matrix", "turns_to_text", "validate",
    "wide_to_long",
]
