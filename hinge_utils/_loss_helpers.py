"""What the losses of :mod:`hinge_utils.functional` share: reductions, labels as the scores'
dtype, torch's fp32 autocast policy, and the refusal to differentiate targets or weights."""

from __future__ import annotations

from typing import overload

import torch

from hinge_utils._validation import check_reduction

_LOW_PRECISION = (torch.float16, torch.bfloat16)


def _reduce_powers(
    terms: torch.Tensor, power: int, reduction: str, num_samples: int
) -> torch.Tensor:
    """``sum(terms ** power)`` over every entry ('sum'), or that divided by ``num_samples``
    ('mean'), in the dtype of ``terms``.

    Written so that the backward stays cheap: a sum (not a mean) hands every entry one broadcast
    number, and for ``power = 2`` a dot product of ``terms`` with itself costs two products with
    that number where the square would cost three. float16 and bfloat16 terms are summed into
    float32 first, so a mean of many losses never overflows float16 on the way.

    >>> _reduce_powers(torch.tensor([[0.0, 1.0], [2.0, 3.0]]), 2, "mean", 2)  # (1 + 4 + 9) / 2
    tensor(7.)
    """
    if terms.dtype in _LOW_PRECISION:
        powered = terms.float() if power == 1 else terms.float().square()  # no float16 overflow
        total = powered.sum(dtype=torch.float32)
        return (total if reduction == "sum" else total / num_samples).to(terms.dtype)
    if power == 1:
        total = terms.sum()
    else:
        flat = terms.reshape(-1)
        total = torch.dot(flat, flat)
    return total if reduction == "sum" else total / num_samples


def reduce_loss(per_sample: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply ``reduction`` ('mean', 'sum' or 'none') to a vector of per-sample losses.

    An empty batch gives ``nan`` for 'mean' (0 / 0), ``0`` for 'sum', an empty tensor for 'none'.

    >>> reduce_loss(torch.tensor([0.0, 0.5, 1.0]), "mean")  # (0 + 0.5 + 1) / 3
    tensor(0.5000)
    >>> reduce_loss(torch.tensor([]), "sum")
    tensor(0.)
    """
    if reduction in ("mean", "sum"):
        return _reduce_powers(per_sample, 1, reduction, per_sample.numel())
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


def _autocast_device(scores: object) -> str | None:
    """The device type of ``scores`` when autocast is enabled for it, else None."""
    if not isinstance(scores, torch.Tensor):
        return None
    device = scores.device.type
    if torch.amp.is_autocast_available(device) and torch.is_autocast_enabled(device):
        return device
    return None


@overload
def _float32_policy(tensor: torch.Tensor) -> torch.Tensor: ...
@overload
def _float32_policy(tensor: None) -> None: ...
def _float32_policy(tensor: torch.Tensor | None) -> torch.Tensor | None:
    """torch's fp32 autocast policy for one argument: every floating dtype but float64 becomes
    float32 (float16 and bfloat16 in practice); float64, integer tensors and None are unchanged."""
    if (
        isinstance(tensor, torch.Tensor)
        and tensor.is_floating_point()
        and tensor.dtype not in (torch.float32, torch.float64)
    ):
        return tensor.float()
    return tensor


