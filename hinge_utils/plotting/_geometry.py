r"""Plane geometry for the plots: a level line of :math:`f(x) = w^\top x + b`, or a convex
region cut out by half-planes, clipped to a box.

Pure numpy, no matplotlib: the endpoints are computed so that they satisfy
:math:`w^\top x + b = \text{level}` up to rounding, and lie inside the axes limits, so a plot
never has to rely on matplotlib's clipping or autoscaling.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = [
    "band_in_box",
    "class_region",
    "line_in_box",
    "padded_limits",
    "polygon_in_box",
    "score_arrow",
    "square_limits",
]

_EMPTY = np.empty(0)


def line_in_box(
    weight: np.ndarray,
    bias: float,
    level: float,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    r"""Endpoints of the segment of :math:`\{x : w_1 x_1 + w_2 x_2 + b = \text{level}\}` in a box.

    The line is parametrised by the coordinate along which it is least steep (``x_1`` when
    :math:`|w_2| \geq |w_1|`, else ``x_2``), clipped to that coordinate's range and to where the
    other coordinate stays inside the box; the other coordinate is then solved from the equation,
    so both endpoints satisfy it exactly up to rounding. Vertical lines (:math:`w_2 = 0`) and
    horizontal lines (:math:`w_1 = 0`) need no special case.

    Args:
        weight: :math:`w`, shape ``(2,)``.
        bias: :math:`b`.
        level: the value of :math:`f` on the line (0 for the boundary, :math:`\pm 1` for the
            margins).
        xlim: ``(x1_min, x1_max)``.
        ylim: ``(x2_min, x2_max)``.

    Returns:
        ``(xs, ys)``, two arrays of length 2, or of length 0 when :math:`w = 0` or the line
        misses the box.

    Examples::

        >>> # x1 + x2 = 1 in [0, 2] x [0, 2]: from (0, 1) to (1, 0)
        >>> xs, ys = line_in_box(np.array([1.0, 1.0]), 0.0, 1.0, (0.0, 2.0), (0.0, 2.0))
        >>> xs.tolist(), ys.tolist()
        ([0.0, 1.0], [1.0, 0.0])
        >>> # vertical line 2 * x1 - 1 = 0, i.e. x1 = 0.5, spans the box's height
        >>> line_in_box(np.array([2.0, 0.0]), -1.0, 0.0, (0.0, 2.0), (-1.0, 1.0))[0].tolist()
        [0.5, 0.5]
    """
    w1, w2 = float(weight[0]), float(weight[1])
    c = float(level) - float(bias)  # the line is w1 * x1 + w2 * x2 = c
    if w1 == 0.0 and w2 == 0.0:
        return _EMPTY, _EMPTY
    swap = abs(w1) > abs(w2)
    if swap:  # parametrise by x2 instead: same code with the roles exchanged
        w1, w2 = w2, w1
        xlim, ylim = ylim, xlim
    lo, hi = float(xlim[0]), float(xlim[1])
    if w1 == 0.0:
        if not ylim[0] <= c / w2 <= ylim[1]:
            return _EMPTY, _EMPTY
    else:
        at_bottom, at_top = (c - w2 * ylim[0]) / w1, (c - w2 * ylim[1]) / w1
        lo, hi = max(lo, min(at_bottom, at_top)), min(hi, max(at_bottom, at_top))
        if lo > hi:
            return _EMPTY, _EMPTY
    free = np.array([lo, hi])
    solved = (c - w1 * free) / w2
    return (solved, free) if swap else (free, solved)


def _clip_polygon(vertices: np.ndarray, normal: np.ndarray, offset: float) -> np.ndarray:
    """Sutherland-Hodgman: the part of a convex polygon where ``normal . p <= offset``."""
    if len(vertices) == 0:
        return vertices
    values = vertices @ normal - offset
    kept: list[np.ndarray] = []
    for i in range(len(vertices)):
        j = (i + 1) % len(vertices)
        p, q, vp, vq = vertices[i], vertices[j], values[i], values[j]
        if vp <= 0:
            kept.append(p)
        if (vp < 0 < vq) or (vq < 0 < vp):
            kept.append(p + (q - p) * (vp / (vp - vq)))
    return np.array(kept).reshape(-1, 2)


def polygon_in_box(
    halfplanes: Iterable[tuple[np.ndarray, float]],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> np.ndarray:
    r"""The convex polygon :math:`\{x \in \text{box} : n_i^\top x \leq c_i \text{ for every } i\}`.

    The box is clipped by one half-plane :math:`n_i^\top x \leq c_i` after another
    (Sutherland-Hodgman), so a vertex is either a corner of the box or where an edge crosses a
    line :math:`n_i^\top x = c_i`. A class's decision region, where its score
    :math:`w_k^\top x + b_k` is the highest, is the case :math:`n_j = w_j - w_k`,
    :math:`c_j = b_k - b_j` for every other class :math:`j`.

    Args:
        halfplanes: pairs ``(normal, offset)``, ``normal`` of shape ``(2,)``; none gives the box.
        xlim: ``(x1_min, x1_max)``.
        ylim: ``(x2_min, x2_max)``.

    Returns:
        Vertices in order around the polygon, shape ``(K, 2)``; ``(0, 2)`` when the half-planes
        leave nothing of the box (``K`` is 1 or 2 when they leave only a corner or an edge).

    Examples::

        >>> # x1 <= 1 cuts [0, 2] x [0, 1] to [0, 1] x [0, 1]; then x1 + x2 <= 1.5 cuts the
        >>> # corner (1, 1) off along the line from (1, 0.5) to (0.5, 1)
        >>> halfplanes = [(np.array([1.0, 0.0]), 1.0), (np.array([1.0, 1.0]), 1.5)]
        >>> polygon_in_box(halfplanes, (0.0, 2.0), (0.0, 1.0)).tolist()
        [[0.0, 0.0], [1.0, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 1.0]]
    """
    polygon = np.array(
        [[xlim[0], ylim[0]], [xlim[1], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]]],
        dtype=float,
    )
    for normal, offset in halfplanes:
        polygon = _clip_polygon(polygon, normal, offset)
    return polygon


def band_in_box(
    weight: np.ndarray,
    bias: float,
    half_width: float,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> np.ndarray:
    r"""The polygon :math:`\{x \in \text{box} : |w^\top x + b| \leq \text{half\_width}\}`.

    Returns:
        Vertices of shape ``(K, 2)``, ``K`` between 3 and 6, or ``(0, 2)`` when the band misses
        the box or :math:`w = 0`.

    Examples::

        >>> # |x1| <= 1 inside [-2, 2] x [0, 1]: the rectangle [-1, 1] x [0, 1]
        >>> band = band_in_box(np.array([1.0, 0.0]), 0.0, 1.0, (-2.0, 2.0), (0.0, 1.0))
        >>> sorted(map(tuple, band.tolist()))
        [(-1.0, 0.0), (-1.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    """
    w = np.asarray(weight, dtype=float)
    if not w.any():
        return np.empty((0, 2))
    band = polygon_in_box(
        [(w, half_width - bias), (-w, half_width + bias)],  # -half_width <= w.x + b <= half_width
        xlim,
        ylim,
    )
    return band if len(band) >= 3 else np.empty((0, 2))


def padded_limits(
    values: np.ndarray, given: tuple[float, float] | None, name: str
) -> tuple[float, float]:
    """``given`` (checked), or the range of ``values`` padded by 10% on each side.

    Examples::

        >>> padded_limits(np.array([0.0, 2.0]), None, "xlim")  # 0 - 0.2, 2 + 0.2
        (-0.2, 2.2)
    """
    if given is not None:
        lo, hi = float(given[0]), float(given[1])
        if not lo < hi:
            raise ValueError(f"{name} must be (low, high) with low < high; got {given!r}")
        return lo, hi
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def class_region(
    weight: np.ndarray,
    bias: np.ndarray,
    k: int,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> np.ndarray:
    r"""The convex polygon of the box where class ``k`` has the highest score.

    .. math::
        R_k = \{x : s_k(x) \ge s_j(x)\ \forall j\} =
        \bigcap_{j \ne k} \{x : (w_j - w_k)^\top x \le b_k - b_j\}

    Args:
        weight: rows :math:`w_k`, shape ``(K, 2)``.
        bias: :math:`b`, shape ``(K,)``.
        k: the class.
        xlim, ylim: the box.

    Returns:
        Vertices, shape ``(V, 2)``; ``(0, 2)`` when the class wins nowhere in the box.

    Example::

        >>> W = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, -5.0]]); b = np.zeros(3)
        >>> # s_0 = x1 beats s_1 = -x1 for x1 >= 0, and s_2 = -5 x2 for x2 >= -x1 / 5
        >>> class_region(W, b, 0, (-1.0, 1.0), (0.0, 1.0)).tolist()
        [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    """
    others = [j for j in range(len(weight)) if j != k]
    return polygon_in_box([(weight[j] - weight[k], bias[k] - bias[j]) for j in others], xlim, ylim)


def score_arrow(
    weight: np.ndarray,
    bias: float,
    length: float,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray] | None:
    r"""An arrow of ``length`` along :math:`w`, from the middle of the line :math:`w^\top x + b = 0`
    in the box.

    It shows where the score :math:`w^\top x + b` grows, starting on the part of its zero line
    inside the box.

    Returns:
        ``(base, tip)``, each of shape ``(2,)``, or None when the line misses the box or
        :math:`w = 0`.

    Example::

        >>> # x2 = 0 across [-1, 1] x [-1, 1]: from its middle (0, 0), up along w = (0, 2)
        >>> base, tip = score_arrow(np.array([0.0, 2.0]), 0.0, 0.5, (-1.0, 1.0), (-1.0, 1.0))
        >>> base.tolist(), tip.tolist()
        ([0.0, 0.0], [0.0, 0.5])
    """
    xs, ys = line_in_box(weight, bias, 0.0, xlim, ylim)
    if not xs.size:
        return None
    base = np.array([xs.mean(), ys.mean()])
    w = np.asarray(weight, dtype=float)
    return base, base + length * w / np.linalg.norm(w)


def square_limits(values: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Equal whole-number limits on both axes around every point, with at least 0.5 to spare.

    Example::

        >>> square_limits(np.array([[-1.2, 0.3], [2.1, 0.0]]))  # floor(-1.7), ceil(2.6)
        ((-2, 3), (-2, 3))
    """
    low = math.floor(float(np.min(values)) - 0.5)
    high = math.ceil(float(np.max(values)) + 0.5)
    return (low, high), (low, high)
