"""Collect every problem of one input, then raise one error that lists them all.

A check that stopped at the first bad column would make a file with three problems take three runs to
fix. The readers, :func:`~routerbench_utils.data.schema.validate` and the repair instead add each problem
they find to a :class:`Problems` list and raise once, at the end, one
:class:`~routerbench_utils.RouterBenchDataError` whose message has one line per problem, grouped by the
column or argument, each saying what was found (with a few offending rows or values), what was
expected and what to do.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import RouterBenchDataError


@dataclass(frozen=True)
class Problem:
    """One problem of an input: where, what was found, what was expected, what to do.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    where : str
        The column, argument or file, as the message names it (e.g. ``"column 'claude-v2'"``).
    found : str
        What was found, with a few offending rows or values.
    expected : str
        What was expected instead.
    todo : str, optional
        What to do about it.
    """

    where: str
    found: str
    expected: str
    todo: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.found}; expected {self.expected}"
        return f"{text}; {self.todo}" if self.todo else text


class Problems:
    """The problems found in one input (a file, a frame, a log or a call's arguments), raised together.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    source : str
        The input's name, which starts the message (a file name, a function's name); empty for none.

    Examples
    --------
    >>> found = Problems("scores.csv")
    >>> found.add("column 'a'", "2 values are not numbers ('x', 'y')", "a score in [0, 1]")
    >>> found.add("column 'b|cost'", "an unknown column kind", "'b|total_cost'", "rename the column")
    >>> found.raise_if_any()
    Traceback (most recent call last):
    ...
    routerbench_utils.errors.RouterBenchDataError: scores.csv: 2 problems (fix them all, then run again):
      - column 'a': 2 values are not numbers ('x', 'y'); expected a score in [0, 1]
      - column 'b|cost': an unknown column kind; expected 'b|total_cost'; rename the column
    """

    def __init__(self, source: str = "") -> None:
        self.source = str(source)
        self._items: list[Problem] = []

    def add(self, where: str, found: str, expected: str, todo: str = "") -> None:
        """Record one problem (see :class:`Problem`).

        Parameters
        ----------
        where, found, expected, todo : str
            As :class:`Problem` takes them.

        Returns
        -------
        None
        """
        self._items.append(Problem(where, found, expected, todo))

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def message(self) -> str:
        """The error message: one problem alone on one line, several as a list grouped by where.

        Returns
        -------
        str
        """
        prefix = f"{self.source}: " if self.source else ""
        if len(self._items) == 1:
            return f"{prefix}{self._items[0]}"
        # grouped: problems of one column or argument follow each other, in order of first appearance
        order = {w: k for k, w in reversed(list(enumerate(p.where for p in self._items)))}
        items = sorted(self._items, key=lambda p: order[p.where])
        lines = [f"{prefix}{len(items)} problems (fix them all, then run again):"]
        return "\n".join(lines + [f"  - {p}" for p in items])

    def raise_if_any(self) -> None:
        """Raise one :class:`~routerbench_utils.RouterBenchDataError` listing every problem, if any.

        Returns
        -------
        None

        Raises
        ------
        RouterBenchDataError
            With :meth:`message` as text and the problems in its ``problems`` attribute.
        """
        if self._items:
            raise RouterBenchDataError(self.message(), problems=self._items)
