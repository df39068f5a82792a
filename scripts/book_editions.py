"""Stage the sources of the book's two HTML editions from the executed chapters: the reader's (solutions
in dropdowns) and the student's (every solution removed, from the pages and from the downloads).

Why not the stock tool. sphinx-exercise's ``hide_solutions`` drops the ``{solution}`` directives from
the pages, but not the code cells of a solution (the book's solutions hold code and its output, between
``{solution-start}`` and ``{solution-end}`` fences), nor anything from the ``.ipynb`` a page offers for
download; and Jupyter Book builds one edition per configuration. So each edition is a staged copy of the
sources: the executed chapters (``scripts/book_execute.py``), figures given their captions as alt text,
an install cell so that a download runs by itself, the student problem sets, and a ``_config.yml``
with execution switched off (the chapters were executed before, once). Each file of the stage is
rewritten only when its content changed, so that Sphinx re-reads only the pages that changed.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import yaml

import book_render  # noqa: E402  (scripts/book_render.py: sync_tree, shared with the HTML step)
from routerbench_utils.book.exercises import drop_references, drop_exercises, skipped_exercises

ROOT = Path(__file__).resolve().parents[1]


def stage_sources(executed: Path, stage_root: Path, edition: str = "reader",
                  problem_sets: Path | None = None, toc: dict | None = None,
                  only: list[str] | None = None) -> Path:
    """Stage one edition's sources into ``stage_root / edition`` from the chapters executed in
    ``executed`` (a folder holding ``book/*.ipynb``); returns the stage.

    In both editions an exercise the chapter's run skipped (``rbu.book.skip_exercise``: the data lack
    what it needs) is stated nowhere: its statement, its solution and the paragraphs referring to it
    are removed from the chapter, and references to it from the other pages (the syllabus).
    ``edition="student"`` removes every solution (the text and cells between ``{solution-start}`` and
    ``{solution-end}``), so the student pages and downloads carry the exercises without their answers.
    ``problem_sets``: the generated problem sets (``<name>/student/<name>.ipynb``), copied next to the
    pages that link them (``book/problemsets/``). ``toc``: a table of contents in place of
    ``_toc.yml``, with ``only`` the chapters (file stems) it lists (a preview).
    """
    stage = stage_root / edition
    fresh = stage_root / f".{edition}.new"  # assembled here, then synced into the stage
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    shutil.copy(ROOT / "references.bib", fresh / "references.bib")
    if toc is None:
        shutil.copy(ROOT / "_toc.yml", fresh / "_toc.yml")
    else:
        (fresh / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    shutil.copytree(ROOT / "_ext", fresh / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "book", fresh / "book", ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    skipped = set()
    for path in sorted((executed / "book").glob("*.ipynb")):
        if only is not None and path.stem not in only:
            continue
        nb = nbformat.read(path, as_version=4)
        _caption_as_alt_text(nb)
        labels = skipped_exercises(nb.cells)
        nb.cells, skipped = drop_exercises(nb.cells, labels), skipped | set(labels)
        if edition == "student":
            nb.cells = strip_solutions(nb.cells)
        nb.cells.insert(0, install_cell())  # the download runs by itself (hidden on the page)
        nbformat.write(nb, fresh / "book" / path.name)
    for page in sorted((fresh / "book").glob("*.md")) if skipped else ():
        text = page.read_text()
        if drop_references(text, skipped) != text:
            page.write_text(drop_references(text, skipped))
    if problem_sets is not None:
        target = fresh / "book" / "problemsets"
        target.mkdir(parents=True, exist_ok=True)
        for student in sorted(problem_sets.glob("*/student/*.ipynb")):
            shutil.copy(student, target / student.name)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())  # execution "off": executed before
    if edition == "student":
        config["title"] = config["title"] + " (student edition)"
    _point_launch_buttons_at_downloads(config, edition)
    if edition == "reader":  # the whole book's PDF (solutions included) is offered with this edition
        config["sphinx"].setdefault("local_extensions", {})["pdf_link"] = "_ext"
    (fresh / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    book_render.sync_tree(fresh, stage)
    shutil.rmtree(fresh, ignore_errors=True)
    return stage


SOLUTION_START = re.compile(r"^```\{solution-start\}.*?^```[ \t]*\n?", re.S | re.M)
SOLUTION_END = re.compile(r"^```\{solution-end\}[ \t]*\n```[ \t]*\n?", re.M)


def strip_solutions(cells: list) -> list:
    """The cells with every solution removed: from a ``{solution-start}`` fence to its ``{solution-end}``
    fence, across cells (solutions hold markdown and code cells). Text around the fences is kept."""
    kept, inside = [], False
    for cell in cells:
        text = cell.source if cell.cell_type == "markdown" else ""
        if not inside and not SOLUTION_START.search(text):
            kept.append(cell)
            continue
        pieces, rest = [], text
        while rest:
            if inside:
                end = SOLUTION_END.search(rest)
                if end is None:
                    rest = ""
                    break
                rest, inside = rest[end.end():], False
            else:
                start = SOLUTION_START.search(rest)
                if start is None:
                    pieces.append(rest)
                    break
                pieces.append(rest[:start.start()])
                rest, inside = rest[start.end():], True
        body = "".join(pieces).strip()
        if body and cell.cell_type == "markdown":
            cell.source = body
            kept.append(cell)
    if inside:
        raise ValueError("a {solution-start} without its {solution-end}")
    return kept


def _caption_as_alt_text(nb) -> None:
    """Give every figure the alt text of its caption (MyST-NB would otherwise leave the file name)."""
    for cell in nb.cells:
        options = cell.get("metadata", {}).get("mystnb", {})
        caption = options.get("figure", {}).get("caption")
        if caption and "alt" not in options.get("image", {}):
            plain = re.sub(r"\{\w+\}`([^`]*)`", r"\1", caption)  # roles such as {numref}`...` -> text
            options.setdefault("image", {})["alt"] = re.sub(r"[`*_]", "", plain)


def install_cell(extra: list[tuple[str, str]] = ()) -> "nbformat.NotebookNode":
    """The first cell of every download (scripts/course_kit.py): installs the package's wheel published
    with the pages, by its path from the page, unless the page's version is installed (and each
    ``(module, requirement)`` of ``extra`` that is missing); a stand-in for MyST-NB's ``glue`` outside
    the book's build. Tagged ``remove-cell``: pages hide it."""
    import course_kit  # noqa: PLC0415  (scripts/course_kit.py, beside this file)

    return course_kit.install_cell(extra)


def _point_launch_buttons_at_downloads(config: dict, edition: str) -> None:
    """Colab and JupyterLab (Binder) open the notebook the page offers for download, not the source.

    The theme builds ``<colab>/github/<org>/<repo>/blob/<branch>/<path_to_book>/<page>.ipynb``; the
    published HTML (branch ``gh-pages``: the reader's edition at its root, the student edition under
    ``student/``) holds each download at ``_sources/<page>.ipynb``. See the instructor guide.
    """
    repository = config.setdefault("repository", {})
    repository["branch"] = config.get("launch_branch", "gh-pages")
    repository["path_to_book"] = "student/_sources" if edition == "student" else "_sources"
    config.pop("launch_branch", None)
