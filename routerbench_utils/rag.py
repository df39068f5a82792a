"""The paper's retrieval-augmented (RAG) experiment, rebuilt on embedded data (chapter "Routing in a
compound AI system").

Questions that need current knowledge are answered by the 11 offline LLMs and by online
retrieval-augmented services that charge a fee per request on top of tokens. The generator makes the
mechanism explicit: prompts about events after the offline models' training cut-off are answered well
only by the online services, the rest by offline models as usual, and the prompt text reveals which
kind a prompt is (dates, "latest", named recent events). Prices and fees of the services are
assumptions, labelled as such.
"""
from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from ._deprecated import renamed_keywords
from .catalog import MODELS, PRICES_PER_MTOK, SCORE_TARGETS
from .data import ID, check_model_values, cost_column, models, oracle_labels, validate
from .embedded import solve_offsets
from .errors import RouterBenchDataError

#: The online retrieval-augmented services (the RouterBench code prices You.com's RAG endpoint and
#: Perplexity's sonar-small-online and sonar-medium-online).
ONLINE_SERVICES: tuple[str, ...] = ("you.com/rag", "perplexity/sonar-small-online",
                                    "perplexity/sonar-medium-online")
#: Assumed token prices of the services, USD per million tokens (input, output).
ONLINE_PRICES_PER_MTOK = MappingProxyType({
    "you.com/rag": (0.0, 0.0), "perplexity/sonar-small-online": (0.2, 0.2),
    "perplexity/sonar-medium-online": (0.6, 1.8)})
#: Assumed fee per request, USD (retrieval is billed per call, not per token).
DEFAULT_REQUEST_FEES = MappingProxyType({
    "you.com/rag": 0.008, "perplexity/sonar-small-online": 0.005, "perplexity/sonar-medium-online": 0.005})

# Mean score targets (assumptions): offline models keep their MMLU-like skill on evergreen questions and
# mostly fail after their cut-off; online services are good on both, best on recent events.
_OFFLINE_EVERGREEN = {m: min(0.95, SCORE_TARGETS["mmlu"][m] + 0.05) for m in MODELS}
_OFFLINE_RECENT = {m: 0.12 if m == "gpt-4-1106-preview" else 0.06 for m in MODELS}
_ONLINE = {"you.com/rag": (0.74, 0.80), "perplexity/sonar-small-online": (0.70, 0.76),
           "perplexity/sonar-medium-online": (0.80, 0.86)}  # (evergreen, recent)

_RECENT_EVENTS = ["the 2024 Paris Olympics", "the latest smartphone launch", "this week's central bank decision",
                  "yesterday's election results", "the newest Mars mission", "the 2024 chess championship",
                  "last month's stock market rally", "the latest climate summit"]
_RECENT_ASKS = ["Who won", "What happened at", "What is the latest news about", "What was announced at",
                "Summarise today's reports on"]
_EVERGREEN = ["the boiling point of water", "the author of Pride and Prejudice", "the capital of Australia",
              "how photosynthesis works", "the speed of light", "the causes of the First World War",
              "the largest planet", "how vaccines train the immune system", "the Pythagorean theorem",
              "the longest river in Africa"]
_EVERGREEN_ASKS = ["Explain", "Describe", "Tell me about", "Give an overview of"]


def with_request_fees(df: pd.DataFrame, fees: dict[str, float]) -> pd.DataFrame:
    """A copy of ``df`` whose named models cost ``fee`` USD more on every prompt (a per-request fee).

    .. math:: c'_{im} = c_{im} + \\phi_m

    Fees enter the ``<model>|total_cost`` column, so every cost figure built on it (model points,
    routers' predicted costs, a cascade's spend) counts each fee exactly once per call.

    See the chapter :ref:`chap-rag` ("Routing in a compound AI system").

    Parameters
    ----------
    df : DataFrame
        RouterBench-format rows (wide: one score and one cost column per model).
    fees : dict of str to float
        Model name -> fee :math:`\\phi_m` in USD per request (0 allowed).

    Returns
    -------
    DataFrame
        A copy of ``df``; ``df`` itself is unchanged.

    Raises
    ------
    RouterBenchDataError
        If a name of ``fees`` is not a model of ``df``, or a fee is negative or not finite.
    """
    check_model_values(df, fees, "fees", allow_zero=True)
    out = df.copy()
    for m, fee in fees.items():
        out[cost_column(m)] = out[cost_column(m)] + fee
    return out


