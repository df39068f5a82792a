"""The reader's edition shows every solution (in a dropdown); the student edition shows none."""
from __future__ import annotations

import json
import os
import re

import nbformat
import pytest

from ._scripts import load_script
from .test_book_sources import NOTEBOOKS, ROOT

REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"
book_script = load_script("book")


def _cell(kind: str, text: str):
    return (nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell)(text)


def test_strip_solutions_removes_text_and_cells_between_the_fences():
    cells = [_cell("md", "```{exercise}\n:label: ex-a\n\nAsk.\n```\n\n```{solution-start} ex-a\n"
                         ":class: dropdown\n```\n\nThe answer is 42."),
             _cell("code", "print(42)"),
             _cell("md", "More answer.\n\n```{solution-end}\n```\n\n## Next section"),
             _cell("code", "print('kept')")]
    kept = book_script.strip_solutions(cells)
    text = "\n".join(c.source for c in kept)
    assert "Ask." in text and "## Next section" in text and "print('kept')" in text
    assert "42" not in text and "More answer" not in text and "solution" not in text
    with pytest.raises(ValueError, match="solution-end"):
        book_script.strip_solutions([_cell("md", "```{solution-start} ex-b\n```\nunfinished")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_loses_all_its_solutions_and_keeps_its_exercises(path):
    nb = nbformat.read(path, as_version=4)
    kept = book_script.strip_solutions(nb.cells)
    text = "\n".join(c.source for c in kept)
    assert "{solution" not in text
    assert text.count("{exercise}") == "".join(c.source for c in nb.cells).count("{exercise}")


def _pages(html_root):
    return {p.name: p.read_text() for p in (html_root / "book").glob("*.html")}


def test_student_edition_has_no_solution_text_and_the_reader_edition_does():
    reader, student = ROOT / "_build" / "html", ROOT / "_build" / "student" / "html"
    if not (reader / "index.html").exists() or not (student / "index.html").exists():
        if REQUIRED:
            pytest.fail("the two editions are not built (scripts/build-book.sh)")
        pytest.skip("the two editions are not built")
    solution = re.compile(r'class="[^"]*\bsolution\b')
    exercise = re.compile(r'class="[^"]*\bexercise\b')
    reader_pages, student_pages = _pages(reader), _pages(student)
    assert set(reader_pages) == set(student_pages)
    with_solutions = [n for n, html in reader_pages.items() if solution.search(html)]
    assert len(with_solutions) >= 10
    for name, html in student_pages.items():
        assert not solution.search(html), f"{name}: the student edition shows a solution"
        assert len(exercise.findall(html)) == len(exercise.findall(reader_pages[name])), name
    # the student downloads carry no solution either
    for path in (student / "_sources" / "book").glob("*.ipynb"):
        assert "{solution" not in json.dumps(json.loads(path.read_text())["cells"]), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_text_outside_solutions_glues_nothing_computed_inside_them(path):
    """The student edition drops the solutions' cells: text that stays must not use their numbers."""
    kept = book_script.strip_solutions(nbformat.read(path, as_version=4).cells)
    used = {m.group(1) for c in kept if c.cell_type == "markdown"
            for m in re.finditer(r"\{glue(?::\w+)?\}`([\w-]+)", c.source)}
    code = "\n".join(c.source for c in kept if c.cell_type == "code")
    # a value is glued by glue(name, ...) or, for a checked summary sentence, by conclude(name, ...)
    defined = set(re.findall(r"\b(?:glue|conclude)\(\s*[\"']([\w-]+)[\"']", code))
    prefixes = re.findall(r"glue\(\s*f[\"']([\w-]*)\{", code)  # glue(f"worst_{q}", ...)
    missing = sorted(u for u in used - defined if not any(u.startswith(p) for p in prefixes))
    assert not missing, f"glued outside a solution but computed inside one: {missing}"
