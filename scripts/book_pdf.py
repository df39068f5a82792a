"""The book's PDF from the reader's HTML edition: every page of the table of contents printed by headless
Chromium, several pages at a time, then merged into one PDF with a bookmark per page.

    python scripts/book_pdf.py [--html _build/html] [--out _build/pdf/routerbench-book.pdf] [--workers 2]

Each of ``workers`` Chromium processes prints whole pages (``<html>/<entry>.html``, root first, in the
order of ``_toc.yml``), taking the most expensive page left (HTML size and formula count) each time it
is free. A page is printed once MathJax has typeset every formula, with the solutions open and long
code lines wrapped. The pages are then merged with pypdf: one top-level bookmark per page title (its
sections below it), links between pages turned into links inside the PDF, the book's contents listed
with page numbers on the first page, and each page's footer stamped with its chapter and its page
number in the whole book. Everything is read from disk (``file://``); no network is used.

Each page's print is kept (``cache``) under a key of everything it depends on (``page_key``): after an
edit only the pages whose HTML changed are printed again, and the book is merged anew from the prints.

Why not the stock tools: Jupyter Book's ``pdfhtml`` prints one single-page HTML through pyppeteer, which
downloads its own Chromium when first used (the build uses no network) and leaves no page boundaries
for the bookmarks, page numbers and links kept here; ``pdflatex`` needs TeX and drops the chapters' HTML
outputs (tables).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: A named destination this close to the bottom edge (points) lies in the bottom margin or below the page.
LOW_MARK = 0.8 * 72.0
#: A4 in inches, and the margins of every page (the footer is stamped in the bottom margin).
PAPER = {"paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.6, "marginBottom": 0.7,
         "marginLeft": 0.6, "marginRight": 0.6}
PT = 72.0  # PDF points per inch

#: MathJax 2 configured for print before the page's own configuration runs. MathJax keeps this object
#: as its author configuration and merges the page's ``text/x-mathjax-config`` block into it key by key
#: (``MathJax.Hub.Insert`` recurses into objects), so these settings survive: the page sets none of them.
#: The page itself already skips the fast preview and typesets in large chunks (_ext/offline_mathjax.py);
#: print adds skipping the hidden MathML copy for screen readers (clipped, so never printed).
MATHJAX_PRINT_CONFIG = {
    "AssistiveMML": {"disabled": True},
    "menuSettings": {"assistiveMML": False},
}

#: 0 once every formula of the page is typeset: MathJax loaded, its queue empty, no formula left raw.
#: -1 while MathJax is still loading; -2 when the page holds formulas but does not load MathJax.
MATH_PENDING = """
const raw = Array.from(document.querySelectorAll('.math.notranslate')).filter(n =>
    !n.querySelector('.MathJax, .MathJax_Display, .MathJax_CHTML, .MathJax_SVG, math')).length;
if (!(window.MathJax && MathJax.isReady && MathJax.Hub))
    return document.querySelector('script[src*="MathJax.js"]') ? -1 : (raw ? -2 : 0);
return MathJax.Hub.queue.pending + raw;
"""

#: Print styles added to every page: the web page's chrome hidden (the theme's print CSS hides most of
#: it already; this is the complete list) with the toggle buttons of solutions and the "Show code cell
#: source" bars of hidden inputs (closed: the input stays hidden, as on the web); code set at 8 pt and
#: wrapped (paper does not scroll) at spaces or, through the <wbr> PREPARE adds, after an operator or a
#: punctuation token, never inside a name unless the name alone is wider than the line; a figure kept
#: with its caption and a table row in one piece, headings kept with what follows; a code cell and an
#: output, a table, an admonition may break across pages (at least four lines of code on each side;
#: the theme keeps them whole), and a figure is at most 3.6 in tall (with a caption of three lines, under half
#: of the 10.4 in of a page's text): a block kept whole that does not fit moves to the next page and leaves the rest of this
#: one empty, so no block kept whole is taller than about half a page; wide math and outputs not clipped.
PRINT_CSS = """
@media print {
  .bd-header, .bd-header-announcement, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
  .bd-footer-content, .bd-footer-article, .prev-next-area, .header-article, .article-header-buttons,
  .dropdown-download-buttons, .dropdown-launch-buttons, .search-button, .search-button-field,
  #pst-back-to-top, .skip-link, .sidebar-toggle, .theme-switch-button, .copybtn,
  .toggle-details__summary .tb-icon, details.dropdown > summary .sd-summary-state-marker,
  .bd-search, #searchbox, button.toggle-button, details.hide > summary { display: none !important; }
  pre { white-space: pre-wrap !important; overflow-wrap: break-word; font-size: 8pt !important; line-height: 1.35; }
  figure, tr, div.admonition > p:first-child { break-inside: avoid; }
  .bd-main .bd-content table, div.highlight, div.literal-block-wrapper, div[class*=highlight-], .admonition,
  div.admonition, details { break-inside: auto !important; }  /* the theme keeps these whole */
  div.highlight pre { orphans: 4; widows: 4; }
  figcaption { break-before: avoid; font-size: 9pt; line-height: 1.35; }
  figure img { max-width: 100% !important; max-height: 3.6in; width: auto; height: auto; object-fit: contain; }
  /* Paper does not scroll: a table wider than the page breaks a cell "0.768 [0.758, 0.777]" between the
     estimate and its interval (PREPARE keeps each of the two whole) rather than losing its last columns. */
  div.cell_output table td.rbu-num { white-space: normal !important; }
  div.cell_output table td.rbu-num span.rbu-keep { white-space: nowrap; }
  h1, h2, h3, h4, dt, p.admonition-title, p.rubric { break-after: avoid; }
  #rbu-book-figures li, #rbu-book-index li { margin: 0.15em 0; padding-right: 2.5em; }
  #rbu-book-index { font-size: 9pt; }
  #rbu-book-figures, #rbu-book-index { break-before: page; }
  div.math, .MathJax_Display, div.cell_output .output.text_html { overflow: visible !important; }
  #rbu-book-contents ul { list-style: none; padding-left: 1.5em; margin: 0.2em 0 0.8em 0; }
  #rbu-book-contents li { margin: 0.25em 0; }
  #rbu-book-contents p.rbu-part { font-weight: 600; margin: 0.8em 0 0 0; }
}
"""

#: Run once the math is typeset: open every solution (sphinx-togglebutton would also open them on
#: ``beforeprint``; done here so the PDF does not depend on its ``toggleOpenOnPrint`` setting), add the
#: print styles and the code's break opportunities, list the book's contents, its figures and its index
#: of terms on the root page (in place of the page's own section list; other pages drop theirs),
#: and give the PDF a named destination for every section and every id another page links to (Chromium
#: writes one only for the ids a link of the same page points at: hidden links to them do). Returns the
#: page's sections (id, title) for the bookmarks.
PREPARE = """
const [anchors, contents, css] = arguments;
document.querySelectorAll('details').forEach(d => { if (d.querySelector('.solution, .solution-title')
    || d.classList.contains('solution')) d.open = true; });
