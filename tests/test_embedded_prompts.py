"""The embedded prompts read like each benchmark's questions, and their text feeds no other column."""
import ast
import re

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import _lexicon as lex
from routerbench_utils.catalog import MODELS, MMLU_SUBJECTS


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return rbu.embedded_routerbench(random_state=0, scale=0.3)


def _part(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    part = raw[raw["eval_name"].map(rbu.catalog.dataset_of) == name].copy()
    part["turns"] = part["prompt"].map(ast.literal_eval)
    part["text"] = part["turns"].map(lambda turns: "\n".join(turns))
    return part


def _key(part: pd.DataFrame) -> pd.Series:
    """The right option of each prompt that some model answers correctly: that model's response."""
    scores = part[list(MODELS)].to_numpy()
    responses = part[[m + "|model_response" for m in MODELS]].to_numpy()
    rows = np.flatnonzero((scores >= 1.0).any(axis=1))
    first = (scores[rows] >= 1.0).argmax(axis=1)
    letters = [ast.literal_eval(responses[r, j])[0] for r, j in zip(rows, first)]
    return pd.Series(letters, index=part.index[rows])


def _options(text: str) -> dict[str, str]:
    return dict(re.findall(r"^([ABCD])\. (.*)$", text, flags=re.M))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def test_every_prompt_is_clean_text(raw):
    assert raw["prompt"].is_unique
    texts = pd.Series([t for p in raw["prompt"] for t in ast.literal_eval(p)])
    assert texts.str.match(r"^[A-Z]").all()  # every turn starts as a sentence
    # no doubled space or stray punctuation, no unfilled slot (the asserts' literals aside)
    prose = texts.str.replace(r"\nassert .*$", "", regex=True)
    for bad in ("  ", " ,", ",,", " .", ". .", "{", "}", "?.", ",."):
        hits = prose[prose.str.contains(bad, regex=False)]
        assert hits.empty, (bad, hits.iloc[0] if len(hits) else None)


@pytest.mark.parametrize("name", ["mmlu", "arc-challenge", "hellaswag"])
def test_multiple_choice_has_four_distinct_options_of_one_role(raw, name):
    part = _part(raw, name)
    options = part["text"].map(_options)
    assert (options.map(len) == 4).all() and (options.map(lambda o: len(set(o.values()))) == 4).all()
    assert part["text"].str.endswith("\nAnswer:").all()
    for (_, row), opts in zip(part.iterrows(), options):
        if name == "mmlu":  # all four are terms of the subject, or all four its descriptions
            subject = row["eval_name"].removeprefix("mmlu-")
            terms = {_cap(t) for t, _ in lex.MMLU_TERMS[subject]}
            descriptions = {_cap(d) for _, d in lex.MMLU_TERMS[subject]}
            assert set(opts.values()) <= terms or set(opts.values()) <= descriptions, row["text"]
        elif name == "arc-challenge":  # causes of one area, which the question's situation belongs to
            area = next(r["pairs"] for r in lex.TOPICS[name].values()
                        if any(s in row["text"] for _, s in r["pairs"]))
            assert set(opts.values()) <= {_cap(c) for c, _ in area}, row["text"]
        else:  # steps of the activities of the label's topic
            label = row["text"].split(":")[0]
            topic = next(r for r in lex.TOPICS[name].values() if label in [a for a, _ in r["activities"]])
            steps = {s + "." for _, activity in topic["activities"] for s in activity}
            assert set(opts.values()) <= steps, row["text"]


@pytest.mark.parametrize("name", ["mmlu", "arc-challenge", "hellaswag", "winogrande"])
def test_the_right_option_is_where_the_answer_key_says(raw, name):
    """The option that the models scoring 1 give is the one the question's wording makes right."""
    part = _part(raw, name)
    key = _key(part)
    assert len(key) > 0.5 * len(part)
    for index, letter in key.items():
        text = part.at[index, "text"]
        if name == "winogrande":  # the blank is the name the ending points to
            sentence = text.split("\n")[0]
            body, to_first, to_second = next(f for r in lex.TOPICS[name].values() for f in r["frames"]
                                             if sentence.endswith((f" {f[1]}.", f" {f[2]}.")))
            named = dict(re.findall(r"^Option ([12]): (.*)$", text, flags=re.M))
            first_in_sentence = min(named.values(), key=sentence.index)
            blank = first_in_sentence if sentence.endswith(f" {to_first}.") else \
                next(v for v in named.values() if v != first_in_sentence)
            assert named[letter] == blank, text
            continue
        chosen = _options(text)[letter]
        if name == "mmlu":
            pairs = lex.MMLU_TERMS[part.at[index, "eval_name"].removeprefix("mmlu-")]
            assert any(f"best describes {t}," in text or f"best describes {t}?" in text
                       for t, d in pairs if _cap(d) == chosen) or \
                any(f"refers to {d}," in text or f"refers to {d}?" in text for t, d in pairs if _cap(t) == chosen), text
        elif name == "arc-challenge":
            pairs = [p for r in lex.TOPICS[name].values() for p in r["pairs"]]
            assert any(_cap(c) == chosen and s in text for c, s in pairs), text
        else:
            steps = [s for r in lex.TOPICS[name].values() for _, a in r["activities"] for s in a]
            context = re.match(r"^[^:]+: \w+ (.*?)(?:, [^.]*)?\. Then", text).group(1)
            assert steps[steps.index(context) + 1] + "." == chosen, text


def test_word_problems_have_a_number_an_item_and_a_question(raw):
    part = _part(raw, "grade-school-math")
    items = {item for r in lex.TOPICS["grade-school-math"].values() for item, _ in r["items"]}
    assert part["text"].str.contains(r"\d").all()
    assert part["text"].str.endswith("?").all()
    assert part["text"].map(lambda t: any(f" {item}" in t for item in items)).all()
    # a name of the list, and more sentences (steps) where no model gets full credit than where all do
    first_word = part["text"].str.extract(r"^(\w+)")[0]
    assert first_word.isin([*lex.NAMES, "A", "Each", "The", "To"]).all()
    mean = part[list(MODELS)].mean(axis=1)
    sentences = part["text"].str.count(r"[.?] ")
    assert sentences[mean < 0.2].mean() > sentences[mean > 0.9].mean() + 0.3


def test_coding_tasks_carry_a_true_assert(raw):
    part = _part(raw, "mbpp")
    assert part["text"].str.startswith("Write a python function to ").all()
    for text in part["text"]:
        task = text.split("\n")[0]
        test = text.split("\n")[-1]
        assert test.startswith("assert ")
        function = re.match(r"assert (\w+)\(", test).group(1)
        solve = next(s for r in lex.TOPICS["mbpp"].values() for t, f, _, s in r["tasks"] if f == function)
        assert any(task.startswith(f"Write a python function to {t}") for r in lex.TOPICS["mbpp"].values()
                   for t, f, _, _ in r["tasks"] if f == function)
        exec(test, {function: solve, "__builtins__": __builtins__})  # raises AssertionError if false


def test_two_turns_on_mtbench(raw):
    part = _part(raw, "mtbench")
    assert (part["turns"].map(len) == 2).all()
    assert part["turns"].map(lambda t: t[0].endswith(".") and t[1].startswith(("Now", "Stay"))).all()


def test_prompt_text_feeds_no_other_column(monkeypatch):
    """A different lexicon (other lengths, other words) changes the prompts and nothing else."""
    before = rbu.embedded_routerbench(random_state=2, scale=0.05, quirks=True, latency=True)
    shifted = {s: [(t + " (x)", d + " (x)") for t, d in pairs[::-1]] + [("a new term", "a new description")]
               for s, pairs in lex.MMLU_TERMS.items()}
    monkeypatch.setattr(lex, "MMLU_TERMS", shifted)
    monkeypatch.setattr(lex, "NAMES", [n + "a" for n in lex.NAMES][::-1] + ["Zoe"])
    monkeypatch.setattr(lex, "CLAUSES", {k: v[::-1] for k, v in lex.CLAUSES.items()})
    arc = {t: {"pairs": r["pairs"][::-1] + [("a new cause", "a new situation")]}
           for t, r in lex.TOPICS["arc-challenge"].items()}
    monkeypatch.setitem(lex.TOPICS, "arc-challenge", arc)
    after = rbu.embedded_routerbench(random_state=2, scale=0.05, quirks=True, latency=True)
    others = [c for c in before.columns if c != "prompt"]
    pd.testing.assert_frame_equal(before[others], after[others])
    changed = before["prompt"] != after["prompt"]
    dataset = before["eval_name"].map(rbu.catalog.dataset_of)
    assert changed[dataset.isin(["mmlu", "arc-challenge", "hellaswag", "winogrande"])].all()


def test_lexicon_covers_every_subject_and_topic():
    assert list(lex.MMLU_TERMS) == list(MMLU_SUBJECTS)
    assert all(len(pairs) >= 5 for pairs in lex.MMLU_TERMS.values())
    assert all(len(v) == 10 for v in [*lex.MMLU_AREAS.values(), *lex.CLAUSES.values()])
    assert all(len(r["steps"]) == 10 for r in lex.TOPICS["grade-school-math"].values())
    assert all(len(r["activities"]) == 2 and all(len(s) == 6 for _, s in r["activities"])
               for r in lex.TOPICS["hellaswag"].values())


def test_winogrande_ending_does_not_tell_the_answer_key(raw):
    """The models' lean to option 1 must not be learnable from the ending's words: each ending comes
    with either option as the answer (in the real data the twin sentences share their words)."""
    part = _part(raw, "winogrande")
    key = _key(part)
    endings = [f[1] for r in lex.TOPICS["winogrande"].values() for f in r["frames"]]
    blank_first = part.loc[key.index, "text"].map(lambda t: any(t.split("\n")[0].endswith(f" {e}.") for e in endings))
    share = (key[blank_first] == "1").mean()
    assert 0.4 < share < 0.6, share
