"""What every explorer shares: controls that redraw at once, a PNG figure, and batched updates.

**Why a drag never queues stale frames.** An explorer redraws synchronously inside the handler of a
control's change. The Jupyter widgets front end (JupyterLab, Voila and Notebook alike) keeps at
most one message per widget in flight: while the kernel is busy with one slider value, further
values of that slider are merged into one buffered message, sent when the kernel reports idle. A
fast drag therefore draws the value in progress and then only the latest one, whatever the speed
of the drag. Python-side changes of several controls at once (the "fit" and "step" buttons) are
wrapped in :meth:`Explorer.hold`, which draws once at the end.

**Values between slider steps.** A slider in the browser snaps any value it receives to its step
grid and sends the snapped value back: a fitted bias of 0.5234 on a slider of step 0.05 would come
back as 0.5 and silently replace the fit. So a value computed in Python (by "fit", "step", or the
"scale b with ‖w‖" lock) is kept exactly by the explorer (:meth:`Explorer.set_param`), and its
slider shows it rounded to the grid. The browser may still send that back with floating-point
noise (1.05 as 1.0499999999999998); such changes are ignored. Moving a slider by hand replaces
the exact value by the slider's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from hinge_utils.widgets.canvas import PngCanvas

__all__ = [
    "VIEWS",
    "Explorer",
    "app_layout",
    "check_in_range",
    "check_view",
    "figure_widgets",
    "float_slider",
    "readout",
    "snap_to_step",
]

LABEL_WIDTH = "7.5em"
"""Width of the description column of the sliders, so that their tracks line up."""

VIEWS = ("lesson", "app")
"""Where an explorer is shown: ``"lesson"`` stacks controls, readouts and a wide figure for a
notebook; ``"app"`` puts controls and readouts in a side column beside a figure sized for a
1280 x 720 projector (:mod:`hinge_utils.widgets.app_view`)."""

APP_DPI = 96
"""Pixels per inch of the app view's figures: shown at their natural size, 1 pt of figure text is
1 pt on the screen (96 CSS pixels per inch), so the course style's 12-13 pt stays 12-13 pt."""


def check_view(view: object) -> str:
    """``view`` if it is one of :data:`VIEWS`; else a ValueError naming them.

    Example::

        >>> check_view("app")
        'app'
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {list(VIEWS)}; got {view!r}: use 'lesson' in a "
                         "notebook, 'app' for the side-column layout of make explore")
    return str(view)


def app_layout(side: list[widgets.Widget], main: list[widgets.Widget],
               css_class: str) -> tuple[widgets.Box, widgets.VBox, widgets.Box]:
    """The app view of one explorer: ``side`` stacked in a column, ``main`` filling the rest.

    Returns the whole box (named ``css_class`` and ``hu-app-explorer`` in the page), the side
    column (``hu-app-side``) and the main area (``hu-app-main``), so that more can be added.
    """
    column = widgets.VBox(side)
    column.add_class("hu-app-side")
    area = widgets.Box(main)
    area.add_class("hu-app-main")
    whole = widgets.Box([column, area])
    whole.add_class("hu-app-explorer")
    whole.add_class(css_class)
    return whole, column, area


def float_slider(
    description: str,
    value: float,
    low: float,
    high: float,
    step: float,
    css_class: str,
    readout_format: str = ".2f",
    width: str = "22em",
) -> widgets.FloatSlider:
    """A slider that reports every position while dragged (``continuous_update=True``).

    ``css_class`` names it in the page (``hu-slider-<name>``), for tests and custom styling.
    """
    slider = widgets.FloatSlider(
        value=snap_to_step(value, low, high, step),
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=readout_format,
        style={"description_width": LABEL_WIDTH},
        layout=widgets.Layout(width=width),
    )
    slider.add_class(css_class)
    return slider


def snap_to_step(value: float, low: float, high: float, step: float) -> float:
    """``value`` clipped to ``[low, high]`` and rounded to the grid ``low + k * step``.

    This is where a browser slider puts any value it is sent.

    Example::

        >>> snap_to_step(0.5234, -8.0, 8.0, 0.05), snap_to_step(9.0, -8.0, 8.0, 0.05)
        (0.5, 8.0)
    """
    clipped = min(max(float(value), low), high)
    return round(low + round((clipped - low) / step) * step, 10)


def check_in_range(name: str, value: object, low: float, high: float) -> float:
    """``value`` as a float if it is a real number in ``[low, high]``; else a ValueError/TypeError.

    Example::

        >>> check_in_range("norm", 2, 0.0, 4.0)
        2.0
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(
            f"{name} must be in [{low:g}, {high:g}]; got {value!r}: pick a value inside it "
            "(a slider cannot show one outside its range)"
        )
    return float(value)


