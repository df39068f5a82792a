"""A corpus of bad and unusual inputs (issue 24): each case asserts the exact behaviour.

Every case is one of two kinds:

- ``error``: the input cannot be used; the call raises :class:`RouterBenchDataError` (and nothing
  else) with the words a user needs (the file, column or argument, what was found, what to do);
- ``answer``: the input is odd but valid; the call returns the right answer, checked against an
  independent computation or a known value.

The cases are grouped by what they feed: files, wide frames (schema and repair), long logs, long-format
files, splits and hygiene, metrics, routers, Parquet logs. ``test_corpus_size`` counts them.
"""
from __future__ import annotations

import pickle
import re

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError

from .conftest import FIXTURE_MODELS, real_format_frame

GPT4, GPT35, MISTRAL = FIXTURE_MODELS
CASES: dict[str, str] = {}  # case id -> kind, filled by the decorators below


def case(kind: str, *ids: str):
    """Register the test's case ids (a parametrized test registers each of its ids) with their kind."""
    assert kind in ("error", "answer")

    def register(test):
        for name in ids or (test.__name__,):
            assert name not in CASES, f"case {name} registered twice"
            CASES[name] = kind
        return test
    return register


def raises(call, *words: str) -> RouterBenchDataError:
    """``call()`` raises RouterBenchDataError (not another exception) whose message holds every word."""
    with pytest.raises(RouterBenchDataError) as info:
        call()
    message = str(info.value)
    for word in words:
        assert re.search(word, message), f"{word!r} not in: {message}"
    return info.value


def clean_frame() -> pd.DataFrame:
    """The repaired fixture: five prompts, three models."""
    return rbu.data.repair(real_format_frame())[0]


def user_frame(n: int = 4) -> pd.DataFrame:
    """A wide frame with the user's own model names (not in the catalogue)."""
    return pd.DataFrame({"sample_id": [f"q{i}" for i in range(n)], "eval_name": "mbpp",
                         "prompt": [f"question {i}" for i in range(n)],
                         "my-model": np.linspace(0, 1, n), "my-model|total_cost": 0.002,
                         "their-model": 1.0, "their-model|total_cost": 0.01})


def long_log() -> pd.DataFrame:
    return rbu.data.wide_to_long(clean_frame())


# ---------------------------------------------------------------------------------------------- files

def _write(path, frame, how):
    {"pkl": lambda: frame.to_pickle(path), "csv": lambda: frame.to_csv(path, index=False),
     "parquet": lambda: frame.to_parquet(path)}[how]()
    return path


@case("error", "file-empty-path", "file-blank-path")
@pytest.mark.parametrize("path", ["", "   "])
def test_an_empty_path_is_no_request_for_the_embedded_data(path):
    raises(lambda: rbu.load(path, verbose=False), "names no file", r"rbu\.load\(\) without a source")
    raises(lambda: rbu.data.load_routerbench(path), "empty path names no file")


@case("answer", "file-empty-variable")
def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("ROUTERBENCH_DATA", "")
    df = rbu.load(scale=0.01, verbose=False)
    assert df.attrs["synthetic"] is True


@case("error", "file-not-a-path")
def test_a_frame_given_as_source_says_where_frames_go():
    raises(lambda: rbu.load(clean_frame(), verbose=False), "source: expected a path", "rbu.data.repair")


@case("error", "file-directory")
def test_a_directory_is_named(tmp_path):
    raises(lambda: rbu.load(tmp_path, verbose=False), re.escape(str(tmp_path)), "is a directory",
           "largelog.model_points")


@case("error", "file-missing", "file-missing-near-name")
def test_a_missing_file_is_named_with_a_near_name(tmp_path):
    _write(tmp_path / "routerbench_5shot.pkl", clean_frame(), "pkl")
    raises(lambda: rbu.load(tmp_path / "absent.pkl", verbose=False), "absent.pkl", "no such file")
    raises(lambda: rbu.load(tmp_path / "routerbench_5shot.pk1.pkl", verbose=False),
           "no such file; did you mean 'routerbench_5shot.pkl'")


@case("error", "file-unknown-suffix")
def test_an_unknown_suffix_lists_the_known_ones(tmp_path):
    raises(lambda: rbu.data.load_routerbench(tmp_path / "data.xlsx"), "unknown file type '.xlsx'", "'.csv'")


