"""screens/released_widgets.py: a widget's drawn lines are freed with the widget, and the colours are Textual's."""
from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.color import Color

from screens import released_widgets

COLOURS = [Color(0, 0, 0), Color(255, 255, 255), Color(30, 40, 50, 0.5), Color(200, 10, 10, 0.0)]


def test_the_inner_and_outer_styles_are_the_ones_textual_makes():
    for base in COLOURS:
        for background in COLOURS:
            assert released_widgets.get_inner_outer(StylesCache(), base, background) == \
                released_widgets._textual_get_inner_outer(StylesCache(), base, background)


def test_every_widget_draws_through_it():
    import screens.base  # noqa: F401 - installs it

    assert StylesCache.get_inner_outer is released_widgets.get_inner_outer


def test_a_widgets_cache_is_freed_with_the_widget():
    import screens.base  # noqa: F401

    cache = StylesCache()
    cache.get_inner_outer(COLOURS[0], COLOURS[2])
    freed = weakref.ref(cache)
    del cache
    gc.collect()
    assert freed() is None  # with Textual's method, its lru_cache kept the last 1,024 widgets' caches
