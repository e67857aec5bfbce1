"""The multi-class hinges of :mod:`hinge_utils.functional` (Weston-Watkins, Crammer-Singer,
one-vs-rest), with that module's conventions: raw scores ``(N, K)``, class indices ``(N,)``,
``reduction``, 0 at the kink, torch's autocast policy. Import them from
:mod:`hinge_utils.functional`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from hinge_utils._loss_helpers import (
    _autocast_device,
    _float32_policy,
    _reduce_powers,
    _refuse_grad,
    reduce_loss,
)
from hinge_utils._validation import (
    check_reduction,
    margin_as_float,
    p_as_int,
    validate_class_inputs,
)

__all__ = ["crammer_singer_loss", "one_vs_rest_loss", "weston_watkins_loss"]


# ---------------------------------------------------------------------------------------------
# Weston-Watkins: sum over k != c of w_c * max(0, s_k - s_c + margin) ** p
# ---------------------------------------------------------------------------------------------


def weston_watkins_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float | torch.Tensor = 1.0,
    p: int | torch.Tensor = 1,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Weston-Watkins multi-class hinge: every wrong class must trail the true one by ``margin``.

    .. math::
        \ell_n = \sum_{k \neq c_n} w_{c_n} \max(0,\; s_{nk} - s_{n c_n} + \Delta)^p

    This is the syllabus's formula (a sum over the wrong classes). ``torch.nn.MultiMarginLoss``
    divides the same sum by the number of classes :math:`K`, so for every option
    ``weston_watkins_loss(s, c, ...) == K * F.multi_margin_loss(s, c, ...)``. The gradient of a
    term is 0 where the term is exactly 0, as in torch's kernel.

    Computed as one ``relu`` over all :math:`K` columns of :math:`s_{nk} - s_{n c_n} + \Delta`,
    the true class's column set to 0 before the ``relu`` (so it is never a rival, with value and
    gradient exactly 0, whatever the margin).

    Args:
        scores: raw class scores :math:`s`, floating point.
        targets: class indices :math:`c` in :math:`[0, K)`, any integer dtype.
        margin: :math:`\Delta`, a number or a 0-d tensor. Default: 1.0.
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

    Twice differentiable almost everywhere: for ``p = 1`` the second derivative is 0; for
    ``p = 2`` each active term :math:`h_k > 0` adds :math:`2 w_{c_n} (e_k - e_{c_n})
    (e_k - e_{c_n})^\top` to the Hessian in :math:`s_n` (inactive terms and terms at the kink
    add 0).

    Example::

        >>> s = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> c = torch.tensor([3])
        >>> # (1 - (0.8 - 0.1)) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4)) = 0.3 + 0.4 + 0.6
        >>> weston_watkins_loss(s, c)
        tensor(1.3000)
        >>> 4 * torch.nn.functional.multi_margin_loss(s, c)  # torch: the same sum / K
        tensor(1.3000)
    """
    device = _autocast_device(scores)
    if device is not None:  # torch's fp32 autocast policy for losses
        with torch.autocast(device, enabled=False):
            return weston_watkins_loss(
                _float32_policy(scores),
                targets,
                margin,
                p,
                _float32_policy(weight),
                reduction,
                validate_args=validate_args,
            )
    margin = margin_as_float(margin)
    p = p_as_int(p)
    check_reduction(reduction)
    if validate_args:
        validate_class_inputs(scores, targets, weight)
    _refuse_grad(weight, "weight", "weston_watkins_loss")
    index = targets.long()  # exact for any integer dtype; gather needs int64
    column = index.unsqueeze(1)
    # (margin - s_c) + s_k, the operands and order of torch's kernel, so terms on the hinge are
    # exactly 0 in both; the true class's column is set to 0 before the relu, never a rival.
    rivals = scores + (margin - scores.gather(1, column))
    terms = rivals.scatter(1, column, 0.0).relu_()  # in place: scatter's backward needs no output
    if weight is None and reduction != "none":  # one sum over all N x K terms
        return _reduce_powers(terms, p, reduction, terms.shape[0])
    # Row sums as products (with ones, or the row itself for p = 2): their backward is a
    # contiguous (N, K) product, which relu's backward reads fast.
    if p == 1:
        per_sample = terms @ terms.new_ones(terms.shape[1])
    else:
        per_sample = torch.linalg.vecdot(terms, terms)
    if weight is not None:
        per_sample = per_sample * weight[index]
    return reduce_loss(per_sample, reduction)


