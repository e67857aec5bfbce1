r"""The loss explorer: the registry's binary losses and their slopes against the margin, live.

Every binary loss of the registry :data:`hinge_utils.losses.BINARY` is a function of the margin
:math:`m = y\,f(x)`. This explorer plots the chosen ones, :math:`L(m)` on the left and
:math:`dL/dm` (the registry's derivative) on the right, with two sliders:

* :math:`\Delta` moves the corner of every loss that takes a margin (``"margin"`` in its
  ``parameters``): the hinge :math:`[\Delta - m]_+`, the squared hinge :math:`[\Delta - m]_+^2`
  and the softplus hinge below;
* the temperature :math:`\tau` of the losses that take one (``"tau"``), the softplus hinge

.. math::
    L_\tau(m) = \tau \log\!\left(1 + e^{(\Delta - m)/\tau}\right),

which lies above the hinge by at most :math:`\tau \log 2` (at :math:`m = \Delta`) and tends to it
as :math:`\tau \to 0`. At :math:`\tau = 1, \Delta = 0` it *is* the cross-entropy
:math:`\log(1 + e^{-m})` of a sigmoid output (the registry's ``"logistic"``, in nats), so one
slider walks from cross-entropy to the hinge. The readouts measure both distances on the plotted
range.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.lines import Line2D
from torch import Tensor

from hinge_utils.losses import BINARY, MarginLoss
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

__all__ = ["DEFAULT_SHOWN", "LossExplorer", "loss_explorer"]

DEFAULT_SHOWN = ("hinge", "softplus_hinge", "squared_hinge", "logistic", "zero_one")
"""The curves ticked at the start: the softplus hinge between its two ends, and zero-one."""


def _curve(entry: MarginLoss, m: Tensor, margin: float, tau: float, slope: bool = False) -> Tensor:
    """The loss (or its slope) at ``m``, with those of the sliders' parameters that it takes."""
    values = {"margin": margin, "tau": tau}
    keywords = {name: values[name] for name in entry.parameters if name in values}
    return (entry.derivative if slope else entry.fn)(m, **keywords)


