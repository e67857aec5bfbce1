"""Tests for hinge_utils.calibration: Platt scaling and its cross-validated fit.

Oracles, all independent of the Newton solver: scikit-learn's LogisticRegression (Platt scaling
with plain labels), SVC(kernel="linear") with cross_val_predict on the same folds (the
out-of-fold scores), and CalibratedClassifierCV(method="sigmoid", ensemble=False) (Platt's
softened targets: agreement up to the size of that softening, see the test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hinge_utils.calibration import (
    PlattCalibratedSVM,
    cross_val_platt,
    interleaved_folds,
    out_of_fold_scores,
    platt_scaling,
)
from hinge_utils.data import make_binary_blobs, make_separable_blobs
from hinge_utils.training import train_linear_svm

pytestmark = pytest.mark.usefixtures("one_thread")

LAM = 0.01
FOLDS = 5


def _data(n=200, seed=0):
    return make_binary_blobs(n=n, separation=2.0, seed=seed, dtype=torch.float64)


def _splits(n, folds=FOLDS):
    """Our folds as scikit-learn's cv argument: a list of (train indices, test indices)."""
    everything = np.arange(n)
    folds = interleaved_folds(n, folds)
    return [(np.setdiff1d(everything, test.numpy()), test.numpy()) for test in folds]


def _logistic_regression(scores, y, lam):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1 / (len(y) * lam), tol=1e-10, max_iter=10_000)
    model.fit(np.asarray(scores, dtype=np.float64).reshape(-1, 1), np.asarray(y))
    return model.coef_.item(), model.intercept_.item()


# ---------------------------------------------------------------------------------------------
# Platt scaling
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [1e-4, 1e-2, 1.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_platt_scaling_is_scikit_learns_logistic_regression_on_the_scores(lam, seed):
    X, y = _data(seed=seed)
    X_held_out, labels = _data(n=300, seed=seed + 10)
    scores = train_linear_svm(X, y, lam=LAM).decision_function(X_held_out)
    a, b = platt_scaling(scores, labels, lam=lam)
    a_ref, b_ref = _logistic_regression(scores.numpy(), labels.numpy(), lam)
    assert a == pytest.approx(a_ref, abs=1e-6, rel=1e-6)
    assert b == pytest.approx(b_ref, abs=1e-6)


def test_platt_scaling_reproduces_frequencies_and_stays_finite_on_separable_scores():
    # Unpenalised, sigmoid(a s + b) matches the frequency of +1 at each of two score values.
    scores = torch.tensor([1.0, 1, 1, 1, -1, -1, -1, -1], dtype=torch.float64)
    y = torch.tensor([1.0, 1, 1, -1, 1, -1, -1, -1])
    a, b = platt_scaling(scores, y, lam=1e-12)
    assert a == pytest.approx(math.log(3), abs=1e-8)
    assert b == pytest.approx(0.0, abs=1e-10)
    # Perfectly separated scores: the penalty keeps a finite (unpenalised, a -> infinity).
    a_sep, _ = platt_scaling(torch.tensor([-2.0, -1.0, 1.0, 2.0]), torch.tensor([-1, -1, 1, 1]))
    assert math.isfinite(a_sep) and a_sep > 5


def test_platt_scaling_accepts_float32_and_integer_labels():
    X, y = _data()
    scores = train_linear_svm(X, y, lam=LAM).decision_function(X)
    a64, b64 = platt_scaling(scores, y)
    a32, b32 = platt_scaling(scores.float(), y.long())
    assert a32 == pytest.approx(a64, rel=1e-5) and b32 == pytest.approx(b64, abs=1e-5)


# ---------------------------------------------------------------------------------------------
# Folds and out-of-fold scores
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "folds"), [(10, 2), (200, 5), (203, 5), (7, 7)])
def test_interleaved_folds_partition_the_samples(n, folds):
    parts = interleaved_folds(n, folds)
    assert len(parts) == folds
    assert sorted(torch.cat(parts).tolist()) == list(range(n))
    assert [len(p) for p in parts] == [math.ceil((n - k) / folds) for k in range(folds)]
    assert all(p.dtype == torch.int64 for p in parts)


def test_interleaved_folds_keep_both_classes_of_sorted_data_in_every_fold():
    _, y = _data(n=200)  # 100 x +1, then 100 x -1
    for test in interleaved_folds(len(y), FOLDS):
        assert int((y[test] == 1).sum()) == int((y[test] == -1).sum()) == 20


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_out_of_fold_scores_match_svc_with_cross_val_predict(seed):
    from sklearn.model_selection import cross_val_predict
    from sklearn.svm import SVC

    X, y = _data(n=200, seed=seed)
    n_fold_train = len(y) - len(y) // FOLDS  # 160 in every fold: one C for all folds
    svc = SVC(kernel="linear", C=1 / (n_fold_train * LAM), tol=1e-10)
    expected = cross_val_predict(
        svc, X.numpy(), y.numpy(), cv=_splits(len(y)), method="decision_function"
    )
    ours = out_of_fold_scores(X, y, lam=LAM, folds=FOLDS)
    assert ours.shape == (200,) and ours.dtype == torch.float64
    np.testing.assert_allclose(ours.numpy(), expected, atol=1e-6, rtol=1e-6)


