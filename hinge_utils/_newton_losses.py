r"""What the exact Newton solvers need to know of each loss: one small object per loss.

The loss registry (:mod:`hinge_utils.losses`) gives each loss a trainer can minimise exactly its
object here, as ``LOSS.newton``; the solvers (:mod:`hinge_utils.training._binary_newton`,
:mod:`hinge_utils.training._multiclass_newton`) only ever call these methods, never test a name.

**Binary losses** act on :math:`u = t - m`, the shortfall of the margin :math:`m = y f(x)` below
its target :math:`t` (1 for the SVM; the ramp's CCCP rounds also use -1). The arrays are NumPy
float64: the binary solver runs on a handful of parameters, where the per-call overhead of torch
would cost more than the arithmetic. Each object gives

* ``mean(u)``: the loss averaged over the last axis (the samples);
* ``pushing(u)``: how many samples have a non-zero slope, counted with the library's tolerance
  (:func:`hinge_utils.margins.margin_position`: a sample on the margin sits at the kink, where the
  library's subgradient is 0);
* ``slopes_curvatures(u, width)``: :math:`a = -\partial \ell / \partial m \ge 0` and
  :math:`c = \partial^2 \ell / \partial m^2 \ge 0` of each sample's loss (of its Huber smoothing
  of width ``width`` for the hinge);
* ``line_search(...)``: the step along a Newton direction (exact for the piecewise quadratics);
* ``kinked``: True for the hinge, whose kink needs smoothing and an optimality certificate.

**Multi-class losses** act on the scores ``(N, K)`` (torch float64): ``derivatives`` gives each
sample's gradient and Hessian in its scores, ``smoothed_mean`` the smoothed loss, ``widths`` the
smoothing levels, ``line_search`` the step and ``pushing`` how many samples have a non-zero
(sub)gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from hinge_utils._line_search import exact_step
from hinge_utils.margins import margin_tolerance

if TYPE_CHECKING:  # only for annotations: the solver passes itself in
    from hinge_utils.training._multiclass_newton import MulticlassNewton

#: A sample with :math:`u > ` this is inside the band (beyond the tolerance) and pushes.
PUSH_TOL = margin_tolerance(1.0)


# ---------------------------------------------------------------------------------------------
# Binary: functions of u = t - m, in NumPy float64
# ---------------------------------------------------------------------------------------------


class LossStats(Protocol):
    """What a history row needs of a binary loss: its mean and how many samples push."""

    def mean(self, u: np.ndarray) -> np.ndarray: ...
    def pushing(self, u: np.ndarray) -> np.ndarray: ...


class BinaryNewtonLoss(LossStats, Protocol):
    """The interface of a binary loss for :mod:`hinge_utils.training._binary_newton`."""

    kinked: bool

    def slopes_curvatures(self, u: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]: ...
    def line_search(self, line: LineData, width: float) -> float: ...


class LineData:
    r"""One Newton direction as the line search sees it.

    Attributes:
        theta, direction: the point and the direction, shape ``(p,)``.
        u, z: :math:`u_i` at the point and their speeds (:math:`u_i(t) = u_i - t z_i`).
        reg: the penalty's diagonal :math:`R`, shape ``(p,)``.
        slope0: :math:`\varphi'(0) = \nabla J^\top d < 0`; curvature0: :math:`d^\top R d`.
    """

    __slots__ = ("curvature0", "direction", "reg", "slope0", "theta", "u", "z")

    def __init__(
        self,
        theta: np.ndarray,
        direction: np.ndarray,
        u: np.ndarray,
        z: np.ndarray,
        reg: np.ndarray,
        slope0: float,
        curvature0: float,
    ) -> None:
        self.theta, self.direction, self.u, self.z = theta, direction, u, z
        self.reg, self.slope0, self.curvature0 = reg, slope0, curvature0


class HingeNewton:
    r"""The hinge :math:`[u]_+`, Huber-smoothed over :math:`[0, h]` for Newton's method.

    Smoothed: :math:`u^2 / 2h` on :math:`[0, h]`, :math:`u - h/2` above, so
    :math:`a = \operatorname{clip}(u / h, 0, 1)` and :math:`c = 1/h` on the band, else 0.
    """

    kinked = True

    def mean(self, u: np.ndarray) -> np.ndarray:
        return np.maximum(u, 0.0).mean(-1)

    def pushing(self, u: np.ndarray) -> np.ndarray:
        return (u > PUSH_TOL).sum(-1)

    def slopes_curvatures(self, u: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
        band = (u >= 0) & (u <= width)
        return np.clip(u / width, 0.0, 1.0), band * (1.0 / width)

    def line_search(self, line: LineData, width: float) -> float:
        n = len(line.u)
        return exact_step(line.u, line.z, 1.0 / width, width, line.slope0, line.curvature0, n)


class SquaredHingeNewton:
    r"""The squared hinge :math:`[u]_+^2`: :math:`a = 2[u]_+`, :math:`c = 2\cdot\mathbb 1[u \ge 0]`
    (piecewise quadratic: the exact line search applies as it is)."""

    kinked = False

    def mean(self, u: np.ndarray) -> np.ndarray:
        return np.square(np.maximum(u, 0.0)).mean(-1)

    def pushing(self, u: np.ndarray) -> np.ndarray:
        return (u > PUSH_TOL).sum(-1)

    def slopes_curvatures(self, u: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
        return 2.0 * np.maximum(u, 0.0), 2.0 * (u >= 0)

    def line_search(self, line: LineData, width: float) -> float:
        n = len(line.u)
        return exact_step(line.u, line.z, 2.0, math.inf, line.slope0, line.curvature0, n)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """:math:`1 / (1 + e^{-x})` without overflow."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class LogisticNewton:
    r"""The logistic loss in nats, :math:`\log(1 + e^{-m}) = \operatorname{softplus}(u - 1)`:
    :math:`a = \sigma(u - 1)`, :math:`c = a (1 - a)`; smooth, so a backtracking search does."""

    kinked = False

    def mean(self, u: np.ndarray) -> np.ndarray:
        return np.logaddexp(0.0, u - 1.0).mean(-1)

    def pushing(self, u: np.ndarray) -> np.ndarray:
        return (_sigmoid(u - 1.0) > 0).sum(-1)

    def slopes_curvatures(self, u: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
        slope = _sigmoid(u - 1.0)
        return slope, slope * (1.0 - slope)

    def line_search(self, line: LineData, width: float) -> float:
        """Armijo backtracking from t = 1 (smooth: no kinks to find)."""

        def objective(t: float) -> float:
            point = line.theta + t * line.direction
            return 0.5 * float((point * line.reg) @ point) + float(self.mean(line.u - t * line.z))

        start = objective(0.0)
        t = 1.0
        for _ in range(60):
            if objective(t) <= start + 1e-4 * t * line.slope0:
                break
            t *= 0.5
        return t


class RampStats:
    r"""The ramp :math:`\min(1, [u]_+)` (CCCP, not Newton, minimises it): value and counts.

    It pushes only where it has a slope, :math:`0 < m < 1`, i.e. :math:`0 < u < 1`."""

    def mean(self, u: np.ndarray) -> np.ndarray:
        return np.clip(u, 0.0, 1.0).mean(-1)

    def pushing(self, u: np.ndarray) -> np.ndarray:
        return ((u > PUSH_TOL) & (u < 1.0)).sum(-1)


# ---------------------------------------------------------------------------------------------
# Multi-class: functions of the scores (N, K), in torch float64
# ---------------------------------------------------------------------------------------------

def _geometric(first: float, ratio: float, last: float) -> tuple[float, ...]:
    """``first, first * ratio, ...`` down to ``last`` (included, as the final level)."""
    widths = [first]
    while widths[-1] * ratio > last * (1 + 1e-9):
        widths.append(widths[-1] * ratio)
    return (*widths, last)


def _dense_hessian(H: Tensor, X1: Tensor, outer: Tensor) -> Tensor:
    r""":math:`\sum_i H_i \otimes \tilde x_i \tilde x_i^\top` for per-sample ``H (N, K, K)``, as one
    matrix product with ``outer`` (the flattened :math:`\tilde x_i \tilde x_i^\top`, ``(N, p^2)``);
    samples whose curvature is :math:`10^{-14}` of the largest or less are left out (with a narrow
    log-sum-exp most are :math:`e^{-1/h}`-small, which cannot move a Newton step)."""
    n, K, _ = H.shape
    p = X1.shape[1]
    H = H.reshape(n, K * K)
    size = H.abs().amax(dim=1)
    curved = size > 1e-14 * float(size.max())
    blocks = H[curved].T @ outer[curved]
    return blocks.reshape(K, K, p, p).permute(0, 2, 1, 3).reshape(K * p, K * p)


#: The smoothing levels of the multi-class hinges run from 1 down to a width far below the
#: library's tolerance for "on the margin" (1e-4), so that the samples the smoothing leaves a
#: width short of the margin are counted on it, on every machine.
LAST_WIDTH = 1e-5


def _hinge_pushing(scores: Tensor, y: Tensor) -> Tensor:
    """How many samples a multi-class hinge pushes: margin :math:`s_c - \\max_{k \ne c} s_k`
    below 1 beyond the library's tolerance (on the margin, the subgradient is 0)."""
    rivals = scores.scatter(1, y.unsqueeze(1), -math.inf).amax(1)
    margins = scores.gather(1, y.unsqueeze(1)).squeeze(1) - rivals
    return (margins < 1 - PUSH_TOL).sum()


def _rival_gaps(scores: Tensor, y: Tensor) -> Tensor:
    r""":math:`\delta_k = s_k - s_c + 1` for :math:`k \ne c`, and :math:`\delta_c = 0`."""
    index = y.unsqueeze(1)
    return (scores - scores.gather(1, index) + 1.0).scatter(1, index, 0.0)


def _softmax_hessian(q: Tensor, scale: float) -> Tensor:
    """``(diag q - q q^T) * scale`` for every row of ``q``: ``(N, K, K)``."""
    return (torch.diag_embed(q) - q.unsqueeze(2) * q.unsqueeze(1)) * scale


def _softmax_line_search(
    solver: MulticlassNewton,
    theta: Tensor,
    direction: Tensor,
    slope0: float,
    shift: Callable[[Tensor], Tensor],
    scale: float,
) -> float:
    r"""The minimiser :math:`t > 0` of :math:`\varphi(t) = J(\theta + t d)` for a smooth loss
    whose per-sample part is a log-sum-exp of ``shift(scores) * scale``.

    Along the line the scores move as :math:`S + tA`; with :math:`q` the softmax of the
    (shifted) scores and :math:`a` their speed, :math:`\varphi' = \frac1N\sum_i q_i^\top
    a_i + t\, d^\top R d + \theta^\top R d` and :math:`\varphi'' = \frac{\text{scale}}{N}\sum_i
    (q_i^\top a_i^2 - (q_i^\top a_i)^2) + d^\top R d`. A bracket with
    :math:`\varphi'(lo) < 0 \le \varphi'(hi)` grows from :math:`t = 1`; Newton steps on
    :math:`\varphi'` that leave it are replaced by bisection.
    """
    index = solver.y.unsqueeze(1)
    scores = solver.X1 @ theta.T
    along = solver.X1 @ direction.T
    # Relative to the true class: the loss's slope along the line is then q^T a alone.
    scores = shift(scores - scores.gather(1, index))
    along = along - along.gather(1, index)
    penalty_slope = float((solver.reg * theta * direction).sum())
    penalty_curvature = float((solver.reg * direction.square()).sum())

    def derivatives(t: float) -> tuple[float, float]:
        q = torch.softmax((scores + t * along) * scale, dim=1)
        mean_speed = (q * along).sum(1)
        spread = (q * along.square()).sum(1) - mean_speed.square()
        slope = float(mean_speed.mean()) + penalty_slope + t * penalty_curvature
        return slope, scale * float(spread.mean()) + penalty_curvature

    lo, hi = 0.0, 1.0
    slope, curvature = derivatives(hi)
    for _ in range(40):
        if slope >= 0:
            break
        lo, hi = hi, 4.0 * hi
        slope, curvature = derivatives(hi)
    t = hi
    for _ in range(60):
        if abs(slope) <= 1e-12 * abs(slope0) or hi - lo <= 1e-15 * hi:
            break
        if slope < 0:
            lo = t
        else:
            hi = t
        guess = t - slope / curvature if curvature > 0 else math.nan
        t = guess if lo < guess < hi else 0.5 * (lo + hi)
        slope, curvature = derivatives(t)
    return t


class WestonWatkinsNewton:
    r"""Weston-Watkins with every :math:`[\delta_k]_+` Huber-smoothed over :math:`[0, h]`.

    With :math:`a_k = \operatorname{clip}(\delta_k / h, 0, 1)` and :math:`\kappa_k = 1/h` on
    :math:`0 < \delta_k < h`, else 0: :math:`g = a - (\sum_k a_k) e_c`,
    :math:`H = \sum_{k \ne c} \kappa_k (e_k - e_c)(e_k - e_c)^\top`. The smoothed loss is at most
    :math:`(K - 1) h / 2` below the true one.
    """

    #: Halving the width from level to level: each warm start is then close to the next
    #: minimiser, where a Newton step on the narrow Huber band is trustworthy.
    widths = _geometric(1.0, 0.5, LAST_WIDTH)

    def pushing(self, scores: Tensor, y: Tensor) -> Tensor:
        return _hinge_pushing(scores, y)

    def smoothed_mean(self, scores: Tensor, y: Tensor, width: float) -> Tensor:
        positive = _rival_gaps(scores, y).clamp(min=0)
        huber = torch.where(positive < width, positive.square() / (2 * width), positive - width / 2)
        return huber.scatter(1, y.unsqueeze(1), 0.0).sum(1).mean()

    def derivatives(self, scores: Tensor, y: Tensor, width: float) -> tuple[Tensor, Tensor]:
        index = y.unsqueeze(1)
        onehot = torch.zeros_like(scores).scatter_(1, index, 1.0)
        delta = _rival_gaps(scores, y)
        slope = (delta / width).clamp(0.0, 1.0)
        curvature = ((delta > 0) & (delta < width)).to(scores.dtype) / width
        grad = slope - onehot * slope.sum(1, keepdim=True)
        hess = torch.diag_embed(curvature)
        cross = -curvature.unsqueeze(2) * onehot.unsqueeze(1)  # H[k, c] = -kappa_k
        hess = hess + cross + cross.transpose(1, 2)
        hess = hess + curvature.sum(1)[:, None, None] * onehot.unsqueeze(2) * onehot.unsqueeze(1)
        return grad, hess

    def gradient_hessian(
        self, X1: Tensor, outer: Tensor, scores: Tensor, y: Tensor, width: float
    ) -> tuple[Tensor, Tensor]:
        r"""The data term's gradient ``(N, K)`` in the scores and its Hessian in the parameters,
        :math:`\sum_i H_i \otimes \tilde x_i \tilde x_i^\top`, ``(K p, K p)``, from the sparsity
        of :math:`H_i`: its diagonal (:math:`\kappa_k`, and :math:`\sum_k \kappa_k` at the true
        class) and the row and column of the true class (:math:`-\kappa_k`). The diagonal blocks
        take one batched product over all samples, the off-diagonal blocks one per true class
        over its samples: :math:`2 N K p^2` operations instead of :math:`N K^2 p^2`."""
        index = y.unsqueeze(1)
        onehot = torch.zeros_like(scores).scatter_(1, index, 1.0)
        delta = _rival_gaps(scores, y)
        slope = (delta / width).clamp(0.0, 1.0)
        kappa = ((delta > 0) & (delta < width)).to(scores.dtype) / width
        grad = slope - onehot * slope.sum(1, keepdim=True)
        K, p = scores.shape[1], X1.shape[1]
        curved = kappa.sum(1) > 0
        Xc, kc, yc, hot = X1[curved], kappa[curved], y[curved], onehot[curved]
        blocks = X1.new_zeros(K, K, p, p)
        diagonal = kc + hot * kc.sum(1, keepdim=True)  # H[k, k]
        weighted = diagonal.T.unsqueeze(2) * Xc.unsqueeze(0)  # (K, n, p)
        blocks[range(K), range(K)] = weighted.transpose(1, 2) @ Xc
        for c in range(K):  # H[k, c] = H[c, k] = -kappa_k for the samples of class c
            mine = yc == c
            if not bool(mine.any()):
                continue
            Xs = Xc[mine]
            cross = -(kc[mine].T.unsqueeze(2) * Xs.unsqueeze(0)).transpose(1, 2) @ Xs
            cross[c] = 0.0
            blocks[:, c] += cross
            blocks[c, :] += cross
        return grad, blocks.permute(0, 2, 1, 3).reshape(K * p, K * p)

    def line_search(
        self, solver: MulticlassNewton, theta: Tensor, direction: Tensor, slope0: float,
        width: float,
    ) -> float:
        r"""Exact: along the direction each term :math:`\delta_{ik}` moves linearly, so the
        objective is piecewise quadratic in the step, with the breakpoints of all
        :math:`N (K - 1)` terms."""
        index = solver.y.unsqueeze(1)
        delta = _rival_gaps(solver.X1 @ theta.T, solver.y)
        along = solver.X1 @ direction.T
        speed = (along - along.gather(1, index)).scatter(1, index, 0.0)  # 0: never moves
        curvature0 = float((solver.reg * direction.square()).sum())
        return exact_step(delta.reshape(-1).cpu().numpy(), speed.neg().reshape(-1).cpu().numpy(),
                          1.0 / width, width, slope0, curvature0, solver.n)


class _DenseHessian:
    """The Hessian in the parameters from dense per-sample Hessians in the scores."""

    def derivatives(self, scores: Tensor, y: Tensor, width: float) -> tuple[Tensor, Tensor]:
        raise NotImplementedError

    def gradient_hessian(
        self, X1: Tensor, outer: Tensor, scores: Tensor, y: Tensor, width: float
    ) -> tuple[Tensor, Tensor]:
        """The data term's gradient in the scores and its Hessian in the parameters (dense)."""
        grad, H = self.derivatives(scores, y, width)
        return grad, _dense_hessian(H, X1, outer)


class CrammerSingerNewton(_DenseHessian):
    r"""Crammer-Singer with :math:`\max_k \delta_k` replaced by :math:`h \log\sum_k e^{\delta_k/h}`
    (at most :math:`h \log K` above it). With :math:`q = \operatorname{softmax}(\delta / h)`:
    :math:`g = q - e_c`, :math:`H = (\operatorname{diag} q - q q^\top) / h`.

    Its last level is ten times narrower than Weston-Watkins' (:math:`10^{-6}`): the log-sum-exp
    spreads the samples on the margin over about :math:`9h`, and they must end well inside the
    tolerance, 1e-4.
    """

    widths = _geometric(1.0, 0.3, LAST_WIDTH / 10)

    def pushing(self, scores: Tensor, y: Tensor) -> Tensor:
        return _hinge_pushing(scores, y)

    def smoothed_mean(self, scores: Tensor, y: Tensor, width: float) -> Tensor:
        return (width * torch.logsumexp(_rival_gaps(scores, y) / width, dim=1)).mean()

    def derivatives(self, scores: Tensor, y: Tensor, width: float) -> tuple[Tensor, Tensor]:
        onehot = torch.zeros_like(scores).scatter_(1, y.unsqueeze(1), 1.0)
        q = torch.softmax(_rival_gaps(scores, y) / width, dim=1)
        return q - onehot, _softmax_hessian(q, 1.0 / width)

    def line_search(
        self, solver: MulticlassNewton, theta: Tensor, direction: Tensor, slope0: float,
        width: float,
    ) -> float:
        index = solver.y.unsqueeze(1)

        def shift(relative: Tensor) -> Tensor:  # delta, with delta_c = 0
            return (relative + 1.0).scatter(1, index, 0.0)

        return _softmax_line_search(solver, theta, direction, slope0, shift, 1.0 / width)


class CrossEntropyNewton(_DenseHessian):
    r"""Softmax cross-entropy (smooth, no smoothing levels). With
    :math:`p = \operatorname{softmax}(s)`: :math:`g = p - e_c`, :math:`H = \operatorname{diag} p
    - p p^\top`."""

    widths = (math.inf,)

    def pushing(self, scores: Tensor, y: Tensor) -> Tensor:
        """Every sample whose true-class probability is below 1 (all, in practice)."""
        return (torch.log_softmax(scores, dim=1).gather(1, y.unsqueeze(1)) < 0).sum()

    def smoothed_mean(self, scores: Tensor, y: Tensor, width: float) -> Tensor:
        return F.cross_entropy(scores, y)

    def derivatives(self, scores: Tensor, y: Tensor, width: float) -> tuple[Tensor, Tensor]:
        onehot = torch.zeros_like(scores).scatter_(1, y.unsqueeze(1), 1.0)
        p = torch.softmax(scores, dim=1)
        return p - onehot, _softmax_hessian(p, 1.0)

    def line_search(
        self, solver: MulticlassNewton, theta: Tensor, direction: Tensor, slope0: float,
        width: float,
    ) -> float:
        return _softmax_line_search(solver, theta, direction, slope0, lambda s: s, 1.0)


#: The multi-class losses' objects (the solver's argument type).
MulticlassNewtonLoss = WestonWatkinsNewton | CrammerSingerNewton | CrossEntropyNewton
