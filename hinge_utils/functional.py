r"""Hinge losses as functions of raw scores: binary, squared, Weston-Watkins and Crammer-Singer.

Scores are raw model outputs (no sigmoid, no softmax). Binary losses take scores of shape ``(N,)``
and targets of the same shape with values in {-1, +1}; multi-class losses take scores of shape
``(N, K)`` and integer class indices of shape ``(N,)``. Every loss accepts
``reduction='mean' | 'sum' | 'none'``.

**Two conventions for the multi-class hinge.** The seed's Weston-Watkins loss *sums* the hinge over
the ``K - 1`` wrong classes,

.. math::
    \ell(s, c) = \sum_{k \neq c} w_c \, \max(0,\; s_k - s_c + \Delta)^p,

while ``torch.nn.functional.multi_margin_loss`` *divides that sum by the number of classes*
``K`` (the true class included in the count). :func:`weston_watkins_loss` follows the seed, so
for every ``margin``, ``p``, ``weight`` and ``reduction``::

    weston_watkins_loss(s, c, ...) == K * F.multi_margin_loss(s, c, ...)

The weight multiplies the powered term, ``w_c * max(0, .)^p``, as torch's kernel does (torch's
docstring writes ``max(0, w_c * (.))^p``, which differs for ``p = 2``).

**The kink.** The hinge ``max(0, u)`` has no derivative at ``u = 0``; any value in ``[0, 1]`` times
``du`` is a subgradient. This library uses **0 at the kink**, as the seed's gradient formula does
(0 where ``y * s >= margin``) and as torch's own multi-margin kernel does (0 where a term is exactly
0). Note that ``torch.clamp(u, min=0)`` makes the other choice: autograd of ``clamp`` passes the
gradient through at the boundary, so a sample sitting exactly on the margin would still be pushed.

**Autograd.** The binary and Weston-Watkins losses are custom ``torch.autograd.Function`` objects
whose backward is the analytic subgradient (faster than composing torch ops). Their backward is
not itself differentiable: double backward (``create_graph=True`` followed by another backward,
or ``torch.func.grad`` of ``torch.func.grad``) is not supported and raises. The losses are not
differentiable with respect to ``targets`` or ``weight``; passing either with
``requires_grad=True`` raises a ``ValueError``.

**torch.func.** Every loss works under ``torch.func.grad``, ``vmap``, ``vmap(grad(...))``
(per-sample gradients) and ``jacrev``, with the same analytic backward (0 at the kink) and the
same numbers as plain autograd. The custom Functions have the ``forward`` / ``setup_context`` form
with ``generate_vmap_rule = True``; they multiply and scatter in place only tensors that no
transform wraps (under ``vmap`` an in-place op cannot write a batched tensor into an unbatched
one, and ``scatter_`` has no batching rule). Under the transforms the shape and dtype checks run
on what the function sees (one sample under ``vmap``), and the value checks on the targets read
the plain tensor beneath the transform's wrappers: under ``vmap``, the whole batch in one pass, so
bad targets raise the same ``ValueError`` as without a transform. The custom Functions have no
forward-mode rule: ``jvp``, ``jacfwd`` and ``hessian`` raise, as does ``functionalize``. A
per-sample gradient is the gradient of a batch of one::

    >>> w = torch.tensor([1.0, 2.0])
    >>> x = torch.tensor([[3.0, -1.0], [0.5, -0.5], [1.0, 0.0]])  # scores x @ w = 1, -0.5, 1
    >>> y = torch.tensor([-1, 1, 1])  # y*s = -1, -0.5 (both below 1: -y * x), 1 (the kink: 0)
    >>> sample_loss = lambda w, x, y: hinge_loss((x @ w).unsqueeze(0), y.unsqueeze(0))
    >>> torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, 0, 0))(w, x, y)  # -0. == 0
    tensor([[ 3.0000, -1.0000],
            [-0.5000,  0.5000],
            [-0.0000, -0.0000]])

**Empty batch.** With ``N = 0``: ``'sum'`` gives 0, ``'none'`` gives an empty tensor, ``'mean'``
gives ``nan`` (0 / 0, as ``torch.tensor([]).mean()``). torch's own ``multi_margin_loss`` returns
uninitialised memory there on CPU; these functions never do.

**Validation.** Bad input raises a ``ValueError`` or ``TypeError`` naming the fix (see
:mod:`hinge_utils._validation`). The checks read only metadata and the ``N`` targets, never the
``N x K`` scores; ``validate_args=False`` skips the tensor checks for a caller that has already
validated (the argument checks on ``margin``, ``p``, ``reduction`` are free and always run).
Outputs keep the dtype (float32, float64) and device (CPU, CUDA) of ``scores``.
"""

