"""Inputs of the plotting helpers: tensors or arrays in, checked float64/int numpy arrays out.

Plotting needs numpy arrays; tensors (CPU or CUDA, with or without autograd history) and array
likes are accepted and copied to float64 numpy. Shapes and label values are checked with errors
that say what was received, what was expected, and the fix.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = [
    "as_array",
    "binary_labels",
    "class_labels",
    "points_2d",
    "scalar",
    "weight_2d",
]


def as_array(x: object, name: str) -> np.ndarray:
    """``x`` as a float64 numpy array (a tensor is detached and copied to the CPU)."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().to(torch.float64).numpy()
    if isinstance(x, np.ndarray | list | tuple | numbers.Real) and not isinstance(x, bool):
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must hold real numbers; got an array of dtype {array.dtype}: "
                "pass a torch.Tensor or a numeric numpy array"
            )
        return array.astype(np.float64)
    raise TypeError(
        f"{name} must be a torch.Tensor or a numpy array; got {type(x).__name__}: "
        f"use torch.as_tensor({name})"
    )


def points_2d(X: object, name: str = "X") -> np.ndarray:
    """Points of shape ``(N, 2)``."""
    array = as_array(X, name)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (N, 2), one 2-D point per row; got shape {array.shape}: "
            "these plots draw the plane, so project or pick two features first"
        )
    return array


def weight_2d(weight: object, name: str = "weight") -> np.ndarray:
    """A weight vector of shape ``(2,)``."""
    array = as_array(weight, name)
    if array.shape != (2,):
        fix = (
            f"use {name}.reshape(2) (e.g. model.weight[0] for an nn.Linear(2, 1))"
            if array.size == 2
            else "pass the weight vector w of a linear model on 2-D points"
        )
        raise ValueError(f"{name} must have shape (2,); got shape {array.shape}: {fix}")
    return array


def scalar(value: object, name: str) -> float:
    """A real number: a Python number, or a tensor/array with one element (shape () or (1,))."""
    array = as_array(value, name)
    if array.shape not in ((), (1,)):
        raise ValueError(
            f"{name} must be a single number (shape () or (1,)); got shape {array.shape}: "
            f"pass {name} of a single linear model"
        )
    return float(array.reshape(()))


def binary_labels(y: object, num_points: int, name: str = "y") -> np.ndarray:
    """Labels of shape ``(N,)`` with values in {-1, +1}."""
    array = as_array(y, name)
    if array.shape != (num_points,):
        raise ValueError(
            f"{name} must have shape (N,) = ({num_points},), one label per point; "
            f"got shape {array.shape}: use {name}.reshape(-1)"
        )
    values = set(np.unique(array).tolist())
    if not values <= {-1.0, 1.0}:
        shown = ", ".join(f"{v:g}" for v in sorted(values)[:6])
        fix = "use 2 * y - 1" if values <= {0.0, 1.0} else "map the two classes to -1 and +1"
        raise ValueError(f"{name} must be in {{-1, +1}}; got values {{{shown}}}: {fix}")
    return array


def class_labels(y: object, num_points: int, num_classes: int, name: str = "y") -> np.ndarray:
    """Integer class indices of shape ``(N,)`` in ``[0, K)``."""
    array = as_array(y, name)
    if array.shape != (num_points,):
        raise ValueError(
            f"{name} must have shape (N,) = ({num_points},), one class index per point; "
            f"got shape {array.shape}: use {name}.reshape(-1) (or argmax(1) for one-hot labels)"
        )
    if array.size and (
        not np.array_equal(array, np.round(array)) or array.min() < 0 or array.max() >= num_classes
    ):
        raise ValueError(
            f"{name} must hold class indices in [0, K) = [0, {num_classes}); got values from "
            f"{array.min():g} to {array.max():g}: class indices start at 0, one per row of weight"
        )
    return array.astype(np.int64)
