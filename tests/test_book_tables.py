"""The build's reading of table cells (_ext/book_tables.py): which cells are set as numbers."""
from __future__ import annotations

import sys

import pytest

from .test_book_sources import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import book_tables  # noqa: E402


@pytest.mark.parametrize("text", ["0.777", "-1,204", "12.5%", "\u22120.03", "1e-05", "0.768 [0.758, 0.777]",
                                  "[0.758, 0.777]", "3 of 7", "0.552 [0.431, \u221e]", "\u221e"])
def test_numbers_intervals_counts_and_an_unbounded_end_are_numbers(text):
    assert book_tables.is_numeric(text)


@pytest.mark.parametrize("text", ["GPT-4", "beats", "no curve", "", "\u2014", "0.77 USD", "x\u221e",
                                  "0.5 [0.4]"])
def test_words_dashes_and_numbers_with_words_are_not(text):
    assert not book_tables.is_numeric(text)


def test_a_column_of_intervals_with_an_unbounded_end_is_right_aligned_with_its_head():
    table = ("<table><thead><tr><th></th><th>CPT</th></tr></thead><tbody>"
             "<tr><th>SVM</th><td>0.552 [0.431, \u221e]</td></tr>"
             "<tr><th>KNN</th><td>0.40 [0.31, 0.52]</td></tr></tbody></table>")
    marked = book_tables.mark_table(table)
    assert marked.count('class="rbu-num"') == 3, marked  # two cells and the head above them
