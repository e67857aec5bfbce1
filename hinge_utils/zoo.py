r"""A zoo of margin-based losses: each as a function of the margin :math:`m = y\,f(x)`.

Every binary classification loss in this module depends on a sample only through its margin
:math:`m = y\,f(x)` with :math:`y \in \{-1, +1\}`: positive when the sample is on the correct side
of the boundary, larger when it is further inside. Writing them all as functions of one number
lets a lesson put them on one axis and compare their shapes and slopes.

Each loss ``L`` comes with its derivative ``dL/dm`` written out analytically (not by autograd),
so the slope that drives gradient descent can be plotted and tested. Both are vectorised over a
floating-point tensor of margins of any shape, keep its dtype and device, and the losses work
with autograd.

Convention at kinks: where a kink joins a flat piece, the derivative there is the flat piece's,
0. So the hinge derivative is 0 at :math:`m = 1` (0 wherever :math:`m \geq 1`), as in
:func:`hinge_utils.functional.hinge_subgradient` and in the syllabus' gradient formula. Autograd
through each loss function picks the same value at these points.

The registry of all losses, with their names, labels and plot styles, is
:mod:`hinge_utils.losses` (``zoo.LOSSES`` is its table :data:`hinge_utils.losses.BINARY`).

**Units.** :func:`logistic` is in nats (natural log), as everywhere in the library;
:func:`logistic_bits` is the same loss in bits, which lies above the zero-one loss.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from hinge_utils._validation import check_margin_tensor as _check_margins
from hinge_utils._validation import check_ramp_s as _check_ramp_s
from hinge_utils._validation import check_tau as _check_tau
from hinge_utils._validation import margin_as_float as _check_margin_parameter

__all__ = [
    "exponential",
    "exponential_derivative",
    "hinge",
    "hinge_derivative",
    "logistic",
    "logistic_bits",
    "logistic_bits_derivative",
    "logistic_derivative",
    "modified_huber",
    "modified_huber_derivative",
    "perceptron",
    "perceptron_derivative",
    "ramp",
    "ramp_derivative",
    "smooth_hinge",
    "smooth_hinge_derivative",
    "softplus_hinge",
    "softplus_hinge_derivative",
    "squared_hinge",
    "squared_hinge_derivative",
    "zero_one",
    "zero_one_derivative",
]

_LN2 = math.log(2.0)


def _step_down(m: Tensor, threshold: float) -> Tensor:
    """``-1`` where ``m < threshold``, ``0`` where ``m >= threshold`` (no negative zeros)."""
    return (m >= threshold).to(m.dtype) - 1


# ----------------------------------------------------------------------------------------------
# Zero-one
# ----------------------------------------------------------------------------------------------


def zero_one(m: Tensor) -> Tensor:
    r"""Zero-one loss: 1 for a mistake, 0 otherwise.

    .. math::
        L(m) = \mathbb{1}[m \leq 0] = \begin{cases} 1 & m \leq 0 \\ 0 & m > 0 \end{cases}

    Convention at :math:`m = 0`: a point exactly on the decision boundary counts as a mistake
    (loss 1), since ``sign(0)`` predicts neither class. The loss is piecewise constant, so the
    result carries no gradient (see :func:`zero_one_derivative`).

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-1.0, 0.0, 0.5])
        >>> # m <= 0 -> 1:  -1.0 -> 1,  0.0 -> 1,  0.5 -> 0
        >>> zero_one(m)
        tensor([1., 1., 0.])
    """
    _check_margins(m)
    return (m <= 0).to(m.dtype)


def zero_one_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the zero-one loss: 0 wherever it exists.

    .. math::
        \frac{dL}{dm} = 0 \quad (m \neq 0)

    At :math:`m = 0` the loss jumps and has no derivative; 0 is returned there as well. This
    zero slope is why the zero-one loss cannot be trained by gradient descent.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> zero_one_derivative(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 0.])
    """
    _check_margins(m)
    return torch.zeros_like(m)


