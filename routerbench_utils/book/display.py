"""Tables for the page: fixed digits, short model names, a dash for what was not measured.

Chapters end a cell with ``rbu.show_table(frame)`` instead of ``frame.round(3)``: numbers get a fixed
number of digits, model names their short labels, missing values an em dash instead of ``NaN``, and
the default integer index disappears.
"""
from __future__ import annotations

import hashlib

import pandas as pd
from pandas.io.formats.style import Styler

from ..catalog import DATASET_TITLES, MODELS, short_name
from ..evaluation.compare import MISSING



def _label(value: object) -> object:
    if isinstance(value, str):
        if value in MODELS:
            return short_name(value)
        return DATASET_TITLES.get(value, value)
    return value


def show_table(frame: pd.DataFrame | pd.Series, digits: int | dict[str, int] = 3, names: bool = True,
               index: bool | None = None) -> "pd.io.formats.style.Styler":
    """A display-ready table: fixed digits, short model and dataset names, a dash for missing values.

    Chapters end a cell with ``rbu.show_table(frame)`` instead of ``frame.round(3)``. Float columns are
    shown with ``digits`` decimal places and thousands separators (rounded first, so no ``-0.000``),
    NaN as an em dash; other columns as they are. The frame itself is not changed: the result holds a
    relabelled copy. Its HTML ids come from the content, so two builds give identical pages.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    frame : DataFrame or Series
        The table; a Series becomes a one-column table.
    digits : int or dict, default 3
        Decimal places for float columns. A dict maps column names to places (others get 3); with
        ``names=True`` its keys are the columns' display labels (``"GPT-4"``, ``"MBPP"``).
    names : bool, default True
        Replace model and dataset identifiers (in the index, the columns and text cells) by their short
        display labels (:func:`routerbench_utils.short_name`,
        :data:`routerbench_utils.DATASET_TITLES`).
    index : bool, optional
        Show the index; by default shown unless it is a plain ``RangeIndex``.

    Returns
    -------
    PageTable
        A pandas Styler: renders as HTML in a notebook and on the book's pages; ``.data`` is the
        relabelled frame; ``print`` (or a terminal) shows the same table as aligned text.

    Examples
    --------
    >>> print(show_table(pd.DataFrame({"model": ["gpt-4-1106-preview"], "cost": [0.0123456]})))
    model   cost
    GPT-4  0.012
    """
    table = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    if index is None:
        index = not isinstance(table.index, pd.RangeIndex)
    if names:
        table = table.rename(index=_label, columns=_label)
        for column in table.columns:
            if pd.api.types.is_object_dtype(table[column]) or pd.api.types.is_string_dtype(table[column]):
                table[column] = table[column].map(_label)
    formats = {}
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            places = digits.get(column, 3) if isinstance(digits, dict) else digits
            # Rounding first keeps '-0.000' off the page.
            formats[column] = lambda v, p=places: MISSING if pd.isna(v) else f"{(round(v, p) + 0.0):,.{p}f}"
    # A uuid from the content, not a random one: two builds give identical pages.
    uuid = hashlib.sha1(pd.util.hash_pandas_object(table.astype(str), index=True).to_numpy().tobytes()
                        + repr(list(table.columns)).encode()).hexdigest()[:8]
    text = table.copy()
    for column, fmt in formats.items():
        text[column] = table[column].map(fmt)
    styler = PageTable(table, text=text.fillna(MISSING).to_string(index=index))
    styler = styler.format(formats, na_rep=MISSING).set_uuid(f"rbu{uuid}")
    if not index:
        styler = styler.hide(axis="index")
    return styler


class PageTable(Styler):
    """:func:`show_table`'s result: HTML in a notebook (a pandas Styler), the same table as aligned text
    where there is no HTML (``print`` in a script, a terminal's echo), instead of
    ``<pandas.io.formats.style.Styler object>``.

    See the chapter :ref:`chap-dataset` ("The data set").

    Parameters
    ----------
    data : DataFrame
        The relabelled table.
    *args, **kwargs
        Passed to :class:`pandas.io.formats.style.Styler`.
    text : str, optional
        The same table as formatted text (default: the frame's own ``to_string``).
    """

    def __init__(self, data: pd.DataFrame, *args, text: str = "", **kwargs) -> None:
        # pandas copies a Styler through type(self)(data, **options) before rendering it
        super().__init__(data, *args, **kwargs)
        self.text = text or data.to_string()

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__
