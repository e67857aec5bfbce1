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

from .functional import (
    crammer_singer_loss,
    functional_margin,
    hinge_loss,
    hinge_subgradient,
    squared_hinge_loss,
    weston_watkins_loss,
)
from .modules import CrammerSingerLoss, HingeLoss, SquaredHingeLoss, WestonWatkinsLoss
from .reproducibility import setup

if TYPE_CHECKING:  # pragma: no cover
    from . import exercises, plotting, widgets

_LAZY_SUBMODULES = {"plotting", "widgets", "exercises"}

__all__ = [
    "CrammerSingerLoss",
    "HingeLoss",
    "SquaredHingeLoss",
    "WestonWatkinsLoss",
    "crammer_singer_loss",
    "exercises",
    "functional_margin",
    "hinge_loss",
    "hinge_subgradient",
    "plotting",
    "setup",
    "squared_hinge_loss",
    "weston_watkins_loss",
    "widgets",
]


def __getattr__(name: str):
    """Import ``plotting``, ``widgets`` and ``exercises`` on first access."""
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
