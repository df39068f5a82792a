"""Slides for each week of the module, generated from the executed chapters, that work offline.

    python scripts/slides.py        # _build/slides/week1.html ... (after the chapters are executed)

A week's chapters are the ones its problem set names (``problemsets/ps<N>_*.ipynb``, the links in its
first Markdown cell), so the syllabus, the sets and the slides cannot drift apart. Each deck is
nbconvert's slides exporter (reveal.js) run on the week's chapters as executed by the build
(``_build/executed/embedded/book/``: no chapter runs again), solutions and hidden cells removed: a
heading opens a slide, every other cell is a sub-slide below it. Nothing is fetched when a deck is
built or shown: reveal.js is copied from the ``sphinx-revealjs`` package (PyPI, pinned in
requirements.txt) and MathJax 3 from the ``mathjax-full`` npm package the build installs
(``.venv/node``); the template below replaces nbconvert's script tags, which load jQuery, RequireJS,
Mermaid and MathJax 2 from CDNs.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("RBU_BUILD_DIR") or ROOT / "_build").resolve()  # as scripts/book_execute.py
EXECUTED = BUILD / "executed" / "embedded" / "book"
OUT = BUILD / "slides"
MATHJAX = ROOT / ".venv" / "node" / "node_modules" / "mathjax-full" / "es5" / "tex-svg.js"
CHAPTER_LINK = re.compile(r"\[([^\]]+)\]\(\.\./\.\./book/(\w+)\.html\)")
ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`")  # {ref}`text <target>` -> text
# A MyST directive (```{note}, :::{prf:definition}, ...) -> its body under its name in bold
DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}[^\n]*\n(.*?)^\1[ \t]*$", re.S | re.M)


def _directive(match: re.Match) -> str:
    body = "\n".join(line for line in match.group(3).splitlines() if not re.match(r"^:[\w-]+:", line))
    return f"**{match.group(2).split(':')[-1].replace('-', ' ').capitalize()}.** {body.strip()}"

TEMPLATE = r"""{%- extends 'reveal/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
<script>window.MathJax = {tex: {inlineMath: [["$", "$"], ["\\(", "\\)"]]}, svg: {fontCache: "global"}};</script>
<script src="mathjax/tex-svg.js"></script>
<style>.reveal .slides section { overflow-y: auto; max-height: 100%; } .reveal pre { font-size: 0.5em; }</style>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="reveal.js/dist/reveal.js"></script>
<script src="reveal.js/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({controls: true, progress: true, history: true, slideNumber: true,
                   transition: "none", width: 1200, height: 800, plugins: [RevealNotes]});
</script>
{% endblock footer_js %}
"""


def weeks() -> dict[int, dict]:
    """Week number -> {"set": problem-set name, "title": its title, "chapters": [(stem, title), ...]}."""
    out = {}
    for path in sorted((ROOT / "problemsets").glob("ps*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        header = next(c.source for c in nb.cells if c.cell_type == "markdown")
        week = int(re.search(r"^Week (\d+)\b", header, re.M).group(1))
        title = header.splitlines()[0].lstrip("# ").strip()
        out[week] = {"set": path.stem, "title": title,
                     "chapters": [(stem, text) for text, stem in CHAPTER_LINK.findall(header)]}
    return out


def _reveal_dir() -> Path:
    import sphinx_revealjs

    return Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"


def _strip_solutions(cells: list) -> list:
    sys.path.insert(0, str(Path(__file__).parent))
    try:  # the editions' own function, wherever the build scripts keep it
        from book_editions import strip_solutions
    except ImportError:
        from book import strip_solutions
    return strip_solutions(cells)


GLUE = re.compile(r"\{glue(?::\w*)?\}`([^`:]+)(?::([^`]*))?`")


def _glued(nb) -> dict[str, str]:
    """The values the chapter glued into its text (MyST-NB's records in the executed cells' outputs)."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                values[name] = text
    return values


def _glue_text(match: re.Match, values: dict[str, str]) -> str:
    """``{glue:text}`name:.1f``` -> the value as the page prints it (unquoted, formatted)."""
    import ast

    text = values.get(match.group(1))
    if text is None:
        return match.group(0)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    try:
        return format(value, match.group(2) or "")
    except (TypeError, ValueError):
        return str(value)


