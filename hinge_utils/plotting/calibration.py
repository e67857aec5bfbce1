r"""Reliability diagram: do predicted probabilities match observed frequencies?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from hinge_utils.figure_description import describe_panel
from hinge_utils.plotting._data import as_array
from hinge_utils.plotting.style import COLORS, course_style, styled_axes

__all__ = [
    "ReliabilityArtists",
    "ReliabilityComparison",
    "expected_calibration_error",
    "plot_reliability",
    "plot_reliability_comparison",
    "reliability_bins",
]


@dataclass
class ReliabilityArtists:
    """What :func:`plot_reliability` drew, and the numbers behind it.

    Attributes:
        ax: the axes.
        curve: mean predicted probability (x) against observed frequency (y), one point per
            non-empty bin.
        diagonal: the line of perfect calibration, or None.
        counts: bars of the share of samples in each bin, or None.
        legend: the legend, or None.
        bin_confidence: mean predicted probability of each non-empty bin.
        bin_frequency: fraction of positives in each non-empty bin.
        bin_counts: number of samples in each non-empty bin.
        ece: expected calibration error, :math:`\\sum_b (n_b / N)\\,|\\text{freq}_b -
            \\text{conf}_b|`.
    """

    ax: Axes
    curve: Line2D
    diagonal: Line2D | None
    counts: BarContainer | None
    legend: Legend | None
    bin_confidence: np.ndarray
    bin_frequency: np.ndarray
    bin_counts: np.ndarray
    ece: float


def _check_inputs(probabilities: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    p = as_array(probabilities, "probabilities")
    y = as_array(labels, "labels")
    if p.ndim != 1 or y.shape != p.shape:
        raise ValueError(
            f"probabilities and labels must both have shape (N,); got {p.shape} and {y.shape}: "
            "pass one predicted probability of class +1 and one label per sample"
        )
    if p.size == 0:
        raise ValueError("probabilities is empty: a reliability diagram needs at least one sample")
    if not bool(np.all((p >= 0) & (p <= 1))):
        raise ValueError(
            f"probabilities must be in [0, 1]; got values from {p.min():g} to {p.max():g}: "
            "for raw scores s use torch.sigmoid(s) (or a calibrated map such as Platt scaling)"
        )
    values = set(np.unique(y).tolist())
    if not (values <= {0.0, 1.0} or values <= {-1.0, 1.0}):
        shown = ", ".join(f"{v:g}" for v in sorted(values)[:6])
        raise ValueError(
            f"labels must be in {{0, 1}} or in {{-1, +1}}; got values {{{shown}}}: "
            "map the positive class to 1 and the other to 0"
        )
    return p, (y == 1).astype(np.float64)


def reliability_bins(
    probabilities: np.ndarray, positive: np.ndarray, n_bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per non-empty bin: mean predicted probability, fraction of positives, number of samples.

    The bins split ``[0, 1]`` into ``n_bins`` equal parts, closed on the right (the first is
    ``[0, 1/n_bins]``), as scikit-learn's ``calibration_curve(strategy="uniform")``.

    Examples::

        >>> p = np.array([0.1, 0.3, 0.35, 0.9]); positive = np.array([0.0, 0.0, 1.0, 1.0])
        >>> # bins [0, .5], (.5, 1]: means (0.1 + 0.3 + 0.35) / 3 = 0.25 and 0.9; positives 1/3, 1
        >>> [a.round(4).tolist() for a in reliability_bins(p, positive, 2)]
        [[0.25, 0.9], [0.3333, 1.0], [3.0, 1.0]]
    """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_of = np.searchsorted(edges[1:-1], probabilities, side="left")
    counts = np.bincount(bin_of, minlength=n_bins).astype(np.float64)
    sums = np.bincount(bin_of, weights=probabilities, minlength=n_bins)
    hits = np.bincount(bin_of, weights=positive, minlength=n_bins)
    full = counts > 0
    return sums[full] / counts[full], hits[full] / counts[full], counts[full]


