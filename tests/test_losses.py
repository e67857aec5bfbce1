"""Numbers of the hinge losses, checked against independent oracles.

Oracles: a naive per-sample Python loop of the syllabus's formulas (the specification, CS231n
style), torch's ``F.multi_margin_loss`` (values and gradients), ``sklearn.metrics.hinge_loss``,
torch's ``F.relu`` composite for binary gradients, ``torch.autograd.gradcheck`` (finite
differences), and the syllabus's examples worked by hand.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import hinge_loss as sklearn_hinge_loss

from hinge_utils.functional import (
    crammer_singer_loss,
    functional_margin,
    hinge_loss,
    hinge_subgradient,
    squared_hinge_loss,
    weston_watkins_loss,
)
from hinge_utils.modules import CrammerSingerLoss, HingeLoss, SquaredHingeLoss, WestonWatkinsLoss

REDUCTIONS = ("mean", "sum", "none")
DTYPES = (torch.float32, torch.float64)
DEVICES = [
    "cpu",
    pytest.param(
        "cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
    ),
]

# The syllabus's examples.
SEED_BINARY_SCORES = [1.5, -0.5, 0.8, -1.2, 0.3]
SEED_BINARY_TARGETS = [1, -1, 1, -1, 1]
SEED_CLASS_SCORES = [[2.0, 0.5, 0.1], [0.1, 2.5, 0.3], [1.0, 2.0, 0.5], [2.5, 1.5, 1.0]]
SEED_CLASS_TARGETS = [0, 1, 1, 0]


# ---------------------------------------------------------------------------------------------
# The specification: naive loops over Python floats, one sample at a time
# ---------------------------------------------------------------------------------------------


def naive_binary_hinge(scores, targets, margin=1.0, power=1):
    """Per-sample max(0, margin - y*s) ** power."""
    return [max(0.0, margin - y * s) ** power for s, y in zip(scores, targets, strict=True)]


def naive_weston_watkins(scores, targets, margin=1.0, p=1, weight=None):
    """Per-sample sum over k != c of weight[c] * max(0, s_k - s_c + margin) ** p."""
    losses = []
    for row, c in zip(scores, targets, strict=True):
        w = 1.0 if weight is None else weight[c]
        total = 0.0
        for k, s_k in enumerate(row):
            if k != c:
                total += w * max(0.0, s_k - row[c] + margin) ** p
        losses.append(total)
    return losses


def naive_crammer_singer(scores, targets, margin=1.0):
    """Per-sample max(0, max over k != c of s_k - s_c + margin)."""
    losses = []
    for row, c in zip(scores, targets, strict=True):
        best_rival = max(s_k for k, s_k in enumerate(row) if k != c)
        losses.append(max(0.0, best_rival - row[c] + margin))
    return losses


def naive_reduce(per_sample, reduction):
    if reduction == "mean":
        return sum(per_sample) / len(per_sample)
    if reduction == "sum":
        return sum(per_sample)
    return per_sample


def as_expected(value, dtype=torch.float64):
    return torch.tensor(value, dtype=dtype)


def random_class_problem(n, k, dtype=torch.float64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    scores = torch.randn(n, k, generator=generator, dtype=dtype)
    targets = torch.randint(0, k, (n,), generator=generator)
    return scores, targets


def random_binary_problem(n, dtype=torch.float64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    scores = 2 * torch.randn(n, generator=generator, dtype=dtype)
    targets = torch.randint(0, 2, (n,), generator=generator) * 2 - 1
    return scores, targets


# ---------------------------------------------------------------------------------------------
# Binary hinge: the syllabus's example, the naive loop, scikit-learn
# ---------------------------------------------------------------------------------------------


def test_seed_binary_example_by_hand():
    scores = torch.tensor(SEED_BINARY_SCORES)
    targets = torch.tensor(SEED_BINARY_TARGETS)
    # y*s = 1.5, 0.5, 0.8, 1.2, 0.3  ->  max(0, 1 - y*s) = 0, 0.5, 0.2, 0, 0.7
    by_hand = torch.tensor([0.0, 0.5, 0.2, 0.0, 0.7])
    torch.testing.assert_close(hinge_loss(scores, targets, reduction="none"), by_hand)
    torch.testing.assert_close(hinge_loss(scores, targets), torch.tensor(1.4 / 5))  # 0.28
    torch.testing.assert_close(hinge_loss(scores, targets, reduction="sum"), torch.tensor(1.4))
    # squared: 0, 0.25, 0.04, 0, 0.49
    torch.testing.assert_close(
        squared_hinge_loss(scores, targets, reduction="none"),
        torch.tensor([0.0, 0.25, 0.04, 0.0, 0.49]),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("power", [1, 2])
def test_binary_losses_match_naive_loop(reduction, margin, power):
    scores, targets = random_binary_problem(40)
    loss = hinge_loss if power == 1 else squared_hinge_loss
    expected = naive_reduce(
        naive_binary_hinge(scores.tolist(), targets.tolist(), margin, power), reduction
    )
    got = loss(scores, targets, margin=margin, reduction=reduction)
    torch.testing.assert_close(got, as_expected(expected))


@pytest.mark.parametrize("target_dtype", [torch.int64, torch.float64, torch.float32])
def test_hinge_matches_sklearn_binary(target_dtype):
    scores, targets = random_binary_problem(50, seed=3)
    expected = sklearn_hinge_loss(targets.numpy(), scores.numpy())
    got = hinge_loss(scores, targets.to(target_dtype))
    torch.testing.assert_close(got, as_expected(expected))


def test_functional_margin_by_hand():
    scores = torch.tensor(SEED_BINARY_SCORES)
    targets = torch.tensor(SEED_BINARY_TARGETS)
    # 1*1.5, -1*-0.5, 1*0.8, -1*-1.2, 1*0.3
    expected = torch.tensor([1.5, 0.5, 0.8, 1.2, 0.3])
    torch.testing.assert_close(functional_margin(scores, targets), expected)


def test_hinge_subgradient_by_hand():
    scores = torch.tensor([1.5, -0.5, 0.8, -1.0, 0.3])
    targets = torch.tensor([1, -1, 1, -1, 1])
    # y*s = 1.5 (>= 1: 0), 0.5 (-y = 1), 0.8 (-y = -1), 1.0 (on the margin: 0), 0.3 (-y = -1)
    expected = torch.tensor([0.0, 1.0, -1.0, 0.0, -1.0])
    got = hinge_subgradient(scores, targets)
    torch.testing.assert_close(got, expected)
    # with margin 2 every sample is inside the margin: -y
    torch.testing.assert_close(
        hinge_subgradient(scores, targets, margin=2.0), -targets.to(torch.float32)
    )


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_hinge_subgradient_matches_relu_autograd(margin):
    scores, targets = random_binary_problem(30, seed=5)
    scores = scores.requires_grad_()
    # torch's relu has gradient 0 at 0, the syllabus's choice at the kink.
    F.relu(margin - targets * scores).sum().backward()
    torch.testing.assert_close(hinge_subgradient(scores, targets, margin), scores.grad)


# ---------------------------------------------------------------------------------------------
# Weston-Watkins: torch's multi_margin_loss and the naive loop
# ---------------------------------------------------------------------------------------------


def test_seed_class_example_sits_on_the_hinge():
    # Rows 2 and 3 have a rival exactly `margin` behind the true class: 1.0 - 2.0 + 1 and
    # 1.5 - 2.5 + 1 are exactly 0 in floating point; every other term is negative.
    assert SEED_CLASS_SCORES[2][0] - SEED_CLASS_SCORES[2][1] + 1.0 == 0.0
    assert SEED_CLASS_SCORES[3][1] - SEED_CLASS_SCORES[3][0] + 1.0 == 0.0
    assert naive_weston_watkins(SEED_CLASS_SCORES, SEED_CLASS_TARGETS) == [0.0] * 4


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_seed_class_example_matches_torch_values_and_gradients(p, reduction):
    ours = torch.tensor(SEED_CLASS_SCORES, requires_grad=True)
    theirs = torch.tensor(SEED_CLASS_SCORES, requires_grad=True)
    targets = torch.tensor(SEED_CLASS_TARGETS)
    loss = weston_watkins_loss(ours, targets, p=p, reduction=reduction)
    expected = 3 * F.multi_margin_loss(theirs, targets, p=p, reduction=reduction)
    torch.testing.assert_close(loss, expected.detach())
    torch.testing.assert_close(loss.detach(), torch.zeros_like(loss))  # torch gives 0.0
    loss.sum().backward()
    expected.sum().backward()
    torch.testing.assert_close(ours.grad, theirs.grad)
    assert torch.count_nonzero(ours.grad) == 0  # rows on the hinge get 0, as in torch's kernel


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_weston_watkins_is_k_times_torch_multi_margin(p, with_weight, reduction, margin, dtype):
    n, k = 33, 5
    scores, targets = random_class_problem(n, k, dtype=dtype, seed=11)
    weight = torch.rand(k, dtype=dtype, generator=torch.Generator().manual_seed(2)) + 0.5
    weight = weight if with_weight else None
    ours = scores.clone().requires_grad_()
    theirs = scores.clone().requires_grad_()
    got = weston_watkins_loss(ours, targets, margin, p, weight, reduction)
    expected = k * F.multi_margin_loss(
        theirs, targets, p=p, margin=margin, weight=weight, reduction=reduction
    )
    torch.testing.assert_close(got, expected)
    # A non-uniform upstream gradient exercises the backward for every reduction.
    upstream = torch.linspace(0.5, 1.5, got.numel(), dtype=dtype).reshape(got.shape)
    (got * upstream).sum().backward()
    (expected * upstream).sum().backward()
    torch.testing.assert_close(ours.grad, theirs.grad)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("margin", [1.0, 2.5])
def test_weston_watkins_matches_naive_loop(p, with_weight, margin):
    scores, targets = random_class_problem(25, 4, seed=7)
    weight = [0.5, 1.0, 2.0, 3.0] if with_weight else None
    expected = naive_weston_watkins(scores.tolist(), targets.tolist(), margin, p, weight)
    weight_tensor = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    got = weston_watkins_loss(scores, targets, margin, p, weight_tensor, reduction="none")
    torch.testing.assert_close(got, as_expected(expected))


@pytest.mark.parametrize("target_dtype", [torch.int32, torch.int16, torch.uint8])
def test_weston_watkins_accepts_any_integer_targets(target_dtype):
    scores, targets = random_class_problem(20, 6, seed=4)
    expected = 6 * F.multi_margin_loss(scores, targets)
    torch.testing.assert_close(weston_watkins_loss(scores, targets.to(target_dtype)), expected)


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_weston_watkins_non_contiguous_scores(layout):
    base, targets = random_class_problem(12, 5, seed=9)
    if layout == "transposed":
        scores = base.t().contiguous().t()
    else:
        scores = torch.repeat_interleave(base, 2, dim=1)[:, ::2]
    assert not scores.is_contiguous()
    ours = scores.detach().requires_grad_()
    theirs = base.clone().requires_grad_()
    got = weston_watkins_loss(ours, targets, p=2, reduction="sum")
    expected = 5 * F.multi_margin_loss(theirs, targets, p=2, reduction="sum")
    torch.testing.assert_close(got, expected)
    got.backward()
    expected.backward()
    torch.testing.assert_close(ours.grad, theirs.grad)


# ---------------------------------------------------------------------------------------------
# Crammer-Singer: scikit-learn and the naive loop
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 4, 7])
def test_crammer_singer_matches_sklearn_multiclass(k):
    scores, targets = random_class_problem(60, k, seed=k)
    expected = sklearn_hinge_loss(targets.numpy(), scores.numpy(), labels=list(range(k)))
    torch.testing.assert_close(crammer_singer_loss(scores, targets), as_expected(expected))


def test_crammer_singer_seed_example_matches_sklearn():
    scores = torch.tensor(SEED_CLASS_SCORES, dtype=torch.float64)
    targets = torch.tensor(SEED_CLASS_TARGETS)
    expected = sklearn_hinge_loss(targets.numpy(), scores.numpy(), labels=[0, 1, 2])
    torch.testing.assert_close(crammer_singer_loss(scores, targets), as_expected(expected))


@pytest.mark.parametrize("margin", [1.0, 0.2, 3.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_crammer_singer_matches_naive_loop(margin, reduction):
    scores, targets = random_class_problem(30, 5, seed=13)
    expected = naive_reduce(
        naive_crammer_singer(scores.tolist(), targets.tolist(), margin), reduction
    )
    got = crammer_singer_loss(scores, targets, margin, reduction)
    torch.testing.assert_close(got, as_expected(expected))


def test_crammer_singer_by_hand():
    scores = torch.tensor([[0.1, 0.2, 0.4, 0.8], [1.0, 3.0, 0.0, 0.0]])
    targets = torch.tensor([3, 0])
    # row 0: best rival 0.4 -> 1 - (0.8 - 0.4) = 0.6; row 1: best rival 3.0 -> 1 + 3 - 1 = 3
    expected = torch.tensor([0.6, 3.0])
    torch.testing.assert_close(crammer_singer_loss(scores, targets, reduction="none"), expected)


# ---------------------------------------------------------------------------------------------
# The kink: 0 gradient where the margin is met exactly
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("margin", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("target_dtype", [torch.int64, torch.float32])
@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
def test_binary_gradient_is_zero_exactly_at_the_margin(margin, target_dtype, loss):
    # y*s == margin exactly (powers of two are exact); the third sample is inside the margin.
    scores = torch.tensor([margin, -margin, margin / 4], requires_grad=True)
    targets = torch.tensor([1, -1, 1], dtype=target_dtype)
    loss(scores, targets, margin=margin, reduction="sum").backward()
    # by hand: 0, 0 on the margin; -1 (hinge) or -2 * (margin - margin / 4) (squared)
    inside = -1.0 if loss is hinge_loss else -2 * (margin - margin / 4)
    torch.testing.assert_close(scores.grad, torch.tensor([0.0, 0.0, inside]))


def test_clamp_composite_differs_at_the_kink():
    # Why the kink needs care: torch.clamp passes the gradient through at the boundary.
    scores = torch.tensor([1.0], requires_grad=True)
    torch.clamp(1 - scores, min=0).sum().backward()
    assert scores.grad.item() == -1.0
    ours = torch.tensor([1.0], requires_grad=True)
    hinge_loss(ours, torch.tensor([1])).backward()
    assert ours.grad.item() == 0.0


@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_gradient_zero_on_the_hinge_like_torch(p):
    # Row 0 (true 0): rival 1 gives 1 - 2 + 1 = 0 (on the hinge), rival 2 gives 1.5 - 2 + 1 = 0.5.
    # Row 1 (true 1): rival 0 gives -0.5 - 0.5 + 1 = 0 (on the hinge), rival 2 gives -0.5.
    values = [[2.0, 1.0, 1.5], [-0.5, 0.5, -1.0]]
    targets = torch.tensor([0, 1])
    ours = torch.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    weston_watkins_loss(ours, targets, p=p, reduction="sum").backward()
    (3 * F.multi_margin_loss(theirs, targets, p=p, reduction="sum")).backward()
    torch.testing.assert_close(ours.grad, theirs.grad)
    # by hand (p=1): only row 0's rival 2 is active: +1 on column 2, -1 on column 0.
    if p == 1:
        torch.testing.assert_close(ours.grad, torch.tensor([[-1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))


def test_crammer_singer_gradient_zero_on_the_hinge():
    scores = torch.tensor([[2.0, 1.0, 0.0], [0.0, 0.5, 1.0]], requires_grad=True)
    targets = torch.tensor([0, 1])
    # row 0: 1 - 2 + 1 = 0 (on the hinge); row 1: 1 - 0.5 + 1 = 1.5 (violating, rival 2)
    crammer_singer_loss(scores, targets, reduction="sum").backward()
    torch.testing.assert_close(scores.grad, torch.tensor([[0.0, 0.0, 0.0], [0.0, -1.0, 1.0]]))


# ---------------------------------------------------------------------------------------------
# Gradients: finite differences away from the kinks, torch's relu composite
# ---------------------------------------------------------------------------------------------


def _away_from_kinks(values, margin, gap=1e-3):
    """Nudge values so that no hinge term is within `gap` of 0."""
    return torch.where((values + margin).abs() < gap, values + 10 * gap, values)


@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_gradcheck(loss, reduction):
    scores, targets = random_binary_problem(12, seed=21)
    scores = torch.where((targets * scores - 1.0).abs() < 1e-3, scores + 0.1, scores)
    scores.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: loss(s, targets, reduction=reduction), (scores,), eps=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weston_watkins_gradcheck(p, with_weight, reduction):
    scores, targets = random_class_problem(8, 4, seed=17)
    differences = scores - scores.gather(1, targets[:, None])
    assert ((differences + 1.0).abs() > 1e-3).all()  # no term near its kink
    weight = torch.tensor([0.5, 1.0, 1.5, 2.0], dtype=torch.float64) if with_weight else None
    scores.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: weston_watkins_loss(s, targets, 1.0, p, weight, reduction),
        (scores,),
        eps=1e-6,
        atol=1e-6,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_crammer_singer_gradcheck(reduction):
    scores, targets = random_class_problem(8, 4, seed=19)
    scores.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: crammer_singer_loss(s, targets, reduction=reduction),
        (scores,),
        eps=1e-6,
        atol=1e-6,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("power", [1, 2])
def test_binary_gradients_match_relu_composite(reduction, power):
    scores, targets = random_binary_problem(64, dtype=torch.float32, seed=8)
    scores[:4] = torch.tensor([1.0, -1.0, 1.0, -1.0]) * targets[:4]  # on the kink
    ours = scores.clone().requires_grad_()
    theirs = scores.clone().requires_grad_()
    loss = hinge_loss if power == 1 else squared_hinge_loss
    got = loss(ours, targets, reduction=reduction)
    expected = F.relu(1.0 - targets * theirs) ** power
    expected = {"mean": expected.mean(), "sum": expected.sum(), "none": expected}[reduction]
    torch.testing.assert_close(got, expected)
    upstream = torch.linspace(0.5, 1.5, got.numel()).reshape(got.shape)
    (got * upstream).sum().backward()
    (expected * upstream).sum().backward()
    torch.testing.assert_close(ours.grad, theirs.grad)


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------------------------

finite = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
margins = st.floats(min_value=0.0, max_value=3.0)


@st.composite
def binary_problems(draw):
    n = draw(st.integers(min_value=1, max_value=20))
    scores = draw(st.lists(finite, min_size=n, max_size=n))
    targets = draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n))
    return torch.tensor(scores, dtype=torch.float64), torch.tensor(targets)


# Multiples of 1/8: every sum and difference below is exact, and terms land exactly on the hinge.
eighths = st.integers(min_value=-40, max_value=40).map(lambda i: i / 8)


@st.composite
def class_problems(draw):
    n = draw(st.integers(min_value=1, max_value=10))
    k = draw(st.integers(min_value=2, max_value=6))
    scores = draw(st.lists(st.lists(eighths, min_size=k, max_size=k), min_size=n, max_size=n))
    targets = draw(st.lists(st.integers(min_value=0, max_value=k - 1), min_size=n, max_size=n))
    return torch.tensor(scores, dtype=torch.float64), torch.tensor(targets)


@settings(max_examples=50, deadline=None)
@given(binary_problems(), margins)
def test_binary_nonnegative_zero_iff_margin_met_and_squared(problem, margin):
    scores, targets = problem
    hinge = hinge_loss(scores, targets, margin, reduction="none")
    squared = squared_hinge_loss(scores, targets, margin, reduction="none")
    met = torch.tensor(
        [y * s >= margin for s, y in zip(scores.tolist(), targets.tolist(), strict=True)]
    )
    assert (hinge >= 0).all()
    assert torch.equal(hinge == 0, met)
    torch.testing.assert_close(squared, hinge**2)


@settings(max_examples=50, deadline=None)
@given(class_problems(), eighths.map(abs))
def test_class_losses_nonnegative_zero_iff_margin_met_and_ordered(problem, margin):
    scores, targets = problem
    k = scores.shape[1]
    ww = weston_watkins_loss(scores, targets, margin, reduction="none")
    cs = crammer_singer_loss(scores, targets, margin, reduction="none")
    met = torch.tensor(
        [
            all(row[j] - row[c] + margin <= 0 for j in range(k) if j != c)
            for row, c in zip(scores.tolist(), targets.tolist(), strict=True)
        ]
    )
    assert (ww >= 0).all() and (cs >= 0).all()
    assert torch.equal(ww == 0, met)
    assert torch.equal(cs == 0, met)
    assert (ww >= cs).all()  # the sum over rivals holds the largest one
    assert (ww <= (k - 1) * cs).all()  # k - 1 terms, none above the largest


# ---------------------------------------------------------------------------------------------
# dtype, device, empty batch, validate_args=False
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("device", DEVICES)
def test_dtype_and_device_preserved(dtype, device):
    binary_scores, binary_targets = random_binary_problem(6, dtype=dtype)
    class_scores, class_targets = random_class_problem(6, 3, dtype=dtype)
    weight = torch.tensor([1.0, 2.0, 0.5], dtype=dtype, device=device)
    binary = (binary_scores.to(device).requires_grad_(), binary_targets.to(device))
    classes = (class_scores.to(device).requires_grad_(), class_targets.to(device))
    results = [
        hinge_loss(*binary),
        squared_hinge_loss(*binary),
        functional_margin(*binary),
        hinge_subgradient(*binary),
        weston_watkins_loss(*classes),
        weston_watkins_loss(*classes, p=2, weight=weight),
        crammer_singer_loss(*classes),
    ]
    for result in results:
        assert result.dtype == dtype
        assert result.device.type == device
    for result in results:
        if result.requires_grad:
            result.sum().backward()
    assert binary[0].grad.dtype == dtype and classes[0].grad.dtype == dtype


@pytest.mark.parametrize("scores_dtype", DTYPES)
@pytest.mark.parametrize("targets_dtype", DTYPES)
def test_float_targets_of_another_dtype_keep_scores_dtype(scores_dtype, targets_dtype):
    scores = torch.tensor(SEED_BINARY_SCORES, dtype=scores_dtype)
    targets = torch.tensor(SEED_BINARY_TARGETS, dtype=targets_dtype)
    loss = hinge_loss(scores, targets)
    assert loss.dtype == scores_dtype
    torch.testing.assert_close(loss, torch.tensor(0.28, dtype=scores_dtype))


def test_empty_batch_binary():
    scores = torch.empty(0, requires_grad=True)
    targets = torch.empty(0, dtype=torch.long)
    for loss in (hinge_loss, squared_hinge_loss):
        assert loss(scores, targets, reduction="sum").item() == 0.0
        assert loss(scores, targets, reduction="none").shape == (0,)
        assert math.isnan(loss(scores, targets, reduction="mean").item())
    hinge_loss(scores, targets, reduction="sum").backward()
    assert scores.grad.shape == (0,)


def test_empty_batch_classes():
    scores = torch.empty(0, 4, requires_grad=True)
    targets = torch.empty(0, dtype=torch.long)
    weight = torch.ones(4)
    for loss in (weston_watkins_loss, crammer_singer_loss):
        assert loss(scores, targets, reduction="sum").item() == 0.0
        assert loss(scores, targets, reduction="none").shape == (0,)
        assert math.isnan(loss(scores, targets, reduction="mean").item())
    assert weston_watkins_loss(scores, targets, weight=weight, reduction="sum").item() == 0.0
    weston_watkins_loss(scores, targets, reduction="sum").backward()
    assert scores.grad.shape == (0, 4)


def test_validate_args_false_gives_the_same_numbers():
    scores, targets = random_class_problem(20, 5, seed=23)
    expected = 5 * F.multi_margin_loss(scores, targets)
    torch.testing.assert_close(weston_watkins_loss(scores, targets, validate_args=False), expected)
    expected_cs = sklearn_hinge_loss(targets.numpy(), scores.numpy(), labels=list(range(5)))
    torch.testing.assert_close(
        crammer_singer_loss(scores, targets, validate_args=False), as_expected(expected_cs)
    )
    binary_scores, binary_targets = random_binary_problem(20, seed=23)
    expected_binary = sklearn_hinge_loss(binary_targets.numpy(), binary_scores.numpy())
    torch.testing.assert_close(
        hinge_loss(binary_scores, binary_targets, validate_args=False),
        as_expected(expected_binary),
    )


def test_double_backward_through_the_upstream_gradient():
    # d/d(upstream) of upstream * dloss/ds is dloss/ds: -y inside the margin, 0 on it.
    # Second derivatives in the scores: tests/test_loss_autograd.py.
    scores = torch.tensor([0.2, 1.0, -0.3], requires_grad=True)
    upstream = torch.tensor(1.0, requires_grad=True)
    (grad,) = torch.autograd.grad(
        upstream * hinge_loss(scores, torch.tensor([1, 1, 1]), reduction="sum"),
        scores,
        create_graph=True,
    )
    (mixed,) = torch.autograd.grad(grad.sum(), upstream)
    assert mixed.item() == -2.0  # -1 + 0 (y*s = 1: the kink) - 1


# ---------------------------------------------------------------------------------------------
# Modules: thin shells over the functions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_modules_equal_functions_and_oracle(reduction):
    scores, targets = random_binary_problem(15, seed=31)
    expected = naive_reduce(naive_binary_hinge(scores.tolist(), targets.tolist(), 0.5), reduction)
    module_value = HingeLoss(margin=0.5, reduction=reduction)(scores, targets)
    torch.testing.assert_close(module_value, as_expected(expected))
    torch.testing.assert_close(module_value, hinge_loss(scores, targets, 0.5, reduction))
    torch.testing.assert_close(
        SquaredHingeLoss(0.5, reduction)(scores, targets),
        squared_hinge_loss(scores, targets, 0.5, reduction),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_modules_equal_functions_and_oracle(reduction):
    scores, targets = random_class_problem(15, 4, seed=37)
    weight = torch.tensor([1.0, 0.5, 2.0, 1.5], dtype=torch.float64)
    module = WestonWatkinsLoss(margin=0.7, p=2, weight=weight, reduction=reduction)
    expected = 4 * F.multi_margin_loss(
        scores, targets, p=2, margin=0.7, weight=weight, reduction=reduction
    )
    torch.testing.assert_close(module(scores, targets), expected)
    torch.testing.assert_close(
        module(scores, targets), weston_watkins_loss(scores, targets, 0.7, 2, weight, reduction)
    )
    torch.testing.assert_close(
        CrammerSingerLoss(0.7, reduction)(scores, targets),
        crammer_singer_loss(scores, targets, 0.7, reduction),
    )


def test_weston_watkins_module_weight_is_a_buffer():
    module = WestonWatkinsLoss(weight=torch.tensor([1.0, 2.0, 3.0]))
    assert "weight" in dict(module.named_buffers())
    module = module.double()
    assert module.weight.dtype == torch.float64
    scores = torch.tensor([[0.0, 0.5, 0.2]], dtype=torch.float64)
    # true class 1 (weight 2): 2 * ((0 - 0.5 + 1) + (0.2 - 0.5 + 1)) = 2 * (0.5 + 0.7)
    torch.testing.assert_close(
        module(scores, torch.tensor([1])), torch.tensor(2.4, dtype=torch.float64)
    )


def test_module_reprs():
    assert repr(HingeLoss()) == "HingeLoss(margin=1.0, reduction='mean')"
    assert repr(SquaredHingeLoss(2, "sum")) == "SquaredHingeLoss(margin=2.0, reduction='sum')"
    assert repr(CrammerSingerLoss(validate_args=False)) == (
        "CrammerSingerLoss(margin=1.0, reduction='mean', validate_args=False)"
    )
    assert repr(WestonWatkinsLoss(p=2, weight=torch.tensor([1.0, 0.5]), reduction="none")) == (
        "WestonWatkinsLoss(margin=1.0, p=2, weight=tensor([1.0, 0.5]), reduction='none')"
    )
    assert repr(WestonWatkinsLoss(weight=torch.ones(100))) == (
        "WestonWatkinsLoss(margin=1.0, p=1, weight=<tensor of shape (100,)>, reduction='mean')"
    )


# ---------------------------------------------------------------------------------------------
# torch.func transforms: grad, vmap, vmap(grad) per-sample gradients, jacrev
# ---------------------------------------------------------------------------------------------

# Multiples of 1/4 times these weights: every score below is exact in float64.
FUNC_WEIGHTS = [0.5, -0.25, 1.0]


def dyadic_binary_problem(margin, n=10, seed=0):
    """Features x, weights w, labels y; y * (x @ w) is exactly the margin in rows 0 and 1."""
    generator = torch.Generator().manual_seed(seed)
    features = torch.randint(-8, 9, (n, 3), generator=generator).double() / 4
    labels = torch.randint(0, 2, (n,), generator=generator) * 2 - 1
    features[0], labels[0] = torch.tensor([2.0 * margin, 0.0, 0.0]), 1  # s = margin
    features[1], labels[1] = torch.tensor([0.0, 4.0 * margin, 0.0]), -1  # s = -margin
    features[2], labels[2] = torch.tensor([4.0 * margin, 0.0, 0.0]), 1  # s = 2 * margin: beyond
    return features, torch.tensor(FUNC_WEIGHTS, dtype=torch.float64), labels


def naive_binary_weight_gradients(features, weights, labels, margin, power):
    """Per sample, d/dw max(0, m - y x.w) ** p: -p y (m - y x.w) ** (p - 1) x where y x.w < m,
    else 0 (0 at the kink). A loop over Python floats (exact for these dyadic numbers)."""
    rows = []
    for x, y in zip(features.tolist(), labels.tolist(), strict=True):
        functional = y * sum(x_j * w_j for x_j, w_j in zip(x, weights.tolist(), strict=True))
        factor = -power * y * (margin - functional) ** (power - 1) if functional < margin else 0.0
        rows.append([factor * x_j for x_j in x])
    return torch.tensor(rows, dtype=torch.float64)


def autograd_loop(loss_of_sample, inputs):
    """Row i: the gradient of loss_of_sample(leaf, i) at leaf = inputs[i], by plain autograd."""
    rows = []
    for i, row in enumerate(inputs):
        leaf = row.detach().clone().requires_grad_()
        loss_of_sample(leaf, i).backward()
        rows.append(leaf.grad)
    return torch.stack(rows)


@pytest.mark.parametrize("validate_args", [True, False])
@pytest.mark.parametrize("margin", [1.0, 0.5])
@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
def test_per_sample_gradients_vmap_grad(loss, margin, validate_args):
    features, weights, labels = dyadic_binary_problem(margin)
    power = 1 if loss is hinge_loss else 2

    def sample_loss(w, x, y):  # a batch of one: scores (1,), targets (1,)
        return loss((x @ w).unsqueeze(0), y.unsqueeze(0), margin, validate_args=validate_args)

    per_sample = torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, 0, 0))(
        weights, features, labels
    )
    by_loop = autograd_loop(
        lambda w, i: sample_loss(w, features[i], labels[i]), weights.expand(len(labels), 3)
    )
    by_hand = naive_binary_weight_gradients(features, weights, labels, margin, power)
    torch.testing.assert_close(per_sample, by_loop, rtol=0, atol=0)
    torch.testing.assert_close(per_sample, by_hand, rtol=0, atol=0)
    assert (per_sample[:3] == 0).all()  # on the margin (rows 0, 1) and beyond it (row 2)
    assert (per_sample[3:] != 0).any()  # and not every sample is safe


@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
def test_vmap_over_a_batch_of_weight_vectors(loss):
    features, weights, labels = dyadic_binary_problem(1.0, n=12, seed=3)
    generator = torch.Generator().manual_seed(4)
    batch = torch.randint(-8, 9, (5, 3), generator=generator).double() / 4
    batch[0] = weights  # rows 0 and 1 of the features sit on the kink for this one
    power = 1 if loss is hinge_loss else 2

    def relu_composite(w, _=None):  # torch's relu has gradient 0 at the kink, as ours
        return (F.relu(1.0 - labels * (features @ w)) ** power).mean()

    values = torch.func.vmap(lambda w: loss(features @ w, labels))(batch)
    gradients = torch.func.vmap(torch.func.grad(lambda w: loss(features @ w, labels)))(batch)
    torch.testing.assert_close(values, torch.stack([relu_composite(w) for w in batch]))
    torch.testing.assert_close(gradients, autograd_loop(relu_composite, batch))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_torch_func_grad_matches_torch_autograd(p, with_weight, reduction):
    scores, targets = random_class_problem(6, 3, seed=41)
    # rows 0 and 1 put one term each exactly on the hinge (see the kink tests above)
    scores[:2] = torch.tensor([[2.0, 1.0, 1.5], [-0.5, 0.5, -1.0]], dtype=torch.float64)
    targets[:2] = torch.tensor([0, 1])
    weight = torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64) if with_weight else None

    def ours(s):
        return weston_watkins_loss(s, targets, 1.0, p, weight, reduction)

    def theirs(s, _=None):
        return 3 * F.multi_margin_loss(s, targets, p=p, weight=weight, reduction=reduction)

    got = torch.func.grad(ours)(scores)
    torch.testing.assert_close(got, autograd_loop(theirs, scores.unsqueeze(0))[0])
    torch.testing.assert_close(got, autograd_loop(lambda s, _: ours(s), scores.unsqueeze(0))[0])


@pytest.mark.filterwarnings("error")  # a missing batching rule (slow fallback) warns: fail
@pytest.mark.parametrize("p", [1, 2])
def test_class_losses_per_sample_gradients(p):
    scores, targets = random_class_problem(7, 4, seed=43)
    scores[0] = torch.tensor([2.0, 1.0, 1.5, -3.0], dtype=torch.float64)  # on the hinge
    targets[0] = 0
    weight = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)

    def ww_row(s, c):
        return weston_watkins_loss(s.unsqueeze(0), c.unsqueeze(0), p=p, weight=weight)

    def torch_row(s, c):
        return 4 * F.multi_margin_loss(s.unsqueeze(0), c.unsqueeze(0), p=p, weight=weight)

    def cs_row(s, c):
        return crammer_singer_loss(s.unsqueeze(0), c.unsqueeze(0))

    ww = torch.func.vmap(torch.func.grad(ww_row))(scores, targets)
    cs = torch.func.vmap(torch.func.grad(cs_row))(scores, targets)
    torch.testing.assert_close(ww, autograd_loop(lambda s, i: torch_row(s, targets[i]), scores))
    torch.testing.assert_close(cs, autograd_loop(lambda s, i: cs_row(s, targets[i]), scores))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("p", [1, 2])
def test_weston_watkins_vmap_over_class_weights(p):
    # Only the weights are batched: the scores and their (N, K) terms are shared.
    scores, targets = random_class_problem(5, 3, seed=47)
    weights = torch.tensor([[1.0, 1.0, 1.0], [0.5, 2.0, 1.5], [3.0, 0.25, 1.0]]).double()

    def ours(s, w):
        return weston_watkins_loss(s, targets, p=p, weight=w)

    def theirs(s, w):
        return 3 * F.multi_margin_loss(s, targets, p=p, weight=w)

    values = torch.func.vmap(ours, in_dims=(None, 0))(scores, weights)
    gradients = torch.func.vmap(torch.func.grad(ours), in_dims=(None, 0))(scores, weights)
    torch.testing.assert_close(values, torch.stack([theirs(scores, w) for w in weights]))
    torch.testing.assert_close(
        gradients, autograd_loop(lambda s, i: theirs(s, weights[i]), scores.expand(3, 5, 3))
    )


def test_jacrev_of_per_sample_losses():
    # jacrev batches only the incoming gradient: the backward must not write it in place.
    features, weights, labels = dyadic_binary_problem(1.0)
    scores = features @ weights
    jacobian = torch.func.jacrev(lambda s: hinge_loss(s, labels, reduction="none"))(scores)
    # by hand: diagonal, -y where y*s < 1, 0 elsewhere (rows 0-2 on and beyond the margin)
    expected = torch.diag(torch.where(labels * scores < 1, -labels, 0).double())
    torch.testing.assert_close(jacobian, expected, rtol=0, atol=0)

    class_scores, targets = random_class_problem(4, 3, seed=53)
    got = torch.func.jacrev(lambda s: weston_watkins_loss(s, targets, p=2, reduction="none"))(
        class_scores
    )
    expected = torch.autograd.functional.jacobian(
        lambda s: 3 * F.multi_margin_loss(s, targets, p=2, reduction="none"), class_scores
    )
    torch.testing.assert_close(got, expected)


def test_target_checks_under_vmap():
    scores = torch.randn(3, 4)
    # Value checks see the whole batch: one bad row among good ones is found and named.
    targets = torch.tensor([[1, -1, 1, -1], [1, 1, 1, 1], [0, 1, 0, 1]])
    with pytest.raises(ValueError, match=re.escape("got values {-1, 0, 1}: map your two classes")):
        torch.func.vmap(hinge_loss)(scores, targets)
    with pytest.raises(ValueError, match=re.escape("got values {0, 1}: use 2 * y - 1")):
        torch.func.vmap(torch.func.grad(hinge_loss))(scores, (targets + 1) // 2)
    # Shape checks run on what one sample sees: (4,) scores against (4, 1) targets.
    with pytest.raises(ValueError, match=re.escape("has shape (4, 1) but scores has shape (4,)")):
        torch.func.vmap(hinge_loss)(scores, targets.unsqueeze(-1))
    class_targets = torch.tensor([[0, 1], [2, 3]])  # 3 is out of range for K = 3
    with pytest.raises(ValueError, match=re.escape("got min 0, max 3")):
        torch.func.vmap(weston_watkins_loss)(torch.randn(2, 2, 3), class_targets)
    # validate_args=False skips the value checks, under vmap as without it
    torch.func.vmap(lambda s, y: hinge_loss(s, y, validate_args=False))(scores, targets)


def test_binary_helpers_under_vmap():
    scores = torch.tensor([[1.5, -0.5], [1.0, 0.3]])
    targets = torch.tensor([[1, -1], [1, -1]])
    margins = torch.func.vmap(functional_margin)(scores, targets)
    subgradients = torch.func.vmap(hinge_subgradient)(scores, targets)
    # by hand: y*s = 1.5, 0.5 | 1.0, -0.3  ->  subgradient 0, -(-1) | 0 (kink), -(-1)
    torch.testing.assert_close(margins, torch.tensor([[1.5, 0.5], [1.0, -0.3]]))
    torch.testing.assert_close(subgradients, torch.tensor([[0.0, 1.0], [0.0, 1.0]]))


@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss, weston_watkins_loss])
def test_grad_of_grad_is_the_second_derivative(loss):
    # grad of grad is the Hessian times a vector of ones, never an error. Hinge and
    # Weston-Watkins (p=1): 0; squared hinge (a diagonal Hessian): 2 where y*s < 1.
    if loss is weston_watkins_loss:
        scores, targets = random_class_problem(4, 3, seed=59)
    else:
        scores, targets = random_binary_problem(6, seed=59)
    inner = torch.func.grad(lambda s: loss(s, targets, reduction="sum"))
    curvature = torch.func.grad(lambda s: inner(s).sum())(scores)
    expected = torch.zeros_like(scores)
    if loss is squared_hinge_loss:
        expected = 2.0 * (targets * scores < 1)
    torch.testing.assert_close(curvature, expected.double(), rtol=0, atol=0)


def test_torch_func_grad_refuses_targets_and_weight():
    scores, targets = random_binary_problem(4, seed=61)
    with pytest.raises(ValueError, match=re.escape("pass targets.detach()")):
        torch.func.grad(hinge_loss, argnums=1)(scores, targets.double())
    class_scores, class_targets = random_class_problem(4, 3, seed=61)
    weight = torch.ones(3, dtype=torch.float64)
    with pytest.raises(ValueError, match=re.escape("pass weight.detach()")):
        torch.func.grad(lambda w: weston_watkins_loss(class_scores, class_targets, weight=w))(
            weight
        )
