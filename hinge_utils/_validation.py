"""Input checks for the losses in :mod:`hinge_utils.functional`.

Each check does one job and raises a ``ValueError`` (wrong value or shape) or ``TypeError`` (wrong
type or dtype) whose message names what was received, what was expected, and the fix.

Two kinds of checks, as in torchmetrics:

* argument checks (``check_reduction``, ``check_margin``, ``check_p``) look at Python values only;
  the losses read ``margin`` and ``p`` through :func:`margin_as_float` and :func:`p_as_int`, which
  also take a 0-d tensor as the number it holds, as torch's losses do;
* tensor checks look at types, dtypes, shapes and devices (metadata, free) and, for targets, make
  one pass over the ``N`` targets. No check ever reads the ``N x K`` scores.

The public losses call the composite ``validate_binary_inputs`` / ``validate_class_inputs``, or
skip them all with ``validate_args=False``.

**Under torch.func transforms** (``vmap``, ``grad``, ``jacrev``, ``jacfwd``) the metadata checks
run on what the function sees (one sample's shape under ``vmap``), and the value checks on targets
read the plain tensor beneath the transform's wrappers (:func:`values_beneath_transforms`): under
``vmap`` that is the whole batch of targets, checked in the same single pass as without a
transform. A Python ``bool`` of a batched tensor would be data-dependent control flow, which
``vmap`` refuses; torch has no public way to read beneath the wrappers, so these two helpers use
``torch._C._functorch``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

REDUCTIONS = ("mean", "sum", "none")


# ---------------------------------------------------------------------------------------------
# Argument checks (Python values)
# ---------------------------------------------------------------------------------------------


def check_reduction(reduction: object) -> None:
    """Raise unless ``reduction`` is one of ``'mean'``, ``'sum'``, ``'none'``."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of 'mean', 'sum', 'none'; got {reduction!r}: "
            "use reduction='mean' for the batch average, 'sum' for the total, "
            "'none' for one loss per sample"
        )


def check_margin(margin: object) -> None:
    r"""Raise unless ``margin`` is a finite real Python number (not a bool, not a tensor).

    **The library's one meaning of a valid margin** :math:`\Delta`, for every loss, trainer,
    plot and explorer: any finite real number. That is torch's convention: the multi-class
    hinges here equal ``K * F.multi_margin_loss`` for every margin, and are tested on torch's own
    sample inputs, which include :math:`\Delta = -3.14`. :math:`\Delta = 1` is the usual
    choice; :math:`\Delta = 0` turns the hinge into the perceptron loss :math:`[-m]_+`; a
    negative :math:`\Delta` lets a sample off the hook while it is still within
    :math:`|\Delta|` on the wrong side, which no lesson uses but torch computes. (An explorer's
    slider covers only the useful range, :math:`[0, 3]`.)
    """
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        fix = "use float(margin)" if isinstance(margin, torch.Tensor) else "pass e.g. margin=1.0"
        raise TypeError(f"margin must be a real number; got {type(margin).__name__}: {fix}")
    if not math.isfinite(margin):
        raise ValueError(f"margin must be finite; got {margin!r}: pass e.g. margin=1.0")


