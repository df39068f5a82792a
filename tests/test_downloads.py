"""Downloads that install the right package: the build publishes the package's wheel with each edition
(``wheels/``); every chapter's .ipynb download and every student problem set starts with a cell that
installs that wheel, found by its path from the page it came from, with a repository or site address as
a fallback only when ``_config.yml`` configures one; the cell prints the version it ends with, the
page's. The launch buttons open the downloads, and a downloaded student chapter and problem set run in a
fresh environment with no repository and no index, installing the package only from the published
wheel."""
from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

from ._fresh_venv import fresh_venv, offline_env
from ._scripts import load_script
from .test_book_sources import NOTEBOOKS, ROOT

REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"
course_kit = load_script("course_kit")
READER, STUDENT = ROOT / "_build" / "html", ROOT / "_build" / "student" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"].rstrip("/")
WHEEL = course_kit.wheel_name()


def _built(html):
    if not (html / "_sources" / "book").is_dir():
        if REQUIRED:
            pytest.fail(f"{html} is not built (scripts/build-book.sh)")
        pytest.skip(f"{html} is not built")
    return html / "_sources" / "book"


def _run_cell(cell, monkeypatch, installed: str | None):
    """Run the install cell with pip replaced by a recorder and the installed version faked."""
    calls = []
    monkeypatch.setattr(subprocess, "check_call", lambda cmd: calls.append(cmd))
    real = importlib.metadata.version

    def version(name):
        if name == "routerbench_utils":
            if installed is None and not calls:
                raise importlib.metadata.PackageNotFoundError(name)
            return installed if not calls else course_kit.version()
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    exec(compile(cell.source, "install-cell", "exec"), {})
    return calls


def test_install_cell_installs_the_published_wheel_only_when_the_version_differs(monkeypatch, tmp_path, capsys):
    cell = course_kit.install_cell()
    assert cell.metadata["tags"] == ["remove-cell"]  # the page hides it; the download keeps it
    # The page's version is installed: nothing to do, and the cell says which version runs.
    assert _run_cell(cell, monkeypatch, course_kit.version()) == []
    assert capsys.readouterr().out.strip() == f"routerbench_utils {course_kit.version()}"
    # A download two folders below the site's root (as _sources/book/ and _downloads/<hash>/ are).
    site = tmp_path / "site"
    (site / "wheels").mkdir(parents=True)
    (site / "wheels" / WHEEL).write_bytes(b"")
    (site / "_downloads" / "abc").mkdir(parents=True)
    monkeypatch.chdir(site / "_downloads" / "abc")
    for installed in (None, "0.0.1"):  # missing, or another version than the page's
        calls = _run_cell(cell, monkeypatch, installed)
        assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", f"../../wheels/{WHEEL}"]]
    # Alone in a folder, with no fallback configured: a clear error, not a placeholder address.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match=f"routerbench_utils {course_kit.version()} is needed"):
        _run_cell(cell, monkeypatch, None)
    # A repository configured: the fallback installs this build's commit from it.
    configured = course_kit.install_cell(config={"package_repository": "https://github.com/someone/fork"})
    (calls,) = [_run_cell(configured, monkeypatch, None)]
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert calls[0][-1] == f"routerbench_utils @ git+https://github.com/someone/fork@{commit}"


def test_install_cell_adds_no_fallback_that_is_not_configured():
    sources = course_kit.install_sources({"repository": {"url": REPOSITORY}})
    assert sources == [f"../../wheels/{WHEEL}", WHEEL]  # the repository of the launch buttons is not one
    sources = course_kit.install_sources({"html": {"baseurl": "https://book.example.org/"}})
    assert sources[-1] == f"https://book.example.org/wheels/{WHEEL}"


