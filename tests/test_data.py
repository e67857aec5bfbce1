"""Tests for hinge_utils.data: deterministic generators, the syllabus's data, digits and iris.

Oracles: the syllabus's own lines run verbatim here, scikit-learn (a hard-margin SVC decides
separability; the digits and iris arrays), statistics of large samples, and counts by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from hinge_utils.data import (
    DataSplit,
    flip_labels,
    load_digits_split,
    load_iris_split,
    make_binary_blobs,
    make_multiclass_blobs,
    make_outlier_blobs,
    make_separable_blobs,
    syllabus_svm_data,
    syllabus_svm_init,
)

pytestmark = pytest.mark.usefixtures("one_thread")


DIAGONAL = torch.tensor([1.0, 1.0], dtype=torch.float64) / math.sqrt(2.0)


@pytest.fixture
def global_rng_untouched():
    """Fail the test if it changed the global torch RNG state."""
    before = torch.get_rng_state()
    yield
    assert torch.equal(torch.get_rng_state(), before), "the global RNG state was changed"


# ---------------------------------------------------------------------------------------------
# Binary blobs
# ---------------------------------------------------------------------------------------------


def test_binary_blobs_shapes_dtypes_and_labels():
    X, y = make_binary_blobs(n=7, seed=0)
    assert X.shape == (7, 2) and X.dtype == torch.float32 and y.dtype == torch.float32
    assert y.tolist() == [1.0] * 4 + [-1.0] * 3  # ceil(7 / 2) positives first
    X64, y64 = make_binary_blobs(n=4, dtype=torch.float64)
    assert X64.dtype == y64.dtype == torch.float64


def test_binary_blobs_are_deterministic_and_leave_the_global_rng_alone(global_rng_untouched):
    first = make_binary_blobs(n=50, seed=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(999)  # a different global state must not matter
        second = make_binary_blobs(n=50, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert not torch.equal(first[0], make_binary_blobs(n=50, seed=4)[0])


def test_binary_blobs_centres_and_spread_follow_the_parameters():
    separation, noise = 3.0, 0.5
    X, y = make_binary_blobs(n=40_000, separation=separation, noise=noise, seed=1)
    X = X.double()
    centre = separation / 2 * DIAGONAL
    # standard error of a mean of 20000 draws with std 0.5: 0.0035
    torch.testing.assert_close(X[y == 1].mean(0), centre, atol=0.02, rtol=0)
    torch.testing.assert_close(X[y == -1].mean(0), -centre, atol=0.02, rtol=0)
    spread = torch.cat([X[y == 1] - centre, X[y == -1] + centre]).std(0)
    torch.testing.assert_close(
        spread, torch.full((2,), noise, dtype=torch.float64), atol=0.01, rtol=0
    )


def test_separable_blobs_are_separable_with_the_requested_street():
    from sklearn.svm import SVC

    gap = 1.5
    X, y = make_separable_blobs(n=200, gap=gap, noise=1.0, seed=2, dtype=torch.float64)
    # Independent oracle: a (nearly) hard-margin SVM classifies every point correctly ...
    svm = SVC(kernel="linear", C=1e6).fit(X.numpy(), y.numpy())
    assert svm.score(X.numpy(), y.numpy()) == 1.0
    # ... and the street around the diagonal's normal line is exactly gap wide.
    side = y * (X @ DIAGONAL)
    for label in (1.0, -1.0):
        assert side[y == label].min().item() == pytest.approx(gap / 2, abs=1e-12)


def test_flip_labels_flips_exactly_the_masked_ones(global_rng_untouched):
    _, y = make_binary_blobs(n=30, seed=0)
    original = y.clone()
    y_noisy, flipped = flip_labels(y, n_flip=4, seed=1)
    assert torch.equal(y, original)  # input untouched
    assert flipped.dtype == torch.bool and int(flipped.sum()) == 4
    assert torch.equal(y_noisy[flipped], -y[flipped])
    assert torch.equal(y_noisy[~flipped], y[~flipped])
    again, _ = flip_labels(y, n_flip=4, seed=1)
    assert torch.equal(again, y_noisy)


def test_outlier_blobs_append_far_positives_on_the_negative_side():
    X, y, is_outlier = make_outlier_blobs(n=40, n_outliers=3, distance=12.0, seed=5)
    clean_X, clean_y = make_binary_blobs(n=40, seed=5)
    assert torch.equal(X[:40], clean_X) and torch.equal(y[:40], clean_y)
    assert is_outlier.tolist() == [False] * 40 + [True] * 3
    assert y[is_outlier].tolist() == [1.0, 1.0, 1.0]
    along = X[is_outlier].double() @ DIAGONAL  # about -12, spread 0.5
    assert bool((along < -9).all())


def test_multiclass_blobs_counts_labels_and_centre_spacing(global_rng_untouched):
    X, y = make_multiclass_blobs(n=7, k=3, seed=0)
    assert X.shape == (7, 2) and y.dtype == torch.int64
    assert torch.bincount(y).tolist() == [3, 2, 2]
    X, y = make_multiclass_blobs(n=30_000, k=4, separation=5.0, noise=0.5, seed=1)
    means = torch.stack([X[y == j].double().mean(0) for j in range(4)])
    neighbours = (means - means.roll(1, dims=0)).norm(dim=1)
    torch.testing.assert_close(
        neighbours, torch.full((4,), 5.0, dtype=torch.float64), atol=0.03, rtol=0
    )
    torch.testing.assert_close(
        means.mean(0), torch.zeros(2, dtype=torch.float64), atol=0.02, rtol=0
    )


# ---------------------------------------------------------------------------------------------
# The syllabus's data, bit for bit
# ---------------------------------------------------------------------------------------------


def _syllabus_lines() -> tuple[torch.Tensor, torch.Tensor, nn.Linear]:
    """The syllabus's code, verbatim (run inside fork_rng by the caller)."""
    torch.manual_seed(42)
    n = 100

    # Generate two clusters
    x_pos = torch.randn(n // 2, 2) + torch.tensor([2.0, 2.0])
    x_neg = torch.randn(n // 2, 2) + torch.tensor([-2.0, -2.0])
    X = torch.cat([x_pos, x_neg], dim=0)
    y = torch.cat([torch.ones(n // 2), -torch.ones(n // 2)])

    # Linear model
    model = nn.Linear(2, 1)
    return X, y, model


def test_syllabus_svm_data_is_the_syllabus_data_bit_for_bit(global_rng_untouched):
    with torch.random.fork_rng(devices=[]):
        X_ref, y_ref, _ = _syllabus_lines()
    X, y = syllabus_svm_data()
    assert torch.equal(X, X_ref) and torch.equal(y, y_ref)
    assert X.dtype == y.dtype == torch.float32


def test_syllabus_svm_data_leaves_the_global_rng_where_it_was():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    syllabus_svm_data()
    syllabus_svm_init()
    assert torch.equal(torch.rand(3), expected)


def test_syllabus_svm_init_is_the_syllabus_models_start(global_rng_untouched):
    with torch.random.fork_rng(devices=[]):
        _, _, model = _syllabus_lines()
    weight, bias = syllabus_svm_init()
    assert torch.equal(weight, model.weight.detach()[0])
    assert torch.equal(bias, model.bias.detach()[0])
    assert weight.shape == (2,) and bias.shape == ()


# ---------------------------------------------------------------------------------------------
# Real data sets shipped with scikit-learn
# ---------------------------------------------------------------------------------------------


def test_digits_split_shapes_labels_and_train_standardisation():
    from sklearn.datasets import load_digits

    split = load_digits_split(test_fraction=0.25, seed=0)
    assert isinstance(split, DataSplit)
    X_train, X_test, y_train, y_test = split
    assert X_train.shape == (1348, 64) and X_test.shape == (449, 64)
    assert X_train.dtype == X_test.dtype == torch.float32
    assert y_train.dtype == y_test.dtype == torch.int64
    # Every image lands on exactly one side: the label counts add up to scikit-learn's.
    counts = torch.bincount(torch.cat([y_train, y_test]), minlength=10).numpy()
    np.testing.assert_array_equal(counts, np.bincount(load_digits().target))
    # Standardised with training statistics: each non-constant training column has mean 0, std 1.
    mean, std = X_train.double().mean(0), X_train.double().std(0, unbiased=False)
    varying = std > 0
    torch.testing.assert_close(mean, torch.zeros(64, dtype=torch.float64), atol=1e-5, rtol=0)
    torch.testing.assert_close(
        std[varying], torch.ones(int(varying.sum()), dtype=torch.float64), atol=1e-5, rtol=0
    )


def test_digits_split_features_are_an_affine_image_of_the_raw_pixels():
    from sklearn.datasets import load_digits

    X_train, X_test, _, _ = load_digits_split(seed=1)
    raw = torch.as_tensor(load_digits().data, dtype=torch.float64)
    # Each standardised column is (raw - mean) / std for one (mean, std): sorted values match.
    both = torch.cat([X_train, X_test]).double()
    for column in (10, 20, 36):
        raw_sorted = raw[:, column].sort().values
        std_sorted = both[:, column].sort().values
        slope = (std_sorted[-1] - std_sorted[0]) / (raw_sorted[-1] - raw_sorted[0])
        torch.testing.assert_close(
            std_sorted, (raw_sorted - raw_sorted[0]) * slope + std_sorted[0], atol=1e-5, rtol=0
        )


def test_digits_split_is_deterministic_and_depends_on_the_seed():
    a, b, c = load_digits_split(seed=3), load_digits_split(seed=3), load_digits_split(seed=4)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert not torch.equal(a.y_test, c.y_test)


def test_iris_split_shapes():
    split = load_iris_split(test_fraction=0.2, seed=0)
    assert split.X_train.shape == (120, 4) and split.X_test.shape == (30, 4)
    assert set(torch.cat([split.y_train, split.y_test]).tolist()) == {0, 1, 2}


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make_binary_blobs(n=1), ValueError, "n must be >= 2"),
        (lambda: make_binary_blobs(n=10.0), TypeError, "n must be an int"),
        (lambda: make_binary_blobs(noise=0.0), ValueError, "noise must be finite and > 0"),
        (lambda: make_binary_blobs(separation=-1.0), ValueError, "separation"),
        (lambda: make_binary_blobs(seed=-1), ValueError, "seed must be >= 0"),
        (lambda: make_binary_blobs(dtype=torch.int64), TypeError, "dtype must be torch.float32"),
        (lambda: make_separable_blobs(gap=float("nan")), ValueError, "gap must be finite"),
        (lambda: make_multiclass_blobs(k=1), ValueError, "k must be >= 2"),
        (lambda: make_multiclass_blobs(n=2, k=3), ValueError, "n must be >= 3"),
        (lambda: flip_labels(torch.tensor([0.0, 1.0])), ValueError, "2 \\* y - 1"),
        (lambda: flip_labels(torch.ones(3), n_flip=4), ValueError, "n_flip must be <= len"),
        (lambda: load_digits_split(test_fraction=1.0), ValueError, "test_fraction"),
        (lambda: load_digits_split(test_fraction="0.2"), TypeError, "test_fraction"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