def check_p(p: object) -> None:
    """Raise unless ``p`` is 1 (linear hinge) or 2 (squared hinge)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or p not in (1, 2):
        raise ValueError(
            f"p must be 1 or 2; got {p!r}: use p=1 for the hinge, p=2 for the squared hinge"
        )


def _number_in(value: torch.Tensor, name: str) -> object:
    """The Python number a 0-d tensor holds, read as torch reads a tensor passed for a number.

    torch's losses accept a 0-d tensor for a number argument (``margin``, ``p``) and treat it as
    that number, a Python scalar in type promotion; they refuse a tensor with more dimensions or
    one that requires grad (the number is a constant of the loss, not differentiated).
    """
    if value.ndim != 0:
        raise TypeError(
            f"{name} must be one number; got a tensor of shape {_shape(value)}: pass a Python "
            f"number or a 0-d tensor, e.g. float({name}) for a one-element tensor"
        )
    if value.requires_grad:
        raise TypeError(
            f"{name} is a constant of the loss, not differentiated; got a tensor with "
            f"requires_grad=True: pass float({name}.detach())"
        )
    return value.item()


def margin_as_float(margin: object) -> float:
    """``margin`` as a Python float, after :func:`check_margin`; a 0-d real tensor counts as the
    number it holds (as in torch's losses), so it never changes the dtype of the result.

    >>> margin_as_float(1)
    1.0
    >>> margin_as_float(torch.tensor(0.5, dtype=torch.float64))
    0.5
    """
    if isinstance(margin, torch.Tensor):
        margin = _number_in(margin, "margin")
    check_margin(margin)
    return float(margin)  # type: ignore[arg-type]  # check_margin: a finite real number


def p_as_int(p: object) -> int:
    """``p`` as the Python int 1 or 2, after :func:`check_p`; a 0-d tensor counts as the number
    it holds (as in torch's ``multi_margin_loss``).

    >>> p_as_int(torch.tensor(2))
    2
    """
    if isinstance(p, torch.Tensor):
        p = _number_in(p, "p")
    check_p(p)
    return int(p)  # type: ignore[call-overload]  # check_p: 1 or 2


# ---------------------------------------------------------------------------------------------
# torch.func transforms
# ---------------------------------------------------------------------------------------------


def is_transformed(x: torch.Tensor) -> bool:
    """True if ``x`` is wrapped by a ``torch.func`` transform (``vmap``, ``grad``, ...).

    >>> y = torch.tensor([[1, -1], [-1, 1]])
    >>> is_transformed(y)
    False
    >>> torch.func.vmap(lambda row: torch.tensor(is_transformed(row)))(y)  # one per row
    tensor([True, True])
    """
    return torch._C._functorch.is_functorch_wrapped_tensor(x)


def values_beneath_transforms(x: torch.Tensor) -> torch.Tensor:
    """The plain tensor beneath every ``torch.func`` wrapper of ``x``; ``x`` itself if unwrapped.

    Under ``vmap`` it holds the values of the whole batch (the batch dimension included), so a
    check that every value is valid can run on it with ordinary Python control flow.

    >>> y = torch.tensor([[1, -1], [-1, 1]])
    >>> torch.func.vmap(lambda row: values_beneath_transforms(row).sum())(y)  # 1 - 1 - 1 + 1
    tensor([0, 0])
    """
    while is_transformed(x):
        x = torch._C._functorch.get_unwrapped(x)
    return x


# ---------------------------------------------------------------------------------------------
# Tensor checks (types, dtypes, shapes, devices)
# ---------------------------------------------------------------------------------------------


def _shape(x: torch.Tensor) -> tuple[int, ...]:
    return tuple(x.shape)


def check_is_tensor(x: object, name: str, fix: str) -> None:
    """Raise ``TypeError`` unless ``x`` is a ``torch.Tensor``; ``fix`` names the conversion."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(x).__name__}: use {fix}")


def check_float_scores(scores: torch.Tensor) -> None:
    """Raise ``TypeError`` unless the scores have a floating-point dtype."""
    if not scores.is_floating_point():
        raise TypeError(
            f"scores must be floating point (raw model outputs); got dtype {scores.dtype}: "
            "call scores.float()"
        )


def check_same_device(scores: torch.Tensor, other: torch.Tensor, name: str) -> None:
    """Raise unless ``other`` lives on the same device as ``scores``."""
    if other.device != scores.device:
        raise ValueError(
            f"{name} is on {other.device} but scores is on {scores.device}: "
            f"use {name}.to(scores.device)"
        )


def check_binary_scores_shape(scores: torch.Tensor) -> None:
    """Raise unless the binary scores are 1-D, shape ``(N,)``."""
    if scores.ndim == 1:
        return
    shape = _shape(scores)
    if scores.ndim == 2 and shape[1] == 1:
        fix = "use scores.squeeze(1)"
    elif scores.ndim == 2:
        fix = (
            f"for {shape[1]}-class scores use weston_watkins_loss or crammer_singer_loss "
            "with integer class targets"
        )
    elif scores.ndim == 0:
        fix = "use scores.reshape(1) for a single sample"
    else:
        fix = "use scores.reshape(-1) if every entry is one sample's score"
    raise ValueError(f"binary scores must be 1-D, shape (N,); got shape {shape}: {fix}")


def check_binary_targets_shape(scores: torch.Tensor, targets: torch.Tensor) -> None:
    """Raise unless the targets have exactly the shape of the scores (no broadcasting)."""
    if targets.shape != scores.shape:
        raise ValueError(
            f"targets has shape {_shape(targets)} but scores has shape {_shape(scores)}; "
            "they must match exactly (an (N, 1) against an (N,) would broadcast to (N, N)): "
            "use targets.reshape(scores.shape)"
        )


def _describe_values(values: list[int] | list[float], limit: int = 6) -> str:
    """Distinct values as ``{a, b, ...}``, at most ``limit`` of them shown."""
    shown = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values[:limit])
    more = f", ... ({len(values)} distinct)" if len(values) > limit else ""
    return "{" + shown + more + "}"


