r"""What the explorers show, computed: one frame of a binary or a multi-class linear model.

The explorers of :mod:`hinge_utils.widgets` hold sliders and draw; every number they show comes
from here, so a lesson (or a test) can compute the same frame without a widget:

* :func:`margin_frame`: for :math:`f(x) = w^\top x + b`, labels :math:`y \in \{-1, +1\}`, a margin
  :math:`\Delta` and a loss of the registry :data:`hinge_utils.losses.BINARY`, the functional
  margins :math:`m_i = y_i f(x_i)`, the losses :math:`L(m_i)`, the gradients
  :math:`\partial L / \partial f(x_i) = y_i L'(m_i)` and the geometric margins;
* :func:`multiclass_frame`: for scores :math:`s = W x + b`, the per-sample losses of a loss of
  :data:`hinge_utils.losses.MULTICLASS`, their mean and the regularised objective;
* :func:`train_with_margin`: the minimiser of the mean loss at margin :math:`\Delta` plus
  :math:`\tfrac{\lambda}{2}\lVert w\rVert^2`, by rescaling the margin-1 problem that
  :func:`~hinge_utils.training.train_linear_svm` solves.

A loss receives ``margin=`` only when its registry entry lists ``"margin"`` among its
``parameters``; a loss without one (the logistic loss, softmax cross-entropy) is never handed one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import Tensor

from hinge_utils._validation import (
    check_class_labels,
    check_features,
    check_linear_model,
    check_margin,
    check_real,
)
from hinge_utils.functional import functional_margin
from hinge_utils.losses import MarginLoss, binary_loss, multiclass_loss
from hinge_utils.margins import INSIDE, ON_BAND, geometric_margin, margin_position

__all__ = [
    "MarginFrame",
    "MulticlassFrame",
    "margin_degree",
    "margin_frame",
    "multiclass_frame",
    "train_with_margin",
]


def _margin_keyword(parameters: tuple[str, ...], margin: float) -> dict[str, float]:
    """``{"margin": margin}`` for a loss that has a margin parameter, else nothing."""
    return {"margin": margin} if "margin" in parameters else {}


@dataclass(frozen=True)
class MarginFrame:
    r"""One frame of a binary linear model: its margins, losses and gradients on a data set.

    Attributes:
        weight: :math:`w`, shape ``(D,)``.
        bias: :math:`b`.
        delta: the margin :math:`\Delta` the loss asks for (the hinge's
            :math:`[\Delta - m]_+`); it also sets the band that :attr:`violators` and
            :attr:`on_band` count against, for a loss without a margin too.
        loss: a key of :data:`hinge_utils.losses.BINARY`.
        margins: functional margins :math:`m_i = y_i f(x_i)`, shape ``(N,)``.
        losses: per-sample losses :math:`L(m_i)`, shape ``(N,)``.
        gradients: per-sample :math:`\partial L_i / \partial f(x_i) = y_i L'(m_i)`, shape ``(N,)``.
        geometric: geometric margins :math:`m_i / \|w\|`, shape ``(N,)``; None when :math:`w = 0`.
        worst: index of the sample with the smallest functional margin.
    """

    weight: Tensor
    bias: float
    delta: float
    loss: str
    margins: Tensor
    losses: Tensor
    gradients: Tensor
    geometric: Tensor | None
    worst: int

    @property
    def entry(self) -> MarginLoss:
        """The registry entry of :attr:`loss` (its title, label, function, derivative)."""
        return binary_loss(self.loss)

    @property
    def has_margin(self) -> bool:
        r"""Whether the loss takes the margin :math:`\Delta` (``"margin"`` in its parameters)."""
        return "margin" in self.entry.parameters

    @property
    def norm(self) -> float:
        r""":math:`\|w\|`."""
        return float(torch.linalg.vector_norm(self.weight))

    @property
    def mean_loss(self) -> float:
        """The mean of the per-sample losses."""
        return float(self.losses.mean())

    @property
    def pushing(self) -> Tensor:
        r"""Mask of the samples that push (a non-zero gradient), shape ``(N,)``, ``torch.bool``.

        For a loss with a margin these are the violators, :math:`m_i < \Delta` beyond the
        library's tolerance (:func:`hinge_utils.margins.margin_position`): a sample *on* the band
        sits at the kink, where the gradient is 0 and a rounding error must not decide otherwise.
        For a loss without one, every sample whose gradient is not zero.
        """
        if self.has_margin:
            return margin_position(self.margins, self.delta) == INSIDE
        return self.gradients != 0

    @property
    def active(self) -> int:
        """How many samples push (:attr:`pushing`): they alone move :math:`w` and :math:`b`."""
        return int(self.pushing.sum())

    @property
    def violators(self) -> int:
        r"""How many samples have :math:`m_i < \Delta`, up to the library's tolerance."""
        return int((margin_position(self.margins, self.delta) == INSIDE).sum())

    @property
    def on_band(self) -> int:
        r"""How many samples sit on the band, :math:`m_i = \Delta` up to the tolerance."""
        return int((margin_position(self.margins, self.delta) == ON_BAND).sum())

    @property
    def worst_functional(self) -> float:
        r"""Functional margin of the worst sample, :math:`\min_i y_i f(x_i)`."""
        return float(self.margins[self.worst]) + 0.0  # + 0.0 turns -0.0 into 0.0

    @property
    def worst_geometric(self) -> float | None:
        r""":math:`\min_i y_i f(x_i) / \|w\|`, the worst sample's signed distance; None if w = 0."""
        return None if self.geometric is None else float(self.geometric[self.worst]) + 0.0


