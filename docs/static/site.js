/* Accessible names for what the widget renderer draws from a saved widget snapshot (lesson 8's
   explorers), on the site and in the decks. The renderer builds the widgets after the page has
   loaded, so a MutationObserver labels them as they appear:
   - a slider's handle (role="slider") is named by the slider's own description label;
   - a figure (an image widget) gets its caption as alt text: the HTML widget whose class is the
     image's class plus "-caption" (hu-margin-figure -> hu-margin-figure-caption), as
     hinge_utils.widgets names them; else its title; else a plain statement of what it is. */
(function () {
  "use strict";
  var pending = false;

  function label(root) {
    root.querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider").forEach(function (box) {
      var text = box.querySelector(".widget-label");
      var name = text ? text.textContent.trim() : "";
      box.querySelectorAll('[role="slider"]').forEach(function (handle) {
        if (!handle.hasAttribute("aria-label")) {
          handle.setAttribute("aria-label", (name || "slider") + " (saved snapshot)");
        }
      });
    });
    root.querySelectorAll("img.widget-image").forEach(function (img) {
      var caption = "";
      img.classList.forEach(function (name) {
        var found = caption ? null : document.querySelector("." + CSS.escape(name + "-caption"));
        if (found) caption = found.textContent.replace(/^\s*Figure:\s*/, "").trim();
      });
      var alt = caption || img.getAttribute("title") || "Figure of a widget (saved snapshot)";
      if (img.getAttribute("alt") !== alt) img.setAttribute("alt", alt);
    });
  }

  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      label(document);
    });
  }

  label(document);
  new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true});
})();
