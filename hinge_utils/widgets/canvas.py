"""A matplotlib figure that lives between frames and is re-rendered to PNG bytes in milliseconds.

The explorers show their figure as an ``ipywidgets.Image`` whose value is a PNG. That works the
same in JupyterLab, in Voila and in an exported HTML page (the widget state embeds the PNG), and
it never flickers: the browser swaps one image for the next.

A full matplotlib draw of a two-panel figure (ticks, labels, layout) costs tens of milliseconds on
a slow machine, so :class:`PngCanvas` draws the parts that never move (axes, ticks, labels,
legends) once, keeps those pixels, and for each frame restores them and draws only the artists
registered with :meth:`PngCanvas.animate` on top (blitting). Encoding the pixels as PNG is the
rest of the cost: :func:`encode_png` writes them unfiltered with zlib level 1, which for a plot
(large flat areas) is both fast and small.

The figure is a :class:`matplotlib.figure.Figure` made without ``pyplot``, so the inline
backend never shows it by itself and it is never collected by ``plt.close('all')``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hinge_utils.plotting.style import course_style

__all__ = ["PngCanvas", "encode_png"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, tag, body, CRC-32 of tag and body."""
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def encode_png(pixels: np.ndarray, compress_level: int = 1) -> bytes:
    r"""Encode 8-bit RGB or RGBA pixels as a PNG file (no row filters, zlib at ``compress_level``).

    Args:
        pixels: ``uint8`` array of shape ``(H, W, 3)`` (RGB) or ``(H, W, 4)`` (RGBA).
        compress_level: zlib level, 0 (none) to 9 (smallest, slowest). Default: 1.

    Returns:
        The bytes of a PNG file: signature, ``IHDR``, one ``IDAT``, ``IEND``.

    Example::

        >>> png = encode_png(np.zeros((2, 3, 3), dtype=np.uint8))  # a 3 x 2 black image
        >>> png[:8] == b"\x89PNG\r\n\x1a\n", struct.unpack(">II", png[16:24])  # width, height
        (True, (3, 2))
    """
    if not (isinstance(pixels, np.ndarray) and pixels.dtype == np.uint8 and pixels.ndim == 3
            and pixels.shape[2] in (3, 4)):
        shape = getattr(pixels, "shape", None)
        dtype = getattr(pixels, "dtype", type(pixels).__name__)
        raise ValueError(
            f"pixels must be a uint8 array of shape (H, W, 3) or (H, W, 4); got {dtype} of "
            f"shape {shape}: pass np.asarray(canvas.buffer_rgba())"
        )
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:].reshape(height, width, channels)[...] = pixels  # one (strided) copy
    color_type = 2 if channels == 3 else 6  # truecolour, or truecolour with alpha
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    data = zlib.compress(rows.data, compress_level)  # the array's buffer, no extra copy
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


class PngCanvas:
    r"""A persistent figure whose moving artists are redrawn over a cached background.

    Build the axes and artists on :attr:`figure`, register the artists that change from frame
    to frame with :meth:`animate`, update them (``set_data``, ``set_offsets``, ``set_xy``,
    ``set_text``, ``set_visible``), then call :meth:`render` for the PNG bytes of the frame.
    Call :meth:`invalidate` after changing anything static (axis limits, labels), so that the
    next :meth:`render` redraws the background.

    Args:
        figsize: figure size in inches ``(width, height)``.
        dpi: pixels per inch; the PNG is ``figsize * dpi`` pixels.
        compress_level: zlib level of the PNG, 0 (none) to 9 (smallest, slowest). Default: 1.

    Example::

        >>> canvas = PngCanvas(figsize=(2.0, 1.5), dpi=50)
        >>> ax = canvas.figure.add_subplot()
        >>> (line,) = ax.plot([0, 1], [0, 1])
        >>> _ = canvas.animate(line)
        >>> png = canvas.render()
        >>> png[:8] == b"\x89PNG\r\n\x1a\n", canvas.pixel_size  # 2.0 * 50 = 100, 1.5 * 50 = 75
        (True, (100, 75))
    """

    def __init__(
        self, figsize: tuple[float, float], dpi: float = 80, compress_level: int = 1
    ) -> None:
        if not (isinstance(compress_level, int) and 0 <= compress_level <= 9):
            raise ValueError(
                f"compress_level must be an int in [0, 9]; got {compress_level!r}: use 1 (fast)"
            )
        with course_style():
            self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self._agg = FigureCanvasAgg(self.figure)  # the figure's canvas, typed as Agg
        self.compress_level = compress_level
        self._animated: list[Artist] = []
        self._background: object | None = None

    @property
    def pixel_size(self) -> tuple[int, int]:
        """The size of the rendered PNG in pixels, ``(width, height)``."""
        width, height = self.figure.canvas.get_width_height()
        return int(width), int(height)

    def animate(self, *artists: Artist) -> Sequence[Artist]:
        """Register artists that move between frames; they are left out of the cached background.

        They are drawn in order of their ``zorder`` (then of registration) on every frame.
        Returns the artists, so that ``(line,) = canvas.animate(*ax.plot(...))`` works.
        """
        for artist in artists:
            if not isinstance(artist, Artist):
                raise TypeError(
                    f"animate() takes matplotlib artists; got {type(artist).__name__}: pass "
                    "the Line2D, PathCollection, Polygon or Text that changes between frames"
                )
            artist.set_animated(True)
            self._animated.append(artist)
        self._animated.sort(key=lambda a: a.get_zorder())  # stable: ties keep registration order
        self._background = None
        return artists

    def invalidate(self) -> None:
        """Mark the background stale: the next :meth:`render` redraws the whole figure."""
        self._background = None

    def draw(self) -> None:
        """Bring the figure's pixels up to date (background if stale, then the moving artists)."""
        canvas = self._agg
        if self._background is None:
            canvas.draw()  # animated artists are skipped by a screen draw
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._animated:
            if artist.get_visible():
                artist.draw(renderer)

    def render(self) -> bytes:
        """Draw the frame and return it as PNG bytes."""
        self.draw()
        rgba = np.asarray(self._agg.buffer_rgba())
        return encode_png(rgba[..., :3], self.compress_level)  # opaque figure: drop alpha
