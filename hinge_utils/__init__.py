"""hinge_utils: exact, tested building blocks for the hinge-loss notebook collection.

Losses (functions and ``nn.Module`` shells), margins, toy data and SVM-style training import with
the package; ``plotting`` (matplotlib), ``widgets`` (ipywidgets) and ``exercises`` are submodules
loaded on first use, so ``import hinge_utils`` costs little beyond ``import torch``.

>>> import torch
>>> import hinge_utils as hu
>>> hu.hinge_loss(torch.tensor([1.5, -0.5, 0.8, -1.2, 0.3]), torch.tensor([1, -1, 1, -1, 1]))
tensor(0.2800)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import formatting, frames, losses, zoo
from .data import (
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
from .data import seed_svm_data as seed_svm_data  # deprecated: syllabus_svm_data
from .data import seed_svm_init as seed_svm_init  # deprecated: syllabus_svm_init
from .functional import (
    crammer_singer_loss,
    functional_margin,
    hinge_loss,
    hinge_subgradient,
    multiclass_margin,
    squared_hinge_loss,
    weston_watkins_loss,
)
from .margins import (
    geometric_margin,
    margin_position,
    margin_tolerance,
    margin_violators,
    margin_width,
    support_vectors,
)
from .modules import CrammerSingerLoss, HingeLoss, SquaredHingeLoss, WestonWatkinsLoss
from .objectives import BINARY_LOSSES, MULTICLASS_LOSSES, multiclass_objective, svm_objective
from .reproducibility import setup
from .training import (
    ConvergenceWarning,
    EpochRecord,
    History,
    LinearMulticlassResult,
    LinearSVMResult,
    ramp_starts,
    train_linear_multiclass,
    train_linear_svm,
    train_ramp,
    train_sgd,
)

if TYPE_CHECKING:  # pragma: no cover
    from . import exercises, plotting, widgets

_LAZY_SUBMODULES = {"plotting", "widgets", "exercises"}

__all__ = [
    "BINARY_LOSSES",
    "ConvergenceWarning",
    "CrammerSingerLoss",
    "DataSplit",
    "EpochRecord",
    "HingeLoss",
    "History",
    "LinearMulticlassResult",
    "LinearSVMResult",
    "MULTICLASS_LOSSES",
    "SquaredHingeLoss",
    "WestonWatkinsLoss",
    "crammer_singer_loss",
    "exercises",
    "flip_labels",
    "formatting",
    "frames",
    "functional_margin",
    "geometric_margin",
    "hinge_loss",
    "hinge_subgradient",
    "load_digits_split",
    "load_iris_split",
    "losses",
    "make_binary_blobs",
    "make_multiclass_blobs",
    "make_outlier_blobs",
    "make_separable_blobs",
    "margin_position",
    "margin_tolerance",
    "margin_violators",
    "margin_width",
    "multiclass_margin",
    "multiclass_objective",
    "plotting",
    "ramp_starts",
    "setup",
    "squared_hinge_loss",
    "support_vectors",
    "svm_objective",
    "syllabus_svm_data",
    "syllabus_svm_init",
    "train_linear_multiclass",
    "train_linear_svm",
    "train_ramp",
    "train_sgd",
    "weston_watkins_loss",
    "widgets",
    "zoo",
]


def __getattr__(name: str) -> object:
    """Import ``plotting``, ``widgets`` and ``exercises`` on first access."""
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
