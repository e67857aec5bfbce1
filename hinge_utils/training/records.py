r"""What a trainer returns: the weights, and one record per epoch of what it saw on the way.

:class:`History` holds one :class:`EpochRecord` per epoch (objective, training accuracy, margin
violators, share of samples that push), readable by row (``history[-1]``) or by column
(``history.objective``). A result (:class:`LinearSVMResult`, :class:`LinearMulticlassResult`,
both :class:`TrainingResult`) holds the weights, the history and what was minimised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import overload

import numpy as np
import torch
from torch import Tensor

from hinge_utils._validation import check_features

__all__ = [
    "ConvergenceWarning",
    "EpochRecord",
    "History",
    "LinearMulticlassResult",
    "LinearSVMResult",
    "TrainingResult",
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


def history_from_rows(rows: Tensor | np.ndarray, n: int) -> History:
    """Records from the rows ``[objective, n_correct, n_violators, n_nonzero_grad]`` per epoch.

    ``n``: the number of samples (accuracy and the share that push are counts over ``n``).
    """
    table = np.asarray(rows.double().cpu() if isinstance(rows, Tensor) else rows, np.float64)
    table = table.tolist()  # one device-to-host copy for the whole run
    return History(
        EpochRecord(epoch, objective, correct / n, int(round(violators)), nonzero / n)
        for epoch, (objective, correct, violators, nonzero) in enumerate(table, start=1)
    )


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class TrainingResult:
    """What every trainer returns: the weights, their history and the objective minimised.

    Attributes:
        weight: the weights, dtype of the training data (``(D,)`` binary, ``(K, D)`` multi-class).
        bias: the bias (0-d binary, ``(K,)`` multi-class), same dtype.
        history: one :class:`EpochRecord` per epoch; the last describes ``weight`` and ``bias``.
        loss: the loss's name in the registry :mod:`hinge_utils.losses` (``'ramp'`` for
            :func:`~hinge_utils.training.train_ramp`).
        lam: :math:`\\lambda` of the objective (``weight_decay`` for ``train_sgd``).
        regularize_bias: whether the objective penalises the bias too.
        converged: the trainer's optimality test held (always False for SGD, which has none).
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
        """Scores :math:`X w + b` (binary, ``(N,)``) or :math:`X W^\\top + b` (``(N, K)``)."""
        weight = self.weight.T if self.weight.ndim == 2 else self.weight
        return check_features(X) @ weight + self.bias


@dataclass(frozen=True, repr=False)
class LinearSVMResult(TrainingResult):
    """A trained binary linear classifier :math:`f(x) = w^\\top x + b` and how it got there.

    Besides the fields of :class:`TrainingResult` (``weight`` of shape ``(D,)``, ``bias`` a 0-d
    tensor, so ``X @ weight + bias`` keeps the dtype; ``float(result.bias)`` for a number):

    Attributes:
        method: ``'newton'`` (``train_linear_svm``), ``'sgd'`` (``train_sgd``) or ``'cccp'``
            (``train_ramp``).
        dual_weights: ``train_linear_svm`` only (None for the others): :math:`a_i =
            -\\ell'(m_i)` at the optimum, shape ``(N,)``, the weights of the representer
            theorem :math:`w = \\frac{1}{N\\lambda}\\sum_i a_i y_i x_i` (with
            :math:`\\sum_i a_i y_i = 0` when the bias is free). For the hinge they are the dual
            solution :math:`\\alpha_i \\in [0, 1]`: 0 beyond the margin, 1 inside it, in between
            only on it; scikit-learn's ``SVC.dual_coef_`` holds :math:`C \\alpha_i y_i` for the
            support vectors (:math:`C = 1 / (N\\lambda)`).
    """

    method: str = "newton"
    dual_weights: Tensor | None = None

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
class LinearMulticlassResult(TrainingResult):
    """A trained multi-class linear classifier :math:`s = W x + b` (``weight`` of shape
    ``(K, D)``, ``bias`` ``(K,)``) and its history, one record per Newton step."""

    def predict(self, X: Tensor) -> Tensor:
        """Class indices (int64): the highest score."""
        return self.decision_function(X).argmax(dim=1)

    def __repr__(self) -> str:
        return (
            f"LinearMulticlassResult(K={self.weight.shape[0]}, D={self.weight.shape[1]}, "
            f"loss={self.loss!r}, lam={self.lam:g}, converged={self.converged}, "
            f"epochs={len(self.history)}, objective={self.objective:.6g})"
        )
