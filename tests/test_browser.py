"""The built book as a reader sees it, in headless Chromium: every page of _toc.yml exists, math is
typeset, every image loads, no internal link is broken, and no page asks the network for anything.

Needs the built book (scripts/build-book.sh) and Debian's chromium + chromium-driver; scripts/test.sh
provides both and sets RBU_REQUIRE_BROWSER=1 so that a missing piece fails instead of skipping.
Screenshots of a few pages land in screenshots/ (not committed).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
from urllib.parse import unquote, urlparse

import pytest

from .test_book_sources import ROOT, _toc_files

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "screenshots"
SCREENSHOT_PAGES = {"book/index", "book/dataset", "book/aiq", "book/compare"}
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
                 "--disable-dev-shm-usage", "--window-size=1280,2400"):
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
    browser.get_log("performance")  # drop earlier pages' requests
    browser.get(path.as_uri())
    math = _wait_for_math(browser)
    if math["total"]:
        assert math["loaded"], f"{page}: MathJax did not load"
        assert math["n_raw"] == 0, f"{page}: {math['n_raw']} formulas left as raw TeX, e.g. {math['raw']}"
    broken_images = [i["src"] for i in browser.execute_script(IMAGES) if not i["ok"]]
    assert not broken_images, f"{page}: images that did not load: {broken_images[:5]}"
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
    if page in SCREENSHOT_PAGES:
        SCREENSHOTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"{page.replace('/', '_')}.png"))


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
