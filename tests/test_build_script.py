"""scripts/book.py: a reused ("warm") kernel starts each chapter from an empty namespace, with the
chapter's own environment, and reports what a fresh kernel would."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nbformat
import pytest

from ._scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def book():
    module = load_script("book")
    yield module
    km = module._WARM_KERNEL.get("km")
    if km is not None:
        km.shutdown_kernel(now=True)


def _notebook(path: Path, *sources: str) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, path)
    return str(path)


def test_a_warm_kernel_forgets_the_previous_chapter(book):
    # the chapters sit under the project root, as book.py expects of every chapter
    (ROOT / "_build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "_build") as tmp:
        _check_warm_kernel(book, Path(tmp))


def _check_warm_kernel(book, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _notebook(tmp_path / "first.ipynb", "leak = 41", "import os\nos.environ['ROUTERBENCH_DATA']",
                      "import routerbench_utils as rbu\nrbu.book.claim(True, 'first holds', '')")
    second = _notebook(tmp_path / "second.ipynb", "import os\nprint('ROUTERBENCH_DATA' in os.environ)",
                       "leak + 1")
    ran = book.execute_one(first, "x", "/data/file.pkl", str(out), 60, warm=True)
    assert ran["error"] is None, ran["error"]
    log = out / "claims" / "first.jsonl"  # the chapter's claims log, as book.py names it
    assert json.loads(log.read_text())["claim"] == "first holds"  # the chapter's own claims log
    ran = book.execute_one(second, "x", None, str(out), 60, warm=True)
    assert ran["error"] is not None and "NameError" in ran["error"]  # 'leak' did not survive
    nb = nbformat.read(next(out.rglob("second.ipynb")), as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]  # counted as in a fresh kernel
    assert nb.cells[0].outputs[0]["text"].strip() == "False"  # no data file left from 'first'
