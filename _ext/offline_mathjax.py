"""Serve MathJax from the PyPI package jupyter-server-mathjax, so math renders with no network; and
the few page styles the book needs (math and wide outputs scroll inside their block).

The package's MathJax 2 files are copied into ``_build/html/_static/mathjax`` when the HTML builder
starts, and Sphinx's ``mathjax_path`` points there instead of a CDN. The package ships only the
STIX-Web fonts (no ``fonts/HTML-CSS/TeX``): MathJax is told to use them, because its default, the TeX
fonts, would answer 404 and fall back to the reader's system fonts (upright letters, floating accents,
"Math Processing Error" on primes).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import jupyter_server_mathjax

SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"
MATHJAX_PATH = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"


# MyST-NB marks notebook pages ``tex2jax_ignore`` (outputs may hold stray dollars) and relies on the
# ``math`` class to opt the rendered formulas back in; MathJax 2 needs that said in its own terms.
MATHJAX2_CONFIG = {
    "tex2jax": {"processClass": "tex2jax_process|mathjax_process|math|output_area",
                "ignoreClass": "tex2jax_ignore|mathjax_ignore|document"},
    "showMathMenu": False,
    "messageStyle": "none",
    # The only web font shipped: never look for TeX fonts, never fall back to image fonts. Formulas are
    # typeset in chunks of 500 with no pause in between (MathJax's default, 50 then 1.5 times more
    # with a 100 ms pause and a reflow each time, made the 479 formulas of the API page take 19 s in
    # headless Chromium on the reference machine; this and the next setting, 10 s).
    "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web", "webFont": "STIX-Web",
                 "imageFont": None, "scale": 100, "EqnChunk": 500, "EqnChunkFactor": 1, "EqnChunkDelay": 0},
    # No quick rough pass before the real one: every formula is typeset once.
    "fast-preview": {"disabled": True},
    "SVG": {"font": "STIX-Web"},
}

# Display math, tables and outputs wider than the text column scroll inside their own block (phone
# width, wide comparison tables) instead of being clipped or widening the page.
PAGE_CSS = """
div.math, .MathJax_Display, div.cell_output .output, div.cell_output table { max-width: 100%; }
div.math, .MathJax_Display { overflow-x: auto; overflow-y: hidden; }
div.cell_output .output.text_html { overflow-x: auto; }
div.cell_output .output.text_html table { font-size: 0.9em; }
div.rbu-note p { margin-bottom: 0.3em; }
"""


def _use_local_mathjax(app, config) -> None:
    config.mathjax_path = MATHJAX_PATH
    config.mathjax2_config = MATHJAX2_CONFIG
    config.mathjax3_config = None


def _copy_mathjax(app) -> None:
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        shutil.copytree(SOURCE, static / "mathjax", dirs_exist_ok=True)
        (static / "rbu-pages.css").write_text(PAGE_CSS)


def setup(app):
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("builder-inited", _copy_mathjax)
    app.add_css_file("rbu-pages.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
