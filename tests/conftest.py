"""Shared test set-up: one torch thread (repeatable sums, no oversubscription on a 2-core
machine) and matplotlib's non-interactive Agg backend (no display needed)."""

from __future__ import annotations

import matplotlib
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)
