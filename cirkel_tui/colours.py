"""The themes for a 16-colour terminal (issue #15, item 1).

PuTTY's default ``TERM=xterm`` gives 16 colours. Textual draws in truecolour
and Rich turns each colour into the nearest of the 16 on the way out, so
shades that differ in truecolour fall together: grey text on a grey field, a
dimmed footer in one grey. On such a terminal Cirkel uses these two themes
instead, every colour one of the 16 (the standard palette's own values, so
the conversion is exact) and no shade that depends on mixing: muted text is
the terminal's grey, fields are grey (dark) or light grey (light) and turn
blue / cyan when focused, and a dialog does not dim the screen under it.
Ctrl+T switches between the two as between the truecolour ones.

What the screens colour themselves (Rich's "green", "red", "dim" in their
tables and bars) cannot follow a theme, so on such a terminal one more line
filter (``Readable``, after Textual's own) takes every cell as the terminal
will show it and, where its text would be too faint against its background
in PuTTY's default palette (contrast under 3:1), draws it in the nearest of
the 16 colours that can be read there instead.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.filter import LineFilter
from textual.theme import Theme

# The standard palette as Rich matches it (rich._palettes.STANDARD_PALETTE).
BLACK, RED, GREEN, YELLOW = "#000000", "#AA0000", "#00AA00", "#AA5500"
BLUE, MAGENTA, CYAN, WHITE = "#0000AA", "#AA00AA", "#00AAAA", "#AAAAAA"
GREY, BRIGHT_RED, BRIGHT_GREEN, BRIGHT_YELLOW = "#555555", "#FF5555", "#55FF55", "#FFFF55"
BRIGHT_BLUE, BRIGHT_MAGENTA, BRIGHT_CYAN, BRIGHT_WHITE = "#5555FF", "#FF55FF", "#55FFFF", "#FFFFFF"


def _variables(*, text: str, muted: str, field: str, field_focus: str, border: str, cursor: str,
               cursor_text: str, selection: str, selection_text: str, key: str) -> dict[str, str]:
    """The shades Textual would otherwise mix from the theme's colours, each one of the 16."""
    return {
        "text": text,
        "text-muted": muted,
        "text-disabled": muted,
        "foreground-muted": muted,
        "foreground-disabled": muted,
        "dialog-dim": "transparent",
        "field-background": field,
        "field-background-focus": field_focus,
        "border-blurred": border,
        "surface-active": field,
        "block-cursor-foreground": cursor_text,
        "block-cursor-background": cursor,
        "block-cursor-blurred-foreground": text,
        "block-cursor-blurred-background": field,
        "block-hover-background": field,
        "input-cursor-foreground": cursor_text,
        "input-cursor-background": text,
        "input-selection-background": selection,
        "input-selection-foreground": selection_text,
        "screen-selection-background": selection,
        "screen-selection-foreground": selection_text,
        "scrollbar": field,
        "scrollbar-hover": muted,
        "scrollbar-active": cursor,
        "scrollbar-background": field,
        "scrollbar-background-hover": field,
        "scrollbar-background-active": field,
        "scrollbar-corner-color": field,
        "footer-background": field,
        "footer-foreground": text,
        "footer-description-foreground": text,
        "footer-key-foreground": key,
        "button-foreground": text,
        "button-color-foreground": cursor_text,
    }


DARK16 = Theme(
    name="cirkel-moerk-16",
    primary=CYAN,
    secondary=GREEN,
    accent=BRIGHT_YELLOW,
    warning=BRIGHT_YELLOW,
    error=BRIGHT_RED,
    success=BRIGHT_GREEN,
    foreground=BRIGHT_WHITE,
    background=BLACK,
    surface=BLACK,
    panel=GREY,
    boost=GREY,
    dark=True,
    variables=_variables(text=BRIGHT_WHITE, muted=WHITE, field=GREY, field_focus=BLUE, border=GREY,
                         cursor=CYAN, cursor_text=BLACK, selection=BLUE, selection_text=BRIGHT_WHITE,
                         key=BRIGHT_YELLOW),
)
LIGHT16 = Theme(
    name="cirkel-lys-16",
    primary=BLUE,
    secondary=BLUE,
    accent=MAGENTA,
    warning=RED,
    error=RED,
    success=BLUE,
    foreground=BLACK,
    background=BRIGHT_WHITE,
    surface=BRIGHT_WHITE,
    panel=WHITE,
    boost=WHITE,
    dark=False,
    variables=_variables(text=BLACK, muted=GREY, field=WHITE, field_focus=BRIGHT_CYAN, border=WHITE,
                         cursor=BLUE, cursor_text=BRIGHT_WHITE, selection=BRIGHT_CYAN, selection_text=BLACK,
                         key=BLUE),
)


