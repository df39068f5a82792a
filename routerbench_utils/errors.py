"""The one exception the package raises for bad data."""
from __future__ import annotations

from collections.abc import Iterable


class RouterBenchDataError(ValueError):
    """Bad input: names the column or argument, a few offending rows, and what was expected.

    The one exception the package raises for data or arguments it cannot use (a score of 1.7, a missing
    column, an unknown model, a router called before ``fit``). It subclasses :class:`ValueError`, so
    ``except ValueError`` catches it too. Nothing is silently dropped, clipped or skipped instead.

    When a check finds several problems at once (a file with a bad column and a missing cost), the
    message lists each on its own line, and ``problems`` holds them as
    :class:`routerbench_utils.data.problems.Problem` records (where, what was found, what was expected,
    what to do), so a program can read them too.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    message : str
        The whole message.
    problems : sequence, optional
        The problems it lists (empty for a single plain message).
    """

    def __init__(self, message: str = "", problems: Iterable[object] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def first_ids(ids: Iterable[object], limit: int = 5) -> str:
    """Format up to ``limit`` offending ids for an error message, with a count of the rest.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    ids : iterable
        The offending ids (``sample_id`` values, model names, ...), in the order to show them.
    limit : int, default 5
        How many to show.

    Returns
    -------
    str
        The first ``limit`` ids as their ``repr``, comma-separated, then ``" and N more"`` when there
        are more.

    Examples
    --------
    >>> first_ids(["a", "b", "c"], limit=2)
    "'a', 'b' and 1 more"
    """
    ids = list(ids)
    shown = ", ".join(repr(i) for i in ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{shown}{more}"
