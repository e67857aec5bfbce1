"""The library's one validation layer: every public function checks its input here.

Three modules: :mod:`~hinge_utils._validation.arguments` (Python arguments, and the declarative
parameter checks :class:`Real`, :class:`Integer`, :class:`Flag`, :class:`OneOf` with
:func:`check_parameters`, in the spirit of scikit-learn's ``_parameter_constraints``: a trainer
declares its parameters once, as a table), :mod:`~hinge_utils._validation.tensors` (the losses'
tensors) and :mod:`~hinge_utils._validation.models` (a linear model and its data; the trainers'
training data). Everything is importable from ``hinge_utils._validation``.

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

from hinge_utils._validation.arguments import (
    LAM,
    REDUCTIONS,
    Constraint,
    Flag,
    Integer,
    OneOf,
    Real,
    check_margin,
    check_p,
    check_parameters,
    check_ramp_s,
    check_real,
    check_reduction,
    check_tau,
    margin_as_float,
    p_as_int,
)
from hinge_utils._validation.models import (
    check_bias,
    check_binary_labels,
    check_features,
    check_linear_model,
    check_linear_weight,
    check_training_data,
    check_training_features,
)
from hinge_utils._validation.tensors import (
    check_binary_scores_shape,
    check_binary_targets,
    check_binary_targets_shape,
    check_class_labels,
    check_class_scores_shape,
    check_class_targets,
    check_float_scores,
    check_is_tensor,
    check_margin_tensor,
    check_same_device,
    check_weight,
    is_transformed,
    validate_binary_inputs,
    validate_class_inputs,
    values_beneath_transforms,
)

__all__ = [
    "Constraint",
    "Flag",
    "Integer",
    "LAM",
    "OneOf",
    "REDUCTIONS",
    "Real",
    "check_bias",
    "check_binary_labels",
    "check_binary_scores_shape",
    "check_binary_targets",
    "check_binary_targets_shape",
    "check_class_labels",
    "check_class_scores_shape",
    "check_class_targets",
    "check_features",
    "check_float_scores",
    "check_is_tensor",
    "check_linear_model",
    "check_linear_weight",
    "check_margin_tensor",
    "check_margin",
    "check_p",
    "check_parameters",
    "check_ramp_s",
    "check_real",
    "check_reduction",
    "check_same_device",
    "check_tau",
    "check_training_data",
    "check_training_features",
    "check_weight",
    "is_transformed",
    "margin_as_float",
    "p_as_int",
    "validate_binary_inputs",
    "validate_class_inputs",
    "values_beneath_transforms",
]
