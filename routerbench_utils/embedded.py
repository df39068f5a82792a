"""The embedded synthetic RouterBench: a seeded generator with the real schema (DESIGN.md section 4).

No machine here can download the real files, so the book runs by default on data generated from a
latent-variable model calibrated to figures measured on real RouterBench rows. For a prompt ``i`` of
topic ``t_i`` and model ``m`` the latent margin is

.. math:: u_{im} = a_m + s_{m, t_i} - \\beta z_i + e_{im}, \\qquad z_i, e_{im} \\sim N(0, 1),

where ``z_i`` is the prompt's difficulty (shared by all models, so scores are correlated), ``s`` are the
models' per-topic strengths (fixed per dataset, so part of who-wins is predictable from the topic), and
``e`` is model-specific luck (unpredictable). The score is a monotone function of ``u``: ``1[u > 0]``
for exact-match tasks, quarters for GSM8K's partial credit, a 1-10 judge score for MT-Bench.
The offsets ``a_m`` are solved so each model's mean score hits its target exactly on the drawn
prompts, and ``beta`` is solved by bisection so the Oracle's mean score hits its target.
Costs are token counts times the price table; prompt text reveals topic and, through extra clauses,
part of the difficulty.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _lexicon as lex
from .catalog import (COST_TARGETS, DATASETS, MMLU_SUBJECTS, MODELS, NO_MODEL_CORRECT,
                      NO_MODEL_CORRECT_TARGETS, ORACLE_TARGETS, PRICES_PER_MTOK, PROMPT_COUNTS,
                      SCORE_TARGETS, TARGET_SOURCE, dataset_of)
from .errors import RouterBenchDataError
from .latency import latency_seconds

_WORLD_SEED = 20240318  # fixes the models' per-topic strengths: the "world" every seed samples from


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


def embedded_routerbench(seed: int = 0, scale: float = 1.0, quirks: bool = False,
                         latency: bool = False, datasets: Sequence[str] | None = None) -> pd.DataFrame:
    """Generate the synthetic RouterBench in the real wide schema.

    Parameters
    ----------
    seed : int
        Seed of every random draw (prompts, difficulties, luck, token counts); the models' per-topic
        strengths are fixed, so seeds differ like two samples of prompts from one population.
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
        stream, so its rows are the same as in the full data of that seed and scale.

    Returns
    -------
    DataFrame with ``sample_id``, ``prompt`` and responses as the ``repr`` of a list of turns,
    ``eval_name``, per model ``<model>``, ``<model>|model_response``, ``<model>|total_cost``, and
    ``oracle_model_to_route_to``. Pass it through :func:`routerbench_utils.repair` (as
    :func:`routerbench_utils.load` does) for plain-text prompts.

    Examples
    --------
    >>> df = embedded_routerbench(seed=0, scale=0.05)
    >>> sorted(df["eval_name"].map(dataset_of).unique())[:3]  # doctest: +SKIP
    ['arc-challenge', 'grade-school-math', 'hellaswag']
    """
    if not np.isfinite(scale) or not 0.0 < scale <= 1.0:
        raise RouterBenchDataError(f"scale: expected a fraction in (0, 1], got {scale!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RouterBenchDataError(f"seed: expected a non-negative integer, got {seed!r}")
    chosen = list(DATASETS) if datasets is None else list(datasets)
    unknown = [d for d in chosen if d not in DATASETS]
    if unknown or not chosen:
        raise RouterBenchDataError(f"datasets: expected a non-empty list of {list(DATASETS)}, got {datasets!r}")
    parts = [_generate(name, DATASETS.index(name), int(seed), float(scale), latency) for name in chosen]
    df = pd.concat(parts, ignore_index=True)
    if quirks:
        df = _add_quirks(df, np.random.default_rng([int(seed), 99]))
    return df


def _generate(name: str, index: int, seed: int, scale: float, latency: bool = False) -> pd.DataFrame:
    spec = _SPECS[name]
    rng = np.random.default_rng([seed, index])
    world = np.random.default_rng([_WORLD_SEED, index])
    topics, eval_names = _topics(name, scale, rng)
    n, n_topics = len(topics), int(topics.max()) + 1
    strengths = world.normal(0.0, spec.topic_sd, size=(n_topics, len(MODELS)))
    if name == "mmlu":  # models also differ by MMLU area (STEM, humanities, ...), not only by subject
        areas = np.array([sorted(lex.MMLU_AREAS).index(lex.MMLU_AREA_OF.get(s, "other"))
                          for s in MMLU_SUBJECTS])
        strengths += world.normal(0.0, 0.35, size=(4, len(MODELS)))[areas]
    difficulty = rng.standard_normal(n)
    luck = rng.standard_normal((n, len(MODELS)))
    scores = _calibrated_scores(name, strengths[topics] + luck, difficulty)
    costs, out_tokens = _costs(name, n, rng)
    answers = rng.integers(0, max(spec.choices, 1), size=n)
    prompts = _prompts(name, topics, difficulty, answers, rng)
    frame = {"sample_id": _sample_ids(eval_names, spec.split), "prompt": prompts, "eval_name": eval_names}
    responses = _responses(name, scores, answers, rng)
    for j, model in enumerate(MODELS):
        frame[model] = scores[:, j]
        frame[model + "|model_response"] = responses[j]
        frame[model + "|total_cost"] = costs[:, j]
    choice = _oracle_index(scores, costs)
    frame["oracle_model_to_route_to"] = np.array(list(MODELS) + [NO_MODEL_CORRECT], dtype=object)[choice]
    if latency:  # drawn last, so the other columns do not depend on this option
        seconds = latency_seconds(out_tokens, list(MODELS), rng)
        for j, model in enumerate(MODELS):
            frame[model + "|latency"] = seconds[:, j]
    return pd.DataFrame(frame)


def _oracle_index(scores: np.ndarray, costs: np.ndarray) -> np.ndarray:
    from .data import oracle_choice  # one definition of the Oracle's tie-breaking

    return oracle_choice(scores, costs)


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


def _calibrated_scores(name: str, base: np.ndarray, difficulty: np.ndarray) -> np.ndarray:
    """Scores whose per-model means and Oracle mean hit the targets (see the module docstring)."""
    scorer = _SCORERS[_SPECS[name].scoring]
    targets = np.array([SCORE_TARGETS[name][m] for m in MODELS])

    def scores_at(beta: float) -> np.ndarray:
        margins = base - beta * difficulty[:, None]
        return scorer(margins + _offsets(margins, targets, scorer, _SPECS[name].scoring == "binary"))

    # The Oracle's mean falls as beta (shared difficulty, hence correlation) grows: bisect on beta.
    low, high = 0.0, 8.0
    for _ in range(24):
        mid = 0.5 * (low + high)
        if scores_at(mid).max(axis=1).mean() > ORACLE_TARGETS[name]:
            low = mid
        else:
            high = mid
    return scores_at(0.5 * (low + high))


def _offsets(margins: np.ndarray, targets: np.ndarray, scorer: Callable[[np.ndarray], np.ndarray],
             binary: bool) -> np.ndarray:
    """Per-model offsets ``a`` with ``mean(scorer(margins + a)) == targets`` (to the nearest prompt)."""
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


def _pick(rng: np.random.Generator, words: list[str], size: tuple[int, ...]) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), size=size)]


def _prompts(name: str, topics: np.ndarray, difficulty: np.ndarray, answers: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """Template prompts: topic words reveal the topic, extra clauses grow with difficulty."""
    n = len(topics)
    if name == "mmlu":
        subjects = list(MMLU_SUBJECTS)
        vocab = [lex.MMLU_AREAS[lex.MMLU_AREA_OF.get(s, "other")] + s.split("-") for s in subjects]
        headers = [f"The following are multiple choice questions (with answers) about {s.replace('-', ' ')}."
                   for s in subjects]
    else:
        topic_names = list(lex.TOPICS[name])
        vocab = [lex.TOPICS[name][t] for t in topic_names]
        headers = [t for t in topic_names]
    # Between 0 and 6 extra clauses, more for harder prompts.
    n_clauses = np.minimum(6, rng.poisson(1.1 * np.exp(0.7 * difficulty)))
    word_draws = rng.random((n, 6))
    filler = _pick(rng, lex.FILLER, (n, 2))
    clause_draws = rng.integers(0, len(lex.HARD_CLAUSES), size=(n, 6))
    names = _pick(rng, ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jade"], (n, 2))
    numbers = rng.integers(2, 60, size=(n, 2))
    out = np.empty(n, dtype=object)
    for i in range(n):
        words = vocab[topics[i]]
        w = [words[int(x * len(words))] for x in word_draws[i]]
        clauses = "".join(", " + lex.HARD_CLAUSES[c] for c in clause_draws[i, : n_clauses[i]])
        options = "\n".join(f"{'ABCD'[k]}. {w[2 + k]}" for k in range(4))
        if name == "mmlu":
            turns = [f"{headers[topics[i]]}\n\n{filler[i, 0].capitalize()} statement about the {w[0]} and "
                     f"the {w[1]} is {filler[i, 1]}{clauses}?\n{options}\nAnswer:"]
        elif name == "arc-challenge":
            turns = [f"Question: A class studies the {w[0]} and the {w[1]} ({headers[topics[i]]}). "
                     f"Which {filler[i, 0]} explanation is {filler[i, 1]}{clauses}?\n{options}\nAnswer:"]
        elif name == "hellaswag":
            turns = [f"{headers[topics[i]].capitalize()}: {names[i, 0]} {w[0]} the {w[1]}{clauses}. Then, "
                     f"{names[i, 0]}...\n{options}\nAnswer:"]
        elif name == "winogrande":
            turns = [f"{names[i, 0]} liked the {w[0]} more than {names[i, 1]} liked the {w[1]}{clauses}, "
                     f"so _ talked about the {w[2]}.\nOption 1: {names[i, 0]}\nOption 2: {names[i, 1]}\n"
                     f"Answer:"]
        elif name == "grade-school-math":
            turns = [f"{names[i, 0]} has {numbers[i, 0]} {w[0]} and gets {numbers[i, 1]} more {w[1]} each "
                     f"{w[2]}{clauses}. How many {w[0]} does {names[i, 0]} have after {w[3]}?"]
        elif name == "mbpp":
            turns = [f"Write a python function to find the {w[0]} of the {w[1]} in a given {w[2]}{clauses}.\n"
                     f"Your code should pass these tests:\nassert solve({numbers[i, 0]}) == {numbers[i, 1]}"]
        else:  # mtbench: two turns
            turns = [f"[{headers[topics[i]]}] Write about the {w[0]} and the {w[1]} for a {w[2]} "
                     f"audience{clauses}.", f"Now revise your answer so that it also covers the {w[3]}."]
        out[i] = repr(turns)
    # Templates can collide; real benchmarks hold distinct prompts, so number the rare repeats.
    repeat = pd.Series(out).groupby(out).cumcount().to_numpy()
    for i in np.flatnonzero(repeat):
        out[i] = out[i][:-2] + f" (variant {repeat[i]})" + out[i][-2:]
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
        return [np.array([repr([f"Working step by step, the answer is {v}."]) for v in given[:, j]],
                         dtype=object) for j in range(n_models)]
    if name == "mbpp":
        texts = np.array([repr(["def solve(x):\n    return x"]), repr(["def solve(x):\n    return None"])],
                         dtype=object)
        return [texts[(scores[:, j] < 1.0).astype(int)] for j in range(n_models)]
    texts = np.array([repr([f"Answer of quality {k}/10.", "Revised answer."]) for k in range(11)],
                     dtype=object)
    return [texts[np.rint(scores[:, j] * 10).astype(int)] for j in range(n_models)]


def _add_quirks(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Reproduce the real pickles' quirks (see :func:`embedded_routerbench`)."""
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
    (``measured``, ``third-party`` or ``approximate``).
    """
    from .data import dataset_column, models, score_matrix

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
