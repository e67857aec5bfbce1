"""Checks of a linear model and its data: ``weight (D,)``, ``bias``, ``X (N, D)``, labels, and
the training data of the trainers."""

from __future__ import annotations

import numbers

import torch

from hinge_utils._validation.tensors import check_binary_targets

# ---------------------------------------------------------------------------------------------
# Linear models and their data: weight (D,), bias, X (N, D), labels
# ---------------------------------------------------------------------------------------------


def check_linear_weight(weight: object) -> torch.Tensor:
    """Raise unless ``weight`` is a floating tensor of shape ``(D,)``."""
    if not isinstance(weight, torch.Tensor):
        raise TypeError(
            f"weight must be a torch.Tensor of shape (D,); got {type(weight).__name__}: "
            "use torch.as_tensor(weight, dtype=torch.float32)"
        )
    if not weight.is_floating_point():
        raise TypeError(f"weight must be floating point; got dtype {weight.dtype}: use .float()")
    if weight.ndim != 1:
        fix = (
            "for an nn.Linear(D, 1) pass model.weight.squeeze(0)"
            if weight.ndim == 2 and weight.shape[0] == 1
            else "use weight.reshape(-1)"
        )
        raise ValueError(f"weight must be 1-D, shape (D,); got shape {tuple(weight.shape)}: {fix}")
    return weight


def check_bias(bias: object, weight: torch.Tensor) -> torch.Tensor | float:
    """Raise unless ``bias`` is a real number or a 0-d floating tensor like ``weight``."""
    if isinstance(bias, torch.Tensor):
        if bias.ndim != 0:
            fix = (
                "for an nn.Linear(D, 1) pass model.bias.squeeze(0)"
                if bias.shape == (1,)
                else "pass one number"
            )
            raise ValueError(f"bias must be a scalar (0-d); got shape {tuple(bias.shape)}: {fix}")
        if bias.dtype == torch.bool or bias.is_complex():
            raise TypeError(
                f"bias must be a real number or a 0-d real tensor; got dtype {bias.dtype}: "
                "pass e.g. bias=0.0"
            )
        # A 0-d bias of another dtype promotes as torch promotes a 0-d tensor: like a Python
        # number (float64 weights with a float32 bias give float64 scores).
        return bias
    if isinstance(bias, bool) or not isinstance(bias, numbers.Real):
        raise TypeError(
            f"bias must be a real number or a 0-d tensor; got {type(bias).__name__}: "
            "pass e.g. bias=0.0"
        )
    return float(bias)


def check_features(X: object, name: str = "X") -> torch.Tensor:
    """Raise unless ``X`` is a floating tensor of shape ``(N, D)``."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape (N, D); got {type(X).__name__}: "
            f"use torch.as_tensor({name}, dtype=torch.float32)"
        )
    if not X.is_floating_point():
        raise TypeError(f"{name} must be floating point; got dtype {X.dtype}: use {name}.float()")
    if X.ndim != 2:
        fix = (
            f"for one feature per sample use {name}.reshape(-1, 1); "
            f"for a single sample use {name}.reshape(1, -1)"
            if X.ndim == 1
            else f"use {name}.reshape(len({name}), -1)"
        )
        raise ValueError(
            f"{name} must be 2-D, shape (N, D): one row per sample; got shape "
            f"{tuple(X.shape)}: {fix}"
        )
    return X


def check_binary_labels(y: object, X: torch.Tensor) -> torch.Tensor:
    """Raise unless ``y`` is a tensor of shape ``(N,)`` with values in {-1, +1}."""
    if not isinstance(y, torch.Tensor):
        raise TypeError(
            f"y must be a torch.Tensor of shape (N,); got {type(y).__name__}: "
            "use torch.as_tensor(y)"
        )
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        fix = "use y.reshape(-1)" if y.numel() == X.shape[0] else "pass one label per row of X"
        raise ValueError(
            f"y must have shape (N,) = ({X.shape[0]},), one label per row of X; got shape "
            f"{tuple(y.shape)}: {fix}"
        )
    if y.device != X.device:
        raise ValueError(f"y is on {y.device} but X is on {X.device}: use y.to(X.device)")
    check_binary_targets(y)
    return y


def check_linear_model(weight: object, bias: object, X: object, y: object) -> None:
    """All checks for a linear model ``(weight (D,), bias)`` applied to data ``(X (N, D), y)``."""
    weight = check_linear_weight(weight)
    check_bias(bias, weight)
    X = check_features(X)
    if X.shape[1] != weight.shape[0]:
        raise ValueError(
            f"weight has {weight.shape[0]} entries but X has {X.shape[1]} features (columns): "
            "pass one weight per column of X"
        )
    if X.dtype != weight.dtype:
        raise TypeError(
            f"X has dtype {X.dtype} but weight has dtype {weight.dtype}: use X.to(weight.dtype)"
        )
    if X.device != weight.device:
        raise ValueError(
            f"X is on {X.device} but weight is on {weight.device}: use X.to(weight.device)"
        )
    check_binary_labels(y, X)


def check_training_features(X: object) -> torch.Tensor:
    """Training samples: a finite float32 or float64 ``X (N, D)`` with at least one row."""
    X = check_features(X)
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


def check_training_data(X: object, y: object) -> tuple[torch.Tensor, torch.Tensor]:
    """Binary training data: floating finite ``X (N, D)`` and both labels of {-1, +1} in ``y``."""
    X = check_training_features(X)
    y = check_binary_labels(y, X)
    n_positive = int((y > 0).sum())
    if n_positive in (0, len(y)):
        only = "+1" if n_positive else "-1"
        raise ValueError(
            f"y contains only the label {only} ({len(y)} samples): a classifier needs examples "
            "of both classes -1 and +1"
        )
    return X, y
