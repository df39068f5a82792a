"""Interactive figures offline: a page whose outputs hold an ``rbu.plots`` interactive figure (a
``div.rbu-interactive``) loads Plotly from the book's own files.

``plotly.min.js`` is copied from the installed PyPI package ``plotly`` into ``_static/plotly/`` (not
``_static`` itself, and not committed) when the HTML builder starts; the script tag is added to those
pages only, deferred (the page's text and math show without waiting for its 4.8 MB), and each figure's
own script draws it on DOMContentLoaded, when the deferred script has run (rbu.plots.InteractiveFigure).
The PDF leaves these figures out (``_ext/rbu-pages.css``) and keeps the static figure beside them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

SCRIPT = "plotly/plotly.min.js"


def _copy_plotly(app) -> None:
    if app.builder.format != "html":
        return
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = Path(app.outdir) / "_static" / SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)


def _load_plotly(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format == "html" and 'class="rbu-interactive"' in context.get("body", ""):
        app.builder.add_js_file(SCRIPT, priority=200, defer="defer")  # the figures draw on DOMContentLoaded


def setup(app):
    app.connect("builder-inited", _copy_plotly)
    app.connect("html-page-context", _load_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
