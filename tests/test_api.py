"""The curated public API: its size and groups, the reference page in step with it, and numpydoc
docstrings (Parameters, Returns, a chapter named) on every public function and class."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import routerbench_utils as rbu

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_is_curated_and_grouped():
    flat = [name for names in rbu.API_GROUPS.values() for name in names]
    assert rbu.__all__ == flat and len(set(flat)) == len(flat)
    assert 30 <= len(flat) <= 45, f"{len(flat)} top-level names: curate, do not grow"
    for name in flat:
        assert getattr(rbu, name) is not None


def test_names_outside_the_top_level_say_where_to_look():
    with pytest.raises(AttributeError, match=r"rbu\.metrics\.apgr"):
        rbu.apgr  # noqa: B018  (reached through its module)
    assert callable(rbu.metrics.apgr) and callable(rbu.plots.label_points)


def test_api_page_is_in_step_with_the_package():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_page.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def _public_callables():
    """(dotted name, object) of every public function and class defined in the package."""
    found = pkgutil.walk_packages(rbu.__path__, prefix="routerbench_utils.")
    for info in sorted(found, key=lambda m: m.name):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{info.name}.{name}", obj


PUBLIC = dict(_public_callables())


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_and_class_has_a_numpydoc_docstring(name):
    """Summary line, a Parameters section when it takes arguments, Returns for a function, and the
    chapter that explains it ("See the chapter ..."), as the package docstring promises."""
    obj = PUBLIC[name]
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name}: no docstring"
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = [p for p in inspect.signature(target).parameters if p not in ("self", "cls")]
    except (TypeError, ValueError):
        params = []
    if inspect.isclass(obj):
        params = params if obj.__init__ is not object.__init__ else []
    missing = []
    if params and "Parameters\n----------" not in doc:
        missing.append("Parameters")
    if inspect.isfunction(obj) and "Returns\n-------" not in doc and "Yields\n------" not in doc:
        missing.append("Returns")
    if "See the chapter" not in doc and "See the chapters" not in doc:
        missing.append('a "See the chapter ..." line')
    assert not missing, f"{name}: docstring lacks {', '.join(missing)}"


def test_import_pulls_in_no_plotting_library():
    code = "import sys, routerbench_utils; print(sorted(m for m in ('matplotlib', 'seaborn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