def _check_n_bins(n_bins: object) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1; got {n_bins!r}: e.g. n_bins=10")
    return n_bins


def _ece(confidence: np.ndarray, frequency: np.ndarray, counts: np.ndarray) -> float:
    """Sum over the bins of ``n_b / N * |freq_b - conf_b|``."""
    return float(np.sum(counts / counts.sum() * np.abs(frequency - confidence)))


def expected_calibration_error(probabilities: object, labels: object, n_bins: int = 10) -> float:
    r"""Expected calibration error of predicted probabilities of class +1.

    The predictions :math:`p_i = P(y_i = +1)` are grouped into ``n_bins`` equal-width bins of
    :math:`[0, 1]` (as :func:`reliability_bins`); bin :math:`b` holds :math:`n_b` samples with
    mean prediction :math:`\text{conf}_b` and fraction of positives :math:`\text{freq}_b`:

    .. math::
        \text{ECE} = \sum_b \frac{n_b}{N}\, \left|\text{freq}_b - \text{conf}_b\right|

    (Guo et al. 2017, for the probability of class +1). 0 for perfectly calibrated bins; the
    number :func:`plot_reliability` prints in its legend.

    Args:
        probabilities: predicted probabilities of class +1, in :math:`[0, 1]`.
        labels: true labels, in {0, 1} or in {-1, +1} (1 is the positive class).
        n_bins: number of bins. Default: 10.

    Shape:
        - probabilities: :math:`(N)`; labels: :math:`(N)`; output: a float.

    Example::

        >>> p = np.array([0.1, 0.3, 0.8, 0.9]); labels = np.array([0, 1, 1, 1])
        >>> # bin [0, .5]: conf (0.1 + 0.3) / 2 = 0.2, freq 1/2;  bin (.5, 1]: conf 0.85, freq 1
        >>> # 2/4 * |0.5 - 0.2| + 2/4 * |1 - 0.85| = 0.15 + 0.075
        >>> round(expected_calibration_error(p, labels, n_bins=2), 6)
        0.225
    """
    p, positive = _check_inputs(probabilities, labels)
    return _ece(*reliability_bins(p, positive, _check_n_bins(n_bins)))


