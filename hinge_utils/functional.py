r"""Hinge losses as functions of raw scores: binary, squared, Weston-Watkins and Crammer-Singer.

Scores are raw model outputs (no sigmoid, no softmax). Binary losses take scores of shape ``(N,)``
and targets of the same shape with values in {-1, +1}; multi-class losses take scores of shape
``(N, K)`` and integer class indices of shape ``(N,)``. Every loss accepts
``reduction='mean' | 'sum' | 'none'``.

**Two conventions for the multi-class hinge.** The syllabus's Weston-Watkins loss *sums* the hinge
over the ``K - 1`` wrong classes,

.. math::
    \ell(s, c) = \sum_{k \neq c} w_c \, \max(0,\; s_k - s_c + \Delta)^p,

while ``torch.nn.functional.multi_margin_loss`` *divides that sum by the number of classes*
``K`` (the true class included in the count). :func:`weston_watkins_loss` follows the syllabus, so
for every ``margin``, ``p``, ``weight`` and ``reduction``::

    weston_watkins_loss(s, c, ...) == K * F.multi_margin_loss(s, c, ...)

The weight multiplies the powered term, ``w_c * max(0, .)^p``, as torch's kernel does (torch's
docstring writes ``max(0, w_c * (.))^p``, which differs for ``p = 2``).

**The kink.** The hinge ``max(0, u)`` has no derivative at ``u = 0``; any value in ``[0, 1]`` times
``du`` is a subgradient. This library uses **0 at the kink**, as the syllabus's gradient formula
does (0 where ``y * s >= margin``) and as torch's own multi-margin kernel does (0 where a term is
exactly 0). Note that ``torch.clamp(u, min=0)`` makes the other choice: autograd of ``clamp``
passes the gradient through at the boundary, so a sample sitting exactly on the margin would still
be pushed.

**Autograd.** Every loss is a composite of differentiable torch operations, the hinge
``max(0, u)`` being ``relu(u)``, whose derivative autograd takes to be 0 at ``u = 0`` in every mode.
So the losses compose with autograd as torch's own losses do:

* reverse mode: ``backward``, ``torch.autograd.grad`` (``is_grads_batched=True`` included),
  ``torch.autograd.functional.jacobian(..., vectorize=True)``, ``torch.func.grad`` / ``jacrev``;
* forward mode: ``torch.func.jvp``, ``jacfwd``, ``torch.autograd.forward_ad``;
* second derivatives: double backward (``create_graph=True``), ``grad`` of ``grad``, ``hessian``.

The second derivative in a score is 0 for the hinge and for Weston-Watkins with ``p = 1`` (the
slope is piecewise constant), and :math:`2 \cdot 1[\text{term} > 0]` per term for the squared
hinge and Weston-Watkins with ``p = 2``: the Hessian Newton's method uses. At the kink, first and
second derivatives are both 0, in forward as in reverse mode. The losses are not differentiable
with respect to ``targets`` or ``weight``; passing either with ``requires_grad=True`` raises a
``ValueError``.

**torch.func.** Every loss works under ``torch.func.vmap``, ``grad``, ``vmap(grad(...))``
(per-sample gradients), ``jacrev``, ``jacfwd`` and ``hessian``, with the same numbers as plain
autograd (0 at the kink). Under the transforms the shape and dtype checks run on what the function
sees (one sample under ``vmap``), and the value checks on the targets read the plain tensor beneath
the transform's wrappers: under ``vmap``, the whole batch in one pass, so bad targets raise the same
``ValueError`` as without a transform. A per-sample gradient is the gradient of a batch of one::

    >>> w = torch.tensor([1.0, 2.0])
    >>> x = torch.tensor([[3.0, -1.0], [0.5, -0.5], [1.0, 0.0]])  # scores x @ w = 1, -0.5, 1
    >>> y = torch.tensor([-1, 1, 1])  # y*s = -1, -0.5 (both below 1: -y * x), 1 (the kink: 0)
    >>> sample_loss = lambda w, x, y: hinge_loss((x @ w).unsqueeze(0), y.unsqueeze(0))
    >>> torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, 0, 0))(w, x, y)  # -0. == 0
    tensor([[ 3.0000, -1.0000],
            [-0.5000,  0.5000],
            [-0.0000, -0.0000]])

and the Hessian of the squared hinge in the scores is diagonal, 2 where a sample is inside the
margin::

    >>> s = torch.tensor([0.5, 1.0, 2.0])  # y*s = 0.5 (inside), 1 (the kink), 2 (beyond)
    >>> loss = lambda s: squared_hinge_loss(s, torch.ones(3), reduction="sum")
    >>> torch.func.hessian(loss)(s) + 0.0  # + 0.0 prints -0. as 0.
    tensor([[2., 0., 0.],
            [0., 0., 0.],
            [0., 0., 0.]])

**Autocast.** Under ``torch.autocast`` the losses follow torch's policy for its own losses
(``F.multi_margin_loss``, ``F.soft_margin_loss``, ``F.hinge_embedding_loss``: the fp32 list):
float16 and bfloat16 scores (and weight) are cast to float32, the loss is computed in float32 with
autocast off, and the result is float32; float32 and float64 inputs keep their dtype. The gradient
flows back through the cast, in the dtype of the scores.

**Type promotion.** The result has the dtype of ``scores``, as with torch's binary margin losses:
floating targets of another dtype are cast to it (exact for -1 and +1), integer targets promote to
it. ``margin`` (and ``p``) may be a Python number or a 0-d real tensor, which counts as the number
it holds, as torch reads a 0-d tensor passed for a number: a 0-d float64 margin leaves float32
scores float32. A weight of another dtype than the scores raises (torch's kernel refuses it too).

**Empty batch.** With ``N = 0``: ``'sum'`` gives 0, ``'none'`` gives an empty tensor, ``'mean'``
gives ``nan`` (0 / 0, as ``torch.tensor([]).mean()``). torch's own ``multi_margin_loss`` returns
uninitialised memory there on CPU; these functions never do.

**Validation.** Bad input raises a ``ValueError`` or ``TypeError`` naming the fix (see
:mod:`hinge_utils._validation`). The checks read only metadata and the ``N`` targets, never the
``N x K`` scores; ``validate_args=False`` skips the tensor checks for a caller that has already
validated (the argument checks on ``margin``, ``p``, ``reduction`` are cheap and always run).
Outputs keep the dtype (float32, float64) and device (CPU, CUDA) of ``scores``.
"""

