"""One figure style for the whole book: colours and markers per model and router family.

Every chapter calls :func:`~routerbench_utils.use_book_style` once; plotting helpers take an ``ax`` and return it, so a
reader can compose them. Axis labels are lowercase with units.
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .catalog import MODELS, short_name

COST_LABEL = "cost per query (USD)"
QUALITY_LABEL = "quality (mean score)"

_palette = sns.color_palette("tab20", 20)
#: A fixed colour per model, the same in every chapter.
MODEL_COLORS = {m: _palette[2 * k % 20 + (k >= 10)] for k, m in enumerate(MODELS)}
#: A fixed marker per model.
MODEL_MARKERS = dict(zip(MODELS, "o s D ^ v < > p h X P".split()))
#: A fixed colour per router family.
ROUTER_COLORS = {
    "Zero": "#444444", "Oracle": "#d62728", "KNN": "#1f77b4", "MLP": "#2ca02c", "SVM": "#9467bd",
    "Cascade": "#ff7f0e", "Matrix factorisation": "#8c564b", "Task label": "#e377c2", "Custom": "#17becf",
}


def use_book_style() -> None:
    """Set the book's seaborn/matplotlib style (white grid, readable sizes, tight layout).

    Seaborn's ``whitegrid`` theme at notebook size, figures of 7 x 4.2 inches with automatic layout,
    legends without a frame. Changes matplotlib's global ``rcParams``: call it once at the top of a
    chapter.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Returns
    -------
    None
    """
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.2), "figure.dpi": 100, "savefig.dpi": 150,
        "figure.autolayout": True, "axes.titlesize": "medium", "legend.frameon": False,
    })


def model_scatter(points: pd.DataFrame, ax: plt.Axes | None = None, log_cost: bool = True,
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
    log_cost : bool, default True
        Log scale for the cost axis (costs span orders of magnitude).
    labels : bool, default True
        Write each model's short name beside its point (:func:`routerbench_utils.plots.label_points`).

    Returns
    -------
    matplotlib Axes
        ``ax``, with the cost axis formatted and the quality axis labelled.

    Raises
    ------
    AttributeError
        If ``points`` lacks a ``model``, ``cost`` or ``quality`` column.
    """
    ax = plt.gca() if ax is None else ax
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


def format_cost_axis(ax: plt.Axes, log_cost: bool = True) -> plt.Axes:
    """Label the cost axis; on a log axis show only decades, on a linear one at most four ticks.

    The label is "cost per query (USD)", as on every cost-quality figure of the book.

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    ax : matplotlib Axes
        The axes whose x axis is cost.
    log_cost : bool, default True
        Set a log scale (labels only at decades) instead of a linear one.

    Returns
    -------
    matplotlib Axes
        ``ax``.
    """
    if log_cost:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
    else:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(4))
    ax.set_xlabel(COST_LABEL)
    return ax


def label_points(ax: plt.Axes, x: np.ndarray, y: np.ndarray, texts: list[str], log_x: bool = True,
                 fontsize: float = 8.0) -> None:
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
    fontsize : float, default 8.0
        Font size of the labels.

    Returns
    -------
    None
    """
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
    """
    ax = plt.gca() if ax is None else ax
    x, y = list(hull.cost), list(hull.quality)
    if c_max is not None and c_max > x[-1]:
        x.append(c_max)
        y.append(y[-1])
    line, = ax.plot(x, y, linestyle=linestyle, color=color, lw=lw, label=label, zorder=2)
    if vertices:
        ax.plot(hull.cost, hull.quality, "o", ms=3.5, color=line.get_color(), zorder=2)
    return ax


def cost_quality_plot(points: pd.DataFrame, ax: plt.Axes | None = None, log_cost: bool = True,
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
    log_cost : bool, default True
        Log scale for the cost axis.
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
        With ``hull=True``, if the points are not finite or hold a negative cost.
    AttributeError
        If ``points`` lacks a ``model``, ``cost`` or ``quality`` column.
    """
    from .frontier import ndch

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
    """
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=ROUTER_COLORS.get(f, "0.3"), ls="--" if f == "Zero" else "-",
                      label="Zero router" if f == "Zero" else f) for f in families]
    ax.legend(handles=handles, loc=loc, **kwargs)


def panel_grid(n: int, ncols: int = 2, panel_size: tuple[float, float] = (5.5, 3.7), **kwargs
               ) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` panels (one per dataset present, say) in rows of ``ncols``.

    Returns ``(fig, axes)`` with exactly ``n`` axes in a flat list; unused grid cells are removed, so
    the figure fits what the data hold (one dataset gives one panel).

    See the chapter :ref:`chap-plane` ("The cost-quality plane").

    Parameters
    ----------
    n : int
        Number of panels, at least 1 (e.g. ``len(rbu.datasets_present(df))``).
    ncols : int, default 2
        Panels per row (fewer when ``n`` is smaller).
    panel_size : (float, float), default (5.5, 3.7)
        Width and height of one panel in inches.
    **kwargs
        Passed to ``matplotlib.pyplot.subplots`` (e.g. ``sharey=True``).

    Returns
    -------
    fig : matplotlib Figure
    axes : list of matplotlib Axes
        Exactly ``n``, row by row.

    Raises
    ------
    ValueError
        If ``n < 1``.
    """
    if n < 1:
        raise ValueError(f"panel_grid: expected at least one panel, got n={n}")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             squeeze=False, **kwargs)
    axes = list(grid.flat)
    for ax in axes[n:]:
        fig.delaxes(ax)
    return fig, axes[:n]
