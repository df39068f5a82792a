"""The book's line-up of routers, the baseline's label and the interval table (chapter "All routers
compared"); the comparison itself is :mod:`routerbench_utils.evaluation.engine`'s."""
from __future__ import annotations

import pandas as pd

from .._deprecated import renamed_keywords
from ..routers import (CascadeRouter, ClassifierRouter, KNNRouter, MLPRouter, OracleRouter, Router, SVMRouter,
                      ZeroRouter)


#: The label of the comparison's baseline: the Zero router as the hull of the models' own test
#: points (the routed Zero router, ``ZeroRouter``, learns its hull on the training rows instead).
TEST_HULL = "Zero (test hull)"
#: What a missing value looks like in a printed table (an em dash).
MISSING = "\u2014"


@renamed_keywords(seed="random_state")
def default_routers(random_state: int = 0) -> dict[str, Router]:
    """The book's line-up of routers, unfitted: the Oracle, the routed Zero router, KNN (k = 5, 10, 40),
    two MLPs, a linear SVM, three cascades (judge error 0, 0.05, 0.2) and the GPT-4-vs-Mixtral classifier.

    :func:`routerbench_utils.compare_routers` uses it when given no routers, and clones each router per
    dataset, so the same dictionary can be passed to several comparisons.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    random_state : int, default 0
        The ``random_state`` of every router (random mixes, embeddings, network weights, judge errors).

    Returns
    -------
    dict of str to Router
        Display name (e.g. ``"KNN k=40"``, ``"Cascade e=0.05"``) -> unfitted router, in the order of the
        tables.
    """
    return {
        "Oracle": OracleRouter(),
        "Zero (routed)": ZeroRouter(random_state=random_state),
        "KNN k=5": KNNRouter(5, random_state=random_state),
        "KNN k=10": KNNRouter(10, random_state=random_state),
        "KNN k=40": KNNRouter(40, random_state=random_state),
        "MLP (100)": MLPRouter((100,), random_state=random_state),
        "MLP (100, 100)": MLPRouter((100, 100), random_state=random_state),
        "SVM (linear)": SVMRouter(random_state=random_state),
        "Cascade e=0": CascadeRouter(0.0, random_state=random_state),
        "Cascade e=0.05": CascadeRouter(0.05, random_state=random_state),
        "Cascade e=0.2": CascadeRouter(0.2, random_state=random_state),
        "Classifier (GPT-4 vs Mixtral)": ClassifierRouter(random_state=random_state),
    }


def interval_table(table: pd.DataFrame, value: str = "aiq", low: str = "low", high: str = "high",
                   digits: int = 3) -> pd.DataFrame:
    """Pivot a ``compare_routers(...)['aiq']`` frame to routers x datasets with ``'est [low, high]'``
    cells, rows and columns in the order they first appear.

    Numbers are rounded to ``digits`` places (a rounded zero prints without a sign). A NaN estimate
    (e.g. a saving the router never reaches) becomes an em dash; a (dataset, router)
    pair absent from ``table`` is NaN in the pivot (``rbu.show_table`` shows it as a dash too).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    table : DataFrame
        Long rows with columns ``dataset``, ``router`` and the three named below, e.g.
        ``compare_routers(...)["aiq"]`` or ``["savings"]``.
    value, low, high : str
        The columns of the estimate and its interval: ``"aiq", "low", "high"`` (default), or e.g.
        ``"vs_zero", "vs_zero_low", "vs_zero_high"`` or ``"saving", "saving_low", "saving_high"``.
    digits : int, default 3
        Decimal places.

    Returns
    -------
    DataFrame
        One row per router, one column per dataset, string cells ``"0.712 [0.701, 0.724]"``.

    Raises
    ------
    KeyError
        If ``table`` lacks one of the columns ``dataset``, ``router``, ``value``, ``low``, ``high``.
    ValueError
        If ``table`` holds two rows for one (dataset, router) pair (pandas cannot pivot them).

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": ["mbpp"], "router": ["KNN k=40"], "aiq": [0.5],
    ...                      "low": [0.45], "high": [0.55]})
    >>> interval_table(rows).loc["KNN k=40", "mbpp"]
    '0.500 [0.450, 0.550]'
    """
    def fixed(x: float) -> str:
        return f"{round(float(x), digits) + 0.0:.{digits}f}"  # + 0.0: no '-0.000' on the page

    cells = [MISSING if pd.isna(v) else f"{fixed(v)} [{fixed(lo)}, {fixed(hi)}]"
             for v, lo, hi in zip(table[value], table[low], table[high])]
    wide = table.assign(cell=cells).pivot(index="router", columns="dataset", values="cell")
    return wide.loc[pd.unique(table["router"]), pd.unique(table["dataset"])]
