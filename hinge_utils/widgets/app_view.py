"""The explorers as one screen for a projector: tabs, a side column of controls, a large figure.

``make explore`` serves ``apps/explorer.ipynb``, which shows :func:`explorer_app`: the margin,
multi-class and loss explorers of lesson 8, built with ``view="app"`` and switched by tabs, with
no lesson prose. The layout is made for a 1280 x 720 projector and holds at 1366 x 768 and
1920 x 1080:

* each explorer's controls and readouts sit in a side column (:data:`SIDE_WIDTH` wide), its
  figure fills the rest of the screen at its natural size (96 dpi: figure text in points is
  the same size on the screen), and nothing scrolls;
* slider labels, readouts and tab titles are at least 16 px (:data:`FONT_PX`);
* a "what to try" toggle in each side column lays a few suggestions over the figure, and hides
  them again;
* every slider steps with the arrow keys and by five steps with Page Up / Page Down (noUiSlider's
  keyboard support), and each handle is named for screen readers after its description
  (``aria-label``, set by a small script, :data:`ARIA_SCRIPT`);
* the tabs keep their explorers alive: the data set chosen in the margin explorer, like every
  slider, is where it was left when the lecturer comes back to its tab.

Example::

    >>> app = explorer_app()
    >>> [app.tabs.get_title(i) for i in range(3)]
    ['Margin', 'Multi-class', 'Losses']
    >>> app.explorers["margin"].controls["dataset"].value = "outliers"
    >>> app.tabs.selected_index = 2  # switch to the loss explorer and back
    >>> app.tabs.selected_index = 0
    >>> app.explorers["margin"].controls["dataset"].value
    'outliers'
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from hinge_utils.plotting.style import CLASS_COLORS
from hinge_utils.widgets.base import Explorer
from hinge_utils.widgets.loss import loss_explorer
from hinge_utils.widgets.margin import margin_explorer
from hinge_utils.widgets.multiclass import multiclass_explorer

__all__ = ["APP_CSS", "ARIA_SCRIPT", "HELP", "ExplorerApp", "explorer_app"]

FONT_PX = 16
"""Smallest text of the app, in CSS pixels: labels, readouts, buttons, tab titles."""

SIDE_WIDTH = 400
"""Width of the side column in CSS pixels; the figure gets the rest of the screen."""

TITLES = {"margin": "Margin", "multiclass": "Multi-class", "loss": "Losses"}
"""The tabs' titles, by explorer."""

HELP: dict[str, str] = {
    "margin": """
<h3>What to try</h3>
<ol>
<li><b>Scale, don't turn.</b> With "scale b with ‖w‖" ticked, move ‖w‖ from 1 to 2: the boundary
stays, the band halves, the loss changes, the geometric margin does not.</li>
<li><b>w = 0.</b> Press Home on the ‖w‖ slider: no boundary, the geometric margin is undefined,
the loss is still defined.</li>
<li><b>Who pushes.</b> Press "fit" for each loss: under the hinge only the points with
m &lt; Δ push; under cross-entropy every point does.</li>
<li><b>Outliers.</b> Choose the data set "outliers" and fit the hinge, then the squared hinge:
which boundary do three far points drag?</li>
</ol>
<p>Arrow keys step a focused slider, Page Up / Page Down step five times; "reset" goes back to
the start (the data set stays).</p>""",
    "multiclass": """
<h3>What to try</h3>
<ol>
<li>Switch between the four losses at the start and read the table: Weston-Watkins charges every
rival within Δ, Crammer-Singer only the strongest one, softmax charges every sample.</li>
<li>Press "10 steps" a few times: the objective falls and the regions settle.</li>
<li>Set λ to 1 and step again: the arrows w<sub>k</sub> shrink.</li>
</ol>""",
    "loss": """
<h3>What to try</h3>
<ol>
<li>Set Δ = 0 and τ = 1: the softplus hinge lies on the cross-entropy (the gap reads 0).</li>
<li>Lower τ towards 0.01: the curve hugs the hinge and its slope becomes a step.</li>
<li>Tick the squared hinge: its slope grows with the violation, the hinge's stays at −1.</li>
</ol>""",
}
"""The short "what to try" of each explorer, shown over its figure by the toggle."""

