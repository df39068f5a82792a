"""The project's scripts (scripts/*.py) imported by the tests, each once per test process."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def load_script(stem: str) -> ModuleType:
    """``scripts/<stem>.py`` as a module, registered under ``<stem>`` in ``sys.modules`` (dataclasses
    look their module up there, and scripts/book.py imports scripts/book_pdf.py by that name)."""
    path = SCRIPTS / f"{stem}.py"
    module = sys.modules.get(stem)
    if module is not None and Path(getattr(module, "__file__", "")).resolve() == path:
        return module
    spec = importlib.util.spec_from_file_location(stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[stem] = module
    spec.loader.exec_module(module)
    return module
