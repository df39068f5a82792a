"""Cheap hygiene of the book's sources: what a reviewer would otherwise check by hand."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files += [s["file"] for s in chapter.get("sections", [])]
    return files


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def test_every_toc_entry_exists_and_every_chapter_is_listed():
    listed = _toc_files()
    for entry in listed:
        assert any((ROOT / (entry + ext)).exists() for ext in (".ipynb", ".md")), entry
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").glob("*")
             if p.suffix in (".ipynb", ".md") and not p.name.startswith("_")}
    assert pages == set(listed), f"not in _toc.yml: {pages - set(listed)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, f"cell {k}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_sources_are_clean(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for k, cell in enumerate(nb["cells"]):
        src = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        assert not re.search(r"^\s*[!%]\s*pip", src, re.M), f"cell {k} installs packages"
        assert not re.search(r"(urlopen|requests\.|read_\w+\(\s*['\"]https?://)", src), f"cell {k} reads a URL"
        assert "sys.path" not in src and "import *" not in src, f"cell {k}"
        assert "np.random.seed" not in src, f"cell {k}: use a seeded Generator"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_caption_and_a_name(path):
    for k, cell in enumerate(_cells(path)):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and "plt.show()" in src:
            figure = cell["metadata"].get("mystnb", {}).get("figure", {})
            assert figure.get("caption") and figure.get("name", "").startswith("fig-"), f"cell {k}"
            # a word boundary: rbu.dataset_title(...) names a panel, it is not a title
            assert not re.search(r"\bset_title\(", src), f"cell {k}: captions, not titles"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_ends_with_exercises(path):
    text = "".join("".join(c["source"]) for c in _cells(path))
    assert "## Exercises" in text and "{exercise}" in text and "{solution-start}" in text


def _code(path: Path) -> list[tuple[int, str, list[str]]]:
    return [(k, "".join(c["source"]), c.get("metadata", {}).get("tags", []))
            for k, c in enumerate(_cells(path)) if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_claims_are_checked_on_any_data(path):
    """Prose guards run on every data set: no hidden assert, nothing switched off for a real file."""
    for k, src, tags in _code(path):
        assert "ROUTERBENCH_DATA" not in src and "environ" not in src, f"cell {k} depends on the environment"
        if "remove-cell" in tags:
            assert not re.search(r"^\s*assert\b", src, re.M), f"cell {k}: a hidden assert; use rbu.claim"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("_")], ids=lambda p: p.name)
def test_chapter_says_which_data_it_ran_on(path):
    code = _code(path)
    if any("rbu.load(" in src for _, src, _ in code):
        assert any("data_note(" in src and "remove-input" in tags for _, src, tags in code[:3]), \
            "a chapter that loads data opens with rbu.book.data_note(df) in a remove-input cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_page(path):
    for k, src, _ in _code(path):
        long = [line for line in src.splitlines() if len(line) > 88]
        assert not long, f"cell {k}: {len(long)} lines over 88 characters, e.g. {long[0][:60]!r}"