def margin_frame(
    X: Tensor, y: Tensor, weight: Tensor, bias: Tensor | float, margin: float, loss: str
) -> MarginFrame:
    r"""Margins, losses and gradients of :math:`f(x) = w^\top x + b` on the data ``(X, y)``.

    .. math::
        m_i = y_i (w^\top x_i + b), \qquad
        g_i = \frac{\partial L(m_i)}{\partial f(x_i)} = y_i\, L'(m_i)

    :math:`L` and :math:`L'` are the registry's function and derivative (0 at a kink that meets a
    flat piece, as autograd takes it); the geometric margins come from
    :func:`hinge_utils.margins.geometric_margin` (None when :math:`w = 0`: no boundary).

    Args:
        X: points, shape ``(N, D)``, floating point.
        y: labels in {-1, +1}, shape ``(N,)``.
        weight: :math:`w`, shape ``(D,)``, same dtype as ``X``.
        bias: :math:`b`, a number or a 0-d tensor.
        margin: :math:`\Delta`, any finite number (passed to the loss if it takes one).
        loss: a key of :data:`hinge_utils.losses.BINARY`, e.g. ``"hinge"`` or ``"logistic"``.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; weight: :math:`(D)`; every tensor of the frame
          :math:`(N)`.

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
        >>> frame.gradients.tolist()  # y L'(m): the pushing sample's score is pulled up
        [0.0, -1.0, 0.0]
    """
    entry = binary_loss(loss)
    check_margin(margin)
    check_linear_model(weight, bias, X, y)
    bias = float(bias)
    weight = weight.detach()
    margins = functional_margin(X.detach() @ weight + bias, y)
    keyword = _margin_keyword(entry.parameters, float(margin))
    geometric = geometric_margin(weight, bias, X.detach(), y) if bool(weight.any()) else None
    return MarginFrame(
        weight=weight,
        bias=bias,
        delta=float(margin),
        loss=entry.name,
        margins=margins,
        losses=entry(margins, **keyword),
        gradients=y * entry.derivative(margins, **keyword) + 0.0,  # no -0.0
        geometric=geometric,
        worst=int(torch.argmin(margins)),
    )


