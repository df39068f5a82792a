"""The built book as a reader sees it, in headless Chromium at 1400 px and at 400 px (a phone).

For every page of _toc.yml: math is typeset, in the STIX-Web fonts that are served (not a system
fallback), with no MathJax error; every image loads, has alt text that is not a file name, and sits in a
figure with a caption; no output shows a raw repr (np.float64(...), Fraction(...), dtype footers,
float noise such as 0.44999999999999996, -0.000, col_0) or a NaN cell; nothing is wider than the main
column unless it scrolls inside its own block; no internal link is broken; no page asks the network.

Needs the built book (scripts/build-book.sh) and Debian's chromium + chromium-driver; scripts/test.sh
provides both and sets RBU_REQUIRE_BROWSER=1 so that a missing piece fails instead of skipping.
Screenshots of every page at both widths land in _build/screenshots/ for a reviewer to look at.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
from urllib.parse import unquote, urlparse

import pytest

from .test_book_sources import ROOT, _toc_files

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
WIDTHS = (1400, 400)
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"


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
                 "--disable-dev-shm-usage", "--window-size=1400,2400", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


MATH_DONE = """
const nodes = Array.from(document.querySelectorAll('.math.notranslate'));  // Sphinx's containers, not MathJax's inner spans
const pending = window.MathJax && MathJax.Hub ? MathJax.Hub.queue.pending : -1;
const raw = nodes.filter(n => !n.querySelector('.MathJax, .MathJax_Display, .MathJax_CHTML, .MathJax_SVG, .MathJax_MathML, math'));
return {loaded: !!(window.MathJax && MathJax.isReady), pending: pending, total: nodes.length,
        raw: raw.slice(0, 3).map(n => n.textContent.slice(0, 60)), n_raw: raw.length};
"""

IMAGES = """
return Array.from(document.images).map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
"""

LINKS = "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));"

# MathJax 2's error nodes, and the font its HTML-CSS output actually uses.
MATH_ERRORS = """
const errors = Array.from(document.querySelectorAll('.MathJax_Error, merror, .merror'))
  .map(n => n.textContent.slice(0, 60));
if (document.body.innerText.includes('Math Processing Error')) errors.push('Math Processing Error');
const html = window.MathJax && MathJax.OutputJax && MathJax.OutputJax['HTML-CSS'];
return {errors: errors, font: html ? (html.fontInUse || null) : null,
        imageFont: html ? !!html.imgFonts : false};
"""

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

# Blocks that stick out of the main column without scrolling inside themselves.
OVERFLOW = """
const main = document.querySelector('main#main-content') || document.querySelector('main') || document.body;
const box = main.getBoundingClientRect();
const scrolls = el => { for (let n = el; n && n !== main; n = n.parentElement) {
    const o = getComputedStyle(n).overflowX; if (o === 'auto' || o === 'scroll') return true; }
  return false; };
const out = [];
for (const el of main.querySelectorAll('pre, table, div.math, .MathJax_Display, img, div.cell_output .output')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0) continue;
  if (r.right > box.right + 2 && !scrolls(el)) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right) + '>' + Math.round(box.right));
}
return out.slice(0, 5);
"""


def _wait_for_math(driver, timeout: float = 30.0) -> dict:
    import time

    end = time.time() + timeout
    state = driver.execute_script(MATH_DONE)
    while time.time() < end and (state["n_raw"] > 0 or state["pending"] > 0) and state["total"] > 0:
        time.sleep(0.25)
        state = driver.execute_script(MATH_DONE)
    return state


@pytest.mark.parametrize("page", _toc_files())
def test_page_as_a_reader_sees_it(browser, page):
    path = HTML / f"{page}.html"
    assert path.exists(), f"{page} is in _toc.yml but {path} was not built"
    browser.set_window_size(1400, 2400)
    browser.get_log("performance")  # drop earlier pages' requests
    browser.get(path.as_uri())
    math = _wait_for_math(browser)
    if math["total"]:
        assert math["loaded"], f"{page}: MathJax did not load"
        assert math["n_raw"] == 0, f"{page}: {math['n_raw']} formulas left as raw TeX, e.g. {math['raw']}"
        rendered = browser.execute_script(MATH_ERRORS)
        assert not rendered["errors"], f"{page}: MathJax errors {rendered['errors'][:3]}"
        assert rendered["font"] == "STIX-Web", f"{page}: math rendered in {rendered['font']!r}, not STIX-Web"
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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        browser.set_window_size(width, 2400)
        wide = browser.execute_script(OVERFLOW)
        assert not wide, f"{page} at {width} px: blocks wider than the column that do not scroll: {wide}"
        browser.save_screenshot(str(SCREENSHOTS / f"{page.replace('/', '_')}-{width}.png"))


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
