"""The embedded synthetic RouterBench: a seeded generator with the real schema (DESIGN.md section 4).

No machine here can download the real files, so the book runs by default on data generated from a
latent-variable model calibrated to figures measured on real RouterBench rows. For a prompt ``i`` of
topic ``t_i`` and model ``m`` the latent margin is

.. math:: u_{im} = a_m + s_{m, t_i} - \\beta_m z_i + \\gamma_m x_i + e_{im}, \\qquad e_{im} \\sim N(0, 1),

where ``z_i`` is the prompt's difficulty (shared by all models, so scores are correlated; a mixture of
N(0, 1) and a cluster of prompts hard for everyone), ``beta_m`` the model's sensitivity (loading) to it,
``s`` are the models' per-topic strengths (fixed per dataset, so part of who-wins is predictable from
the topic), ``x_i = +1 / -1`` whether the answer is option 1 of a two-option task and ``gamma_m`` the
model's lean to option 1, and ``e`` is model-specific luck (unpredictable). The score is a monotone
function of ``u``: ``1[u > 0]`` for exact-match tasks, quarters for GSM8K's partial credit, a 1-10 judge
score for MT-Bench.

The loadings, the mixture and the leans (``_SHAPES``) are fitted offline (``_fit_shape``) so that,
over the population of prompts, the share of prompts that 0, 1, ..., 11 models answer correctly and the
Oracle's pick shares match the real rows (``catalog.CORRECT_COUNTS``, ``catalog.ORACLE_PICK_SHARES``);
where no rows were measured they are assumed (``_assumed_shape``). On the drawn prompts, the
offsets ``a_m`` are solved so each model's mean score hits its target exactly, and a few prompts'
difficulties are moved so the number of models correct follows the target shape (``_pin_counts``);
for exact-match tasks the Oracle's mean score follows. Costs are token counts times the price table;
prompt text reveals topic and, through extra clauses, part of the difficulty.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _lexicon as lex
from ._deprecated import renamed_keywords
from .catalog import (CORRECT_SHARES, CORRECT_SOURCE, COST_TARGETS, DATASETS, MMLU_SUBJECTS, MODELS,
                      NO_MODEL_CORRECT, NO_MODEL_CORRECT_TARGETS, ORACLE_PICK_SHARES, ORACLE_TARGETS,
                      PRICES_PER_MTOK, PROMPT_COUNTS, SCORE_TARGETS, TARGET_SOURCE, dataset_of)
from .data.oracle import oracle_choice, oracle_labels
from .data.schema import dataset_column, models, score_matrix
from .errors import RouterBenchDataError
from .latency import latency_seconds

_WORLD_SEED = 20240318  # fixes the models' per-topic strengths: the "world" every seed samples from
_MMLU_AREA_SD = 0.35  # spread of the models' strengths per MMLU area, on top of the per-subject one


@dataclass(frozen=True)
class _Spec:
    split: str            # the split label inside sample_id
    scoring: str          # "binary", "quarters" or "judge10"
    in_tokens: float      # mean prompt tokens
    out_tokens: float     # mean response tokens where no cost target fixes them
    topic_sd: float       # spread of the models' per-topic strengths
    choices: int          # answer options of a multiple-choice prompt (0: free text)


_SPECS = {
    "mmlu": _Spec("test", "binary", 600, 1.5, 0.45, 4),
    "hellaswag": _Spec("val", "binary", 750, 1.5, 0.25, 4),
    "grade-school-math": _Spec("test", "quarters", 900, 120, 0.20, 0),
    "arc-challenge": _Spec("test", "binary", 497, 1.0, 0.12, 4),
    "winogrande": _Spec("dev", "binary", 347, 1.0, 0.04, 2),
    "mbpp": _Spec("test", "binary", 150, 150, 0.10, 0),
    "mtbench": _Spec("dev", "judge10", 150, 450, 0.35, 0),
}
# How much longer or shorter each model answers than average (free-text tasks).
_VERBOSITY = dict(zip(MODELS, (1.15, 0.85, 1.10, 1.0, 0.9, 1.3, 1.05, 1.25, 1.0, 0.9, 1.05)))

_SCORERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "binary": lambda u: (u > 0).astype(float),
    # Partial credit: a band of margins around 0 earns 0.25, 0.5 or 0.75.
    "quarters": lambda u: np.clip(np.rint((0.5 + u) * 4.0) / 4.0, 0.0, 1.0),
    # A judge's integer score from 1 to 10, divided by 10.
    "judge10": lambda u: np.clip(np.rint(6.0 + 2.0 * u), 1.0, 10.0) / 10.0,
}
# The same scorers as steps: score = base + sum of weights over the cut points the margin reaches. The
# last cut point is the full score (1 for exact match, full credit, a judge's 10 out of 10).
_STEPS = {
    "binary": (0.0, (0.0,), (1.0,)),
    "quarters": (0.0, (-0.375, -0.125, 0.125, 0.375), (0.25,) * 4),
    "judge10": (0.1, tuple((k - 6.5) / 2.0 for k in range(2, 11)), (0.1,) * 9),
}


@dataclass(frozen=True)
class _Shape:
    """How a dataset's prompts are hard for the models together (the joint shape, issue 16).

    ``loadings`` are the models' sensitivities ``beta_m`` to the shared difficulty ``z`` (order of
    MODELS). ``z`` is a mixture: N(0, 1) for most prompts and N(hard_mean, hard_sd) for a share
    ``hard_share`` (prompts that are hard for every model, e.g. MBPP tasks whose tests nobody passes).
    ``bias`` (two-option tasks) is each model's preference for option 1 over option 2: models that
    lean to opposite options are right on different prompts.
    """
    loadings: tuple[float, ...]
    hard_share: float
    hard_mean: float
    hard_sd: float
    bias: tuple[float, ...] = (0.0,) * 11
    source: str = "fitted"  # "fitted" to the measured shape and pick shares, or "assumed"


# Fitted by _fit_shape to the measured shapes and Oracle pick shares (catalog.CORRECT_COUNTS,
# catalog.ORACLE_PICK_SHARES); assumed for the others by _assumed_shape (loadings of the measured
# dataset of the same kind, one common scale solved so the Oracle's mean score hits its target).
_SHAPES: dict[str, _Shape] = {
    "arc-challenge": _Shape((0.968, 1.137, 0.565, 1.137, 1.137, 1.16, 0.861, 1.134, 1.322, 1.227, 1.287),
                            0.079, 1.988, 1.266),
    "mbpp": _Shape((1.019, 0.909, 1.346, 1.459, 1.495, 0.934, 1.0, 1.226, 1.427, 1.138, 1.399),
                   0.104, 4.673, 2.853),
    "winogrande": _Shape(
        (0.563, 0.522, 0.502, 0.531, 0.814, 0.561, 0.621, 0.572, 0.549, 0.523, 0.792), 0.18, 2.983, 0.3,
        bias=(1.161, -1.13, 2.04, -1.763, 0.85, -1.547, 1.085, 1.504, -1.571, -1.758, 0.811)),
    "mmlu": _Shape((1.23,) * 11, 0.079, 1.988, 1.266, source="assumed, like arc-challenge"),
    "hellaswag": _Shape((1.014,) * 11, 0.079, 1.988, 1.266, source="assumed, like arc-challenge"),
    "grade-school-math": _Shape((0.539,) * 11, 0.104, 4.673, 2.853, source="assumed, like mbpp"),
    "mtbench": _Shape((0.367,) * 11, 0.104, 4.673, 2.853, source="assumed, like mbpp"),
}


@renamed_keywords(seed="random_state")
def embedded_routerbench(random_state: int = 0, scale: float = 1.0, quirks: bool = False,
                         latency: bool = False, datasets: Sequence[str] | None = None) -> pd.DataFrame:
    """Generate the synthetic RouterBench in the real wide schema.

    For prompt :math:`i` of topic :math:`t_i` and model :math:`m` the latent margin is

    .. math:: u_{im} = a_m + s_{m, t_i} - \\beta_m z_i + \\gamma_m x_i + e_{im}, \\qquad
        e_{im} \\sim N(0, 1),

    with :math:`z_i` the prompt's difficulty, :math:`\\beta_m` the model's loading on it,
    :math:`s_{m,t}` its per-topic strength, :math:`x_i = \\pm 1` the option of a two-option answer and
    :math:`\\gamma_m` the model's lean to it; the score is a monotone function of :math:`u_{im}`
    (:math:`\\mathbf{1}[u_{im} > 0]` for exact match). The offsets :math:`a_m` are solved so every
    model's mean score hits its target (:func:`routerbench_utils.embedded.solve_offsets`); costs are
    token counts times the price table. The module's docstring gives the details. The data are
    synthetic: they illustrate the methods, they are not measurements of the real models.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    random_state : int
        Seed of every random draw (prompts, difficulties, luck, token counts); the models' per-topic
        strengths are fixed, so seeds differ like two samples of prompts from one population.
        ``seed=`` still works for one release, with a :class:`DeprecationWarning`.
    scale : float
        Fraction of the full size (34,778 prompts at 1.0); every dataset keeps at least 4 prompts.
    quirks : bool
        Reproduce the quirks of the real pickles so loaders can be exercised: scores stored as
        strings, 14 ARC-Challenge ids split over two adjacent rows as in the 5-shot file (GPT-3.5's
        score on one, the other ten on the other, costs for every model on both, the GPT-3.5-only
        row about twice as dear and first for 7 of the 14, prompts differing by a space), a few NaN
        scores and rows of a task outside the paper's seven.
    latency : bool
        Add a ``<model>|latency`` column (seconds) per model: time to first token plus response tokens
        over tokens per second, from ``routerbench_utils.latency.LATENCY_ASSUMPTIONS`` (assumed, not measured), with noise.
    datasets : sequence of str, optional
        Generate only these of the seven datasets (in this order). Each dataset has its own random
        stream, so its rows are the same as in the full data of that ``random_state`` and scale.

    Returns
    -------
    DataFrame
        Columns ``sample_id``, ``prompt`` and responses as the ``repr`` of a list of turns,
        ``eval_name``, per model ``<model>``, ``<model>|model_response``, ``<model>|total_cost`` (and
        ``<model>|latency`` with ``latency``), and ``oracle_model_to_route_to``. Pass it through
        :func:`rbu.data.repair <routerbench_utils.data.repair.repair>` (as
        :func:`routerbench_utils.load` does) for plain-text prompts.

    Raises
    ------
    RouterBenchDataError
        If ``scale`` is not in (0, 1], ``random_state`` is not a non-negative integer, or ``datasets`` is empty
        or names a dataset outside the paper's seven.

    Examples
    --------
    >>> df = embedded_routerbench(random_state=0, scale=0.05)
    >>> sorted(df["eval_name"].map(dataset_of).unique())[:3]
    ['arc-challenge', 'grade-school-math', 'hellaswag']
    """
    if not np.isfinite(scale) or not 0.0 < scale <= 1.0:
        raise RouterBenchDataError(f"scale: expected a fraction in (0, 1], got {scale!r}")
    if not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise RouterBenchDataError(f"random_state: expected a non-negative integer, got {random_state!r}")
    chosen = list(DATASETS) if datasets is None else list(datasets)
    unknown = [d for d in chosen if d not in DATASETS]
    if unknown or not chosen:
        raise RouterBenchDataError(f"datasets: expected a non-empty list of {list(DATASETS)}, got {datasets!r}")
    parts = [_generate(name, DATASETS.index(name), int(random_state), float(scale), latency) for name in chosen]
    df = pd.concat(parts, ignore_index=True)
    if quirks:
        df = _add_quirks(df, np.random.default_rng([int(random_state), 99]))
    return df


def _generate(name: str, index: int, seed: int, scale: float, latency: bool = False) -> pd.DataFrame:
    spec, shape = _SPECS[name], _SHAPES[name]
    rng = np.random.default_rng([seed, index])
    world = np.random.default_rng([_WORLD_SEED, index])
    topics, eval_names = _topics(name, scale, rng)
    n, n_topics = len(topics), int(topics.max()) + 1
    strengths = world.normal(0.0, spec.topic_sd, size=(n_topics, len(MODELS)))
    if name == "mmlu":  # models also differ by MMLU area (STEM, humanities, ...), not only by subject
        areas = np.array([sorted(lex.MMLU_AREAS).index(lex.MMLU_AREA_OF.get(s, "other"))
                          for s in MMLU_SUBJECTS])
        strengths += world.normal(0.0, _MMLU_AREA_SD, size=(4, len(MODELS)))[areas]
    hard = rng.random(n) < shape.hard_share
    difficulty = rng.standard_normal(n)
    difficulty = np.where(hard, shape.hard_mean + shape.hard_sd * difficulty, difficulty)
    luck = rng.standard_normal((n, len(MODELS)))
    answers = rng.integers(0, max(spec.choices, 1), size=n)
    # A model leaning to option 1 gains on prompts whose answer is option 1 and loses on the others.
    lean = np.where(answers == 0, 1.0, -1.0)[:, None] * np.asarray(shape.bias)
    scores, difficulty = _calibrated_scores(name, strengths[topics] + luck + lean, difficulty, rng)
    costs, out_tokens = _costs(name, n, rng)
    prompts = _prompts(name, topics, _normal_scores(difficulty), answers, rng)
    frame = {"sample_id": _sample_ids(eval_names, spec.split), "prompt": prompts, "eval_name": eval_names}
    responses = _responses(name, scores, answers, rng)
    for j, model in enumerate(MODELS):
        frame[model] = scores[:, j]
        frame[model + "|model_response"] = responses[j]
        frame[model + "|total_cost"] = costs[:, j]
    choice = oracle_choice(cost=costs, quality=scores)
    frame["oracle_model_to_route_to"] = np.array(list(MODELS) + [NO_MODEL_CORRECT], dtype=object)[choice]
    if latency:  # drawn last, so the other columns do not depend on this option
        seconds = latency_seconds(out_tokens, list(MODELS), rng)
        for j, model in enumerate(MODELS):
            frame[model + "|latency"] = seconds[:, j]
    return pd.DataFrame(frame)


def _normal_scores(values: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of the values' ranks (the difficulty as the prompt text shows it)."""
    from scipy.special import ndtri

    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    return ndtri((ranks + 0.5) / len(values))


