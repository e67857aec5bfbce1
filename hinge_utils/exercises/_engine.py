"""The engine under every checker: run a student's function on fixed cases, compare, diagnose.

A checker is data: the reference answer (a ``hinge_utils`` function), a list of :class:`Case`
inputs, and a list of :class:`Mistake` s, each a known-wrong variant of the reference with the hint
that explains it. :func:`run_checks` calls the student's function on every case, in order, and stops
at the first one that fails. To diagnose, it computes every wrong variant on the failing input: if
one of them reproduces the student's output, its hint is the likely explanation. If none reproduces
the whole output, a variant that reproduces the first wrong entry still gives the hint.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

__all__ = [
    "Case",
    "CheckResult",
    "Fresh",
    "fresh_binary_batches",
    "Mistake",
    "check_case",
    "describe_inputs",
    "format_number",
    "margin_label",
    "randn",
    "random_classes",
    "random_signs",
    "report",
    "run_checks",
    "sample_label",
    "show_figure",
    "with_fresh",
]

# Students compute in float32; the references may work in float64. 1e-4 relative is 13 float32 ulps.
RTOL, ATOL = 1e-4, 1e-6
#: Seconds a student's function may run on one case before the checker gives up on it.
TIMEOUT = 5.0


@dataclass(frozen=True, repr=False)
class CheckResult:
    """What a checker found: ``passed``, how many checks it has, and the message it printed.

    ``bool(result)`` is ``result.passed``. The checker has already printed the message, so in a
    notebook a result left as a cell's last expression displays nothing more
    (``_ipython_display_``); elsewhere its short ``repr`` does not repeat the message.

    Example:
        >>> r = CheckResult(passed=True, n_checks=6, message="All 6 checks passed.")
        >>> r, bool(r)
        (CheckResult(passed=True, 6 checks), True)
    """

    passed: bool
    n_checks: int
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult(passed={self.passed}, {self.n_checks} checks)"

    def _ipython_display_(self) -> None:
        """Show nothing in a notebook: the checker printed its message already."""


@dataclass(frozen=True)
class Case:
    """One input of a checker.

    Args:
        what: a few words a student can read, e.g. ``"a tie exactly on the hinge"``.
        inputs: the positional arguments, by name, in call order (names appear in messages).
        options: keyword arguments (e.g. ``{"margin": 2.0}``).
    """

    what: str
    inputs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: ``answer`` computes it (same signature as the reference)."""

    hint: str
    answer: Callable[..., Any]


EntryLabel = Callable[[Case, int], str]
FreshCases = Callable[["Fresh"], Sequence[Case]]


