"""Serve MathJax from the PyPI package jupyter-server-mathjax, so math renders with no network.

The package's MathJax 2 files are copied into ``_build/html/_static/mathjax`` when the HTML builder
starts, and Sphinx's ``mathjax_path`` points there instead of a CDN.
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
}


def _use_local_mathjax(app, config) -> None:
    config.mathjax_path = MATHJAX_PATH
    config.mathjax2_config = MATHJAX2_CONFIG
    config.mathjax3_config = None


def _copy_mathjax(app) -> None:
    if app.builder.format == "html":
        shutil.copytree(SOURCE, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("builder-inited", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
