"""Tests for hinge_utils.objectives and hinge_utils.training.

Oracles: naive Python loops for the objectives; scikit-learn's SVC (hinge, free bias),
LinearSVC (liblinear: hinge and squared hinge with a penalised bias), LogisticRegression and
SGDClassifier; scipy's L-BFGS-B on objectives written here in NumPy; the syllabus's training loop
copied verbatim; digits accuracy for the multi-class trainer.
"""

from __future__ import annotations

import math
import warnings
from itertools import pairwise

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.optim as optim
from scipy.optimize import minimize

from hinge_utils.data import (
    load_digits_split,
    make_binary_blobs,
    make_multiclass_blobs,
    make_outlier_blobs,
    make_separable_blobs,
    syllabus_svm_data,
    syllabus_svm_init,
)
from hinge_utils.losses import BINARY, MULTICLASS
from hinge_utils.margins import support_vectors
from hinge_utils.objectives import multiclass_objective, svm_objective
from hinge_utils.training import (
    EpochRecord,
    History,
    ramp_starts,
    train_linear_multiclass,
    train_linear_svm,
    train_ramp,
    train_sgd,
)

pytestmark = pytest.mark.usefixtures("one_thread")


DATASETS = {
    "separable": lambda: make_separable_blobs(n=200, gap=0.5, seed=0, dtype=torch.float64),
    "overlapping": lambda: make_binary_blobs(n=300, separation=2.0, seed=1, dtype=torch.float64),
    "barely overlapping": lambda: make_binary_blobs(
        n=400, separation=4.0, seed=2, dtype=torch.float64
    ),
}
LAMS = (0.1, 0.01, 0.001)


def _objective(coef, intercept, X, y, lam, loss="hinge", regularize_bias=False) -> float:
    """The objective at a scikit-learn solution (coef_, intercept_)."""
    weight = torch.tensor(np.asarray(coef, dtype=np.float64))
    return svm_objective(
        weight, float(intercept), X, y, lam, loss, regularize_bias=regularize_bias
    ).item()


def _relative_gap(ours: float, reference: float) -> float:
    return abs(ours - reference) / abs(reference)


# ---------------------------------------------------------------------------------------------
# Objectives against naive loops
# ---------------------------------------------------------------------------------------------

NAIVE_LOSSES = {
    "hinge": lambda m: max(0.0, 1.0 - m),
    "squared_hinge": lambda m: max(0.0, 1.0 - m) ** 2,
    "logistic": lambda m: math.log1p(math.exp(-m)),
}


@pytest.mark.parametrize("loss", list(NAIVE_LOSSES))
@pytest.mark.parametrize("regularize_bias", [False, True])
def test_svm_objective_matches_a_naive_loop(loss, regularize_bias):
    X, y = make_binary_blobs(n=25, separation=1.0, seed=3, dtype=torch.float64)
    w, b, lam = torch.tensor([0.4, -1.3], dtype=torch.float64), 0.7, 0.05
    total = 0.0
    for x, label in zip(X.tolist(), y.tolist(), strict=True):
        total += NAIVE_LOSSES[loss](label * (w[0].item() * x[0] + w[1].item() * x[1] + b))
    expected = (
        total / len(y) + lam / 2 * (w @ w).item() + (lam / 2 * b * b if regularize_bias else 0)
    )
    got = svm_objective(w, b, X, y, lam, loss, regularize_bias=regularize_bias)
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_svm_objective_gradient_and_float32():
    X, y = make_binary_blobs(n=30, separation=1.0, seed=4, dtype=torch.float64)
    w = torch.tensor([0.2, 0.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.1, dtype=torch.float64, requires_grad=True)
    # logistic is smooth, so finite differences are a fair check everywhere
    assert torch.autograd.gradcheck(
        lambda w, b: svm_objective(w, b, X, y, 0.1, "logistic", regularize_bias=True), (w, b)
    )
    value = svm_objective(w.detach().float(), 0.0, X.float(), y.float(), 0.1)
    assert value.dtype == torch.float32


def test_multiclass_objective_matches_a_naive_loop():
    X, y = make_multiclass_blobs(n=12, k=3, seed=0, dtype=torch.float64)
    W = torch.tensor([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.2]], dtype=torch.float64)
    b = torch.tensor([0.1, -0.2, 0.05], dtype=torch.float64)
    lam = 0.2
    sums = {"weston_watkins": 0.0, "crammer_singer": 0.0, "cross_entropy": 0.0}
    for x, c in zip(X.tolist(), y.tolist(), strict=True):
        s = [sum(W[k, j].item() * x[j] for j in range(2)) + b[k].item() for k in range(3)]
        rivals = [s[k] - s[c] + 1 for k in range(3) if k != c]
        sums["weston_watkins"] += sum(max(0.0, r) for r in rivals)
        sums["crammer_singer"] += max(0.0, max(rivals))
        sums["cross_entropy"] += -s[c] + math.log(sum(math.exp(v) for v in s))
    penalty = lam / 2 * (W * W).sum().item()
    for loss, total in sums.items():
        got = multiclass_objective(W, b, X, y, lam, loss)
        assert got.item() == pytest.approx(total / len(y) + penalty, rel=1e-12), loss
    with_bias = multiclass_objective(W, b, X, y, lam, "cross_entropy", regularize_bias=True)
    expected = sums["cross_entropy"] / len(y) + penalty + lam / 2 * (b * b).sum().item()
    assert with_bias.item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lam": -0.1}, ValueError, "lam must be finite and >= 0"),
        ({"lam": "0.1"}, TypeError, "lam must be a real number"),
        ({"loss": "hinge2"}, ValueError, "loss must be one of"),
        ({"regularize_bias": 1}, TypeError, "regularize_bias must be True or False"),
    ],
)
def test_svm_objective_bad_arguments(kwargs, error, match):
    X, y = make_binary_blobs(n=4, seed=0)
    arguments = {"lam": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        svm_objective(torch.ones(2), 0.0, X, y, **arguments)


@pytest.mark.parametrize(
    ("weight", "bias", "X", "error", "match"),
    [
        (torch.ones(3, 2), torch.ones(2), torch.ones(4, 2), ValueError, "bias must have shape"),
        (torch.ones(3, 2), torch.ones(3), torch.ones(4, 2).double(), TypeError, "X.to"),
        (torch.ones(3, 2), torch.ones(3), torch.ones(4, 5), ValueError, "X has 5 columns"),
        (torch.ones(6), torch.ones(3), torch.ones(4, 2), ValueError, "shape \\(K, D\\)"),
        ([[1.0, 2.0]], torch.ones(1), torch.ones(4, 2), TypeError, "model.weight"),
    ],
)
def test_multiclass_objective_bad_input(weight, bias, X, error, match):
    with pytest.raises(error, match=match):
        multiclass_objective(weight, bias, X, torch.zeros(4, dtype=torch.long), lam=0.1)


# ---------------------------------------------------------------------------------------------
# train_linear_svm against scikit-learn and scipy
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(DATASETS))
def binary_data(request):
    return DATASETS[request.param]()


