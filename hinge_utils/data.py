r"""Small deterministic data sets for the lessons: 2-D blobs, the syllabus's own data, digits.

Every generator draws from its own ``torch.Generator`` seeded with ``seed``, so the same call gives
the same tensors on every machine and never touches (or depends on) the global random state that
``torch.manual_seed`` sets. Nothing is downloaded: the real data sets (digits, iris) ship inside
scikit-learn.

Conventions, as in the rest of :mod:`hinge_utils`:

* binary data: ``X`` float32 of shape ``(N, 2)``, labels ``y`` float32 in {-1, +1} of shape
  ``(N,)``, class +1 first;
* multi-class data: integer class indices ``y`` (int64) in ``[0, K)``.

Example::

    >>> X, y = make_binary_blobs(n=6, separation=4.0, seed=0)
    >>> X.shape, X.dtype, y.tolist()
    (torch.Size([6, 2]), torch.float32, [1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import NamedTuple

import torch
from torch import Tensor, nn

__all__ = [
    "DataSplit",
    "flip_labels",
    "load_digits_split",
    "load_iris_split",
    "make_binary_blobs",
    "make_multiclass_blobs",
    "make_outlier_blobs",
    "make_separable_blobs",
    "syllabus_svm_data",
    "syllabus_svm_init",
]

#: Unit vector along the diagonal: the two binary blobs sit at +-(separation / 2) * _DIAGONAL.
_DIAGONAL = (1.0 / math.sqrt(2.0), 1.0 / math.sqrt(2.0))
_FLOAT_DTYPES = (torch.float32, torch.float64)


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------


def _check_int(value: object, name: str, minimum: int, hint: str) -> int:
    """Return ``value`` if it is an int >= ``minimum``; raise naming ``name`` and ``hint``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}: {hint}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}: {hint}")
    return int(value)


def _check_real(value: object, name: str, *, positive: bool, hint: str) -> float:
    """Return ``value`` as a finite float (> 0 if ``positive``, else >= 0), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number; got {type(value).__name__} {value!r}: {hint}"
        )
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be finite and {bound}; got {value!r}: {hint}")
    return value


def _check_dtype(dtype: object) -> torch.dtype:
    if dtype not in _FLOAT_DTYPES:
        raise TypeError(
            f"dtype must be torch.float32 or torch.float64; got {dtype!r}: "
            "use dtype=torch.float32 (the default)"
        )
    return dtype


def _generator(seed: object) -> torch.Generator:
    """A fresh CPU generator seeded with ``seed`` (the global RNG is left alone)."""
    seed = _check_int(seed, "seed", 0, "pass e.g. seed=0")
    return torch.Generator().manual_seed(seed)


def _class_sizes(n: int, k: int) -> list[int]:
    """Split ``n`` samples over ``k`` classes as evenly as possible, earlier classes first."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


# ---------------------------------------------------------------------------------------------
# Binary 2-D blobs
# ---------------------------------------------------------------------------------------------


def _binary_labels(n_pos: int, n_neg: int, dtype: torch.dtype) -> Tensor:
    return torch.cat([torch.ones(n_pos, dtype=dtype), -torch.ones(n_neg, dtype=dtype)])


def _blob_pair(
    n: int, separation: float, noise: float, generator: torch.Generator, dtype: torch.dtype
) -> tuple[Tensor, Tensor]:
    """Two Gaussian blobs of std ``noise`` centred at +-(separation / 2) on the diagonal."""
    n_pos, n_neg = _class_sizes(n, 2)
    direction = torch.tensor(_DIAGONAL, dtype=torch.float64)
    centres = torch.cat([direction.expand(n_pos, 2), -direction.expand(n_neg, 2)]) * (
        separation / 2
    )
    draws = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    X = (centres + noise * draws).to(dtype)
    return X, _binary_labels(n_pos, n_neg, dtype)


