"""The PDF of the whole book (scripts/book_pdf.py): every page of the table of contents is in it with
one bookmark per page in reading order, the math is typeset (no TeX source left), the figures and the
solutions are in it, every link stays inside the PDF, each page's footer carries its chapter and its
number in the whole book, its page count is plausible, and the reader's edition links it from its
download menu."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ._scripts import load_script
from .test_book_sources import ROOT, _toc_files

PDF = ROOT / "_build" / "pdf" / "routerbench-book.pdf"
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"


def _printed() -> list[str]:
    """The pages of _toc.yml the PDF prints: all but those listed under an online-only page (the API
    reference's page per group), whose links lead to its pointer."""
    folded = load_script("book_pdf").folded(ROOT / "_toc.yml")
    return [entry for entry in _toc_files() if not any(entry in pages for pages in folded.values())]


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
    for entry in _printed():
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
    pages = _pdftotext_pages(len(reader.pages))
    if pages is None:  # pypdf's own extraction: the same text, 20 s for the book instead of 1 s
        pages = [page.extract_text() or "" for page in reader.pages]
    return reader, re.sub(r"\s+", " ", "\n".join(pages)), pages


def _pdftotext_pages(n_pages: int, *crop: str) -> list[str] | None:
    """Each page's text by poppler's pdftotext (``crop``: its -x/-y/-W/-H options, for part of every
    page); None without pdftotext, or if it disagrees with pypdf on the number of pages."""
    if not shutil.which("pdftotext"):
        return None
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", *crop, str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")  # every page ends with a form feed
    if len(pages) == n_pages + 1 and not pages[-1].strip():
        pages = pages[:-1]
    return pages if len(pages) == n_pages else None


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip()


def _images(resources, seen=None) -> int:
    """Image objects a page draws, also through its form objects (what ``page.images`` lists, without
    decoding every image: 1 ms instead of 15 s for the book)."""
    seen = set() if seen is None else seen
    objects = resources.get_object().get("/XObject") if resources is not None else None
    count = 0
    for ref in (objects.get_object().values() if objects is not None else []):
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            count += 1
        elif obj.get("/Subtype") == "/Form" and id(obj) not in seen:
            seen.add(id(obj))
            count += _images(obj.get("/Resources"), seen)
    return count


