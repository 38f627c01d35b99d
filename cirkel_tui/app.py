"""The Cirkel Textual App: one mode per destination, keys from the registry."""
from __future__ import annotations

import gc
import logging
import os
import time
from pathlib import Path
from typing import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from models.i18n import _
from models.permissions import allowed
from screens.base import ReportingWorkers, report_failed_worker

from .colours import DARK16, LIGHT16, SIXTEEN, Readable, sixteen_colours
from .keymap import default_keys
from .navigation import DESTINATIONS, GLOBAL_ACTIONS, destination, key_label

log = logging.getLogger(__name__)

QUICK_CHECK_DELAY_S = 1.0  # after the first frame: the database's quick check (issue #10), see on_ready

DARK = Theme(
    name="cirkel-moerk",
    primary="#4FA3A5",
    secondary="#8FB996",
    accent="#E0A458",
    warning="#E0A458",
    error="#E06C75",
    success="#8FB996",
    foreground="#E6E6E6",
    background="#1B2428",
    surface="#22303A",
    panel="#2B3B45",
    dark=True,
    variables={"dialog-dim": "#1B2428 60%", "field-background": "#2B3B45", "field-background-focus": "#3A5462"},
)
LIGHT = Theme(
    name="cirkel-lys",
    primary="#1F6F78",
    secondary="#3F7D4E",
    accent="#A35A00",
    warning="#A35A00",
    error="#B3261E",
    success="#3F7D4E",
    foreground="#1B1B1B",
    background="#F7F5F0",
    surface="#FFFFFF",
    panel="#E7E3DA",
    dark=False,
    variables={"dialog-dim": "#F7F5F0 60%", "field-background": "#E7E3DA", "field-background-focus": "#D5E6E8"},
)


def _bindings() -> list[Binding]:
    """The App's bindings from the registry; each with the stable id of cirkel_tui/keymap.py ([keys])."""
    bindings = []
    for dest in DESTINATIONS:
        bindings.append(Binding(dest.keys, f"goto('{dest.id}')", dest.title, id=dest.binding_id,
                                tooltip=dest.help, show=False))
    for action in GLOBAL_ACTIONS:
        if action.id == "palette":
            # our own palette binding (Textual then adds none), so that it has an id too
            bindings.append(Binding(action.keys, action.action, action.title, id=action.binding_id,
                                    tooltip=action.help, show=False, priority=True))
            continue
        if action.id == "quick_punch":
            # What is typed right after k or F2 must reach the dialog, even in one burst: priority
            # bindings run before any widget sees the key, and the action waits until the dialog
            # is mounted. The letter skips itself when a text field has focus (it is typed there).
            own = default_keys()  # the F-keys and the letters, split once (cirkel_tui/keymap.py)
            fkeys, letters = own[action.binding_id], own[f"{action.binding_id}-letter"]
            bindings.append(Binding(fkeys, action.action, action.title, id=action.binding_id, tooltip=action.help,
                                    priority=True))
            bindings.append(Binding(letters, f"{action.action}_letter", action.title,
                                    id=f"{action.binding_id}-letter", tooltip=action.help, show=False, priority=True))
            continue
        bindings.append(Binding(action.keys, action.action, action.title, id=action.binding_id,
                                tooltip=action.help, show=action.id in ("help",),
                                priority=action.id in ("quit",)))
    # flows (issue #15): Home/End go to the first/last row of any table with a row cursor (Textual's
    # DataTable only scrolls sideways on them); one binding for every table, see action_table_edge
    own = default_keys()
    bindings.append(Binding(own["table-home"], "table_edge('top')", _("Første række"), id="table-home", show=False,
                            priority=True))
    bindings.append(Binding(own["table-end"], "table_edge('bottom')", _("Sidste række"), id="table-end", show=False,
                            priority=True))
    return bindings