def margin_degree(loss: str) -> int:
    r"""The degree :math:`p` with :math:`L(c\,m; c\Delta) = c^p L(m; \Delta)` for all :math:`c > 0`.

    A loss with a margin is positively homogeneous in :math:`(m, \Delta)` when it depends on
    :math:`\Delta - m` through a power: :math:`p = 1` for the hinge, :math:`p = 2` for the squared
    hinge. The degree is read from the loss itself, at two points and :math:`c = 2`.

    Raises:
        ValueError: for a loss without a margin, or one that is not homogeneous (e.g. the
            softplus hinge, whose temperature does not scale).

    Example::

        >>> margin_degree("hinge"), margin_degree("squared_hinge")
        (1, 2)
    """
    entry = binary_loss(loss)
    if "margin" not in entry.parameters:
        raise ValueError(f"loss {loss!r} has no margin, so no degree in it: pass a loss with one, "
                         "e.g. 'hinge'")
    m = torch.tensor([0.0, -1.0], dtype=torch.float64)
    ratio = entry(2 * m, margin=2.0) / entry(m, margin=1.0)
    degree = torch.log2(ratio)
    if not bool(torch.isfinite(degree).all()) or float(degree.max() - degree.min()) > 1e-9:
        raise ValueError(f"loss {loss!r} is not homogeneous in (m, margin): its optimum at one "
                         "margin is not a rescaled optimum at another")
    return round(float(degree[0]))


def train_with_margin(
    X: Tensor, y: Tensor, *, lam: float, loss: str, margin: float
) -> tuple[Tensor, Tensor]:
    r"""Minimise :math:`\tfrac1N \sum_i L(m_i; \Delta) + \tfrac{\lambda}{2}\|w\|^2` over ``(w, b)``.

    :func:`~hinge_utils.training.train_linear_svm` solves the problem at :math:`\Delta = 1`. A
    loss of degree :math:`p` (:func:`margin_degree`) at :math:`\Delta > 0` is the same problem
    rescaled: with :math:`(w, b) = \Delta (w', b')`,

    .. math::
        \tfrac1N \textstyle\sum_i L(m_i; \Delta) + \tfrac{\lambda}{2}\|w\|^2
        = \Delta^p \bigl(\tfrac1N \sum_i L(m'_i; 1) + \tfrac{\lambda \Delta^{2-p}}{2}\|w'\|^2\bigr)

    so the optimum is :math:`\Delta` times the margin-1 optimum for :math:`\lambda \Delta^{2-p}`
    (the hinge: :math:`\lambda\Delta`; the squared hinge: :math:`\lambda`). At :math:`\Delta = 0`
    the loss is :math:`c^p`-homogeneous in :math:`m` alone, its infimum 0 is reached at
    :math:`w = 0, b = 0`, and so is the objective's. A loss without a margin is trained as it is.

    Args:
        X: points, shape ``(N, D)``; y: labels in {-1, +1}, shape ``(N,)``.
        lam: :math:`\lambda > 0`.
        loss: a loss the trainer minimises (:data:`hinge_utils.objectives.BINARY_LOSSES`).
        margin: :math:`\Delta \ge 0`.

    Returns:
        ``(weight, bias)``: shapes ``(D,)`` and ``()``, float64.

    Example::

        >>> X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
        >>> y = torch.tensor([1.0, -1.0], dtype=torch.float64)
        >>> # hinge: w = (1, 0) reaches m = 1 at a cost of lam/2; at Delta = 2, w = (2, 0)
        >>> w, b = train_with_margin(X, y, lam=0.01, loss="hinge", margin=2.0)
        >>> [round(v, 6) + 0.0 for v in w.tolist()], round(float(b), 6) + 0.0
        ([2.0, 0.0], 0.0)
    """
    from hinge_utils.training import train_linear_svm

    entry = binary_loss(loss)
    check_margin(margin)
    X = check_features(X).to(torch.float64)
    if "margin" not in entry.parameters:
        result = train_linear_svm(X, y.to(torch.float64), lam=lam, loss=loss)
        return result.weight.detach().double(), result.bias.detach().double().reshape(())
    if margin < 0:
        raise ValueError(f"margin must be >= 0 to rescale the margin-1 optimum; got {margin!r}: "
                         "pass e.g. margin=1.0")
    if margin == 0.0:
        return X.new_zeros(X.shape[1]), X.new_zeros(())
    degree = margin_degree(loss)
    result = train_linear_svm(X, y.to(torch.float64), lam=lam * math.pow(margin, 2 - degree),
                              loss=loss)
    return (margin * result.weight.detach().double(),
            (margin * result.bias.detach().double()).reshape(()))