from __future__ import annotations

from typing import NoReturn

import torch
import torch.nn.functional as F
from torch.autograd.function import FunctionCtx

from hinge_utils._validation import (
    check_margin,
    check_p,
    check_reduction,
    is_transformed,
    validate_binary_inputs,
    validate_class_inputs,
)

__all__ = [
    "crammer_singer_loss",
    "functional_margin",
    "multiclass_margin",
    "hinge_loss",
    "hinge_subgradient",
    "squared_hinge_loss",
    "weston_watkins_loss",
]


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def reduce_loss(per_sample: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply ``reduction`` ('mean', 'sum' or 'none') to a vector of per-sample losses.

    An empty batch gives ``nan`` for 'mean' (0 / 0), ``0`` for 'sum', an empty tensor for 'none'.

    >>> reduce_loss(torch.tensor([0.0, 0.5, 1.0]), "mean")  # (0 + 0.5 + 1) / 3
    tensor(0.5000)
    >>> reduce_loss(torch.tensor([]), "sum")
    tensor(0.)
    """
    if reduction == "mean":
        return per_sample.mean()
    if reduction == "sum":
        return per_sample.sum()
    check_reduction(reduction)  # raises for anything but 'none'
    return per_sample


def _labels_like(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Targets in {-1, +1} ready to multiply ``scores`` without changing the result dtype.

    Integer targets are returned as they are (int * float keeps the float dtype); floating targets
    of another dtype are cast to ``scores.dtype``, which is exact for -1 and +1.
    """
    if targets.is_floating_point() and targets.dtype != scores.dtype:
        return targets.to(scores.dtype)
    return targets


def _refuse_grad(tensor: torch.Tensor | None, name: str, loss: str) -> None:
    """Raise if ``tensor``, an input the loss is not differentiable in, asks for a gradient."""
    if tensor is not None and tensor.requires_grad:
        raise ValueError(
            f"{loss} is not differentiable with respect to {name}; got {name} with "
            f"requires_grad=True: pass {name}.detach()"
        )


def _times(temporary: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    """``temporary * other``, written into ``temporary`` (a fresh buffer) when ``other`` is plain.

    Writing in place saves an allocation. Under ``vmap`` it fails when ``other`` is batched and
    ``temporary`` is not (``jacrev`` batches only the incoming gradient), so a tensor wrapped by a
    ``torch.func`` transform gets the out-of-place product.
    """
    if is_transformed(other):
        return temporary * other
    return temporary.mul_(other)


def _scatter_into(
    buffer: torch.Tensor, column: torch.Tensor, src: float | torch.Tensor
) -> torch.Tensor:
    """``buffer.scatter_(1, column, src)``, out of place under ``torch.func`` transforms.

    ``vmap`` has a batching rule for ``scatter`` but not for ``scatter_`` (it would loop over the
    batch). ``buffer`` is a fresh buffer, batched whenever ``column`` or ``src`` is.
    """
    if is_transformed(buffer):
        return buffer.scatter(1, column, src)
    return buffer.scatter_(1, column, src)


_NOT_TWICE = (
    "cannot differentiate twice: the backward of the hinge losses is their analytic subgradient, "
    "which is not differentiable (double backward, grad of grad, hessian); for second derivatives "
    "write the loss with torch ops, e.g. F.relu(margin - y * s).square().mean()"
)


class _AnalyticGrad(torch.autograd.Function):
    """Base of the Functions that compute a loss's analytic gradient in its backward.

    The gradient is a Function of its own so that differentiating it raises (its backward) instead
    of giving 0 silently: under ``torch.func.grad(torch.func.grad(...))`` the outer transform sees
    the tensors the inner backward reads, and ``@once_differentiable`` hides them. Subclasses take
    ``scores`` as their last input, unread: it ties the gradient to the scores.
    """

    generate_vmap_rule = True

    @classmethod
    def compute(cls, *args: object) -> torch.Tensor:
        """The gradient, through ``apply`` only when autograd records the backward.

        That is ``create_graph=True`` or a ``torch.func`` transform; an ordinary backward runs
        with grad mode off, has no graph to build, and skips the cost of ``apply``.
        """
        if torch.is_grad_enabled():
            return cls.apply(*args)
        return cls.forward(*args)

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[object, ...], output: object) -> None:
        """Nothing to save: the backward only raises."""

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: torch.Tensor) -> NoReturn:
        raise RuntimeError(_NOT_TWICE)


