"""A closed screen's widgets are let go, drawn lines and all (issue #17, item 4).

Textual 8.2.8 caches ``StylesCache.get_inner_outer`` with ``functools.lru_cache`` on the method:
the cache's key holds ``self``, the widget's ``StylesCache``, and with it every line the widget
last drew (each line a ``Strip`` with caches of its own). So the last 1,024 widgets drawn stayed
in memory after their screens were closed — a screen such as Screening has ~250 — and every full
collection of Python's garbage collector walked them: 100-150 ms pauses at random key presses,
growing through the day (measured with ``gc.callbacks`` in ``benchmarks/screens.py``).

The two colours returned depend only on the two colours given; here they are cached by those
alone, so nothing of the widget is kept. ``tests/tui/test_released_widgets.py`` checks that it
gives what Textual's method gives and that a widget's cache is freed with the widget.
"""
from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

_textual_get_inner_outer = StylesCache.get_inner_outer


@lru_cache(1024)
def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The inner and outer background styles, as ``StylesCache.get_inner_outer`` makes them."""
    return Style(background=base_background + background), Style(background=base_background)


def get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return inner_outer(base_background, background)


def install() -> None:
    """Put the function above in Textual's StylesCache (once; idempotent)."""
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign]
