"""Fixed facts of RouterBench: the 11 models, their prices, the seven datasets and the targets.

Everything here is data, not logic. The targets are the figures of DESIGN.md section 4: ARC-Challenge,
MBPP and Winogrande were measured on real RouterBench rows (5-shot file), GSM8K scores come from a
third party's measurement of the 0-shot file, and MMLU, HellaSwag and MT-Bench are approximations.
"""
from __future__ import annotations

from types import MappingProxyType

from .errors import RouterBenchDataError

#: The 11 models of RouterBench, in the order the paper lists them.
MODELS: tuple[str, ...] = (
    "gpt-4-1106-preview",
    "gpt-3.5-turbo-1106",
    "claude-v2",
    "claude-v1",
    "claude-instant-v1",
    "meta/llama-2-70b-chat",
    "mistralai/mixtral-8x7b-chat",
    "zero-one-ai/Yi-34B-Chat",
    "WizardLM/WizardLM-13B-V1.2",
    "meta/code-llama-instruct-34b-chat",
    "mistralai/mistral-7b-chat",
)

#: Short labels for plots and tables.
SHORT_NAMES = MappingProxyType({
    "gpt-4-1106-preview": "GPT-4",
    "gpt-3.5-turbo-1106": "GPT-3.5",
    "claude-v2": "Claude v2",
    "claude-v1": "Claude v1",
    "claude-instant-v1": "Claude Instant",
    "meta/llama-2-70b-chat": "Llama-2 70B",
    "mistralai/mixtral-8x7b-chat": "Mixtral 8x7B",
    "zero-one-ai/Yi-34B-Chat": "Yi 34B",
    "WizardLM/WizardLM-13B-V1.2": "WizardLM 13B",
    "meta/code-llama-instruct-34b-chat": "Code Llama 34B",
    "mistralai/mistral-7b-chat": "Mistral 7B",
})

#: USD per one million tokens, (input, output), as implied by RouterBench's published costs.
PRICES_PER_MTOK = MappingProxyType({
    "gpt-4-1106-preview": (10.0, 30.0),
    "gpt-3.5-turbo-1106": (1.0, 2.0),
    "claude-v2": (8.0, 24.0),
    "claude-v1": (8.0, 24.0),
    "claude-instant-v1": (0.8, 2.4),
    "meta/llama-2-70b-chat": (0.9, 0.9),
    "mistralai/mixtral-8x7b-chat": (0.6, 0.6),
    "zero-one-ai/Yi-34B-Chat": (0.8, 0.8),
    "WizardLM/WizardLM-13B-V1.2": (0.3, 0.3),
    "meta/code-llama-instruct-34b-chat": (0.776, 0.776),
    "mistralai/mistral-7b-chat": (0.2, 0.2),
})

#: The seven datasets of the paper, keyed as the official code names them.
DATASETS: tuple[str, ...] = (
    "mmlu", "hellaswag", "grade-school-math", "arc-challenge", "winogrande", "mbpp", "mtbench",
)

#: Display names of the datasets.
DATASET_TITLES = MappingProxyType({
    "mmlu": "MMLU", "hellaswag": "HellaSwag", "grade-school-math": "GSM8K",
    "arc-challenge": "ARC-Challenge", "winogrande": "Winogrande", "mbpp": "MBPP",
    "mtbench": "MT-Bench",
})

#: How each dataset is scored.
SCORING = MappingProxyType({
    "mmlu": "exact match of the chosen letter (0 or 1)",
    "hellaswag": "exact match of the chosen ending (0 or 1)",
    "grade-school-math": "judged answer with partial credit (0, 0.25, 0.5, 0.75 or 1)",
    "arc-challenge": "exact match of the chosen letter (0 or 1)",
    "winogrande": "exact match of the chosen option (0 or 1)",
    "mbpp": "generated code passes the unit tests (0 or 1)",
    "mtbench": "GPT-4 judge score from 1 to 10, divided by 10",
})

