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

1. margins: :func:`check_functional_margin`, :func:`check_geometric_margin`
2. binary hinge: :func:`check_hinge_loss`, :func:`hinge_by_hand_problem` with
   :func:`check_hinge_by_hand`
3. squared and smooth hinge: :func:`check_squared_hinge`, :func:`check_smooth_hinge`
4. multi-class: :func:`check_weston_watkins`, :func:`check_crammer_singer`
5. gradients: :func:`check_hinge_gradient`, :func:`check_violators`
6. hinge vs cross-entropy: :func:`check_logistic_gradient`, :func:`check_ramp_loss`
7. training: :func:`check_svm_objective`, :func:`check_lambda_from_C`
"""

from ._engine import CheckResult
from .lesson1_margins import check_functional_margin, check_geometric_margin
from .lesson2_hinge import check_hinge_by_hand, check_hinge_loss, hinge_by_hand_problem
from .lesson3_smooth import check_smooth_hinge, check_squared_hinge
from .lesson4_multiclass import check_crammer_singer, check_weston_watkins
from .lesson5_gradients import check_hinge_gradient, check_violators
from .lesson6_cross_entropy import check_logistic_gradient, check_ramp_loss
from .lesson7_training import check_lambda_from_C, check_svm_objective

__all__ = [
    "CheckResult",
    "check_crammer_singer",
    "check_functional_margin",
    "check_geometric_margin",
    "check_hinge_by_hand",
    "check_hinge_gradient",
    "check_hinge_loss",
    "check_lambda_from_C",
    "check_logistic_gradient",
    "check_ramp_loss",
    "check_smooth_hinge",
    "check_squared_hinge",
    "check_svm_objective",
    "check_violators",
    "check_weston_watkins",
    "hinge_by_hand_problem",
]
