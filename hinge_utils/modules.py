r"""The hinge losses as ``nn.Module`` objects: thin shells over :mod:`hinge_utils.functional`.

Each module stores its options, checks them once at construction, and calls the function of the
same name in ``forward``. See :mod:`hinge_utils.functional` for the maths, the two multi-class
conventions (the syllabus's sum over classes vs torch's mean) and the choice of 0 at the kink.
"""

from __future__ import annotations

import torch
from torch import nn

from hinge_utils._validation import check_reduction, check_weight, margin_as_float, p_as_int
from hinge_utils.functional import (
    crammer_singer_loss,
    hinge_loss,
    squared_hinge_loss,
    weston_watkins_loss,
)

__all__ = ["CrammerSingerLoss", "HingeLoss", "SquaredHingeLoss", "WestonWatkinsLoss"]


class _MarginLoss(nn.Module):
    """Shared options of every hinge loss: ``margin``, ``reduction`` and ``validate_args``."""

    def __init__(
        self,
        margin: float | torch.Tensor = 1.0,
        reduction: str = "mean",
        *,
        validate_args: bool = True,
    ) -> None:
        super().__init__()
        self.margin = margin_as_float(margin)  # a 0-d tensor counts as the number it holds
        check_reduction(reduction)
        self.reduction = reduction
        self.validate_args = validate_args

    def extra_repr(self) -> str:
        text = f"margin={self.margin}, reduction={self.reduction!r}"
        return text if self.validate_args else text + ", validate_args=False"


class HingeLoss(_MarginLoss):
    r"""Binary hinge loss :math:`\max(0, \Delta - y s)` on raw scores and labels in {-1, +1}.

    See :func:`hinge_utils.functional.hinge_loss`.

    Args:
        margin: :math:`\Delta`. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``.
        validate_args: check shapes, dtypes and target values on every call. Default: True.

    Shape:
        - Input: :math:`(N)` raw scores. Target: :math:`(N)` labels in {-1, +1}.
        - Output: scalar; :math:`(N)` for ``reduction='none'``.

    Example::

        >>> criterion = HingeLoss()
        >>> criterion
        HingeLoss(margin=1.0, reduction='mean')
        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> criterion(s, y)  # (0 + 0.5 + 0.2 + 0 + 0.7) / 5
        tensor(0.2800)
    """

    def forward(self, scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return hinge_loss(
            scores, targets, self.margin, self.reduction, validate_args=self.validate_args
        )


class SquaredHingeLoss(_MarginLoss):
    r"""Squared hinge loss :math:`\max(0, \Delta - y s)^2` on raw scores and labels in {-1, +1}.

    See :func:`hinge_utils.functional.squared_hinge_loss`.

    Args:
        margin: :math:`\Delta`. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``.
        validate_args: check shapes, dtypes and target values on every call. Default: True.

    Shape:
        - Input: :math:`(N)` raw scores. Target: :math:`(N)` labels in {-1, +1}.
        - Output: scalar; :math:`(N)` for ``reduction='none'``.

    Example::

        >>> criterion = SquaredHingeLoss(reduction="sum")
        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> criterion(s, y)  # 0 + 0.5**2 + 0.2**2 + 0 + 0.7**2 = 0.25 + 0.04 + 0.49
        tensor(0.7800)
    """

    def forward(self, scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return squared_hinge_loss(
            scores, targets, self.margin, self.reduction, validate_args=self.validate_args
        )


class WestonWatkinsLoss(_MarginLoss):
    r"""Weston-Watkins multi-class hinge, summed over the wrong classes (the syllabus's convention).

    .. math::
        \ell_n = \sum_{k \neq c_n} w_{c_n} \max(0,\; s_{nk} - s_{n c_n} + \Delta)^p

    Equal to ``K * nn.MultiMarginLoss(...)`` for every option: torch divides by the number of
    classes :math:`K`. See :func:`hinge_utils.functional.weston_watkins_loss`.

    Args:
        margin: :math:`\Delta`. Default: 1.0.
        p: 1 or 2. Default: 1.
        weight: per-class weights of shape :math:`(K)`, kept as a buffer (moves with ``.to``).
            Default: None.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``.
        validate_args: check shapes, dtypes and target range on every call. Default: True.

    Shape:
        - Input: :math:`(N, K)` raw scores. Target: :math:`(N)` class indices in :math:`[0, K)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``.

    Example::

        >>> criterion = WestonWatkinsLoss()
        >>> criterion
        WestonWatkinsLoss(margin=1.0, p=1, weight=None, reduction='mean')
        >>> s = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> c = torch.tensor([3])
        >>> criterion(s, c)  # (1 - 0.7) + (1 - 0.6) + (1 - 0.4) = 0.3 + 0.4 + 0.6
        tensor(1.3000)
    """

    weight: torch.Tensor | None

    def __init__(
        self,
        margin: float | torch.Tensor = 1.0,
        p: int | torch.Tensor = 1,
        weight: torch.Tensor | None = None,
        reduction: str = "mean",
        *,
        validate_args: bool = True,
    ) -> None:
        super().__init__(margin, reduction, validate_args=validate_args)
        self.p = p_as_int(p)
        if weight is not None:
            check_weight(weight)
        self.register_buffer("weight", weight)

    def extra_repr(self) -> str:
        if self.weight is None:
            weight = "None"
        elif self.weight.numel() <= 8:
            weight = f"tensor({self.weight.tolist()})"
        else:
            weight = f"<tensor of shape ({self.weight.numel()},)>"
        text = f"margin={self.margin}, p={self.p}, weight={weight}, reduction={self.reduction!r}"
        return text if self.validate_args else text + ", validate_args=False"

    def forward(self, scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return weston_watkins_loss(
            scores,
            targets,
            self.margin,
            self.p,
            self.weight,
            self.reduction,
            validate_args=self.validate_args,
        )


class CrammerSingerLoss(_MarginLoss):
    r"""Crammer-Singer multi-class hinge: only the best wrong class must trail by the margin.

    .. math::
        \ell_n = \max\bigl(0,\; \max_{k \neq c_n} s_{nk} - s_{n c_n} + \Delta\bigr)

    See :func:`hinge_utils.functional.crammer_singer_loss`.

    Args:
        margin: :math:`\Delta`. Default: 1.0.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``. Default: ``'mean'``.
        validate_args: check shapes, dtypes and target range on every call. Default: True.

    Shape:
        - Input: :math:`(N, K)` raw scores. Target: :math:`(N)` class indices in :math:`[0, K)`.
        - Output: scalar; :math:`(N)` for ``reduction='none'``.

    Example::

        >>> criterion = CrammerSingerLoss()
        >>> s = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> c = torch.tensor([3])
        >>> criterion(s, c)  # best rival 0.4: 1 - (0.8 - 0.4)
        tensor(0.6000)
    """

    def forward(self, scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return crammer_singer_loss(
            scores, targets, self.margin, self.reduction, validate_args=self.validate_args
        )
