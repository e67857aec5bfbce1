r"""The regularised objectives that SVM-style training minimises, binary and multi-class.

Binary (labels :math:`y_i \in \{-1, +1\}`, linear score :math:`f(x) = w^\top x + b`):

.. math::
    J(w, b) = \frac{1}{N}\sum_{i=1}^N \ell\bigl(y_i (w^\top x_i + b)\bigr)
              + \frac{\lambda}{2}\lVert w\rVert^2 \;\Bigl[+ \frac{\lambda}{2} b^2\Bigr]

with :math:`\ell(m)` = ``max(0, 1 - m)`` (hinge), ``max(0, 1 - m)**2`` (squared hinge) or
``log(1 + exp(-m))`` (logistic). The bias is not penalised unless ``regularize_bias=True``.

**Dictionary.** scikit-learn writes the same problem as
:math:`\tfrac12\lVert w\rVert^2 + C\sum_i \ell(m_i)`, which is :math:`J / \lambda` with

.. math::
    \lambda = \frac{1}{N C}, \qquad C = \frac{1}{N \lambda}.

``SVC(kernel="linear")`` leaves the bias unpenalised (``regularize_bias=False``);
``LinearSVC`` (liblinear, ``intercept_scaling=1``) penalises it like a weight
(``regularize_bias=True``). ``torch.optim.SGD(weight_decay=wd)`` adds ``wd * p`` to the gradient
of *every* parameter, bias included: that is :math:`\lambda = \text{wd}` with
``regularize_bias=True``.

Multi-class (scores :math:`s = W x + b`, :math:`W` of shape :math:`(K, D)`):

.. math::
    J(W, b) = \frac{1}{N}\sum_{i=1}^N \ell(s_i, c_i) + \frac{\lambda}{2}\lVert W\rVert_F^2
              \;\Bigl[+ \frac{\lambda}{2}\lVert b\rVert^2\Bigr]

with the Weston-Watkins or Crammer-Singer hinge of :mod:`hinge_utils.functional`, or
cross-entropy.
"""

from __future__ import annotations

import torch
from torch import Tensor

from hinge_utils._validation import (
    Constraint,
    Flag,
    OneOf,
    Real,
    check_class_labels,
    check_features,
    check_linear_model,
    check_parameters,
)
from hinge_utils.functional import functional_margin
from hinge_utils.losses import binary_loss, multiclass_loss, trainable_binary, trainable_multiclass

__all__ = [
    "BINARY_LOSSES",
    "MULTICLASS_LOSSES",
    "multiclass_objective",
    "svm_objective",
]

#: Losses accepted by :func:`svm_objective` and :func:`hinge_utils.training.train_linear_svm`
#: (those of the registry :mod:`hinge_utils.losses` with an exact solver).
BINARY_LOSSES = trainable_binary()
#: Losses accepted by :func:`multiclass_objective` and ``train_linear_multiclass``.
MULTICLASS_LOSSES = trainable_multiclass()

_BINARY_PARAMETERS: dict[str, Constraint] = {
    "lam": Real(0.0, example="lam=0.01 (lam = 1 / (N * C) for scikit-learn's C)"),
    "loss": OneOf(BINARY_LOSSES),
    "regularize_bias": Flag(),
}
_MULTICLASS_PARAMETERS = _BINARY_PARAMETERS | {"loss": OneOf(MULTICLASS_LOSSES)}


def binary_data_loss(scores: Tensor, y: Tensor, loss: str) -> Tensor:
    """Mean of the registry's ``loss`` of the margins ``y * scores``, for validated inputs."""
    return binary_loss(loss).fn(functional_margin(scores, y, validate_args=False)).mean()


def l2_penalty(weight: Tensor, bias: Tensor | float, lam: float, regularize_bias: bool) -> Tensor:
    """``lam / 2 * (||weight||^2 [+ ||bias||^2])``."""
    penalty = weight.square().sum()
    if regularize_bias:
        penalty = penalty + torch.as_tensor(bias, dtype=weight.dtype).square().sum()
    return 0.5 * lam * penalty