from __future__ import annotations

import torch

from hinge_utils._loss_helpers import (
    _autocast_device,
    _float32_policy,
    _labels_like,
    _reduce_powers,
    _refuse_grad,
)
from hinge_utils._multiclass_losses import (
    crammer_singer_loss,
    one_vs_rest_loss,
    weston_watkins_loss,
)
from hinge_utils._validation import (
    check_reduction,
    margin_as_float,
    validate_binary_inputs,
    validate_class_inputs,
)

__all__ = [
    "crammer_singer_loss",
    "functional_margin",
    "multiclass_margin",
    "hinge_loss",
    "one_vs_rest_loss",
    "hinge_subgradient",
    "squared_hinge_loss",
    "weston_watkins_loss",
]


# ---------------------------------------------------------------------------------------------
# Binary hinge: max(0, margin - y * s) ** power
# ---------------------------------------------------------------------------------------------


def _binary_hinge(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float | torch.Tensor,
    reduction: str,
    power: int,
    validate_args: bool,
) -> torch.Tensor:
    device = _autocast_device(scores)
    if device is not None:  # torch's fp32 autocast policy for losses
        with torch.autocast(device, enabled=False):
            return _binary_hinge(
                _float32_policy(scores), targets, margin, reduction, power, validate_args
            )
    margin = margin_as_float(margin)
    check_reduction(reduction)
    if validate_args:
        validate_binary_inputs(scores, targets)
    _refuse_grad(targets, "targets", "the binary hinge loss")
    labels = _labels_like(scores, targets)
    start = torch.full((), margin, dtype=scores.dtype, device=scores.device)
    # margin - y * s in one fused multiply-add; relu gives the hinge, with derivative 0 at the
    # kink (in place: the multiply-add's backward does not read its output).
    hinge = torch.addcmul(start, labels, scores, value=-1).relu_()
    if reduction == "none":
        return hinge if power == 1 else hinge.square()
    return _reduce_powers(hinge, power, reduction, hinge.numel())


def hinge_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float | torch.Tensor = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Binary hinge loss: zero once a sample is on the right side by at least ``margin``.

    .. math::
        \ell_n = \max(0,\; \Delta - y_n s_n)

    The gradient with respect to :math:`s_n` is :math:`-y_n` where :math:`y_n s_n < \Delta` and 0
    where :math:`y_n s_n \ge \Delta` (0 at the kink, as in the syllabus's formula).

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}, integer or floating dtype (for {0, 1} labels
            pass ``2 * y - 1``).
        margin: :math:`\Delta`, the margin to reach: a number or a 0-d tensor. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`.
        - targets: :math:`(N)`, the same shape (nothing is broadcast).
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Twice differentiable almost everywhere, with second derivative 0 (0 at the kink too); works
    in forward and reverse mode and under every ``torch.func`` transform.

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
    margin: float | torch.Tensor = 1.0,
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
        margin: :math:`\Delta`, a number or a 0-d tensor. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``. An empty batch
            gives ``nan`` for ``'mean'``, 0 for ``'sum'``.
        validate_args: check shapes, dtypes and target values; pass False only for inputs
            already checked. Default: True.

    Shape:
        - scores: :math:`(N)`.
        - targets: :math:`(N)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Twice differentiable almost everywhere: the second derivative in :math:`s_n` is 2 where
    :math:`y_n s_n < \Delta` and 0 elsewhere (0 at the kink), the Hessian Newton's method uses.

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
    margin: float | torch.Tensor = 1.0,
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
        margin: :math:`\Delta`, a number or a 0-d tensor. Default: 1.0.
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
    margin = margin_as_float(margin)
    if validate_args:
        validate_binary_inputs(scores, targets)
    labels = targets.detach().to(scores.dtype)
    return torch.where(labels * scores.detach() < margin, -labels, 0.0)
