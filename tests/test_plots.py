"""The book's figure helpers (routerbench_utils.plots): legible sizes on a phone, log cost axes where
costs span decades, direct labels, stacked panels, and the interactive figures' behaviour and HTML."""
from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import routerbench_utils as rbu  # noqa: E402
from routerbench_utils import plots  # noqa: E402
from routerbench_utils.errors import RouterBenchDataError  # noqa: E402


@pytest.fixture(scope="module")
def points():
    test = rbu.official_split(rbu.load(random_state=1, scale=0.05, verbose=False))[1]
    return rbu.model_points(test)


def test_book_style_draws_no_text_below_the_phone_minimum():
    plots.use_book_style()
    sizes = {key: matplotlib.font_manager.FontProperties(size=matplotlib.rcParams[key]).get_size_in_points()
             for key in ("font.size", "xtick.labelsize", "ytick.labelsize", "legend.fontsize",
                         "axes.labelsize", "axes.titlesize")}
    assert min(sizes.values()) >= plots.MIN_FONT_PT, sizes
    width = matplotlib.rcParams["figure.figsize"][0]
    # shown across a phone's ~350 CSS px column, the smallest text is 8 pt or more
    assert plots.MIN_FONT_PT * 350 / (width * 96) >= 8
    matplotlib.rcdefaults()


def test_spans_decades_and_the_automatic_log_axis():
    assert plots.spans_decades([1e-4, 6e-3]) and not plots.spans_decades([1e-3, 4e-3])
    assert not plots.spans_decades([0.0, 1e-3]) and not plots.spans_decades([])
    fig, ax = plt.subplots()
    ax.scatter([1e-4, 5e-4, 6e-3], [0.5, 0.6, 0.7])
    plots.format_cost_axis(ax, log_cost="auto")
    assert ax.get_xscale() == "log"
    fig2, ax2 = plt.subplots()
    ax2.plot([1e-3, 2e-3, 3e-3], [0.5, 0.6, 0.7])
    plots.format_cost_axis(ax2, log_cost="auto")
    assert ax2.get_xscale() == "linear"
    plt.close("all")


def test_label_lines_names_each_line_at_its_end_and_drops_the_legend():
    fig, ax = plt.subplots()
    for k, name in enumerate(["KNN", "MLP", "Cascade"]):
        ax.plot([0, 1], [0.5, 0.5 + 0.001 * k], label=name)  # three ends almost on top of each other
    ax.plot([0, 1], [0.2, 0.3], label="_hidden")
    ax.legend()
    plots.label_lines(ax)
    texts = [t for t in ax.texts]
    assert [t.get_text() for t in texts] == ["KNN", "MLP", "Cascade"] and ax.get_legend() is None
    low, high = ax.get_ylim()
    ys = sorted(t.xy[1] for t in texts)
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    assert np.all(np.diff(ys) / (high - low) * height_pt >= 1.4 * plots.MIN_FONT_PT - 1e-9)  # apart
    assert max(ys) <= high + 1e-12  # pushed down from the top, not above the axes
    assert all(t.get_fontsize() >= plots.MIN_FONT_PT for t in texts)
    plt.close(fig)


def test_panel_grid_stacks_panels_by_default():
    fig, axes = plots.panel_grid(3)
    columns = {round(ax.get_position().x0, 3) for ax in axes}
    assert len(axes) == 3 and len(columns) == 1
    assert fig.get_size_inches()[0] == pytest.approx(plots.FIGSIZE[0])
    plt.close(fig)


