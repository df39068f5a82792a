"""Write the API reference pages, book/api.md and one page per group, from the package itself.

    python scripts/api_page.py          # rewrite book/api.md and book/api_*.md
    python scripts/api_page.py --check  # exit 1 if a page is out of date (used by the tests)

book/api.md is the reference's index: a list of its pages. Each page holds one group of the curated top
level, as ``routerbench_utils.API_GROUPS`` groups it, then the modules of the same layer with the names
reached through them (``PAGES``); the routers' modules, and the book's page helpers with the vocabulary,
have pages of their own. The docstrings are pulled in by Sphinx's autodoc at build time, so the pages
cannot drift from the code; this script only keeps the lists of names in step. Several pages also keep
each page light: the single page they replace carried 542 formulas and 2.1 MB and took over a second to
load. The index forwards a link into that single page to the page that now holds its target.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import routerbench_utils as rbu

BOOK = Path(__file__).resolve().parents[1] / "book"
INDEX = BOOK / "api.md"

#: The reference's pages: file stem -> (title, the group of ``rbu.API_GROUPS`` it opens with or None, what
#: it holds, the modules it documents: a module belongs to the first page one of whose names is the
#: module's or a parent package's). Every group and every public module has exactly one page.
PAGES = {
    "api_data": ("Data", "Data", "read, generate, check, split and reshape the data; the catalogue of "
                 "models and datasets", ("data", "catalog", "embedded", "errors", "loading", "subsets")),
    "api_frontier": ("Frontier and metrics", "Frontier and metrics", "points on the cost-quality plane, "
                     "the hull, AIQ and its intervals, other papers' metrics",
                     ("frontier", "metrics", "largelog", "latency")),
    "api_routers": ("Routers", "Routers", "the router protocol and every family of routers", ()),
    # the routers' layer is the largest: its modules have a page of their own, so that each page loads
    # in well under a second
    "api_router_modules": ("Router modules", None, "the routers' layer, module by module (the protocol's "
                           "helpers, each family's own, prompt features)", ("routers", "embed")),
    "api_evaluation": ("Evaluation", "Evaluation", "routers compared with paired intervals; routing "
                       "collapse, evaluation hygiene, the RAG experiment", ("evaluation", "hygiene", "rag")),
    "api_plotting": ("Plotting", "Plotting", "the book's figure style and plots, static and interactive",
                     ("plots",)),
    "api_book": ("Page helpers and vocabulary", None, "claims, data notes and tables of the book's pages; "
                 "the parameter names of the package", ("book", "vocabulary")),
}

INTRO = """\
(chap-api)=
# API reference

The package's top level holds the names a chapter or an analysis reaches for first:

```python
import routerbench_utils as rbu

df = rbu.load()
train, test = rbu.official_split(df)
```

