"""Let the single-page build (Sphinx's ``singlehtml`` builder, printed to the book's PDF) render every
node the HTML build renders.

Sphinx looks a custom node's HTML handlers up by the builder's name and falls back to its format
(``html``) only when no extension registered any handler under that name. Once one extension
registers nodes for ``singlehtml`` too, the nodes registered only for ``html`` (MyST-NB's hidden-input
cells, for one) have no handler there and the build stops. This copies the missing ones across.
"""
from __future__ import annotations


def _reuse_html_handlers(app) -> None:
    handlers = app.registry.translation_handlers
    if app.builder.name == "singlehtml" and "html" in handlers:
        single = handlers.setdefault("singlehtml", {})
        for node, pair in handlers["html"].items():
            single.setdefault(node, pair)


def setup(app):
    app.connect("builder-inited", _reuse_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
