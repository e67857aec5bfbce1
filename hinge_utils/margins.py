r"""Margins of a linear classifier: geometric margin, margin violators and support vectors.

For a linear model :math:`f(x) = w^\top x + b` and a label :math:`y \in \{-1, +1\}`:

* the *functional margin* :math:`m = y\,f(x)` (see :func:`hinge_utils.functional.functional_margin`)
  is positive on the right side of the boundary and changes when :math:`(w, b)` is rescaled;
* the *geometric margin* :math:`\gamma = y\,(w^\top x + b) / \lVert w \rVert` is the signed
  Euclidean distance from :math:`x` to the boundary :math:`w^\top x + b = 0`, and does not;
* *margin violators* have :math:`m < \Delta` (usually :math:`\Delta = 1`): the samples with a
  non-zero hinge gradient;
* *support vectors* have :math:`m \le \Delta`: the violators plus the samples sitting exactly on
  the margin band. At the SVM optimum they alone determine :math:`(w, b)`.

"Exactly on the band" is an equation that a computed optimum meets only up to rounding, so every
count here goes through one function, :func:`margin_position`, with one tolerance
(:data:`MARGIN_RTOL`, :data:`MARGIN_ATOL`).
"""

from __future__ import annotations

import torch
from torch import Tensor

from hinge_utils._validation import (
    Real,
    check_linear_model,
    check_linear_weight,
    margin_as_float,
)
from hinge_utils.functional import functional_margin

__all__ = [
    "BEYOND",
    "INSIDE",
    "MARGIN_ATOL",
    "MARGIN_RTOL",
    "ON_BAND",
    "geometric_margin",
    "margin_position",
    "margin_tolerance",
    "margin_violators",
    "margin_width",
    "safe_norm",
    "support_vectors",
]


# ---------------------------------------------------------------------------------------------
# Checks for a linear model (weight, bias) and a data set (X, y); shared with the trainers
# ---------------------------------------------------------------------------------------------


def safe_norm(weight: Tensor) -> Tensor:
    r"""The Euclidean norm :math:`\lVert w \rVert_2`, computed without overflow or underflow.

    :math:`\lVert w \rVert = s \, \lVert w / s \rVert` with :math:`s = \max_j |w_j|`: squaring
    ``3e19`` overflows float32 and squaring ``3e-23`` underflows it, but ``w / s`` has entries in
    :math:`[-1, 1]`. The scale is a constant for autograd (the identity holds for every
    :math:`s > 0`), so the gradient is exactly :math:`w / \lVert w \rVert`. NaN in, NaN out.

    Example::

        >>> safe_norm(torch.tensor([3e19, 4e19])), safe_norm(torch.tensor([3e-23, 4e-23]))
        (tensor(5.0000e+19), tensor(5.0000e-23))
    """
    scale = weight.detach().abs().amax() if weight.numel() else weight.new_zeros(())
    if not bool(scale > 0) or not bool(torch.isfinite(scale)):
        return torch.linalg.vector_norm(weight)  # 0, inf or nan: nothing to rescale
    return scale * torch.linalg.vector_norm(weight / scale)


def _check_nonzero_norm(weight: Tensor, what: str) -> Tensor:
    """``safe_norm(weight)``; raise if the weight holds NaN or is the zero vector."""
    if bool(torch.isnan(weight).any()):
        raise ValueError(
            f"weight contains NaN, so {what} is NaN: check the training run that produced it "
            "(a diverged optimizer, or NaN in the data)"
        )
    norm = safe_norm(weight)
    if not bool(norm > 0):
        raise ValueError(
            "weight is the zero vector, so the model has no decision boundary (w^T x + b = 0 "
            f"is empty or everything) and {what} is undefined: train the model first, or use "
            "functional_margin(scores, y) for the unnormalised margin"
        )
    return norm


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def geometric_margin(weight: Tensor, bias: Tensor | float, X: Tensor, y: Tensor) -> Tensor:
    r"""Signed distance of each sample to the decision boundary, positive on the correct side.

    .. math::
        \gamma_n = \frac{y_n\,(w^\top x_n + b)}{\lVert w \rVert_2}

    Unlike the functional margin :math:`y_n (w^\top x_n + b)`, it does not change when
    :math:`(w, b)` is multiplied by a positive number: it is a distance in the units of :math:`x`.
    The smallest :math:`\gamma_n` is the margin of the classifier on the data set.

    Args:
        weight: :math:`w`, floating point. For an ``nn.Linear(D, 1)`` pass
            ``model.weight.squeeze(0)``.
        bias: :math:`b`, a Python number or a 0-d tensor (``model.bias.squeeze(0)``).
        X: samples, one per row, same dtype and device as ``weight``.
        y: labels in {-1, +1}.

    Shape:
        - weight: :math:`(D)`; bias: scalar; X: :math:`(N, D)`; y: :math:`(N)`.
        - Output: :math:`(N)`, dtype of ``weight``; differentiable in ``weight``, ``bias``, ``X``.

    Raises:
        ValueError: if :math:`w = 0`, where no boundary exists (:math:`w^\top x + b = 0` is then
            either empty or the whole space) and the distance is undefined.

    Example::

        >>> w, b = torch.tensor([3.0, 4.0]), -5.0  # ||w|| = 5
        >>> X = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
        >>> y = torch.tensor([1.0, 1.0])
        >>> # (9 + 16 - 5) / 5 = 4 and (0 - 5) / 5 = -1: the origin is 1 unit on the wrong side
        >>> geometric_margin(w, b, X, y)
        tensor([ 4., -1.])
    """
    check_linear_model(weight, bias, X, y)
    norm = _check_nonzero_norm(weight, "the geometric margin")
    scores = X @ weight + bias
    return functional_margin(scores, y, validate_args=False) / norm


