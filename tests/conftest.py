"""Shared fixtures: a tiny frame in the exact format of the real RouterBench pickles."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu

FIXTURE_MODELS = ["gpt-4-1106-preview", "gpt-3.5-turbo-1106", "mistralai/mistral-7b-chat"]


def real_format_frame() -> pd.DataFrame:
    """Six prompts as the official pickle stores them: scores as strings (object dtype), prompts and
    responses as list reprs, one ARC id split over two rows (GPT-3.5 alone on the first, costs on
    both), a prompt no model gets right, and a row of a task outside the paper's seven."""
    rows = [
        # sample_id, eval_name, prompt turns, scores (gpt4, gpt35, mistral), costs
        ("arc-challenge.test.0", "arc-challenge", ["Which force slows a ball?"], ("1.0", "1.0", "0.0"),
         (0.005, 0.0005, 0.0001)),
        # As in the 5-shot file, both rows of a split id carry every model's cost; the GPT-3.5-only row
        # comes first here and is about twice as dear. The loader must take each cost from the scoring row.
        ("arc-challenge.test.1", "arc-challenge", ["Why do planets orbit? "], (None, "1.0", None),
         (0.0102, 0.0005, 0.00021)),
        ("arc-challenge.test.1", "arc-challenge", ["Why do planets orbit?"], ("1.0", None, "1.0"),
         (0.005, 0.00026, 0.0001)),
        ("mbpp.dev.1", "mbpp", ["Write a function to reverse a string."], ("0.0", "0.0", "0.0"),
         (0.009, 0.0003, 0.00005)),
        ("mmlu-anatomy.val.3", "mmlu-anatomy", ["The following are questions about anatomy."],
         ("1", "0", "1"), (0.006, 0.0006, 0.00012)),
        ("mtbench101.dev.0", "mtbench101", ["Write a poem.", "Now shorten it."], ("0.9", "0.8", "0.8"),
         (0.02, 0.001, 0.0002)),
        ("chinese-extra.test.0", "chinese-extra", ["Extra task."], ("1.0", "1.0", "1.0"),
         (0.001, 0.0001, 0.00001)),
    ]
    records = []
    for sample_id, eval_name, turns, scores, costs in rows:
        record = {"sample_id": sample_id, "prompt": repr(turns), "eval_name": eval_name}
        for model, score, cost in zip(FIXTURE_MODELS, scores, costs):
            record[model] = score
            record[model + "|model_response"] = None if score is None else repr([f"answer of {model}"])
            record[model + "|total_cost"] = np.nan if cost is None else cost
        records.append(record)
    frame = pd.DataFrame(records)
    for model in FIXTURE_MODELS:
        frame[model] = frame[model].astype(object)
    frame["oracle_model_to_route_to"] = "gpt-4-1106-preview"  # stale on purpose: the loader recomputes it
    return frame


@pytest.fixture
def real_frame() -> pd.DataFrame:
    return real_format_frame()


@pytest.fixture(scope="session")
def small_data() -> pd.DataFrame:
    """The embedded data at a tenth of full size, repaired (plain-text prompts)."""
    return rbu.load(random_state=0, scale=0.1, verbose=False)



def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` as the test command runs it (the unit tests and nbval in one session): a
    notebook's cells stay together on one worker (they share a kernel), every other test is a unit of
    its own, handed to whichever worker is free (as ``--dist load``); notebooks, the largest units,
    go first. One session keeps both workers busy to the end instead of two sessions each ending
    with one worker idle."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScope(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebookScope(config, log)
