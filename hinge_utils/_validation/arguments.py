"""Checks of Python arguments: reductions, margins, ``p``, and the declarative parameter checks
(:class:`Real`, :class:`Integer`, :class:`Flag`, :class:`OneOf`, :func:`check_parameters`) the
trainers and objectives declare their parameters with."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from hinge_utils._validation.tensors import _shape

REDUCTIONS = ("mean", "sum", "none")


# ---------------------------------------------------------------------------------------------
# Argument checks (Python values)
# ---------------------------------------------------------------------------------------------


def check_reduction(reduction: object) -> None:
    """Raise unless ``reduction`` is one of ``'mean'``, ``'sum'``, ``'none'``."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of 'mean', 'sum', 'none'; got {reduction!r}: "
            "use reduction='mean' for the batch average, 'sum' for the total, "
            "'none' for one loss per sample"
        )


def check_margin(margin: object) -> None:
    r"""Raise unless ``margin`` is a finite real Python number (not a bool, not a tensor).

    **The library's one meaning of a valid margin** :math:`\Delta`, for every loss, trainer,
    plot and explorer: any finite real number. That is torch's convention: the multi-class
    hinges here equal ``K * F.multi_margin_loss`` for every margin, and are tested on torch's own
    sample inputs, which include :math:`\Delta = -3.14`. :math:`\Delta = 1` is the usual
    choice; :math:`\Delta = 0` turns the hinge into the perceptron loss :math:`[-m]_+`; a
    negative :math:`\Delta` lets a sample off the hook while it is still within
    :math:`|\Delta|` on the wrong side, which no lesson uses but torch computes. (An explorer's
    slider covers only the useful range, :math:`[0, 3]`.)
    """
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        fix = "use float(margin)" if isinstance(margin, torch.Tensor) else "pass e.g. margin=1.0"
        raise TypeError(f"margin must be a real number; got {type(margin).__name__}: {fix}")
    if not math.isfinite(margin):
        raise ValueError(f"margin must be finite; got {margin!r}: pass e.g. margin=1.0")


