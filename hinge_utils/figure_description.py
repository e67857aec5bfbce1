"""Say what a figure shows, so the docs site can use it as the figure's alt text.

A plotting helper (or a lesson) attaches a description to the figure it draws::

    fig = plot_losses(...)
    describe(fig, "Hinge, squared hinge and logistic loss against the margin y f(x); "
                  "the hinge is zero for y f(x) >= 1")

and :func:`register` (called once in the kernel, e.g. by ``hu.setup()``) makes IPython write the
description into the notebook, in the output's metadata under the PNG's MIME type::

    outputs[i].metadata["image/png"]["alt"]

next to the ``width`` and ``height`` a notebook already keeps there. ``docs/alt_text.py`` reads
that key for the site's ``<img alt=...>``. A figure without a description gets one made from its
titles and axis labels (:func:`description`); a figure with neither gets no metadata, and the
docs build falls back to the text of the markdown cell before it.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

__all__ = ["ALT_KEY", "describe", "describe_panel", "description", "register"]

ALT_KEY = "alt"
_ATTRIBUTE = "_hinge_utils_description"
_WRAPPED = "_hinge_utils_describes"


def describe(fig: Any, text: str) -> Any:
    """Attach ``text``, what ``fig`` shows, to a matplotlib figure; return the figure.

    >>> import matplotlib.figure
    >>> fig = describe(matplotlib.figure.Figure(), "Hinge loss against the margin")
    >>> description(fig)
    'Hinge loss against the margin'
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a figure description must be a non-empty string; got {text!r}")
    setattr(fig, _ATTRIBUTE, " ".join(text.split()))
    return fig


def describe_panel(ax: Any, text: str) -> Any:
    """Attach ``text``, what one axes shows, to ``ax`` (the plotting helpers call this for the
    panel they draw); :func:`description` joins the panels of a figure. Returns ``ax``.

    >>> import matplotlib.figure
    >>> left, right = matplotlib.figure.Figure().subplots(1, 2)
    >>> _ = describe_panel(left, "The hinge loss"); _ = describe_panel(right, "Its slope")
    >>> description(left.figure)
    '2 panels: The hinge loss; Its slope'
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a panel description must be a non-empty string; got {text!r}")
    setattr(ax, _ATTRIBUTE, " ".join(text.split()))
    return ax


def description(fig: Any) -> str | None:
    """The description attached by :func:`describe`, else one made from the figure's suptitle
    and, per axes, the description a helper attached (:func:`describe_panel`) or its title and
    axis labels; else ``None``.

    >>> import matplotlib.figure
    >>> fig = matplotlib.figure.Figure()
    >>> ax = fig.subplots()
    >>> _ = ax.set(title="Loss zoo", xlabel="margin m", ylabel="loss")
    >>> description(fig)
    'Loss zoo (x: margin m; y: loss)'
    >>> description(matplotlib.figure.Figure()) is None
    True
    """
    attached = getattr(fig, _ATTRIBUTE, None)
    if isinstance(attached, str) and attached:
        return attached
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(suptitle.get_text().strip())
    panels = []
    for ax in getattr(fig, "axes", []):
        described = getattr(ax, _ATTRIBUTE, None)
        if isinstance(described, str) and described:
            panels.append(described)
            continue
        title = ax.get_title().strip()
        axes = [f"{name}: {label}" for name, label in
                (("x", ax.get_xlabel().strip()), ("y", ax.get_ylabel().strip())) if label]
        if title or axes:
            panels.append(f"{title} ({'; '.join(axes)})" if axes else title)
    if len(panels) > 1:
        parts.append(f"{len(panels)} panels: " + "; ".join(p.strip() for p in panels))
    elif panels:
        parts.append(panels[0].strip())
    text = ". ".join(part for part in parts if part)
    return text or None


def register(shell: Any = None) -> bool:
    """Make IPython record each matplotlib figure's :func:`description` in the PNG output's
    metadata (``metadata["image/png"]["alt"]``). Idempotent.

    The inline backend may install its PNG formatter after this call (when pyplot is first
    used); a ``pre_run_cell`` hook wraps it again then, so the description is never lost.

    Returns:
        True if registered, False outside IPython (nothing to do).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        # pyplot loads its backend lazily; loading it now lets the inline backend install its
        # PNG formatter, so a figure in this very cell is described too.
        with contextlib.suppress(Exception):
            pyplot._get_backend_mod()
    _wrap_png_formatter(shell)
    events = shell.events
    if not any(getattr(hook, _WRAPPED, False)
               for hook in events.callbacks.get("pre_run_cell", [])):
        def rewrap(*_: Any) -> None:
            _wrap_png_formatter(shell)

        setattr(rewrap, _WRAPPED, True)
        events.register("pre_run_cell", rewrap)
    return True


def _wrap_png_formatter(shell: Any) -> None:
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:
        return  # no PNG formatter for figures yet: the pre_run_cell hook will wrap it
    if getattr(current, _WRAPPED, False):
        return

    def png_with_description(fig: Any) -> Any:
        data = current(fig)
        text = description(fig)
        if data is None or text is None:
            return data
        if isinstance(data, tuple):  # already (data, metadata)
            data, metadata = data
            return data, {**(metadata or {}), ALT_KEY: text}
        return data, {ALT_KEY: text}

    setattr(png_with_description, _WRAPPED, True)
    formatter.for_type(Figure, png_with_description)
