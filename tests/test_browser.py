"""The built book as a reader sees it, in headless Chromium on a desktop (1400 px) and on a phone
(Chromium's mobile emulation at 400 CSS px: a 400 px window is not a phone, headless Chromium widens it).

For every page of _toc.yml, in both modes: every formula is a finished SVG (typeset at build time,
_ext/build_math.py) with no MathJax error marker and no TeX left raw, and inline formulas sit on the
baseline of the text around them; numeric table cells are right-aligned in tabular figures, padded,
and an interval stays on one line; the page does not scroll sideways and no block sticks out of the
column or is clipped unless it scrolls inside itself; the text is at least 8 pt. On the desktop also:
every image loads, has alt text that is not a file name, and sits in a figure with a caption; no output
shows a raw repr (np.float64(...), Fraction(...), dtype footers, float noise such as
0.44999999999999996, -0.000, col_0) or a NaN cell; no internal link is broken; no page asks the network.
Each figure's smallest text, as the book's style draws it, is at least 8 pt at its displayed size on
the phone (figures of the chapters not yet redrawn are listed and reported).

Needs the built book (scripts/build-book.sh) and Debian's chromium + chromium-driver; scripts/test.sh
provides both and sets RBU_REQUIRE_BROWSER=1 so that a missing piece fails instead of skipping.
Screenshots of every page in both modes (the top of the page, its first table of numbers and, on the
phone, its first figure) land in
_build/screenshots/, with each page's load time, formula count and largest baseline gap, and its figures'
widths, in _build/screenshots/<page>-<mode>.json.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import struct
from urllib.parse import unquote, urlparse

import pytest

from .test_book_sources import ROOT, _toc_files

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"
#: Chromium's device emulation: a desktop window, and a phone 400 CSS px wide (2 device pixels per px).
MODES = {
    "desktop": {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    "mobile": {"width": 400, "height": 860, "deviceScaleFactor": 2, "mobile": True},
}
MIN_TEXT_PX = 8 * 96 / 72  # 8 pt in CSS px


def _missing() -> str | None:
    if not (HTML / "index.html").exists():
        return "the book is not built (run scripts/build-book.sh)"
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _open(driver, path, mode: str) -> None:
    """Load ``path`` as the ``mode`` device: the metrics are set before the load, so the page lays out
    (and reads its viewport meta tag) as it would on that device."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", MODES[mode])
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": MODES[mode]["mobile"]})
    driver.get(path.as_uri())


# Every formula a finished SVG; MathJax's own error markers; TeX delimiters left in the text; every glyph
# an SVG refers to present on the page.
MATH = """
const nodes = Array.from(document.querySelectorAll('.math.notranslate'));
const unfinished = nodes.filter(n => !n.querySelector('mjx-container > svg'));
const errors = Array.from(document.querySelectorAll('[data-mjx-error], mjx-merror, g[data-mml-node="merror"]'))
  .map(n => (n.getAttribute('data-mjx-error') || n.textContent || 'merror').slice(0, 80));
const main = document.querySelector('main') || document.body;
const raw = (main.innerText.match(/\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\]|\\$\\$|\\\\begin\\{|\\\\frac\\{/g) || []);
const ids = new Set(Array.from(document.querySelectorAll('svg defs path[id]')).map(p => p.id));
const missing = Array.from(document.querySelectorAll('mjx-container use'))
  .map(u => (u.getAttribute('xlink:href') || u.getAttribute('href')).slice(1)).filter(id => !ids.has(id));
return {total: nodes.length, unfinished: unfinished.slice(0, 3).map(n => n.textContent.slice(0, 60)),
        n_unfinished: unfinished.length, errors: errors, raw: raw.slice(0, 5), missing: missing.slice(0, 5)};
"""

