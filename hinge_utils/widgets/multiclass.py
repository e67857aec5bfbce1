r"""The multi-class explorer: three linear scores on 2-D points, four losses, gradient steps.

In the spirit of the CS231n linear-classifier demo. Class :math:`k` has the score
:math:`s_k(x) = w_k^\top x + b_k`; nine sliders set :math:`W` (3 x 2) and :math:`b` (3). The
figure colours each point of the plane by the winning class :math:`\arg\max_k s_k(x)` and draws
each class's score line :math:`s_k(x) = 0` with an arrow along :math:`w_k`, where that score
grows. A table lists every sample's scores and loss. The objective is

.. math::
    J(W, b) = \frac{1}{N} \sum_{i=1}^N L_i + \frac{\lambda}{2} \sum_k \|w_k\|^2

(as :func:`hinge_utils.objectives.multiclass_objective`, which has :math:`\Delta = 1` and no
one-vs-all) with :math:`L_i` one of (true class :math:`c = y_i`, margin :math:`\Delta`)

* Weston-Watkins: :math:`\sum_{k \ne c} [s_k - s_c + \Delta]_+`
  (:func:`hinge_utils.functional.weston_watkins_loss`);
* Crammer-Singer: :math:`[\max_{k \ne c} s_k - s_c + \Delta]_+`
  (:func:`hinge_utils.functional.crammer_singer_loss`);
* one-vs-all: :math:`\sum_k [\Delta - t_k s_k]_+` with :math:`t_k = +1` for :math:`k = c`, else
  :math:`-1` (:func:`hinge_utils.functional.hinge_loss` on each score);
* softmax cross-entropy: :math:`-\log\big(e^{s_c} / \sum_k e^{s_k}\big)` (no :math:`\Delta`;
  key ``"cross_entropy"``, as in :mod:`hinge_utils.objectives`).

The "step" button moves :math:`(W, b)` by :math:`-\eta\,\nabla J` (autograd); the sliders follow.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from torch import Tensor

from hinge_utils.functional import crammer_singer_loss, hinge_loss, weston_watkins_loss
from hinge_utils.plotting import line_in_box, polygon_in_box
from hinge_utils.plotting.multiclass import plot_multiclass_regions
from hinge_utils.plotting.style import CLASS_COLORS, CLASS_MARKERS, style
from hinge_utils.widgets.base import (
    Explorer,
    check_in_range,
    figure_widgets,
    float_slider,
    readout,
)
from hinge_utils.widgets.canvas import PngCanvas

__all__ = [
    "MULTICLASS_LOSSES",
    "MulticlassExplorer",
    "class_region",
    "multiclass_explorer",
    "multiclass_frame",
    "one_vs_all_loss",
    "softmax_cross_entropy",
]


def one_vs_all_loss(scores: Tensor, targets: Tensor, margin: float = 1.0,
                    reduction: str = "mean") -> Tensor:
    r"""One binary hinge per class, summed: :math:`\sum_k [\Delta - t_k s_k]_+`.

    :math:`t_k = +1` for the true class and :math:`-1` for the others: each score is its own
    binary classifier "class :math:`k` or not".

    Shape:
        - scores: :math:`(N, K)`; targets: :math:`(N)` class indices.
        - Output: scalar; :math:`(N)` for ``reduction='none'``.

    Example::

        >>> s = torch.tensor([[2.0, 0.5, -1.0]])
        >>> # t = (+1, -1, -1): [1 - 2]_+ + [1 + 0.5]_+ + [1 - 1]_+ = 0 + 1.5 + 0
        >>> one_vs_all_loss(s, torch.tensor([0]))
        tensor(1.5000)
    """
    num_classes = scores.shape[1]
    signs = F.one_hot(targets.long(), num_classes).to(scores.dtype) * 2 - 1
    per_score = hinge_loss(scores.reshape(-1), signs.reshape(-1), margin=margin, reduction="none")
    per_sample = per_score.reshape(scores.shape).sum(dim=1)
    if reduction == "none":
        return per_sample
    return per_sample.sum() if reduction == "sum" else per_sample.mean()


def softmax_cross_entropy(scores: Tensor, targets: Tensor, margin: float = 1.0,
                           reduction: str = "mean") -> Tensor:
    """``F.cross_entropy``; the margin is accepted for a common signature and ignored."""
    return F.cross_entropy(scores, targets.long(), reduction=reduction)


MULTICLASS_LOSSES: dict[str, tuple[str, Callable[..., Tensor]]] = {
    "weston_watkins": ("Weston-Watkins", weston_watkins_loss),
    "crammer_singer": ("Crammer-Singer", crammer_singer_loss),
    "one_vs_all": ("one-vs-all", one_vs_all_loss),
    "cross_entropy": ("softmax cross-entropy", softmax_cross_entropy),
}
"""Loss key -> (name shown, ``fn(scores, targets, margin, reduction)``)."""


def multiclass_frame(X: Tensor, y: Tensor, W: Tensor, b: Tensor, loss: str, margin: float,
                     lam: float) -> tuple[Tensor, Tensor, Tensor]:
    r"""Per-sample losses, the data loss and the full objective of a linear multi-class model.

    .. math::
        J = \frac{1}{N}\sum_i L_i(s_i, y_i) + \frac{\lambda}{2} \sum_k \|w_k\|^2,
        \qquad s_i = W x_i + b

    With :math:`\Delta = 1` and the Weston-Watkins, Crammer-Singer or cross-entropy loss, ``J``
    is :func:`hinge_utils.objectives.multiclass_objective`.

    Args:
        X: points, shape ``(N, D)``; y: class indices, shape ``(N,)``.
        W: weights, shape ``(K, D)``; b: biases, shape ``(K,)``.
        loss: a key of :data:`MULTICLASS_LOSSES`.
        margin: :math:`\Delta`.
        lam: :math:`\lambda \ge 0`.

    Returns:
        ``(per_sample, data_loss, objective)`` with shapes ``(N,)``, ``()``, ``()``; differentiable
        in ``W`` and ``b``.

    Example::

        >>> X = torch.tensor([[1.0, 0.0]]); y = torch.tensor([0])
        >>> W = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]); b = torch.zeros(3)
        >>> # s = (1, 0, 0): WW = [0 - 1 + 1]_+ + [0 - 1 + 1]_+ = 0; 0.5 / 2 * ||W||^2 = 0.25
        >>> [round(float(v.sum()), 4) for v in multiclass_frame(X, y, W, b, "weston_watkins",
        ...                                                       1.0, 0.5)]
        [0.0, 0.0, 0.25]
    """
    if loss not in MULTICLASS_LOSSES:
        raise ValueError(f"loss must be one of {sorted(MULTICLASS_LOSSES)}; got {loss!r}: "
                         "e.g. loss='weston_watkins'")
    scores = X @ W.T + b
    per_sample = MULTICLASS_LOSSES[loss][1](scores, y, margin=margin, reduction="none")
    data_loss = per_sample.mean()
    return per_sample, data_loss, data_loss + lam / 2 * (W * W).sum()


def default_data() -> tuple[Tensor, Tensor]:
    """12 points, 4 in each of 3 classes, from :func:`hinge_utils.data.make_multiclass_blobs`."""
    from hinge_utils import data

    return data.make_multiclass_blobs(n=12, k=3, separation=3.0, noise=0.8, seed=3,
                                      dtype=torch.float64)


REGION_ALPHA = 0.22
"""Opacity of the decision regions, as in :func:`hinge_utils.plotting.plot_multiclass_regions`."""


def class_region(W: np.ndarray, b: np.ndarray, k: int, xlim: tuple[float, float],
                 ylim: tuple[float, float]) -> np.ndarray:
    r"""The convex polygon of the box where class ``k`` has the highest score.

    .. math::
        R_k = \{x : s_k(x) \ge s_j(x)\ \forall j\} =
        \bigcap_{j \ne k} \{x : (w_j - w_k)^\top x \le b_k - b_j\}

    Returns:
        Vertices, shape ``(V, 2)``; ``(0, 2)`` when the class wins nowhere in the box.

    Example::

        >>> W = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, -5.0]]); b = np.zeros(3)
        >>> # s_0 = x1 beats s_1 = -x1 for x1 >= 0, and s_2 = -5 x2 for x2 >= -x1 / 5
        >>> class_region(W, b, 0, (-1.0, 1.0), (0.0, 1.0)).tolist()
        [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    """
    others = [j for j in range(len(W)) if j != k]
    return polygon_in_box([(W[j] - W[k], b[k] - b[j]) for j in others], xlim, ylim)


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

    def __init__(self, X: Tensor | None = None, y: Tensor | None = None,
                 W: Tensor | None = None, b: Tensor | None = None,
                 loss: str = "weston_watkins", margin: float = 1.0, lam: float = 0.1,
                 lr: float = 0.2) -> None:
        super().__init__()
        if (X is None) != (y is None):
            raise ValueError("pass X and y together (or neither, for the default data)")
        X, y = default_data() if X is None else (X.to(torch.float64), y.long())
        self.X, self.y = X, y
        self.num_classes = int(y.max()) + 1
        if self.num_classes != 3:
            raise ValueError(f"the explorer has sliders for 3 classes; got {self.num_classes}: "
                             "pass labels 0, 1 and 2")
        if loss not in MULTICLASS_LOSSES:
            raise ValueError(f"loss must be one of {sorted(MULTICLASS_LOSSES)}; got {loss!r}: "
                             "e.g. loss='weston_watkins'")
        margin = check_in_range("margin", margin, 0.0, 3.0)
        lam = check_in_range("lam", lam, 0.0, 1.0)
        lr = check_in_range("lr", lr, 0.01, 1.0)
        W0 = torch.tensor(DEFAULT_W, dtype=torch.float64) if W is None else W.to(torch.float64)
        b0 = torch.tensor(DEFAULT_B, dtype=torch.float64) if b is None else b.to(torch.float64)
        if W0.shape != (3, 2) or b0.shape != (3,):
            raise ValueError(f"W must have shape (3, 2) and b shape (3,); got {tuple(W0.shape)} "
                             f"and {tuple(b0.shape)}: one row w_k and one b_k per class")
        if float(torch.cat([W0.flatten(), b0]).abs().max()) > self.LIMIT:
            raise ValueError(f"the entries of W and b must lie in [-{self.LIMIT:g}, "
                             f"{self.LIMIT:g}], the range of their sliders: rescale them")
        self._initial = (W0.clone(), b0.clone())

        limit = self.LIMIT
        controls: dict[str, widgets.Widget] = {}
        columns = []
        for k in range(3):
            header = widgets.HTML(
                f"<b style='color:{CLASS_COLORS[k]}'>class {k}</b> "
                f"<span style='color:{CLASS_COLORS[k]}'>{_marker_glyph(k)}</span>")
            column = [header]
            for j in range(2):
                name = f"w{k}{j}"
                controls[name] = float_slider(f"w[{k},{j}]", float(W0[k, j]), -limit, limit, 0.01,
                                              f"hu-slider-{name}", width="17em")
                column.append(controls[name])
            controls[f"b{k}"] = float_slider(f"b[{k}]", float(b0[k]), -limit, limit, 0.01,
                                             f"hu-slider-b{k}", width="17em")
            column.append(controls[f"b{k}"])
            columns.append(widgets.VBox(column))
        for name in controls:
            controls[name].style = {"description_width": "3.5em"}
        controls["loss"] = widgets.ToggleButtons(
            options=[(label, key) for key, (label, _) in MULTICLASS_LOSSES.items()], value=loss,
            style={"button_width": "11.5em"})
        controls["margin"] = float_slider("margin Δ", margin, 0.0, 3.0, 0.05, "hu-slider-margin",
                                          width="19em")
        controls["lam"] = float_slider("λ", lam, 0.0, 1.0, 0.01, "hu-slider-lam", width="19em")
        controls["lr"] = float_slider("step size η", lr, 0.01, 1.0, 0.01, "hu-slider-lr",
                                      width="19em")
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

        self.canvas = PngCanvas(figsize=(6.6, 5.6), dpi=84)
        with style():  # the course's fonts and line widths for every artist
            self._build_figure()
        self.image, self.caption = figure_widgets(self.canvas, "hu-multiclass-figure")
        settings = widgets.VBox([
            controls["loss"],
            widgets.HBox([widgets.VBox([controls["margin"], controls["lam"], controls["lr"]]),
                          widgets.VBox(list(self.readouts.values()))]),
            widgets.HBox([controls["step"], controls["steps10"], controls["reset"]]),
        ])
        layout = widgets.VBox([
            widgets.HBox(columns), settings,
            widgets.HBox([widgets.VBox([self.image, self.caption]), self.table]),
        ])
        layout.add_class("hu-multiclass-explorer")
        self._finish(layout, controls)

    # --- parameters -----------------------------------------------------------------------

    @property
    def W(self) -> Tensor:
        """The weights, shape ``(3, 2)``, float64 (exact; the sliders show them rounded)."""
        return torch.tensor([[self.param(f"w{k}{j}") for j in range(2)] for k in range(3)],
                            dtype=torch.float64)

    @property
    def b(self) -> Tensor:
        """The biases, shape ``(3,)``, float64 (exact; the sliders show them rounded)."""
        return torch.tensor([self.param(f"b{k}") for k in range(3)], dtype=torch.float64)

    def set_params(self, W: Tensor, b: Tensor) -> None:
        """Set ``W`` (3 x 2) and ``b`` (3) exactly, with one redraw; the sliders follow."""
        with self.hold():
            for k in range(3):
                for j in range(2):
                    self.set_param(f"w{k}{j}", float(W[k, j]))
                self.set_param(f"b{k}", float(b[k]))

    def objective(self) -> tuple[Tensor, Tensor, Tensor]:
        """:func:`multiclass_frame` at the sliders: per-sample losses, data loss, objective."""
        return multiclass_frame(self.X, self.y, self.W, self.b, self.controls["loss"].value,
                                float(self.param("margin")), float(self.param("lam")))

    def step(self, count: int = 1) -> None:
        r"""Take ``count`` gradient steps :math:`(W, b) \leftarrow (W, b) - \eta \nabla J`."""
        W, b = self.W, self.b
        lr = float(self.param("lr"))
        for _ in range(count):
            W.requires_grad_(True)
            b.requires_grad_(True)
            _, _, total = multiclass_frame(self.X, self.y, W, b, self.controls["loss"].value,
                                           float(self.param("margin")), float(self.param("lam")))
            grad_W, grad_b = torch.autograd.grad(total, (W, b))
            W = (W - lr * grad_W).detach().clamp(-self.LIMIT, self.LIMIT)
            b = (b - lr * grad_b).detach().clamp(-self.LIMIT, self.LIMIT)
        self.set_params(W, b)

    def reset(self) -> None:
        """Back to the starting weights and biases."""
        self.set_params(*self._initial)

    # --- figure ---------------------------------------------------------------------------

    def _build_figure(self) -> None:
        ax = self.canvas.figure.add_subplot()
        self.ax = ax
        lo = float(self.X.min()) - 1.0
        hi = float(self.X.max()) + 1.0
        self.lims = (lo, hi)
        self.regions = plot_multiclass_regions(
            self.W, self.b, self.X, self.y, ax=ax, resolution=2, legend=False,
            xlim=self.lims, ylim=self.lims, title="Each class wins where its score is highest")
        # The regions of a linear model are convex polygons: drawn as such they are exact and
        # cost a fraction of a re-sampled image. The arrows are made for every frame below.
        self.regions.regions.remove()
        for arrow in self.regions.arrows:
            if arrow is not None:
                arrow.remove()
        self.patches = [ax.add_patch(Polygon(np.zeros((1, 2)), closed=True, zorder=0,
                                             facecolor=CLASS_COLORS[k], alpha=REGION_ALPHA,
                                             edgecolor="none"))
                        for k in range(3)]
        self.arrows = [
            ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=3, annotation_clip=False,
                        arrowprops={"arrowstyle": "-|>", "color": CLASS_COLORS[k],
                                    "linewidth": 2.2, "mutation_scale": 18, "shrinkA": 0,
                                    "shrinkB": 0})
            for k in range(3)]
        self.rings = ax.scatter([], [], s=230, facecolors="none", edgecolors="black",
                                linewidths=1.5, zorder=5)
        handles = [*self.regions.points,
                   Line2D([], [], color="#555555", linestyle="--", linewidth=2.0),
                   Line2D([], [], marker="o", markersize=13, linestyle="none",
                          markerfacecolor="none", markeredgecolor="black")]
        labels = ["class 0", "class 1", "class 2", r"$s_k(x) = 0$, arrow $w_k$",
                  r"loss $L_i > 0$"]
        self.canvas.figure.legend(handles, labels, loc="outside lower center", ncol=3,
                                  fontsize=11)
        self.canvas.animate(*self.patches, *self.regions.zero_lines, *self.arrows, self.rings)

    def _update(self) -> str:
        W, b = self.W, self.b
        loss = self.controls["loss"].value
        margin = float(self.param("margin"))
        lam = float(self.param("lam"))
        per_sample, data_loss, total = multiclass_frame(self.X, self.y, W, b, loss, margin,
                                                            lam)
        scores = self.X @ W.T + b
        accuracy = float((scores.argmax(dim=1) == self.y).double().mean())
        name = MULTICLASS_LOSSES[loss][0]
        uses_margin = loss != "cross_entropy"
        delta = f"Δ = {margin:.2f}" if uses_margin else "no Δ"
        self.readouts["data_loss"].value = (
            f"mean {name} loss ({delta}): <b>{float(data_loss):.4f}</b>")
        self.readouts["regularization"].value = (
            f"λ/2·Σ‖w_k‖² = {lam:.2f}/2 × {float((W * W).sum()):.3f}: "
            f"<b>{lam / 2 * float((W * W).sum()):.4f}</b>")
        self.readouts["objective"].value = f"objective J: <b>{float(total):.4f}</b>"
        self.readouts["accuracy"].value = (
            f"accuracy: <b>{round(accuracy * len(self.y))}</b> of {len(self.y)} correct")
        self.table.value = _table(scores, self.y, per_sample)
        self._draw(W.numpy(), b.numpy(), per_sample.detach().numpy())
        rows = "; ".join(f"s{k} = {W[k, 0]:.2f}·x1 {W[k, 1]:+.2f}·x2 {b[k]:+.2f}"
                         for k in range(3))
        return (f"Figure: {rows}; mean {name} loss {float(data_loss):.4f}, "
                f"{round(accuracy * len(self.y))} of {len(self.y)} correct.")

    def _draw(self, W: np.ndarray, b: np.ndarray, per_sample: np.ndarray) -> None:
        lo, hi = self.lims
        for k, patch in enumerate(self.patches):
            polygon = class_region(W, b, k, self.lims, self.lims)
            patch.set_xy(polygon if len(polygon) >= 3 else np.zeros((1, 2)))
        length = 0.12 * (hi - lo)
        for k in range(3):
            xs, ys = line_in_box(W[k], float(b[k]), 0.0, self.lims, self.lims)
            self.regions.zero_lines[k].set_data(xs, ys)
            arrow = self.arrows[k]
            arrow.set_visible(bool(xs.size))
            if xs.size:
                base = np.array([xs.mean(), ys.mean()])
                arrow.xy = tuple(base + length * W[k] / np.linalg.norm(W[k]))
                arrow.set_position(tuple(base))
        X = self.X.numpy()
        self.rings.set_offsets(X[per_sample > 0] if per_sample.any() else np.empty((0, 2)))


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
) -> MulticlassExplorer:
    r"""Three linear class scores on 2-D points: sliders for :math:`W, b`, a loss switch, steps.

    Args:
        loss: ``"weston_watkins"``, ``"crammer_singer"``, ``"one_vs_all"`` or
            ``"cross_entropy"`` (softmax).
        margin: :math:`\Delta`, in ``[0, 3]`` (unused by softmax).
        lam: :math:`\lambda`, in ``[0, 1]``.
        lr: step size :math:`\eta`, in ``[0.01, 1]``.
        X, y: your own points ``(N, 2)`` and labels in {0, 1, 2} (default: :func:`default_data`).

    Returns:
        A :class:`MulticlassExplorer`; display it (or its ``.widget``).

    Example::

        >>> ex = multiclass_explorer()
        >>> before = ex.objective()[2]
        >>> ex.step()  # one gradient step lowers the objective
        >>> bool(ex.objective()[2] < before)
        True
    """
    return MulticlassExplorer(X, y, loss=loss, margin=margin, lam=lam, lr=lr)
