r"""The multi-class explorer: three linear scores on 2-D points, four losses, gradient steps.

In the spirit of the CS231n linear-classifier demo. Class :math:`k` has the score
:math:`s_k(x) = w_k^\top x + b_k`; nine sliders set :math:`W` (3 x 2) and :math:`b` (3). The
figure colours each point of the plane by the winning class :math:`\arg\max_k s_k(x)` and draws
each class's score line :math:`s_k(x) = 0` with an arrow along :math:`w_k`, where that score
grows. A table lists every sample's scores and loss. The objective is

.. math::
    J(W, b) = \frac{1}{N} \sum_{i=1}^N L_i + \frac{\lambda}{2} \sum_k \|w_k\|^2

(:func:`hinge_utils.frames.multiclass_frame`; with :math:`\Delta = 1` and a loss the trainer
knows, :func:`hinge_utils.objectives.multiclass_objective`) with :math:`L_i` one of the registry
:data:`hinge_utils.losses.MULTICLASS` (true class :math:`c = y_i`, margin :math:`\Delta`)

* Weston-Watkins: :math:`\sum_{k \ne c} [s_k - s_c + \Delta]_+`
  (:func:`hinge_utils.functional.weston_watkins_loss`);
* Crammer-Singer: :math:`[\max_{k \ne c} s_k - s_c + \Delta]_+`
  (:func:`hinge_utils.functional.crammer_singer_loss`);
* one-vs-rest: :math:`\sum_k [\Delta - t_k s_k]_+` with :math:`t_k = +1` for :math:`k = c`, else
  :math:`-1` (:func:`hinge_utils.functional.one_vs_rest_loss`);
* softmax cross-entropy: :math:`-\log\big(e^{s_c} / \sum_k e^{s_k}\big)` (no :math:`\Delta`;
  key ``"cross_entropy"``).

The "step" button moves :math:`(W, b)` by :math:`-\eta\,\nabla J` (autograd); the sliders follow.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.lines import Line2D
from torch import Tensor

from hinge_utils.frames import MulticlassFrame, multiclass_frame
from hinge_utils.losses import MULTICLASS, multiclass_loss
from hinge_utils.plotting.multiclass import plot_multiclass_regions, update_multiclass_regions
from hinge_utils.plotting.style import CLASS_COLORS, CLASS_MARKERS, course_style
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

__all__ = ["MulticlassExplorer", "default_data", "multiclass_explorer"]


def default_data() -> tuple[Tensor, Tensor]:
    """12 points, 4 in each of 3 classes, from :func:`hinge_utils.data.make_multiclass_blobs`."""
    from hinge_utils import data

    return data.make_multiclass_blobs(n=12, k=3, separation=3.0, noise=0.8, seed=3,
                                      dtype=torch.float64)


DEFAULT_W = ((1.0, -0.5), (-0.5, 1.5), (0.5, 0.5))
DEFAULT_B = (0.0, 0.5, -0.5)


class MulticlassExplorer(Explorer):
    r"""The widget behind :func:`multiclass_explorer`; see the module docstring.

    Attributes:
        controls: ``"w{k}{j}"`` (row :math:`k`, column :math:`j` of :math:`W`), ``"b{k}"``,
            ``"loss"``, ``"margin"``, ``"lam"``, ``"lr"``, ``"step"``, ``"steps10"``, ``"reset"``.
        readouts: ``"data_loss"``, ``"regularization"``, ``"objective"``, ``"accuracy"``.
        table: the per-sample table (``ipywidgets.HTML``).
    """

    LIMIT = 5.0
    """Sliders of :math:`W` and :math:`b` span ``[-LIMIT, LIMIT]``; a step stops at the ends."""

    FIGSIZE = {"lesson": ((6.6, 5.6), APP_DPI), "app": ((4.5, 6.3), APP_DPI)}
    """Figure size (inches) and dpi by view: 634 x 538 px in a lesson, 432 x 605 px in the app
    (beside the table)."""

    def __init__(self, X: Tensor | None = None, y: Tensor | None = None,
                 weight: Tensor | None = None, bias: Tensor | None = None,
                 loss: str = "weston_watkins", margin: float = 1.0, lam: float = 0.1,
                 lr: float = 0.2, view: str = "lesson") -> None:
        super().__init__()
        self.view = check_view(view)
        app = self.view == "app"
        if X is None and y is None:
            X, y = default_data()
        elif X is not None and y is not None:
            X, y = X.to(torch.float64), y.long()
        else:
            raise ValueError("pass X and y together (or neither, for the default data)")
        self.X, self.y = X, y
        self.num_classes = int(y.max()) + 1
        if self.num_classes != 3:
            raise ValueError(f"the explorer has sliders for 3 classes; got {self.num_classes}: "
                             "pass labels 0, 1 and 2")
        multiclass_loss(loss)  # a ValueError listing the registry's losses
        margin = check_in_range("margin", margin, 0.0, 3.0)
        lam = check_in_range("lam", lam, 0.0, 1.0)
        lr = check_in_range("lr", lr, 0.01, 1.0)
        W0 = (torch.tensor(DEFAULT_W, dtype=torch.float64) if weight is None
              else weight.to(torch.float64))
        b0 = (torch.tensor(DEFAULT_B, dtype=torch.float64) if bias is None
              else bias.to(torch.float64))
        if W0.shape != (3, 2) or b0.shape != (3,):
            raise ValueError(f"weight must have shape (3, 2) and bias shape (3,); got "
                             f"{tuple(W0.shape)} and {tuple(b0.shape)}: one row w_k and one b_k "
                             "per class")
        if float(torch.cat([W0.flatten(), b0]).abs().max()) > self.LIMIT:
            raise ValueError(f"the entries of weight and bias must lie in [-{self.LIMIT:g}, "
                             f"{self.LIMIT:g}], the range of their sliders: rescale them")

        limit = self.LIMIT
        controls: dict[str, widgets.Widget] = {}
        columns = []
        for k in range(3):
            header = widgets.HTML(
                f"<b style='color:{CLASS_COLORS[k]}'>class {k}</b> "
                f"<span style='color:{CLASS_COLORS[k]}'>{_marker_glyph(k)}</span>")
            header.add_class("hu-class-header")
            column = [header]
            width = "100%" if app else "17em"
            for j in range(2):
                name = f"w{k}{j}"
                controls[name] = float_slider(f"w[{k},{j}]", float(W0[k, j]), -limit, limit, 0.01,
                                              f"hu-slider-{name}", width=width)
                column.append(controls[name])
            controls[f"b{k}"] = float_slider(f"b[{k}]", float(b0[k]), -limit, limit, 0.01,
                                             f"hu-slider-b{k}", width=width)
            column.append(controls[f"b{k}"])
            columns.append(widgets.VBox(column))
        for name in controls:
            controls[name].style = {"description_width": "4.1em" if app else "3.5em"}
        controls["loss"] = widgets.ToggleButtons(
            options=[(entry.title, name) for name, entry in MULTICLASS.items()], value=loss,
            style={"button_width": "auto" if app else "11.5em"})
        width = "100%" if app else "19em"
        controls["margin"] = float_slider("margin Δ", margin, 0.0, 3.0, 0.05, "hu-slider-margin",
                                          width=width)
        controls["lam"] = float_slider("λ", lam, 0.0, 1.0, 0.01, "hu-slider-lam", width=width)
        controls["lr"] = float_slider("step size η", lr, 0.01, 1.0, 0.01, "hu-slider-lr",
                                      width=width)
        controls["step"] = widgets.Button(description="step", icon="arrow-right",
                                          layout=widgets.Layout(width="7em"))
        controls["steps10"] = widgets.Button(description="10 steps", icon="forward",
                                             layout=widgets.Layout(width="8em"))
        controls["reset"] = widgets.Button(description="reset", icon="undo",
                                           layout=widgets.Layout(width="7em"))
        for name in ("loss", "step", "steps10", "reset"):
            controls[name].add_class(f"hu-control-{name}")
        controls["step"].on_click(lambda _button: self.step())
        controls["steps10"].on_click(lambda _button: self.step(10))
        controls["reset"].on_click(lambda _button: self.reset())
        self.controls = controls
        self._keep_exact({f"w{k}{j}": float(W0[k, j]) for k in range(3) for j in range(2)}
                         | {f"b{k}": float(b0[k]) for k in range(3)}
                         | {"margin": margin, "lam": lam, "lr": lr})
        self.readouts = {name: readout(f"hu-readout-{name.replace('_', '-')}")
                         for name in ("data_loss", "regularization", "objective", "accuracy")}
        self.table = widgets.HTML(layout=widgets.Layout(margin="0 0 0 1em"))
        self.table.add_class("hu-loss-table")

        figsize, dpi = self.FIGSIZE[self.view]
        self.canvas = PngCanvas(figsize=figsize, dpi=dpi)
        with course_style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-multiclass-figure", self.view)
        buttons = widgets.HBox([controls["step"], controls["steps10"], controls["reset"]])
        if app:
            # two sliders a row, each description in its class's colour (hu-class-k)
            names = [f"w{k}{j}" for k in range(3) for j in range(2)] + [f"b{k}" for k in range(3)]
            for name in names:
                controls[name].add_class(f"hu-class-{name[1]}")
            grid = widgets.GridBox([controls[name] for name in names],
                                   layout=widgets.Layout(grid_template_columns="1fr 1fr"))
            layout, self.side, self.main = app_layout(
                [grid, controls["loss"], controls["margin"], controls["lam"],
                 controls["lr"], buttons],
                [self.image, self.caption,
                 widgets.VBox([self.table, *self.readouts.values()])],
                "hu-multiclass-explorer")
            self._finish(layout, controls)
            return
        settings = widgets.VBox([
            controls["loss"],
            widgets.HBox([widgets.VBox([controls["margin"], controls["lam"], controls["lr"]]),
                          widgets.VBox(list(self.readouts.values()))]),
            buttons,
        ])
        layout = widgets.VBox([
            widgets.HBox(columns), settings,
            widgets.HBox([widgets.VBox([self.image, self.caption]), self.table]),
        ])
        layout.add_class("hu-multiclass-explorer")
        self._finish(layout, controls)

    # --- parameters -----------------------------------------------------------------------

    @property
    def weight(self) -> Tensor:
        """:math:`W`, shape ``(3, 2)``, float64 (exact; the sliders show it rounded)."""
        return torch.tensor([[self.param(f"w{k}{j}") for j in range(2)] for k in range(3)],
                            dtype=torch.float64)

    @property
    def bias(self) -> Tensor:
        """:math:`b`, shape ``(3,)``, float64 (exact; the sliders show it rounded)."""
        return torch.tensor([self.param(f"b{k}") for k in range(3)], dtype=torch.float64)

    def set_params(self, weight: Tensor, bias: Tensor) -> None:
        """Set ``weight`` (3 x 2) and ``bias`` (3) exactly, with one redraw; the sliders follow."""
        with self.hold():
            for k in range(3):
                for j in range(2):
                    self.set_param(f"w{k}{j}", float(weight[k, j]))
                self.set_param(f"b{k}", float(bias[k]))

    def _frame(self, weight: Tensor, bias: Tensor) -> MulticlassFrame:
        return multiclass_frame(self.X, self.y, weight, bias, self.controls["loss"].value,
                                float(self.param("margin")), float(self.param("lam")))

    def objective(self) -> MulticlassFrame:
        """:func:`hinge_utils.frames.multiclass_frame` at the sliders: per-sample losses, data
        loss, objective."""
        return self._frame(self.weight, self.bias)

    def step(self, count: int = 1) -> None:
        r"""Take ``count`` gradient steps :math:`(W, b) \leftarrow (W, b) - \eta \nabla J`."""
        weight, bias = self.weight, self.bias
        lr = float(self.param("lr"))
        for _ in range(count):
            weight.requires_grad_(True)
            bias.requires_grad_(True)
            total = self._frame(weight, bias).objective
            grad_weight, grad_bias = torch.autograd.grad(total, (weight, bias))
            weight = (weight - lr * grad_weight).detach().clamp(-self.LIMIT, self.LIMIT)
            bias = (bias - lr * grad_bias).detach().clamp(-self.LIMIT, self.LIMIT)
        self.set_params(weight, bias)

    # --- figure ---------------------------------------------------------------------------

    def _build_figure(self) -> None:
        ax = self.canvas.figure.add_subplot()
        self.ax = ax
        lo = float(self.X.min()) - 1.0
        hi = float(self.X.max()) + 1.0
        self.lims = (lo, hi)
        # The regions of a linear model are convex polygons: drawn as such they are exact and
        # cheap to move, where an image would be re-sampled on every frame.
        self.regions = plot_multiclass_regions(
            self.weight, self.bias, self.X, self.y, ax=ax, fill="polygons", legend=False,
            xlim=self.lims, ylim=self.lims,
            title="The highest score wins" if self.view == "app" else
            "Each class wins where its score is highest")
        self.rings = ax.scatter([], [], s=230, facecolors="none", edgecolors="black",
                                linewidths=1.5, zorder=5)
        handles = [*self.regions.points,
                   Line2D([], [], color="#555555", linestyle="--", linewidth=2.0),
                   Line2D([], [], marker="o", markersize=13, linestyle="none",
                          markerfacecolor="none", markeredgecolor="black")]
        labels = ["class 0", "class 1", "class 2", r"$s_k(x) = 0$, arrow $w_k$",
                  r"loss $L_i > 0$"]
        self.canvas.figure.legend(handles, labels, loc="outside lower center",
                                  ncol=2 if self.view == "app" else 3, fontsize=12)
        self.canvas.animate(*self.regions.moving, self.rings)

    def _update(self) -> str:
        weight, bias = self.weight, self.bias
        entry = MULTICLASS[self.controls["loss"].value]
        margin = float(self.param("margin"))
        lam = float(self.param("lam"))
        per_sample, data_loss, total = self._frame(weight, bias)
        scores = self.X @ weight.T + bias
        correct = int((scores.argmax(dim=1) == self.y).sum())
        delta = f"Δ = {margin:.2f}" if "margin" in entry.parameters else "no Δ"
        squares = float(weight.square().sum())
        self.readouts["data_loss"].value = (
            f"mean {entry.title} loss ({delta}): <b>{float(data_loss):.4f}</b>")
        self.readouts["regularization"].value = (
            f"λ/2·Σ‖w_k‖² = {lam:.2f}/2 × {squares:.3f}: <b>{lam / 2 * squares:.4f}</b>")
        self.readouts["objective"].value = f"objective J: <b>{float(total):.4f}</b>"
        self.readouts["accuracy"].value = (
            f"accuracy: <b>{correct}</b> of {len(self.y)} correct")
        self.table.value = _table(scores, self.y, per_sample)
        update_multiclass_regions(self.regions, weight.numpy(), bias.numpy())
        losing = per_sample.detach().numpy() > 0
        self.rings.set_offsets(self.X.numpy()[losing] if losing.any() else np.empty((0, 2)))
        rows = "; ".join(f"s{k} = {weight[k, 0]:.2f}·x1 {weight[k, 1]:+.2f}·x2 {bias[k]:+.2f}"
                         for k in range(3))
        return (f"Figure: {rows}; mean {entry.title} loss {float(data_loss):.4f}, "
                f"{correct} of {len(self.y)} correct.")


def _marker_glyph(k: int) -> str:
    return {"o": "●", "s": "■", "^": "▲"}.get(CLASS_MARKERS[k], "●")


def _table(scores: Tensor, y: Tensor, per_sample: Tensor) -> str:
    """The per-sample HTML table: index, class, the three scores (true one in bold), loss."""
    head = ("<tr><th>#</th><th>class</th>"
            + "".join(f"<th style='color:{CLASS_COLORS[k]}'>s<sub>{k}</sub></th>"
                      for k in range(scores.shape[1]))
            + "<th>loss L<sub>i</sub></th></tr>")
    rows = []
    for i, (row, label, value) in enumerate(zip(scores.tolist(), y.tolist(), per_sample.tolist(),
                                                strict=True)):
        cells = "".join(
            f"<td><b>{s:+.2f}</b></td>" if k == label else f"<td>{s:+.2f}</td>"
            for k, s in enumerate(row))
        loss_cell = f"<td><b>{value:.3f}</b></td>" if value > 0 else f"<td>{value:.3f}</td>"
        rows.append(f"<tr><td>{i}</td><td style='color:{CLASS_COLORS[label]}'>"
                    f"{_marker_glyph(label)} {label}</td>{cells}{loss_cell}</tr>")
    style = ("<style>.hu-loss-table table{border-collapse:collapse;font-size:0.95em}"
             ".hu-loss-table td,.hu-loss-table th{padding:1px 7px;text-align:right}"
             ".hu-loss-table tr:nth-child(even){background:#f4f4f4}</style>")
    return f"{style}<table>{head}{''.join(rows)}</table>"


def multiclass_explorer(
    loss: str = "weston_watkins",
    *,
    margin: float = 1.0,
    lam: float = 0.1,
    lr: float = 0.2,
    X: Tensor | None = None,
    y: Tensor | None = None,
    view: str = "lesson",
) -> MulticlassExplorer:
    r"""Three linear class scores on 2-D points: sliders for :math:`W, b`, a loss switch, steps.

    Args:
        loss: a key of :data:`hinge_utils.losses.MULTICLASS`: ``"weston_watkins"``,
            ``"crammer_singer"``, ``"one_vs_rest"`` or ``"cross_entropy"`` (softmax).
        margin: :math:`\Delta`, in ``[0, 3]`` (for the losses that have one).
        lam: :math:`\lambda`, in ``[0, 1]``.
        lr: step size :math:`\eta`, in ``[0.01, 1]``.
        X, y: your own points ``(N, 2)`` and labels in {0, 1, 2} (default: :func:`default_data`).
        view: ``"lesson"`` (stacked, for a notebook) or ``"app"`` (side column).

    Returns:
        A :class:`MulticlassExplorer`; display it (or its ``.widget``).

    Example::

        >>> ex = multiclass_explorer()
        >>> before = ex.objective()[2]
        >>> ex.step()  # one gradient step lowers the objective
        >>> bool(ex.objective()[2] < before)
        True
    """
    return MulticlassExplorer(X, y, loss=loss, margin=margin, lam=lam, lr=lr, view=view)