# Inline formulas on the text's baseline: MathJax's SVG puts the formula's baseline at y = 0 of its viewBox
# ("x -height width height+depth"); an empty inline-block placed just before the formula has its bottom on
# the line's baseline (the host span kept on one line while measuring). Their gap in CSS px, for every
# inline formula of the page that is shown.
BASELINE = """
const gaps = [];
for (const svg of document.querySelectorAll('span.math mjx-container:not([display="true"]) > svg')) {
  const box = svg.getBoundingClientRect();
  if (box.height === 0) continue;
  const view = svg.viewBox.baseVal;
  const marker = document.createElement('span');
  marker.style.cssText = 'display:inline-block;width:0;height:0;';
  const host = svg.closest('span.math'), wrap = host.style.whiteSpace;
  host.style.whiteSpace = 'nowrap';  // the marker stays on the formula's line
  host.insertBefore(marker, host.firstChild);
  const textBaseline = marker.getBoundingClientRect().bottom;
  const mathBaseline = svg.getBoundingClientRect().top + box.height * (-view.y) / view.height;
  marker.remove();
  host.style.whiteSpace = wrap;
  gaps.push({tex: (svg.getAttribute('aria-label') || '').slice(0, 40), gap: mathBaseline - textBaseline});
}
return gaps;
"""

# Load and math times: the math is in the HTML, so it is done when the document is parsed.
TIMING = """
const nav = performance.getEntriesByType('navigation')[0];
return {dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
        formulas: document.querySelectorAll('mjx-container').length};
"""

# Numeric table cells (marked by _ext/book_tables.py): alignment, figures, padding, and intervals unbroken.
TABLES = """
const out = {cells: 0, bad: []};
for (const td of document.querySelectorAll('div.cell_output td.rbu-num')) {
  const s = getComputedStyle(td);
  if (td.offsetParent === null) continue;
  out.cells += 1;
  const range = document.createRange(); range.selectNodeContents(td);
  const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
  const problems = [];
  if (s.textAlign !== 'right') problems.push('aligned ' + s.textAlign);
  if (!s.fontVariantNumeric.includes('tabular-nums')) problems.push('figures ' + s.fontVariantNumeric);
  if (parseFloat(s.paddingLeft) < 4 || parseFloat(s.paddingRight) < 4) problems.push('padding ' + s.paddingLeft);
  if (lines.size > 1) problems.push(lines.size + ' lines');
  if (problems.length) out.bad.push(td.innerText.slice(0, 30) + ': ' + problems.join(', '));
}
out.bad = out.bad.slice(0, 5);
return out;
"""

# The page's layout on the device: sideways scroll of the whole page; blocks that stick out of the main
# column, or whose content is cut off, without scrolling inside themselves; text below 8 pt.
LAYOUT = """
const [minPx, deviceWidth] = arguments;
const main = document.querySelector('main#main-content') || document.querySelector('main') || document.body;
const box = main.getBoundingClientRect();
const scrolls = el => { for (let n = el; n && n !== document.body; n = n.parentElement) {
    const o = getComputedStyle(n).overflowX; if (o === 'auto' || o === 'scroll') return true; }
  return false; };
const name = el => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ?
  '.' + String(el.className).trim().split(/\\s+/).slice(0, 2).join('.') : '');
// A page wider than the device makes Chromium lay it out wider (and zoom out): both count as sideways.
const out = {sideways: Math.max(document.documentElement.scrollWidth, window.innerWidth) - deviceWidth,
             wide: [], clipped: [], small: [], culprits: []};
if (out.sideways > 1) {  // the innermost elements reaching past the device's width, outside scrolling blocks
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > deviceWidth + 1 && r.width > 0 && !scrolls(el.parentElement) &&
        !Array.from(el.children).some(c => c.getBoundingClientRect().right > deviceWidth + 1))
      out.culprits.push(name(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  out.culprits = out.culprits.slice(0, 5);
}
const blocks = 'pre, table, div.math, span.math, img, figure, div.cell_output .output, div.admonition, div.rbu-interactive';
for (const el of main.querySelectorAll(blocks)) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || el.closest('#MJX-SVG-global-cache')) continue;
  if (r.right > box.right + 2 && !scrolls(el)) out.wide.push(name(el) + ' ' + Math.round(r.right) + '>' + Math.round(box.right));
  const o = getComputedStyle(el).overflowX;
  if ((o === 'hidden' || o === 'clip') && el.scrollWidth > el.clientWidth + 2 && !el.closest('.rbu-interactive'))
    out.clipped.push(name(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
}
const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
for (let t = walker.nextNode(); t; t = walker.nextNode()) {
  const el = t.parentElement;
  if (!t.textContent.trim() || !el || el.closest('svg, .rbu-interactive, .visually-hidden, .sr-only')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || el.offsetParent === null) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < minPx) out.small.push(name(el) + ' ' + size.toFixed(1) + 'px: ' + t.textContent.trim().slice(0, 30));
}
out.wide = out.wide.slice(0, 5); out.clipped = out.clipped.slice(0, 5); out.small = out.small.slice(0, 5);
return out;
"""

