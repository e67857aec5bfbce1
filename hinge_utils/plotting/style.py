"""One figure style for the whole course: legible from the back of a room, colour-blind safe.

The palette is Okabe & Ito's eight colours (distinguishable under the common colour-vision
deficiencies), each given one job that never changes from notebook to notebook:

=================  ====================  ==========================================
role               colour                used for
=================  ====================  ==========================================
``pos``            blue                  class +1 (circles)
``neg``            orange                class -1 (squares)
``hinge``          reddish purple        the hinge loss and its relatives
``cross_entropy``  bluish green          logistic loss / cross-entropy
``squared_hinge``  sky blue              the squared hinge
``zero_one``       black                 the zero-one loss
``violator``       vermillion            margin violators, :math:`y f(x) < 1`
``safe``           grey                  points beyond the margin (zero hinge gradient)
``support``        black                 rings around support vectors
``boundary``       black                 the decision boundary :math:`f(x) = 0`
``margin``         dark grey             the margin lines :math:`f(x) = \\pm 1`
=================  ====================  ==========================================

Each loss of the registry has its own colour and line style, :data:`LOSS_STYLES`.

Use :func:`use_style` once at the top of a notebook, or :func:`course_style` as a context
manager.
The plotting helpers apply the style themselves to whatever they draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hinge_utils.losses import BINARY, MULTICLASS

__all__ = [
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "COLORS",
    "LOSS_STYLES",
    "OKABE_ITO",
    "RC_PARAMS",
    "course_style",
    "freeze_layout",
    "styled_axes",
    "use_style",
]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The eight colours of Okabe & Ito (2008), "Color Universal Design"."""

COLORS: dict[str, str] = {
    "pos": OKABE_ITO["blue"],
    "neg": OKABE_ITO["orange"],
    "hinge": OKABE_ITO["reddish_purple"],
    "cross_entropy": OKABE_ITO["bluish_green"],
    "squared_hinge": OKABE_ITO["sky_blue"],
    "zero_one": OKABE_ITO["black"],
    "violator": OKABE_ITO["vermillion"],
    "safe": "#999999",
    "support": OKABE_ITO["black"],
    "boundary": OKABE_ITO["black"],
    "margin": "#555555",
}
"""One colour per role, the same in every figure of the course."""

CLASS_COLORS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)
"""Colours of classes 0, 1, 2, ... in multi-class figures (at most 8 classes)."""

CLASS_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Markers of classes 0, 1, 2, ...: shape as well as colour tells the classes apart."""

LOSS_STYLES: dict[str, dict[str, Any]] = {
    # The registry names each loss's Okabe-Ito colour and its line style: one mapping for
    # every figure, the explorers' curves included.
    name: {"color": OKABE_ITO[loss.color], "linestyle": loss.linestyle}
    for table in (BINARY, MULTICLASS)
    for name, loss in table.items()
}
"""Colour and line style of each loss of the registry :mod:`hinge_utils.losses`, by name.

Within :data:`~hinge_utils.losses.BINARY` (and within
:data:`~hinge_utils.losses.MULTICLASS`) no two losses share both colour and line style, so every
curve of the loss zoo can be told apart in colour, in dashes, or both; the hinge, the logistic
loss, the squared hinge and the zero-one loss keep the colours of their roles in :data:`COLORS`.

=================  ===============  ==========
loss               colour           line style
=================  ===============  ==========
zero-one           black            solid
hinge              reddish purple   solid
squared hinge      sky blue         solid
smoothed hinge     vermillion       dashed
softplus hinge     reddish purple   dotted
ramp               reddish purple   dash-dot
modified Huber     blue             dashed
logistic           bluish green     solid
logistic in bits   bluish green     dash-dot
exponential        orange           dashed
perceptron         black            dash-dot
=================  ===============  ==========

Examples::

    >>> LOSS_STYLES["modified_huber"]  # no longer the squared hinge's sky blue
    {'color': '#0072B2', 'linestyle': '--'}
