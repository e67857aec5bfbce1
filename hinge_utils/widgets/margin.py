r"""The margin explorer: move :math:`w` and :math:`b` by hand, watch margins, losses and gradients.

A linear classifier :math:`f(x) = w^\top x + b` on 2-D points with labels :math:`y \in \{-1, +1\}`.
The sliders set the direction of :math:`w` (an angle :math:`\theta`), its length :math:`\|w\|`,
the bias :math:`b` and the margin :math:`\Delta` the loss asks for:

.. math::
    w = \|w\| (\cos\theta, \sin\theta), \qquad m_i = y_i (w^\top x_i + b)

The loss is one of the losses the "fit" button can train (:data:`LOSSES`, from the registry
:mod:`hinge_utils.losses`); every number shown is computed by
:func:`hinge_utils.frames.margin_frame`. The left panel is
:func:`hinge_utils.plotting.plot_decision_boundary`: the data, the boundary
:math:`f(x) = 0`, the margin band :math:`|f(x)| \le \Delta`, violators (:math:`m_i < \Delta`)
crossed and support vectors (:math:`m_i \le \Delta`) ringed. The right panel puts each sample
on the loss curve at its functional margin :math:`m_i`, so its height is its loss; its area grows
with its gradient :math:`|\partial L / \partial f(x_i)|`, and it is hollow where that is zero.
The readouts give the mean loss, how many samples push (a non-zero gradient; for the hinges a
sample on the margin, at the kink, counts as not pushing), and the functional
margin :math:`\min_i m_i` and geometric margin :math:`\min_i m_i / \|w\|` of the worst sample.

With "scale b with ‖w‖" ticked (the default), the ‖w‖ slider rescales :math:`(w, b)` together:
the boundary stays where it is, so the geometric margins stay put while every functional margin,
and so the loss, changes. The bias slider widens when :math:`b` must go past its end, and a
bias set by hand while :math:`\|w\| = 0` is kept as it is when :math:`\|w\|` grows again.
:math:`w = 0` is a valid state: there is no boundary, every score is :math:`b`, and the
geometric margin is undefined.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from torch import Tensor

from hinge_utils.frames import MarginFrame, margin_frame, train_with_margin
from hinge_utils.losses import BINARY, binary_loss, trainable_binary
from hinge_utils.plotting._geometry import square_limits
from hinge_utils.plotting.boundary import plot_decision_boundary, update_decision_boundary
from hinge_utils.plotting.style import COLORS, LOSS_STYLES, course_style
from hinge_utils.widgets.base import (
    APP_DPI,
    Explorer,
    app_layout,
    check_in_range,
    check_view,
    figure_widgets,
    float_slider,
    readout,
)
from hinge_utils.widgets.canvas import PngCanvas

__all__ = ["LOSSES", "MarginExplorer", "default_datasets", "margin_explorer"]

LOSSES: tuple[str, ...] = trainable_binary()
"""The explorer's menu: the losses of :data:`hinge_utils.losses.BINARY` that "fit" can train."""

# What the panels say and how far up the loss axis reaches, by the loss's colour family (a
# registry property): relatives in a family push the same way.
_PANEL_TITLES = {  # family -> (data panel, loss panel)
    "hinge": ("Points with m < Δ pay", "Only m < Δ is pushed"),
    "squared_hinge": ("Points with m < Δ pay", "The push grows with Δ − m"),
    "cross_entropy": ("Every point pays something", "Every point is pushed a little"),
}
_DEFAULT_TITLES = ("Each point pays its loss", "Points on a slope push")
_CURVE_TOP = {"squared_hinge": 12.0}  # family -> top of the loss axis; 6 for the others


def default_datasets() -> dict[str, tuple[Tensor, Tensor]]:
    """The explorer's three binary data sets, 60 points each, float64, from :mod:`hinge_utils.data`.

    ``"separable"``: a street of width 1 separates the classes; ``"overlapping"``: the clouds
    overlap; ``"outliers"``: barely overlapping clouds plus 3 points of class +1 deep on the
    -1 side.
    """
    from hinge_utils import data

    X_out, y_out, _ = data.make_outlier_blobs(n=60, separation=4.0, n_outliers=3, distance=5.0,
                                              seed=0, dtype=torch.float64)
    return {
        "separable": data.make_separable_blobs(n=60, gap=1.0, seed=0, dtype=torch.float64),
        "overlapping": data.make_binary_blobs(n=60, separation=2.5, seed=0, dtype=torch.float64),
        "outliers": (X_out, y_out),
    }