# ----------------------------------------------------------------------------------------------
# Hinge and squared hinge
# ----------------------------------------------------------------------------------------------


def hinge(m: Tensor, margin: float = 1.0) -> Tensor:
    r"""Hinge loss: linear penalty for margins below :math:`\Delta`, zero above.

    .. math::
        L(m) = [\Delta - m]_+ = \max(0,\; \Delta - m)

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        margin: :math:`\Delta`, the margin the loss asks for (any finite number). Default: ``1.0``.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-1.0, 0.5, 1.0, 2.0])
        >>> # max(0, 1 - m):  1 - (-1) = 2,  1 - 0.5 = 0.5,  1 - 1 = 0,  1 - 2 < 0 -> 0
        >>> hinge(m)
        tensor([2.0000, 0.5000, 0.0000, 0.0000])
    """
    _check_margins(m)
    margin = _check_margin_parameter(margin)
    return torch.relu(margin - m)


def hinge_derivative(m: Tensor, margin: float = 1.0) -> Tensor:
    r"""Derivative of the hinge loss: -1 inside the margin, 0 outside.

    .. math::
        \frac{dL}{dm} = \begin{cases} -1 & m < \Delta \\ 0 & m \geq \Delta \end{cases}

    At the kink :math:`m = \Delta` the value 0 is taken (a valid subgradient; the library's
    convention).

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        margin: :math:`\Delta` (any finite number). Default: ``1.0``.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # m < 1 -> -1;  m >= 1 (the kink included) -> 0
        >>> hinge_derivative(torch.tensor([-1.0, 0.5, 1.0, 2.0]))
        tensor([-1., -1.,  0.,  0.])
    """
    _check_margins(m)
    margin = _check_margin_parameter(margin)
    return _step_down(m, margin)


def squared_hinge(m: Tensor, margin: float = 1.0) -> Tensor:
    r"""Squared hinge loss: quadratic penalty for margins below :math:`\Delta`.

    .. math::
        L(m) = [\Delta - m]_+^2

    Differentiable everywhere, including at :math:`m = \Delta`.

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        margin: :math:`\Delta` (any finite number). Default: ``1.0``.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-1.0, 0.5, 2.0])
        >>> # max(0, 1 - m)^2:  2^2 = 4,  0.5^2 = 0.25,  0
        >>> squared_hinge(m)
        tensor([4.0000, 0.2500, 0.0000])
    """
    _check_margins(m)
    margin = _check_margin_parameter(margin)
    return torch.relu(margin - m).square()


def squared_hinge_derivative(m: Tensor, margin: float = 1.0) -> Tensor:
    r"""Derivative of the squared hinge loss.

    .. math::
        \frac{dL}{dm} = -2\,[\Delta - m]_+

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # -2 * max(0, 1 - m):  -2 * 2 = -4,  -2 * 0.5 = -1,  0
        >>> squared_hinge_derivative(torch.tensor([-1.0, 0.5, 2.0]))
        tensor([-4., -1.,  0.])
    """
    _check_margins(m)
    margin = _check_margin_parameter(margin)
    return 2 * torch.clamp(m - margin, max=0)


# ----------------------------------------------------------------------------------------------
# Smoothed hinges
# ----------------------------------------------------------------------------------------------


def smooth_hinge(m: Tensor) -> Tensor:
    r"""Quadratically smoothed hinge of Rennie & Srebro (2005).

    .. math::
        L(m) = \begin{cases}
            \tfrac12 - m & m \leq 0 \\
            \tfrac12 (1 - m)^2 & 0 < m < 1 \\
            0 & m \geq 1
        \end{cases}

    The hinge's kink at :math:`m = 1` is replaced by a parabola on :math:`(0, 1)`; the loss is
    differentiable everywhere and linear (slope -1) for mistakes.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-1.0, 0.0, 0.5, 2.0])
        >>> # 1/2 - (-1) = 1.5,  1/2 - 0 = 0.5,  (1 - 0.5)^2 / 2 = 0.125,  0
        >>> smooth_hinge(m)
        tensor([1.5000, 0.5000, 0.1250, 0.0000])
    """
    _check_margins(m)
    return torch.where(m <= 0, 0.5 - m, 0.5 * torch.relu(1 - m).square())