class Fresh:
    """Random inputs for a grader's fresh cases: sizes and values drawn from one seed.

    Values are rounded to 2 decimals (readable in messages), like :func:`randn`'s; the global
    random state is left alone.

    Example:
        >>> draw = Fresh(7, "hinge_loss")
        >>> n = draw.size(2, 9)
        >>> 2 <= n <= 9, draw.values(n).shape == (n,), set(draw.signs(n).tolist()) <= {-1, 1}
        (True, True, True)
        >>> Fresh(7, "hinge_loss").values(3).tolist() == Fresh(7, "hinge_loss").values(3).tolist()
        True
    """

    def __init__(self, seed: int, salt: str) -> None:
        # The salt keeps two checkers graded with one seed from drawing the same numbers.
        mixed = (int(seed) * 1_000_003 + zlib.crc32(salt.encode())) % (2**63)
        self.generator = torch.Generator().manual_seed(mixed)

    def size(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``."""
        return int(torch.randint(low, high + 1, (1,), generator=self.generator))

    def uniform(self, low: float, high: float) -> float:
        """A number in ``[low, high)`` rounded to 2 decimals."""
        u = float(torch.rand((), generator=self.generator, dtype=torch.float64))
        return round(low + (high - low) * u, 2)

    def values(self, *shape: int, scale: float = 1.5, dtype: torch.dtype = torch.float32) -> Tensor:
        """Normal numbers times ``scale``, rounded to 2 decimals."""
        raw = torch.randn(shape, generator=self.generator, dtype=torch.float64) * scale
        return (raw * 100).round().div(100).to(dtype)

    def signs(self, n: int) -> Tensor:
        """``n`` labels in {-1, +1} (int64)."""
        return 2 * torch.randint(0, 2, (n,), generator=self.generator) - 1

    def classes(self, n: int, k: int) -> Tensor:
        """``n`` class indices in ``[0, k)`` (int64)."""
        return torch.randint(0, k, (n,), generator=self.generator)


def with_fresh(
    cases: Sequence[Case], fresh: int | None, draw: FreshCases | None, salt: str
) -> Sequence[Case]:
    """The fixed ``cases``, then (for a seed ``fresh``) the cases ``draw`` makes from it.

    Example:
        >>> fixed = [Case("one", {"m": torch.zeros(1)})]
        >>> len(with_fresh(fixed, None, None, "x")), len(with_fresh(fixed, 3, lambda f: fixed, "x"))
        (1, 2)
    """
    if fresh is None:
        return cases
    if isinstance(fresh, bool) or not isinstance(fresh, int):
        raise TypeError(f"fresh must be an integer seed or None; got {type(fresh).__name__}")
    if draw is None:
        raise ValueError(f"the {salt} checker has no fresh inputs: call it without fresh=")
    return (*cases, *draw(Fresh(fresh, salt)))


def sample_label(case: Case, index: int) -> str:
    """Name entry ``index`` of a per-sample output: ``"sample 2"`` (0-based, as in Python)."""
    return f"sample {index}"


def margin_label(case: Case, index: int) -> str:
    """Name entry ``index`` by its margin, for functions of the margin ``m``: ``"m = -1.0"``."""
    return f"m = {format_number(case.inputs['m'].flatten()[index])}"


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """Standard normal numbers rounded to 2 decimals (readable in messages), from a private seed.

    The global random state is left alone, so running a checker never changes a lesson's numbers.
    """
    values = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return (values * 100).round().div(100).to(dtype)


def random_signs(n: int, *, seed: int) -> Tensor:
    """``n`` labels in {-1, +1} (int64) from a private seed."""
    bits = torch.randint(0, 2, (n,), generator=torch.Generator().manual_seed(seed))
    return 2 * bits - 1


def random_classes(n: int, k: int, *, seed: int) -> Tensor:
    """``n`` class indices in ``[0, k)`` (int64) from a private seed."""
    return torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed))


def show_figure(fig: Any) -> None:
    """Show a problem's figure once, in a notebook, and close it; elsewhere leave it open.

    In a notebook the figure is displayed where the problem is posed, whatever pyplot's
    interactive mode; closing it keeps pyplot from showing it a second time.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # no IPython: a script or a test draws into the figure only
        return
    if get_ipython() is None:
        return
    import matplotlib.pyplot as plt

    display(fig)
    plt.close(fig)


def fresh_binary_batches(draw: Fresh, *, with_margin: bool = False) -> list[Case]:
    """Two fresh binary batches (float32, then float64), ``scores`` and ``targets`` in {-1, +1},
    every third sample exactly at :math:`y s = 1` (the kink); with ``with_margin``, each with a
    random ``margin`` option in [0.5, 3].

    >>> [case.what for case in fresh_binary_batches(Fresh(0, "doctest"))]
    ['fresh random batch', 'fresh random float64 batch']
    """
    cases = []
    for what, dtype in (("fresh random batch", torch.float32),
                        ("fresh random float64 batch", torch.float64)):
        n = draw.size(1, 12)
        scores, targets = draw.values(n, dtype=dtype), draw.signs(n)
        scores[::3] = targets[::3].to(dtype)  # every third sample exactly at y * s = 1
        options = {"margin": draw.uniform(0.5, 3.0)} if with_margin else {}
        cases.append(Case(what, {"scores": scores, "targets": targets}, options))
    return cases


def report(passed: bool, n_checks: int, message: str) -> CheckResult:
    """Print ``message`` for the student and return it as a :class:`CheckResult`."""
    print(message)  # noqa: T201 - a checker's job is to tell the student, in the notebook
    return CheckResult(passed=passed, n_checks=n_checks, message=message)


def run_checks(
    *,
    name: str,
    student: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[Case],
    mistakes: Sequence[Mistake] = (),
    covered: str,
    signature: str,
    entry: EntryLabel = sample_label,
    fresh: int | None = None,
    fresh_cases: FreshCases | None = None,
) -> CheckResult:
    """Check ``student`` against ``reference`` on every case; print and return the outcome.

    The message is one line on success (``All 6 checks passed: your <name> matches the reference,
    including <covered>.``) and on failure describes the first failing case only.

    Args:
        name: what the student wrote, e.g. ``"hinge_loss"``.
        student: the student's function.
        reference: the library function that gives the right answer.
        cases: the inputs, checked in order.
        mistakes: known-wrong variants with their hints.
        covered: the edge cases worth naming in the success line.
        signature: how the checker calls the function, e.g. ``"f(scores, targets)"``.
        entry: names an entry of the output in messages (default ``"sample i"``).
        fresh: a seed: after ``cases``, check the cases ``fresh_cases`` draws from it.
        fresh_cases: makes the fresh cases from a :class:`Fresh`.
    """
    cases = with_fresh(cases, fresh, fresh_cases, name)
    if not callable(student):
        message = (
            f"Expected a function, got {type(student).__name__}: pass the function itself, "
            f"e.g. check(my_fn), not check(my_fn(...))."
        )
        return report(False, len(cases), message)
    for number, case in enumerate(cases, start=1):
        failure = check_case(student, reference, case, mistakes, signature=signature, entry=entry)
        if failure is not None:
            message = (
                f"Check {number} of {len(cases)} failed: {case.what}\n"
                f"  input: {describe_inputs(case)}\n{failure}"
            )
            return report(False, len(cases), message)
    if fresh is not None:
        covered = f"{covered}, and on fresh random inputs"
    message = (
        f"All {len(cases)} checks passed: your {name} matches the reference, including {covered}."
    )
    return report(True, len(cases), message)


def check_case(
    student: Callable[..., Any],
    reference: Callable[..., Any],
    case: Case,
    mistakes: Sequence[Mistake] = (),
    *,
    signature: str,
    entry: EntryLabel = sample_label,
    atol: float = ATOL,
    check_dtype: bool = True,
) -> str | None:
    """Run one case: ``None`` if the student's output matches the reference, else what is wrong.

    ``check_dtype=False`` accepts any floating dtype (for numbers typed by hand).
    """
    answer = _call(reference, case)
    expected = torch.as_tensor(answer).detach()
    inputs = _copy(case.inputs)
    try:
        raw = _run_with_timeout(student, list(inputs.values()), _copy(case.options), TIMEOUT)
    except _StillRunning:
        return (
            f"  your function was still running after {TIMEOUT:g} s on this input, so the "
            f"checker stopped it: is there a loop that never ends (a `while` whose condition "
            f"never changes)? The reference answers in well under a second."
        )
    except Exception as error:  # noqa: BLE001 - any error of the student's code is a finding
        return _explain_exception(error, signature)
    changed = [k for k, v in inputs.items() if not _same(v, case.inputs[k])]
    if changed:
        return (
            f"  your function changed its input {changed[0]!r} in place (e.g. with x[...] = ... "
            f"or a method ending in _): work on a copy, or build a new tensor."
        )
    got, problem = _as_tensor(raw)
    if got is None:
        return f"  {problem}"
    hint = _whole_output_hint(got, case, mistakes, atol)
    if not _same_shape(got, expected):
        lines = [f"  expected {_shape_words(expected)}, got {_shape_words(got)}"]
        if hint is None and got.numel() == expected.numel():
            hint = (
                f"the right number of values in the wrong shape: return shape "
                f"{tuple(expected.shape)} (a .squeeze() too many, or one too few?)"
            )
        return _with_hint(lines, hint)
    got = got.reshape(expected.shape)
    wrong = ~torch.isclose(_f64(got), _f64(expected), rtol=RTOL, atol=atol, equal_nan=True)
    if bool(wrong.any()):
        index = int(torch.nonzero(wrong.flatten())[0])
        where = f"{entry(case, index)}: " if expected.dim() > 0 else ""
        exp_i, got_i = expected.flatten()[index], got.flatten()[index]
        lines = [f"  {where}expected {format_number(exp_i)}, got {format_number(got_i)}"]
        more = int(wrong.sum()) - 1
        if more:
            lines[0] += f" ({more} more {'entry is' if more == 1 else 'entries are'} wrong too)"
        label = "hint"
        if hint is None:
            hint = _entry_hint(got_i, index, case, mistakes, expected.shape, atol)
            label = "hint for this entry"
        if hint is None and bool(torch.isnan(got_i)):
            hint = "nan comes from inf - inf, inf / inf or 0 * inf: does an exp() overflow?"
        return _with_hint(lines, hint, label)
    if not (check_dtype and isinstance(answer, Tensor)):
        return None  # a Python number as the reference answer has no dtype to keep
    return _dtype_problem(raw, got, expected)


def describe_inputs(case: Case) -> str:
    """``scores=[2.0, -1.0], targets=[1, -1], margin=2.0``: the case's arguments, readable."""
    items = {**case.inputs, **case.options}
    return ", ".join(f"{key}={_render(value)}" for key, value in items.items())


# --- calling and converting -------------------------------------------------------------------


def _copy(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.clone() if isinstance(v, Tensor) else v for k, v in values.items()}


def _call(fn: Callable[..., Any], case: Case) -> Any:
    return fn(*_copy(case.inputs).values(), **_copy(case.options))


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, Tensor):
        return isinstance(a, Tensor) and a.shape == b.shape and bool(torch.equal(a, b))
    return True