def make_binary_blobs(
    n: int = 200,
    separation: float = 4.0,
    noise: float = 1.0,
    seed: int = 0,
    *,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, Tensor]:
    r"""Two round Gaussian clouds in 2-D, one per class: overlapping or well apart.

    Class +1 is centred at :math:`+\tfrac{d}{2}\,u` and class -1 at :math:`-\tfrac{d}{2}\,u`, with
    :math:`u = (1, 1)/\sqrt{2}` and :math:`d` = ``separation``, the distance between the two
    centres; each coordinate gets Gaussian noise of standard deviation ``noise``. With ``noise=1``,
    ``separation=1`` overlaps heavily, ``separation=4`` barely (a few points cross) and
    ``separation=8`` is separable in practice. The syllabus's clouds at :math:`\pm(2, 2)` have
    :math:`d = 4\sqrt{2} \approx 5.66`. For data guaranteed to be separable use
    :func:`make_separable_blobs`.

    Args:
        n: number of samples, ``ceil(n / 2)`` of class +1 (first) and ``floor(n / 2)`` of class -1.
            Default: 200.
        separation: distance :math:`d \ge 0` between the class centres. Default: 4.0.
        noise: standard deviation of each coordinate around its centre, > 0. Default: 1.0.
        seed: seed of the generator. Default: 0.
        dtype: ``torch.float32`` or ``torch.float64``, for ``X`` and ``y``. Default: float32.

    Returns:
        ``(X, y)``: ``X`` of shape :math:`(n, 2)`, ``y`` of shape :math:`(n)` in {-1, +1}.

    Example::

        >>> X, y = make_binary_blobs(n=10_000, separation=4.0, noise=1.0, seed=0)
        >>> # centres at +-(4 / 2) * (0.707, 0.707) = +-(1.41, 1.41), 4 apart
        >>> round((X[y == 1].mean(0) - X[y == -1].mean(0)).norm().item(), 1)
        4.0
    """
    n = _check_int(n, "n", 2, "pass at least one sample per class, e.g. n=200")
    separation = _check_real(separation, "separation", positive=False, hint="e.g. 4.0")
    noise = _check_real(noise, "noise", positive=True, hint="e.g. noise=1.0")
    dtype = _check_dtype(dtype)
    return _blob_pair(n, separation, noise, _generator(seed), dtype)


def make_separable_blobs(
    n: int = 100,
    gap: float = 1.0,
    noise: float = 1.0,
    seed: int = 0,
    *,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, Tensor]:
    r"""Two Gaussian clouds in 2-D pushed apart until a street of width ``gap`` separates them.

    Each class is a Gaussian cloud of std ``noise``; each cloud is then moved along the diagonal
    :math:`u = (1, 1)/\sqrt{2}` (class +1 up, class -1 down) until its closest point lies exactly
    ``gap / 2`` from the line :math:`u^\top x = 0`. So the data are linearly separable with a
    hard margin of at least ``gap / 2`` on each side (the best separating line may do better).

    Args:
        n: number of samples, ``ceil(n / 2)`` of class +1 first. Default: 100.
        gap: width of the empty street around :math:`u^\top x = 0`, >= 0. Default: 1.0.
        noise: standard deviation of each coordinate, > 0. Default: 1.0.
        seed: seed of the generator. Default: 0.
        dtype: ``torch.float32`` or ``torch.float64``. Default: float32.

    Returns:
        ``(X, y)``: ``X`` of shape :math:`(n, 2)`, ``y`` of shape :math:`(n)` in {-1, +1}.

    Example::

        >>> X, y = make_separable_blobs(n=50, gap=2.0, seed=0, dtype=torch.float64)
        >>> u = torch.tensor([1.0, 1.0], dtype=torch.float64) / 2 ** 0.5
        >>> side = y * (X @ u)  # signed distance to the line u^T x = 0, per class
        >>> round(side.min().item(), 6)  # the closest point of each class sits at gap / 2 = 1
        1.0
    """
    n = _check_int(n, "n", 2, "pass at least one sample per class, e.g. n=100")
    gap = _check_real(gap, "gap", positive=False, hint="e.g. gap=1.0")
    noise = _check_real(noise, "noise", positive=True, hint="e.g. noise=1.0")
    dtype = _check_dtype(dtype)
    X, y = _blob_pair(n, 0.0, noise, _generator(seed), torch.float64)
    direction = torch.tensor(_DIAGONAL, dtype=torch.float64)
    side = y.double() * (X @ direction)  # signed distance of each point to u^T x = 0
    for label in (1.0, -1.0):
        members = y == label
        shift = gap / 2 - side[members].min()
        X[members] += label * shift * direction
    return X.to(dtype), y.to(dtype)


