"""Bad input to the hinge losses: a clear ValueError/TypeError that names the fix, never silence."""

from __future__ import annotations

import re

import pytest
import torch

from hinge_utils.functional import (
    crammer_singer_loss,
    functional_margin,
    hinge_loss,
    hinge_subgradient,
    squared_hinge_loss,
    weston_watkins_loss,
)
from hinge_utils.modules import CrammerSingerLoss, HingeLoss, SquaredHingeLoss, WestonWatkinsLoss

BINARY_FUNCTIONS = [hinge_loss, squared_hinge_loss, functional_margin, hinge_subgradient]
CLASS_FUNCTIONS = [weston_watkins_loss, crammer_singer_loss]


def binary_inputs(n=4):
    return torch.tensor([0.5, -1.0, 2.0, 0.1])[:n], torch.tensor([1, -1, 1, -1])[:n]


def class_inputs():
    return torch.tensor([[0.1, 0.2, 0.4], [1.0, 0.0, 0.5]]), torch.tensor([2, 0])


# ---------------------------------------------------------------------------------------------
# Binary targets and shapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", BINARY_FUNCTIONS)
def test_zero_one_targets_name_the_mapping(fn):
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("got values {0, 1}: use 2 * y - 1")):
        fn(scores, torch.tensor([1, 0, 1, 0]))


def test_zero_one_float_targets_name_the_mapping():
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("got values {0, 1}: use 2 * y - 1")):
        hinge_loss(scores, torch.tensor([1.0, 0.0, 1.0, 0.0]))


@pytest.mark.parametrize(
    ("targets", "shown"),
    [([1, 2, 1, 2], "{1, 2}"), ([1.0, -1.0, 0.5, 1.0], "{-1, 0.5, 1}"), ([1, -1, 0, 3], "{-1")],
)
def test_other_binary_targets_name_the_mapping(targets, shown):
    scores, _ = binary_inputs()
    message = re.escape(f"got values {shown}") + ".*map your two classes to -1 and \\+1"
    with pytest.raises(ValueError, match=message):
        hinge_loss(scores, torch.tensor(targets))


def test_nan_targets_are_refused():
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=r"must be in \{-1, \+1\}; got values \{.*nan"):
        hinge_loss(scores, torch.tensor([1.0, float("nan"), 1.0, -1.0]))


def test_bool_targets_are_a_type_error():
    scores, _ = binary_inputs()
    with pytest.raises(TypeError, match=re.escape("torch.bool: use 2 * y.long() - 1")):
        hinge_loss(scores, torch.tensor([True, False, True, False]))


@pytest.mark.parametrize("fn", BINARY_FUNCTIONS)
def test_column_targets_never_broadcast(fn):
    scores, targets = binary_inputs()
    with pytest.raises(ValueError, match=r"shape \(4, 1\) but scores has shape \(4,\).*reshape"):
        fn(scores, targets[:, None])


def test_targets_of_another_length_are_refused():
    scores, targets = binary_inputs()
    with pytest.raises(ValueError, match=r"shape \(3,\) but scores has shape \(4,\)"):
        hinge_loss(scores, targets[:3])


@pytest.mark.parametrize("fn", BINARY_FUNCTIONS)
def test_column_scores_name_squeeze(fn):
    scores, targets = binary_inputs()
    with pytest.raises(ValueError, match=r"got shape \(4, 1\): use scores.squeeze\(1\)"):
        fn(scores[:, None], targets[:, None])


def test_class_scores_to_a_binary_loss_name_the_class_losses():
    scores, _ = class_inputs()
    with pytest.raises(ValueError, match="1-D.*weston_watkins_loss or crammer_singer_loss"):
        hinge_loss(scores, torch.ones(2, 3))


@pytest.mark.parametrize(
    ("shape", "fix"), [((), "scores.reshape(1)"), ((2, 2, 1), "scores.reshape(-1)")]
)
def test_other_binary_score_shapes_name_a_reshape(shape, fix):
    with pytest.raises(ValueError, match=re.escape(fix)):
        hinge_loss(torch.zeros(shape), torch.ones(shape))


