r"""The exact line search of the Newton solvers, for losses that are piecewise quadratic.

Shared by the binary solver (:mod:`hinge_utils.training._binary_newton`) and the multi-class one
(:mod:`hinge_utils.training._multiclass_newton`): along a Newton direction the objective of a
Huber-smoothed hinge (or a squared hinge) is a convex piecewise quadratic in the step size, and
its minimiser is found by sorting the breakpoints, with no trial steps.

It works on NumPy float64 arrays: the solvers call it once per step on ``N`` (or ``N (K - 1)``)
numbers, where the per-call overhead of a dozen small torch operations would cost more than the
arithmetic.
"""

from __future__ import annotations

import math

import numpy as np

_FAR = 1e30  # stands for "never" in the line search (an event at t = inf)
_NEWTON_STEPS = 30  # Newton steps on phi' before the breakpoints are sorted
_T_MAX = 4.0**20  # the longest step taken (a direction along which phi' stays < 0)


def exact_step(
    u: np.ndarray,
    z: np.ndarray,
    kappa: float,
    cap: float,
    slope0: float,
    curvature0: float,
    n: int,
) -> float:
    r"""The exact minimiser :math:`t \ge 0` of the objective along a descent direction.

    Along :math:`\theta + t d`, sample :math:`i` has :math:`u_i(t) = u_i - t z_i`. For a loss
    that is quadratic with curvature :math:`\kappa` while :math:`0 < u < \text{cap}` and linear
    (or zero) elsewhere, :math:`\varphi(t) = J(\theta + t d)` is piecewise quadratic: its
    derivative :math:`\varphi'` is piecewise linear and non-decreasing, starting at
    ``slope0`` :math:`= \nabla J^\top d < 0`, with slope ``curvature0`` :math:`= d^\top R d` plus
    :math:`g_i = \kappa z_i^2 / n` while sample :math:`i` is in its quadratic piece, i.e. for
    :math:`t` in an interval :math:`[e_i, l_i]`. So

    .. math::
        \varphi'(T) = \text{slope0} + \text{curvature0}\cdot T
                      + \textstyle\sum_i g_i \max(0, \min(l_i, T) - e_i),
        \qquad \varphi''(T) = \text{curvature0} + \textstyle\sum_{i: e_i < T < l_i} g_i .

    The root of :math:`\varphi'` is found by Newton's method on :math:`\varphi'` from
    :math:`t = 1` (where a Newton step usually ends), kept inside a bracket
    :math:`[lo, hi]` with :math:`\varphi'(lo) < 0 \le \varphi'(hi)`: :math:`\varphi'` is linear
    between breakpoints, so a step that stays within one piece lands on the root exactly, and
    each evaluation is one :math:`O(M)` pass, with no sorting. If that has not settled after a
    few steps (many breakpoints near the root), the breakpoints inside the bracket are sorted
    and the root read off the piece where :math:`\varphi'` changes sign.

    Args:
        u: :math:`u_i` at :math:`t = 0`, shape ``(M,)``, float64.
        z: their speeds :math:`z_i` (:math:`u_i(t) = u_i - t z_i`), shape ``(M,)``.
        kappa: the curvature of the quadratic piece. cap: where it ends (``inf``: never).
        slope0, curvature0: :math:`\varphi'(0) < 0` and the penalty's :math:`d^\top R d`.
        n: the number of samples the loss is averaged over.

    Example::

        >>> # one squared hinge (kappa = 2) at u = 1 moving at z = 1, no penalty:
        >>> # phi(t) = (1 - t)^2, minimised at t = 1
        >>> exact_step(np.array([1.0]), np.array([1.0]), 2.0, np.inf, -2.0, 0.0, 1)
        1.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        # A sample with z = 0 never moves: its 1 / z = +-inf makes its times nan or +-inf, and
        # its interval empty (leave > enter fails), so it has no events, like a sample that
        # never bends.
        inverse = 1.0 / z
        t_zero = u * inverse  # when u_i(t) reaches 0 ...
        t_cap = t_zero - cap * inverse  # ... and cap (+-inf for the squared hinge)
        enter = np.maximum(np.minimum(t_cap, t_zero), 0.0)
        leave = np.minimum(np.maximum(t_cap, t_zero), _FAR)
        active = leave > enter
    enter, leave = enter[active], leave[active]
    gain = np.square(z[active]) * (kappa / n)

    def derivatives(t: float) -> tuple[float, float]:
        """phi'(t) and phi''(t) (the slope of phi' just before t, the side a root is on)."""
        reach = np.minimum(leave, t) - enter
        slope = slope0 + curvature0 * t + float(np.maximum(reach, 0.0) @ gain)
        bending = float(gain @ ((enter < t) & (leave >= t)))
        return slope, curvature0 + bending

    lo, hi = 0.0, math.inf
    t = 1.0
    for _ in range(_NEWTON_STEPS):
        slope, curvature = derivatives(t)
        if slope == 0.0:
            return t
        if slope < 0:
            if t >= _T_MAX:  # no root below 4^20: take the farthest step
                return t
            lo = t
        else:
            hi = t
        guess = t - slope / curvature if curvature > 0 else math.nan
        if not lo < guess < hi:  # outside the bracket: grow it, or halve it
            guess = min(4.0 * t, _T_MAX) if hi == math.inf else 0.5 * (lo + hi)
        if abs(guess - t) <= 1e-14 * t:
            return guess
        t = min(guess, _T_MAX)
    if hi == math.inf:
        return t
    return _root_between(lo, hi, enter, leave, gain, slope0, curvature0)


def _root_between(
    lo: float, hi: float, enter: np.ndarray, leave: np.ndarray, gain: np.ndarray,
    slope0: float, curvature0: float,
) -> float:
    """The root of phi' in ``[lo, hi]`` from the sorted breakpoints inside it."""
    reach = np.minimum(leave, lo) - enter
    slope_lo = slope0 + curvature0 * lo + float(np.maximum(reach, 0.0) @ gain)
    bending_lo = curvature0 + float(gain @ ((enter <= lo) & (leave > lo)))
    times = np.concatenate([enter, leave])
    steps = np.concatenate([gain, -gain])
    keep = (times > lo) & (times < hi)
    times, steps = times[keep], steps[keep]
    order = np.argsort(times, kind="stable")
    times = np.concatenate([[lo], times[order]])
    after = np.maximum(np.cumsum(np.concatenate([[bending_lo], steps[order]])), 0.0)
    dphi = np.cumsum(after[:-1] * np.diff(times)) + slope_lo  # phi' at each breakpoint
    dphi = np.concatenate([[slope_lo], dphi])
    j = int(np.searchsorted(dphi, 0.0))  # the root is after breakpoint j - 1
    if j == 0:
        return lo
    start, value, slope = float(times[j - 1]), float(dphi[j - 1]), float(after[j - 1])
    return start - value / slope if slope > 0 else start
