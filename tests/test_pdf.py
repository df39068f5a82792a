"""The PDF of the whole book (scripts/book.py pdf): every page of the table of contents is in it, the
math is typeset (no TeX source left), the figures are in it, its page count is plausible, and the
reader's edition links it from its download menu."""
from __future__ import annotations

import json
import os
import re

import pytest

from .test_book_sources import ROOT, _toc_files

PDF = ROOT / "_build" / "pdf" / "routerbench-book.pdf"
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"


def _title(entry: str) -> str:
    """The page's title: its first level-one heading."""
    path = next(ROOT / (entry + ext) for ext in (".ipynb", ".md") if (ROOT / (entry + ext)).exists())
    if path.suffix == ".ipynb":
        text = "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                         for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    else:
        text = path.read_text()
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def _figures() -> int:
    count = 0
    for entry in _toc_files():
        path = ROOT / (entry + ".ipynb")
        if path.exists():
            count += sum("figure" in c.get("metadata", {}).get("mystnb", {})
                         for c in json.loads(path.read_text())["cells"])
    return count


@pytest.fixture(scope="module")
def pdf():
    if not PDF.exists():
        if REQUIRED:
            pytest.fail("the PDF is not built (scripts/build-book.sh or python scripts/book.py pdf)")
        pytest.skip("the PDF is not built")
    from pypdf import PdfReader

    reader = PdfReader(PDF)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def test_every_chapter_title_is_in_the_pdf(pdf):
    _, text = pdf
    flat = text.replace("\u2011", "-").lower()
    missing = [t for t in map(_title, _toc_files()) if re.sub(r"\s+", " ", t).lower() not in flat]
    assert not missing, f"chapters missing from the PDF: {missing}"


def test_page_count_is_plausible(pdf):
    reader, _ = pdf
    chapters = len(_toc_files())
    assert 5 * chapters <= len(reader.pages) <= 60 * chapters, len(reader.pages)


def test_math_is_typeset_and_figures_are_in(pdf):
    reader, text = pdf
    raw = re.findall(r"\\(?:frac|sum|int|mathrm|bar|tilde|hat)\b|\$\$", text)
    assert not raw, f"untypeset TeX in the PDF: {raw[:5]}"
    images = sum(len(page.images) for page in reader.pages)
    assert images >= _figures() > 10


def test_the_download_menu_links_the_pdf():
    page = ROOT / "_build" / "html" / "book" / "hull.html"
    if not page.exists() or not PDF.exists():
        if REQUIRED:
            pytest.fail("the book or its PDF is not built")
        pytest.skip("the book or its PDF is not built")
    html = page.read_text()
    assert 'href="../routerbench-book.pdf"' in html and "window.print()" not in html
    assert (ROOT / "_build" / "html" / "routerbench-book.pdf").exists()
