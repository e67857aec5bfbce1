"""What the explorers show, computed without a widget (:mod:`hinge_utils.frames`).

Oracles: torch's own losses differentiated by autograd (``F.relu``,
``F.binary_cross_entropy_with_logits``, ``F.multi_margin_loss``, ``F.cross_entropy``),
scikit-learn's ``hinge_loss`` and ``log_loss``, scipy's minimiser, Python loops and cases worked
out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from hinge_utils.data import make_binary_blobs, make_multiclass_blobs
from hinge_utils.frames import margin_degree, margin_frame, multiclass_frame, train_with_margin

pytestmark = pytest.mark.usefixtures("one_thread")


def _binary(seed: int = 0):
    X, y = make_binary_blobs(n=40, separation=2.0, seed=seed, dtype=torch.float64)
    weight = torch.tensor([0.7, -1.3], dtype=torch.float64)
    return X, y, weight, 0.4


def _torch_loss(name: str, scores: torch.Tensor, y: torch.Tensor, delta: float) -> torch.Tensor:
    """Per-sample losses from torch's own functions, as a function of the scores."""
    if name == "hinge":
        return F.relu(delta - y * scores)
    if name == "squared_hinge":
        return F.relu(delta - y * scores) ** 2
    return F.binary_cross_entropy_with_logits(scores, (y + 1) / 2, reduction="none")


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "logistic"])
@pytest.mark.parametrize("delta", [1.0, 0.3])
def test_margin_frame_matches_torch_losses_and_their_autograd(loss, delta):
    X, y, weight, bias = _binary()
    frame = margin_frame(X, y, weight, bias, delta, loss)
    scores = (X @ weight + bias).requires_grad_(True)
    expected = _torch_loss(loss, scores, y, delta)
    (gradients,) = torch.autograd.grad(expected.sum(), scores)
    torch.testing.assert_close(frame.losses, expected.detach())
    torch.testing.assert_close(frame.gradients, gradients)
    torch.testing.assert_close(frame.margins, y * scores.detach())
    assert frame.mean_loss == pytest.approx(float(expected.detach().mean()))
    if loss == "logistic":  # no margin: every sample has a slope sigma(-m) > 0
        assert frame.active == len(y)
    else:  # a slope exactly where m < Delta
        assert frame.active == int((y * scores < delta).sum())


def test_margin_frame_worst_point_and_geometric_margins_by_a_loop():
    X, y, weight, bias = _binary(seed=3)
    frame = margin_frame(X, y, weight, bias, 1.0, "hinge")
    w1, w2 = weight.tolist()
    margins = [label * (w1 * a + w2 * c + bias) for (a, c), label in zip(X.tolist(), y.tolist(),
                                                                          strict=True)]
    worst = min(range(len(margins)), key=margins.__getitem__)
    assert frame.worst == worst
    assert frame.worst_functional == pytest.approx(margins[worst])
    assert frame.worst_geometric == pytest.approx(margins[worst] / math.hypot(w1, w2))
    assert frame.norm == pytest.approx(math.hypot(w1, w2))


