r"""The syllabus's training loop, verbatim (``nn.Linear``, ``optim.SGD`` with weight decay, full
batch), recording the same history as the exact trainer so that a lesson can put the two side by
side."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import Tensor, nn

from hinge_utils._validation import (
    Constraint,
    Integer,
    OneOf,
    Real,
    check_parameters,
    check_training_data,
)
from hinge_utils.losses import binary_loss
from hinge_utils.objectives import BINARY_LOSSES
from hinge_utils.training._binary_newton import margin_rows
from hinge_utils.training.records import ConvergenceWarning, LinearSVMResult, history_from_rows

__all__ = ["train_sgd"]

_PARAMETERS: dict[str, Constraint] = {
    "lr": Real(0.0, example="lr=0.01"),
    "weight_decay": Real(0.0, example="weight_decay=0.01"),
    "epochs": Integer(1, example="epochs=200"),
    "loss": OneOf(BINARY_LOSSES),
    "seed": Integer(0, example="seed=0"),
}


def _initial_linear(
    dim: int, dtype: torch.dtype, device: torch.device, init: object, seed: int
) -> nn.Linear:
    """``nn.Linear(dim, 1)`` with PyTorch's default initialisation under ``seed``, or ``init``."""
    with torch.random.fork_rng(devices=[]):  # the global RNG is left as it was
        torch.manual_seed(seed)
        model = nn.Linear(dim, 1, dtype=dtype, device=device)
    if init is None:
        return model
    if not isinstance(init, tuple | list) or len(init) != 2:
        raise TypeError(
            f"init must be a pair (weight of shape (D,), bias); got {type(init).__name__}: "
            "e.g. init=syllabus_svm_init()"
        )
    weight, bias = init
    weight = torch.as_tensor(weight, dtype=dtype, device=device)
    bias = torch.as_tensor(bias, dtype=dtype, device=device)
    if weight.shape != (dim,) or bias.numel() != 1:
        raise ValueError(
            f"init must hold a weight of shape ({dim},) and one bias; got shapes "
            f"{tuple(weight.shape)} and {tuple(bias.shape)}"
        )
    if not (bool(torch.isfinite(weight).all()) and bool(torch.isfinite(bias).all())):
        raise ValueError(
            "init contains nan or inf: start from finite weights, e.g. init=syllabus_svm_init() or "
            "init=None for nn.Linear's default initialisation"
        )
    with torch.no_grad():
        model.weight.copy_(weight.reshape(1, dim))
        model.bias.copy_(bias.reshape(1))
    return model


def train_sgd(
    X: Tensor,
    y: Tensor,
    *,
    lr: float = 0.01,
    weight_decay: float = 0.01,
    epochs: int = 200,
    loss: str = "hinge",
    init: tuple[Tensor, Tensor | float] | None = None,
    seed: int = 0,
) -> LinearSVMResult:
    r"""The syllabus's training loop, verbatim, with a record of every epoch.

    .. code-block:: python

        model = nn.Linear(D, 1)
        optimizer = optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
        for epoch in range(epochs):
            scores = model(X).squeeze(1)
            loss = criterion(scores, y)  # hinge_loss: mean of max(0, 1 - y * s)
            optimizer.zero_grad(); loss.backward(); optimizer.step()

    Full batch, fixed step. ``weight_decay`` adds ``weight_decay * p`` to the gradient of every
    parameter, the bias included, so the loop descends
    ``svm_objective(w, b, X, y, lam=weight_decay, loss=loss, regularize_bias=True)``. With a
    fixed step it ends near the optimum, not on it: compare its history with
    ``train_linear_svm(X, y, lam=weight_decay, regularize_bias=True)``.

    Deterministic: the starting weights are PyTorch's default ``nn.Linear`` initialisation drawn
    under ``torch.manual_seed(seed)`` (inside ``fork_rng``: the global random state is left
    unchanged), or ``init``. ``train_sgd(*syllabus_svm_data(), init=syllabus_svm_init())``
    reproduces the syllabus's run exactly.

    Args:
        X: training samples, float32 or float64. y: labels in {-1, +1}.
        lr: step size. Default: 0.01.
        weight_decay: ``optim.SGD``'s L2 penalty, :math:`\lambda` >= 0. Default: 0.01.
        epochs: number of full-batch steps. Default: 200.
        loss: ``'hinge'`` | ``'squared_hinge'`` | ``'logistic'``. Default: ``'hinge'``.
        init: starting ``(weight (D,), bias)``, or None for ``nn.Linear``'s default
            initialisation under ``seed``. Default: None.
        seed: seed of that initialisation. Default: 0.

    Returns:
        :class:`LinearSVMResult` with ``method='sgd'``, ``converged=False`` and one record per
        epoch, taken *after* that epoch's step (so the last one describes the returned weights).

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; weight: :math:`(D)`; bias: :math:`()`.

    Example::

        >>> from hinge_utils.data import syllabus_svm_data, syllabus_svm_init
        >>> X, y = syllabus_svm_data()
        >>> result = train_sgd(X, y, init=syllabus_svm_init())
        >>> len(result.history), result.history[-1].accuracy
        (200, 1.0)
    """
    X, y = check_training_data(X, y)
    params = check_parameters(
        _PARAMETERS, lr=lr, weight_decay=weight_decay, epochs=epochs, loss=loss, seed=seed
    )
    lr, weight_decay = params["lr"], params["weight_decay"]
    entry = binary_loss(loss)
    model = _initial_linear(X.shape[1], X.dtype, X.device, init, params["seed"])
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
    weights = []
    for _ in range(epochs):
        scores = model(X).squeeze(1)
        batch_loss = entry.fn(y * scores).mean()
        optimizer.zero_grad()
        batch_loss.backward()
        optimizer.step()
        weights.append(torch.cat([model.weight.detach()[0], model.bias.detach()]))
    # The records of every epoch at once, in float64, for the weights held after its step.
    thetas = torch.stack(weights).double().cpu().numpy()
    Xw, yw = X.detach().double().cpu().numpy(), y.detach().double().cpu().numpy()
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged run: inf and nan, said below
        u = 1.0 - yw * (thetas[:, :-1] @ Xw.T + thetas[:, -1:])
        penalty = 0.5 * weight_decay * np.square(thetas).sum(1)
        stats = entry.solver()
        rows = margin_rows(stats.mean(u) + penalty, u, np.ones(len(yw)), stats)
    diverged = np.flatnonzero(~np.isfinite(rows[:, 0]))
    if len(diverged):
        first = int(diverged[0])
        warnings.warn(
            f"train_sgd diverged: the objective became {rows[first, 0]} at "
            f"epoch {first + 1} of {epochs} (the weights are no longer finite): lower lr "
            f"(now {lr:g}), or standardise the features",
            ConvergenceWarning,
            stacklevel=2,
        )
    return LinearSVMResult(
        weight=model.weight.detach()[0].clone(),
        bias=model.bias.detach()[0].clone(),
        history=history_from_rows(rows, len(y)),
        loss=loss,
        lam=weight_decay,
        regularize_bias=True,
        method="sgd",
        converged=False,
    )
