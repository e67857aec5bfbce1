"""Sliders that answer at once: the margin, multi-class and loss explorers of lesson 8.

The explorers hold the sliders, the layout and the redraw; every number they show is computed by
:mod:`hinge_utils.frames`, and every loss they offer comes from :mod:`hinge_utils.losses`.

Each factory can be called with no arguments and returns an explorer object: display it (or its
``.widget``) in JupyterLab, Voila or the classic notebook. Its figure is a PNG in an
``ipywidgets.Image``, so it also survives in an exported HTML page.

This package imports ipywidgets and matplotlib; ``import hinge_utils`` does not import it.

Example::

    >>> from hinge_utils import widgets as hw
    >>> ex = hw.margin_explorer()
    >>> ex.controls["norm"].value = 0.0  # w = 0 is a valid state
    >>> ex.readouts["geometric"].value
    'worst point, geometric margin: <b>undefined</b> (no boundary: w = 0)'
"""

from hinge_utils.widgets.base import Explorer
from hinge_utils.widgets.canvas import PngCanvas, encode_png
from hinge_utils.widgets.loss import LossExplorer, loss_explorer
from hinge_utils.widgets.margin import MarginExplorer, margin_explorer
from hinge_utils.widgets.multiclass import MulticlassExplorer, multiclass_explorer

__all__ = [
    "Explorer",
    "LossExplorer",
    "MarginExplorer",
    "MulticlassExplorer",
    "PngCanvas",
    "encode_png",
    "loss_explorer",
    "margin_explorer",
    "multiclass_explorer",
]
