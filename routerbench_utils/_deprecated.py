"""Old import paths kept for one release: each warns, naming the new place, and then answers.

The package was reorganised into layers (``frontier/``, ``metrics/``, ``routers/``, ``evaluation/``,
``book/``). A module that moved leaves a stub at its old path whose attributes are looked up in the new
module with a :class:`DeprecationWarning`; the old top-level page helpers (``rbu.claim`` ...) do the same.
"""
from __future__ import annotations

import functools
import importlib
import sys
import warnings
from collections.abc import Callable


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside the package, counted from ``warn_moved``: the warning
    points at the user's line, however deep in the package the old name was resolved."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("routerbench_utils"):
        frame, level = frame.f_back, level + 1
    return level


def warn_moved(old: str, new: str, stacklevel: int | None = None) -> None:
    """Warn that the dotted name ``old`` is now ``new`` (and goes in the next release)."""
    warnings.warn(f"{old} has moved to {new}; the old name will be removed in the next release",
                  DeprecationWarning, stacklevel=_caller_level() if stacklevel is None else stacklevel)


def renamed_keywords(**old_to_new: str) -> Callable:
    """Decorator: a function whose keyword ``old`` was renamed ``new`` still takes ``old`` for one
    release, with a :class:`DeprecationWarning` (the signature shows the new names only)."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__name__}() got both {new!r} and its old name {old!r}")
                    warn_moved(f"the keyword {old!r} of {func.__qualname__}()", repr(new))
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__renamed__ = dict(old_to_new)
        return wrapper

    return decorate


def keyword_only(*names: str) -> Callable:
    """Decorator: the keyword-only ``names`` (a cost and a quality matrix, cost first) must be passed by
    name. A call that passes more positional arguments than the function takes raises a
    :class:`TypeError` that says so: the old order was (quality, cost), and a positional swap cannot
    warn, so it is refused rather than silently read the other way round."""

    def decorate(func: Callable) -> Callable:
        import inspect

        positional = [p for p in inspect.signature(func).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        spelled = ", ".join(f"{name}=" for name in names)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if len(args) > len(positional):
                raise TypeError(
                    f"{func.__name__}() takes {spelled} by name only (cost before quality): "
                    f"got {len(args)} positional arguments, expected at most {len(positional)}. "
                    f"Pass them by name, e.g. {func.__name__}(..., {', '.join(f'{n}={n}' for n in names)})")
            return func(*args, **kwargs)

        wrapper.__keyword_only__ = names
        return wrapper

    return decorate


def renamed_argument(given: dict, old: str, new: str, value, owner: str):
    """The value of a renamed ``__init__`` parameter: ``value`` (the new keyword's), or the old keyword's
    from ``given`` (the ``**renamed`` catch-all) with a :class:`DeprecationWarning`. scikit-learn's
    ``get_params`` ignores ``**renamed``, so only the new name is a parameter."""
    unknown = sorted(set(given) - {old})
    if unknown:
        raise TypeError(f"{owner}() got unexpected keyword arguments {unknown}")
    if old not in given:
        return value
    warn_moved(f"the keyword {old!r} of {owner}()", repr(new))
    return given[old]


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
