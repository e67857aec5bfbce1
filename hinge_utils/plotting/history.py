r"""Training curves: objective, accuracy, margin violators and gradient sparsity per epoch."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from hinge_utils.figure_description import describe_panel
from hinge_utils.plotting.style import COLORS, course_style

__all__ = ["HISTORY_PANELS", "HistoryArtists", "history_columns", "plot_history"]

HISTORY_PANELS: dict[str, str] = {
    "objective": "objective",
    "accuracy": "training accuracy",
    "n_violators": r"violators $y\,f(x) < 1$",
    "frac_nonzero_grad": "share with gradient $\\neq 0$",
}
"""The panels :func:`plot_history` can draw, with their y-axis labels."""

_SPOKEN = {  # the panels in words, for a figure's alt text
    "objective": "The objective",
    "accuracy": "The training accuracy",
    "n_violators": "The number of margin violators (y f(x) < 1)",
    "frac_nonzero_grad": "The share of samples with a non-zero gradient",
}


@dataclass
class HistoryArtists:
    """What :func:`plot_history` drew.

    Attributes:
        axes: one axes per panel, keyed by column name (``"objective"``, ...).
        lines: one line per panel, keyed like ``axes``; x data are the epochs.
        legend: the legend (on the first panel) when a ``label`` was given, else None.
    """

    axes: dict[str, Axes]
    lines: dict[str, Line2D]
    legend: Legend | None


def _has_field(record: object, name: str) -> bool:
    return name in record if isinstance(record, Mapping) else hasattr(record, name)


def _field(record: object, name: str, index: int) -> object:
    if isinstance(record, Mapping):
        if name not in record:
            raise ValueError(
                f"history record {index} has no key {name!r}; got keys {sorted(record)}: "
                f"pass records with {name!r} or choose other panels"
            )
        return record[name]
    if not hasattr(record, name):
        raise ValueError(
            f"history record {index} ({type(record).__name__}) has no attribute {name!r}: "
            f"pass records with {name!r} or choose other panels"
        )
    return getattr(record, name)


def history_columns(history: object, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The columns ``names`` (and ``"epoch"``) of a training history, as float arrays.

    Accepted forms: a sequence of records with the fields as attributes (e.g. a
    :class:`hinge_utils.training.History` of ``EpochRecord``) or as keys (dicts); a mapping of
    column lists (``{"objective": [...], ...}``); or a training result with a ``.history``.
    Epochs default to 1, 2, ... when absent.

    Examples::

        >>> cols = history_columns({"objective": [0.9, 0.5]}, ["objective"])
        >>> cols["epoch"].tolist(), cols["objective"].tolist()
        ([1.0, 2.0], [0.9, 0.5])
        >>> history_columns([{"objective": 3}, {"objective": 2}], ["objective"])["objective"]
        array([3., 2.])
    """
    if hasattr(history, "history") and not isinstance(history, Mapping | Sequence):
        history = history.history
    columns: dict[str, list] = {}
    if isinstance(history, Mapping):
        for name in names:
            if name not in history:
                raise ValueError(
                    f"history has no column {name!r}; got columns {sorted(history)}: "
                    f"pass a mapping with {name!r} or choose other panels"
                )
            columns[name] = list(history[name])
        if "epoch" in history:
            columns["epoch"] = list(history["epoch"])
    elif isinstance(history, Sequence) and not isinstance(history, str | bytes):
        records = list(history)
        for name in names:
            columns[name] = [_field(record, name, i) for i, record in enumerate(records)]
        if records and all(_has_field(record, "epoch") for record in records):
            columns["epoch"] = [_field(record, "epoch", i) for i, record in enumerate(records)]
    else:
        raise TypeError(
            f"history must be a sequence of records or a mapping of columns; got "
            f"{type(history).__name__}: pass result.history from a trainer, a list of dicts, "
            "or {'objective': [...], ...}"
        )
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"history columns must have equal lengths; got {lengths}")
    length = next(iter(lengths.values()), 0)
    columns.setdefault("epoch", list(range(1, length + 1)))
    out = {}
    for name, values in columns.items():
        if not all(isinstance(v, numbers.Real) for v in values):
            raise TypeError(f"history column {name!r} must hold numbers; got {values[:3]!r}...")
        out[name] = np.asarray(values, dtype=np.float64)
    return out


def _new_axes(panels: Sequence[str]) -> list[Axes]:
    if len(panels) <= 3:
        shape, figsize = (1, len(panels)), (4.2 * len(panels), 4.0)
    else:
        shape, figsize = (2, 2), (10.0, 7.0)
    with course_style():
        _, grid = plt.subplots(*shape, figsize=figsize, sharex=True, squeeze=False)
    return list(grid.ravel()[: len(panels)])