# ---------------------------------------------------------------------------------------------
# Binary hinge: max(0, margin - y * s) ** power, with the analytic subgradient
# ---------------------------------------------------------------------------------------------


def _binary_hinge_terms(scores: torch.Tensor, labels: torch.Tensor, margin: float) -> torch.Tensor:
    """``max(0, margin - y * s)``, elementwise, in one fused multiply-add and one clamp."""
    start = torch.full((), margin, dtype=scores.dtype, device=scores.device)
    return torch.addcmul(start, labels, scores, value=-1).clamp_min_(0)


class _BinaryHingeGrad(_AnalyticGrad):
    """``d/ds = -y * power * h ** (power - 1)`` where ``h = max(0, margin - y * s) > 0``, and 0
    where ``h == 0`` (the kink included), times the incoming gradient."""

    @staticmethod
    def forward(
        grad_output: torch.Tensor,
        labels: torch.Tensor,
        hinge: torch.Tensor,
        power: int,
        scores: torch.Tensor,
    ) -> torch.Tensor:
        # sign(h) is 1 where h > 0 and 0 at and beyond the margin, the kink included.
        local = torch.sign(hinge) if power == 1 else hinge * 2
        return _times(_times(local, labels), grad_output).neg_()


class _HingeFunction(torch.autograd.Function):
    """Per-sample ``h = max(0, margin - y * s)``; backward :class:`_BinaryHingeGrad`."""

    generate_vmap_rule = True

    @staticmethod
    def forward(scores: torch.Tensor, labels: torch.Tensor, margin: float) -> torch.Tensor:
        return _binary_hinge_terms(scores, labels, margin)

    @staticmethod
    def setup_context(
        ctx: FunctionCtx, inputs: tuple[torch.Tensor, torch.Tensor, float], output: torch.Tensor
    ) -> None:
        scores, labels, _ = inputs
        ctx.save_for_backward(scores, labels, output)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        scores, labels, hinge = ctx.saved_tensors
        return _BinaryHingeGrad.compute(grad_output, labels, hinge, 1, scores), None, None


class _SquaredHingeFunction(torch.autograd.Function):
    """Per-sample ``h ** 2``, ``h = max(0, margin - y * s)``; backward :class:`_BinaryHingeGrad`.

    The forward also returns ``h`` (not differentiable), the one way to save an intermediate for
    backward in the ``setup_context`` form; the caller discards it.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(
        scores: torch.Tensor, labels: torch.Tensor, margin: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hinge = _binary_hinge_terms(scores, labels, margin)
        return hinge.square(), hinge

    @staticmethod
    def setup_context(
        ctx: FunctionCtx,
        inputs: tuple[torch.Tensor, torch.Tensor, float],
        output: tuple[torch.Tensor, torch.Tensor],
    ) -> None:
        scores, labels, _ = inputs
        hinge = output[1]
        ctx.mark_non_differentiable(hinge)
        ctx.set_materialize_grads(False)  # no buffer of zeros for the hinge's absent gradient
        ctx.save_for_backward(scores, labels, hinge)

    @staticmethod
    def backward(
        ctx: FunctionCtx, grad_output: torch.Tensor | None, _grad_hinge: None
    ) -> tuple[torch.Tensor | None, None, None]:
        if grad_output is None:  # undefined: the loss took no part in what is differentiated
            return None, None, None
        scores, labels, hinge = ctx.saved_tensors
        return _BinaryHingeGrad.compute(grad_output, labels, hinge, 2, scores), None, None


def _binary_hinge(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float,
    reduction: str,
    power: int,
    validate_args: bool,
) -> torch.Tensor:
    check_margin(margin)
    check_reduction(reduction)
    if validate_args:
        validate_binary_inputs(scores, targets)
    _refuse_grad(targets, "targets", "the binary hinge loss")
    labels = _labels_like(scores, targets)
    if power == 1:
        per_sample = _HingeFunction.apply(scores, labels, float(margin))
    else:
        per_sample, _ = _SquaredHingeFunction.apply(scores, labels, float(margin))
    return reduce_loss(per_sample, reduction)


def hinge_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Binary hinge loss: zero once a sample is on the right side by at least ``margin``.

    .. math::
        \ell_n = \max(0,\; \Delta - y_n s_n)

    The gradient with respect to :math:`s_n` is :math:`-y_n` where :math:`y_n s_n < \Delta` and 0
    where :math:`y_n s_n \ge \Delta` (0 at the kink, as in the seed's formula).

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}, integer or floating dtype (for {0, 1} labels
            pass ``2 * y - 1``).
        margin: :math:`\Delta`, the margin to reach. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`.
        - targets: :math:`(N)`, the same shape (nothing is broadcast).
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Not twice differentiable (double backward raises).

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> # y*s = 1.5, 0.5, 0.8, 1.2, 0.3  ->  max(0, 1 - y*s) = 0, 0.5, 0.2, 0, 0.7
        >>> hinge_loss(s, y, reduction="none")
        tensor([0.0000, 0.5000, 0.2000, 0.0000, 0.7000])
        >>> hinge_loss(s, y)  # (0 + 0.5 + 0.2 + 0 + 0.7) / 5
        tensor(0.2800)
    """
    return _binary_hinge(scores, targets, margin, reduction, 1, validate_args)


