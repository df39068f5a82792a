"""The book's line-up of routers, the baseline's label and the interval table (chapter "All routers
compared"); the comparison itself is :mod:`routerbench_utils.evaluation.engine`'s."""
from __future__ import annotations

import numpy as np
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


#: The most decimals :func:`interval_table` prints when it reads them from the uncertainty (and the
#: decimals of an interval of width zero, an exact value).
MOST_DIGITS = 3


def _supported_digits(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Decimals each interval supports (the rule of :func:`interval_table`), vectorised."""
    half = np.abs(np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(half))  # the decimal place of half's first significant digit
        leading = np.floor(half / 10.0 ** exponent)  # that digit, 1 to 9
    places = -exponent + (leading < 3)
    places = np.where(np.isfinite(places) & (half > 0), places, MOST_DIGITS)
    return np.clip(places, 1, MOST_DIGITS).astype(int)


def interval_table(table: pd.DataFrame, value: str = "aiq", low: str = "low", high: str = "high",
                   digits: int | None = None) -> pd.DataFrame:
    """Pivot a ``compare_routers(...)['aiq']`` frame to routers x datasets with ``'est [low, high]'``
    cells, rows and columns in the order they first appear, each cell with the decimals its interval
    supports.

    **Digits from the uncertainty** (``digits=None``). With the half-width :math:`h = (\\text{high} -
    \\text{low}) / 2`, whose first significant digit sits at the decimal place
    :math:`p = -\\lfloor \\log_{10} h \\rfloor`, a cell prints :math:`p` decimals, one more when that
    digit is 1 or 2 (so that :math:`h` keeps two significant digits instead of being rounded by up to
    half its size), never fewer than 1 and never more than 3 (``MOST_DIGITS``). An interval of width
    0 (an exact value, such as the Zero router's difference to itself) prints 3 decimals. The estimate
    and its two ends share the cell's decimals: ``0.768 [0.758, 0.777]`` (:math:`h = 0.0095`, 3
    decimals) but ``0.69 [0.64, 0.76]`` (:math:`h = 0.062`, 2 decimals): a third decimal there would
    claim a precision forty times finer than the interval's. An int ``digits`` prints every cell with
    that many decimals instead.

    Numbers are rounded before printing (a rounded zero prints without a sign). A NaN estimate (e.g. a
    saving the router never reaches) becomes an em dash; a (dataset, router) pair absent from ``table``
    is NaN in the pivot (``rbu.show_table`` shows it as a dash too).

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    table : DataFrame
        Long rows with columns ``dataset``, ``router`` and the three named below, e.g.
        ``compare_routers(...)["aiq"]`` or ``["savings"]``.
    value, low, high : str
        The columns of the estimate and its interval: ``"aiq", "low", "high"`` (default), or e.g.
        ``"vs_zero", "vs_zero_low", "vs_zero_high"`` or ``"saving", "saving_low", "saving_high"``.
    digits : int, optional
        Decimal places of every cell; by default (None) each cell's own, from its interval's width
        (the rule above).

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
    >>> rows = pd.DataFrame({"dataset": ["mmlu", "mbpp", "mbpp", "arc-challenge"],
    ...                      "router": ["KNN k=40", "KNN k=40", "Oracle", "KNN k=40"],
    ...                      "aiq": [0.768, 0.685, 0.889, 0.936], "low": [0.758, 0.640, 0.828, 0.920],
    ...                      "high": [0.777, 0.764, 0.943, 0.953]})
    >>> interval_table(rows).loc["KNN k=40"].tolist()
    ['0.768 [0.758, 0.777]', '0.69 [0.64, 0.76]', '0.936 [0.920, 0.953]']
    >>> interval_table(rows, digits=3).loc["KNN k=40", "mbpp"]
    '0.685 [0.640, 0.764]'

    Wide intervals keep one decimal; an exact value keeps three:

    >>> saving = pd.DataFrame({"dataset": ["mbpp", "gsm8k"], "router": ["Oracle", "Oracle"],
    ...                        "saving": [71.3, 2.0], "low": [49.6, 2.0], "high": [122.9, 2.0]})
    >>> interval_table(saving, "saving").loc["Oracle"].tolist()
    ['71.3 [49.6, 122.9]', '2.000 [2.000, 2.000]']
    """
    places = (_supported_digits(table[low], table[high]) if digits is None
              else np.full(len(table), int(digits)))

    def fixed(x: float, p: int) -> str:
        return f"{round(float(x), p) + 0.0:.{p}f}"  # + 0.0: no '-0.000' on the page

    cells = [MISSING if pd.isna(v) else f"{fixed(v, p)} [{fixed(lo, p)}, {fixed(hi, p)}]"
             for v, lo, hi, p in zip(table[value], table[low], table[high], places)]
    wide = table.assign(cell=cells).pivot(index="router", columns="dataset", values="cell")
    return wide.loc[pd.unique(table["router"]), pd.unique(table["dataset"])]
