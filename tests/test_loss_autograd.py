"""The hinge losses compose with autograd as torch's own losses do.

Batched backward (``is_grads_batched``, vectorized Jacobians, ``gradcheck`` with
``check_batched_grad=True``), forward mode (``jvp``, ``jacfwd``), second derivatives (double
backward, ``hessian``), torch's autocast policy for losses and its promotion of 0-d tensors, each
against an independent oracle.

The second half ports upstream test cases as oracles, restated (not copied) with their source:

* PyTorch ``torch/testing/_internal/common_methods_invocations.py``:
  ``sample_inputs_multi_margin_loss``, ``reference_inputs_multi_margin_loss`` and
  ``error_inputs_multi_margin_loss``;
* PyTorch ``torch/testing/_internal/common_nn.py``: the ``multimarginloss_*_no_reduce_test``
  criterion tests and ``CriterionTest`` (gradcheck and gradgradcheck with
  ``check_batched_grad=True``); ``torch/testing/_internal/common_modules.py``:
  ``module_inputs_torch_nn_MultiMarginLoss`` and ``module_error_inputs_torch_nn_MultiMarginLoss``;
* scikit-learn ``sklearn/metrics/tests/test_classification.py``: ``test_hinge_loss_*``;
* torchmetrics ``torchmetrics/functional/classification/hinge.py`` (docstring examples with
  hand-checkable values, where torchmetrics applies no sigmoid or softmax).
"""

from __future__ import annotations

import itertools
import re

import pytest
import torch
import torch.nn.functional as F

import hinge_utils as hu
from hinge_utils.modules import HingeLoss, WestonWatkinsLoss

BINARY_LOSSES = [hu.hinge_loss, hu.squared_hinge_loss]
CLASS_LOSSES = [hu.weston_watkins_loss, hu.crammer_singer_loss]
REDUCTIONS = ("mean", "sum", "none")


def binary_problem(n=6, seed=0, gap=1e-2):
    """float64 scores with no sample within ``gap`` of the kink y * s = 1, labels in {-1, +1}."""
    generator = torch.Generator().manual_seed(seed)
    scores = 2 * torch.randn(n, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 2, (n,), generator=generator) * 2 - 1
    near = (targets * scores - 1).abs() < gap
    return torch.where(near, scores + 5 * gap, scores), targets


def class_problem(n=5, k=4, seed=0, margin=1.0, gap=1e-2):
    """float64 scores with no Weston-Watkins term and no Crammer-Singer loss near its kink."""
    generator = torch.Generator().manual_seed(seed)
    while True:
        scores = torch.randn(n, k, generator=generator, dtype=torch.float64)
        targets = torch.randint(0, k, (n,), generator=generator)
        terms = scores - scores.gather(1, targets[:, None]) + margin
        rivals = scores.scatter(1, targets[:, None], float("-inf"))
        top2 = rivals.topk(2, dim=1).values
        if (terms.abs() > gap).all() and ((top2[:, 0] - top2[:, 1]) > gap).all():
            return scores, targets


def loss_inputs(loss, seed=0):
    return binary_problem(seed=seed) if loss in BINARY_LOSSES else class_problem(seed=seed)


# Exact kinks: dyadic numbers, so y * s == margin and s_k - s_c + margin == 0 hold exactly.
KINK_BINARY = (torch.tensor([1.0, -1.0, 0.5, -0.25, 3.0], dtype=torch.float64), [1, -1, 1, 1, 1])
KINK_CLASS = (
    torch.tensor([[2.0, 1.0, 1.5], [-0.5, 0.5, -1.0], [0.0, 0.25, -2.0]], dtype=torch.float64),
    [0, 1, 2],
)


def kink_inputs(loss):
    scores, targets = KINK_BINARY if loss in BINARY_LOSSES else KINK_CLASS
    return scores.clone(), torch.tensor(targets)


def jacobian_by_loop(fn, scores):
    """Row i: the gradient of fn(scores).reshape(-1)[i], one plain backward per row."""
    leaf = scores.detach().clone().requires_grad_()
    out = fn(leaf).reshape(-1)
    rows = []
    for i in range(out.numel()):
        (row,) = torch.autograd.grad(out[i], leaf, retain_graph=True)
        rows.append(row)
    return torch.stack(rows).reshape(*out.shape, *scores.shape)


# ---------------------------------------------------------------------------------------------
# 1. Batched backward: is_grads_batched, vectorized jacobian, gradcheck(check_batched_grad=True)
# ---------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error::UserWarning")  # a vmap fallback (no batching rule) warns
@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_is_grads_batched_backward(loss):
    # Reproducer: torch.autograd.grad(out, s, torch.eye(n), is_grads_batched=True) raised
    # "vmap: aten::mul_ ... not possible" for the hinge, squared hinge and Weston-Watkins.
    scores, targets = kink_inputs(loss)
    leaf = scores.clone().requires_grad_()
    out = loss(leaf, targets, reduction="none")
    n = out.numel()
    (batched,) = torch.autograd.grad(
        out, leaf, torch.eye(n, dtype=out.dtype), is_grads_batched=True
    )
    expected = jacobian_by_loop(lambda s: loss(s, targets, reduction="none"), scores)
    torch.testing.assert_close(batched, expected, rtol=0, atol=0)


