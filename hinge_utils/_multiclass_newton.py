r"""Newton's method for the multi-class objectives, in float64 (the engine of
:func:`hinge_utils.training.train_linear_multiclass`).

The parameters :math:`\Theta = [W, b]` of shape :math:`(K, D + 1)` act on the data through the
scores :math:`S = \tilde X \Theta^\top` (:math:`\tilde X = [X, 1]`), so the objective

.. math::
    J(\Theta) = \frac1N \sum_i \ell_h(S_i, c_i) + \frac\lambda2 \lVert W \rVert_F^2
                \;\Bigl[+ \frac\lambda2 \lVert b \rVert^2\Bigr]

has gradient :math:`\frac1N G^\top \tilde X + R\Theta` and Hessian
:math:`\frac1N \sum_i H_i \otimes \tilde x_i \tilde x_i^\top + R`, where :math:`G_i` and
:math:`H_i` are the first and second derivatives of one sample's loss in its :math:`K` scores
(closed forms in :func:`score_derivatives`, tested against autograd of the losses themselves).
The Hessian is
one matrix product, :math:`(K^2 \times N)(N \times (D+1)^2)`: a few tens of milliseconds for the
64-pixel digits.

Why Newton and not L-BFGS: a result has to be *the* minimiser of the (smoothed) objective, not
wherever a budget of iterations ended. L-BFGS stopped by a budget ends at a point that depends on
the rounding of every step, so two CPUs print different accuracies; Newton converges
quadratically to the unique minimiser, and every machine ends at the same point up to rounding.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from hinge_utils._line_search import exact_step
from hinge_utils.objectives import _smoothed_multiclass_hinge

#: Smoothing widths of the multi-class hinges: each level warm-starts the next. The last is far
#: below the library's tolerance for "on the margin" (1e-4), so that the samples the smoothing
#: leaves a width short of the margin are counted on it, on every machine.
WIDTHS = (1.0, 0.1, 0.01, 1e-3, 1e-4, 1e-5)
#: Relative Newton decrement at which a smoothing level is solved (about 2 (J - J*) / J) ...
LEVEL_TOL = 1e-6
#: ... or a step within 10% of the full Newton step: the level is nearly solved, move on
#: (the binary solver's rule too).
NEARLY_FULL = 0.1


def score_derivatives(
    scores: Tensor, y: Tensor, loss: str, width: float
) -> tuple[Tensor, Tensor]:
    r"""Per-sample gradient ``(N, K)`` and Hessian ``(N, K, K)`` of the smoothed loss in the scores.

    With :math:`\delta_k = s_k - s_c + 1` (:math:`\delta_c = 0`) and the true class :math:`c`:

    * Weston-Watkins (Huber of width :math:`h` on every :math:`\delta_k`): with
      :math:`a_k = \operatorname{clip}(\delta_k / h, 0, 1)` and :math:`\kappa_k = 1/h` on
      :math:`0 < \delta_k < h`, else 0: :math:`g = a - (\sum_k a_k) e_c`,
      :math:`H = \sum_{k \ne c} \kappa_k (e_k - e_c)(e_k - e_c)^\top`.
    * Crammer-Singer (:math:`h \log\sum_k e^{\delta_k / h}`) with :math:`q =
      \operatorname{softmax}(\delta / h)`: :math:`g = q - e_c`,
      :math:`H = (\operatorname{diag} q - q q^\top) / h` (the map from :math:`s` to
      :math:`\delta` drops out, as :math:`\mathbf 1^\top H = 0`).
    * cross-entropy, with :math:`p = \operatorname{softmax}(s)`: :math:`g = p - e_c`,
      :math:`H = \operatorname{diag} p - p p^\top`.

    The tests check all three against autograd of the losses themselves.
    """
    index = y.unsqueeze(1)
    onehot = torch.zeros_like(scores).scatter_(1, index, 1.0)
    if loss == "weston_watkins":
        delta = (scores - scores.gather(1, index) + 1.0).scatter(1, index, 0.0)
        slope = (delta / width).clamp(0.0, 1.0)
        curvature = ((delta > 0) & (delta < width)).to(scores.dtype) / width
        grad = slope - onehot * slope.sum(1, keepdim=True)
        hess = torch.diag_embed(curvature)
        cross = -curvature.unsqueeze(2) * onehot.unsqueeze(1)  # H[k, c] = -kappa_k
        hess = hess + cross + cross.transpose(1, 2)
        hess = hess + curvature.sum(1)[:, None, None] * onehot.unsqueeze(2) * onehot.unsqueeze(1)
        return grad, hess
    if loss == "crammer_singer":
        delta = (scores - scores.gather(1, index) + 1.0).scatter(1, index, 0.0)
        q, scale = torch.softmax(delta / width, dim=1), 1.0 / width
    else:
        q, scale = torch.softmax(scores, dim=1), 1.0
    hess = (torch.diag_embed(q) - q.unsqueeze(2) * q.unsqueeze(1)) * scale
    return q - onehot, hess


def smoothed_loss(scores: Tensor, y: Tensor, loss: str, width: float) -> Tensor:
    """Mean smoothed loss over the samples (the exact loss for cross-entropy)."""
    if loss == "cross_entropy":
        return F.cross_entropy(scores, y)
    return _smoothed_multiclass_hinge(scores, y, loss, width)


class MulticlassNewton:
    """Newton's method with an exact line search on the smoothed multi-class objective, in float64.

    Args:
        X: samples ``(N, D)``; y: class indices ``(N,)``, int64; num_classes: ``K``.
        loss: ``'weston_watkins'``, ``'crammer_singer'`` or ``'cross_entropy'``.
        lam: :math:`\\lambda > 0`; regularize_bias: also penalise :math:`b`.
    """

    def __init__(
        self, X: Tensor, y: Tensor, num_classes: int, loss: str, lam: float, regularize_bias: bool
    ) -> None:
        work = torch.float64
        n, dim = X.shape
        self.n, self.K, self.p = n, num_classes, dim + 1
        self.X1 = torch.cat([X.to(work), X.new_ones(n, 1, dtype=work)], dim=1)  # (N, D + 1)
        self.y, self.loss, self.lam = y, loss, lam
        reg = torch.full((self.p,), lam, dtype=work, device=X.device)
        if not regularize_bias:
            reg[-1] = 0.0
        self.reg = reg.expand(self.K, self.p)  # the penalty's diagonal, one row per class
        # x x^T of every sample, flattened: the Hessian is one matrix product with it.
        self.outer = (self.X1.unsqueeze(2) * self.X1.unsqueeze(1)).reshape(n, -1)
        # The scores are unchanged by adding one constant to every b_k; with a free bias the
        # Hessian is singular along that direction, and a whisper of ridge keeps it solvable
        # (the gradient has no component along it, so the step has none either).
        ridge = torch.zeros(self.K, self.p, dtype=work, device=X.device)
        ridge[:, -1] = 1e-9 * lam
        self.ridge = torch.diag((self.reg + ridge).reshape(-1))

    def objective(self, theta: Tensor, width: float) -> float:
        scores = self.X1 @ theta.T
        data = smoothed_loss(scores, self.y, self.loss, width)
        return float(data + 0.5 * (self.reg * theta.square()).sum())

    def _derivatives(self, theta: Tensor, width: float) -> tuple[Tensor, Tensor]:
        """Gradient ``(K, D + 1)`` and Hessian ``(K (D + 1), K (D + 1))`` of the objective."""
        G, H = score_derivatives(self.X1 @ theta.T, self.y, self.loss, width)
        grad = G.T @ self.X1 / self.n + self.reg * theta
        K, p = self.K, self.p
        H = H.reshape(self.n, K * K)
        # Samples off every kink and band add nothing; with a narrow log-sum-exp most add
        # e^(-1/h)-small curvature, which cannot move a Newton step: leave them out too.
        size = H.abs().amax(dim=1)
        curved = size > 1e-14 * float(size.max())
        blocks = H[curved].T @ self.outer[curved] / self.n
        hess = blocks.reshape(K, K, p, p).permute(0, 2, 1, 3).reshape(K * p, K * p)
        return grad, hess + self.ridge

    def _smooth_step(self, theta: Tensor, direction: Tensor, slope0: float, width: float) -> float:
        r"""The minimiser :math:`t > 0` of :math:`\varphi(t) = J(\theta + t d)` for a smooth loss.

        Along the line the scores move as :math:`S + tA`; with :math:`q` the softmax of the
        (shifted) scores and :math:`a` their speed, :math:`\varphi' = \frac1N\sum_i q_i^\top
        a_i + t\, d^\top R d + \theta^\top R d` and :math:`\varphi'' = \frac{1}{hN}\sum_i
        (q_i^\top a_i^2 - (q_i^\top a_i)^2) + d^\top R d`. A bracket with
        :math:`\varphi'(lo) < 0 \le \varphi'(hi)` grows from :math:`t = 1`; Newton steps on
        :math:`\varphi'` that leave it are replaced by bisection.
        """
        index = self.y.unsqueeze(1)
        scores = self.X1 @ theta.T
        along = self.X1 @ direction.T
        # Relative to the true class: the loss's slope along the line is then q^T a alone.
        scores = scores - scores.gather(1, index)
        along = along - along.gather(1, index)
        if self.loss == "crammer_singer":
            scores = (scores + 1.0).scatter(1, index, 0.0)  # delta, with delta_c = 0
            scale = 1.0 / width
        else:
            scale = 1.0
        penalty_slope = float((self.reg * theta * direction).sum())
        penalty_curvature = float((self.reg * direction.square()).sum())

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

    def step(self, theta: Tensor, width: float) -> tuple[Tensor, float, float]:
        """One Newton step with an exact line search: the new point, the Newton decrement at
        the old one, and the step size taken (1 is the full Newton step)."""
        grad, hess = self._derivatives(theta, width)
        factor, info = torch.linalg.cholesky_ex(hess)
        rhs = -grad.reshape(-1, 1)
        if int(info) == 0:
            direction = torch.cholesky_solve(rhs, factor)
        else:  # not positive definite to rounding: a general solve still gives a descent step
            direction = torch.linalg.solve(hess, rhs)
        direction = direction.reshape(self.K, self.p)
        decrement = -float((grad * direction).sum())
        if not decrement > 0:  # the gradient vanishes to rounding: this is the minimiser
            return theta, 0.0, 0.0
        if self.loss == "weston_watkins":
            t = self._huber_step(theta, direction, -decrement, width)
        else:
            t = self._smooth_step(theta, direction, -decrement, width)
        return theta + t * direction, decrement, t

    def _huber_step(self, theta: Tensor, direction: Tensor, slope0: float, width: float) -> float:
        r"""The exact step for Weston-Watkins: one Huber term per sample and rival class.

        Along the direction each term :math:`\delta_{ik} = s_{ik} - s_{ic} + 1` moves linearly,
        so the objective is piecewise quadratic in the step: :func:`exact_step` finds its
        minimiser from the sorted breakpoints of all :math:`N (K - 1)` terms.
        """
        index = self.y.unsqueeze(1)
        scores = self.X1 @ theta.T
        along = self.X1 @ direction.T
        delta = (scores - scores.gather(1, index) + 1.0).scatter(1, index, 0.0)
        speed = (along - along.gather(1, index)).scatter(1, index, 0.0)  # 0: never moves
        curvature0 = float((self.reg * direction.square()).sum())
        return exact_step(delta.reshape(-1), speed.neg().reshape(-1), 1.0 / width, width,
                          slope0, curvature0, self.n)

    def widths(self) -> tuple[float, ...]:
        """The smoothing levels: none for cross-entropy; one more for Crammer-Singer, whose
        log-sum-exp spreads the samples on the margin over about 9 h (Weston-Watkins' Huber
        keeps them within h), so that they end well inside the library's tolerance, 1e-4."""
        if self.loss == "cross_entropy":
            return (math.inf,)
        return (*WIDTHS, 1e-6) if self.loss == "crammer_singer" else WIDTHS