def svm_objective(
    weight: Tensor,
    bias: Tensor | float,
    X: Tensor,
    y: Tensor,
    lam: float,
    loss: str = "hinge",
    *,
    regularize_bias: bool = False,
) -> Tensor:
    r"""The regularised SVM objective of a linear model: mean loss of the margins plus L2 penalty.

    .. math::
        J(w, b) = \frac{1}{N}\sum_{i=1}^N \ell\bigl(y_i (w^\top x_i + b)\bigr)
                  + \frac{\lambda}{2}\lVert w\rVert^2 \;\Bigl[+ \frac{\lambda}{2} b^2\Bigr]

    ``loss="hinge"``: :math:`\ell(m) = \max(0, 1 - m)`; ``"squared_hinge"``:
    :math:`\max(0, 1 - m)^2`; ``"logistic"``: :math:`\log(1 + e^{-m})`, computed stably as
    ``softplus(-m)``. With :math:`\lambda = 1/(N C)`,
    :math:`J = \lambda\,(\tfrac12\lVert w\rVert^2 + C\sum_i\ell_i)`: scikit-learn's objective
    times :math:`\lambda`, so both have the same minimiser.

    Args:
        weight: :math:`w`, floating point.
        bias: :math:`b`, a Python number or a 0-d tensor of the dtype of ``weight``.
        X: samples, one per row, same dtype and device as ``weight``.
        y: labels in {-1, +1}.
        lam: :math:`\lambda \ge 0`, the strength of the L2 penalty.
        loss: ``'hinge'`` | ``'squared_hinge'`` | ``'logistic'``. Default: ``'hinge'``.
        regularize_bias: also add :math:`\tfrac{\lambda}{2} b^2`, as ``LinearSVC`` and
            ``optim.SGD(weight_decay=lam)`` do. Default: False (as ``SVC``).

    Shape:
        - weight: :math:`(D)`; bias: scalar; X: :math:`(N, D)`; y: :math:`(N)`.
        - Output: scalar, dtype of ``weight``; differentiable in ``weight`` and ``bias``.

    Example::

        >>> w, b = torch.tensor([1.0, 0.0]), 0.0
        >>> X = torch.tensor([[2.0, 1.0], [0.5, 3.0]])
        >>> y = torch.tensor([1.0, 1.0])
        >>> # margins 2 and 0.5 -> hinge 0 and 0.5, mean 0.25; penalty 0.1 / 2 * 1 = 0.05
        >>> svm_objective(w, b, X, y, lam=0.1)
        tensor(0.3000)
        >>> # squared hinge: (0 + 0.25) / 2 + 0.05
        >>> svm_objective(w, b, X, y, lam=0.1, loss="squared_hinge")
        tensor(0.1750)
    """
    check_linear_model(weight, bias, X, y)
    params = check_parameters(
        _BINARY_PARAMETERS, lam=lam, loss=loss, regularize_bias=regularize_bias
    )
    scores = X @ weight + bias
    return binary_data_loss(scores, y, loss) + l2_penalty(
        weight, bias, params["lam"], regularize_bias
    )


# ---------------------------------------------------------------------------------------------
# Multi-class objective
# ---------------------------------------------------------------------------------------------


def multiclass_data_loss(scores: Tensor, y: Tensor, loss: str) -> Tensor:
    """Mean of the registry's multi-class ``loss`` over the samples."""
    return multiclass_loss(loss)(scores, y)


