"""One row per dataset (routerbench_utils.data.summary)."""
from __future__ import annotations

import routerbench_utils as rbu


def test_dataset_summary_counts_prompts_and_eval_names(small_data):
    summary = rbu.data.dataset_summary(small_data)
    dataset = rbu.data.dataset_column(small_data)
    assert summary["dataset"].tolist() == list(dataset.unique())
    assert summary["prompts"].sum() == len(small_data)
    mmlu = summary.set_index("dataset").loc["mmlu"]
    assert mmlu["eval_names"] == small_data.loc[dataset == "mmlu", "eval_name"].nunique() > 1
    assert mmlu["title"] == rbu.DATASET_TITLES["mmlu"]
