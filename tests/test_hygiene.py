"""The hygiene report: every evaluation mistake it looks for is found and named."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def test_hygiene_report_finds_each_mistake(small_data):
    train, test = rbu.official_split(small_data)
    assert rbu.hygiene.hygiene_report(test, train=train).empty
    bad = pd.concat([test, test.iloc[[3]], train.iloc[[0]].assign(sample_id="new-id")], ignore_index=True)
    bad["claude-v2|total_cost"] = 0.0
    bad["claude-v1|total_cost"] = 0.004
    bad.loc[0, "claude-instant-v1"] = np.nan
    bad.loc[1, "mistralai/mistral-7b-chat|total_cost"] = 1.2345e-7
    bad.loc[2, "meta/llama-2-70b-chat|total_cost"] = 1.0
    report = rbu.hygiene.hygiene_report(bad, train=train)
    found = set(zip(report["check"], report["severity"]))
    assert found >= {("model without a price", "error"), ("constant cost", "warning"),
                     ("missing scores", "error"), ("costs are not whole tokens", "warning"),
                     ("impossible token counts", "error"), ("duplicate ids", "error"),
                     ("test prompts seen in training", "error")}
    with pytest.raises(RouterBenchDataError, match="hygiene: .*model without a price"):
        rbu.hygiene.hygiene_report(bad, train=train, strict=True)
