"""One figure style for the whole book: colours and markers per model and router family.

Every chapter calls :func:`~routerbench_utils.use_book_style` once; plotting helpers take an ``ax`` and return it, so a
reader can compose them. Axis labels are lowercase with units.

Figures are drawn for every screen: the default figure is 4.6 inches wide with no text under
:data:`MIN_FONT_PT`, so that shown across a phone's column it still reads at 8 pt; panels stack one above
the other (:func:`panel_grid`); costs go on a log axis when they span orders of magnitude
(:func:`format_cost_axis`); lines carry their names at their ends (:func:`label_lines`) instead of a
legend. The cost-quality plane and the comparison of routers also come as interactive figures
(:func:`interactive_cost_quality`, :func:`interactive_comparison`; Plotly, loaded on first use) that
work offline in a static HTML page.
"""
from __future__ import annotations

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .catalog import MODELS, short_name

COST_LABEL = "cost per query (USD)"
#: The smallest text the book's figures draw, in points: a figure of the default width (4.6 in) shown
#: across a 400 CSS px phone's column (about 350 px) still shows it at 8 pt (10.5 pt x 350 / (4.6 x 96) = 8.3).
MIN_FONT_PT = 10.5
#: The default figure size in inches (width, height).
FIGSIZE = (4.6, 3.1)
#: Costs spanning more than this many decades are drawn on a log axis by ``log_cost="auto"``.
LOG_DECADES = 1.0
QUALITY_LABEL = "quality (mean score)"
#: Space between stacked panels (:func:`panel_grid`), in points: two font sizes.
ROW_GAP_PT = 2 * MIN_FONT_PT

_palette = sns.color_palette("tab20", 20)
#: A fixed colour per model, the same in every chapter.
MODEL_COLORS = {m: _palette[2 * k % 20 + (k >= 10)] for k, m in enumerate(MODELS)}
#: A fixed marker per model.
MODEL_MARKERS = dict(zip(MODELS, "o s D ^ v < > p h X P".split()))
#: A fixed colour per router family.
ROUTER_COLORS = {
    "Zero": "#444444", "Oracle": "#d62728", "KNN": "#1f77b4", "MLP": "#2ca02c", "SVM": "#9467bd",
    "Cascade": "#ff7f0e", "Matrix factorisation": "#8c564b", "Task label": "#e377c2", "Custom": "#17becf",
    "Classifier": "#6a3d9a",  # the two-model classifier: a darker purple than the SVM's
}


def use_book_style() -> None:
    """Set the book's seaborn/matplotlib style (white grid, readable sizes, tight layout).

    Seaborn's ``whitegrid`` theme, figures of 4.6 x 3.1 inches with automatic layout, every text at
    least :data:`MIN_FONT_PT` (10.5 pt: 8 pt when the figure is shown across a 400 CSS px phone),
    legends without a frame. Changes matplotlib's global ``rcParams``: call it once at the top of a
    chapter.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Returns
    -------
    None
    """
    sns.set_theme(context="notebook", style="whitegrid")
    mpl.rcParams.update({
        # 4.6 in wide: on a phone's ~350 px column the smallest text (MIN_FONT_PT) still shows at 8 pt,
        # and on a desktop the figure is about as wide as the text column at 150 dpi.
        "figure.figsize": FIGSIZE, "figure.dpi": 100, "savefig.dpi": 150,
        "figure.autolayout": True, "legend.frameon": False,
        "font.size": MIN_FONT_PT, "axes.labelsize": MIN_FONT_PT + 0.5, "axes.titlesize": MIN_FONT_PT + 0.5,
        "xtick.labelsize": MIN_FONT_PT, "ytick.labelsize": MIN_FONT_PT, "legend.fontsize": MIN_FONT_PT,
        "legend.title_fontsize": MIN_FONT_PT, "figure.titlesize": MIN_FONT_PT + 1,
    })


def model_scatter(points: pd.DataFrame, ax: plt.Axes | None = None, log_cost: bool | str = True,
                  labels: bool = True) -> plt.Axes:
    """Scatter one point per model (columns ``model``, ``cost``, ``quality``) in the book's colours.

    Each model gets its fixed colour and marker (:data:`routerbench_utils.plots.MODEL_COLORS`,
    :data:`routerbench_utils.plots.MODEL_MARKERS`; grey circles for a model of your own) and its short
    name as the legend label.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    points : DataFrame
        One row per model, e.g. :func:`routerbench_utils.model_points` of one dataset.
    ax : matplotlib Axes, optional
        Where to draw; default the current axes.
    log_cost : bool or "auto", default True
        Log scale for the cost axis (costs span orders of magnitude); "auto": when they span more than
        :data:`LOG_DECADES` decades (:func:`spans_decades`).
    labels : bool, default True
        Write each model's short name beside its point (:func:`routerbench_utils.plots.label_points`).

    Returns
    -------
    matplotlib Axes
        ``ax``, with the cost axis formatted and the quality axis labelled.

    Raises
    ------
    RouterBenchDataError
        If ``points`` is not a DataFrame with ``model``, ``cost`` and ``quality`` columns (None included),
        or ``ax`` is not a matplotlib Axes.
    """
    _require_columns(points, ("model", "cost", "quality"), "points", "model_scatter")
    ax = plt.gca() if ax is None else ax
    _require_axes(ax, "model_scatter")
    if log_cost == "auto":
        log_cost = spans_decades(points["cost"])
    for row in points.itertuples(index=False):  # one point per model: at most a few dozen rows
        ax.scatter(row.cost, row.quality, color=MODEL_COLORS.get(row.model, "grey"),
                   marker=MODEL_MARKERS.get(row.model, "o"), s=45, zorder=3, edgecolor="white",
                   linewidth=0.5, label=short_name(row.model))
    if labels:
        label_points(ax, points["cost"].to_numpy(), points["quality"].to_numpy(),
                     [short_name(m) for m in points["model"]], log_x=log_cost)
    format_cost_axis(ax, log_cost)
    ax.set_ylabel(QUALITY_LABEL)
    return ax