Everything else is reached through its module, for example `rbu.metrics.apgr` or
`rbu.frontier.budgeted_oracle`. The reference has a page per group of the top level, which documents
the group's names and then the modules of the same layer. The pages are written by
`scripts/api_page.py` from the package, and every entry's text is its docstring, so they cannot drift
from the code.
"""


def modules() -> list[str]:
    """Every public module of the package, in alphabetical order."""
    found = pkgutil.walk_packages(rbu.__path__, prefix="routerbench_utils.")
    names = [m.name.removeprefix("routerbench_utils.") for m in found]
    public = [n for n in names if not any(part.startswith("_") for part in n.split("."))]
    # the stubs left at old module paths (they warn and point to the new place) are not documented
    return sorted(n for n in public if not hasattr(importlib.import_module(f"routerbench_utils.{n}"), "__moved_to__"))


def directive(qualified: str, obj) -> str:
    """The autodoc directive documenting ``obj`` under the dotted name ``qualified``."""
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return f".. autoexception:: {qualified}\n"
    if inspect.isclass(obj):
        # the router's own methods and those of Router, not scikit-learn's get_params and friends
        return f".. autoclass:: {qualified}\n   :members:\n   :inherited-members: BaseEstimator\n"
    if callable(obj):
        return f".. autofunction:: {qualified}\n"
    return f".. autodata:: {qualified}\n   :annotation:\n"


def _module_section(name: str, curated: set[str]) -> str:
    """The section documenting module ``rbu.<name>``: its own public names not in the curated top level."""
    module = importlib.import_module(f"routerbench_utils.{name}")
    # constants carry no __module__: a constant is the module's own when its source assigns it
    assigned = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[:=]", inspect.getsource(module), re.M))
    own = [n for n, obj in vars(module).items()
           if not n.startswith("_") and (getattr(obj, "__module__", None) == module.__name__
                                         or (n in assigned and not inspect.ismodule(obj)))]
    rest = [n for n in own if n not in curated]
    # Documented constants are those with a ``#:`` comment; autodoc skips the others.
    members = f"   :members: {', '.join(sorted(rest))}\n" if rest else ""
    return f"### `rbu.{name}`\n\n```{{eval-rst}}\n.. automodule:: routerbench_utils.{name}\n{members}```\n"


def page_of(module: str) -> str:
    """The stem of the page that documents module ``rbu.<module>`` (``PAGES``)."""
    for stem, (*_, roots) in PAGES.items():
        if any(module == root or module.startswith(root + ".") for root in roots):
            return stem
    raise SystemExit(f"module routerbench_utils.{module} has no page of the API reference: add it, or its "
                     "parent package, to a page's modules in PAGES (scripts/api_page.py)")


def pages() -> dict[Path, str]:
    """Every page of the reference: path -> its text."""
    groups = [group for _, group, *_ in PAGES.values() if group is not None]
    if sorted(groups) != sorted(rbu.API_GROUPS):
        raise SystemExit(f"PAGES opens with the groups {groups}; rbu.API_GROUPS has {list(rbu.API_GROUPS)}: "
                         "give every group one page (scripts/api_page.py)")
    curated = set(rbu.__all__)
    by_page: dict[str, list[str]] = {stem: [] for stem in PAGES}
    for name in modules():
        by_page[page_of(name)].append(name)
    rows = []  # a list, not a table: it reads on a phone's column too
    texts = {}
    for stem, (title, group, holds, _) in PAGES.items():
        names = rbu.API_GROUPS[group] if group is not None else []
        roots = sorted({m.split(".")[0] for m in by_page[stem]})
        where = ("module " if len(roots) == 1 else "modules ") + ", ".join(f"`rbu.{r}`" for r in roots)
        top = f"{len(names)} names of the top level"
        where = (f"{top}; {where}" if roots else top) if names else where.capitalize()
        rows.append(f"- **{{doc}}`{title} <{stem}>`**: {holds}. {where}.")
        parts = [f"({stem.replace('_', '-')})=\n# API: {title}\n",
                 f"Part of the {{ref}}`API reference <chap-api>`: {holds}.\n"]
        if names:
            parts.append("## The top level\n\n```{eval-rst}\n")
            parts += [directive(f"routerbench_utils.{name}", getattr(rbu, name)) for name in names]
            parts.append("```\n")
        if by_page[stem]:
            parts.append("## Modules\n\n" + ("The rest of the layer, module by module (the names above are "
                                              "not repeated).\n" if names else "Module by module.\n"))
        parts += [_module_section(name, curated) for name in by_page[stem]]
        texts[BOOK / f"{stem}.md"] = "\n".join(parts)
    index = INTRO + "\n" + "\n".join(rows) + "\n\n" + _redirect(by_page)
    return {INDEX: index, **texts}


#: Sends a link into the one-page reference of earlier editions (``api.html#routerbench_utils.aiq``,
#: ``api.html#module-routerbench_utils.metrics.apgr``, ``api.html#routers``) to the page that now holds
#: its target: the longest name in PAGES_OF that the id is or starts with (a dot following).
REDIRECT = """\
```{raw} html
<script>
(function () {
  const pages = %s;
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id || document.getElementById(id)) return;
  let best = "";
  for (const key in pages)
    if ((id === key || id.startsWith(key + ".")) && key.length > best.length) best = key;
  if (best) location.replace(pages[best] + ".html" + location.hash);
})();
</script>
```
"""


def _redirect(by_page: dict[str, list[str]]) -> str:
    """The index's script that forwards an old link to an entry to the entry's page."""
    import json

    pages = {}
    for stem, (title, group, *_) in PAGES.items():
        if group is not None:
            pages[re.sub(r"[^a-z]+", "-", group.lower())] = stem  # the old page's section of the group
            pages.update({f"routerbench_utils.{name}": stem for name in rbu.API_GROUPS[group]})
        for module in by_page[stem]:
            pages[f"routerbench_utils.{module}"] = pages[f"module-routerbench_utils.{module}"] = stem
    return REDIRECT % json.dumps(pages, separators=(",", ":"))


def toc_sections() -> list[str]:
    """The pages ``_toc.yml`` lists under the reference's index (``sections`` of ``book/api``)."""
    import yaml

    toc = yaml.safe_load((BOOK.parent / "_toc.yml").read_text())
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            if chapter["file"] == "book/api":
                return [section["file"] for section in chapter.get("sections", [])]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    written = pages()
    stale = sorted(set(BOOK.glob("api_*.md")) - set(written))  # a page whose group is gone
    if args.check:
        old = [path for path, text in written.items() if not path.exists() or path.read_text() != text]
        if old or stale:
            print(f"{', '.join(map(str, old + stale))}: out of date: run python scripts/api_page.py",
                  file=sys.stderr)
            return 1
        listed = toc_sections()
        if listed != [f"book/{stem}" for stem in PAGES]:
            print(f"_toc.yml lists {listed} under book/api; expected the pages of PAGES in order: "
                  + ", ".join(f"book/{stem}" for stem in PAGES), file=sys.stderr)
            return 1
        return 0
    for path, text in written.items():
        path.write_text(text)
    for path in stale:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