def _slide_cells(stem: str) -> list:
    nb = nbformat.read(EXECUTED / f"{stem}.ipynb", as_version=4)
    values = _glued(nb)
    cells = []
    from routerbench_utils.book import drop_skipped_exercises  # as the pages: a skipped exercise is not shown

    for cell in _strip_solutions(drop_skipped_exercises(nb.cells)):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or not cell.source.strip() and not cell.get("outputs"):
            continue
        if cell.cell_type == "code" and tags & {"remove-input", "hide-input"}:
            cell.metadata["transient"] = {"remove_source": True}  # the figure or table, not its code
        if cell.cell_type == "code" and "remove-output" in tags:
            cell.outputs = []
        if cell.cell_type == "code":  # glue() records are for the book's text, not for display
            cell.outputs = [o for o in cell.outputs if not set(o.get("data", {})) <= {"application/papermill.record/text/plain"}
                            or o.get("output_type") == "stream"]
        if cell.cell_type == "markdown":
            cell.source = GLUE.sub(lambda m: _glue_text(m, values), cell.source)
            cell.source = DIRECTIVE.sub(_directive, ROLE.sub(lambda m: m.group(1), cell.source))
            cell.source = re.sub(r"^\(\w[\w-]*\)=\s*$", "", cell.source, flags=re.M).strip()  # MyST labels
        heading = re.match(r"#{1,2} ", cell.source) if cell.cell_type == "markdown" else None
        cell.metadata["slideshow"] = {"slide_type": "slide" if heading else "subslide"}
        cells.append(cell)
    return cells


def build_week(week: int, spec: dict, out: Path = OUT) -> Path:
    """One deck: a title slide, then each chapter of the week."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter

    links = "\n".join(f"- {title}" for _, title in spec["chapters"])
    title = nbformat.v4.new_markdown_cell(f"# Week {week}\n\n{links}\n\nProblem set: {spec['title']}")
    title.metadata["slideshow"] = {"slide_type": "slide"}
    cells = [title]
    for stem, _ in spec["chapters"]:
        cells += _slide_cells(stem)
    deck = nbformat.v4.new_notebook(cells=cells, metadata={"title": f"Week {week}: {spec['title']}",
                                                            "kernelspec": {"name": "python3",
                                                                           "display_name": "Python 3"}})
    exporter = SlidesExporter(extra_loaders=[DictLoader({"rbu_slides.j2": TEMPLATE})],
                              template_file="rbu_slides.j2", reveal_url_prefix="reveal.js",
                              exclude_input_prompt=True, exclude_output_prompt=True,
                              reveal_theme="white")
    body, _ = exporter.from_notebook_node(deck)
    target = out / f"week{week}.html"
    target.write_text(body)
    return target


def build(out: Path = OUT) -> Path:
    """Every week's deck into ``out`` with reveal.js and MathJax beside them."""
    start = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    reveal = _reveal_dir()
    for part in ("dist", "plugin/notes"):
        shutil.copytree(reveal / part, out / "reveal.js" / part, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    (out / "mathjax").mkdir()
    shutil.copy(MATHJAX, out / "mathjax" / MATHJAX.name)
    specs = weeks()
    for week, spec in specs.items():
        build_week(week, spec, out)
    print(f"slides: {len(specs)} weeks in {time.perf_counter() - start:.1f} s ({out.relative_to(ROOT)})")
    return out


def ensure_built(out: Path = OUT) -> Path | None:
    """The decks, rebuilt when missing or older than an executed chapter or a problem set; ``None``
    when the week's chapters have not all been executed (before a build, or in a preview)."""
    needed = {stem for spec in weeks().values() for stem, _ in spec["chapters"]}
    if not all((EXECUTED / f"{stem}.ipynb").exists() for stem in needed):  # a preview of a few chapters
        return None
    import fcntl

    sources = [*EXECUTED.glob("*.ipynb"), *(ROOT / "problemsets").glob("ps*.ipynb"), Path(__file__)]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / ".slides.lock", "w") as lock:  # two test workers, or two editions, at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        decks = list(out.glob("week*.html"))
        if not decks or min(d.stat().st_mtime for d in decks) < max(p.stat().st_mtime for p in sources):
            build(out)
    return out


if __name__ == "__main__":
    build()
