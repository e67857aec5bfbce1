r"""The ramp loss: a bounded, non-convex loss trained by the concave-convex procedure (CCCP),
each round an exact hinge problem for the binary Newton solver."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import numpy as np
import torch
from torch import Tensor

from hinge_utils._newton_losses import RampStats
from hinge_utils._validation import (
    LAM,
    Constraint,
    Flag,
    Integer,
    check_parameters,
    check_training_data,
)
from hinge_utils.losses import BINARY
from hinge_utils.training import _binary_newton
from hinge_utils.training.records import LinearSVMResult, history_from_rows
from hinge_utils.training.svm import final_row, train_linear_svm

__all__ = ["ramp_starts", "train_ramp"]

_PARAMETERS: dict[str, Constraint] = {
    "lam": LAM,
    "rounds": Integer(1, example="rounds=50"),
    "regularize_bias": Flag(),
    "max_epochs": Integer(1, example="max_epochs=100"),
}
_RAMP = RampStats()


def _check_start(start: object, dim: int, index: int) -> tuple[Tensor, Tensor]:
    """One starting point ``(weight (D,), bias)`` of :func:`train_ramp`, in float64."""
    example = "e.g. starts=[(torch.tensor([1.0, 0.0]), 0.0)]"
    if not isinstance(start, tuple | list) or len(start) != 2:
        raise TypeError(
            f"starts[{index}] must be a pair (weight of shape ({dim},), bias); got "
            f"{type(start).__name__}: {example}"
        )
    weight, bias = (torch.as_tensor(part, dtype=torch.float64) for part in start)
    if weight.shape != (dim,) or bias.numel() != 1:
        raise ValueError(
            f"starts[{index}] must hold a weight of shape ({dim},) and one bias; got shapes "
            f"{tuple(weight.shape)} and {tuple(bias.shape)}: {example}"
        )
    if not bool(torch.isfinite(weight).all() & torch.isfinite(bias).all()):
        raise ValueError(f"starts[{index}] contains nan or inf: pass finite weights and bias")
    return weight, bias.reshape(())


def ramp_starts(
    X: Tensor, y: Tensor, lam: float = 0.01, *, regularize_bias: bool = False
) -> dict[str, tuple[Tensor, Tensor]]:
    r"""The default starting points of :func:`train_ramp`, by name.

    * ``"hinge solution"``: the weights of ``train_linear_svm(X, y, lam)``, the convex
      problem the ramp loss caps;
    * ``"+e1"``, ``"-e1"``, ..., ``"-eD"``: :math:`w = \pm e_k`, :math:`b = 0`, one start per
      axis direction (four directions around the circle for 2-D data).

    Only the signs of the starting margins matter to CCCP (they decide which samples its first
    round treats as wrong), so the length of a direction is irrelevant.

    Args:
        X: training samples :math:`(N, D)`. y: labels in {-1, +1}.
        lam: :math:`\lambda` of the hinge solution. Default: 0.01.
        regularize_bias: as in :func:`train_linear_svm`. Default: False.

    Returns:
        ``{name: (weight, bias)}`` with ``weight`` of shape ``(D,)`` and ``bias`` 0-d, in the
        dtype of ``X``; ``1 + 2 D`` entries.

    Example::

        >>> X = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]]); y = torch.tensor([-1.0, -1, 1, 1])
        >>> {name: (w.tolist(), float(b)) for name, (w, b) in ramp_starts(X, y).items()}
        {'hinge solution': ([1.0], 0.0), '+e1': ([1.0], 0.0), '-e1': ([-1.0], 0.0)}
    """
    svm = train_linear_svm(X, y, lam, regularize_bias=regularize_bias)
    starts = {"hinge solution": (svm.weight, svm.bias)}
    zero = svm.bias.new_zeros(())
    for k, axis in enumerate(torch.eye(svm.weight.shape[0], dtype=svm.weight.dtype), start=1):
        starts[f"+e{k}"] = (axis, zero)
        starts[f"-e{k}"] = (-axis, zero)
    return starts


def _cccp_ramp(
    base: _binary_newton.BinaryProblem,
    Xw: np.ndarray,
    yw: np.ndarray,
    lam: float,
    regularize_bias: bool,
    start: tuple[Tensor, Tensor],
    rounds: int,
    max_epochs: int,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """CCCP for the ramp from one start: ``theta = (w, b)`` (float64), history rows, converged.

    ``base`` is the standardised SVM problem of the data; each round flips the rows of the
    samples the current model gets wrong (label and target -1).
    """
    hinge = BINARY["hinge"].solver()
    weight, bias = (part.numpy() for part in start)
    wrong = yw * (Xw @ weight + bias) < 0  # the set S of the current iterate
    theta = np.concatenate([weight, [float(bias)]])
    rows: list[np.ndarray] = []
    converged = False
    previous = math.inf
    for _ in range(rounds):
        # The convex subproblem: [1 - m]_+ for the samples outside S; for those in S,
        # [m - 1]_+ = [(-1) - (-y f(x))]_+, a hinge with the label flipped and the target -1.
        sign = np.where(wrong, -1.0, 1.0)
        problem = dataclasses.replace(base, Z=base.Z * sign[:, None], targets=sign)
        run = _binary_newton.hinge_newton(problem, hinge, max_epochs, 0.0, 0.0)
        solved_theta, solved, _ = _binary_newton.certify(problem, run, 0.0)
        theta = problem.original(solved_theta)
        margins = yw * (Xw @ theta[:-1] + theta[-1])
        squares = float(theta[:-1] @ theta[:-1]) + (theta[-1] ** 2 if regularize_bias else 0.0)
        u = 1.0 - margins
        ramp_objective = np.asarray(_RAMP.mean(u) + 0.5 * lam * squares)
        row = _binary_newton.margin_rows(ramp_objective, u, np.ones_like(u), _RAMP)
        rows.append(row)
        objective = float(row[0])
        new_wrong = margins < 0
        # A fixed point (the next subproblem would be this one again), or no progress left.
        if np.array_equal(new_wrong, wrong) or objective >= previous - 1e-12 * abs(previous):
            converged = solved
            break
        wrong, previous = new_wrong, objective
    return theta, np.stack(rows), converged


def train_ramp(
    X: Tensor,
    y: Tensor,
    lam: float = 0.01,
    *,
    starts: Iterable[tuple[Tensor, Tensor | float]] | None = None,
    rounds: int = 50,
    regularize_bias: bool = False,
    max_epochs: int = 100,
) -> LinearSVMResult:
    r"""Fit a linear classifier under the bounded ramp loss, by the concave-convex procedure.

    Minimises the ramp objective (the ramp of :func:`hinge_utils.zoo.ramp`, which caps the
    hinge at 1 so that no sample can cost more than 1)

    .. math::
        J(w, b) = \frac{1}{N}\sum_{i=1}^N R(m_i) + \frac{\lambda}{2}\lVert w\rVert^2
                  \;\Bigl[+ \frac{\lambda}{2} b^2\Bigr],
        \qquad R(m) = \min\bigl(1, [1 - m]_+\bigr), \quad m_i = y_i (w^\top x_i + b).

    **Method: CCCP** (Yuille & Rangarajan 2003; for the ramp, Collobert, Sinz, Weston & Bottou
    2006). :math:`R` is a difference of two convex functions,

    .. math::
        R(m) = [1 - m]_+ - [-m]_+

    (for :math:`m \ge 1`: 0 - 0; for :math:`0 \le m < 1`: :math:`1 - m`; for :math:`m < 0`:
    :math:`(1 - m) - (-m) = 1`). Each round replaces the concave part :math:`-[-m]_+ =
    \min(0, m)` by its tangent at the current margins :math:`m_i^t`: 0 if :math:`m_i^t \ge 0`,
    the linear function :math:`m` if :math:`m_i^t < 0`. The tangent lies above a concave
    function, so the round's objective

    .. math::
        Q_t(w, b) = \frac{1}{N}\Bigl(\sum_{i \notin S_t} [1 - m_i]_+
                    + \sum_{i \in S_t} \bigl([1 - m_i]_+ + m_i\bigr)\Bigr)
                    + \frac{\lambda}{2}\lVert w\rVert^2,
        \qquad S_t = \{i : m_i^t < 0\},

    lies above :math:`J` and touches it at the current weights. So minimising :math:`Q_t`
    exactly gives :math:`J^{t+1} \le Q_t(w^{t+1}, b^{t+1}) \le Q_t(w^t, b^t) = J^t`: **the
    ramp objective never increases.** :math:`Q_t` is the hinge SVM objective plus the linear
    term :math:`\frac1N\sum_{i\in S_t} m_i`, and :math:`[1 - m]_+ + m = \max(1, m) = 1 +
    [m - 1]_+`: a sample the current model gets wrong costs a constant 1, and pulls on nothing,
    while its margin stays :math:`\le 1`; only if the new model would put it beyond the margin
    on its *correct* side does it push back. The solver writes :math:`[m - 1]_+` as a hinge
    with the label flipped and the target -1, and solves :math:`Q_t` with the exact Newton
    solver of :func:`train_linear_svm` (optimality certified by its KKT check): each round is
    an exact CCCP step. (A common shortcut refits the hinge SVM on the samples outside
    :math:`S_t` alone, with :math:`\lambda` scaled by :math:`N / (N - |S_t|)` to keep the
    objective's scale. It is the same step if and only if every sample of :math:`S_t` has
    :math:`m \le 1` under the refitted model; otherwise it is a heuristic that may raise
    :math:`J`.) The rounds stop at a fixed point (:math:`S_{t+1} = S_t`: the next round
    would solve the same problem), when the objective stops decreasing, or after ``rounds``.

    :math:`J` is not convex: CCCP ends in a local minimum that depends on the start. So it
    runs from several ``starts`` and returns the result with the lowest ramp objective (the
    first one on ties). Deterministic: no random numbers.

    Args:
        X: training samples, one per row, float32 or float64.
        y: labels in {-1, +1}, both present.
        lam: :math:`\lambda > 0`. Default: 0.01.
        starts: starting points ``(weight of shape (D,), bias)``; only the signs of their
            margins matter (they fix :math:`S_0`). Default: None, the starts of
            :func:`ramp_starts`: the hinge solution and :math:`w = \pm e_k`, :math:`b = 0`.
        rounds: at most this many CCCP rounds per start. Default: 50.
        regularize_bias: also penalise :math:`\tfrac{\lambda}{2} b^2`. Default: False.
        max_epochs: at most this many Newton steps per round. Default: 100.

    Returns:
        :class:`LinearSVMResult` with ``loss='ramp'``, ``method='cccp'``; its history has one
        record per CCCP round of the winning start (the ramp objective; ``frac_nonzero_grad``
        the share of samples with :math:`0 < m < 1`, where the ramp has a slope), the last for
        the weights returned. ``converged``: that start reached a fixed point with every
        round's subproblem solved exactly.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; weight: :math:`(D)`; bias: :math:`()`.

    Example::

        >>> X = torch.tensor([[-2.0], [-1.0], [1.0], [2.0], [-10.0]])
        >>> y = torch.tensor([-1.0, -1.0, 1.0, 1.0, 1.0])  # the last point: a far outlier
        >>> result = train_ramp(X, y, lam=0.01)
        >>> # the outlier is given up (cost 1) and ignored: the clean points' hard margin,
        >>> # w = 1, b = 0, with -1 and +1 on the margin
        >>> round(float(result.weight), 6), round(float(result.bias), 6) + 0.0
        (1.0, 0.0)
        >>> round(result.objective, 6)  # ramp 1 for the outlier, 0 for the rest: 1/5 + 0.01/2 * 1
        0.205
        >>> hinge = train_linear_svm(X, y, lam=0.01)  # the hinge gives up: all +1
        >>> round(float(hinge.weight), 6) + 0.0, round(float(hinge.bias), 6)
        (0.0, 1.0)
        >>> # w = 0, b = 1 costs 2 for each -1 sample (m = -1): (2 + 2) / 5 = 0.8, less than
        >>> # the clean fit's 11 / 5 for the outlier alone (m = -10, hinge 1 + 10)
        >>> round(hinge.objective, 6)
        0.8
    """
    X, y = check_training_data(X, y)
    params = check_parameters(
        _PARAMETERS, lam=lam, rounds=rounds, regularize_bias=regularize_bias, max_epochs=max_epochs
    )
    lam = params["lam"]
    if starts is None:
        starts = list(ramp_starts(X, y, lam, regularize_bias=regularize_bias).values())
    elif isinstance(starts, Tensor) or not isinstance(starts, Iterable):
        raise TypeError(
            f"starts must be a list of pairs (weight, bias); got {type(starts).__name__}: "
            "e.g. starts=[(torch.tensor([1.0, 0.0]), 0.0)], or None for ramp_starts(X, y)"
        )
    checked = [_check_start(start, X.shape[1], i) for i, start in enumerate(starts)]
    if not checked:
        raise ValueError("starts is empty: pass at least one (weight, bias), or None")
    ones = torch.ones(len(y), dtype=torch.float64)
    base = _binary_newton.standardised_problem(X, y, lam, regularize_bias, ones)
    Xw, yw = X.detach().double().cpu().numpy(), y.detach().double().cpu().numpy()
    runs = [
        _cccp_ramp(base, Xw, yw, lam, regularize_bias, start, rounds, max_epochs)
        for start in checked
    ]
    # the lowest ramp objective (the first one on ties)
    theta, rows, converged = min(runs, key=lambda run: float(run[1][-1, 0]))
    weight = torch.as_tensor(theta[:-1], dtype=X.dtype, device=X.device)
    bias = torch.as_tensor(theta[-1], dtype=X.dtype, device=X.device)
    # The last record is recomputed for the weights actually returned (in the dtype of X).
    last = final_row(X, y, weight, bias, np.ones(len(y)), lam, regularize_bias, _RAMP)
    rows = np.concatenate([rows[:-1], last[None]])
    return LinearSVMResult(
        weight=weight,
        bias=bias,
        history=history_from_rows(rows, len(y)),
        loss="ramp",
        lam=lam,
        regularize_bias=regularize_bias,
        method="cccp",
        converged=converged,
    )