def test_out_of_fold_scores_are_the_in_sample_scores_of_no_model():
    # Each sample's score comes from a model trained without it: changing the label of one
    # sample changes the scores of the other folds, never its own.
    X, y = _data(n=100)
    flipped = y.clone()
    flipped[0] = -flipped[0]
    before = out_of_fold_scores(X, y, folds=FOLDS)
    after = out_of_fold_scores(X, flipped, folds=FOLDS)
    assert after[0] == before[0]
    assert not torch.equal(after[1:], before[1:])


# ---------------------------------------------------------------------------------------------
# The cross-validated fit
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 3])
def test_cross_val_platt_matches_the_same_steps_done_with_scikit_learn(seed):
    from sklearn.model_selection import cross_val_predict
    from sklearn.svm import SVC

    X, y = _data(n=200, seed=seed)
    X_test, _ = _data(n=500, seed=seed + 100)
    n = len(y)
    n_fold_train = n - n // FOLDS
    fold_svc = SVC(kernel="linear", C=1 / (n_fold_train * LAM), tol=1e-10)
    scores = cross_val_predict(
        fold_svc, X.numpy(), y.numpy(), cv=_splits(n), method="decision_function"
    )
    a_ref, b_ref = _logistic_regression(scores, y.numpy(), 1e-4)
    final = SVC(kernel="linear", C=1 / (n * LAM), tol=1e-10).fit(X.numpy(), y.numpy())
    expected = 1 / (1 + np.exp(-(a_ref * final.decision_function(X_test.numpy()) + b_ref)))

    model = cross_val_platt(X, y, lam=LAM, folds=FOLDS, platt_lam=1e-4)
    assert isinstance(model, PlattCalibratedSVM) and model.folds == FOLDS
    assert model.a == pytest.approx(a_ref, rel=1e-5) and model.b == pytest.approx(b_ref, abs=1e-5)
    np.testing.assert_allclose(model.predict_proba(X_test).numpy(), expected, atol=1e-6)