def _solution_code() -> list[tuple[str, str]]:
    """(page, first code line) of every solution that opens with a code cell: printed only when the
    solution's dropdown was opened for print."""
    found = []
    for entry in _printed():
        path = ROOT / (entry + ".ipynb")
        if not path.exists():
            continue
        cells = json.loads(path.read_text())["cells"]
        for cell, following in zip(cells, cells[1:]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and "{solution-start}" in source and following["cell_type"] == "code":
                start = source.rsplit("{solution-start}", 1)[1]
                if "{solution-end}" in start:  # the solution ends in this cell: the code is not its
                    continue
                lines = [l.strip() for l in "".join(following["source"]).splitlines()]
                line = next((l for l in lines if l and not l.startswith("#")), "")
                if len(line) >= 12:
                    found.append((entry, line[:24]))
    return found


def test_every_chapter_title_is_in_the_pdf(pdf):
    _, text, _ = pdf
    flat = text.replace("\u2011", "-").lower()
    missing = [t for t in map(_title, _printed()) if re.sub(r"\s+", " ", t).lower() not in flat]
    assert not missing, f"chapters missing from the PDF: {missing}"


def test_page_count_is_plausible(pdf):
    reader, _, _ = pdf
    chapters = len(_printed())
    assert 5 * chapters <= len(reader.pages) <= 60 * chapters, len(reader.pages)


def test_math_is_typeset_and_figures_are_in(pdf):
    reader, text, _ = pdf
    raw = re.findall(r"\\(?:frac|sum|int|mathrm|bar|tilde|hat)\b|\$\$", text)
    assert not raw, f"untypeset TeX in the PDF: {raw[:5]}"
    images = sum(_images(page.get("/Resources")) for page in reader.pages)
    assert images >= _figures() > 10


def test_one_bookmark_per_page_in_reading_order(pdf):
    reader, _, pages = pdf
    top = [item for item in reader.outline if not isinstance(item, list)]  # lists: a page's sections
    assert [_flat(item.title) for item in top] == [_flat(_title(entry)) for entry in _printed()] + ["Index of terms"]
    starts = [reader.get_destination_page_number(item) for item in top]
    assert starts[0] == 0 and starts == sorted(set(starts)), starts
    for item, start in zip(top, starts):  # each bookmark opens the page that starts with its title
        assert _flat(item.title).lower() in _flat(pages[start]).lower(), (item.title, start + 1)


def test_the_solutions_are_printed_open(pdf):
    _, text, _ = pdf
    flat = _flat(text)
    expected = _solution_code()
    missing = [(entry, line) for entry, line in expected if _flat(line) not in flat]
    assert len(expected) > 10 and not missing, f"solutions not printed: {missing[:5]}"


def test_every_link_stays_inside_the_pdf(pdf):
    reader, _, _ = pdf
    names, pages = reader.named_destinations, {page.indirect_reference.idnum for page in reader.pages}
    count, outside = 0, []
    for number, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            count += 1
            action = annot.get("/A") or {}
            dest = annot.get("/Dest", action.get("/D"))
            if str(action.get("/URI", "")).startswith("file:"):  # a file of the machine that built it
                outside.append((number, action["/URI"]))
            elif isinstance(dest, str) and dest not in names:
                outside.append((number, dest))
            elif dest is not None and not isinstance(dest, str) and getattr(dest[0], "idnum", None) not in pages:
                outside.append((number, "a page not in the PDF"))
    assert count > 100 and not outside, f"{len(outside)} links lead out of the PDF: {outside[:3]}"


def test_footers_number_the_whole_book_and_name_the_chapter(pdf):
    reader, _, pages = pdf
    top = [item for item in reader.outline if not isinstance(item, list)]
    starts = {reader.get_destination_page_number(item): _flat(item.title) for item in top}
    footers = _footer_texts(reader)
    chapter, wrong = None, []
    for index, text in enumerate(pages):
        chapter = starts.get(index, chapter)
        expected = f"{chapter} {index + 1}"
        # With poppler: the bottom margin alone, exactly; without: the page's text ends with it.
        ok = _flat(footers[index]) == expected if footers else _flat(text).endswith(expected)
        if index and not ok:
            wrong.append((index + 1, _flat(footers[index] if footers else text)[-50:]))
    assert not wrong, f"{len(wrong)} footers without their chapter and book page number: {wrong[:3]}"


def _footer_texts(reader) -> list[str] | None:
    """The text of each page's bottom margin (the last 0.6 inch), by pdftotext; None without it."""
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    margin = 0.6 * 72
    return _pdftotext_pages(len(reader.pages), "-x", "0", "-y", str(int(height - margin)),
                            "-W", str(int(width) + 1), "-H", str(int(margin) + 1))


def test_the_download_menu_links_the_pdf():
    page = ROOT / "_build" / "html" / "book" / "hull.html"
    if not page.exists() or not PDF.exists():
        if REQUIRED:
            pytest.fail("the book or its PDF is not built")
        pytest.skip("the book or its PDF is not built")
    html = page.read_text()
    assert 'href="../routerbench-book.pdf"' in html and "window.print()" not in html
    assert (ROOT / "_build" / "html" / "routerbench-book.pdf").exists()


def test_the_api_reference_is_a_pointer_to_the_html(pdf):
    """The printed book keeps the API reference to its title and a pointer (it is looked up, not read:
    about 150 pages of docstrings); its bookmark opens one page that says where to read it."""
    book_pdf = load_script("book_pdf")
    reader, _, pages = pdf
    top = [item for item in reader.outline if not isinstance(item, list)]
    starts = [reader.get_destination_page_number(item) for item in top]
    for entry, note in book_pdf.ONLINE_ONLY.items():
        k = [_flat(item.title) for item in top].index(_title(entry))
        length = (starts[k + 1] if k + 1 < len(starts) else len(pages)) - starts[k]
        assert length == 1, f"{entry}: {length} pages in the PDF; expected its one-page pointer"
        assert _flat(note)[:80] in _flat(pages[starts[k]]), f"{entry}: the pointer's text is not on its page"


# ---- A printed book's apparatus and page layout (issue 23) ------------------------------------------------

def _layout_pages(first: int, last: int) -> list[str]:
    """Pages first..last (1-based) as pdftotext -layout sets them (numbers stay on their lines)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(PDF), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_one_table_of_contents(pdf):
    """The book's contents once, on the first pages; no page repeats its own section list."""
    _, _, pages = pdf
    headed = [k + 1 for k, page in enumerate(pages) if re.search(r"^\s*Contents\s*$", page, re.M)]
    assert headed == [1], f"pages with a 'Contents' heading: {headed}"


def test_list_of_figures_gives_each_figures_page(pdf):
    """Every numbered figure is listed, and the page number beside it is the page that shows its caption."""
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler's pdftotext")
    book_pdf = load_script("book_pdf")
    reader, _, pages = pdf
    start = next(k for k, page in enumerate(pages) if "List of figures" in page)
    listed, current = {}, None
    for line in "\n".join(_layout_pages(start + 1, start + 3)).splitlines():
        entry = re.match(r"\s*Fig\. (\d+) ", line)
        current = entry.group(1) if entry else current
        number = re.search(r"\s(\d+)\s*$", line)
        if current and number and current not in listed and "Index of terms" not in line:
            listed[current] = int(number.group(1))
    printed = sum(len(book_pdf.figures(p.read_text())) for p in (ROOT / "_build" / "html" / "book").glob("*.html"))
    assert len(listed) == printed > 10, (len(listed), printed)

    def shows(fig: str, page: int) -> bool:
        """The caption is on the page, or the figure starts there and runs on in slices (a stack of
        panels taller than a printed figure, book_pdf.SLICE_TALL_FIGURES) to its caption a few pages on,
        with no other figure's caption in between."""
        for later in range(page, min(page + 4, len(pages) + 1)):
            captions = re.findall(r"Fig\. ?(\d+)\b", pages[later - 1])
            if fig in captions:
                return True
            if any(c != fig for c in captions):
                return False
        return False

    wrong = [(fig, page) for fig, page in listed.items() if not shows(fig, page)]
    assert not wrong, f"figures listed on a page that does not show them: {wrong[:5]}"


def test_index_of_terms_closes_the_book(pdf):
    """The last pages index the glossary's terms, each with the pages that use it (numbers stamped at
    the merge), and each page given does use the term."""
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler's pdftotext")
    reader, _, pages = pdf
    start = next(k for k in range(len(pages) - 1, 0, -1) if "Index of terms" in pages[k])
    assert start >= len(pages) - 3, "the index is not at the end of the book"
    glossary = (ROOT / "book" / "glossary.md").read_text()
    terms = re.findall(r"^([A-Za-z][^\n]*)\n  \S", glossary.split("```{glossary}")[1], re.M)
    text = "\n".join(_layout_pages(start + 1, len(pages)))
    entries = {m.group(1): [int(n) for n in re.findall(r"\d+", m.group(2))]
               for m in re.finditer(r"^\s*([A-Za-z][\w\- ]*?),((?:\s*\d+(?:\s*,)?)+)", text, re.M)}
    assert set(terms) <= set(entries), f"terms without an index entry: {set(terms) - set(entries)}"
    for term in terms:
        for number in entries[term]:
            # every word of the term on that page (a table's cells come out of pdftotext interleaved,
            # hyphenated at a line's end)
            words = _flat(pages[number - 1]).lower().replace("-", " ")
            assert all(word in words for word in term.lower().replace("-", " ").split()), \
                f"{term!r} indexed on page {number}"


def test_no_page_is_left_half_empty(pdf):
    """Every page is filled at least half way down, except where a chapter, the front matter or the
    index ends (a block kept whole that did not fit used to move on and leave the page half empty)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("needs poppler's pdftoppm")
    import tempfile

    import numpy as np
    from PIL import Image

    reader, _, pages = pdf
    starts = {reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
    index = next(k for k in range(len(pages) - 1, 0, -1) if "Index of terms" in pages[k])
    front = next(k for k, page in enumerate(pages) if "List of figures" in page)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "20", "-gray", str(PDF), f"{folder}/p"], check=True)
        images = sorted(Path(folder).glob("p-*.pgm"))
        empty = []
        for k, path in enumerate(images):
            if k + 1 in starts or k + 1 == index or k < front or k + 1 >= len(images):
                continue  # the last page of a chapter, of the front matter, of the book before the index
            grey = np.asarray(Image.open(path))
            top, bottom = int(len(grey) * 0.6 / 11.69), int(len(grey) * (1 - 0.7 / 11.69))  # the margins
            rows = np.flatnonzero((grey[top:bottom] < 235).any(axis=1))
            filled = (rows.max() + 1) / (bottom - top) if rows.size else 0.0
            if filled < 0.5:
                empty.append((k + 1, round(filled, 2)))
    assert not empty, f"pages filled less than half way: {empty}"


def test_code_is_set_small_and_broken_between_tokens():
    """The print styles set code at 8 pt, wrapping at spaces and at the break opportunities PREPARE adds
    after operator and punctuation tokens (never inside a name that fits on a line)."""
    book_pdf = load_script("book_pdf")
    assert "font-size: 8pt" in book_pdf.PRINT_CSS and "overflow-wrap: break-word" in book_pdf.PRINT_CSS
    assert "anywhere" not in book_pdf.PRINT_CSS
    assert "span.o, div.highlight pre span.p" in book_pdf.PREPARE and "wbr" in book_pdf.PREPARE


def test_a_tall_stack_of_panels_is_printed_in_slices_at_its_bands(tmp_path):
    """A stack of panels taller than a printed figure is cut at the white bands between its panels into
    images of at most 3.6 in, none cut through a panel; a figure that fits is left alone."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("needs chromium and chromium-driver")
    import numpy as np
    from PIL import Image

    book_pdf = load_script("book_pdf")
    width, panel, gap = 400, 300, 40  # five grey panels of 300 px, 40 px of white between them
    tall = np.full((5 * panel + 4 * gap, width, 3), 255, dtype=np.uint8)
    for k in range(5):
        tall[k * (panel + gap):k * (panel + gap) + panel] = 120
    Image.fromarray(tall).save(tmp_path / "tall.png")
    Image.fromarray(tall[:panel]).save(tmp_path / "short.png")
    (tmp_path / "page.html").write_text(
        '<html><body><article style="width: 700px"><figure><img src="tall.png"><figcaption>A</figcaption>'
        '</figure><figure><img src="short.png"></figure></article></body></html>')
    driver = book_pdf._driver(60)
    try:
        driver.get((tmp_path / "page.html").as_uri())
        assert driver.execute_script(book_pdf.SLICE_TALL_FIGURES) == 1
        heights = driver.execute_script(
            "return Array.from(document.querySelectorAll('.rbu-print-slices img'))"
            ".map(i => [i.naturalHeight, i.closest('figure').querySelector('figcaption') !== null]);")
        untouched = driver.execute_script("return document.querySelectorAll('img[src$=\"short.png\"]').length")
    finally:
        driver.quit()
    # 3.6 in is 345 px at this size: one panel and half of each band around it per slice, the caption kept.
    assert len(heights) == 5 and all(h <= 345 for h, _ in heights), heights
    assert sum(h for h, _ in heights) == tall.shape[0] and all(kept for _, kept in heights)
    assert untouched == 1
