r"""Platt scaling: probabilities from SVM scores, fitted by cross-validation.

The score :math:`f(x)` of a linear SVM is a distance to the boundary in units where the margin
is 1, not a log-odds. Platt scaling (Platt, 1999) maps it to a probability with a one-feature
logistic regression,

.. math::
    P(y = +1 \mid x) = \sigma\bigl(a\,f(x) + b\bigr), \qquad \sigma(t) = \frac{1}{1 + e^{-t}},

with a slope :math:`a` and an intercept :math:`b` of its own (not the SVM's bias). The pair
:math:`(a, b)` must be fitted on scores the SVM did not train on: on its own training points the
SVM pushes the margins past 1, so their scores look more certain than those of fresh points.
:func:`cross_val_platt` gets such scores without setting data aside, the way scikit-learn's
``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` does: out-of-fold scores from
:math:`K` folds, Platt scaling fitted on them, and the SVM refitted on all the training data.

* :func:`platt_scaling`: :math:`(a, b)` from scores and labels.
* :func:`interleaved_folds`: the deterministic folds, sample :math:`i` in fold :math:`i \bmod K`.
* :func:`out_of_fold_scores`: each sample scored by the SVM trained without its fold.
* :func:`cross_val_platt`: all of it; returns a :class:`PlattCalibratedSVM`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import torch
from torch import Tensor

from hinge_utils._validation import Real, check_features
from hinge_utils.training import LinearSVMResult, train_linear_svm

__all__ = [
    "PlattCalibratedSVM",
    "cross_val_platt",
    "interleaved_folds",
    "out_of_fold_scores",
    "platt_scaling",
]


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------


def _check_folds(folds: object, n: int) -> int:
    if isinstance(folds, bool) or not isinstance(folds, numbers.Integral) or int(folds) < 2:
        raise ValueError(f"folds must be an int >= 2; got {folds!r}: use folds=5")
    folds = int(folds)
    if folds > n:
        raise ValueError(
            f"folds must be at most the number of samples, {n}; got {folds}: use fewer folds, "
            "e.g. folds=5"
        )
    return int(folds)


def _check_lam(lam: object, name: str, example: str) -> float:
    return Real(0.0, open=True, example=example)(lam, name)


def _check_labels(y: object, n: int, other: str) -> Tensor:
    if not isinstance(y, Tensor):
        raise TypeError(
            f"y must be a torch.Tensor of shape (N,); got {type(y).__name__}: "
            "use torch.as_tensor(y)"
        )
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"y must have shape ({n},), one label per {other}; got shape {tuple(y.shape)}: "
            "pass one label in {-1, +1} per sample"
        )
    values = set(torch.unique(y).tolist())
    if not values <= {-1, 1}:
        shown = ", ".join(f"{v:g}" for v in sorted(values)[:6])
        fix = "use 2 * y - 1 to map {0, 1} to {-1, +1}" if values <= {0, 1} else "relabel"
        raise ValueError(f"y must hold labels in {{-1, +1}}; got values {{{shown}}}: {fix}")
    if len(values) < 2:
        raise ValueError(
            f"y contains only the label {int(next(iter(values))):+d}: Platt scaling needs "
            "samples of both classes -1 and +1"
        )
    return y


# ---------------------------------------------------------------------------------------------
# Platt scaling
# ---------------------------------------------------------------------------------------------


def platt_scaling(scores: Tensor, y: Tensor, lam: float = 1e-4) -> tuple[float, float]:
    r"""Fit :math:`P(y = +1 \mid s) = \sigma(a s + b)` to scores and labels (Platt, 1999).

    A logistic regression with the score as its one feature, trained with
    ``train_linear_svm(scores.reshape(-1, 1), y, lam=lam, loss="logistic")``:

    .. math::
        (a, b) = \operatorname*{arg\,min}_{a,\,b}\;
            \frac{1}{N}\sum_{i=1}^N \log\bigl(1 + e^{-y_i (a s_i + b)}\bigr)
            + \frac{\lambda}{2} a^2 .

    The small penalty on :math:`a` (none on :math:`b`) keeps the fit finite when the scores
    separate the classes perfectly, where the unpenalised optimum is :math:`a \to \infty`. It is
    scikit-learn's ``LogisticRegression(C=1 / (N * lam))`` on the same one-column data. Platt's
    paper (and scikit-learn's ``CalibratedClassifierCV(method="sigmoid")``) instead softens the
    targets to :math:`(N_+ + 1) / (N_+ + 2)` and :math:`1 / (N_- + 2)` and fits without a
    penalty; that makes its sigmoid a little less steep (with 100 samples per class, its
    probabilities differ from these by up to about 0.02).

    Args:
        scores: one score per sample, e.g. ``svm.decision_function(X)``, floating point.
            Use scores of samples the model did *not* train on (see :func:`out_of_fold_scores`).
        y: labels in {-1, +1}, both present.
        lam: :math:`\lambda > 0`, the penalty on :math:`a`. Default: 1e-4 (a whisper).

    Returns:
        ``(a, b)`` as Python floats; the probability of class +1 is ``sigmoid(a * s + b)``.

    Shape:
        - scores: :math:`(N)`; y: :math:`(N)`.

    Example::

        >>> # two score values, each with a mix of labels: 3 of 4 positive at s = +1, 1 of 4 at -1
        >>> scores = torch.tensor([1.0, 1, 1, 1, -1, -1, -1, -1], dtype=torch.float64)
        >>> y = torch.tensor([1.0, 1, 1, -1, 1, -1, -1, -1])
        >>> a, b = platt_scaling(scores, y)
        >>> # the fit reproduces the frequencies: sigmoid(a + b) = 3/4, sigmoid(-a + b) = 1/4,
        >>> # so b = 0 and a = log 3 (a hair less: the penalty lam / 2 * a^2)
        >>> import math
        >>> round(a, 3), round(math.log(3), 3), round(b, 6) + 0.0
        (1.098, 1.099, 0.0)
        >>> [round(p, 3) for p in torch.sigmoid(a * torch.tensor([1.0, -1.0]) + b).tolist()]
        [0.75, 0.25]
    """
    if not isinstance(scores, Tensor) or not scores.is_floating_point():
        got = type(scores).__name__ if not isinstance(scores, Tensor) else f"dtype {scores.dtype}"
        raise TypeError(
            f"scores must be a floating-point torch.Tensor of shape (N,); got {got}: "
            "use model.decision_function(X)"
        )
    if scores.ndim != 1:
        raise ValueError(
            f"scores must be 1-D, shape (N,): one score per sample; got shape "
            f"{tuple(scores.shape)}: use scores.reshape(-1)"
        )
    if not bool(torch.isfinite(scores).all()):
        raise ValueError("scores contain nan or inf: remove those samples first")
    y = _check_labels(y, scores.shape[0], "score")
    lam = _check_lam(lam, "lam", "lam=1e-4")
    feature = scores.detach().to(torch.float64).reshape(-1, 1)
    # Newton to the last bits (two parameters: one more step costs nothing), so that (a, b) do
    # not depend on where a looser stopping test happens to fall.
    platt = train_linear_svm(feature, y.to(torch.float64), lam=lam, loss="logistic", tol=1e-20)
    return platt.weight.item(), platt.bias.item()


# ---------------------------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------------------------


def interleaved_folds(n: int, folds: int = 5) -> list[Tensor]:
    r"""The test indices of each fold: sample :math:`i` belongs to fold :math:`i \bmod K`.

    Deterministic (no random numbers) and, for data sorted by class as the generators of
    :mod:`hinge_utils.data` return them, balanced: every fold gets its share of each class.
    Fold :math:`k` holds :math:`\lceil (n - k) / K \rceil` samples. (scikit-learn's
    ``KFold(shuffle=False)`` takes contiguous blocks instead, which on sorted data can leave a
    class out of a fold.)

    Args:
        n: number of samples, >= ``folds``.
        folds: :math:`K \ge 2`. Default: 5.

    Returns:
        ``K`` tensors of indices (``torch.int64``); together they hold ``0, ..., n - 1`` once.

    Example::

        >>> [fold.tolist() for fold in interleaved_folds(7, folds=3)]
        [[0, 3, 6], [1, 4], [2, 5]]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n must be an int >= 2; got {n!r}: pass the number of samples, len(y)")
    folds = _check_folds(folds, int(n))
    return [torch.arange(k, int(n), folds) for k in range(folds)]


def out_of_fold_scores(X: Tensor, y: Tensor, lam: float = 0.01, folds: int = 5) -> Tensor:
    r"""Score each sample with the linear SVM trained on the other folds.

    For each fold :math:`k` of :func:`interleaved_folds`, the hinge SVM
    ``train_linear_svm(X[rest], y[rest], lam)`` is trained on the samples outside fold
    :math:`k` and scores the samples inside it:

    .. math::
        s_i = w_{-k}^\top x_i + b_{-k} \quad \text{for } i \in \text{fold } k .

    The same :math:`\lambda` for every fold: the objective averages the loss over the samples,
    so :math:`\lambda` means the same strength whatever their number. (scikit-learn keeps
    :math:`C = 1 / (N \lambda)` fixed instead, so its fold models are penalised
    :math:`N / N_{\text{fold}}` times more.)

    Args:
        X: training samples :math:`(N, D)`, floating point.
        y: labels in {-1, +1}; every fold's complement must hold both classes.
        lam: :math:`\lambda > 0` of the SVM. Default: 0.01.
        folds: :math:`K \ge 2`. Default: 5.

    Returns:
        Scores of shape :math:`(N)`, float64.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; output: :math:`(N)`.

    Example::

        >>> X = torch.tensor([[-2.0], [2.0], [-1.0], [1.0], [-3.0], [3.0]], dtype=torch.float64)
        >>> y = torch.tensor([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0])
        >>> # fold 0 = samples 0, 2, 4 (all -1) would leave its complement with one class:
        >>> out_of_fold_scores(X, y, folds=2)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: fold 0 holds every sample of class -1, ...: use more folds, or shuffle ...
        >>> # three folds: {-2, 1}, {2, -3}, {-1, 3}. Without the first, the hard margin lies
        >>> # between -1 and 2 (w = 2/3, b = -1/3): -2 scores -5/3 and 1 scores 1/3, and so on
        >>> [round(s, 4) for s in out_of_fold_scores(X, y, folds=3).tolist()]
        [-1.6667, 2.0, -0.3333, 0.3333, -3.0, 2.3333]
        >>> # the SVM on all six points (w = 1, b = 0) scores the points on its margin +-1, a
        >>> # model that never saw them only +-1/3: in-sample scores overstate the certainty
    """
    X = check_features(X)
    y = _check_labels(y, X.shape[0], "row of X")
    lam = _check_lam(lam, "lam", "lam=0.01")
    parts = interleaved_folds(X.shape[0], folds)
    Xw, yw = X.to(torch.float64), y.to(torch.float64)
    scores = torch.empty(X.shape[0], dtype=torch.float64, device=X.device)
    for k, test in enumerate(parts):
        train = torch.ones(X.shape[0], dtype=torch.bool)
        train[test] = False
        for label in (-1, 1):
            if not bool((yw[train] == label).any()):
                raise ValueError(
                    f"fold {k} holds every sample of class {label:+d}, so the SVM trained "
                    "without it sees one class: use more folds, or shuffle the samples first "
                    "(e.g. X[perm], y[perm] with perm = torch.randperm(len(y)))"
                )
        svm = train_linear_svm(Xw[train], yw[train], lam=lam)
        scores[test] = svm.decision_function(Xw[test])
    return scores


@dataclass(frozen=True, repr=False)
class PlattCalibratedSVM:
    r"""A linear SVM and the Platt scaling that turns its scores into probabilities.

    Attributes:
        svm: the hinge SVM trained on all the training data (:class:`LinearSVMResult`).
        a: Platt's slope. b: Platt's intercept. :math:`P(y = +1 \mid x) =
            \sigma(a\,f(x) + b)` with :math:`f` the SVM's score.
        out_of_fold: the out-of-fold scores Platt scaling was fitted on, shape :math:`(N)`.
        folds: the number of folds :math:`K`.
    """

    svm: LinearSVMResult
    a: float
    b: float
    out_of_fold: Tensor
    folds: int

    def decision_function(self, X: Tensor) -> Tensor:
        """The SVM's scores :math:`X w + b`, shape ``(N,)``."""
        return self.svm.decision_function(X)

    def predict_proba(self, X: Tensor) -> Tensor:
        r"""Probabilities of class +1, :math:`\sigma(a f(x) + b)`, shape ``(N,)``."""
        return torch.sigmoid(self.a * self.decision_function(X) + self.b)

    def predict(self, X: Tensor) -> Tensor:
        """The SVM's own labels in {-1, +1}, ``svm.predict(X)`` (thresholding
        ``predict_proba`` at 1/2 instead would shift the boundary to :math:`f(x) = -b / a`)."""
        return self.svm.predict(X)

    def __repr__(self) -> str:
        return (
            f"PlattCalibratedSVM(a={self.a:.6g}, b={self.b:.6g}, folds={self.folds}, "
            f"svm={self.svm!r})"
        )


def cross_val_platt(
    X: Tensor, y: Tensor, lam: float = 0.01, folds: int = 5, *, platt_lam: float = 1e-4
) -> PlattCalibratedSVM:
    r"""A linear SVM with Platt scaling fitted on out-of-fold scores of the same training set.

    Three steps, as scikit-learn's ``CalibratedClassifierCV(SVC(kernel="linear"),
    method="sigmoid", ensemble=False)``:

    1. :func:`out_of_fold_scores`: split the :math:`N` samples into :math:`K` folds
       (:func:`interleaved_folds`), train the SVM on :math:`K - 1` of them and score the
       held-out one, so that every sample gets a score from a model that never saw it;
    2. :func:`platt_scaling` on those :math:`N` scores: :math:`(a, b)`;
    3. train the SVM once more on all :math:`N` samples (the same :math:`\lambda`); its scores
       :math:`f(x)` go through :math:`\sigma(a f(x) + b)`.

    No sample is set aside: the SVM and its calibration use the same training set, and a
    logistic regression trained on that set is a fair comparison. Differences from
    scikit-learn, both small: the same :math:`\lambda` (not the same :math:`C`) for the fold
    models and the final one, and plain targets :math:`\{0, 1\}` with a penalty
    ``platt_lam`` (not Platt's softened targets) in step 2.

    Args:
        X: training samples :math:`(N, D)`, floating point.
        y: labels in {-1, +1}.
        lam: :math:`\lambda > 0` of the SVM. Default: 0.01.
        folds: :math:`K \ge 2`. Default: 5.
        platt_lam: :math:`\lambda` of Platt scaling. Default: 1e-4.

    Returns:
        :class:`PlattCalibratedSVM` with ``svm``, ``a``, ``b``, ``out_of_fold`` and
        ``predict_proba(X)``.

    Shape:
        - X: :math:`(N, D)`; y: :math:`(N)`; ``predict_proba(X)``: :math:`(N)`.

    Example::

        >>> from hinge_utils.data import make_binary_blobs
        >>> X, y = make_binary_blobs(n=200, separation=2.0, seed=0, dtype=torch.float64)
        >>> model = cross_val_platt(X, y, lam=0.01, folds=5)
        >>> round(model.a, 2), round(model.b, 2) + 0.0  # a > 1: the scores understate the odds
        (1.45, -0.1)
        >>> p = model.predict_proba(X[:3])
        >>> p.shape, bool(((p > 0) & (p < 1)).all())
        (torch.Size([3]), True)
    """
    X = check_features(X)
    y = _check_labels(y, X.shape[0], "row of X")
    lam = _check_lam(lam, "lam", "lam=0.01")
    platt_lam = _check_lam(platt_lam, "platt_lam", "platt_lam=1e-4")
    folds = _check_folds(folds, X.shape[0])
    scores = out_of_fold_scores(X, y, lam=lam, folds=folds)
    a, b = platt_scaling(scores, y, lam=platt_lam)
    svm = train_linear_svm(X, y, lam=lam)
    return PlattCalibratedSVM(svm=svm, a=a, b=b, out_of_fold=scores, folds=folds)