def _check_multiclass_model(weight: object, bias: object, X: object, y: object) -> None:
    """Checks for ``weight (K, D)``, ``bias (K,)``, ``X (N, D)`` and class indices ``y (N,)``."""
    for name, value in (("weight", weight), ("bias", bias)):
        if not isinstance(value, Tensor) or not value.is_floating_point():
            got = value.dtype if isinstance(value, Tensor) else type(value).__name__
            raise TypeError(
                f"{name} must be a floating-point tensor; got {got}: for an nn.Linear(D, K) "
                f"pass model.{name}"
            )
    assert isinstance(weight, Tensor) and isinstance(bias, Tensor)  # checked just above
    if weight.ndim != 2:
        raise ValueError(
            f"weight must have shape (K, D), one row per class; got shape "
            f"{tuple(weight.shape)}: for an nn.Linear(D, K) pass model.weight"
        )
    num_classes, dim = weight.shape
    if bias.shape != (num_classes,):
        raise ValueError(
            f"bias must have shape (K,) = ({num_classes},), one entry per row of weight; "
            f"got shape {tuple(bias.shape)}: for an nn.Linear(D, K) pass model.bias"
        )
    X = check_features(X)
    if X.shape[1] != dim:
        raise ValueError(
            f"X has {X.shape[1]} columns but weight has D = {dim}: pass one weight column per "
            "feature of X"
        )
    for name, value in (("bias", bias), ("X", X)):
        if value.dtype != weight.dtype:
            raise TypeError(
                f"{name} has dtype {value.dtype} but weight has dtype {weight.dtype}: "
                f"use {name}.to(weight.dtype)"
            )
    check_class_labels(y, X, num_classes)


def multiclass_objective(
    weight: Tensor,
    bias: Tensor,
    X: Tensor,
    y: Tensor,
    lam: float,
    loss: str = "weston_watkins",
    *,
    regularize_bias: bool = False,
) -> Tensor:
    r"""The regularised objective of a linear multi-class model :math:`s = W x + b`.

    .. math::
        J(W, b) = \frac{1}{N}\sum_{i=1}^N \ell(s_i, c_i) + \frac{\lambda}{2}\lVert W\rVert_F^2
                  \;\Bigl[+ \frac{\lambda}{2}\lVert b\rVert^2\Bigr]

    ``loss="weston_watkins"``: :math:`\sum_{k\ne c}\max(0, s_k - s_c + 1)` (the syllabus's
    multi-class hinge); ``"crammer_singer"``: :math:`\max(0, \max_{k\ne c} s_k - s_c + 1)`;
    ``"cross_entropy"``: :math:`-\log\operatorname{softmax}(s)_c`.

    Args:
        weight: :math:`W`, floating point, one row per class.
        bias: :math:`b`, one entry per class, dtype of ``weight``.
        X: samples, one per row, dtype of ``weight``.
        y: class indices in :math:`[0, K)`, integer dtype.
        lam: :math:`\lambda \ge 0`.
        loss: ``'weston_watkins'`` | ``'crammer_singer'`` | ``'cross_entropy'``.
            Default: ``'weston_watkins'``.
        regularize_bias: also penalise :math:`b` (as ``LinearSVC`` does). Default: False.

    Shape:
        - weight: :math:`(K, D)`; bias: :math:`(K)`; X: :math:`(N, D)`; y: :math:`(N)`.
        - Output: scalar, dtype of ``weight``; differentiable in ``weight`` and ``bias``.

    Example::

        >>> W = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> b = torch.zeros(3)
        >>> X = torch.tensor([[2.0, 0.5]])
        >>> y = torch.tensor([0])
        >>> # scores (2, 0.5, 0): terms max(0, 0.5 - 2 + 1) + max(0, 0 - 2 + 1) = 0 + 0
        >>> # penalty 0.1 / 2 * (1 + 1) = 0.1
        >>> multiclass_objective(W, b, X, y, lam=0.1)
        tensor(0.1000)
    """
    _check_multiclass_model(weight, bias, X, y)
    params = check_parameters(
        _MULTICLASS_PARAMETERS, lam=lam, loss=loss, regularize_bias=regularize_bias
    )
    lam = params["lam"]
    scores = X @ weight.T + bias
    return multiclass_data_loss(scores, y, loss) + l2_penalty(weight, bias, lam, regularize_bias)
