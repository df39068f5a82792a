"""Tables set like a book's: numeric cells and their column heads get the class ``rbu-num``, which
``_ext/rbu-pages.css`` sets right-aligned, in tabular figures, padded and never wrapped.

A chapter's tables reach the page as the HTML its output cell printed (pandas' ``to_html`` or a Styler);
nothing in that HTML says which cells are numbers, and CSS cannot look at a cell's text. So the build reads
each output table once and marks a cell whose whole text is a number ("0.777", "-1,204", "12.5%"), a number
with its interval ("0.768 [0.758, 0.777]"), an interval alone, a count ("3 of 7") or the missing-value dash;
a column head is marked when every cell below it is. An interval is one unit: the class keeps it on one line.
"""
from __future__ import annotations

import re

from docutils import nodes

NUMBER = r"[+\-\u2212]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+\-]?\d+)?%?|\u221e)"  # or an unbounded end, "∞"
NUMERIC = re.compile(rf"^(?:{NUMBER}(?:\s*\[{NUMBER},\s*{NUMBER}\])?|\[{NUMBER},\s*{NUMBER}\]|\d+ of \d+)$")
MISSING = {"\u2014", "\u2013", "-", ""}
TABLE = re.compile(r"<table\b.*?</table>", re.S)
ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)


def is_numeric(text: str) -> bool:
    """Whether a cell's text is set as a number (the missing-value dash is not, on its own)."""
    return bool(NUMERIC.match(text.strip()))


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ").replace("&#8722;", "\u2212").strip()


def _mark(cell: re.Match) -> str:
    tag, attributes, content = cell.groups()
    if 'class="' in attributes:
        attributes = attributes.replace('class="', 'class="rbu-num ', 1)
    else:
        attributes = attributes + ' class="rbu-num"'
    return f"<{tag}{attributes}>{content}</{tag}>"


def mark_table(table: str) -> str:
    """The table's HTML with its numeric body cells, and the heads of all-numeric columns, marked."""
    rows = [(row.start(1), list(CELL.finditer(row.group(1)))) for row in ROW.finditer(table)]
    width = max((len(cells) for _, cells in rows), default=0)
    body = [cells for _, cells in rows if len(cells) == width and any(c.group(1) == "td" for c in cells)]
    numeric_column = []
    for k in range(width):
        texts = [_text(cells[k].group(3)) for cells in body]
        numeric_column.append(any(is_numeric(t) for t in texts) and all(is_numeric(t) or t in MISSING for t in texts))
    out, last = [], 0
    for start, cells in rows:
        full = len(cells) == width
        in_body = any(c.group(1) == "td" for c in cells)
        for k, cell in enumerate(cells):
            text = _text(cell.group(3))
            if cell.group(1) == "td":
                mark = is_numeric(text) or (full and numeric_column[k] and text in MISSING)
            else:  # a column head (not a row label): marked over a column of numbers
                mark = full and not in_body and numeric_column[k]
            if mark:
                out += [table[last:start + cell.start()], _mark(cell)]
                last = start + cell.end()
    out.append(table[last:])
    return "".join(out)


def mark_tables(html: str) -> str:
    """Every ``<table>`` of an output's HTML marked by :func:`mark_table`."""
    return TABLE.sub(lambda m: mark_table(m.group(0)), html)


def _mark_outputs(app, doctree, docname) -> None:
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split() and "<table" in node.astext():
            marked = mark_tables(node.astext())
            if marked != node.astext():
                node.replace(node.children[0], nodes.Text(marked))


def setup(app):
    app.connect("doctree-resolved", _mark_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