def _all_plus_minus_one(targets: torch.Tensor) -> bool:
    """True if every entry of a non-empty real tensor is -1 or +1 (one host sync)."""
    if targets.is_floating_point():
        return bool((targets.abs() == 1).all())
    low, high = (bound.long() for bound in torch.aminmax(targets))  # uint8 cannot hold -1
    nonzero = torch.count_nonzero(targets)
    return bool((low >= -1) & (high <= 1) & (nonzero == targets.numel()))


def check_binary_targets(targets: torch.Tensor) -> None:
    """Raise unless the targets are real numbers, every one of them -1 or +1.

    Cheap: integer targets take two read-only reductions (an integer in [-1, 1] that is not 0 is
    -1 or +1); floating targets take one pass, ``(targets.abs() == 1).all()``. Under ``vmap`` the
    values of the whole batch are checked (:func:`values_beneath_transforms`).
    """
    if targets.dtype == torch.bool:
        raise TypeError(
            "binary targets must be labels in {-1, +1}; got dtype torch.bool: use 2 * y.long() - 1"
        )
    if targets.is_complex():
        raise TypeError(
            f"binary targets must be real labels in {{-1, +1}}; got dtype {targets.dtype}: "
            "use an integer or floating-point tensor of -1 and +1"
        )
    plain = values_beneath_transforms(targets)
    if plain.numel() == 0 or _all_plus_minus_one(plain):
        return
    values = torch.unique(plain.detach()).tolist()  # error path only: may be slow
    found = _describe_values(values)
    if set(values) <= {0, 1}:
        fix = "use 2 * y - 1 to map {0, 1} to {-1, +1}"
    else:
        fix = "map your two classes to -1 and +1, e.g. torch.where(y == positive_class, 1, -1)"
    raise ValueError(f"binary targets must be in {{-1, +1}}; got values {found}: {fix}")


def check_class_scores_shape(scores: torch.Tensor) -> None:
    """Raise unless the class scores are 2-D, shape ``(N, K)`` with ``K >= 2``."""
    shape = _shape(scores)
    if scores.ndim == 1:
        raise ValueError(
            f"class scores must be 2-D, shape (N, K); got 1-D shape {shape}: for binary scores "
            "use hinge_loss with targets in {-1, +1}; for a single sample use scores.unsqueeze(0)"
        )
    if scores.ndim != 2:
        raise ValueError(
            f"class scores must be 2-D, shape (N, K); got shape {shape}: "
            "use scores.reshape(-1, K) with K the number of classes"
        )
    if shape[1] < 2:
        raise ValueError(
            f"class scores need K >= 2 columns, one per class; got shape {shape}: for one "
            "score per sample use hinge_loss(scores.squeeze(1), targets) with targets in {-1, +1}"
        )