def _join_gap_pt(fig) -> float:
    """The smallest vertical distance, in points, between a text of one panel and a text of another
    below it that it overlaps horizontally, in the layout the notebook's image shows."""
    from IPython.core.pylabtools import print_figure

    print_figure(fig, "png", bbox_inches="tight")  # as the inline backend saves a chapter's figure
    fig.set_layout_engine("none")  # measure that layout, not a new one
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [[t.get_window_extent(renderer) for t in
              [tick.label1 for tick in [*ax.xaxis._update_ticks(), *ax.yaxis._update_ticks()]]
              + [ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts] if t.get_visible() and t.get_text()]
             for ax in fig.axes]
    return min((upper.y0 - lower.y1) * 72 / fig.dpi
               for i, above in enumerate(boxes) for j, below in enumerate(boxes) if i != j
               for upper in above for lower in below
               if upper.x1 > lower.x0 and lower.x1 > upper.x0 and upper.y0 >= lower.y0)


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_stacked_panels_keep_their_labels_apart_at_the_joins(layout):
    """A shared quality axis from 0.1 to 0.9 puts tick labels on both edges of every join; under
    matplotlib's default spacing "0.1" and "0.9" of adjacent panels were 0.8 pt apart."""
    plots.use_book_style()
    fig, axes = plots.panel_grid(3, panel_size=(4.6, 2.8), sharex=True, sharey=True,
                                 **({"layout": layout} if layout else {}))
    for ax in axes:
        ax.scatter([1, 6], [0.3, 0.8])
        ax.set_ylabel(plots.QUALITY_LABEL)
    axes[0].set_ylim(0.1, 0.9)
    assert _join_gap_pt(fig) >= plots.MIN_FONT_PT
    plt.close(fig)


def _spec(figure) -> dict:
    return json.loads(figure.figure.to_json())


def test_interactive_plane_shows_one_dataset_at_a_time(points):
    figure = plots.interactive_cost_quality(points)
    spec = _spec(figure)
    datasets = list(pd.unique(points["dataset"]))
    buttons = spec["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == [rbu.DATASET_TITLES.get(d, d) for d in datasets]
    visible = [t.get("visible", True) for t in spec["data"]]
    assert sum(visible) == 2  # the first dataset's models and its Zero router
    for button in buttons:  # each choice shows exactly its dataset's two traces
        assert sum(button["args"][0]["visible"]) == 2
    first = points[points["dataset"] == datasets[0]]
    models = spec["data"][0]
    assert models["text"] == [rbu.short_name(m) for m in first["model"]]
    assert "%{text}" in models["hovertemplate"] and spec["layout"]["xaxis"]["type"] == "log"


def test_interactive_html_is_stable_and_loads_nothing(points):
    one, two = plots.interactive_cost_quality(points).to_html(), plots.interactive_cost_quality(points).to_html()
    assert one == two  # ids from the content: two builds give identical pages
    assert one.startswith('<div class="rbu-interactive" role="figure" aria-label="')
    assert "<script src" not in one and "cdn" not in one.lower() and "Plotly.newPlot" in one
    # drawn once the page is parsed, when the deferred Plotly script has run
    assert one.index('addEventListener("DOMContentLoaded"') < one.index("Plotly.newPlot")
    bundle = plots.interactive_cost_quality(points)._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html"}


def test_interactive_comparison_draws_each_routers_frontier(points):
    rows = []
    for name in pd.unique(points["dataset"])[:2]:
        for router, lift in (("KNN k=40", 0.0), ("Cascade e=0", 0.02)):
            cost = np.array([1e-4, 1e-3, 5e-3])
            rows.append(pd.DataFrame({"dataset": name, "router": router, "cost": cost,
                                      "quality": np.array([0.6, 0.55, 0.8]) + lift}))
    curves = pd.concat(rows, ignore_index=True)
    spec = _spec(plots.interactive_comparison(curves))
    lines = [t for t in spec["data"] if t.get("visible", True)]
    assert [t["name"] for t in lines] == ["KNN k=40", "Cascade e=0"]
    assert lines[0]["y"] == [0.6, 0.8]  # the non-decreasing hull drops the dominated middle point
    assert lines[0]["line"]["color"] == plots.ROUTER_COLORS["KNN"]
    assert lines[1]["line"]["color"] == plots.ROUTER_COLORS["Cascade"]
    with_models = _spec(plots.interactive_comparison(curves, points=points))
    assert sum(t.get("visible", True) for t in with_models["data"]) == 4  # models, their Zero router, 2 routers
    family = pd.concat([curves, curves.assign(router=curves["router"].str.replace("e=0", "e=0.2"))])
    shown = [t for t in _spec(plots.interactive_comparison(family))["data"] if t.get("visible", True)]
    styles = {t["name"]: (t["line"]["color"], t["line"]["dash"]) for t in shown}
    assert styles["Cascade e=0"][0] == styles["Cascade e=0.2"][0] and styles["Cascade e=0"][1] != styles["Cascade e=0.2"][1]


def test_interactive_figures_name_a_missing_column(points):
    with pytest.raises(RouterBenchDataError, match="'quality'"):
        plots.interactive_cost_quality(points.drop(columns="quality"))
    with pytest.raises(RouterBenchDataError, match="'router'"):
        plots.interactive_comparison(points)


def test_a_log_cost_axis_within_a_decade_or_two_still_shows_two_labels():
    for costs in ([7e-4, 6e-3], [1.5e-4, 1.1e-3], [7e-4, 2e-3], [1.5e-3, 8e-3], [1e-4, 1e-2]):
        fig, ax = plt.subplots()
        ax.plot(costs, [0.5, 0.9])
        plots.format_cost_axis(ax)
        fig.canvas.draw()
        left, right = ax.get_xlim()
        shown = [t.get_text() for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True)
                 if t.get_text() and left <= t.get_position()[0] <= right]
        assert len(shown) >= 2, (costs, shown)
        plt.close(fig)


