"""Tests for hinge_utils.zoo: margin losses and their analytic derivatives.

Oracles: values worked out by hand, torch.autograd (derivatives), torch's binary cross-entropy
(logistic), scikit-learn's SGD loss objects (hinge, squared hinge, modified Huber) and the
hinge loss of hinge_utils.functional.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
import torch.nn.functional as F

from hinge_utils import zoo
from hinge_utils.functional import hinge_loss, hinge_subgradient
from hinge_utils.zoo import LOSSES, MarginLoss

# (loss name, keyword parameters, kinks of the derivative for those parameters)
PARAMETRISED = [
    ("hinge", {}, (1.0,)),
    ("hinge", {"margin": 0.5}, (0.5,)),
    ("hinge", {"margin": 2.0}, (2.0,)),
    ("squared_hinge", {}, ()),
    ("squared_hinge", {"margin": 2.0}, ()),
    ("smooth_hinge", {}, ()),
    ("logistic", {}, ()),
    ("logistic_bits", {}, ()),
    ("exponential", {}, ()),
    ("perceptron", {}, (0.0,)),
    ("modified_huber", {}, ()),
    ("ramp", {}, (0.0, 1.0)),
    ("ramp", {"s": -1.0}, (-1.0, 1.0)),
    ("ramp", {"s": 0.5}, (0.5, 1.0)),
    ("softplus_hinge", {}, ()),
    ("softplus_hinge", {"tau": 0.1}, ()),
    ("softplus_hinge", {"tau": 2.0}, ()),
    ("softplus_hinge", {"tau": 0.5, "margin": 0.0}, ()),
]
DIFFERENTIABLE = [case for case in PARAMETRISED if case[0] != "zero_one"]


def _grid(lo: float = -3.0, hi: float = 4.0, n: int = 701) -> torch.Tensor:
    return torch.linspace(lo, hi, n, dtype=torch.float64)


def _autograd_derivative(fn, m: torch.Tensor, **params) -> torch.Tensor:
    m = m.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(fn(m, **params).sum(), m)
    return grad


# ----------------------------------------------------------------------------------------------
# Derivatives against autograd
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params", "kinks"), DIFFERENTIABLE)
def test_derivative_matches_autograd_away_from_kinks(name, params, kinks):
    loss = LOSSES[name]
    m = _grid()
    away = torch.ones_like(m, dtype=torch.bool)
    for kink in kinks:
        away &= (m - kink).abs() > 1e-3
    m = m[away]
    expected = _autograd_derivative(loss.fn, m, **params)
    torch.testing.assert_close(loss.derivative(m, **params), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "params", "kinks"), [c for c in DIFFERENTIABLE if c[2]])
def test_autograd_at_kinks_picks_the_documented_convention(name, params, kinks):
    # At a kink that joins a flat piece the derivative is 0, and autograd through fn agrees.
    m = torch.tensor(kinks, dtype=torch.float64)
    torch.testing.assert_close(LOSSES[name].derivative(m, **params), torch.zeros_like(m))
    torch.testing.assert_close(_autograd_derivative(LOSSES[name].fn, m, **params),
                               torch.zeros_like(m))


def test_hinge_derivative_is_minus_one_inside_the_margin_and_zero_from_it_on():
    m = torch.tensor([-5.0, 0.0, 0.999, 1.0, 1.001, 7.0], dtype=torch.float64)
    assert zoo.hinge_derivative(m).tolist() == [-1.0, -1.0, -1.0, 0.0, 0.0, 0.0]
    assert zoo.hinge_derivative(m, margin=0.0).tolist() == [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_zero_one_derivative_is_zero_and_loss_carries_no_gradient():
    m = _grid().requires_grad_(True)
    assert torch.equal(zoo.zero_one_derivative(m), torch.zeros_like(m))
    assert not zoo.zero_one(m).requires_grad


# ----------------------------------------------------------------------------------------------
# Values at hand-computed points
# ----------------------------------------------------------------------------------------------

HAND = [
    # name, params, margins, values worked out by hand
    ("zero_one", {}, [-2.0, -1e-9, 0.0, 1e-9, 3.0], [1, 1, 1, 0, 0]),
    ("hinge", {}, [-2.0, 0.0, 0.25, 1.0, 3.0], [3, 1, 0.75, 0, 0]),
    ("hinge", {"margin": 2.0}, [-1.0, 1.5, 2.0, 3.0], [3, 0.5, 0, 0]),
    ("squared_hinge", {}, [-2.0, 0.0, 0.5, 1.0, 3.0], [9, 1, 0.25, 0, 0]),
    ("smooth_hinge", {}, [-2.0, 0.0, 0.5, 0.8, 1.0, 3.0], [2.5, 0.5, 0.125, 0.02, 0, 0]),
    ("logistic", {}, [0.0, 1.0, -1.0], [math.log(2), math.log(1 + math.exp(-1)),
                                       math.log(1 + math.e)]),
    ("logistic_bits", {}, [0.0, 1.0, -1.0], [1.0, math.log2(1 + math.exp(-1)),
                                            math.log2(1 + math.e)]),
    ("exponential", {}, [0.0, 1.0, -2.0], [1.0, math.exp(-1), math.exp(2)]),
    ("perceptron", {}, [-2.0, 0.0, 3.0], [2, 0, 0]),
    ("modified_huber", {}, [-3.0, -1.0, 0.0, 0.5, 1.0, 2.0], [12, 4, 1, 0.25, 0, 0]),
    ("ramp", {}, [-3.0, 0.0, 0.25, 1.0, 2.0], [1, 1, 0.75, 0, 0]),
    ("ramp", {"s": -1.0}, [-3.0, -1.0, 0.0, 2.0], [2, 2, 1, 0]),
    ("softplus_hinge", {"tau": 0.5}, [1.0, 0.0, 3.0],
     [0.5 * math.log(2), 0.5 * math.log(1 + math.exp(2)), 0.5 * math.log(1 + math.exp(-4))]),
]

HAND_DERIVATIVES = [
    ("squared_hinge", {}, [-2.0, 0.5, 1.0, 3.0], [-6, -1, 0, 0]),
    ("smooth_hinge", {}, [-2.0, 0.0, 0.25, 1.0], [-1, -1, -0.75, 0]),
    ("logistic", {}, [0.0], [-0.5]),
    ("logistic_bits", {}, [0.0], [-0.5 / math.log(2)]),
    ("exponential", {}, [0.0, 1.0], [-1, -math.exp(-1)]),
    ("perceptron", {}, [-2.0, 0.0, 3.0], [-1, 0, 0]),
    ("modified_huber", {}, [-3.0, -1.0, 0.0, 2.0], [-4, -4, -2, 0]),
    ("ramp", {}, [-3.0, 0.0, 0.5, 1.0], [0, 0, -1, 0]),
    ("softplus_hinge", {"tau": 0.5}, [1.0], [-0.5]),
]


@pytest.mark.parametrize(("name", "params", "margins", "values"), HAND)
def test_values_at_hand_computed_points(name, params, margins, values):
    m = torch.tensor(margins, dtype=torch.float64)
    expected = torch.tensor(values, dtype=torch.float64)
    torch.testing.assert_close(LOSSES[name].fn(m, **params), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "params", "margins", "values"), HAND_DERIVATIVES)
def test_derivatives_at_hand_computed_points(name, params, margins, values):
    m = torch.tensor(margins, dtype=torch.float64)
    expected = torch.tensor(values, dtype=torch.float64)
    torch.testing.assert_close(LOSSES[name].derivative(m, **params), expected,
                               rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------


def test_logistic_in_bits_passes_through_zero_one_and_bounds_the_zero_one_loss():
    one = zoo.logistic_bits(torch.tensor([0.0], dtype=torch.float64)).item()
    assert one == pytest.approx(1.0, abs=1e-15)
    m = _grid()
    assert bool((zoo.logistic_bits(m) >= zoo.zero_one(m)).all())
    # in nats it does not: log(1 + e^0.1) = 0.744 < 1 at m = -0.1
    assert zoo.logistic(torch.tensor([-0.1])).item() < 1


def test_logistic_is_binary_cross_entropy_in_nats_and_bits():
    # The oracle: torch's binary cross-entropy with logits (natural log).
    generator = torch.Generator().manual_seed(0)
    scores = 4 * torch.randn(50, generator=generator, dtype=torch.float64)
    targets = torch.where(torch.rand(50, generator=generator) < 0.5, -1.0, 1.0).double()
    bce = F.binary_cross_entropy_with_logits(scores, (targets + 1) / 2, reduction="none")
    torch.testing.assert_close(zoo.logistic(targets * scores), bce)
    torch.testing.assert_close(zoo.logistic_bits(targets * scores), bce / math.log(2))
    m = (targets * scores).requires_grad_()
    slope = torch.autograd.grad(F.softplus(-m).sum(), m)[0]
    torch.testing.assert_close(zoo.logistic_derivative(m.detach()), slope)
    torch.testing.assert_close(zoo.logistic_bits_derivative(m.detach()), slope / math.log(2))


@pytest.mark.parametrize("tau", [1.0, 0.1, 0.01, 0.001])
def test_softplus_hinge_approaches_hinge_with_gap_tau_log_2(tau):
    m = torch.cat([_grid(), torch.tensor([1.0], dtype=torch.float64)])
    gap = zoo.softplus_hinge(m, tau=tau) - zoo.hinge(m)
    assert bool((gap >= -1e-12).all())  # above the hinge, up to rounding
    assert gap.max().item() == pytest.approx(tau * math.log(2), rel=1e-12)
    assert m[gap.argmax()].item() == pytest.approx(1.0, abs=1e-12)  # largest at the kink


def test_ramp_is_difference_of_two_hinges():
    m = _grid()
    for s in (-2.0, 0.0, 0.5):
        expected = torch.clamp(1 - m, min=0) - torch.clamp(s - m, min=0)
        torch.testing.assert_close(zoo.ramp(m, s=s), expected)


def test_modified_huber_is_continuous_at_minus_one():
    m = torch.tensor([-1 - 1e-9, -1.0, -1 + 1e-9], dtype=torch.float64)
    torch.testing.assert_close(zoo.modified_huber(m), torch.full_like(m, 4.0), atol=1e-8, rtol=0)


@pytest.fixture(scope="module")
def sgd_losses():
    # scikit-learn's compiled SGD loss objects: a private module, so skip if it moved.
    sgd_fast = pytest.importorskip("sklearn.linear_model._sgd_fast")
    if not hasattr(sgd_fast.Hinge(1.0), "py_loss"):
        pytest.skip("scikit-learn's SGD loss objects have no py_loss here")
    return sgd_fast


@pytest.mark.parametrize(("name", "params", "factory"), [
    ("hinge", {}, lambda s: s.Hinge(1.0)),
    ("hinge", {"margin": 2.0}, lambda s: s.Hinge(2.0)),
    ("perceptron", {}, lambda s: s.Hinge(0.0)),
    ("squared_hinge", {}, lambda s: s.SquaredHinge(1.0)),
    ("modified_huber", {}, lambda s: s.ModifiedHuber()),
])
def test_matches_scikit_learn_sgd_losses(sgd_losses, name, params, factory):
    sk = factory(sgd_losses)
    # scikit-learn takes (score p, label y); use y = +1 and y = -1 with the same margin.
    margins = [-3.3, -1.5, -0.2, 0.3, 0.9, 1.4, 2.6]
    for y in (1.0, -1.0):
        m = torch.tensor(margins, dtype=torch.float64)
        loss = LOSSES[name].fn(m, **params)
        slope = LOSSES[name].derivative(m, **params)
        for i, margin in enumerate(margins):
            assert loss[i].item() == pytest.approx(sk.py_loss(y * margin, y), abs=1e-12)
            # dL/dp = y * dL/dm since m = y * p
            assert y * slope[i].item() == pytest.approx(sk.py_dloss(y * margin, y), abs=1e-12)


def test_hinge_matches_functional_hinge_loss():
    generator = torch.Generator().manual_seed(1)
    scores = 3 * torch.randn(40, generator=generator, dtype=torch.float64)
    targets = torch.where(torch.rand(40, generator=generator) < 0.5, -1.0, 1.0).double()
    per_sample = hinge_loss(scores, targets, reduction="none")
    torch.testing.assert_close(zoo.hinge(targets * scores), per_sample)


def test_hinge_derivative_follows_the_library_kink_convention():
    # dL/ds = y * dL/dm; samples exactly on the margin (y s = 1) included
    scores = torch.tensor([1.0, -1.0, 0.5, -2.0, 3.0, 1.0], dtype=torch.float64)
    targets = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0], dtype=torch.float64)
    expected = hinge_subgradient(scores, targets)
    torch.testing.assert_close(targets * zoo.hinge_derivative(targets * scores), expected)
    assert expected[:2].tolist() == [0.0, 0.0]  # the two samples on the margin


# ----------------------------------------------------------------------------------------------
# dtype, shape, autograd, errors, registry
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_dtype_and_shape_are_preserved(name, dtype):
    m = torch.linspace(-2, 3, 12, dtype=dtype).reshape(3, 4)
    for function in (LOSSES[name].fn, LOSSES[name].derivative):
        out = function(m)
        assert out.dtype == dtype
        assert out.shape == (3, 4)
        assert bool(torch.isfinite(out).all())


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_errors_name_what_was_received(name):
    loss = LOSSES[name]
    for function in (loss.fn, loss.derivative):
        with pytest.raises(TypeError, match=r"floating-point.*torch.int64.*to\(torch.float32\)"):
            function(torch.tensor([1, 2]))
        with pytest.raises(TypeError, match=r"torch.Tensor; got list"):
            function([0.5, 1.0])


@pytest.mark.parametrize(("function", "params", "message"), [
    (zoo.hinge, {"margin": float("inf")}, r"margin must be finite; got inf"),
    (zoo.squared_hinge_derivative, {"margin": float("nan")}, r"margin must be finite"),
    (zoo.softplus_hinge, {"tau": 0.0}, r"tau must be > 0; got 0.0"),
    (zoo.softplus_hinge_derivative, {"tau": -0.5}, r"tau must be > 0"),
    (zoo.ramp, {"s": 1.0}, r"s must be < 1; got 1.0"),
    (zoo.ramp_derivative, {"s": 3.0}, r"s must be < 1"),
])
def test_bad_parameters_raise_value_error(function, params, message):
    with pytest.raises(ValueError, match=message):
        function(torch.zeros(3), **params)


def test_parameter_of_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match=r"tau must be a real number; got str"):
        zoo.softplus_hinge(torch.zeros(3), tau="0.1")


def test_registry_entries_are_complete_and_frozen():
    expected = {"zero_one", "hinge", "squared_hinge", "smooth_hinge", "logistic", "logistic_bits",
                "exponential", "perceptron", "modified_huber", "ramp", "softplus_hinge"}
    assert set(LOSSES) == expected
    for name, loss in LOSSES.items():
        assert isinstance(loss, MarginLoss)
        assert loss.name == name
        assert loss.label
        m = torch.tensor([0.5])
        assert torch.equal(loss(m), loss.fn(m))
    with pytest.raises(dataclasses.FrozenInstanceError):
        LOSSES["hinge"].name = "other"
