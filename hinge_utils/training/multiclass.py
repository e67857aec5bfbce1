r"""The exact multi-class trainer: Newton's method on :math:`W x + b` for the Weston-Watkins and
Crammer-Singer hinges (smoothed, then narrowed) and cross-entropy."""

from __future__ import annotations

import warnings

import torch
from torch import Tensor

from hinge_utils._validation import (
    LAM,
    Constraint,
    Flag,
    Integer,
    OneOf,
    Real,
    check_class_labels,
    check_parameters,
    check_training_features,
)
from hinge_utils.functional import multiclass_margin
from hinge_utils.losses import multiclass_loss
from hinge_utils.margins import INSIDE, margin_position
from hinge_utils.objectives import MULTICLASS_LOSSES, l2_penalty, multiclass_data_loss
from hinge_utils.training._multiclass_newton import LEVEL_TOL, NEARLY_FULL, MulticlassNewton
from hinge_utils.training.records import (
    ConvergenceWarning,
    LinearMulticlassResult,
    history_from_rows,
)

__all__ = ["train_linear_multiclass"]

_PARAMETERS: dict[str, Constraint] = {
    "num_classes": Integer(2, example="num_classes=10 (for two classes, 2)"),
    "loss": OneOf(MULTICLASS_LOSSES),
    "lam": LAM,
    "regularize_bias": Flag(),
    "max_epochs": Integer(1, example="max_epochs=300"),
    "tol": Real(0.0, example="tol=1e-12"),
}


def _row(scores: Tensor, y: Tensor, loss: str, penalty: Tensor) -> Tensor:
    """``[objective, n_correct, n_violators, n_pushing]`` from the class scores."""
    dtype = scores.dtype
    margins = multiclass_margin(scores, y, validate_args=False)
    violators = (margin_position(margins) == INSIDE).sum(dtype=dtype)  # m < 1, up to the tolerance
    pushing = multiclass_loss(loss).solver().pushing(scores, y).to(dtype)
    objective = multiclass_data_loss(scores, y, loss) + penalty
    correct = (margins > 0).sum(dtype=dtype)
    return torch.stack([objective, correct, violators, pushing])


