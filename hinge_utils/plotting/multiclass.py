r"""A linear multi-class classifier on 2-D points: the regions where each class wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import ListedColormap
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Annotation

from hinge_utils.figure_description import describe_panel
from hinge_utils.plotting._data import as_array, class_labels, points_2d
from hinge_utils.plotting._geometry import class_region, line_in_box, padded_limits, score_arrow
from hinge_utils.plotting.style import CLASS_COLORS, CLASS_MARKERS, styled_axes

__all__ = [
    "MulticlassArtists",
    "plot_multiclass_regions",
    "predicted_regions",
    "update_multiclass_regions",
]


@dataclass
class MulticlassArtists:
    r"""What :func:`plot_multiclass_regions` drew.

    Attributes:
        ax: the axes.
        regions: with ``fill="image"``, the image of predicted classes (``regions.get_array()``
            holds the class index of each grid cell, row 0 at the bottom); None with
            ``fill="polygons"``.
        polygons: with ``fill="polygons"``, one exact convex polygon per class (empty where the
            class wins nowhere in view); empty with ``fill="image"``.
        zero_lines: one dashed line per class, :math:`w_k^\top x + b_k = 0` (empty when not in
            view or :math:`w_k = 0`).
        arrows: one arrow per class along :math:`w_k`, from the middle of its zero line (hidden
            when that line is not drawn).
        points: scatter of each class.
        legend: the legend, or None.
        xlim, ylim: the axes limits (and the image extent).
        resolution: grid cells per side of the image.
        show_zero_lines: whether the zero lines and arrows are shown.
    """

    ax: Axes
    regions: AxesImage | None
    polygons: list[Polygon]
    zero_lines: list[Line2D]
    arrows: list[Annotation]
    points: list[PathCollection]
    legend: Legend | None
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    resolution: int = 300
    show_zero_lines: bool = True

    @property
    def moving(self) -> list:
        """The artists :func:`update_multiclass_regions` changes (for a blitting canvas)."""
        regions = [] if self.regions is None else [self.regions]
        return [*regions, *self.polygons, *self.zero_lines, *self.arrows]


def predicted_regions(
    weight: np.ndarray,
    bias: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int,
) -> np.ndarray:
    r"""Predicted class :math:`\arg\max_k (w_k^\top x + b_k)` at the centres of a grid of cells.

    The box is cut into ``resolution x resolution`` cells; row ``i`` of the result is the
    ``i``-th row of cells from the bottom (``imshow(..., origin="lower")``). Ties go to the lower
    class index.

    Shape:
        - weight: :math:`(K, 2)`; bias: :math:`(K)`; Output: ``(resolution, resolution)``.

    Examples::

        >>> # s_0 = x1, s_1 = -x1: class 0 wins on the right half of [-1, 1] x [0, 1]
        >>> predicted_regions(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.zeros(2),
        ...                   (-1.0, 1.0), (0.0, 1.0), 2).tolist()
        [[1, 0], [1, 0]]
    """
    step_x = (xlim[1] - xlim[0]) / resolution
    step_y = (ylim[1] - ylim[0]) / resolution
    centres_x = xlim[0] + (np.arange(resolution) + 0.5) * step_x
    centres_y = ylim[0] + (np.arange(resolution) + 0.5) * step_y
    grid_x, grid_y = np.meshgrid(centres_x, centres_y)  # row i: i-th row from the bottom
    scores = grid_x[..., None] * weight[:, 0] + grid_y[..., None] * weight[:, 1] + bias
    return scores.argmax(axis=-1)


def _check_model(weight: object, bias: object) -> tuple[np.ndarray, np.ndarray]:
    w = as_array(weight, "weight")
    b = as_array(bias, "bias")
    if w.ndim != 2 or w.shape[1] != 2 or w.shape[0] < 2:
        raise ValueError(
            f"weight must have shape (K, 2), one row w_k per class (K >= 2); got shape {w.shape}: "
            "for nn.Linear(2, K) pass model.weight"
        )
    num_classes = w.shape[0]
    if b.shape != (num_classes,):
        raise ValueError(
            f"bias must have shape (K,) = ({num_classes},), one entry per row of weight; "
            f"got shape {b.shape}: for nn.Linear(2, K) pass model.bias"
        )
    if num_classes > len(CLASS_COLORS):
        raise ValueError(
            f"at most {len(CLASS_COLORS)} classes can be told apart by colour; got K = "
            f"{num_classes}: plot a subset of the classes"
        )
    return w, b


def plot_multiclass_regions(
    weight: object,
    bias: object,
    X: object,
    y: object,
    ax: Axes | None = None,
    *,
    resolution: int = 300,
    fill: str = "image",
    alpha: float = 0.22,
    show_zero_lines: bool = True,
    class_names: Sequence[str] | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    legend: bool = True,
    title: str | None = None,
) -> MulticlassArtists:
    r"""Draw the decision regions of scores :math:`s_k(x) = w_k^\top x + b_k` over 2-D points.

    Each grid cell is coloured by the winning class :math:`\arg\max_k s_k(x)` (the boundaries
    between regions are where two scores tie, :math:`s_j = s_k`). Each class's own zero line
    :math:`s_k(x) = 0` is drawn dashed in its colour with an arrow along :math:`w_k`, the direction
    in which its score grows. Points are coloured (and shaped) by their true class.

    Args:
        weight: rows :math:`w_k`, shape ``(K, 2)``.
        bias: :math:`b`, shape ``(K,)``.
        X: points, shape ``(N, 2)``.
        y: class indices in :math:`[0, K)`, shape ``(N,)``.
        ax: axes to draw in; a new 7.5 x 5 in figure in the course style if None.
        resolution: grid cells per side of the image. Default: 300.
        fill: ``"image"`` (the winning class sampled on a grid) or ``"polygons"`` (each
            region as the exact convex polygon :func:`~hinge_utils.plotting._geometry.class_region`,
            cheap to move: what an explorer redraws). Default: ``"image"``.
        alpha: opacity of the regions. Default: 0.22.
        show_zero_lines: draw the lines :math:`s_k = 0` and arrows :math:`w_k`. Default: True.
        class_names: legend names of the classes (default ``"class 0"``, ``"class 1"``, ...).
        xlim, ylim: axes limits; by default the data range padded by 10%.
        legend: draw a legend outside the axes, on the right. Default: True.
        title: a title stating the point of the figure, or None.

    Shape:
        - weight: :math:`(K, 2)`; bias: :math:`(K)`; X: :math:`(N, 2)`; y: :math:`(N)`.

    Returns:
        :class:`MulticlassArtists`.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> W = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]); b = np.zeros(3)
        >>> X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.0]]); y = np.array([0, 1, 2])
        >>> art = plot_multiclass_regions(W, b, X, y, resolution=50)
        >>> # s_2 = x2 = 0 is the horizontal axis; its arrow w_2 = (0, 1) points up
        >>> art.zero_lines[2].get_ydata().tolist()
        [0.0, 0.0]
        >>> plt.close(art.ax.figure)
    """
    w, b = _check_model(weight, bias)
    num_classes = w.shape[0]
    points = points_2d(X)
    labels = class_labels(y, len(points), num_classes)
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}: e.g. 300")
    if fill not in ("image", "polygons"):
        raise ValueError(f"fill must be 'image' or 'polygons'; got {fill!r}: 'polygons' for a "
                         "figure redrawn often")
    if class_names is None:
        class_names = [f"class {k}" for k in range(num_classes)]
    elif len(class_names) != num_classes:
        raise ValueError(
            f"class_names must have K = {num_classes} entries, one per row of weight; "
            f"got {len(class_names)}"
        )
    xlim = padded_limits(points[:, 0], xlim, "xlim")
    ylim = padded_limits(points[:, 1], ylim, "ylim")
    colors = list(CLASS_COLORS[:num_classes])

    with styled_axes(ax, (7.5, 5.0)) as ax:
        if legend:  # keep the outside legend next to the (equal-aspect, narrower) axes
            ax.set_anchor("W")
        regions = None
        polygons: list[Polygon] = []
        if fill == "image":
            regions = ax.imshow(
                predicted_regions(w, b, xlim, ylim, resolution),
                extent=(*xlim, *ylim), origin="lower", cmap=ListedColormap(colors),
                vmin=-0.5, vmax=num_classes - 0.5, alpha=alpha, interpolation="nearest",
                zorder=0,
            )
        else:
            polygons = [Polygon(np.zeros((1, 2)), closed=True, zorder=0, facecolor=colors[k],
                                alpha=alpha, edgecolor="none") for k in range(num_classes)]
            for polygon in polygons:
                ax.add_patch(polygon)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_autoscale_on(False)
        ax.grid(False)

        zero_lines = [ax.plot([], [], color=colors[k], linestyle="--", linewidth=2.0, zorder=2,
                              visible=show_zero_lines)[0] for k in range(num_classes)]
        arrows = [ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0), zorder=3,
                              annotation_clip=False, visible=False,
                              arrowprops={"arrowstyle": "-|>", "color": colors[k],
                                          "linewidth": 2.2, "mutation_scale": 18, "shrinkA": 0,
                                          "shrinkB": 0})
                  for k in range(num_classes)]

        scatters = [
            ax.scatter(points[labels == k, 0], points[labels == k, 1], marker=CLASS_MARKERS[k],
                       color=colors[k], s=42,
                       edgecolors="white", linewidths=0.6, zorder=4, label=class_names[k])
            for k in range(num_classes)
        ]
        ax.set_xlabel(r"$x_1$")
        ax.set_ylabel(r"$x_2$")
        if title is not None:
            ax.set_title(title)
        legend_artist = None
        if legend:
            handles: list = list(scatters)
            if show_zero_lines:
                handles.append(Line2D([], [], color="#555555", linestyle="--", linewidth=2.0,
                                      label=r"$s_k(x) = 0$, arrow $w_k$"))
            legend_artist = ax.legend(handles=handles, loc="upper left",
                                      bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    art = MulticlassArtists(ax=ax, regions=regions, polygons=polygons, zero_lines=zero_lines,
                            arrows=arrows, points=scatters, legend=legend_artist, xlim=xlim,
                            ylim=ylim, resolution=resolution, show_zero_lines=show_zero_lines)
    update_multiclass_regions(art, w, b)
    return art


def update_multiclass_regions(art: MulticlassArtists, weight: object, bias: object) -> None:
    r"""Move what :func:`plot_multiclass_regions` drew to new scores :math:`W x + b`.

    Updates the regions (image or polygons), the zero lines and the arrows in place; creates no
    artist, so a figure redrawn by blitting keeps every artist it registered.

    Example::

        >>> import matplotlib.pyplot as plt
        >>> W = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]); b = np.zeros(3)
        >>> X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.0]]); y = np.array([0, 1, 2])
        >>> art = plot_multiclass_regions(W, b, X, y, fill="polygons", xlim=(-2, 2), ylim=(-2, 2))
        >>> update_multiclass_regions(art, W, np.array([0.0, 0.0, 1.0]))
        >>> # s_2 = x2 + 1 = 0 is now the line x2 = -1
        >>> art.zero_lines[2].get_ydata().tolist()
        [-1.0, -1.0]
        >>> plt.close(art.ax.figure)
    """
    w, b = _check_model(weight, bias)
    if w.shape[0] != len(art.zero_lines):
        raise ValueError(f"weight must have {len(art.zero_lines)} rows, one per class drawn; "
                         f"got {w.shape[0]}: plot the new model with plot_multiclass_regions")
    if art.regions is not None:
        art.regions.set_data(predicted_regions(w, b, art.xlim, art.ylim, art.resolution))
    for k, patch in enumerate(art.polygons):
        polygon = class_region(w, b, k, art.xlim, art.ylim)
        patch.set_xy(polygon if len(polygon) >= 3 else np.zeros((1, 2)))
    length = 0.12 * min(art.xlim[1] - art.xlim[0], art.ylim[1] - art.ylim[0])
    n_points = sum(int(np.asarray(scatter.get_offsets()).shape[0]) for scatter in art.points)
    text = (f"{w.shape[0]} classes of {n_points} points in the plane, each region coloured by the "
            "class with the highest score s_k(x) = w_k.x + b_k")
    if art.show_zero_lines:
        text += "; dashed lines where a class score is 0, arrows along each w_k"
    title = art.ax.get_title()
    describe_panel(art.ax, f"{title}: {text}" if title else text)
    for k, (line, arrow) in enumerate(zip(art.zero_lines, art.arrows, strict=True)):
        line.set_data(*line_in_box(w[k], b[k], 0.0, art.xlim, art.ylim))
        ends = score_arrow(w[k], b[k], length, art.xlim, art.ylim)
        arrow.set_visible(art.show_zero_lines and ends is not None)
        if ends is not None:
            base, tip = ends
            arrow.xy = tuple(tip)
            arrow.set_position(tuple(base))
