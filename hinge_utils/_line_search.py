r"""The exact line search of the Newton solvers, for losses that are piecewise quadratic.

Shared by the binary solver (:func:`hinge_utils.training.train_linear_svm`) and the multi-class
one (:mod:`hinge_utils._multiclass_newton`): along a Newton direction the objective of a
Huber-smoothed hinge (or a squared hinge) is a convex piecewise quadratic in the step size, and
its minimiser is found by sorting the breakpoints, with no trial steps.
"""

from __future__ import annotations

import torch
from torch import Tensor

_FAR = 1e30  # stands for "never" in the line search (an event at t = inf)
_BRACKETS = 21  # the line search's brackets T = 4^0, ..., 4^20


def exact_step(
    u: Tensor, z: Tensor, kappa: float, cap: float, slope0: float, curvature0: float, n: int
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
                      + \textstyle\sum_i g_i \max(0, \min(l_i, T) - e_i).

    First a bracket: the smallest :math:`T \in \{1, 4, 16, ..., 4^{20}\}` with
    :math:`\varphi'(T) \ge 0`, tried in that order (a Newton step usually ends near
    :math:`t = 1`, so one or two tries). Then only the entry and exit times below :math:`T` are
    sorted; two cumulative sums give :math:`\varphi'` at each of them, and the root lies in the
    first segment where it turns >= 0.
    """
    # A sample with z = 0 never moves: its 1 / z = +-inf makes its times nan or +-inf, and its
    # interval empty (leave > enter fails), so it has no events, like a sample that never bends.
    inverse = z.reciprocal()
    t_zero = u * inverse  # when u_i(t) reaches 0 ...
    t_cap = t_zero - cap * inverse  # ... and cap (+-inf for the squared hinge)
    enter = torch.minimum(t_cap, t_zero).clamp_(min=0)
    leave = torch.maximum(t_cap, t_zero).clamp_(max=_FAR)
    inactive = (leave > enter).logical_not_()
    gain = z.square().mul_(kappa / n).masked_fill_(inactive, 0.0)
    enter.masked_fill_(inactive, _FAR)  # samples that never bend phi' have no events
    leave.masked_fill_(inactive, _FAR)
    top = 1.0
    for _ in range(_BRACKETS):  # phi'(T) at T = 4^0, 4^1, ... until it is >= 0
        overlap = (leave.clamp(max=top) - enter).clamp_(min=0)
        if slope0 + curvature0 * top + float(overlap @ gain) >= 0:
            break
        top *= 4.0
    else:  # no root below 4^20: take the farthest bracket
        return top / 4.0
    times = torch.cat([enter, leave])
    count = int((times < top).sum())
    times, order = torch.topk(times, count, largest=False, sorted=True)
    after = torch.cat([gain, gain.neg()]).index_select(0, order).cumsum_(0).add_(curvature0)
    after = after.clamp_(min=0)  # phi'' just after each event
    before = torch.cat([after.new_full((1,), curvature0), after[:-1]])  # ... and just before
    dphi = (before * torch.diff(times, prepend=times.new_zeros(1))).cumsum_(0).add_(slope0)
    # phi' at the events is non-decreasing (slope0 plus a running sum of terms >= 0, also in
    # floating point): the root is in segment j, after the j events where phi' < 0.
    j = int(torch.searchsorted(dphi, 0.0))
    if j == 0:
        return -slope0 / curvature0 if curvature0 > 0 else 0.0
    # From the last event before the root on, phi'' is constant: phi'' just after event j - 1.
    start, value, slope = times[j - 1].item(), dphi[j - 1].item(), after[j - 1].item()
    return start - value / slope if slope > 0 else start
