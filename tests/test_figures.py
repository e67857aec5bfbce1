"""What a projector shows: every plotting helper of hinge_utils.plotting, called with small data.

Two checks on what is drawn, after ``fig.canvas.draw()`` (no pixels compared):

- **no clash**: no two series of one axes (lines and scatters with a legend label) share both
  colour and line style (for markers: colour and marker), so each can be told apart without
  reading the legend's order;
- **nothing cut**: every title, axis label, figure title and legend lies inside the figure
  (its window extent within ``fig.bbox``), so nothing is clipped when the figure is shown or saved.

The checkers are tested on figures made to fail, so a clash or a cut label cannot pass unseen.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import hinge_utils.plotting as hp  # noqa: E402
from hinge_utils.figure_description import description  # noqa: E402
from hinge_utils.losses import BINARY, MULTICLASS  # noqa: E402
from hinge_utils.margins import MARGIN_ATOL, MARGIN_RTOL  # noqa: E402
from hinge_utils.plotting import LOSS_STYLES  # noqa: E402

TOLERANCE_PX = 1.0  # a text may touch the figure's edge, not cross it


# ---------------------------------------------------------------------------------------------
# The two checkers


def _rgba(color: object) -> tuple[float, ...]:
    return tuple(round(float(c), 3) for c in mcolors.to_rgba(color))  # type: ignore[arg-type]


def series_keys(ax: Axes) -> list[tuple[str, tuple[object, ...]]]:
    """(label, appearance) of each labelled series of ``ax``: lines and scatters."""
    keys: list[tuple[str, tuple[object, ...]]] = []
    for line in ax.get_lines():
        label = str(line.get_label())
        if label.startswith("_") or not line.get_visible():
            continue
        style = line.get_linestyle() if line.get_linestyle() not in ("None", "none", "") else None
        marker = line.get_marker() if line.get_marker() not in ("None", "none", "", None) else None
        keys.append((label, ("line", _rgba(line.get_color()), style, marker)))
    for collection in ax.collections:
        label = str(collection.get_label())
        if label.startswith("_") or not isinstance(collection, PathCollection):
            continue
        faces = collection.get_facecolor()
        face = _rgba(faces[0]) if len(faces) else None
        keys.append((label, ("scatter", face, collection.get_paths()[0].vertices.shape)))
    return keys


def clashes(fig: Figure) -> list[str]:
    """Pairs of series in one axes of ``fig`` that look alike (same colour and line style)."""
    fig.canvas.draw()
    found = []
    for ax in fig.axes:
        for (a, key_a), (b, key_b) in itertools.combinations(series_keys(ax), 2):
            if key_a == key_b:
                found.append(f"{a!r} and {b!r} share colour and style {key_a}")
    return found


def cut_texts(fig: Figure) -> list[str]:
    """Titles, axis labels, the figure title and legends of ``fig`` that reach outside it."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = fig.bbox
    texts = []
    for ax in fig.axes:
        texts += [("title", ax.title), ("x label", ax.xaxis.label), ("y label", ax.yaxis.label)]
        if ax.get_legend() is not None:
            texts.append(("legend", ax.get_legend()))
    if fig._suptitle is not None:  # noqa: SLF001 (matplotlib keeps it there)
        texts.append(("figure title", fig._suptitle))  # noqa: SLF001
    texts += [("figure legend", legend) for legend in fig.legends]
    cut = []
    for what, artist in texts:
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            continue
        extent = artist.get_window_extent(renderer)
        if (extent.x0 < box.x0 - TOLERANCE_PX or extent.y0 < box.y0 - TOLERANCE_PX
                or extent.x1 > box.x1 + TOLERANCE_PX or extent.y1 > box.y1 + TOLERANCE_PX):
            shown = artist.get_text() if hasattr(artist, "get_text") else "legend"
            cut.append(f"{what} {shown!r} at {extent.bounds} outside the figure {box.bounds}")
    return cut


# ---------------------------------------------------------------------------------------------
# Every plotting helper, with small data and the lessons' kind of titles


def _blobs() -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[2.0, 3.0], [3.0, 1.5], [1.5, 1.0], [0.0, 1.0], [1.0, 0.5], [0.5, -0.5]])
    return X, np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])