class CirkelApp(App):
    TITLE = "Cirkel"
    SUB_TITLE = _("Klippekort")
    CSS_PATH = str(Path(__file__).resolve().parent / "styles" / "app.tcss")
    BINDINGS = _bindings()
    MODES = {dest.id: (lambda d=dest: d.factory()()) for dest in DESTINATIONS}  # type: ignore[misc]
    DEFAULT_MODE = "overblik"
    # issue #15: 80×24 — below 100 columns every screen has the class -narrow (app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, actor_id: int, db_path: str, started: float | None = None, read_ahead=None):
        from . import textual_text

        textual_text.install()  # Textual's own strings in the language chosen at start
        super().__init__()
        self.actor_id = actor_id
        self.db_path = db_path
        self.started = started or time.perf_counter()
        self.read_ahead = read_ahead  # issue #17: the first screen's read, started before Textual was imported
        self._workers = ReportingWorkers(self)  # every worker's end reaches worker_failed()
        # issue #15: on a 16-colour terminal the two themes drawn in the terminal's own 16 colours, and
        # every cell's text in a colour that can be read on its background (cirkel_tui/colours.py)
        self.sixteen_colours = sixteen_colours(self.console)
        self.theme_pair = (DARK16, LIGHT16) if self.sixteen_colours else (DARK, LIGHT)
        self._readable = [Readable()] if self.sixteen_colours else []
        if self.sixteen_colours:
            self.ansi_theme_dark = self.ansi_theme_light = SIXTEEN
        for theme in self.theme_pair:
            self.register_theme(theme)
        # Issue #17: the start theme is set the way Textual sets its default one, before the stylesheet
        # is first parsed; set through its watcher, it had the whole CSS parsed once more at every start.
        start = self.theme_pair[0]
        self.set_reactive(CirkelApp.theme, start.name)
        self.stylesheet.set_variables(self.get_css_variables())
        self.set_class(True, f"-theme-{start.name}", update=False)
        self.set_class(start.dark, "-dark-mode", update=False)
        self.set_class(not start.dark, "-light-mode", update=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Cirkel's own theme variables (issue #15): each theme sets them; these are for any other theme."""
        return {"dialog-dim": "transparent", "field-background": "#80808040", "field-background-focus": "#80808066"}

    def get_line_filters(self):
        return [*super().get_line_filters(), *self._readable]

    def get_driver_class(self):
        """On a terminal: Textual's driver, ending the app when its terminal goes away (issue #20)."""
        from textual import constants

        if constants.DRIVER is None and os.name == "posix":
            from .terminal import HangupSafeDriver

            return HangupSafeDriver
        return super().get_driver_class()

    @property
    def actor(self):
        """The staff member at the keyboard (fetched fresh; roles may change)."""
        from models.staff import staff_by_id

        return staff_by_id(self.actor_id)

    def on_mount(self) -> None:
        staff = self.actor
        self.sub_title = f"{staff.name} · {staff.role}"
        self._apply_keymap()

    def on_ready(self) -> None:
        log.info("started in %d ms", (time.perf_counter() - self.started) * 1000)
        if not gc.isenabled():  # issue #17: paused for the start (cirkel_tui/start.py)
            # What the start made lives as long as the app: moved out of the collector's way, not
            # traversed by every full collection to come (no collection now: the first frame is just out)
            gc.freeze()
            gc.enable()
        # Issue #17: the quick check reads every page (0.2 s at 100,000 citizens); started at once
        # it competed with the first screen's figures for the two cores, so it waits until they are in.
        self.set_timer(QUICK_CHECK_DELAY_S, self._start_quick_check)

    def _start_quick_check(self) -> None:
        self.run_worker(self._quick_check, thread=True, group="quick-check", exit_on_error=False,
                        description="quick_check")

    # --- issue #15, item 7: the [keys] table

    def _apply_keymap(self) -> None:
        """Textual's keymap from /etc/cirkel.toml and the user's config; a bad entry is told, never fatal."""
        from .identity import running_as_service_account
        from .keymap import load_keymap

        try:
            keymap, problems = load_keymap(include_user=not running_as_service_account())
        except Exception:  # noqa: BLE001 - the keys must never stop Cirkel
            log.exception("reading [keys]")
            keymap, problems = {}, [_("[keys] kunne ikke læses; tasterne er de sædvanlige (se cirkel.log).")]
        self.set_keymap(keymap)
        for line in problems:
            log.warning("[keys]: %s", line)
            self.notify(line, title=_("Taster"), severity="warning", timeout=20, markup=False)  # "[keys]" is text

    def keys_for(self, binding_id: str, default: str = "") -> str:
        """The Textual key list bound to ``binding_id`` now: the [keys] table's, else the binding's own."""
        if binding_id in self._keymap:
            return self._keymap[binding_id]
        return default_keys().get(binding_id, default)

    def key_label_for(self, binding_id: str, default: str = "") -> str:
        """The keys of ``binding_id`` as the help writes them (``o / F4``)."""
        return key_label(self.keys_for(binding_id, default))

    def _quick_check(self) -> None:
        """Issue #10, item 10: warn at start when SQLite's quick check finds damage."""
        from models.store import integrity_problems

        problems = integrity_problems(quick=True, limit=3)
        if problems:
            log.error("quick_check at start: %s", "; ".join(problems))
            self.call_from_thread(
                self.notify, _("Databasen er beskadiget ({problem}). Stop arbejdet, og bed en leder køre 'cirkel check' og lægge den seneste hele kopi tilbage.").format(problem=problems[0]),  # noqa: E501
                title=_("Databasen er beskadiget"), severity="error", timeout=600)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: the details (never shown: Textual's traceback shows
        local variables, i.e. personal data) go to the log; the user gets one line."""
        from rich.text import Text

        from .identity import error_reference, unexpected_error_text

        ref = error_reference()
        log.error("unexpected error [ref %s] in the app", ref, exc_info=(type(error), error, error.__traceback__))
        self._return_code = 1
        if self._exception is None:
            self._exception = error  # Pilot tests re-raise it
            self._exception_event.set()
        stopped = _("Cirkel stoppede ved en uventet fejl.")
        self._exit_renderables.append(Text(f"{stopped} {unexpected_error_text(ref)}"))
        self._close_messages_no_wait()

    async def on_event(self, event: events.Event) -> None:
        # issue 16: a screen may watch each key as it is read, before a field takes it (a barcode
        # scanner is told apart from a person by its pace: see screens/quick_punch.py)
        if isinstance(event, events.Key) and not event.is_forwarded:
            observe = getattr(self.screen, "observe_key", None)
            if observe is not None:
                observe(event)
        await super().on_event(event)

    def worker_failed(self, worker) -> None:
        """The one handler for a worker that ended in ERROR (any worker, any screen):
        logged with its traceback, told in one line — never silent."""
        report_failed_worker(self, worker)

    # --- actions from the registry

    def action_goto(self, dest_id: str) -> None:
        dest = destination(dest_id)
        if dest.roles and not allowed(self.actor, dest.roles):
            self.notify(_("Kun {roles} har adgang til {title}.").format(
                roles=", ".join(dest.roles), title=dest.title), severity="error")
            return
        self.switch_mode(dest_id)

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- punching (issue 3): the quick-punch dialog and undoing the last punch

    last_punch_id: str | None = None

    async def action_quick_punch_letter(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import Input, TextArea

        if isinstance(self.focused, (Input, TextArea)):
            raise SkipAction()  # the letter is typed into the field
        await self.action_quick_punch()

    async def action_quick_punch(self, initial: str = "") -> None:
        from screens.quick_punch import QuickPunchDialog
        from screens.reversal import ReversalDialog

        from .help import HelpScreen

        if isinstance(self.screen, (QuickPunchDialog, ReversalDialog)):
            return  # one dialog at a time (key repeat, a second F2)
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        # Awaited: keys typed meanwhile wait in the App's queue until the dialog has its focus.
        await self.push_screen(QuickPunchDialog(initial), self._punched)

    def _punched(self, outcome) -> None:
        if outcome is None:
            return
        self.last_punch_id = outcome.punch_id
        if outcome.card_number is not None:
            text = _("{clips} klip registreret på kort {card} ({name}) — {left} klip tilbage.").format(
                clips=outcome.clips, card=outcome.card_number, name=outcome.citizen_name, left=outcome.left)
        else:
            text = _("{clips} klip registreret under aftale ({name}) — {left} klip tilbage på aftalen.").format(
                clips=outcome.clips, name=outcome.citizen_name, left=outcome.left)
        if outcome.used_up:
            text += " " + _("Kortet er brugt op; {name} skal revurderes før et nyt kort.").format(
                name=outcome.citizen_name)
        text += " " + _("Tryk u for at fortryde.")
        self.notify(text, title=_("Klip registreret"), severity="warning" if outcome.used_up else "information",
                    timeout=8)

    def action_undo_punch(self, punch_id: str | None = None) -> None:
        from screens.quick_punch import QuickPunchDialog
        from screens.reversal import ReversalDialog

        if isinstance(self.screen, (QuickPunchDialog, ReversalDialog)):
            return
        punch_id = punch_id or self.last_punch_id
        if punch_id is None:
            self.notify(_("Du har ikke registreret klip i denne session; vælg klippet på borgerens side."),
                        severity="warning")
            return
        self.push_screen(ReversalDialog(punch_id), self._reversed)

    def _reversed(self, outcome) -> None:
        if outcome is None:
            return
        if outcome.punch_id == self.last_punch_id:
            self.last_punch_id = None
        where = (_("kort {card}").format(card=outcome.card_number) if outcome.card_number is not None
                 else _("aftalen"))
        self.notify(_("{clips} klip tilbageført — {left} klip tilbage på {where}.").format(
            clips=outcome.clips, left=outcome.left, where=where), title=_("Tilbageført"))

    def action_table_edge(self, where: str) -> None:
        """Home/End in a table with a row cursor: its first or last row; elsewhere the key is the widget's."""
        from textual.actions import SkipAction
        from textual.widgets import DataTable

        table = self.focused
        if not isinstance(table, DataTable) or table.cursor_type != "row" or not table.show_cursor:
            raise SkipAction()
        if where == "top":
            table.action_scroll_top()
        else:
            table.action_scroll_bottom()

    def action_toggle_theme(self) -> None:
        dark, light = self.theme_pair
        self.theme = light.name if self.theme == dark.name else dark.name

    def action_screenshot(self, *args, **kwargs) -> None:
        # A screenshot would write CPR numbers and names to disk.
        self.notify(_("Skærmbilleder er slået fra (personoplysninger)."), severity="warning")

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from .textual_text import CirkelPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CirkelPalette(id="--command-palette"))

    def action_help_quit(self) -> None:
        from .textual_text import quit_hint

        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                message, title = quit_hint(key_label(key))
                self.notify(message, title=title)
                return

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own commands are English; of them only Maximize/Minimize are kept (in the user's
        # language). Screenshot: personal data on disk; Theme, Quit, Keys come from the registry.
        if screen.maximized is not None:
            yield SystemCommand(_("Normal størrelse"), _("Vis feltet i normal størrelse igen."), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(_("Maksimér"), _("Vis det valgte felt på hele skærmen."), screen.action_maximize)
        for dest in DESTINATIONS:  # the key first, so that a narrow palette cuts the help, not the key
            yield SystemCommand(dest.title, f"{self.key_label_for(dest.binding_id)} — {dest.help}",
                                lambda d=dest.id: self.action_goto(d))
        for action in GLOBAL_ACTIONS:
            if action.id == "palette":
                continue
            yield SystemCommand(action.title, f"{self.global_key_label(action)} — {action.help}",
                                lambda a=action.action: self.run_action(a))

    def global_key_label(self, action) -> str:
        """A global action's keys now; the quick punch's two bindings (F-key, letter) together."""
        if action.id == "quick_punch":
            return " / ".join(self.key_label_for(i) for i in (action.binding_id, f"{action.binding_id}-letter"))
        return self.key_label_for(action.binding_id)