_CLASS_RULES = "\n".join(
    f".hu-app .hu-class-{k} .widget-label {{ color: {color}; font-weight: bold; }}"
    for k, color in enumerate(CLASS_COLORS))

APP_CSS = f"""
body {{ margin: 0; }}
/* Voila's page around the one output: no padding, no prompt */
body:has(.hu-app) .jp-Cell, body:has(.hu-app) .jp-Cell-outputWrapper,
body:has(.hu-app) .jp-OutputArea-child, body:has(.hu-app) .jp-OutputArea-output,
body:has(.hu-app) #rendered_cells, body:has(.hu-app) main {{ padding: 0; margin: 0; }}
body:has(.hu-app) .jp-OutputPrompt, body:has(.hu-app) .jp-InputPrompt {{ display: none; }}
.hu-app {{
  --jp-widgets-font-size: {FONT_PX}px; --jp-ui-font-size1: {FONT_PX}px;
  --jp-content-font-size1: {FONT_PX}px; --jp-widgets-inline-height: 30px;
  font-size: {FONT_PX}px; width: 100%; box-sizing: border-box;
}}
.hu-app .widget-label, .hu-app .widget-readout, .hu-app .widget-button,
.hu-app .widget-toggle-button, .hu-app .widget-dropdown select, .hu-app .widget-checkbox label,
.hu-app .hu-readout, .hu-app .lm-TabBar-tabLabel {{ font-size: {FONT_PX}px; }}
.hu-app .widget-tab > .lm-TabBar .lm-TabBar-tab {{
  font-size: {FONT_PX}px; min-height: 34px; line-height: 34px; padding: 0 1.2em;
}}
.hu-app .widget-tab-contents {{ padding: 6px 8px 0 8px; overflow: hidden; }}
.hu-app-explorer {{ display: flex; flex-direction: row; gap: 12px; align-items: flex-start; }}
.hu-app-side {{ flex: 0 0 {SIDE_WIDTH}px; width: {SIDE_WIDTH}px; gap: 2px; }}
.hu-app-side .widget-slider .widget-label {{ width: 6.2em; }}
.hu-app-side .widget-readout {{ min-width: 3.5em; }}
.hu-app-side .widget-toggle-buttons .widget-toggle-button {{ padding: 0 0.6em; }}
.hu-app-side .widget-gridbox {{ column-gap: 0; }}
.hu-app-side .widget-gridbox .widget-slider .widget-readout {{ min-width: 3em; }}
.hu-app-side .widget-gridbox .widget-checkbox {{ width: auto; }}
.hu-app-side .hu-readout {{ margin: 0 !important; line-height: 1.35; }}
.hu-app-main {{
  flex: 1 1 auto; min-width: 0; position: relative; display: flex; flex-direction: row;
  gap: 12px; align-items: flex-start;
}}
/* as tall as the screen allows, as wide as the main area allows: the picture keeps its
   proportions (object-fit), at its natural size or larger on a 1280 x 720 screen and up */
.hu-app-main img.hu-figure {{
  width: auto !important; height: calc(100vh - 72px); max-width: 100%;
  object-fit: contain; object-position: left top; flex: 0 1 auto; min-width: 0;
}}
.hu-app-main > .widget-vbox {{ flex: 0 0 auto; }}
.hu-app-main .hu-loss-table {{ margin: 0 !important; font-size: {FONT_PX}px; }}
.hu-app-main .hu-loss-table td, .hu-app-main .hu-loss-table th {{ padding: 1px 4px !important; }}
.hu-app-main .hu-readout {{ margin: 0 !important; }}
.hu-app .hu-help {{
  position: absolute; left: 0; top: 0; z-index: 10; max-width: 44em; font-size: 18px;
  background: rgba(255, 255, 255, 0.97); border: 2px solid #555; border-radius: 6px;
  padding: 0 1.2em 0.6em 1.2em; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25);
}}
.hu-app .hu-help li {{ margin-bottom: 0.4em; }}
.hu-sr-only {{
  position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip-path: inset(50%); white-space: nowrap; margin: -1px;
}}
{_CLASS_RULES}
"""
"""The app's style sheet (shown by an ``ipywidgets.HTML`` inside the app)."""