def _rgba(color: str, n: int) -> np.ndarray:
    return np.tile(to_rgba(color), (n, 1))


class MarginExplorer(Explorer):
    """The widget behind :func:`margin_explorer`; see the module docstring for what it shows.

    Attributes:
        controls: ``"dataset"``, ``"loss"``, ``"angle"``, ``"norm"``, ``"bias"``, ``"margin"``,
            ``"scale_bias"``, ``"fit"`` and ``"reset"`` (all but the data set back to the start).
        readouts: ``"loss"``, ``"gradient"``, ``"functional"``, ``"geometric"``, ``"band"``
            (``ipywidgets.HTML``).
        frame: the :class:`hinge_utils.frames.MarginFrame` on display.
    """

    M_RANGE = (-4.0, 6.0)
    """Functional margins shown in the right panel; samples beyond it are drawn at its edge."""

    KEEP_ON_RESET = ("dataset",)

    FIGSIZE = {"lesson": ((11.0, 5.4), APP_DPI), "app": ((8.6, 6.3), APP_DPI)}
    """Figure size (inches) and dpi by view: 1056 x 518 px in a lesson, 826 x 605 px in the app."""

    def __init__(
        self,
        dataset: str = "overlapping",
        loss: str = "hinge",
        angle: float = 45.0,
        norm: float = 1.0,
        bias: float = 0.0,
        margin: float = 1.0,
        datasets: dict[str, tuple[Tensor, Tensor]] | None = None,
        fit_lambda: float = 0.01,
        view: str = "lesson",
    ) -> None:
        super().__init__()
        self.view = check_view(view)
        app = self.view == "app"
        slider_width = "100%" if app else "22em"
        given = default_datasets() if datasets is None else datasets
        self.datasets = {name: (X.to(torch.float64), y.to(torch.float64))
                         for name, (X, y) in given.items()}
        if dataset not in self.datasets:
            raise ValueError(
                f"dataset must be one of {sorted(self.datasets)}; got {dataset!r}: "
                "pass one of those names (or your own data in datasets={name: (X, y)})"
            )
        binary_loss(loss, choices=LOSSES)  # a ValueError listing the menu
        angle = check_in_range("angle", angle, -180.0, 180.0)
        norm = check_in_range("norm", norm, 0.0, 4.0)
        bias = check_in_range("bias", bias, -8.0, 8.0)
        margin = check_in_range("margin", margin, 0.0, 3.0)
        self.fit_lambda = check_in_range("fit_lambda", fit_lambda, 1e-6, 1e3)
        # b / ||w||, kept while ||w|| moves; None while ||w|| = 0 with a bias set by hand
        self._offset: float | None = bias / norm if norm > 0 else None

        controls: dict[str, widgets.Widget] = {
            "dataset": widgets.Dropdown(options=list(self.datasets), value=dataset,
                                        description="data",
                                        layout=widgets.Layout(width="100%" if app else "14em"),
                                        style={"description_width": "3em"}),
            "loss": widgets.ToggleButtons(
                options=[(BINARY[name].title, name) for name in LOSSES], value=loss,
                style={"button_width": "auto" if app else "12em"}),
            "angle": float_slider("angle of w (°)", angle, -180.0, 180.0, 1.0, "hu-slider-angle",
                                  readout_format=".0f", width=slider_width),
            "norm": float_slider("‖w‖", norm, 0.0, 4.0, 0.05, "hu-slider-norm",
                                 width=slider_width),
            "bias": float_slider("bias b", bias, -8.0, 8.0, 0.05, "hu-slider-bias",
                                 width=slider_width),
            "margin": float_slider("margin Δ", margin, 0.0, 3.0, 0.05, "hu-slider-margin",
                                   width=slider_width),
            "scale_bias": widgets.Checkbox(value=True, description="scale b with ‖w‖",
                                           indent=False, layout=widgets.Layout(width="11em")),
            "fit": widgets.Button(description="fit", icon="bullseye",
                                  tooltip=f"minimise this loss + {fit_lambda:g}/2 ‖w‖² "
                                          "(train_linear_svm), then move the sliders there",
                                  layout=widgets.Layout(width="6em")),
            "reset": widgets.Button(description="reset", icon="undo",
                                    tooltip="every slider, the loss and the lock back to the "
                                            "start (the data set stays)",
                                    layout=widgets.Layout(width="7em")),
        }
        for name in ("dataset", "loss", "scale_bias", "fit", "reset"):
            controls[name].add_class(f"hu-control-{name.replace('_', '-')}")
        controls["fit"].on_click(lambda _button: self.fit())
        controls["reset"].on_click(lambda _button: self.reset())
        self.controls = controls
        self._keep_exact({"angle": angle, "norm": norm, "bias": bias, "margin": margin})
        self.readouts = {name: readout(f"hu-readout-{name}")
                         for name in ("loss", "gradient", "functional", "geometric", "band")}

        figsize, dpi = self.FIGSIZE[self.view]
        self.canvas = PngCanvas(figsize=figsize, dpi=dpi)
        with course_style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-margin-figure", self.view)
        sliders = [controls[k] for k in ("angle", "norm", "bias", "margin")]
        buttons = [controls["scale_bias"], controls["fit"], controls["reset"]]
        if app:
            layout, self.side, self.main = app_layout(
                [controls["dataset"], controls["loss"], *sliders,
                 widgets.HBox(buttons, layout=widgets.Layout(align_items="center")),
                 *self.readouts.values()],
                [self.image, self.caption], "hu-margin-explorer")
        else:
            top = widgets.HBox([controls["dataset"], controls["loss"], *buttons],
                               layout=widgets.Layout(align_items="center"))
            numbers = widgets.VBox(list(self.readouts.values()))
            layout = widgets.VBox([top, widgets.HBox([widgets.VBox(sliders), numbers]),
                                   self.image, self.caption])
            layout.add_class("hu-margin-explorer")
        self._finish(layout, controls)

    # --- parameters -----------------------------------------------------------------------

    @property
    def data(self) -> tuple[Tensor, Tensor]:
        """The points ``X`` (``(N, 2)``) and labels ``y`` (``(N,)``, in {-1, +1}), float64."""
        return self.datasets[self.controls["dataset"].value]

    @property
    def weight(self) -> Tensor:
        r""":math:`w = \|w\| (\cos\theta, \sin\theta)` from the angle and length parameters."""
        theta = math.radians(self.param("angle"))
        norm = self.param("norm")
        return torch.tensor([norm * math.cos(theta), norm * math.sin(theta)], dtype=torch.float64)

    @property
    def bias(self) -> float:
        """The bias :math:`b` (exact; its slider shows it rounded to a step of 0.05)."""
        return float(self.param("bias"))

    def set_params(self, weight: Tensor | tuple[float, float], bias: float) -> None:
        """Set the weight vector :math:`w` and the bias :math:`b` exactly, with one redraw.

        The sliders show the values rounded to their steps. Values beyond a slider's range stop
        at its end (``‖w‖ <= 4``, ``|b| <= 8``).
        """
        w1, w2 = (float(v) for v in weight)
        norm = math.hypot(w1, w2)
        with self.hold():
            if norm > 0:
                self.set_param("angle", math.degrees(math.atan2(w2, w1)))
            self.set_param("norm", norm)
            self.set_param("bias", float(bias))
            norm = self.param("norm")
            self._offset = self.bias / norm if norm > 0 else None

    def fit(self) -> None:
        r"""Minimise the loss on display at the margin :math:`\Delta` of the slider,
        + :math:`\tfrac{\lambda}{2}\|w\|^2`, and move the sliders there.

        :func:`hinge_utils.frames.train_with_margin` solves it (the margin-1 optimum of
        :func:`~hinge_utils.training.train_linear_svm`, rescaled). :math:`\lambda` is
        :attr:`fit_lambda` (default 0.01).
        """
        X, y = self.data
        weight, bias = train_with_margin(X, y, lam=self.fit_lambda,
                                         loss=self.controls["loss"].value,
                                         margin=float(self.param("margin")))
        self.set_params(weight.reshape(2), float(bias))

    def _on_user_change(self, name: str, value: Any) -> None:
        if name == "norm" and self.controls["scale_bias"].value:
            if self._offset is None:  # b was set by hand at ||w|| = 0: keep that b
                self._offset = self.param("bias") / value if value > 0 else None
            else:  # b = ||w|| (b / ||w||): the boundary stays
                self._fit_bias_range(value * self._offset)
                self.set_param("bias", value * self._offset)
        elif name == "bias":
            norm = self.param("norm")
            self._offset = value / norm if norm > 0 else None
        elif name == "dataset":
            self._place_data()
        elif name == "loss":
            self._style_loss_panel()

    def _after_reset(self) -> None:
        norm = self.param("norm")
        self._offset = self.bias / norm if norm > 0 else None

    def _fit_bias_range(self, bias: float) -> None:
        """Widen the bias slider (in whole units) so that ``bias`` fits: never clip it."""
        slider = self.controls["bias"]
        if slider.min <= bias <= slider.max:
            return
        reach = float(math.ceil(abs(bias)))
        self._syncing = True
        try:
            slider.max, slider.min = max(slider.max, reach), min(slider.min, -reach)
        finally:
            self._syncing = False

    # --- figure ---------------------------------------------------------------------------

    def _build_figure(self) -> None:
        fig = self.canvas.figure
        app = self.view == "app"
        self.ax_data, self.ax_loss = fig.subplots(1, 2, width_ratios=[1.0, 1.0 if app else 1.2])
        X, y = self.data
        xlim, ylim = square_limits(X.numpy())
        self.boundary = plot_decision_boundary(
            self.weight, self.bias, X, y, ax=self.ax_data, margin=1.0, legend=False, xlim=xlim,
            ylim=ylim)
        bd = self.boundary
        # 60 points that overlap stay apart: a white rim around each point, thinner rings
        for points in bd.points.values():
            points.set_edgecolor("white")
            points.set_linewidth(0.8)
            points.set_alpha(0.85)
        bd.support.set(markersize=10, markeredgewidth=1.2, alpha=0.6)
        bd.violators.set(markersize=12, markeredgewidth=1.8, alpha=0.75)
        self.worst_ring = self.ax_data.scatter([], [], s=420, facecolors="none",
                                               edgecolors=COLORS["violator"], linewidths=1.4,
                                               linestyles=(0, (2, 2)), zorder=6)

        ax = self.ax_loss
        ax.set_xlim(*self.M_RANGE)
        ax.set_xlabel(r"functional margin $m = y\,f(x)$")
        ax.set_ylabel(r"loss $L(m)$")
        ax.axvline(0.0, color=COLORS["boundary"], linestyle=":", linewidth=1.5, zorder=1)
        ax.axhline(0.0, color="#888888", linewidth=1.0, zorder=1)
        (self.curve,) = ax.plot([], [], linewidth=2.5, zorder=2)
        self.delta_line = ax.axvline(1.0, color=COLORS["margin"], linestyle="--", linewidth=1.8,
                                     zorder=1)
        self.samples = {label: ax.scatter([], [], marker=marker, s=55, zorder=4)
                        for label, marker in ((1, "o"), (-1, "s"))}

        grey = "#555555"
        handles = [  # proxies: the legend keeps its size whatever the plotted markers do
            Line2D([], [], linestyle="none", marker="o", markersize=7, color=COLORS["pos"]),
            Line2D([], [], linestyle="none", marker="s", markersize=7, color=COLORS["neg"]),
            Line2D([], [], color=COLORS["boundary"], linewidth=2.5),
            Line2D([], [], color=COLORS["margin"], linestyle="--", linewidth=1.8),
            Line2D([], [], linestyle="none", marker="o", markersize=12, markerfacecolor="none",
                   markeredgecolor=COLORS["support"], markeredgewidth=1.6),
            Line2D([], [], linestyle="none", marker="x", markersize=10,
                   markeredgecolor=COLORS["violator"], markeredgewidth=2.2),
            Line2D([], [], linestyle="none", marker="o", markersize=9, color=grey),
            Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white",
                   markeredgecolor=grey, markeredgewidth=1.5),
            Line2D([], [], linestyle="none", marker=r"$\leftrightarrow$", markersize=16,
                   color=COLORS["boundary"]),
        ]
        labels = ["class +1", "class \N{MINUS SIGN}1", r"boundary $f(x) = 0$",
                  r"margin $f(x) = \pm\Delta$", r"support vector $y\,f(x) \leq \Delta$",
                  r"violator $y\,f(x) < \Delta$", r"pushes: area $\propto |\partial L/\partial f|$",
                  "zero gradient", r"arrow: band half-width $\Delta/\|w\|$"]
        fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=12,
                   handletextpad=0.3, columnspacing=1.0)
        moving = [*bd.points.values(), bd.boundary, *bd.margin_lines, bd.band, bd.violators,
                  bd.support, bd.arrow, bd.arrow_label, bd.message, self.worst_ring, self.curve,
                  self.delta_line, *self.samples.values()]
        self.canvas.animate(*moving)
        self._style_loss_panel()

    def _place_data(self) -> None:
        X, y = self.data
        xlim, ylim = square_limits(X.numpy())
        bd = self.boundary
        bd.xlim, bd.ylim = xlim, ylim
        self.ax_data.set_xlim(*xlim)
        self.ax_data.set_ylim(*ylim)
        update_decision_boundary(bd, self.weight, self.bias, X, y)
        self.canvas.invalidate()

    def _style_loss_panel(self) -> None:
        entry = BINARY[self.controls["loss"].value]
        top = _CURVE_TOP.get(entry.family, 6.0)
        self.ax_loss.set_ylim(-0.04 * top, top)
        data_title, loss_title = _PANEL_TITLES.get(entry.family, _DEFAULT_TITLES)
        with course_style():  # the course's title size, also when the loss changes later
            self.ax_data.set_title(data_title)
            self.ax_loss.set_title(loss_title)
        self.curve.set(**LOSS_STYLES[entry.name])
        self.canvas.invalidate()

    def _update(self) -> str:
        X, y = self.data
        loss = self.controls["loss"].value
        margin = float(self.param("margin"))
        frame = margin_frame(X, y, self.weight, self.bias, margin, loss)
        self.frame = frame
        self._update_readouts(frame)
        self._update_data_panel(frame)
        self._update_loss_panel(frame, y.numpy())
        return self.describe(frame)

    def describe(self, frame: MarginFrame) -> str:
        """One line that states what the figure shows for ``frame`` (the caption under it)."""
        w1, w2 = frame.weight.tolist()
        geometric = frame.worst_geometric
        where = "no boundary" if geometric is None else f"worst geometric margin {geometric:.3f}"
        return (f"Figure: w = ({w1:.3f}, {w2:.3f}), b = {frame.bias:.3f}, Δ = {frame.delta:.2f}; "
                f"mean {frame.entry.title} loss {frame.mean_loss:.4f}, "
                f"{frame.violators} violators, {where}.")

    def _update_readouts(self, frame: MarginFrame) -> None:
        name = frame.entry.title
        delta = f"Δ = {frame.delta:.2f}" if frame.has_margin else "no Δ"
        self.readouts["loss"].value = f"mean {name} loss ({delta}): <b>{frame.mean_loss:.4f}</b>"
        self.readouts["gradient"].value = (
            f"samples that push: <b>{frame.active}</b> of {len(frame.margins)} points")
        self.readouts["functional"].value = (
            f"worst point, functional margin y·f(x): <b>{frame.worst_functional:.3f}</b>")
        geometric = frame.worst_geometric
        self.readouts["geometric"].value = (
            "worst point, geometric margin: <b>undefined</b> (no boundary: w = 0)"
            if geometric is None else
            f"worst point, geometric margin y·f(x)/‖w‖: <b>{geometric:.3f}</b>")
        self.readouts["band"].value = (
            "band half-width Δ/‖w‖: <b>undefined</b> (w = 0)" if frame.norm == 0.0 else
            f"band half-width Δ/‖w‖ (the arrow): <b>{frame.delta / frame.norm:.3f}</b>")

    def _update_data_panel(self, frame: MarginFrame) -> None:
        bd = self.boundary
        bd.margin = frame.delta
        update_decision_boundary(bd, frame.weight, frame.bias)
        # The arrow's length Delta / ||w|| is a readout: text costs ~4 ms a frame to draw.
        bd.arrow_label.set_visible(False)
        if frame.delta == 0.0:  # no band, and an arrow of length 0 says nothing
            bd.band.set_visible(False)
            bd.arrow.set_visible(False)
        self.worst_ring.set_offsets(bd.X[frame.worst][None, :])

    def _update_loss_panel(self, frame: MarginFrame, y: np.ndarray) -> None:
        lo, hi = self.M_RANGE
        grid = torch.linspace(lo, hi, 401, dtype=torch.float64)
        keyword = {"margin": frame.delta} if frame.has_margin else {}
        self.curve.set_data(grid.numpy(), frame.entry(grid, **keyword).numpy())
        self.delta_line.set_xdata([frame.delta, frame.delta])
        self.delta_line.set_visible(frame.has_margin)
        top = self.ax_loss.get_ylim()[1]
        m = np.clip(frame.margins.numpy(), lo, hi)
        values = np.clip(frame.losses.numpy(), None, top)
        pushing = frame.pushing.numpy()
        push = np.where(pushing, np.abs(frame.gradients.numpy()), 0.0)
        sizes = np.where(pushing, 30.0 + 50.0 * np.minimum(push, 4.0), 40.0)  # area ~ |dL/df|
        for label, color in ((1, COLORS["pos"]), (-1, COLORS["neg"])):
            mask = y == label
            samples = self.samples[label]
            samples.set_offsets(np.column_stack([m[mask], values[mask]]))
            samples.set_sizes(sizes[mask])
            count = int(mask.sum())
            samples.set_facecolors(np.where(pushing[mask][:, None], _rgba(color, count),
                                            _rgba("white", count)))
            samples.set_edgecolors(_rgba(color, count))
            samples.set_linewidths(1.6)


