r"""The margin explorer: move :math:`w` and :math:`b` by hand, watch margins, losses and gradients.

A linear classifier :math:`f(x) = w^\top x + b` on 2-D points with labels :math:`y \in \{-1, +1\}`.
The sliders set the direction of :math:`w` (an angle :math:`\theta`), its length :math:`\|w\|`,
the bias :math:`b` and the margin :math:`\Delta` the loss asks for:

.. math::
    w = \|w\| (\cos\theta, \sin\theta), \qquad m_i = y_i (w^\top x_i + b)

The left panel is :func:`hinge_utils.plotting.plot_decision_boundary`: the data, the boundary
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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from torch import Tensor

from hinge_utils.functional import functional_margin, hinge_loss, squared_hinge_loss
from hinge_utils.margins import INSIDE, ON_BAND, geometric_margin, margin_position
from hinge_utils.plotting.boundary import plot_decision_boundary, update_decision_boundary
from hinge_utils.plotting.style import COLORS, LOSS_STYLES, style
from hinge_utils.widgets.base import (
    Explorer,
    check_in_range,
    figure_widgets,
    float_slider,
    readout,
)
from hinge_utils.widgets.canvas import PngCanvas

__all__ = ["BINARY_LOSSES", "MarginExplorer", "MarginFrame", "margin_explorer", "margin_frame"]


def binary_cross_entropy(
    scores: Tensor, targets: Tensor, margin: float = 0.0, reduction: str = "mean"
) -> Tensor:
    r"""Binary cross-entropy of :math:`\sigma(f)`, labels in {-1, +1}: :math:`\log(1 + e^{-y f})`.

    Natural log (nats). Cross-entropy has no margin; ``margin`` is accepted, for a signature like
    :func:`~hinge_utils.functional.hinge_loss`'s, and ignored.

    Example::

        >>> binary_cross_entropy(torch.tensor([0.0]), torch.tensor([1.0]))  # log(1 + e^0) = ln 2
        tensor(0.6931)
    """
    return F.binary_cross_entropy_with_logits(scores, (targets + 1) / 2, reduction=reduction)


BINARY_LOSSES: dict[str, tuple[str, Callable[..., Tensor]]] = {
    "hinge": ("hinge", hinge_loss),
    "squared_hinge": ("squared hinge", squared_hinge_loss),
    "cross_entropy": ("cross-entropy", binary_cross_entropy),
}
"""Loss key -> (name shown, ``fn(scores, targets, margin, reduction)``)."""

_CURVE_STYLE = {
    "hinge": LOSS_STYLES["hinge"],
    "squared_hinge": LOSS_STYLES["squared_hinge"],
    "cross_entropy": {"color": COLORS["cross_entropy"], "linestyle": "-"},
}
_CURVE_TOP = {"hinge": 6.0, "squared_hinge": 12.0, "cross_entropy": 6.0}
_TITLES = {  # (data panel, loss panel): what each shows under that loss
    "hinge": ("Points with m < Δ pay", "Only samples with m < Δ are pushed"),
    "squared_hinge": ("Points with m < Δ pay", "The push grows with the violation"),
    "cross_entropy": ("Every point pays something", "Every sample is pushed, a little"),
}


@dataclass(frozen=True)
class MarginFrame:
    r"""What the margin explorer shows for one setting of :math:`(w, b, \Delta)` and a loss.

    Attributes:
        w: the weight vector, shape ``(2,)``.
        b: the bias.
        margin: :math:`\Delta`.
        loss: a key of :data:`BINARY_LOSSES`.
        margins: functional margins :math:`m_i = y_i f(x_i)`, shape ``(N,)``.
        losses: per-sample losses, shape ``(N,)``.
        gradients: per-sample :math:`\partial L_i / \partial f(x_i)`, shape ``(N,)``.
        geometric: geometric margins :math:`m_i / \|w\|`, shape ``(N,)``; None when w = 0.
        worst: index of the sample with the smallest functional margin.
    """

    w: Tensor
    b: float
    margin: float
    loss: str
    margins: Tensor
    losses: Tensor
    gradients: Tensor
    geometric: Tensor | None
    worst: int

    @property
    def norm(self) -> float:
        r""":math:`\|w\|`."""
        return float(torch.linalg.vector_norm(self.w))

    @property
    def mean_loss(self) -> float:
        """The mean of the per-sample losses."""
        return float(self.losses.mean())

    @property
    def pushing(self) -> Tensor:
        r"""Mask of the samples that push (a non-zero gradient), shape ``(N,)``, ``torch.bool``.

        For the hinges these are the violators, :math:`m_i < \Delta` beyond the library's
        tolerance (:func:`hinge_utils.margins.margin_position`): a sample *on* the band sits at
        the kink, where the gradient is 0 and a rounding error must not decide otherwise.
        For cross-entropy, every sample whose gradient is not zero.
        """
        if self.loss == "cross_entropy":
            return self.gradients != 0
        return margin_position(self.margins, self.margin) == INSIDE

    @property
    def active(self) -> int:
        """How many samples push (:attr:`pushing`): they alone move :math:`w` and :math:`b`."""
        return int(self.pushing.sum())

    @property
    def violators(self) -> int:
        r"""How many samples have :math:`m_i < \Delta`, up to the library's tolerance."""
        return int((margin_position(self.margins, self.margin) == INSIDE).sum())

    @property
    def on_band(self) -> int:
        r"""How many samples sit on the band, :math:`m_i = \Delta` up to the tolerance."""
        return int((margin_position(self.margins, self.margin) == ON_BAND).sum())

    @property
    def worst_functional(self) -> float:
        r"""Functional margin of the worst sample, :math:`\min_i y_i f(x_i)`."""
        return float(self.margins[self.worst]) + 0.0  # + 0.0 turns -0.0 into 0.0

    @property
    def worst_geometric(self) -> float | None:
        r""":math:`\min_i y_i f(x_i) / \|w\|`, the worst sample's signed distance; None if w = 0."""
        return None if self.geometric is None else float(self.geometric[self.worst]) + 0.0


