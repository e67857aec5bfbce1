r"""The loss registry: every loss the library knows, by name, in one table.

Every layer reads the losses from here and nowhere else: the objectives and the trainers
(:func:`~hinge_utils.objectives.svm_objective`, :func:`~hinge_utils.training.train_linear_svm`,
...), the plotting helpers (legend labels, colours and line styles) and the explorers (their
menus and curves). Adding a loss is adding an entry (see ``CONTRIBUTING.md``).

Two tables:

* :data:`BINARY`: losses of the margin :math:`m = y f(x)` (a :class:`MarginLoss` each, with its
  analytic derivative), from the zero-one loss to the exponential;
* :data:`MULTICLASS`: losses of a score vector and a class index (a :class:`MulticlassLoss`).

**Units of the logistic loss.** ``"logistic"`` is :math:`\log(1 + e^{-m})` in **nats** (natural
log): the binary cross-entropy of :math:`\sigma(f(x))`, what ``torch`` and scikit-learn compute
and what the trainers minimise. ``"logistic_bits"`` is the same loss divided by :math:`\ln 2`
(:math:`\log_2(1 + e^{-m})`, which passes through :math:`(0, 1)` and so lies above the zero-one
loss): the version the loss zoo plots. No other unit is used anywhere.

**The margin** :math:`\Delta` of a loss that has one (``parameters`` holds ``"margin"``) is any
finite number everywhere in the library, as in torch (:func:`hinge_utils._validation.check_margin`
says why).

Example::

    >>> import torch
    >>> m = torch.tensor([0.0, 1.0, 2.0])
    >>> BINARY["hinge"](m)  # [1 - m]_+
    tensor([1., 0., 0.])
    >>> BINARY["hinge"](m, margin=2.0)  # [2 - m]_+
    tensor([2., 1., 0.])
    >>> [name for name, loss in BINARY.items() if loss.newton is not None]  # the trainers' own
    ['hinge', 'squared_hinge', 'logistic']
    >>> MULTICLASS["weston_watkins"].title
    'Weston-Watkins'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch.nn.functional as F
from torch import Tensor

from hinge_utils import _newton_losses as solvers
from hinge_utils import zoo
from hinge_utils.functional import crammer_singer_loss, one_vs_rest_loss, weston_watkins_loss

__all__ = [
    "BINARY",
    "MULTICLASS",
    "MarginLoss",
    "MulticlassLoss",
    "binary_loss",
    "multiclass_loss",
    "trainable_binary",
    "trainable_multiclass",
]


@dataclass(frozen=True)
class MarginLoss:
    r"""One loss of the margin :math:`m = y f(x)`: its maths, its names and how it is drawn.

    Attributes:
        name: registry key, e.g. ``"hinge"``.
        title: the name a menu or a sentence shows, e.g. ``"squared hinge"``.
        label: legend label with math text at the default parameters, e.g.
            ``r"hinge $[1-m]_+$"``.
        fn: the loss, ``fn(m, **parameters) -> Tensor`` of the shape of ``m``.
        derivative: its derivative ``dL/dm``, same signature (0 where a kink joins a flat piece).
        kinks: margins (at the default parameters) where the derivative jumps, or for the
            zero-one loss the loss itself; plots sample these points exactly.
        family: the loss's family (``"hinge"``, ``"squared_hinge"``, ``"cross_entropy"``,
            ``"zero_one"`` or ``"margin"``): relatives push alike (the explorers' panel titles).
        color: its colour in every figure, a key of
            :data:`hinge_utils.plotting.style.OKABE_ITO` (``"reddish_purple"``, ...).
        linestyle: matplotlib line style. No two losses of :data:`BINARY` share both
            ``color`` and ``linestyle``, so any set of them can share one axes.
        parameters: the keyword parameters ``fn`` takes besides ``m`` (``"margin"``: the
            :math:`\Delta` of :math:`[\Delta - m]_+`; ``"tau"``; ``"s"``).
        newton: what the exact solver needs (:mod:`hinge_utils._newton_losses`), or None for a
            loss :func:`~hinge_utils.training.train_linear_svm` does not train.

    Examples::

        >>> import torch
        >>> loss = BINARY["hinge"]
        >>> # max(0, 1 - 0.25) = 0.75, slope -1 inside the margin
        >>> loss(torch.tensor([0.25])), loss.derivative(torch.tensor([0.25]))
        (tensor([0.7500]), tensor([-1.]))
    """

    name: str
    title: str
    label: str
    fn: Callable[..., Tensor]
    derivative: Callable[..., Tensor]
    kinks: tuple[float, ...] = ()
    family: str = "margin"
    color: str = "black"
    linestyle: str = "-"
    parameters: tuple[str, ...] = ()
    newton: solvers.BinaryNewtonLoss | None = None

    def __call__(self, m: Tensor, **parameters: Any) -> Tensor:
        """The loss at the margins ``m`` (``parameters``: those of :attr:`parameters`)."""
        return self.fn(m, **parameters)

    def solver(self) -> solvers.BinaryNewtonLoss:
        """:attr:`newton`, or a ``ValueError`` for a loss the exact trainer does not minimise."""
        if self.newton is None:
            raise ValueError(
                f"the exact trainer does not minimise the {self.name!r} loss: use one of "
                f"{', '.join(map(repr, trainable_binary()))}"
            )
        return self.newton


@dataclass(frozen=True)
class MulticlassLoss:
    r"""One loss of a score vector :math:`s \in \mathbb R^K` and its true class :math:`c`.

    Attributes:
        name: registry key, e.g. ``"weston_watkins"``.
        title: the name a menu or a sentence shows, e.g. ``"Weston-Watkins"``.
        label: a one-line formula with math text.
        fn: ``fn(scores (N, K), targets (N,), *, reduction, **parameters)``.
        family: the loss's family (as :attr:`MarginLoss.family`).
        color: its colour in every figure, a key of
            :data:`hinge_utils.plotting.style.OKABE_ITO` (the binary relative's colour).
        linestyle: matplotlib line style; no two losses of :data:`MULTICLASS` share both.
        parameters: keyword parameters ``fn`` takes (``"margin"`` for the hinges).
        newton: what the exact solver needs, or None for a loss the trainer does not train.
    """

    name: str
    title: str
    label: str
    fn: Callable[..., Tensor]
    family: str = "hinge"
    color: str = "reddish_purple"
    linestyle: str = "-"
    parameters: tuple[str, ...] = ()
    newton: solvers.MulticlassNewtonLoss | None = None

    def __call__(
        self, scores: Tensor, targets: Tensor, *, reduction: str = "mean", **parameters: Any
    ) -> Tensor:
        """The loss of ``scores`` for the class indices ``targets``."""
        return self.fn(scores, targets, reduction=reduction, **parameters)

    def solver(self) -> solvers.MulticlassNewtonLoss:
        """:attr:`newton`, or a ``ValueError`` for a loss the exact trainer does not minimise."""
        if self.newton is None:
            raise ValueError(
                f"the exact trainer does not minimise the {self.name!r} loss: use one of "
                f"{', '.join(map(repr, trainable_multiclass()))}"
            )
        return self.newton


def _softmax_cross_entropy(scores: Tensor, targets: Tensor, *, reduction: str = "mean") -> Tensor:
    """``F.cross_entropy`` of raw scores and class indices (natural log)."""
    return F.cross_entropy(scores, targets.long(), reduction=reduction)


BINARY: dict[str, MarginLoss] = {
    loss.name: loss
    for loss in (
        MarginLoss("zero_one", "zero-one", r"zero-one $\mathbb{1}[m \leq 0]$", zoo.zero_one,
                   zoo.zero_one_derivative, kinks=(0.0,), family="zero_one", color="black"),
        MarginLoss("hinge", "hinge", r"hinge $[1-m]_+$", zoo.hinge, zoo.hinge_derivative,
                   kinks=(1.0,), family="hinge", color="reddish_purple",
                   parameters=("margin",), newton=solvers.HingeNewton()),
        MarginLoss("squared_hinge", "squared hinge", r"squared hinge $[1-m]_+^2$",
                   zoo.squared_hinge, zoo.squared_hinge_derivative, family="squared_hinge",
                   color="sky_blue", parameters=("margin",),
                   newton=solvers.SquaredHingeNewton()),
        MarginLoss("smooth_hinge", "smoothed hinge (Rennie-Srebro)",
                   "smoothed hinge (Rennie-Srebro)", zoo.smooth_hinge, zoo.smooth_hinge_derivative,
                   family="hinge", color="vermillion", linestyle="--"),
        MarginLoss("softplus_hinge", "softplus hinge",
                   r"softplus hinge, $\tau = 0.25$", zoo.softplus_hinge,
                   zoo.softplus_hinge_derivative, family="hinge", color="reddish_purple",
                   linestyle=":", parameters=("tau", "margin")),
        MarginLoss("ramp", "ramp", r"ramp $\min(1, [1-m]_+)$", zoo.ramp, zoo.ramp_derivative,
                   kinks=(0.0, 1.0), family="hinge", color="reddish_purple", linestyle="-.",
                   parameters=("s",)),
        MarginLoss("modified_huber", "modified Huber", "modified Huber", zoo.modified_huber,
                   zoo.modified_huber_derivative, family="squared_hinge", color="blue",
                   linestyle="--"),
        MarginLoss("logistic", "logistic (cross-entropy)", r"logistic $\log(1+e^{-m})$",
                   zoo.logistic, zoo.logistic_derivative, family="cross_entropy",
                   color="bluish_green", newton=solvers.LogisticNewton()),
        MarginLoss("logistic_bits", "logistic in bits", r"logistic in bits $\log_2(1+e^{-m})$",
                   zoo.logistic_bits, zoo.logistic_bits_derivative, family="cross_entropy",
                   color="bluish_green", linestyle="-."),
        MarginLoss("exponential", "exponential", r"exponential $e^{-m}$", zoo.exponential,
                   zoo.exponential_derivative, family="cross_entropy", color="orange",
                   linestyle="--"),
        MarginLoss("perceptron", "perceptron", r"perceptron $[-m]_+$", zoo.perceptron,
                   zoo.perceptron_derivative, kinks=(0.0,), family="margin", color="black",
                   linestyle="-."),
    )
}
"""The losses of the margin, keyed by name."""

MULTICLASS: dict[str, MulticlassLoss] = {
    loss.name: loss
    for loss in (
        MulticlassLoss("weston_watkins", "Weston-Watkins",
                       r"$\sum_{k \neq c} [s_k - s_c + \Delta]_+$", weston_watkins_loss,
                       family="hinge", color="reddish_purple", parameters=("margin",),
                       newton=solvers.WestonWatkinsNewton()),
        MulticlassLoss("crammer_singer", "Crammer-Singer",
                       r"$[\max_{k \neq c} s_k - s_c + \Delta]_+$", crammer_singer_loss,
                       family="squared_hinge", color="vermillion", linestyle="--",
                       parameters=("margin",), newton=solvers.CrammerSingerNewton()),
        MulticlassLoss("one_vs_rest", "one-vs-rest", r"$\sum_k [\Delta - t_k s_k]_+$",
                       one_vs_rest_loss, family="margin", color="black", linestyle="-.",
                       parameters=("margin",)),
        MulticlassLoss("cross_entropy", "softmax cross-entropy",
                       r"$-\log \mathrm{softmax}(s)_c$", _softmax_cross_entropy,
                       family="cross_entropy", color="bluish_green",
                       newton=solvers.CrossEntropyNewton()),
    )
}
"""The multi-class losses, keyed by name."""


def trainable_binary() -> tuple[str, ...]:
    """The binary losses the exact trainer minimises: those with a ``newton`` object."""
    return tuple(name for name, loss in BINARY.items() if loss.newton is not None)


def trainable_multiclass() -> tuple[str, ...]:
    """The multi-class losses the exact trainer minimises."""
    return tuple(name for name, loss in MULTICLASS.items() if loss.newton is not None)


def _lookup(table: dict[str, Any], name: object, choices: tuple[str, ...] | None) -> Any:
    options = tuple(table) if choices is None else choices
    if not isinstance(name, str) or name not in options:
        hint = ""
        if name == "cross_entropy" and "logistic" in options:
            hint = " (the binary cross-entropy is 'logistic')"
        elif name == "logistic" and "cross_entropy" in options:
            hint = " (the multi-class cross-entropy is 'cross_entropy')"
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"loss must be one of {listed}; got {name!r}{hint}")
    return table[name]


def binary_loss(name: object, choices: tuple[str, ...] | None = None) -> MarginLoss:
    """The entry of :data:`BINARY` called ``name``; a ``ValueError`` listing ``choices`` (all
    by default) if there is none.

    >>> binary_loss("squared_hinge").title
    'squared hinge'
    """
    entry: MarginLoss = _lookup(BINARY, name, choices)
    return entry


def multiclass_loss(name: object, choices: tuple[str, ...] | None = None) -> MulticlassLoss:
    """The entry of :data:`MULTICLASS` called ``name``, or a ``ValueError`` listing ``choices``."""
    entry: MulticlassLoss = _lookup(MULTICLASS, name, choices)
    return entry

