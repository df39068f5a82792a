"""The package's import graph: no circle, and no module reaches into another's private names.

The graph is read from the source with ``ast``, with imports inside functions counted too: a lazy
import only hides a circle (the module that imports lazily works in one import order and fails in
another), so a circle through a function body fails here as well.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "routerbench_utils"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> list[tuple[str, list[str], int]]:
    """``(target module, imported names, line)`` for every import of a package module in ``path``."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith(PACKAGE):
                continue
            names = [a.name for a in node.names]
            # ``from . import x`` imports the module ``x``, not a name of the package
            modules = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            found += [(m, [], node.lineno) for m in modules]
            rest = [n for n in names if f"{target}.{n}" not in known]
            if rest:
                found.append((target, rest, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith(PACKAGE)]
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (importing ``a.b.c`` also runs ``a.b``).

    The package's own ``__init__`` is left out: it imports every module to expose them, and every
    module's import runs it first, so it takes part in no circle of its own making.
    """
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        if name == PACKAGE:
            continue
        edges = set()
        for target, _, _ in _imports(name, path, known):
            parts = target.split(".")
            for k in range(2, len(parts) + 1):
                parent = ".".join(parts[:k])
                # a module inside a subpackage runs inside its parent's import: no edge back to it
                if parent in known and parent != PACKAGE and not name.startswith(parent + "."):
                    edges.add(parent)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_package_has_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_lazy_and_subpackage_imports():
    graph = import_graph()
    assert f"{PACKAGE}.data" in graph[f"{PACKAGE}.loading"]  # via data.reading, a submodule
    assert f"{PACKAGE}.data.schema" in graph[f"{PACKAGE}.data.oracle"]
    # data is the bottom floor: it imports nothing of the package but the catalog, the errors and the
    # deprecation helpers (renamed and keyword-only arguments), which import nothing of the package
    floor = {f"{PACKAGE}.catalog", f"{PACKAGE}.errors", f"{PACKAGE}._deprecated"}
    assert not {e for e in graph[f"{PACKAGE}._deprecated"] if e.startswith(PACKAGE)}
    for name, edges in graph.items():
        if name.startswith(f"{PACKAGE}.data"):
            outside = {e for e in edges if not e.startswith(f"{PACKAGE}.data")}
            assert outside <= floor, (name, outside - floor)


def test_no_module_imports_a_private_name_of_another():
    modules = _modules()
    known = set(modules)
    offenders = []
    for name, path in modules.items():
        for target, names, line in _imports(name, path, known):
            private = [n for n in names if n.startswith("_")]
            if private and target != name:
                offenders.append(f"{path.relative_to(ROOT.parent)}:{line} imports {private} from {target}")
    assert not offenders, "; ".join(offenders)



def test_the_library_never_imports_the_book_page_helpers():
    """The page helpers (``routerbench_utils.book``) build on the library; nothing outside them imports
    them, so an analysis that uses the library carries no page plumbing. The top level reaches them only
    on first use (``__getattr__``) and the stubs at old paths only by name, neither through an import."""
    graph = import_graph()
    book = f"{PACKAGE}.book"
    offenders = {name: sorted(e for e in edges if e == book or e.startswith(book + "."))
                 for name, edges in graph.items() if not (name == book or name.startswith(book + "."))}
    offenders = {name: edges for name, edges in offenders.items() if edges}
    assert not offenders, f"library modules import the page helpers: {offenders}"
    init = ast.parse((ROOT / "__init__.py").read_text())
    imported = {a.name for node in ast.walk(init) if isinstance(node, ast.ImportFrom) and node.level == 1
                and not node.module for a in node.names} | {
        (node.module or "").split(".")[0] for node in ast.walk(init) if isinstance(node, ast.ImportFrom)}
    assert "book" not in imported, "the package's __init__ imports the page helpers"


def test_the_layers_import_only_downwards():
    """data -> frontier, metrics -> routers -> evaluation: a lower layer never imports a higher one."""
    order = ["frontier", "metrics", "routers", "evaluation"]
    graph = import_graph()
    for k, layer in enumerate(order):
        above = {f"{PACKAGE}.{x}" for x in order[k + 1:]}
        for name, edges in graph.items():
            if name == f"{PACKAGE}.{layer}" or name.startswith(f"{PACKAGE}.{layer}."):
                bad = {e for e in edges if any(e == a or e.startswith(a + ".") for a in above)}
                assert not bad, f"{name} (layer {layer}) imports a higher layer: {sorted(bad)}"