def smooth_hinge_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the Rennie-Srebro smoothed hinge.

    .. math::
        \frac{dL}{dm} = \begin{cases} -1 & m \leq 0 \\ -(1 - m) & 0 < m < 1 \\ 0 & m \geq 1
        \end{cases}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # -1,  -1 (both pieces agree at 0),  -(1 - 0.5) = -0.5,  0
        >>> smooth_hinge_derivative(torch.tensor([-1.0, 0.0, 0.5, 2.0]))
        tensor([-1.0000, -1.0000, -0.5000,  0.0000])
    """
    _check_margins(m)
    return torch.clamp(m - 1, min=-1, max=0)


def softplus_hinge(m: Tensor, tau: float = 0.25, margin: float = 1.0) -> Tensor:
    r"""Hinge smoothed by a softplus at temperature :math:`\tau`.

    .. math::
        L_\tau(m) = \tau \log\!\left(1 + e^{(\Delta - m)/\tau}\right)

    As :math:`\tau \to 0` this approaches the hinge :math:`[\Delta - m]_+` from above; the largest
    gap is at the kink :math:`m = \Delta`, where it equals :math:`\tau \log 2`
    (:math:`0 \leq L_\tau(m) - [\Delta - m]_+ \leq \tau \log 2` everywhere). At
    :math:`\tau = 1, \Delta = 0` it is the logistic loss :math:`\log(1 + e^{-m})`. Not to be
    confused with the smooth hinge of Rennie & Srebro (:func:`smooth_hinge`), a different loss.

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        tau: temperature :math:`\tau > 0`. Default: ``0.25``.
        margin: the corner :math:`\Delta`. Default: ``1.0``.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([1.0])
        >>> # at the kink: tau * log(1 + e^0) = 0.25 * log 2 = 0.25 * 0.6931 = 0.1733
        >>> softplus_hinge(m)
        tensor([0.1733])
    """
    _check_margins(m)
    tau = _check_tau(tau)
    z = (_check_margin_parameter(margin) - m) / tau
    return tau * torch.logaddexp(torch.zeros_like(z), z)


def softplus_hinge_derivative(m: Tensor, tau: float = 0.25, margin: float = 1.0) -> Tensor:
    r"""Derivative of the softplus-smoothed hinge.

    .. math::
        \frac{dL_\tau}{dm} = -\sigma\!\left(\frac{\Delta - m}{\tau}\right),
        \qquad \sigma(z) = \frac{1}{1 + e^{-z}}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # at the kink: -sigma(0) = -0.5
        >>> softplus_hinge_derivative(torch.tensor([1.0]))
        tensor([-0.5000])
    """
    _check_margins(m)
    tau = _check_tau(tau)
    return -torch.sigmoid((_check_margin_parameter(margin) - m) / tau)


# ----------------------------------------------------------------------------------------------
# Logistic and exponential
# ----------------------------------------------------------------------------------------------


def logistic(m: Tensor) -> Tensor:
    r"""Logistic loss (binary cross-entropy of :math:`\sigma(f(x))`), in nats.

    .. math::
        L(m) = \log\!\left(1 + e^{-m}\right) = \operatorname{softplus}(-m)

    What ``F.binary_cross_entropy_with_logits`` computes for labels :math:`(y + 1) / 2`, and what
    the trainers minimise for ``loss="logistic"``. For the version in bits, which lies above the
    zero-one loss, see :func:`logistic_bits`.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([0.0, 1.0])
        >>> # log(1 + e^0) = log 2 = 0.6931;  log(1 + e^-1) = log(1.3679) = 0.3133
        >>> logistic(m)
        tensor([0.6931, 0.3133])
    """
    _check_margins(m)
    return torch.logaddexp(torch.zeros_like(m), -m)


def logistic_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the logistic loss (nats).

    .. math::
        \frac{dL}{dm} = -\sigma(-m)

    Never exactly zero: cross-entropy keeps pushing correctly classified points.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # -sigma(0) = -0.5
        >>> logistic_derivative(torch.tensor([0.0]))
        tensor([-0.5000])
    """
    _check_margins(m)
    return -torch.sigmoid(-m)