@renamed_keywords(seed="random_state")
def rag_routerbench(random_state: int = 0, n: int = 800, recent_share: float = 0.4,
                    fees: dict[str, float] | None = None) -> pd.DataFrame:
    """The embedded RAG data set: ``n`` prompts, ``eval_name`` ``'rag'``, the 11 offline models plus the
    online services, in the clean wide schema, with a ``post_cutoff`` column (the truth a router
    must infer from the text).

    Scores are 0/1. For offline models and for services, a latent margin
    :math:`a_{m,k} - \\beta z_i + e_{im}` (:math:`\\beta = 0.8`) with a prompt difficulty
    :math:`z_i \\sim N(0, 1)` and luck :math:`e_{im} \\sim N(0, 1)` is thresholded; the
    offsets :math:`a_{m,k}` are solved per prompt kind :math:`k` (evergreen or post-cut-off) to hit the
    assumed mean scores. Costs are tokens x price, plus ``fees`` per request for the services
    (default :data:`routerbench_utils.rag.DEFAULT_REQUEST_FEES`):

    .. math:: s_{im} = \\mathbf{1}\\big[a_{m,k_i} - \\beta z_i + e_{im} > 0\\big], \\qquad
        c_{im} = T^{in}_i\\, p^{in}_m + T^{out}_{im}\\, p^{out}_m + \\phi_m.

    Prompts are template sentences; post-cut-off ones ask for the latest news about a recent event.
    Every price, fee and mean score is an assumption, not a measurement.

    See the chapter :ref:`chap-rag` ("Routing in a compound AI system").

    Parameters
    ----------
    random_state : int, default 0
        Seed of every draw.
    n : int, default 800
        Prompts, at least 10.
    recent_share : float, default 0.4
        Expected share of post-cut-off prompts, in (0, 1).
    fees : dict of str to float, optional
        Fee per request by model (replacing the defaults, not added to them); ``{}`` for none.

    Returns
    -------
    DataFrame
        A validated wide frame: ``sample_id``, ``prompt``, ``eval_name`` (``'rag'``), per model (the
        eleven offline models and :data:`routerbench_utils.rag.ONLINE_SERVICES`) a score and a
        ``|total_cost`` column, ``post_cutoff`` (bool) and ``oracle_model_to_route_to``.

    Raises
    ------
    RouterBenchDataError
        If ``n`` is not an integer >= 10, ``recent_share`` is not in (0, 1), or ``fees`` names an
        unknown model or holds a negative or non-finite fee.
    """
    if not (isinstance(n, (int, np.integer)) and n >= 10):
        raise RouterBenchDataError(f"n: expected at least 10 prompts, got {n!r}")
    if not 0.0 < recent_share < 1.0:
        raise RouterBenchDataError(f"recent_share: expected a share in (0, 1), got {recent_share!r}")
    rng = np.random.default_rng([int(random_state), 8])
    names = list(MODELS) + list(ONLINE_SERVICES)
    recent = rng.random(n) < recent_share
    difficulty = rng.standard_normal(n)
    margins = rng.standard_normal((n, len(names))) - 0.8 * difficulty[:, None]
    scores = np.zeros((n, len(names)))
    for kind in (False, True):
        rows = recent == kind
        targets = np.array([(_OFFLINE_RECENT if kind else _OFFLINE_EVERGREEN)[m] for m in MODELS]
                           + [_ONLINE[s][int(kind)] for s in ONLINE_SERVICES])
        scores[rows] = (margins[rows] + solve_offsets(margins[rows], targets, None, binary=True) > 0)
    in_tokens = np.rint(rng.lognormal(np.log(60), 0.3, n))
    out_tokens = np.rint(rng.lognormal(np.log(180), 0.4, (n, len(names))))
    prices = np.array([PRICES_PER_MTOK.get(m) or ONLINE_PRICES_PER_MTOK[m] for m in names]) / 1e6
    costs = in_tokens[:, None] * prices[:, 0] + out_tokens * prices[:, 1]
    frame = {ID: [f"rag.test.{k}" for k in range(n)], "prompt": _rag_prompts(recent, rng), "eval_name": "rag"}
    for j, m in enumerate(names):
        frame[m] = scores[:, j]
        frame[cost_column(m)] = costs[:, j]
    frame["post_cutoff"] = recent
    df = pd.DataFrame(frame)
    df = with_request_fees(df, dict(DEFAULT_REQUEST_FEES if fees is None else fees))
    df["oracle_model_to_route_to"] = oracle_labels(df)
    return validate(df)


