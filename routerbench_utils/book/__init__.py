"""The book's page helpers: claim checks, data notes, notices and tables for the page.

These serve the pages of the RouterBench Book, not an analysis: a chapter states a result in prose and
checks it on the data it ran on (:func:`claim`; :func:`conclude` where a summary states it), opens with a note naming the data (:func:`data_note`),
says that a section needs something the data lack (:func:`notice`; an exercise the data cannot pose,
:func:`skip_exercise`, is then stated nowhere on the page) and shows tables with short names
and fixed digits (:func:`show_table`). The library never imports this sub-package (a test checks
that); chapters reach it as::

    from routerbench_utils import book as page
    page.claim(holds, "the sentence", "what the data show")

Set ``$RBU_CLAIMS_LOG`` to a file path to collect every checked claim (the book's build does).
"""
from .claims import (CLAIMS_LOG_ENV, ClaimResult, Note, claim, conclude, data_note, describe_data, is_synthetic,
                     notice)
from .display import show_table
from .exercises import drop_skipped_exercises, skip_exercise
from .glue import glue

__all__ = ["CLAIMS_LOG_ENV", "ClaimResult", "Note", "claim", "conclude", "data_note", "describe_data",
           "drop_skipped_exercises", "glue", "is_synthetic", "notice", "show_table", "skip_exercise"]