document.querySelectorAll('.solution .toggle-hidden, .solution.toggle-hidden')
    .forEach(n => n.classList.remove('toggle-hidden'));
// An interval cell may break between the estimate and its bracket only (PRINT_CSS), never inside either.
document.querySelectorAll('div.cell_output table td.rbu-num').forEach(td => {
    const m = td.textContent.trim().match(/^(\S+)\s+(\[[^\]]*\])$/);
    if (!m) return;
    td.replaceChildren();
    for (const [k, part] of [m[1], m[2]].entries()) {
        const span = document.createElement('span');
        span.className = 'rbu-keep';
        span.textContent = part;
        if (k) td.append(' ');
        td.append(span);
    }
});
const style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);
// Break opportunities between code tokens: after an operator or punctuation token ('.', '(', ',', '=').
document.querySelectorAll('div.highlight pre span.o, div.highlight pre span.p')
    .forEach(s => s.after(document.createElement('wbr')));
// An id at the page's first use of each glossary term the index of terms points at (as terms() finds it).
for (const id of anchors.filter(a => a.startsWith('rbu-term-'))) {
    const term = id.slice(9).replace(/_/g, ' ');
    const escaped = term.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
    const pattern = new RegExp('\\\\b' + escaped + 's?\\\\b', term === term.toUpperCase() ? '' : 'i');
    const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const at = t.textContent.search(pattern);
        if (at < 0 || t.parentElement.closest('#jb-print-toc, svg, .headerlink, h1, h2, h3, h4, pre')
            || !t.parentElement.getClientRects().length) continue;  // not in headings, code or hidden text
        const word = t.splitText(at);  // the id on the word itself: an empty mark at the top of a page
        word.splitText(word.textContent.match(pattern)[0].length);  // is placed on the page before
        const mark = document.createElement('span');
        mark.id = id;
        word.parentNode.insertBefore(mark, word);
        mark.appendChild(word);
        break;
    }
}
// One table of contents in the book: the theme prints each page's own section list at its top.
if (!contents) document.querySelectorAll('#jb-print-toc').forEach(n => n.remove());
if (contents) {
    const [front, back] = contents.split('<!--rbu-index-->');
    const toc = document.querySelector('#jb-print-toc');
    const box = document.createElement('div');
    box.id = 'rbu-book-contents';
    box.innerHTML = front;
    if (toc) { toc.replaceWith(box); } else { document.querySelector('article').prepend(box); }
    if (back) {  // the index of terms after the page's text (merge() moves it to the end of the book)
        const end = document.createElement('div');
        end.innerHTML = back;
        document.querySelector('article').append(end);
        anchors.push('rbu-book-index');
    }
}
const sections = Array.from(document.querySelectorAll('article.bd-article section > h2')).map(h => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(n => n.remove());
    return [h.parentElement.id, c.textContent.replace(/\\s+/g, ' ').trim()];
}).filter(([id, title]) => id && title);
const hidden = document.createElement('div');
hidden.style.display = 'none';
for (const id of [...anchors, ...sections.map(([id]) => id)]) {
    const a = document.createElement('a');
    a.href = '#' + encodeURIComponent(id);
    hidden.appendChild(a);
}
document.body.appendChild(hidden);
return sections;
"""

#: Run before PREPARE: a figure of stacked panels taller than a printed figure may be (3.6 in, PRINT_CSS)
#: is cut into slices at the white bands between its panels, each slice at most 3.6 in tall, so that paper
#: shows it at its screen size across pages instead of shrinking all of it into 3.6 in (a stack of seven
#: panels to a quarter of its size, its text to 2-3 pt). The slices are images of their own (canvas
#: crops of the loaded image: Chromium runs with --allow-file-access-from-files, so a file:// image does
#: not taint the canvas), the caption stays with the last one. A band is a run of at least 6 pixel rows
#: that are all near-white; a panel taller than 3.6 in on its own keeps the shrinking. Returns the number
#: of figures cut.
SLICE_TALL_FIGURES = """
const MAX = 3.6 * 96;  // CSS px in 3.6 in, a printed figure's largest height (PRINT_CSS)
let cut = 0;
for (const img of Array.from(document.querySelectorAll('article img'))) {
    if (!img.complete || !img.naturalWidth || img.closest('#rbu-book-contents')) continue;
    const shown = Math.min(img.naturalWidth, (img.parentElement.clientWidth || img.naturalWidth));
    const limit = Math.floor(MAX * img.naturalWidth / shown);  // 3.6 in, in the image's own pixels
    if (img.naturalHeight <= 1.5 * limit) continue;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    let data;
    try { data = ctx.getImageData(0, 0, canvas.width, canvas.height).data; } catch (e) { continue; }
    const white = [];
    for (let y = 0; y < canvas.height; y++) {
        let ok = true;
        for (let x = 0, i = y * canvas.width * 4; x < canvas.width; x++, i += 4) {
            if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) { ok = false; break; }
        }
        white.push(ok);
    }
    const bands = [];  // the middle row of every band of 6 or more white rows
    for (let y = 0; y < white.length;) {
        if (!white[y]) { y++; continue; }
        let end = y;
        while (end < white.length && white[end]) end++;
        if (end - y >= 6 && y > 0 && end < white.length) bands.push(Math.floor((y + end) / 2));
        y = end;
    }
    const cuts = [0];
    while (canvas.height - cuts[cuts.length - 1] > limit) {
        const start = cuts[cuts.length - 1];
        const fits = bands.filter(b => b > start && b - start <= limit);
        const next = fits.length ? fits[fits.length - 1] : bands.find(b => b > start);
        if (next === undefined) break;
        cuts.push(next);
    }
    if (cuts.length < 2) continue;
    cuts.push(canvas.height);
    const box = document.createElement('div');
    box.className = 'rbu-print-slices';
    for (let k = 0; k + 1 < cuts.length; k++) {
        const part = document.createElement('canvas');
        part.width = canvas.width; part.height = cuts[k + 1] - cuts[k];
        part.getContext('2d').drawImage(canvas, 0, cuts[k], canvas.width, part.height, 0, 0, canvas.width,
                                        part.height);
        const slice = document.createElement('img');
        slice.src = part.toDataURL('image/png');
        slice.alt = (img.alt || 'figure') + ' (part ' + (k + 1) + ' of ' + (cuts.length - 1) + ')';
        slice.style.cssText = 'display: block; width: ' + part.width * shown / img.naturalWidth
            + 'px; max-width: 100%; margin: 0 auto; break-inside: avoid;';
        box.appendChild(slice);
    }
    img.replaceWith(box);
    const figure = box.closest('figure');
    if (figure) figure.style.breakInside = 'auto';
    cut++;
}
return cut;
"""

#: Marks the links of the printed contents, so their page numbers can be stamped after the merge.
CONTENTS_MARK = "rbu-contents"
#: Marks (as the link's query) the links of the list of figures and the index of terms, which point at an
#: id inside a page: the number stamped is the page of that id.
NUMBER_MARK = "rbu-page-number"
#: The same for a link whose number is stamped inside it (the index: several numbers on a line).
INLINE_MARK = "rbu-page-inline"
#: The index of terms: printed after the root page's text (it follows this comment in the contents
#: HTML), its pages moved to the end of the book by merge().
INDEX_ID = "rbu-book-index"
INDEX_SPLIT = "<!--rbu-index-->"

#: Pages the printed book keeps to their title and a pointer: the API reference is every public function
#: and class of the package with its docstring, about 150 printed pages that a reader looks up rather
#: than reads (and half of the PDF's printing time). Links to it from other pages lead to the pointer. The
#: pages _toc.yml lists under it (the reference's one page per group) are not printed: links to them lead
#: to the pointer too.
ONLINE_ONLY = {"book/api": (
    "The API reference documents every public function and class of routerbench_utils from its "
    "docstring: its formula, parameters, errors and the chapter that explains it. It is meant to be "
    "looked up rather than read through, so the printed book leaves it out; read it in the HTML "
    "edition (book/api.html), or in Python with help(), for example help(rbu.model_points). "
    "Links to it in this PDF lead to this page.")}

#: Replaces the article of an online-only page with its title and the pointer (the text, an argument).
POINTER = """
const article = document.querySelector('article.bd-article') || document.querySelector('article');
const title = article.querySelector('h1');
const note = document.createElement('p');
note.textContent = arguments[0];
article.replaceChildren(...(title ? [title.cloneNode(true)] : []), note);
document.querySelectorAll('#jb-print-toc').forEach(n => n.remove());  // the sections left out
"""

#: Added to the MathJax configuration set before every page loads: on an online-only page MathJax does
#: not typeset the page at start-up (the pointer replaces its formulas).
SKIP_TYPESET = ("if (%s.some(e => decodeURIComponent(location.pathname).endsWith('/' + e + '.html')))"
                " window.MathJax.skipStartupTypeset = true;" % json.dumps(sorted(ONLINE_ONLY)))


@dataclass
class Page:
    """One page of the table of contents and what its print gave."""

    entry: str  # e.g. "book/hull"
    path: Path
    title: str
    cost: float = 0.0
    anchors: list[str] = field(default_factory=list)
    pdf: bytes = b""
    sections: list[tuple[str, str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (id, "Fig. N caption")
    terms: list[tuple[str, str]] = field(default_factory=list)  # (glossary term, section id where used)
    seconds: float = 0.0
    phases: tuple[float, float, float] = (0.0, 0.0, 0.0)  # loading, typesetting, printing
    folded: list[Path] = field(default_factory=list)  # pages not printed whose links lead to this one
    sliced: int = 0  # tall figures printed in slices (SLICE_TALL_FIGURES)


def toc_entries(toc: Path) -> tuple[list[str], list[tuple[str | None, list[str]]]]:
    """The pages of ``toc`` (a Jupyter Book ``_toc.yml``) to print, in reading order, root first, and its
    parts as ``(caption, entries)``; the sections of an online-only page are left out (``folded``)."""
    spec = _toc(toc)
    parts = []
    for part in spec.get("parts", []) or [{"chapters": spec.get("chapters", [])}]:
        entries = []
        for chapter in part.get("chapters", []):
            entries.append(chapter["file"])
            if _strip_ext(chapter["file"]) not in ONLINE_ONLY:
                entries += [s["file"] for s in chapter.get("sections", [])]
        parts.append((part.get("caption"), entries))
    return [spec["root"]] + [e for _, entries in parts for e in entries], parts


def folded(toc: Path) -> dict[str, list[str]]:
    """Each online-only page of ``toc`` -> the pages listed under it, which the PDF leaves out."""
    spec = _toc(toc)
    chapters = [c for part in spec.get("parts", []) or [{"chapters": spec.get("chapters", [])}]
                for c in part.get("chapters", [])]
    return {_strip_ext(c["file"]): [_strip_ext(s["file"]) for s in c.get("sections", [])]
            for c in chapters if _strip_ext(c["file"]) in ONLINE_ONLY}


def _toc(toc: Path) -> dict:
    spec = yaml.safe_load(Path(toc).read_text())
    if not isinstance(spec, dict) or "root" not in spec:
        raise ValueError(f"toc={toc}: expected a Jupyter Book _toc.yml with a 'root' entry")
    return spec


def _strip_ext(entry: str) -> str:
    return re.sub(r"\.(md|ipynb)$", "", entry)


def page_title(text: str) -> str:
    """The page's title: its ``<title>`` without the book's name that Sphinx appends."""
    found = re.search(r"<title>(.*?)</title>", text, re.S)
    if not found:
        return ""
    title = html.unescape(re.sub(r"\s+", " ", found.group(1))).strip()
    return title.rsplit(" \u2014 ", 1)[0].strip() if " \u2014 " in title else title


def expected_cost(text: str) -> float:
    """Seconds one Chromium takes for the page with HTML ``text``, roughly: loading and printing grow with
    the HTML, MathJax's typesetting with the formulas, and each figure adds its decoding and printing
    (measured on this book's pages: the API reference, 1 MB and 479 formulas, takes 19 s; a chapter 2-4 s).
    Only the order matters: the most expensive pages are printed first."""
    return (0.5 + 0.8 * len(text) / 100_000 + 0.02 * text.count("math notranslate")
            + 0.3 * text.count("<img"))


def plan(html_dir: Path, toc: Path) -> tuple[list[Page], list[tuple[str | None, list[str]]]]:
    """The pages to print, in reading order, with their titles, costs and the ids other pages link to."""
    entries, parts = toc_entries(toc)
    pages, texts = [], []
    for entry in map(_strip_ext, entries):
        path = Path(html_dir) / f"{entry}.html"
        if not path.exists():
            raise FileNotFoundError(f"html_dir={html_dir}: no {entry}.html for the _toc.yml entry {entry!r}; "
                                    "build the HTML first (python scripts/book.py render)")
        texts.append(path.read_text(encoding="utf-8"))
        pages.append(Page(entry, path.resolve(), page_title(texts[-1]) or entry, expected_cost(texts[-1])))
    under = folded(toc)
    for page in pages:
        page.folded = [(Path(html_dir) / f"{entry}.html").resolve() for entry in under.get(page.entry, [])]
    by_path = {page.path: page for page in pages}
    for page, text in zip(pages, texts):
        base = page.path.as_uri()
        for href in re.findall(r'href="([^"]*#[^"]+)"', text):
            url, fragment = urldefrag(urljoin(base, html.unescape(href)))
            target, fragment = by_path.get(_file(url)), unquote(fragment)
            if (target is not None and target is not page and target.entry not in ONLINE_ONLY
                    and fragment not in target.anchors):
                target.anchors.append(fragment)
    names = next((glossary_terms(t) for p, t in zip(pages, texts) if p.entry.endswith("glossary")), [])
    for page, text in zip(pages, texts):  # the figures and the sections the root page's lists link to
        if page.entry not in ONLINE_ONLY and page is not pages[0] and not page.entry.endswith("glossary"):
            page.figures = figures(text)
            page.terms = terms(text, names)
            for fragment in [f for f, _ in page.figures] + [term_anchor(t) for t, _ in page.terms]:
                if fragment not in page.anchors:
                    page.anchors.append(fragment)
    return pages, parts


FIGURE = re.compile(r'<figure[^>]*\bid="([^"]+)"[^>]*>.*?<span class="caption-number">(.*?)</span>'
                    r'\s*<span class="caption-text">(.*?)</span>', re.S)
SECTION = re.compile(r'<section[^>]*\bid="([^"]+)"')
GLOSSARY_TERM = re.compile(r'<dt id="term-[^"]*">([^<]+)')
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(.*)</article>', re.S)


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def figures(text: str) -> list[tuple[str, str]]:
    """A page's numbered figures: (id, "Fig. N caption") in order."""
    return [(m.group(1), f"{_plain(m.group(2))} {_plain(m.group(3))}") for m in FIGURE.finditer(text)]


def term_anchor(term: str) -> str:
    """The id PREPARE puts at a page's first use of a glossary term (the index of terms links there)."""
    return "rbu-term-" + term.replace(" ", "_")


def glossary_terms(text: str) -> list[str]:
    """The terms the glossary page defines."""
    return [html.unescape(t).strip() for t in GLOSSARY_TERM.findall(text)]


def terms(text: str, names: list[str]) -> list[tuple[str, str]]:
    """Where a page uses the glossary's terms: (term, id of the first section whose text names it), one
    place per term and page (an acronym matched as written, other terms in any case), outside headings
    and code, within one run of text (as PREPARE finds it to mark it: "budgeted <b>Oracle</b>" is not a use)."""
    article = ARTICLE.search(text)
    body = re.sub(r"<(h[1-6]|pre)\b.*?</\1>", "", article.group(1) if article else text, flags=re.S)
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(body)]
    chunks = [(sid, html.unescape(re.sub(r"<[^>]+>", "|", body[start:end])))
              for (start, sid), (end, _) in zip(starts, starts[1:] + [(len(body), "")])]
    found = []
    for name in names:
        pattern = re.compile(r"\b" + re.escape(name) + r"s?\b", 0 if name.isupper() else re.I)
        where = next((sid for sid, chunk in chunks if pattern.search(chunk)), None)
        if where is not None:
            found.append((name, where))
    return found