#: The 57 MMLU subjects with the size of their test sets (14,042 questions in all).
MMLU_SUBJECTS = MappingProxyType({
    "abstract-algebra": 100, "anatomy": 135, "astronomy": 152, "business-ethics": 100,
    "clinical-knowledge": 265, "college-biology": 144, "college-chemistry": 100,
    "college-computer-science": 100, "college-mathematics": 100, "college-medicine": 173,
    "college-physics": 102, "computer-security": 100, "conceptual-physics": 235,
    "econometrics": 114, "electrical-engineering": 145, "elementary-mathematics": 378,
    "formal-logic": 126, "global-facts": 100, "high-school-biology": 310,
    "high-school-chemistry": 203, "high-school-computer-science": 100,
    "high-school-european-history": 165, "high-school-geography": 198,
    "high-school-government-and-politics": 193, "high-school-macroeconomics": 390,
    "high-school-mathematics": 270, "high-school-microeconomics": 238, "high-school-physics": 151,
    "high-school-psychology": 545, "high-school-statistics": 216, "high-school-us-history": 204,
    "high-school-world-history": 237, "human-aging": 223, "human-sexuality": 131,
    "international-law": 121, "jurisprudence": 108, "logical-fallacies": 163,
    "machine-learning": 112, "management": 103, "marketing": 234, "medical-genetics": 100,
    "miscellaneous": 783, "moral-disputes": 346, "moral-scenarios": 895, "nutrition": 306,
    "philosophy": 311, "prehistory": 324, "professional-accounting": 282,
    "professional-law": 1534, "professional-medicine": 272, "professional-psychology": 612,
    "public-relations": 110, "security-studies": 245, "sociology": 201,
    "us-foreign-policy": 100, "virology": 166, "world-religions": 171,
})

_M = MODELS
# Per-model mean score per dataset (order of MODELS).
_SCORE_TARGETS = {
    "arc-challenge": (.954, .834, .587, .908, .829, .803, .854, .903, .659, .661, .670),
    "mbpp": (.686, .653, .642, .597, .604, .330, .541, .386, .370, .518, .344),
    "winogrande": (.859, .641, .478, .562, .517, .503, .679, .754, .529, .585, .566),
    "grade-school-math": (.659, .605, .663, .651, .627, .523, .519, .548, .506, .457, .412),
    "mmlu": (.83, .68, .70, .72, .66, .60, .69, .74, .50, .47, .55),
    "hellaswag": (.92, .73, .60, .78, .70, .52, .68, .80, .50, .40, .47),
    "mtbench": (.93, .83, .81, .79, .79, .69, .83, .72, .72, .55, .67),
}
# Per-model mean USD per query, where it was measured on real rows.
_COST_TARGETS = {
    "arc-challenge": (.00503, .00051, .00403, .00402, .00040, .00045, .00030, .00040, .00015, .00039,
                      .00010),
    "mbpp": (.00938, .00034, .00584, .00427, .00048, .00030, .00017, .00023, .00008, .00016, .00005),
    "winogrande": (.00353, .00035, .00283, .00283, .00028, .00032, .00021, .00028, .00011, .00027,
                   .00007),
}

#: Target mean score per (dataset, model).
SCORE_TARGETS = MappingProxyType({d: dict(zip(_M, v)) for d, v in _SCORE_TARGETS.items()})
#: Target mean cost (USD per query) per (dataset, model), where measured.
COST_TARGETS = MappingProxyType({d: dict(zip(_M, v)) for d, v in _COST_TARGETS.items()})
#: Target Oracle mean score per dataset.
ORACLE_TARGETS = MappingProxyType({
    "arc-challenge": .987, "mbpp": .867, "winogrande": .999, "grade-school-math": .93,
    "mmlu": .95, "hellaswag": .97, "mtbench": .98,
})
#: Prompts per dataset in the full-size data.
PROMPT_COUNTS = MappingProxyType({
    "mmlu": 14042, "hellaswag": 10042, "grade-school-math": 7450, "arc-challenge": 1470,
    "winogrande": 1267, "mbpp": 427, "mtbench": 80,
})
#: Prompts on which no model is correct, where measured.
NO_MODEL_CORRECT_TARGETS = MappingProxyType({"arc-challenge": 19, "mbpp": 57, "winogrande": 1})
#: Where each target comes from: "measured" on real rows, "third-party" or "approximate".
TARGET_SOURCE = MappingProxyType({
    "arc-challenge": "measured", "mbpp": "measured", "winogrande": "measured",
    "grade-school-math": "third-party (scores only)", "mmlu": "approximate",
    "hellaswag": "approximate", "mtbench": "approximate",
})