class MulticlassFrame(NamedTuple):
    """Losses of a linear multi-class model; unpacks as ``per_sample, data_loss, objective``."""

    per_sample: Tensor
    """Per-sample losses :math:`L_i`, shape ``(N,)``."""
    data_loss: Tensor
    """Their mean, shape ``()``."""
    objective: Tensor
    r"""The mean plus :math:`\tfrac{\lambda}{2}\sum_k \|w_k\|^2`, shape ``()``."""


def multiclass_frame(
    X: Tensor, y: Tensor, weight: Tensor, bias: Tensor, loss: str, margin: float, lam: float
) -> MulticlassFrame:
    r"""Per-sample losses, the data loss and the objective of scores :math:`s_i = W x_i + b`.

    .. math::
        J = \frac{1}{N}\sum_i L_i(s_i, y_i) + \frac{\lambda}{2} \sum_k \|w_k\|^2

    With :math:`\Delta = 1` and a loss the trainer knows, :math:`J` is
    :func:`hinge_utils.objectives.multiclass_objective`.

    Args:
        X: points, shape ``(N, D)``; y: class indices, shape ``(N,)``.
        weight: :math:`W`, shape ``(K, D)``; bias: :math:`b`, shape ``(K,)``.
        loss: a key of :data:`hinge_utils.losses.MULTICLASS`.
        margin: :math:`\Delta`, passed to the losses that take one.
        lam: :math:`\lambda \ge 0`.

    Returns:
        A :class:`MulticlassFrame` ``(per_sample, data_loss, objective)`` of shapes ``(N,)``,
        ``()``, ``()``; differentiable in ``weight`` and ``bias``.

    Example::

        >>> X = torch.tensor([[1.0, 0.0]]); y = torch.tensor([0])
        >>> W = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]); b = torch.zeros(3)
        >>> # s = (1, 0, 0): WW = [0 - 1 + 1]_+ + [0 - 1 + 1]_+ = 0; 0.5 / 2 * ||W||^2 = 0.25
        >>> frame = multiclass_frame(X, y, W, b, "weston_watkins", 1.0, 0.5)
        >>> [round(float(v.sum()), 4) for v in frame]
        [0.0, 0.0, 0.25]
    """
    entry = multiclass_loss(loss)
    check_margin(margin)
    lam = check_real(lam, "lam", "pass e.g. lam=0.1")
    if lam < 0:
        raise ValueError(f"lam must be >= 0; got {lam!r}: pass e.g. lam=0.1")
    X = check_features(X)
    if weight.ndim != 2 or weight.shape[1] != X.shape[1] or bias.shape != (weight.shape[0],):
        raise ValueError(
            f"weight must have shape (K, D) = (K, {X.shape[1]}) and bias shape (K,); got "
            f"{tuple(weight.shape)} and {tuple(bias.shape)}: one row w_k and one b_k per class"
        )
    y = check_class_labels(y, X, weight.shape[0])
    scores = X @ weight.T + bias
    per_sample = entry(scores, y, reduction="none", **_margin_keyword(entry.parameters, margin))
    data_loss = per_sample.mean()
    return MulticlassFrame(per_sample, data_loss, data_loss + lam / 2 * weight.square().sum())