def _file(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None


def contents_html(pages: list[Page], parts: list[tuple[str | None, list[str]]]) -> str:
    """The book's contents for the printed root page: each part's caption, then its pages; each entry
    links the page (marked so that its page number is stamped next to it after the merge)."""
    by_entry = {page.entry: page for page in pages}
    root_dir = pages[0].path.parent
    out = ["<h2>Contents</h2>"]
    for caption, entries in parts:
        if caption:
            out.append(f'<p class="rbu-part">{html.escape(caption)}</p>')
        out.append("<ul>")
        for entry in map(_strip_ext, entries):
            page = by_entry[entry]
            href = os.path.relpath(page.path, root_dir).replace(os.sep, "/")
            out.append(f'<li><a href="{html.escape(href)}#{CONTENTS_MARK}">{html.escape(page.title)}</a></li>')
        out.append("</ul>")
    out.append('<div id="rbu-book-figures"><h2>List of figures</h2><ul>')
    for page in pages:
        href = os.path.relpath(page.path, root_dir).replace(os.sep, "/")
        for fragment, caption in page.figures:
            short = caption if len(caption) <= 110 else caption[:107].rsplit(" ", 1)[0] + " ..."
            out.append(f'<li><a href="{html.escape(href)}?{NUMBER_MARK}#{html.escape(fragment)}">'
                       f"{html.escape(short)}</a></li>")
    out.append(f'</ul></div>{INDEX_SPLIT}<div id="{INDEX_ID}"><h2>Index of terms</h2><ul>')
    uses: dict[str, list[tuple[Page, str]]] = {}
    for page in pages:
        for term, section in page.terms:
            uses.setdefault(term, []).append((page, section))
    for term in sorted(uses, key=str.lower):  # each use a blank link its page number is stamped into
        links = [f'<a href="{html.escape(os.path.relpath(p.path, root_dir).replace(os.sep, "/"))}?{INLINE_MARK}'
                 f'#{html.escape(term_anchor(term))}">&#8195;&#8195;</a>' for p, _ in uses[term]]
        out.append(f"<li>{html.escape(term)}, " + ", ".join(links) + "</li>")
    out.append("</ul></div>")
    return "\n".join(out)


def _driver(timeout: float):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--window-size=1200,1600", "--allow-file-access-from-files"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(timeout)
    # No network: the book is read from disk; any http(s) request (none is expected) fails at once.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    # Runs before the page's own scripts on every page this driver opens.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                           {"source": f"window.MathJax = {json.dumps(MATHJAX_PRINT_CONFIG)};" + SKIP_TYPESET})
    return driver


def print_page(driver, page: Page, contents: str | None, timeout: float) -> None:
    """Load ``page`` in ``driver``, wait for MathJax to typeset every formula, and print it to
    ``page.pdf`` (no header or footer: they are stamped after the merge)."""
    start = time.monotonic()
    driver.get(page.path.as_uri())
    if page.entry in ONLINE_ONLY:  # its formulas were left untypeset (SKIP_TYPESET) and go now
        driver.execute_script(POINTER, ONLINE_ONLY[page.entry])
    loaded = time.monotonic()
    loaded_by, deadline = start + min(120.0, timeout), start + timeout
    while (pending := driver.execute_script(MATH_PENDING)) != 0:
        if pending == -2:
            raise RuntimeError(f"{page.path} holds formulas but does not load MathJax")
        if pending == -1 and time.monotonic() > loaded_by:
            raise RuntimeError(f"MathJax did not load on {page.path} (is _static/mathjax in the HTML?)")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.path}: MathJax still has {pending} formulas to typeset after {timeout:.0f} s")
        time.sleep(0.1)
    typeset = time.monotonic()
    page.sliced = driver.execute_script(SLICE_TALL_FIGURES)
    sections = driver.execute_script(PREPARE, page.anchors, contents, PRINT_CSS)
    page.sections = [(str(i), str(t)) for i, t in sections]
    # Untagged: the merge keeps no structure tree (pypdf does not combine them), and tagging costs time.
    result = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": False,
                                                        "generateTaggedPDF": False, **PAPER})
    page.pdf = base64.b64decode(result["data"])
    page.seconds = time.monotonic() - start
    page.phases = (loaded - start, typeset - loaded, page.seconds - (typeset - start))


