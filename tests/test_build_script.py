"""The build scripts: a reused ("warm") kernel starts each chapter from an empty namespace, with the
chapter's own environment (scripts/book_execute.py); a chapter is re-executed only when its content key
changes, and a cached run merged into an edited chapter is what executing the edited chapter gives; the
staged and published folders change only where their content changed (scripts/book_render.py)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import nbformat
import pytest

from ._scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def execute():
    load_script("book")  # puts scripts/ on the path the build scripts import each other from
    module = load_script("book_execute")
    yield module
    km = module._WARM_KERNEL.get("km")
    if km is not None:
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def scratch_root():
    """A folder under the project root (the build expects every chapter there), kept while the module's
    warm kernel, started in the first chapter's folder, lives."""
    (ROOT / "_build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "_build") as tmp:
        yield Path(tmp)


@pytest.fixture
def scratch(scratch_root):
    return Path(tempfile.mkdtemp(dir=scratch_root))


def _notebook(path: Path, *sources: str, prose: str = "Some prose.") -> str:
    cells = [nbformat.v4.new_markdown_cell(prose)] + [nbformat.v4.new_code_cell(s) for s in sources]
    for k, cell in enumerate(cells):
        cell.id = f"cell-{k}"  # fixed, as in the book's committed chapters
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})  # a chapter may carry a stub the run replaces
    nbformat.write(nb, path)
    return str(path)


def test_a_warm_kernel_forgets_the_previous_chapter(execute, scratch):
    out = scratch / "out"
    # A module that warns: the kernel keeps it (and its record of warnings shown) from chapter to chapter.
    (scratch / "warner.py").write_text("import warnings\n\ndef go():\n    warnings.warn('seen once already')\n")
    warn = f"import sys\nsys.path.insert(0, {str(scratch)!r})\nimport warner\nwarner.go()"
    first = _notebook(scratch / "first.ipynb", "leak = 41", "import os\nos.environ['ROUTERBENCH_DATA']",
                      "import routerbench_utils as rbu\nrbu.claim(True, 'first holds', '')", warn)
    second = _notebook(scratch / "second.ipynb", "import os\nprint('ROUTERBENCH_DATA' in os.environ)",
                       warn, "leak + 1")
    ran = execute.execute_one(first, "x", "/data/file.pkl", str(out), 60, warm=True)
    assert ran["error"] is not None and "seen once already" in ran["error"]  # a warning fails the chapter
    log = out / "claims" / "first.jsonl"  # the chapter's claims log, as book_execute.py names it
    assert json.loads(log.read_text())["claim"] == "first holds"  # the chapter's own claims log
    ran = execute.execute_one(second, "x", None, str(out), 60, warm=True)
    assert ran["error"] is not None and "NameError" in ran["error"]  # 'leak' did not survive
    nb = nbformat.read(next(out.rglob("second.ipynb")), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]  # counted as in a fresh kernel
    assert code[0].outputs[0]["text"].strip() == "False"  # no data file left from 'first'
    # the same warning, already shown by 'first' in this kernel, shows again for 'second'
    assert any(o.get("name") == "stderr" and "seen once already" in o.get("text", "") for o in code[1].outputs)


def test_the_key_changes_with_the_code_and_data_but_not_the_prose(execute, scratch):
    deps, keys = "deps", {}
    data = scratch / "data.pkl"
    data.write_bytes(b"rows")
    base = execute.chapter_key(Path(_notebook(scratch / "a.ipynb", "x = 1\nprint(x)")), str(data), deps, keys)
    prose = Path(_notebook(scratch / "b.ipynb", "x = 1\nprint(x)", prose="Other prose, one sentence."))
    assert execute.chapter_key(prose, str(data), deps, keys) == base
    code = Path(_notebook(scratch / "c.ipynb", "x = 2\nprint(x)"))
    assert execute.chapter_key(code, str(data), deps, keys) != base
    assert execute.chapter_key(prose, str(data), "other deps", keys) != base
    assert execute.chapter_key(prose, None, deps, keys) != base  # the embedded data
    moved = scratch / "moved.pkl"  # the same bytes under another name: the data note names the file
    moved.write_bytes(b"rows")
    assert execute.chapter_key(prose, str(moved), deps, {}) != base
    data.write_bytes(b"other rows")
    assert execute.chapter_key(prose, str(data), deps, {}) != base


