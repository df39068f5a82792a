"""interval_table prints each interval with the decimals its width supports (the rule of its docstring),
and an explicit ``digits`` still sets every cell."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils.evaluation.compare import MOST_DIGITS


def _cell(value: float, low: float, high: float, **kwargs) -> str:
    rows = pd.DataFrame({"dataset": ["d"], "router": ["r"], "aiq": [value], "low": [low], "high": [high]})
    return rbu.evaluation.interval_table(rows, **kwargs).iloc[0, 0]


@pytest.mark.parametrize("value, low, high, expected", [
    (0.768, 0.758, 0.777, "0.768 [0.758, 0.777]"),   # h = 0.0095: first digit at the 3rd decimal
    (0.685, 0.640, 0.764, "0.69 [0.64, 0.76]"),      # h = 0.062: 2 decimals
    (0.936, 0.920, 0.953, "0.936 [0.920, 0.953]"),   # h = 0.0165: leading 1, one decimal more
    (0.803, 0.772, 0.830, "0.803 [0.772, 0.830]"),   # h = 0.029: leading 2, one decimal more
    (0.500, 0.100, 0.900, "0.5 [0.1, 0.9]"),         # h = 0.4: 1 decimal
    (0.500, 0.200, 0.500, "0.50 [0.20, 0.50]"),      # h = 0.15: leading 1, 2 decimals
    (34.4, 33.4, 35.2, "34.4 [33.4, 35.2]"),         # h = 0.9: 1 decimal
    (71.3, 49.6, 122.9, "71.3 [49.6, 122.9]"),       # h = 36.6: never fewer than 1 decimal
    (0.50001, 0.50000, 0.50002, "0.500 [0.500, 0.500]"),  # h = 1e-5: never more than 3 decimals
    (0.0, 0.0, 0.0, "0.000 [0.000, 0.000]"),         # width 0: an exact value, 3 decimals
    (-0.0001, -0.004, 0.0, "0.000 [-0.004, 0.000]"),  # a rounded zero without its sign
])
def test_digits_follow_the_interval(value, low, high, expected):
    assert _cell(value, low, high) == expected


def test_explicit_digits_are_honoured():
    assert _cell(0.685, 0.640, 0.764, digits=3) == "0.685 [0.640, 0.764]"
    assert _cell(71.3, 49.6, 122.9, digits=0) == "71 [50, 123]"
    assert _cell(0.768, 0.758, 0.777, digits=1) == "0.8 [0.8, 0.8]"


def test_digits_per_cell_and_missing():
    rows = pd.DataFrame({"dataset": ["a", "b", "a", "b"], "router": ["x", "x", "y", "y"],
                         "aiq": [0.768, 0.685, np.nan, 0.1], "low": [0.758, 0.640, np.nan, 0.1],
                         "high": [0.777, 0.764, np.nan, 0.1]})
    table = rbu.evaluation.interval_table(rows)
    assert table.loc["x"].tolist() == ["0.768 [0.758, 0.777]", "0.69 [0.64, 0.76]"]
    assert table.loc["y"].tolist() == ["\u2014", "0.100 [0.100, 0.100]"]


def test_last_digit_within_the_half_width():
    """On random intervals: the last printed decimal's unit is at most the half-width (no digit the
    interval does not support) and more than a thirtieth of it (no digit dropped that it supports),
    except where the bounds of 1 and MOST_DIGITS decimals apply."""
    rng = np.random.default_rng(0)
    centre = rng.uniform(-1, 50, 400)
    half = 10.0 ** rng.uniform(-5, 2, 400)
    rows = pd.DataFrame({"dataset": np.arange(400).astype(str), "router": "r", "aiq": centre,
                         "low": centre - half, "high": centre + half})
    cells = rbu.evaluation.interval_table(rows).iloc[0]
    places = np.array([len(c.split(" ")[0].split(".")[1]) for c in cells])
    unit = 10.0 ** -places
    fewest, most = places == 1, places == MOST_DIGITS
    assert (unit <= half)[~most].all()  # no unsupported digit (a wide interval still shows 1)
    assert (unit > half / 30)[~fewest].all()  # no supported digit dropped (up to MOST_DIGITS)
    assert {1, 2, 3} <= set(places)
