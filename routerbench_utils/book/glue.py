"""Glue for the page: a computed value named so that the prose can print it.

MyST-NB's ``glue`` stores a value in a cell's output under a name, and the page's text refers to it as
``{glue:text}`name```, so no number in the prose is typed by hand. This wrapper keeps the page's hidden
cells short (no ``display=False`` each time) and does nothing outside a notebook kernel, where there is
no page to print on.
"""
from __future__ import annotations

import sys
from typing import Any


def glue(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` for the page's prose (``{glue:text}`name```), without showing it.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    name : str
        The key the prose refers to.
    value : object
        A number or a string; the prose formats it (``{glue:text}`name:.3f```).

    Returns
    -------
    None
        In a notebook kernel the value is stored in the cell's output; elsewhere nothing happens.

    Examples
    --------
    >>> glue("n_models", 11)  # outside a kernel: nothing to store, nothing raised
    """
    if "ipykernel" in sys.modules:
        from myst_nb import glue as myst_glue

        myst_glue(name, value, display=False)