def readout(css_class: str) -> widgets.HTML:
    """An HTML line for one number the explorer reports, named ``css_class`` in the page."""
    line = widgets.HTML(value="", layout=widgets.Layout(margin="0 0 0 1em"))
    line.add_class("hu-readout")
    line.add_class(css_class)
    return line


def figure_widgets(canvas: PngCanvas, css_class: str,
                   view: str = "lesson") -> tuple[widgets.Image, widgets.HTML]:
    """An ``ipywidgets.Image`` sized to the canvas (shrinking with a narrow page) and its caption.

    The image is named ``css_class`` in the page, the caption ``css_class + "-caption"``. In the
    app view the caption is for screen readers only (``hu-sr-only``): the picture fills the
    screen, and the caption, its text alternative, is read out instead of shown.
    """
    width, _ = canvas.pixel_size
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width=f"{width}px"))
    image.add_class("hu-figure")
    image.add_class(css_class)
    caption = widgets.HTML(layout=widgets.Layout(max_width=f"{width}px", margin="0 0 0 1em"))
    if view == "app":
        caption.add_class("hu-sr-only")
    caption.add_class("hu-figure-caption")
    caption.add_class(f"{css_class}-caption")
    return image, caption


class Explorer:
    """Base class: a figure shown as an ``ipywidgets.Image``, redrawn when a control changes.

    Subclasses build :attr:`canvas` and the controls, then call :meth:`_finish` with the laid-out
    widget; they implement :meth:`_update`, which reads the parameters (:meth:`param`), updates
    the readouts and the figure's artists, and may implement :meth:`_on_user_change`.

    Attributes:
        widget: the widget to display (``display(explorer)`` shows it too).
        controls: the controls by name.
        canvas: the :class:`~hinge_utils.widgets.canvas.PngCanvas` behind the image.
        image: the ``ipywidgets.Image`` that shows the figure.
        caption: an ``ipywidgets.HTML`` under the image describing the frame in words.
        frames: how many frames have been rendered so far.
    """

    widget: widgets.Widget
    controls: dict[str, widgets.Widget]
    canvas: PngCanvas
    image: widgets.Image
    caption: widgets.HTML
    side: widgets.VBox | None = None
    """The app view's side column (None in the lesson view)."""
    main: widgets.Box | None = None
    """The app view's main area, the figure's (None in the lesson view)."""

    KEEP_ON_RESET: tuple[str, ...] = ()
    """Controls that :meth:`reset` leaves alone (the margin explorer's data set)."""

    def __init__(self) -> None:
        self.frames = 0
        self._held = 0
        self._stale = False
        self._syncing = False
        self._exact: dict[str, float] = {}

    # --- parameters -----------------------------------------------------------------------

    def param(self, name: str) -> Any:
        """The value of control ``name``: exact if set by :meth:`set_param`, else the control's."""
        return self._exact.get(name, self.controls[name].value)

    def set_param(self, name: str, value: float) -> None:
        """Set a slider's parameter to ``value`` exactly; the slider shows it on its step grid.

        Redraws (once, inside :meth:`hold`) unless called from within a control's handler.
        """
        slider = self.controls[name]
        exact = min(max(float(value), slider.min), slider.max)
        self._exact[name] = exact
        self._syncing = True
        try:  # the slider's own change must neither redraw nor overwrite the exact value
            slider.value = snap_to_step(exact, slider.min, slider.max, slider.step)
        finally:
            self._syncing = False
        self.refresh()

    def _keep_exact(self, values: dict[str, float]) -> None:
        """At construction: remember start values that fall between slider steps."""
        for name, value in values.items():
            slider = self.controls[name]
            self._exact[name] = min(max(float(value), slider.min), slider.max)

    # --- life cycle ------------------------------------------------------------------------

    def _finish(self, layout: widgets.Widget, controls: dict[str, widgets.Widget]) -> None:
        """Store the top-level widget, observe every control, and draw the first frame."""
        self.widget = layout
        self.controls = controls
        self._names = {id(control): name for name, control in controls.items()}
        for control in controls.values():
            if not isinstance(control, widgets.Button):
                control.observe(self._on_control, names="value")
        self._start = {name: control.value for name, control in controls.items()
                       if not isinstance(control, widgets.Button)}
        self._start_ranges = {name: (control.min, control.max)
                              for name, control in controls.items()
                              if isinstance(control, widgets.FloatSlider)}
        self._start_exact = dict(self._exact)
        self.refresh()

    def reset(self) -> None:
        """Every control back to where it started (but those of :attr:`KEEP_ON_RESET`), one redraw.

        Example::

            >>> from hinge_utils.widgets import loss_explorer
            >>> ex = loss_explorer()
            >>> ex.controls["margin"].value = 2.0
            >>> ex.reset()
            >>> ex.controls["margin"].value
            1.0
        """
        with self.hold():
            for name, (low, high) in self._start_ranges.items():
                slider = self.controls[name]
                slider.min, slider.max = min(slider.min, low), max(slider.max, high)
            for name, value in self._start.items():
                if name not in self.KEEP_ON_RESET:
                    self.controls[name].value = value
            self._syncing = True
            try:  # a slider widened by code narrows again
                for name, (low, high) in self._start_ranges.items():
                    self.controls[name].min, self.controls[name].max = low, high
            finally:
                self._syncing = False
            self._exact = dict(self._start_exact)
            self._after_reset()
            self.refresh()

    def _after_reset(self) -> None:
        """Hook: the controls are back at their start; bring derived state along."""

    def _on_control(self, change: dict[str, Any]) -> None:
        if self._syncing or _float_noise(change["old"], change["new"]):
            return
        name = self._names[id(change["owner"])]
        self._exact.pop(name, None)  # moved by hand: the slider's value is the value
        with self.hold():
            self._on_user_change(name, change["new"])
            self.refresh()

    def _on_user_change(self, name: str, value: Any) -> None:
        """Hook: control ``name`` was moved by the user (or by code) to ``value``."""

    def refresh(self) -> None:
        """Recompute the readouts and redraw the figure for the current parameters."""
        if self._held:
            self._stale = True
            return
        description = self._update()
        self.image.value = self.canvas.render()
        self.caption.value = description  # after the image: a caption never runs ahead of it
        self.frames += 1

    def _update(self) -> str:  # pragma: no cover - every explorer defines it
        """Read the parameters, set the readouts and artists; return a text description.

        The description is the caption under the figure: a text alternative to the picture, and
        the way a browser test knows which frame it sees.
        """
        raise NotImplementedError

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls inside the block; the figure is redrawn once at the end.

        Example::

            with explorer.hold():
                explorer.controls["norm"].value = 2.0
                explorer.controls["bias"].value = -1.0
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._stale:
                self._stale = False
                self.refresh()

    def close(self) -> None:
        """Close the explorer's widgets, children first (their views leave the page)."""
        _close_tree(self.widget)

    # --- display ---------------------------------------------------------------------------

    @property
    def png(self) -> bytes:
        """The PNG bytes of the figure as currently shown."""
        return bytes(self.image.value)

    def snapshot(self) -> Any:
        """The figure as it is now, as a still ``IPython.display.Image``, for a page without kernel.

        A notebook shows it below the live explorer so that a reader of the static page (the
        docs site, a PDF) sees the figure too. In the Voila app, where the live explorer is on
        screen, it returns None and so shows nothing (Voila sets ``VOILA_REQUEST_URL`` in the
        kernel's environment).
        """
        if os.environ.get("VOILA_REQUEST_URL"):
            return None
        from IPython.display import Image

        return Image(data=self.png, format="png", width=self.canvas.pixel_size[0])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _float_noise(old: Any, new: Any) -> bool:
    """True for a float change too small to be a move (a browser echo: 1.05 -> 1.0499999999999998).

    The front end recomputes a slider's value as ``min + k * step`` in floating point and sends
    it back when it differs from what it was sent, even by one unit in the last place.
    """
    if not (isinstance(old, float) and isinstance(new, float)):
        return False
    return abs(new - old) <= 1e-9 * max(1.0, abs(old))


def _close_tree(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
