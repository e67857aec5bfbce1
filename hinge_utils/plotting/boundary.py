r"""A linear classifier on 2-D points: boundary, margin band, violators and support vectors.

:func:`plot_decision_boundary` draws once; :func:`update_decision_boundary` moves the same
artists to a new :math:`(w, b)` (``set_data``/``set_xy``, no new figure), fast enough for an
interactive explorer. The moving markers (violators, support vectors) are ``Line2D`` markers,
which Agg stamps from one cached raster: cheaper to redraw than scatter collections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Annotation, Text

from hinge_utils.figure_description import describe_panel
from hinge_utils.margins import margin_violators, support_vectors
from hinge_utils.plotting._data import binary_labels, points_2d, scalar, weight_2d
from hinge_utils.plotting._geometry import band_in_box, line_in_box, padded_limits
from hinge_utils.plotting.style import COLORS, styled_axes

__all__ = ["DecisionBoundaryArtists", "plot_decision_boundary", "update_decision_boundary"]

HIGHLIGHTS = ("both", "violators", "support", "none")
NO_WEIGHT_TEXT = "no boundary (w = 0)"
OUT_OF_VIEW_TEXT = "boundary outside the view"
# Where along the visible boundary segment the margin arrow may be rooted (fractions of it).
_ARROW_ANCHORS = np.linspace(0.1, 0.9, 9)


@dataclass
class DecisionBoundaryArtists:
    r"""What :func:`plot_decision_boundary` drew, and what :func:`update_decision_boundary` moves.

    Attributes:
        ax: the axes.
        points: scatter of each class, keyed ``+1`` and ``-1`` (per-point sizes and colours
            can be set on them).
        boundary: the line :math:`f(x) = 0` (empty data when not in view).
        margin_lines: the lines :math:`f(x) = -\Delta` and :math:`f(x) = +\Delta`, in that order.
        band: the shaded band :math:`|f(x)| \leq \Delta` (invisible when not drawn).
        violators: markers on the points with :math:`y f(x) < \Delta` (beyond the tolerance
            of :func:`hinge_utils.margins.margin_position`: a point on the band is no violator).
        support: rings around the support vectors, :math:`y f(x) \leq \Delta` up to the
            same tolerance.
        arrow: double arrow of length :math:`\Delta / \|w\|` from :math:`f = 0` to
            :math:`f = +\Delta`.
        arrow_label: its label.
        message: text shown when no boundary can be drawn (:math:`w = 0` or out of view).
        legend: the legend, or None.
        X, y: the points and labels drawn (float64 numpy arrays).
        margin: :math:`\Delta`.
        tolerance: ``rtol``/``atol`` passed to :func:`hinge_utils.margins.margin_violators`
            and :func:`hinge_utils.margins.support_vectors` (only those given; the others keep
            the library's defaults).
        highlight: which points are marked: ``"both"``, ``"violators"``, ``"support"``, ``"none"``.
        xlim, ylim: the fixed axes limits the lines are clipped to.
        show_margin_band, annotate_geometric_margin: as passed.
    """

    ax: Axes
    points: dict[int, PathCollection]
    boundary: Line2D
    margin_lines: tuple[Line2D, Line2D]
    band: Polygon
    violators: Line2D
    support: Line2D
    arrow: Annotation
    arrow_label: Annotation
    message: Text
    legend: Legend | None
    X: np.ndarray
    y: np.ndarray
    margin: float
    tolerance: dict[str, float]
    highlight: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    show_margin_band: bool
    annotate_geometric_margin: bool

    def moving_artists(self) -> list[Artist]:
        """The artists :func:`update_decision_boundary` changes for a new ``(w, b)``.

        Everything else (axes, ticks, labels, legend, the class points) stays put unless new
        points are passed, so a redraw may restore a cached background and draw only these
        (blitting).
        """
        return [self.band, self.boundary, *self.margin_lines, self.support, self.violators,
                self.arrow, self.arrow_label, self.message]


def _check_margin(margin: object) -> float:
    value = scalar(margin, "margin")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"margin must be a finite number > 0; got {margin!r}: e.g. margin=1.0")
    return value


def _check_highlight(highlight: object) -> str:
    if highlight is None:
        return "none"
    if highlight not in HIGHLIGHTS:
        raise ValueError(
            f"highlight must be one of {HIGHLIGHTS}; got {highlight!r}: 'violators' marks "
            "y f(x) < margin, 'support' rings y f(x) <= margin + tol, 'both' does both"
        )
    return str(highlight)


def _in_box(point: np.ndarray, xlim: tuple[float, float], ylim: tuple[float, float]) -> bool:
    return bool(xlim[0] <= point[0] <= xlim[1] and ylim[0] <= point[1] <= ylim[1])


def _margin_masks(
    art: DecisionBoundaryArtists, weight: np.ndarray, bias: float
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (violators, support vectors) of the points under ``(weight, bias)``."""
    X = torch.from_numpy(art.X)
    scores = X @ torch.from_numpy(weight) + bias
    targets = torch.from_numpy(art.y)
    violators = margin_violators(scores, targets, margin=art.margin, **art.tolerance)
    support = support_vectors(scores, targets, margin=art.margin, **art.tolerance)
    return violators.numpy(), support.numpy()


def _place_arrow(
    art: DecisionBoundaryArtists, weight: np.ndarray, xs: np.ndarray, ys: np.ndarray
) -> bool:
    """Put the margin arrow on the visible boundary segment; False if it cannot fit in view.

    Of a few anchors along the segment, the one whose arrow midpoint is furthest from the data
    points is used, so the arrow and its label stay readable.
    """
    if xs.size == 0:
        return False
    step = art.margin * weight / float(weight @ weight)  # from f = 0 to f = +margin
    start, end = np.array([xs[0], ys[0]]), np.array([xs[1], ys[1]])
    anchors = start + _ARROW_ANCHORS[:, None] * (end - start)
    fits = [_in_box(p + step, art.xlim, art.ylim) for p in anchors]
    if not any(fits):
        return False
    middles = anchors[fits] + step / 2
    if len(art.X):
        distances = np.linalg.norm(middles[:, None, :] - art.X[None, :, :], axis=-1).min(axis=1)
    else:
        distances = np.zeros(len(middles))
    p0 = anchors[fits][int(np.argmax(distances))]
    p1 = p0 + step
    art.arrow.xy = tuple(p1)
    art.arrow.set_position(tuple(p0))
    width = art.margin / float(np.linalg.norm(weight))
    numerator = "1" if art.margin == 1.0 else f"{art.margin:g}"
    # Plain text, not math text: a new number would be parsed again on every redraw.
    art.arrow_label.set_text(f"{numerator}/\N{DOUBLE VERTICAL LINE}w\N{DOUBLE VERTICAL LINE}"
                             f" = {width:.2f}")
    art.arrow_label.xy = tuple((p0 + p1) / 2)
    # Offset the label sideways (along the boundary), away from the arrow.
    side = np.array([-weight[1], weight[0]]) / float(np.linalg.norm(weight))
    if side[0] < 0 or (side[0] == 0 and side[1] < 0):
        side = -side
    art.arrow_label.set_position(tuple(8.0 * side))
    art.arrow_label.set_horizontalalignment("left" if side[0] > 0.3 else "center")
    art.arrow_label.set_verticalalignment("bottom" if side[1] >= 0 else "top")
    return True


def update_decision_boundary(
    art: DecisionBoundaryArtists,
    weight: object,
    bias: object,
    X: object | None = None,
    y: object | None = None,
) -> DecisionBoundaryArtists:
    r"""Move the artists of :func:`plot_decision_boundary` to a new :math:`(w, b)` (and data).

    Only data of existing artists change (``set_data``, ``set_offsets``, ``set_xy``,
    ``set_text``); nothing is created or removed, so a redraw costs one
    ``fig.canvas.draw_idle()``, or less by blitting :meth:`DecisionBoundaryArtists.moving_artists`
    (the class points move only when ``X`` and ``y`` are passed).

    Args:
        art: what :func:`plot_decision_boundary` returned.
        weight: :math:`w`, shape ``(2,)``.
        bias: :math:`b`, a number or a tensor of shape ``()`` or ``(1,)``.
        X: new points ``(N, 2)``, or None to keep the current ones.
        y: new labels ``(N,)`` in {-1, +1}; required with ``X``.

    Returns:
        ``art``, updated in place.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]]); y = torch.tensor([1, -1])
        >>> art = plot_decision_boundary(torch.tensor([1.0, 0.0]), 0.0, X, y)
        >>> _ = update_decision_boundary(art, torch.tensor([0.0, 2.0]), 0.0)
        >>> # w = (0, 2): the boundary 2 x2 = 0 is the horizontal axis x2 = 0
        >>> art.boundary.get_ydata().tolist()
        [0.0, 0.0]
        >>> plt.close(art.ax.figure)
    """
    if X is not None or y is not None:
        if X is None or y is None:
            raise ValueError("pass X and y together (new points need new labels), or neither")
        art.X = points_2d(X)
        art.y = binary_labels(y, len(art.X))
        for label, scatter in art.points.items():
            scatter.set_offsets(art.X[art.y == label])
    w = weight_2d(weight)
    b = scalar(bias, "bias")

    violators, support = _margin_masks(art, w, b)
    show_violators = art.highlight in ("both", "violators")
    show_support = art.highlight in ("both", "support")
    art.violators.set_data(*art.X[violators & show_violators].T)
    art.support.set_data(*art.X[support & show_support].T)

    xs, ys = line_in_box(w, b, 0.0, art.xlim, art.ylim)
    art.boundary.set_data(xs, ys)
    for line, level in zip(art.margin_lines, (-art.margin, art.margin), strict=True):
        line.set_data(*line_in_box(w, b, level, art.xlim, art.ylim))

    band = band_in_box(w, b, art.margin, art.xlim, art.ylim) if art.show_margin_band else None
    if band is not None and len(band):
        art.band.set_xy(band)
        art.band.set_visible(True)
    else:
        art.band.set_visible(False)

    arrow_shown = art.annotate_geometric_margin and _place_arrow(art, w, xs, ys)
    art.arrow.set_visible(arrow_shown)
    art.arrow_label.set_visible(arrow_shown)

    if not w.any():
        art.message.set_text(NO_WEIGHT_TEXT)
    elif xs.size == 0:
        art.message.set_text(OUT_OF_VIEW_TEXT)
    else:
        art.message.set_text("")
    art.message.set_visible(bool(art.message.get_text()))
    describe_panel(art.ax, _boundary_description(art, w, b, violators, support))
    return art


def _boundary_description(
    art: DecisionBoundaryArtists, w: np.ndarray, b: float, violators: np.ndarray,
    support: np.ndarray,
) -> str:
    """What the panel shows, in words (its alt text on the docs site)."""
    n_pos, n_neg = int((art.y == 1).sum()), int((art.y == -1).sum())
    text = (f"{n_pos} points of class +1 (circles) and {n_neg} of class -1 (squares) in the "
            f"plane, with the linear classifier w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}")
    if art.message.get_text():
        return f"{text}: {art.message.get_text()}"
    text += f"; solid line: the boundary w.x + b = 0; dashed: the margin lines at +-{art.margin:g}"
    if art.highlight in ("both", "support"):
        text += f"; {int(support.sum())} support vectors ringed"
    if art.highlight in ("both", "violators"):
        text += f"; {int(violators.sum())} margin violators crossed"
    title = art.ax.get_title()
    return f"{title}: {text}" if title else text


def plot_decision_boundary(
    weight: object,
    bias: object,
    X: object,
    y: object,
    ax: Axes | None = None,
    *,
    margin: float = 1.0,
    show_margin_band: bool = True,
    highlight: str | None = "both",
    annotate_geometric_margin: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    legend: bool = True,
    title: str | None = None,
) -> DecisionBoundaryArtists:
    r"""Draw a linear classifier :math:`f(x) = w^\top x + b` over labelled 2-D points.

    Draws the two classes, the decision boundary :math:`f(x) = 0` (solid), the margin lines
    :math:`f(x) = \pm\Delta` (dashed) with the band between them shaded, rings around the support
    vectors (:math:`y f(x) \leq \Delta` up to a tolerance), crosses on the margin violators
    (:math:`y f(x) < \Delta`), and a double arrow of length :math:`\Delta / \|w\|`, the distance
    from the boundary to each margin line. Lines are clipped to the axes limits (fixed from the
    data unless given) and the aspect ratio is equal, so distances look like distances.
    With :math:`w = 0` there is no boundary: nothing is drawn for it and a message says so.

    Violators and support vectors are found by :func:`hinge_utils.margins.margin_violators` and
    :func:`hinge_utils.margins.support_vectors`, with the library's one tolerance: a point on
    the band up to rounding is ringed, never crossed, so the figure agrees with every count.

    Args:
        weight: :math:`w`, shape ``(2,)``.
        bias: :math:`b`, a number or a tensor of shape ``()`` or ``(1,)``.
        X: points, shape ``(N, 2)``.
        y: labels in {-1, +1}, shape ``(N,)``.
        ax: axes to draw in; a new 7.5 x 5 in figure in the course style if None.
        margin: :math:`\Delta > 0`. Default: 1.0.
        show_margin_band: shade :math:`|f(x)| \leq \Delta`. Default: True.
        highlight: ``"both"``, ``"violators"``, ``"support"`` or ``"none"``. Default: ``"both"``.
        annotate_geometric_margin: draw the :math:`\Delta / \|w\|` arrow. Default: True.
        rtol, atol: the tolerance of "on the band", :math:`|y f(x) - \Delta| \leq
            \text{atol} + \text{rtol}\,|\Delta|`, for both markers (None: the library's one
            tolerance, :func:`~hinge_utils.margins.margin_position`).
        xlim, ylim: axes limits; by default the data range padded by 10%.
        legend: draw a legend outside the axes, on the right. Default: True.
        title: a title stating the point of the figure, or None.

    Shape:
        - weight: :math:`(2)`; X: :math:`(N, 2)`; y: :math:`(N)`.

    Returns:
        :class:`DecisionBoundaryArtists`; pass it to :func:`update_decision_boundary` to redraw.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> X = torch.tensor([[2.0, 0.0], [0.5, 1.0], [-2.0, 0.0]]); y = torch.tensor([1, 1, -1])
        >>> w = torch.tensor([1.0, 0.0])  # f(x) = x1: boundary x1 = 0, margins x1 = -1, +1
        >>> art = plot_decision_boundary(w, 0.0, X, y)
        >>> art.boundary.get_xdata().tolist(), art.margin_lines[1].get_xdata().tolist()
        ([0.0, 0.0], [1.0, 1.0])
        >>> # y f(x) = 2, 0.5, 2: only (0.5, 1) is inside the margin
        >>> art.violators.get_xydata().tolist()
        [[0.5, 1.0]]
        >>> plt.close(art.ax.figure)
    """
    points = points_2d(X)
    labels = binary_labels(y, len(points))
    margin = _check_margin(margin)
    highlight = _check_highlight(highlight)
    tolerance = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
    xlim = padded_limits(points[:, 0], xlim, "xlim")
    ylim = padded_limits(points[:, 1], ylim, "ylim")

    with styled_axes(ax, (7.5, 5.0)) as ax:
        if legend:  # keep the outside legend next to the (equal-aspect, narrower) axes
            ax.set_anchor("W")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_autoscale_on(False)
        band = Polygon(np.zeros((3, 2)), closed=True, facecolor=COLORS["margin"], alpha=0.12,
                       edgecolor="none", zorder=0.5, label="margin band")
        ax.add_patch(band)
        scatter_style: dict[str, Any] = {"s": 42, "edgecolors": "white", "linewidths": 0.6,
                                         "zorder": 3}
        point_artists = {
            1: ax.scatter(*points[labels == 1].T, marker="o", color=COLORS["pos"],
                          label="class +1", **scatter_style),
            -1: ax.scatter(*points[labels == -1].T, marker="s", color=COLORS["neg"],
                           label="class \N{MINUS SIGN}1", **scatter_style),
        }
        (boundary,) = ax.plot([], [], color=COLORS["boundary"], linewidth=2.5, zorder=2,
                              label=r"boundary $f = 0$")
        lower, upper = (
            ax.plot([], [], color=COLORS["margin"], linestyle="--", linewidth=1.8, zorder=2,
                    label=rf"margin $f = \pm{margin:g}$" if sign > 0 else "_nolegend_")[0]
            for sign in (-1, 1)
        )
        margin_lines = (lower, upper)
        (support,) = ax.plot([], [], linestyle="none", marker="o", markersize=13,
                             markerfacecolor="none", markeredgecolor=COLORS["support"],
                             markeredgewidth=1.6, zorder=4,
                             label=rf"support vector $y\,f \leq {margin:g}$")
        # A large cross under the point: its arms stick out, the point's class stays visible.
        (violators,) = ax.plot([], [], linestyle="none", marker="x", markersize=17,
                               markeredgecolor=COLORS["violator"], markeredgewidth=2.2,
                               zorder=2.9,
                               label=rf"violator $y\,f < {margin:g}$")
        arrow = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0), zorder=6,
                            arrowprops={"arrowstyle": "<->", "color": COLORS["boundary"],
                                        "linewidth": 1.8, "shrinkA": 0, "shrinkB": 0})
        arrow_label = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0),
                                  textcoords="offset points", fontsize="medium", zorder=6,
                                  bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                        "edgecolor": "none", "alpha": 0.85})
        message = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                          fontsize="large", color=COLORS["margin"], zorder=7,
                          bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                                "edgecolor": COLORS["margin"]})
        ax.set_xlabel(r"$x_1$")
        ax.set_ylabel(r"$x_2$")
        if title is not None:
            ax.set_title(title)

        art = DecisionBoundaryArtists(
            ax=ax, points=point_artists, boundary=boundary, margin_lines=margin_lines,
            band=band, violators=violators, support=support, arrow=arrow,
            arrow_label=arrow_label, message=message, legend=None, X=points, y=labels,
            margin=margin, tolerance=tolerance, highlight=highlight, xlim=xlim, ylim=ylim,
            show_margin_band=show_margin_band,
            annotate_geometric_margin=annotate_geometric_margin,
        )
        update_decision_boundary(art, weight, bias)
        if legend:
            handles = [point_artists[1], point_artists[-1], boundary, margin_lines[1]]
            handles += [support] if highlight in ("both", "support") else []
            if highlight in ("both", "violators"):  # a smaller cross reads better in a legend
                handles.append(Line2D([], [], linestyle="none", marker="x", markersize=10,
                                      markeredgecolor=COLORS["violator"], markeredgewidth=2.2,
                                      label=violators.get_label()))
            art.legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                                   borderaxespad=0.0)
    return art