@pytest.mark.filterwarnings("error::UserWarning")  # a vmap fallback (no batching rule) warns
@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_vectorized_jacobian_matches_the_loop(loss):
    scores, targets = kink_inputs(loss)

    def per_sample(s):
        return loss(s, targets, reduction="none")

    vectorized = torch.autograd.functional.jacobian(per_sample, scores, vectorize=True)
    looped = torch.autograd.functional.jacobian(per_sample, scores, vectorize=False)
    torch.testing.assert_close(vectorized, looped, rtol=0, atol=0)


def test_binary_jacobian_by_hand_at_the_kink():
    scores, targets = kink_inputs(hu.hinge_loss)
    # y*s = 1, 1 (both on the kink: 0), 0.5 (-y), -0.25 (-y), 3 (beyond: 0)
    expected = torch.diag(torch.tensor([0.0, 0.0, -1.0, -1.0, 0.0], dtype=torch.float64))
    jacobian = torch.autograd.functional.jacobian(
        lambda s: hu.hinge_loss(s, targets, reduction="none"), scores, vectorize=True
    )
    torch.testing.assert_close(jacobian, expected, rtol=0, atol=0)
    # squared: -2 y (1 - y s) inside: -2 * 0.5 and -2 * 1.25
    squared = torch.autograd.functional.jacobian(
        lambda s: hu.squared_hinge_loss(s, targets, reduction="none"), scores, vectorize=True
    )
    torch.testing.assert_close(squared, expected * torch.tensor([0, 0, 1.0, 2.5, 0]).double())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_gradcheck_batched_and_forward_mode(loss, reduction):
    # As torch's CriterionTest runs it (check_batched_grad=True), plus forward mode.
    scores, targets = loss_inputs(loss, seed=1)
    scores.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: loss(s, targets, reduction=reduction),
        (scores,),
        check_batched_grad=True,
        check_forward_ad=True,
        check_batched_forward_grad=True,
    )


@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_gradcheck_with_weight_batched(p):
    scores, targets = class_problem(seed=2)
    weight = torch.tensor([0.5, 2.0, 1.5, -1.0], dtype=torch.float64)  # negative: torch allows
    scores.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: hu.weston_watkins_loss(s, targets, p=p, weight=weight),
        (scores,),
        check_batched_grad=True,
        check_forward_ad=True,
    )


# ---------------------------------------------------------------------------------------------
# 2. Forward mode and second derivatives
# ---------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error::UserWarning")  # a vmap fallback (no batching rule) warns
@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_jacfwd_equals_jacrev_at_the_kinks(loss):
    # Reproducer: jvp, jacfwd and hessian raised NotImplementedError (no forward-mode rule).
    # Forward mode takes the same 0 at the kink as reverse mode: equal to the last bit.
    scores, targets = kink_inputs(loss)

    def per_sample(s):
        return loss(s, targets, reduction="none")

    forward = torch.func.jacfwd(per_sample)(scores)
    reverse = torch.func.jacrev(per_sample)(scores)
    torch.testing.assert_close(forward, reverse, rtol=0, atol=0)


@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_jvp_is_the_jacobian_times_the_tangent(loss, reduction):
    scores, targets = kink_inputs(loss)
    tangent = torch.linspace(-1, 2, scores.numel(), dtype=torch.float64).reshape(scores.shape)

    def fn(s):
        return loss(s, targets, reduction=reduction)

    value, derivative = torch.func.jvp(fn, (scores,), (tangent,))
    jacobian = jacobian_by_loop(fn, scores).reshape(value.numel(), -1)
    torch.testing.assert_close(value, fn(scores))
    torch.testing.assert_close(derivative.reshape(-1), jacobian @ tangent.reshape(-1))


def test_forward_ad_dual_tensors_at_the_kink():
    import torch.autograd.forward_ad as fwAD

    scores, targets = kink_inputs(hu.hinge_loss)
    with fwAD.dual_level():
        dual = fwAD.make_dual(scores, torch.ones_like(scores))
        tangent = fwAD.unpack_dual(hu.hinge_loss(dual, targets, reduction="none")).tangent
    # by hand: 0 on the kink (samples 0, 1) and beyond it (4); -y inside (2, 3)
    torch.testing.assert_close(tangent, torch.tensor([0.0, 0.0, -1.0, -1.0, 0.0]).double())


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_squared_hinge_hessian_by_hand(reduction):
    # The second derivative is 2 where y*s < margin, and 0 beyond the margin and on it.
    scores, targets = kink_inputs(hu.squared_hinge_loss)

    def loss(s):
        return hu.squared_hinge_loss(s, targets, reduction=reduction)

    hessian = torch.func.hessian(loss)(scores)
    diagonal = torch.tensor([0.0, 0.0, 2.0, 2.0, 0.0], dtype=torch.float64)
    if reduction == "mean":
        diagonal = diagonal / 5
    torch.testing.assert_close(hessian, torch.diag(diagonal), rtol=0, atol=0)


@pytest.mark.parametrize("loss", [hu.hinge_loss, hu.crammer_singer_loss])
def test_piecewise_linear_losses_have_zero_hessian(loss):
    scores, targets = kink_inputs(loss)
    hessian = torch.func.hessian(lambda s: loss(s, targets, reduction="sum"))(scores)
    assert hessian.shape == scores.shape * 2
    assert (hessian == 0).all()