class LossExplorer(Explorer):
    r"""The widget behind :func:`loss_explorer`; see the module docstring.

    Attributes:
        controls: ``"margin"`` (:math:`\Delta`), ``"tau"`` and one checkbox per key of
            :data:`hinge_utils.losses.BINARY` (``"show_hinge"``, ``"show_logistic"``, ...).
        readouts: ``"gap_hinge"`` (largest distance between softplus hinge and hinge on the
            plotted margins), ``"gap_cross_entropy"`` (same, to the cross-entropy
            ``"logistic"``) and
            ``"bound"`` (:math:`\tau \log 2`).
    """

    M_RANGE = (-3.0, 4.0)

    FIGSIZE = {"lesson": ((11.0, 5.0), APP_DPI), "app": ((8.6, 6.3), APP_DPI)}
    """Figure size (inches) and dpi by view: 1056 x 480 px in a lesson, 826 x 605 px in the app."""

    def __init__(self, show: tuple[str, ...] = DEFAULT_SHOWN, margin: float = 1.0,
                 tau: float = 0.5, num: int = 701, view: str = "lesson") -> None:
        super().__init__()
        self.view = check_view(view)
        app = self.view == "app"
        width = "100%" if app else "22em"
        margin = check_in_range("margin", margin, 0.0, 2.0)
        tau = check_in_range("tau", tau, 0.01, 10**0.5)
        unknown = [name for name in show if name not in BINARY]
        if unknown:
            hint = " (the cross-entropy is 'logistic')" if "cross_entropy" in unknown else ""
            raise ValueError(f"show must hold keys of hinge_utils.losses.BINARY; got {unknown}"
                             f"{hint}: choose from {list(BINARY)}")
        controls: dict[str, widgets.Widget] = {
            "margin": float_slider("margin Δ", margin, 0.0, 2.0, 0.05, "hu-slider-margin",
                                   width=width),
            "tau": widgets.FloatLogSlider(value=tau, base=10, min=-2, max=0.5, step=0.02,
                                          description="temperature τ", continuous_update=True,
                                          readout_format=".3f",
                                          style={"description_width": "7.5em"},
                                          layout=widgets.Layout(width=width)),
            "reset": widgets.Button(description="reset", icon="undo",
                                    tooltip="Δ, τ and the ticked curves back to the start",
                                    layout=widgets.Layout(width="7em")),
        }
        controls["reset"].add_class("hu-control-reset")
        controls["reset"].on_click(lambda _button: self.reset())
        controls["tau"].add_class("hu-slider-tau")
        for key, entry in BINARY.items():
            box = widgets.Checkbox(value=key in show, description=entry.title, indent=False,
                                   layout=widgets.Layout(width="auto" if app else "17em"))
            box.add_class(f"hu-show-{key.replace('_', '-')}")
            controls[f"show_{key}"] = box
        self.controls = controls
        self.readouts = {name: readout(f"hu-readout-{name.replace('_', '-')}")
                         for name in ("gap_hinge", "bound", "gap_cross_entropy")}
        self.grid = torch.linspace(*self.M_RANGE, num, dtype=torch.float64)

        figsize, dpi = self.FIGSIZE[self.view]
        self.canvas = PngCanvas(figsize=figsize, dpi=dpi)
        with course_style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-loss-figure", self.view)
        order = list(BINARY)
        if app:  # two columns in the side column: the longer half of the titles on the left
            longer = sorted(order, key=lambda k: -len(BINARY[k].title))[:(len(order) + 1) // 2]
            left = [k for k in order if k in longer]
            right = [k for k in order if k not in longer]
            order = [k for pair in zip(left, [*right, None], strict=False) for k in pair if k]
        columns = "auto auto" if app else "repeat(4, 17em)"
        checks = widgets.GridBox([controls[f"show_{k}"] for k in order],
                                 layout=widgets.Layout(grid_template_columns=columns))
        sliders = [controls["margin"], controls["tau"]]
        if app:
            layout, self.side, self.main = app_layout(
                [*sliders, controls["reset"], *self.readouts.values(), checks],
                [self.image, self.caption], "hu-loss-explorer")
        else:
            layout = widgets.VBox([checks, widgets.HBox([
                widgets.VBox([*sliders, controls["reset"]]),
                widgets.VBox(list(self.readouts.values()))]), self.image, self.caption])
            layout.add_class("hu-loss-explorer")
        self._finish(layout, controls)

    def _build_figure(self) -> None:
        fig = self.canvas.figure
        self.ax_loss, self.ax_slope = fig.subplots(1, 2)
        self.lines: dict[str, tuple[Line2D, Line2D]] = {}
        for key, entry in BINARY.items():  # labelled by title: the formulas move with the sliders
            (loss_line,) = self.ax_loss.plot([], [], label=entry.title, zorder=3,
                                             **LOSS_STYLES[key])
            (slope_line,) = self.ax_slope.plot([], [], zorder=3, **LOSS_STYLES[key])
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
        self.ax_loss.set_title("τ walks from hinge to cross-entropy")
        self.ax_slope.set_title("Slopes: where the push stops")
        self.canvas.animate(*(line for pair in self.lines.values() for line in pair),
                            *self.delta_lines)
        self._place_legend()

    def _place_legend(self) -> None:
        for old in list(self.canvas.figure.legends):
            old.remove()
        shown = [self.lines[k][0] for k in BINARY if self.controls[f"show_{k}"].value]
        if shown:
            with course_style():  # the course's legend frame, also when the selection changes later
                self.canvas.figure.legend(handles=shown, loc="outside lower center", ncol=3,
                                          fontsize=12)
        self.canvas.invalidate()

    def _on_user_change(self, name: str, value: Any) -> None:
        if name.startswith("show_"):
            self._place_legend()

    def _update(self) -> str:
        margin = float(self.param("margin"))
        tau = float(self.param("tau"))
        m = self.grid
        shown = []
        for key, entry in BINARY.items():
            loss_line, slope_line = self.lines[key]
            visible = self.controls[f"show_{key}"].value
            loss_line.set_visible(visible)
            slope_line.set_visible(visible)
            if visible:
                shown.append(entry.title)
                loss_line.set_data(m.numpy(), _curve(entry, m, margin, tau).numpy())
                slope_line.set_data(m.numpy(), _curve(entry, m, margin, tau, slope=True).numpy())
        for line in self.delta_lines:
            line.set_xdata([margin, margin])
        softplus = _curve(BINARY["softplus_hinge"], m, margin, tau)
        gap_hinge = float((softplus - _curve(BINARY["hinge"], m, margin, tau)).abs().max())
        gap_ce = float((softplus - _curve(BINARY["logistic"], m, margin, tau)).abs().max())
        self.readouts["gap_hinge"].value = (
            f"largest gap, softplus hinge to hinge: <b>{gap_hinge:.4f}</b>")
        self.readouts["bound"].value = f"bound τ·ln 2: <b>{tau * math.log(2):.4f}</b>"
        self.readouts["gap_cross_entropy"].value = (
            f"largest gap, softplus hinge to cross-entropy: <b>{gap_ce:.4f}</b>")
        listed = ", ".join(shown) if shown else "no curve"
        return (f"Figure: {listed} against the margin m on [{self.M_RANGE[0]:g}, "
                f"{self.M_RANGE[1]:g}], Δ = {margin:.2f}, τ = {tau:.3f}.")


def loss_explorer(
    show: tuple[str, ...] = DEFAULT_SHOWN,
    *,
    margin: float = 1.0,
    tau: float = 0.5,
    view: str = "lesson",
) -> LossExplorer:
    r"""Losses and slopes against the margin, with sliders for :math:`\Delta` and :math:`\tau`.

    Args:
        show: the curves ticked at the start, keys of :data:`hinge_utils.losses.BINARY`.
        margin: :math:`\Delta`, in ``[0, 2]``.
        tau: temperature of the softplus hinge, in ``[0.01, 3.16]`` (log scale).
        view: ``"lesson"`` (stacked, for a notebook) or ``"app"`` (side column).

    Returns:
        A :class:`LossExplorer`; display it (or its ``.widget``).

    Example::

        >>> ex = loss_explorer(margin=0.0, tau=1.0)
        >>> # tau = 1 and Delta = 0: the softplus hinge is the cross-entropy, gap 0
        >>> ex.readouts["gap_cross_entropy"].value
        'largest gap, softplus hinge to cross-entropy: <b>0.0000</b>'
    """
    return LossExplorer(show, margin, tau, view=view)