def squared_hinge_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Squared hinge loss: the hinge squared, smooth at the margin and harsher on large violations.

    .. math::
        \ell_n = \max(0,\; \Delta - y_n s_n)^2

    Its gradient :math:`-2 y_n \max(0, \Delta - y_n s_n)` is continuous (0 at the margin).

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}, integer or floating dtype.
        margin: :math:`\Delta`. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`.
        - targets: :math:`(N)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Not twice differentiable (double backward raises).

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> # hinge 0, 0.5, 0.2, 0, 0.7  ->  squared 0, 0.25, 0.04, 0, 0.49
        >>> squared_hinge_loss(s, y, reduction="sum")  # 0.25 + 0.04 + 0.49
        tensor(0.7800)
    """
    return _binary_hinge(scores, targets, margin, reduction, 2, validate_args)


def functional_margin(
    scores: torch.Tensor, targets: torch.Tensor, *, validate_args: bool = True
) -> torch.Tensor:
    r"""The functional margin :math:`m_n = y_n s_n`: positive when right, at least 1 when safe.

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}, integer or floating dtype.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)`; Output: :math:`(N)`, dtype of ``scores``.

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> functional_margin(s, y)  # 1*1.5, -1*-0.5, 1*0.8, -1*-1.2, 1*0.3
        tensor([1.5000, 0.5000, 0.8000, 1.2000, 0.3000])
    """
    if validate_args:
        validate_binary_inputs(scores, targets)
    return _labels_like(scores, targets) * scores


def multiclass_margin(
    scores: torch.Tensor, targets: torch.Tensor, *, validate_args: bool = True
) -> torch.Tensor:
    r"""The multi-class margin :math:`m_n = s_{n,c_n} - \max_{k \ne c_n} s_{n,k}`.

    The true class's lead over its strongest rival: positive when the prediction is right, at
    least :math:`\Delta` when both multi-class hinges are zero (Weston-Watkins is zero exactly
    when every rival trails by :math:`\Delta`, i.e. when the strongest one does; Crammer-Singer
    is :math:`[\Delta - m_n]_+`). With :math:`K = 2` and scores :math:`(-f/2, f/2)` it is the
    binary :math:`y f(x)`. Count samples on or off the margin with
    :func:`hinge_utils.margins.margin_position`.

    Args:
        scores: class scores :math:`s`, floating point, :math:`K \ge 2` columns.
        targets: class indices :math:`c_n` in :math:`[0, K)`, integer dtype.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N, K)`; targets: :math:`(N)`; Output: :math:`(N)`, dtype of ``scores``.

    Example::

        >>> s = torch.tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0]])
        >>> multiclass_margin(s, torch.tensor([0, 1]))  # 3.2 - 5.1 and 4.9 - 2.0
        tensor([-1.9000,  2.9000])
    """
    if validate_args:
        validate_class_inputs(scores, targets)
    if scores.shape[1] < 2:
        raise ValueError(
            f"a multi-class margin needs K >= 2 classes (a rival); got K = {scores.shape[1]}"
        )
    index = targets.long().unsqueeze(1)
    true_score = scores.gather(1, index).squeeze(1)
    rival = scores.scatter(1, index, float("-inf")).amax(dim=1)
    return true_score - rival


def hinge_subgradient(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float = 1.0,
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""The per-sample derivative of the hinge with respect to the score (0 at the kink).

    .. math::
        \frac{\partial \ell_n}{\partial s_n} =
        \begin{cases} 0 & y_n s_n \ge \Delta \\ -y_n & y_n s_n < \Delta \end{cases}

    This is the gradient autograd gives for :func:`hinge_loss` with ``reduction='none'``; with
    ``'mean'`` it is divided by :math:`N`. The result carries no autograd history.

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}, integer or floating dtype.
        margin: :math:`\Delta`. Default: 1.0.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)`; Output: :math:`(N)`, dtype of ``scores``.

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.0, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> # y*s = 1.5, 0.5, 0.8, 1.0 (on the margin: 0), 0.3  ->  0, -(-1), -1, 0, -1
        >>> hinge_subgradient(s, y)
        tensor([ 0.,  1., -1.,  0., -1.])
    """
    check_margin(margin)
    if validate_args:
        validate_binary_inputs(scores, targets)
    labels = targets.detach().to(scores.dtype)
    return torch.where(labels * scores.detach() < margin, -labels, 0.0)


