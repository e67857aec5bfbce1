"""Lesson 4 (multi-class): the Weston-Watkins and Crammer-Singer hinge losses, per sample."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import crammer_singer_loss, weston_watkins_loss
from ._engine import Case, CheckResult, Fresh, Mistake, randn, random_classes, run_checks

__all__ = ["check_crammer_singer", "check_true_class_gradient", "check_weston_watkins"]

_t = torch.tensor

# Shared by both checkers: the same inputs, two losses.
_CASES = (
    Case(
        "4 samples, 3 classes",
        {
            "scores": _t([[3.0, 1.2, -0.5], [0.5, 1.8, 2.0], [1.0, 1.0, 0.2], [-1.0, 0.4, 0.9]]),
            "targets": _t([0, 2, 1, 0]),
        },
    ),
    Case(
        "ties exactly on the hinge (s_k = s_c - 1)",
        {
            "scores": _t([[2.0, 1.0, 1.0], [0.0, 1.0, -0.5], [0.5, 1.5, 0.5]]),
            "targets": _t([0, 1, 2]),
        },
    ),
    Case(
        "K = 2 classes",
        {"scores": _t([[1.0, -1.0], [0.2, 0.7], [3.0, 2.5]]), "targets": _t([0, 0, 1])},
    ),
    Case("a single sample", {"scores": _t([[0.3, -0.2, 0.9, 0.1]]), "targets": _t([3])}),
    Case(
        "all classes with equal scores",
        {"scores": _t([[0.7, 0.7, 0.7, 0.7], [-2.0, -2.0, -2.0, -2.0]]), "targets": _t([1, 3])},
    ),
    Case(
        "float64 scores, 6 samples, 5 classes",
        {
            "scores": randn(6, 5, seed=41, dtype=torch.float64),
            "targets": random_classes(6, 5, seed=42),
        },
    ),
    Case(
        "an empty batch (0 samples, 3 classes)",
        {"scores": torch.zeros(0, 3), "targets": torch.zeros(0, dtype=torch.long)},
    ),
)


def _fresh(draw: Fresh) -> list[Case]:
    cases = []
    for what in ("fresh random scores", "fresh random float64 scores"):
        n, k = draw.size(1, 8), draw.size(2, 6)
        dtype = torch.float64 if "float64" in what else torch.float32
        # + k/1000 per class: no two classes differ by exactly 1, so no tie sits on a kink
        # that rounding could move to either side
        offsets = torch.arange(k, dtype=torch.float64) / 1000
        scores = (draw.values(n, k, dtype=torch.float64) + offsets).to(dtype)
        cases.append(Case(f"{what}, {n} samples, {k} classes",
                          {"scores": scores, "targets": draw.classes(n, k)}))
    return cases


_COVERED = "ties on the hinge, K = 2, a single sample, all-equal scores and an empty batch"


def _terms(s: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``s_k - s_c + 1`` for every class, and the mask of the wrong classes ``k != c``."""
    true_score = s.gather(1, c.long().unsqueeze(1))
    wrong = torch.ones_like(s, dtype=torch.bool).scatter(1, c.long().unsqueeze(1), False)
    return s - true_score + 1, wrong


