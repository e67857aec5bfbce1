r"""Losses and their slopes as functions of the margin :math:`m = y\,f(x)`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from hinge_utils.figure_description import describe_panel
from hinge_utils.losses import BINARY
from hinge_utils.plotting._data import as_array
from hinge_utils.plotting.style import COLORS, LOSS_STYLES, styled_axes

__all__ = ["GradientMagnitudeArtists", "LossCurveArtists", "plot_gradient_magnitude", "plot_losses"]

MARGIN_LABEL = r"$m = y\,f(x)$"
_REGISTRY_NAME = {"hinge": "hinge", "cross_entropy": "logistic"}  # curve key -> registry name


@dataclass
class LossCurveArtists:
    """What :func:`plot_losses` drew.

    Attributes:
        ax: the axes.
        lines: one line per loss, keyed by its name in :data:`hinge_utils.losses.BINARY`.
        guides: the vertical guides, keyed ``"margin"`` (at :math:`m = 1`) and ``"boundary"``
            (at :math:`m = 0`), for those drawn.
        legend: the legend.
    """

    ax: Axes
    lines: dict[str, Line2D]
    guides: dict[str, Line2D]
    legend: Legend | None


@dataclass
class GradientMagnitudeArtists:
    """What :func:`plot_gradient_magnitude` drew.

    Attributes:
        ax: the axes.
        lines: ``"hinge"`` and ``"cross_entropy"`` curves.
        samples: per-sample points, keyed like ``lines`` (empty without ``margins``).
        legend: the legend.
    """

    ax: Axes
    lines: dict[str, Line2D]
    samples: dict[str, PathCollection] = field(default_factory=dict)
    legend: Legend | None = None


def _check_range(m_range: object) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in m_range)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise TypeError(
            f"m_range must be a pair of numbers (low, high); got {m_range!r}: e.g. m_range=(-2, 3)"
        ) from None
    if not lo < hi:
        raise ValueError(f"m_range must have low < high; got {m_range!r}: e.g. m_range=(-2, 3)")
    return lo, hi


def margin_grid(
    m_range: tuple[float, float], num: int, extra: Sequence[float] = ()
) -> torch.Tensor:
    """``num`` evenly spaced margins over ``m_range`` plus the ``extra`` points inside it, sorted.

    Sampling the kinks exactly makes steps and corners sharp at any resolution.

    Examples::

        >>> margin_grid((-1.0, 1.0), 3, extra=(0.5,))  # -1, 0, 1 and the kink 0.5
        tensor([-1.0000,  0.0000,  0.5000,  1.0000], dtype=torch.float64)
    """
    lo, hi = m_range
    grid = torch.linspace(lo, hi, num, dtype=torch.float64)
    inside = [p for p in extra if lo < p < hi]
    if inside:
        grid = torch.cat([grid, torch.tensor(inside, dtype=torch.float64)])
    return torch.unique(grid)  # sorted, duplicates removed


def _vertical_guides(ax: Axes, show_boundary: bool, show_margin: bool) -> dict[str, Line2D]:
    """Dotted guides at m = 0 and m = 1, each named at the top of the axes."""
    guides: dict[str, Line2D] = {}
    top = blended_transform_factory(ax.transData, ax.transAxes)
    # Names point away from each other (boundary to the left, margin to the right): no overlap.
    for key, at, text, align, shown in (
        ("boundary", 0.0, "boundary ", "right", show_boundary),
        ("margin", 1.0, " margin", "left", show_margin),
    ):
        if shown:
            guides[key] = ax.axvline(at, color=COLORS[key], linestyle=":", linewidth=1.5,
                                     zorder=1)
            ax.text(at, 0.99, text, transform=top, ha=align, va="top", fontsize="small",
                    color=COLORS[key])
    return guides


def plot_losses(
    names: Sequence[str] = ("zero_one", "hinge", "squared_hinge", "logistic_bits"),
    m_range: tuple[float, float] = (-2.0, 3.0),
    ax: Axes | None = None,
    *,
    derivative: bool = False,
    show_boundary: bool = True,
    show_margin: bool = True,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    num: int = 1001,
) -> LossCurveArtists:
    r"""Plot losses of the zoo against the margin :math:`m = y\,f(x)`, or their derivatives.

    Each curve is :math:`L(m)` (or :math:`dL/dm` with ``derivative=True``) of
    :data:`hinge_utils.losses.BINARY`, evaluated on ``num`` evenly spaced margins plus the loss's
    kinks, so that steps and corners are drawn sharp. Dotted guides mark the decision boundary
    :math:`m = 0` and the margin :math:`m = 1`.

    Args:
        names: keys of the registry :data:`hinge_utils.losses.BINARY`.
            Default: zero-one, hinge, squared hinge, logistic in bits (the upper bound of the
            zero-one loss).
        m_range: ``(low, high)`` margins shown. Default: ``(-2, 3)``.
        ax: axes to draw in; a new figure in the course style if None (7 x 4.5 in; 10 x 5 in
            with the legend outside for more than 5 losses).
        derivative: plot :math:`dL/dm` instead of :math:`L`. Default: False.
        show_boundary, show_margin: draw the guides at :math:`m = 0` and :math:`m = 1`.
        ylim: y limits; by default the curves' range, clipped to ``[-3, 4]`` so that fast-growing
            losses do not flatten the others.
        title: a title stating the point of the figure, or None.
        num: number of evenly spaced margins. Default: 1001.

    Returns:
        :class:`LossCurveArtists` with one ``Line2D`` per loss (``lines[name]``).

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> art = plot_losses(["hinge"], m_range=(-1, 2), num=4)
        >>> # margins -1, 0, 1, 2 -> max(0, 1 - m) = 2, 1, 0, 0
        >>> art.lines["hinge"].get_xydata().tolist()
        [[-1.0, 2.0], [0.0, 1.0], [1.0, 0.0], [2.0, 0.0]]
        >>> plt.close(art.ax.figure)
    """
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in BINARY]
    if unknown or not names:
        raise ValueError(
            f"names must be keys of hinge_utils.losses.BINARY; got {unknown or names!r}: "
            f"choose from {sorted(BINARY)}"
        )
    lo, hi = _check_range(m_range)
    with styled_axes(ax, (7.0, 4.5) if len(names) <= 5 else (10.0, 5.0)) as ax:
        lines: dict[str, Line2D] = {}
        low, high = np.inf, -np.inf
        for name in names:
            loss = BINARY[name]
            m = margin_grid((lo, hi), num, loss.kinks)
            values = (loss.derivative if derivative else loss.fn)(m)
            xs, ys = m.numpy(), values.detach().numpy()
            (lines[name],) = ax.plot(xs, ys, label=loss.label, zorder=3, **LOSS_STYLES[name])
            low, high = min(low, float(ys.min())), max(high, float(ys.max()))
        guides = _vertical_guides(ax, show_boundary, show_margin)
        ax.axhline(0.0, color="#888888", linewidth=1.0, zorder=1)
        ax.set_xlim(lo, hi)
        if ylim is None:
            low, high = max(low, -3.0), min(high, 4.0)
            pad = 0.06 * (high - low or 1.0)
            ylim = (low - pad, high + pad)
        ax.set_ylim(*ylim)
        ax.set_xlabel(MARGIN_LABEL)
        ax.set_ylabel(r"slope $dL/dm$" if derivative else r"loss $L(m)$")
        if title is not None:
            ax.set_title(title)
        if len(names) > 5:  # too many to fit beside the curves: outside, on the right
            legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        elif derivative:  # slopes rise to 0 from below: the lower right is free
            legend = ax.legend(loc="lower right")
        else:  # losses fall to 0: the upper right is free, below the guides' names
            legend = ax.legend(loc="upper right", bbox_to_anchor=(0.0, 0.0, 1.0, 0.92))
        titles = ", ".join(BINARY[name].title for name in names)
        what = "Slopes dL/dm" if derivative else "Curves"
        text = (f"{what} of the losses {titles} against the margin m = y f(x), from {lo:g} to "
                f"{hi:g}")
        if show_boundary or show_margin:
            text += "; dotted vertical lines at " + " and ".join(
                mark for mark, shown in (("m = 0 (the boundary)", show_boundary),
                                         ("m = 1 (the margin)", show_margin)) if shown)
        describe_panel(ax, f"{title}: {text}" if title else text)
    return LossCurveArtists(ax=ax, lines=lines, guides=guides, legend=legend)


def plot_gradient_magnitude(
    m_range: tuple[float, float] = (-3.0, 4.0),
    ax: Axes | None = None,
    *,
    margins: object | None = None,
    title: str | None = None,
    num: int = 1001,
) -> GradientMagnitudeArtists:
    r"""How hard each sample pushes: :math:`|\partial L / \partial f(x)|` against its margin.

    For the hinge the per-sample gradient magnitude is an indicator, for cross-entropy
    (:math:`\log(1 + e^{-m})`, natural log) a sigmoid that never reaches zero:

    .. math::
        \left|\frac{\partial L_\text{hinge}}{\partial f}\right| = \mathbb{1}[m < 1],
        \qquad
        \left|\frac{\partial L_\text{CE}}{\partial f}\right| = \sigma(-m) = \frac{1}{1 + e^{m}}

    Args:
        m_range: ``(low, high)`` margins shown. Default: ``(-3, 4)``.
        ax: axes to draw in; a new 7 x 4.5 in figure in the course style if None.
        margins: optional margins :math:`m_i = y_i f(x_i)` of a data set, shape ``(N,)``: each
            sample is drawn on both curves.
        title: a title stating the point of the figure, or None.
        num: number of evenly spaced margins. Default: 1001.

    Returns:
        :class:`GradientMagnitudeArtists`.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> art = plot_gradient_magnitude((-1, 2), num=4)
        >>> # m = -1, 0, 1, 2:  hinge 1[m < 1] = 1, 1, 0, 0;  CE sigma(-m) at m = 0 is 1/2
        >>> art.lines["hinge"].get_ydata().tolist()
        [1.0, 1.0, 0.0, 0.0]
        >>> float(art.lines["cross_entropy"].get_ydata()[1])
        0.5
        >>> plt.close(art.ax.figure)
    """
    lo, hi = _check_range(m_range)
    m = margin_grid((lo, hi), num, (1.0,))
    curves = {
        "hinge": (BINARY["hinge"].derivative(m).abs(), r"hinge $\mathbb{1}[m < 1]$"),
        "cross_entropy": (BINARY["logistic"].derivative(m).abs(), r"cross-entropy $\sigma(-m)$"),
    }
    with styled_axes(ax, (7.0, 4.5)) as ax:
        lines: dict[str, Line2D] = {}
        for key, (values, label) in curves.items():
            (lines[key],) = ax.plot(m.numpy(), values.numpy(), label=label, zorder=3,
                                    **LOSS_STYLES[_REGISTRY_NAME[key]])
        samples: dict[str, PathCollection] = {}
        if margins is not None:
            sample_m = as_array(margins, "margins").reshape(-1)
            sample_t = torch.from_numpy(sample_m)
            per_sample = {
                "hinge": BINARY["hinge"].derivative(sample_t).abs().numpy(),
                "cross_entropy": BINARY["logistic"].derivative(sample_t).abs().numpy(),
            }
            for key, magnitudes in per_sample.items():
                samples[key] = ax.scatter(sample_m, magnitudes, s=36,
                                          color=LOSS_STYLES[_REGISTRY_NAME[key]]["color"],
                                          edgecolors="white", linewidths=0.6, alpha=0.8, zorder=4)
        _vertical_guides(ax, show_boundary=True, show_margin=True)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.05, 1.12)
        ax.set_xlabel(MARGIN_LABEL)
        ax.set_ylabel(r"gradient size $|\partial L / \partial f(x)|$")
        if title is not None:
            ax.set_title(title)
        legend = ax.legend(loc="center right")
        text = ("Gradient size against the margin m = y f(x): the hinge's is 1 for m < 1 and 0 "
                "from m = 1 on; cross-entropy's, sigma(-m), falls smoothly and never reaches 0")
        if margins is not None:
            text += f"; {len(sample_m)} samples marked on both curves"
        describe_panel(ax, f"{title}: {text}" if title else text)
    return GradientMagnitudeArtists(ax=ax, lines=lines, samples=samples, legend=legend)
