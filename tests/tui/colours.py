"""What a 16-colour terminal shows: the screen's cells in the terminal's own 16 colours (issue #15, item 1).

Textual draws in truecolour and lets Rich turn every colour into the nearest
of the 16 standard ones only when it writes to a terminal whose colour system
is 'standard' (``TERM=xterm``, ``TEXTUAL_COLOR_SYSTEM=standard``). Two colours
that differ in truecolour can become one there: grey text on a grey field.
These helpers render the current screen (with the screens under a dialog) as
the terminal gets it, turn each cell's colours into the standard colour a
16-colour terminal would show, and

* ``unreadable(app)`` lists the text drawn with too little contrast against
  its own background (in PuTTY's default palette, the terminal of ``TERM=xterm``);
* ``svg_in_16_colours(app)`` is ``App.export_screenshot`` in those 16 colours,
  so a snapshot shows what such a terminal shows.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style

from cirkel_tui.colours import MIN_CONTRAST, MIN_GRAPHIC_CONTRAST, PUTTY, contrast, is_graphic, standard_number

NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", "bright black", "bright red",
         "bright green", "bright yellow", "bright blue", "bright magenta", "bright cyan", "bright white"]


def standard(color: Color | None, default: int) -> int:
    """The number (0–15) of the standard colour a 16-colour terminal shows for ``color``."""
    number = standard_number(color)
    return default if number is None else number


def _recording_console(app) -> Console:
    """The current screen (and the screens under a dialog) as the terminal gets it, recorded."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console.print(update)
    return console


@dataclass(frozen=True)
class Cell:
    line: int
    text: str
    fg: int
    bg: int

    def __str__(self) -> str:
        return (f"line {self.line}: {self.text.strip()!r} {NAMES[self.fg]} on {NAMES[self.bg]}"
                f" (contrast {contrast(self.fg, self.bg):.1f})")


def cells(app) -> list[Cell]:
    """Every run of text on the screen with the two standard colours it is drawn in."""
    found = []
    line = 0
    for segment in _recording_console(app)._record_buffer:
        text, style = segment.text, segment.style
        if "\n" in text:
            line += text.count("\n")
            continue
        if not text.strip() or style is None:
            continue
        fg, bg = standard(style.color, 7), standard(style.bgcolor, 0)
        if style.reverse:
            fg, bg = bg, fg
        found.append(Cell(line, text, fg, bg))
    return found


def unreadable(app) -> list[Cell]:
    """The text drawn with too little contrast against its background in a 16-colour terminal."""
    return [cell for cell in cells(app)
            if contrast(cell.fg, cell.bg) < (MIN_GRAPHIC_CONTRAST if is_graphic(cell.text) else MIN_CONTRAST)]


def _downgraded(style: Style | None) -> Style | None:
    if style is None:
        return None
    color = None if style.color is None else Color.from_ansi(standard(style.color, 7))
    bgcolor = None if style.bgcolor is None else Color.from_ansi(standard(style.bgcolor, 0))
    return style + Style(color=color, bgcolor=bgcolor)


def svg_in_16_colours(app, title: str | None = None, simplify: bool = True) -> str:
    """``App.export_screenshot`` as a 16-colour terminal (PuTTY's palette) shows the screen."""
    console = _recording_console(app)
    console._record_buffer[:] = [Segment(s.text, _downgraded(s.style), s.control) for s in console._record_buffer]
    return console.export_svg(title=title or app.title, theme=PUTTY)


def svg_colours(svg: str) -> set[str]:
    """The colours an SVG snapshot draws the terminal's cells in: text (``fill: #…``) and backgrounds
    (``<rect fill="#…"``); not the three window buttons of its frame (``<circle>``)."""
    import re

    text = re.findall(r"fill:\s*(#[0-9a-fA-F]{6})", svg)
    backgrounds = re.findall(r'<rect[^>]*fill="(#[0-9a-fA-F]{6})"', svg)
    return {colour.lower() for colour in text + backgrounds}


def palette_hex() -> set[str]:
    """The 16 colours as the snapshots draw them (PuTTY's palette)."""
    return {"#{:02x}{:02x}{:02x}".format(*PUTTY.ansi_colors[n]) for n in range(16)}
