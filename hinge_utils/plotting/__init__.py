"""Figures for the course, in one shared style.

This package imports matplotlib; ``import hinge_utils`` does not import this package.

Every helper takes an optional ``ax`` (a new figure if None), draws in the course style (see
:mod:`hinge_utils.plotting.style`), returns the artists it drew (so a caller or a test can read
or update their data), and never calls ``plt.show()``. The plane geometry they draw with,
:func:`line_in_box` and :func:`polygon_in_box`, is pure numpy and serves the widgets too.
:func:`course_style` applies the style inside a ``with`` block; the module
:mod:`hinge_utils.plotting.style` holds the palette and the rcParams.
"""

from hinge_utils.plotting._geometry import line_in_box, polygon_in_box
from hinge_utils.plotting.boundary import (
    DecisionBoundaryArtists,
    plot_decision_boundary,
    update_decision_boundary,
)
from hinge_utils.plotting.calibration import (
    ReliabilityArtists,
    ReliabilityComparison,
    expected_calibration_error,
    plot_reliability,
    plot_reliability_comparison,
)
from hinge_utils.plotting.history import HISTORY_PANELS, HistoryArtists, plot_history
from hinge_utils.plotting.losses import (
    GradientMagnitudeArtists,
    LossCurveArtists,
    plot_gradient_magnitude,
    plot_losses,
)
from hinge_utils.plotting.multiclass import (
    MulticlassArtists,
    plot_multiclass_regions,
    update_multiclass_regions,
)
from hinge_utils.plotting.style import (
    CLASS_COLORS,
    CLASS_MARKERS,
    COLORS,
    LOSS_STYLES,
    OKABE_ITO,
    RC_PARAMS,
    course_style,
    freeze_layout,
    use_style,
)

__all__ = [
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "HISTORY_PANELS",
    "COLORS",
    "LOSS_STYLES",
    "OKABE_ITO",
    "RC_PARAMS",
    "DecisionBoundaryArtists",
    "GradientMagnitudeArtists",
    "HistoryArtists",
    "LossCurveArtists",
    "MulticlassArtists",
    "ReliabilityArtists",
    "ReliabilityComparison",
    "course_style",
    "expected_calibration_error",
    "freeze_layout",
    "line_in_box",
    "plot_decision_boundary",
    "plot_gradient_magnitude",
    "plot_history",
    "plot_losses",
    "plot_multiclass_regions",
    "plot_reliability",
    "plot_reliability_comparison",
    "polygon_in_box",
    "update_decision_boundary",
    "update_multiclass_regions",
    "use_style",
]
