r"""Newton's method for the multi-class objectives, in float64 (the engine of
:func:`hinge_utils.training.train_linear_multiclass`). What each loss contributes (per-sample
derivatives in the scores, the smoothed loss, the smoothing levels, the line search) comes from
its object in :mod:`hinge_utils._newton_losses`.

The parameters :math:`\Theta = [W, b]` of shape :math:`(K, D + 1)` act on the data through the
scores :math:`S = \tilde X \Theta^\top` (:math:`\tilde X = [X, 1]`), so the objective

.. math::
    J(\Theta) = \frac1N \sum_i \ell_h(S_i, c_i) + \frac\lambda2 \lVert W \rVert_F^2
                \;\Bigl[+ \frac\lambda2 \lVert b \rVert^2\Bigr]

has gradient :math:`\frac1N G^\top \tilde X + R\Theta` and Hessian
:math:`\frac1N \sum_i H_i \otimes \tilde x_i \tilde x_i^\top + R`, where :math:`G_i` and
:math:`H_i` are the first and second derivatives of one sample's loss in its :math:`K` scores
(closed forms in :mod:`hinge_utils._newton_losses`, tested against autograd of the losses
themselves). The Hessian is one matrix product, :math:`(K^2 \times N)(N \times (D+1)^2)`: a few
tens of milliseconds for the
64-pixel digits.

Why Newton and not L-BFGS: a result has to be *the* minimiser of the (smoothed) objective, not
wherever a budget of iterations ended. L-BFGS stopped by a budget ends at a point that depends on
the rounding of every step, so two CPUs print different accuracies; Newton converges
quadratically to the unique minimiser, and every machine ends at the same point up to rounding.
"""

from __future__ import annotations

import torch
from torch import Tensor

from hinge_utils._newton_losses import MulticlassNewtonLoss

#: Relative Newton decrement at which a smoothing level is solved (about 2 (J - J*) / J) ...
LEVEL_TOL = 1e-4
#: ... or a step within 10% of the full Newton step: the level is nearly solved, move on
#: (the binary solver's rule too).
NEARLY_FULL = 0.1

class MulticlassNewton:
    """Newton's method with an exact line search on the smoothed multi-class objective, in float64.

    Args:
        X: samples ``(N, D)``; y: class indices ``(N,)``, int64; num_classes: ``K``.
        loss: the loss's solver object (``MULTICLASS[name].newton`` of the registry).
        lam: :math:`\\lambda > 0`; regularize_bias: also penalise :math:`b`.
    """

    def __init__(
        self,
        X: Tensor,
        y: Tensor,
        num_classes: int,
        loss: MulticlassNewtonLoss,
        lam: float,
        regularize_bias: bool,
    ) -> None:
        work = torch.float64
        n, dim = X.shape
        self.n, self.K, self.p = n, num_classes, dim + 1
        self.X1 = torch.cat([X.to(work), X.new_ones(n, 1, dtype=work)], dim=1)  # (N, D + 1)
        self.y, self.loss, self.lam = y, loss, lam
        self.free_bias = not regularize_bias
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
        data = self.loss.smoothed_mean(scores, self.y, width)
        return float(data + 0.5 * (self.reg * theta.square()).sum())

    def _derivatives(self, theta: Tensor, width: float) -> tuple[Tensor, Tensor]:
        """Gradient ``(K, D + 1)`` and Hessian ``(K (D + 1), K (D + 1))`` of the objective."""
        G, H = self.loss.gradient_hessian(self.X1, self.outer, self.X1 @ theta.T, self.y, width)
        grad = G.T @ self.X1 / self.n + self.reg * theta
        return grad, H / self.n + self.ridge

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
        if self.free_bias:
            # Adding one constant to every b_k changes no score: the objective is flat along it,
            # and the ridge that keeps the system solvable would turn rounding noise in the
            # gradient into steps along it (a different bias on every machine). Keep the biases
            # on the one canonical representative, sum_k b_k = 0 (the start has it).
            direction[:, -1] -= direction[:, -1].mean()
        decrement = -float((grad * direction).sum())
        if not decrement > 0:  # the gradient vanishes to rounding: this is the minimiser
            return theta, 0.0, 0.0
        t = self.loss.line_search(self, theta, direction, -decrement, width)
        return theta + t * direction, decrement, t
