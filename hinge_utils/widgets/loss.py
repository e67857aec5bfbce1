r"""The loss explorer: the losses of the zoo and their slopes against the margin, live.

Every binary loss of :mod:`hinge_utils.zoo` is a function of the margin :math:`m = y\,f(x)`. This
explorer plots the chosen ones, :math:`L(m)` on the left and :math:`dL/dm` on the right, with two
sliders:

* :math:`\Delta` moves the corner of the hinge family: the hinge :math:`[\Delta - m]_+`, the
  squared hinge :math:`[\Delta - m]_+^2` and the softplus hinge below;
* the temperature :math:`\tau` of the softplus hinge

.. math::
    L_\tau(m) = \tau \log\!\left(1 + e^{(\Delta - m)/\tau}\right),

which lies above the hinge by at most :math:`\tau \log 2` (at :math:`m = \Delta`) and tends to it
as :math:`\tau \to 0`. At :math:`\tau = 1, \Delta = 0` it *is* the cross-entropy
:math:`\log(1 + e^{-m})` of a sigmoid output, so one slider walks from cross-entropy to the hinge.
The readouts measure both distances on the plotted range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from matplotlib.lines import Line2D
from torch import Tensor

from hinge_utils import zoo
from hinge_utils.plotting.style import COLORS, LOSS_STYLES, style
from hinge_utils.widgets.base import (
    Explorer,
    check_in_range,
    figure_widgets,
    float_slider,
    readout,
)
from hinge_utils.widgets.canvas import PngCanvas

__all__ = ["CURVES", "LossExplorer", "loss_explorer", "softplus_hinge"]

Curve = Callable[[Tensor, float, float], Tensor]


def softplus_hinge(m: Tensor, margin: float = 1.0, tau: float = 0.25) -> Tensor:
    r"""The softplus hinge with its corner at :math:`\Delta`.

    .. math::
        L_\tau(m) = \tau \log\!\left(1 + e^{(\Delta - m)/\tau}\right)

    It is :func:`hinge_utils.zoo.softplus_hinge` (corner at 1) shifted to the corner
    :math:`\Delta`: :math:`L_\tau(m) = \text{zoo.softplus\_hinge}(m + 1 - \Delta, \tau)`.
    Not to be confused with the smooth hinge of Rennie & Srebro
    (:func:`hinge_utils.zoo.smooth_hinge`), a different loss.

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        margin: the corner :math:`\Delta`. Default: ``1.0``.
        tau: temperature :math:`\tau > 0`. Default: ``0.25``.

    Shape:
        - Input: any shape; Output: same shape and dtype.

    Example::

        >>> m = torch.tensor([0.0], dtype=torch.float64)
        >>> # tau = 1, Delta = 0: log(1 + e^0) = ln 2 = 0.6931, the cross-entropy at m = 0
        >>> softplus_hinge(m, margin=0.0, tau=1.0)
        tensor([0.6931], dtype=torch.float64)
    """
    return zoo.softplus_hinge(m + (1.0 - margin), tau)


def _softplus_hinge_derivative(m: Tensor, margin: float, tau: float) -> Tensor:
    return zoo.softplus_hinge_derivative(m + (1.0 - margin), tau)


def _cross_entropy(m: Tensor) -> Tensor:
    return F.softplus(-m)


def _cross_entropy_derivative(m: Tensor) -> Tensor:
    return -torch.sigmoid(-m)


def _fixed(fn: Callable[[Tensor], Tensor]) -> Curve:
    return lambda m, margin, tau: fn(m)


CURVES: dict[str, tuple[str, Curve, Curve, dict[str, Any]]] = {
    "zero_one": (r"zero-one $\mathbb{1}[m \leq 0]$", _fixed(zoo.zero_one),
                 _fixed(zoo.zero_one_derivative), LOSS_STYLES["zero_one"]),
    "hinge": (r"hinge $[\Delta - m]_+$", lambda m, d, t: zoo.hinge(m, d),
              lambda m, d, t: zoo.hinge_derivative(m, d), LOSS_STYLES["hinge"]),
    "softplus_hinge": (r"softplus hinge $\tau\log(1 + e^{(\Delta - m)/\tau})$",
                       lambda m, d, t: softplus_hinge(m, d, t), _softplus_hinge_derivative,
                       LOSS_STYLES["softplus_hinge"]),
    "squared_hinge": (r"squared hinge $[\Delta - m]_+^2$", lambda m, d, t: zoo.squared_hinge(m, d),
                      lambda m, d, t: zoo.squared_hinge_derivative(m, d),
                      LOSS_STYLES["squared_hinge"]),
    "cross_entropy": (r"cross-entropy $\log(1 + e^{-m})$", _fixed(_cross_entropy),
                      _fixed(_cross_entropy_derivative),
                      {"color": COLORS["cross_entropy"], "linestyle": "-"}),
    "logistic": (r"logistic in bits $\log_2(1 + e^{-m})$", _fixed(zoo.logistic_bits),
                 _fixed(zoo.logistic_bits_derivative), LOSS_STYLES["logistic_bits"]),
    "exponential": (r"exponential $e^{-m}$", _fixed(zoo.exponential),
                    _fixed(zoo.exponential_derivative), LOSS_STYLES["exponential"]),
    "perceptron": (r"perceptron $[-m]_+$", _fixed(zoo.perceptron),
                   _fixed(zoo.perceptron_derivative), LOSS_STYLES["perceptron"]),
    "modified_huber": ("modified Huber", _fixed(zoo.modified_huber),
                       _fixed(zoo.modified_huber_derivative), LOSS_STYLES["modified_huber"]),
    "ramp": (r"ramp $\min(1, [1 - m]_+)$", _fixed(zoo.ramp), _fixed(zoo.ramp_derivative),
             LOSS_STYLES["ramp"]),
}
"""Curve key -> (legend label, ``L(m, Delta, tau)``, ``dL/dm(m, Delta, tau)``, line style).