# ---------------------------------------------------------------------------------------------
# Crammer-Singer: max(0, max_{k != c} s_k - s_c + margin)
# ---------------------------------------------------------------------------------------------


def crammer_singer_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float | torch.Tensor = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""Crammer-Singer multi-class hinge: only the strongest wrong class must trail by ``margin``.

    .. math::
        \ell_n = \max\bigl(0,\; \max_{k \neq c_n} s_{nk} - s_{n c_n} + \Delta\bigr)

    With ``margin=1`` and ``reduction='mean'`` it equals ``sklearn.metrics.hinge_loss`` on
    multi-class input. The gradient is 0 where the loss is exactly 0; where the best rival is
    tied, the tied classes share its gradient equally (a valid subgradient). The second derivative
    is 0 almost everywhere.

    Args:
        scores: raw class scores :math:`s`, floating point.
        targets: class indices :math:`c` in :math:`[0, K)`, any integer dtype.
        margin: :math:`\Delta`, a number or a 0-d tensor. Default: 1.0.
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
    device = _autocast_device(scores)
    if device is not None:  # torch's fp32 autocast policy for losses
        with torch.autocast(device, enabled=False):
            return crammer_singer_loss(
                _float32_policy(scores), targets, margin, reduction, validate_args=validate_args
            )
    margin = margin_as_float(margin)
    check_reduction(reduction)
    if validate_args:
        validate_class_inputs(scores, targets)
    index = targets.long().unsqueeze(1)
    true_score = scores.gather(1, index).squeeze(1)
    best_rival = scores.scatter(1, index, float("-inf")).amax(dim=1)
    per_sample = F.relu(best_rival - true_score + margin)  # relu: gradient 0 at the kink
    return reduce_loss(per_sample, reduction)


# ---------------------------------------------------------------------------------------------
# One-vs-rest: one binary hinge per class
# ---------------------------------------------------------------------------------------------


def one_vs_rest_loss(
    scores: torch.Tensor,
    targets: torch.Tensor,
    margin: float | torch.Tensor = 1.0,
    reduction: str = "mean",
    *,
    validate_args: bool = True,
) -> torch.Tensor:
    r"""One-vs-rest multi-class hinge: every score is its own binary classifier, "class k or not".

    .. math::
        \ell_n = \sum_{k=1}^{K} \max\bigl(0,\; \Delta - t_{nk}\, s_{nk}\bigr),
        \qquad t_{nk} = \begin{cases} +1 & k = c_n \\ -1 & k \ne c_n \end{cases}

    The sum of :math:`K` binary hinges, one per class; minimising it trains :math:`K`
    independent binary SVMs, which is what scikit-learn's ``LinearSVC`` does for more than two
    classes (``multi_class='ovr'``, its default). Unlike Weston-Watkins and Crammer-Singer, no
    term compares two classes' scores. The gradient of a term is 0 at its kink.

    Args:
        scores: raw class scores :math:`s`, floating point.
        targets: class indices :math:`c` in :math:`[0, K)`, any integer dtype.
        margin: :math:`\Delta`, a number or a 0-d tensor. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``.
        validate_args: check shapes, dtypes and target range. Default: True.

    Shape:
        - scores: :math:`(N, K)` with :math:`K \ge 2`; targets: :math:`(N)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``. Same dtype as ``scores``.

    Example::

        >>> s = torch.tensor([[2.0, 0.5, -1.0]])
        >>> # t = (+1, -1, -1): [1 - 2]_+ + [1 + 0.5]_+ + [1 - 1]_+ = 0 + 1.5 + 0
        >>> one_vs_rest_loss(s, torch.tensor([0]))
        tensor(1.5000)
    """
    device = _autocast_device(scores)
    if device is not None:  # torch's fp32 autocast policy for losses
        with torch.autocast(device, enabled=False):
            return one_vs_rest_loss(
                _float32_policy(scores), targets, margin, reduction, validate_args=validate_args
            )
    margin = margin_as_float(margin)
    check_reduction(reduction)
    if validate_args:
        validate_class_inputs(scores, targets)
    index = targets.long().unsqueeze(1)
    signs = torch.full_like(scores, -1.0).scatter_(1, index, 1.0)
    per_sample = F.relu(margin - signs * scores).sum(dim=1)
    return reduce_loss(per_sample, reduction)