@pytest.mark.parametrize("html", [READER, STUDENT], ids=["reader", "student"])
def test_every_download_installs_the_wheel_published_with_its_edition(html):
    sources = _built(html)
    published = html / "wheels" / WHEEL
    assert published.exists(), f"{published} is not published"
    with __import__("zipfile").ZipFile(published) as wheel:  # the package of this tree, file for file
        inside = {n: wheel.read(n) for n in wheel.namelist() if n.endswith(".py")}
    assert inside == {str(p.relative_to(ROOT)): p.read_bytes() for p in (ROOT / "routerbench_utils").rglob("*.py")}
    downloads = [sources / path.name for path in NOTEBOOKS if not path.name.startswith("_")]
    downloads += sorted((html / "_downloads").glob("*/ps*.ipynb"))
    assert len(downloads) > len(NOTEBOOKS) // 2 and any(p.name.startswith("ps") for p in downloads)
    for path in downloads:
        cells = json.loads(path.read_text())["cells"]
        first = "".join(cells[0]["source"])
        assert f"'../../wheels/{WHEEL}'" in first and f"_VERSION = '{course_kit.version()}'" in first, path.name
        assert ("git+" in first) == bool(CONFIG.get("package_repository")), path.name
        # the relative path resolves, from where the page keeps the download, to the published wheel
        assert (path.parent / "../.." / "wheels" / WHEEL).resolve() == published.resolve(), path
        if path.parent.name == "book":
            text = json.dumps(cells)
            assert ("{solution-start}" in text) == (html == READER and "{solution-start}" in
                                                    (ROOT / "book" / path.name).read_text()), \
                f"{path.name}: solutions where they should not be, or missing where they should"


def test_launch_buttons_open_the_downloads():
    for html, prefix in ((READER, "_sources"), (STUDENT, "student/_sources")):
        page = (_built(html).parents[1] / "book" / "cost_quality.html").read_text()
        org_repo = REPOSITORY.split("github.com/")[1]
        assert f"colab.research.google.com/github/{org_repo}/blob/gh-pages/{prefix}/book/cost_quality.ipynb" \
            in page
        assert f"mybinder.org/v2/gh/{org_repo}/gh-pages?urlpath=lab/tree/{prefix}/book/cost_quality.ipynb" in page


RUN = """import json, sys
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
nb.cells.insert(0, nbformat.v4.new_code_cell("import sys\\nsys.modules['myst_nb'] = None"))  # as in Colab
nb.cells.append(nbformat.v4.new_code_cell("import routerbench_utils\\nprint(routerbench_utils.__file__)"))
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(__import__('pathlib').Path(path).parent)}}).execute()
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
text = lambda c: "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream")
print(json.dumps({"errors": len(errors), "first": text(nb.cells[1]), "last": text(nb.cells[-1])}))
"""


def test_a_downloaded_chapter_and_problem_set_run_from_the_published_wheel_alone(tmp_path):
    """The student download of a chapter and a student problem set, laid out as the site serves them
    (``_sources/book/``, ``_downloads/<hash>/``, ``wheels/``), run in a fresh environment that has the
    book's dependencies but neither the package nor the repository, with pip told to use no index: the
    first cell installs the package from the published wheel and prints the page's version."""
    sources = _built(STUDENT)
    chapter = sources / "cost_quality.ipynb"
    (problem_set,) = sorted((STUDENT / "_downloads").glob("*/ps1_*.ipynb"))
    nb = nbformat.read(chapter, as_version=4)
    assert "{solution" not in json.dumps([c.source for c in nb.cells])
    site = tmp_path / "site"
    for source, target in ((chapter, site / "_sources" / "book" / chapter.name),
                           (problem_set, site / "_downloads" / problem_set.parent.name / problem_set.name),
                           (STUDENT / "wheels" / WHEEL, site / "wheels" / WHEEL)):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    python, env = fresh_venv(tmp_path), offline_env(tmp_path)
    (tmp_path / "run.py").write_text(RUN)
    for download in (site / "_sources" / "book" / chapter.name,
                     site / "_downloads" / problem_set.parent.name / problem_set.name):
        done = subprocess.run([str(python), str(tmp_path / "run.py"), str(download)], env=env, cwd=tmp_path,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["errors"] == 0, (download.name, result)
        assert result["first"].strip().endswith(f"routerbench_utils {course_kit.version()}"), result
        assert result["last"].startswith(str(tmp_path / "venv")), result  # installed here, from the wheel
