"""The embedded generator: schema, calibration, determinism and the structure routing needs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import embedded
from routerbench_utils.catalog import (CORRECT_COUNTS, CORRECT_SHARES, COST_TARGETS, ORACLE_TARGETS,
                                       PRICES_PER_MTOK, SCORE_TARGETS)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return rbu.embedded_routerbench(random_state=3, scale=0.25)


def test_schema_is_the_real_one(raw):
    expected = ["sample_id", "prompt", "eval_name"]
    for m in rbu.catalog.MODELS:
        expected += [m, f"{m}|model_response", f"{m}|total_cost"]
    assert list(raw.columns) == expected + ["oracle_model_to_route_to"]
    assert raw["sample_id"].is_unique
    assert raw["prompt"].str.startswith("['").all()
    assert set(rbu.data.dataset_column(raw)) == set(rbu.catalog.DATASETS)
    assert raw["eval_name"].str.startswith("mmlu-").sum() > 0
    assert raw["eval_name"].map(rbu.catalog.dataset_of).eq("mmlu").sum() == raw["eval_name"].str.startswith("mmlu-").sum()


def test_calibration_at_a_quarter_scale(raw):
    clean, _ = rbu.data.repair(raw)
    table = rbu.embedded.calibration_table(clean)
    score = table[table["quantity"] == "score"]
    # one prompt's worth of rounding in the smallest dataset (MT-Bench: 20 prompts)
    assert (score["error"].abs() <= 1 / 20 + 1e-9).all()
    assert (score[score["dataset"] != "mtbench"]["error"].abs() < 0.01).all()
    cost = table[table["quantity"] == "cost"]
    assert len(cost) == 3 * 11 and (cost["error"].abs() < 0.10).all()
    oracle = table[table["quantity"] == "oracle"].set_index("dataset")
    assert (oracle.drop(index="mtbench")["error"].abs() < 0.01).all()


def test_generator_moves_with_the_targets(monkeypatch):
    """A wrong target must show up as a wrong mean: the calibration is not a tautology."""
    shifted = {d: dict(v) for d, v in SCORE_TARGETS.items()}
    shifted["arc-challenge"]["gpt-4-1106-preview"] = 0.5
    monkeypatch.setattr(embedded, "SCORE_TARGETS", shifted)
    df = embedded.embedded_routerbench(random_state=0, scale=0.25)
    arc = df[df["eval_name"] == "arc-challenge"]
    assert abs(arc["gpt-4-1106-preview"].mean() - 0.5) < 0.01
    # which is far from the real target in the (unpatched) catalog
    assert abs(arc["gpt-4-1106-preview"].mean() - SCORE_TARGETS["arc-challenge"]["gpt-4-1106-preview"]) > 0.4


def test_same_seed_same_frame_other_seed_other_frame():
    a = rbu.embedded_routerbench(random_state=7, scale=0.05)
    b = rbu.embedded_routerbench(random_state=7, scale=0.05)
    c = rbu.embedded_routerbench(random_state=8, scale=0.05)
    pd.testing.assert_frame_equal(a, b)
    assert not a["prompt"].equals(c["prompt"])


def test_costs_are_tokens_times_prices(raw):
    """With equal input and output prices, cost / price is a whole number of tokens."""
    for m in ["meta/llama-2-70b-chat", "mistralai/mixtral-8x7b-chat", "mistralai/mistral-7b-chat"]:
        p_in, p_out = PRICES_PER_MTOK[m]
        assert p_in == p_out
        tokens = raw[f"{m}|total_cost"].to_numpy() / (p_in / 1e6)
        np.testing.assert_allclose(tokens, np.rint(tokens), atol=1e-6)
    # GPT-4 is dearer than Mistral 7B on every prompt
    assert (raw["gpt-4-1106-preview|total_cost"] > raw["mistralai/mistral-7b-chat|total_cost"]).all()


def test_scores_are_in_the_right_sets(raw):
    dataset = rbu.data.dataset_column(raw)
    gsm = raw.loc[dataset == "grade-school-math", list(rbu.catalog.MODELS)].to_numpy()
    assert set(np.unique(gsm)) <= {0.0, 0.25, 0.5, 0.75, 1.0} and ((gsm > 0) & (gsm < 1)).any()
    mt = raw.loc[dataset == "mtbench", list(rbu.catalog.MODELS)].to_numpy()
    assert set(np.round(np.unique(mt) * 10)) <= set(range(1, 11))
    binary = raw.loc[dataset.isin(["mmlu", "arc-challenge", "mbpp"]), list(rbu.catalog.MODELS)].to_numpy()
    assert set(np.unique(binary)) == {0.0, 1.0}


def _arc_area(prompt: str) -> str:
    """An ARC-Challenge prompt's area: the one whose situation the question describes."""
    areas = rbu._lexicon.TOPICS["arc-challenge"].items()
    return next(area for area, roles in areas for _, situation in roles["pairs"] if situation in prompt)