def flip_labels(y: Tensor, n_flip: int = 5, seed: int = 0) -> tuple[Tensor, Tensor]:
    r"""Flip the labels of ``n_flip`` random samples: label noise for the robustness lesson.

    Args:
        y: labels in {-1, +1}, shape :math:`(N)`; not modified.
        n_flip: how many labels to flip, ``0 <= n_flip <= N``. Default: 5.
        seed: seed of the generator choosing the samples. Default: 0.

    Returns:
        ``(y_noisy, flipped)``: the new labels (same dtype as ``y``) and a boolean mask of shape
        :math:`(N)` marking the flipped samples.

    Example::

        >>> y = torch.tensor([1.0, 1.0, -1.0, -1.0])
        >>> y_noisy, flipped = flip_labels(y, n_flip=1, seed=0)
        >>> int(flipped.sum()), bool((y_noisy == torch.where(flipped, -y, y)).all())
        (1, True)
    """
    if not isinstance(y, Tensor):
        raise TypeError(f"y must be a torch.Tensor; got {type(y).__name__}: use torch.as_tensor(y)")
    if y.ndim != 1:
        raise ValueError(
            f"y must be 1-D, shape (N,); got shape {tuple(y.shape)}: use y.reshape(-1)"
        )
    if not bool((y.abs() == 1).all()):
        raise ValueError(
            f"y must hold labels in {{-1, +1}}; got values {sorted(set(y.tolist()))[:6]}: "
            "for {0, 1} labels use 2 * y - 1"
        )
    n_flip = _check_int(n_flip, "n_flip", 0, f"pass 0 <= n_flip <= len(y) = {len(y)}")
    if n_flip > len(y):
        raise ValueError(f"n_flip must be <= len(y) = {len(y)}; got {n_flip}: flip fewer labels")
    chosen = torch.randperm(len(y), generator=_generator(seed))[:n_flip]
    flipped = torch.zeros(len(y), dtype=torch.bool)
    flipped[chosen] = True
    flipped = flipped.to(y.device)
    return torch.where(flipped, -y, y), flipped