def margin_width(weight: Tensor) -> Tensor:
    r"""Width of the margin band: the distance between the lines :math:`w^\top x + b = \pm 1`.

    .. math::
        \text{width} = \frac{2}{\lVert w \rVert_2}

    Maximising this width is the SVM's goal; it is why :math:`\tfrac{\lambda}{2}\lVert w\rVert^2`
    appears in the objective.

    Args:
        weight: :math:`w`, floating point, not zero.

    Shape:
        - weight: :math:`(D)`; Output: scalar, dtype of ``weight``.

    Example::

        >>> margin_width(torch.tensor([3.0, 4.0]))  # 2 / sqrt(9 + 16) = 2 / 5
        tensor(0.4000)
    """
    weight = check_linear_weight(weight)
    if bool(torch.isnan(weight).any()):
        raise ValueError("weight contains NaN, so the margin width is NaN: check the training run")
    norm = safe_norm(weight)
    if not bool(norm > 0):
        raise ValueError(
            "weight is the zero vector: the margin band is infinitely wide (no boundary): "
            "train the model first"
        )
    return 2 / norm


#: Relative part of the library's one tolerance for "on the margin band" (times :math:`|\Delta|`).
MARGIN_RTOL = 1e-4
#: Absolute part of the library's one tolerance for "on the margin band".
MARGIN_ATOL = 1e-6

#: The three values of :func:`margin_position`.
INSIDE, ON_BAND, BEYOND = -1, 0, 1


def margin_tolerance(
    margin: float = 1.0, *, rtol: float = MARGIN_RTOL, atol: float = MARGIN_ATOL
) -> float:
    r"""How close to :math:`\Delta` a functional margin must be to count as *on* the band.

    .. math::
        \text{tol}(\Delta) = \text{atol} + \text{rtol}\cdot|\Delta|
        \qquad (\text{defaults: } 10^{-6} + 10^{-4}\,|\Delta|)

    Example::

        >>> margin_tolerance(1.0)  # 1e-6 + 1e-4
        0.000101
    """
    margin = margin_as_float(margin)
    rtol = Real(0.0, example="rtol=1e-4")(rtol, "rtol")
    atol = Real(0.0, example="atol=1e-4")(atol, "atol")
    return atol + rtol * abs(margin)


def margin_position(
    margins: Tensor,
    margin: float = 1.0,
    *,
    rtol: float = MARGIN_RTOL,
    atol: float = MARGIN_ATOL,
) -> Tensor:
    r"""Where each functional margin lies against the band: inside, on it, or beyond it.

    .. math::
        \text{position}_n = \begin{cases}
            -1 \;(\texttt{INSIDE}) & m_n < \Delta - \text{tol} \\
            \phantom{-}0 \;(\texttt{ON\_BAND}) & |m_n - \Delta| \le \text{tol} \\
            +1 \;(\texttt{BEYOND}) & m_n > \Delta + \text{tol}
        \end{cases}
        \qquad \text{tol} = \text{atol} + \text{rtol}\,|\Delta|

    This is the library's one test of "on the margin": :func:`margin_violators`,
    :func:`support_vectors`, the trainers' records, the figures' markers and the explorers all
    count through it, so a figure, a record and a printed count can never disagree.

    Why a tolerance: at the optimum of a hinge problem several samples sit *exactly* on the
    band, :math:`m_n = \Delta`, and an optimizer satisfies an equation only up to rounding. A
    strict ``m < 1`` then counts such a sample one way on one machine and the other way on the
    next (the last bits of a float depend on the CPU's code path). The default tolerance,
    :math:`10^{-6} + 10^{-4}|\Delta|`, covers the rounding of an exact solution stored in float32
    (about :math:`10^{-6}`) with room to spare, while a sample that truly lies off the band is
    almost never that close to it. Pass a larger ``rtol``/``atol`` for a less accurate
    optimizer (scikit-learn's ``SVC`` with its default ``tol=1e-3`` stops about
    :math:`10^{-3}` from the band); plain SGD never settles on the band at all.

    Args:
        margins: functional margins :math:`m = y f(x)` (binary, see
            :func:`~hinge_utils.functional.functional_margin`) or multi-class margins
            :math:`s_c - \max_{k \ne c} s_k`, floating point, any shape.
        margin: :math:`\Delta`. Default: 1.0.
        rtol: tolerance relative to :math:`|\Delta|`, >= 0. Default: ``MARGIN_RTOL`` = 1e-4.
        atol: absolute tolerance, >= 0. Default: ``MARGIN_ATOL`` = 1e-6.

    Shape:
        - margins: any; Output: the same, ``torch.int8``.

    Example::

        >>> m = torch.tensor([0.5, 0.99999997, 1.0, 1.00000009, 1.5])
        >>> margin_position(m)  # both values a rounding error from 1 are *on* the band
        tensor([-1,  0,  0,  0,  1], dtype=torch.int8)
    """
    if not isinstance(margins, Tensor) or not margins.is_floating_point():
        raise TypeError(
            "margins must be a floating-point torch.Tensor; got "
            f"{type(margins).__name__ if not isinstance(margins, Tensor) else margins.dtype}: "
            "compute them with functional_margin(scores, targets)"
        )
    tol = margin_tolerance(margin, rtol=rtol, atol=atol)
    margin = margin_as_float(margin)
    m = margins.detach()
    beyond = (m > margin + tol).to(torch.int8)
    inside = (m < margin - tol).to(torch.int8)
    return beyond - inside