def test_topic_carries_signal_on_mmlu_more_than_on_arc():
    """Who wins depends on the MMLU subject (learnable) much more than on ARC's topic."""
    df = rbu.load(random_state=0, scale=0.5, verbose=False)
    spread = {}
    for name, key in (("mmlu", "eval_name"), ("arc-challenge", "prompt")):
        part = df[rbu.data.dataset_column(df) == name]
        topic = part["eval_name"] if name == "mmlu" else part["prompt"].map(_arc_area)
        by_topic = part.groupby(topic.to_numpy())[list(rbu.catalog.MODELS)].mean()
        # how far a model's per-topic mean strays from its overall mean, averaged
        spread[name] = float((by_topic - part[list(rbu.catalog.MODELS)].mean()).abs().to_numpy().mean())
    assert spread["mmlu"] > 1.5 * spread["arc-challenge"]


def test_prompt_text_reveals_difficulty():
    """Prompts that every model fails carry more extra conditions (commas) than prompts every model solves."""
    df = rbu.load(random_state=0, scale=0.3, verbose=False)
    part = df[rbu.data.dataset_column(df) == "mmlu"]
    mean_score = part[list(rbu.catalog.MODELS)].mean(axis=1)
    clauses = part["prompt"].str.count(",")
    assert clauses[mean_score < 0.3].mean() > clauses[mean_score > 0.9].mean() + 0.3


def test_quirks_are_repaired_back(raw):
    quirky = rbu.embedded_routerbench(random_state=3, scale=0.25, quirks=True)
    assert quirky["gpt-4-1106-preview"].dtype == object
    clean, report = rbu.data.repair(quirky)
    assert any("merged 14 sample_ids" in n for n in report.notes)
    assert any("missing score" in n for n in report.notes)
    assert len(clean) == len(raw) - 3  # three NaN rows removed, split rows merged, extra task dropped


def test_bad_arguments_raise():
    with pytest.raises(rbu.RouterBenchDataError, match="scale"):
        rbu.embedded_routerbench(scale=0)
    with pytest.raises(rbu.RouterBenchDataError, match="random_state"):
        rbu.embedded_routerbench(random_state=-1)


@pytest.mark.parametrize("name", list(ORACLE_TARGETS))
def test_full_scale_targets_exist_for_every_dataset(name):
    assert set(SCORE_TARGETS[name]) == set(rbu.catalog.MODELS)
    assert name not in COST_TARGETS or set(COST_TARGETS[name]) == set(rbu.catalog.MODELS)


# --- The joint shape (issue 16): how many models answer each prompt correctly, whom the Oracle picks ---

MEASURED = ["arc-challenge", "mbpp", "winogrande"]


@pytest.fixture(scope="session")
def full() -> pd.DataFrame:
    """The full-size default data (seed 0, scale 1), generated once per session."""
    return rbu.data.repair(rbu.embedded_routerbench(random_state=0, scale=1.0))[0]


@pytest.fixture(scope="session")
def full_shape(full) -> pd.DataFrame:
    return embedded.shape_table(full).set_index("dataset")


@pytest.mark.parametrize("name", MEASURED)
def test_full_scale_histogram_is_the_real_one(full_shape, name):
    """Share of prompts with 0..11 models correct within total variation 0.05 of the real rows."""
    row = full_shape.loc[name]
    assert row["source"] == "measured" and row["prompts"] == sum(CORRECT_COUNTS[name])
    assert row["tv"] < 0.05


@pytest.mark.parametrize("name", MEASURED)
def test_full_scale_oracle_picks_are_the_real_ones(full, name):
    picks = embedded.oracle_pick_table(full)
    picks = picks[picks["dataset"] == name]
    assert len(picks) == 8  # six models, no model correct, the other five together
    assert np.isclose(picks["achieved"].sum(), 1.0) and np.isclose(picks["target"].sum(), 1.0)
    assert (picks["error"].abs() < 0.03).all(), picks.to_string()