def _rag_prompts(recent: np.ndarray, rng: np.random.Generator) -> list[str]:
    events = rng.integers(0, len(_RECENT_EVENTS), len(recent))
    facts = rng.integers(0, len(_EVERGREEN), len(recent))
    asks_r = rng.integers(0, len(_RECENT_ASKS), len(recent))
    asks_e = rng.integers(0, len(_EVERGREEN_ASKS), len(recent))
    detail = rng.integers(1, 9999, len(recent))
    return [f"{_RECENT_ASKS[a]} {_RECENT_EVENTS[e]}? Give the most recent details. (ref {d})" if r
            else f"{_EVERGREEN_ASKS[b]} {_EVERGREEN[f]}. (ref {d})"
            for r, a, e, b, f, d in zip(recent, asks_r, events, asks_e, facts, detail)]


@renamed_keywords(seed="random_state")
def retrieval_pipeline(df: pd.DataFrame, generator: str, name: str, hit_rate: float = 0.85,
                       fee: float = 0.002, context_tokens: int = 1500, random_state: int = 0) -> pd.DataFrame:
    """Add a model column for a two-stage pipeline: retrieval (``fee`` per request, finds the needed
    document with probability ``hit_rate``), then an offline ``generator`` reading ``context_tokens``
    more input tokens.

    On a post-cut-off prompt where retrieval hits, the pipeline answers as the generator does on an
    evergreen question (correct with the generator's assumed evergreen accuracy, drawn per prompt); on
    a miss, and on every evergreen prompt, it scores what the generator alone scores. It pays on every
    prompt:

    .. math:: c^{pipe}_i = c_{i,g} + \\phi + T^{ctx}\\, p^{in}_g.

    The Oracle column is recomputed with the pipeline among the models.

    See the chapter :ref:`chap-rag` ("Routing in a compound AI system").

    Parameters
    ----------
    df : DataFrame
        Rows of :func:`routerbench_utils.rag.rag_routerbench` (they carry ``post_cutoff``).
    generator : str
        One of the eleven offline models of ``df``.
    name : str
        The new model's name (its score column; its cost column is ``name + '|total_cost'``).
    hit_rate : float, default 0.85
        Probability that retrieval finds the needed document, in [0, 1].
    fee : float, default 0.002
        Retrieval's fee :math:`\\phi`, USD per request.
    context_tokens : int, default 1500
        Extra input tokens :math:`T^{ctx}` the generator reads, at its input price :math:`p^{in}_g`.
    random_state : int, default 0
        Seed of the hits and of the informed answers.

    Returns
    -------
    DataFrame
        A copy of ``df`` with the pipeline's score and cost columns and a recomputed
        ``oracle_model_to_route_to``.

    Raises
    ------
    RouterBenchDataError
        If ``generator`` is not an offline model of ``df``, ``df`` has no ``post_cutoff`` column, or
        ``hit_rate`` is not in [0, 1].
    """
    if generator not in models(df) or generator not in PRICES_PER_MTOK:
        raise RouterBenchDataError(f"generator: expected one of the offline models, got {generator!r}")
    if "post_cutoff" not in df.columns:
        raise RouterBenchDataError("df: missing column 'post_cutoff'; use rag_routerbench()")
    if not 0.0 <= hit_rate <= 1.0:
        raise RouterBenchDataError(f"hit_rate: expected a probability, got {hit_rate!r}")
    rng = np.random.default_rng(random_state)
    hit = rng.random(len(df)) < hit_rate
    evergreen_skill = _OFFLINE_EVERGREEN[generator]
    informed = (rng.random(len(df)) < evergreen_skill).astype(float)
    recent = df["post_cutoff"].to_numpy(dtype=bool)
    score = np.where(recent & hit, informed, df[generator].to_numpy(dtype=float))
    price_in = PRICES_PER_MTOK[generator][0] / 1e6
    out = df.copy()
    out[name] = score
    out[cost_column(name)] = df[cost_column(generator)].to_numpy() + fee + context_tokens * price_in
    out["oracle_model_to_route_to"] = oracle_labels(out)
    return out