IMAGES = """
return Array.from(document.images).map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
"""

LINKS = "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));"

# What a reader should never see in an output: reprs and float noise.
OUTPUT_TEXT = """
return Array.from(document.querySelectorAll('div.cell_output, div.output')).map(n => n.innerText);
"""
RAW = re.compile(r"np\.(float|int)\d+\(|Fraction\(|dtype: \w+|\b\d+\.\d*?(?:0{6,}|9{6,})\d{1,3}\b"
                 r"|(?<![\w.])-0\.0+\b(?![\d.])|\bcol_0\b|<(?:function|bound method)")
NAN_CELLS = """
return Array.from(document.querySelectorAll('div.cell_output td, div.cell_output th'))
  .map(n => n.innerText.trim()).filter(t => /^(nan|NaN|<NA>|None)$/.test(t));
"""

# Images: alt text and a caption.
IMAGE_TEXT = """
return Array.from(document.querySelectorAll('article.bd-article img'))
  .filter(i => !i.closest('.bd-header-article, .header-article-items, .dropdown, header, nav'))
  .map(i => ({
  src: i.getAttribute('src'), alt: (i.getAttribute('alt') || '').trim(),
  caption: !!(i.closest('figure') && i.closest('figure').querySelector('figcaption'))}));
"""

# Figures as displayed: natural and shown widths, for the legibility of the text drawn inside them.
FIGURES = """
return Array.from(document.querySelectorAll('article.bd-article figure img'))
  .filter(i => i.naturalWidth > 0 && i.getBoundingClientRect().width > 0)
  .map(i => ({src: i.getAttribute('src'), natural: i.naturalWidth, shown: i.getBoundingClientRect().width}));
"""


def _record(page: str, mode: str, key: str, value) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{page.replace('/', '_')}-{mode}.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=1))


def _check_common(browser, page: str, mode: str) -> None:
    math = browser.execute_script(MATH)
    assert math["n_unfinished"] == 0, f"{page} ({mode}): {math['n_unfinished']} formulas not typeset, e.g. {math['unfinished']}"
    assert not math["errors"], f"{page} ({mode}): MathJax error markers {math['errors'][:3]}"
    assert not math["raw"], f"{page} ({mode}): TeX left in the text: {math['raw']}"
    assert not math["missing"], f"{page} ({mode}): formulas draw glyphs the page lacks: {math['missing']}"
    gaps = browser.execute_script(BASELINE)
    off = [g for g in gaps if abs(g["gap"]) > 1.0]
    assert not off, f"{page} ({mode}): inline math off the text's baseline (CSS px): {off[:3]}"
    timing = browser.execute_script(TIMING)
    _record(page, mode, "timing", {**timing, "baseline_gap_max": max((abs(g["gap"]) for g in gaps), default=0)})
    tables = browser.execute_script(TABLES)
    assert not tables["bad"], f"{page} ({mode}): numeric cells not set as numbers: {tables['bad']}"
    layout = browser.execute_script(LAYOUT, MIN_TEXT_PX, MODES[mode]["width"])
    assert layout["sideways"] <= 1, \
        f"{page} ({mode}): the page is {layout['sideways']} px wider than the screen: {layout['culprits']}"
    assert not layout["wide"], f"{page} ({mode}): blocks wider than the column that do not scroll: {layout['wide']}"
    assert not layout["clipped"], f"{page} ({mode}): blocks whose content is cut off: {layout['clipped']}"
    assert not layout["small"], f"{page} ({mode}): text smaller than 8 pt: {layout['small']}"