def naive_weston_watkins_hessian(scores, targets, p, weight, margin=1.0):
    """sum over active terms h_k > 0 (k != c) of the p = 2 curvature 2 w_c (e_k - e_c)(..)^T;
    0 for p = 1. Block-diagonal over samples, by Python loops."""
    n, k = scores.shape
    hessian = torch.zeros(n, k, n, k, dtype=torch.float64)
    if p == 1:
        return hessian
    for i, (row, c) in enumerate(zip(scores.tolist(), targets.tolist(), strict=True)):
        w = 1.0 if weight is None else weight[c].item()
        for j in range(k):
            if j != c and row[j] - row[c] + margin > 0:
                hessian[i, j, i, j] += 2 * w
                hessian[i, c, i, c] += 2 * w
                hessian[i, j, i, c] -= 2 * w
                hessian[i, c, i, j] -= 2 * w
    return hessian


@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_hessian_by_hand(p, with_weight):
    scores, targets = kink_inputs(hu.weston_watkins_loss)  # rows 0 and 1 have a term on the hinge
    weight = torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64) if with_weight else None
    hessian = torch.func.hessian(
        lambda s: hu.weston_watkins_loss(s, targets, p=p, weight=weight, reduction="sum")
    )(scores)
    expected = naive_weston_watkins_hessian(scores, targets, p, weight)
    torch.testing.assert_close(hessian, expected, rtol=0, atol=0)
    if p == 2:  # and the torch.func hessian agrees with reverse-over-reverse autograd
        double = torch.autograd.functional.hessian(
            lambda s: hu.weston_watkins_loss(s, targets, p=2, weight=weight, reduction="sum"),
            scores,
        )
        torch.testing.assert_close(double, expected, rtol=0, atol=0)


def test_double_backward_of_the_squared_hinge():
    # Reproducer: create_graph=True followed by a second backward raised RuntimeError.
    scores, targets = kink_inputs(hu.squared_hinge_loss)
    leaf = scores.clone().requires_grad_()
    (grad,) = torch.autograd.grad(
        hu.squared_hinge_loss(leaf, targets, reduction="sum"), leaf, create_graph=True
    )
    # d/ds -2 y (1 - y s) = 2 y^2 = 2 inside the margin, 0 on and beyond it
    (curvature,) = torch.autograd.grad(grad.sum(), leaf)
    torch.testing.assert_close(curvature, torch.tensor([0.0, 0.0, 2.0, 2.0, 0.0]).double())


@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_gradgradcheck_batched(loss):
    scores, targets = loss_inputs(loss, seed=3)
    scores.requires_grad_()
    assert torch.autograd.gradgradcheck(
        lambda s: loss(s, targets, reduction="sum"),
        (scores,),
        check_batched_grad=True,
        check_fwd_over_rev=True,
    )


@pytest.mark.filterwarnings("error::UserWarning")  # a vmap fallback (no batching rule) warns
def test_grad_of_grad_and_per_sample_hessians():
    scores, targets = kink_inputs(hu.squared_hinge_loss)

    def sample_loss(s, y):  # a batch of one
        return hu.squared_hinge_loss(s.reshape(1), y.reshape(1))

    second = torch.func.vmap(torch.func.grad(torch.func.grad(sample_loss)))(scores, targets)
    torch.testing.assert_close(second, torch.tensor([0.0, 0.0, 2.0, 2.0, 0.0]).double())
    # Weston-Watkins p=2: one (K, K) Hessian per sample, the batch Hessian's diagonal blocks.
    class_scores, class_targets = kink_inputs(hu.weston_watkins_loss)

    def sample_ww(s, c):
        return hu.weston_watkins_loss(s.unsqueeze(0), c.unsqueeze(0), p=2)

    blocks = torch.func.vmap(torch.func.hessian(sample_ww))(class_scores, class_targets)
    full = naive_weston_watkins_hessian(class_scores, class_targets, 2, None)
    torch.testing.assert_close(blocks, torch.stack([full[i, :, i] for i in range(3)]))


def test_newton_hessian_of_a_linear_squared_hinge_svm():
    # For scores X w the Hessian of the mean squared hinge is (2 / N) sum over active samples
    # of x x^T; one Newton step from there lands on the minimiser of that quadratic piece.
    generator = torch.Generator().manual_seed(5)
    features = torch.randn(40, 3, generator=generator, dtype=torch.float64)
    labels = torch.where(features[:, 0] + 0.3 * features[:, 1] > 0, 1, -1)
    weights = torch.tensor([0.2, -0.1, 0.05], dtype=torch.float64)

    def objective(w):
        return hu.squared_hinge_loss(features @ w, labels) + 0.05 * w.square().sum()

    active = labels * (features @ weights) < 1
    by_hand = 2 * features[active].T @ features[active] / 40 + 0.1 * torch.eye(3).double()
    hessian = torch.func.hessian(objective)(weights)
    torch.testing.assert_close(hessian, by_hand)
    step = torch.linalg.solve(hessian, torch.func.grad(objective)(weights))
    newton = weights - step
    # On the quadratic piece of the same active set the gradient vanishes at the Newton point.
    x_active, y_active = features[active], labels[active].double()
    piece_gradient = -2 * x_active.T @ (y_active * (1 - y_active * (x_active @ newton))) / 40
    torch.testing.assert_close(piece_gradient + 0.1 * newton, torch.zeros(3).double())


# ---------------------------------------------------------------------------------------------
# 3. Autocast: torch's fp32 policy for losses
# ---------------------------------------------------------------------------------------------