def _zoo() -> Figure:
    names = ["zero_one", "hinge", "squared_hinge", "smooth_hinge", "logistic_bits", "exponential",
             "perceptron", "modified_huber"]
    return hp.plot_losses(names, m_range=(-3, 3), ylim=(-0.3, 12.5),
                          title="Margin losses: all fall as m grows; most lie above the 0-1 loss"
                          ).ax.figure


def _every_binary_loss(derivative: bool) -> Figure:
    return hp.plot_losses(list(BINARY), derivative=derivative, num=101,
                          title="Every loss of the registry in one frame").ax.figure


def _boundary() -> Figure:
    return hp.plot_decision_boundary(np.array([1.2, 1.6]), -4.0, *_blobs(),
                                     title="A line picked by hand and its margin band").ax.figure


def _boundary_updated() -> Figure:
    art = hp.plot_decision_boundary(np.array([1.2, 1.6]), -4.0, *_blobs(), title="before")
    hp.update_decision_boundary(art, np.array([2.0, 1.0]), -3.0)
    return art.ax.figure


def _multiclass() -> Figure:
    X = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0], [2.5, 2.5], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 2, 1, 2, 0])
    W, b = np.array([[-1.0, -1.0], [1.0, 0.0], [0.0, 1.0]]), np.zeros(3)
    art = hp.plot_multiclass_regions(W, b, X, y, resolution=20,
                                     title="Three scores, three regions: the highest wins")
    hp.update_multiclass_regions(art, W * 2.0, b)
    return art.ax.figure


def _reliability() -> Figure:
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200)
    labels = (rng.uniform(size=200) < p).astype(int)
    art = hp.plot_reliability(p, labels, label="Platt",
                              title="Calibrated: the points hug the diagonal")
    hp.plot_reliability(np.clip(p * 1.3, 0, 1), labels, ax=art.ax, label="raw", linestyle="--",
                        color=hp.COLORS["cross_entropy"], show_diagonal=False)
    return art.ax.figure


def _reliability_comparison() -> Figure:
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200)
    labels = (rng.uniform(size=200) < p).astype(int)
    models = {"cross-entropy": p, "hinge, Platt": np.clip(p * 0.9 + 0.05, 0, 1),
              "hinge, raw": np.clip(p * 1.3, 0, 1)}
    art = hp.plot_reliability_comparison(  # type: ignore[attr-defined]
        models, labels, title="Three models on one test set")
    fig: Figure = art.fig
    return fig


def _history() -> Figure:
    history = {"objective": [2.0, 1.2, 1.0], "accuracy": [0.5, 0.8, 0.9],
               "n_violators": [10, 6, 4], "frac_nonzero_grad": [1.0, 0.6, 0.4]}
    art = hp.plot_history(history, label="lr = 0.01", title="Training history of two runs")
    hp.plot_history({k: [v * 0.9 for v in values] for k, values in history.items()},
                    axes=list(art.axes.values()), label="lr = 0.1",
                    color=hp.COLORS["cross_entropy"])
    return next(iter(art.axes.values())).figure


def _gradient_magnitude() -> Figure:
    return hp.plot_gradient_magnitude(margins=np.array([-1.0, 0.5, 2.0]),
                                      title="The hinge ignores points past the margin").ax.figure


def _panels() -> Figure:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    hp.plot_losses(["hinge", "smooth_hinge", "softplus_hinge", "squared_hinge"], ax=left,
                   title="loss")
    hp.plot_losses(["hinge", "smooth_hinge", "softplus_hinge", "squared_hinge"], ax=right,
                   derivative=True, title="slope")
    fig.suptitle("Smoothed hinges keep slope -1 for mistakes; the squared hinge's keeps growing")
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {
    "plot_losses, the zoo": _zoo,
    "plot_losses, every binary loss": lambda: _every_binary_loss(False),
    "plot_losses, every slope": lambda: _every_binary_loss(True),
    "plot_losses, two panels and a figure title": _panels,
    "plot_gradient_magnitude": _gradient_magnitude,
    "plot_decision_boundary": _boundary,
    "update_decision_boundary": _boundary_updated,
    "plot_multiclass_regions and update_multiclass_regions": _multiclass,
    "plot_reliability, two models": _reliability,
    "plot_history, two runs": _history,
}
if hasattr(hp, "plot_reliability_comparison"):  # lesson 6's comparison, where it exists
    FIGURES["plot_reliability_comparison"] = _reliability_comparison