@pytest.mark.parametrize("lam", LAMS)
def test_hinge_reaches_svcs_objective(binary_data, lam):
    from sklearn.svm import SVC

    X, y = binary_data
    n = len(y)
    svm = SVC(kernel="linear", C=1 / (n * lam), tol=1e-10).fit(X.numpy(), y.numpy())
    reference = _objective(svm.coef_[0], svm.intercept_[0], X, y, lam)
    result = train_linear_svm(X, y, lam=lam)
    assert result.converged
    assert _relative_gap(result.objective, reference) < 1e-6
    # float32 data: weights come back in float32, still within the 1e-3 the lessons promise
    result32 = train_linear_svm(X.float(), y.float(), lam=lam)
    assert result32.weight.dtype == result32.bias.dtype == torch.float32
    ours32 = svm_objective(result32.weight.double(), result32.bias.double(), X, y, lam).item()
    assert _relative_gap(ours32, reference) < 1e-3


@pytest.mark.parametrize("lam", LAMS)
def test_support_vectors_match_svcs(lam):
    from sklearn.svm import SVC

    X, y = DATASETS["separable"]()
    svm = SVC(kernel="linear", C=1 / (len(y) * lam), tol=1e-10).fit(X.numpy(), y.numpy())
    expected = sorted(svm.support_.tolist())
    for dtype in (torch.float64, torch.float32):
        Xd, yd = X.to(dtype), y.to(dtype)
        result = train_linear_svm(Xd, yd, lam=lam)
        found = torch.nonzero(support_vectors(result.decision_function(Xd), yd)).squeeze(1)
        assert found.tolist() == expected, dtype


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
@pytest.mark.parametrize("lam", LAMS)
def test_penalised_bias_reaches_linearsvcs_objective(binary_data, loss, lam):
    from sklearn.svm import LinearSVC

    X, y = binary_data
    n = len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # liblinear may warn about the iteration count
        svm = LinearSVC(
            loss=loss, dual=True, C=1 / (n * lam), intercept_scaling=1, tol=1e-10, max_iter=10**6
        ).fit(X.numpy(), y.numpy())
    reference = _objective(svm.coef_[0], svm.intercept_[0], X, y, lam, loss, True)
    result = train_linear_svm(X, y, lam=lam, loss=loss, regularize_bias=True)
    assert result.converged and result.regularize_bias
    assert _relative_gap(result.objective, reference) < 1e-6


def _numpy_objective(loss: str, X: np.ndarray, y: np.ndarray, lam: float):
    """Objective and gradient in NumPy, written independently of the library."""

    def value_and_grad(theta):
        w, b = theta[:-1], theta[-1]
        m = y * (X @ w + b)
        if loss == "squared_hinge":
            slack = np.maximum(0.0, 1.0 - m)
            value = np.mean(slack**2)
            dm = -2.0 * slack / len(y)
        else:
            value = np.mean(np.logaddexp(0.0, -m))
            dm = -1.0 / (1.0 + np.exp(m)) / len(y)
        grad_w = X.T @ (dm * y) + lam * w
        grad_b = np.sum(dm * y)
        return value + lam / 2 * w @ w, np.append(grad_w, grad_b)

    return value_and_grad


