"""Assumed per-model latency, for files and generated data alike (chapter "The cost-quality
plane").

RouterBench records no latency. The book's latency sections therefore use *assumed* serving speeds:
seconds to first token plus response tokens over tokens per second, with log-normal jitter on the first
token. The embedded generator knows its response token counts; for a real file they are estimated from
the response text (about four characters per token).
"""
from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from ._deprecated import renamed_keywords
from .catalog import MODELS
from .data.schema import LATENCY_SUFFIX, RESPONSE_SUFFIX, models
from .errors import RouterBenchDataError

#: Assumed serving speed per model, (seconds to first token, output tokens per second): plausible
#: figures for hosted APIs of the time, not measurements.
LATENCY_ASSUMPTIONS = MappingProxyType(dict(zip(MODELS, (
    (0.9, 30.0), (0.5, 80.0), (1.1, 35.0), (1.0, 40.0), (0.5, 90.0), (0.7, 35.0),
    (0.4, 60.0), (0.6, 40.0), (0.4, 70.0), (0.6, 45.0), (0.3, 100.0)))))
#: Characters per token used to estimate response lengths from text.
CHARS_PER_TOKEN = 4.0


def latency_seconds(out_tokens: np.ndarray, model_names: list[str], rng: np.random.Generator) -> np.ndarray:
    """Assumed latency (seconds), shape (prompts, models): ``first * jitter + out_tokens / speed``.

    .. math:: L_{im} = f_m\\, J_{im} + \\frac{T_{im}}{v_m}, \\qquad
        \\log J_{im} \\sim N(0, 0.2^2),

    with :math:`f_m` the seconds to first token and :math:`v_m` the output tokens per second of model
    :math:`m` (:data:`routerbench_utils.latency.LATENCY_ASSUMPTIONS`: assumptions, not measurements),
    :math:`T_{im}` the response tokens and :math:`J_{im}` the jitter, drawn from ``rng``.

    See the chapter :ref:`chap-plane` ("The cost-quality plane", latency).

    Parameters
    ----------
    out_tokens : ndarray of shape (prompts, models)
        Response tokens :math:`T_{im}`.
    model_names : list of str
        The models of the columns.
    rng : numpy.random.Generator
        Source of the jitter (one draw per entry).

    Returns
    -------
    ndarray of shape (prompts, models)
        Seconds per query.

    Raises
    ------
    RouterBenchDataError
        Naming the models of ``model_names`` that have no assumed serving speed.
    """
    unknown = [m for m in model_names if m not in LATENCY_ASSUMPTIONS]
    if unknown:
        raise RouterBenchDataError(
            f"latency: no assumed serving speed for models {unknown}; expected models of "
            f"LATENCY_ASSUMPTIONS ({len(LATENCY_ASSUMPTIONS)} RouterBench models), or bring your own "
            "'<model>|latency' columns")
    first, speed = np.array([LATENCY_ASSUMPTIONS[m] for m in model_names]).T
    jitter = rng.lognormal(0.0, 0.2, size=np.shape(out_tokens))
    return first * jitter + np.asarray(out_tokens, dtype=float) / speed


@renamed_keywords(seed="random_state")
def add_assumed_latency(df: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """Return a copy of a wide frame with an assumed ``<model>|latency`` column per model.

    Response tokens are estimated from each ``<model>|model_response`` as
    :math:`T_{im} = \\max(1, \\mathrm{round}(\\mathrm{len}(r_{im}) / 4))` characters per token (a
    missing response counts as empty), then :func:`routerbench_utils.latency.latency_seconds` gives
    the seconds. Latency columns the frame already has are kept as they are.

    See the chapter :ref:`chap-plane` ("The cost-quality plane", latency).

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    random_state : int, default 0
        Seed of the jitter. ``seed=`` still works for one release, with a
        :class:`DeprecationWarning`.

    Returns
    -------
    DataFrame
        A copy of ``df`` with a ``<model>|latency`` column (seconds) for every model.

    Raises
    ------
    RouterBenchDataError
        If a model lacking a latency column also lacks a ``|model_response`` column, or has no assumed
        serving speed (a model outside RouterBench's eleven).
    """
    names = [m for m in models(df) if m + LATENCY_SUFFIX not in df.columns]
    if not names:
        return df.copy()
    no_text = [m for m in names if m + RESPONSE_SUFFIX not in df.columns]
    if no_text:
        raise RouterBenchDataError(
            f"latency: models {no_text} have neither a '|latency' nor a '|model_response' column; "
            "expected one of them to estimate latency")
    lengths = np.column_stack([df[m + RESPONSE_SUFFIX].fillna("").astype(str).str.len().to_numpy()
                               for m in names])
    tokens = np.maximum(1.0, np.rint(lengths / CHARS_PER_TOKEN))
    seconds = latency_seconds(tokens, names, np.random.default_rng([int(random_state), 7]))
    out = df.copy()
    for j, m in enumerate(names):
        out[m + LATENCY_SUFFIX] = seconds[:, j]
    return out