def train_linear_multiclass(
    X: Tensor,
    y: Tensor,
    num_classes: int,
    loss: str = "weston_watkins",
    lam: float = 1e-3,
    *,
    regularize_bias: bool = False,
    max_epochs: int = 300,
    tol: float = 1e-12,
) -> LinearMulticlassResult:
    r"""Fit a linear multi-class model :math:`s = W x + b` by Newton's method, in float64.

    Minimises :func:`hinge_utils.objectives.multiclass_objective`,

    .. math::
        J(W, b) = \frac{1}{N}\sum_{i=1}^N \ell(s_i, c_i) + \frac{\lambda}{2}\lVert W\rVert_F^2
                  \;\Bigl[+ \frac{\lambda}{2}\lVert b\rVert^2\Bigr],

    from :math:`W = 0, b = 0`, with Newton steps on all :math:`K (D + 1)` parameters and an
    exact line search.

    * ``cross_entropy`` is smooth: Newton goes straight to the optimum.
    * ``weston_watkins`` and ``crammer_singer`` have kinks, where Newton's method has no
      second derivative to work with. So the solver minimises smoothed versions (Huber-rounded
      terms for Weston-Watkins, a log-sum-exp for the Crammer-Singer maximum) of width
      :math:`h = 1, 0.1, \dots, 10^{-5}` (:math:`10^{-6}` for Crammer-Singer), each
      warm-started from the last (a level is left once a Newton step is nearly full). The
      smoothed objective is within :math:`(K - 1) h / 2` (Weston-Watkins) or :math:`h \log K`
      (Crammer-Singer) of the true one, so the result is the hinge optimum to about 5 decimals
      of the objective; samples that sit on the margin at the optimum end within about
      :math:`10^{-5}` of it, well inside the library's tolerance for "on the margin",
      :math:`10^{-4}` (:func:`hinge_utils.margins.margin_position`), so every count of them
      holds on every machine.

    The last level is solved to its minimiser, not stopped by a budget: the result is *the*
    minimiser of the last smoothed objective, the same on every machine up to rounding, not a
    point that depends on the rounding of every step on the way.

    The history records the *true* objective after each Newton step. Deterministic (no
    random numbers); two to three seconds for the 64-pixel digits, more for many features
    (each step solves a :math:`K (D+1)`-dimensional linear system).

    Args:
        X: training samples, one per row, float32 or float64 (the solver works in float64 and
            returns weights in the dtype of ``X``).
        y: class indices in :math:`[0, K)`, integer dtype.
        num_classes: :math:`K \ge 2`.
        loss: ``'weston_watkins'`` | ``'crammer_singer'`` | ``'cross_entropy'``.
            Default: ``'weston_watkins'``.
        lam: :math:`\lambda > 0`. Default: 1e-3.
        regularize_bias: also penalise :math:`b` (as ``LinearSVC``). Default: False.
        max_epochs: Newton steps in total, over all smoothing levels. Default: 300.
        tol: the last level is solved once the Newton decrement (about twice the remaining gap
            to its minimiser) falls below ``tol`` times the objective. Default: 1e-12.

    Returns:
        :class:`LinearMulticlassResult`: ``weight``, ``bias`` and one record per Newton step,
        the last one for the weights returned; ``converged`` is False (with a
        :class:`ConvergenceWarning`) if ``max_epochs`` ran out first.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; weight: :math:`(K, D)`; bias: :math:`(K)`.

    Example::

        >>> from hinge_utils.data import make_multiclass_blobs
        >>> X, y = make_multiclass_blobs(n=90, k=3, separation=6.0, seed=0)
        >>> result = train_linear_multiclass(X, y, num_classes=3, loss="cross_entropy")
        >>> result.weight.shape, result.bias.shape, result.history[-1].accuracy
        (torch.Size([3, 2]), torch.Size([3]), 1.0)
        >>> result.converged
        True
    """
    X = check_training_features(X)
    params = check_parameters(
        _PARAMETERS, num_classes=num_classes, loss=loss, lam=lam, regularize_bias=regularize_bias,
        max_epochs=max_epochs, tol=tol,
    )
    y = check_class_labels(y, X, num_classes).long()
    lam, tol = params["lam"], params["tol"]
    newton = multiclass_loss(loss).solver()
    solver = MulticlassNewton(X, y, num_classes, newton, lam, regularize_bias)
    theta = torch.zeros(num_classes, X.shape[1] + 1, dtype=torch.float64, device=X.device)
    iterates: list[Tensor] = []
    levels = newton.widths
    level = 0
    converged = False
    with torch.no_grad():
        while len(iterates) < max_epochs:
            width, last_level = levels[level], level == len(levels) - 1
            scale = max(abs(solver.objective(theta, width)), 1e-300)
            theta, decrement, step = solver.step(theta, width)
            iterates.append(theta)
            if last_level:
                if decrement <= tol * scale:  # the last level is solved: this is the result
                    converged = True
                    break
            elif decrement <= LEVEL_TOL * scale or abs(step - 1) <= NEARLY_FULL:
                level += 1  # this level is (nearly) solved: on to a narrower smoothing
        if not converged:
            warnings.warn(
                f"train_linear_multiclass stopped after max_epochs={max_epochs} Newton steps "
                "before reaching the optimum (converged=False): raise max_epochs",
                ConvergenceWarning,
                stacklevel=2,
            )
        weight = theta[:, :-1].to(X.dtype)
        bias = theta[:, -1].to(X.dtype)
        rows = [
            _row(solver.X1 @ point.T, y, loss,
                 l2_penalty(point[:, :-1], point[:, -1], lam, regularize_bias))
            for point in iterates[:-1]
        ]
        # The last record is computed for the weights actually returned (in the dtype of X).
        rows.append(
            _row(X @ weight.T + bias, y, loss,
                 l2_penalty(weight, bias, lam, regularize_bias)).double()
        )
    return LinearMulticlassResult(
        weight=weight,
        bias=bias,
        history=history_from_rows(torch.stack(rows), len(y)),
        loss=loss,
        lam=lam,
        regularize_bias=regularize_bias,
        converged=converged,
    )