@pytest.mark.parametrize("loss", ["squared_hinge", "logistic"])
@pytest.mark.parametrize("lam", LAMS)
def test_smooth_losses_reach_scipys_lbfgs_optimum(binary_data, loss, lam):
    X, y = binary_data
    fun = _numpy_objective(loss, X.numpy(), y.numpy(), lam)
    start = np.zeros(X.shape[1] + 1)
    options = {"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000}
    reference = minimize(fun, start, jac=True, method="L-BFGS-B", options=options).fun
    result = train_linear_svm(X, y, lam=lam, loss=loss)
    assert result.converged
    assert result.objective <= reference * (1 + 1e-9)
    assert _relative_gap(result.objective, reference) < 1e-7


def test_logistic_matches_scikit_learns_logistic_regression(binary_data):
    from sklearn.linear_model import LogisticRegression

    X, y = binary_data
    lam = 0.01
    model = LogisticRegression(C=1 / (len(y) * lam), tol=1e-12, max_iter=10_000)
    model.fit(X.numpy(), y.numpy())
    result = train_linear_svm(X, y, lam=lam, loss="logistic")
    torch.testing.assert_close(result.weight, torch.tensor(model.coef_[0]), atol=1e-6, rtol=1e-6)
    assert float(result.bias) == pytest.approx(model.intercept_[0], abs=1e-6)


def test_exact_solution_beats_scikit_learns_sgd_classifier(binary_data):
    from sklearn.linear_model import SGDClassifier

    X, y = binary_data
    lam = 0.01  # SGDClassifier's alpha: the same objective, bias not penalised
    model = SGDClassifier(loss="hinge", alpha=lam, max_iter=2000, tol=None, random_state=0)
    model.fit(X.numpy(), y.numpy())
    theirs = _objective(model.coef_[0], model.intercept_[0], X, y, lam)
    assert train_linear_svm(X, y, lam=lam).objective <= theirs


def test_hard_margin_by_hand():
    # closest points (3, 0) and (-1, 0): the boundary is x1 = 1, the band x1 = 1 +- 2
    X = torch.tensor([[3.0, 0.0], [4.0, 1.0], [-1.0, 0.0], [-2.0, -1.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 1.0, -1.0, -1.0], dtype=torch.float64)
    result = train_linear_svm(X, y, lam=1e-3)
    torch.testing.assert_close(result.weight, torch.tensor([0.5, 0.0], dtype=torch.float64))
    assert float(result.bias) == pytest.approx(-0.5)
    assert result.objective == pytest.approx(1e-3 / 2 * 0.25)


# ---------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "logistic"])
def test_history_describes_the_run(loss):
    X, y = DATASETS["overlapping"]()
    lam = 0.01
    result = train_linear_svm(X, y, lam=lam, loss=loss)
    history = result.history
    assert isinstance(history, History) and len(history) >= 2
    assert history.epoch == list(range(1, len(history) + 1))
    last = history[-1]
    assert isinstance(last, EpochRecord)
    # The last record is the returned model, recomputed here from scratch.
    margins = y * (X @ result.weight + result.bias)
    assert last.objective == pytest.approx(
        svm_objective(result.weight, result.bias, X, y, lam, loss).item(), rel=1e-12
    )
    # Violators lie below the band by more than the library's tolerance, 1e-6 + 1e-4 * 1: at
    # the hinge optimum some samples sit on the band, a rounding error either side of 1.
    assert last.n_violators == int((margins < 1 - 1.01e-4).sum())
    if loss == "hinge":
        on_band = (margins - 1).abs() <= 1.01e-4
        assert int(on_band.sum()) >= 2 and (margins - 1)[on_band].abs().max() < 1e-12
    assert last.accuracy == pytest.approx(float((margins > 0).double().mean()))
    # Every iterate is at least as bad as the optimum the run ends on.
    assert min(history.objective) >= last.objective - 1e-12
    if loss == "logistic":
        assert history.frac_nonzero_grad == [1.0] * len(history)
    else:
        assert history.frac_nonzero_grad == [v / len(y) for v in history.n_violators]
    if loss != "hinge":  # Newton with a line search descends on a smooth or quadratic-piece loss
        assert all(b <= a + 1e-15 for a, b in pairwise(history.objective))
    columns = history.as_dict()
    assert set(columns) == {"epoch", "objective", "accuracy", "n_violators", "frac_nonzero_grad"}
    assert columns["objective"] == history.column("objective")
    with pytest.raises(ValueError, match="no column"):
        history.column("loss")
    assert isinstance(history[:2], History) and len(history[:2]) == 2


def test_result_helpers():
    X, y = DATASETS["barely overlapping"]()
    result = train_linear_svm(X, y)
    scores = result.decision_function(X)
    torch.testing.assert_close(scores, X @ result.weight + result.bias)
    assert torch.equal(result.predict(X), torch.where(scores > 0, 1.0, -1.0).double())
    assert result.bias.shape == () and result.weight.shape == (2,)
    assert result.objective == result.history[-1].objective
    assert "LinearSVMResult" in repr(result) and "History(" in repr(result.history)


# ---------------------------------------------------------------------------------------------
# The syllabus's loop
# ---------------------------------------------------------------------------------------------


class HingeLoss(nn.Module):
    """The syllabus's module, verbatim."""

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__()
        self.margin = margin
        self.reduction = reduction

    def forward(self, scores, targets):
        losses = torch.clamp(self.margin - targets * scores, min=0)

        if self.reduction == "mean":
            return losses.mean()
        elif self.reduction == "sum":
            return losses.sum()
        return losses


def _syllabus_run():
    """The syllabus's SVM-style training example, verbatim (minus its prints)."""
    torch.manual_seed(42)
    n = 100

    x_pos = torch.randn(n // 2, 2) + torch.tensor([2.0, 2.0])
    x_neg = torch.randn(n // 2, 2) + torch.tensor([-2.0, -2.0])
    X = torch.cat([x_pos, x_neg], dim=0)
    y = torch.cat([torch.ones(n // 2), -torch.ones(n // 2)])

    model = nn.Linear(2, 1)
    criterion = HingeLoss(margin=1.0)
    optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=0.01)  # L2 reg

    for epoch in range(200):  # noqa: B007 - the syllabus's loop variable
        scores = model(X).squeeze()
        loss = criterion(scores, y)

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def test_train_sgd_reproduces_the_syllabus_loop_exactly():
    with torch.random.fork_rng(devices=[]):
        model = _syllabus_run()
    before = torch.get_rng_state()
    X, y = syllabus_svm_data()
    result = train_sgd(X, y, init=syllabus_svm_init())
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(result.weight, model.weight.detach()[0])
    assert torch.equal(result.bias, model.bias.detach()[0])
    assert result.method == "sgd" and result.regularize_bias and result.lam == 0.01
    assert len(result.history) == 200
    last = result.history[-1]
    expected = svm_objective(result.weight, result.bias, X, y, 0.01, regularize_bias=True)
    assert last.objective == pytest.approx(expected.item(), rel=1e-6)


def test_train_sgd_is_deterministic_given_a_seed():
    X, y = make_binary_blobs(n=60, separation=2.0, seed=0)
    before = torch.get_rng_state()
    a, b = train_sgd(X, y, epochs=20, seed=5), train_sgd(X, y, epochs=20, seed=5)
    c = train_sgd(X, y, epochs=20, seed=6)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    assert a.history.objective == b.history.objective
    assert not torch.equal(a.weight, c.weight)


def test_the_syllabus_loop_stops_short_of_the_exact_optimum():
    X, y = syllabus_svm_data()
    sgd = train_sgd(X, y, init=syllabus_svm_init())
    exact = train_linear_svm(X, y, lam=0.01, regularize_bias=True)
    # the same objective (weight decay penalises the bias too); the fixed step stays above it
    assert exact.objective < sgd.objective
    assert (sgd.objective - exact.objective) / exact.objective > 1e-3
    # ... while the violators thin out as training goes on
    assert sgd.history.n_violators[-1] < sgd.history.n_violators[0]


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------

X_OK, Y_OK = make_binary_blobs(n=6, seed=0)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((X_OK, (Y_OK + 1) / 2), {}, ValueError, "2 \\* y - 1"),
        ((X_OK, Y_OK), {"lam": 0.0}, ValueError, "lam must be finite and > 0"),
        ((X_OK, Y_OK), {"lam": -1.0}, ValueError, "lam must be finite and > 0"),
        ((X_OK, Y_OK), {"lam": float("nan")}, ValueError, "lam must be finite"),
        ((X_OK[:, 0], Y_OK), {}, ValueError, "X must be 2-D"),
        ((X_OK, Y_OK[:5]), {}, ValueError, "one label per row of X"),
        ((X_OK, Y_OK.reshape(6, 1)), {}, ValueError, "y.reshape\\(-1\\)"),
        ((X_OK, torch.ones(6)), {}, ValueError, "only the label \\+1"),
        ((X_OK, Y_OK), {"loss": "log"}, ValueError, "loss must be one of"),
        ((X_OK.long(), Y_OK), {}, TypeError, "X must be floating point"),
        ((torch.full((6, 2), float("nan")), Y_OK), {}, ValueError, "nan or inf"),
        ((X_OK, Y_OK), {"max_epochs": 0}, ValueError, "max_epochs must be a positive int"),
        ((X_OK.numpy(), Y_OK), {}, TypeError, "torch.as_tensor"),
    ],
)
def test_train_linear_svm_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_linear_svm(*args, **kwargs)


def test_train_sgd_bad_input():
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        train_sgd(X_OK, (Y_OK + 1) / 2)
    with pytest.raises(ValueError, match="weight of shape \\(2,\\)"):
        train_sgd(X_OK, Y_OK, init=(torch.ones(3), 0.0))
    with pytest.raises(TypeError, match="init must be a pair"):
        train_sgd(X_OK, Y_OK, init=torch.ones(2))


# ---------------------------------------------------------------------------------------------
# Multi-class
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(test_fraction=0.25, seed=0)


@pytest.fixture(scope="module")
def digits_models(digits):
    X_train, _, y_train, _ = digits
    losses = ("weston_watkins", "crammer_singer", "cross_entropy")
    return {loss: train_linear_multiclass(X_train, y_train, 10, loss, lam=1e-3) for loss in losses}


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
def test_multiclass_learns_the_digits(digits, digits_models, loss):
    X_train, X_test, y_train, y_test = digits
    result = digits_models[loss]
    assert result.weight.shape == (10, 64) and result.bias.shape == (10,)
    assert (result.predict(X_test) == y_test).double().mean().item() > 0.9
    last = result.history[-1]
    expected = multiclass_objective(result.weight, result.bias, X_train, y_train, 1e-3, loss)
    assert last.objective == pytest.approx(expected.item(), rel=1e-5)
    scores = result.decision_function(X_train)
    assert last.accuracy == pytest.approx((scores.argmax(1) == y_train).double().mean().item())


def test_cross_entropy_reaches_scipys_optimum(digits, digits_models):
    X_train, _, y_train, _ = digits
    X, y = X_train.double().numpy(), y_train.numpy()
    n, dim = X.shape
    lam, onehot = 1e-3, np.eye(10)[y]

    def value_and_grad(theta):
        W, b = theta[: 10 * dim].reshape(10, dim), theta[10 * dim :]
        s = X @ W.T + b
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        value = -np.mean(np.log(p[np.arange(n), y])) + lam / 2 * np.sum(W * W)
        ds = (p - onehot) / n
        return value, np.concatenate([(ds.T @ X + lam * W).ravel(), ds.sum(axis=0)])

    options = {"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000}
    start = np.zeros(10 * dim + 10)
    reference = minimize(value_and_grad, start, jac=True, method="L-BFGS-B", options=options)
    assert _relative_gap(digits_models["cross_entropy"].objective, reference.fun) < 1e-4


def test_crammer_singer_is_close_to_liblinears(digits):
    from sklearn.svm import LinearSVC

    X_train, _, y_train, _ = digits
    lam = 1e-3
    svm = LinearSVC(
        multi_class="crammer_singer", C=1 / (len(y_train) * lam), tol=1e-8, max_iter=100_000
    ).fit(X_train.double().numpy(), y_train.numpy())
    W = torch.tensor(svm.coef_, dtype=torch.float32)
    b = torch.tensor(svm.intercept_, dtype=torch.float32)
    theirs = multiclass_objective(
        W, b, X_train, y_train, lam, "crammer_singer", regularize_bias=True
    )
    ours = train_linear_multiclass(
        X_train, y_train, 10, "crammer_singer", lam=lam, regularize_bias=True
    )
    assert ours.objective <= theirs.item() * 1.02  # not exact: within 2% of liblinear's optimum


def test_weston_watkins_minimises_its_own_objective(digits, digits_models):
    X_train, _, y_train, _ = digits
    ours = digits_models["weston_watkins"].objective
    for other in ("crammer_singer", "cross_entropy"):
        model = digits_models[other]
        theirs = multiclass_objective(
            model.weight, model.bias, X_train, y_train, 1e-3, "weston_watkins"
        )
        assert ours < theirs.item(), other


def test_multiclass_is_deterministic():
    X, y = make_multiclass_blobs(n=120, k=3, separation=3.0, seed=0)
    a = train_linear_multiclass(X, y, 3, "weston_watkins", max_epochs=200)
    b = train_linear_multiclass(X, y, 3, "weston_watkins", max_epochs=200)
    assert a.converged and b.converged
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    assert a.history.objective == b.history.objective
    assert len(a.history) <= 200


@pytest.mark.parametrize(
    ("y", "kwargs", "error", "match"),
    [
        (torch.tensor([0.0, 1.0, 2.0, 1.0]), {}, TypeError, "y.long\\(\\)"),
        (torch.tensor([0, 1, 3, 1]), {}, ValueError, "y must be in \\[0, K\\)"),
        (torch.tensor([0, 1, 2]), {}, ValueError, "one class index per row"),
        (torch.tensor([0, 1, 2, 1]), {"num_classes": 1}, ValueError,
         "num_classes must be an int >= 2"),
        (torch.tensor([0, 1, 2, 1]), {"loss": "hinge"}, ValueError, "loss must be one of"),
        (torch.tensor([0, 1, 2, 1]), {"lam": 0.0}, ValueError, "lam must be finite and > 0"),
    ],
)
def test_multiclass_bad_input(y, kwargs, error, match):
    arguments = {"num_classes": 3, **kwargs}
    with pytest.raises(error, match=match):
        train_linear_multiclass(torch.ones(4, 2), y, **arguments)


# ---------------------------------------------------------------------------------------------
# train_ramp: the ramp loss by CCCP
# ---------------------------------------------------------------------------------------------


def _ramp_objective(weight, bias, X, y, lam) -> float:
    """The ramp objective in NumPy: mean of min(1, max(0, 1 - m)) + lam / 2 |w|^2."""
    w = np.asarray(weight, dtype=np.float64).reshape(-1)
    m = y.numpy() * (X.numpy() @ w + float(bias))
    return float(np.mean(np.minimum(1.0, np.maximum(0.0, 1.0 - m))) + lam / 2 * w @ w)


def _surrogate(weight, bias, X, y, lam, wrong) -> float:
    """CCCP's convex objective for the wrong set S: [1 - m]_+ outside S, max(1, m) in S."""
    w = np.asarray(weight, dtype=np.float64).reshape(-1)
    m = y.numpy() * (X.numpy() @ w + float(bias))
    terms = np.where(wrong, np.maximum(1.0, m), np.maximum(0.0, 1.0 - m))
    return float(np.mean(terms) + lam / 2 * w @ w)


RAMP_DATASETS = {
    "outliers d=10": lambda: make_outlier_blobs(
        n=120, n_outliers=6, distance=10.0, seed=0, dtype=torch.float64
    )[:2],
    "outliers d=40": lambda: make_outlier_blobs(
        n=120, n_outliers=6, distance=40.0, seed=1, dtype=torch.float64
    )[:2],
    "overlapping": lambda: make_binary_blobs(n=150, separation=2.0, seed=3, dtype=torch.float64),
}


@pytest.fixture(scope="module", params=sorted(RAMP_DATASETS))
def ramp_data(request):
    return RAMP_DATASETS[request.param]()


def test_ramp_cccp_never_increases_the_objective(ramp_data):
    X, y = ramp_data
    lam = 0.01
    for name, (weight, bias) in ramp_starts(X, y, lam).items():
        result = train_ramp(X, y, lam, starts=[(weight, bias)])
        objectives = [_ramp_objective(weight, bias, X, y, lam), *result.history.objective]
        for before, after in pairwise(objectives):
            assert after <= before + 1e-12, (name, objectives)
        assert result.converged, name
        # the recorded objective is the ramp objective of the weights returned
        assert result.objective == pytest.approx(
            _ramp_objective(result.weight, result.bias, X, y, lam), abs=1e-12
        )


def test_ramp_result_is_a_local_minimum(ramp_data):
    X, y = ramp_data
    lam = 0.01
    result = train_ramp(X, y, lam)
    theta = np.append(result.weight.numpy(), float(result.bias))
    best = _ramp_objective(theta[:-1], theta[-1], X, y, lam)
    rng = np.random.default_rng(0)
    for scale in (1e-6, 1e-4, 1e-3):
        for step in rng.normal(size=(50, theta.size)):
            moved = theta + scale * step
            assert _ramp_objective(moved[:-1], moved[-1], X, y, lam) >= best - 1e-12


def test_ramp_beats_the_hinge_solution_on_its_own_objective(ramp_data):
    X, y = ramp_data
    for lam in (0.1, 0.01):
        ramp = train_ramp(X, y, lam)
        hinge = train_linear_svm(X, y, lam)
        ours = _ramp_objective(ramp.weight, ramp.bias, X, y, lam)
        assert ours <= _ramp_objective(hinge.weight, hinge.bias, X, y, lam) + 1e-12


def test_one_round_matches_svc_on_the_samples_it_keeps():
    # From the hinge solution the far outliers are wrong (the set S). While they stay at m <= 1
    # after the round, CCCP's step is the hinge SVM on the other samples, with the same C.
    X, y, is_outlier = make_outlier_blobs(
        n=120, n_outliers=6, distance=10.0, seed=0, dtype=torch.float64
    )
    lam = 0.01
    hinge = train_linear_svm(X, y, lam)
    wrong = (y * hinge.decision_function(X) < 0).numpy()
    assert wrong[is_outlier.numpy()].all()
    step = train_ramp(X, y, lam, starts=[(hinge.weight, hinge.bias)], rounds=1)
    from sklearn.svm import SVC

    keep = ~wrong
    svc = SVC(kernel="linear", C=1 / (len(y) * lam), tol=1e-10)
    svc.fit(X.numpy()[keep], y.numpy()[keep])
    m_dropped = y.numpy()[wrong] * svc.decision_function(X.numpy()[wrong])
    assert (m_dropped <= 1).all()  # the condition under which the shortcut is the CCCP step
    ours = _surrogate(step.weight, step.bias, X, y, lam, wrong)
    theirs = _surrogate(svc.coef_, svc.intercept_.item(), X, y, lam, wrong)
    assert ours <= theirs + 1e-9
    np.testing.assert_allclose(step.weight.numpy(), svc.coef_[0], atol=1e-4)


def test_one_round_is_the_exact_minimiser_of_the_convex_surrogate():
    # A start that calls most samples wrong: refitting on the rest would put some of them
    # beyond m = 1, so dropping them is not the CCCP step. Oracle: SLSQP on the primal
    # min lam/2 |w|^2 + mean(xi), xi_i >= [1 - m_i] (i not in S) or [m_i - 1] (i in S), xi >= 0.
    X, y = make_binary_blobs(n=40, separation=2.0, seed=5, dtype=torch.float64)
    lam = 0.05
    start = (torch.tensor([-1.0, 0.2], dtype=torch.float64), torch.tensor(0.3, dtype=torch.float64))
    wrong = (y * (X @ start[0] + start[1]) < 0).numpy()
    assert 5 < wrong.sum() < 35
    step = train_ramp(X, y, lam, starts=[start], rounds=1)

    n, d = X.shape
    Z = y.numpy()[:, None] * np.hstack([X.numpy(), np.ones((n, 1))])
    sign = np.where(wrong, -1.0, 1.0)  # xi_i >= sign_i * (1 - z_i . theta)

    def objective(v):
        return lam / 2 * v[:d] @ v[:d] + v[d + 1 :].mean()

    def gradient(v):
        return np.concatenate([lam * v[:d], [0.0], np.full(n, 1.0 / n)])

    constraint = {
        "type": "ineq",
        "fun": lambda v: v[d + 1 :] - sign * (1 - Z @ v[: d + 1]),
        "jac": lambda v: np.hstack([sign[:, None] * Z, np.eye(n)]),
    }
    v0 = np.concatenate([np.zeros(d + 1), np.full(n, 1.0)])
    bounds = [(None, None)] * (d + 1) + [(0, None)] * n
    oracle = minimize(objective, v0, jac=gradient, constraints=[constraint], bounds=bounds,
                      method="SLSQP", options={"ftol": 1e-14, "maxiter": 1000})
    assert oracle.success, oracle.message
    w_oracle, b_oracle = oracle.x[:d], oracle.x[d]
    ours = _surrogate(step.weight, step.bias, X, y, lam, wrong)
    assert ours == pytest.approx(_surrogate(w_oracle, b_oracle, X, y, lam, wrong), abs=1e-8)
    np.testing.assert_allclose(step.weight.numpy(), w_oracle, atol=1e-4)

    # ... and it is not the shortcut "hinge SVM on the samples outside S"
    keep = ~wrong
    shortcut = train_linear_svm(X[keep], y[keep], lam * n / keep.sum())
    m_dropped = (y * shortcut.decision_function(X)).numpy()[wrong]
    assert (m_dropped > 1).any()
    assert ours < _surrogate(shortcut.weight, shortcut.bias, X, y, lam, wrong) - 1e-3


def test_ramp_is_robust_to_far_outliers():
    X, y, _ = make_outlier_blobs(n=200, n_outliers=10, distance=40.0, seed=0, dtype=torch.float64)
    X_test, y_test = make_binary_blobs(n=1000, separation=4.0, seed=100, dtype=torch.float64)

    def accuracy(model):
        return (model.predict(X_test) == y_test).double().mean().item()

    ramp, hinge = train_ramp(X, y, 0.01), train_linear_svm(X, y, 0.01)
    assert accuracy(ramp) >= 0.95
    assert accuracy(ramp) > accuracy(hinge) + 0.3


def test_ramp_by_hand_and_result_fields():
    # 1-D: -2, -1 (class -1), 1, 2 (class +1) and an outlier +1 at -10. Ramp: give up the
    # outlier (cost 1), hard margin w = 1, b = 0 on the rest: 1/5 + 0.01/2 * 1 = 0.205.
    X = torch.tensor([[-2.0], [-1.0], [1.0], [2.0], [-10.0]])
    y = torch.tensor([-1.0, -1.0, 1.0, 1.0, 1.0])
    result = train_ramp(X, y, lam=0.01)
    assert result.weight.dtype == torch.float32 and result.bias.dtype == torch.float32
    assert result.weight.tolist() == pytest.approx([1.0], abs=1e-6)
    assert float(result.bias) == pytest.approx(0.0, abs=1e-6)
    assert result.objective == pytest.approx(0.205, abs=1e-6)
    assert (result.loss, result.method, result.lam) == ("ramp", "cccp", 0.01)
    assert result.history[-1].accuracy == 0.8  # all but the outlier
    again = train_ramp(X, y, lam=0.01)
    assert torch.equal(result.weight, again.weight) and torch.equal(result.bias, again.bias)


def test_ramp_starts_are_the_hinge_solution_and_the_axes():
    X, y = make_binary_blobs(n=60, seed=0, dtype=torch.float64)
    X3 = torch.cat([X, X[:, :1]], dim=1)
    starts = ramp_starts(X3, y, 0.01)
    assert list(starts) == ["hinge solution", "+e1", "-e1", "+e2", "-e2", "+e3", "-e3"]
    assert starts["-e2"][0].tolist() == [0.0, -1.0, 0.0] and float(starts["-e2"][1]) == 0.0
    hinge = train_linear_svm(X3, y, 0.01)
    assert torch.equal(starts["hinge solution"][0], hinge.weight)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lam": 0.0}, ValueError, "lam must be finite and > 0"),
        ({"rounds": 0}, ValueError, "rounds must be a positive int"),
        ({"starts": []}, ValueError, "starts is empty"),
        ({"starts": torch.zeros(2)}, TypeError, "starts must be a list of pairs"),
        ({"starts": [torch.zeros(2)]}, TypeError, r"starts\[0\] must be a pair"),
        ({"starts": [(torch.zeros(3), 0.0)]}, ValueError, r"weight of shape \(2,\)"),
        ({"starts": [(torch.tensor([1.0, float("nan")]), 0.0)]}, ValueError, "nan or inf"),
    ],
)
def test_train_ramp_bad_input(kwargs, error, match):
    X, y = make_binary_blobs(n=20, seed=0)
    with pytest.raises(error, match=match):
        train_ramp(X, y, **kwargs)


def test_train_ramp_refuses_zero_one_labels():
    X, y = make_binary_blobs(n=20, seed=0)
    with pytest.raises(ValueError, match=r"use 2 \* y - 1"):
        train_ramp(X, (y + 1) / 2)


# ---------------------------------------------------------------------------------------------
# The multi-class Newton solver: derivatives, a unique answer, an honest stop
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
@pytest.mark.parametrize("width", [1.0, 0.05])
def test_score_derivatives_match_autograd_of_the_loss(loss, width):
    newton = MULTICLASS[loss].newton
    generator = torch.Generator().manual_seed(1)
    scores = 2 * torch.randn(40, 4, generator=generator, dtype=torch.float64)
    y = torch.randint(0, 4, (40,), generator=generator)
    grad, hess = newton.derivatives(scores, y, width)

    def one(s, c):  # one sample's smoothed loss
        return newton.smoothed_mean(s.unsqueeze(0), c.unsqueeze(0), width)

    torch.testing.assert_close(grad, torch.func.vmap(torch.func.grad(one))(scores, y))
    torch.testing.assert_close(hess, torch.func.vmap(torch.func.hessian(one))(scores, y))


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
@pytest.mark.parametrize("width", [1.0, 0.05])
def test_parameter_hessian_matches_autograd(loss, width):
    # The solver's Hessian in theta = [W, b] (Weston-Watkins: assembled from the sparsity of the
    # per-sample Hessians) against torch.func.hessian of the smoothed objective itself.
    newton = MULTICLASS[loss].newton
    generator = torch.Generator().manual_seed(3)
    X1 = torch.cat([torch.randn(60, 3, generator=generator, dtype=torch.float64),
                    torch.ones(60, 1, dtype=torch.float64)], dim=1)
    y = torch.randint(0, 4, (60,), generator=generator)
    theta = 0.5 * torch.randn(4, 4, generator=generator, dtype=torch.float64)
    outer = (X1.unsqueeze(2) * X1.unsqueeze(1)).reshape(60, -1)
    _, hess = newton.gradient_hessian(X1, outer, X1 @ theta.T, y, width)

    def data_term(t):
        return newton.smoothed_mean(X1 @ t.reshape(4, 4).T, y, width)

    expected = torch.func.hessian(data_term)(theta.reshape(-1))
    torch.testing.assert_close(hess / 60, expected)


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
def test_smoothed_multiclass_losses_tend_to_the_losses_themselves(loss):
    # The oracle: the registry's loss (torch's F.cross_entropy; the functional hinges, which
    # match torch's multi_margin_loss and scikit-learn's hinge_loss in tests/test_losses.py).
    newton = MULTICLASS[loss].newton
    generator = torch.Generator().manual_seed(2)
    scores = 2 * torch.randn(50, 5, generator=generator, dtype=torch.float64)
    y = torch.randint(0, 5, (50,), generator=generator)
    exact = MULTICLASS[loss](scores, y).item()
    for width in (1e-3, 1e-6):
        smoothed = newton.smoothed_mean(scores, y, width).item()
        assert abs(smoothed - exact) <= 5 * width, (width, smoothed, exact)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "logistic"])
def test_binary_solver_slopes_match_autograd_of_the_zoo(loss):
    # The solver's NumPy slopes and curvatures in u = 1 - m against autograd of the registry's
    # torch loss in m (the hinge away from its Huber band, where the smoothing is the loss).
    entry = BINARY[loss]
    m = torch.linspace(-3, 3, 121, dtype=torch.float64)
    m = m[(m - 1).abs() > 0.02]
    slope, curvature = entry.newton.slopes_curvatures((1 - m).numpy(), 1e-3)
    d1 = torch.func.vmap(torch.func.grad(entry.fn))(m)
    d2 = torch.func.vmap(torch.func.grad(torch.func.grad(entry.fn)))(m)
    np.testing.assert_allclose(slope, -d1.numpy(), rtol=1e-12, atol=1e-15)
    if loss != "hinge":  # the smoothing's curvature lives on its band, off these points
        np.testing.assert_allclose(curvature, d2.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        entry.newton.mean((1 - m).numpy()), entry.fn(m).mean().item(), rtol=1e-14
    )


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
def test_multiclass_result_does_not_rest_on_the_last_bits(loss):
    # The data perturbed by a few units in the last place of float64 (what another CPU's
    # rounding does): a solver stopped by a budget ends somewhere else; the minimiser does not.
    X, y = make_multiclass_blobs(n=150, k=3, separation=3.0, seed=2, dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    X_other = X * (1 + 4e-16 * torch.randn(X.shape, generator=generator, dtype=X.dtype))
    a = train_linear_multiclass(X, y, 3, loss, lam=0.01)
    b = train_linear_multiclass(X_other, y, 3, loss, lam=0.01)
    assert a.converged and b.converged
    torch.testing.assert_close(a.weight, b.weight, rtol=0, atol=1e-8)
    torch.testing.assert_close(a.bias - a.bias.mean(), b.bias - b.bias.mean(), rtol=0, atol=1e-8)


def test_multiclass_cross_entropy_matches_scikit_learn_exactly():
    from sklearn.linear_model import LogisticRegression

    X, y = make_multiclass_blobs(n=150, k=3, separation=2.0, seed=5, dtype=torch.float64)
    lam = 0.01
    ours = train_linear_multiclass(X, y, 3, "cross_entropy", lam=lam)
    theirs = LogisticRegression(C=1 / (len(y) * lam), tol=1e-12, max_iter=10_000).fit(
        X.numpy(), y.numpy()
    )
    # softmax is unchanged by a shift common to all classes: compare centred parameters
    torch.testing.assert_close(ours.weight, torch.as_tensor(theirs.coef_), rtol=0, atol=1e-6)
    b_theirs = torch.as_tensor(theirs.intercept_)
    torch.testing.assert_close(
        ours.bias - ours.bias.mean(), b_theirs - b_theirs.mean(), rtol=0, atol=1e-6
    )


def test_multiclass_says_when_it_stops_short():
    from hinge_utils.training import ConvergenceWarning

    X, y = make_multiclass_blobs(n=120, k=3, separation=3.0, seed=0)
    with pytest.warns(ConvergenceWarning, match="raise max_epochs"):
        result = train_linear_multiclass(X, y, 3, "weston_watkins", max_epochs=3)
    assert not result.converged and len(result.history) == 3


# ---------------------------------------------------------------------------------------------
# Never silently wrong: scikit-learn's real data sets, unscaled, C from 1e-2 to 1e3
# ---------------------------------------------------------------------------------------------


def _real_binary_problems():
    from sklearn import datasets

    problems = {}
    bc = datasets.load_breast_cancer()
    problems["breast_cancer"] = (bc.data, np.where(bc.target == 1, 1.0, -1.0))
    for name, loader, pairs in (
        ("iris", datasets.load_iris, [(0, 1), (1, 2)]),
        ("wine", datasets.load_wine, [(0, 1), (1, 2)]),
        ("digits", datasets.load_digits, [(3, 8), (1, 7)]),
    ):
        data = loader()
        for a, b in pairs:
            keep = np.isin(data.target, (a, b))
            labels = np.where(data.target[keep] == a, 1.0, -1.0)
            problems[f"{name}_{a}v{b}"] = (data.data[keep], labels)
    return problems


_REAL = _real_binary_problems()


def _dual_lower_bound(X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float) -> float:
    """A lower bound on the optimum from weak duality, computed here with scipy alone.

    For any alpha in [0, 1]^n with sum_i alpha_i y_i = 0, D(alpha) = mean(alpha)
    - ||sum_i alpha_i y_i x_i / n||^2 / (2 lam) <= J*. alpha: 1 inside the band, 0 beyond it,
    and on it the bounded least-squares fit (scipy.optimize.lsq_linear) of the stationarity
    conditions lam w = sum_i alpha_i y_i x_i / n, sum_i alpha_i y_i = 0.
    """
    from scipy.optimize import lsq_linear

    n = len(y)
    m = y * (X @ w + b)
    alpha = np.where(m < 1 - 1e-6, 1.0, 0.0)
    band = np.abs(m - 1) <= 1e-6
    if band.any():
        A = np.vstack([(y[band, None] * X[band]).T / n, y[band][None, :]])
        target = np.concatenate([lam * w, [0.0]]) - np.vstack(
            [(y[:, None] * X).T / n, y[None, :]]
        ) @ alpha
        alpha[band] = lsq_linear(A, target, bounds=(0.0, 1.0), tol=1e-14).x
    positive, negative = alpha[y > 0].sum(), alpha[y < 0].sum()  # make sum alpha y = 0 exact
    if positive > negative:
        alpha[y > 0] *= negative / positive
    elif negative > positive:
        alpha[y < 0] *= positive / negative
    v = (alpha * y) @ X / n
    return float(alpha.mean() - v @ v / (2 * lam))


@pytest.mark.parametrize("C", [1e-2, 1.0, 1e2, 1e3])
@pytest.mark.parametrize("name", sorted(_REAL))
def test_hinge_svm_on_raw_real_data_is_optimal_or_says_so(name, C):
    import warnings

    from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
    from sklearn.svm import SVC

    X, y = _REAL[name]
    n = len(y)
    lam = 1 / (n * C)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = train_linear_svm(Xt, yt, lam=lam)
    ours = result.objective
    zero = svm_objective(torch.zeros(X.shape[1], dtype=torch.float64), 0.0, Xt, yt, lam).item()
    assert ours <= zero + 1e-12  # never worse than w = 0, b = 0
    stopped_short = any("did not reach the optimum" in str(w.message) for w in caught)
    assert stopped_short == (not result.converged)
    assert result.converged, f"{name}, C = {C}: not converged (objective {ours})"
    # The oracle: libsvm where it converges, else weak duality computed with scipy.
    with warnings.catch_warnings(record=True) as theirs_caught:
        warnings.simplefilter("always")
        svc = SVC(kernel="linear", C=C, tol=1e-8, max_iter=200_000).fit(X, y)
    libsvm_converged = not any(
        issubclass(w.category, SklearnConvergenceWarning) for w in theirs_caught
    )
    if libsvm_converged:
        theirs = svm_objective(
            torch.tensor(svc.coef_[0]), float(svc.intercept_[0]), Xt, yt, lam
        ).item()
        assert ours <= theirs + 1e-6 * theirs, (ours, theirs)  # never worse than libsvm
    bound = _dual_lower_bound(X, y, lam, result.weight.numpy(), float(result.bias))
    assert ours - bound <= 1e-5 * ours, (name, C, ours, bound)


def test_hinge_svm_on_scaled_blobs_solves_the_same_problem():
    # Features times c with lam times c^2 is the same problem (w scales by 1 / c): the answer
    # must not depend on the units of the features.
    X, y = make_binary_blobs(n=200, separation=2.0, seed=0, dtype=torch.float64)
    reference = train_linear_svm(X, y, lam=1e-4)
    for c in (1e-3, 1e3, 1e6):
        result = train_linear_svm(X * c, y, lam=1e-4 * c**2)
        assert result.converged
        assert result.objective == pytest.approx(reference.objective, rel=1e-9)
        torch.testing.assert_close(result.weight * c, reference.weight, rtol=1e-6, atol=1e-9)


def test_hinge_svm_with_a_penalty_below_float64_says_so():
    # The reproducer: blobs times 1e6 with lam = 1e-12, i.e. lam = 1e-24 on unit-scale
    # features, below what float64 resolves. The answer may be imperfect, but never worse than
    # w = 0, b = 0, and never marked converged without its certificate.
    from hinge_utils.training import ConvergenceWarning

    X, y = make_binary_blobs(n=200, separation=2.0, seed=0, dtype=torch.float64)
    X = X * 1e6
    lam = 1e-12
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = train_linear_svm(X, y, lam=lam)
    zero = svm_objective(torch.zeros(2, dtype=torch.float64), 0.0, X, y, lam).item()
    assert result.objective <= zero
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert warned == (not result.converged)
    if result.converged:
        bound = _dual_lower_bound(X.numpy(), y.numpy(), lam, result.weight.numpy(),
                                  float(result.bias))
        assert result.objective - bound <= 1e-5 * result.objective


@pytest.mark.parametrize("trainer", ["svm", "multiclass", "sgd"])
def test_trainers_refuse_empty_and_half_precision_data(trainer):
    def train(X, y):
        if trainer == "svm":
            return train_linear_svm(X, y)
        if trainer == "sgd":
            return train_sgd(X, y)
        return train_linear_multiclass(X, ((y + 1) / 2).long(), 2)

    X, y = make_binary_blobs(n=20, seed=0)
    with pytest.raises(ValueError, match="no rows"):
        train(X[:0], y[:0])
    with pytest.raises(TypeError, match="X.float\\(\\)"):
        train(X.half(), y)


def test_sgd_refuses_a_nan_start_and_warns_when_it_diverges():
    from hinge_utils.training import ConvergenceWarning

    X, y = make_binary_blobs(n=40, seed=0)
    with pytest.raises(ValueError, match="init contains nan"):
        train_sgd(X, y, init=(torch.tensor([float("nan"), 0.0]), 0.0))
    with pytest.warns(ConvergenceWarning, match="lower lr"):
        result = train_sgd(X * 1e30, y, lr=1e30, loss="squared_hinge", epochs=5)
    assert not bool(torch.isfinite(result.weight).all())


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
def test_multiclass_on_data_with_nothing_to_learn(loss):
    # All-zero features: the gradient at W = 0, b = 0 vanishes (by symmetry), Newton's first
    # step is no step, and the answer is W = 0 with a certified stop.
    result = train_linear_multiclass(torch.zeros(4, 2), torch.tensor([0, 1, 0, 1]), 2, loss=loss)
    assert result.converged
    assert torch.equal(result.weight, torch.zeros(2, 2))


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "cross_entropy"])
def test_multiclass_free_biases_are_the_canonical_ones(loss):
    # A common shift of every b_k changes no score: the solver keeps sum_k b_k = 0, so the
    # biases printed are the same on every machine (rounding noise cannot walk along the shift).
    X, y = make_multiclass_blobs(n=150, k=3, separation=3.0, seed=4, dtype=torch.float64)
    result = train_linear_multiclass(X, y, 3, loss)
    assert abs(float(result.bias.sum())) < 1e-12


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "logistic"])
@pytest.mark.parametrize("regularize_bias", [False, True])
def test_dual_weights_give_the_weights_back(loss, regularize_bias):
    # The representer theorem at the optimum: w = X^T (a * y) / (N lam), and for the free bias
    # sum_i a_i y_i = 0 (penalised: b = sum_i a_i y_i / (N lam)).
    X, y = make_binary_blobs(n=200, separation=2.0, seed=5, dtype=torch.float64)
    lam = 0.01
    result = train_linear_svm(X, y, lam, loss, regularize_bias=regularize_bias)
    a = result.dual_weights
    # (the smooth losses stop at a Newton decrement of 1e-12 J: weights to about 1e-5)
    torch.testing.assert_close(result.weight, X.T @ (a * y) / (len(y) * lam), rtol=1e-5, atol=1e-8)
    tol = 1e-5 if loss == "logistic" else 1e-8  # logistic: stopped by its decrement, not exact
    if regularize_bias:
        assert float(result.bias) == pytest.approx(float((a * y).sum()) / (len(y) * lam), abs=tol)
    else:
        assert abs(float((a * y).sum())) < tol
    if loss == "hinge":
        assert bool(((a >= 0) & (a <= 1)).all())


def test_hinge_dual_weights_match_libsvm_dual_coef():
    # The oracle: libsvm's dual solution, SVC.dual_coef_ = C alpha_i y_i on its support vectors.
    from sklearn.svm import SVC

    X, y = make_binary_blobs(n=300, separation=2.0, seed=6, dtype=torch.float64)
    lam = 0.01
    C = 1 / (len(y) * lam)
    result = train_linear_svm(X, y, lam)
    svc = SVC(kernel="linear", C=C, tol=1e-10).fit(X.numpy(), y.numpy())
    theirs = np.zeros(len(y))
    theirs[svc.support_] = svc.dual_coef_[0] / C
    ours = (result.dual_weights * y).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert set(np.flatnonzero(np.abs(ours) > 1e-6)) == set(svc.support_.tolist())