def autocast_scores(k=5, n=8, seed=0):
    """A linear layer's output under CPU autocast is bfloat16: what a loss receives there."""
    generator = torch.Generator().manual_seed(seed)
    layer = torch.nn.Linear(3, k)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(k, 3, generator=generator))
        layer.bias.copy_(torch.randn(k, generator=generator))
    features = torch.randn(n, 3, generator=generator)
    targets = torch.randint(0, k, (n,), generator=generator)
    return layer, features, targets


@pytest.mark.parametrize("autocast_dtype", [torch.bfloat16, torch.float16])
@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_under_autocast_matches_multi_margin_loss(p, autocast_dtype):
    # Reproducer: under CPU autocast F.multi_margin_loss returns float32; the library returned
    # the autocast dtype.
    layer, features, targets = autocast_scores()
    with torch.autocast("cpu", dtype=autocast_dtype):
        scores = layer(features)
        assert scores.dtype == autocast_dtype
        ours = hu.weston_watkins_loss(scores, targets, p=p) / 5
        theirs = F.multi_margin_loss(scores, targets, p=p)
    assert theirs.dtype == torch.float32  # torch's fp32 policy
    assert ours.dtype == theirs.dtype
    torch.testing.assert_close(ours, theirs)
    # The gradient flows back through the cast, in the autocast dtype, as torch's does.
    (ours_grad,) = torch.autograd.grad(ours, scores)
    (theirs_grad,) = torch.autograd.grad(theirs, scores)
    assert ours_grad.dtype == theirs_grad.dtype == autocast_dtype
    torch.testing.assert_close(ours_grad, theirs_grad)


def test_weston_watkins_weight_under_autocast_like_torch():
    layer, features, targets = autocast_scores()
    weight = torch.tensor([1.0, 0.5, 2.0, 1.5, 0.25])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        scores = layer(features)
        for w in (weight, weight.bfloat16()):  # torch casts a low-precision weight as well
            ours = hu.weston_watkins_loss(scores, targets, weight=w, reduction="none") / 5
            theirs = F.multi_margin_loss(scores, targets, weight=w, reduction="none")
            assert ours.dtype == theirs.dtype == torch.float32
            torch.testing.assert_close(ours, theirs)
        with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
            F.multi_margin_loss(scores, targets, weight=weight.double())
        with pytest.raises(TypeError, match=re.escape("use weight.to(scores.dtype)")):
            hu.weston_watkins_loss(scores, targets, weight=weight.double())