class _StillRunning(BaseException):
    """A student's function ran past the checker's time limit.

    A ``BaseException``, like ``KeyboardInterrupt``: a student's ``except Exception`` must not
    swallow it and turn an endless loop into a wrong answer.
    """


def _run_with_timeout(
    fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], seconds: float
) -> Any:
    """``fn(*args, **kwargs)``, or :class:`_StillRunning` once it has run ``seconds``.

    In the main thread of a Unix process (a notebook kernel) an interval timer interrupts the
    call, so an endless loop is stopped. Elsewhere (Windows, other threads) the call runs in a
    daemon thread that is abandoned after ``seconds``: the checker answers, the loop runs on
    until the kernel is interrupted or restarted.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():

        def interrupt(signum: int, frame: Any) -> None:
            raise _StillRunning

        previous = signal.signal(signal.SIGALRM, interrupt)
        outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer_delay > 0:  # someone else's timer (e.g. a test runner's) was running: re-arm
                left = max(outer_delay - (time.monotonic() - start), 1e-3)
                signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _StillRunning
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _as_tensor(raw: Any) -> tuple[Tensor | None, str]:
    if raw is None:
        return None, "your function returned None: did you forget the `return` statement?"
    if isinstance(raw, Tensor):
        if raw.is_meta:
            return None, (
                "your function returned a tensor on the 'meta' device, which has a shape but no "
                "values: compute on the inputs' device (no device='meta')"
            )
        if raw.layout != torch.strided:
            return None, (
                f"your function returned a sparse tensor (layout {raw.layout}): return a dense "
                f"one, e.g. result.to_dense()"
            )
        return raw.detach().cpu(), ""
    try:
        return torch.as_tensor(raw).detach(), ""
    except Exception as error:  # noqa: BLE001 - whatever the student returned, say what it is
        kind = type(raw).__name__
        return None, f"your function returned a {kind} that is not numbers ({error})"


def _f64(x: Tensor) -> Tensor:
    return x.to(torch.float64)


def _same_shape(got: Tensor, expected: Tensor) -> bool:
    if expected.dim() == 0:  # a single number: 0.5, tensor(0.5) and tensor([0.5]) all do
        return got.numel() == 1
    return got.shape == expected.shape


def _explain_exception(error: Exception, signature: str) -> str:
    if isinstance(error, NotImplementedError):
        return (
            "  your function raised NotImplementedError: not solved yet, replace the line "
            "`raise NotImplementedError()` with your code"
        )
    text = f"  your function raised {type(error).__name__}: {error}"
    if isinstance(error, TypeError) and re.search(r"argument|positional", str(error)):
        return f"{text}\n  hint: the checker calls your function as {signature}"
    return text


def _dtype_problem(raw: Any, got: Tensor, expected: Tensor) -> str | None:
    if expected.dtype == torch.bool and got.dtype != torch.bool:
        return (
            f"  the values are right but have dtype {_dtype_name(got.dtype)}; a mask must be bool "
            f"(a comparison such as y * s < 1 already is one), or indexing with it goes wrong"
        )
    if not isinstance(raw, Tensor):
        # An array (NumPy's) has a dtype of its own: check it as a tensor's. A list of Python
        # floats has none (each is a double), so only integers where floats belong are wrong.
        typed = hasattr(raw, "dtype") or not got.is_floating_point()
        if expected.is_floating_point() and got.dtype != expected.dtype and typed:
            return (
                f"  the values are right but your function returned a {type(raw).__name__} of "
                f"dtype {_dtype_name(got.dtype)}, the reference a {_dtype_name(expected.dtype)} "
                f"tensor: return a tensor built from the float inputs (torch operations on them, "
                f"or torch.as_tensor(result, dtype=scores.dtype))"
            )
        return None
    if expected.is_floating_point() and raw.dtype != expected.dtype:
        return (
            f"  the values are right but your result has dtype {_dtype_name(raw.dtype)}, "
            f"the reference {_dtype_name(expected.dtype)}: build the result from the float "
            f"inputs (torch.zeros_like(x) of a float input x), not from integer labels or "
            f"torch.zeros(n)"
        )
    return None


# --- diagnosis --------------------------------------------------------------------------------


def _mistake_output(mistake: Mistake, case: Case) -> Tensor | None:
    try:
        return torch.as_tensor(_call(mistake.answer, case)).detach()
    except Exception:  # noqa: BLE001 - a variant that cannot run on this case explains nothing
        return None


def _whole_output_hint(
    got: Tensor, case: Case, mistakes: Sequence[Mistake], atol: float
) -> str | None:
    for mistake in mistakes:
        wrong = _mistake_output(mistake, case)
        if wrong is not None and wrong.shape == got.shape and _close(got, wrong, atol):
            return mistake.hint
    return None


def _entry_hint(
    got_i: Tensor,
    index: int,
    case: Case,
    mistakes: Sequence[Mistake],
    shape: tuple[int, ...],
    atol: float,
) -> str | None:
    for mistake in mistakes:
        wrong = _mistake_output(mistake, case)
        if (
            wrong is not None
            and wrong.shape == shape
            and _close(got_i, wrong.flatten()[index], atol)
        ):
            return mistake.hint
    return None


def _close(a: Tensor, b: Tensor, atol: float) -> bool:
    return bool(torch.isclose(_f64(a), _f64(b), rtol=RTOL, atol=atol, equal_nan=True).all())


def _with_hint(lines: list[str], hint: str | None, label: str = "hint") -> str:
    if hint:
        lines.append(f"  {label}: {hint}")
    return "\n".join(lines)


# --- formatting -------------------------------------------------------------------------------


def format_number(x: Any) -> str:
    """Round to 4 decimals for reading: 0.6, 1.3333, nan, -inf, True."""
    if isinstance(x, Tensor):
        x = x.item()
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    rounded = round(x, 4)
    return repr(rounded + 0.0)  # + 0.0 turns -0.0 into 0.0


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _shape_words(x: Tensor) -> str:
    if x.dim() == 0:
        return "a single number"
    return f"shape {tuple(x.shape)}"


def _nested(values: Any) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_nested(v) for v in values) + "]"
    return format_number(values)


def _render(value: Any) -> str:
    if isinstance(value, Tensor):
        if value.numel() > 12:
            return f"<{_dtype_name(value.dtype)} tensor of shape {tuple(value.shape)}>"
        text = _nested(value.tolist())
        if value.numel() == 0:
            text = f"<empty tensor of shape {tuple(value.shape)}>"
        if value.dtype == torch.float64:
            text += " (float64)"
        return text
    if isinstance(value, float):
        return format_number(value)
    return repr(value)
