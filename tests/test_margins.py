"""Tests for hinge_utils.margins: geometric margin, violators and support vectors.

Oracles: cases worked out by hand, a point-to-line distance computed with math.hypot in a
loop, torch.autograd (which samples get a hinge gradient) and scikit-learn's SVC (its support
vectors, and 1 / ||w|| as the geometric margin of the points on its band).
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from hinge_utils.data import make_binary_blobs, make_separable_blobs
from hinge_utils.margins import geometric_margin, margin_violators, margin_width, support_vectors

pytestmark = pytest.mark.usefixtures("one_thread")


# ---------------------------------------------------------------------------------------------
# Geometric margin
# ---------------------------------------------------------------------------------------------


def test_geometric_margin_by_hand():
    w, b = torch.tensor([3.0, 4.0]), -5.0  # the line 3 x1 + 4 x2 = 5, ||w|| = 5
    X = torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 0.5]])
    y = torch.tensor([1.0, 1.0, -1.0])
    # (9 + 16 - 5) / 5 = 4; (0 - 5) / 5 = -1; -(3 + 2 - 5) / 5 = 0 (on the line)
    torch.testing.assert_close(geometric_margin(w, b, X, y), torch.tensor([4.0, -1.0, 0.0]))


def test_geometric_margin_is_the_signed_point_to_line_distance():
    X, y = make_binary_blobs(n=40, separation=2.0, seed=0, dtype=torch.float64)
    w, b = torch.tensor([0.7, -1.9], dtype=torch.float64), 0.3
    result = geometric_margin(w, b, X, y)
    for (x1, x2), label, got in zip(X.tolist(), y.tolist(), result.tolist(), strict=True):
        # foot of the perpendicular from x onto the line, then the distance to it
        s = (w[0].item() * x1 + w[1].item() * x2 + b) / (w @ w).item()
        foot = (x1 - s * w[0].item(), x2 - s * w[1].item())
        distance = math.hypot(x1 - foot[0], x2 - foot[1])
        side = 1.0 if w[0].item() * x1 + w[1].item() * x2 + b > 0 else -1.0
        assert got == pytest.approx(label * side * distance, abs=1e-12)


def test_geometric_margin_ignores_positive_rescaling_of_the_model():
    X, y = make_binary_blobs(n=20, seed=1)
    w, b = torch.tensor([0.5, 1.5]), torch.tensor(-0.25)
    torch.testing.assert_close(
        geometric_margin(7.0 * w, 7.0 * b, X, y), geometric_margin(w, b, X, y)
    )


def test_svc_support_vectors_lie_one_over_norm_w_from_the_boundary():
    from sklearn.svm import SVC

    X, y = make_separable_blobs(n=60, gap=1.0, seed=3, dtype=torch.float64)
    svm = SVC(kernel="linear", C=1e6, tol=1e-10).fit(X.numpy(), y.numpy())
    w = torch.tensor(svm.coef_[0])
    margins = geometric_margin(w, float(svm.intercept_[0]), X, y)
    torch.testing.assert_close(
        margins[svm.support_], torch.full((len(svm.support_),), 1 / w.norm().item()).double()
    )
    assert margins.min().item() == pytest.approx(1 / w.norm().item(), rel=1e-6)
    assert margin_width(w).item() == pytest.approx(2 / w.norm().item())


def test_geometric_margin_gradients_match_finite_differences():
    X = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    y = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0], dtype=torch.float64)
    w = torch.tensor([0.3, -0.2, 0.9], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda w, b: geometric_margin(w, b, X, y), (w, b))


def test_geometric_margin_refuses_a_zero_weight():
    X, y = make_binary_blobs(n=4, seed=0)
    with pytest.raises(ValueError, match="weight is the zero vector"):
        geometric_margin(torch.zeros(2), 1.0, X, y)
    with pytest.raises(ValueError, match="zero vector"):
        margin_width(torch.zeros(3))


def test_geometric_margin_names_the_fix_for_an_nn_linear():
    X, y = make_binary_blobs(n=4, seed=0)
    model = nn.Linear(2, 1)
    with pytest.raises(ValueError, match=r"model\.weight\.squeeze\(0\)"):
        geometric_margin(model.weight, model.bias, X, y)
    with pytest.raises(ValueError, match=r"model\.bias\.squeeze\(0\)"):
        geometric_margin(model.weight.squeeze(0), model.bias, X, y)
    result = geometric_margin(model.weight.squeeze(0), model.bias.squeeze(0), X, y)
    assert result.shape == (4,)


@pytest.mark.parametrize(
    ("weight", "bias", "X", "y", "error", "match"),
    [
        (torch.ones(3), 0.0, torch.ones(4, 2), torch.ones(4), ValueError, "one weight per column"),
        (torch.ones(2), 0.0, torch.ones(4), torch.ones(4), ValueError, "X must be 2-D"),
        (torch.ones(2), 0.0, torch.ones(4, 2), torch.ones(3), ValueError, "one label per row"),
        (
            torch.ones(2),
            0.0,
            torch.ones(4, 2),
            torch.tensor([0, 1, 1, 0]),
            ValueError,
            "2 \\* y - 1",
        ),
        (torch.ones(2), 0.0, torch.ones(4, 2).double(), torch.ones(4), TypeError, "X.to"),
        (
            torch.ones(2, dtype=torch.int64),
            0.0,
            torch.ones(4, 2),
            torch.ones(4),
            TypeError,
            "float",
        ),
        (torch.ones(2), "0", torch.ones(4, 2), torch.ones(4), TypeError, "bias must be a real"),
        ([1.0, 2.0], 0.0, torch.ones(4, 2), torch.ones(4), TypeError, "torch.as_tensor"),
    ],
)
def test_geometric_margin_bad_input(weight, bias, X, y, error, match):
    with pytest.raises(error, match=match):
        geometric_margin(weight, bias, X, y)


# ---------------------------------------------------------------------------------------------
# Violators and support vectors
# ---------------------------------------------------------------------------------------------


def test_margin_violators_by_hand():
    s = torch.tensor([1.5, -0.5, 0.8, -1.0, 0.3, -2.0])
    y = torch.tensor([1, -1, 1, -1, 1, 1])
    # y*s = 1.5, 0.5, 0.8, 1.0 (on the margin: not a violator), 0.3, -2.0
    assert margin_violators(s, y).tolist() == [False, True, True, False, True, True]
    # margin 0.5: only y*s < 0.5
    assert margin_violators(s, y, margin=0.5).tolist() == [False, False, False, False, True, True]


def test_violators_are_the_samples_with_a_hinge_gradient_off_the_band():
    generator = torch.Generator().manual_seed(0)
    scores = torch.randn(200, generator=generator, requires_grad=True)
    y = torch.where(torch.rand(200, generator=generator) > 0.5, 1.0, -1.0)
    # The syllabus's hinge, differentiated by autograd: a sample off the band (farther than the
    # tolerance from it) gets a gradient iff it violates; on the band the count says "no".
    torch.clamp(1 - y * scores, min=0).sum().backward()
    off_band = ((y * scores).detach() - 1).abs() > 1.01e-4
    assert int(off_band.sum()) == 200  # these draws: no sample on the band
    assert torch.equal(margin_violators(scores, y)[off_band], (scores.grad != 0)[off_band])
    on_band = torch.tensor([1.0 - 5e-5, 1.0 + 5e-5], requires_grad=True)
    torch.clamp(1 - on_band, min=0).sum().backward()
    assert on_band.grad.tolist() == [-1.0, 0.0]  # autograd: decided by the side of 1
    assert margin_violators(on_band, torch.ones(2)).tolist() == [False, False]


def test_support_vectors_tolerance_by_hand():
    s = torch.tensor([1.00009, 1.0002, 0.5, 1.0, 3.0])
    y = torch.ones(5)
    # default limit 1 + 1e-6 + 1e-4 * 1 = 1.000101
    assert support_vectors(s, y).tolist() == [True, False, True, True, False]
    assert support_vectors(s, y, rtol=0.0, atol=0.0).tolist() == [False, False, True, True, False]
    assert support_vectors(s, y, atol=1e-3).tolist() == [True, True, True, True, False]
    # margin 2: limit 2 + 1e-6 + 2e-4, so 1.0002 is now well inside
    assert support_vectors(s, y, margin=2.0).tolist() == [True, True, True, True, False]


def test_support_vectors_match_scikit_learns_on_separable_data():
    from sklearn.svm import SVC

    X, y = make_separable_blobs(n=100, gap=0.5, seed=4, dtype=torch.float64)
    svm = SVC(kernel="linear", C=10.0, tol=1e-10).fit(X.numpy(), y.numpy())
    scores = torch.as_tensor(svm.decision_function(X.numpy()))
    found = torch.nonzero(support_vectors(scores, y)).squeeze(1).tolist()
    assert found == sorted(svm.support_.tolist())


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rtol": -1e-4}, ValueError, "rtol must be finite and >= 0"),
        ({"atol": float("inf")}, ValueError, "atol must be finite"),
        ({"margin": "1"}, TypeError, "margin must be a real number"),
    ],
)
def test_support_vectors_bad_tolerances(kwargs, error, match):
    with pytest.raises(error, match=match):
        support_vectors(torch.ones(3), torch.ones(3), **kwargs)


def test_violators_bad_targets():
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        margin_violators(torch.ones(3), torch.tensor([0, 1, 1]))


# ---------------------------------------------------------------------------------------------
# The library's one tolerance for "on the band"
# ---------------------------------------------------------------------------------------------


def test_margin_position_by_hand():
    from hinge_utils.margins import margin_position, margin_tolerance

    # tol = 1e-6 + 1e-4 * 1 = 1.01e-4: 0.9998 is inside, 0.99992 and 1.0001 are on the band
    m = torch.tensor([-3.0, 0.9998, 0.99992, 1.0, 1.0001, 1.0002, 5.0], dtype=torch.float64)
    assert margin_tolerance(1.0) == pytest.approx(1.01e-4, rel=1e-12)
    assert margin_position(m).tolist() == [-1, -1, 0, 0, 0, 1, 1]
    assert margin_position(m).dtype == torch.int8
    # margin 0 (the perceptron): only the absolute part, 1e-6, remains
    assert margin_position(torch.tensor([-1e-5, 5e-7, 1e-5]), 0.0).tolist() == [-1, 0, 1]
    # margin 2: tol = 1e-6 + 2e-4
    assert margin_position(torch.tensor([1.9997, 1.9999, 2.0003]), 2.0).tolist() == [-1, 0, 1]


def test_violators_and_support_vectors_share_the_one_tolerance():
    # Both a rounding error below and above the band: on it, never violators; support vectors.
    s = torch.tensor([1.0 - 3e-8, 1.0 + 9e-8, 0.5, 2.0], dtype=torch.float64)
    y = torch.ones(4, dtype=torch.float64)
    assert margin_violators(s, y).tolist() == [False, False, True, False]
    assert support_vectors(s, y).tolist() == [True, True, True, False]
    # A strict comparison, the fragile count this replaces, disagrees on the first sample.
    assert (y * s < 1).tolist() == [True, False, True, False]


def test_margin_position_agrees_with_an_exact_svm_optimum():
    # At SVC's optimum (libsvm, tol 1e-10) the samples with 0 < alpha < C are on the band.
    from sklearn.svm import SVC

    from hinge_utils.margins import margin_position

    X, y = make_binary_blobs(n=120, separation=2.0, seed=3, dtype=torch.float64)
    svm = SVC(kernel="linear", C=1.0, tol=1e-10).fit(X.numpy(), y.numpy())
    margins = y * torch.as_tensor(svm.decision_function(X.numpy()))
    alpha = torch.zeros(len(y), dtype=torch.float64)
    alpha[torch.as_tensor(svm.support_)] = torch.as_tensor(abs(svm.dual_coef_[0]))
    free = (alpha > 1e-8) & (alpha < 1.0 - 1e-8)
    assert int(free.sum()) >= 2
    assert (margin_position(margins)[free] == 0).all()
    assert (margin_position(margins)[alpha == 0] >= 0).all()


@pytest.mark.parametrize(
    ("margins", "kwargs", "error", "match"),
    [
        (torch.tensor([1, 2]), {}, TypeError, "floating-point"),
        ([1.0, 2.0], {}, TypeError, "functional_margin"),
        (torch.ones(2), {"margin": float("nan")}, ValueError, "margin must be finite"),
        (torch.ones(2), {"rtol": -1.0}, ValueError, "rtol must be finite and >= 0"),
    ],
)
def test_margin_position_bad_input(margins, kwargs, error, match):
    from hinge_utils.margins import margin_position

    with pytest.raises(error, match=match):
        margin_position(margins, **kwargs)


# ---------------------------------------------------------------------------------------------
# Norms that neither overflow nor underflow (float32)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-23, 1e-3, 1.0, 1e19])
def test_geometric_margin_in_float32_at_extreme_scales(scale):
    # w = scale * (3, 4): ||w|| = 5 scale, and the point (3, 4) has y f = 25 scale: margin 5.
    # Squaring 3e19 overflows float32 (the norm was inf, the margin 0); squaring 3e-23
    # underflows it (the margin was 4.72).
    w = torch.tensor([3.0, 4.0]) * scale
    margin = geometric_margin(w, 0.0, torch.tensor([[3.0, 4.0]]), torch.tensor([1]))
    assert margin.dtype == torch.float32
    assert margin.item() == pytest.approx(5.0, rel=1e-6)
    assert margin_width(w).item() == pytest.approx(2 / (5 * scale), rel=1e-6)


def test_safe_norm_gradient_is_w_over_its_norm():
    from hinge_utils.margins import safe_norm

    w = torch.tensor([3e-20, -4e-20], dtype=torch.float64, requires_grad=True)
    safe_norm(w).backward()
    torch.testing.assert_close(w.grad, torch.tensor([0.6, -0.8], dtype=torch.float64))


def test_a_nan_weight_is_called_nan_not_zero():
    X, y = torch.tensor([[1.0, 0.0]]), torch.tensor([1])
    with pytest.raises(ValueError, match="weight contains NaN"):
        geometric_margin(torch.tensor([float("nan"), 1.0]), 0.0, X, y)
    with pytest.raises(ValueError, match="weight contains NaN"):
        margin_width(torch.tensor([float("nan"), 1.0]))


def test_a_zero_d_bias_promotes_like_a_python_number():
    # torch's rule: a 0-d tensor does not change the dtype of a dimensioned one it meets
    from hinge_utils.objectives import svm_objective

    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64)
    y = torch.tensor([1.0, -1.0], dtype=torch.float64)
    w = torch.tensor([0.5, -0.25], dtype=torch.float64)
    with_tensor = svm_objective(w, torch.tensor(0.1), X, y, lam=0.1)
    with_number = svm_objective(w, float(torch.tensor(0.1)), X, y, lam=0.1)
    assert with_tensor.dtype == torch.float64
    torch.testing.assert_close(with_tensor, with_number)
    assert geometric_margin(w, torch.tensor(0.1), X, y).dtype == torch.float64
    with pytest.raises(TypeError, match="0-d real tensor"):
        geometric_margin(w, torch.tensor(True), X, y)


def test_a_zero_d_margin_counts_as_its_number():
    from hinge_utils.margins import margin_position

    m = torch.tensor([0.5, 1.0, 2.5])
    assert margin_position(m, torch.tensor(2.0, dtype=torch.float64)).tolist() == [-1, -1, 1]
    assert support_vectors(m, torch.ones(3), torch.tensor(1.0)).tolist() == [True, True, False]
