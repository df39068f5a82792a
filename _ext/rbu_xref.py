"""Cross-references to the package resolve through Python.

The API reference documents each object of ``routerbench_utils`` once, where it is defined (or under the
curated top level), on the page of its group (book/api_*.md). Docstrings name objects the way a reader
imports them: ``rbu.metrics.apgr`` is ``routerbench_utils.metrics.apgr.apgr`` in the reference,
``routerbench_utils.routers.WTP_GRID`` is defined in ``routers.base``, a method is written
``BudgetPacer.start`` inside its module. When Sphinx finds no target for such a reference, this extension
imports the name it was written under and links to the documented entry that *is* the same Python
object, on whichever page of the reference documents it; a reference that names no object, or an object
the reference does not document, stays a warning. A chapter's title that a docstring repeats in quotes
after its reference, for ``help()``, is dropped from the page (``drop_repeated_titles``).
"""
from __future__ import annotations

import importlib
import warnings

from docutils import nodes

PACKAGE = "routerbench_utils"


def _object(path: str):
    """The Python object a dotted path names, or None."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an old path answers with a DeprecationWarning
                obj = importlib.import_module(".".join(parts[:k]))
                for attr in parts[k:]:
                    obj = getattr(obj, attr)
            return obj
        except ImportError:
            continue
        except AttributeError:
            return None
    return None


def _candidates(node, target: str) -> list[str]:
    """The full paths a reference may mean: as written, or relative to the module and class it is in."""
    if target.startswith(PACKAGE + "."):
        return [target]
    module, cls = node.get("py:module"), node.get("py:class")
    paths = []
    if module and cls:
        paths.append(f"{module}.{cls}.{target}")
    if module:
        paths.append(f"{module}.{target}")
        paths.append(f"{module.rsplit('.', 1)[0]}.{target}")
    return paths


def missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip(".~")
    domain = env.get_domain("py")
    tail = target.rsplit(".", 1)[-1]
    named = [name for name in list(domain.objects) if name.startswith(PACKAGE) and name.rsplit(".", 1)[-1] == tail]
    for path in _candidates(node, target):
        obj = _object(path)
        if obj is None:
            continue
        for name in named:
            if _object(name) is obj:
                return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", name, node, contnode)
    # a bare name in the docstring of an object the reference shows in the curated top level (whose module
    # context is the package's): the one documented object of that name, if there is exactly one
    if "." not in target and len(named) == 1:
        return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", named[0], node, contnode)
    return None


def drop_repeated_titles(app, doctree, docname) -> None:
    """A docstring names its chapter twice, as a reference and in quotes (``See the chapter
    :ref:`chap-aiq` ("AIQ: one number for a whole curve")``), so that ``help()`` shows the title too; on
    the page the link already reads as the title, and the quoted repeat is dropped."""
    for ref in list(doctree.findall(nodes.reference)):
        parent = ref.parent
        following = parent.index(ref) + 1
        if following >= len(parent) or not isinstance(parent[following], nodes.Text):
            continue
        text, title = str(parent[following]), ref.astext()
        for repeat in (f" (\u201c{title}\u201d)", f' ("{title}")'):
            if title and text.startswith(repeat):
                parent.replace(parent[following], nodes.Text(text[len(repeat):]))
                break


def setup(app):
    app.connect("missing-reference", missing_reference)
    app.connect("doctree-resolved", drop_repeated_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
