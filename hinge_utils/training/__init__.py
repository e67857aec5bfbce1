r"""Training linear classifiers: the exact SVM solution, the syllabus's SGD loop, multi-class, ramp.

Each trainer returns the weights and a :class:`History` with one record per epoch (objective,
training accuracy, number of margin violators, share of samples that push), ready to plot:
``plt.plot(result.history.objective)``.

* :func:`train_linear_svm` (:mod:`~hinge_utils.training.svm`) finds the exact minimiser of the
  binary objective :func:`hinge_utils.objectives.svm_objective` (hinge, squared hinge or
  logistic loss) with Newton's method; it agrees with scikit-learn's ``SVC`` / ``LinearSVC`` /
  L-BFGS to many digits, and certifies the hinge's answer by its duality gap.
* :func:`train_sgd` (:mod:`~hinge_utils.training.sgd`) runs the syllabus's loop (``nn.Linear``,
  ``optim.SGD`` with weight decay, full batch) and records the same history, so a lesson can put
  the two side by side.
* :func:`train_linear_multiclass` (:mod:`~hinge_utils.training.multiclass`) fits ``W x + b`` with
  the Weston-Watkins or Crammer-Singer hinge, or cross-entropy (Newton, with smoothing for the
  hinges).
* :func:`train_ramp` (:mod:`~hinge_utils.training.ramp`) fits the bounded ramp loss by the
  concave-convex procedure.

Regularisation: :math:`\lambda = 1 / (N C)` for scikit-learn's ``C``, and
:math:`\lambda` = ``weight_decay`` for ``optim.SGD`` (which also penalises the bias).

The solvers read what they need of each loss from the registry (:mod:`hinge_utils.losses`):
:mod:`~hinge_utils.training._binary_newton` and :mod:`~hinge_utils.training._multiclass_newton`.
"""

from hinge_utils.training._binary_newton import GAP_TOL
from hinge_utils.training.multiclass import train_linear_multiclass
from hinge_utils.training.ramp import ramp_starts, train_ramp
from hinge_utils.training.records import (
    ConvergenceWarning,
    EpochRecord,
    History,
    LinearMulticlassResult,
    LinearSVMResult,
    TrainingResult,
)
from hinge_utils.training.sgd import train_sgd
from hinge_utils.training.svm import train_linear_svm

__all__ = [
    "GAP_TOL",
    "ConvergenceWarning",
    "EpochRecord",
    "History",
    "LinearMulticlassResult",
    "LinearSVMResult",
    "TrainingResult",
    "ramp_starts",
    "train_linear_multiclass",
    "train_linear_svm",
    "train_ramp",
    "train_sgd",
]