def check_class_targets(
    scores: torch.Tensor,
    targets: torch.Tensor,
    *,
    name: str = "targets",
    rows_of: str = "scores",
) -> None:
    """Raise unless the targets are integer class indices of shape ``(N,)`` in ``[0, K)``.

    One pass over the ``N`` targets (``torch.aminmax``); the scores are not read (only their
    shape ``(N, K)``: a ``meta`` tensor does). Under ``vmap`` the targets of the whole batch are
    checked (:func:`values_beneath_transforms`). ``name`` and ``rows_of`` name the arguments in
    the messages (``"y"`` and ``"X"`` for a trainer).
    """
    num_samples, num_classes = scores.shape
    what = "class targets" if name == "targets" else name
    if targets.dtype == torch.bool or targets.is_floating_point() or targets.is_complex():
        raise TypeError(
            f"{what} must be integer class indices; got dtype {targets.dtype}: "
            f"use {name}.long()"
        )
    if targets.ndim != 1:
        shape = _shape(targets)
        if targets.ndim == 2 and shape[1] == 1:
            fix = f"use {name}.squeeze(1)"
        elif targets.ndim == 2 and shape[1] == num_classes:
            fix = f"for one-hot {name} use {name}.argmax(dim=1)"
        else:
            fix = f"use {name}.reshape(-1)"
        raise ValueError(f"{what} must be 1-D, shape (N,); got shape {shape}: {fix}")
    if targets.shape[0] != num_samples:
        raise ValueError(
            f"{rows_of} has {num_samples} rows but {name} has {targets.shape[0]} entries: "
            f"pass one class index per row of {rows_of}"
        )
    if num_samples == 0:
        return
    low, high = torch.aminmax(values_beneath_transforms(targets))
    if bool((low < 0) | (high >= num_classes)):
        raise ValueError(
            f"{what} must be in [0, K) = [0, {num_classes}); got min {int(low)}, "
            f"max {int(high)}: class indices start at 0 (for labels 1..K use {name} - 1)"
        )


def check_class_labels(y: object, X: torch.Tensor, num_classes: int) -> torch.Tensor:
    """A trainer's class labels: a tensor ``y`` of ``N`` integer indices in ``[0, K)`` on the
    device of ``X (N, D)`` (the checks of :func:`check_class_targets`, named ``y`` and ``X``)."""
    if not isinstance(y, torch.Tensor):
        raise TypeError(
            f"y must be a torch.Tensor of class indices; got {type(y).__name__}: "
            "use torch.as_tensor(y, dtype=torch.long)"
        )
    if y.device != X.device:
        raise ValueError(f"y is on {y.device} but X is on {X.device}: use y.to(X.device)")
    shape = torch.empty(X.shape[0], num_classes, device="meta")
    check_class_targets(shape, y, name="y", rows_of="X")
    return y


def check_weight(weight: torch.Tensor, scores: torch.Tensor | None = None) -> None:
    """Raise unless ``weight`` is a floating tensor of shape ``(K,)``.

    With ``scores`` given, also check ``K = scores.shape[1]``, the dtype and the device.
    """
    check_is_tensor(weight, "weight", "torch.as_tensor(weight, dtype=scores.dtype)")
    if not weight.is_floating_point():
        raise TypeError(
            f"weight must be floating point; got dtype {weight.dtype}: call weight.float()"
        )
    if weight.ndim != 1:
        raise ValueError(
            f"weight must be 1-D, shape (K,), one entry per class; got shape {_shape(weight)}: "
            "use weight.reshape(-1)"
        )
    if scores is None:
        return
    num_classes = scores.shape[1]
    if weight.shape[0] != num_classes:
        raise ValueError(
            f"weight must have shape (K,) = ({num_classes},), one entry per class of scores; "
            f"got shape {_shape(weight)}: pass one weight per column of scores"
        )
    if weight.dtype != scores.dtype:
        raise TypeError(
            f"weight has dtype {weight.dtype} but scores has dtype {scores.dtype}: "
            "use weight.to(scores.dtype)"
        )
    check_same_device(scores, weight, "weight")


# ---------------------------------------------------------------------------------------------
# Composite checks, one per family of losses
# ---------------------------------------------------------------------------------------------


def validate_binary_inputs(scores: torch.Tensor, targets: torch.Tensor) -> None:
    """All checks for binary scores ``(N,)`` and targets ``(N,)`` in {-1, +1}."""
    check_is_tensor(scores, "scores", "torch.as_tensor(scores, dtype=torch.float32)")
    check_is_tensor(targets, "targets", "torch.as_tensor(targets)")
    check_float_scores(scores)
    check_binary_scores_shape(scores)
    check_binary_targets_shape(scores, targets)
    check_same_device(scores, targets, "targets")
    check_binary_targets(targets)


