"""The exercise checkers: right answers pass in one line, typical wrong answers fail with the hint.

Right answers are written independently of the library (naive loops, hand formulas), so a pass also
confirms the reference answers on the checkers' inputs. Wrong answers are the mistakes students
make; each must fail and print the hint that names it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hinge_utils.exercises import (
    CheckResult,
    check_crammer_singer,
    check_fade_margin,
    check_functional_margin,
    check_geometric_margin,
    check_hinge_by_hand,
    check_hinge_gradient,
    check_hinge_loss,
    check_lambda_for_margin,
    check_lambda_from_C,
    check_logistic_gradient,
    check_max_margin_line,
    check_ramp_loss,
    check_smooth_hinge,
    check_squared_hinge,
    check_squared_hinge_gradient,
    check_support_vectors,
    check_svm_objective,
    check_true_class_gradient,
    check_violators,
    check_weston_watkins,
    check_which_loss,
    gradient_plot_problem,
    hinge_by_hand_problem,
    lesson1_margins,
    lesson2_hinge,
    lesson3_smooth,
    lesson4_multiclass,
    lesson5_gradients,
    lesson6_cross_entropy,
    lesson7_training,
    max_margin_problem,
    support_vector_problem,
)

# --- right answers, written without the library ----------------------------------------------


def margin_ok(scores, targets):
    return targets * scores


def geometric_ok(weight, bias, X, y):
    norm = math.sqrt(sum(float(w) ** 2 for w in weight))
    return y * (X @ weight + bias) / norm


def hinge_ok(scores, targets, margin=1.0):
    return torch.clamp(margin - targets * scores, min=0)


def hinge_loop(scores, targets, margin=1.0):  # a plain loop returning a list of Python floats
    return [max(0.0, margin - float(t) * float(s)) for s, t in zip(scores, targets, strict=True)]


def squared_ok(scores, targets):
    return torch.clamp(1 - targets * scores, min=0) ** 2


def smooth_ok(m):
    out = torch.zeros_like(m)
    for i, v in enumerate(m.tolist()):
        out[i] = 0.5 - v if v <= 0 else (0.5 * (1 - v) ** 2 if v < 1 else 0.0)
    return out


def ww_loop(scores, targets):
    losses = torch.zeros(scores.shape[0], dtype=scores.dtype)
    for n in range(scores.shape[0]):
        c = int(targets[n])
        for k in range(scores.shape[1]):
            if k != c:
                losses[n] += max(0.0, float(scores[n, k] - scores[n, c] + 1))
    return losses


def cs_loop(scores, targets):
    losses = torch.zeros(scores.shape[0], dtype=scores.dtype)
    for n in range(scores.shape[0]):
        c = int(targets[n])
        rival = max(float(scores[n, k]) for k in range(scores.shape[1]) if k != c)
        losses[n] = max(0.0, rival - float(scores[n, c]) + 1)
    return losses


def gradient_ok(scores, targets):
    y = targets.to(scores.dtype)
    return torch.where(y * scores < 1, -y, torch.zeros_like(y))


def violators_ok(scores, targets):
    return targets * scores < 1


def logistic_ok(m):
    return -1 / (1 + torch.exp(m))  # exp(1000) = inf gives -1 / inf = -0: finite


def ramp_ok(m):
    return torch.clamp(1 - m, min=0, max=1)


def objective_ok(weight, bias, X, y, lam):
    hinge = torch.clamp(1 - y * (X @ weight + bias), min=0)
    return hinge.mean() + lam / 2 * (weight**2).sum()


def lambda_ok(C, n):
    return 1.0 / (n * C)


def squared_gradient_ok(scores, targets):  # d/ds max(0, 1 - y s)^2 by autograd, per sample
    s = scores.detach().clone().requires_grad_(True)
    (torch.clamp(1 - targets.to(s.dtype) * s, min=0) ** 2).sum().backward()
    return s.grad


def true_class_pull_loop(scores, targets):  # count the wrong classes whose term is positive
    out = torch.zeros(scores.shape[0], dtype=scores.dtype)
    for n in range(scores.shape[0]):
        c = int(targets[n])
        out[n] = -sum(
            1
            for k in range(scores.shape[1])
            if k != c and float(scores[n, k] - scores[n, c]) + 1 > 0
        )
    return out


def fade_ok(eps):  # solve sigmoid(-m) = eps numerically, without the closed form
    from scipy.optimize import brentq

    eps = float(eps)
    return brentq(lambda m: 1 / (1 + math.exp(m)) - eps, -50, 50, xtol=1e-12)


def lambda_for_margin_ok(lam, margin):
    return lam * margin


RIGHT = [
    (check_functional_margin, margin_ok, 6),
    (check_geometric_margin, geometric_ok, 5),
    (check_hinge_loss, hinge_ok, 6),
    (check_squared_hinge, squared_ok, 5),
    (check_smooth_hinge, smooth_ok, 6),
    (check_weston_watkins, ww_loop, 7),
    (check_crammer_singer, cs_loop, 7),
    (check_hinge_gradient, gradient_ok, 5),
    (check_violators, violators_ok, 5),
    (check_logistic_gradient, logistic_ok, 5),
    (check_ramp_loss, ramp_ok, 5),
    (check_svm_objective, objective_ok, 4),
    (check_lambda_from_C, lambda_ok, 4),
    (check_squared_hinge_gradient, squared_gradient_ok, 5),
    (check_true_class_gradient, true_class_pull_loop, 7),
    (check_fade_margin, fade_ok, 5),
    (check_lambda_for_margin, lambda_for_margin_ok, 5),
]


@pytest.mark.parametrize(("checker", "fn", "n"), RIGHT, ids=[r[0].__name__ for r in RIGHT])
def test_a_right_answer_passes_with_one_line(checker, fn, n, capsys):
    result = checker(fn)
    out = capsys.readouterr().out
    assert isinstance(result, CheckResult)
    assert result.passed and bool(result) and result.n_checks == n
    assert out.count("\n") == 1 and out.startswith(f"All {n} checks passed: your ")
    assert out == result.message + "\n"
    assert repr(result) == f"CheckResult(passed=True, {n} checks)"


def test_a_loop_returning_a_list_of_floats_passes(capsys):
    assert check_hinge_loss(hinge_loop)
    assert capsys.readouterr().out.startswith("All 6 checks passed")


def test_numpy_and_python_float_answers_are_read_as_numbers(capsys):
    assert check_hinge_loss(lambda s, t, margin=1.0: hinge_ok(s, t, margin).numpy())
    assert check_svm_objective(lambda w, b, X, y, lam: float(objective_ok(w, b, X, y, lam)))
    # a one-element tensor is a fine single number
    assert check_svm_objective(lambda w, b, X, y, lam: objective_ok(w, b, X, y, lam).reshape(1))


# --- wrong answers: each fails, and prints the hint that names the mistake --------------------


def _ys(s, y):
    return y.to(s.dtype) * s


def _ww_terms(s, c):
    return s - s.gather(1, c.unsqueeze(1)) + 1


def _geometric_norm2(w, b, X, y):
    return y * (X @ w + b) / (w @ w)


def _hinge_zeros_like_targets(s, t, margin=1.0):
    out = torch.zeros_like(t)  # int64 when the labels are: 0.75 is stored as 0
    for i in range(len(s)):
        out[i] = max(0.0, margin - float(t[i] * s[i]))
    return out


def _autograd_gradient(s, t):
    s = s.clone().requires_grad_(True)
    torch.clamp(1 - t * s, min=0).sum().backward()
    return s.grad


def _maximum_gradient(s, t):
    s = s.clone().requires_grad_(True)
    torch.maximum(torch.zeros_like(s), 1 - t * s).sum().backward()
    return s.grad


WRONG = [
    # lesson 1
    (check_functional_margin, lambda s, y: s, "without multiplying by the labels"),
    (check_functional_margin, lambda s, y: (y * s).mean(), "one margin per sample"),
    (check_functional_margin, lambda s, y: 1 - y * s, "inside of the hinge"),
    (check_geometric_margin, lambda w, b, X, y: y * (X @ w + b), "forget to divide by ||w||"),
    (check_geometric_margin, _geometric_norm2, "divide by ||w||^2"),
    (
        check_geometric_margin,
        lambda w, b, X, y: y * (X @ w) / torch.linalg.norm(w),
        "leave out the bias",
    ),
    (
        check_geometric_margin,
        lambda w, b, X, y: (X @ w + b) / torch.linalg.norm(w),
        "forget the label y",
    ),
    (
        check_geometric_margin,
        lambda w, b, X, y: (X @ w + b).abs() / torch.linalg.norm(w),
        "unsigned distance",
    ),
    (
        check_geometric_margin,
        lambda w, b, X, y: (y * (X @ w + b) / torch.linalg.norm(w)).min(),
        "smallest margin",
    ),
    # lesson 2
    (check_hinge_loss, lambda s, t, margin=1.0: margin - t * s, "forget the clamp at 0"),
    (check_hinge_loss, lambda s, t, margin=1.0: hinge_ok(s, t), "where the margin argument"),
    (check_hinge_loss, lambda s, t, margin=1.0: hinge_ok(s, t, margin).mean(), "(no .mean())"),
    (check_hinge_loss, lambda s, t, margin=1.0: hinge_ok(s, t, margin).sum(), "(no .sum())"),
    (check_hinge_loss, lambda s, t, margin=1.0: (margin + t * s).clamp(min=0), "wrong sign"),
    (check_hinge_loss, lambda s, t, margin=1.0: (margin - s).clamp(min=0), "forget the label"),
    (
        check_hinge_loss,
        lambda s, t, margin=1.0: (margin - (2 * t - 1) * s).clamp(min=0),
        "2 * y - 1",
    ),
    (check_hinge_loss, lambda s, t, margin=1.0: hinge_ok(s, t, margin) ** 2, "squared hinge"),
    (check_hinge_loss, _hinge_zeros_like_targets, "rounded down to whole numbers"),
    # lesson 3
    (check_squared_hinge, lambda s, t: hinge_ok(s, t), "forgot to square"),
    (check_squared_hinge, lambda s, t: (1 - t * s) ** 2, "square before clamping"),
    (check_squared_hinge, lambda s, t: 0.5 * squared_ok(s, t), "halved"),
    (check_squared_hinge, lambda s, t: squared_ok(s, t).mean(), "one loss per sample"),
    (check_smooth_hinge, lambda m: torch.clamp(1 - m, min=0), "plain hinge"),
    (check_smooth_hinge, lambda m: 0.5 * torch.clamp(1 - m, min=0) ** 2, "straight line 1/2 - m"),
    (
        check_smooth_hinge,
        lambda m: torch.where(m <= 0, 1 - m, 0.5 * torch.clamp(1 - m, min=0) ** 2),
        "not 1 - m",
    ),
    (
        check_smooth_hinge,
        lambda m: torch.where(m <= 0, 0.5 - m, torch.clamp(1 - m, min=0) ** 2),
        "drop the 1/2",
    ),
    # lesson 4
    (check_weston_watkins, lambda s, c: _ww_terms(s, c).clamp(min=0).sum(1), "the true class"),
    (check_weston_watkins, lambda s, c: ww_loop(s, c) / s.shape[1], "MultiMarginLoss"),
    (
        check_weston_watkins,
        lambda s, c: torch.nn.functional.multi_margin_loss(s, c, reduction="none"),
        "MultiMarginLoss",
    ),
    (check_weston_watkins, cs_loop, "Crammer-Singer"),
    (check_weston_watkins, lambda s, c: _ww_terms(s, c).sum(1) - 1, "forget the clamp"),
    (check_weston_watkins, lambda s, c: ww_loop(s, c).mean(), "one loss per sample"),
    (check_crammer_singer, ww_loop, "Weston-Watkins"),
    (
        check_crammer_singer,
        lambda s, c: _ww_terms(s, c).amax(1).clamp(min=0),
        "the true one included",
    ),
    (
        check_crammer_singer,
        lambda s, c: torch.nn.functional.multi_margin_loss(s, c, reduction="none"),
        "MultiMarginLoss",
    ),
    # lesson 5
    (check_hinge_gradient, _autograd_gradient, "torch.clamp's choice"),
    (check_hinge_gradient, _maximum_gradient, "torch.maximum splits"),
    (check_hinge_gradient, lambda s, t: -gradient_ok(s, t), "wrong sign"),
    (check_hinge_gradient, lambda s, t: (_ys(s, t) < 1).to(s.dtype), "you returned 1"),
    (check_hinge_gradient, lambda s, t: -(_ys(s, t) < 1).to(s.dtype), "-1 for every sample"),
    (
        check_hinge_gradient,
        lambda s, t: torch.where(_ys(s, t) < 0, -t.to(s.dtype), 0.0),
        "only misclassified",
    ),
    (check_hinge_gradient, lambda s, t: hinge_ok(s, t), "not its derivative"),
    (check_violators, lambda s, t: t * s <= 1, "use <, not <="),
    (check_violators, lambda s, t: t * s < 0, "only misclassified"),
    (check_violators, lambda s, t: torch.nonzero(t * s < 1).flatten(), "indices"),
    (check_violators, lambda s, t: (t * s < 1).float(), "must be bool"),
    (check_violators, lambda s, t: s < 1, "forget the label"),
    # lesson 6
    (check_logistic_gradient, lambda m: -torch.exp(-m) / (1 + torch.exp(-m)), "inf / inf"),
    (check_logistic_gradient, lambda m: torch.sigmoid(-m), "wrong sign"),
    (check_logistic_gradient, lambda m: -torch.sigmoid(m), "did you use sigmoid(m)"),
    (check_logistic_gradient, lambda m: -torch.sigmoid(-m) / math.log(2), "natural log"),
    (check_logistic_gradient, lambda m: torch.log1p(torch.exp(-m)), "not its derivative"),
    (check_ramp_loss, lambda m: torch.clamp(1 - m, min=0), "capped at 1"),
    (check_ramp_loss, lambda m: torch.clamp(1 - m, min=0, max=2), "capped at 2"),
    (check_ramp_loss, lambda m: torch.clamp(1 - m, max=1), "clamp at 0"),
    (check_ramp_loss, lambda m: (m <= 0).to(m.dtype), "zero-one loss"),
    # lesson 7
    (
        check_svm_objective,
        lambda w, b, X, y, lam: objective_ok(w, b, X, y, lam) + lam / 2 * b**2,
        "penalise the bias",
    ),
    (
        check_svm_objective,
        lambda w, b, X, y, lam: objective_ok(w, b, X, y, lam) + lam / 2 * (w @ w),
        "drop the 1/2",
    ),
    (
        check_svm_objective,
        lambda w, b, X, y, lam: torch.clamp(1 - y * (X @ w + b), min=0).sum() + lam / 2 * (w @ w),
        "sum the hinge losses",
    ),
    (
        check_svm_objective,
        lambda w, b, X, y, lam: torch.clamp(1 - y * (X @ w + b), min=0) + lam / 2 * (w @ w),
        "one value per sample",
    ),
    (check_lambda_from_C, lambda C, n: 1 / C, "forget n"),
    (check_lambda_from_C, lambda C, n: 1 / (2 * n * C), "(no 1/2)"),
    (check_lambda_from_C, lambda C, n: n * C, "upside down"),
    # the exercises that ask for understanding
    (check_squared_hinge_gradient, lambda s, t: -2 * torch.clamp(1 - t * s, min=0), "chain rule"),
    (check_squared_hinge_gradient, lambda s, t: -t * torch.clamp(1 - t * s, min=0), "factor 2"),
    (check_true_class_gradient, lambda s, c: true_class_pull_loop(s, c) - 1, "one too many"),
    (check_true_class_gradient, lambda s, c: -true_class_pull_loop(s, c), "wrong sign"),
    (check_fade_margin, lambda eps: math.log(1 / eps), "1/eps - 1"),
    (check_fade_margin, lambda eps: math.log2(1 / eps - 1), "log base 2"),
    (check_lambda_for_margin, lambda lam, margin: lam / margin, "the other way round"),
    (check_lambda_for_margin, lambda lam, margin: lam * margin**2, "divides out"),
]


@pytest.mark.parametrize(
    ("checker", "fn", "phrase"), WRONG, ids=[f"{w[0].__name__}-{w[2]}" for w in WRONG]
)
def test_a_typical_mistake_fails_with_its_hint(checker, fn, phrase, capsys):
    result = checker(fn)
    out = capsys.readouterr().out
    assert not result and not result.passed
    assert out.startswith("Check ") and " failed: " in out.splitlines()[0]
    assert "  input: " in out
    assert phrase in out, out
    assert repr(result) == f"CheckResult(passed=False, {result.n_checks} checks)"


# --- what the message says, in numbers worked out by hand -------------------------------------


def test_the_failure_names_the_case_the_entry_and_both_numbers(capsys):
    # Weston-Watkins, first case, sample 1: scores (0.5, 1.8, 2.0), true class 2:
    # max(0, 0.5 - 2 + 1) + max(0, 1.8 - 2 + 1) = 0 + 0.8 = 0.8; divided by K = 3: 0.2667
    check_weston_watkins(lambda s, c: ww_loop(s, c) / 3)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Check 1 of 7 failed: 4 samples, 3 classes"
    assert lines[1].startswith("  input: scores=[[3.0, 1.2, -0.5], [0.5, 1.8, 2.0],")
    assert lines[2] == "  sample 1: expected 0.8, got 0.2667 (2 more entries are wrong too)"
    assert lines[3].startswith("  hint: did you divide by the number of classes K?")


def test_kink_hint_is_given_on_the_kink_case(capsys):
    # case 2 scores (1, -1, 0.5, -0.5), labels (1, -1, -1, 1): y*s = 1, 1, -0.5, -0.5.
    # torch.clamp's autograd gives -y at y*s = 1: -1 for sample 0 where 0 is expected.
    check_hinge_gradient(_autograd_gradient)
    out = capsys.readouterr().out
    assert out.startswith("Check 2 of 5 failed: exactly at the kink, y * s = 1\n")
    assert "  sample 0: expected 0.0, got -1.0 (1 more entry is wrong too)\n" in out


def test_nan_is_reported_as_a_wrong_value(capsys):
    check_hinge_loss(lambda s, t, margin=1.0: torch.full_like(s, float("nan")))
    out = capsys.readouterr().out
    assert "sample 0: expected 0.0, got nan" in out
    assert "nan comes from" in out


def test_logistic_overflow_is_caught_at_minus_1000(capsys):
    check_logistic_gradient(lambda m: -torch.exp(-m) / (1 + torch.exp(-m)))
    out = capsys.readouterr().out
    assert out.startswith("Check 3 of 5 failed: extreme margins, |m| = 1000\n")
    assert "m = -1000.0: expected -1.0, got nan" in out


# --- robustness: the student's function misbehaves, the checker does not ----------------------


def test_an_exception_is_reported_not_raised(capsys):
    def broken(scores, targets, margin=1.0):
        raise IndexError("index 7 is out of bounds")

    result = check_hinge_loss(broken)
    out = capsys.readouterr().out
    assert not result
    assert "Check 1 of 6 failed: a mixed batch" in out
    assert "your function raised IndexError: index 7 is out of bounds" in out


def test_a_missing_parameter_names_how_the_checker_calls(capsys):
    check_hinge_loss(lambda scores, targets: hinge_ok(scores, targets))
    out = capsys.readouterr().out
    assert "Check 5 of 6 failed: margin=2.0" in out
    assert "raised TypeError" in out and "calls your function as" in out


def test_a_wrong_shape_is_reported(capsys):
    check_hinge_loss(lambda s, t, margin=1.0: hinge_ok(s, t, margin).unsqueeze(1))
    out = capsys.readouterr().out
    assert "expected shape (5,), got shape (5, 1)" in out
    assert "the right number of values in the wrong shape: return shape (5,)" in out


def test_a_single_sample_squeezed_to_a_number_is_a_wrong_shape(capsys):
    check_weston_watkins(lambda s, c: ww_loop(s, c).squeeze())
    out = capsys.readouterr().out
    assert out.startswith("Check 4 of 7 failed: a single sample\n")
    assert "expected shape (1,), got a single number" in out


def test_none_and_non_numbers_are_reported(capsys):
    assert not check_ramp_loss(lambda m: None)
    assert "returned None: did you forget the `return` statement?" in capsys.readouterr().out
    assert not check_ramp_loss(lambda m: "one")
    assert "returned a str that is not numbers" in capsys.readouterr().out


def test_a_result_that_is_not_a_function_is_explained(capsys):
    assert not check_ramp_loss(torch.tensor([1.0]))
    assert "pass the function itself" in capsys.readouterr().out


def test_a_float32_answer_to_float64_inputs_is_reported(capsys):
    check_hinge_loss(lambda s, t, margin=1.0: hinge_ok(s, t, margin).float())
    out = capsys.readouterr().out
    assert "Check 4 of 6 failed: float64 scores" in out
    assert "has dtype float32, the reference float64" in out


def test_changing_an_input_in_place_is_reported(capsys):
    def in_place(scores, targets, margin=1.0):
        scores.mul_(targets)
        return torch.clamp(margin - scores, min=0)

    check_hinge_loss(in_place)
    assert "changed its input 'scores' in place" in capsys.readouterr().out


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [hinge_ok, lambda s, t, margin=1.0: (margin + t * s).clamp(min=0)])
def test_the_same_answer_gets_the_same_message(fn, capsys):
    first = check_hinge_loss(fn).message
    second = check_hinge_loss(fn).message
    assert first == second
    assert capsys.readouterr().out == first + "\n" + second + "\n"


def test_checkers_leave_the_global_random_state_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    check_weston_watkins(ww_loop)
    check_svm_objective(objective_ok)
    assert torch.equal(torch.rand(3), expected)


# --- the by-hand exercise -----------------------------------------------------------------------

# scores (2.0, 0.4, -0.3, -1.5, 1.0), labels (+1, +1, +1, -1, -1)
# y*s = 2.0, 0.4, -0.3, 1.5, -1.0  ->  max(0, 1 - y*s) = 0, 0.6, 1.3, 0, 2.0
BY_HAND = [0.0, 0.6, 1.3, 0.0, 2.0]


def test_the_by_hand_problem_is_the_one_worked_out_above(capsys):
    scores, targets = hinge_by_hand_problem()
    out = capsys.readouterr().out
    assert scores.tolist() == pytest.approx([2.0, 0.4, -0.3, -1.5, 1.0])
    assert targets.tolist() == [1, 1, 1, -1, -1]
    assert out.splitlines()[2] == "sample 2: score s = -0.3, label y = +1"
    oracle = torch.clamp(1 - targets * scores, min=0)  # the loss written out, no library call
    assert oracle.tolist() == pytest.approx(BY_HAND)


@pytest.mark.parametrize("values", [BY_HAND, [0, 0.6, 1.3, 0, 2], torch.tensor(BY_HAND)])
def test_the_hand_computed_losses_pass(values, capsys):
    result = check_hinge_by_hand(values)
    out = capsys.readouterr().out
    assert result.passed and result.n_checks == 5
    assert out == "All 5 values are right: the hinge losses are 0, 0.6, 1.3, 0 and 2.\n"


def test_typed_answers_within_a_thousandth_pass(capsys):
    assert check_hinge_by_hand([0.0, 0.6004, 1.3, 0.0, 2.0])
    assert not check_hinge_by_hand([0.0, 0.61, 1.3, 0.0, 2.0])


@pytest.mark.parametrize(
    ("values", "phrase"),
    [
        ([0.0, 0.6, 1.3, -0.5, 2.0], "sample 3: expected 0.0, got -0.5"),  # 1 - 1.5 unclamped
        ([0.0, 0.6, 1.3, -0.5, 2.0], "a loss is never negative"),
        ([0.0, 0.6, 1.3, 2.5, 0.0], "forget the label"),  # max(0, 1 - s): 2.5 and 0
        ([0.0, 0.6, 1.3, 0.0], "expected shape (5,), got shape (4,)"),
        (None, "Expected a list of 5 numbers"),
        ("0, 0.6", "Expected a list of 5 numbers"),
    ],
)
def test_wrong_hand_computed_losses_are_explained(values, phrase, capsys):
    assert not check_hinge_by_hand(values)
    assert phrase in capsys.readouterr().out


def test_numpy_input_to_by_hand(capsys):
    assert check_hinge_by_hand(np.array(BY_HAND))


# --- every registered mistake is told apart from the others -----------------------------------

REGISTERED = [
    (lesson1_margins.check_functional_margin, lesson1_margins._FUNCTIONAL_MISTAKES),
    (lesson1_margins.check_geometric_margin, lesson1_margins._GEOMETRIC_MISTAKES),
    (lesson2_hinge.check_hinge_loss, lesson2_hinge._HINGE_MISTAKES),
    (lesson3_smooth.check_squared_hinge, lesson3_smooth._SQUARED_MISTAKES),
    (lesson3_smooth.check_smooth_hinge, lesson3_smooth._SMOOTH_MISTAKES),
    (lesson4_multiclass.check_weston_watkins, lesson4_multiclass._WW_MISTAKES),
    (lesson4_multiclass.check_crammer_singer, lesson4_multiclass._CS_MISTAKES),
    (lesson5_gradients.check_hinge_gradient, lesson5_gradients._GRADIENT_MISTAKES),
    (lesson5_gradients.check_violators, lesson5_gradients._VIOLATOR_MISTAKES),
    (lesson6_cross_entropy.check_logistic_gradient, lesson6_cross_entropy._LOGISTIC_MISTAKES),
    (lesson6_cross_entropy.check_ramp_loss, lesson6_cross_entropy._RAMP_MISTAKES),
    (lesson7_training.check_svm_objective, lesson7_training._OBJECTIVE_MISTAKES),
    (lesson7_training.check_lambda_from_C, lesson7_training._LAMBDA_MISTAKES),
    (lesson3_smooth.check_squared_hinge_gradient, lesson3_smooth._SQUARED_GRADIENT_MISTAKES),
    (lesson4_multiclass.check_true_class_gradient, lesson4_multiclass._PULL_MISTAKES),
    (lesson6_cross_entropy.check_fade_margin, lesson6_cross_entropy._FADE_MISTAKES),
    (lesson7_training.check_lambda_for_margin, lesson7_training._MARGIN_MISTAKES),
]
EACH_MISTAKE = [(checker, m) for checker, mistakes in REGISTERED for m in mistakes]


@pytest.mark.parametrize(
    ("checker", "mistake"),
    EACH_MISTAKE,
    ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(EACH_MISTAKE)],
)
def test_every_registered_mistake_gets_its_own_hint(checker, mistake, capsys):
    # The wrong variant, handed in as a student's answer, must fail on some case, and the whole
    # output must be recognised as that mistake (not another one, not "for this entry").
    assert not checker(mistake.answer)
    assert f"  hint: {mistake.hint}\n" in capsys.readouterr().out


# --- answers that used to hang or crash the checker -------------------------------------------


def test_an_endless_loop_is_stopped_with_a_plain_message(monkeypatch, capsys):
    from hinge_utils.exercises import _engine

    monkeypatch.setattr(_engine, "TIMEOUT", 0.5)

    def forever(scores, targets, margin=1.0):
        try:
            while True:
                pass
        except Exception:  # a student's catch-all must not swallow the checker's stop
            return hinge_ok(scores, targets, margin)

    result = check_hinge_loss(forever)
    out = capsys.readouterr().out
    assert not result.passed
    assert "still running after 0.5 s" in out and "loop that never ends" in out
    assert "Traceback" not in out


def test_an_ndarray_of_the_wrong_dtype_is_reported_like_a_tensor(capsys):
    # float64 inputs, a float32 NumPy answer: the values agree to 1e-4, the dtype does not
    def as_float32_array(scores, targets, margin=1.0):
        return hinge_ok(scores, targets, margin).to(torch.float32).numpy()

    result = check_hinge_loss(as_float32_array)
    out = capsys.readouterr().out
    assert not result.passed and "returned a ndarray of dtype float32" in out


def test_a_list_of_integers_where_floats_belong_is_reported(capsys):
    def rounded(scores, targets, margin=1.0):
        return [round(v) for v in hinge_ok(scores, targets, margin).tolist()]

    result = check_hinge_loss(rounded)
    out = capsys.readouterr().out
    assert not result.passed  # wrong values already (0.3 rounds to 0), or the dtype: no crash
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda x: torch.empty_like(x, device="meta"), "'meta' device"),
        (lambda x: x.to_sparse(), "sparse tensor"),
    ],
)
def test_meta_and_sparse_answers_are_explained_not_crashed(make, phrase, capsys):
    result = check_hinge_loss(lambda s, t, margin=1.0: make(hinge_ok(s, t, margin)))
    out = capsys.readouterr().out
    assert not result.passed and phrase in out


# --- fresh inputs, as the graded cells use them -----------------------------------------------


@pytest.mark.parametrize(("checker", "fn", "n"), RIGHT, ids=[r[0].__name__ for r in RIGHT])
@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_a_right_answer_passes_on_fresh_inputs_too(checker, fn, n, seed, capsys):
    result = checker(fn, fresh=seed)
    assert result.passed and result.n_checks > n, capsys.readouterr().out
    assert "fresh random inputs" in result.message


def _lookup_table(checker, reference):
    """An answer that memorised the fixed inputs: right there, 0 everywhere else."""
    module = __import__(checker.__module__, fromlist=["_"])
    cases = [v for k, v in vars(module).items() if k.endswith("_CASES") or k == "_CASES"]
    table = {}
    for group in cases:
        for case in group:
            key = repr([v.tolist() if isinstance(v, torch.Tensor) else v
                        for v in {**case.inputs, **case.options}.values()])
            try:
                table[key] = reference(*case.inputs.values(), **case.options)
            except (TypeError, ValueError, RuntimeError):
                continue  # the module's other checker takes other inputs

    def memorised(*args, **kwargs):
        values = (*args, *kwargs.values())
        key = repr([v.tolist() if isinstance(v, torch.Tensor) else v for v in values])
        if key in table:
            return table[key]
        return torch.zeros_like(args[0]) if isinstance(args[0], torch.Tensor) else 0.0

    return memorised


@pytest.mark.parametrize(("checker", "fn", "n"), RIGHT, ids=[r[0].__name__ for r in RIGHT])
def test_a_lookup_table_of_the_fixed_inputs_fails_on_fresh_ones(checker, fn, n, capsys):
    memorised = _lookup_table(checker, fn)
    assert checker(memorised).passed  # it knows every fixed input...
    result = checker(memorised, fresh=7)
    out = capsys.readouterr().out
    assert not result.passed and "failed: fresh" in out  # ...and none of the fresh ones


def test_fresh_inputs_depend_on_the_seed_only():
    from hinge_utils.exercises._engine import Fresh

    assert torch.equal(Fresh(5, "a").values(6), Fresh(5, "a").values(6))
    assert not torch.equal(Fresh(5, "a").values(6), Fresh(6, "a").values(6))
    assert not torch.equal(Fresh(5, "a").values(6), Fresh(5, "b").values(6))


@pytest.mark.parametrize("seed", [True, 1.5, "3"])
def test_fresh_must_be_an_integer_seed(seed):
    with pytest.raises(TypeError, match="fresh must be an integer seed or None"):
        check_hinge_loss(hinge_ok, fresh=seed)


def test_an_unsolved_stub_is_named_as_such(capsys):
    def stub(scores, targets, margin=1.0):
        raise NotImplementedError()

    assert not check_hinge_loss(stub)
    assert "not solved yet" in capsys.readouterr().out


# --- the understanding exercises, against outside oracles -------------------------------------


@pytest.fixture(scope="module")
def svc():
    from sklearn.svm import SVC

    return SVC


def test_the_max_margin_line_is_what_a_hard_margin_svc_finds(svc, capsys):
    X, y = max_margin_problem()
    fit = svc(kernel="linear", C=1e8, tol=1e-10).fit(X.numpy(), y.numpy())
    w, b = fit.coef_[0].tolist(), float(fit.intercept_[0])
    assert w == pytest.approx([0.5, 1.0], abs=1e-4) and b == pytest.approx(-1.0, abs=1e-4)
    capsys.readouterr()
    assert check_max_margin_line(w, b)
    assert check_max_margin_line(torch.tensor(w), torch.tensor(b))


@pytest.mark.parametrize(
    ("weight", "bias", "phrase"),
    [
        ([1.0, 2.0], -2.0, "scaled differently: its closest points have y (w.x + b) = 2"),
        ([1.0, 1.0], -1.0, "another line keeps all three farther away"),  # x1 + x2 = 1
        ([1.0, 0.0], -1.0, "point 2 is on the wrong side"),  # x1 = 1 cuts off (0, 2)
        ([-0.5, -1.0], 1.0, "every point is on the wrong side"),
        ([0.0, 0.0], 0.0, "w = 0 has no boundary"),
        ("w", 1.0, "Expected weight as two numbers"),
    ],
)
def test_wrong_max_margin_lines_are_explained(weight, bias, phrase, capsys):
    assert not check_max_margin_line(weight, bias)
    out = capsys.readouterr().out
    assert phrase in out
    assert "0.5" not in out  # the message never gives the answer away


def test_the_support_vectors_are_those_of_sklearns_svc(svc, capsys):
    X, y = support_vector_problem()
    fit = svc(kernel="linear", C=1 / (5 * 0.01)).fit(X.numpy(), y.numpy())
    right = sorted(int(i) for i in fit.support_)
    capsys.readouterr()
    assert check_support_vectors(right) and check_support_vectors(set(right))
    assert check_support_vectors(torch.tensor(right))
    assert not check_support_vectors([i for i in range(5) if i not in right])


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (range(5), "beyond the band, so they are not support vectors"),
        ([0, 1, 4], "points of one class only"),
        ([0, 2], "1 support vector is missing"),
        ([9], "numbered 0 to 4"),
        ("0, 2", "Expected the point numbers"),
    ],
)
def test_wrong_support_vector_predictions_are_explained(answer, phrase, capsys):
    assert not check_support_vectors(answer)
    out = capsys.readouterr().out
    assert phrase in out
    assert "point 3" not in out  # which points are right is not given away


def _derivative_by_autograd(name, m):
    from hinge_utils import zoo

    m = m.clone().requires_grad_(True)
    getattr(zoo, name)(m).sum().backward()
    return m.grad


def test_each_panel_shows_the_slope_of_the_loss_it_is_checked_against(capsys):
    # The curves drawn, against autograd through the zoo's losses, away from the kinks.
    fig = gradient_plot_problem()
    capsys.readouterr()
    right = {"A": "modified_huber", "B": "smooth_hinge", "C": "perceptron", "D": "squared_hinge"}
    for ax in fig.axes:
        m, slope = (torch.tensor(v, dtype=torch.float64) for v in ax.lines[0].get_data())
        away = (m - m.round()).abs() > 1e-3
        expected = _derivative_by_autograd(right[ax.get_title()], m[away])
        assert torch.allclose(slope[away], expected, atol=1e-9), ax.get_title()
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert check_which_loss(right)
    assert check_which_loss({k: v.replace("_", " ").title() for k, v in right.items()})


@pytest.mark.parametrize(
    ("answers", "phrase"),
    [
        ({"A": "squared_hinge", "B": "smooth_hinge", "C": "perceptron", "D": "squared_hinge"},
         "1 of 4 panels is named wrong"),
        ({"A": "modified_huber", "B": "smooth_hinge", "C": "hinge", "D": "squared_hinge"},
         "the slope of hinge is a step: -1 for m < 1"),
        ({"A": "huber", "B": "smooth_hinge", "C": "perceptron", "D": "squared_hinge"},
         "'huber' is not one of the choices"),
        (["hinge"], "Expected a dict naming each panel"),
    ],
)
def test_wrong_loss_names_are_explained(answers, phrase, capsys):
    assert not check_which_loss(answers)
    assert phrase in capsys.readouterr().out


def test_margin_delta_only_rescales_lambda(one_thread):
    # Oracle: minimise the objective with threshold Delta directly (a QP, by scipy's SLSQP), and
    # train margin 1 with lam * Delta: the same boundary, (w, b) scaled by Delta.
    from scipy.optimize import minimize

    from hinge_utils.data import make_binary_blobs
    from hinge_utils.training import train_linear_svm

    X, y = make_binary_blobs(n=30, seed=3)
    X, y = X.double(), y
    lam, delta = 0.1, 2.5
    n, d = X.shape
    Xn, yn = X.numpy(), y.double().numpy()

    def objective(v):  # v = (w, b, xi)
        w, xi = v[:d], v[d + 1:]
        return xi.mean() + lam / 2 * w @ w

    constraints = [
        {"type": "ineq", "fun": lambda v: v[d + 1:] - (delta - yn * (Xn @ v[:d] + v[d]))},
        {"type": "ineq", "fun": lambda v: v[d + 1:]},
    ]
    start = np.concatenate([np.zeros(d + 1), np.full(n, delta)])
    qp = minimize(objective, start, constraints=constraints, method="SLSQP",
                  options={"maxiter": 500, "ftol": 1e-12})
    assert qp.success, qp.message
    lam_prime = lesson7_training.lambda_for_margin(lam, delta)
    fit = train_linear_svm(X, y, lam=lam_prime)
    w, b = delta * fit.weight.numpy(), delta * float(fit.bias)
    # w is unique (the penalty is strictly convex in w); b may sit on a flat stretch of the hinge
    assert np.allclose(w, qp.x[:d], atol=1e-4)
    rescaled = np.maximum(0, delta - yn * (Xn @ w + b)).mean() + lam / 2 * w @ w
    assert rescaled <= qp.fun + 1e-7
    # and lam itself, unchanged, gives another w: the margin does matter
    other = train_linear_svm(X, y, lam=lam)
    assert not np.allclose(delta * other.weight.numpy(), qp.x[:d], atol=1e-2)