def check_p(p: object) -> None:
    """Raise unless ``p`` is 1 (linear hinge) or 2 (squared hinge)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or p not in (1, 2):
        raise ValueError(
            f"p must be 1 or 2; got {p!r}: use p=1 for the hinge, p=2 for the squared hinge"
        )


def _number_in(value: torch.Tensor, name: str) -> object:
    """The Python number a 0-d tensor holds, read as torch reads a tensor passed for a number.

    torch's losses accept a 0-d tensor for a number argument (``margin``, ``p``) and treat it as
    that number, a Python scalar in type promotion; they refuse a tensor with more dimensions or
    one that requires grad (the number is a constant of the loss, not differentiated).
    """
    if value.ndim != 0:
        raise TypeError(
            f"{name} must be one number; got a tensor of shape {_shape(value)}: pass a Python "
            f"number or a 0-d tensor, e.g. float({name}) for a one-element tensor"
        )
    if value.requires_grad:
        raise TypeError(
            f"{name} is a constant of the loss, not differentiated; got a tensor with "
            f"requires_grad=True: pass float({name}.detach())"
        )
    return value.item()


def margin_as_float(margin: object) -> float:
    """``margin`` as a Python float, after :func:`check_margin`; a 0-d real tensor counts as the
    number it holds (as in torch's losses), so it never changes the dtype of the result.

    >>> margin_as_float(1)
    1.0
    >>> margin_as_float(torch.tensor(0.5, dtype=torch.float64))
    0.5
    """
    if isinstance(margin, torch.Tensor):
        margin = _number_in(margin, "margin")
    check_margin(margin)
    return float(margin)  # type: ignore[arg-type]  # check_margin: a finite real number


def p_as_int(p: object) -> int:
    """``p`` as the Python int 1 or 2, after :func:`check_p`; a 0-d tensor counts as the number
    it holds (as in torch's ``multi_margin_loss``).

    >>> p_as_int(torch.tensor(2))
    2
    """
    if isinstance(p, torch.Tensor):
        p = _number_in(p, "p")
    check_p(p)
    return int(p)  # type: ignore[call-overload]  # check_p: 1 or 2


# ---------------------------------------------------------------------------------------------
# Declarative parameter checks (in the spirit of scikit-learn's _parameter_constraints)
# ---------------------------------------------------------------------------------------------


def check_real(value: object, name: str, fix: str = "") -> float:
    """``value`` as a float if it is a finite real Python number (not a bool), else raise.

    >>> check_real(2, "tau")
    2.0
    """
    suffix = f": {fix}" if fix else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}{suffix}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}{suffix}")
    return float(value)


def check_tau(tau: object) -> float:
    """The temperature :math:`\\tau > 0` of a softplus-smoothed loss, as a float."""
    value = check_real(tau, "tau")
    if value <= 0:
        raise ValueError(
            f"tau must be > 0; got {value!r}: tau is the smoothing temperature "
            "(tau -> 0 recovers the hinge; use e.g. tau=0.1)"
        )
    return value


def check_ramp_s(s: object) -> float:
    """Where the ramp loss stops growing, :math:`s < 1`, as a float."""
    value = check_real(s, "s")
    if value >= 1:
        raise ValueError(
            f"s must be < 1; got {value!r}: the ramp loss min(1 - s, [1 - m]_+) needs a "
            "positive height 1 - s (s = 0 gives a loss bounded by 1)"
        )
    return value


@dataclass(frozen=True)
class Real:
    """A finite real Python number (not a bool) with ``value > low`` (``open``) or ``>= low``.

    ``example`` is the fix the error message names, e.g. ``"lam=0.01"``.
    """

    low: float = -math.inf
    open: bool = False
    example: str = ""

    def __call__(self, value: object, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{name} must be a real number; got {type(value).__name__}: pass e.g. "
                f"{self.example}"
            )
        below = value <= self.low if self.open else value < self.low
        if not math.isfinite(value) or below:
            sign = ">" if self.open else ">="
            bound = "" if self.low == -math.inf else f" and {sign} {self.low:g}"
            raise ValueError(
                f"{name} must be finite{bound}; got {value!r}: pass e.g. {self.example}"
            )
        return float(value)


@dataclass(frozen=True)
class Integer:
    """A Python int (not a bool) ``>= low``."""

    low: int = 1
    example: str = ""

    def __call__(self, value: object, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < self.low:
            kind = "a positive int" if self.low == 1 else f"an int >= {self.low}"
            raise ValueError(f"{name} must be {kind}; got {value!r}: pass e.g. {self.example}")
        return int(value)


@dataclass(frozen=True)
class Flag:
    """``True`` or ``False`` (not 0 or 1: a number there is usually an argument out of place)."""

    def __call__(self, value: object, name: str) -> bool:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
        return value


@dataclass(frozen=True)
class OneOf:
    """One of a few strings, e.g. the loss names a trainer accepts."""

    choices: tuple[str, ...]

    def __call__(self, value: object, name: str) -> str:
        if not isinstance(value, str) or value not in self.choices:
            options = ", ".join(repr(choice) for choice in self.choices)
            raise ValueError(f"{name} must be one of {options}; got {value!r}")
        return value


Constraint = Real | Integer | Flag | OneOf

#: lam of the trainers: the weight of the L2 penalty, > 0.
LAM = Real(0.0, open=True, example="lam=0.01 (lam = 1 / (N * C) for scikit-learn's C)")


def check_parameters(constraints: Mapping[str, Constraint], **values: Any) -> dict[str, Any]:
    """Check every keyword argument against its constraint; return the converted values.

    A function declares its parameters once, as a module-level table, and calls this first::

        >>> table = {"lam": Real(0.0, open=True, example="lam=0.01"),
        ...          "epochs": Integer(1, "epochs=200")}
        >>> check_parameters(table, lam=1, epochs=3)
        {'lam': 1.0, 'epochs': 3}
        >>> check_parameters(table, lam=0.0, epochs=3)
        Traceback (most recent call last):
        ...
        ValueError: lam must be finite and > 0; got 0.0: pass e.g. lam=0.01
    """
    return {name: constraints[name](value, name) for name, value in values.items()}