def margin_frame(
    X: Tensor, y: Tensor, w: Tensor, b: float, margin: float, loss: str
) -> MarginFrame:
    r"""Compute what the margin explorer shows for :math:`f(x) = w^\top x + b`.

    .. math::
        m_i = y_i (w^\top x_i + b), \qquad
        g_i = \frac{\partial L(f(x_i), y_i)}{\partial f(x_i)}

    The per-sample gradients come from autograd through the library's loss
    (:func:`~hinge_utils.functional.hinge_loss` and friends), the geometric margins from
    :func:`hinge_utils.margins.geometric_margin` (None when :math:`w = 0`: no boundary).

    Args:
        X: points, shape ``(N, 2)``, floating point.
        y: labels in {-1, +1}, shape ``(N,)``.
        w: weight vector, shape ``(2,)``, same dtype as ``X``.
        b: bias.
        margin: :math:`\Delta \ge 0`.
        loss: ``"hinge"``, ``"squared_hinge"`` or ``"cross_entropy"``.

    Shape:
        - X: :math:`(N, 2)`; y: :math:`(N)`; w: :math:`(2)`.

    Example::

        >>> X = torch.tensor([[2.0, 0.0], [0.5, 0.0], [-1.0, 0.0]], dtype=torch.float64)
        >>> y = torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64)
        >>> w = torch.tensor([1.0, 0.0], dtype=torch.float64)
        >>> frame = margin_frame(X, y, w, 0.0, 1.0, "hinge")
        >>> # m = 1*2, 1*0.5, -1*-1 = 2, 0.5, 1 -> hinge 0, 0.5, 0; mean 0.5 / 3 = 0.1667
        >>> frame.margins.tolist(), round(frame.mean_loss, 4)
        ([2.0, 0.5, 1.0], 0.1667)
        >>> # only the sample inside the band pushes (the one at m = 1 sits on the kink: 0)
        >>> frame.active, frame.worst, frame.worst_geometric
        (1, 1, 0.5)
    """
    if loss not in BINARY_LOSSES:
        raise ValueError(
            f"loss must be one of {sorted(BINARY_LOSSES)}; got {loss!r}: "
            "pick 'hinge' for the SVM's loss"
        )
    fn = BINARY_LOSSES[loss][1]
    scores = (X @ w + b).detach().requires_grad_(True)
    losses = fn(scores, y, margin=margin, reduction="none")
    (gradients,) = torch.autograd.grad(losses.sum(), scores)
    margins = functional_margin(scores.detach(), y)
    geometric = geometric_margin(w, b, X, y) if bool(w.any()) else None
    return MarginFrame(
        w=w.detach(),
        b=float(b),
        margin=float(margin),
        loss=loss,
        margins=margins,
        losses=losses.detach(),
        gradients=gradients,
        geometric=geometric,
        worst=int(torch.argmin(margins)),
    )


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


def _square_limits(X: Tensor) -> tuple[tuple[float, float], tuple[float, float]]:
    """Equal whole-number limits on both axes, around every point with room to spare."""
    low = math.floor(float(X.min()) - 0.5)
    high = math.ceil(float(X.max()) + 0.5)
    return (low, high), (low, high)