def test_full_scale_means_are_hit(full):
    table = rbu.embedded.calibration_table(full)
    measured = table[table["dataset"].isin(MEASURED)]
    score = measured[measured["quantity"].isin(["score", "oracle"])]
    assert (score["error"].abs() < 0.002).all()
    assert (measured.loc[measured["quantity"] == "cost", "error"].abs() < 0.10).all()
    assert (measured.loc[measured["quantity"] == "no_model_correct", "error"].abs() <= 3).all()
    others = table[~table["dataset"].isin(MEASURED)]
    assert (others.loc[others["quantity"] == "score", "error"].abs() < 0.002).all()
    oracle = others[others["quantity"] == "oracle"].set_index("dataset")["error"]
    assert (oracle.drop(index="mtbench").abs() < 0.01).all()


def test_assumed_shapes_are_labelled_and_followed(full, full_shape):
    assert set(full_shape.index) == set(rbu.catalog.DATASETS)
    assumed = full_shape[full_shape["source"] == "assumed"]
    assert set(assumed.index) == {"mmlu", "hellaswag", "grade-school-math", "mtbench"}
    assert (assumed["tv"] < 0.05).all() and assumed["pick_error"].isna().all()
    counts = embedded.correct_count_table(full)
    assert (counts.groupby("dataset")["achieved"].sum().round(9) == 1).all()


def test_independent_model_errors_fail_the_histogram_tolerance(monkeypatch):
    """The same means with no shared difficulty: the histogram test above would fail on it."""
    independent = embedded._Shape((0.0,) * 11, 0.0, 0.0, 1.0)
    for name in MEASURED:
        monkeypatch.setitem(embedded._SHAPES, name, independent)
    df, _ = rbu.data.repair(rbu.embedded_routerbench(random_state=0, scale=1.0, datasets=MEASURED))
    table = rbu.embedded.calibration_table(df)
    assert (table.loc[table["quantity"] == "score", "error"].abs() < 0.002).all()  # means still hit
    shape = embedded.shape_table(df).set_index("dataset")
    assert (shape["tv"] > 0.05).all(), shape.to_string()
    assert (shape["pick_error"].abs() > 0.03).all()


@pytest.mark.parametrize("name", MEASURED)
def test_fitted_shape_holds_over_the_population(name):
    """The fitted loadings carry the shape by themselves: over the population of prompts (no pinning of
    the drawn prompts), the histogram is within 0.05 and the pick shares within 0.03."""
    out = embedded._population(name, embedded._SHAPES[name])
    assert 0.5 * np.abs(out["shares"] - np.asarray(CORRECT_SHARES[name])).sum() < 0.05
    assert embedded._pick_errors(name, out["picks"]).abs().max() < 0.03
    assert abs(out["oracle"] - ORACLE_TARGETS[name]) < 0.002


@pytest.mark.parametrize("name", ["mmlu", "hellaswag", "grade-school-math", "mtbench"])
def test_assumed_shares_are_what_the_assumed_shape_gives(name):
    out = embedded._population(name, embedded._SHAPES[name])
    assert embedded._SHAPES[name].source.startswith("assumed")
    assert 0.5 * np.abs(out["shares"] - np.asarray(CORRECT_SHARES[name])).sum() < 0.002
    assert abs(out["oracle"] - ORACLE_TARGETS[name]) < 0.002


def test_correct_count_table_keeps_counts_above_eleven_models(small_data):
    """With more than the eleven models, prompts answered by 12 or 13 models are counted too (no
    target for them), so each dataset's shares still sum to one."""
    wide = small_data.copy()
    first = rbu.models(wide)[0]
    for extra in ("extra-a", "extra-b"):  # two more models, each scoring as the first one does
        wide[extra] = wide[first]
        wide[rbu.data.cost_column(extra)] = wide[rbu.data.cost_column(first)]
    counts = embedded.correct_count_table(wide)
    assert counts["models_correct"].max() == 13
    assert (counts.groupby("dataset")["achieved"].sum().round(9) == 1).all()
    assert counts.loc[counts["models_correct"] > 11, "target"].isna().all()
    assert counts.loc[counts["models_correct"] == 13, "prompts"].sum() > 0