#: The least distance between a lone decade's label and the extra label beside it (points): about the
#: width of "5 x 10^-3" at the book's font size, so the two never run into each other.
EXTRA_LABEL_GAP_PT = 44.0


def format_cost_axis(ax: plt.Axes, log_cost: bool | str = True) -> plt.Axes:
    """Label the cost axis; on a log axis show only decades, on a linear one at most four ticks.

    A log axis whose view holds one decade tick (e.g. USD 0.0002 to 0.006) also labels one tick on
    its wider side, the farthest from it of 2, 3 and 5 x 10^k in view; one that holds none labels
    those at 2 and 5 x 10^k, so a view spanning a factor of 2.5 or more shows at least two labels,
    apart. The extra label is left out where the axes are too narrow for it to stand at least
    ``EXTRA_LABEL_GAP_PT`` (44 pt) from the decade's. Call it after drawing.

    The label is "cost per query (USD)", as on every cost-quality figure of the book. With
    ``log_cost="auto"`` the axis is logarithmic when the x values drawn so far span more than
    :data:`LOG_DECADES` decades, ``log10(max / min) > 1`` (eleven models from USD 0.0001 to 0.006 per
    query would otherwise crowd nine points into the left twentieth of a linear axis).

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    ax : matplotlib Axes
        The axes whose x axis is cost.
    log_cost : bool or "auto", default True
        Set a log scale (labels only at decades) instead of a linear one; "auto" decides from the data.

    Returns
    -------
    matplotlib Axes
        ``ax``.

    Raises
    ------
    RouterBenchDataError
        If ``ax`` is not a matplotlib Axes (None included).
    """
    _require_axes(ax, "format_cost_axis")
    if log_cost == "auto":
        log_cost = spans_decades(_drawn_x(ax))
    if log_cost:
        ax.set_xscale("log")
        lo, hi = ax.get_xlim()
        decade = 10.0 ** np.ceil(np.log10(lo))  # the lowest decade tick in view, if any
        # on the decade's wider side, the tick farthest from it that is in view
        side = (0.2, 0.3, 0.5) if decade / lo >= hi / decade else (5, 3, 2)
        extra = next((f * decade for f in side if lo <= f * decade <= hi), None)

        def fits(x: float) -> bool:
            """Whether the extra label stands far enough from the decade's on the axes as drawn (asked
            at drawing time, after any layout has set the axes' width)."""
            left, right = ax.get_xlim()
            width_pt = ax.get_window_extent().width * 72.0 / ax.figure.dpi
            return width_pt * abs(np.log10(x / decade)) / np.log10(right / left) >= EXTRA_LABEL_GAP_PT
        if 10 * decade <= hi:  # two decades or more are labelled
            ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        elif decade <= hi and extra is not None:  # one: one more label, as far from it as fits
            ax.xaxis.set_minor_formatter(mpl.ticker.FuncFormatter(
                lambda x, pos=None: _mantissa_label(x, (2, 3, 5)) if np.isclose(x, extra) and fits(x)
                else ""))
        else:  # a narrower view: label 2 and 5 x 10^k
            ax.xaxis.set_minor_formatter(mpl.ticker.FuncFormatter(
                lambda x, pos=None: _mantissa_label(x, (2, 5))))
    else:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(4))
    ax.set_xlabel(COST_LABEL)
    return ax


def _mantissa_label(x: float, keep: tuple[int, ...]) -> str:
    """A log axis' minor tick label, "m x 10^k" for a mantissa m in ``keep``, else nothing."""
    if not np.isfinite(x) or x <= 0:
        return ""
    power = int(np.floor(np.log10(x) + 1e-9))
    mantissa = round(x / 10.0 ** power)
    return rf"$\mathdefault{{{mantissa}\times10^{{{power}}}}}$" if mantissa in keep else ""


def spans_decades(costs, decades: float = LOG_DECADES) -> bool:
    """Whether positive costs span more than ``decades`` orders of magnitude: ``log10(max / min) > decades``.

    The test behind ``log_cost="auto"`` (:func:`format_cost_axis`); zero and negative costs are ignored.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    costs : array_like
        Costs per query.
    decades : float, default LOG_DECADES (1.0)
        The span above which a log axis reads better.

    Returns
    -------
    bool
        False when fewer than two positive costs are given.

    Examples
    --------
    >>> spans_decades([0.0001, 0.006]), spans_decades([0.001, 0.004])
    (True, False)
    """
    positive = np.asarray(costs, dtype=float)
    positive = positive[np.isfinite(positive) & (positive > 0)]
    return positive.size >= 2 and float(np.log10(positive.max() / positive.min())) > decades


def _drawn_x(ax: plt.Axes) -> np.ndarray:
    """The x values of the points and lines drawn on ``ax``."""
    parts = [np.asarray(line.get_xdata(), dtype=float) for line in ax.get_lines()]
    parts += [np.asarray(c.get_offsets())[:, 0] for c in ax.collections if len(c.get_offsets())]
    return np.concatenate(parts) if parts else np.array([])


