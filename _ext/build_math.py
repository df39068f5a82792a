"""Every formula typeset when the book is built: MathJax 3 (the npm package ``mathjax-full``, installed by
``scripts/setup.sh`` into ``.venv/node``) turns each formula's TeX into an SVG, and the page carries the SVG.

Why at build time: the page needs no math script and no math font (each glyph is an SVG path, once
per page in a hidden ``<defs>``), so every formula is finished when the
HTML arrives (0 s of typesetting on the 543-formula API page, where MathJax 2 in the browser took 10-13 s),
nothing is fetched at read time, and Chromium prints exactly what the screen shows. MathJax's SVG sets each
formula's baseline on the text's (``vertical-align`` by its depth): tests/test_browser.py measures it.

A formula MathJax cannot read (an unknown macro, unbalanced braces) is a Sphinx warning at its source line,
so the strict build fails on it instead of showing MathJax's red error box.

Also the page styles of the book (``_ext/rbu-pages.css``: tables, math and figures on every screen), and
the two other page extensions: book tables (``book_tables.py``) and offline interactive figures
(``interactive_figures.py``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

HERE = Path(__file__).parent
SCRIPT = HERE / "mathjax_svg.js"
CSS = HERE / "rbu-pages.css"
RENDERER = "rbu_svg"
logger = logging.getLogger(__name__)


def node_modules() -> Path:
    """Where setup.sh installed MathJax: ``<venv>/node/node_modules`` ($RBU_NODE_MODULES overrides)."""
    return Path(os.environ.get("RBU_NODE_MODULES", Path(sys.prefix) / "node" / "node_modules"))


#: Attributes of MathJax's SVG that nothing on the page reads (the MathML node and character of each
#: part, for MathJax's own menu and explorer): a quarter of the math's bytes. An error node keeps its mark.
UNUSED = re.compile(r' data-(?:mml-node="(?!merror")[^"]*"|c="[^"]*"|mjx-texclass="[^"]*")')


class MathJax:
    """One ``node`` process typesetting formulas, asked in batches; answers are kept for the build."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self.cache: dict[tuple[str, bool], dict] = {}
        self.glyphs: dict[str, str] = {}  # glyph id -> its <path>, which every formula using it refers to

    def _start(self) -> subprocess.Popen:
        if self._process is None:
            node, modules = shutil.which("node"), node_modules()
            if node is None or not (modules / "mathjax-full").is_dir():
                raise RuntimeError(f"build_math: needs node and MathJax in {modules}: run bash scripts/setup.sh")
            self._process = subprocess.Popen([node, str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             text=True, encoding="utf-8", env={**os.environ, "NODE_PATH": str(modules)})
        return self._process

    def typeset(self, formulas: list[tuple[str, bool]]) -> None:
        """Typeset the formulas not typeset yet (TeX, display) into :attr:`cache`."""
        todo = list(dict.fromkeys(f for f in formulas if f not in self.cache))
        if not todo:
            return
        process = self._start()

        def ask() -> None:  # written from a thread: answers are read while requests are still going in
            for tex, display in todo:
                process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            process.stdin.flush()

        writer = threading.Thread(target=ask)
        writer.start()
        for formula in todo:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("build_math: MathJax's node process stopped")
            answer = json.loads(line)
            self.glyphs.update(answer.pop("glyphs"))
            answer["html"] = UNUSED.sub("", answer["html"])
            self.cache[formula] = answer
        writer.join()

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait(timeout=30)
            self._process = None


def display_tex(node: nodes.math_block) -> str:
    """The TeX MathJax is given for a display formula, as Sphinx's own MathJax support forms it:
    paragraphs of a block become aligned lines, a block with ``\\\\`` a ``split``."""
    if node["nowrap"]:
        return node.astext()
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    parts = [r"\begin{split}" + part + r"\end{split}" if r"\\" in part else part for part in parts]
    if len(parts) > 1:
        return r"\begin{align}\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}\end{align}"
    return parts[0] if parts else ""


def _formulas(doctree) -> list[tuple[str, bool, nodes.Node]]:
    found = [(node.astext(), False, node) for node in doctree.findall(nodes.math)]
    found += [(display_tex(node), True, node) for node in doctree.findall(nodes.math_block)]
    return found


def _typeset_page(app, doctree, docname) -> None:
    if app.builder.format != "html" or app.builder.math_renderer_name != RENDERER:
        return
    formulas = _formulas(doctree)
    app.mathjax_svg.typeset([(tex, display) for tex, display, _ in formulas])
    for tex, display, node in formulas:
        error = app.mathjax_svg.cache[(tex, display)]["error"]
        if error:
            logger.warning("MathJax cannot typeset %r: %s", tex[:80], error, location=node, type="math")


def _svg(self, tex: str, display: bool) -> str:
    """The typeset formula, with its TeX as the label a screen reader reads."""
    html = self.builder.app.mathjax_svg.cache[(tex, display)]["html"]
    return html.replace("<svg ", f'<svg aria-label="{self.attval(tex)}" ', 1)


GLYPH_USE = re.compile(r'xlink:href="#(MJX-[^"]+)"')


def _add_glyphs(app, pagename, templatename, context, doctree) -> None:
    """Put the glyphs the page's formulas draw, each once, in a hidden SVG at the top of the page."""
    body = context.get("body", "")
    used = sorted(set(GLYPH_USE.findall(body)))
    if used and getattr(app, "mathjax_svg", None) is not None:
        paths = "".join(app.mathjax_svg.glyphs[g] for g in used)
        context["body"] = (f'<svg id="MJX-SVG-global-cache" style="display: none" aria-hidden="true"><defs>{paths}'
                           f"</defs></svg>\n" + body)


#: Inline formulas wider than this (in ex of the text, about 8 px) may not fit a phone's column (about
#: 350 px). The theme clips an inline formula's box (``span.math``: inline-flex, overflow hidden); a wide
#: one gets the class ``rbu-wide-math``, whose box scrolls sideways instead (_ext/rbu-pages.css).
WIDE_INLINE_EX = 30.0
SVG_WIDTH = re.compile(r'<svg [^>]*?width="([\d.]+)ex"')


def is_wide(html: str) -> bool:
    """Whether a typeset inline formula is wider than :data:`WIDE_INLINE_EX`."""
    width = SVG_WIDTH.search(html)
    return width is not None and float(width.group(1)) > WIDE_INLINE_EX


def visit_math(self, node: nodes.math) -> None:
    html = _svg(self, node.astext(), False)
    classes = "math notranslate nohighlight" + (" rbu-wide-math" if is_wide(html) else "")
    self.body.append(self.starttag(node, "span", "", CLASS=classes))
    self.body.append(html + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"] and not node["nowrap"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    self.body.append(_svg(self, display_tex(node), True) + "</div>\n")
    raise nodes.SkipNode


def _use_svg_math(app, config) -> None:
    config.html_math_renderer = RENDERER


def _copy_styles(app) -> None:
    """``_static/rbu-pages.css``: the rules MathJax's SVG output needs, then the book's own."""
    app.mathjax_svg = MathJax()
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        mathjax_css = subprocess.run([shutil.which("node") or "node", str(SCRIPT), "--css"], check=True,
                                     capture_output=True, text=True,
                                     env={**os.environ, "NODE_PATH": str(node_modules())}).stdout
        (static / CSS.name).write_text("/* MathJax 3, SVG output */\n" + mathjax_css + "\n" + CSS.read_text())


def _stop(app, exception) -> None:
    if getattr(app, "mathjax_svg", None) is not None:
        app.mathjax_svg.close()


def setup(app):
    app.setup_extension("book_tables")  # the book's page extensions, loaded with this one from _config.yml
    app.setup_extension("interactive_figures")
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _use_svg_math, priority=900)
    app.connect("builder-inited", _copy_styles)
    app.connect("doctree-resolved", _typeset_page)
    app.connect("html-page-context", _add_glyphs)
    app.connect("build-finished", _stop)
    app.add_css_file(CSS.name)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