@pytest.mark.parametrize("loss", BINARY_LOSSES + [hu.crammer_singer_loss])
def test_other_losses_follow_the_fp32_policy(loss):
    layer, features, targets = autocast_scores(k=3)
    binary = loss in BINARY_LOSSES
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(features)
        scores = out[:, 0] - out[:, 1] if binary else out
        labels = torch.where(targets == 0, 1, -1) if binary else targets
        ours = loss(scores, labels)
        # torch's nearest losses: soft margin and hinge embedding (binary), multi margin
        if binary:
            theirs = [
                F.soft_margin_loss(scores, labels.to(scores.dtype)),
                F.hinge_embedding_loss(scores, labels.to(scores.dtype)),
            ]
        else:
            theirs = [F.multi_margin_loss(scores, labels)]
    assert scores.dtype == torch.bfloat16
    assert all(ours.dtype == other.dtype == torch.float32 for other in theirs)
    # the value is the loss of the bfloat16 scores computed in float32
    expected = loss(scores.detach().float(), labels)
    torch.testing.assert_close(ours, expected, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_autocast_keeps_float32_and_float64_like_torch(dtype):
    scores, targets = class_problem(seed=4)
    scores = scores.to(dtype)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours = hu.weston_watkins_loss(scores, targets, p=2, reduction="none")
        theirs = F.multi_margin_loss(scores, targets, p=2, reduction="none")
        binary = hu.squared_hinge_loss(scores[:, 0], torch.where(targets == 0, 1, -1))
    assert ours.dtype == theirs.dtype == binary.dtype == dtype
    torch.testing.assert_close(ours, 4 * theirs)


def test_autocast_on_the_module():
    layer, features, targets = autocast_scores()
    criterion = WestonWatkinsLoss(p=2, reduction="sum")
    with torch.autocast("cpu", dtype=torch.bfloat16):
        value = criterion(layer(features), targets)
        expected = 5 * torch.nn.MultiMarginLoss(p=2, reduction="sum")(layer(features), targets)
    assert value.dtype == expected.dtype == torch.float32
    torch.testing.assert_close(value, expected)


# ---------------------------------------------------------------------------------------------
# 4. Type promotion: a 0-d tensor counts as a Python number
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", BINARY_LOSSES + CLASS_LOSSES)
def test_zero_d_float64_margin_acts_like_a_python_number(loss):
    scores, targets = loss_inputs(loss, seed=6)
    scores = scores.float()
    got = loss(scores, targets, margin=torch.tensor(0.75, dtype=torch.float64), reduction="none")
    assert got.dtype == torch.float32  # as 0.75 * float32 tensor: a 0-d tensor does not promote
    torch.testing.assert_close(got, loss(scores, targets, margin=0.75, reduction="none"))
    # torch reads a 0-d tensor passed for a number the same way
    if loss is hu.weston_watkins_loss:
        theirs = F.multi_margin_loss(scores, targets, margin=torch.tensor(0.75).double())
        assert theirs.dtype == torch.float32
        torch.testing.assert_close(loss(scores, targets, torch.tensor(0.75).double()) / 4, theirs)


def test_zero_d_p_and_integer_margin_tensors():
    scores, targets = class_problem(seed=7)
    expected = hu.weston_watkins_loss(scores, targets, margin=2.0, p=2)
    got = hu.weston_watkins_loss(scores, targets, margin=torch.tensor(2), p=torch.tensor(2))
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(
        got / 4, F.multi_margin_loss(scores, targets, margin=torch.tensor(2), p=torch.tensor(2))
    )
    module = HingeLoss(margin=torch.tensor(0.5, dtype=torch.float64))
    assert module.margin == 0.5 and isinstance(module.margin, float)
    assert WestonWatkinsLoss(p=torch.tensor(2)).p == 2


def test_tensor_margins_torch_refuses_are_refused():
    scores, targets = class_problem(seed=8)
    scores = scores.float()
    # torch: "argument 'margin' must be Number, not Tensor" for these two
    for margin in (torch.tensor([0.5]), torch.tensor(0.5, requires_grad=True)):
        with pytest.raises(TypeError, match="must be Number, not Tensor"):
            F.multi_margin_loss(scores, targets, margin=margin)
    with pytest.raises(TypeError, match=re.escape("got a tensor of shape (1,)")):
        hu.weston_watkins_loss(scores, targets, margin=torch.tensor([0.5]))
    with pytest.raises(TypeError, match=re.escape("pass float(margin.detach())")):
        hu.hinge_loss(scores[:, 0], torch.ones(5), margin=torch.tensor(0.5, requires_grad=True))
    # Differentiating in the margin would be a silent 0: refused under torch.func.grad too.
    with pytest.raises(TypeError, match="not differentiated"):
        torch.func.grad(lambda m: hu.hinge_loss(scores[:, 0], torch.ones(5), margin=m))(
            torch.tensor(0.5)
        )


@pytest.mark.parametrize("loss", BINARY_LOSSES)
@pytest.mark.parametrize(
    ("scores_dtype", "targets_dtype"),
    [(torch.float32, torch.float64), (torch.float64, torch.float32), (torch.float32, torch.int64)],
)
def test_binary_result_dtype_is_torchs(loss, scores_dtype, targets_dtype):
    # torch's soft margin and hinge embedding losses keep the dtype of the input (the scores).
    scores, targets = binary_problem(seed=9)
    scores, targets = scores.to(scores_dtype), targets.to(targets_dtype)
    ours = loss(scores, targets)
    float_targets = targets.to(targets_dtype if targets.is_floating_point() else scores_dtype)
    assert ours.dtype == F.soft_margin_loss(scores, float_targets).dtype == scores_dtype
    assert ours.dtype == F.hinge_embedding_loss(scores, float_targets).dtype
    power = 1 if loss is hu.hinge_loss else 2
    expected = (F.relu(1 - targets.to(scores_dtype) * scores) ** power).mean()
    torch.testing.assert_close(ours, expected)


def test_weight_of_another_dtype_raises_like_torch():
    scores, targets = class_problem(seed=10)
    weight = torch.ones(4)  # float32 against float64 scores
    with pytest.raises(RuntimeError, match="expected scalar type"):
        F.multi_margin_loss(scores, targets, weight=weight)
    with pytest.raises(TypeError, match=re.escape("use weight.to(scores.dtype)")):
        hu.weston_watkins_loss(scores, targets, weight=weight)


# ---------------------------------------------------------------------------------------------
# 5a. PyTorch's OpInfo for nn.functional.multi_margin_loss
#     (torch/testing/_internal/common_methods_invocations.py, S = 5, M = 10 from opinfo/core.py)
# ---------------------------------------------------------------------------------------------

S, M = 5, 10


def opinfo_cases():
    """sample_inputs_multi_margin_loss and reference_inputs_multi_margin_loss, restated.

    Their 1-D input of S classes (target of shape () or (1,)) is one sample: (1, S) here. Their
    0-d input (one class) has no rival; the library refuses it (see the error cases).
    """
    samples = [
        ((1, S), {"p": 1}),
        ((1, S), {"p": 2}),
        ((S, M), {"margin": 1.0}),
        ((S, M), {"margin": -3.14}),
        ((M, S), {"weight": None}),
        ((M, S), {"weight": "random"}),
        ((M, S), {"reduction": "none"}),
        ((M, S), {"reduction": "mean"}),
        ((M, S), {"reduction": "sum"}),
    ]
    # reference inputs: every p, margin, weight and reduction on their (M, S) and (1, S) shapes
    for shape, p, margin, weight, reduction in itertools.product(
        [(1, S), (M, S)], (1, 2), (0, 7, -3.14), (False, True), (None, "none", "mean", "sum")
    ):
        kwargs = {"p": p, "margin": margin, "weight": "random" if weight else None}
        if reduction is not None:
            kwargs["reduction"] = reduction
        samples.append((shape, kwargs))
    return [(seed, shape, kwargs) for seed, (shape, kwargs) in enumerate(samples)]


@pytest.mark.parametrize(("seed", "shape", "kwargs"), opinfo_cases())
def test_torch_opinfo_samples(seed, shape, kwargs):
    generator = torch.Generator().manual_seed(seed)
    scores = torch.empty(shape, dtype=torch.float64).uniform_(-9, 9, generator=generator)
    targets = torch.randint(0, shape[1], (shape[0],), generator=generator)
    kwargs = dict(kwargs)
    if kwargs.get("weight") == "random":  # make_weight: uniform in [-10, 10]
        kwargs["weight"] = torch.empty(shape[1], dtype=torch.float64).uniform_(
            -10, 10, generator=generator
        )
    ours_leaf = scores.clone().requires_grad_()
    theirs_leaf = scores.clone().requires_grad_()
    ours = hu.weston_watkins_loss(ours_leaf, targets, **kwargs) / shape[1]
    theirs = F.multi_margin_loss(theirs_leaf, targets, **kwargs)
    torch.testing.assert_close(ours, theirs)
    upstream = torch.linspace(0.5, 1.5, ours.numel(), dtype=torch.float64).reshape(ours.shape)
    (ours * upstream).sum().backward()
    (theirs * upstream).sum().backward()
    torch.testing.assert_close(ours_leaf.grad, theirs_leaf.grad)


@pytest.mark.parametrize(
    ("scores", "targets", "kwargs", "error", "message"),
    [
        # error_inputs_multi_margin_loss, one by one (torch's error: the library's, naming a fix)
        ((5, 4), torch.zeros(5, dtype=torch.long), {"reduction": "abc"}, ValueError,
         "got 'abc'"),
        ((5, 0), torch.zeros(5, dtype=torch.long), {}, ValueError, "K >= 2 columns"),
        ((0,), torch.zeros(5, dtype=torch.long), {}, ValueError, "got 1-D shape (0,)"),
        ((5, 4), torch.zeros(5, 4), {}, TypeError, "use targets.long()"),
        ((5, 4), torch.zeros(5, 4, dtype=torch.long), {}, ValueError,
         "for one-hot targets use targets.argmax(dim=1)"),
        ((5, 4), torch.zeros(5), {}, TypeError, "got dtype torch.float32: use targets.long()"),
        ((5, 4), torch.zeros(5, dtype=torch.long), {"weight": torch.ones(())}, ValueError,
         "weight must be 1-D"),
        ((5, 4), torch.zeros(5, dtype=torch.long), {"weight": torch.ones(5, 4)}, ValueError,
         "weight must be 1-D"),
        ((5, 4), torch.zeros(5, dtype=torch.long), {"weight": torch.ones(5)}, ValueError,
         "shape (K,) = (4,)"),
        ((5, 4), torch.zeros(5, dtype=torch.long), {"p": 3}, ValueError, "p must be 1 or 2"),
        # module_error_inputs_torch_nn_MultiMarginLoss (common_modules.py): 3 targets, 5 rows
        ((5, 10), torch.tensor([0, 1, 2]), {}, ValueError,
         "scores has 5 rows but targets has 3 entries"),
        # sample_inputs' 0-d input with a 0-d target: one class, no rival
        ((), torch.tensor(0), {}, ValueError, "use scores.reshape(-1, K)"),
    ],
)  # fmt: skip
def test_torch_error_inputs(scores, targets, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        hu.weston_watkins_loss(torch.zeros(scores), targets, **kwargs)


# ---------------------------------------------------------------------------------------------
# 5b. PyTorch's criterion tests for MultiMarginLoss
#     (torch/testing/_internal/common_nn.py: multimarginloss_*_no_reduce_test, CriterionTest;
#      torch/testing/_internal/common_modules.py: module_inputs_torch_nn_MultiMarginLoss)
# ---------------------------------------------------------------------------------------------


def multimarginloss_reference(scores, targets, p=1, margin=1.0, weight=None):
    """common_nn.py's _multimarginloss_reference restated: per sample, the sum over i != y of
    weight[y] * max(0, margin - x[y] + x[i]) ** p, divided by the number of classes."""
    rows = []
    for row, c in zip(scores.tolist(), targets.tolist(), strict=True):
        w = 1.0 if weight is None else float(weight[c])
        total = sum(w * max(0.0, margin - row[c] + x) ** p for i, x in enumerate(row) if i != c)
        rows.append(total / len(row))
    return torch.tensor(rows, dtype=torch.float64)


def criterion_cases():
    generator = torch.Generator().manual_seed(106251)

    def targets(n):  # torch.rand(n).mul(8).floor().long(): classes 0..7 of 10
        return torch.rand(n, generator=generator).mul(8).floor().long()

    def scores(*shape):
        return torch.randn(*shape, generator=generator, dtype=torch.float64)

    weights = torch.rand(10, generator=generator, dtype=torch.float64)
    return [
        pytest.param(scores(5, 10), targets(5), {}, id="MultiMarginLoss_no_reduce"),
        pytest.param(scores(1, 10), targets(1), {}, id="MultiMarginLoss_1d_no_reduce"),
        pytest.param(
            scores(5, 10).clamp_(1e-2, 1 - 1e-2), targets(5), {"p": 2},
            id="MultiMarginLoss_p_no_reduce",
        ),
        pytest.param(scores(5, 10), targets(5), {"margin": 0.5},
                     id="MultiMarginLoss_margin_no_reduce"),
        pytest.param(scores(5, 10), targets(5), {"weight": weights},
                     id="MultiMarginLoss_weights_no_reduce"),
    ]  # fmt: skip


@pytest.mark.parametrize(("scores", "targets", "kwargs"), criterion_cases())
def test_torch_criterion_tests(scores, targets, kwargs):
    k = scores.shape[1]
    per_sample = hu.weston_watkins_loss(scores, targets, reduction="none", **kwargs) / k
    torch.testing.assert_close(per_sample, multimarginloss_reference(scores, targets, **kwargs))
    torch.testing.assert_close(
        per_sample, F.multi_margin_loss(scores, targets, reduction="none", **kwargs)
    )
    # check_sum_reduction=True in the upstream test
    torch.testing.assert_close(
        hu.weston_watkins_loss(scores, targets, reduction="sum", **kwargs) / k, per_sample.sum()
    )
    # CriterionTest: gradcheck and gradgradcheck with check_batched_grad=True. Upstream skips the
    # gradgradcheck for MultiMarginLoss (torch has no double backward for it); the library has.
    # Random normal scores: no term lands within 1e-6 of its kink (finite differences hold).
    terms = scores - scores.gather(1, targets[:, None]) + kwargs.get("margin", 1.0)
    assert (terms.abs() > 1e-4).all()
    leaf = scores.clone().requires_grad_()

    def fn(s):
        return hu.weston_watkins_loss(s, targets, reduction="none", **kwargs)

    assert torch.autograd.gradcheck(fn, (leaf,), check_batched_grad=True, check_forward_ad=True)
    assert torch.autograd.gradgradcheck(fn, (leaf,), check_batched_grad=True)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"reduction": "sum"}, {"reduction": "mean"}, {"reduction": "none"}, {"p": 2},
     {"margin": 0.5}, {"weight": "make_weight"}],
)  # fmt: skip
def test_torch_module_inputs_multi_margin_loss(kwargs):
    # module_inputs_torch_nn_MultiMarginLoss: input (5, 10), target (5,) in [0, 10)
    generator = torch.Generator().manual_seed(2814)
    scores = torch.empty(5, 10, dtype=torch.float64).uniform_(-9, 9, generator=generator)
    targets = torch.randint(0, 10, (5,), generator=generator)
    kwargs = dict(kwargs)
    if kwargs.get("weight") == "make_weight":
        kwargs["weight"] = torch.empty(10, dtype=torch.float64).uniform_(-9, 9, generator=generator)
    module = WestonWatkinsLoss(**kwargs)
    expected = torch.nn.MultiMarginLoss(**kwargs)(scores, targets)
    torch.testing.assert_close(module(scores, targets) / 10, expected)