@case("error", "file-empty-pkl", "file-empty-csv")
@pytest.mark.parametrize("suffix", [".pkl", ".csv"])
def test_an_empty_file_is_named(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(b"")
    raises(lambda: rbu.data.load_routerbench(path), f"data{re.escape(suffix)}", r"empty \(0 bytes\)")


@case("error", "file-truncated-pickle")
def test_a_truncated_pickle_is_named(tmp_path):
    path = _write(tmp_path / "cut.pkl", clean_frame(), "pkl")
    path.write_bytes(path.read_bytes()[:300])
    raises(lambda: rbu.data.load_routerbench(path), "cut.pkl", "not a readable pandas pickle", "truncated")


@case("error", "file-csv-named-pkl")
def test_a_csv_named_pkl_is_not_a_pickle(tmp_path):
    path = _write(tmp_path / "really.csv", clean_frame(), "csv").rename(tmp_path / "really.pkl")
    raises(lambda: rbu.data.load_routerbench(path), "really.pkl", "not a readable pandas pickle")


@case("error", "file-pickled-dict")
def test_a_pickle_of_something_else_says_what_it_holds(tmp_path):
    path = tmp_path / "dict.pkl"
    path.write_bytes(pickle.dumps({"sample_id": [1]}))
    raises(lambda: rbu.data.load_routerbench(path), "holds a dict, expected a DataFrame")


@case("error", "file-semicolons", "file-tabs")
@pytest.mark.parametrize("sep,word", [(";", "semicolons"), ("\t", "tabs")])
def test_another_separator_is_named_with_the_fix(tmp_path, sep, word):
    path = tmp_path / "sep.csv"
    real_format_frame().to_csv(path, sep=sep, index=False)
    raises(lambda: rbu.data.load_routerbench(path), "sep.csv", f"separated by {word}",
           re.escape(f"sep={sep!r}"))


@case("error", "file-latin-1")
def test_a_latin1_csv_is_named_with_the_byte(tmp_path):
    path = tmp_path / "latin.csv"
    real_format_frame().assign(prompt="Où est la café?").to_csv(path, index=False, encoding="latin-1")
    raises(lambda: rbu.data.load_routerbench(path), "latin.csv", "not UTF-8", "0xf9", "encoding='latin-1'")


@case("error", "file-header-only")
def test_a_csv_with_a_header_only_has_no_rows(tmp_path):
    path = tmp_path / "header.csv"
    clean_frame().iloc[:0].to_csv(path, index=False)
    raises(lambda: rbu.data.load_routerbench(path), "header.csv", "0 rows")


@case("error", "file-blank-lines")
def test_a_csv_of_blank_lines_has_no_columns(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\n\n")
    raises(lambda: rbu.data.load_routerbench(path), "blank.csv", "no columns")


@case("error", "file-ragged-csv")
def test_a_ragged_csv_is_named(tmp_path):
    path = tmp_path / "ragged.csv"
    clean_frame().to_csv(path, index=False)
    with open(path, "a") as file:
        file.write("x,y,z," * 30 + "\n")
    raises(lambda: rbu.data.load_routerbench(path), "ragged.csv", "not a well-formed CSV")


@case("error", "file-damaged-parquet")
def test_a_damaged_parquet_file_is_named(tmp_path):
    path = _write(tmp_path / "broken.parquet", clean_frame(), "parquet")
    path.write_bytes(path.read_bytes()[:200])
    raises(lambda: rbu.data.load_routerbench(path), "broken.parquet", "not a readable Parquet file")


@case("answer", "file-upper-case-suffix")
def test_an_upper_case_suffix_reads(tmp_path):
    path = _write(tmp_path / "DATA.PKL", real_format_frame(), "pkl")
    pd.testing.assert_frame_equal(rbu.data.load_routerbench(path, verbose=False), clean_frame())


@case("answer", "file-csv-equals-pickle")
def test_the_csv_of_a_file_reads_as_its_pickle(tmp_path):
    csv = rbu.data.load_routerbench(_write(tmp_path / "f.csv", real_format_frame(), "csv"), verbose=False)
    pd.testing.assert_frame_equal(csv, clean_frame(), check_dtype=False)


# ------------------------------------------------------------------------------- wide frames: errors

@case("error", "wide-three-problems-at-once")
def test_every_problem_is_listed_in_one_error():
    frame = real_format_frame()
    frame.loc[0, GPT4] = "correct"
    frame[GPT35 + "|total_cost"] = frame[GPT35 + "|total_cost"].astype(object)
    frame.loc[3, GPT35 + "|total_cost"] = "cheap"
    frame.loc[4, "sample_id"] = None
    error = raises(lambda: rbu.data.repair(frame, source="mine.csv"), r"^mine\.csv: 3 problems",
                   "column 'sample_id': 1 rows have no value", f"column '{GPT4}': 1 values are not numbers",
                   re.escape(f"'{GPT35}|total_cost'"))
    assert [p.where for p in error.problems] == ["column 'sample_id'", f"column '{GPT4}'",
                                                 f"column '{GPT35}|total_cost'"]
    assert all(p.expected for p in error.problems)


@case("error", "wide-missing-id-column", "wide-missing-task-column", "wide-missing-both")
@pytest.mark.parametrize("drop", [["sample_id"], ["eval_name"], ["sample_id", "eval_name"]])
def test_missing_key_columns_are_named(drop):
    raises(lambda: rbu.data.repair(real_format_frame().drop(columns=drop)),
           re.escape(f"missing column(s) {drop}"), "rbu.long_to_wide")


@case("error", "wide-missing-ids")
def test_rows_without_an_id_are_refused_not_merged():
    frame = real_format_frame()
    frame.loc[[3, 4], "sample_id"] = np.nan  # two prompts that would otherwise become one
    raises(lambda: rbu.data.repair(frame), "'sample_id': 2 rows have no value", "rows 3, 4")


@case("error", "wide-missing-task")
def test_rows_without_a_task_are_refused():
    frame = real_format_frame()
    frame.loc[0, "eval_name"] = None
    raises(lambda: rbu.data.repair(frame), "'eval_name': 1 rows have no value", "rows 0")


@case("error", "wide-near-miss-cost", "wide-near-miss-case", "wide-near-miss-response")
@pytest.mark.parametrize("column,meant", [("my-model|cost", "my-model|total_cost"),
                                          ("my-model|Total_Cost", "my-model|total_cost"),
                                          ("my-model|response", "my-model|model_response")])
def test_a_near_miss_column_is_named_with_its_likely_name(column, meant):
    frame = clean_frame().assign(**{"my-model": 1.0, column: 0.1})
    if not meant.endswith("total_cost"):
        frame[meant.replace("model_response", "total_cost")] = 0.1
    raises(lambda: rbu.data.validate(frame), re.escape(repr(column)), "likely meant to be " + re.escape(repr(meant)))


@case("error", "wide-cost-without-score-near-name")
def test_a_cost_without_its_score_names_the_near_score_column():
    frame = user_frame().rename(columns={"my-model": "my_model"})
    raises(lambda: rbu.data.repair(frame), "'my-model[|]total_cost' has no score column 'my-model'",
           "likely 'my_model': rename it to 'my-model'")


@case("error", "wide-catalogue-score-without-cost")
def test_a_catalogue_score_without_its_cost_is_named():
    raises(lambda: rbu.data.validate(clean_frame().drop(columns=GPT4 + "|total_cost")),
           f"score column '{GPT4}' has no cost column")


@case("error", "wide-own-model-response-without-cost")
def test_a_users_model_with_a_response_but_no_cost_is_named():
    frame = user_frame().assign(**{"new": 1.0, "new|model_response": "hi"})
    raises(lambda: rbu.data.repair(frame), "score column 'new' has no cost column 'new[|]total_cost'")


@case("error", "wide-bar-in-model-name")
def test_a_bar_in_a_model_name_is_named():
    raises(lambda: rbu.data.validate(clean_frame().assign(**{"a|b": 1.0, "a|b|total_cost": 0.1})),
           "model name 'a[|]b' contains '[|]'")


@case("error", "wide-text-score")
def test_a_score_that_is_not_a_number_is_named_with_its_row():
    frame = real_format_frame()
    frame.loc[3, MISTRAL] = "pass"
    raises(lambda: rbu.data.repair(frame), f"'{MISTRAL}': 1 values are not numbers", "'mbpp.dev.1': 'pass'")


@case("error", "wide-durations-as-costs")
def test_durations_are_refused_as_costs():
    frame = clean_frame()
    frame[GPT4 + "|total_cost"] = pd.to_timedelta(frame[GPT4 + "|total_cost"], unit="s")
    raises(lambda: rbu.data.repair(frame), "timedelta", "a duration is not a cost")
    raises(lambda: rbu.data.validate(frame), "timedelta", "a duration is not a cost")


@case("error", "wide-bool-scores")
def test_true_false_scores_are_refused():
    raises(lambda: rbu.data.repair(clean_frame().assign(**{GPT4: True})), "True/False", "0.0/1.0")


@case("error", "wide-score-above-one", "wide-negative-cost", "wide-infinite-cost", "wide-nan-cost")
@pytest.mark.parametrize("column,value,expected", [
    (GPT4, 1.7, "not a score in \\[0, 1\\]"), (GPT4 + "|total_cost", -0.01, "not a cost >= 0"),
    (GPT4 + "|total_cost", np.inf, "not a cost >= 0"), (GPT4 + "|total_cost", np.nan, "not a cost >= 0"),
])
def test_values_out_of_range_are_named_with_their_rows(column, value, expected):
    frame = clean_frame()
    frame.loc[2, column] = value
    raises(lambda: rbu.data.validate(frame), re.escape(repr(column)), expected, "'mbpp.dev.1'")


@case("error", "wide-duplicate-column-names")
def test_a_column_given_twice_is_named():
    frame = clean_frame()
    frame = pd.concat([frame, frame[[GPT4]]], axis=1)
    raises(lambda: rbu.data.repair(frame), f"'{GPT4}'", "appears 2 times")


@case("error", "wide-split-rows-disagree")
def test_split_rows_that_disagree_name_the_model_and_id():
    frame = real_format_frame()
    frame.loc[1, GPT4] = "0.0"
    raises(lambda: rbu.data.repair(frame), "arc-challenge.test.1", f"different scores for model '{GPT4}'")


@case("error", "wide-only-custom-tasks")
def test_a_file_of_custom_tasks_only_says_to_keep_them():
    frame = real_format_frame().assign(eval_name="my-task")
    frame["sample_id"] = [f"my-task.{i}" for i in range(len(frame))]
    raises(lambda: rbu.data.repair(frame), "every row is of a task outside the paper's seven",
           r"my-task \(7\)", "tasks='all'")


@case("error", "wide-model-never-scored")
def test_a_model_never_evaluated_is_named():
    frame = real_format_frame()
    frame[MISTRAL] = None
    raises(lambda: rbu.data.repair(frame), re.escape(f"['{MISTRAL}'] hold no score on any row"),
           "drop those models' columns")


@case("error", "wide-models-on-disjoint-prompts")
def test_models_scored_on_different_prompts_are_named():
    frame = user_frame()
    frame.loc[:1, "my-model"] = np.nan
    frame.loc[2:, "their-model"] = np.nan
    raises(lambda: rbu.data.repair(frame), "no row has a score for every model", "my-model: 2",
           "their-model: 2")


@case("error", "wide-no-model-columns")
def test_a_frame_without_models_says_how_to_name_them():
    raises(lambda: rbu.data.validate(clean_frame()[["sample_id", "eval_name", "prompt"]]), "no model columns",
           "'<model>[|]total_cost'")


@case("error", "wide-not-a-frame", "wide-bad-tasks-argument")
def test_the_repair_checks_its_arguments():
    raises(lambda: rbu.data.repair(clean_frame().to_dict()), "expected a pandas DataFrame, got dict")
    raises(lambda: rbu.data.repair(clean_frame(), tasks="some"), "tasks: expected 'paper' or 'all'")


@case("error", "wide-duplicate-prompt-in-task")
def test_validate_refuses_a_prompt_on_two_rows_of_one_task():
    frame = clean_frame()
    raises(lambda: rbu.data.validate(pd.concat([frame, frame.iloc[[2]]], ignore_index=True)),
           "1 problems|2 rows share an id within one task", "'mbpp.dev.1'")


# ------------------------------------------------------------------------------ wide frames: answers

@case("answer", "wide-ids-reused-across-tasks")
def test_ids_that_restart_in_each_task_are_different_prompts():
    frame = real_format_frame()
    frame["sample_id"] = ["0", "1", "1", "0", "0", "0", "0"]  # restarts in every task
    df, report = rbu.data.repair(frame)
    assert sorted(map(tuple, df[["eval_name", "sample_id"]].to_numpy())) == [
        ("arc-challenge", "0"), ("arc-challenge", "1"), ("mbpp", "0"), ("mmlu-anatomy", "0"), ("mtbench101", "0")]
    reference = clean_frame()  # the same rows with unique ids: the same scores, row by row
    np.testing.assert_array_equal(rbu.score_matrix(df), rbu.score_matrix(reference))
    assert any("name prompts of several tasks ('0')" in note for note in report.notes)
    assert rbu.data.validate(df) is df


@case("answer", "split-ids-reused-across-tasks")
def test_the_split_of_reused_ids_is_the_split_of_unique_ids(small_data):
    reused = small_data.assign(sample_id=small_data.groupby("eval_name").cumcount().astype(str))
    train, test = rbu.official_split(reused)
    expected_train, _ = rbu.official_split(small_data)
    assert train.index.equals(expected_train.index)
    assert len(train) + len(test) == len(reused)


@case("answer", "wide-llama-prompts")
def test_llama_format_prompts_are_plain_text():
    prompt = "[INST] <<SYS>> Be brief. <</SYS>> What is 2+2? [/INST]"
    df, report = rbu.data.repair(real_format_frame().assign(prompt=prompt))
    assert (df["prompt"] == prompt).all()
    assert not any("kept as text" in note for note in report.notes)


@case("answer", "wide-mixed-list-and-plain-prompts")
def test_list_reprs_are_parsed_and_plain_text_kept_in_one_column():
    frame = real_format_frame()
    frame.loc[3, "prompt"] = "Write a function. [Use Python]"
    df, _ = rbu.data.repair(frame)
    prompts = dict(zip(df["sample_id"], df["prompt"]))
    assert prompts["mbpp.dev.1"] == "Write a function. [Use Python]"
    assert prompts["mtbench101.dev.0"] == "Write a poem.\n\nNow shorten it."


@case("answer", "wide-unparseable-list-repr")
def test_a_broken_list_repr_is_kept_as_text_and_reported():
    frame = real_format_frame()
    frame.loc[3, "prompt"] = "['unclosed"
    frame.loc[3, "prompt"] = "['unclosed ]"
    df, report = rbu.data.repair(frame)
    assert df.loc[df["sample_id"] == "mbpp.dev.1", "prompt"].item() == "['unclosed ]"
    assert any("kept as text 1 values of 'prompt'" in note for note in report.notes)


@case("answer", "wide-users-own-models")
def test_a_users_own_models_are_first_class():
    df, _ = rbu.data.repair(user_frame())
    assert rbu.models(df) == ["my-model", "their-model"]
    # the Oracle: their-model always scores 1; my-model only on the last prompt, and cheaper there
    assert df["oracle_model_to_route_to"].tolist() == ["their-model"] * 3 + ["my-model"]


@case("answer", "wide-extra-column-reported")
def test_a_column_that_is_no_model_is_left_out_and_reported():
    df, report = rbu.data.repair(user_frame().assign(difficulty=0.3))
    assert rbu.models(df) == ["my-model", "their-model"] and "difficulty" in df.columns
    assert any("left out 1 columns" in note and "'difficulty'" in note for note in report.notes)


@case("answer", "wide-integer-and-padded-text-scores")
def test_integer_and_padded_text_scores_are_numbers():
    frame = real_format_frame()
    frame[GPT4] = [" 1 ", "", "1", "0", "1", "0.9 ", "1"]
    frame.loc[1, GPT4] = None
    frame[MISTRAL] = frame[MISTRAL].map(lambda v: v if pd.isna(v) else int(float(v)))
    df, _ = rbu.data.repair(frame)
    np.testing.assert_array_equal(df[GPT4], [1.0, 1.0, 0.0, 1.0, 0.9])
    assert df[MISTRAL].dtype == float


@case("answer", "wide-nan-text-is-missing")
def test_the_text_nan_is_a_missing_score():
    frame = real_format_frame()
    frame.loc[3, GPT35] = "NaN"
    df, report = rbu.data.repair(frame)
    assert "mbpp.dev.1" not in set(df["sample_id"])
    assert any("removed 1 rows with a missing score" in n and f"{GPT35}: 1" in n for n in report.notes)


@case("answer", "wide-repair-is-idempotent")
def test_repairing_a_clean_frame_changes_nothing():
    clean = clean_frame()
    again, report = rbu.data.repair(clean)
    pd.testing.assert_frame_equal(again, clean)
    assert report.notes == []


@case("answer", "wide-any-index-and-column-order")
def test_the_index_and_the_column_order_do_not_matter():
    frame = real_format_frame()
    shuffled = frame[frame.columns[::-1]].set_axis([f"r{i}" for i in range(len(frame))])
    df, _ = rbu.data.repair(shuffled)
    pd.testing.assert_frame_equal(df[clean_frame().columns], clean_frame())


@case("answer", "wide-partial-credit-scores")
def test_partial_credit_scores_stay_partial():
    frame = user_frame().assign(eval_name="grade-school-math")
    frame["my-model"] = [0.0, 0.25, 0.5, 0.75]
    df, _ = rbu.data.repair(frame)
    np.testing.assert_array_equal(df["my-model"], [0.0, 0.25, 0.5, 0.75])


# ----------------------------------------------------------------------------------------- long logs

@case("error", "long-durations-as-costs")
def test_a_log_with_durations_as_costs_is_refused():
    log = long_log()
    log["cost"] = pd.to_timedelta(log["cost"], unit="s")
    raises(lambda: rbu.long_to_wide(log), "'cost': has dtype timedelta", "a duration is not a cost")


@case("error", "long-every-problem-at-once")
def test_a_log_with_three_problems_lists_them_in_one_error():
    log = long_log()
    log.loc[1, "quality"] = np.nan
    log.loc[4, "cost"] = -1.0
    log["model"] = log["model"].astype(object)
    log.loc[7, "model"] = ["gpt-4", "gpt-3.5"]
    error = raises(lambda: rbu.long_to_wide(log), "^3 problems", "'quality': 1 rows are missing a value",
                   "'model': 1 values are lists", "'cost': 1 rows hold values that are not a cost")
    assert len(error.problems) == 3


@case("error", "parquet-every-problem-at-once")
def test_a_parquet_log_with_two_bad_columns_lists_both(tmp_path):
    log = long_log()
    log.loc[1, "quality"] = 1.5
    log.loc[4, "cost"] = -1.0
    _parquet(log, tmp_path, parts=1)
    error = raises(lambda: rbu.largelog.model_points(tmp_path), "2 problems", "not a quality in \\[0, 1\\]",
                   "not a cost >= 0")
    assert len(error.problems) == 2


@case("error", "long-from-a-broken-wide-frame")
def test_a_broken_wide_frame_does_not_become_a_log():
    frame = clean_frame()
    frame.loc[0, GPT4] = np.nan
    raises(lambda: rbu.data.wide_to_long(frame), f"'{GPT4}'", "not a score in \\[0, 1\\]", "arc-challenge.test.0")


@case("answer", "long-durations-as-latency")
def test_a_log_with_durations_as_latencies_reads_them_in_seconds():
    log = long_log().assign(latency=pd.to_timedelta(1.5, unit="s"))
    wide = rbu.long_to_wide(log)
    assert (wide[GPT4 + "|latency"] == 1.5).all()


@case("error", "long-negative-latency")
def test_a_negative_latency_is_named():
    log = long_log().assign(latency=1.0)
    log.loc[4, "latency"] = -2.0
    raises(lambda: rbu.long_to_wide(log), "'latency'", "not a latency >= 0")


@case("error", "long-bool-quality")
def test_true_false_qualities_are_refused():
    raises(lambda: rbu.long_to_wide(long_log().assign(quality=True)), "'quality': has dtype bool")


@case("error", "long-one-id-under-two-tasks")
def test_an_id_logged_under_two_tasks_is_named():
    log = long_log()
    log.loc[0, "eval_name"] = "winogrande"
    raises(lambda: rbu.long_to_wide(log), "'eval_name': prompts 'arc-challenge.test.0' carry different values")


@case("answer", "long-ids-reused-across-tasks")
def test_ids_reused_across_tasks_in_a_log_are_different_prompts():
    log = long_log()
    log["sample_id"] = log.groupby("eval_name")["model"].cumcount() // 3  # 0, 1, ... in each task
    wide = rbu.long_to_wide(log)
    assert len(wide) == len(clean_frame())
    np.testing.assert_array_equal(rbu.score_matrix(wide), rbu.score_matrix(clean_frame()))


@case("answer", "long-any-row-order")
def test_a_log_in_any_row_order_gives_the_same_frame():
    log = long_log()
    shuffled = log.sample(frac=1.0, random_state=3).reset_index(drop=True)
    wide = rbu.long_to_wide(shuffled).set_index("sample_id").loc[rbu.long_to_wide(log)["sample_id"]]
    pd.testing.assert_frame_equal(wide.reset_index(), rbu.long_to_wide(log))


@case("answer", "long-integer-model-names")
def test_integer_model_names_become_text():
    log = pd.DataFrame({"sample_id": ["a", "a", "b", "b"], "model": [1, 2, 1, 2],
                        "quality": [1.0, 0.0, 0.0, 1.0], "cost": [0.2, 0.1, 0.2, 0.1]})
    assert rbu.models(rbu.long_to_wide(log)) == ["1", "2"]


@case("error", "long-empty", "long-bad-missing-argument")
def test_an_empty_log_and_an_unknown_option_are_refused():
    raises(lambda: rbu.long_to_wide(long_log().iloc[:0]), "the log is empty")
    raises(lambda: rbu.long_to_wide(long_log(), missing="skip"), "missing: expected 'raise' or 'drop'")


# ------------------------------------------------------------------------------- long-format files

def raw_table(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The RouterBench raw file's long format: one row per (sample, model)."""
    long = rbu.data.wide_to_long(clean_frame() if frame is None else frame)
    return long.rename(columns={"model": "model_name", "quality": "performance", "cost": "total_cost"})


@case("answer", "longfile-raw-table")
def test_a_raw_long_table_loads_as_its_wide_file(tmp_path):
    path = tmp_path / "routerbench_raw.pkl"
    raw_table().assign(model_response="an answer").to_pickle(path)
    df = rbu.load(path, verbose=False)
    expected = clean_frame()
    columns = [c for c in expected.columns if not c.endswith("|model_response")]
    pd.testing.assert_frame_equal(df[columns], expected[columns], check_dtype=False)
    assert (df[GPT4 + "|model_response"] == "an answer").all()
    assert "read a long-format table (15 rows" in df.attrs["repair_report"]


@case("answer", "longfile-split-scoring")
def test_a_long_table_whose_models_are_scored_on_different_rows_is_merged(tmp_path):
    raw = raw_table()
    blank = raw.iloc[[0]].assign(performance=np.nan, total_cost=0.5)  # GPT-4 on a second, unscored row
    path = tmp_path / "raw.csv"
    pd.concat([blank, raw], ignore_index=True).to_csv(path, index=False)
    df = rbu.load(path, verbose=False)
    assert df.loc[0, GPT4 + "|total_cost"] == clean_frame().loc[0, GPT4 + "|total_cost"]
    assert "set aside 1 rows without a score" in df.attrs["repair_report"]


@case("answer", "longfile-missing-score")
def test_a_long_table_with_a_missing_score_drops_that_prompt(tmp_path):
    raw = raw_table()
    raw.loc[raw["sample_id"] == "mbpp.dev.1", "performance"] = np.nan
    path = tmp_path / "raw.parquet"
    raw.to_parquet(path)
    df = rbu.load(path, verbose=False)
    assert "mbpp.dev.1" not in set(df["sample_id"]) and len(df) == 4
    assert "removed the prompts of 3 (sample, model) rows with a missing score" in df.attrs["repair_report"]


@case("error", "longfile-no-score-column")
def test_a_long_table_without_a_score_column_says_which_file_to_use(tmp_path):
    path = tmp_path / "raw.pkl"
    raw_table().drop(columns="performance").to_pickle(path)
    raises(lambda: rbu.load(path, verbose=False), "raw.pkl", "long-format table", "'performance'",
           "routerbench_5shot.pkl")


@case("error", "longfile-text-score")
def test_a_long_table_with_a_text_score_names_it(tmp_path):
    raw = raw_table().astype({"performance": object})
    raw.loc[2, "performance"] = "yes"
    path = tmp_path / "raw.pkl"
    raw.to_pickle(path)
    raises(lambda: rbu.load(path, verbose=False), "'performance': 1 values are not numbers", "'yes'")


# ---------------------------------------------------------------------------------- splits, hygiene

@case("error", "split-too-small")
def test_a_dataset_too_small_to_split_is_named():
    raises(lambda: rbu.official_split(clean_frame()), "leave the train or the test part empty", "'mbpp': 1")


@case("error", "split-nan-fraction", "split-text-fraction")
@pytest.mark.parametrize("fraction", [np.nan, "0.7"])
def test_a_fraction_that_is_not_a_number_is_refused(fraction, small_data):
    raises(lambda: rbu.official_split(small_data, train_fraction=fraction), "train_fraction")


@case("error", "split-not-a-frame", "split-missing-task")
def test_the_split_checks_its_input(small_data):
    raises(lambda: rbu.official_split(small_data.to_numpy()), "expected a wide DataFrame, got ndarray")
    frame = small_data.copy()
    frame.loc[frame.index[3], "eval_name"] = None
    raises(lambda: rbu.official_split(frame), "1 rows have no sample_id or eval_name")


@case("answer", "hygiene-reused-ids")
def test_hygiene_warns_of_reused_ids_and_keys_leakage_by_task():
    frame = clean_frame()
    frame["sample_id"] = frame.groupby("eval_name").cumcount().astype(str)  # '0' in every task
    report = rbu.hygiene.hygiene_report(frame)
    found = report.set_index("check")
    assert found.loc["ids reused across tasks", "severity"] == "warning"
    assert "duplicate ids" not in found.index
    other_task = frame.iloc[[0]].assign(eval_name="winogrande")  # same id, another task: no leak
    assert "ids in train and test" not in set(rbu.hygiene.hygiene_report(frame, train=other_task)["check"])
    same = frame.iloc[[0]]
    assert "ids in train and test" in set(rbu.hygiene.hygiene_report(frame, train=same)["check"])


@case("error", "hygiene-no-models")
def test_hygiene_of_a_frame_without_models_is_an_error_finding():
    report = rbu.hygiene.hygiene_report(clean_frame()[["sample_id", "eval_name"]])
    assert report["check"].tolist() == ["no model columns"]
    raises(lambda: rbu.hygiene.hygiene_report(clean_frame()[["sample_id", "eval_name"]], strict=True),
           "no model columns")


# ------------------------------------------------------------------------------------------ metrics

@case("error", "metric-aiq-empty", "metric-aiq-nan", "metric-zero-curve-empty", "metric-bootstrap-empty",
      "metric-cost-to-reach-nan", "metric-cpt-nan", "metric-interval-empty", "metric-evaluate-empty")
@pytest.mark.parametrize("call,words", [
    (lambda: rbu.aiq([], []), ["at least one"]),
    (lambda: rbu.aiq([np.nan, 0.1], [0.5, 0.6]), ["NaN or infinite"]),
    (lambda: rbu.zero_router_curve(rbu.model_points(clean_frame()).iloc[:0]), ["zero_router_curve", "no rows"]),
    (lambda: rbu.bootstrap_aiq(np.zeros((2, 0)), np.zeros((2, 0))), ["at least one point and one prompt"]),
    (lambda: rbu.cost_to_reach([0.1, 0.2], [0.5, 0.6], np.nan), ["target", "NaN"]),
    (lambda: rbu.metrics.cpt([0.1, 0.2], [0.5, 0.6], (0.1, 0.5), (0.2, 0.6), pgr=np.nan), ["pgr", "NaN"]),
    (lambda: rbu.metrics.interval(0.5, []), ["samples", "0 values"]),
    (lambda: rbu.evaluate_routing(clean_frame().iloc[:0], []), ["at least one prompt"]),
], ids=["aiq-empty", "aiq-nan", "zero-empty", "bootstrap-empty", "reach-nan", "cpt-nan", "interval-empty",
        "evaluate-empty"])
def test_metrics_on_empty_or_nan_input(call, words):
    raises(call, *words)


@case("answer", "metric-one-point")
def test_aiq_of_one_point_is_its_quality():
    assert rbu.aiq([0.1], [0.5]) == 0.5


# ------------------------------------------------------------------------------------------ routers

@pytest.fixture(scope="module")
def split():
    return rbu.official_split(rbu.load(scale=0.02, verbose=False))


def _value_choice(quality: np.ndarray, cost: np.ndarray, names) -> np.ndarray:
    """The best quality per row, ties to the lowest cost: what lambda = inf means (independent code)."""
    out = []
    for q, c in zip(quality, cost):
        best = [k for k in range(len(q)) if q[k] == q.max()]
        out.append(names[min(best, key=lambda k: c[k])])
    return np.asarray(out, dtype=object)


@case("answer", "router-oracle-infinite-wtp")
def test_the_oracle_at_infinite_willingness_to_pay_is_the_oracle(split):
    train, test = split
    oracle = rbu.OracleRouter().fit(train)
    # the Oracle's quality (0.938 here; it fell to 0.171 when inf * 0 made NaN and the first column won);
    # the cost differs only where no model is correct: the cheapest model, not 'no_model_correct'
    assert rbu.evaluate_routing(test, oracle.route(test, np.inf))[1] == rbu.evaluate_routing(test, oracle.route(test))[1]
    names = rbu.models(test)
    expected = _value_choice(rbu.score_matrix(test), rbu.cost_matrix(test), names)
    np.testing.assert_array_equal(oracle.route(test, np.inf), expected)


@case("answer", "router-choose-infinite-wtp-ties")
def test_infinite_willingness_to_pay_breaks_ties_by_cost():
    quality = np.array([[1.0, 1.0, 0.5], [0.2, 0.9, 0.9]])
    cost = np.array([[0.0, 0.0, 0.0], [0.1, 0.3, 0.2]])
    chosen = rbu.routers.choose_by_value(np.inf, ["a", "b", "c"], cost=cost, quality=quality)
    assert chosen.tolist() == ["a", "c"]


@case("answer", "router-knn-infinite-wtp")
def test_knn_at_infinite_willingness_to_pay_takes_the_best_prediction(split):
    train, test = split
    knn = rbu.KNNRouter(k=5, embedding=rbu.embed.TfidfSvdEmbedder(n_components=8)).fit(train)  # small: fast
    predicted = knn.predict_quality(test)
    chosen = knn.route(test, np.inf)
    best = predicted[np.arange(len(test)), [knn.models_.index(m) for m in chosen]]
    np.testing.assert_array_equal(best, predicted.max(axis=1))
    assert pd.Series(chosen).value_counts(normalize=True).iloc[0] < 0.9  # not one column for all


@case("error", "router-wtp-nan", "router-wtp-text", "router-wtp-negative")
@pytest.mark.parametrize("value,words", [(np.nan, "NaN"), ("1", "expected a number, got '1'"), (-1.0, ">= 0|\\[0, inf\\)")])
def test_a_willingness_to_pay_that_is_no_number_is_named(split, value, words):
    train, test = split
    raises(lambda: rbu.OracleRouter().fit(train).route(test, value), "willingness_to_pay", words)


@case("error", "router-knn-k-zero", "router-knn-k-nan")
@pytest.mark.parametrize("k", [0, np.nan])
def test_knn_with_no_neighbours_is_refused(split, k):
    raises(lambda: rbu.KNNRouter(k=k).fit(split[0]), "k: expected a whole number >= 1")


@case("error", "router-knn-one-prompt", "router-mlp-three-prompts")
@pytest.mark.parametrize("router,needed", [(rbu.KNNRouter, 2), (rbu.MLPRouter, 11)])
def test_routers_fitted_on_too_few_prompts_say_how_many_they_need(split, router, needed):
    train = split[0]
    raises(lambda: router().fit(train.iloc[:needed - 1]), f"fitted on {needed - 1} training prompts",
           f"needs at least {needed}")


@case("error", "router-knn-k-above-training-prompts")
def test_knn_with_more_neighbours_than_training_prompts_names_k_and_the_count(split):
    """It used to average every training prompt under the name of k (issue 24): refused, as
    scikit-learn's KNeighborsRegressor refuses n_neighbors > n_samples_fit."""
    five = split[0].iloc[:5]
    raises(lambda: rbu.KNNRouter(k=40).fit(five), "^k: expected at most the number of training prompts",
           "k=40 for 5 training prompts", r"\(MMLU: 5\)", r"k=min\(40, len\(train\)\)")


@case("answer", "router-knn-k-equals-training-prompts")
def test_knn_with_as_many_neighbours_as_training_prompts_predicts_their_mean(split):
    train, test = split[0].iloc[:7], split[1].iloc[:4]
    knn = rbu.KNNRouter(k=len(train), embedding=rbu.embed.TfidfSvdEmbedder(n_components=3)).fit(train)
    expected = np.clip(rbu.score_matrix(train, knn.models_).mean(axis=0), 0, 1)
    np.testing.assert_allclose(knn.predict_quality(test), np.tile(expected, (len(test), 1)))


@case("error", "pacer-budget-nan", "pacer-budget-text", "pacer-prompts-fractional", "pacer-prompts-text",
      "pacer-rate-nan", "pacer-rate-negative")
@pytest.mark.parametrize("kwargs,words", [
    ({"total_budget": np.nan}, ["^total_budget", "NaN"]),
    ({"total_budget": "1.0"}, ["^total_budget", "expected a number, got '1.0'"]),
    ({"n_prompts": 10.5}, ["^n_prompts", "whole number", "10.5"]),
    ({"n_prompts": "10"}, ["^n_prompts", "whole number", "'10'"]),
    ({"learning_rate": np.nan}, ["^learning_rate", "NaN"]),
    ({"learning_rate": -0.1}, ["^learning_rate", r"\(0, inf\)"]),
])
def test_a_pacer_names_the_argument_it_cannot_use(kwargs, words):
    """Checked in start(), the pacer's fit (the constructor stores its arguments, as scikit-learn's do)."""
    from routerbench_utils.routers.online import BudgetPacer

    settings = {"total_budget": 1.0, "n_prompts": 10, **kwargs}
    pacer = BudgetPacer(**settings)
    assert pacer.total_budget is settings["total_budget"]  # stored as given
    raises(lambda: pacer.start(np.array([0.001, 0.01])), *words)


@case("error", "pacer-choose-before-start", "pacer-pay-nan-cost", "pacer-arm-out-of-range",
      "pacer-after-the-stream")
def test_a_pacer_used_out_of_order_or_with_a_bad_call_says_so():
    from routerbench_utils.routers.online import BudgetPacer

    bound = np.array([0.001, 0.01])
    raises(lambda: BudgetPacer(1.0, 2).choose(0), "not started", r"call start\(cost_bound\) first")
    pacer = BudgetPacer(1.0, 2).start(bound)
    raises(lambda: pacer.pay(0, np.nan), "^cost", "NaN")
    assert pacer.spent_ == 0.0 and pacer.step_ == 0  # the NaN was not recorded
    raises(lambda: pacer.choose(2), "^arm", r"\[0, 1\]", "got 2")
    pacer.pay(*[pacer.choose(1)[0], 0.005])
    pacer.pay(pacer.choose(0)[0], 0.001)
    assert pacer.spent_ == pytest.approx(0.006)
    raises(lambda: pacer.choose(0), "stream of n_prompts=2 prompts is over")


@case("error", "router-before-fit")
def test_a_router_used_before_fit_says_so(split):
    raises(lambda: rbu.KNNRouter().route(split[1]), "call fit")


@case("error", "router-cascade-budget-nan", "router-cascade-budget-negative", "router-cascade-threshold-nan",
      "router-cascade-error-text")
@pytest.mark.parametrize("make,budget,words", [
    (lambda: rbu.CascadeRouter(), np.nan, ["budget", "NaN"]),
    (lambda: rbu.CascadeRouter(), -1.0, ["budget", "\\[0, inf\\)"]),
    (lambda: rbu.CascadeRouter(threshold=np.nan), 1.0, ["threshold", "NaN"]),
    (lambda: rbu.CascadeRouter(error_rate="0.1"), 1.0, ["error_rate", "expected a number"]),
])
def test_a_cascade_refuses_arguments_that_are_no_numbers(split, make, budget, words):
    train, test = split
    raises(lambda: make().fit(train).route(test, budget), *words)


@case("answer", "router-cascade-budget-zero")
def test_a_cascade_with_no_budget_makes_only_the_first_cheapest_call(split):
    train, test = split
    cascade = rbu.CascadeRouter().fit(train)
    params, cost, quality = cascade.outcomes(test, [0.0])
    cheapest = cascade.route(test, 0.0)
    c, q = rbu.routers.routing_outcomes(test, cheapest)
    np.testing.assert_allclose(cost[0], c)
    np.testing.assert_allclose(quality[0], q)


@case("error", "router-zero-position-nan")
def test_the_zero_router_refuses_a_nan_position(split):
    train, test = split
    raises(lambda: rbu.ZeroRouter().fit(train).route(test, np.nan), "position")


@case("error", "router-linucb-budget-zero")
def test_an_online_budget_of_zero_is_refused(split):
    train, test = split
    raises(lambda: rbu.LinUCBRouter(budget_per_prompt=0.0).fit(train).route(test), "budget_per_prompt")


@case("error", "router-compare-empty-test")
def test_comparing_on_an_empty_test_split_says_so(split):
    train, test = split
    raises(lambda: rbu.compare_routers(train, test.iloc[:0], routers={"Zero": rbu.ZeroRouter()}),
           "test: the frame is empty")


# -------------------------------------------------------------------------------------------- plots

@case("error", "plot-cost-quality-none", "plot-cost-quality-no-quality", "plot-scatter-none",
      "plot-frontier-none", "plot-frontier-frame", "plot-axis-none", "plot-legend-one-string",
      "plot-label-points-lengths", "plot-interactive-none", "plot-comparison-no-router")
@pytest.mark.parametrize("call,words", [
    (lambda p, ax: rbu.plots.cost_quality_plot(None, ax=ax), ["^cost_quality_plot", "'points'", "NoneType",
                                                             "model_points"]),
    (lambda p, ax: rbu.plots.cost_quality_plot(p.drop(columns="quality"), ax=ax),
     ["'points' lacks the column", "quality"]),
    (lambda p, ax: rbu.plots.model_scatter(None, ax=ax), ["^model_scatter", "'points'", "NoneType"]),
    (lambda p, ax: rbu.plots.plot_frontier(None, ax=ax), ["^plot_frontier", "'hull'", "rbu.ndch"]),
    (lambda p, ax: rbu.plots.plot_frontier(p, ax=ax), ["'hull'", "got DataFrame", "rbu.ndch"]),
    (lambda p, ax: rbu.plots.format_cost_axis(None), ["^format_cost_axis", "'ax'", "matplotlib Axes"]),
    (lambda p, ax: rbu.plots.router_legend(ax, "KNN"), ["^router_legend", "'families'", "got 'KNN'"]),
    (lambda p, ax: rbu.plots.label_points(ax, [1e-3], [0.5, 0.6], ["a"]), ["'x', 'y' and 'texts'",
                                                                          r"\[1, 2, 1\]"]),
    (lambda p, ax: rbu.plots.interactive_cost_quality(None), ["^interactive_cost_quality", "NoneType"]),
    (lambda p, ax: rbu.plots.interactive_comparison(p), ["'curves' lacks the column", "router"]),
])
def test_a_plot_given_nothing_or_the_wrong_frame_names_the_argument(call, words):
    """They raised matplotlib's, pandas' or Python's own errors (AttributeError on None, KeyError)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = rbu.model_points(clean_frame())
    fig, ax = plt.subplots()
    try:
        raises(lambda: call(points, ax), *words)
    finally:
        plt.close(fig)


# ------------------------------------------------------------------------------------- Parquet logs

duckdb = pytest.importorskip("duckdb")


def _parquet(log: pd.DataFrame, folder, parts: int = 2) -> list[str]:
    paths = []
    for k, rows in enumerate(np.array_split(np.arange(len(log)), parts)):
        path = folder / f"part-{k}.parquet"
        log.iloc[rows].to_parquet(path, index=False)
        paths.append(str(path))
    return paths


@case("error", "parquet-column-missing-in-one-file")
def test_a_file_without_eval_name_is_named(tmp_path):
    first, second = _parquet(long_log(), tmp_path)
    pd.read_parquet(second).drop(columns="eval_name").to_parquet(second)
    raises(lambda: rbu.largelog.model_points(tmp_path), "part-1.parquet", "'eval_name' is in", "not in")


@case("error", "parquet-type-differs")
def test_a_file_whose_type_differs_is_named(tmp_path):
    first, second = _parquet(long_log(), tmp_path)
    pd.read_parquet(second).astype({"sample_id": "category"}).assign(
        cost=lambda d: d["cost"].astype(str)).to_parquet(second)
    raises(lambda: rbu.largelog.model_points(tmp_path), "part-1.parquet", "'cost' has type VARCHAR")


@case("error", "parquet-durations")
def test_durations_in_a_parquet_log_are_refused(tmp_path):
    log = long_log()
    log["cost"] = pd.to_timedelta(log["cost"], unit="s")
    _parquet(log, tmp_path, parts=1)
    raises(lambda: rbu.largelog.model_points(tmp_path), "part-0.parquet", "'cost' holds durations",
           "a duration is not a cost")


@case("error", "parquet-damaged-file")
def test_a_damaged_file_among_the_logs_is_named(tmp_path):
    first, second = _parquet(long_log(), tmp_path)
    with open(second, "r+b") as file:
        file.truncate(100)
    raises(lambda: rbu.largelog.model_points(tmp_path), "part-1.parquet", "not a readable Parquet file")


@case("answer", "parquet-ids-reused-across-tasks")
def test_reused_ids_in_a_parquet_log_give_the_in_memory_points(tmp_path):
    log = long_log()
    log["sample_id"] = (log.groupby("eval_name")["model"].cumcount() // 3).astype(str)
    _parquet(log, tmp_path)
    points = rbu.largelog.model_points(tmp_path)
    expected = rbu.model_points(rbu.long_to_wide(log))
    pd.testing.assert_frame_equal(points, expected, check_dtype=False, rtol=1e-12)


@case("answer", "parquet-no-temporary-copy-left")
def test_no_temporary_folder_outlives_the_call(tmp_path, monkeypatch):
    """DuckDB's spill folder is the only temporary copy the package makes of a reader's data: it goes
    with the call, whether the call returns or raises."""
    import tempfile

    spill_root = tmp_path / "tmp"
    spill_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    logs = tmp_path / "logs"
    logs.mkdir()
    _parquet(long_log(), logs)
    assert len(rbu.largelog.model_points(logs)) == 3 * 4
    bad = long_log().assign(quality=2.0)
    bad.to_parquet(logs / "part-9.parquet", index=False)
    raises(lambda: rbu.largelog.model_points(logs), "not a quality in \\[0, 1\\]")
    assert list(spill_root.iterdir()) == []


# --------------------------------------------------------------------------------------------- size

def test_corpus_size():
    """At least 80 distinct cases; the counts by kind are printed for the issue's closing note."""
    kinds = pd.Series(CASES).value_counts()
    print(f"corpus: {len(CASES)} cases, {dict(kinds)}")
    assert len(CASES) >= 80