def _browser_cpu(driver) -> float:
    """CPU seconds used so far by the driver's chromedriver and every Chromium process below it (0 without
    psutil: only for the report)."""
    try:
        import psutil

        root = psutil.Process(driver.service.process.pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.Error:
                pass
        return total
    except Exception:
        return 0.0


def print_pages(pages: list[Page], contents: str, workers: int, timeout: float = 600.0,
                first: Page | None = None) -> float:
    """Print every page, ``workers`` Chromium processes at a time; each takes the most expensive page
    left whenever it is free (longest first balances the load), and reuses its browser for its pages.
    ``contents`` is printed on ``first`` (default: the first of ``pages``), the book's root page.
    Returns the CPU seconds the browsers used."""
    first = pages[0] if first is None else first
    cpu: list[float] = []
    todo: queue.Queue[Page] = queue.Queue()
    for page in sorted(pages, key=lambda p: -p.cost):
        todo.put(page)
    errors: list[BaseException] = []

    def work() -> None:
        driver = None
        try:
            driver = _driver(timeout)
            while not errors:
                try:
                    page = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    print_page(driver, page, contents if page is first else None, timeout)
                except Exception as error:
                    raise RuntimeError(f"printing {page.path} to PDF failed: {error}") from error
        except BaseException as error:  # reported once every worker has stopped
            errors.append(error)
        finally:
            if driver is not None:
                cpu.append(_browser_cpu(driver))
                driver.quit()

    threads = [threading.Thread(target=work, name=f"pdf-worker-{i}") for i in range(min(workers, len(pages)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(cpu)


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsi (the encoding given to the stamped Helvetica)."""
    data = text.encode("cp1252", errors="replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _stamp(writer, page, font, commands: bytes) -> None:
    """Draw ``commands`` (PDF text operators using font /RbuF) on top of ``page``: the page's own content
    is wrapped in q/Q so that no state it leaves changes the stamp."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    resources = page[NameObject("/Resources")].get_object()
    if "/Font" not in resources:
        resources[NameObject("/Font")] = DictionaryObject()
    resources["/Font"].get_object()[NameObject("/RbuF")] = font
    streams = []
    for data in (b"q\n", b"Q\n" + commands):
        stream = StreamObject()
        stream.set_data(data)
        streams.append(writer._add_object(stream))
    contents = page.get("/Contents")
    existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([streams[0], *existing, streams[1]])


def _text(x: float, y: float, size: float, text: str, right: bool = False) -> bytes:
    """Helvetica text at (x, y); ``right``: ending at x (only for digits, whose width is 0.556 em)."""
    if right:
        x -= 0.556 * size * len(text)
    return b"BT /RbuF %.1f Tf 0.35 g %.2f %.2f Td %s Tj ET\n" % (size, x, y, _pdf_text(text))


def merge(pages: list[Page], target: Path, book_title: str) -> int:
    """Merge the printed pages into ``target`` (written to a partial file, then renamed); returns its
    page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject,
                               NumberObject, TextStringObject)

    writer = PdfWriter()
    starts, dests = {}, {}  # page path -> first page index; (path, id) -> (page index, top)
    owner: list[Page] = []

    def append(page: Page, reader, first: int, stop: int) -> None:
        """The printed page's PDF pages first..stop-1, at the end of the book so far."""
        start = len(writer.pages)
        for path in [page.path, *page.folded]:
            starts.setdefault(path, start)
        needles = {fid: caption.split(" ", 2)[0] + " " + caption.split(" ", 2)[1] for fid, caption in page.figures}
        needles.update({term_anchor(term): term for term, _ in page.terms})
        texts = _pdf_page_texts(page.pdf) if needles else []
        for name, dest in reader.named_destinations.items():
            index = reader.get_destination_page_number(dest)
            if first <= index < stop:
                top = dest.top if dest.get("/Top") is not None else None
                # Chromium places the mark of a block that a break rule pushed to the next page at the foot
                # of this one (or below it): such a mark belongs to the top of the next page.
                if top is not None and float(top) < LOW_MARK and index + 1 < stop:
                    index, top = index + 1, None
                # A figure or a term the lists point at: on the page whose text shows it (the marks of
                # blocks kept whole that moved on are off by a page).
                needle = needles.get(name.lstrip("/"))
                if needle and texts and needle.lower() not in texts[index]:
                    moved = [k for k in (index + 1, index - 1, index + 2) if first <= k < stop and k < len(texts)
                             and needle.lower() in texts[k]]
                    if moved:
                        index, top = moved[0], None
                dests[(page.path, name.lstrip("/"))] = (start + index - first, top)
        writer.append(reader, pages=(first, stop), import_outline=False)
        owner.extend([page] * (len(writer.pages) - start))  # the HTML page each PDF page comes from

    # The index of terms is printed at the end of the root page and moved to the end of the book.
    index_pages = None
    for page in pages:
        reader = PdfReader(io.BytesIO(page.pdf))
        stop = len(reader.pages)
        marks = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
        if page is pages[0] and INDEX_ID in marks:
            stop = reader.get_destination_page_number(marks[INDEX_ID])
            index_pages = (page, reader, stop, len(reader.pages))
        append(page, reader, 0, stop)
    if index_pages is not None:  # its footer and its bookmark name it
        append(replace(index_pages[0], title="Index of terms"), *index_pages[1:])
    # Named destinations repeat from page to page (every chapter has '#exercises'): every link gets an
    # explicit destination and the merged name tree is dropped.
    for key in ("/Names", "/Dests"):
        writer._root_object.pop(key, None)

    def goto(index: int, top) -> "ArrayObject":
        return ArrayObject([writer.pages[index].indirect_reference, NameObject("/XYZ"), NullObject(),
                            FloatObject(top) if top is not None else NullObject(), NullObject()])

    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    # page -> (bottom, number, right edge, the link's target)
    contents_numbers: dict[int, list[tuple[float, int, float, tuple | None]]] = {}
    right = PAPER["paperWidth"] * PT - PAPER["marginRight"] * PT
    for index, pdf_page in enumerate(writer.pages):
        here = owner[index]
        kept = ArrayObject()
        for ref in pdf_page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                kept.append(ref)
                continue
            action = annot.get("/A")
            name = annot.get("/Dest")
            if action is not None and action.get("/S") == "/GoTo":
                name = action.get("/D")
            if isinstance(name, str):  # a named destination of the same HTML page
                where = dests.get((here.path, name.lstrip("/")))
                if where is None:
                    continue
                annot.pop("/A", None)
                annot[NameObject("/Dest")] = goto(*where)
            elif action is not None and action.get("/S") == "/URI" and str(action["/URI"]).startswith("file:"):
                url, fragment = urldefrag(str(action["/URI"]))
                path = _file(url)
                if path not in starts:  # a local file outside the book (downloads, index): no link on paper
                    continue
                fragment = unquote(fragment)
                where = dests.get((path, fragment), (starts[path], None))
                annot.pop("/A", None)
                annot[NameObject("/Dest")] = goto(*where)
                rect = [float(v) for v in annot["/Rect"]]
                if fragment == CONTENTS_MARK or urlparse(url).query == NUMBER_MARK:
                    # A link over two lines has a box on each: its number goes on the last line only.
                    numbers = contents_numbers.setdefault(index, [])
                    same = [n for n in numbers if n[3] == (path, fragment)]
                    if all(n[0] > rect[1] for n in same):  # this box is the link's lowest line so far
                        numbers[:] = [n for n in numbers if n not in same]
                        numbers.append((rect[1], where[0] + 1, right, (path, fragment)))
                elif urlparse(url).query == INLINE_MARK:
                    contents_numbers.setdefault(index, []).append((rect[1], where[0] + 1, rect[2], None))
            kept.append(ref)
        if "/Annots" in pdf_page:
            pdf_page[NameObject("/Annots")] = kept
    # Footers. One numbering for the whole book: a printed course book is cited by page ("see p. 143")
    # and its contents list where each chapter starts; numbering each chapter from 1 would need the
    # chapter with every reference. Chromium numbers each print from 1, so the numbers (and the running
    # chapter title) are stamped here, in Helvetica (a standard PDF font, nothing to embed), after the
    # merge, when each page's place in the book is known. The title page has no footer.
    width = PAPER["paperWidth"] * PT
    left, right = PAPER["marginLeft"] * PT, width - PAPER["marginRight"] * PT
    baseline = PAPER["marginBottom"] * PT * 0.45
    for index, pdf_page in enumerate(writer.pages):
        commands = b""
        if index > 0:
            commands += (_text(left, baseline, 8, owner[index].title)
                         + _text(right, baseline, 8, str(index + 1), right=True))
        for bottom, number, at, _ in contents_numbers.get(index, []):
            commands += _text(at, bottom + 3, 9, str(number), right=True)
        if commands:
            _stamp(writer, pdf_page, font, commands)
    # One top-level bookmark per page, its sections below it (closed); the index of terms last.
    for page in pages:
        parent = writer.add_outline_item(title=page.title, page_number=starts[page.path])
        for section_id, section_title in page.sections:
            where = dests.get((page.path, section_id))
            if where is not None:
                writer.add_outline_item(title=section_title, page_number=where[0], parent=parent)
    if index_pages is not None:
        writer.add_outline_item(title="Index of terms", page_number=len(writer.pages) - (index_pages[3] - index_pages[2]))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": book_title, "/Creator": "scripts/book_pdf.py (Chromium, pypdf)"})
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as handle:
            writer.write(handle)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return len(writer.pages)


def page_key(page: Page, contents: str | None, static: str) -> str:
    """What a page's print depends on: its HTML, the ids other pages link to in it, the printed contents
    (root page), the site's style and scripts (``static``) and this script."""
    parts = [Path(__file__).read_bytes(), page.path.read_bytes(), json.dumps(page.anchors).encode(),
             (contents or "").encode(), static.encode()]
    return hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).hexdigest()


def static_key(html_dir: Path) -> str:
    """The site's own style and scripts (``_static``, without the MathJax of a pinned package); images
    are named by their content, so a page's HTML changes with its figures."""
    files = sorted(p for p in (Path(html_dir) / "_static").rglob("*")
                   if p.is_file() and "mathjax" not in p.relative_to(html_dir).parts)
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(html_dir)).encode() + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _from_cache(pages: list[Page], contents: str, static: str, cache: Path | None) -> tuple[list[Page], dict]:
    """The pages whose print is not in ``cache`` (a folder of ``<key>.pdf`` and ``<key>.json``); the
    others get their cached print and sections. Returns the pages to print and every page's key."""
    keys = {page.entry: page_key(page, contents if page is pages[0] else None, static) for page in pages}
    if cache is None:
        return pages, keys
    todo = []
    for page in pages:
        pdf, meta = cache / f"{keys[page.entry]}.pdf", cache / f"{keys[page.entry]}.json"
        if pdf.exists() and meta.exists():
            page.pdf = pdf.read_bytes()
            page.sections = [tuple(s) for s in json.loads(meta.read_text())["sections"]]
        else:
            todo.append(page)
    return todo, keys


def _to_cache(pages: list[Page], keys: dict, cache: Path) -> None:
    """Keep each page's print under its key, and only the prints of this book (older ones are removed)."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for page in pages:
        key = keys[page.entry]
        wanted |= {f"{key}.pdf", f"{key}.json"}
        if not (cache / f"{key}.pdf").exists():
            (cache / f"{key}.json").write_text(json.dumps({"entry": page.entry, "sections": page.sections}))
            partial = cache / f".{key}.{os.getpid()}"
            partial.write_bytes(page.pdf)
            os.replace(partial, cache / f"{key}.pdf")
    for path in cache.iterdir():
        if path.name not in wanted:
            path.unlink()


def _pdf_page_texts(pdf: bytes) -> list[str]:
    """Each page's text of a printed page's PDF, lower case with spaces joined (poppler's pdftotext,
    a tenth of a second; pypdf's extraction without it)."""
    if shutil.which("pdftotext"):
        run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True)
        if run.returncode == 0:
            pages = run.stdout.decode("utf-8", "replace").split("\f")
            return [re.sub(r"\s+", " ", p.replace("\u2011", "-")).lower() for p in pages]
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", p.extract_text() or "").lower() for p in PdfReader(io.BytesIO(pdf)).pages]


def build_pdf(html_dir: Path, toc: Path, target: Path, workers: int = 2, cache: Path | None = None) -> float:
    """Print the reader's edition in ``html_dir`` (every page of ``toc``, root first) to ``target``.

    Parameters
    ----------
    html_dir : Path
        The built HTML (``_build/html``): each TOC entry ``book/x`` is printed from ``book/x.html``.
    toc : Path
        The book's ``_toc.yml``: the pages, their order and the parts of the printed contents.
    target : Path
        The PDF to write (atomically: a partial file renamed at the end).
    workers : int
        Chromium processes printing at once (one per core).
    cache : Path, optional
        A folder of page prints kept from build to build: a page whose HTML (and everything else its print
        depends on, ``page_key``) did not change is not printed again, only merged.

    Returns
    -------
    float
        The seconds it took.
    """
    return _build(html_dir, toc, target, workers, cache)[0]


def _build(html_dir: Path, toc: Path, target: Path, workers: int,
           cache: Path | None = None) -> tuple[float, list[Page], float]:
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers={workers!r}: expected a positive number of Chromium processes, e.g. 2")
    start = time.perf_counter()
    pages, parts = plan(Path(html_dir), Path(toc))
    book_title = pages[0].title
    contents = contents_html(pages, parts)
    todo, keys = _from_cache(pages, contents, static_key(html_dir), cache)
    cpu = print_pages(todo, contents, workers, first=pages[0]) if todo else 0.0
    if cache is not None:
        _to_cache(pages, keys, cache)
    printed = time.perf_counter() - start
    count = merge(pages, Path(target), book_title)
    seconds = time.perf_counter() - start
    slowest = max(pages, key=lambda p: p.seconds)
    print(f"book: PDF {target} ({Path(target).stat().st_size / 1e6:.1f} MB, {count} pages from {len(pages)} "
          f"HTML pages, {len(todo)} printed, {len(pages) - len(todo)} unchanged) in {seconds:.0f} s: "
          f"{printed:.0f} s printing with {workers} Chromium (slowest page {slowest.entry}, "
          f"{slowest.seconds:.0f} s), {seconds - printed:.0f} s merging")
    return seconds, pages, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built reader's HTML")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "routerbench-book.pdf")
    parser.add_argument("--workers", type=int, default=2, help="Chromium processes at once")
    parser.add_argument("--timings", action="store_true", help="print each page's seconds and expected cost")
    args = parser.parse_args()
    cpu_self = time.process_time()
    seconds, pages, browsers = _build(args.html, args.toc, args.out, args.workers)
    print(f"book: CPU {time.process_time() - cpu_self:.0f} s in Python, {browsers:.0f} s in Chromium")
    if args.timings:
        for page in pages:
            load, math, printing = page.phases
            print(f"  {page.entry:24s} {page.seconds:5.1f} s (load {load:4.1f}, math {math:4.1f}, print "
                  f"{printing:4.1f}; expected {page.cost:4.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
