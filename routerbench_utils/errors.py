"""The one exception the package raises for bad data."""
from __future__ import annotations

from collections.abc import Iterable


class RouterBenchDataError(ValueError):
    """Bad input: names the column or argument, a few offending rows, and what was expected."""


def first_ids(ids: Iterable[object], limit: int = 5) -> str:
    """Format up to ``limit`` offending ids for an error message, with a count of the rest."""
    ids = list(ids)
    shown = ", ".join(repr(i) for i in ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{shown}{more}"
