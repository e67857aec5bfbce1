r"""The exact binary trainer: the SVM objective's minimiser, with a record of every Newton step."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import Tensor

from hinge_utils._newton_losses import LossStats
from hinge_utils._validation import (
    LAM,
    Constraint,
    Flag,
    Integer,
    OneOf,
    Real,
    check_parameters,
    check_training_data,
)
from hinge_utils.losses import binary_loss
from hinge_utils.objectives import BINARY_LOSSES
from hinge_utils.training import _binary_newton
from hinge_utils.training.records import ConvergenceWarning, LinearSVMResult, history_from_rows

__all__ = ["train_linear_svm"]

_PARAMETERS: dict[str, Constraint] = {
    "lam": LAM,
    "loss": OneOf(BINARY_LOSSES),
    "regularize_bias": Flag(),
    "max_epochs": Integer(1, example="max_epochs=500"),
    "tol": Real(0.0, example="tol=1e-12"),
    "stop_gap": Real(0.0, example="stop_gap=1e-3"),
}


def final_row(
    X: Tensor, y: Tensor, weight: Tensor, bias: Tensor, targets: np.ndarray, lam: float,
    regularize_bias: bool, loss: LossStats,
) -> np.ndarray:
    """The history row of the weights actually returned (in the dtype of ``X``), in float64."""
    margins = (y * (X @ weight + bias)).detach().double().cpu().numpy()
    w = weight.detach().double().cpu().numpy()
    penalty = 0.5 * lam * (float(w @ w) + (float(bias) ** 2 if regularize_bias else 0.0))
    u = targets - margins
    return _binary_newton.margin_rows(np.asarray(loss.mean(u) + penalty), u, targets, loss)


def train_linear_svm(
    X: Tensor,
    y: Tensor,
    lam: float = 0.01,
    loss: str = "hinge",
    *,
    regularize_bias: bool = False,
    max_epochs: int = 500,
    tol: float = 1e-12,
    stop_gap: float = 0.0,
) -> LinearSVMResult:
    r"""Exact minimiser of the linear SVM objective, with a history of every Newton step.

    Minimises :func:`hinge_utils.objectives.svm_objective`,

    .. math::
        J(w, b) = \frac{1}{N}\sum_{i=1}^N \ell\bigl(y_i (w^\top x_i + b)\bigr)
                  + \frac{\lambda}{2}\lVert w\rVert^2 \;\Bigl[+ \frac{\lambda}{2} b^2\Bigr],

    to the precision of float64 arithmetic, so the result matches scikit-learn's
    ``SVC(kernel="linear", C=1 / (N * lam))`` (hinge, free bias), ``LinearSVC`` (its bias is
    penalised: ``regularize_bias=True``) and L-BFGS (squared hinge, logistic).

    **Method: Newton's method on** :math:`\theta = (w, b)`. A linear model has only :math:`D + 1`
    parameters, so each step solves a :math:`(D+1) \times (D+1)` system built in one vectorised
    pass over the data (an *epoch*), and a handful of steps reach the optimum, where plain SGD
    with a fixed step keeps circling it (see :func:`train_sgd`). The solver works in float64
    whatever the dtype of ``X``.

    * ``logistic``: smooth; Newton with backtracking converges quadratically.
    * ``squared_hinge``: piecewise quadratic (its curvature jumps where a sample crosses the
      margin). Each step moves to the *exact* minimum along the Newton direction (the
      breakpoints are sorted, :math:`O(N \log N)`); Newton then stops at the exact optimum after
      finitely many steps, once the set of violators stops changing (Keerthi & DeCoste, 2005).
    * ``hinge``: not differentiable at the margin, so Newton cannot work on it directly. The kink
      is rounded off over a band of width :math:`h` (Huber smoothing: :math:`(1-m)^2 / 2h` on
      the band, :math:`1 - m - h/2` beyond it, which moves the objective by at most
      :math:`h/2`), with :math:`h = 1, 0.05, 0.0025, ...`, each level warm-started and solved
      by Newton with the same exact line search. After every step the solver guesses which
      samples sit exactly on the margin at the optimum (those inside the band) and solves the
      optimality conditions of the *true* hinge problem for that guess, a small linear system.
      If the solution satisfies all of them (dual weights in :math:`[0, 1]`, every margin on
      the right side of 1), it is the exact optimum and the solver stops: typically after
      5-15 steps (more on degenerate data, e.g. duplicated points on the margin, where the
      smoothing goes on down to :math:`h = 10^{-9}`).

    **Robust to the scale of the features.** Newton's method is run on standardised features
    (each column centred, when the bias is free, and divided by its RMS), with the penalty
    rescaled to match, so it solves the same problem in better-conditioned coordinates and maps
    the answer back: on raw features of size 1e3 with a tiny ``lam`` the Newton systems are
    otherwise singular to float64 and the steps go astray.

    **Never silently wrong.** For the hinge, the answer is certified by its duality gap (a
    feasible dual point built from the final iterate, :math:`P(\theta) - D(\alpha) \ge
    P(\theta) - P^*`): ``converged`` is True only when the gap is at most ``1e-6`` times the
    objective (an exact KKT answer has a gap of about ``1e-16``). For the squared hinge and the
    logistic loss, only when the Newton decrement passed ``tol``. Otherwise ``converged`` is False
    and a :class:`ConvergenceWarning` says what to do; and the returned objective is never above
    the value at :math:`w = 0, b = 0`.

    The answer carries no autograd history (like any fitted estimator's): it is an argmin, not a
    differentiable function of ``X`` here.

    Unlike dual coordinate descent (liblinear), nothing here loops over samples in Python, and
    the unpenalised bias needs no special treatment: it is one more Newton coordinate. The cost
    is :math:`O(N D^2 + D^3)` per epoch: meant for the few features of a lesson, not for
    :math:`D` in the thousands.

    Args:
        X: training samples, one per row, float32 or float64 (the solver works in float64 and
            returns weights in the dtype of ``X``).
        y: labels in {-1, +1}, both present.
        lam: :math:`\lambda > 0`; ``lam = 1 / (N * C)`` for scikit-learn's ``C``.
            Default: 0.01 (the syllabus's ``weight_decay``).
        loss: ``'hinge'`` | ``'squared_hinge'`` | ``'logistic'``. Default: ``'hinge'``.
        regularize_bias: also penalise :math:`\tfrac{\lambda}{2} b^2`, as ``LinearSVC``
            (``intercept_scaling=1``) and ``optim.SGD(weight_decay=lam)`` do. Default: False
            (as ``SVC`` and ``SGDClassifier``).
        max_epochs: at most this many Newton steps. Default: 500 (typically 5-40 are taken;
            a few hundred on raw, badly scaled features with a tiny ``lam``).
        tol: stop (squared hinge, logistic) once the Newton decrement, an estimate of twice the
            remaining objective gap, falls below ``tol`` times the objective. Default: 1e-12.
        stop_gap: hinge only: stop as soon as the duality gap, a bound on the distance to the
            optimum, is at most ``stop_gap`` times the objective (e.g. 1e-3, the accuracy of
            ``SVC``'s default ``tol``). Default: 0 (run to the exact optimum).

    Returns:
        :class:`LinearSVMResult`: ``weight`` of shape ``(D,)``, ``bias`` a 0-d tensor, and a
        :class:`History` with one record per Newton step (the objective of the current iterate
        under the true, unsmoothed loss, the accuracy, the violators), the last one for the
        weights returned.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; weight: :math:`(D)`; bias: :math:`()`.

    Example::

        >>> X = torch.tensor([[3.0, 0.0], [4.0, 1.0], [-1.0, 0.0], [-2.0, -1.0]])
        >>> y = torch.tensor([1.0, 1.0, -1.0, -1.0])
        >>> result = train_linear_svm(X, y, lam=0.01)
        >>> # hard margin: the closest points (3, 0) and (-1, 0) sit on w^T x + b = +1 and -1,
        >>> # so w = (2 / 4, 0) and b = -0.5 * 1 (the midpoint x = 1 is on the boundary)
        >>> result.weight, result.bias
        (tensor([0.5000, 0.0000]), tensor(-0.5000))
        >>> round(result.objective, 8)  # no hinge loss left; 0.01 / 2 * 0.5 ** 2
        0.00125
    """
    X, y = check_training_data(X, y)
    params = check_parameters(
        _PARAMETERS, lam=lam, loss=loss, regularize_bias=regularize_bias, max_epochs=max_epochs,
        tol=tol, stop_gap=stop_gap,
    )
    lam, tol, stop_gap = params["lam"], params["tol"], params["stop_gap"]
    newton = binary_loss(loss).solver()
    ones = torch.ones(len(y), dtype=torch.float64)
    problem = _binary_newton.standardised_problem(X, y, lam, regularize_bias, ones)
    solution = _binary_newton.solve(problem, newton, max_epochs, tol, stop_gap)
    theta, rows, converged = solution.theta, solution.rows, solution.converged
    if not converged:
        warnings.warn(
            f"train_linear_svm did not reach the optimum within max_epochs={max_epochs} Newton "
            "steps (converged=False; the objective may be above the optimum): raise max_epochs, "
            "or standardise the features if they span many orders of magnitude",
            ConvergenceWarning,
            stacklevel=2,
        )
    weight = torch.as_tensor(theta[:-1], dtype=X.dtype, device=X.device)
    bias = torch.as_tensor(theta[-1], dtype=X.dtype, device=X.device)
    last = final_row(X, y, weight, bias, problem.targets, lam, regularize_bias, newton)
    rows = np.concatenate([rows[:-1], last[None]])
    return LinearSVMResult(
        weight=weight,
        bias=bias,
        history=history_from_rows(rows, len(y)),
        loss=loss,
        lam=lam,
        regularize_bias=regularize_bias,
        method="newton",
        converged=converged,
        dual_weights=torch.as_tensor(solution.dual_weights, dtype=X.dtype, device=X.device),
    )