def _platt_softened_fit(scores, y):
    """Platt's own recipe, written here with scipy: sigmoid(a s + b) fitted without a penalty to
    the softened targets (N+ + 1) / (N+ + 2) for class +1 and 1 / (N- + 2) for class -1."""
    from scipy.optimize import minimize

    n_pos, n_neg = int((y > 0).sum()), int((y < 0).sum())
    targets = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss_and_grad(ab):
        z = ab[0] * scores + ab[1]
        residual = 1 / (1 + np.exp(-z)) - targets
        gradient = np.array([residual @ scores, residual.sum()])
        return np.sum(np.logaddexp(0, z) - targets * z), gradient

    options = {"gtol": 1e-12, "ftol": 1e-15}
    return minimize(loss_and_grad, [1.0, 0.0], jac=True, method="L-BFGS-B", options=options).x


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_calibrated_classifier_cv_is_platts_softened_fit_on_our_out_of_fold_scores(seed):
    """CalibratedClassifierCV(method="sigmoid", ensemble=False) on the same folds.

    Its calibrator differs from ours in one documented way: Platt's softened targets instead of
    {0, 1} (and no penalty). Refitting those softened targets on *our* out-of-fold scores
    reproduces its probabilities to 1e-6: its L-BFGS stops at a gradient of 1e-6 on a loss
    summed over 200 samples (curvature about 200 * 0.15), so (a, b) are off by about 3e-8 and a
    probability by less than that times |score| / 4, far below 1e-6. Its fold models are ours (C
    chosen for the folds' 160 samples); its final SVM keeps that C on all 200 samples, unlike
    ours (same lambda), so both sides use its final scores.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC

    X, y = _data(n=200, seed=seed)
    X_test, _ = _data(n=500, seed=seed + 100)
    n_fold_train = len(y) - len(y) // FOLDS
    calibrated = CalibratedClassifierCV(
        SVC(kernel="linear", C=1 / (n_fold_train * LAM), tol=1e-10),
        method="sigmoid",
        cv=_splits(len(y)),
        ensemble=False,
    ).fit(X.numpy(), y.numpy())
    theirs = calibrated.predict_proba(X_test.numpy())[:, list(calibrated.classes_).index(1)]
    final_scores = calibrated.calibrated_classifiers_[0].estimator.decision_function(X_test.numpy())

    model = cross_val_platt(X, y, lam=LAM, folds=FOLDS, platt_lam=1e-8)
    a_soft, b_soft = _platt_softened_fit(model.out_of_fold.numpy(), y.numpy())
    softened = 1 / (1 + np.exp(-(a_soft * final_scores + b_soft)))
    np.testing.assert_allclose(softened, theirs, atol=1e-6)

    # The plain targets {0, 1} that cross_val_platt uses give a steeper sigmoid, and
    # probabilities up to a few hundredths away (0.013 to 0.021 on these seeds, N_c = 100).
    plain = 1 / (1 + np.exp(-(model.a * final_scores + model.b)))
    assert model.a > a_soft
    assert 1e-3 < np.abs(plain - theirs).max() < 0.05


def test_predict_proba_is_platts_sigmoid_of_the_final_svm():
    X, y = _data()
    model = cross_val_platt(X, y)
    torch.testing.assert_close(
        model.predict_proba(X), torch.sigmoid(model.a * model.svm.decision_function(X) + model.b)
    )
    torch.testing.assert_close(model.svm.weight, train_linear_svm(X, y, lam=LAM).weight)
    assert torch.equal(model.predict(X), model.svm.predict(X))
    assert model.out_of_fold.shape == (len(y),)
    assert "PlattCalibratedSVM(a=" in repr(model)
    # deterministic: no random numbers anywhere
    again = cross_val_platt(X, y)
    assert (again.a, again.b) == (model.a, model.b)


def test_separable_data_give_a_steep_but_finite_sigmoid():
    X, y = make_separable_blobs(n=100, gap=1.0, seed=0, dtype=torch.float64)
    model = cross_val_platt(X, y)
    assert math.isfinite(model.a) and model.a > 1


# ---------------------------------------------------------------------------------------------
# Bad input: errors that name the fix
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"folds": 1}, ValueError, "folds must be an int >= 2; got 1: use folds=5"),
        ({"folds": True}, ValueError, "folds must be an int >= 2; got True: use folds=5"),
        ({"folds": 2.5}, ValueError, "folds must be an int >= 2; got 2.5: use folds=5"),
        ({"folds": 500}, ValueError, "folds must be at most the number of samples, 200"),
        ({"lam": 0.0}, ValueError, "lam must be finite and > 0; got 0.0: pass e.g. lam=0.01"),
        ({"lam": "0.01"}, TypeError, "lam must be a real number; got str"),
        ({"platt_lam": -1.0}, ValueError, "platt_lam must be finite and > 0"),
    ],
)
def test_cross_val_platt_bad_arguments(kwargs, error, message):
    X, y = _data()
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        cross_val_platt(X, y, **kwargs)


def test_bad_data_errors_name_the_fix():
    X, y = _data()
    with pytest.raises(ValueError, match=r"use 2 \* y - 1"):
        cross_val_platt(X, (y + 1) / 2)
    with pytest.raises(ValueError, match="only the label \\+1: Platt scaling needs"):
        cross_val_platt(X, torch.ones(len(y)))
    with pytest.raises(ValueError, match=r"y must have shape \(200,\)"):
        cross_val_platt(X, y[:-1])
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        cross_val_platt(X.numpy(), y)
    with pytest.raises(ValueError, match=r"X must be 2-D.*use X.reshape"):
        cross_val_platt(X[:, 0], y)
    # sorted labels and two folds: fold 0 = every other sample, but here class -1 sits only at
    # even positions, so fold 0 takes all of it
    X6 = torch.tensor([[-2.0], [2.0], [-1.0], [1.0], [-3.0], [3.0]], dtype=torch.float64)
    y6 = torch.tensor([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="fold 0 holds every sample of class -1.*shuffle"):
        cross_val_platt(X6, y6, folds=2)


def test_platt_scaling_bad_input():
    y = torch.tensor([-1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"scores must be 1-D.*use scores.reshape\(-1\)"):
        platt_scaling(torch.zeros(3, 1), y)
    with pytest.raises(TypeError, match="use model.decision_function"):
        platt_scaling([0.1, 0.2, 0.3], y)
    with pytest.raises(TypeError, match="floating-point"):
        platt_scaling(torch.tensor([1, 2, 3]), y)
    with pytest.raises(ValueError, match="nan or inf"):
        platt_scaling(torch.tensor([0.0, math.nan, 1.0]), y)
    with pytest.raises(ValueError, match=r"shape \(3,\), one label per score"):
        platt_scaling(torch.zeros(3), y[:2])
    message = "lam must be finite and > 0; got -0.1: pass e.g. lam=1e-4"
    with pytest.raises(ValueError, match=message):
        platt_scaling(torch.tensor([0.0, 0.5, 1.0]), y, lam=-0.1)
    with pytest.raises(ValueError, match=r"n must be an int >= 2"):
        interleaved_folds(1)