# ---------------------------------------------------------------------------------------------
# Weston-Watkins: sum over k != c of w_c * max(0, s_k - s_c + margin) ** p
# ---------------------------------------------------------------------------------------------


class _WestonWatkinsGrad(_AnalyticGrad):
    """With ``h_k = max(0, s_k - s_c + margin)`` (``h_c = 0``) and ``g`` the incoming gradient
    times ``w_c``: ``d/ds_k = g * p * h_k ** (p - 1)`` for ``k != c`` where ``h_k > 0`` (0 where
    the term is 0) and ``d/ds_c = -sum_{k != c} d/ds_k``."""

    @staticmethod
    def forward(
        grad_output: torch.Tensor,
        index: torch.Tensor,
        hinge: torch.Tensor,
        p: int,
        sample_weight: torch.Tensor | None,
        scores: torch.Tensor,
    ) -> torch.Tensor:
        scale = grad_output if sample_weight is None else grad_output * sample_weight
        # p = 1: sign(h) is 1 where the term is > 0 and 0 at the kink; p = 2: 2 h.
        grad = torch.sign(hinge) if p == 1 else hinge * 2
        grad = _times(grad, scale.unsqueeze(1))
        minus_rest = grad.sum(1, keepdim=True).neg_()
        return _scatter_into(grad, index.unsqueeze(1), minus_rest)  # true class: minus the rest