# ---------------------------------------------------------------------------------------------
# Class scores and targets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
@pytest.mark.parametrize("bad", [-1, 3])
def test_class_targets_out_of_range(fn, bad):
    scores, _ = class_inputs()
    message = re.escape("must be in [0, K) = [0, 3); got min") + ".*class indices start at 0"
    with pytest.raises(ValueError, match=message):
        fn(scores, torch.tensor([0, bad]))


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_float_class_targets_name_long(fn):
    scores, targets = class_inputs()
    with pytest.raises(TypeError, match=re.escape("torch.float32: use targets.long()")):
        fn(scores, targets.float())


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_bool_class_targets_name_long(fn):
    scores, _ = class_inputs()
    with pytest.raises(TypeError, match=re.escape("torch.bool: use targets.long()")):
        fn(scores, torch.tensor([True, False]))


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_class_batch_sizes_differ(fn):
    scores, _ = class_inputs()
    with pytest.raises(ValueError, match="scores has 2 rows but targets has 3 entries"):
        fn(scores, torch.tensor([0, 1, 2]))


@pytest.mark.parametrize(
    ("targets", "fix"),
    [
        (torch.tensor([[2], [0]]), "targets.squeeze(1)"),
        (torch.tensor([[0, 0, 1], [1, 0, 0]]), "targets.argmax(dim=1)"),
        (torch.tensor([[[2]], [[0]]]), "targets.reshape(-1)"),
    ],
)
@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_class_target_shapes_name_the_fix(fn, targets, fix):
    scores, _ = class_inputs()
    with pytest.raises(ValueError, match=re.escape(fix)):
        fn(scores, targets)


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_one_dimensional_scores_to_a_class_loss_name_hinge_loss(fn):
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=r"got 1-D shape \(4,\): for binary scores use hinge_loss"):
        fn(scores, torch.tensor([0, 1, 0, 1]))


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_three_dimensional_class_scores(fn):
    with pytest.raises(ValueError, match=re.escape("use scores.reshape(-1, K)")):
        fn(torch.zeros(2, 3, 4), torch.tensor([0, 1]))


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_a_single_class_column_is_refused(fn):
    with pytest.raises(ValueError, match=r"K >= 2.*hinge_loss\(scores.squeeze\(1\), targets\)"):
        fn(torch.zeros(3, 1), torch.tensor([0, 0, 0]))


# ---------------------------------------------------------------------------------------------
# Types, dtypes, devices
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", BINARY_FUNCTIONS)
def test_non_tensor_binary_inputs_name_as_tensor(fn):
    scores, targets = binary_inputs()
    with pytest.raises(
        TypeError, match=r"scores must be a torch.Tensor; got list.*torch.as_tensor"
    ):
        fn(scores.tolist(), targets)
    with pytest.raises(
        TypeError, match=r"targets must be a torch.Tensor; got list.*torch.as_tensor"
    ):
        fn(scores, targets.tolist())


@pytest.mark.parametrize("fn", CLASS_FUNCTIONS)
def test_non_tensor_class_inputs_name_as_tensor(fn):
    scores, targets = class_inputs()
    with pytest.raises(TypeError, match=r"scores must be a torch.Tensor.*torch.as_tensor"):
        fn(scores.numpy(), targets)
    with pytest.raises(
        TypeError, match=r"targets must be a torch.Tensor; got list.*torch.as_tensor"
    ):
        fn(scores, targets.tolist())


@pytest.mark.parametrize("fn", BINARY_FUNCTIONS + CLASS_FUNCTIONS)
def test_integer_scores_name_float(fn):
    if fn in CLASS_FUNCTIONS:
        scores, targets = torch.tensor([[1, 0, 2]]), torch.tensor([0])
    else:
        scores, targets = torch.tensor([1, -2]), torch.tensor([1, -1])
    with pytest.raises(TypeError, match=re.escape("got dtype torch.int64: call scores.float()")):
        fn(scores, targets)