def plot_history(
    history: object,
    axes: Sequence[Axes] | np.ndarray | None = None,
    *,
    panels: Sequence[str] = ("objective", "accuracy", "n_violators", "frac_nonzero_grad"),
    label: str | None = None,
    color: str | None = None,
    log_objective: bool = False,
    title: str | None = None,
) -> HistoryArtists:
    r"""Plot a training history, one panel per quantity, epochs on the shared x axis.

    The default panels: the regularised objective, the training accuracy, the number of margin
    violators (:math:`y\,f(x) < 1`) and the share of samples whose loss has a non-zero gradient
    (the violators for the hinge; nearly all samples for cross-entropy). Four panels make a
    2 x 2 grid; up to three make one row.

    To compare runs, call again with the returned ``axes`` and another ``label`` (and
    ``color``): each run is one line per panel, and the first panel carries the legend.

    Args:
        history: a :class:`hinge_utils.training.History` (or any sequence of records with
            those attributes or keys), a mapping of column lists, or a training result with a
            ``.history``.
        axes: one axes per panel (a sequence or array); a new figure if None. Either way the
            lines are drawn in the course style.
        panels: which columns to plot, from :data:`HISTORY_PANELS`.
        label: legend label of this run (no legend if None).
        color: line colour of this run. Default: the hinge colour ``COLORS["hinge"]``, not the
            axes' colour cycle, whose first colour is the class +1 blue; a second run on the
            same axes names its own colour.
        log_objective: log scale for the objective. Default: False.
        title: a figure title stating the point (on a new figure), or None.

    Returns:
        :class:`HistoryArtists`.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> art = plot_history({"objective": [1.0, 0.6, 0.5], "accuracy": [0.7, 0.9, 0.95]},
        ...                    panels=("objective", "accuracy"))
        >>> art.lines["accuracy"].get_xydata().tolist()  # epochs 1, 2, 3
        [[1.0, 0.7], [2.0, 0.9], [3.0, 0.95]]
        >>> plt.close(art.axes["objective"].figure)
    """
    panels = [panels] if isinstance(panels, str) else list(panels)
    unknown = [p for p in panels if p not in HISTORY_PANELS]
    if unknown or not panels or len(set(panels)) != len(panels):
        raise ValueError(
            f"panels must be distinct names from {list(HISTORY_PANELS)}; got {panels!r}"
        )
    columns = history_columns(history, panels)
    if axes is None:
        axes_list = _new_axes(panels)
    else:
        axes_list = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(axes_list) < len(panels) or not all(isinstance(a, Axes) for a in axes_list):
            raise ValueError(
                f"axes must hold one matplotlib Axes per panel ({len(panels)}); got "
                f"{len(axes_list)} item(s): pass art.axes.values() of a previous call, or None"
            )
    epochs = columns["epoch"]
    marker = "o" if len(epochs) <= 30 else None
    lines: dict[str, Line2D] = {}
    with course_style():
        if axes is None and title is not None:
            axes_list[0].figure.suptitle(title)
        for ax, name in zip(axes_list, panels, strict=False):
            (lines[name],) = ax.plot(epochs, columns[name], label=label,
                                     color=COLORS["hinge"] if color is None else color,
                                     marker=marker, markersize=4)
            ax.set_ylabel(HISTORY_PANELS[name])
            if name == "objective" and log_objective:
                ax.set_yscale("log")
            if name in ("accuracy", "frac_nonzero_grad"):
                ax.set_ylim(-0.02, 1.02)
            if name == "n_violators":
                ax.set_ylim(bottom=0)
        for ax in _bottom_row(axes_list[: len(panels)]):
            ax.set_xlabel("epoch")
        legend = axes_list[0].legend() if label is not None else None
        run = f" of {label}" if label else ""
        for ax, name in zip(axes_list, panels, strict=False):
            values = columns[name]
            said = _SPOKEN[name]
            describe_panel(ax, f"{said}{run} over {len(epochs)} epochs, from {values[0]:.4g} to "
                               f"{values[-1]:.4g}" if len(values) else f"{said}{run}: no epochs")
    return HistoryArtists(axes=dict(zip(panels, axes_list, strict=False)), lines=lines,
                          legend=legend)


def _bottom_row(axes: list[Axes]) -> list[Axes]:
    """The axes in the last row of their grid (those that carry the x label)."""
    specs = [(ax, ax.get_subplotspec()) for ax in axes]
    bottoms = [ax for ax, spec in specs if spec is None or spec.is_last_row()]
    return bottoms or axes