def logistic_bits(m: Tensor) -> Tensor:
    r"""Logistic loss in bits, so that it passes through :math:`(0, 1)`.

    .. math::
        L(m) = \log_2\!\left(1 + e^{-m}\right) = \frac{\log(1 + e^{-m})}{\ln 2}

    :func:`logistic` divided by :math:`\ln 2`: the scaling makes it an upper bound of the
    zero-one loss that touches it at :math:`m = 0`, the form loss-zoo figures use.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([0.0, 1.0])
        >>> # log2(1 + e^0) = log2(2) = 1;  log2(1 + e^-1) = log2(1.3679) = 0.4519
        >>> logistic_bits(m)
        tensor([1.0000, 0.4519])
    """
    return logistic(m) / _LN2


def logistic_bits_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the logistic loss in bits: :math:`-\sigma(-m) / \ln 2`.

    Examples::

        >>> # -sigma(0) / ln 2 = -0.5 / 0.6931 = -0.7213
        >>> logistic_bits_derivative(torch.tensor([0.0]))
        tensor([-0.7213])
    """
    return logistic_derivative(m) / _LN2


def exponential(m: Tensor) -> Tensor:
    r"""Exponential loss (AdaBoost's).

    .. math::
        L(m) = e^{-m}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # e^0 = 1,  e^-1 = 0.3679
        >>> exponential(torch.tensor([0.0, 1.0]))
        tensor([1.0000, 0.3679])
    """
    _check_margins(m)
    return torch.exp(-m)


def exponential_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the exponential loss.

    .. math::
        \frac{dL}{dm} = -e^{-m}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # -e^0 = -1,  -e^-1 = -0.3679
        >>> exponential_derivative(torch.tensor([0.0, 1.0]))
        tensor([-1.0000, -0.3679])
    """
    _check_margins(m)
    return -torch.exp(-m)


# ----------------------------------------------------------------------------------------------
# Perceptron, modified Huber, ramp
# ----------------------------------------------------------------------------------------------


def perceptron(m: Tensor) -> Tensor:
    r"""Perceptron loss: the hinge with margin 0.

    .. math::
        L(m) = [-m]_+ = \max(0,\; -m)

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # max(0, -m):  2,  0,  0
        >>> perceptron(torch.tensor([-2.0, 0.0, 1.0]))
        tensor([2., 0., 0.])
    """
    _check_margins(m)
    return torch.relu(0.0 - m)  # 0 - m, not -m: keeps a -0. out of the result at m = 0


def perceptron_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the perceptron loss.

    .. math::
        \frac{dL}{dm} = \begin{cases} -1 & m < 0 \\ 0 & m \geq 0 \end{cases}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # m < 0 -> -1;  m >= 0 (the kink included) -> 0
        >>> perceptron_derivative(torch.tensor([-2.0, 0.0, 1.0]))
        tensor([-1.,  0.,  0.])
    """
    _check_margins(m)
    return _step_down(m, 0.0)


def modified_huber(m: Tensor) -> Tensor:
    r"""Modified Huber loss: squared hinge with a linear tail for bad mistakes.

    .. math::
        L(m) = \begin{cases} -4m & m < -1 \\ [1 - m]_+^2 & m \geq -1 \end{cases}

    Both pieces equal 4 with slope -4 at :math:`m = -1`, so the loss is differentiable everywhere.
    (scikit-learn's ``SGDClassifier(loss="modified_huber")``.)

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-2.0, -1.0, 0.5, 2.0])
        >>> # -4 * (-2) = 8,  (1 + 1)^2 = 4,  (1 - 0.5)^2 = 0.25,  0
        >>> modified_huber(m)
        tensor([8.0000, 4.0000, 0.2500, 0.0000])
    """
    _check_margins(m)
    return torch.where(m < -1, -4 * m, torch.relu(1 - m).square())


def modified_huber_derivative(m: Tensor) -> Tensor:
    r"""Derivative of the modified Huber loss.

    .. math::
        \frac{dL}{dm} = \begin{cases} -4 & m < -1 \\ -2\,[1 - m]_+ & m \geq -1 \end{cases}

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # -4,  -2 * 2 = -4,  -2 * 0.5 = -1,  0
        >>> modified_huber_derivative(torch.tensor([-2.0, -1.0, 0.5, 2.0]))
        tensor([-4., -4., -1.,  0.])
    """
    _check_margins(m)
    return 2 * torch.clamp(m - 1, min=-2, max=0)


def ramp(m: Tensor, s: float = 0.0) -> Tensor:
    r"""Ramp loss (truncated hinge): the hinge capped at height :math:`1 - s`.

    .. math::
        R_s(m) = \min\!\left(1 - s,\; [1 - m]_+\right) = [1 - m]_+ - [s - m]_+, \qquad s < 1

    Bounded, so a single far-away mistake cannot dominate (robust to label noise), but not
    convex (Collobert, Sinz, Weston & Bottou, 2006). With the default :math:`s = 0` it is
    :math:`\min(1, [1 - m]_+)` and equals the zero-one loss outside :math:`(0, 1)`.

    Args:
        m: margins :math:`y\,f(x)`, a floating-point tensor.
        s: where the loss stops growing, :math:`s < 1`. Default: ``0.0``.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> m = torch.tensor([-3.0, 0.0, 0.25, 2.0])
        >>> # min(1, max(0, 1 - m)):  min(1, 4) = 1,  min(1, 1) = 1,  0.75,  0
        >>> ramp(m)
        tensor([1.0000, 1.0000, 0.7500, 0.0000])
    """
    _check_margins(m)
    s = _check_ramp_s(s)
    return torch.where(m <= s, 1.0 - s, torch.relu(1 - m))


def ramp_derivative(m: Tensor, s: float = 0.0) -> Tensor:
    r"""Derivative of the ramp loss.

    .. math::
        \frac{dL}{dm} = \begin{cases} -1 & s < m < 1 \\ 0 & \text{otherwise} \end{cases}

    Both kinks join a flat piece, so 0 is taken at :math:`m = s` and at :math:`m = 1`.

    Shape:
        - Input: any shape.
        - Output: same shape and dtype as the input.

    Examples::

        >>> # only 0 < m < 1 has slope -1
        >>> ramp_derivative(torch.tensor([-3.0, 0.0, 0.25, 1.0]))
        tensor([ 0.,  0., -1.,  0.])
    """
    _check_margins(m)
    s = _check_ramp_s(s)
    # (m <= s) + (m >= 1) - 1 is -1 exactly on s < m < 1 (the two events are disjoint as s < 1)
    return (m <= s).to(m.dtype) + (m >= 1).to(m.dtype) - 1


def __getattr__(name: str) -> object:
    """``zoo.LOSSES`` and ``zoo.MarginLoss`` live in the registry, :mod:`hinge_utils.losses`."""
    if name in ("LOSSES", "MarginLoss"):
        from hinge_utils import losses

        return losses.BINARY if name == "LOSSES" else losses.MarginLoss
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