# ---------------------------------------------------------------------------------------------
# 5c. scikit-learn: sklearn/metrics/tests/test_classification.py, test_hinge_loss_*
#     (binary: the hinge; multi-class: Crammer-Singer with margin 1, the mean over samples)
# ---------------------------------------------------------------------------------------------


def crammer_singer_by_hand(pred, true_and_rival):
    """The upstream tests' hand-written losses: max(0, 1 - pred[i][true] + pred[i][rival])."""
    losses = [max(0.0, 1 - pred[i][c] + pred[i][r]) for i, (c, r) in enumerate(true_and_rival)]
    return sum(losses) / len(losses)


def test_sklearn_hinge_loss_binary():
    y_true = torch.tensor([-1, 1, 1, -1])
    pred = torch.tensor([-8.5, 0.5, 1.5, -0.3], dtype=torch.float64)
    # max(0, 1 - 8.5) + (1 - 0.5) + max(0, 1 - 1.5) + (1 - 0.3) = 0 + 0.5 + 0 + 0.7
    torch.testing.assert_close(hu.hinge_loss(pred, y_true), torch.tensor(1.2 / 4).double())
    # Labels {0, 2}: scikit-learn maps them itself; here the mapping is named, then the same.
    y_02 = torch.tensor([0, 2, 2, 0])
    with pytest.raises(ValueError, match=r"got values \{0, 2\}: map your two classes"):
        hu.hinge_loss(pred, y_02)
    mapped = torch.where(y_02 == 2, 1, -1)
    torch.testing.assert_close(hu.hinge_loss(pred, mapped), torch.tensor(1.2 / 4).double())