def test_a_narrow_log_cost_axis_leaves_out_the_extra_label_that_would_run_into_the_decade():
    """On an axis about an inch wide (the bring-your-own page's plane, before its labels) the lone
    decade keeps its label alone; no two labels stand closer than the gap the book allows."""
    fig, ax = plt.subplots(figsize=(1.6, 3.0))
    ax.plot([4e-4, 6e-3], [0.5, 0.9])
    plots.format_cost_axis(ax)
    fig.canvas.draw()
    left, right = ax.get_xlim()
    shown = [t for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True)
             if t.get_text() and left <= t.get_position()[0] <= right]
    boxes = sorted((t.get_window_extent().x0, t.get_window_extent().x1) for t in shown)
    assert all(a[1] <= b[0] for a, b in zip(boxes, boxes[1:])), [t.get_text() for t in shown]
    plt.close(fig)


def test_label_lines_writes_names_right_of_the_axes_clear_of_longer_lines():
    fig, ax = plt.subplots()
    ax.plot([1e-4, 1e-3], [0.5, 0.7], label="Zero")  # ends mid-axis, under the other line
    ax.plot([1e-4, 1e-2], [0.4, 0.72], label="Classifier")
    plots.label_lines(ax)
    fig.canvas.draw()
    right = ax.get_window_extent().x1
    assert all(t.get_window_extent().x0 >= right for t in ax.texts)
    plt.close(fig)


def test_interactive_comparison_colours_a_starred_upper_bound_by_its_family():
    curves = pd.DataFrame({"router": ["Oracle*"] * 2 + ["KNN k=40"] * 2, "cost": [1e-4, 1e-3] * 2,
                           "quality": [0.5, 0.9, 0.5, 0.7]})
    lines = {t.name: t.line.color for t in plots.interactive_comparison(curves).figure.data}
    assert lines["Oracle*"] == plots.ROUTER_COLORS["Oracle"] != lines["KNN k=40"]


def test_the_classifier_has_a_colour_of_its_own_in_every_comparison():
    """The two-model classifier is drawn in one colour on the compare page's static and interactive
    figures, distinct from every other family's (it fell back to grey beside the Zero router's)."""
    assert plots.ROUTER_COLORS["Classifier"] not in (
        c for name, c in plots.ROUTER_COLORS.items() if name != "Classifier")
    curves = pd.DataFrame({"router": ["Classifier (GPT-4 vs Mixtral)"] * 2 + ["Zero (routed)"] * 2,
                           "cost": [1e-4, 1e-3] * 2, "quality": [0.5, 0.9, 0.5, 0.7]})
    lines = {t.name: t.line.color for t in plots.interactive_comparison(curves).figure.data}
    assert lines["Classifier (GPT-4 vs Mixtral)"] == plots.ROUTER_COLORS["Classifier"]
