"""How the lessons print numbers: rounded to the digits that hold on every machine, never ``-0``.

One number format for every printed line (:func:`number`), in two layouts: a bracketed list
(:func:`fmt`, ``[0.5000, 0.0000]``) and a row of columns that lines up under another row
(:func:`fmt_row`, ``0.5000  0.0000``).

A value is rounded first and then written, so a rounding error of either sign prints as the
same digits: ``-1e-12`` prints as ``0.0000``, not ``-0.0000``, whose sign would depend on the
last bit a CPU's kernel happened to produce.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

__all__ = ["fmt", "fmt_row", "number"]


def number(value: Any, digits: int = 4, *, signed: bool = False, width: int = 0) -> str:
    """One real number rounded to ``digits`` decimals, right-aligned in ``width`` characters.

    Args:
        value: a Python, NumPy or 0-d torch number.
        digits: decimals kept. Default: 4.
        signed: write ``+`` before a positive number (and before 0). Default: False.
        width: minimum width, padded with spaces on the left. Default: 0 (none).

    Example::

        >>> number(2 / 3), number(-1e-12), number(0.5, 2, signed=True), number(1.0, 3, width=7)
        ('0.6667', '0.0000', '+0.50', '  1.000')
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be an int >= 0; got {digits!r}: e.g. digits=4")
    if isinstance(value, bool):
        raise TypeError("value must be a real number; got bool: pass float(value)")
    try:
        x = float(value)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"value must be a real number; got {type(value).__name__}: pass one number, or a "
            "vector to fmt()"
        ) from error
    rounded = round(x, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:{'+' if signed else ''}{width}.{digits}f}"


def _values(values: Any) -> list[Any]:
    """The entries of a 1-D tensor, array or sequence of numbers."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, numbers.Real) or not isinstance(values, Iterable):
        raise TypeError(
            f"values must be a 1-D tensor, array or sequence of numbers; got "
            f"{type(values).__name__}: for one number use number()"
        )
    values = list(values)
    if any(isinstance(v, list | tuple) for v in values):
        raise ValueError("values must be 1-D: print one row at a time, or flatten it")
    return values


def fmt(values: Any, digits: int = 4, *, signed: bool = False) -> str:
    """A vector as a bracketed list of rounded numbers, e.g. ``[2.9000, 0.0000, 12.9000]``.

    Args:
        values: a 1-D tensor, NumPy array or sequence of numbers.
        digits: decimals of each number. Default: 4.
        signed: a ``+`` before the positive ones. Default: False.

    Example::

        >>> import torch
        >>> fmt(torch.tensor([2.9, -0.0, 12.9]))
        '[2.9000, 0.0000, 12.9000]'
        >>> fmt([0.51364, -0.66651], 2, signed=True)
        '[+0.51, -0.67]'
    """
    return "[" + ", ".join(number(v, digits, signed=signed) for v in _values(values)) + "]"


def fmt_row(values: Any, digits: int = 4, *, signed: bool = False) -> str:
    """A vector as rounded numbers two spaces apart, to line up under another such row.

    Example::

        >>> import torch
        >>> fmt_row(torch.tensor([0.0, 0.5, 0.2]))
        '0.0000  0.5000  0.2000'
    """
    return "  ".join(number(v, digits, signed=signed) for v in _values(values))