ARIA_SCRIPT = """
<script>
(() => {
  // Name every slider handle after its description, so a screen reader announces it (the
  // widgets give the handle role="slider" but no name); it runs again as views appear.
  const name = (handle) => {
    const slider = handle.closest('.widget-slider');
    const label = slider && slider.querySelector('.widget-label');
    return label ? label.textContent.trim() : '';
  };
  const label = () => document.querySelectorAll('.noUi-handle').forEach((handle) => {
    const text = name(handle);
    if (text && handle.getAttribute('aria-label') !== text) {
      handle.setAttribute('aria-label', text);
    }
  });
  new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
  label();
})();
</script>
"""
"""The script that gives each slider handle an ``aria-label``; :meth:`ExplorerApp.show` emits it."""


class ExplorerApp:
    """The three explorers in tabs (see the module docstring).

    Attributes:
        explorers: ``"margin"``, ``"multiclass"``, ``"loss"``: the explorers, built with
            ``view="app"``.
        tabs: the ``ipywidgets.Tab`` that switches them.
        help: by explorer, the "what to try" toggle and its panel.
        widget: the whole app (style sheet and tabs), named ``hu-app`` in the page.
    """

    def __init__(self, dataset: str = "overlapping") -> None:
        self.explorers: dict[str, Explorer] = {
            "margin": margin_explorer(dataset, view="app"),
            "multiclass": multiclass_explorer(view="app"),
            "loss": loss_explorer(view="app"),
        }
        self.help: dict[str, tuple[widgets.ToggleButton, widgets.HTML]] = {}
        for key, explorer in self.explorers.items():
            toggle = widgets.ToggleButton(description="what to try", icon="question",
                                          tooltip="show or hide a few things to try",
                                          layout=widgets.Layout(width="11em"))
            toggle.add_class("hu-help-toggle")
            panel = widgets.HTML(HELP[key], layout=widgets.Layout(display="none"))
            panel.add_class("hu-help")
            toggle.observe(_show_or_hide(panel), names="value")
            assert explorer.side is not None and explorer.main is not None
            explorer.side.children = (*explorer.side.children, toggle)
            explorer.main.children = (*explorer.main.children, panel)
            self.help[key] = (toggle, panel)
        self.tabs = widgets.Tab(children=[ex.widget for ex in self.explorers.values()],
                                titles=[TITLES[key] for key in self.explorers])
        style = widgets.HTML(f"<style>{APP_CSS}</style>", layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([style, self.tabs])
        self.widget.add_class("hu-app")

    def show(self) -> None:
        """Display the app, and the script that names the sliders for screen readers."""
        from IPython.display import HTML, display

        display(HTML(ARIA_SCRIPT))
        display(self.widget)

    def close(self) -> None:
        """Close every explorer and the app's own widgets."""
        for explorer in self.explorers.values():
            explorer.close()
        for toggle, panel in self.help.values():
            toggle.close()
            panel.close()
        for child in self.widget.children:
            child.close()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _show_or_hide(panel: widgets.HTML) -> Any:
    def toggle(change: dict[str, Any]) -> None:
        panel.layout.display = "block" if change["new"] else "none"

    return toggle


def explorer_app(dataset: str = "overlapping") -> ExplorerApp:
    """The margin, multi-class and loss explorers in tabs, laid out for one projector screen.

    Args:
        dataset: the margin explorer's data set at the start (``"separable"``,
            ``"overlapping"`` or ``"outliers"``).

    Returns:
        An :class:`ExplorerApp`; call its :meth:`~ExplorerApp.show` (``apps/explorer.ipynb``
        does).
    """
    return ExplorerApp(dataset)
