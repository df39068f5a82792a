"""rbu.plots.forest: one bar per router and dataset, the reference row and line, upper bounds marked,
the wide interval table read as the tidy one, legible text, and clear errors for a table it cannot read."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402

import routerbench_utils as rbu  # noqa: E402
from routerbench_utils import plots  # noqa: E402
from routerbench_utils.errors import RouterBenchDataError  # noqa: E402

ROUTERS = ["Zero (test hull)", "KNN k=40", "MLP (100)", "Oracle (upper bound)", "Cascade e=0 (upper bound)"]


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = []
    for dataset in ["mmlu", "mbpp"]:
        for k, router in enumerate(ROUTERS):
            est = 0.6 + 0.05 * k + rng.uniform(0, 0.01)
            rows.append({"dataset": dataset, "router": router, "aiq": est, "low": est - 0.02 - 0.01 * k,
                         "high": est + 0.03})
    return pd.DataFrame(rows)


def _bars(ax) -> dict[str, tuple[float, float, float]]:
    """Each drawn row's label -> (estimate, left end, right end), read back from the figure."""
    out = {}
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            point, _, (bar,) = container.lines
            (x0, x1) = bar.get_segments()[0][:, 0]
            out[container.get_label()] = (float(point.get_xdata()[0]), float(x0), float(x1))
    return out


def test_one_bar_per_router_and_dataset(table):
    plots.use_book_style()
    fig, axes = plots.forest(table, reference="Zero (test hull)", xlabel="AIQ")
    assert len(axes) == 2
    assert [ax.get_title(loc="left") for ax in axes] == ["MMLU", "MBPP"]
    for ax, dataset in zip(axes, ["mmlu", "mbpp"]):
        bars = _bars(ax)
        assert sorted(bars) == sorted(["Zero router"] + ROUTERS[1:])  # one bar each, the reference too
        here = table[table["dataset"] == dataset].set_index("router")
        for router in ROUTERS[1:]:
            assert bars[router] == pytest.approx(tuple(here.loc[router, ["aiq", "low", "high"]]))
        # the reference: its row on top and a dashed line at its estimate
        assert bars["Zero router"][0] == pytest.approx(here.loc["Zero (test hull)", "aiq"])
        dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(here.loc["Zero (test hull)", "aiq"])
        # labels: the reference on top, upper bounds last, in italics, without "(upper bound)"
        ticks = ax.get_yticklabels()
        assert [t.get_text() for t in ticks] == ["Zero router", "KNN k=40", "MLP (100)", "Oracle", "Cascade e=0"]
        assert [t.get_fontstyle() for t in ticks] == ["normal"] * 3 + ["italic"] * 2
        assert any(t.get_text() == "upper bounds" for t in ax.texts)
        assert ax.get_xlabel() == "AIQ"
        # upper bounds drawn hollow, the others filled
        faces = {c.get_label(): c.lines[0].get_markerfacecolor() for c in ax.containers}
        assert faces["Oracle (upper bound)"] == "white" and faces["KNN k=40"] != "white"
    plt.close(fig)


def test_text_is_legible_on_a_phone(table):
    plots.use_book_style()
    fig, axes = plots.forest(table, reference=0.0)
    assert fig.get_size_inches()[0] == pytest.approx(plots.FIGSIZE[0])
    fig.canvas.draw()
    texts = [t for ax in axes for t in ax.texts + ax.get_yticklabels() + ax.get_xticklabels()
             + [ax.xaxis.label, ax.title, ax._left_title] if t.get_text()]
    assert texts and min(t.get_fontsize() for t in texts) >= plots.MIN_FONT_PT
    plt.close(fig)