SKLEARN_PRED = [
    [+0.36, -0.17, -0.58, -0.99],
    [-0.54, -0.37, -0.48, -0.58],
    [-1.45, -0.58, -0.38, -0.17],
    [-0.54, -0.38, -0.48, -0.58],
    [-2.36, -0.79, -0.27, +0.24],
    [-1.45, -0.58, -0.38, -0.17],
]


@pytest.mark.parametrize(
    ("pred", "y_true", "true_and_rival"),
    [
        pytest.param(
            SKLEARN_PRED, [0, 1, 2, 1, 3, 2], [(0, 1), (1, 2), (2, 3), (1, 2), (3, 2), (2, 3)],
            id="test_hinge_loss_multiclass",
        ),
        pytest.param(
            [[+0.36, -0.17, -0.58, -0.99], [-0.55, -0.38, -0.48, -0.58],
             [-1.45, -0.58, -0.38, -0.17], [-0.55, -0.38, -0.48, -0.58],
             [-1.45, -0.58, -0.38, -0.17]],
            [0, 1, 2, 1, 2], [(0, 1), (1, 2), (2, 3), (1, 2), (2, 3)],
            id="test_hinge_loss_multiclass_with_missing_labels",
        ),
        pytest.param(
            [[+0.36, -0.17, -0.58], [-0.15, -0.58, -0.48], [-1.45, -0.58, -0.38],
             [-0.55, -0.78, -0.42], [-1.45, -0.58, -0.38]],
            [0, 2, 2, 0, 2], [(0, 1), (2, 0), (2, 1), (0, 2), (2, 1)],
            id="test_hinge_loss_multiclass_missing_labels_only_two_unq_in_y_true",
        ),
        pytest.param(  # labels blue, green, red, white as 0, 1, 2, 3
            [[+0.36, -0.17, -0.58, -0.99], [-0.55, -0.38, -0.48, -0.58],
             [-1.45, -0.58, -0.38, -0.17], [-0.55, -0.38, -0.48, -0.58],
             [-2.36, -0.79, -0.27, +0.24], [-1.45, -0.58, -0.38, -0.17]],
            [0, 1, 2, 1, 3, 2], [(0, 1), (1, 2), (2, 3), (1, 2), (3, 2), (2, 3)],
            id="test_hinge_loss_multiclass_invariance_lists",
        ),
    ],
)  # fmt: skip
def test_sklearn_hinge_loss_multiclass(pred, y_true, true_and_rival):
    expected = crammer_singer_by_hand(pred, true_and_rival)
    got = hu.crammer_singer_loss(torch.tensor(pred, dtype=torch.float64), torch.tensor(y_true))
    torch.testing.assert_close(got, torch.tensor(expected, dtype=torch.float64))