def validate_class_inputs(
    scores: torch.Tensor, targets: torch.Tensor, weight: torch.Tensor | None = None
) -> None:
    """All checks for class scores ``(N, K)``, class indices ``(N,)`` and an optional weight."""
    check_is_tensor(scores, "scores", "torch.as_tensor(scores, dtype=torch.float32)")
    check_is_tensor(targets, "targets", "torch.as_tensor(targets, dtype=torch.long)")
    check_float_scores(scores)
    check_class_scores_shape(scores)
    check_same_device(scores, targets, "targets")
    if weight is not None:
        check_weight(weight, scores)
    check_class_targets(scores, targets)


# ---------------------------------------------------------------------------------------------
# Declarative parameter checks (in the spirit of scikit-learn's _parameter_constraints)
# ---------------------------------------------------------------------------------------------


def check_real(value: object, name: str, fix: str = "") -> float:
    """``value`` as a float if it is a finite real Python number (not a bool), else raise.

    >>> check_real(2, "tau")
    2.0
    """
    suffix = f": {fix}" if fix else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}{suffix}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}{suffix}")
    return float(value)


@dataclass(frozen=True)
class Real:
    """A finite real Python number (not a bool) with ``value > low`` (``open``) or ``>= low``.

    ``example`` is the fix the error message names, e.g. ``"lam=0.01"``.
    """

    low: float = -math.inf
    open: bool = False
    example: str = ""

    def __call__(self, value: object, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{name} must be a real number; got {type(value).__name__}: pass e.g. "
                f"{self.example}"
            )
        below = value <= self.low if self.open else value < self.low
        if not math.isfinite(value) or below:
            sign = ">" if self.open else ">="
            bound = "" if self.low == -math.inf else f" and {sign} {self.low:g}"
            raise ValueError(
                f"{name} must be finite{bound}; got {value!r}: pass e.g. {self.example}"
            )
        return float(value)


@dataclass(frozen=True)
class Integer:
    """A Python int (not a bool) ``>= low``."""

    low: int = 1
    example: str = ""

    def __call__(self, value: object, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < self.low:
            kind = "a positive int" if self.low == 1 else f"an int >= {self.low}"
            raise ValueError(f"{name} must be {kind}; got {value!r}: pass e.g. {self.example}")
        return int(value)


@dataclass(frozen=True)
class Flag:
    """``True`` or ``False`` (not 0 or 1: a number there is usually an argument out of place)."""

    def __call__(self, value: object, name: str) -> bool:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
        return value


@dataclass(frozen=True)
class OneOf:
    """One of a few strings, e.g. the loss names a trainer accepts."""

    choices: tuple[str, ...]

    def __call__(self, value: object, name: str) -> str:
        if not isinstance(value, str) or value not in self.choices:
            options = ", ".join(repr(choice) for choice in self.choices)
            raise ValueError(f"{name} must be one of {options}; got {value!r}")
        return value


Constraint = Real | Integer | Flag | OneOf

#: lam of the trainers: the weight of the L2 penalty, > 0.
LAM = Real(0.0, open=True, example="lam=0.01 (lam = 1 / (N * C) for scikit-learn's C)")


def check_parameters(constraints: Mapping[str, Constraint], **values: Any) -> dict[str, Any]:
    """Check every keyword argument against its constraint; return the converted values.

    A function declares its parameters once, as a module-level table, and calls this first::

        >>> table = {"lam": Real(0.0, open=True, example="lam=0.01"),
        ...          "epochs": Integer(1, "epochs=200")}
        >>> check_parameters(table, lam=1, epochs=3)
        {'lam': 1.0, 'epochs': 3}
        >>> check_parameters(table, lam=0.0, epochs=3)
        Traceback (most recent call last):
        ...
        ValueError: lam must be finite and > 0; got 0.0: pass e.g. lam=0.01
    """
    return {name: constraints[name](value, name) for name, value in values.items()}


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