def test_the_dependencies_key_follows_every_package_file(execute, scratch, monkeypatch):
    root = scratch / "project"
    (root / "routerbench_utils" / "data").mkdir(parents=True)
    for name in ("requirements.txt", "pyproject.toml", "routerbench_utils/__init__.py",
                 "routerbench_utils/data/embedded.py"):
        (root / name).write_text(name)
    before = execute.dependencies_key(root)
    assert execute.dependencies_key(root) == before
    (root / "routerbench_utils" / "data" / "embedded.py").write_text("a new generator")
    assert execute.dependencies_key(root) != before
    (root / "routerbench_utils" / "data" / "embedded.py").write_text("routerbench_utils/data/embedded.py")
    (root / "requirements.txt").write_text("pandas==9")
    assert execute.dependencies_key(root) != before


def test_a_cached_run_merged_into_an_edited_chapter_is_the_edited_chapter_executed(execute, scratch):
    """The one-sentence edit: the cached outputs merged into the edited chapter give exactly the file a
    clean run of the edited chapter gives (the build's pages are rendered from that file)."""
    code = ("import routerbench_utils as rbu\nprint('mean', 0.25)",
            "from IPython.display import HTML, display\nprint('two outputs')\ndisplay(HTML('<i>a</i>'))\n"
            "HTML('<b>table</b>')")
    chapter = scratch / "book" / "ch.ipynb"
    chapter.parent.mkdir()
    _notebook(chapter, *code, prose="The old sentence.")
    out = scratch / "out"
    assert execute.execute_one(str(chapter), "x", None, str(out), 60)["error"] is None
    cached = scratch / "cached.ipynb"
    cached.write_bytes((out / chapter.relative_to(ROOT)).read_bytes())
    _notebook(chapter, *code, prose="The new sentence.")
    merged = execute.merge_outputs(chapter, cached)
    assert execute.execute_one(str(chapter), "x", None, str(out), 60, warm=False)["error"] is None
    clean = nbformat.read(out / chapter.relative_to(ROOT), as_version=4)
    assert nbformat.writes(merged) == nbformat.writes(clean)
    assert merged.cells[0].source == "The new sentence."
    _notebook(chapter, "print('other code')")
    with pytest.raises(ValueError, match="not a run of the code cells"):
        execute.merge_outputs(chapter, cached)


def test_sync_writes_only_what_changed(scratch):
    load_script("book")
    render = load_script("book_render")
    source, target = scratch / "src", scratch / "dst"
    (source / "sub").mkdir(parents=True)
    (source / "a.html").write_text("a")
    (source / "sub" / "b.html").write_text("b")
    assert render.sync_tree(source, target) == 2
    os.utime(target / "a.html", (1, 1))  # an unchanged file keeps its time: Sphinx does not re-read it
    (source / "sub" / "b.html").write_text("b, edited")
    (target / "stale.html").write_text("left from an older build")
    assert render.sync_tree(source, target) == 1
    assert (target / "a.html").stat().st_mtime == 1
    assert (target / "sub" / "b.html").read_text() == "b, edited"
    assert not (target / "stale.html").exists()
    (source / "a.html").write_text('<link href="_static/x.css?v=8cd3d715" />')  # Sphinx's checksum stamp
    render.sync_tree(source, target, unstamp=True)
    assert (target / "a.html").read_text() == '<link href="_static/x.css" />'


def test_images_no_page_shows_are_removed(scratch):
    load_script("book")
    render = load_script("book_render")
    (scratch / "_images").mkdir()
    (scratch / "book").mkdir()
    for name in ("shown.png", "stale.png"):
        (scratch / "_images" / name).write_bytes(b"png")
    (scratch / "book" / "page.html").write_text('<img src="../_images/shown.png" alt="a figure" />')
    assert render.prune_images(scratch) == 1
    assert sorted(p.name for p in (scratch / "_images").iterdir()) == ["shown.png"]
