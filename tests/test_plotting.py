"""Tests for hinge_utils.plotting: what is drawn (the artists' data), never pixels.

Oracles: the defining equations checked on the drawn data (w.x + b = level), masks and formulas
recomputed here in numpy/scipy, scikit-learn (LinearSVC predictions, calibration_curve),
naive loops, and cases worked out by hand.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.lines  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from scipy.special import expit  # noqa: E402

from hinge_utils import zoo  # noqa: E402
from hinge_utils.losses import MULTICLASS  # noqa: E402
from hinge_utils.plotting import (  # noqa: E402
    CLASS_COLORS,
    COLORS,
    LOSS_STYLES,
    course_style,
    expected_calibration_error,
    plot_decision_boundary,
    plot_gradient_magnitude,
    plot_history,
    plot_losses,
    plot_multiclass_regions,
    plot_reliability,
    plot_reliability_comparison,
    update_decision_boundary,
    update_multiclass_regions,
    use_style,
)
from hinge_utils.plotting._geometry import band_in_box, line_in_box  # noqa: E402
from hinge_utils.plotting.boundary import NO_WEIGHT_TEXT, OUT_OF_VIEW_TEXT  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures_and_forbid_show(monkeypatch):
    def _show(*args, **kwargs):
        raise AssertionError("a plotting helper called plt.show()")

    monkeypatch.setattr(plt, "show", _show)
    yield
    plt.close("all")


def _blobs(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(n) < n // 2, 1.0, -1.0)
    X = rng.normal(size=(n, 2)) + 1.5 * y[:, None]
    return X, y


def _residuals(line, weight, bias, level):
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return weight[0] * xs + weight[1] * ys + bias - level


# ----------------------------------------------------------------------------------------------
# Light import, style, palette
# ----------------------------------------------------------------------------------------------


def test_role_colours_are_complete_and_distinct_where_they_meet():
    roles = {
        "pos",
        "neg",
        "hinge",
        "cross_entropy",
        "squared_hinge",
        "violator",
        "safe",
        "support",
        "boundary",
        "margin",
    }
    assert roles <= set(COLORS)
    assert all(mcolors.is_color_like(c) for c in COLORS.values())
    # colours that appear in the same figure must differ
    for group in (
        ("pos", "neg", "violator", "support", "margin"),
        ("hinge", "cross_entropy", "squared_hinge", "zero_one"),
        ("violator", "safe"),
    ):
        assert len({COLORS[k] for k in group}) == len(group), group
    assert len(set(CLASS_COLORS)) == len(CLASS_COLORS) >= 3
    assert set(LOSS_STYLES) == set(zoo.LOSSES) | set(MULTICLASS)


def _text_sizes(fig):
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    legend = ax.get_legend()
    legend_sizes = [t.get_fontsize() for t in legend.get_texts()] if legend else []
    return (
        ticks,
        ax.xaxis.label.get_fontsize(),
        ax.yaxis.label.get_fontsize(),
        ax.title.get_fontsize(),
        legend_sizes,
    )


def test_style_gives_legible_font_sizes_and_no_top_right_spines():
    with course_style():
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], label="a line")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title("title")
        ax.legend()
    ticks, xlabel, ylabel, title, legend = _text_sizes(fig)  # drawn outside the block
    assert ticks and min(ticks) >= 12
    assert min(xlabel, ylabel, *legend) >= 12
    assert 14 <= title <= 16
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert fig.get_layout_engine() is not None  # constrained layout
    assert ax.get_lines()[0].get_linewidth() >= 2


def test_style_restores_rc_params_and_use_style_sets_them():
    before = matplotlib.rcParams["axes.labelsize"]
    with course_style():
        assert matplotlib.rcParams["axes.labelsize"] >= 12
    assert matplotlib.rcParams["axes.labelsize"] == before
    with matplotlib.rc_context():
        use_style()
        assert matplotlib.rcParams["xtick.labelsize"] >= 12
        assert not matplotlib.rcParams["axes.spines.top"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: plot_losses(title="t").ax,
        lambda: plot_gradient_magnitude(title="t").ax,
        lambda: plot_decision_boundary(np.array([1.0, 1.0]), 0.0, *_blobs(), title="t").ax,
        lambda: (
            plot_multiclass_regions(
                np.eye(3, 2),
                np.zeros(3),
                np.zeros((3, 2)),
                np.array([0, 1, 2]),
                resolution=10,
                title="t",
            ).ax
        ),
        lambda: plot_reliability(np.array([0.2, 0.7]), np.array([0, 1]), title="t").ax,
        lambda: plot_history({"objective": [2.0, 1.0]}, panels=["objective"], label="run").axes[
            "objective"
        ],
    ],
)
def test_helpers_draw_their_own_figures_in_the_style(make):
    ax = make()
    ticks, xlabel, ylabel, title, legend = _text_sizes(ax.figure)
    assert min(ticks) >= 12 and min(xlabel, ylabel, *legend) >= 12 and title >= 14
    assert xlabel and ax.get_xlabel() and ax.get_ylabel()


def test_helpers_draw_into_a_given_axes_without_a_new_figure_in_the_style():
    fig, axes = plt.subplots(1, 2)  # default rcParams
    count = len(plt.get_fignums())
    art = plot_losses(ax=axes[0])
    assert art.ax is axes[0]
    assert art.lines["hinge"].get_linewidth() >= 2  # drawn in the course style all the same
    assert min(t.get_fontsize() for t in art.legend.get_texts()) >= 12
    assert plot_decision_boundary(np.array([1.0, 0.0]), 0.0, *_blobs(), ax=axes[1]).ax is axes[1]
    assert len(plt.get_fignums()) == count


def test_ax_of_wrong_type_raises():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None; got Figure"):
        plot_losses(ax=plt.figure())


# ----------------------------------------------------------------------------------------------
# Geometry: lines and bands clipped to a box
# ----------------------------------------------------------------------------------------------


def test_line_in_box_hand_cases():
    box = ((0.0, 2.0), (0.0, 2.0))
    xs, ys = line_in_box(np.array([1.0, 1.0]), 0.0, 1.0, *box)  # x + y = 1
    assert sorted(zip(xs.tolist(), ys.tolist(), strict=True)) == [(0.0, 1.0), (1.0, 0.0)]
    xs, ys = line_in_box(np.array([0.0, 2.0]), -2.0, 0.0, *box)  # 2y - 2 = 0: y = 1
    assert ys.tolist() == [1.0, 1.0] and sorted(xs.tolist()) == [0.0, 2.0]
    xs, ys = line_in_box(np.array([4.0, 0.0]), -2.0, 0.0, *box)  # 4x - 2 = 0: x = 0.5
    assert xs.tolist() == [0.5, 0.5] and sorted(ys.tolist()) == [0.0, 2.0]
    assert line_in_box(np.array([1.0, 1.0]), 0.0, 5.0, *box)[0].size == 0  # x + y = 5 misses
    assert line_in_box(np.array([1.0, 0.0]), 0.0, -1.0, *box)[0].size == 0  # x = -1 misses
    assert line_in_box(np.zeros(2), 0.0, 0.0, *box)[0].size == 0  # w = 0: no line


def test_line_in_box_endpoints_are_on_the_line_inside_and_on_the_box_edge():
    rng = np.random.default_rng(3)
    xlim, ylim = (-2.0, 3.0), (-1.0, 4.0)
    hits = 0
    for _ in range(500):
        w, b, level = rng.normal(size=2), rng.normal(), rng.choice([-1.0, 0.0, 1.0])
        xs, ys = line_in_box(w, b, level, xlim, ylim)
        if xs.size == 0:
            # oracle: no corner-to-corner sign change means the line misses the box
            corners = np.array([[x, y] for x in xlim for y in ylim]) @ w + b - level
            assert corners.min() > 0 or corners.max() < 0
            continue
        hits += 1
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, level, atol=1e-9)
        for x, y in zip(xs, ys, strict=True):
            assert xlim[0] - 1e-9 <= x <= xlim[1] + 1e-9 and ylim[0] - 1e-9 <= y <= ylim[1] + 1e-9
            edge = min(abs(x - xlim[0]), abs(x - xlim[1]), abs(y - ylim[0]), abs(y - ylim[1]))
            assert edge < 1e-9
    assert hits > 100


def _shoelace(vertices: np.ndarray) -> float:
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def test_band_in_box_area_matches_a_grid_count():
    rng = np.random.default_rng(5)
    xlim, ylim = (-2.0, 2.0), (-1.0, 3.0)
    centres = (np.arange(400) + 0.5) / 400
    gx, gy = np.meshgrid(xlim[0] + 4 * centres, ylim[0] + 4 * centres)
    for _ in range(20):
        w, b = rng.normal(size=2) * 2, rng.normal()
        band = band_in_box(w, b, 1.0, xlim, ylim)
        inside = np.abs(w[0] * gx + w[1] * gy + b) <= 1.0
        expected_area = inside.mean() * 16.0
        area = _shoelace(band) if len(band) else 0.0
        assert area == pytest.approx(expected_area, abs=0.08)
        if len(band):
            assert np.all(np.abs(band @ w + b) <= 1.0 + 1e-9)


# ----------------------------------------------------------------------------------------------
# plot_losses, plot_gradient_magnitude
# ----------------------------------------------------------------------------------------------


def _value_at(line, m: float) -> float:
    xs = np.asarray(line.get_xdata())
    (index,) = np.flatnonzero(np.isclose(xs, m, atol=1e-12, rtol=0))[:1]
    return float(np.asarray(line.get_ydata())[index])


def test_plot_losses_draws_the_formulas():
    art = plot_losses()
    expected = {
        # m:               -1                    0     0.5                      1     2
        "zero_one": [1.0, 1.0, 0.0, 0.0, 0.0],
        "hinge": [2.0, 1.0, 0.5, 0.0, 0.0],
        "squared_hinge": [4.0, 1.0, 0.25, 0.0, 0.0],
        "logistic_bits": [
            math.log2(1 + math.e),
            1.0,
            math.log2(1 + math.exp(-0.5)),
            math.log2(1 + math.exp(-1)),
            math.log2(1 + math.exp(-2)),
        ],
    }
    assert set(art.lines) == set(expected)
    for name, values in expected.items():
        got = [_value_at(art.lines[name], m) for m in (-1.0, 0.0, 0.5, 1.0, 2.0)]
        np.testing.assert_allclose(got, values, rtol=1e-12, atol=1e-12, err_msg=name)
    xs = art.lines["hinge"].get_xdata()
    assert xs.min() == -2.0 and xs.max() == 3.0
    assert art.guides["margin"].get_xdata() == [1.0, 1.0]
    assert art.guides["boundary"].get_xdata() == [0.0, 0.0]
    assert "y" in art.ax.get_xlabel() and "f(x)" in art.ax.get_xlabel()
    assert "loss" in art.ax.get_ylabel()
    assert [t.get_text() for t in art.legend.get_texts()] == [
        zoo.LOSSES[n].label for n in ("zero_one", "hinge", "squared_hinge", "logistic_bits")
    ]


def test_plot_losses_derivative_of_hinge_is_minus_one_then_zero():
    art = plot_losses(("hinge", "logistic_bits", "squared_hinge"), derivative=True)
    xs = np.asarray(art.lines["hinge"].get_xdata())
    ys = np.asarray(art.lines["hinge"].get_ydata())
    assert 1.0 in xs.tolist()
    assert np.all(ys[xs >= 1] == 0.0) and np.all(ys[xs < 1] == -1.0)
    xs = np.asarray(art.lines["logistic_bits"].get_xdata())
    np.testing.assert_allclose(art.lines["logistic_bits"].get_ydata(), -expit(-xs) / math.log(2))
    xs = np.asarray(art.lines["squared_hinge"].get_xdata())
    np.testing.assert_allclose(art.lines["squared_hinge"].get_ydata(), -2 * np.maximum(0, 1 - xs))
    assert "dL/dm" in art.ax.get_ylabel()


def test_plot_losses_options_and_errors():
    art = plot_losses("hinge", m_range=(-1, 2), show_boundary=False, show_margin=False)
    assert art.guides == {} and list(art.lines) == ["hinge"]
    art = plot_losses(list(zoo.LOSSES))  # all ten: the legend moves outside the axes
    assert len(art.lines) == len(zoo.LOSSES)
    with pytest.raises(ValueError, match=r"keys of hinge_utils.losses.BINARY; got \['hnige'\]"):
        plot_losses(("hinge", "hnige"))
    with pytest.raises(ValueError, match="low < high"):
        plot_losses(m_range=(2, -1))


def test_plot_gradient_magnitude_curves_and_samples():
    margins = torch.tensor([-2.0, 0.3, 0.999, 1.0, 2.5])
    art = plot_gradient_magnitude(margins=margins)
    xs = np.asarray(art.lines["hinge"].get_xdata())
    np.testing.assert_array_equal(art.lines["hinge"].get_ydata(), (xs < 1).astype(float))
    np.testing.assert_allclose(art.lines["cross_entropy"].get_ydata(), expit(-xs), rtol=1e-12)
    m = margins.double().numpy()
    np.testing.assert_array_equal(
        art.samples["hinge"].get_offsets(), np.column_stack([m, [1.0, 1.0, 1.0, 0.0, 0.0]])
    )
    np.testing.assert_allclose(
        art.samples["cross_entropy"].get_offsets(), np.column_stack([m, expit(-m)]), rtol=1e-12
    )


# ----------------------------------------------------------------------------------------------
# plot_decision_boundary / update_decision_boundary
# ----------------------------------------------------------------------------------------------


def _offsets(artist) -> np.ndarray:
    """The drawn points of a marker line or a scatter collection, shape (K, 2)."""
    if isinstance(artist, matplotlib.lines.Line2D):
        return np.asarray(artist.get_xydata(), dtype=float).reshape(-1, 2)
    return np.asarray(artist.get_offsets(), dtype=float).reshape(-1, 2)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("margin", [1.0, 2.0])
def test_decision_boundary_lines_satisfy_their_equations(seed, margin):
    rng = np.random.default_rng(seed)
    X, y = _blobs(seed=seed)
    w, b = rng.normal(size=2), rng.normal()
    art = plot_decision_boundary(torch.tensor(w), torch.tensor(b), X, y, margin=margin)
    lower, upper = art.margin_lines
    for line, level in ((art.boundary, 0.0), (lower, -margin), (upper, margin)):
        residual = _residuals(line, w, b, level)
        assert np.all(np.abs(residual) < 1e-6)
    assert len(art.boundary.get_xdata()) == 2  # the data straddle the boundary
    # endpoints are clipped to the fixed limits
    xs, ys = np.asarray(art.boundary.get_xdata()), np.asarray(art.boundary.get_ydata())
    assert art.ax.get_xlim() == pytest.approx(art.xlim)
    assert np.all((xs >= art.xlim[0] - 1e-9) & (xs <= art.xlim[1] + 1e-9))
    assert np.all((ys >= art.ylim[0] - 1e-9) & (ys <= art.ylim[1] + 1e-9))


@pytest.mark.parametrize("seed", range(4))
def test_highlighted_points_are_exactly_the_violators_and_support_vectors(seed):
    rng = np.random.default_rng(10 + seed)
    X, y = _blobs(80, seed=seed)
    w, b = rng.normal(size=2) * 0.7, 0.3 * rng.normal()
    art = plot_decision_boundary(w, b, X, y, rtol=0.0, atol=0.05)
    functional_margin = y * (X @ w + b)  # the oracle, in numpy
    np.testing.assert_array_equal(_offsets(art.violators), X[functional_margin < 1 - 0.05])
    np.testing.assert_array_equal(_offsets(art.support), X[functional_margin <= 1 + 0.05])
    np.testing.assert_array_equal(_offsets(art.points[1]), X[y == 1])
    np.testing.assert_array_equal(_offsets(art.points[-1]), X[y == -1])


def test_points_on_the_margin_are_support_vectors_not_violators():
    # f(x) = x1: y f = 1 (on the margin), 0.9 (inside), 0.97 and 1.03 (on it, within atol 0.05),
    # 3 (beyond), and a class -1 point at f = -1 (on the margin)
    X = np.array([[1.0, 0.0], [0.9, 1.0], [0.97, 2.0], [1.03, -1.0], [3.0, 0.0], [-1.0, 0.5]])
    y = np.array([1, 1, 1, 1, 1, -1])
    art = plot_decision_boundary(np.array([1.0, 0.0]), 0.0, X, y, atol=0.05, rtol=0.0)
    assert _offsets(art.violators).tolist() == [[0.9, 1.0]]
    assert _offsets(art.support).tolist() == [
        [1.0, 0.0], [0.9, 1.0], [0.97, 2.0], [1.03, -1.0], [-1.0, 0.5]
    ]


def test_lesson_one_points_a_rounding_error_off_the_band_are_ringed_not_crossed():
    # Lesson 1 at c = 0.5: w = (0.6, 0.8), b = -2 in float32; points 1 and 5 have y f = 1
    # exactly, which float32 weights recomputed in float64 turn into 1.00000009 and 0.99999997.
    X = np.array([[3.0, 1.5], [1.0, 0.5], [1.5, 1.0]])
    y = np.array([1, -1, 1])
    w = torch.tensor([1.2, 1.6]) * 0.5
    art = plot_decision_boundary(w, -2.0, X, y)
    margins = y * (X @ w.double().numpy() - 2.0)
    assert np.abs(margins[:2] - 1).max() > 0  # not exactly 1: the case this test is about
    assert _offsets(art.violators).tolist() == [[1.5, 1.0]]  # y f = -0.3: a true violator
    assert _offsets(art.support).tolist() == X.tolist()


@pytest.mark.parametrize(
    ("highlight", "violators", "support"),
    [
        ("violators", True, False),
        ("support", False, True),
        ("none", False, False),
        (None, False, False),
        ("both", True, True),
    ],
)
def test_highlight_option(highlight, violators, support):
    X = np.array([[0.5, 0.0], [-3.0, 0.0]])
    art = plot_decision_boundary(
        np.array([1.0, 0.0]), 0.0, X, np.array([1, -1]), highlight=highlight
    )
    assert (len(_offsets(art.violators)) == 1) is violators
    assert (len(_offsets(art.support)) == 1) is support


def test_vertical_and_horizontal_boundaries():
    X, y = _blobs()
    art = plot_decision_boundary(np.array([2.0, 0.0]), -1.0, X, y)  # 2 x1 - 1 = 0
    assert art.boundary.get_xdata().tolist() == [0.5, 0.5]
    assert sorted(art.boundary.get_ydata().tolist()) == pytest.approx(sorted(art.ylim))
    assert art.margin_lines[1].get_xdata().tolist() == [1.0, 1.0]  # 2 x1 - 1 = 1
    update_decision_boundary(art, np.array([0.0, -0.5]), 0.25)  # -x2 / 2 + 1/4 = 0: x2 = 0.5
    assert art.boundary.get_ydata().tolist() == [0.5, 0.5]
    assert sorted(art.boundary.get_xdata().tolist()) == pytest.approx(sorted(art.xlim))


def test_zero_weight_draws_no_boundary_and_says_so():
    X, y = _blobs()
    art = plot_decision_boundary(torch.zeros(2), 0.5, X, y)
    for line in (art.boundary, *art.margin_lines):
        assert len(line.get_xdata()) == 0
    assert art.message.get_visible() and art.message.get_text() == NO_WEIGHT_TEXT
    assert not art.band.get_visible() and not art.arrow.get_visible()
    # f = 0.5 everywhere: y f = 0.5 < 1 for class +1, -0.5 for class -1: all violate
    assert len(_offsets(art.violators)) == len(X)
    art.ax.figure.canvas.draw()  # drawing does not fail either
    update_decision_boundary(art, np.array([1.0, 1.0]), 0.0)
    assert not art.message.get_visible()
    assert len(art.boundary.get_xdata()) == 2


def test_boundary_out_of_view_is_reported():
    X, y = _blobs()
    art = plot_decision_boundary(np.array([1.0, 0.0]), 100.0, X, y)
    assert len(art.boundary.get_xdata()) == 0
    assert art.message.get_text() == OUT_OF_VIEW_TEXT and art.message.get_visible()


def test_margin_arrow_spans_boundary_to_margin_and_is_labelled():
    X, y = _blobs()
    w, b = np.array([0.6, 0.8]), 0.1  # ||w|| = 1, so the arrow is 1 long
    art = plot_decision_boundary(w, b, X, y)
    start, end = np.array(art.arrow.xyann), np.array(art.arrow.xy)
    assert w @ start + b == pytest.approx(0.0, abs=1e-9)
    assert w @ end + b == pytest.approx(1.0, abs=1e-9)
    assert np.linalg.norm(end - start) == pytest.approx(1.0 / np.linalg.norm(w))
    assert art.arrow.get_visible() and art.arrow_label.get_text().endswith("= 1.00")
    update_decision_boundary(art, 2 * w, 2 * b)
    start, end = np.array(art.arrow.xyann), np.array(art.arrow.xy)
    assert np.linalg.norm(end - start) == pytest.approx(0.5)
    assert art.arrow_label.get_text().endswith("= 0.50")


def test_band_lies_between_the_margin_lines():
    X, y = _blobs()
    w, b = np.array([1.0, -0.5]), 0.2
    art = plot_decision_boundary(w, b, X, y, margin=1.5)
    vertices = np.asarray(art.band.get_xy())
    assert art.band.get_visible() and len(vertices) >= 3
    assert np.all(np.abs(vertices @ w + b) <= 1.5 + 1e-9)
    art = plot_decision_boundary(
        w, b, X, y, show_margin_band=False, annotate_geometric_margin=False
    )
    assert not art.band.get_visible() and not art.arrow.get_visible()


def test_update_moves_the_same_artists_without_creating_any():
    X, y = _blobs()
    art = plot_decision_boundary(np.array([1.0, 1.0]), 0.0, X, y)
    ax = art.ax
    art.ax.figure.canvas.draw()
    counts = (
        len(ax.lines),
        len(ax.collections),
        len(ax.patches),
        len(ax.texts),
        len(ax.figure.axes),
    )
    boundary = art.boundary
    rng = np.random.default_rng(0)
    for _ in range(5):
        w, b = rng.normal(size=2), rng.normal()
        assert update_decision_boundary(art, w, b) is art
        assert art.boundary is boundary
        assert np.all(np.abs(_residuals(art.boundary, w, b, 0.0)) < 1e-6)
        np.testing.assert_array_equal(_offsets(art.violators), X[y * (X @ w + b) < 1])
    new_X, new_y = X[:10] + 0.5, y[:10]
    update_decision_boundary(art, np.array([1.0, 0.0]), 0.0, new_X, new_y)
    np.testing.assert_array_equal(_offsets(art.points[1]), new_X[new_y == 1])
    np.testing.assert_array_equal(_offsets(art.violators), new_X[new_y * new_X[:, 0] < 1])
    art.ax.figure.canvas.draw()
    assert counts == (
        len(ax.lines),
        len(ax.collections),
        len(ax.patches),
        len(ax.texts),
        len(ax.figure.axes),
    )
    with pytest.raises(ValueError, match="pass X and y together"):
        update_decision_boundary(art, np.array([1.0, 0.0]), 0.0, X=new_X)


def test_moving_artists_cover_what_an_update_changes_and_can_be_blitted():
    X, y = _blobs()
    art = plot_decision_boundary(np.array([1.0, 1.0]), 0.0, X, y)
    moving = art.moving_artists()
    for artist in (art.boundary, *art.margin_lines, art.band, art.violators, art.support,
                   art.arrow, art.arrow_label, art.message):
        assert any(artist is m for m in moving)
    assert not any(p is m for p in art.points.values() for m in moving)  # static unless X moves
    fig = art.ax.figure
    for artist in moving:
        artist.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    update_decision_boundary(art, np.array([0.5, -1.0]), 0.3)
    fig.canvas.restore_region(background)
    for artist in moving:
        art.ax.draw_artist(artist)
    assert np.all(np.abs(_residuals(art.boundary, [0.5, -1.0], 0.3, 0.0)) < 1e-6)


def test_decision_boundary_accepts_tensors_with_grad_and_linear_layer_shapes():
    X, y = _blobs()
    layer = torch.nn.Linear(2, 1)
    art = plot_decision_boundary(
        layer.weight[0], layer.bias, torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    )
    w, b = layer.weight[0].detach().double().numpy(), float(layer.bias.detach())
    assert np.all(np.abs(_residuals(art.margin_lines[1], w, b, 1.0)) < 1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"y": np.array([0.0, 1.0] * 30)},
            ValueError,
            r"in \{-1, \+1\}; got values \{0, 1\}: use 2",
        ),
        ({"X": np.zeros((60, 3))}, ValueError, r"shape \(N, 2\).*got shape \(60, 3\)"),
        ({"weight": np.zeros(3)}, ValueError, r"weight must have shape \(2,\); got shape \(3,\)"),
        ({"weight": np.zeros((1, 2))}, ValueError, r"weight.reshape\(2\)"),
        ({"bias": np.zeros(2)}, ValueError, r"bias must be a single number"),
        ({"y": np.ones(5)}, ValueError, r"shape \(N,\) = \(60,\)"),
        ({"margin": 0.0}, ValueError, r"margin must be a finite number > 0"),
        ({"highlight": "violator"}, ValueError, r"highlight must be one of"),
        ({"X": "points"}, TypeError, r"X must be a torch.Tensor or a numpy array; got str"),
    ],
)
def test_decision_boundary_bad_input(kwargs, error, message):
    X, y = _blobs()
    args = {"weight": np.array([1.0, 0.0]), "bias": 0.0, "X": X, "y": y}
    options = {k: kwargs.pop(k) for k in ("margin", "highlight") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        plot_decision_boundary(**args, **options)


# ----------------------------------------------------------------------------------------------
# plot_multiclass_regions
# ----------------------------------------------------------------------------------------------


def _multiclass_problem():
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(2)
    centres = np.array([[3.0, 0.0], [-1.5, 2.6], [-1.5, -2.6]])
    y = np.repeat(np.arange(3), 30)
    X = centres[y] + rng.normal(size=(90, 2))
    return LinearSVC().fit(X, y), X, y


def test_multiclass_regions_match_scikit_learn_predictions():
    clf, X, y = _multiclass_problem()
    art = plot_multiclass_regions(
        torch.tensor(clf.coef_), torch.tensor(clf.intercept_), X, y, resolution=40
    )
    image = np.asarray(art.regions.get_array())
    left, right, bottom, top = art.regions.get_extent()
    rows, cols = image.shape
    xs = left + (np.arange(cols) + 0.5) * (right - left) / cols
    ys = bottom + (np.arange(rows) + 0.5) * (top - bottom) / rows
    gx, gy = np.meshgrid(xs, ys)
    expected = clf.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(rows, cols)
    np.testing.assert_array_equal(image, expected)
    assert art.regions.origin == "lower"
    assert len(set(expected.ravel().tolist())) == 3


def test_multiclass_zero_lines_arrows_and_points():
    clf, X, y = _multiclass_problem()
    W, b = clf.coef_, clf.intercept_
    art = plot_multiclass_regions(W, b, X, y, resolution=20)
    for k in range(3):
        line = art.zero_lines[k]
        assert len(line.get_xdata()) == 2
        assert np.all(np.abs(_residuals(line, W[k], b[k], 0.0)) < 1e-6)
        assert line.get_color() == CLASS_COLORS[k]
        base, tip = np.array(art.arrows[k].xyann), np.array(art.arrows[k].xy)
        direction = tip - base
        assert W[k] @ base + b[k] == pytest.approx(0.0, abs=1e-9)  # starts on the zero line
        cosine = direction @ W[k] / (np.linalg.norm(direction) * np.linalg.norm(W[k]))
        assert cosine == pytest.approx(1.0)  # points along w_k
        np.testing.assert_array_equal(_offsets(art.points[k]), X[y == k])


def test_multiclass_regions_naive_loop_with_ties():
    # s_0 = x1, s_1 = -x1, s_2 = 0: on a 4 x 4 grid of [-2, 2]^2, hand-checkable by a loop
    W, b = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]]), np.zeros(3)
    X, y = np.array([[-1.0, -1.0], [1.0, 1.0]]), np.array([0, 1])
    art = plot_multiclass_regions(W, b, X, y, resolution=4, xlim=(-2, 2), ylim=(-2, 2))
    centres = [-1.5, -0.5, 0.5, 1.5]
    expected = [
        [max(range(3), key=lambda k: (W[k] @ [cx, cy] + b[k], -k)) for cx in centres]
        for cy in centres
    ]
    assert np.asarray(art.regions.get_array()).tolist() == expected
    assert not art.arrows[2].get_visible() and len(art.zero_lines[2].get_xdata()) == 0  # w_2 = 0


def test_class_regions_agree_with_the_argmax_on_a_grid():
    from hinge_utils.plotting._geometry import class_region

    W = np.array([[0.8, -0.3], [-0.6, 1.2], [0.2, -1.1]])
    b = np.array([0.1, 0.4, -0.2])
    box = (-3.0, 3.0)
    grid = np.stack(np.meshgrid(np.linspace(-2.95, 2.95, 60), np.linspace(-2.95, 2.95, 60)),
                    -1).reshape(-1, 2)
    winner = (grid @ W.T + b).argmax(1)
    from matplotlib.path import Path as MplPath

    for k in range(3):
        polygon = class_region(W, b, k, box, box)
        inside = MplPath(polygon).contains_points(grid, radius=-1e-9)
        margin = np.sort(grid @ W.T + b, axis=1)
        clear = margin[:, -1] - margin[:, -2] > 1e-6  # skip points on a tie line
        np.testing.assert_array_equal(inside[clear], (winner == k)[clear])


def test_multiclass_polygons_match_the_argmax_and_follow_an_update_in_place():
    from matplotlib.path import Path as MplPath

    clf, X, y = _multiclass_problem()
    art = plot_multiclass_regions(clf.coef_, clf.intercept_, X, y, fill="polygons")
    assert art.regions is None and len(art.polygons) == 3
    before = len(art.ax.get_children())
    W = np.array([[0.8, -0.3], [-0.6, 1.2], [0.2, -1.1]])
    b = np.array([0.1, 0.4, -0.2])
    update_multiclass_regions(art, W, b)
    assert len(art.ax.get_children()) == before  # moved, nothing new drawn
    (x0, x1), (y0, y1) = art.xlim, art.ylim
    gx, gy = np.meshgrid(np.linspace(x0, x1, 53)[1:-1], np.linspace(y0, y1, 47)[1:-1])
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    scores = grid @ W.T + b
    top2 = np.sort(scores, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-6  # off the tie lines
    for k in range(3):
        inside = MplPath(art.polygons[k].get_xy()).contains_points(grid)
        np.testing.assert_array_equal(inside[clear], (scores.argmax(1) == k)[clear])
        assert np.all(np.abs(_residuals(art.zero_lines[k], W[k], b[k], 0.0)) < 1e-9)
        base, tip = np.array(art.arrows[k].xyann), np.array(art.arrows[k].xy)
        assert W[k] @ base + b[k] == pytest.approx(0.0, abs=1e-9)
        cosine = (tip - base) @ W[k] / (np.linalg.norm(tip - base) * np.linalg.norm(W[k]))
        assert cosine == pytest.approx(1.0)
    with pytest.raises(ValueError, match="weight must have 3 rows"):
        update_multiclass_regions(art, W[:2], b[:2])
    with pytest.raises(ValueError, match="fill must be 'image' or 'polygons'"):
        plot_multiclass_regions(W, b, X, y, fill="contour")


@pytest.mark.parametrize(
    ("weight", "bias", "y", "message"),
    [
        (np.zeros((3, 3)), np.zeros(3), [0, 1, 2], r"weight must have shape \(K, 2\)"),
        (np.zeros((3, 2)), np.zeros(2), [0, 1, 2], r"bias must have shape \(K,\) = \(3,\)"),
        (np.zeros((3, 2)), np.zeros(3), [0, 1, 3], r"class indices in \[0, K\) = \[0, 3\)"),
        (np.zeros((3, 2)), np.zeros(3), [0, 1], r"shape \(N,\) = \(3,\)"),
    ],
)
def test_multiclass_bad_input(weight, bias, y, message):
    with pytest.raises(ValueError, match=message):
        plot_multiclass_regions(weight, bias, np.zeros((3, 2)), np.array(y))


# ----------------------------------------------------------------------------------------------
# plot_reliability
# ----------------------------------------------------------------------------------------------


def test_reliability_matches_scikit_learn_calibration_curve():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(4)
    p = rng.beta(0.7, 0.7, size=500)
    labels = (rng.random(500) < p**1.5).astype(int)
    art = plot_reliability(p, labels, n_bins=8)
    prob_true, prob_pred = calibration_curve(labels, p, n_bins=8, strategy="uniform")
    np.testing.assert_allclose(art.curve.get_xdata(), prob_pred, rtol=1e-12)
    np.testing.assert_allclose(art.curve.get_ydata(), prob_true, rtol=1e-12)
    # ECE by a naive loop over the samples
    bins = [min(int(math.ceil(v * 8)) - 1, 7) if v > 0 else 0 for v in p]
    ece = 0.0
    for k in set(bins):
        members = [i for i, bk in enumerate(bins) if bk == k]
        conf = sum(p[i] for i in members) / len(members)
        freq = sum(labels[i] for i in members) / len(members)
        ece += len(members) / len(p) * abs(freq - conf)
    assert art.ece == pytest.approx(ece, rel=1e-9)
    heights = [bar.get_height() for bar in art.counts]
    assert sum(heights) == pytest.approx(1.0)
    assert art.diagonal.get_xydata().tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert f"{ece:.3f}" in art.curve.get_label()


def test_reliability_accepts_plus_minus_one_labels_and_overlays():
    p = np.array([0.1, 0.4, 0.6, 0.9])
    first = plot_reliability(p, np.array([0, 0, 1, 1]), n_bins=2)
    second = plot_reliability(
        torch.tensor(p),
        torch.tensor([-1, -1, 1, 1]),
        n_bins=2,
        ax=first.ax,
        show_diagonal=False,
        show_counts=False,
        label="other",
        color=COLORS["hinge"],
    )
    assert second.ax is first.ax and second.diagonal is None and second.counts is None
    np.testing.assert_array_equal(first.curve.get_xydata(), second.curve.get_xydata())


def test_reliability_comparison_curves_counts_and_legend_outside():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, size=400)
    models = {"a": rng.uniform(size=400), "b": rng.beta(2.0, 2.0, size=400)}
    art = plot_reliability_comparison(models, labels, n_bins=5, colors={"b": COLORS["hinge"]})
    edges = np.linspace(0.0, 1.0, 6)
    for name, p in models.items():
        prob_true, prob_pred = calibration_curve(labels, p, n_bins=5, strategy="uniform")
        np.testing.assert_allclose(art.models[name].curve.get_xdata(), prob_pred, rtol=1e-12)
        np.testing.assert_allclose(art.models[name].curve.get_ydata(), prob_true, rtol=1e-12)
        heights = [bar.get_height() for bar in art.models[name].counts]
        assert heights == np.histogram(p, bins=edges)[0].tolist()  # no sample on an edge here
    colors = {mcolors.to_hex(m.curve.get_color()) for m in art.models.values()}
    assert len(colors) == 2 and mcolors.to_hex(COLORS["hinge"]) in colors
    art.fig.canvas.draw()
    legend_box = art.legend.get_window_extent()
    axes_box = art.ax.get_window_extent()
    assert legend_box.x0 >= axes_box.x1  # the legend hides no point of the diagram
    plt.close(art.fig)


@pytest.mark.parametrize(
    ("p", "labels", "message"),
    [
        ([0.2, 1.3], [0, 1], r"in \[0, 1\]; got values from 0.2 to 1.3: .*sigmoid"),
        ([0.2, 0.3], [0, 2], r"labels must be in \{0, 1\} or in \{-1, \+1\}; got values \{0, 2\}"),
        ([0.2, 0.3], [0, 1, 1], r"both have shape \(N,\)"),
        ([], [], r"empty"),
    ],
)
def test_reliability_bad_input(p, labels, message):
    with pytest.raises(ValueError, match=message):
        plot_reliability(np.array(p, dtype=float), np.array(labels))


def test_expected_calibration_error_matches_a_naive_loop_and_the_diagram():
    rng = np.random.default_rng(7)
    p = rng.uniform(size=300)
    labels = (rng.random(300) < p**2).astype(int)
    for n_bins in (1, 5, 10):
        # naive loop: bin k holds (k / n_bins, (k + 1) / n_bins], bin 0 also holds 0
        bins = [min(int(math.ceil(v * n_bins)) - 1, n_bins - 1) if v > 0 else 0 for v in p]
        ece = 0.0
        for k in set(bins):
            members = [i for i, bk in enumerate(bins) if bk == k]
            conf = sum(p[i] for i in members) / len(members)
            freq = sum(labels[i] for i in members) / len(members)
            ece += len(members) / len(p) * abs(freq - conf)
        ours = expected_calibration_error(torch.tensor(p), torch.tensor(2 * labels - 1), n_bins)
        assert ours == pytest.approx(ece, rel=1e-12)
        art = plot_reliability(p, labels, n_bins=n_bins, linestyle="--")
        assert art.ece == ours and art.curve.get_linestyle() == "--"
        plt.close(art.ax.figure)
    # perfectly calibrated bins: predictions 0.25 and 0.75, a quarter and three quarters positive
    p = np.array([0.25] * 4 + [0.75] * 4)
    assert expected_calibration_error(p, np.array([1, 0, 0, 0, 1, 1, 1, 0]), 2) == 0.0


@pytest.mark.parametrize(
    ("p", "labels", "n_bins", "message"),
    [
        ([0.2, 1.3], [0, 1], 10, r"in \[0, 1\]; got values from 0.2 to 1.3"),
        ([0.2, 0.3], [0, 2], 10, r"labels must be in \{0, 1\} or in \{-1, \+1\}"),
        ([0.2, 0.3], [0, 1], 0, r"n_bins must be an integer >= 1; got 0"),
    ],
)
def test_expected_calibration_error_bad_input(p, labels, n_bins, message):
    with pytest.raises(ValueError, match=message):
        expected_calibration_error(np.array(p), np.array(labels), n_bins)


# ----------------------------------------------------------------------------------------------
# plot_history
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sgd_result():
    from hinge_utils.training import train_sgd

    X, y = _blobs(40)
    return train_sgd(
        torch.tensor(X, dtype=torch.float32),
        torch.tensor(y, dtype=torch.float32),
        epochs=12,
        lr=0.1,
    )


def test_plot_history_draws_every_column_of_a_training_history(sgd_result):
    history = sgd_result.history
    art = plot_history(history, label="hinge")
    assert list(art.axes) == ["objective", "accuracy", "n_violators", "frac_nonzero_grad"]
    for name, line in art.lines.items():
        expected = [getattr(record, name) for record in history]  # read the records directly
        np.testing.assert_array_equal(line.get_ydata(), expected)
        np.testing.assert_array_equal(line.get_xdata(), [r.epoch for r in history])
    figure = art.axes["objective"].figure
    assert len({ax.figure for ax in art.axes.values()}) == 1 and len(figure.axes) == 4
    assert (
        art.axes["accuracy"].get_shared_x_axes().joined(art.axes["accuracy"], art.axes["objective"])
    )
    assert [t.get_text() for t in art.legend.get_texts()] == ["hinge"]
    assert plot_history(sgd_result, panels=["objective"]).lines[
        "objective"
    ].get_ydata().tolist() == [
        r.objective for r in history
    ]  # a result with .history is accepted too


def test_plot_history_mapping_and_dict_records_agree_and_overlay():
    columns = {
        "objective": [3.0, 2.0, 1.5],
        "accuracy": [0.5, 0.75, 0.8],
        "n_violators": [9, 5, 4],
        "frac_nonzero_grad": [0.9, 0.5, 0.4],
    }
    records = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    first = plot_history(columns, label="a")
    second = plot_history(records, axes=list(first.axes.values()), label="b")
    for name in columns:
        assert first.lines[name].get_xydata().tolist() == second.lines[name].get_xydata().tolist()
        assert first.lines[name].get_ydata().tolist() == columns[name]
        assert len(first.axes[name].get_lines()) == 2
    assert [t.get_text() for t in second.legend.get_texts()] == ["a", "b"]
    art = plot_history({"objective": [1.0, 0.5], "epoch": [10, 20]}, panels=("objective",))
    assert art.lines["objective"].get_xdata().tolist() == [10.0, 20.0]


@pytest.mark.parametrize(
    ("history", "kwargs", "error", "message"),
    [
        ({"objective": [1.0]}, {"panels": ["loss"]}, ValueError, r"panels must be distinct names"),
        ({"objective": [1.0]}, {}, ValueError, r"history has no column 'accuracy'"),
        ([{"objective": 1.0}], {}, ValueError, r"record 0 has no key 'accuracy'"),
        (
            {"objective": [1.0, 2.0], "accuracy": [1.0]},
            {"panels": ["objective", "accuracy"]},
            ValueError,
            r"equal lengths",
        ),
        (
            5,
            {},
            TypeError,
            r"history must be a sequence of records or a mapping of columns; got int",
        ),
        ({"objective": ["a"]}, {"panels": ["objective"]}, TypeError, r"must hold numbers"),
    ],
)
def test_plot_history_bad_input(history, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_history(history, **kwargs)