def plot_reliability(
    probabilities: object,
    labels: object,
    n_bins: int = 10,
    ax: Axes | None = None,
    *,
    label: str = "model",
    color: str | None = None,
    linestyle: str = "-",
    show_diagonal: bool = True,
    show_counts: bool = True,
    title: str | None = None,
) -> ReliabilityArtists:
    r"""Reliability diagram: mean predicted probability against observed frequency, per bin.

    The predictions :math:`p_i = P(y_i = +1)` are grouped into ``n_bins`` equal-width bins of
    :math:`[0, 1]`; for each non-empty bin :math:`b` with :math:`n_b` samples the point
    :math:`(\text{conf}_b, \text{freq}_b)` is drawn, where :math:`\text{conf}_b` is the mean of
    its :math:`p_i` and :math:`\text{freq}_b` the fraction of its samples with :math:`y = +1`.
    A calibrated model lies on the diagonal. The legend gives the expected calibration error

    .. math::
        \text{ECE} = \sum_b \frac{n_b}{N}\, \left|\text{freq}_b - \text{conf}_b\right|.

    The legend sits outside the diagram, to its right, so that it hides no point. To compare
    models, use :func:`plot_reliability_comparison`, which gives each model its own colour and
    its own bin counts; or call again on the same ``ax`` (with ``show_diagonal=False,
    show_counts=False`` and another ``label``/``color``).

    Args:
        probabilities: predicted probabilities of class +1, in :math:`[0, 1]`.
        labels: true labels, in {0, 1} or in {-1, +1} (1 is the positive class).
        n_bins: number of bins. Default: 10.
        ax: axes to draw in; a new 9 x 5.2 in figure in the course style if None.
        label: legend label of the curve. Default: ``"model"``.
        color: colour of the curve. Default: the cross-entropy colour.
        linestyle: line style of the curve, e.g. ``"--"`` to tell two models of one colour
            apart. Default: ``"-"``.
        show_diagonal: draw the line of perfect calibration. Default: True.
        show_counts: draw bars of the share of samples per bin. Default: True.
        title: a title stating the point of the figure, or None.

    Shape:
        - probabilities: :math:`(N)`; labels: :math:`(N)`.

    Returns:
        :class:`ReliabilityArtists`.

    Examples::

        >>> import matplotlib.pyplot as plt
        >>> p = np.array([0.2, 0.2, 0.8, 0.8]); y = np.array([0, 1, 1, 1])
        >>> art = plot_reliability(p, y, n_bins=2)
        >>> # bin [0, .5]: conf 0.2, freq 1/2;  bin (.5, 1]: conf 0.8, freq 1
        >>> art.curve.get_xydata().tolist()
        [[0.2, 0.5], [0.8, 1.0]]
        >>> round(art.ece, 6)  # 2/4 * |0.5 - 0.2| + 2/4 * |1 - 0.8| = 0.15 + 0.1
        0.25
        >>> plt.close(art.ax.figure)
    """
    p, positive = _check_inputs(probabilities, labels)
    n_bins = _check_n_bins(n_bins)
    confidence, frequency, counts = reliability_bins(p, positive, n_bins)
    ece = _ece(confidence, frequency, counts)

    with styled_axes(ax, (9.0, 5.2)) as ax:
        bars = None
        if show_counts:
            edges = np.linspace(0.0, 1.0, n_bins + 1)
            all_counts = np.bincount(np.searchsorted(edges[1:-1], p, side="left"),
                                     minlength=n_bins)
            bars = ax.bar(edges[:-1], all_counts / p.size, width=1.0 / n_bins, align="edge",
                          color="#bbbbbb", alpha=0.6, edgecolor="white", linewidth=1.0,
                          zorder=1, label="share of samples")
        diagonal = None
        if show_diagonal:
            (diagonal,) = ax.plot([0.0, 1.0], [0.0, 1.0], color=COLORS["margin"], linestyle="--",
                                  linewidth=1.5, zorder=2, label="perfectly calibrated")
        (curve,) = ax.plot(confidence, frequency, marker="o", markersize=7, linestyle=linestyle,
                           color=COLORS["cross_entropy"] if color is None else color,
                           zorder=3, label=f"{label} (ECE = {ece:.3f})")
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("mean predicted probability")
        ax.set_ylabel(r"observed frequency of $y = +1$")
        if title is not None:
            ax.set_title(title)
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0)
        text = (f"Reliability diagram of {label}: observed frequency of y = +1 against the mean "
                f"predicted probability in {n_bins} bins (ECE = {ece:.3f}); a perfectly calibrated "
                "model lies on the diagonal")
        describe_panel(ax, f"{title}: {text}" if title else text)
    return ReliabilityArtists(ax=ax, curve=curve, diagonal=diagonal, counts=bars, legend=legend,
                              bin_confidence=confidence, bin_frequency=frequency,
                              bin_counts=counts, ece=ece)


@dataclass
class ReliabilityComparison:
    """What :func:`plot_reliability_comparison` drew.

    Attributes:
        fig: the figure.
        ax: the reliability diagram.
        counts_ax: the panel below it, samples per bin for each model.
        models: per model (keyed by its label), the :class:`ReliabilityArtists` of its curve
            (``counts`` holds its bars in ``counts_ax``).
        legend: the legend, outside the diagram on its right.
    """

    fig: Figure
    ax: Axes
    counts_ax: Axes
    models: dict[str, ReliabilityArtists]
    legend: Legend