def make_outlier_blobs(
    n: int = 200,
    separation: float = 4.0,
    n_outliers: int = 5,
    distance: float = 10.0,
    noise: float = 1.0,
    seed: int = 0,
    *,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, Tensor, Tensor]:
    r"""The blobs of :func:`make_binary_blobs` plus a few far outliers labelled +1 on the -1 side.

    The first ``n`` samples are exactly ``make_binary_blobs(n, separation, noise, seed)``; then
    ``n_outliers`` points of class +1 are appended around :math:`-\text{distance}\cdot u`, deep in
    the territory of class -1 (:math:`u = (1, 1)/\sqrt{2}`, spread 0.5). Confidently wrong points
    like these pull a squared loss far more than the hinge, whose slope never exceeds 1.

    Args:
        n: number of clean samples. Default: 200.
        separation: distance between the clean class centres. Default: 4.0.
        n_outliers: number of outliers appended, >= 0. Default: 5.
        distance: distance of the outlier cluster from the origin, >= 0. Default: 10.0.
        noise: standard deviation of the clean clouds, > 0. Default: 1.0.
        seed: seed of the generator. Default: 0.
        dtype: ``torch.float32`` or ``torch.float64``. Default: float32.

    Returns:
        ``(X, y, is_outlier)`` of shapes :math:`(n + n_o, 2)`, :math:`(n + n_o)` and
        :math:`(n + n_o)` (boolean, True for the appended points).

    Example::

        >>> X, y, is_outlier = make_outlier_blobs(n=20, n_outliers=2, seed=0)
        >>> X.shape, y[is_outlier].tolist()
        (torch.Size([22, 2]), [1.0, 1.0])
        >>> torch.equal(X[:20], make_binary_blobs(n=20, seed=0)[0])
        True
    """
    n = _check_int(n, "n", 2, "pass at least one sample per class, e.g. n=200")
    separation = _check_real(separation, "separation", positive=False, hint="e.g. 4.0")
    n_outliers = _check_int(n_outliers, "n_outliers", 0, "pass e.g. n_outliers=5")
    distance = _check_real(distance, "distance", positive=False, hint="e.g. distance=10.0")
    noise = _check_real(noise, "noise", positive=True, hint="e.g. noise=1.0")
    dtype = _check_dtype(dtype)
    generator = _generator(seed)
    X, y = _blob_pair(n, separation, noise, generator, dtype)
    direction = torch.tensor(_DIAGONAL, dtype=torch.float64)
    spread = 0.5 * torch.randn(n_outliers, 2, generator=generator, dtype=torch.float64)
    outliers = (-distance * direction + spread).to(dtype)
    is_outlier = torch.cat(
        [torch.zeros(n, dtype=torch.bool), torch.ones(n_outliers, dtype=torch.bool)]
    )
    return (
        torch.cat([X, outliers]),
        torch.cat([y, torch.ones(n_outliers, dtype=dtype)]),
        is_outlier,
    )


# ---------------------------------------------------------------------------------------------
# Multi-class 2-D blobs
# ---------------------------------------------------------------------------------------------


def make_multiclass_blobs(
    n: int = 300,
    k: int = 3,
    separation: float = 4.0,
    noise: float = 1.0,
    seed: int = 0,
    *,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, Tensor]:
    r"""``k`` Gaussian clouds in 2-D with centres evenly spaced on a circle.

    Class :math:`j` is centred at :math:`r(\cos(2\pi j/k), \sin(2\pi j/k))`, with the radius
    :math:`r = d / (2\sin(\pi/k))` chosen so that neighbouring centres are ``separation`` =
    :math:`d` apart.

    Args:
        n: number of samples, split as evenly as possible, class 0 first. Default: 300.
        k: number of classes, >= 2. Default: 3.
        separation: distance between neighbouring centres, >= 0. Default: 4.0.
        noise: standard deviation of each coordinate, > 0. Default: 1.0.
        seed: seed of the generator. Default: 0.
        dtype: ``torch.float32`` or ``torch.float64``, for ``X``. Default: float32.

    Returns:
        ``(X, y)``: ``X`` of shape :math:`(n, 2)`; ``y`` int64 class indices in ``[0, k)``.

    Example::

        >>> X, y = make_multiclass_blobs(n=7, k=3, seed=0)
        >>> y.tolist()  # 7 = 3 + 2 + 2
        [0, 0, 0, 1, 1, 2, 2]
    """
    k = _check_int(k, "k", 2, "pass k >= 2 classes, e.g. k=3")
    n = _check_int(n, "n", k, f"pass at least one sample per class, n >= k = {k}")
    separation = _check_real(separation, "separation", positive=False, hint="e.g. 4.0")
    noise = _check_real(noise, "noise", positive=True, hint="e.g. noise=1.0")
    dtype = _check_dtype(dtype)
    radius = separation / (2 * math.sin(math.pi / k))
    angles = torch.arange(k, dtype=torch.float64) * (2 * math.pi / k)
    centres = radius * torch.stack([angles.cos(), angles.sin()], dim=1)
    y = torch.repeat_interleave(torch.arange(k), torch.tensor(_class_sizes(n, k)))
    draws = torch.randn(n, 2, generator=_generator(seed), dtype=torch.float64)
    return (centres[y] + noise * draws).to(dtype), y