def _rgba(color: str, n: int) -> np.ndarray:
    return np.tile(to_rgba(color), (n, 1))


class MarginExplorer(Explorer):
    """The widget behind :func:`margin_explorer`; see the module docstring for what it shows.

    Attributes:
        controls: ``"dataset"``, ``"loss"``, ``"angle"``, ``"norm"``, ``"bias"``, ``"margin"``,
            ``"scale_bias"`` and ``"fit"``.
        readouts: ``"loss"``, ``"gradient"``, ``"functional"``, ``"geometric"``, ``"band"``
            (``ipywidgets.HTML``).
        frame: the :class:`MarginFrame` on display.
    """

    M_RANGE = (-4.0, 6.0)
    """Functional margins shown in the right panel; samples beyond it are drawn at its edge."""

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
    ) -> None:
        super().__init__()
        given = default_datasets() if datasets is None else datasets
        self.datasets = {name: (X.to(torch.float64), y.to(torch.float64))
                         for name, (X, y) in given.items()}
        if dataset not in self.datasets:
            raise ValueError(
                f"dataset must be one of {sorted(self.datasets)}; got {dataset!r}: "
                "pass one of those names (or your own data in datasets={name: (X, y)})"
            )
        if loss not in BINARY_LOSSES:
            raise ValueError(
                f"loss must be one of {sorted(BINARY_LOSSES)}; got {loss!r}: e.g. loss='hinge'"
            )
        angle = check_in_range("angle", angle, -180.0, 180.0)
        norm = check_in_range("norm", norm, 0.0, 4.0)
        bias = check_in_range("bias", bias, -8.0, 8.0)
        margin = check_in_range("margin", margin, 0.0, 3.0)
        self.fit_lambda = check_in_range("fit_lambda", fit_lambda, 1e-6, 1e3)
        # b / ||w||, kept while ||w|| moves; None while ||w|| = 0 with a bias set by hand
        self._offset: float | None = bias / norm if norm > 0 else None

        controls: dict[str, widgets.Widget] = {
            "dataset": widgets.Dropdown(options=list(self.datasets), value=dataset,
                                        description="data", layout=widgets.Layout(width="14em"),
                                        style={"description_width": "3em"}),
            "loss": widgets.ToggleButtons(
                options=[(name, key) for key, (name, _) in BINARY_LOSSES.items()], value=loss,
                style={"button_width": "9.5em"}),
            "angle": float_slider("angle of w (°)", angle, -180.0, 180.0, 1.0, "hu-slider-angle",
                                  readout_format=".0f"),
            "norm": float_slider("‖w‖", norm, 0.0, 4.0, 0.05, "hu-slider-norm"),
            "bias": float_slider("bias b", bias, -8.0, 8.0, 0.05, "hu-slider-bias"),
            "margin": float_slider("margin Δ", margin, 0.0, 3.0, 0.05, "hu-slider-margin"),
            "scale_bias": widgets.Checkbox(value=True, description="scale b with ‖w‖",
                                           indent=False, layout=widgets.Layout(width="11em")),
            "fit": widgets.Button(description="fit", icon="bullseye",
                                  tooltip=f"minimise this loss + {fit_lambda:g}/2 ‖w‖² "
                                          "(train_linear_svm), then move the sliders there",
                                  layout=widgets.Layout(width="6em")),
        }
        for name in ("dataset", "loss", "scale_bias", "fit"):
            controls[name].add_class(f"hu-control-{name.replace('_', '-')}")
        controls["fit"].on_click(lambda _button: self.fit())
        self.controls = controls
        self._keep_exact({"angle": angle, "norm": norm, "bias": bias, "margin": margin})
        self.readouts = {name: readout(f"hu-readout-{name}")
                         for name in ("loss", "gradient", "functional", "geometric", "band")}

        self.canvas = PngCanvas(figsize=(10.4, 5.0), dpi=84)
        with style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-margin-figure")
        top = widgets.HBox([controls["dataset"], controls["loss"], controls["scale_bias"],
                            controls["fit"]], layout=widgets.Layout(align_items="center"))
        sliders = widgets.VBox([controls[k] for k in ("angle", "norm", "bias", "margin")])
        numbers = widgets.VBox(list(self.readouts.values()))
        layout = widgets.VBox([top, widgets.HBox([sliders, numbers]), self.image, self.caption])
        layout.add_class("hu-margin-explorer")
        self._finish(layout, controls)

    # --- parameters -----------------------------------------------------------------------

    @property
    def data(self) -> tuple[Tensor, Tensor]:
        """The points ``X`` (``(N, 2)``) and labels ``y`` (``(N,)``, in {-1, +1}), float64."""
        return self.datasets[self.controls["dataset"].value]

    @property
    def w(self) -> Tensor:
        r""":math:`w = \|w\| (\cos\theta, \sin\theta)` from the angle and length parameters."""
        theta = math.radians(self.param("angle"))
        norm = self.param("norm")
        return torch.tensor([norm * math.cos(theta), norm * math.sin(theta)], dtype=torch.float64)

    @property
    def b(self) -> float:
        """The bias (exact; its slider shows it rounded to a step of 0.05)."""
        return float(self.param("bias"))

    def set_params(self, w: Tensor | tuple[float, float], b: float) -> None:
        """Set the weight vector ``w`` and the bias ``b`` exactly, with one redraw.

        The sliders show the values rounded to their steps. Values beyond a slider's range stop
        at its end (``‖w‖ <= 4``, ``|b| <= 8``).
        """
        w1, w2 = (float(v) for v in w)
        norm = math.hypot(w1, w2)
        with self.hold():
            if norm > 0:
                self.set_param("angle", math.degrees(math.atan2(w2, w1)))
            self.set_param("norm", norm)
            self.set_param("bias", float(b))
            norm = self.param("norm")
            self._offset = self.b / norm if norm > 0 else None

    def fit(self) -> None:
        r"""Minimise the loss on display + :math:`\tfrac{\lambda}{2}\|w\|^2`; go there.

        :func:`hinge_utils.training.train_linear_svm` solves the problem with margin 1. Margin
        :math:`\Delta > 0` is the same problem rescaled: with :math:`(w, b) = \Delta (w', b')`,

        .. math::
            \tfrac1N \textstyle\sum_i [\Delta - m_i]_+ + \tfrac{\lambda}{2}\|w\|^2
            = \Delta \bigl(\tfrac1N \sum_i [1 - m'_i]_+ + \tfrac{\lambda\Delta}{2}\|w'\|^2\bigr)

        so the optimum is :math:`\Delta` times the margin-1 optimum for :math:`\lambda\Delta`
        (for the squared hinge both terms scale by :math:`\Delta^2`: same :math:`\lambda`). At
        :math:`\Delta = 0` a hinge-type optimum is :math:`w = 0, b = 0`. Cross-entropy has no
        :math:`\Delta`. :math:`\lambda` is :attr:`fit_lambda` (default 0.01).
        """
        from hinge_utils.training import train_linear_svm

        X, y = self.data
        loss = self.controls["loss"].value
        delta = float(self.param("margin"))
        if loss == "cross_entropy":
            result = train_linear_svm(X, y, lam=self.fit_lambda, loss="logistic")
            scale = 1.0
        elif delta == 0.0:
            self.set_params((0.0, 0.0), 0.0)
            return
        else:
            lam = self.fit_lambda * delta if loss == "hinge" else self.fit_lambda
            result = train_linear_svm(X, y, lam=lam, loss=loss)
            scale = delta
        self.set_params(scale * result.weight.detach().reshape(2), scale * float(result.bias))

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
        self.ax_data, self.ax_loss = fig.subplots(1, 2, width_ratios=[1.0, 1.2])
        X, y = self.data
        xlim, ylim = _square_limits(X)
        self.boundary = plot_decision_boundary(
            self.w, self.b, X, y, ax=self.ax_data, margin=1.0, legend=False, xlim=xlim, ylim=ylim)
        bd = self.boundary
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
        ]
        labels = ["class +1", "class \N{MINUS SIGN}1", r"boundary $f(x) = 0$",
                  r"margin $f(x) = \pm\Delta$", r"support vector $y\,f(x) \leq \Delta$",
                  r"violator $y\,f(x) < \Delta$", r"pushes: area $\propto |\partial L/\partial f|$",
                  "zero gradient"]
        fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=11,
                   handletextpad=0.3, columnspacing=1.0)
        moving = [*bd.points.values(), bd.boundary, *bd.margin_lines, bd.band, bd.violators,
                  bd.support, bd.arrow, bd.arrow_label, bd.message, self.worst_ring, self.curve,
                  self.delta_line, *self.samples.values()]
        self.canvas.animate(*moving)
        self._style_loss_panel()

    def _place_data(self) -> None:
        X, y = self.data
        xlim, ylim = _square_limits(X)
        bd = self.boundary
        bd.xlim, bd.ylim = xlim, ylim
        self.ax_data.set_xlim(*xlim)
        self.ax_data.set_ylim(*ylim)
        update_decision_boundary(bd, self.w, self.b, X, y)
        self.canvas.invalidate()

    def _style_loss_panel(self) -> None:
        loss = self.controls["loss"].value
        top = _CURVE_TOP[loss]
        self.ax_loss.set_ylim(-0.04 * top, top)
        with style():  # the course's title size, also when the loss changes later
            self.ax_data.set_title(_TITLES[loss][0])
            self.ax_loss.set_title(_TITLES[loss][1])
        self.curve.set(**_CURVE_STYLE[loss])
        self.canvas.invalidate()

    def _update(self) -> str:
        X, y = self.data
        loss = self.controls["loss"].value
        margin = float(self.param("margin"))
        frame = margin_frame(X, y, self.w, self.b, margin, loss)
        self.frame = frame
        self._update_readouts(frame)
        self._update_data_panel(frame)
        self._update_loss_panel(frame, y.numpy())
        return self.describe(frame)

    def describe(self, frame: MarginFrame) -> str:
        """One line that states what the figure shows for ``frame`` (the caption under it)."""
        w1, w2 = frame.w.tolist()
        geometric = frame.worst_geometric
        where = "no boundary" if geometric is None else f"worst geometric margin {geometric:.3f}"
        return (f"Figure: w = ({w1:.3f}, {w2:.3f}), b = {frame.b:.3f}, Δ = {frame.margin:.2f}; "
                f"mean {BINARY_LOSSES[frame.loss][0]} loss {frame.mean_loss:.4f}, "
                f"{frame.violators} violators, {where}.")

    def _update_readouts(self, frame: MarginFrame) -> None:
        name = BINARY_LOSSES[frame.loss][0]
        delta = "no Δ" if frame.loss == "cross_entropy" else f"Δ = {frame.margin:.2f}"
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
            f"band half-width Δ/‖w‖ (the arrow): <b>{frame.margin / frame.norm:.3f}</b>")

    def _update_data_panel(self, frame: MarginFrame) -> None:
        bd = self.boundary
        bd.margin = frame.margin
        update_decision_boundary(bd, frame.w, frame.b)
        # The arrow's length Delta / ||w|| is a readout: text costs ~4 ms a frame to draw.
        bd.arrow_label.set_visible(False)
        if frame.margin == 0.0:  # no band, and an arrow of length 0 says nothing
            bd.band.set_visible(False)
            bd.arrow.set_visible(False)
        self.worst_ring.set_offsets(bd.X[frame.worst][None, :])

    def _update_loss_panel(self, frame: MarginFrame, y: np.ndarray) -> None:
        lo, hi = self.M_RANGE
        grid = torch.linspace(lo, hi, 401, dtype=torch.float64)
        fn = BINARY_LOSSES[frame.loss][1]
        curve = fn(grid, torch.ones_like(grid), margin=frame.margin, reduction="none")
        self.curve.set_data(grid.numpy(), curve.numpy())  # with y = +1, m is the score
        self.delta_line.set_xdata([frame.margin, frame.margin])
        self.delta_line.set_visible(frame.loss != "cross_entropy")
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
) -> MarginExplorer:
    r"""Sliders for :math:`w` (angle and length), :math:`b` and :math:`\Delta` on 2-D binary data.

    Display the result (``display(ex)``, or make it the last expression of a cell); its
    ``.widget`` is the ``ipywidgets`` layout. See :mod:`hinge_utils.widgets.margin`.

    Args:
        dataset: ``"separable"``, ``"overlapping"`` or ``"outliers"`` (or a key of ``datasets``).
        loss: ``"hinge"``, ``"squared_hinge"`` or ``"cross_entropy"``.
        angle: direction of :math:`w` in degrees, in ``[-180, 180]``.
        norm: :math:`\|w\|`, in ``[0, 4]``.
        bias: :math:`b`, in ``[-8, 8]``.
        margin: :math:`\Delta`, in ``[0, 3]``.
        datasets: name -> ``(X, y)`` with ``X`` of shape ``(N, 2)`` and ``y`` in {-1, +1};
            default: :func:`default_datasets`.

    Returns:
        A :class:`MarginExplorer`.

    Example::

        >>> ex = margin_explorer()
        >>> ex.controls["norm"].value = 2.0  # the figure and readouts follow at once
        >>> ex.readouts["loss"].value  # doctest: +ELLIPSIS
        'mean hinge loss (Δ = 1.00): <b>...</b>'
    """
    return MarginExplorer(dataset, loss, angle, norm, bias, margin, datasets)
