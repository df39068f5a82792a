"""Every numeric column of a table on the built pages names its unit in its head: a cost, price, spend,
budget or fee in USD (or $), unless it is a ratio or a share of another cost; a share in %; a time in
seconds (s). A new table without its unit fails here, on whichever page it lands.

Reads the pages of _build/html (scripts/build-book.sh), where _ext/book_tables.py has marked the heads of
all-numeric columns with the class ``rbu-num``: a head over text cells (a router's name, a list of models)
needs no unit. The data's own column names, shown as the file spells them (``gpt-4-1106-preview|total_cost``),
are left as they are.
"""
from __future__ import annotations

import html
import os
import re

import pytest

from .test_book_sources import ROOT, _toc_files

HTML = ROOT / "_build" / "html"
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"
PAGES = [name for name in _toc_files() if name.startswith("book/")]

TABLE = re.compile(r"<table\b.*?</table>", re.S)
HEAD = re.compile(r"<thead\b.*?</thead>", re.S)
NUMERIC_HEAD = re.compile(r"<th\b[^>]*\bclass=\"[^\"]*\brbu-num\b[^\"]*\"[^>]*>(.*?)</th>", re.S)
#: A column of the RouterBench file itself, e.g. "gpt-4-1106-preview|total_cost".
DATA_COLUMN = re.compile(r"^[\w.\-/]+\|\w+$")

COST = re.compile(r"\b(costs?|prices?|spend|spent|spending|budgets?|fees?|bill)\b", re.I)
CURRENCY = re.compile(r"\bUSD\b|\$|\btoy units\b")  # a toy example says its units are made up
RELATIVE = re.compile(r"%|\bratio\b| / |\u00d7|\btimes\b", re.I)  # a ratio or share: no currency
SHARE = re.compile(r"\b(share|fraction|proportion)\b", re.I)
TIME = re.compile(r"\b(time|latency|seconds?|duration)\b", re.I)
TIME_UNIT = re.compile(r"\(s\)|\bs\)|\bseconds?\b|\bms\b|\bmin\b|\bhours?\b", re.I)


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())


def numeric_heads(page_html: str) -> list[str]:
    """The heads of the all-numeric columns of every table of a page, as text."""
    heads = []
    for table in TABLE.findall(page_html):
        head = HEAD.search(table)
        heads += [_text(h) for h in NUMERIC_HEAD.findall(head.group(0) if head else table)]
    return [h for h in heads if h and not DATA_COLUMN.match(h)]


def missing_unit(head: str) -> str | None:
    """What unit ``head`` should name and does not, or None."""
    if COST.search(head) and not (CURRENCY.search(head) or RELATIVE.search(head)):
        return "a cost names its currency (USD), or says it is a ratio or a share (%)"
    if SHARE.search(head) and "%" not in head:
        return "a share is printed in % and says so"
    if TIME.search(head) and not TIME_UNIT.search(head):
        return "a time names its unit (s)"
    return None


@pytest.mark.parametrize("head, ok", [
    ("mean cost (USD per prompt)", True), ("cost", False), ("cost (toy units)", True),
    ("cost (units)", False), ("budget (USD per query)", True),
    ("cost ratio", True), ("GPT-4 / Oracle (upper bound) cost", True), ("share of GPT-4's cost (%)", True),
    ("share of test prompts", False), ("share of test prompts (%)", True), ("spent (share of budget)", False),
    ("latency limit (s)", True), ("time to first token", False), ("seconds to first token", True),
    ("budgeted Oracle AIQ", True), ("fee per request ($)", True), ("AIQ", True),
])
def test_the_rule(head, ok):
    assert (missing_unit(head) is None) == ok


def test_only_numeric_columns_are_read():
    page = ('<table><thead><tr><th class="index_name">price list</th><th class="col_heading rbu-num">cost</th>'
            '<th class="col_heading">models on the frontier</th>'
            '<th class="col_heading rbu-num">gpt-4-1106-preview|total_cost</th></tr></thead>'
            '<tbody><tr><th>a</th><td class="rbu-num">0.1</td><td>GPT-4</td><td class="rbu-num">0.2</td></tr>'
            '</tbody></table>')
    assert numeric_heads(page) == ["cost"]


@pytest.mark.parametrize("page", PAGES)
def test_every_numeric_column_names_its_unit(page):
    path = HTML / f"{page}.html"
    if not path.exists():
        if REQUIRED:
            pytest.fail(f"{path} is not built (scripts/build-book.sh)")
        pytest.skip(f"{path} is not built")
    bad = {head: why for head in numeric_heads(path.read_text()) if (why := missing_unit(head))}
    assert not bad, f"{page}: column heads without their unit: {bad}"