class _WestonWatkinsFunction(torch.autograd.Function):
    """Per-sample Weston-Watkins loss; backward :class:`_WestonWatkinsGrad`.

    The forward also returns the ``(N, K)`` terms ``h`` (not differentiable), the one way to save
    an intermediate for backward in the ``setup_context`` form; the caller discards it.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(
        scores: torch.Tensor,
        index: torch.Tensor,
        margin: float,
        p: int,
        sample_weight: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        column = index.unsqueeze(1)
        threshold = scores.gather(1, column).sub_(margin)  # s_c - margin, shape (N, 1)
        hinge = torch.sub(scores, threshold)  # s_k - s_c + margin
        hinge = _scatter_into(hinge, column, 0).clamp_min_(0)  # the true class is no rival
        per_sample = hinge.sum(1) if p == 1 else torch.linalg.vecdot(hinge, hinge)
        if sample_weight is not None:
            per_sample = _times(per_sample, sample_weight)
        return per_sample, hinge

    @staticmethod
    def setup_context(
        ctx: FunctionCtx,
        inputs: tuple[torch.Tensor, torch.Tensor, float, int, torch.Tensor | None],
        output: tuple[torch.Tensor, torch.Tensor],
    ) -> None:
        scores, index, _, p, sample_weight = inputs
        hinge = output[1]
        ctx.mark_non_differentiable(hinge)
        ctx.set_materialize_grads(False)  # no (N, K) buffer of zeros for the hinge's gradient
        ctx.save_for_backward(scores, index, hinge, sample_weight)
        ctx.p = p

    @staticmethod
    def backward(
        ctx: FunctionCtx, grad_output: torch.Tensor | None, _grad_hinge: None
    ) -> tuple[torch.Tensor | None, None, None, None, None]:
        if grad_output is None:  # undefined: the loss took no part in what is differentiated
            return None, None, None, None, None
        scores, index, hinge, sample_weight = ctx.saved_tensors
        grad = _WestonWatkinsGrad.compute(grad_output, index, hinge, ctx.p, sample_weight, scores)
        return grad, None, None, None, None


def weston_watkins_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float = 1.0,
    p: int = 1,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Weston-Watkins multi-class hinge: every wrong class must trail the true one by ``margin``.

    .. math::
        \ell_n = \sum_{k \neq c_n} w_{c_n} \max(0,\; s_{nk} - s_{n c_n} + \Delta)^p

    This is the seed's formula (a sum over the wrong classes). ``torch.nn.MultiMarginLoss``
    divides the same sum by the number of classes :math:`K`, so for every option
    ``weston_watkins_loss(s, c, ...) == K * F.multi_margin_loss(s, c, ...)``. The gradient of a
    term is 0 where the term is exactly 0, as in torch's kernel.

    Args:
        scores: raw class scores :math:`s`, floating point.
        targets: class indices :math:`c` in :math:`[0, K)`, any integer dtype.
        margin: :math:`\Delta`. Default: 1.0.
        p: 1 (hinge) or 2 (squared hinge). Default: 1.
        weight: per-class weights :math:`w`, applied by the true class: :math:`w_{c_n}`
            multiplies the powered terms of sample :math:`n` (as torch's kernel does). Same
            dtype and device as ``scores``; not differentiated. Default: None (all ones).
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target range; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N, K)` with :math:`K \ge 2`.
        - targets: :math:`(N)`.
        - weight: :math:`(K)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Not twice differentiable (double backward raises).

    Example::

        >>> s = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> c = torch.tensor([3])
        >>> # (1 - (0.8 - 0.1)) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4)) = 0.3 + 0.4 + 0.6
        >>> weston_watkins_loss(s, c)
        tensor(1.3000)
        >>> 4 * torch.nn.functional.multi_margin_loss(s, c)  # torch: the same sum / K
        tensor(1.3000)
    """
    check_margin(margin)
    check_p(p)
    check_reduction(reduction)
    if validate_args:
        validate_class_inputs(scores, targets, weight)
    index = targets.long()  # exact for any integer dtype; gather needs int64
    sample_weight = None if weight is None else weight[index]
    _refuse_grad(sample_weight, "weight", "weston_watkins_loss")
    per_sample, _ = _WestonWatkinsFunction.apply(
        scores, index, float(margin), int(p), sample_weight
    )
    return reduce_loss(per_sample, reduction)


# ---------------------------------------------------------------------------------------------
# Crammer-Singer: max(0, max_{k != c} s_k - s_c + margin)
# ---------------------------------------------------------------------------------------------


def crammer_singer_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Crammer-Singer multi-class hinge: only the strongest wrong class must trail by ``margin``.

    .. math::
        \ell_n = \max\bigl(0,\; \max_{k \neq c_n} s_{nk} - s_{n c_n} + \Delta\bigr)

    With ``margin=1`` and ``reduction='mean'`` it equals ``sklearn.metrics.hinge_loss`` on
    multi-class input. The gradient is 0 where the loss is exactly 0; where the best rival is
    tied, the tied classes share its gradient equally (a valid subgradient).

    Args:
        scores: raw class scores :math:`s`, floating point.
        targets: class indices :math:`c` in :math:`[0, K)`, any integer dtype.
        margin: :math:`\Delta`. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target range; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N, K)` with :math:`K \ge 2`.
        - targets: :math:`(N)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Example::

        >>> s = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> c = torch.tensor([3])
        >>> crammer_singer_loss(s, c)  # best rival 0.4: 1 - (0.8 - 0.4)
        tensor(0.6000)
    """
    check_margin(margin)
    check_reduction(reduction)
    if validate_args:
        validate_class_inputs(scores, targets)
    index = targets.long().unsqueeze(1)
    true_score = scores.gather(1, index).squeeze(1)
    best_rival = scores.scatter(1, index, float("-inf")).amax(dim=1)
    per_sample = F.relu(best_rival - true_score + margin)  # relu: gradient 0 at the kink
    return reduce_loss(per_sample, reduction)