# What a 16-colour terminal shows for each of the 16: PuTTY's default palette (black, red, green,
# yellow, blue, magenta, cyan, white, then the bright ones), the terminal of TERM=xterm.
PUTTY = TerminalTheme(
    (0, 0, 0),
    (187, 187, 187),
    [(0, 0, 0), (187, 0, 0), (0, 187, 0), (187, 187, 0), (0, 0, 187), (187, 0, 187), (0, 187, 187),
     (187, 187, 187)],
    [(85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85), (85, 85, 255), (255, 85, 255),
     (85, 255, 255), (255, 255, 255)],
)
# The 16 as Rich matches a colour to them (rich._palettes.STANDARD_PALETTE), in the same order.
STANDARD = [BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE,
            GREY, BRIGHT_RED, BRIGHT_GREEN, BRIGHT_YELLOW, BRIGHT_BLUE, BRIGHT_MAGENTA, BRIGHT_CYAN, BRIGHT_WHITE]
# Rich's own colour names ("green", "red") drawn as exactly these 16 (Textual maps them through a
# terminal theme of its own otherwise, to truecolour shades between them).
SIXTEEN = TerminalTheme((0, 0, 0), (170, 170, 170),
                        [RichColor.parse(value).triplet for value in STANDARD[:8]],
                        [RichColor.parse(value).triplet for value in STANDARD[8:]])
MIN_CONTRAST = 3.0  # WCAG's minimum for large text and for the parts of a control
MIN_GRAPHIC_CONTRAST = 1.5  # a bar, a border, a box: told from its background, not read


_NOT_GRAPHIC = re.compile(r"[^\u2500-\u259f\s]")  # a character that is neither box-drawing/block nor space


def is_graphic(text: str) -> bool:
    """Only box-drawing and block characters (a bar, a border, a checkbox's sides), no letters."""
    return _NOT_GRAPHIC.search(text) is None


def standard_number(color: RichColor | None) -> int | None:
    """Which of the 16 a 16-colour terminal shows for ``color`` (None: the terminal's default)."""
    if color is None or color.type == ColorType.DEFAULT:
        return None
    return color.downgrade(ColorSystem.STANDARD).number


def _luminance(number: int) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = PUTTY.ansi_colors[number]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: int, b: int) -> float:
    """WCAG contrast ratio of two of the 16 colours as PuTTY shows them (1: the same, 21: black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_COLOURS = [RichColor.parse(value) for value in STANDARD]


GREYS = (0, 8, 7, 15)  # black, grey, white, bright white: darkest first
# The colours a colour may become when neither it nor its bright/normal twin can be read (never
# green for red: the colours say "ok" and "not ok"), normal ones; their twins follow them.
KIN = {1: (5,), 2: (4,), 3: (5, 1), 4: (6,), 5: (1,), 6: (4,)}


def _readable_on(number: int, background: int, minimum: float = MIN_CONTRAST) -> int:
    """``number`` if it reads on ``background``, else the nearest of the 16 that does: a grey stays a
    grey (the nearest in lightness); a colour becomes its bright or normal twin, else its kin (green:
    blue, yellow: magenta or red, …), else black or white."""
    if contrast(number, background) >= minimum:
        return number
    if number in GREYS:
        order = sorted(GREYS, key=lambda n: abs(GREYS.index(n) - GREYS.index(number)))
    else:
        order = [number ^ 8]
        for kin in KIN[number & 7]:
            order += [kin, kin | 8] if number < 8 else [kin | 8, kin]
        order += sorted(GREYS, key=lambda n: -contrast(n, background))
    return next(n for n in order if contrast(n, background) >= minimum)


@lru_cache(4096)
def readable_style(style: Style, background: RichColor, minimum: float = MIN_CONTRAST) -> Style:
    """``style`` in the 16 colours, its text in one that can be read on its background."""
    fg = standard_number(style.color)
    bg = standard_number(style.bgcolor if style.bgcolor is not None else background)
    if fg is None or bg is None:
        return style
    if style.reverse:  # the terminal draws the text in the background colour
        return style + Style(color=_COLOURS[fg], bgcolor=_COLOURS[_readable_on(bg, fg, minimum)])
    bgcolor = _COLOURS[bg] if style.bgcolor is not None else None
    return style + Style(color=_COLOURS[_readable_on(fg, bg, minimum)], bgcolor=bgcolor)


class Readable(LineFilter):
    """On a 16-colour terminal: every cell in the 16 colours, its text readable on its background."""

    def apply(self, segments: list[Segment], background) -> list[Segment]:
        background_color = background.rich_color
        lines = []
        for segment in segments:
            text, style, control = segment
            if style is None:
                lines.append(segment)
                continue
            strict, graphic = _readable_styles(style, background_color)
            # issue #17: whether the text is only lines and blocks matters only where the two minimums differ
            lines.append(Segment(text, graphic if graphic is not None and is_graphic(text) else strict, control))
        return lines


@lru_cache(4096)
def _readable_styles(style: Style, background: RichColor) -> tuple[Style, Style | None]:
    """``style`` made readable as text, and as a graphic (a bar, a border) when that differs (else None)."""
    strict = readable_style(style, background, MIN_CONTRAST)
    graphic = readable_style(style, background, MIN_GRAPHIC_CONTRAST)
    return strict, (None if graphic == strict else graphic)


def sixteen_colours(console) -> bool:
    """Whether the terminal shows only 16 colours (``TERM=xterm``, ``TEXTUAL_COLOR_SYSTEM=standard``)."""
    return console.color_system in ("standard", "windows")
