"""Argument checks shared by the routers, pacers, cascades and metrics, so that every one of them
refuses a NaN, a string or a value out of range with the same kind of message: the argument's name,
what it got, what was expected (a :class:`~routerbench_utils.RouterBenchDataError`)."""
from __future__ import annotations

import numbers

import numpy as np

from .errors import RouterBenchDataError


def number(value, name: str, low: float | None = None, high: float | None = None, low_open: bool = False,
           high_open: bool = False, allow_inf: bool = False) -> float:
    """``value`` as a float, refused (naming ``name``) when it is not a real number, NaN, infinite
    (unless ``allow_inf``) or outside the range ``low``..``high`` (open ends with ``low_open``/``high_open``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise RouterBenchDataError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    x = float(value)
    if np.isnan(x):
        raise RouterBenchDataError(f"{name}: expected a number, got NaN (a missing value or a failed computation "
                                   "upstream?)")
    if np.isinf(x) and not allow_inf:
        raise RouterBenchDataError(f"{name}: expected a finite number, got {x}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{left}, {right}{')' if high_open or high is None else ']'}"
        raise RouterBenchDataError(f"{name}: expected a number in {interval}, got {value!r}")
    return x


def count(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``, refused (naming ``name``) when it is not a whole number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise RouterBenchDataError(f"{name}: expected a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise RouterBenchDataError(f"{name}: expected a whole number >= {minimum}, got {value!r}")
    return int(value)


def seed(value, name: str = "random_state") -> int:
    """``value`` as a seed, an int >= 0, refused (naming ``name``) otherwise; unlike :func:`count`, a
    float such as 4.0 is refused too, as numpy's generators would refuse it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
        raise RouterBenchDataError(f"{name}: expected a whole number >= 0, got {value!r}")
    return int(value)


def enough_prompts(n: int, needed: int, who: str, why: str) -> None:
    """Refuse to fit ``who`` on ``n`` prompts when it needs ``needed`` (``why`` says what for)."""
    if n < needed:
        raise RouterBenchDataError(
            f"{who}: fitted on {n} training prompts; it needs at least {needed} ({why}): give it more "
            "training rows, or use rbu.ZeroRouter / rbu.TaskLabelRouter, which fit on any number")