# ---------------------------------------------------------------------------------------------
# The syllabus's own data and starting point
# ---------------------------------------------------------------------------------------------


def _syllabus_draws() -> tuple[Tensor, Tensor]:
    """The syllabus lines, verbatim, run on the global RNG (the caller forks it)."""
    torch.manual_seed(42)
    n = 100
    x_pos = torch.randn(n // 2, 2) + torch.tensor([2.0, 2.0])
    x_neg = torch.randn(n // 2, 2) + torch.tensor([-2.0, -2.0])
    X = torch.cat([x_pos, x_neg], dim=0)
    y = torch.cat([torch.ones(n // 2), -torch.ones(n // 2)])
    return X, y


def syllabus_svm_data() -> tuple[Tensor, Tensor]:
    r"""The syllabus's training data, bit for bit: 100 points around (2, 2) and (-2, -2).

    Runs the syllabus's own lines (``torch.manual_seed(42)``, ``x_pos = randn(50, 2) + (2, 2)``,
    ``x_neg = randn(50, 2) + (-2, -2)``, labels 50 times +1 then 50 times -1) inside
    ``torch.random.fork_rng``, so the global random state is the same after the call as before.

    Returns:
        ``(X, y)``: ``X`` float32 of shape :math:`(100, 2)`, ``y`` float32 of shape :math:`(100)`.

    Example::

        >>> X, y = syllabus_svm_data()
        >>> X.shape, int(y.sum())  # 50 times +1 and 50 times -1
        (torch.Size([100, 2]), 0)
    """
    with torch.random.fork_rng(devices=[]):
        return _syllabus_draws()


def syllabus_svm_init() -> tuple[Tensor, Tensor]:
    r"""The starting weights of the syllabus's ``nn.Linear(2, 1)``, drawn right after its data.

    In the syllabus, ``model = nn.Linear(2, 1)`` is created after the data, so its random
    initial weights depend on the random seed 42 and on the 200 numbers the data consumed. This
    function replays exactly that (inside ``torch.random.fork_rng``: the global state is left
    unchanged), so ``train_sgd(*syllabus_svm_data(), init=syllabus_svm_init())`` reproduces the
    syllabus's loop.

    Returns:
        ``(weight, bias)``: float32 tensors of shapes :math:`(2)` and :math:`()`.

    Example::

        >>> weight, bias = syllabus_svm_init()
        >>> weight.shape, bias.shape
        (torch.Size([2]), torch.Size([]))
        >>> bool(weight.abs().max() <= 2 ** -0.5)  # nn.Linear draws from U(-1/sqrt(2), 1/sqrt(2))
        True
    """
    with torch.random.fork_rng(devices=[]):
        _syllabus_draws()
        model = nn.Linear(2, 1)
    return model.weight.detach().reshape(2).clone(), model.bias.detach().reshape(()).clone()


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"{old}() is deprecated: use {new}(); the data are the course syllabus's, and 'seed' "
        "names a random seed in this library",
        DeprecationWarning,
        stacklevel=3,
    )


def seed_svm_data() -> tuple[Tensor, Tensor]:
    """Deprecated name of :func:`syllabus_svm_data`; warns, then returns what it returns."""
    _renamed("seed_svm_data", "syllabus_svm_data")
    return syllabus_svm_data()


def seed_svm_init() -> tuple[Tensor, Tensor]:
    """Deprecated name of :func:`syllabus_svm_init`; warns, then returns what it returns."""
    _renamed("seed_svm_init", "syllabus_svm_init")
    return syllabus_svm_init()


# ---------------------------------------------------------------------------------------------
# Real data shipped with scikit-learn
# ---------------------------------------------------------------------------------------------


class DataSplit(NamedTuple):
    """A train/test split in scikit-learn's order: ``X_train, X_test, y_train, y_test``."""

    X_train: Tensor
    X_test: Tensor
    y_train: Tensor
    y_test: Tensor


def _split_and_standardise(
    features: Tensor, labels: Tensor, test_fraction: float, seed: int
) -> DataSplit:
    """Shuffle with ``seed``, cut off the test part, standardise both with train statistics."""
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(
            f"test_fraction must be a real number in (0, 1); got {type(test_fraction).__name__}: "
            "pass e.g. test_fraction=0.25"
        )
    n = len(labels)
    n_test = round(float(test_fraction) * n) if 0 < test_fraction < 1 else 0
    if not 1 <= n_test <= n - 2:
        raise ValueError(
            f"test_fraction must be in (0, 1) and leave samples on both sides; got "
            f"{test_fraction!r} of {n} samples: pass e.g. test_fraction=0.25"
        )
    order = torch.randperm(n, generator=_generator(seed))
    test, train = order[:n_test], order[n_test:]
    mean = features[train].mean(0)
    std = features[train].std(0, unbiased=False)
    std = torch.where(std > 0, std, torch.ones_like(std))  # constant pixels: leave them at 0
    scaled = ((features - mean) / std).to(torch.float32)
    return DataSplit(scaled[train], scaled[test], labels[train], labels[test])


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> DataSplit:
    r"""scikit-learn's 8x8 handwritten digits (1797 images, 10 classes), split and standardised.

    The images ship inside scikit-learn (no download). The samples are shuffled with a
    ``torch.Generator`` seeded by ``seed``; the last ``1 - test_fraction`` are for training. Each
    of the 64 pixels is standardised with the *training* mean and standard deviation (pixels
    constant on the training set are only centred), so nothing about the test set leaks into the
    features.

    Args:
        test_fraction: share of the samples held out for testing, in (0, 1). Default: 0.25.
        seed: seed of the shuffle. Default: 0.

    Returns:
        :class:`DataSplit` ``(X_train, X_test, y_train, y_test)``: float32 features of shape
        :math:`(N, 64)`, int64 labels in ``[0, 10)``.

    Example::

        >>> X_train, X_test, y_train, y_test = load_digits_split(test_fraction=0.25, seed=0)
        >>> X_train.shape, X_test.shape, y_train.dtype  # 1797 * 0.25 = 449.25 -> 449 test images
        (torch.Size([1348, 64]), torch.Size([449, 64]), torch.int64)
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    features = torch.as_tensor(digits.data, dtype=torch.float64)
    labels = torch.as_tensor(digits.target, dtype=torch.int64)
    return _split_and_standardise(features, labels, test_fraction, seed)


def load_iris_split(test_fraction: float = 0.25, seed: int = 0) -> DataSplit:
    r"""Fisher's iris (150 flowers, 4 measurements, 3 species), split and standardised.

    Same recipe as :func:`load_digits_split`: shipped with scikit-learn, shuffled with ``seed``,
    standardised with the training statistics.

    Args:
        test_fraction: share of the samples held out for testing, in (0, 1). Default: 0.25.
        seed: seed of the shuffle. Default: 0.

    Returns:
        :class:`DataSplit`: float32 features of shape :math:`(N, 4)`, int64 labels in ``[0, 3)``.

    Example::

        >>> split = load_iris_split(test_fraction=0.2, seed=0)
        >>> split.X_train.shape, split.X_test.shape  # 150 * 0.2 = 30 test flowers
        (torch.Size([120, 4]), torch.Size([30, 4]))
    """
    from sklearn.datasets import load_iris

    iris = load_iris()
    features = torch.as_tensor(iris.data, dtype=torch.float64)
    labels = torch.as_tensor(iris.target, dtype=torch.int64)
    return _split_and_standardise(features, labels, test_fraction, seed)