def test_wide_interval_table_draws_the_same(table):
    wide = rbu.evaluation.interval_table(table, digits=3)
    fig_a, tidy_axes = plots.forest(table)
    fig_b, wide_axes = plots.forest(wide)
    for a, b in zip(tidy_axes, wide_axes):
        assert [t.get_text() for t in a.get_yticklabels()] == [t.get_text() for t in b.get_yticklabels()]
        got, want = _bars(b), _bars(a)
        assert sorted(got) == sorted(want)
        for router in want:
            assert got[router] == pytest.approx(want[router], abs=6e-4)  # 3 decimals printed
    # a dash (a value never reached) draws no bar in its row
    wide.iloc[1, 0] = "\u2014"
    fig_c, axes = plots.forest(wide)
    assert wide.index[1] not in _bars(axes[0]) and wide.index[1] in _bars(axes[1])
    plt.close("all")


def test_tables_it_cannot_read(table):
    with pytest.raises(RouterBenchDataError, match=r"lacks the column\(s\) \['low'\]"):
        plots.forest(table.drop(columns="low"))
    with pytest.raises(RouterBenchDataError, match="vs_zero"):
        plots.forest(table, "vs_zero", "vs_zero_low", "vs_zero_high")
    with pytest.raises(RouterBenchDataError, match="'dataset'"):
        plots.forest(table.drop(columns="dataset"))
    with pytest.raises(RouterBenchDataError, match="interval_table"):
        plots.forest(pd.DataFrame({"mmlu": [0.7, 0.8]}, index=["a", "b"]))
    with pytest.raises(RouterBenchDataError, match="reference='Oracle'"):
        plots.forest(table, reference="Oracle")
    plt.close("all")


def test_a_router_missing_on_a_dataset_leaves_its_row_empty(table):
    partial = table[~((table["dataset"] == "mbpp") & table["router"].isin(["Zero (test hull)", "KNN k=40"]))]
    fig, axes = plots.forest(partial, reference="Zero (test hull)")
    assert "KNN k=40" in _bars(axes[0]) and "KNN k=40" not in _bars(axes[1])
    assert "Zero router" in _bars(axes[0]) and "Zero router" not in _bars(axes[1])
    # the rows are the same in every panel, so that a router sits at the same height throughout
    assert [t.get_text() for t in axes[0].get_yticklabels()] == [t.get_text() for t in axes[1].get_yticklabels()]
    plt.close(fig)


def test_tick_labels_do_not_touch():
    """Differences from -0.15 to 0.15 on a 4.6-inch panel: the x tick labels stay apart."""
    plots.use_book_style()
    rows = pd.DataFrame({"dataset": "hellaswag", "router": ["KNN", "MLP", "Oracle"], "aiq": [-0.13, 0.0, 0.12],
                         "low": [-0.14, -0.01, 0.11], "high": [-0.12, 0.01, 0.13]})
    fig, (ax,) = plots.forest(rows, reference=0.0)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
    boxes = [b for b in boxes if ax.get_window_extent().x0 - 1 <= (b.x0 + b.x1) / 2 <= ax.get_window_extent().x1 + 1]
    gaps = [right.x0 - left.x1 for left, right in zip(boxes, boxes[1:])]
    assert len(boxes) >= 3 and min(gaps) >= 20, gaps  # at 100 dpi: two digits of space or more
    plt.close(fig)


def test_every_interval_lies_inside_the_frame_with_room_to_spare(table):
    # a long interval on one dataset (as the Oracle's on MT-Bench) must not run into the frame
    table.loc[(table["dataset"] == "mbpp") & (table["router"] == "Oracle (upper bound)"), "high"] = 1.4
    with plt.rc_context({"axes.xmargin": 0}):  # the limits are forest's own, not matplotlib's margin
        fig, axes = plots.forest(table, reference=0.5, xlabel="AIQ")
    for ax, name in zip(axes, ["mmlu", "mbpp"]):
        here = table[table["dataset"] == name]
        left, right = ax.get_xlim()
        span = max(here["high"].max(), 0.5) - min(here["low"].min(), 0.5)
        assert left <= min(here["low"].min(), 0.5) - 0.05 * span
        assert right >= here["high"].max() + 0.05 * span
    plt.close(fig)
