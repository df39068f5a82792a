"""Assumed latency: optional columns, the serving speeds' order, and validation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def test_latency_columns_are_optional_and_leave_the_rest_unchanged():
    plain = rbu.embedded_routerbench(random_state=5, scale=0.05)
    timed = rbu.embedded_routerbench(random_state=5, scale=0.05, latency=True)
    pd.testing.assert_frame_equal(plain, timed[plain.columns])
    latency = timed[[f"{m}|latency" for m in rbu.catalog.MODELS]]
    assert (latency > 0).all().all()
    # a slower model (fewer tokens per second) is slower on average on long answers
    gsm = timed[timed["eval_name"] == "grade-school-math"]
    assert gsm["gpt-4-1106-preview|latency"].mean() > gsm["mistralai/mistral-7b-chat|latency"].mean()
    bad = rbu.data.repair(timed)[0].assign(**{"claude-v2|latency": -1.0})
    with pytest.raises(RouterBenchDataError, match="latency"):
        rbu.data.validate(bad)