@pytest.mark.parametrize("page", _toc_files())
def test_page_on_a_desktop(browser, page):
    path = HTML / f"{page}.html"
    assert path.exists(), f"{page} is in _toc.yml but {path} was not built"
    browser.get_log("performance")  # drop earlier pages' requests
    _open(browser, path, "desktop")
    _check_common(browser, page, "desktop")
    broken_images = [i["src"] for i in browser.execute_script(IMAGES) if not i["ok"]]
    assert not broken_images, f"{page}: images that did not load: {broken_images[:5]}"
    for image in browser.execute_script(IMAGE_TEXT):
        assert len(image["alt"]) > 15 and not re.search(r"\.(png|svg|jpe?g)$", image["alt"]), \
            f"{page}: image {image['src']} has alt text {image['alt']!r}; expected its caption"
        assert image["caption"], f"{page}: image {image['src']} has no caption"
    raw = [m.group(0) for text in browser.execute_script(OUTPUT_TEXT) for m in RAW.finditer(text)]
    assert not raw, f"{page}: raw reprs or float noise in outputs: {raw[:5]}"
    nan = browser.execute_script(NAN_CELLS)
    assert not nan, f"{page}: {len(nan)} table cells show {nan[:3]}"
    for href in browser.execute_script(LINKS):
        target = urlparse(href)
        if target.scheme or href.startswith("//") or not target.path:
            continue  # external links (launch buttons, repository) and same-page anchors
        resolved = (path.parent / unquote(target.path)).resolve()
        assert resolved.exists(), f"{page}: broken internal link {href!r}"
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    remote = [u for u in requests if urlparse(u).scheme not in ("file", "data", "about", "blob", "chrome")]
    assert not remote, f"{page}: the page asked the network for {remote[:5]}"
    browser.save_screenshot(str(SCREENSHOTS / f"{page.replace('/', '_')}-desktop.png"))
    _screenshot_of(browser, "table:has(td.rbu-num)", SCREENSHOTS / f"{page.replace('/', '_')}-desktop-table.png")


def _screenshot_of(browser, selector: str, path) -> None:
    """A screenshot with the first element matching ``selector`` at the top of the screen, if any."""
    if browser.execute_script("const e = document.querySelector(arguments[0]);"
                              " if (e) e.scrollIntoView({block: 'start'}); return !!e;", selector):
        browser.save_screenshot(str(path))


@pytest.mark.parametrize("page", _toc_files())
def test_page_on_a_phone(browser, page):
    path = HTML / f"{page}.html"
    assert path.exists(), f"{page} is in _toc.yml but {path} was not built"
    _open(browser, path, "mobile")
    _check_common(browser, page, "mobile")
    figures = browser.execute_script(FIGURES)
    _record(page, "mobile", "figures", figures)
    stem = page.replace("/", "_")
    browser.save_screenshot(str(SCREENSHOTS / f"{stem}-mobile.png"))
    _screenshot_of(browser, "article figure img, article .rbu-interactive", SCREENSHOTS / f"{stem}-mobile-figure.png")
    _screenshot_of(browser, "table:has(td.rbu-num)", SCREENSHOTS / f"{stem}-mobile-table.png")
    # figure text as the phone shows it (checked here, where the figures were measured: a separate test
    # reading this page's record could run first on another worker and find nothing to read)
    small = _small_figures(figures)
    assert not small, f"{page}: figures showing text below 8 pt on a phone: {small}"


def _png_dpi(path) -> float:
    """The resolution matplotlib wrote into a PNG (its pHYs chunk), in dots per inch."""
    data = path.read_bytes()
    at = data.find(b"pHYs")
    if at < 0:
        return 72.0
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    return per_metre * 0.0254 if unit == 1 else 72.0


def _small_figures(figures: list[dict]) -> list[str]:
    """The figures whose smallest text (rbu.plots.MIN_FONT_PT) shows below 8 pt as the phone shows them:
    ``size_pt * dpi / 96 * shown / natural``, with the PNG's own dpi."""
    from routerbench_utils.plots import MIN_FONT_PT

    small = []
    for figure in figures:
        image = (HTML / "book" / unquote(figure["src"])).resolve()
        shown_pt = MIN_FONT_PT * _png_dpi(image) / 96 * figure["shown"] / figure["natural"]
        if shown_pt < 8:
            small.append(f"{image.name[:12]}... {shown_pt:.1f} pt")
    return small


def test_every_chapter_figure_was_rendered():
    """Each figure cell of the notebooks produced an image file in the built book."""
    if not (HTML / "index.html").exists():
        if REQUIRED:
            pytest.fail("the book is not built")
        pytest.skip("the book is not built")
    images = list((HTML / "_images").glob("*.png"))
    sources = sorted((ROOT / "book").glob("*.ipynb"))
    n_figures = sum(json.loads(p.read_text()).__str__().count("plt.show()") for p in sources)
    assert len(images) >= n_figures > 0
