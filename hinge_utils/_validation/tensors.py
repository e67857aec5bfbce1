"""Checks of tensors (types, dtypes, shapes, devices, target values) for the losses, one pass
over the targets at most, and the reads beneath torch.func's wrappers they need."""

from __future__ import annotations

import torch

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


def check_margin_tensor(m: object) -> None:
    """Raise unless ``m`` (margins of the zoo's losses) is a floating-point tensor: type and
    dtype only, so a hot loop pays next to nothing."""
    if not isinstance(m, torch.Tensor):
        raise TypeError(
            f"margins must be a torch.Tensor; got {type(m).__name__}: "
            "use torch.tensor(m, dtype=torch.float64)"
        )
    if not m.is_floating_point():
        raise TypeError(
            f"margins must be a floating-point tensor; got dtype {m.dtype}: "
            "use m.to(torch.float32) (or torch.float64)"
        )


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


