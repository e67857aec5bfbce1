"""Exercise checkers for the lesson notebooks: call one on your function, read what it prints.

Each checker runs your function on a few fixed inputs (edge cases included), compares every
output with the library's reference answer, and prints one line:

    All 6 checks passed: your hinge_loss matches the reference, including the kink y * s = 1, ...

or, on the first input that fails, what went wrong and a hint::

    Check 5 of 6 failed: margin=2.0
      input: scores=[1.5, 2.5, -0.5, 0.0], targets=[1, 1, -1, 1], margin=2.0
      sample 0: expected 0.5, got 0.0 (2 more entries are wrong too)
      hint: this is the loss for margin 1: did you write 1 where the margin argument belongs?

Samples are counted from 0, as Python indexes them. Numbers are rounded to 4 decimals. The hint
comes from comparing your output with the common wrong answers of that exercise; "hint for this
entry" means only the reported entry matches that mistake. A function that raises, returns
``None``, a list, a NumPy array, a Python float, the wrong shape, the wrong dtype or ``nan`` is
reported the same way, never with a traceback. The inputs are fixed and use a private random
generator, so the messages are the same on every run and a checker never changes a lesson's
random numbers.

Notebook usage: a checker prints its message and returns a :class:`CheckResult` (``passed``,
``n_checks``, ``message``; ``bool(result)`` is ``passed``). In a notebook the result displays
nothing more, so the call can be the cell's last line::

    hu.exercises.check_hinge_loss(my_hinge)

(Outside a notebook its ``repr`` is short: ``CheckResult(passed=True, 6 checks)``.)

Checkers by lesson:

1. margins: :func:`check_functional_margin`, :func:`check_geometric_margin`,
   :func:`max_margin_problem` with :func:`check_max_margin_line`
2. binary hinge: :func:`check_hinge_loss`, :func:`hinge_by_hand_problem` with
   :func:`check_hinge_by_hand`
3. squared and smooth hinge: :func:`check_squared_hinge`, :func:`check_squared_hinge_gradient`,
   :func:`check_smooth_hinge`, :func:`gradient_plot_problem` with :func:`check_which_loss`
4. multi-class: :func:`check_weston_watkins`, :func:`check_crammer_singer`,
   :func:`check_true_class_gradient`
5. gradients: :func:`check_hinge_gradient`, :func:`check_violators`,
   :func:`support_vector_problem` with :func:`check_support_vectors`
6. hinge vs cross-entropy: :func:`check_logistic_gradient`, :func:`check_ramp_loss`,
   :func:`check_fade_margin`
7. training: :func:`check_svm_objective`, :func:`check_lambda_from_C`,
   :func:`check_lambda_for_margin`

**Grading.** Every checker of a function also takes ``fresh=seed``: after its fixed cases it
checks inputs drawn from that seed (random sizes and values), so an answer that only knows the
fixed inputs fails. The graded cells of the nbgrader course (``make student``) pass a seed::

    result = hu.exercises.check_hinge_loss(my_hinge_loss, fresh=1234)
    assert result.passed, result.message

The checkers of a value worked out by hand (``check_hinge_by_hand``, ``check_max_margin_line``,
``check_which_loss``, ``check_support_vectors``) check the one problem shown, and never print
its answer before it is found.
"""

from ._engine import CheckResult
from .lesson1_margins import (
    check_functional_margin,
    check_geometric_margin,
    check_max_margin_line,
    max_margin_problem,
)
from .lesson2_hinge import check_hinge_by_hand, check_hinge_loss, hinge_by_hand_problem
from .lesson3_smooth import (
    check_smooth_hinge,
    check_squared_hinge,
    check_squared_hinge_gradient,
    check_which_loss,
    gradient_plot_problem,
)
from .lesson4_multiclass import (
    check_crammer_singer,
    check_true_class_gradient,
    check_weston_watkins,
)
from .lesson5_gradients import (
    check_hinge_gradient,
    check_support_vectors,
    check_violators,
    support_vector_problem,
)
from .lesson6_cross_entropy import check_fade_margin, check_logistic_gradient, check_ramp_loss
from .lesson7_training import check_lambda_for_margin, check_lambda_from_C, check_svm_objective

__all__ = [
    "CheckResult",
    "check_crammer_singer",
    "check_fade_margin",
    "check_functional_margin",
    "check_geometric_margin",
    "check_hinge_by_hand",
    "check_hinge_gradient",
    "check_hinge_loss",
    "check_lambda_for_margin",
    "check_lambda_from_C",
    "check_logistic_gradient",
    "check_max_margin_line",
    "check_ramp_loss",
    "check_smooth_hinge",
    "check_squared_hinge",
    "check_squared_hinge_gradient",
    "check_support_vectors",
    "check_svm_objective",
    "check_true_class_gradient",
    "check_violators",
    "check_weston_watkins",
    "check_which_loss",
    "gradient_plot_problem",
    "hinge_by_hand_problem",
    "max_margin_problem",
    "support_vector_problem",
]