def _ww(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    return weston_watkins_loss(s, c, reduction="none")


def _cs(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    return crammer_singer_loss(s, c, reduction="none")


def _ww_without_clamp(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return (terms * wrong).sum(1)


def _ww_flipped(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return ((2 - terms).clamp(min=0) * wrong).sum(1)  # max(0, s_c - s_k + 1)


def _ww_no_margin(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return ((terms - 1).clamp(min=0) * wrong).sum(1)


def _cs_including_true(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, _ = _terms(s, c)
    return terms.amax(1).clamp(min=0)


def _cs_without_clamp(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return terms.masked_fill(~wrong, float("-inf")).amax(1)


def _cs_flipped(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return (2 - terms).masked_fill(~wrong, float("-inf")).amax(1).clamp(min=0)


def _cs_no_margin(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return (terms - 1).masked_fill(~wrong, float("-inf")).amax(1).clamp(min=0)


_PER_SAMPLE = "you returned one number: the exercise asks for one loss per sample (no .mean())"

_WW_MISTAKES = (
    Mistake(
        "did you include the true class? Its term is max(0, s_c - s_c + 1) = 1, so every sample "
        "comes out exactly 1 too high: leave k = c out of the sum",
        lambda s, c: _ww(s, c) + 1,
    ),
    Mistake(
        "did you divide by the number of classes K? That is torch's nn.MultiMarginLoss "
        "convention; the Weston-Watkins loss here is the plain sum over k != c",
        lambda s, c: _ww(s, c) / s.shape[1],
    ),
    Mistake(
        "you took the max over the wrong classes: that is the Crammer-Singer loss. "
        "Weston-Watkins sums the violations of every wrong class",
        _cs,
    ),
    Mistake(
        "a term below 0 must count as 0: did you forget the clamp, max(0, s_k - s_c + 1), "
        "before summing?",
        _ww_without_clamp,
    ),
    Mistake(
        "wrong sign: each term is s_k - s_c + 1 (wrong class minus true class, plus the margin)",
        _ww_flipped,
    ),
    Mistake("did you forget the margin? Each term is max(0, s_k - s_c + 1)", _ww_no_margin),
    Mistake(
        "you squared the terms: that is the squared multi-class hinge (p = 2)",
        lambda s, c: weston_watkins_loss(s, c, p=2, reduction="none"),
    ),
    Mistake(_PER_SAMPLE, lambda s, c: _ww(s, c).mean()),
)


def check_weston_watkins(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(scores, targets)``: per-sample Weston-Watkins losses with margin 1.

    .. math::
        \ell_n = \sum_{k \neq c_n} \max(0,\; s_{nk} - s_{n c_n} + 1)

    Shape:
        - scores: :math:`(N, K)`; targets: :math:`(N)` class indices in :math:`[0, K)`;
          output: :math:`(N)`.

    Example::

        >>> def ww(scores, targets):
        ...     true = scores.gather(1, targets.unsqueeze(1))
        ...     terms = torch.clamp(scores - true + 1, min=0)
        ...     return terms.sum(1) - 1  # the true class adds max(0, 1) = 1: take it away
        >>> # first case, sample 3: (0.4 + 1 + 1) + (0.9 + 1 + 1) = 2.4 + 2.9 = 5.3
        >>> result = check_weston_watkins(ww)
        All 7 checks passed: your weston_watkins matches the reference, including ties on the hinge, K = 2, a single sample, all-equal scores and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="weston_watkins",
        student=fn,
        reference=_ww,
        cases=_CASES,
        mistakes=_WW_MISTAKES,
        covered=_COVERED,
        signature="f(scores, targets)",
        fresh=fresh,
        fresh_cases=_fresh,
    )


_CS_MISTAKES = (
    Mistake(
        "you summed over the wrong classes: that is the Weston-Watkins loss. Crammer-Singer "
        "only looks at the best wrong class: max(0, max_{k != c} s_k - s_c + 1)",
        _ww,
    ),
    Mistake(
        "did you take the max over all classes, the true one included? Its term is 1, so the "
        "loss never drops below 1: leave k = c out of the max",
        _cs_including_true,
    ),
    Mistake(
        "a negative value must count as 0: did you forget the clamp max(0, ...)?",
        _cs_without_clamp,
    ),
    Mistake(
        "wrong sign: the term is s_k - s_c + 1 (best wrong class minus true class, plus 1)",
        _cs_flipped,
    ),
    Mistake("did you forget the margin? max(0, max_{k != c} s_k - s_c + 1)", _cs_no_margin),
    Mistake(
        "that is torch's nn.MultiMarginLoss: the Weston-Watkins sum divided by K. "
        "Crammer-Singer keeps only the best wrong class: max(0, max_{k != c} s_k - s_c + 1)",
        lambda s, c: _ww(s, c) / s.shape[1],
    ),
    Mistake(
        "did you divide by the number of classes K? Crammer-Singer takes no average",
        lambda s, c: _cs(s, c) / s.shape[1],
    ),
    Mistake(_PER_SAMPLE, lambda s, c: _cs(s, c).mean()),
)


def check_crammer_singer(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(scores, targets)``: per-sample Crammer-Singer losses with margin 1.

    .. math::
        \ell_n = \max\bigl(0,\; \max_{k \neq c_n} s_{nk} - s_{n c_n} + 1\bigr)

    Shape:
        - scores: :math:`(N, K)`; targets: :math:`(N)` class indices in :math:`[0, K)`;
          output: :math:`(N)`.

    Example::

        >>> def cs(scores, targets):
        ...     true = scores.gather(1, targets.unsqueeze(1)).squeeze(1)
        ...     rivals = scores.scatter(1, targets.unsqueeze(1), float("-inf"))
        ...     return torch.clamp(rivals.amax(1) - true + 1, min=0)
        >>> # first case, sample 3: best rival 0.9, so 0.9 - (-1.0) + 1 = 2.9
        >>> result = check_crammer_singer(cs)
        All 7 checks passed: your crammer_singer matches the reference, including ties on the hinge, K = 2, a single sample, all-equal scores and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="crammer_singer",
        student=fn,
        reference=_cs,
        cases=_CASES,
        mistakes=_CS_MISTAKES,
        covered=_COVERED,
        signature="f(scores, targets)",
        fresh=fresh,
        fresh_cases=_fresh,
    )


# --- how hard the loss pulls on the true class's score ----------------------------------------


def _violating(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    terms, wrong = _terms(s, c)
    return (terms > 0) & wrong  # 0 at the kink, as everywhere in the collection


def _true_class_gradient(s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    return -_violating(s, c).sum(1).to(s.dtype)


_PULL_MISTAKES = (
    Mistake(
        "wrong sign: raising the true class's score can only lower the loss",
        lambda s, c: -_true_class_gradient(s, c),
    ),
    Mistake(
        "you counted every wrong class; a class whose term max(0, s_k - s_c + 1) is 0 stays 0 "
        "for a small change of s_c, and adds nothing",
        lambda s, c: torch.full((s.shape[0],), -(s.shape[1] - 1.0), dtype=s.dtype),
    ),
    Mistake(
        "one too many in every row: the true class has no term in the Weston-Watkins sum",
        lambda s, c: _true_class_gradient(s, c) - 1,
    ),
    Mistake(
        "that is the Crammer-Singer loss's slope (only the best wrong class counts); "
        "Weston-Watkins sums a term per wrong class",
        lambda s, c: -(_violating(s, c).any(1)).to(s.dtype),
    ),
    Mistake(
        "a term exactly at 0 (s_k = s_c - 1) has slope 0 here, as at every kink in this "
        "collection: count only the terms that are positive",
        lambda s, c: -((_terms(s, c)[0] >= 0) & _terms(s, c)[1]).sum(1).to(s.dtype),
    ),
    Mistake(
        "did you divide by K? That is nn.MultiMarginLoss's convention; this loss is the plain sum",
        lambda s, c: _true_class_gradient(s, c) / s.shape[1],
    ),
    Mistake("you returned the loss, not its slope", _ww),
    Mistake(
        "you returned one number: the exercise asks for one slope per sample",
        lambda s, c: _true_class_gradient(s, c).sum(),
    ),
)


def check_true_class_gradient(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(scores, targets)``: the Weston-Watkins loss's slope in the true class's score.

    .. math::
        \frac{\partial \ell_n}{\partial s_{n c_n}}, \qquad
        \ell_n = \sum_{k \neq c_n} \max(0,\; s_{nk} - s_{n c_n} + 1)

    One number per sample, in the scores' dtype, 0 at a kink (a term exactly at 0). It says how
    many wrong classes still pull on the true score.

    Shape:
        - scores: :math:`(N, K)`; targets: :math:`(N)` class indices; output: :math:`(N)`.

    Example::

        >>> def pull(scores, targets):
        ...     true = scores.gather(1, targets.unsqueeze(1))
        ...     active = (scores - true + 1 > 0).sum(1) - 1  # the true class's own term is 1 > 0
        ...     return -active.to(scores.dtype)
        >>> result = check_true_class_gradient(pull)
        All 7 checks passed: your true_class_gradient matches the reference, including ties on the hinge, K = 2, a single sample, all-equal scores and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="true_class_gradient",
        student=fn,
        reference=_true_class_gradient,
        cases=_CASES,
        mistakes=_PULL_MISTAKES,
        covered=_COVERED,
        signature="f(scores, targets)",
        fresh=fresh,
        fresh_cases=_fresh,
    )