def plot_reliability_comparison(
    probabilities: Mapping[str, object],
    labels: object,
    n_bins: int = 10,
    *,
    colors: Mapping[str, str] | None = None,
    linestyles: Mapping[str, str] | None = None,
    title: str | None = None,
) -> ReliabilityComparison:
    r"""Reliability diagrams of several models on one test set, with the samples per bin.

    The top panel is :func:`plot_reliability` for each model, one colour per model, and the
    diagonal of perfect calibration; the legend (with each model's ECE) sits outside, on the
    right. The panel below shows how many test samples each model puts in each bin, as bars
    side by side in the models' colours: a point far from the diagonal matters only if its bin
    holds many samples, and the ECE weighs it so.

    Args:
        probabilities: model label -> predicted probabilities of class +1, in :math:`[0, 1]`,
            in the order the models should be drawn.
        labels: true labels of the test set, in {0, 1} or in {-1, +1}.
        n_bins: number of bins. Default: 10.
        colors: model label -> colour. Default: the course's colours in order (cross-entropy,
            hinge, dark grey, sky blue).
        linestyles: model label -> line style (default solid).
        title: a title stating the point of the figure, or None.

    Shape:
        - each probabilities entry: :math:`(N)`; labels: :math:`(N)`.

    Returns:
        :class:`ReliabilityComparison`.

    Examples::

        >>> y = np.array([0, 1, 1, 1])
        >>> art = plot_reliability_comparison({"a": np.array([0.2, 0.2, 0.8, 0.8]),
        ...                                    "b": np.array([0.4, 0.4, 0.9, 0.9])}, y, n_bins=2)
        >>> # a: bins [0, .5] and (.5, 1], 2 samples each: 2/4 * |0.5 - 0.2| + 2/4 * |1 - 0.8|
        >>> round(art.models["a"].ece, 6), art.models["b"].bin_counts.tolist()
        (0.25, [2.0, 2.0])
        >>> plt.close(art.fig)
    """
    if not isinstance(probabilities, Mapping) or not probabilities:
        raise TypeError(
            f"probabilities must be a non-empty mapping of model label -> probabilities; got "
            f"{type(probabilities).__name__}: pass e.g. {{'logistic regression': p}}"
        )
    n_bins = _check_n_bins(n_bins)
    default_colors = [COLORS["cross_entropy"], COLORS["hinge"], COLORS["margin"],
                      COLORS["squared_hinge"]]
    names = list(probabilities)
    with course_style():
        fig, (ax, counts_ax) = plt.subplots(
            2, 1, figsize=(10.5, 7.6), sharex=True, gridspec_kw={"height_ratios": [3.2, 1.0]})
    width = 1.0 / n_bins / (len(names) + 1)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    models: dict[str, ReliabilityArtists] = {}
    for k, name in enumerate(names):
        color = (colors or {}).get(name, default_colors[k % len(default_colors)])
        art = plot_reliability(probabilities[name], labels, n_bins, ax=ax, label=name,
                               color=color, linestyle=(linestyles or {}).get(name, "-"),
                               show_diagonal=k == 0, show_counts=False)
        p, _ = _check_inputs(probabilities[name], labels)
        all_counts = np.bincount(np.searchsorted(edges[1:-1], p, side="left"), minlength=n_bins)
        with styled_axes(counts_ax, (9.0, 7.6)):
            art.counts = counts_ax.bar(edges[:-1] + (k + 0.5) * width, all_counts, width=width,
                                       align="edge", color=color, label=name)
        models[name] = art
    with styled_axes(ax, (9.0, 7.6)):
        ax.set_xlabel("")
        ax.set_aspect("auto")
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0)
        counts_ax.set_xlabel("mean predicted probability (bins of width "
                             f"{1.0 / n_bins:g})")
        counts_ax.set_ylabel("samples\nper bin")
        counts_ax.set_xlim(0.0, 1.0)
        if title is not None:
            ax.set_title(title)
        scored = ", ".join(f"{name} (ECE = {art.ece:.3f})" for name, art in models.items())
        text = (f"Reliability diagrams of {scored}: observed frequency of y = +1 against the "
                "mean predicted probability per bin, the diagonal is perfect calibration")
        describe_panel(ax, f"{title}: {text}" if title else text)
        describe_panel(counts_ax, f"Samples per bin for each of {', '.join(models)}")
    return ReliabilityComparison(fig=fig, ax=ax, counts_ax=counts_ax, models=models,
                                 legend=legend)
