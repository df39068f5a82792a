"""The weekly slides: one reveal.js deck per week of the module, made from the chapters its problem set
covers as the build executed them, with every script, style sheet and font beside it (nothing fetched
when a deck is shown), published with both editions and linked from the syllabus."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ._scripts import load_script
from .test_book_sources import ROOT

slides = load_script("slides")
problemsets = load_script("problemsets")
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.fixture(scope="module")
def decks() -> Path:
    built = slides.ensure_built()
    if built is None:
        if REQUIRED:
            pytest.fail("the chapters are not executed (scripts/build-book.sh)")
        pytest.skip("the chapters are not executed")
    return built


def test_one_deck_per_week_from_the_chapters_of_its_problem_set(decks):
    weeks = slides.weeks()
    assert sorted(weeks) == list(range(1, len(problemsets.names()) + 1))
    for week, spec in weeks.items():
        html = (decks / f"week{week}.html").read_text()
        assert spec["chapters"], week
        for _, title in spec["chapters"]:  # each chapter's own title heading is in the deck
            assert re.search(r"<h1[^>]*>" + re.escape(title).replace("\\ ", r"\s+"), html), (week, title)
        assert "solution-start" not in html and "{solution" not in html
        # MyST's roles and directives read as text (glued numbers as the page prints them), not as markup
        assert not re.search(r"\{(glue|numref|ref|doc|prf:\w+|note|exercise)[^}]*\}", html), week


def test_decks_fetch_nothing_and_find_every_file_they_load(decks):
    for deck in sorted(decks.glob("week*.html")):
        parser = _Links()
        parser.feed(deck.read_text())
        local = [link for link in parser.links if not link.startswith(("#", "data:"))]
        remote = [link for link in local if re.match(r"^(https?:)?//", link)]
        assert not remote, f"{deck.name} loads {remote[:3]}"
        for link in local:
            assert (deck.parent / link.split("#")[0]).is_file(), f"{deck.name}: {link} is missing"
        assert "reveal.js/dist/reveal.js" in local and "mathjax/tex-svg.js" in local


@pytest.mark.parametrize("edition", ["html", "student/html"])
def test_slides_are_published_with_each_edition_and_linked_from_the_syllabus(edition):
    html = ROOT / "_build" / edition
    if not (html / "book" / "syllabus.html").exists():
        if REQUIRED:
            pytest.fail(f"{html} is not built")
        pytest.skip(f"{html} is not built")
    syllabus = (html / "book" / "syllabus.html").read_text()
    for week in slides.weeks():
        assert f'href="../slides/week{week}.html"' in syllabus, week
        assert (html / "slides" / f"week{week}.html").is_file()
    assert (html / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
