"""The build's pages are what a fresh kernel gives: chapters re-executed here, each in a new kernel, print
the same outputs (text, tables, figures) as the build, which ran them in reused kernels.

scripts/book.py executes every chapter in a kernel that ran other chapters before (emptied in between);
this is the second execution the test command does, and it checks something: the two runs must agree
cell by cell, after removing what legitimately varies (object addresses in reprs). The chapters
re-executed are short ones the build ran late in a reused kernel (longest chapters first), so state
left over from earlier chapters would show here.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import nbformat
import pytest

from ._scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "_build" / "executed" / "embedded" / "book"
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"  # set by scripts/test.sh after the full run
CHAPTERS = ("interpolation", "hull")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def outputs(path: Path) -> list[tuple]:
    """Each code cell's outputs as comparable tuples: type, count, text, HTML, and a digest of images."""
    nb = nbformat.read(path, as_version=4)
    rows = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = out.get("text") or data.get("text/plain", "")
            images = tuple(hashlib.sha256(data[k].encode()).hexdigest()[:16]
                           for k in sorted(data) if k.startswith("image/"))
            rows.append((index, out.get("output_type"), out.get("name"), cell.get("execution_count"),
                         _ADDRESS.sub("", text), data.get("text/html", ""), images))
    return rows


@pytest.fixture(scope="module")
def book():
    return load_script("book")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_fresh_kernel_gives_the_built_page(book, chapter, tmp_path):
    built = BUILT / f"{chapter}.ipynb"
    if not built.exists():
        if REQUIRED:
            pytest.fail("the book is not built (scripts/test.sh builds it first)")
        pytest.skip("the book is not built")
    ran = book.execute_one(str(ROOT / "book" / f"{chapter}.ipynb"), "embedded", None, str(tmp_path), 300,
                           warm=False)
    assert ran["error"] is None, ran["error"]
    fresh, reused = outputs(tmp_path / "book" / f"{chapter}.ipynb"), outputs(built)
    assert len(fresh) == len(reused), f"{chapter}: {len(fresh)} outputs in a fresh kernel, {len(reused)} built"
    differing = [(a[0], a[4][:120], b[4][:120]) for a, b in zip(fresh, reused) if a != b]
    assert not differing, f"{chapter}: cells whose output differs (cell, fresh, built): {differing[:3]}"