# Every public helper that draws is exercised above (a new one must be added here).
DRAWING_HELPERS = {name for name in hp.__all__ if name.startswith(("plot_", "update_"))}
COVERED = {"plot_losses", "plot_gradient_magnitude", "plot_decision_boundary",
           "update_decision_boundary", "plot_multiclass_regions", "update_multiclass_regions",
           "plot_reliability", "plot_history"} | ({"plot_reliability_comparison"} & set(FIGURES))


def test_every_drawing_helper_is_checked():
    assert DRAWING_HELPERS == COVERED


@pytest.mark.parametrize("name", list(FIGURES))
def test_no_two_series_share_colour_and_style(name):
    fig = FIGURES[name]()
    try:
        assert clashes(fig) == []
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", list(FIGURES))
def test_titles_labels_and_legends_lie_inside_the_figure(name):
    fig = FIGURES[name]()
    try:
        assert cut_texts(fig) == []
    finally:
        plt.close(fig)


@pytest.mark.parametrize("table", [BINARY, MULTICLASS], ids=["BINARY", "MULTICLASS"])
def test_each_loss_has_its_own_colour_and_line_style(table):
    looks = [(LOSS_STYLES[name]["color"], LOSS_STYLES[name]["linestyle"]) for name in table]
    assert len(set(looks)) == len(looks)
    okabe_ito = {c.upper() for c in hp.OKABE_ITO.values()}
    assert {color.upper() for color, _ in looks} <= okabe_ito


def test_the_zoo_uses_seven_colours_and_no_yellow():
    # Yellow is unreadable on white; the zoo's eight curves share only one colour, told apart
    # by the line style (the zero-one loss and the perceptron, both black).
    zoo = ["zero_one", "hinge", "squared_hinge", "smooth_hinge", "logistic_bits", "exponential",
           "perceptron", "modified_huber"]
    colours = [LOSS_STYLES[name]["color"] for name in zoo]
    assert hp.OKABE_ITO["yellow"] not in colours and len(set(colours)) == 7


# ---------------------------------------------------------------------------------------------
# The checkers can fail


def test_a_clash_is_found():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color="#CC79A7", linestyle="-", label="hinge")
    ax.plot([0, 1], [1, 0], color="#CC79A7", linestyle="-", label="smoothed hinge")
    ax.plot([0, 1], [0.5, 0.5], color="#CC79A7", linestyle="--", label="told apart by dashes")
    try:
        found = clashes(fig)
        assert len(found) == 1 and "'hinge' and 'smoothed hinge'" in found[0]
    finally:
        plt.close(fig)


def test_a_cut_title_and_label_are_found():
    fig, ax = plt.subplots(figsize=(3, 2), layout="none")
    ax.set_position((0.0, 0.0, 1.0, 0.95))  # no room left for the labels
    ax.set_title("a title far too long for so small a figure, running off the right edge")
    ax.set_ylabel("y label")
    try:
        found = cut_texts(fig)
        assert any(f.startswith("title") for f in found)
        assert any(f.startswith("y label") for f in found)
    finally:
        plt.close(fig)


GENERIC = {"", "figure", "image", "png", "output", "plot"}


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_helper_says_what_its_figure_shows(name):
    # The description the docs site uses as the figure's alt text: present, specific.
    fig = FIGURES[name]()
    try:
        text = description(fig)
        assert text is not None and text.strip().lower() not in GENERIC, text
        assert len(text.split()) >= 6, text
    finally:
        plt.close(fig)


def test_the_boundary_description_counts_as_the_library_does():
    # Counted independently: margins y f(x) against the library's one tolerance.
    from hinge_utils.plotting import plot_decision_boundary

    X, y = _blobs()
    weight, bias = np.array([1.0, 0.5]), -0.25
    art = plot_decision_boundary(weight, bias, X, y)
    try:
        margins = y * (X @ weight + bias)
        tol = MARGIN_ATOL + MARGIN_RTOL * 1.0
        support = int((margins <= 1 + tol).sum())
        violators = int((margins < 1 - tol).sum())
        text = description(art.ax.figure)
        assert f"{support} support vectors ringed" in text, text
        assert f"{violators} margin violators crossed" in text, text
        assert "w = (1.00, 0.50), b = -0.25" in text, text
    finally:
        plt.close(art.ax.figure)
