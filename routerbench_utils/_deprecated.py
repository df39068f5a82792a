"""Old import paths kept for one release: each warns, naming the new place, and then answers.

The package was reorganised into layers (``frontier/``, ``metrics/``, ``routers/``, ``evaluation/``,
``book/``). A module that moved leaves a stub at its old path whose attributes are looked up in the new
module with a :class:`DeprecationWarning`; the old top-level page helpers (``rbu.claim`` ...) do the same.
"""
from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable


def warn_moved(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that the dotted name ``old`` is now ``new`` (and goes in the next release)."""
    warnings.warn(f"{old} has moved to {new}; the old name will be removed in the next release",
                  DeprecationWarning, stacklevel=stacklevel)


def moved_module(old: str, new: str) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the stub left at the module path ``old``: every attribute is
    looked up in the module ``new``, with a :class:`DeprecationWarning` naming both places."""

    def __getattr__(name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        module = importlib.import_module(new)
        try:
            value = getattr(module, name)
        except AttributeError:
            raise AttributeError(f"module {old!r} has no attribute {name!r} (it moved to {new!r})") from None
        warn_moved(f"{old}.{name}", f"{new}.{name}")
        return value

    def __dir__() -> list[str]:
        return sorted(n for n in dir(importlib.import_module(new)) if not n.startswith("__"))

    return __getattr__, __dir__
