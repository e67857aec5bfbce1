r"""The exact binary solver: Newton's method on :math:`\theta = (w, b)`, in NumPy float64.

The engine of :func:`hinge_utils.training.train_linear_svm` (and of every CCCP round of
:func:`hinge_utils.training.train_ramp`). A linear model has only :math:`p = D + 1` parameters,
so each step builds a :math:`p \times p` system in one vectorised pass over the data and solves
it; what a loss contributes (its value, slopes, curvatures and line search) comes from its object
in :mod:`hinge_utils._newton_losses`, found through the registry (``BINARY[name].newton``).

Two loops, for two kinds of loss:

* :func:`smooth_newton` for losses with a second derivative almost everywhere (squared hinge,
  logistic): Newton steps until the Newton decrement is below ``tol`` times the objective;
* :func:`hinge_newton` for the hinge, whose kink leaves Newton nothing to work with: the kink is
  rounded off over a band of width :math:`h` (Huber), :math:`h = 1, 0.05, 0.0025, ...`, each level
  warm-started; after every step the exact optimality (KKT) conditions are solved for the samples
  the band holds, and an answer that satisfies them all is the exact optimum. The answer is then
  certified by its duality gap (:func:`duality_gap`).

Why NumPy and not torch: on the few parameters of a lesson's model the cost of a step is the
per-call overhead of some 40 small operations, which is several times lower in NumPy; the
arithmetic is the same float64 either way. The data are standardised first (see
:func:`standardised_problem`), so the answer does not depend on the scale of the features.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from hinge_utils._newton_losses import PUSH_TOL, BinaryNewtonLoss, LineData, LossStats

_WIDTH_START = 1.0  # first Huber width: at w = 0, b = 0 every sample has 1 - m = 1, in the band
_WIDTH_SHRINK = 0.05  # next width = 5% of the last
_WIDTH_MIN = 1e-9  # below this the smoothing changes the objective by < 5e-10: stop there
_KKT_TOL = 1e-9  # slack allowed in the optimality certificate (margins and dual weights)
#: A level is left once its step is within 10% of the full Newton step (it is nearly solved).
NEARLY_FULL = 0.1
#: The hinge's answer counts as converged when its duality gap is at most this times its
#: objective (an exact KKT answer has a gap of about 1e-16).
GAP_TOL = 1e-6
_BALANCE_ROUNDS = 1000  # at most this many rounds of balanced_dual_weights for a certificate


@dataclass(frozen=True)
class BinaryProblem:
    r"""A binary problem in the solver's coordinates.

    Attributes:
        Z: :math:`z_i = y_i (\tilde x_i, 1)`, shape ``(N, p)``, with the standardised features
            :math:`\tilde x = (x - \text{shift}) / \text{scale}`.
        reg: the penalty's diagonal :math:`R` in those coordinates, shape ``(p,)``.
        targets: :math:`t_i` of each sample's loss of :math:`u_i = t_i - z_i^\top\theta`
            (1 for the SVM).
        shift, scale: the standardisation, shape ``(D,)``.
    """

    Z: np.ndarray
    reg: np.ndarray
    targets: np.ndarray
    shift: np.ndarray
    scale: np.ndarray

    def original(self, theta: np.ndarray) -> np.ndarray:
        """``(w, b)`` in the original coordinates from ``theta`` in the standardised ones."""
        weight = theta[:-1] / self.scale
        return np.concatenate([weight, [theta[-1] - weight @ self.shift]])


def standardised_problem(
    X: Tensor, y: Tensor, lam: float, regularize_bias: bool, targets: Tensor
) -> BinaryProblem:
    r"""The problem on standardised features, the same problem in better-conditioned coordinates.

    Each column is centred (only when the bias is free, where that is an exact change of
    variables: the bias absorbs the shift) and divided by its RMS; the penalty follows, as
    :math:`\lambda/2 \sum_j w_j^2 = \sum_j \lambda / (2 s_j^2)\, \tilde w_j^2`, so the minimiser
    maps back exactly (:meth:`BinaryProblem.original`). Without it, raw features of size 1e3 with
    a tiny :math:`\lambda` make the Newton systems singular to float64. A column whose RMS is 0
    (or not finite) keeps scale 1.
    """
    Xw = X.detach().to(torch.float64).cpu().numpy()
    yw = y.detach().to(torch.float64).cpu().numpy()
    n = Xw.shape[0]
    shift = Xw.mean(0) if not regularize_bias else np.zeros(Xw.shape[1])
    scale = np.sqrt(np.square(Xw - shift).mean(0))
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    reg = np.concatenate([lam / np.square(scale), [lam if regularize_bias else 0.0]])
    Z = np.concatenate([(Xw - shift) / scale, np.ones((n, 1))], axis=1) * yw[:, None]
    t = targets.detach().to(torch.float64).cpu().numpy()
    return BinaryProblem(Z=Z, reg=reg, targets=t, shift=shift, scale=scale)


@dataclass(frozen=True)
class NewtonRun:
    """What a loop returns: the answer (solver coordinates), every iterate, whether its test held,
    and the dual weights of the answer (the hinge's; zeros for the smooth losses)."""

    theta: np.ndarray
    iterates: list[np.ndarray]
    converged: bool
    alpha: np.ndarray


def newton_direction(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """``-hess^{-1} grad``; a Hessian singular to float64 (a penalty of 1e-24 with no sample on
    the band) gets a ridge of 1e-10 of its largest diagonal entry, then least squares."""
    try:
        direction = np.linalg.solve(hess, grad)
        if np.isfinite(direction).all():
            return -direction
    except np.linalg.LinAlgError:
        pass
    ridge = 1e-10 * max(float(np.abs(np.diag(hess)).max()), 1e-300)
    damped = hess + ridge * np.eye(len(hess))
    try:
        direction = np.linalg.solve(damped, grad)
        if np.isfinite(direction).all():
            return -direction
    except np.linalg.LinAlgError:
        pass
    return -np.linalg.lstsq(damped, grad, rcond=None)[0]


class _Steps:
    """Newton steps on one problem for one loss: gradient, Hessian, direction, line search."""

    def __init__(self, problem: BinaryProblem, loss: BinaryNewtonLoss) -> None:
        self.problem, self.loss = problem, loss
        Z, reg = problem.Z, problem.reg
        self.n, self.p = Z.shape
        # A tiny ridge on b keeps the Newton system solvable when no sample has curvature in b
        # (hinge, all samples off the Huber band); the exact line search then sizes the step.
        self.base = np.diag(reg)
        self.base[-1, -1] += 1e-6 * float(reg[:-1].min()) if self.p > 1 else 1e-12

    def step(
        self, theta: np.ndarray, u: np.ndarray, width: float
    ) -> tuple[float, float, np.ndarray]:
        """One step from ``theta``: ``(decrease, t, direction)``, the Newton decrement
        :math:`-\\nabla J^\\top d` and the step size the line search chose."""
        Z, reg, n = self.problem.Z, self.problem.reg, self.n
        slope, curvature = self.loss.slopes_curvatures(u, width)
        grad = reg * theta - (Z.T @ slope) / n
        hess = self.base + (Z.T * curvature) @ Z / n
        direction = newton_direction(hess, grad)
        slope0 = float(grad @ direction)
        curvature0 = float((direction * reg) @ direction)
        if not slope0 < 0:  # the gradient vanishes to rounding: no descent left
            return max(-slope0, 0.0), 0.0, direction
        line = LineData(theta, direction, u, Z @ direction, reg, slope0, curvature0)
        return -slope0, self.loss.line_search(line, width), direction

    def objective(self, theta: np.ndarray, u: np.ndarray) -> float:
        return float(self.loss.mean(u)) + 0.5 * float((theta * self.problem.reg) @ theta)


def smooth_newton(
    problem: BinaryProblem, loss: BinaryNewtonLoss, max_epochs: int, tol: float
) -> NewtonRun:
    """Newton's method for a loss with a second derivative almost everywhere: stops once the
    Newton decrement (about twice the remaining gap) is below ``tol`` times the objective."""
    steps = _Steps(problem, loss)
    theta = np.zeros(steps.p)
    u = problem.targets.copy()
    scale = 1.0  # the objective at theta = 0 (log 2 for logistic: the same order)
    iterates: list[np.ndarray] = []
    converged = False
    for _ in range(max_epochs):
        decrease, t, direction = steps.step(theta, u, math.inf)
        if decrease <= tol * scale:
            converged = True
            break
        theta = theta + t * direction
        iterates.append(theta)
        u = problem.targets - problem.Z @ theta
        scale = max(steps.objective(theta, u), 1e-300)
    return NewtonRun(theta, iterates, converged, np.zeros(steps.n))


def hinge_newton(
    problem: BinaryProblem,
    loss: BinaryNewtonLoss,
    max_epochs: int,
    tol: float,
    stop_gap: float,
) -> NewtonRun:
    """Newton's method on the Huber-smoothed hinge with shrinking widths, an exact KKT solve
    after every step, and (with ``stop_gap > 0``) a stop once the duality gap is that small."""
    Z, reg, targets = problem.Z, problem.reg, problem.targets
    steps = _Steps(problem, loss)
    p = steps.p
    penalty = np.diag(reg)
    theta = np.zeros(p)
    u = targets.copy()  # u = t - margin, for theta = 0
    width = _WIDTH_START
    iterates: list[np.ndarray] = []
    for _ in range(max_epochs):
        decrease, t, direction = steps.step(theta, u, width)
        theta = theta + t * direction
        iterates.append(theta)
        u = targets - Z @ theta
        inside = (u > 0) & (u < width)
        k = int(inside.sum())
        if k <= p and (k > 0 or reg[-1] > 0):
            polished = kkt_point(Z, penalty, inside, u >= width, targets)
            if polished is not None:
                iterates.append(polished[0])
                return NewtonRun(polished[0], iterates, True, polished[1])
        if stop_gap > 0:  # early stop: the slopes of this smoothing as a dual point
            slopes = loss.slopes_curvatures(u, width)[0]
            primal, gap = duality_gap(Z, reg, targets, theta, slopes, u)
            if gap <= stop_gap * max(primal, 1e-300):
                return NewtonRun(theta, iterates, True, slopes)
        # This width is solved after a full Newton step, or once the decrement is tiny next to
        # the objective (evaluated only where that decides what happens next). At the smallest
        # width only the decrement decides: a full step there can still leave the gradient far
        # from 0 when many samples sit on the band.
        solved = abs(t - 1) <= 1e-9 and width > _WIDTH_MIN
        if not solved and (width <= _WIDTH_MIN or abs(t - 1) > NEARLY_FULL):
            solved = decrease <= tol * steps.objective(theta, u)
        if width <= _WIDTH_MIN and solved:  # the smallest width is solved: gap below width / 2
            return NewtonRun(theta, iterates, True, loss.slopes_curvatures(u, width)[0])
        if width > _WIDTH_MIN and (solved or abs(t - 1) <= NEARLY_FULL):
            width = max(width * _WIDTH_SHRINK, _WIDTH_MIN)
    return NewtonRun(theta, iterates, False, loss.slopes_curvatures(u, width)[0])


def kkt_point(
    Z: np.ndarray, penalty: np.ndarray, inside: np.ndarray, beyond: np.ndarray,
    targets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    r"""The exact hinge optimum if the smoothed iterate has found which samples sit on the band.

    Guess from the current iterate: :math:`E` = ``inside`` the Huber band (on the margin at the
    optimum, dual weight :math:`\alpha_i \in [0, 1]`), :math:`L` = ``beyond`` it (violators,
    :math:`\alpha_i = 1`), the rest :math:`\alpha_i = 0`. The optimality conditions are then
    linear in :math:`(\theta, \alpha_E)`:

    .. math::
        R\theta = \tfrac1n\textstyle\sum_{i \in L} z_i + \tfrac1n Z_E^\top \alpha_E,
        \qquad Z_E\,\theta = t_E,

    where ``penalty`` :math:`= R = \operatorname{diag}(\lambda, ..., \lambda, \lambda_b)` (the
    last row reads :math:`\sum_i \alpha_i y_i = 0` when the bias is free). The solution is
    accepted only if it certifies itself: :math:`0 \le \alpha_E \le 1`, :math:`u \ge 0` on
    :math:`L` and :math:`u \le 0` elsewhere. Then it *is* the optimum, exact up to rounding, and
    ``(theta, alpha)`` is returned with the dual weights of every sample; otherwise None.
    """
    n, p = Z.shape
    index = np.flatnonzero(inside)
    k = len(index)
    Z_in = Z[index]
    system = np.block([[penalty, Z_in.T / -n], [Z_in, np.zeros((k, k))]])
    rhs = np.concatenate([Z.T @ beyond / n, targets[index]])
    try:
        solution = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(solution).all():
        return None
    weights = solution[p:]
    if ((weights < -_KKT_TOL) | (weights > 1 + _KKT_TOL)).any():
        return None
    theta = solution[:p]
    u = targets - Z @ theta
    # u >= -tol on L, u <= tol on the rest (not in E): the largest of -u on L and u on the
    # rest must be <= tol.
    excess = np.where(beyond, -u, u)
    excess[index] = -math.inf
    if excess.max(initial=-math.inf) > _KKT_TOL:
        return None
    alpha = beyond.astype(np.float64)
    alpha[index] = np.clip(weights, 0.0, 1.0)
    return theta, alpha


def duality_gap(
    Z: np.ndarray,
    reg: np.ndarray,
    targets: np.ndarray,
    theta: np.ndarray,
    alpha: np.ndarray,
    u: np.ndarray | None = None,
) -> tuple[float, float]:
    r"""``(primal, gap)``: the hinge objective at ``theta`` and its duality gap for ``alpha``.

    Primal :math:`P(\theta) = \frac1n\sum_i [t_i - z_i^\top\theta]_+ + \frac12 \theta^\top R
    \theta`; for any :math:`\alpha \in [0, 1]^n` with :math:`\sum_i \alpha_i z_{ij} = 0` on the
    coordinates :math:`j` that :math:`R` leaves unpenalised (the free bias), weak duality gives
    :math:`P(\theta) - P^* \le P(\theta) - D(\alpha)` with

    .. math::
        D(\alpha) = \frac1n\sum_i \alpha_i t_i - \frac12 \sum_{j: R_j > 0} \frac{v_j^2}{R_j},
        \qquad v = \frac1n Z^\top \alpha .

    ``alpha`` is first made feasible: where the bias is free, the larger of
    :math:`\sum_{z_{ib} > 0} \alpha_i` and :math:`\sum_{z_{ib} < 0} \alpha_i` is scaled down to the
    smaller (that keeps every :math:`\alpha_i` in :math:`[0, 1]`). ``u``: :math:`t - Z\theta` if
    already at hand.
    """
    n = Z.shape[0]
    alpha = np.clip(alpha, 0.0, 1.0)
    if reg[-1] == 0.0:
        side = Z[:, -1]  # the labels y_i: +1 or -1
        total = float(alpha.sum())
        positive = 0.5 * (total + float(alpha @ side))
        negative = total - positive
        if positive > negative:
            alpha = alpha * np.where(side > 0, negative / positive, 1.0)
        elif negative > positive:
            alpha = alpha * np.where(side > 0, 1.0, positive / negative)
    v = Z.T @ alpha / n
    penalised = reg > 0
    spent = float((np.square(v[penalised]) / reg[penalised]).sum())
    dual = float(alpha @ targets) / n - 0.5 * spent
    if u is None:
        u = targets - Z @ theta
    primal = float(np.maximum(u, 0.0).mean()) + 0.5 * float((theta * reg) @ theta)
    return primal, primal - dual


def balanced_dual_weights(
    Z: np.ndarray, reg: np.ndarray, targets: np.ndarray, theta: np.ndarray, alpha: np.ndarray,
    rounds: int,
) -> Iterator[np.ndarray]:
    r"""Dual weights for ``theta`` that satisfy its stationarity ever more nearly: one per round.

    At the optimum :math:`R\theta = \frac1n Z^\top\alpha` (the bias row: :math:`\sum_i \alpha_i
    y_i = 0` when the bias is free), with :math:`\alpha_i = 1` for a violator (:math:`u_i > 0`),
    0 for a sample past the margin (:math:`u_i < 0`) and :math:`\alpha_i \in [0, 1]` on it.
    Starting from ``alpha`` (the slopes of the last smoothing, which on a band crowded with
    samples are the ratio of two rounding errors), each round gives the weights of the samples on
    the band the least-norm correction that removes the residual, clipped to :math:`[0, 1]`
    (alternating projections). Any result is a valid dual point; a better one only makes the
    duality gap, and so the certificate, tighter.
    """
    n = Z.shape[0]
    u = targets - Z @ theta
    band = np.abs(u) <= 1e-6
    alpha = np.where(u > 1e-6, 1.0, np.where(u < -1e-6, 0.0, np.clip(alpha, 0.0, 1.0)))
    if not band.any():
        yield alpha
        return
    Z_band = Z[band]
    gram = Z_band.T @ Z_band
    gram += 1e-12 * float(np.diag(gram).max()) * np.eye(len(gram))
    target = n * reg * theta
    for _ in range(rounds):
        residual = target - Z.T @ alpha
        try:
            step = np.linalg.solve(gram, residual)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(gram, residual, rcond=None)[0]
        alpha = alpha.copy()
        alpha[band] = np.clip(alpha[band] + Z_band @ step, 0.0, 1.0)
        yield alpha


def certify(
    problem: BinaryProblem, run: NewtonRun, stop_gap: float
) -> tuple[np.ndarray, bool, np.ndarray]:
    """The hinge's answer, whether its duality gap certifies it (at most ``GAP_TOL``, or
    ``stop_gap`` if larger, times the objective), and the dual weights that certify it. An
    answer worse than :math:`w = 0, b = 0` (or nan) is never returned: :math:`w = 0, b = 0`
    is, uncertified."""
    Z, reg, targets = problem.Z, problem.reg, problem.targets
    alpha = run.alpha
    primal, gap = duality_gap(Z, reg, targets, run.theta, alpha)
    certified = max(GAP_TOL, stop_gap)
    if gap > certified * max(primal, 1e-300):  # a band crowded with samples: balance
        balanced = balanced_dual_weights(Z, reg, targets, run.theta, run.alpha, _BALANCE_ROUNDS)
        for round_, candidate in enumerate(balanced, start=1):
            if round_ % 25 == 0 or round_ == 1:
                primal, gap = duality_gap(Z, reg, targets, run.theta, candidate)
                alpha = candidate
                if gap <= certified * max(primal, 1e-300):
                    break
    start = float(np.maximum(targets, 0.0).mean())  # the objective at w = 0, b = 0
    if not primal <= start:
        return np.zeros_like(run.theta), False, np.zeros_like(alpha)
    return run.theta, gap <= certified * max(primal, 1e-300), np.clip(alpha, 0.0, 1.0)


def iterate_rows(
    problem: BinaryProblem, loss: BinaryNewtonLoss, thetas: np.ndarray
) -> np.ndarray:
    """History rows ``[objective, n_correct, n_violators, n_pushing]`` of the iterates
    ``thetas (E, p)`` (solver coordinates), all at once from one ``(E, N)`` matrix of ``u``."""
    u = problem.targets - thetas @ problem.Z.T
    objective = loss.mean(u) + 0.5 * ((thetas * problem.reg) * thetas).sum(1)
    return margin_rows(objective, u, problem.targets, loss)


def margin_rows(
    objective: np.ndarray, u: np.ndarray, targets: np.ndarray, loss: LossStats
) -> np.ndarray:
    """Rows ``[objective, n_correct, n_violators, n_pushing]`` from ``u = t - m`` (one row per
    row of ``u``): correct where :math:`m > 0`, violators beyond the library's tolerance."""
    correct = (u < targets).sum(-1)
    violators = (u > PUSH_TOL).sum(-1)
    return np.stack([objective, correct, violators, loss.pushing(u)], axis=-1).astype(np.float64)


@dataclass(frozen=True)
class Solution:
    r"""What :func:`solve` returns.

    Attributes:
        theta: :math:`(w, b)` in the original coordinates.
        rows: the history rows of every iterate, ``(epochs, 4)``.
        converged: the optimality test held (the hinge: certified by the duality gap).
        dual_weights: :math:`a_i = -\ell'(m_i)` at the answer, so that :math:`w = rac{1}{N\lambda}
            \sum_i a_i y_i x_i` (the hinge: the dual solution :math:`lpha_i \in [0, 1]`, 0
            beyond the margin, 1 inside it).
    """

    theta: np.ndarray
    rows: np.ndarray
    converged: bool
    dual_weights: np.ndarray


def solve(
    problem: BinaryProblem,
    loss: BinaryNewtonLoss,
    max_epochs: int,
    tol: float,
    stop_gap: float,
) -> Solution:
    """Minimise, certify (hinge) and map back to the original coordinates."""
    if loss.kinked:
        run = hinge_newton(problem, loss, max_epochs, tol, stop_gap)
        theta, converged, dual = certify(problem, run, stop_gap)
    else:
        run = smooth_newton(problem, loss, max_epochs, tol)
        theta, converged = run.theta, run.converged
        dual = loss.slopes_curvatures(problem.targets - problem.Z @ theta, math.inf)[0]
    if run.iterates:
        rows = iterate_rows(problem, loss, np.stack(run.iterates))
    else:
        rows = np.zeros((0, 4))
    return Solution(problem.original(theta), rows, converged, dual)