def test_sklearn_hinge_loss_shape_errors():
    # test_hinge_loss_multiclass_no_consistent_pred_decision_shape: 1-D decisions for 3 classes,
    # then 2 columns for labels 0..2; the library names the fix for each.
    y_true = torch.tensor([2, 1, 0, 1, 0, 1, 1])
    with pytest.raises(ValueError, match=re.escape("got 1-D shape (7,): for binary scores")):
        hu.crammer_singer_loss(torch.tensor([0.0, 1, 2, 1, 0, 2, 1]), y_true)
    two_columns = torch.tensor([[0.0, 1], [0, 1], [0, 1], [0, 1], [2, 0], [0, 1], [1, 0]])
    with pytest.raises(ValueError, match=re.escape("[0, K) = [0, 2); got min 0, max 2")):
        hu.crammer_singer_loss(two_columns, y_true)


# ---------------------------------------------------------------------------------------------
# 5d. torchmetrics: torchmetrics/functional/classification/hinge.py docstring examples.
#     Ported where torchmetrics computes on the scores as given: the 0.x ``hinge_loss`` (raw
#     scores) and the 1.x examples whose preds lie in [0, 1] (1.x applies a sigmoid or softmax
#     to preds outside [0, 1], a different loss; those examples, 1.5551 and
#     [1.3743, 1.1945, 1.2359], are not ported). Targets {0, 1} become {-1, +1}.
# ---------------------------------------------------------------------------------------------


def one_vs_all(scores, targets, loss=hu.hinge_loss):
    """torchmetrics' one-vs-all mode: per class, the binary hinge of that column."""
    columns = [loss(scores[:, k], torch.where(targets == k, 1, -1)) for k in range(scores.shape[1])]
    return torch.stack(columns)


def test_torchmetrics_binary_examples():
    # 0.x hinge_loss: preds [-2.2, 2.4, 0.1], target [0, 1, 1] -> 0.3
    # (y*s = 2.2, 2.4, 0.1 -> 0, 0, 0.9)
    scores = torch.tensor([-2.2, 2.4, 0.1])
    torch.testing.assert_close(hu.hinge_loss(scores, torch.tensor([-1, 1, 1])), torch.tensor(0.3))
    # 1.x HingeLoss(task="binary"): preds [0.5, 0.7, 0.1], target [0, 1, 1] -> 0.9
    scores = torch.tensor([0.5, 0.7, 0.1])
    torch.testing.assert_close(hu.hinge_loss(scores, torch.tensor([-1, 1, 1])), torch.tensor(0.9))
    # 1.x binary_hinge_loss: 0.69, squared 0.6905
    scores = torch.tensor([0.25, 0.25, 0.55, 0.75, 0.75])
    targets = torch.tensor([-1, -1, 1, 1, 1])
    torch.testing.assert_close(hu.hinge_loss(scores, targets), torch.tensor(0.69))
    torch.testing.assert_close(hu.squared_hinge_loss(scores, targets), torch.tensor(0.6905))


def test_torchmetrics_multiclass_examples():
    # 0.x hinge_loss, raw scores: Crammer-Singer 2.9, one-vs-all [2.2333, 1.5, 1.2333]
    scores = torch.tensor([[-1.0, 0.9, 0.2], [0.5, -1.1, 0.8], [2.2, -0.5, 0.3]])
    targets = torch.tensor([0, 1, 2])
    torch.testing.assert_close(hu.crammer_singer_loss(scores, targets), torch.tensor(2.9))
    torch.testing.assert_close(
        one_vs_all(scores, targets), torch.tensor([6.7 / 3, 1.5, 3.7 / 3]), atol=1e-4, rtol=0
    )
    # 1.x multiclass_hinge_loss, preds in [0, 1]: 0.9125, squared 1.1131, one-vs-all
    # [0.875, 1.125, 1.1]
    scores = torch.tensor(
        [[0.25, 0.20, 0.55], [0.55, 0.05, 0.40], [0.10, 0.30, 0.60], [0.90, 0.05, 0.05]]
    )
    targets = torch.tensor([0, 1, 2, 0])
    torch.testing.assert_close(hu.crammer_singer_loss(scores, targets), torch.tensor(0.9125))
    squared = hu.crammer_singer_loss(scores, targets, reduction="none").square().mean()
    torch.testing.assert_close(squared, torch.tensor(1.1131), atol=1e-4, rtol=0)
    torch.testing.assert_close(one_vs_all(scores, targets), torch.tensor([0.875, 1.125, 1.1]))
