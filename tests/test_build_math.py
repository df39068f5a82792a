"""The build's math (_ext/build_math.py): MathJax 3 run with node turns TeX into SVG whose glyphs the page
carries once; a TeX error is reported, never typeset silently; wide inline formulas are marked.

Needs node and the MathJax that scripts/setup.sh installs into .venv/node (skipped without them, failed
when RBU_REQUIRE_BROWSER=1 as in scripts/test.sh)."""
from __future__ import annotations

import os
import re
import shutil
import sys

import pytest

from .test_book_sources import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
build_math = pytest.importorskip("build_math")


@pytest.fixture(scope="module")
def mathjax():
    if not (shutil.which("node") and (build_math.node_modules() / "mathjax-full").is_dir()):
        if os.environ.get("RBU_REQUIRE_BROWSER") == "1":
            pytest.fail("node or MathJax missing: run bash scripts/setup.sh")
        pytest.skip("node or MathJax missing: run bash scripts/setup.sh")
    engine = build_math.MathJax()
    yield engine
    engine.close()


def test_formulas_become_svg_with_their_glyphs(mathjax):
    formulas = [(r"\tilde f(c) = \max_k q_k", False), (r"\mathrm{AIQ} = \frac{1}{c_{\max} - c_{\min}} \int f", True)]
    mathjax.typeset(formulas)
    for formula in formulas:
        answer = mathjax.cache[formula]
        assert answer["error"] is None and answer["html"].startswith('<mjx-container class="MathJax" jax="SVG"')
        used = set(re.findall(r'xlink:href="#([^"]+)"', answer["html"]))
        assert used and used <= set(mathjax.glyphs), used - set(mathjax.glyphs)
        assert "data-c=" not in answer["html"] and "data-mml-node" not in answer["html"]
    assert 'display="true"' in mathjax.cache[formulas[1]]["html"]
    inline = mathjax.cache[formulas[0]]["html"]
    depth = float(re.search(r'vertical-align: (-?[\d.]+)ex', inline).group(1))
    assert depth < 0  # the formula's descender below the baseline: set by its depth, not centred


def test_a_tex_error_is_reported_not_typeset(mathjax):
    mathjax.typeset([(r"\frac{a}{", False), (r"\notamacro x", False)])
    assert mathjax.cache[(r"\frac{a}{", False)]["error"] == "Missing close brace"
    assert "Undefined control sequence" in mathjax.cache[(r"\notamacro x", False)]["error"]


def test_display_tex_and_wide_inline_formulas():
    from docutils import nodes

    block = nodes.math_block("a = b\n\nc = d \\\\ e = f", "a = b\n\nc = d \\\\ e = f", nowrap=False, number=None)
    assert build_math.display_tex(block) == r"\begin{align}\begin{aligned}a = b\\\begin{split}c = d \\ e = f" \
                                            r"\end{split}\end{aligned}\end{align}"
    assert build_math.is_wide('<svg style="vertical-align: -0.5ex;" width="31.2ex" height="2ex">')
    assert not build_math.is_wide('<svg style="vertical-align: -0.5ex;" width="12ex" height="2ex">')