The zoo's losses (hinge, squared hinge and the softplus hinge with the corner at :math:`\\Delta`),
plus the natural-log cross-entropy :math:`\\log(1 + e^{-m})` that the softplus hinge meets at
:math:`\\tau = 1, \\Delta = 0`.
"""

_NAMES = {"zero_one": "zero-one", "hinge": "hinge", "softplus_hinge": "softplus hinge",
          "squared_hinge": "squared hinge", "cross_entropy": "cross-entropy",
          "logistic": "logistic (bits)", "exponential": "exponential", "perceptron": "perceptron",
          "modified_huber": "modified Huber", "ramp": "ramp"}


class LossExplorer(Explorer):
    r"""The widget behind :func:`loss_explorer`; see the module docstring.

    Attributes:
        controls: ``"margin"`` (:math:`\Delta`), ``"tau"`` and one checkbox per key of
            :data:`CURVES` (``"show_hinge"``, ``"show_cross_entropy"``, ...).
        readouts: ``"gap_hinge"`` (largest distance between softplus hinge and hinge on the
            plotted margins), ``"gap_cross_entropy"`` (same, to the cross-entropy) and
            ``"bound"`` (:math:`\tau \log 2`).
    """

    M_RANGE = (-3.0, 4.0)

    def __init__(self, show: tuple[str, ...] = ("hinge", "softplus_hinge", "squared_hinge",
                                                "cross_entropy", "zero_one"),
                 margin: float = 1.0, tau: float = 0.5, num: int = 701) -> None:
        super().__init__()
        margin = check_in_range("margin", margin, 0.0, 2.0)
        tau = check_in_range("tau", tau, 0.01, 10**0.5)
        unknown = [name for name in show if name not in CURVES]
        if unknown:
            raise ValueError(f"show must hold keys of CURVES; got {unknown}: choose from "
                             f"{list(CURVES)}")
        controls: dict[str, widgets.Widget] = {
            "margin": float_slider("margin Δ", margin, 0.0, 2.0, 0.05, "hu-slider-margin"),
            "tau": widgets.FloatLogSlider(value=tau, base=10, min=-2, max=0.5, step=0.02,
                                          description="temperature τ", continuous_update=True,
                                          readout_format=".3f",
                                          style={"description_width": "7.5em"},
                                          layout=widgets.Layout(width="22em")),
        }
        controls["tau"].add_class("hu-slider-tau")
        for key in CURVES:
            box = widgets.Checkbox(value=key in show, description=_NAMES[key], indent=False,
                                   layout=widgets.Layout(width="11em"))
            box.add_class(f"hu-show-{key.replace('_', '-')}")
            controls[f"show_{key}"] = box
        self.controls = controls
        self.readouts = {name: readout(f"hu-readout-{name.replace('_', '-')}")
                         for name in ("gap_hinge", "bound", "gap_cross_entropy")}
        self.grid = torch.linspace(*self.M_RANGE, num, dtype=torch.float64)

        self.canvas = PngCanvas(figsize=(10.4, 4.6), dpi=84)
        with style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-loss-figure")
        checks = widgets.GridBox([controls[f"show_{k}"] for k in CURVES],
                                 layout=widgets.Layout(grid_template_columns="repeat(5, 11em)"))
        sliders = widgets.VBox([controls["margin"], controls["tau"]])
        layout = widgets.VBox([checks, widgets.HBox([sliders, widgets.VBox(
            list(self.readouts.values()))]), self.image, self.caption])
        layout.add_class("hu-loss-explorer")
        self._finish(layout, controls)

    def _build_figure(self) -> None:
        fig = self.canvas.figure
        self.ax_loss, self.ax_slope = fig.subplots(1, 2)
        self.lines: dict[str, tuple[Line2D, Line2D]] = {}
        for key, (label, _, _, line_style) in CURVES.items():
            (loss_line,) = self.ax_loss.plot([], [], label=label, zorder=3, **line_style)
            (slope_line,) = self.ax_slope.plot([], [], zorder=3, **line_style)
            self.lines[key] = (loss_line, slope_line)
        self.delta_lines = []
        for ax in (self.ax_loss, self.ax_slope):
            ax.set_xlim(*self.M_RANGE)
            ax.axvline(0.0, color=COLORS["boundary"], linestyle=":", linewidth=1.5, zorder=1)
            ax.axhline(0.0, color="#888888", linewidth=1.0, zorder=1)
            self.delta_lines.append(ax.axvline(1.0, color=COLORS["margin"], linestyle="--",
                                               linewidth=1.5, zorder=1))
            ax.set_xlabel(r"margin $m = y\,f(x)$")
        self.ax_loss.set_ylim(-0.15, 4.0)
        self.ax_slope.set_ylim(-2.6, 0.4)
        self.ax_loss.set_ylabel(r"loss $L(m)$")
        self.ax_slope.set_ylabel(r"slope $dL/dm$")
        self.ax_loss.set_title("The temperature walks from hinge to cross-entropy")
        self.ax_slope.set_title("Slopes: where the push stops")
        self.canvas.animate(*(line for pair in self.lines.values() for line in pair),
                            *self.delta_lines)
        self._place_legend()

    def _place_legend(self) -> None:
        for old in list(self.canvas.figure.legends):
            old.remove()
        shown = [self.lines[k][0] for k in CURVES if self.controls[f"show_{k}"].value]
        if shown:
            with style():  # the course's legend frame, also when the selection changes later
                self.canvas.figure.legend(handles=shown, loc="outside lower center", ncol=3,
                                          fontsize=11)
        self.canvas.invalidate()

    def _on_user_change(self, name: str, value: Any) -> None:
        if name.startswith("show_"):
            self._place_legend()

    def _update(self) -> str:
        margin = float(self.param("margin"))
        tau = float(self.param("tau"))
        m = self.grid
        shown = []
        for key, (_, fn, derivative, _) in CURVES.items():
            loss_line, slope_line = self.lines[key]
            visible = self.controls[f"show_{key}"].value
            loss_line.set_visible(visible)
            slope_line.set_visible(visible)
            if visible:
                shown.append(_NAMES[key])
                loss_line.set_data(m.numpy(), fn(m, margin, tau).numpy())
                slope_line.set_data(m.numpy(), derivative(m, margin, tau).numpy())
        for line in self.delta_lines:
            line.set_xdata([margin, margin])
        softplus = softplus_hinge(m, margin, tau)
        gap_hinge = float((softplus - zoo.hinge(m, margin)).abs().max())
        gap_ce = float((softplus - _cross_entropy(m)).abs().max())
        self.readouts["gap_hinge"].value = (
            f"largest gap, softplus hinge to hinge: <b>{gap_hinge:.4f}</b>")
        self.readouts["bound"].value = f"bound τ·ln 2: <b>{tau * math.log(2):.4f}</b>"
        self.readouts["gap_cross_entropy"].value = (
            f"largest gap, softplus hinge to cross-entropy: <b>{gap_ce:.4f}</b>")
        listed = ", ".join(shown) if shown else "no curve"
        return (f"Figure: {listed} against the margin m on [{self.M_RANGE[0]:g}, "
                f"{self.M_RANGE[1]:g}], Δ = {margin:.2f}, τ = {tau:.3f}.")


def loss_explorer(
    show: tuple[str, ...] = ("hinge", "softplus_hinge", "squared_hinge", "cross_entropy",
                             "zero_one"),
    *,
    margin: float = 1.0,
    tau: float = 0.5,
) -> LossExplorer:
    r"""Losses and slopes against the margin, with sliders for :math:`\Delta` and :math:`\tau`.

    Args:
        show: the curves ticked at the start, keys of :data:`CURVES`.
        margin: :math:`\Delta`, in ``[0, 2]``.
        tau: temperature of the softplus hinge, in ``[0.01, 3.16]`` (log scale).

    Returns:
        A :class:`LossExplorer`; display it (or its ``.widget``).

    Example::

        >>> ex = loss_explorer(margin=0.0, tau=1.0)
        >>> # tau = 1 and Delta = 0: the softplus hinge is the cross-entropy, gap 0
        >>> ex.readouts["gap_cross_entropy"].value
        'largest gap, softplus hinge to cross-entropy: <b>0.0000</b>'
    """
    return LossExplorer(show, margin, tau)

