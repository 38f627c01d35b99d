"""The footer shows the key hints that fit, and always F1 (issue #15, item 2).

Textual's footer draws every shown binding in a row and cuts the row at the
screen's edge: at 80 columns most screens ended in "f1 Hjæl▏", so the one key
that lists all the others was the one cut. A screen's footer here shows the
hints that fit its width; when they do not all fit, these go first:

1. the command palette's "^p palette" (Ctrl+P is in F1's list and the help line),
2. the App's own hints other than F1 (F2 Registrér klip: F1 lists it, k works too),
3. the screen's own hints, the last one first (a screen lists its keys most used first);

F1 Hjælp always stays, and F1 lists every key of the screen and of the App.
Only what the footer shows changes: every key still works.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from rich.cells import cell_len
from textual.binding import ActiveBinding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = {"help", "app.help"}


def _width(app, binding) -> int:
    """The columns Textual's FooterKey takes: padding, key, a space, the description, padding."""
    return cell_len(app.get_key_display(binding)) + cell_len(binding.description) + 3


def fitted(app, bindings: dict[str, ActiveBinding], width: int) -> dict[str, ActiveBinding]:
    """``bindings`` (a screen's active bindings) without the footer hints that do not fit in ``width``."""
    if width <= 0:
        return bindings
    shown: dict[str, str] = {}  # action -> key of the binding the footer shows for it (the first one)
    for key, active in bindings.items():
        if active.binding.show:
            shown.setdefault(active.binding.action, key)
    palette = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
    used = sum(_width(app, bindings[key].binding) for key in shown.values())
    if palette in bindings:
        used += _width(app, bindings[palette].binding) + 1  # and its border
    if used <= width:
        return bindings

    app_hints = [key for key in shown.values() if bindings[key].node is app]
    screen_hints = [key for key in shown.values() if bindings[key].node is not app]
    order = ([palette] if palette in bindings else []) + app_hints + screen_hints[::-1]
    dropped = set()
    for key in order:
        if used <= width:
            break
        binding = bindings[key].binding
        if binding.action in HELP_ACTIONS:
            continue
        used -= _width(app, binding) + (1 if key == palette else 0)
        dropped.add(key)
    hidden = {bindings[key].binding.action for key in dropped if key != palette}
    return {key: (active._replace(binding=replace(active.binding, show=False))
                  if active.binding.show and active.binding.action in hidden else active)
            for key, active in bindings.items()
            if not (key == palette and key in dropped)}  # the footer shows the palette's key only when active


# --- issue #17: a footer's keys styled once as they mount, not three times

def _compose_keys_styled(footer: Footer) -> Iterable[Widget]:
    """Textual's ``Footer.compose``, with each key's compact state set before it mounts.

    A ``FooterKey`` starts compact (``reactive(True)``, its watcher adds the class ``-compact``
    when it mounts) and its data binding to the footer's ``compact`` (False for every footer here)
    then takes the class off again: two re-stylings of every key, each time a screen's footer
    shows its keys (issue #17). Here each key starts with the value and the class it ends up with
    — the footer's, or its own default for a key that is not bound (the palette's key) — so the
    watcher and the binding find nothing to change. What the footer shows is the same.
    """
    for widget in _textual_compose(footer):
        if isinstance(widget, FooterKey):
            connect = widget._reactive_connect
            compact = footer.compact if connect and "compact" in connect else FooterKey.compact._default
            widget.set_reactive(FooterKey.compact, compact)
            widget.set_class(bool(compact), "-compact", update=False)
        yield widget


_textual_compose = Footer.compose


def install() -> None:
    """Put the composing above into Textual's Footer (once; idempotent)."""
    Footer.compose = _compose_keys_styled  # type: ignore[method-assign]