"""

RC_PARAMS: dict[str, Any] = {
    # Text: labels and ticks >= 12 pt at the default figure size, titles 16 pt.
    "font.size": 13,
    "axes.titlesize": 16,
    "axes.titleweight": "normal",
    "axes.titlepad": 10,
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 12,
    "legend.markerscale": 1.3,
    "legend.title_fontsize": 12,
    "figure.titlesize": 16,
    # Lines and markers thick enough for a projector.
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.linewidth": 1.2,
    "xtick.major.width": 1.2,
    "ytick.major.width": 1.2,
    "xtick.major.size": 5,
    "ytick.major.size": 5,
    # No chart junk: no top/right spines, a faint grid, a light legend frame.
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "#cccccc",
    "axes.prop_cycle": cycler(color=list(CLASS_COLORS)),
    # Layout and output.
    "figure.figsize": (7.0, 4.5),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "image.interpolation": "nearest",
}
"""The rcParams applied by :func:`course_style` and :func:`use_style`."""


@contextmanager
def course_style() -> Iterator[None]:
    """Apply the course style inside a ``with`` block, restoring the previous rcParams after.

    Figures and axes created inside the block keep the style when drawn later.

    Examples::

        >>> with course_style():
        ...     fig, ax = plt.subplots()
        >>> # labels 14 pt, ticks 13 pt, titles 16 pt
        >>> ax.xaxis.label.get_fontsize(), ax.title.get_fontsize()
        (14.0, 16.0)
        >>> plt.close(fig)
    """
    with mpl.rc_context(cast(Any, RC_PARAMS)):
        yield


def use_style() -> None:
    """Apply the course style globally (call once at the top of a notebook).

    Examples::

        >>> previous = dict(mpl.rcParams)
        >>> use_style()
        >>> mpl.rcParams["axes.labelsize"]
        14.0
        >>> mpl.rcParams.update(previous)
    """
    mpl.rcParams.update(cast(Any, RC_PARAMS))


_LAYOUT_PASSES = 6


def freeze_layout(fig: Figure) -> Figure:
    """Lay ``fig`` out once and keep that layout for every later draw.

    Constrained layout runs again on every draw, which is a large part of the cost of redrawing
    an interactive figure whose texts and sizes do not change. Call this once after the first
    plot (and after adding titles and legends): the figure is laid out until the positions
    settle (at most a few passes), then the layout engine is switched off, so the axes keep
    their positions and each redraw skips the layout.

    Examples::

        >>> with course_style():
        ...     fig, ax = plt.subplots()
        >>> _ = ax.set_title("a title")
        >>> position = freeze_layout(fig).axes[0].get_position().bounds
        >>> _ = ax.set_title("a much longer title, in a larger font", fontsize=30)
        >>> fig.draw_without_rendering()
        >>> ax.get_position().bounds == position  # not laid out again
        True
        >>> plt.close(fig)
    """
    # Equal-aspect axes with an outside legend can take a few layout passes to settle.
    for _ in range(_LAYOUT_PASSES):
        before = [ax.get_position().bounds for ax in fig.axes]
        fig.draw_without_rendering()
        if [ax.get_position().bounds for ax in fig.axes] == before:
            break
    fig.set_layout_engine("none")
    return fig


@contextmanager
def styled_axes(ax: Axes | None, figsize: tuple[float, float]) -> Iterator[Axes]:
    """Yield ``ax``, or a new figure's axes, with the course style applied while drawing.

    A helper draws inside this block, so what it draws (lines, markers, legend, labels) is in
    the course style whether the axes are new or the caller's.
    """
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes or None; got {type(ax).__name__}: "
            "pass ax=plt.subplots()[1] or leave it out to get a new figure"
        )
    with course_style():
        if ax is None:
            _, ax = plt.subplots(figsize=figsize)
        yield ax