def test_targets_on_another_device():
    scores, targets = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("use targets.to(scores.device)")):
        hinge_loss(scores, targets.to("meta"))
    class_scores, class_targets = class_inputs()
    with pytest.raises(ValueError, match=re.escape("use targets.to(scores.device)")):
        weston_watkins_loss(class_scores, class_targets.to("meta"))


def test_targets_requiring_grad_name_detach():
    scores, _ = binary_inputs()
    targets = torch.tensor([1.0, -1.0, 1.0, 1.0], requires_grad=True)
    for fn in (hinge_loss, squared_hinge_loss):
        with pytest.raises(ValueError, match=re.escape("pass targets.detach()")):
            fn(scores, targets)


# ---------------------------------------------------------------------------------------------
# Weight
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "error", "message"),
    [
        (
            torch.ones(4),
            ValueError,
            "shape (K,) = (3,), one entry per class of scores; got shape (4,)",
        ),
        (torch.ones(3, 1), ValueError, "got shape (3, 1): use weight.reshape(-1)"),
        (torch.ones(3, dtype=torch.float64), TypeError, "use weight.to(scores.dtype)"),
        (torch.ones(3, dtype=torch.long), TypeError, "call weight.float()"),
        ([1.0, 1.0, 1.0], TypeError, "got list: use torch.as_tensor(weight, dtype=scores.dtype)"),
        (torch.ones(3, device="meta"), ValueError, "use weight.to(scores.device)"),
    ],
)
def test_bad_weight(weight, error, message):
    scores, targets = class_inputs()
    with pytest.raises(error, match=re.escape(message)):
        weston_watkins_loss(scores, targets, weight=weight)


def test_weight_requiring_grad_names_detach():
    scores, targets = class_inputs()
    weight = torch.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("pass weight.detach()")):
        weston_watkins_loss(scores, targets, weight=weight)


# ---------------------------------------------------------------------------------------------
# Arguments: reduction, p, margin (checked even with validate_args=False: they are free)
# ---------------------------------------------------------------------------------------------

ALL_LOSSES = [hinge_loss, squared_hinge_loss, weston_watkins_loss, crammer_singer_loss]


def inputs_for(fn):
    return class_inputs() if fn in CLASS_FUNCTIONS else binary_inputs()


@pytest.mark.parametrize("fn", ALL_LOSSES)
@pytest.mark.parametrize("reduction", ["avg", "Mean", None, "elementwise_mean"])
@pytest.mark.parametrize("validate_args", [True, False])
def test_bad_reduction(fn, reduction, validate_args):
    message = re.escape(f"one of 'mean', 'sum', 'none'; got {reduction!r}")
    with pytest.raises(ValueError, match=message):
        fn(*inputs_for(fn), reduction=reduction, validate_args=validate_args)


@pytest.mark.parametrize("p", [0, 3, 1.5, True, "1"])
@pytest.mark.parametrize("validate_args", [True, False])
def test_bad_p(p, validate_args):
    with pytest.raises(ValueError, match=re.escape(f"p must be 1 or 2; got {p!r}: use p=1")):
        weston_watkins_loss(*class_inputs(), p=p, validate_args=validate_args)


@pytest.mark.parametrize("fn", ALL_LOSSES + [hinge_subgradient])
def test_margin_must_be_a_finite_number(fn):
    with pytest.raises(TypeError, match="margin must be a real number; got str"):
        fn(*inputs_for(fn), margin="1")
    with pytest.raises(TypeError, match="got bool"):
        fn(*inputs_for(fn), margin=True)
    with pytest.raises(ValueError, match="margin must be finite; got inf"):
        fn(*inputs_for(fn), margin=float("inf"))