def label_lines(ax: plt.Axes, fontsize: float = MIN_FONT_PT, min_gap: float | None = None) -> None:
    """Write each labelled line's name right of the axes at the height of its right end, in its colour,
    and drop the legend.

    Direct labels read faster than a legend and need no room beside a small figure; in a column right
    of the axes, a label never sits on another line that runs further right. Labels are nudged
    apart vertically so that none is closer than ``min_gap`` (a fraction of the axis' height) to the
    next: pushed up from the lowest, then, where the top one would leave the axes, pushed down from the
    top, so no label sits above the top of the y axis unless the labels need more than its height. Lines
    whose label starts with an underscore (matplotlib's "no label") are skipped.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    ax : matplotlib Axes
        Axes with labelled lines (``ax.plot(..., label=...)``).
    fontsize : float, default MIN_FONT_PT
        Font size of the labels.
    min_gap : float, optional
        Smallest vertical distance between two labels' centres, as a fraction of the y axis' span. By
        default 1.4 lines of ``fontsize`` at the axes' drawn height (``1.4 * fontsize / height_pt``), so
        two labels never touch whatever the panel's size.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        If ``ax`` is not a matplotlib Axes (None included).
    """
    _require_axes(ax, "label_lines")
    lines = [line for line in ax.get_lines()
             if not line.get_label().startswith("_") and len(line.get_xdata())]
    if not lines:
        return
    low, high = ax.get_ylim()
    if min_gap is None:  # 1.4 lines of text at the axes' height on the figure
        height_pt = ax.get_position().height * ax.figure.get_figheight() * 72
        min_gap = 1.4 * fontsize / max(height_pt, 1.0)
    gap = min_gap * (high - low)
    ends = sorted(((float(np.asarray(line.get_ydata(), dtype=float)[-1]), line) for line in lines),
                  key=lambda pair: pair[0])
    placed = [y for y, _ in ends]
    for k in range(1, len(placed)):  # bottom up: at its line's end or just above the label below
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed[-1] > high:  # top down: the top label inside the axes, the others below it
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    for y, (_, line) in zip(placed, ends):  # in a column right of the axes, clear of every line
        ax.annotate(line.get_label(), (1.0, y), xycoords=ax.get_yaxis_transform(), xytext=(4, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=fontsize,
                    color=line.get_color(), annotation_clip=False)
    if ax.get_legend() is not None:
        ax.get_legend().remove()


def label_points(ax: plt.Axes, x: np.ndarray, y: np.ndarray, texts: list[str], log_x: bool = True,
                 fontsize: float = MIN_FONT_PT) -> None:
    """Label points, nudging labels vertically so that neighbours do not overlap.

    Labels are placed right of their point and greedily pushed up until no two labels whose x
    positions are close share a row (a simple, deterministic stand-in for adjustText); a moved label
    gets a thin line to its point.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    ax : matplotlib Axes
        Where to write.
    x, y : array_like
        The points' coordinates (on a log x axis, costs > 0).
    texts : list of str
        One label per point.
    log_x : bool, default True
        Whether the x axis is logarithmic (closeness is then judged in decades).
    fontsize : float, default MIN_FONT_PT
        Font size of the labels.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        If ``ax`` is not a matplotlib Axes, or ``x``, ``y`` and ``texts`` are missing or differ in length.
    """
    _require_axes(ax, "label_points")
    if x is None or y is None or texts is None or not len(x) == len(y) == len(texts):
        from .errors import RouterBenchDataError

        sizes = [None if v is None else len(v) for v in (x, y, texts)]
        raise RouterBenchDataError(f"label_points: arguments 'x', 'y' and 'texts' expected one value per point "
                                   f"(the same length), got lengths {sizes}")
    if len(texts) == 0:
        return
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xs = np.log10(x) if log_x else x
    span_x = max(np.ptp(xs), 1e-12)
    span_y = max(np.ptp(y), 1e-3)
    min_gap = 0.045 * span_y
    placed: list[tuple[float, float]] = []
    for k in np.argsort(y):
        ly = y[k]
        for _ in range(50):
            clash = [py for px, py in placed if abs(px - xs[k]) < 0.22 * span_x and abs(py - ly) < min_gap]
            if not clash:
                break
            ly = max(clash) + min_gap
        placed.append((xs[k], ly))
        text_x = x[k] * 1.12 if log_x else x[k] + 0.01 * span_x
        ax.annotate(texts[k], (x[k], y[k]), xytext=(text_x, ly), textcoords="data", fontsize=fontsize,
                    ha="left", va="center",
                    arrowprops=dict(arrowstyle="-", lw=0.4, color="0.6") if ly != y[k] else None)


def plot_frontier(hull, ax: plt.Axes | None = None, c_max: float | None = None, label: str | None = None,
                  color=None, linestyle: str = "-", vertices: bool = True, lw: float = 1.6) -> plt.Axes:
    """Draw a non-decreasing convex hull (:class:`~routerbench_utils.frontier.NDCH`) as a line.

    The line runs through the vertices and continues flat to ``c_max`` (when given and beyond the last
    vertex): paying more than needed keeps the quality.

    See the chapter :ref:`chap-hull` ("The non-decreasing convex hull and the Zero router").

    Parameters
    ----------
    hull : ~routerbench_utils.frontier.NDCH
        A hull, e.g. :func:`routerbench_utils.ndch` of a router's curve (anything with ``cost`` and
        ``quality`` arrays of its vertices).
    ax : matplotlib Axes, optional
        Where to draw; default the current axes.
    c_max : float, optional
        Extend the line flat to this cost.
    label : str, optional
        Legend label.
    color : matplotlib colour, optional
        Line colour, e.g. ``rbu.plots.ROUTER_COLORS["KNN"]``; default the next colour of the cycle.
    linestyle : str, default "-"
        Line style (the book draws the Zero router dashed).
    vertices : bool, default True
        Mark the vertices with dots.
    lw : float, default 1.6
        Line width.

    Returns
    -------
    matplotlib Axes
        ``ax``.

    Raises
    ------
    RouterBenchDataError
        If ``hull`` has no ``cost`` and ``quality`` vertices (None included; a frame of points is not a
        hull: pass ``rbu.ndch(points["cost"], points["quality"])``), or ``ax`` is not a matplotlib Axes.
    """
    if not (hasattr(hull, "cost") and hasattr(hull, "quality")) or isinstance(hull, pd.DataFrame) \
            or len(hull.cost) == 0 or len(hull.cost) != len(hull.quality):
        from .errors import RouterBenchDataError

        raise RouterBenchDataError(
            f"plot_frontier: argument 'hull' expected a hull with .cost and .quality arrays of its vertices "
            f"(at least one), got {type(hull).__name__}; pass rbu.ndch(cost, quality), e.g. of a router's curve")
    ax = plt.gca() if ax is None else ax
    _require_axes(ax, "plot_frontier")
    x, y = list(hull.cost), list(hull.quality)
    if c_max is not None and c_max > x[-1]:
        x.append(c_max)
        y.append(y[-1])
    line, = ax.plot(x, y, linestyle=linestyle, color=color, lw=lw, label=label, zorder=2)
    if vertices:
        ax.plot(hull.cost, hull.quality, "o", ms=3.5, color=line.get_color(), zorder=2)
    return ax


def cost_quality_plot(points: pd.DataFrame, ax: plt.Axes | None = None, log_cost: bool | str = True,
                      hull: bool = True, labels: bool = True, c_max: float | None = None) -> plt.Axes:
    """The book's cost-quality plot of one dataset: every model as a point, and the Zero router (the
    hull of the models) as a dashed line. ``points`` has columns ``model``, ``cost``, ``quality``.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    points : DataFrame
        One row per model of one dataset, e.g. ``model_points(df)`` restricted to a dataset.
    ax : matplotlib Axes, optional
        Where to draw; default the current axes.
    log_cost : bool or "auto", default True
        Log scale for the cost axis; "auto": when the costs span more than a decade.
    hull : bool, default True
        Draw the Zero router (:func:`routerbench_utils.ndch` of the models' points).
    labels : bool, default True
        Write each model's short name beside its point.
    c_max : float, optional
        Extend the Zero router's line flat to this cost; default the dearest model's cost.

    Returns
    -------
    matplotlib Axes
        ``ax``, for further layers (a router's curve, a legend).

    Raises
    ------
    RouterBenchDataError
        If ``points`` is not a DataFrame with ``model``, ``cost`` and ``quality`` columns (None included);
        with ``hull=True``, if the points are not finite or hold a negative cost.
    """
    from .frontier import ndch

    _require_columns(points, ("model", "cost", "quality"), "points", "cost_quality_plot")
    ax = plt.gca() if ax is None else ax
    model_scatter(points, ax=ax, log_cost=log_cost, labels=labels)
    if hull:
        plot_frontier(ndch(points["cost"], points["quality"]), ax=ax, label="Zero router",
                      color=ROUTER_COLORS["Zero"], linestyle="--", vertices=False,
                      c_max=c_max if c_max is not None else float(points["cost"].max()))
    return ax


def router_legend(ax: plt.Axes, families: list[str], loc: str = "lower right", **kwargs) -> None:
    """A legend with one line per router family in the book's colours (Zero dashed), and nothing else.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    ax : matplotlib Axes
        The axes to put the legend on (replacing any legend it has).
    families : list of str
        Router families, keys of :data:`routerbench_utils.plots.ROUTER_COLORS` (another name gets a dark
        grey line); ``"Zero"`` is labelled "Zero router".
    loc : str, default "lower right"
        Legend position.
    **kwargs
        Passed to matplotlib's ``ax.legend``.

    Returns
    -------
    None

    Raises
    ------
    RouterBenchDataError
        If ``ax`` is not a matplotlib Axes, or ``families`` is not a list of names (a single string
        would give one legend line per letter).
    """
    from matplotlib.lines import Line2D

    _require_axes(ax, "router_legend")
    if isinstance(families, str) or families is None or not all(isinstance(f, str) for f in families):
        from .errors import RouterBenchDataError

        raise RouterBenchDataError(f"router_legend: argument 'families' expected a list of router families such "
                                   f"as ['Zero', 'KNN'], got {families!r}")
    handles = [Line2D([], [], color=ROUTER_COLORS.get(f, "0.3"), ls="--" if f == "Zero" else "-",
                      label="Zero router" if f == "Zero" else f) for f in families]
    ax.legend(handles=handles, loc=loc, **kwargs)


def panel_grid(n: int, ncols: int = 1, panel_size: tuple[float, float] = (FIGSIZE[0], 3.0),
               row_gap: float = ROW_GAP_PT, **kwargs) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` panels (one per dataset present, say) in rows of ``ncols``; by default stacked.

    Returns ``(fig, axes)`` with exactly ``n`` axes in a flat list; unused grid cells are removed, so
    the figure fits what the data hold (one dataset gives one panel). A figure is one picture, which a
    phone shrinks to its ~350 px column as a whole: panels side by side shrink their text below 8 pt
    there (two 4.6-inch panels show 10.5 pt text at 4 pt), panels stacked in one column of the default
    width keep it legible on every screen. ``ncols=2`` suits a figure meant for print only.

    Rows are set ``row_gap`` points apart (between the lowest text of one row and the highest of the
    next, as the figure's tight or constrained layout measures them): with matplotlib's default of one
    font size, a tick label at the edge of a shared axis, which the layout's first pass can miss, left
    the labels of adjacent panels about 1 pt apart at the join.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    n : int
        Number of panels, at least 1 (e.g. ``len(rbu.datasets_present(df))``).
    ncols : int, default 1
        Panels per row (fewer when ``n`` is smaller).
    panel_size : (float, float), default (4.6, 3.0)
        Width and height of one panel in inches.
    row_gap : float, default ROW_GAP_PT (21.0)
        Space between rows of panels in points, under the book's tight layout (``use_book_style``) or
        ``layout="constrained"``; without a layout engine matplotlib's spacing is kept.
    **kwargs
        Passed to ``matplotlib.pyplot.subplots`` (e.g. ``sharey=True``).

    Returns
    -------
    fig : matplotlib Figure
    axes : list of matplotlib Axes
        Exactly ``n``, row by row.

    Raises
    ------
    RouterBenchDataError
        If ``n < 1``.
    """
    if n < 1:
        from .errors import RouterBenchDataError

        raise RouterBenchDataError(f"panel_grid: expected at least one panel, got n={n}")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             squeeze=False, **kwargs)
    engine = fig.get_layout_engine()
    if isinstance(engine, mpl.layout_engine.TightLayoutEngine):
        engine.set(h_pad=row_gap / mpl.rcParams["font.size"])  # in font sizes
    elif isinstance(engine, mpl.layout_engine.ConstrainedLayoutEngine):
        engine.set(h_pad=row_gap / 2 / 72)  # inches, above and below each panel
    axes = list(grid.flat)
    for ax in axes[n:]:
        fig.delaxes(ax)
    return fig, axes[:n]


#: An interval cell as :func:`routerbench_utils.evaluation.interval_table` prints it: "0.768 [0.758, 0.777]".
_INTERVAL_CELL = re.compile(r"^\s*([+\-\u2212]?\d+(?:\.\d+)?)\s*\[\s*([+\-\u2212]?\d+(?:\.\d+)?)\s*,"
                            r"\s*([+\-\u2212]?\d+(?:\.\d+)?)\s*\]\s*$")


def _tidy_intervals(table: pd.DataFrame, value: str, low: str, high: str) -> pd.DataFrame:
    """``table`` as long rows ``dataset, router, value, low, high``: a tidy table as it is, the wide
    table of ``interval_table`` (routers x datasets, "est [low, high]" cells) parsed."""
    from .errors import RouterBenchDataError

    needed = ("dataset", "router", value, low, high)
    if "router" in table.columns or "dataset" in table.columns:
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise RouterBenchDataError(
                f"forest: argument 'table' lacks the column(s) {missing}; expected columns {list(needed)} "
                f"(found {list(table.columns)}). Pass the 'aiq' table of rbu.compare_routers(...) with "
                f"value, low and high naming its estimate and interval columns (e.g. 'vs_zero', "
                f"'vs_zero_low', 'vs_zero_high'), or the wide table of rbu.evaluation.interval_table.")
        return table.loc[:, list(needed)].rename(columns={value: "est", low: "lo", high: "hi"})
    rows, bad = [], []
    for router, cells in table.iterrows():
        for dataset, cell in cells.items():
            if not isinstance(cell, str):
                if pd.isna(cell):
                    continue
                bad.append((router, dataset, cell))
                continue
            match = _INTERVAL_CELL.match(cell)
            if match is None:
                if cell.strip() not in {"\u2014", "-", ""}:
                    bad.append((router, dataset, cell))
                continue
            est, lo, hi = (float(v.replace("\u2212", "-")) for v in match.groups())
            rows.append({"dataset": dataset, "router": router, "est": est, "lo": lo, "hi": hi})
    if bad or not rows:
        raise RouterBenchDataError(
            f"forest: argument 'table' has neither the columns {list(needed)} of a tidy table (found "
            f"{list(table.columns)}) nor the 'est [low, high]' cells of rbu.evaluation.interval_table "
            f"({len(bad)} other cells, e.g. {bad[:2]}). Pass rbu.compare_routers(...)['aiq'] or "
            f"rbu.evaluation.interval_table(...) of it.")
    return pd.DataFrame(rows)


def forest(table: pd.DataFrame, value: str = "aiq", low: str = "low", high: str = "high", *,
           reference: float | str | None = None, reference_label: str = "Zero router",
           upper: list[str] | None = None, labels: dict[str, str] | None = None,
           xlabel: str | None = None, row_height: float = 0.27) -> tuple[plt.Figure, list[plt.Axes]]:
    """A forest plot of routers per dataset: one row per router, its estimate as a point and its
    interval as a bar, one panel per dataset stacked (one picture that stays legible on a phone).

    It shows what a table of intervals such as ``0.768 [0.758, 0.777]`` says, at a glance: which
    intervals lie clear of the reference line (the Zero router) and which straddle it. A router
    beats the reference beyond the noise where its paired difference's interval (``vs_zero``) lies
    right of 0. Routers that
    read the answer key (upper bounds: the Oracle, the cascades with a simulated judge) sit at the
    bottom of each panel on a grey band labelled "upper bounds", with hollow points and their names in
    italics, so they are not read as routers that decide from the prompt alone.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    table : DataFrame
        Either tidy rows with columns ``dataset``, ``router`` and the three named by ``value``, ``low``,
        ``high`` (e.g. ``rbu.compare_routers(...)["aiq"]``), or the wide table of
        :func:`routerbench_utils.evaluation.interval_table` (routers x datasets, ``"est [low, high]"``
        cells; a dash or NaN cell draws no bar).
    value, low, high : str
        The estimate's and its interval's columns of a tidy table: ``"aiq", "low", "high"`` (default),
        or e.g. ``"vs_zero", "vs_zero_low", "vs_zero_high"`` for the paired difference to the Zero
        router.
    reference : float or str, optional
        The baseline: the top row of every panel (a diamond) and a dashed vertical line through the
        panel, at this value (e.g. 0 for differences to the Zero router), or, given a router's name
        (e.g. ``"Zero (test hull)"``), at that router's estimate on each dataset with its interval as
        a bar and a shaded band.
    reference_label : str, default "Zero router"
        The name of the reference's row.
    upper : list of str, optional
        The routers that are upper bounds; by default those whose name contains "upper bound". Their
        labels lose the words "(upper bound)", which the band says.
    labels : dict, optional
        Display names of routers (others keep their name).
    xlabel : str, optional
        The x axis' label (default: ``value``).
    row_height : float, default 0.27
        Height of one router's row, in inches; a panel adds 1 inch for its title and x axis.

    Returns
    -------
    fig : matplotlib Figure
        4.6 inches wide (:data:`FIGSIZE`), every text at least :data:`MIN_FONT_PT`.
    axes : list of matplotlib Axes
        One per dataset, in the order the datasets first appear, its x axis spanning every estimate,
        interval end and the reference with 6% of that span to spare on each side; each row's bar is an
        ``ErrorbarContainer`` labelled with the router's name (the reference's with ``reference_label``).

    Raises
    ------
    RouterBenchDataError
        If ``table`` lacks a column of a tidy table (naming it) and is not a wide interval table either,
        or names a ``reference`` router it does not hold.

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": ["mbpp"] * 3, "router": ["KNN k=40", "Oracle (upper bound)",
    ...                      "Zero (test hull)"], "aiq": [0.65, 0.89, 0.69],
    ...                      "low": [0.58, 0.83, 0.64], "high": [0.74, 0.94, 0.76]})
    >>> fig, axes = forest(rows, reference="Zero (test hull)", xlabel="AIQ")
    >>> [t.get_text() for t in axes[0].get_yticklabels()]
    ['Zero router', 'KNN k=40', 'Oracle']
    """
    from .errors import RouterBenchDataError

    tidy = _tidy_intervals(table, value, low, high)
    labels = labels or {}
    routers = [str(r) for r in pd.unique(tidy["router"])]
    if isinstance(reference, str):
        if reference not in routers:
            raise RouterBenchDataError(
                f"forest: reference={reference!r} is not a router of 'table' (routers: {routers}); pass one "
                f"of them, a number (e.g. 0 for differences), or None.")
        routers.remove(reference)
    if upper is None:
        upper = [r for r in routers if "upper bound" in r.lower()]
    bounds = [r for r in routers if r in upper]
    rows = [r for r in routers if r not in upper] + bounds  # upper bounds at the bottom
    datasets = list(pd.unique(tidy["dataset"]))
    top = 1 if reference is not None else 0  # the reference's own row, above the routers
    n_rows = top + len(rows)
    fig, axes = panel_grid(len(datasets), panel_size=(FIGSIZE[0], n_rows * row_height + 1.0),
                           layout="constrained")
    font = max(MIN_FONT_PT, float(mpl.rcParams["font.size"]))
    zero = ROUTER_COLORS["Zero"]
    for ax, name in zip(axes, datasets):
        here = tidy[tidy["dataset"] == name].set_index("router")
        if bounds:
            ax.axhspan(n_rows - len(bounds) - 0.5, n_rows - 0.5, color="0.93", zorder=0, lw=0)
            ax.text(1.01, (len(bounds) / 2) / n_rows, "upper bounds", rotation=-90, transform=ax.transAxes,
                    va="center", ha="left", fontsize=font, color="0.35")
        if isinstance(reference, str) and (reference not in here.index or pd.isna(here.loc[reference, "est"])):
            pass  # the reference router has no estimate on this dataset: its row stays empty
        elif reference is not None:
            if isinstance(reference, str):  # the reference router: its interval shaded, its row on top
                est, lo, hi = (float(here.loc[reference, c]) for c in ("est", "lo", "hi"))
                ax.axvspan(lo, hi, color=zero, alpha=0.12, lw=0, zorder=0)
            else:
                est = lo = hi = float(reference)
            ax.axvline(est, color=zero, ls="--", lw=1.2, zorder=1)
            ax.errorbar([est], [0], xerr=[[est - lo], [hi - est]], fmt="D", ms=5.5, color=zero, lw=2,
                        capsize=0, zorder=3, label=reference_label)
        for k, router in enumerate(rows, start=top):
            if router not in here.index or pd.isna(here.loc[router, "est"]):
                continue
            est, lo, hi = (float(here.loc[router, c]) for c in ("est", "lo", "hi"))
            color = ROUTER_COLORS.get(router.split(" ")[0].rstrip("*"), "0.25")
            bound = router in bounds
            ax.errorbar([est], [k], xerr=[[max(est - lo, 0.0)], [max(hi - est, 0.0)]], fmt="o", ms=5.5,
                        color=color, mfc="white" if bound else color, mew=1.5, lw=2, capsize=0,
                        zorder=3, label=router)
        names = [labels.get(r, r.replace(" (upper bound)", "") if r in bounds else r) for r in rows]
        ax.set_yticks(range(n_rows))
        ax.set_yticklabels(([reference_label] if top else []) + names, fontsize=font)
        for tick in ax.get_yticklabels()[top:][-len(bounds):] if bounds else []:
            tick.set_fontstyle("italic")
        ax.set_ylim(n_rows - 0.5, -0.5)  # the first row on top
        ends = here.loc[here.index.isin(rows + ([reference] if isinstance(reference, str) else [])),
                        ["est", "lo", "hi"]].to_numpy(dtype=float).ravel()
        if reference is not None and not isinstance(reference, str):
            ends = np.append(ends, float(reference))
        ends = ends[np.isfinite(ends)]
        if ends.size:  # every interval inside the frame, with 6% of the span to spare on each side
            pad = 0.06 * max(float(ends.max() - ends.min()), 1e-9)
            ax.set_xlim(float(ends.min()) - pad, float(ends.max()) + pad)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="x", labelsize=font)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))  # apart
        ax.set_xlabel(xlabel or value, fontsize=font)
        ax.set_title(_dataset_title(str(name)), loc="left", fontweight="bold", fontsize=font)
    return fig, axes


# Interactive figures --------------------------------------------------------------------------------------
#: Plotly's display options for the book's interactive figures: fit the column, no logo, no editing.
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False, "scrollZoom": False,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def _hex(color) -> str:
    return mpl.colors.to_hex(color)


class InteractiveFigure:
    """A Plotly figure that shows itself in a notebook and on a static HTML page, without the network.

    In JupyterLab it renders through Plotly's own extension (its JSON); on the book's pages as a
    ``<div class="rbu-interactive">`` whose script calls Plotly once the page is parsed, from the page's
    own files (the book's build copies ``plotly.min.js`` from the installed ``plotly`` package and loads
    it deferred, so the page's text and math do not wait for its 4.8 MB). The ``div``'s id
    comes from the figure's content, so two builds give identical pages.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        The figure.
    description : str
        What the figure shows, for a screen reader (the ``div``'s ``aria-label``).
    """

    def __init__(self, figure, description: str):
        self.figure = figure
        self.description = description

    def to_html(self) -> str:
        """The figure as an HTML fragment that expects ``window.Plotly`` on the page.

        Returns
        -------
        str
            ``<div class="rbu-interactive" role="figure" aria-label=...>`` with Plotly's ``div`` and script.
        """
        import hashlib
        import html

        spec = self.figure.to_json()
        div_id = "rbu-plot-" + hashlib.sha1(spec.encode()).hexdigest()[:12]
        inner = self.figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                                    config=PLOTLY_CONFIG, default_width="100%",
                                    default_height=f"{self.figure.layout.height or 440}px")
        # Drawn once the page is parsed: the page loads Plotly deferred, so its text and math show first.
        inner = re.sub(r'(<script[^>]*>)(.*?)(</script>)',
                       lambda m: f'{m.group(1)}window.addEventListener("DOMContentLoaded", function () {{'
                                 f'{m.group(2)}}});{m.group(3)}', inner, count=1, flags=re.S)
        return (f'<div class="rbu-interactive" role="figure" aria-label="{html.escape(self.description)}">'
                f"{inner}</div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"application/vnd.plotly.v1+json": self.figure.to_plotly_json(), "text/html": self.to_html()}


def _dataset_title(name: str) -> str:
    from .catalog import DATASET_TITLES

    return DATASET_TITLES.get(name, name)


def _plane_figure(datasets: list[str], traces: list[tuple[str, object]], log_cost: bool):
    """One Plotly figure holding every dataset's traces, with a menu that shows one dataset at a time."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, trace in traces:
        trace.visible = name == datasets[0]
        figure.add_trace(trace)
    buttons = [dict(label=_dataset_title(name), method="update",
                    args=[{"visible": [owner == name for owner, _ in traces]},
                          {"xaxis.autorange": True, "yaxis.autorange": True}]) for name in datasets]
    menus = [dict(buttons=buttons, direction="down", x=0, xanchor="left", y=1.02, yanchor="bottom",
                  showactive=True, pad={"r": 4, "t": 0})] if len(datasets) > 1 else []
    figure.update_layout(
        template="simple_white", height=480, margin=dict(l=56, r=12, t=48, b=56),
        font=dict(size=13),  # CSS px: 9.75 pt, legible on a phone at the figure's full width
        hovermode="closest", updatemenus=menus,
        # below the cost axis' title, which drops lower on a phone's narrow plot
        legend=dict(orientation="h", x=0, y=-0.3, yanchor="top", itemclick="toggle",
                    itemdoubleclick="toggleothers", font=dict(size=12)),
        # decades as powers of ten (Plotly's default "100µ" reads as micro-dollars)
        xaxis=dict(title=COST_LABEL, type="log" if log_cost else "linear", showgrid=True, gridcolor="#eee",
                   **({"dtick": 1, "exponentformat": "power"} if log_cost else {})),
        yaxis=dict(title=QUALITY_LABEL, showgrid=True, gridcolor="#eee"))
    return figure


def _model_traces(points: pd.DataFrame, name: str, hull: bool) -> list:
    import plotly.graph_objects as go

    from .frontier import ndch

    part = points[points["dataset"] == name] if "dataset" in points else points
    traces = [go.Scatter(
        x=part["cost"], y=part["quality"], mode="markers", name="models", showlegend=False,
        marker=dict(size=10, color=[_hex(MODEL_COLORS.get(m, "grey")) for m in part["model"]],
                    symbol=[_PLOTLY_SYMBOLS.get(MODEL_MARKERS.get(m, "o"), "circle") for m in part["model"]],
                    line=dict(width=0.5, color="white")),
        text=[short_name(m) for m in part["model"]],
        hovertemplate="<b>%{text}</b><br>cost %{x:.3~g} USD per query<br>quality %{y:.3f}<extra></extra>")]
    if hull and len(part):
        frontier = ndch(part["cost"], part["quality"])
        traces.append(go.Scatter(x=list(frontier.cost), y=list(frontier.quality), mode="lines",
                                 name="Zero router", line=dict(color=ROUTER_COLORS["Zero"], dash="dash", width=1.5),
                                 hovertemplate="Zero router<br>cost %{x:.3~g} USD<br>quality %{y:.3f}<extra></extra>"))
    return traces


_PLOTLY_SYMBOLS = {"o": "circle", "s": "square", "D": "diamond", "^": "triangle-up", "v": "triangle-down",
                   "<": "triangle-left", ">": "triangle-right", "p": "pentagon", "h": "hexagon", "X": "x",
                   "P": "cross"}


def _require_axes(ax, function: str) -> None:
    """Refuse ``ax`` unless it is a matplotlib Axes, naming the argument and what to pass."""
    if not isinstance(ax, mpl.axes.Axes):
        from .errors import RouterBenchDataError

        raise RouterBenchDataError(f"{function}: argument 'ax' expected a matplotlib Axes, got {type(ax).__name__}; "
                                   "pass the axes to draw on, e.g. fig, ax = plt.subplots()")


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], argument: str, function: str) -> None:
    """Refuse ``frame`` (the argument ``argument`` of ``function``) unless it is a DataFrame with every one of
    ``columns``: the error names the argument, what it got or lacks, and what to pass."""
    from .errors import RouterBenchDataError

    if not isinstance(frame, pd.DataFrame):
        why = " (nothing was passed, or a computation upstream returned None)" if frame is None else ""
        raise RouterBenchDataError(
            f"{function}: argument {argument!r} expected a DataFrame with columns {list(columns)}, got "
            f"{type(frame).__name__}{why}. Pass rbu.model_points(test) for the models, or the 'curves' of "
            "rbu.compare_routers(...) for routers.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RouterBenchDataError(
            f"{function}: argument {argument!r} lacks the column(s) {missing}; expected columns {list(columns)} "
            f"(found {list(frame.columns)}). Pass rbu.model_points(test) for the models, or the 'curves' of "
            f"rbu.compare_routers(...) for routers.")


def interactive_cost_quality(points: pd.DataFrame, hull: bool = True, log_cost: bool | str = "auto"
                             ) -> InteractiveFigure:
    """The cost-quality plane as an interactive figure: one dataset at a time, chosen from a menu.

    Every model is a point in its book colour and marker; hovering names it with its cost and quality.
    The Zero router (the non-decreasing convex hull of the models, :func:`routerbench_utils.ndch`) is
    the dashed line; a click on a legend entry hides or shows it. Works offline inside a static HTML
    page (see :class:`InteractiveFigure`); the static :func:`cost_quality_plot` stays the printed figure.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    points : DataFrame
        Columns ``model``, ``cost``, ``quality`` and, for the dataset menu, ``dataset``: e.g.
        :func:`routerbench_utils.model_points` of the test split.
    hull : bool, default True
        Draw the Zero router of each dataset.
    log_cost : bool or "auto", default "auto"
        Log scale for the cost axis; "auto" when the costs span more than a decade.

    Returns
    -------
    InteractiveFigure
        Its ``figure`` attribute is the Plotly figure.

    Raises
    ------
    RouterBenchDataError
        If ``points`` lacks a column, naming it.
    """
    _require_columns(points, ("model", "cost", "quality"), "points", "interactive_cost_quality")
    datasets = list(pd.unique(points["dataset"])) if "dataset" in points else [""]
    traces = [(name, trace) for name in datasets for trace in _model_traces(points, name, hull)]
    log = spans_decades(points["cost"]) if log_cost == "auto" else bool(log_cost)
    figure = _plane_figure(datasets, traces, log)
    return InteractiveFigure(figure, "Interactive cost-quality plane: each model's mean cost per query and "
                             "quality, one dataset at a time (chosen from the menu), with the Zero router's "
                             "frontier; hovering a point names the model.")


def interactive_comparison(curves: pd.DataFrame, points: pd.DataFrame | None = None, hull: bool = True,
                           log_cost: bool | str = "auto") -> InteractiveFigure:
    """All routers compared on the cost-quality plane, interactively: one dataset at a time from a menu,
    each router's frontier (the non-decreasing convex hull of its sweep) as a line.

    Hovering a line names the router with the cost and quality there; a click on a router in the
    legend hides or shows it, a double click shows it alone. With ``points``, the models are drawn as
    in :func:`interactive_cost_quality` (with their Zero router, dashed, unless a curve is a Zero
    router's). Routers take the colours of :data:`ROUTER_COLORS` by their family (the name's first
    word, without a trailing star that marks an upper bound; other routers a colour-blind
    palette's), the second, third, ... router of a family a dashed, dotted, ... line.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    curves : DataFrame
        Columns ``router``, ``cost``, ``quality`` and, for the dataset menu, ``dataset``: e.g. the
        ``"curves"`` of :func:`routerbench_utils.compare_routers`.
    points : DataFrame, optional
        The models' points (:func:`routerbench_utils.model_points`), drawn beneath the routers.
    hull : bool, default True
        Draw each router's non-decreasing convex hull (:func:`routerbench_utils.ndch`) rather than its
        raw sweep.
    log_cost : bool or "auto", default "auto"
        Log scale for the cost axis; "auto" when the costs span more than a decade.

    Returns
    -------
    InteractiveFigure
        Its ``figure`` attribute is the Plotly figure.

    Raises
    ------
    RouterBenchDataError
        If ``curves`` or ``points`` lacks a column, naming it.
    """
    import plotly.graph_objects as go

    from .frontier import ndch

    _require_columns(curves, ("router", "cost", "quality"), "curves", "interactive_comparison")
    if points is not None:
        _require_columns(points, ("model", "cost", "quality"), "points", "interactive_comparison")
    datasets = list(pd.unique(curves["dataset"])) if "dataset" in curves else [""]
    routers = list(pd.unique(curves["router"]))
    fallback = dict(zip(routers, [_hex(c) for c in sns.color_palette("colorblind", len(routers))]))
    # A family's colour (the name's first word) for each of its routers, told apart by the line's dash.
    families = [str(r).split(" ")[0].rstrip("*") for r in routers]  # "Oracle*": an upper bound
    dash = {r: ("solid", "dash", "dot", "dashdot")[families[:k].count(families[k]) % 4] for k, r in enumerate(routers)}
    zero_in_curves = any(f == "Zero" for f in families)
    traces = []
    for name in datasets:
        if points is not None:  # the models, and their Zero router unless the curves hold one
            traces += [(name, t) for t in _model_traces(points, name, hull=not zero_in_curves)]
        here = curves[curves["dataset"] == name] if "dataset" in curves else curves
        for router, part in here.groupby("router", sort=False):
            line = ndch(part["cost"], part["quality"]) if hull else part.sort_values("cost")
            color = ROUTER_COLORS.get(str(router).split(" ")[0].rstrip("*"), fallback[router])
            traces.append((name, go.Scatter(
                x=list(line.cost if hull else line["cost"]), y=list(line.quality if hull else line["quality"]),
                mode="lines+markers", marker=dict(size=4), name=str(router),
                line=dict(color=color, width=2, dash=dash[router]),
                legendgroup=str(router),
                hovertemplate=f"<b>{router}</b><br>cost %{{x:.3~g}} USD per query<br>quality %{{y:.3f}}<extra></extra>")))
    costs = curves["cost"] if points is None else pd.concat([curves["cost"], points["cost"]])
    log = spans_decades(costs) if log_cost == "auto" else bool(log_cost)
    figure = _plane_figure(datasets, traces, log)
    return InteractiveFigure(figure, "Interactive comparison of routers: each router's cost-quality frontier, "
                             "one dataset at a time (chosen from the menu); a click on a router in the legend "
                             "hides or shows it.")