def _topics(name: str, scale: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Topic index per prompt and its ``eval_name`` (MMLU: one eval_name per subject)."""
    if name == "mmlu":
        counts = np.array([max(1, round(c * scale)) for c in MMLU_SUBJECTS.values()])
        topics = np.repeat(np.arange(len(counts)), counts)
        names = np.array([f"mmlu-{s}" for s in MMLU_SUBJECTS], dtype=object)[topics]
        return topics, names
    n = max(4, round(PROMPT_COUNTS[name] * scale))
    n_topics = len(lex.TOPICS[name])
    if name == "mtbench":  # MT-Bench has equally many prompts in each of its categories
        topics = np.arange(n) % n_topics
    else:
        weights = rng.dirichlet(np.full(n_topics, 8.0))
        topics = rng.choice(n_topics, size=n, p=weights)
    return topics, np.full(n, name, dtype=object)


def _calibrated_scores(name: str, base: np.ndarray, difficulty: np.ndarray, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose per-model means and shape hit the targets, and the difficulty that gives them.

    The margins are ``base - beta_m z``. The offsets are solved so each model's mean hits its target
    exactly; between solves, :func:`_pin_counts` moves the few prompts needed so the number of models
    at full score follows the dataset's shape (``CORRECT_SHARES``) on the drawn prompts, not only on
    average. The last solve is of the offsets, so the means are exact and the shape is within a few
    prompts. For exact-match tasks the Oracle's mean score is one minus the share of prompts that no
    model gets right, so it follows from the shape.
    """
    kind = _SPECS[name].scoring
    scorer, full = _SCORERS[kind], _STEPS[kind][1][-1]
    targets = np.array([SCORE_TARGETS[name][m] for m in MODELS])
    beta = np.asarray(_SHAPES[name].loadings, dtype=float)
    shares = CORRECT_SHARES.get(name)
    quota = _quotas(shares, len(difficulty)) if shares else None
    # How far inside its interval a pinned prompt sits, drawn per prompt so that no two margins tie.
    gap = _PIN_GAP * rng.uniform(0.5, 1.5, size=len(difficulty))
    z = difficulty
    for step in range(_PIN_ROUNDS + 1):
        margins = base - z[:, None] * beta
        offsets = solve_offsets(margins, targets, scorer, kind == "binary")
        if quota is None or step == _PIN_ROUNDS:
            break
        z = _pin_counts(base + offsets - full, beta, z, quota, gap)
    return scorer(margins + offsets), z


_PIN_GAP = 0.1  # keep prompts about this far (in z) inside their interval, so the next solve moves few
_PIN_ROUNDS = 5  # solve offsets, pin the shape, ... : five rounds leave it within a few prompts


def _quotas(shares: Sequence[float], n: int) -> np.ndarray:
    """Prompts per count of models correct: ``n * shares`` rounded by largest remainders (sums to n)."""
    exact = np.asarray(shares, dtype=float) * n / float(np.sum(shares))
    quota = np.floor(exact).astype(int)
    quota[np.argsort(quota - exact, kind="stable")[: n - int(quota.sum())]] += 1
    return quota


def _pin_counts(room: np.ndarray, beta: np.ndarray, z: np.ndarray, quota: np.ndarray, gap: np.ndarray
                ) -> np.ndarray:
    """Difficulties with ``quota[k]`` prompts at ``k`` models correct, moving as few prompts as it can.

    Model ``m`` is correct on prompt ``i`` when ``beta_m z_i < room_im``, i.e. below the threshold
    ``t_im = room_im / beta_m``; so the number correct falls as ``z_i`` grows and is ``k`` on an
    interval of ``z_i`` between the prompt's k-th and (k+1)-th largest thresholds. Prompts are ranked by
    how easy they are (count correct, then place within the interval); the ``quota[0]`` hardest get 0
    models correct, and so on. A prompt whose rank puts it in another count (usually the next one) moves
    to the nearest point of that count's interval; every prompt is kept ``gap`` inside its interval (at
    its middle if narrower), so that the next solve of the offsets moves few prompts across an edge.
    """
    n = len(z)
    # A model with loading 0 is correct at every difficulty or at none.
    thresholds = np.where(beta > 0, room / np.where(beta > 0, beta, 1.0),
                          np.where(room > 0, np.inf, -np.inf))
    count = (thresholds > z[:, None]).sum(axis=1)
    edges = np.full((n, len(beta) + 2), np.inf)
    edges[:, 1:-1] = -np.sort(-thresholds, axis=1)  # descending: count k on [edges[k+1], edges[k])
    edges[:, -1] = -np.inf
    rows = np.arange(n)
    upper, lower = edges[rows, count], edges[rows, count + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        place = np.where(np.isinf(upper), 1.0 / (1.0 + z - lower),  # none correct: higher z, harder
                         np.where(np.isinf(lower), 1.0 - 1.0 / (1.0 + upper - z),  # all correct
                                  (upper - z) / (upper - lower)))
        target = np.empty(n, dtype=int)
        target[np.argsort(count + place, kind="stable")] = np.repeat(np.arange(len(quota)), quota)
        upper, lower = edges[rows, target], edges[rows, target + 1]
        gap = np.minimum(gap, 0.5 * (upper - lower))
        inside = np.clip(z, lower + gap, upper - gap)
    return np.where(np.isfinite(inside), inside, z)


def solve_offsets(margins: np.ndarray, targets: np.ndarray,
                  scorer: Callable[[np.ndarray], np.ndarray] | None, binary: bool) -> np.ndarray:
    """Per-model offsets :math:`a_m` that make every model's mean score hit its target.

    .. math:: \\frac{1}{n} \\sum_i \\mathrm{scorer}(x_{im} + a_m) = t_m

    exactly to the nearest prompt for 0/1 scores (``binary``: the threshold sits between the
    :math:`k`-th and :math:`(k+1)`-th largest margins, :math:`k = \\mathrm{round}(t_m n)`), else by a
    vectorised bisection over all models at once (``scorer`` maps margins to scores, increasing).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    margins : ndarray of shape (prompts, models)
        The latent margins :math:`x_{im}`.
    targets : ndarray of shape (models,)
        The mean scores :math:`t_m` to hit, in [0, 1].
    scorer : callable or None
        Margins to scores; unused (may be None) when ``binary``.
    binary : bool
        Scores are 1 where ``margins + a > 0``, else 0.

    Returns
    -------
    ndarray of shape (models,)
        The offsets :math:`a_m`. A target of 0 (or 1) puts the threshold below (or above) every margin.
    """
    n = margins.shape[0]
    if binary:  # exact: put the threshold between the k-th and (k+1)-th largest margins
        ordered = np.sort(margins, axis=0)
        k = np.rint(targets * n).astype(int)
        upper = ordered[np.clip(n - k, 0, n - 1), np.arange(len(targets))]
        lower = ordered[np.clip(n - k - 1, 0, n - 1), np.arange(len(targets))]
        offsets = -0.5 * (upper + lower)
        offsets = np.where(k >= n, 1.0 - ordered[0], offsets)
        return np.where(k <= 0, -1.0 - ordered[-1], offsets)
    low, high = np.full(len(targets), -30.0), np.full(len(targets), 30.0)
    for _ in range(40):  # vectorised bisection over all models at once
        mid = 0.5 * (low + high)
        too_high = scorer(margins + mid).mean(axis=0) > targets
        high, low = np.where(too_high, mid, high), np.where(too_high, low, mid)
    return 0.5 * (low + high)


def _population(name: str, shape: _Shape, n_orders: int = 400) -> dict:
    """The shape a dataset's model has over the population of prompts (no sampling noise).

    Integrates the margins ``a_m + s - beta_m z + bias_m x + e`` over the difficulty mixture (Gauss-
    Hermite nodes), the answer's option ``x`` and the normal noise ``s + e`` (per-topic strength plus
    luck), with offsets ``a_m`` solved so every model's mean score hits its target. Returns the share of
    prompts with 0..11 models at full score (``shares``), the Oracle's mean score (``oracle``) and, for
    exact-match tasks, the Oracle's pick shares (``picks``: the 11 models then no model correct)
    averaged over the cost orders the generator draws. :func:`_fit_shape` fits to these; a test checks
    the stored shapes against them.
    """
    from scipy.special import ndtr

    spec = _SPECS[name]
    base, cuts, weights = _STEPS[spec.scoring]
    targets = np.array([SCORE_TARGETS[name][m] for m in MODELS])
    sigma = np.sqrt(1.0 + spec.topic_sd ** 2 + (_MMLU_AREA_SD ** 2 if name == "mmlu" else 0.0))
    nodes, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    z = np.concatenate([nodes, shape.hard_mean + shape.hard_sd * nodes])
    wz = np.concatenate([(1.0 - shape.hard_share) * w, shape.hard_share * w])
    x = np.concatenate([np.ones_like(z), -np.ones_like(z)])  # the answer is option 1 or not
    z, wz = np.concatenate([z, z]), np.concatenate([wz, wz]) / 2.0
    lin = np.outer(-z, shape.loadings) + np.outer(x, shape.bias)  # nodes x models

    def levels(a: np.ndarray) -> list[np.ndarray]:  # P(score reaches cut k) per node and model
        return [ndtr((a + lin - c) / sigma) for c in cuts]

    low, high = np.full(len(MODELS), -40.0), np.full(len(MODELS), 40.0)
    for _ in range(50):
        mid = 0.5 * (low + high)
        mean = base + sum(wk * (wz @ pk) for wk, pk in zip(weights, levels(mid)))
        high, low = np.where(mean > targets, mid, high), np.where(mean > targets, low, mid)
    reach = levels(0.5 * (low + high))
    full = reach[-1]
    counts = np.zeros((len(z), len(MODELS) + 1))
    counts[:, 0] = 1.0
    for j in range(len(MODELS)):  # Poisson-binomial number of models at full score, per node
        counts[:, 1:] = counts[:, 1:] * (1.0 - full[:, j:j + 1]) + counts[:, :-1] * full[:, j:j + 1]
        counts[:, 0] *= 1.0 - full[:, j]
    oracle = base + sum(wk * (wz @ (1.0 - np.prod(1.0 - pk, axis=1))) for wk, pk in zip(weights, reach))
    picks = None
    if spec.scoring == "binary":
        costs, _ = _costs(name, n_orders, np.random.default_rng([_WORLD_SEED, 99]))
        order = np.argsort(costs, axis=1, kind="stable")  # each drawn prompt's models, cheapest first
        ordered = full[:, order]  # nodes x orders x models
        before = np.cumprod(1.0 - ordered, axis=2)
        first = ordered * np.concatenate([np.ones(ordered.shape[:2] + (1,)), before[:, :, :-1]], axis=2)
        picks = np.zeros(len(MODELS) + 1)
        np.add.at(picks, order.ravel(), np.tensordot(wz, first, axes=1).ravel() / n_orders)
        picks[-1] = wz @ before[:, :, -1].mean(axis=1)
    return {"shares": wz @ counts, "oracle": float(oracle), "picks": picks}


def _pick_errors(name: str, picks: np.ndarray) -> pd.Series:
    """Achieved minus measured Oracle pick share: the six reported models, no model correct, and the
    other five models together (whose shares were reported only as the rest)."""
    measured = ORACLE_PICK_SHARES[name]
    labels = list(MODELS) + [NO_MODEL_CORRECT]
    achieved = dict(zip(labels, picks))
    errors = {k: achieved[k] - v for k, v in measured.items()}
    rest = [k for k in labels if k not in measured]
    errors[_OTHER_PICKS] = sum(achieved[k] for k in rest) - (1.0 - sum(measured.values()))
    return pd.Series(errors)


_OTHER_PICKS = "the other five models"


def _fit_shape(name: str, smooth: float = 0.02, smooth_bias: float = 0.005) -> _Shape:
    """Fit a measured dataset's shape to its real histogram and Oracle pick shares (offline: ~1 min).

    Least squares on the population shape (:func:`_population`): the 12 shares of the histogram and
    the 8 pick-share errors, plus ridge terms that keep the log loadings near their mean
    (``smooth``) and the option biases near 0 (``smooth_bias``). Two-option tasks fit a bias per model.
    Used to produce ``_SHAPES``; the generator does not call it.
    """
    from scipy.optimize import least_squares

    target = np.asarray(CORRECT_SHARES[name])
    two_options = _SPECS[name].choices == 2
    n_bias = len(MODELS) if two_options else 0

    def unpack(theta: np.ndarray) -> _Shape:
        bias = tuple(theta[14:]) if two_options else (0.0,) * len(MODELS)
        return _Shape(tuple(theta[:11]), *theta[11:14], bias=bias)

    def residuals(theta: np.ndarray) -> np.ndarray:
        shape = unpack(theta)
        out = _population(name, shape, n_orders=200)
        logs = np.log(theta[:11])
        return np.concatenate([out["shares"] - target, _pick_errors(name, out["picks"]).to_numpy(),
                               smooth * (logs - logs.mean()), smooth_bias * theta[14:]])

    # Start the biases away from 0, where their gradient vanishes by symmetry.
    start = np.concatenate([np.ones(11), [0.1, 2.5, 1.0], np.resize([1.0, -1.0], n_bias)])
    low = np.concatenate([np.full(11, 0.05), [0.0, 0.0, 0.3], np.full(n_bias, -4.0)])
    high = np.concatenate([np.full(11, 5.0), [0.4, 6.0, 3.0], np.full(n_bias, 4.0)])
    theta = least_squares(residuals, start, bounds=(low, high)).x
    return unpack(np.round(theta, 3))


def _assumed_shape(name: str, like: str) -> _Shape:
    """An assumed shape for a dataset without measured rows: the hard-prompt mixture of the measured
    dataset ``like`` and one common loading for every model (the median of its fitted loadings, scaled
    by bisection so the population Oracle hits this dataset's target)."""
    fitted = _SHAPES[like]
    common = float(np.median(fitted.loadings))
    low, high = 0.05, 10.0
    for _ in range(30):  # the Oracle's mean falls as the shared difficulty grows
        mid = 0.5 * (low + high)
        shape = _Shape((common * mid,) * 11, fitted.hard_share, fitted.hard_mean, fitted.hard_sd,
                       source=f"assumed, like {like}")
        if _population(name, shape)["oracle"] > ORACLE_TARGETS[name]:
            low = mid
        else:
            high = mid
    return _Shape((round(common * 0.5 * (low + high), 3),) * 11, fitted.hard_share, fitted.hard_mean,
                  fitted.hard_sd, source=f"assumed, like {like}")


def _costs(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """USD per prompt and model (prompt tokens x input price + response tokens x output price), and the
    response token counts."""
    spec = _SPECS[name]
    prices = np.array([PRICES_PER_MTOK[m] for m in MODELS]) / 1e6
    lengths = rng.lognormal(0.0, 0.25, size=n)
    in_tokens = np.maximum(1.0, np.rint(lengths * spec.in_tokens / lengths.mean()))
    if name in COST_TARGETS:  # response length that makes the mean cost hit the measured target
        target = np.array([COST_TARGETS[name][m] for m in MODELS])
        out_mean = np.maximum(1.0, (target - prices[:, 0] * in_tokens.mean()) / prices[:, 1])
    else:
        out_mean = np.array([max(1.0, spec.out_tokens * _VERBOSITY[m]) for m in MODELS])
    spread = rng.lognormal(0.0, 0.35, size=(n, len(MODELS)))
    out_tokens = np.maximum(1.0, np.rint(out_mean * spread / spread.mean(axis=0)))
    return in_tokens[:, None] * prices[:, 0] + out_tokens * prices[:, 1], out_tokens


def _sample_ids(eval_names: np.ndarray, split: str) -> np.ndarray:
    names = pd.Series(eval_names, dtype=object)
    counter = names.groupby(eval_names).cumcount().astype(str)
    return (names + f".{split}." + counter).to_numpy(dtype=object)


# Bounds of the integer draws in _prompts. They are those of the first lexicon (18 filler words, ten
# clauses, ten names, numbers 2-59) and must not change: the generator's stream after the prompts (the
# responses, latencies) would move, and with it every column but the prompt. Indices into the lists
# of other lengths are derived from these draws and from the uniform ones.
_PROMPT_DRAWS = {"filler": 18, "clauses": 10, "names": 10, "numbers": (2, 60)}


def _quoted(text: str) -> str:
    """``text`` as a Python literal in single quotes (``repr`` puts one with an apostrophe, and no
    double quote, in double quotes)."""
    literal = repr(text)
    return literal if literal[0] == "'" else "'" + literal[1:-1].replace("'", "\\'") + "'"


def _objects(values) -> np.ndarray:
    return np.asarray(list(values), dtype=object)


def _capitalised(texts) -> np.ndarray:
    return _objects(s[:1].upper() + s[1:] for s in texts)


def _distinct_draws(draws: np.ndarray, count: np.ndarray, size: int) -> np.ndarray:
    """The first ``count`` of each row's ``draws`` made distinct: a repeat takes the next unused value
    (modulo ``size``). Columns past ``count`` are left as drawn."""
    out = draws.copy()
    for k in range(1, out.shape[1]):
        active = count > k
        while True:
            clash = active & (out[:, :k] == out[:, [k]]).any(axis=1)
            if not clash.any():
                break
            out[clash, k] = (out[clash, k] + 1) % size
    return out


def _draw_others(excluded: np.ndarray, u: np.ndarray, size: int) -> np.ndarray:
    """Per row, three distinct indices in ``range(size)`` (``size`` an int or one per row) outside the
    row's ``excluded`` ones, drawn without replacement by the uniforms ``u`` (shape (n, 3)): the wrong
    options of a question."""
    taken, picks = excluded, []
    for j in range(3):
        rank = (u[:, j] * (size - taken.shape[1])).astype(int)  # rank among the values still free
        value = rank
        for _ in range(taken.shape[1]):  # the rank-th free value: rank plus the taken ones up to it
            value = rank + (taken <= value[:, None]).sum(axis=1)
        picks.append(value)
        taken = np.column_stack([taken, value])
    return np.column_stack(picks)


def _four_options(correct: np.ndarray, others: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """(n, 4) option indices: ``correct`` at column ``answers``, the three ``others`` in order around it."""
    out = np.empty((len(correct), 4), dtype=int)
    right = np.arange(4)[None, :] == answers[:, None]
    out[right] = correct
    out[~right] = others.ravel()
    return out


def _multiple_choice(options: np.ndarray, end: str = "") -> list[str]:
    """Lines "A. ..." to "D. ..." of the options' texts (shape (n, 4)), then "Answer:"."""
    return [f"\nA. {a}{end}\nB. {b}{end}\nC. {c}{end}\nD. {d}{end}\nAnswer:"
            for a, b, c, d in options.tolist()]


def _clause_texts(n_clauses: np.ndarray, draws: np.ndarray, table: np.ndarray, row: np.ndarray
                  ) -> np.ndarray:
    """Per prompt its ``n_clauses`` extra conditions as one string (", c1, c2"), none repeated; the
    conditions of prompt ``i`` are ``table[row[i]]``."""
    draws = _distinct_draws(draws, n_clauses, table.shape[1])
    texts = ", " + table
    out = np.full(len(n_clauses), "", dtype=object)
    for k in range(draws.shape[1]):
        out = np.where(n_clauses > k, out + texts[row, draws[:, k]], out)
    return out


def _prompts(name: str, topics: np.ndarray, difficulty: np.ndarray, answers: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """Prompts in the form of each benchmark, from the lexicon (``routerbench_utils._lexicon``).

    The words of a prompt reveal its topic; a harder prompt (higher ``difficulty``, as normal scores
    :math:`z`) carries more extra conditions, between 0 and 6, their number Poisson with mean
    :math:`1.1 e^{0.7 z}`. Where the template shows the options, the right one is at ``answers``
    (Winogrande: the ending, drawn apart from the answer, says whom the blank is, and the options put
    that name where ``answers`` says). The draws
    from ``rng`` (their calls, shapes and bounds) are fixed, so changing the lexicon changes the text
    only. See the chapter :ref:`chap-dataset` ("The data set").
    """
    n = len(topics)
    # Between 0 and 6 extra conditions, more for harder prompts.
    n_clauses = np.minimum(6, rng.poisson(1.1 * np.exp(0.7 * difficulty)))
    u = rng.random((n, 6))
    filler = rng.integers(0, _PROMPT_DRAWS["filler"], size=(n, 2))
    clause_draws = rng.integers(0, _PROMPT_DRAWS["clauses"], size=(n, 6))
    names = rng.integers(0, _PROMPT_DRAWS["names"], size=(n, 2))
    numbers = rng.integers(*_PROMPT_DRAWS["numbers"], size=(n, 2))
    # Two distinct names out of twenty: the name draw picks one of ten, the filler draw's parity the half.
    first = names[:, 0] + 10 * (filler[:, 0] % 2)
    second = names[:, 1] + 10 * (filler[:, 1] % 2)
    second = np.where(second == first, (second + 1) % len(lex.NAMES), second)
    who = _objects(lex.NAMES)[first], _objects(lex.NAMES)[second]
    if name == "mmlu":
        areas = list(lex.MMLU_AREAS)
        area = np.array([areas.index(lex.MMLU_AREA_OF.get(s, "other")) for s in MMLU_SUBJECTS])[topics]
        table = np.array([lex.MMLU_AREAS[a] for a in areas], dtype=object)
        texts = _mmlu(topics, u, answers, _clause_texts(n_clauses, clause_draws, table, area))
    elif name == "grade-school-math":  # its extra conditions are extra steps of the problem
        texts = _gsm8k(topics, u, n_clauses, clause_draws, numbers, who[0])
    else:
        table = np.array([lex.CLAUSES[name]], dtype=object)
        clauses = _clause_texts(n_clauses, clause_draws, table, np.zeros(n, dtype=int))
        make = {"arc-challenge": _arc, "hellaswag": _hellaswag, "winogrande": _winogrande,
                "mbpp": _mbpp, "mtbench": _mtbench}[name]
        texts = make(topics, u, answers, clauses, who, numbers, filler)
    # Templates can collide; real benchmarks hold distinct prompts, so number the rare repeats at the
    # end of their first line (turns joined by a character no template uses, to compare whole prompts).
    whole = [t if isinstance(t, str) else "\x00".join(t) for t in texts]
    seen: dict[str, int] = {}
    for i, prompt in enumerate(whole):
        repeat = seen[prompt] = seen.get(prompt, -1) + 1
        if repeat:
            line, newline, rest = prompt.partition("\n")
            stop = line[-1] if line[-1] in ".?" else ""
            whole[i] = line[:len(line) - len(stop)] + f" (variant {repeat}){stop}{newline}{rest}"
    # As the files store them: the list of turns written out, each turn in single quotes.
    return _objects("[" + ", ".join(map(_quoted, t.split("\x00"))) + "]" if "\x00" in t
                    else "[" + _quoted(t) + "]" for t in whole)


def _flat(lists: list[list]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lists end to end as one object array, each list's start in it and its length."""
    sizes = np.array([len(v) for v in lists])
    flat = np.empty(int(sizes.sum()), dtype=object)
    flat[:] = [x for v in lists for x in v]
    return flat, np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes


def _mmlu(topics, u, answers, clauses) -> np.ndarray:
    subjects = list(MMLU_SUBJECTS)
    headers = _objects(f"The following are multiple choice questions (with answers) about "
                       f"{s.replace('-', ' ')}.\n\n" for s in subjects)
    pairs, start, size = _flat([lex.MMLU_TERMS[s] for s in subjects])
    terms, descriptions = _objects(p[0] for p in pairs), _objects(p[1] for p in pairs)
    k = size[topics]
    target = (u[:, 0] * k).astype(int)
    # The wrong options: three of the subject's other terms.
    options = start[topics][:, None] + _four_options(target, _draw_others(target[:, None], u[:, 1:4], k),
                                                      answers)
    chosen = start[topics] + target
    ask_term = u[:, 4] < 0.5  # ask for the description of a term, or for the term of a description
    lead = np.where(ask_term, *lex.MMLU_STEMS)
    asked = np.where(ask_term, terms[chosen], descriptions[chosen])
    texts = np.where(ask_term[:, None], _capitalised(descriptions)[options], _capitalised(terms)[options])
    return [f"{h}{q}{a}{c}?{m}" for h, q, a, c, m in zip(
        headers[topics].tolist(), lead.tolist(), asked.tolist(), clauses.tolist(), _multiple_choice(texts))]


def _arc(topics, u, answers, clauses, who, numbers, filler) -> np.ndarray:
    pairs, start, size = _flat([r["pairs"] for r in lex.TOPICS["arc-challenge"].values()])
    causes, situations = _capitalised(p[0] for p in pairs), _objects(p[1] for p in pairs)
    k = size[topics]
    target = (u[:, 0] * k).astype(int)
    options = start[topics][:, None] + _four_options(target, _draw_others(target[:, None], u[:, 1:4], k),
                                                      answers)
    stem = (u[:, 4] * len(lex.ARC_STEMS)).astype(int)
    before, after = _objects(s[0] for s in lex.ARC_STEMS)[stem], _objects(s[1] for s in lex.ARC_STEMS)[stem]
    return [f"Question: {b}{s}{c}{a}{m}" for b, s, c, a, m in zip(
        before.tolist(), situations[start[topics] + target].tolist(), clauses.tolist(), after.tolist(),
        _multiple_choice(causes[options]))]


def _hellaswag(topics, u, answers, clauses, who, numbers, filler) -> np.ndarray:
    roles = list(lex.TOPICS["hellaswag"].values())
    activities = [a for r in roles for a in r["activities"]]  # every topic lists two, of six steps
    steps, _, _ = _flat([a[1] for a in activities])
    labels = _objects(a[0] for a in activities)
    scaled = u[:, 0] * 2
    activity = scaled.astype(int)
    # The context is a step of the activity and the right ending the next one; the wrong endings are
    # three other steps of the topic's two activities (out of order, or from the other activity).
    step = 6 * activity + ((scaled - activity) * 5).astype(int)
    others = _draw_others(np.column_stack([step, step + 1]), u[:, 1:4], 12)
    options = 12 * topics[:, None] + _four_options(step + 1, others, answers)
    context = 12 * topics + step
    return [f"{label}: {name} {step}{c}. Then, {name}...{m}" for label, name, step, c, m in zip(
        labels[2 * topics + activity].tolist(), who[0].tolist(), steps[context].tolist(), clauses.tolist(),
        _multiple_choice(steps[options], end="."))]


def _winogrande(topics, u, answers, clauses, who, numbers, filler) -> list[str]:
    roles = list(lex.TOPICS["winogrande"].values())
    out = []
    for i, topic in enumerate(topics.tolist()):
        frames = roles[topic]["frames"]
        body, to_first, to_second = frames[int(u[i, 0] * len(frames))]
        a, b, extra = who[0][i], who[1][i], clauses[i]
        extra += "," if extra and "{c} " in body else ""  # "..., late on a Friday, because _"
        # The ending (drawn apart from the answer) says whom the blank is; the options list that name
        # where the answer key puts it, so the ending's words alone do not tell the key.
        blank_is_first = u[i, 1] < 0.5
        sentence = body.format(a=a, b=b, c=extra) + " " + (to_first if blank_is_first else to_second)
        right, wrong = (a, b) if blank_is_first else (b, a)
        one, two = (right, wrong) if answers[i] == 0 else (wrong, right)
        out.append(f"{sentence}.\nOption 1: {one}\nOption 2: {two}\nAnswer:")
    return out


def _gsm8k(topics, u, n_clauses, clause_draws, numbers, who) -> list[str]:
    roles = list(lex.TOPICS["grade-school-math"].values())
    draws = _distinct_draws(clause_draws, n_clauses, 10)  # every topic lists ten steps
    # Step j of a problem gets its own number {kj}: the template of step s in place j.
    steps = [[[s.replace("{k}", "{k%d}" % j) for j in range(6)] for s in r["steps"]] for r in roles]
    n0, n1 = numbers[:, 0], numbers[:, 1]
    ks = (2 + (n0[:, None] + 3 * np.arange(6) + draws) % 8).tolist()
    offset, factor = np.array([r["amount"] for r in roles]).T
    a = (offset[topics] + factor[topics] * n0).astype(int)
    pick = [(u[:, j] * np.array([len(r[role]) for r in roles])[topics]).astype(int).tolist()
            for j, role in enumerate(("items", "start", "ask"))]
    out = []
    for topic, a_i, b_i, c_i, i_item, i_start, i_ask, count, drawn, k, name in zip(
            topics.tolist(), a.tolist(), (2 + n1 % 9).tolist(), (a * (3 + n1 % 7)).tolist(), *pick,
            n_clauses.tolist(), draws.tolist(), ks, who.tolist()):
        r, step = roles[topic], steps[topic]
        item, box = r["items"][i_item]
        middle = [step[d][j] for j, d in enumerate(drawn[:count])]
        text = " ".join([r["start"][i_start], *middle, r["ask"][i_ask]])
        out.append(text.format(name=name, item=item, box=box, a=a_i, b=b_i, c=c_i, k0=k[0], k1=k[1], k2=k[2],
                               k3=k[3], k4=k[4], k5=k[5]))
    return out


def _mbpp_input(kind: str, w: np.ndarray, n0: int, n1: int, f0: int) -> tuple:
    """The argument(s) of a coding task's assert, from the prompt's uniforms ``w`` and numbers."""
    words, texts = lex.MBPP_WORDS, lex.MBPP_TEXTS
    if kind == "s":
        return (words[int(w[1] * len(words))],)
    if kind == "l":
        return ([int(x * 50) for x in w[1:6]],)
    if kind == "n":
        return (n0,)
    if kind == "k":
        return (1 + n0 % 10,)
    if kind == "p":
        return (n0 * (2 + f0 % 4), n1 * (2 + f0 % 4))
    if kind == "x":
        return (texts[int(w[1] * len(texts))],)
    if kind == "d":
        first = int(w[1] * len(words))
        return ({words[(first + j) % len(words)]: int(w[2 + j] * 20) for j in range(3)},)
    return ([(int(w[1] * 20), int(w[2] * 20)), (int(w[3] * 20), int(w[4] * 20)), (n0 % 20, n1 % 20)],)


def _mbpp(topics, u, answers, clauses, who, numbers, filler) -> list[str]:
    roles = list(lex.TOPICS["mbpp"].values())
    out = []
    for i, topic in enumerate(topics.tolist()):
        tasks = roles[topic]["tasks"]
        task, function, kind, solve = tasks[int(u[i, 0] * len(tasks))]
        args = _mbpp_input(kind, u[i], int(numbers[i, 0]), int(numbers[i, 1]), int(filler[i, 0]))
        call = ", ".join(repr(x) for x in args)
        out.append(f"Write a python function to {task}{clauses[i]}.\nYour code should pass these tests:\n"
                   f"assert {function}({call}) == {solve(*args)!r}")
    return out


def _mtbench(topics, u, answers, clauses, who, numbers, filler) -> list[list[str]]:
    roles = list(lex.TOPICS["mtbench"].values())
    out = []
    for i, topic in enumerate(topics.tolist()):
        r = roles[topic]
        first = r["first"][int(u[i, 0] * len(r["first"]))]
        out.append([f"{first}{clauses[i]}.", r["second"][int(u[i, 1] * len(r["second"]))]])
    return out


def _responses(name: str, scores: np.ndarray, answers: np.ndarray, rng: np.random.Generator
               ) -> list[np.ndarray]:
    """One response column per model, as ``repr`` of a list of turns, consistent with the score."""
    n, n_models = scores.shape
    spec = _SPECS[name]
    if spec.choices:  # the right option when correct, another one otherwise
        labels = np.array([repr([s]) for s in ("A", "B", "C", "D")] if spec.choices == 4
                          else [repr(["1"]), repr(["2"])], dtype=object)
        wrong = (answers[:, None] + rng.integers(1, spec.choices, size=(n, n_models))) % spec.choices
        picked = np.where(scores >= 1.0, answers[:, None], wrong)
        return [labels[picked[:, j]] for j in range(n_models)]
    if name == "grade-school-math":
        truth = rng.integers(5, 500, size=n)
        off = rng.integers(1, 40, size=(n, n_models))
        given = np.where(scores > 0, truth[:, None], truth[:, None] + off)
        values, which = np.unique(given, return_inverse=True)  # one text per distinct answer
        texts = np.array([repr([f"Working step by step, the answer is {v}."]) for v in values], dtype=object)
        given = texts[which.reshape(given.shape)]
        return [given[:, j] for j in range(n_models)]
    if name == "mbpp":
        texts = np.array([repr(["def solve(x):\n    return x"]), repr(["def solve(x):\n    return None"])],
                         dtype=object)
        return [texts[(scores[:, j] < 1.0).astype(int)] for j in range(n_models)]
    texts = np.array([repr([f"Answer of quality {k}/10.", "Revised answer."]) for k in range(11)],
                     dtype=object)
    return [texts[np.rint(scores[:, j] * 10).astype(int)] for j in range(n_models)]


def _add_quirks(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Reproduce the real pickles' quirks (see :func:`~routerbench_utils.embedded_routerbench`)."""
    df = df.copy()
    score_cols = list(MODELS)
    arc = np.flatnonzero(df["eval_name"].to_numpy() == "arc-challenge")
    split_rows = np.sort(rng.choice(arc, size=min(14, len(arc)), replace=False))
    gpt35 = "gpt-3.5-turbo-1106"
    others = [m for m in MODELS if m != gpt35]
    # As in the 5-shot file: the extra row scores only GPT-3.5, the original row the other ten; both rows
    # carry a cost for every model, the extra row's about twice as dear, and its prompt differs slightly.
    extra = df.loc[split_rows].copy()
    extra[others + [m + "|model_response" for m in others]] = np.nan
    # Each model's cost on the row that scores it is the true one, so a correct merge restores the data.
    other_costs = [m + "|total_cost" for m in others]
    extra[other_costs] = extra[other_costs].to_numpy() * rng.uniform(1.8, 2.2, size=(len(extra), len(others)))
    extra["prompt"] = extra["prompt"].map(lambda p: p[:-2] + " ']" if p.endswith("']") else p + " ")
    df.loc[split_rows, [gpt35, gpt35 + "|model_response"]] = np.nan
    df.loc[split_rows, gpt35 + "|total_cost"] *= rng.uniform(0.45, 0.55, size=len(split_rows))
    # The GPT-3.5-only row comes first for half of the ids (the official code keeps whichever is first).
    first = rng.permutation(len(split_rows)) < len(split_rows) // 2
    extra.index = split_rows + np.where(first, -0.5, 0.5)
    # Three NaN scores, in HellaSwag as in the real files, or in the first other dataset present.
    dataset = df["eval_name"].map(dataset_of).to_numpy()
    present = [d for d in ("hellaswag", *DATASETS) if (dataset == d).any()]
    candidates = np.setdiff1d(np.flatnonzero(dataset == present[0]), split_rows)
    nan_rows = rng.choice(candidates, size=min(3, len(candidates)), replace=False)
    df.loc[nan_rows, "mistralai/mistral-7b-chat"] = np.nan
    outside = df.iloc[:5].copy()
    outside["eval_name"] = "extra-task"
    outside["sample_id"] = [f"extra-task.test.{k}" for k in range(len(outside))]
    df = pd.concat([df, extra]).sort_index()
    df = pd.concat([df, outside], ignore_index=True)
    for column in score_cols:  # the pickles often store scores as text
        df[column] = df[column].map(lambda v: None if pd.isna(v) else str(v)).astype(object)
    return df


def calibration_table(df: pd.DataFrame) -> pd.DataFrame:
    """Achieved vs target figures of a (clean, full-size) frame: one row per dataset, model, quantity.

    Quantities: ``score`` (mean score), ``cost`` (mean USD per query, where measured),
    ``oracle`` (the Oracle's mean score) and ``no_model_correct`` (count of prompts). Columns
    ``target``, ``achieved``, ``error`` (achieved - target; relative for cost) and ``source``
    (``measured``, ``third-party`` or ``approximate``):

    .. math:: \\mathrm{error} = \\hat x - x^* \\quad \\text{(cost: } (\\hat x - x^*) / x^* \\text{)}.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Clean wide rows (e.g. :func:`routerbench_utils.load`); only the paper's seven datasets are
        compared, each on the models of :data:`routerbench_utils.catalog.MODELS` it holds. Compare a
        full-size frame: the targets are full-data figures.

    Returns
    -------
    DataFrame
        Columns ``dataset``, ``model`` (``"Oracle"`` for the Oracle's rows), ``quantity``, ``target``,
        ``achieved``, ``source``, ``error``; no rows for a dataset absent from ``df``.

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column.
    """
    dataset = dataset_column(df)
    rows = []
    for name in DATASETS:
        part = df[dataset.to_numpy() == name]
        if len(part) == 0:
            continue
        source = TARGET_SOURCE[name]
        names = [m for m in MODELS if m in models(part)]
        for m in names:
            rows.append((name, m, "score", SCORE_TARGETS[name][m], part[m].mean(), source))
            if name in COST_TARGETS:
                rows.append((name, m, "cost", COST_TARGETS[name][m], part[m + "|total_cost"].mean(), source))
        best = score_matrix(part, names).max(axis=1)
        rows.append((name, "Oracle", "oracle", ORACLE_TARGETS[name], best.mean(), source))
        if name in NO_MODEL_CORRECT_TARGETS:
            rows.append((name, "Oracle", "no_model_correct", NO_MODEL_CORRECT_TARGETS[name],
                         float((best == 0).sum()), source))
    table = pd.DataFrame(rows, columns=["dataset", "model", "quantity", "target", "achieved", "source"])
    relative = table["quantity"] == "cost"
    diff = table["achieved"] - table["target"]
    table["error"] = np.where(relative, diff / table["target"], diff)
    return table


def correct_count_table(df: pd.DataFrame) -> pd.DataFrame:
    """How many models answer each prompt correctly, against the target shape: one row per dataset
    present and count ``models_correct`` (0 to 11).

    "Correct" is the full score (1; for GSM8K full credit, for MT-Bench a judge's 10 out of 10). Columns
    ``prompts`` (with that many models correct), ``achieved`` (their share), ``target`` (share in the
    real rows where ``source`` is ``measured``, an assumed share where ``assumed``, NaN for a dataset
    outside the paper's seven) and ``source``. Counts use the models present, so compare a frame with
    all 11 models. :func:`routerbench_utils.embedded.shape_table` sums it up per dataset.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Clean wide rows (scores numeric).

    Returns
    -------
    DataFrame
        Columns ``dataset``, ``models_correct``, ``prompts``, ``achieved``, ``target``, ``source``: one
        row per dataset present and count from 0 to the number of models (at least 0 to 11); counts
        above 11, possible only with more than eleven models, have no target (NaN).

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column.
    """
    dataset = dataset_column(df).to_numpy()
    rows = []
    for name in pd.unique(dataset):
        part = df[dataset == name]
        correct = (score_matrix(part, models(part)) >= 1.0).sum(axis=1)
        counts = np.bincount(correct, minlength=len(MODELS) + 1)
        # The targets cover 0 to 11 models correct; a frame with more models also gets its higher
        # counts, with no target (NaN), rather than losing them.
        target = np.full(len(counts), np.nan)
        if name in CORRECT_SHARES:
            known = np.asarray(CORRECT_SHARES[name], dtype=float)
            target[:len(known)] = known / known.sum()
        source = CORRECT_SOURCE.get(name, "none")
        rows += [(name, k, int(c), c / len(part), t, source)
                 for k, (c, t) in enumerate(zip(counts, target))]
    return pd.DataFrame(rows, columns=["dataset", "models_correct", "prompts", "achieved", "target",
                                       "source"])


def oracle_pick_table(df: pd.DataFrame) -> pd.DataFrame:
    """The Oracle's pick shares against the shares measured on real rows, for the measured datasets
    present: one row per dataset and pick (the six models reported, ``no_model_correct``, and the
    other five models together, whose shares were reported only as the rest). Columns ``dataset``,
    ``pick``, ``target``, ``achieved`` and ``error`` (achieved - target). Picks are recomputed from
    the scores and costs (best score, the cheapest among ties).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Clean wide rows holding every model of :data:`routerbench_utils.catalog.MODELS`.

    Returns
    -------
    DataFrame
        Eight rows per measured dataset present (ARC-Challenge, MBPP, Winogrande); empty when none is.

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column or lacks a model's score or cost column.
    """
    dataset = dataset_column(df).to_numpy()
    labels = oracle_labels(df, list(MODELS))
    rows = []
    for name in [d for d in DATASETS if d in ORACLE_PICK_SHARES and (dataset == d).any()]:
        picked = pd.Series(labels[dataset == name]).value_counts(normalize=True)
        shares = picked.reindex(list(MODELS) + [NO_MODEL_CORRECT]).fillna(0.0).to_numpy()
        errors = _pick_errors(name, shares)
        measured = dict(ORACLE_PICK_SHARES[name])
        measured[_OTHER_PICKS] = 1.0 - sum(ORACLE_PICK_SHARES[name].values())
        rows += [(name, k, measured[k], measured[k] + e, e) for k, e in errors.items()]
    return pd.DataFrame(rows, columns=["dataset", "pick", "target", "achieved", "error"])


def shape_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per dataset present with a target shape: ``tv``, the total-variation distance between the
    achieved and target shares of prompts by number of models correct (half the sum of absolute
    differences: 0 same shape, 1 disjoint), and for measured datasets the worst Oracle pick-share error
    (``worst_pick``, ``pick_error``; NaN where no pick shares were measured). Columns ``dataset``,
    ``source``, ``prompts``, ``tv``, ``worst_pick``, ``pick_error``:

    .. math:: \\mathrm{TV} = \\frac{1}{2} \\sum_{k=0}^{11} \\big|\\hat p_k - p^*_k\\big|,

    with :math:`\\hat p_k` and :math:`p^*_k` the achieved and target shares of prompts that exactly
    :math:`k` models answer correctly (:func:`routerbench_utils.embedded.correct_count_table`).

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    df : DataFrame
        Clean wide rows holding every model of :data:`routerbench_utils.catalog.MODELS`.

    Returns
    -------
    DataFrame
        One row per dataset present with a target shape (the paper's seven).

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``eval_name`` column or lacks a model's score or cost column.
    """
    counts = correct_count_table(df)
    counts = counts[counts["target"].notna()]
    picks = oracle_pick_table(df)
    rows = []
    for name, part in counts.groupby("dataset", sort=False):
        tv = 0.5 * float((part["achieved"] - part["target"]).abs().sum())
        mine = picks[picks["dataset"] == name]
        worst = mine.loc[mine["error"].abs().idxmax()] if len(mine) else None
        rows.append((name, part["source"].iloc[0], int(part["prompts"].sum()), tv,
                     worst["pick"] if worst is not None else None,
                     float(worst["error"]) if worst is not None else np.nan))
    return pd.DataFrame(rows, columns=["dataset", "source", "prompts", "tv", "worst_pick", "pick_error"])