#: The label the real files use when every model scores 0 on a prompt.
NO_MODEL_CORRECT = "no_model_correct"

#: How many of the 11 models answer each prompt correctly: the number of prompts on which 0, 1, ..., 11
#: models score 1, counted on real RouterBench rows (5-shot file; DESIGN.md section 4). This joint shape
#: decides how cascades and the Oracle behave; the means above do not fix it.
CORRECT_COUNTS = MappingProxyType({
    "arc-challenge": (19, 25, 27, 32, 39, 56, 74, 114, 130, 168, 316, 470),
    "mbpp": (57, 24, 31, 33, 24, 25, 35, 36, 38, 35, 44, 45),
    "winogrande": (1, 6, 7, 74, 114, 135, 222, 256, 213, 145, 88, 6),
})
#: Assumed shapes (share of prompts with 0, 1, ..., 11 models at full score) for the datasets without
#: measured rows. Not measurements: each is the population shape of the generator's model with loadings
#: borrowed from the measured dataset of the same kind of task (see ``embedded._SHAPES``): four-option
#: knowledge and commonsense questions (MMLU, HellaSwag) take ARC-Challenge's, free-form answers judged
#: for correctness (GSM8K's full credit, MT-Bench's 10 out of 10) take MBPP's, at the dataset's own mean
#: scores and Oracle score.
ASSUMED_CORRECT_SHARES = MappingProxyType({
    "mmlu": (0.0500, 0.0399, 0.0434, 0.0491, 0.0558, 0.0636,
             0.0726, 0.0834, 0.0966, 0.1140, 0.1398, 0.1916),
    "hellaswag": (0.0300, 0.0343, 0.0419, 0.0516, 0.0626, 0.0743,
                  0.0866, 0.0993, 0.1120, 0.1247, 0.1368, 0.1459),
    "grade-school-math": (0.0876, 0.0515, 0.0751, 0.1003, 0.1193, 0.1283,
                          0.1259, 0.1124, 0.0900, 0.0624, 0.0347, 0.0124),
    "mtbench": (0.0868, 0.1138, 0.1754, 0.2021, 0.1784, 0.1251,
                0.0708, 0.0323, 0.0116, 0.0031, 0.0006, 0.0001),
})
#: Target share of prompts with 0, 1, ..., 11 models at full score, per dataset (measured or assumed).
CORRECT_SHARES = MappingProxyType({
    **{d: tuple(c / sum(v) for c in v) for d, v in CORRECT_COUNTS.items()},
    **ASSUMED_CORRECT_SHARES,
})
#: Where each shape comes from: "measured" on real rows or "assumed".
CORRECT_SOURCE = MappingProxyType({d: "measured" if d in CORRECT_COUNTS else "assumed"
                                   for d in DATASETS})
#: Share of prompts the Oracle routes to each model on real RouterBench rows (5-shot file; DESIGN.md
#: section 4). Only these six models and ``no_model_correct`` were reported; the other five models
#: (Claude v1, v2 and Instant, Llama-2 70B, Yi 34B) take the rest together.
ORACLE_PICK_SHARES = MappingProxyType({
    d: MappingProxyType(dict(zip(
        ("mistralai/mistral-7b-chat", "mistralai/mixtral-8x7b-chat", "WizardLM/WizardLM-13B-V1.2",
         "meta/code-llama-instruct-34b-chat", "gpt-3.5-turbo-1106", "gpt-4-1106-preview",
         NO_MODEL_CORRECT), v)))
    for d, v in {
        "arc-challenge": (.670, .129, .114, .012, .001, .010, .013),
        "mbpp": (.333, .124, .133, .115, .068, .021, .133),
        "winogrande": (.566, .094, .275, .033, .000, .000, .001),
    }.items()
})

