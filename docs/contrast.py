"""Text colours with enough contrast (WCAG 2.1 AA: 4.5:1) for the site's HTML outputs.

The lessons' HTML outputs and widget readouts colour some text with the plots' palette (Okabe-Ito
orange ``#E69F00`` for class 1, green ``#009E73`` for class 2, ...), which is chosen to tell lines
apart, not to be read as text on white: orange on white is 2.2:1. The docs build keeps each hue
and darkens it (in the same proportion in R, G and B) until it reads at 4.5:1 on the lightest
grey a table row uses, so a legend still says "the orange class" and can be read at high zoom.

The committed notebooks keep their colours; only the built pages change.
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
# The darkest background inline-coloured text sits on in the lessons' outputs (zebra table rows,
# #f4f4f4), with a small margin so rounding to 8-bit channels cannot fall below 4.5.
BACKGROUND = "#f0f0f0"
TARGET = 4.6

# color: #abc / #aabbcc in an inline style attribute (not background-color).
INLINE_COLOUR = re.compile(
    r"(?<![-\w])(?P<prop>color\s*:\s*)(?P<hex>#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b"
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(2 * d for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour.

    >>> luminance("#ffffff"), luminance("#000000")
    (1.0, 0.0)
    """

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21.

    >>> round(contrast("#E69F00", "#ffffff"), 2)
    2.25
    >>> round(contrast("#000", "#fff"), 1)
    21.0
    """
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str, background: str = BACKGROUND, target: float = TARGET) -> str:
    """``colour`` itself if it reads at ``target`` on ``background``, else the same hue darkened
    just enough (lowercase hex).

    >>> readable("#1f2328")
    '#1f2328'
    >>> dark = readable("#E69F00"); dark, contrast(dark, "#f4f4f4") >= 4.5
    ('#906300', True)
    """
    if contrast(colour, background) >= target:
        return colour
    r, g, b = _rgb(colour)
    low, high = 0.0, 1.0  # scale factor: 0 is black, 1 the colour itself
    for _ in range(30):
        mid = (low + high) / 2
        candidate = _hex((int(r * mid), int(g * mid), int(b * mid)))
        if contrast(candidate, background) >= target:
            low = mid
        else:
            high = mid
    return _hex((int(r * low), int(g * low), int(b * low)))


CSS_RULE = re.compile(r"^(?P<selector>[^{}/]+?)\s*\{(?P<body>[^}]*)\}", re.MULTILINE)
CSS_COLOUR = re.compile(r"(?<![-\w])color\s*:\s*(?P<hex>#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")


def readable_css_overrides(css: str, background: str, prefix: str) -> str:
    """Override rules for each text colour of ``css`` that reads below 4.5:1 on ``background``:
    the same selectors behind ``prefix`` (to win over the originals), the colour darkened.

    >>> print(readable_css_overrides(".x .k { color: #008000; font-weight: bold }\\n"
    ...                              ".x .n { color: #000000 }", "#eeeeee", "body.api"))
    body.api .x .k { color: #007d00; }
    """
    rules = []
    for rule in CSS_RULE.finditer(css):
        found = CSS_COLOUR.search(rule.group("body"))
        if found is None:
            continue
        colour = readable(found.group("hex"), background)
        if colour != found.group("hex"):
            selectors = ", ".join(f"{prefix} {part.strip()}"
                                  for part in rule.group("selector").split(","))
            rules.append(f"{selectors} {{ color: {colour}; }}")
    return "\n".join(rules)


def readable_inline_colours(html: str) -> str:
    """Darken every inline ``color: #...`` in ``html`` that would read below 4.5:1.

    >>> readable_inline_colours("<b style='color:#E69F00'>class 1</b>")
    "<b style='color:#906300'>class 1</b>"
    >>> readable_inline_colours("<td style='background-color:#E69F00'>x</td>")
    "<td style='background-color:#E69F00'>x</td>"
    """
    return INLINE_COLOUR.sub(lambda m: m.group("prop") + readable(m.group("hex")), html)