def margin_explorer(
    dataset: str = "overlapping",
    loss: str = "hinge",
    *,
    angle: float = 45.0,
    norm: float = 1.0,
    bias: float = 0.0,
    margin: float = 1.0,
    datasets: dict[str, tuple[Tensor, Tensor]] | None = None,
    view: str = "lesson",
) -> MarginExplorer:
    r"""Sliders for :math:`w` (angle and length), :math:`b` and :math:`\Delta` on 2-D binary data.

    Display the result (``display(ex)``, or make it the last expression of a cell); its
    ``.widget`` is the ``ipywidgets`` layout. See :mod:`hinge_utils.widgets.margin`.

    Args:
        dataset: ``"separable"``, ``"overlapping"`` or ``"outliers"`` (or a key of ``datasets``).
        loss: one of :data:`LOSSES`: ``"hinge"``, ``"squared_hinge"`` or ``"logistic"`` (the
            binary cross-entropy, in nats).
        angle: direction of :math:`w` in degrees, in ``[-180, 180]``.
        norm: :math:`\|w\|`, in ``[0, 4]``.
        bias: :math:`b`, in ``[-8, 8]``.
        margin: :math:`\Delta`, in ``[0, 3]``.
        datasets: name -> ``(X, y)`` with ``X`` of shape ``(N, 2)`` and ``y`` in {-1, +1};
            default: :func:`default_datasets`.
        view: ``"lesson"`` (stacked, for a notebook) or ``"app"`` (side column, for
            :mod:`hinge_utils.widgets.app_view`).

    Returns:
        A :class:`MarginExplorer`.

    Example::

        >>> ex = margin_explorer()
        >>> ex.controls["norm"].value = 2.0  # the figure and readouts follow at once
        >>> ex.readouts["loss"].value  # doctest: +ELLIPSIS
        'mean hinge loss (Δ = 1.00): <b>...</b>'
    """
    return MarginExplorer(dataset, loss, angle, norm, bias, margin, datasets, view=view)