def margin_violators(
    scores: Tensor,
    targets: Tensor,
    margin: float = 1.0,
    *,
    rtol: float = MARGIN_RTOL,
    atol: float = MARGIN_ATOL,
) -> Tensor:
    r"""Mask of the samples inside the margin band or on the wrong side: :math:`y_n s_n < \Delta`.

    .. math::
        y_n s_n < \Delta - \text{tol}, \qquad \text{tol} = \text{atol} + \text{rtol}\,|\Delta|

    These are the samples whose hinge loss :math:`\max(0, \Delta - y_n s_n)` pushes: a
    (sub)gradient step ignores all others. A sample *on* the band (:math:`y_n s_n = \Delta`, up to
    the library's tolerance, see :func:`margin_position`) is not a violator: at the kink its
    hinge gradient is 0, as in :func:`hinge_utils.functional.hinge_subgradient`, and at an
    optimum it is a support vector that lands a rounding error above or below the band. For the
    exact mask of non-zero gradients of a given float, use ``hinge_subgradient(s, y) != 0``.

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}.
        margin: :math:`\Delta`. Default: 1.0.
        rtol, atol: the tolerance of :func:`margin_position`. Defaults: 1e-4, 1e-6.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)`; Output: :math:`(N)`, ``torch.bool``.

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.8, -1.0, 0.3])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> # y*s = 1.5, 0.5, 0.8, 1.0, 0.3: below 1 for samples 2, 3 and 5
        >>> margin_violators(s, y)
        tensor([False,  True,  True, False,  True])
    """
    margins = functional_margin(scores, targets)
    return margin_position(margins, margin, rtol=rtol, atol=atol) == INSIDE


def support_vectors(
    scores: Tensor,
    targets: Tensor,
    margin: float = 1.0,
    *,
    rtol: float = MARGIN_RTOL,
    atol: float = MARGIN_ATOL,
) -> Tensor:
    r"""Mask of the support vectors: samples on or inside the margin band, up to the tolerance.

    .. math::
        y_n s_n \le \Delta + \text{atol} + \text{rtol} \cdot |\Delta|

    The violators (:func:`margin_violators`) plus the samples *on* the band
    (:func:`margin_position` is ``ON_BAND``, the library's one tolerance).

    This selects by margin. At the SVM optimum the samples with a non-zero dual weight
    :math:`\alpha_n` (scikit-learn's ``SVC.support_``) are all among them: every violator
    (:math:`y_n s_n < \Delta`) has :math:`\alpha_n > 0`, and the rest lie *on* the band
    (:math:`y_n s_n = \Delta`). The converse can fail: a point exactly on the band may have
    :math:`\alpha_n = 0` (it touches the band without being needed to hold it there), and this
    mask still includes it.

    Args:
        scores: raw model outputs :math:`s`, floating point.
        targets: labels :math:`y` in {-1, +1}.
        margin: :math:`\Delta`. Default: 1.0.
        rtol: tolerance relative to :math:`|\Delta|`, >= 0. Default: 1e-4.
        atol: absolute tolerance, >= 0. Default: 1e-6.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)`; Output: :math:`(N)`, ``torch.bool``.

    Example::

        >>> s = torch.tensor([1.5, -0.5, 0.9999999, -1.00001, 2.0])
        >>> y = torch.tensor([1, -1, 1, -1, 1])
        >>> # y*s = 1.5, 0.5, 0.9999999, 1.00001, 2.0; the band ends at 1 + 1e-6 + 1e-4 * 1
        >>> support_vectors(s, y)
        tensor([False,  True,  True,  True, False])
    """
    margins = functional_margin(scores, targets)
    return margin_position(margins, margin, rtol=rtol, atol=atol) <= ON_BAND
