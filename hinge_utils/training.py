r"""Training linear classifiers: the exact SVM solution, the syllabus's SGD loop, multi-class.

Three trainers, each returning the weights and a :class:`History` with one record per epoch
(objective, training accuracy, number of margin violators, fraction of samples with a non-zero
gradient), ready to plot: ``plt.plot(result.history.objective)``.

* :func:`train_linear_svm` finds the exact minimiser of the binary objective
  :func:`hinge_utils.objectives.svm_objective` (hinge, squared hinge or logistic loss) with a
  Newton method; it agrees with scikit-learn's ``SVC`` / ``LinearSVC`` / L-BFGS to many digits.
* :func:`train_sgd` runs the syllabus's loop (``nn.Linear``, ``optim.SGD`` with weight decay,
  full batch) and records the same history, so a lesson can put the two side by side.
* :func:`train_linear_multiclass` fits ``W x + b`` with the Weston-Watkins or Crammer-Singer
  hinge, or cross-entropy (Newton, with smoothing for the hinges).

Regularisation: :math:`\lambda = 1 / (N C)` for scikit-learn's ``C``, and
:math:`\lambda` = ``weight_decay`` for ``optim.SGD`` (which also penalises the bias).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import overload

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from hinge_utils._line_search import exact_step
from hinge_utils._multiclass_newton import LEVEL_TOL, NEARLY_FULL, MulticlassNewton
from hinge_utils.functional import (
    functional_margin,
    hinge_loss,
    multiclass_margin,
    squared_hinge_loss,
)
from hinge_utils.margins import (
    INSIDE,
    _check_binary_labels,
    _check_features,
    margin_position,
    margin_tolerance,
)
from hinge_utils.objectives import (
    BINARY_LOSSES,
    MULTICLASS_LOSSES,
    _binary_data_loss,
    _check_class_labels,
    _check_flag,
    _check_lam,
    _check_loss_name,
    _multiclass_data_loss,
    _penalty,
)

__all__ = [
    "ConvergenceWarning",
    "EpochRecord",
    "History",
    "LinearMulticlassResult",
    "LinearSVMResult",
    "ramp_starts",
    "train_linear_multiclass",
    "train_linear_svm",
    "train_ramp",
    "train_sgd",
]


class ConvergenceWarning(UserWarning):
    """A trainer stopped before its optimality test held: the result is not the optimum."""


# ---------------------------------------------------------------------------------------------
# History: one record per epoch, readable by row or by column
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpochRecord:
    """What a trainer saw at the end of one epoch, for the weights it held then.

    Attributes:
        epoch: 1, 2, ... (the number of passes over the data so far).
        objective: the regularised objective (the true, unsmoothed loss).
        accuracy: fraction of training samples on the correct side (margin > 0).
        n_violators: samples with margin < 1 (binary :math:`y f(x) < 1`; multi-class
            :math:`s_c - \\max_{k \\ne c} s_k < 1`), beyond the library's tolerance
            (:func:`hinge_utils.margins.margin_position`): a sample on the margin is none.
        frac_nonzero_grad: fraction of samples that push: the violators for the hinges (a
            sample on the margin sits at the kink, where the library's subgradient is 0),
            (almost) all samples for logistic and cross-entropy.
    """

    epoch: int
    objective: float
    accuracy: float
    n_violators: int
    frac_nonzero_grad: float


_COLUMNS = tuple(f.name for f in fields(EpochRecord))


class History(Sequence[EpochRecord]):
    """The records of a training run: ``history[-1]`` is a row, ``history.objective`` a column.

    Example::

        >>> h = History([EpochRecord(1, 0.5, 0.9, 12, 0.12), EpochRecord(2, 0.4, 0.95, 8, 0.08)])
        >>> len(h), h[-1].objective, h.n_violators
        (2, 0.4, [12, 8])
        >>> h.as_dict()["accuracy"]
        [0.9, 0.95]
    """

    def __init__(self, records: Iterable[EpochRecord]) -> None:
        self._records = tuple(records)

    @overload
    def __getitem__(self, index: int) -> EpochRecord: ...
    @overload
    def __getitem__(self, index: slice) -> History: ...
    def __getitem__(self, index: int | slice) -> EpochRecord | History:
        if isinstance(index, slice):
            return History(self._records[index])
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[EpochRecord]:
        return iter(self._records)

    def __repr__(self) -> str:
        if not self._records:
            return "History(0 epochs)"
        last = self._records[-1]
        return (
            f"History({len(self)} epochs; last: objective={last.objective:.6g}, "
            f"accuracy={last.accuracy:.4g}, n_violators={last.n_violators})"
        )

    def column(self, name: str) -> list:
        """The values of one field over the epochs, e.g. ``history.column("objective")``."""
        if name not in _COLUMNS:
            raise ValueError(f"no column {name!r}; the columns are {', '.join(_COLUMNS)}")
        return [getattr(record, name) for record in self._records]

    def as_dict(self) -> dict[str, list]:
        """All columns: ``{"epoch": [...], "objective": [...], ...}`` (e.g. for a DataFrame)."""
        return {name: self.column(name) for name in _COLUMNS}

    @property
    def epoch(self) -> list[int]:
        return self.column("epoch")

    @property
    def objective(self) -> list[float]:
        return self.column("objective")

    @property
    def accuracy(self) -> list[float]:
        return self.column("accuracy")

    @property
    def n_violators(self) -> list[int]:
        return self.column("n_violators")

    @property
    def frac_nonzero_grad(self) -> list[float]:
        return self.column("frac_nonzero_grad")


def _history(rows: Tensor, n: int) -> History:
    """Records from the rows ``[objective, n_correct, n_violators, n_nonzero_grad]`` per epoch."""
    table = rows.double().tolist()  # one device-to-host copy for the whole run
    return History(
        EpochRecord(epoch, objective, correct / n, int(round(violators)), nonzero / n)
        for epoch, (objective, correct, violators, nonzero) in enumerate(table, start=1)
    )


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class LinearSVMResult:
    """A trained binary linear classifier :math:`f(x) = w^\\top x + b` and how it got there.

    Attributes:
        weight: :math:`w`, shape ``(D,)``, dtype of the training data.
        bias: :math:`b`, a 0-d tensor of the same dtype (so ``X @ weight + bias`` keeps the
            dtype; ``float(result.bias)`` for a Python number).
        history: one :class:`EpochRecord` per epoch; the last describes ``weight`` and ``bias``.
        loss: ``'hinge'``, ``'squared_hinge'`` or ``'logistic'`` (``'ramp'`` for
            :func:`train_ramp`).
        lam: :math:`\\lambda` of the objective (``weight_decay`` for :func:`train_sgd`).
        regularize_bias: whether the objective penalises :math:`b` too.
        method: ``'newton'`` (:func:`train_linear_svm`), ``'sgd'`` (:func:`train_sgd`) or
            ``'cccp'`` (:func:`train_ramp`).
        converged: the stopping test was met (always False for ``'sgd'``, which has none).
    """

    weight: Tensor
    bias: Tensor
    history: History
    loss: str
    lam: float
    regularize_bias: bool
    method: str
    converged: bool

    @property
    def objective(self) -> float:
        """The objective at the returned weights (the last record's)."""
        return self.history[-1].objective

    def decision_function(self, X: Tensor) -> Tensor:
        """Scores :math:`X w + b`, shape ``(N,)``."""
        return _check_features(X) @ self.weight + self.bias

    def predict(self, X: Tensor) -> Tensor:
        """Labels in {-1, +1}: +1 where the score is > 0 (as scikit-learn), dtype of ``X``."""
        scores = self.decision_function(X)
        return torch.where(scores > 0, 1.0, -1.0).to(scores.dtype)

    def __repr__(self) -> str:
        return (
            f"LinearSVMResult(weight={self.weight.tolist()}, bias={float(self.bias):.6g}, "
            f"loss={self.loss!r}, lam={self.lam:g}, regularize_bias={self.regularize_bias}, "
            f"method={self.method!r}, converged={self.converged}, epochs={len(self.history)}, "
            f"objective={self.objective:.6g})"
        )


@dataclass(frozen=True, repr=False)
class LinearMulticlassResult:
    """A trained multi-class linear classifier :math:`s = W x + b` and its history.

    Attributes:
        weight: :math:`W`, shape ``(K, D)``; bias: :math:`b`, shape ``(K,)``.
        history: one :class:`EpochRecord` per Newton step; the last describes the weights.
        loss, lam, regularize_bias: the objective minimised.
        converged: the last smoothing level met its stopping test within the step budget.
    """

    weight: Tensor
    bias: Tensor
    history: History
    loss: str
    lam: float
    regularize_bias: bool
    converged: bool

    @property
    def objective(self) -> float:
        """The objective at the returned weights (the last record's)."""
        return self.history[-1].objective

    def decision_function(self, X: Tensor) -> Tensor:
        """Class scores :math:`X W^\\top + b`, shape ``(N, K)``."""
        return _check_features(X) @ self.weight.T + self.bias

    def predict(self, X: Tensor) -> Tensor:
        """Class indices (int64): the highest score."""
        return self.decision_function(X).argmax(dim=1)

    def __repr__(self) -> str:
        return (
            f"LinearMulticlassResult(K={self.weight.shape[0]}, D={self.weight.shape[1]}, "
            f"loss={self.loss!r}, lam={self.lam:g}, converged={self.converged}, "
            f"epochs={len(self.history)}, objective={self.objective:.6g})"
        )


# ---------------------------------------------------------------------------------------------
# Argument checks shared by the trainers
# ---------------------------------------------------------------------------------------------


def _check_positive_int(value: object, name: str, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}: pass e.g. {example}")
    return int(value)


def _check_nonnegative(value: object, name: str, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}: {example}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0; got {value!r}: pass e.g. {example}")
    return float(value)


def _check_training_features(X: object) -> Tensor:
    """Training samples: a finite float32 or float64 ``X (N, D)`` with at least one row."""
    X = _check_features(X)
    if X.dtype not in (torch.float32, torch.float64):
        raise TypeError(
            f"X has dtype {X.dtype}; the trainers work in float32 or float64 (half precision "
            "keeps 3 significant digits, too few for an objective): use X.float()"
        )
    if X.shape[0] == 0:
        raise ValueError("X has no rows (0 samples): a classifier needs training samples")
    if not bool(torch.isfinite(X).all()):
        raise ValueError("X contains nan or inf: remove or impute those samples first")
    return X


def _check_training_data(X: object, y: object) -> tuple[Tensor, Tensor]:
    """Binary training data: floating finite ``X (N, D)`` and both labels of {-1, +1} in ``y``."""
    X = _check_training_features(X)
    y = _check_binary_labels(y, X)
    n_positive = int((y > 0).sum())
    if n_positive in (0, len(y)):
        only = "+1" if n_positive else "-1"
        raise ValueError(
            f"y contains only the label {only} ({len(y)} samples): a classifier needs examples "
            "of both classes -1 and +1"
        )
    return X, y


# ---------------------------------------------------------------------------------------------
# Per-epoch statistics
# ---------------------------------------------------------------------------------------------


def _binary_stats(margins: Tensor, loss: str, penalty: Tensor) -> Tensor:
    """``[objective, n_correct, n_violators, n_nonzero_grad]`` from the margins ``y f(x)``.

    The objective goes through the losses of :mod:`hinge_utils.functional`, exactly as
    :func:`hinge_utils.objectives.svm_objective` computes it.
    """
    objective = _binary_data_loss(margins, torch.ones_like(margins), loss) + penalty
    return _count_stats(objective, 1 - margins, loss)


def _count_stats(objective: Tensor, u: Tensor, loss: str) -> Tensor:
    """Stack the objective with the counts read off ``u = 1 - m`` (as floats, for one copy).

    ``u`` holds the samples along its last dimension (one row per epoch if 2-D).
    """
    dtype = u.dtype
    # m < 1 - tol, margin_position's INSIDE: a sample on the band (up to the tolerance) is none
    violators = (u > margin_tolerance(1.0)).sum(-1, dtype=dtype)
    correct = (u < 1).sum(-1, dtype=dtype)  # m > 0
    if loss == "logistic":
        nonzero = (torch.sigmoid(u - 1) > 0).sum(-1, dtype=dtype)
    else:
        nonzero = violators
    return torch.stack([objective, correct, violators, nonzero], dim=-1)


def _multiclass_stats(scores: Tensor, y: Tensor, loss: str, penalty: Tensor) -> Tensor:
    """``[objective, n_correct, n_violators, n_nonzero_grad]`` from the class scores."""
    dtype = scores.dtype
    index = y.unsqueeze(1)
    margins = multiclass_margin(scores, y, validate_args=False)
    violators = (margin_position(margins) == INSIDE).sum(dtype=dtype)  # m < 1, up to the tolerance
    if loss == "cross_entropy":
        log_p = torch.log_softmax(scores, dim=1).gather(1, index)
        nonzero = (log_p < 0).sum(dtype=dtype)
    else:
        nonzero = violators
    objective = _multiclass_data_loss(scores, y, loss) + penalty
    correct = (margins > 0).sum(dtype=dtype)
    return torch.stack([objective, correct, violators, nonzero])


# ---------------------------------------------------------------------------------------------
# The exact binary solver: Newton's method on a piecewise quadratic objective
# ---------------------------------------------------------------------------------------------

_WIDTH_START = 1.0  # first Huber width: at w = 0, b = 0 every sample has 1 - m = 1, in the band
_WIDTH_SHRINK = 0.05  # next width = 5% of the last
_WIDTH_MIN = 1e-9  # below this the smoothing changes the objective by < 5e-10: stop there
_KKT_TOL = 1e-9  # slack allowed in the optimality certificate (margins and dual weights)
#: The hinge's answer counts as converged when its duality gap is at most this times its
#: objective (an exact KKT answer has a gap of about 1e-16).
GAP_TOL = 1e-6
_BALANCE_ROUNDS = 1000  # at most this many rounds of _balanced_dual_weights for a certificate


def _slopes_and_curvatures(u: Tensor, loss: str, width: float) -> tuple[Tensor, Tensor]:
    """For ``u = 1 - m``: ``a = -dl/dm >= 0`` and ``c = d2l/dm2 >= 0`` of each sample's loss.

    hinge (Huber-smoothed, width h): l = u^2 / 2h on [0, h], u - h/2 above: a = clip(u/h, 0, 1).
    squared hinge: l = max(0, u)^2: a = 2 max(0, u). logistic: l = softplus(-m): a = sigmoid(-m).
    """
    if loss == "hinge":
        band = (u >= 0) & (u <= width)
        return (u / width).clamp_(0, 1), band.to(u.dtype).mul_(1.0 / width)
    if loss == "squared_hinge":
        return u.clamp(min=0).mul_(2), (u >= 0).to(u.dtype).mul_(2.0)
    slope = torch.sigmoid(u - 1)
    return slope, slope * (1 - slope)


def _backtracking_step(
    theta: Tensor, direction: Tensor, m: Tensor, z: Tensor, reg: Tensor, decrease: float
) -> float:
    """Armijo backtracking from t = 1 on the logistic objective (smooth: no kinks to find)."""

    def objective(t: float) -> float:
        point = theta + t * direction
        return float(0.5 * (point * reg) @ point + F.softplus(-(m + t * z)).mean())

    start = objective(0.0)
    t = 1.0
    for _ in range(60):
        if objective(t) <= start - 1e-4 * t * decrease:
            break
        t *= 0.5
    return t


def _hinge_kkt_point(
    Z: Tensor, penalty: Tensor, inside: Tensor, beyond: Tensor, targets: Tensor
) -> tuple[Tensor, Tensor] | None:
    r"""The exact hinge optimum if the smoothed iterate has found which samples sit on the band.

    Guess from the current iterate: :math:`E` = ``inside`` the Huber band (on the margin at the
    optimum, dual weight :math:`\alpha_i \in [0, 1]`), :math:`L` = ``beyond`` it (violators,
    :math:`\alpha_i = 1`), the rest :math:`\alpha_i = 0`. The optimality conditions are then
    linear in :math:`(\theta, \alpha_E)`:

    .. math::
        R\theta = \tfrac1n\textstyle\sum_{i \in L} z_i + \tfrac1n Z_E^\top \alpha_E,
        \qquad Z_E\,\theta = 1,

    where :math:`z_i = y_i (x_i, 1)` and ``penalty`` :math:`= R = \operatorname{diag}(\lambda,
    ..., \lambda, \lambda_b)` (the last row reads :math:`\sum_i \alpha_i y_i = 0` when the bias is
    free). The solution is accepted only if it certifies itself: :math:`0 \le \alpha_E \le 1`,
    margins :math:`\le 1` on :math:`L` and :math:`\ge 1` elsewhere. Then it *is* the optimum,
    exact up to rounding, and ``(theta, alpha)`` is returned with the dual weights of every
    sample. Otherwise return None (the smoothing continues).

    ``targets`` :math:`t_i` replace the 1 of every sample's hinge :math:`[t_i - z_i^\top\theta]_+`
    (all ones for the SVM; :func:`train_ramp` needs some :math:`t_i = -1`).
    """
    n, p = Z.shape
    index = inside.nonzero().squeeze(1)
    k = len(index)
    Z_in = Z.index_select(0, index)
    system = torch.cat(  # [[R, -Z_E^T / n], [Z_E, 0]]
        [torch.cat([penalty, Z_in.T / -n], dim=1), F.pad(Z_in, (0, k))]
    )
    rhs = torch.cat([Z.T @ beyond.to(Z.dtype) / n, targets.index_select(0, index)])
    solution, info = torch.linalg.solve_ex(system, rhs)
    values = solution.tolist()  # p + k <= 2p numbers: the dual weights are checked here
    if int(info) != 0 or not all(map(math.isfinite, values)):
        return None
    if any(not -_KKT_TOL <= alpha <= 1 + _KKT_TOL for alpha in values[p:]):
        return None
    theta = solution[:p]
    u = targets - Z @ theta  # 1 - m for the SVM
    # Margins: u >= -tol on L, u <= tol on the rest (not in E): the largest of -u on L and u on
    # the rest must be <= tol.
    excess = torch.where(beyond, u.neg(), u).masked_fill_(inside, -math.inf)
    if float(excess.max()) > _KKT_TOL:
        return None
    alpha = beyond.to(Z.dtype).index_copy_(0, index, solution[p:].clamp(0.0, 1.0))
    return theta, alpha


def _standardisation(X: Tensor, center: bool) -> tuple[Tensor, Tensor]:
    """``(shift, scale)`` per column: the mean (if ``center``, else 0) and the RMS about it.

    A column whose RMS is 0 (or not finite) keeps scale 1.
    """
    shift = X.mean(0) if center else X.new_zeros(X.shape[1])
    scale = (X - shift).square().mean(0).sqrt()
    ok = torch.isfinite(scale) & (scale > 0)
    return shift, torch.where(ok, scale, torch.ones_like(scale))


def _balanced_dual_weights(
    Z: Tensor, reg: Tensor, targets: Tensor, theta: Tensor, alpha: Tensor, rounds: int
) -> Iterator[Tensor]:
    r"""Dual weights for ``theta`` that satisfy its stationarity ever more nearly: one per round.

    At the optimum :math:`R\theta = \frac1n Z^\top\alpha` (the bias row: :math:`\sum_i \alpha_i
    y_i = 0` when the bias is free), with :math:`\alpha_i = 1` for a violator (:math:`u_i > 0`),
    0 for a sample past the margin (:math:`u_i < 0`) and :math:`\alpha_i \in [0, 1]` on it.
    Starting from ``alpha`` (the slopes of the last smoothing, which on a band crowded with
    samples are the ratio of two rounding errors), each round gives
    the weights of the samples on the band the least-norm correction that removes the residual,
    clipped to :math:`[0, 1]` (alternating projections). Any result is a valid dual point; a
    better one only makes the duality gap, and so the certificate, tighter.
    """
    n = Z.shape[0]
    u = targets - Z @ theta
    band = u.abs() <= 1e-6
    alpha = torch.where(u > 1e-6, 1.0, torch.where(u < -1e-6, 0.0, alpha.clamp(0.0, 1.0)))
    if not bool(band.any()):
        yield alpha
        return
    Z_band = Z[band]
    gram = Z_band.T @ Z_band
    gram += 1e-12 * float(gram.diagonal().max()) * torch.eye(
        len(gram), dtype=Z.dtype, device=Z.device
    )
    factor, info = torch.linalg.cholesky_ex(gram)
    target = n * reg * theta
    for _ in range(rounds):
        residual = (target - Z.T @ alpha).unsqueeze(1)
        if int(info) == 0:
            step = torch.cholesky_solve(residual, factor)
        else:
            step = torch.linalg.lstsq(gram, residual).solution
        alpha = alpha.clone()
        alpha[band] = (alpha[band] + (Z_band @ step).squeeze(1)).clamp(0.0, 1.0)
        yield alpha


def _hinge_duality_gap(
    Z: Tensor, reg: Tensor, targets: Tensor, theta: Tensor, alpha: Tensor
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
    smaller (that keeps every :math:`\alpha_i` in :math:`[0, 1]`).
    """
    n = Z.shape[0]
    alpha = alpha.clamp(0.0, 1.0)
    if float(reg[-1]) == 0.0:
        sign = Z[:, -1]
        positive = float(alpha[sign > 0].sum())
        negative = float(alpha[sign < 0].sum())
        if positive > negative:
            alpha = torch.where(sign > 0, alpha * (negative / positive), alpha)
        elif negative > positive:
            alpha = torch.where(sign < 0, alpha * (positive / negative), alpha)
    v = Z.T @ alpha / n
    penalised = reg > 0
    dual = float(alpha @ targets) / n - 0.5 * float((v[penalised].square() / reg[penalised]).sum())
    primal = float((targets - Z @ theta).clamp(min=0).mean() + 0.5 * (theta * reg) @ theta)
    return primal, primal - dual


def _newton_svm(
    X: Tensor,
    y: Tensor,
    lam: float,
    loss: str,
    regularize_bias: bool,
    max_epochs: int,
    tol: float,
    targets: Tensor | None = None,
    stop_gap: float = 0.0,
) -> tuple[Tensor, Tensor, bool]:
    r"""Newton's method on theta = (w, b) in float64; returns theta, history rows, converged.

    The features are standardised first (centred when the bias is free, where that is an exact
    change of variables, and divided by their RMS); the penalty follows them
    (:math:`\lambda/2 \sum_j w_j^2` becomes :math:`\sum_j \lambda / (2 s_j^2)\, \tilde w_j^2`),
    so the problem and its answer are the same, and only the conditioning changes: raw features
    of size 1e3 make the Newton systems singular to float64 and the steps meaningless.

    ``targets`` (hinge only): per-sample :math:`t_i` in the losses :math:`[t_i - m_i]_+`;
    None for the SVM's :math:`t_i = 1`. The history rows then count ``u = t - m``, not ``1 - m``.

    For the hinge, ``converged`` means certified: the duality gap of the answer is at most
    ``GAP_TOL`` (or ``stop_gap``, if larger) times its objective. With ``stop_gap > 0`` the
    iterations stop as soon as the gap is that small. An answer worse than :math:`w = 0, b = 0`
    is never returned.

    Unless autograd has to track ``X``, the iterations run in inference mode: less overhead per
    torch call, which is most of the cost on small data. The results come back as ordinary
    tensors (copies), free to take part in autograd or in-place operations later.
    """
    track = torch.is_grad_enabled() and X.requires_grad
    with torch.inference_mode(not track):
        work = torch.float64
        n = X.shape[0]
        Xw = X.to(work)
        shift, scale = _standardisation(Xw, center=not regularize_bias)
        reg = torch.cat([lam / scale.square(), Xw.new_full((1,), lam if regularize_bias else 0.0)])
        Z = torch.cat([(Xw - shift) / scale, Xw.new_ones(n, 1)], dim=1) * y.to(work).unsqueeze(1)
        if targets is None:
            targets = torch.ones(n, dtype=work, device=X.device)
        elif loss != "hinge":
            raise ValueError(f"per-sample targets need loss='hinge'; got loss={loss!r}")
        else:
            targets = targets.to(work)
        theta, rows, converged, alpha = _newton_iterations(
            Z, reg, loss, max_epochs, tol, targets, stop_gap
        )
        if loss == "hinge":
            primal, gap = _hinge_duality_gap(Z, reg, targets, theta, alpha)
            certified = max(GAP_TOL, stop_gap)
            if gap > certified * max(primal, 1e-300):  # a band crowded with samples: balance
                balanced = _balanced_dual_weights(Z, reg, targets, theta, alpha, _BALANCE_ROUNDS)
                for round_, candidate in enumerate(balanced, start=1):
                    if round_ % 25 == 0 or round_ == 1:
                        primal, gap = _hinge_duality_gap(Z, reg, targets, theta, candidate)
                        if gap <= certified * max(primal, 1e-300):
                            break
            start = float(targets.clamp(min=0).mean())  # the objective at w = 0, b = 0
            if not primal <= start:  # worse than doing nothing (or nan): never return that
                theta = torch.zeros_like(theta)
                converged = False
            else:
                converged = gap <= certified * max(primal, 1e-300)
        weight = theta[:-1] / scale
        theta = torch.cat([weight, (theta[-1] - weight @ shift).reshape(1)])
    return theta.clone(), rows.clone(), converged


def _newton_direction(hess: Tensor, grad: Tensor) -> Tensor:
    """``-hess^{-1} grad``; a Hessian singular to float64 (a penalty of 1e-24 with no sample on
    the band) gets a ridge of 1e-10 of its largest diagonal entry, then least squares."""
    direction, info = torch.linalg.solve_ex(hess, grad)
    if int(info) != 0 or not bool(torch.isfinite(direction).all()):
        ridge = 1e-10 * max(float(hess.diagonal().abs().max()), 1e-300)
        damped = hess + ridge * torch.eye(len(hess), dtype=hess.dtype, device=hess.device)
        direction, info = torch.linalg.solve_ex(damped, grad)
        if int(info) != 0 or not bool(torch.isfinite(direction).all()):
            direction = torch.linalg.lstsq(damped, grad.unsqueeze(1)).solution.squeeze(1)
    return direction.neg_()


def _newton_iterations(
    Z: Tensor,
    reg: Tensor,
    loss: str,
    max_epochs: int,
    tol: float,
    targets: Tensor,
    stop_gap: float = 0.0,
) -> tuple[Tensor, Tensor, bool, Tensor]:
    """The loop of :func:`_newton_svm` on ``Z = y (x, 1)`` (standardised) with penalty ``reg``.

    Returns ``theta``, the history rows, whether a stopping test was met, and the dual weights
    of the answer (hinge: from the KKT solve, or the slopes of the last smoothing).
    """
    work = Z.dtype
    n, p = Z.shape
    # A tiny ridge on b keeps the Newton system solvable when no sample has curvature in b
    # (hinge, all samples off the Huber band); the exact line search then sizes the step.
    penalty = torch.diag(reg)
    base = penalty.clone()
    base[-1, -1] += 1e-6 * float(reg[:-1].min()) if p > 1 else 1e-12
    theta = torch.zeros(p, dtype=work, device=Z.device)
    u = targets.clone()  # u = 1 - margin, for theta = 0
    alpha: Tensor | None = None
    width = _WIDTH_START if loss == "hinge" else math.inf
    iterates: list[Tensor] = []
    scale = 1.0  # the objective at theta = 0 for both hinges (log 2 for logistic: same order)
    converged = False
    for _ in range(max_epochs):
        slope, curvature = _slopes_and_curvatures(u, loss, width)
        grad = torch.addmv(reg * theta, Z.T, slope, alpha=-1.0 / n)
        hess = torch.addmm(base, Z.T * curvature, Z, alpha=1.0 / n)
        direction = _newton_direction(hess, grad)
        slope0, curvature0 = torch.stack([grad @ direction, (direction * reg) @ direction]).tolist()
        decrease = -slope0  # the Newton decrement^2, about 2 * (J - J*) near the optimum
        if decrease <= tol * scale and loss != "hinge":
            converged = True
            break
        z = Z @ direction
        if loss == "logistic":
            t = _backtracking_step(theta, direction, 1 - u, z, reg, decrease)
        else:
            kappa = 1.0 / width if loss == "hinge" else 2.0
            t = exact_step(u, z, kappa, width, slope0, curvature0, n)
        theta = torch.add(theta, direction, alpha=t)
        iterates.append(theta)
        u = targets - Z @ theta
        if loss != "hinge":
            scale = max(float(_margin_loss(u, loss) + 0.5 * (theta * reg) @ theta), 1e-300)
            continue
        if stop_gap > 0:  # early stop: the slopes of this smoothing as a dual point
            slopes = _slopes_and_curvatures(u, loss, width)[0]
            primal, gap = _hinge_duality_gap(Z, reg, targets, theta, slopes)
            if gap <= stop_gap * max(primal, 1e-300):
                alpha = slopes
                converged = True
                break
        inside = (u > 0) & (u < width)
        k = int(inside.sum())
        if k <= p and (k > 0 or float(reg[-1]) > 0):
            polished = _hinge_kkt_point(Z, penalty, inside, u >= width, targets)
            if polished is not None:
                theta, alpha = polished
                iterates.append(theta)
                converged = True
                break
        # This width is solved after a full Newton step, or once the decrement is tiny next to
        # the objective (evaluated only where that decides what happens next).
        # (At the smallest width only the decrement decides: a full step there can still leave
        # the gradient far from 0 when many samples sit on the band.)
        solved = abs(t - 1) <= 1e-9 and width > _WIDTH_MIN
        if not solved and (width <= _WIDTH_MIN or abs(t - 1) > NEARLY_FULL):
            scale = float(_margin_loss(u, loss) + 0.5 * (theta * reg) @ theta)
            solved = decrease <= tol * scale
        if width <= _WIDTH_MIN and solved:
            converged = True  # the smallest width is solved: the gap is below width / 2
            break
        if width > _WIDTH_MIN and (solved or abs(t - 1) <= NEARLY_FULL):
            width = max(width * _WIDTH_SHRINK, _WIDTH_MIN)
    rows = _iterate_stats(Z, reg, iterates, loss, targets) if iterates else Z.new_zeros(0, 4)
    if alpha is None:  # the slopes of the last smoothing: the dual weights it stands for
        alpha = _slopes_and_curvatures(u, loss, width)[0] if loss == "hinge" else u.new_zeros(n)
    return theta, rows, converged, alpha


def _margin_loss(u: Tensor, loss: str) -> Tensor:
    """Mean loss over the last dimension of ``u = 1 - m`` (the solver's fast path)."""
    if loss == "hinge":
        return u.clamp(min=0).mean(-1)
    if loss == "squared_hinge":
        return u.clamp(min=0).square().mean(-1)
    return F.softplus(u - 1).mean(-1)


def _iterate_stats(
    Z: Tensor, reg: Tensor, iterates: list[Tensor], loss: str, targets: Tensor
) -> Tensor:
    """The history rows of all Newton iterates at once: one ``(epochs, N)`` margin matrix."""
    thetas = torch.stack(iterates)
    u = targets - thetas @ Z.T
    penalty = 0.5 * (thetas * reg * thetas).sum(1)
    return _count_stats(_margin_loss(u, loss) + penalty, u, loss)


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
    X, y = _check_training_data(X, y)
    lam = _check_lam(lam, allow_zero=False)
    loss = _check_loss_name(loss, BINARY_LOSSES)
    regularize_bias = _check_flag(regularize_bias, "regularize_bias")
    max_epochs = _check_positive_int(max_epochs, "max_epochs", "max_epochs=500")
    tol = _check_nonnegative(tol, "tol", "tol=1e-12")
    stop_gap = _check_nonnegative(stop_gap, "stop_gap", "stop_gap=1e-3")
    theta, rows, converged = _newton_svm(
        X, y, lam, loss, regularize_bias, max_epochs, tol, stop_gap=stop_gap
    )
    if not converged:
        warnings.warn(
            f"train_linear_svm did not reach the optimum within max_epochs={max_epochs} Newton "
            "steps (converged=False; the objective may be above the optimum): raise max_epochs, "
            "or standardise the features if they span many orders of magnitude",
            ConvergenceWarning,
            stacklevel=2,
        )
    weight = theta[:-1].to(X.dtype)
    bias = theta[-1].to(X.dtype)
    # The last record is recomputed for the weights actually returned (in the dtype of X).
    margins = functional_margin(X @ weight + bias, y, validate_args=False)
    final = _binary_stats(margins, loss, _penalty(weight, bias, lam, regularize_bias))
    rows = torch.cat([rows[:-1].to(final.dtype), final.unsqueeze(0)])
    return LinearSVMResult(
        weight=weight,
        bias=bias,
        history=_history(rows, len(y)),
        loss=loss,
        lam=lam,
        regularize_bias=regularize_bias,
        method="newton",
        converged=converged,
    )


# ---------------------------------------------------------------------------------------------
# The syllabus's loop
# ---------------------------------------------------------------------------------------------


def _criterion(loss: str):
    """The per-batch loss of the syllabus's loop for ``loss``."""
    if loss == "hinge":
        return lambda scores, y: hinge_loss(scores, y, validate_args=False)
    if loss == "squared_hinge":
        return lambda scores, y: squared_hinge_loss(scores, y, validate_args=False)
    return lambda scores, y: F.softplus(-functional_margin(scores, y, validate_args=False)).mean()


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
            "e.g. init=seed_svm_init()"
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
            "init contains nan or inf: start from finite weights, e.g. init=seed_svm_init() or "
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
    unchanged), or ``init``. ``train_sgd(*seed_svm_data(), init=seed_svm_init())`` reproduces the
    syllabus's run exactly.

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

        >>> from hinge_utils.data import seed_svm_data, seed_svm_init
        >>> X, y = seed_svm_data()
        >>> result = train_sgd(X, y, init=seed_svm_init())
        >>> len(result.history), result.history[-1].accuracy
        (200, 1.0)
    """
    X, y = _check_training_data(X, y)
    lr = _check_nonnegative(lr, "lr", "lr=0.01")
    weight_decay = _check_nonnegative(weight_decay, "weight_decay", "weight_decay=0.01")
    epochs = _check_positive_int(epochs, "epochs", "epochs=200")
    loss = _check_loss_name(loss, BINARY_LOSSES)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}: pass e.g. seed=0")
    model = _initial_linear(X.shape[1], X.dtype, X.device, init, int(seed))
    criterion = _criterion(loss)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
    rows = []
    for _ in range(epochs):
        scores = model(X).squeeze(1)
        batch_loss = criterion(scores, y)
        optimizer.zero_grad()
        batch_loss.backward()
        optimizer.step()
        with torch.no_grad():
            weight, bias = model.weight[0], model.bias[0]
            margins = functional_margin(X @ weight + bias, y, validate_args=False)
            rows.append(_binary_stats(margins, loss, _penalty(weight, bias, weight_decay, True)))
    diverged = [i for i, row in enumerate(rows, start=1) if not bool(torch.isfinite(row[0]))]
    if diverged:
        warnings.warn(
            f"train_sgd diverged: the objective became {float(rows[diverged[0] - 1][0])} at "
            f"epoch {diverged[0]} of {epochs} (the weights are no longer finite): lower lr "
            f"(now {lr:g}), or standardise the features",
            ConvergenceWarning,
            stacklevel=2,
        )
    return LinearSVMResult(
        weight=model.weight.detach()[0].clone(),
        bias=model.bias.detach()[0].clone(),
        history=_history(torch.stack(rows), len(y)),
        loss=loss,
        lam=weight_decay,
        regularize_bias=True,
        method="sgd",
        converged=False,
    )


# ---------------------------------------------------------------------------------------------
# Multi-class
# ---------------------------------------------------------------------------------------------

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
    X = _check_training_features(X)
    num_classes = _check_positive_int(num_classes, "num_classes", "num_classes=10")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2; got {num_classes}: for two classes use 2")
    y = _check_class_labels(y, X, num_classes)
    loss = _check_loss_name(loss, MULTICLASS_LOSSES)
    lam = _check_lam(lam, allow_zero=False)
    regularize_bias = _check_flag(regularize_bias, "regularize_bias")
    max_epochs = _check_positive_int(max_epochs, "max_epochs", "max_epochs=300")
    tol = _check_nonnegative(tol, "tol", "tol=1e-12")
    y = y.long()

    solver = MulticlassNewton(X, y, num_classes, loss, lam, regularize_bias)
    theta = torch.zeros(num_classes, X.shape[1] + 1, dtype=torch.float64, device=X.device)
    iterates: list[Tensor] = []
    levels = solver.widths()
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
        _multiclass_stats(
            solver.X1 @ point.T, y, loss, _penalty(point[:, :-1], point[:, -1], lam,
                                                    regularize_bias)
        )
        for point in iterates[:-1]
    ]
    # The last record is computed for the weights actually returned (in the dtype of X).
    rows.append(
        _multiclass_stats(X @ weight.T + bias, y, loss, _penalty(weight, bias, lam,
                                                                  regularize_bias)).double()
    )
    return LinearMulticlassResult(
        weight=weight,
        bias=bias,
        history=_history(torch.stack(rows), len(y)),
        loss=loss,
        lam=lam,
        regularize_bias=regularize_bias,
        converged=converged,
    )


# ---------------------------------------------------------------------------------------------
# The ramp loss: a bounded, non-convex loss trained by the concave-convex procedure
# ---------------------------------------------------------------------------------------------


def _ramp_stats(margins: Tensor, penalty: Tensor) -> Tensor:
    """``[objective, n_correct, n_violators, n_nonzero_grad]`` of the ramp loss at ``margins``.

    The ramp :math:`\\min(1, [1 - m]_+)` has a non-zero slope only for :math:`0 < m < 1`.
    """
    dtype = margins.dtype
    objective = (1 - margins).clamp(0, 1).mean() + penalty
    correct = (margins > 0).sum(dtype=dtype)
    inside = margin_position(margins) == INSIDE  # m < 1, up to the tolerance
    violators = inside.sum(dtype=dtype)
    nonzero = ((margins > 0) & inside).sum(dtype=dtype)
    return torch.stack([objective, correct, violators, nonzero])


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
    X: Tensor,
    y: Tensor,
    lam: float,
    regularize_bias: bool,
    start: tuple[Tensor, Tensor],
    rounds: int,
    max_epochs: int,
) -> tuple[Tensor, Tensor, bool]:
    """CCCP for the ramp from one start: ``theta = (w, b)`` (float64), history rows, converged."""
    work = torch.float64
    Xw, yw = X.to(work), y.to(work)
    weight, bias = start
    wrong = yw * (Xw @ weight + bias) < 0  # the set S of the current iterate
    theta = torch.cat([weight, bias.reshape(1)])
    rows: list[Tensor] = []
    converged = False
    previous = math.inf
    for _ in range(rounds):
        # The convex subproblem: [1 - m]_+ for the samples outside S; for those in S,
        # [m - 1]_+ = [(-1) - (-y f(x))]_+, a hinge with the label flipped and the target -1.
        targets = torch.where(wrong, -1.0, 1.0).to(work)
        theta, _, solved = _newton_svm(
            Xw, torch.where(wrong, -yw, yw), lam, "hinge", regularize_bias, max_epochs, 0.0,
            targets=targets,
        )
        weight, bias = theta[:-1], theta[-1]
        margins = yw * (Xw @ weight + bias)
        row = _ramp_stats(margins, _penalty(weight, bias, lam, regularize_bias))
        rows.append(row)
        objective = float(row[0])
        new_wrong = margins < 0
        # A fixed point (the next subproblem would be this one again), or no progress left.
        if torch.equal(new_wrong, wrong) or objective >= previous - 1e-12 * abs(previous):
            converged = solved
            break
        wrong, previous = new_wrong, objective
    return theta, torch.stack(rows), converged


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
    X, y = _check_training_data(X, y)
    lam = _check_lam(lam, allow_zero=False)
    rounds = _check_positive_int(rounds, "rounds", "rounds=50")
    regularize_bias = _check_flag(regularize_bias, "regularize_bias")
    max_epochs = _check_positive_int(max_epochs, "max_epochs", "max_epochs=100")
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
    best = None
    for start in checked:
        theta, rows, converged = _cccp_ramp(
            X, y, lam, regularize_bias, start, rounds, max_epochs
        )
        if best is None or float(rows[-1, 0]) < float(best[1][-1, 0]):
            best = (theta, rows, converged)
    theta, rows, converged = best
    weight, bias = theta[:-1].to(X.dtype), theta[-1].to(X.dtype)
    # The last record is recomputed for the weights actually returned (in the dtype of X).
    margins = functional_margin(X @ weight + bias, y, validate_args=False)
    final = _ramp_stats(margins, _penalty(weight, bias, lam, regularize_bias))
    rows = torch.cat([rows[:-1].to(final.dtype), final.unsqueeze(0)])
    return LinearSVMResult(
        weight=weight,
        bias=bias,
        history=_history(rows, len(y)),
        loss="ramp",
        lam=lam,
        regularize_bias=regularize_bias,
        method="cccp",
        converged=converged,
    )
