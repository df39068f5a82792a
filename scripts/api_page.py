"""Write book/api.md, the API reference page, from the package itself.

    python scripts/api_page.py          # rewrite book/api.md
    python scripts/api_page.py --check  # exit 1 if book/api.md is out of date (used by the tests)

The curated top level comes first, grouped as ``routerbench_utils.API_GROUPS`` groups it; then every
module with the names reached through it. The docstrings are pulled in by Sphinx's autodoc at build
time, so the page cannot drift from the code; this script only keeps the list of names in step.
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

PAGE = Path(__file__).resolve().parents[1] / "book" / "api.md"

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
`rbu.frontier.budgeted_oracle`. This page is written by `scripts/api_page.py` from the package, and
every entry's text is its docstring, so it cannot drift from the code.
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


def page() -> str:
    curated = set(rbu.__all__)
    parts = [INTRO]
    for group, names in rbu.API_GROUPS.items():
        parts.append(f"## {group}\n\n```{{eval-rst}}\n")
        parts += [directive(f"routerbench_utils.{name}", getattr(rbu, name)) for name in names]
        parts.append("```\n")
    parts.append("## Modules\n\nThe rest of the package, module by module (the names above are not repeated).\n")
    for name in modules():
        module = importlib.import_module(f"routerbench_utils.{name}")
        # constants carry no __module__: a constant is the module's own when its source assigns it
        assigned = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[:=]", inspect.getsource(module), re.M))
        own = [n for n, obj in vars(module).items()
               if not n.startswith("_") and (getattr(obj, "__module__", None) == module.__name__
                                             or (n in assigned and not inspect.ismodule(obj)))]
        rest = [n for n in own if n not in curated]
        # Documented constants are those with a ``#:`` comment; autodoc skips the others.
        parts.append(f"### `rbu.{name}`\n\n```{{eval-rst}}\n.. automodule:: routerbench_utils.{name}\n"
                     f"   :members: {', '.join(sorted(rest))}\n" if rest else
                     f"### `rbu.{name}`\n\n```{{eval-rst}}\n.. automodule:: routerbench_utils.{name}\n")
        parts.append("```\n")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = page()
    if args.check:
        if PAGE.read_text() != text:
            print(f"{PAGE} is out of date: run python scripts/api_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