#: How routers behaved on real RouterBench rows (ARC-Challenge, MBPP, Winogrande of the 5-shot file):
#: AIQ minus the Zero router's AIQ, and the judge error rate at which the cascade's edge over the Zero
#: router is gone. Measured figures, kept as data for comparison; the protocol they were measured with
#: is :data:`REAL_ROUTER_PROTOCOL`.
REAL_ROUTER_FINDINGS = MappingProxyType({
    "KNN k=40 vs Zero": {"arc-challenge": -0.003, "mbpp": -0.002, "winogrande": -0.02},
    "Cascade e=0 vs Zero": {"arc-challenge": 0.03, "mbpp": 0.15, "winogrande": 0.17},
    "Cascade edge gone at error": {"arc-challenge": 0.05, "mbpp": 0.2, "winogrande": 0.4},
})

#: The protocol of :data:`REAL_ROUTER_FINDINGS`: what a computation must fix to be comparable with them.
#: ``embedding_dimension`` is the TF-IDF + truncated SVD width (``rbu.embed.TfidfSvdEmbedder(n_components=...)``;
#: the package's default is 100); the willingness-to-pay grid is the official list
#: (:data:`routerbench_utils.routers.WTP_GRID`); the cascade's figures use the official budgets and error
#: rates; the AIQ difference is a point estimate on the test split (no resampling), one judge seed (0).
REAL_ROUTER_PROTOCOL = MappingProxyType({
    "split": "official (70 % train / 30 % test per dataset, numpy seed 42)",
    "embedding": "TF-IDF + truncated SVD, fitted on the training prompts",
    "embedding_dimension": 256,
    "k": 40,
    "grid": "official willingness-to-pay list (32 values); official budgets and judge error rates",
    "aiq": "AIQ minus the Zero router's over the models' cost range on the test split; the cascade's "
           "in the official code's variant",
    "seeds": "SVD random_state 0; cascade judge seed 0 (one draw)",
})


def dataset_of(eval_name: str) -> str:
    """Map an ``eval_name`` to its dataset: ``'mmlu-anatomy'`` -> ``'mmlu'``, ``'mtbench...'`` -> ``'mtbench'``.

    ``'mmlu'`` and every ``'mmlu-<subject>'`` map to ``'mmlu'``, every name starting with ``'mtbench'``
    to ``'mtbench'`` (the files spell MT-Bench's name in several ways); any other name, including names
    outside the paper's seven datasets, is returned unchanged.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    eval_name : str
        The ``eval_name`` of a row, e.g. ``'mmlu-high-school-physics'``.

    Returns
    -------
    str
        The dataset key (one of :data:`routerbench_utils.catalog.DATASETS` for the paper's datasets).

    Raises
    ------
    RouterBenchDataError
        If ``eval_name`` is not a string (e.g. NaN).

    Examples
    --------
    >>> dataset_of("mmlu-high-school-physics"), dataset_of("arc-challenge")
    ('mmlu', 'arc-challenge')
    """
    if not isinstance(eval_name, str):
        raise RouterBenchDataError(f"eval_name: expected a string, got {eval_name!r}")
    if eval_name == "mmlu" or eval_name.startswith("mmlu-"):
        return "mmlu"
    if eval_name.startswith("mtbench"):  # the files spell MT-Bench's name in several ways
        return "mtbench"
    return eval_name


def short_name(model: str) -> str:
    """The short display label of a model, e.g. ``'gpt-4-1106-preview'`` -> ``'GPT-4'``.

    Labels come from :data:`routerbench_utils.catalog.SHORT_NAMES`; a model not listed there (one of
    your own) keeps its full name, so tables and plots never fail on an unknown model.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    model : str
        A model name as it appears in the data's columns.

    Returns
    -------
    str
        The short label, or ``model`` itself when it has none.

    Examples
    --------
    >>> short_name("mistralai/mixtral-8x7b-chat"), short_name("my-model")
    ('Mixtral 8x7B', 'my-model')
    """
    if not isinstance(model, str):
        raise RouterBenchDataError(f"model: expected a model name as text, got {type(model).__name__}")
    return SHORT_NAMES.get(model, model)
