"""Downloads that run: every chapter's .ipynb download starts with a cell that installs the package
from the book's repository when it is missing, the student edition's downloads carry no solution, the
launch buttons open those downloads, and one student download runs by itself in a clean kernel."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
import yaml

from ._scripts import load_script
from .test_book_sources import NOTEBOOKS, ROOT

REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"
book_script = load_script("book")
READER, STUDENT = ROOT / "_build" / "html", ROOT / "_build" / "student" / "html"
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def _built(html):
    if not (html / "_sources" / "book").is_dir():
        if REQUIRED:
            pytest.fail(f"{html} is not built (scripts/build-book.sh)")
        pytest.skip(f"{html} is not built")
    return html / "_sources" / "book"


def test_install_cell_installs_from_the_repository_only_when_missing(monkeypatch):
    cell = book_script.install_cell()
    assert cell.metadata["tags"] == ["remove-cell"]  # the page hides it; the download keeps it
    calls = []
    monkeypatch.setattr(subprocess, "check_call", lambda cmd: calls.append(cmd))
    exec(compile(cell.source, "install-cell", "exec"), {})  # installed here: nothing to do
    assert calls == []
    # A fresh Colab: neither the package nor MyST-NB (sys.modules[name] = None makes the import fail).
    monkeypatch.setitem(sys.modules, "routerbench_utils", None)
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    exec(compile(cell.source, "install-cell", "exec"), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet",
                      f"routerbench_utils @ git+{REPOSITORY}@main"]]
    from myst_nb import glue  # the stand-in: glue() shows a value instead of failing

    glue("name", 1.5, display=False)


@pytest.mark.parametrize("html", [READER, STUDENT], ids=["reader", "student"])
def test_every_download_starts_with_the_install_cell(html):
    sources = _built(html)
    for path in NOTEBOOKS:
        if path.name.startswith("_"):
            continue
        cells = json.loads((sources / path.name).read_text())["cells"]
        first = "".join(cells[0]["source"])
        assert f"git+{REPOSITORY}" in first and "import_module(_module)" in first, path.name
        text = json.dumps(cells)
        assert ("{solution-start}" in text) == (html == READER and "{solution-start}" in path.read_text()), \
            f"{path.name}: solutions where they should not be, or missing where they should"


def test_launch_buttons_open_the_downloads():
    for html, prefix in ((READER, "_sources"), (STUDENT, "student/_sources")):
        page = (_built(html).parents[1] / "book" / "cost_quality.html").read_text()
        org_repo = REPOSITORY.split("github.com/")[1]
        assert f"colab.research.google.com/github/{org_repo}/blob/gh-pages/{prefix}/book/cost_quality.ipynb" \
            in page
        assert f"mybinder.org/v2/gh/{org_repo}/gh-pages?urlpath=lab/tree/{prefix}/book/cost_quality.ipynb" in page


def test_a_student_download_runs_by_itself_in_a_clean_kernel(tmp_path):
    """The student download of one chapter, in a new kernel started in an empty folder, with MyST-NB
    made unimportable (as in Colab): it runs to the end, and no solution is in it."""
    from nbclient import NotebookClient

    path = _built(STUDENT) / "cost_quality.ipynb"
    nb = nbformat.read(path, as_version=4)
    text = json.dumps([c.source for c in nb.cells])
    assert "{solution" not in text and "solution-start" not in text
    reader = nbformat.read(_built(READER) / "cost_quality.ipynb", as_version=4)
    assert len(nb.cells) < len(reader.cells)  # the solutions' cells are gone, not only their fences
    nb.cells.insert(0, nbformat.v4.new_code_cell("import sys\nsys.modules['myst_nb'] = None"))
    env = {k: v for k, v in os.environ.items() if k not in ("ROUTERBENCH_DATA", "RBU_CACHE_DIR")}
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
