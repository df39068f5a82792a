"""The shared table display: fixed digits, short names, a dash for missing values, deterministic HTML."""
from __future__ import annotations

import numpy as np
import pandas as pd

import routerbench_utils as rbu


def test_show_table_formats_for_the_page():
    frame = pd.DataFrame({"model": ["gpt-4-1106-preview", "custom-model"], "aiq": [np.nan, -0.00001],
                          "n": [1, 2]})
    html = rbu.book.show_table(frame).to_html()
    assert "GPT-4" in html and "gpt-4-1106-preview" not in html and "custom-model" in html
    assert "\u2014" in html and "nan" not in html.lower() and "-0.000" not in html and "0.000" in html
    assert "row_heading" not in html  # a RangeIndex is noise
    assert html == rbu.book.show_table(frame).to_html()  # same content, same HTML
    by_dataset = pd.Series([0.5], index=["mbpp"], name="share")
    assert "MBPP" in rbu.book.show_table(by_dataset, digits=1).to_html()
    assert ">0.5<" in rbu.book.show_table(by_dataset, digits=1).to_html()