def test_points_on_the_band_count_as_support_not_as_violators_or_pushers():
    # m = 2, 1 (on the band), 0.5, -1 with w = (1, 0), b = 0, Delta = 1
    X = torch.tensor([[2.0, 0.0], [1.0, 5.0], [0.5, 0.0], [1.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 1.0, 1.0, -1.0], dtype=torch.float64)
    weight = torch.tensor([1.0, 0.0], dtype=torch.float64)
    frame = margin_frame(X, y, weight, 0.0, 1.0, "hinge")
    assert frame.margins.tolist() == [2.0, 1.0, 0.5, -1.0]
    assert (frame.violators, frame.on_band, frame.active) == (2, 1, 2)
    assert frame.gradients.tolist() == [0.0, 0.0, -1.0, 1.0]  # dL/df = -y where m < 1
    assert frame.pushing.tolist() == [False, False, True, True]


def test_margin_frame_at_w_zero_has_a_loss_and_no_geometric_margin():
    X, y, _, _ = _binary()
    frame = margin_frame(X, y, torch.zeros(2, dtype=torch.float64), 0.25, 1.0, "hinge")
    assert frame.geometric is None and frame.worst_geometric is None
    # f = 0.25 everywhere: m = +-0.25, hinge 0.75 or 1.25
    expected = sum(max(0.0, 1.0 - label * 0.25) for label in y.tolist()) / len(y)
    assert frame.mean_loss == pytest.approx(expected)


def test_margin_frame_errors_name_the_fix():
    X, y, weight, bias = _binary()
    with pytest.raises(ValueError, match=r"got 'cross_entropy' \(the binary cross-entropy is "):
        margin_frame(X, y, weight, bias, 1.0, "cross_entropy")
    with pytest.raises(ValueError, match="margin must be finite"):
        margin_frame(X, y, weight, bias, math.inf, "hinge")
    with pytest.raises(ValueError, match=r"weight has 2 entries but X has 3 features"):
        margin_frame(torch.zeros(4, 3, dtype=torch.float64), y[:4], weight, bias, 1.0, "hinge")


MODEL = ([[0.8, -0.3], [-0.6, 1.2], [0.2, -1.1]], [0.1, 0.4, -0.2])


@pytest.mark.parametrize("delta", [1.0, 0.4])
def test_multiclass_frame_matches_torch_sklearn_and_a_loop(delta):
    from sklearn.metrics import hinge_loss, log_loss

    X, y = make_multiclass_blobs(n=15, k=3, seed=1, dtype=torch.float64)
    W = torch.tensor(MODEL[0], dtype=torch.float64)
    b = torch.tensor(MODEL[1], dtype=torch.float64)
    scores = X @ W.T + b
    rows = list(zip(scores.tolist(), y.tolist(), strict=True))
    expected = {
        "weston_watkins": 3 * F.multi_margin_loss(scores, y, margin=delta, reduction="none"),
        "crammer_singer": torch.tensor([max(0.0, max(s for k, s in enumerate(r) if k != c)
                                            - r[c] + delta) for r, c in rows]),
        "one_vs_rest": torch.tensor([sum(max(0.0, delta - (1 if k == c else -1) * s)
                                         for k, s in enumerate(r)) for r, c in rows]),
        "cross_entropy": F.cross_entropy(scores, y, reduction="none"),
    }
    for loss, per_sample in expected.items():
        frame = multiclass_frame(X, y, W, b, loss, delta, 0.3)
        torch.testing.assert_close(frame.per_sample, per_sample.double(), msg=loss)
        penalty = 0.3 / 2 * sum(v * v for row in MODEL[0] for v in row)
        assert float(frame.objective) == pytest.approx(float(per_sample.mean()) + penalty)
    if delta == 1.0:
        frame = multiclass_frame(X, y, W, b, "crammer_singer", 1.0, 0.0)
        assert float(frame.data_loss) == pytest.approx(
            hinge_loss(y.numpy(), scores.numpy(), labels=[0, 1, 2]))
    frame = multiclass_frame(X, y, W, b, "cross_entropy", delta, 0.0)  # no margin handed over
    assert float(frame.data_loss) == pytest.approx(
        log_loss(y.numpy(), torch.softmax(scores, 1).numpy(), labels=[0, 1, 2]))


def test_multiclass_frame_is_differentiable_and_checks_its_input():
    X, y = make_multiclass_blobs(n=9, k=3, seed=2, dtype=torch.float64)
    W = torch.tensor(MODEL[0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(MODEL[1], dtype=torch.float64, requires_grad=True)
    grad_W, grad_b = torch.autograd.grad(multiclass_frame(X, y, W, b, "weston_watkins", 1.0,
                                                          0.1).objective, (W, b))
    reference = 3 * F.multi_margin_loss(X @ W.T + b, y) + 0.05 * (W * W).sum()
    expected_W, expected_b = torch.autograd.grad(reference, (W, b))
    torch.testing.assert_close(grad_W, expected_W)
    torch.testing.assert_close(grad_b, expected_b)
    with pytest.raises(ValueError, match=r"weight must have shape \(K, D\) = \(K, 2\)"):
        multiclass_frame(X, y, W.detach()[:, :1], b.detach(), "weston_watkins", 1.0, 0.1)
    with pytest.raises(ValueError, match="lam must be >= 0"):
        multiclass_frame(X, y, W.detach(), b.detach(), "weston_watkins", 1.0, -1.0)
    with pytest.raises(ValueError, match="loss must be one of"):
        multiclass_frame(X, y, W.detach(), b.detach(), "one_vs_all", 1.0, 0.1)


def test_margin_degree_of_the_hinges_and_refusals():
    assert (margin_degree("hinge"), margin_degree("squared_hinge")) == (1, 2)
    with pytest.raises(ValueError, match="has no margin"):
        margin_degree("logistic")
    with pytest.raises(ValueError, match="is not homogeneous"):
        margin_degree("softplus_hinge")


def _objective(loss: str, delta: float, lam: float, X, y):
    def value(theta: np.ndarray) -> float:
        u = delta - y * (X @ theta[:2] + theta[2])
        data = np.maximum(u, 0.0) if loss == "hinge" else np.maximum(u, 0.0) ** 2
        return float(data.mean() + lam / 2 * theta[:2] @ theta[:2])
    return value


@pytest.mark.parametrize("delta", [0.5, 2.0])
def test_train_with_margin_minimises_the_squared_hinge_objective_as_scipy_does(delta):
    from scipy.optimize import minimize

    X, y = make_binary_blobs(n=50, separation=2.0, seed=4, dtype=torch.float64)
    weight, bias = train_with_margin(X, y, lam=0.05, loss="squared_hinge", margin=delta)
    J = _objective("squared_hinge", delta, 0.05, X.numpy(), y.numpy())
    best = minimize(J, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(np.r_[weight.numpy(), float(bias)], best.x, atol=1e-5)


def test_train_with_margin_hinge_optimum_beats_every_nearby_point():
    X, y = make_binary_blobs(n=50, separation=2.0, seed=5, dtype=torch.float64)
    weight, bias = train_with_margin(X, y, lam=0.02, loss="hinge", margin=2.0)
    J = _objective("hinge", 2.0, 0.02, X.numpy(), y.numpy())
    theta = np.r_[weight.numpy(), float(bias)]
    rng = np.random.default_rng(0)
    for step in rng.normal(size=(200, 3)) * 1e-3:
        assert J(theta + step) >= J(theta) - 1e-12


def test_train_with_margin_zero_and_without_a_margin():
    X, y = make_binary_blobs(n=30, seed=6, dtype=torch.float64)
    weight, bias = train_with_margin(X, y, lam=0.1, loss="hinge", margin=0.0)
    assert weight.tolist() == [0.0, 0.0] and float(bias) == 0.0
    from sklearn.linear_model import LogisticRegression

    # logistic: no margin; lam = 1 / (N C) with an unpenalised intercept
    weight, bias = train_with_margin(X, y, lam=0.1, loss="logistic", margin=3.0)
    sk = LogisticRegression(C=1 / (len(y) * 0.1), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(weight.numpy(), sk.coef_[0], atol=1e-5)
    assert float(bias) == pytest.approx(float(sk.intercept_[0]), abs=1e-5)
    with pytest.raises(ValueError, match="margin must be >= 0"):
        train_with_margin(X, y, lam=0.1, loss="hinge", margin=-1.0)