@pytest.mark.parametrize("fn", ALL_LOSSES + [hinge_subgradient])
def test_tensor_margins(fn):
    # A 0-d tensor counts as the number it holds, as in torch's losses; the checks on that
    # number still apply. More dimensions, or requires_grad=True, are refused (torch too).
    torch.testing.assert_close(
        fn(*inputs_for(fn), margin=torch.tensor(0.5, dtype=torch.float64)),
        fn(*inputs_for(fn), margin=0.5),
    )
    with pytest.raises(TypeError, match=re.escape("got a tensor of shape (2,): pass a Python")):
        fn(*inputs_for(fn), margin=torch.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match=re.escape("requires_grad=True: pass float(margin.detach")):
        fn(*inputs_for(fn), margin=torch.tensor(1.0, requires_grad=True))
    with pytest.raises(TypeError, match="got bool"):
        fn(*inputs_for(fn), margin=torch.tensor(True))
    with pytest.raises(ValueError, match="margin must be finite; got nan"):
        fn(*inputs_for(fn), margin=torch.tensor(float("nan")))


@pytest.mark.parametrize("validate_args", [True, False])
def test_tensor_p(validate_args):
    scores, targets = class_inputs()
    torch.testing.assert_close(
        weston_watkins_loss(scores, targets, p=torch.tensor(2), validate_args=validate_args),
        weston_watkins_loss(scores, targets, p=2),
    )
    with pytest.raises(ValueError, match=re.escape("p must be 1 or 2; got 3")):
        weston_watkins_loss(scores, targets, p=torch.tensor(3), validate_args=validate_args)
    with pytest.raises(TypeError, match=re.escape("p must be one number")):
        weston_watkins_loss(scores, targets, p=torch.tensor([1]), validate_args=validate_args)


# ---------------------------------------------------------------------------------------------
# Modules check their options at construction and their inputs at call
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module", [HingeLoss, SquaredHingeLoss, WestonWatkinsLoss, CrammerSingerLoss]
)
def test_modules_check_options_at_construction(module):
    with pytest.raises(ValueError, match="reduction must be one of"):
        module(reduction="avg")
    with pytest.raises(TypeError, match="margin must be a real number"):
        module(margin="1")


def test_weston_watkins_module_checks_p_and_weight_at_construction():
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        WestonWatkinsLoss(p=3)
    with pytest.raises(ValueError, match=re.escape("use weight.reshape(-1)")):
        WestonWatkinsLoss(weight=torch.ones(2, 2))
    with pytest.raises(TypeError, match="weight must be a torch.Tensor"):
        WestonWatkinsLoss(weight=[1.0, 2.0])


def test_modules_check_inputs_at_call():
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("use 2 * y - 1")):
        HingeLoss()(scores, torch.tensor([0, 1, 0, 1]))
    class_scores, _ = class_inputs()
    with pytest.raises(ValueError, match=re.escape("[0, 3)")):
        CrammerSingerLoss()(class_scores, torch.tensor([0, 5]))
    with pytest.raises(ValueError, match=re.escape("(K,) = (3,)")):
        WestonWatkinsLoss(weight=torch.ones(2))(class_scores, torch.tensor([0, 1]))


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16, torch.int32, torch.int64])
def test_integer_targets_with_a_zero_inside_the_range_are_refused(dtype):
    # min -1 and max 1 are in range: only the zero gives the labels away.
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("got values {-1, 0, 1}")):
        hinge_loss(scores, torch.tensor([-1, 0, 1, 1], dtype=dtype))


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16, torch.int32, torch.uint8])
def test_small_integer_targets_in_range_are_accepted(dtype):
    scores, _ = binary_inputs()
    targets = torch.tensor([1, 1, 1, 1], dtype=dtype)
    # by hand: max(0, 1 - 0.5) + max(0, 1 + 1) + max(0, 1 - 2) + max(0, 1 - 0.1) = 0.5 + 2 + 0 + 0.9
    torch.testing.assert_close(hinge_loss(scores, targets, reduction="sum"), torch.tensor(3.4))


def test_uint8_zero_one_targets_are_refused():
    scores, _ = binary_inputs()
    with pytest.raises(ValueError, match=re.escape("use 2 * y - 1")):
        hinge_loss(scores, torch.tensor([1, 0, 1, 0], dtype=torch.uint8))
