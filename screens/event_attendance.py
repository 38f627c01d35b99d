"""Fremmøde and Deltagerliste for one outing.

Attendance: ``d`` deltog, ``u`` udeblev, ``D`` all the rest deltog, ``-`` fewer
clips for one person, Delete removes a participant; Ctrl+S confirms, which
punches every attendee's clips in one transaction (all or none). Anyone who
cannot carry the clips is named on screen and the confirmation is refused.

Participant list: names, phones and pickup addresses for the driver and the
escort; Ctrl+S saves it as .xlsx (the file name holds no personal data).
"""
from __future__ import annotations

import os

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Static

from exports.participant_list import write_participant_list
from models.base import DomainError
from models.event_attendance import too_early_to_confirm
from models.events import (
    attendance_sheet,
    cancel_signup,
    confirm_attendance,
    event_row,
    mark_all,
    mark_attendance,
    participant_list,
)
from models.i18n import _, pgettext
from models.inputs import format_count
from screens.dialogs import ConfirmDialog

from .base import CirkelScreen
from .events import event_head
from .forms import AskDialog

ATTENDANCE_TITLES = {"attended": _("deltog"), "absent": _("udeblev")}


class AttendanceScreen(CirkelScreen):
    TITLE = _("Fremmøde")
    BINDINGS = [
        Binding("escape,f12", "back", _("Tilbage"), id="attendance-back", tooltip=_("Tilbage til fællesturene.")),
        Binding("d", "mark('attended')", _("Deltog"), id="attendance-attended", tooltip=_("Markér: deltog.")),
        Binding("u", "mark('absent')", _("Udeblev"), id="attendance-absent", tooltip=_("Markér: udeblev.")),
        Binding("D", "mark_rest", _("Resten deltog"), id="attendance-all",
                tooltip=_("Markér alle, der ikke er markeret, som deltaget.")),
        Binding("minus", "fewer_clips", _("Færre klip"), id="attendance-fewer",
                tooltip=_("Giv den valgte deltager færre klip end turens.")),
        Binding("delete", "remove", _("Fjern"), id="attendance-remove",
                tooltip=_("Fjern deltageren fra turen (ingen klip, ingen oprykning).")),
        Binding("ctrl+s", "confirm", _("Bekræft"), id="attendance-confirm",
                tooltip=_("Bekræft fremmødet og registrér klippene for alle på én gang.")),
        Binding("f5", "refresh", _("Opdatér"), id="attendance-refresh", tooltip=_("Hent fremmødet igen.")),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id
        self.row = None
        self.lines: list = []
        self.clips_for: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="attendance"):
            yield Static(_("Henter turen …"), id="attendance-head", classes="event-head")
            yield DataTable(id="attendance-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="attendance-status", classes="status-line")
            with Horizontal(classes="screen-buttons"):
                yield Button(_("Bekræft fremmøde (Ctrl+S)"), id="confirm", variant="primary", compact=True)
                yield Button(_("Tilbage (F12)"), id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#attendance-table", DataTable)
        table.add_columns(_("Navn"), _("Fremmøde"), _("Klip"), pgettext("rest", "Tilbage"), _("Bemærkning"), _("Kort"),
                          _("Aftale"))
        table.focus()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#back")
    def back_pressed(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        event_id, clips_for = self.event_id, dict(self.clips_for) or None
        self.run_read(lambda: (event_row(event_id), attendance_sheet(event_id, clips_for)), group="attendance",
                      on_done=self.show, status="#attendance-status", description=_("Henter fremmøde"))

    def show(self, loaded) -> None:
        self.row, self.lines = loaded
        self.sub_title = self.row.title
        self.query_one("#attendance-head", Static).update(event_head(self.row))
        table = self.query_one("#attendance-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for line in self.lines:
            mark = ATTENDANCE_TITLES.get(line.attendance, "—")
            mark_text = Text(mark, style="green" if line.attendance == "attended" else
                             ("yellow" if line.attendance == "absent" else "dim"))
            clips = "—" if not self.row.clips_per_participant else str(line.clips) + (" ↓" if line.reduced else "")
            note = Text(line.problem, style="bold red") if line.problem else Text(
                _("betales af aftale") if line.pays_with == "agreement" else "")
            table.add_row(line.name, mark_text, clips, "" if line.card_left is None else str(line.card_left),
                          note, str(line.card_number or "—"),
                          "" if line.agreement_left is None else str(line.agreement_left), key=str(line.signup_id))
        if self.lines:
            table.move_cursor(row=min(cursor, len(self.lines) - 1))
        early = too_early_to_confirm(self.row.starts_at) if self.row.status == "planned" else None
        status = self.query_one("#attendance-status", Static)
        # flows (issue #15): a coming outing says so at once, not after the whole form is confirmed
        status.update(Text(early, style="bold") + Text(" " + self._status()) if early else self._status())
        self.query_one("#confirm", Button).disabled = self.row.status != "planned" or bool(early)

    def _status(self) -> str:
        row = self.row
        if row.status == "held":
            return _("Fremmødet er bekræftet: {a} deltog, {b} udeblev.").format(a=row.attended, b=row.absent)
        if row.status == "cancelled":
            return _("Turen er aflyst.")
        if not self.lines:
            return _("Ingen tilmeldte med plads.")
        unmarked = sum(1 for line in self.lines if line.attendance is None)
        problems = [f"{line.name} {line.problem}" for line in self.lines if line.problem]
        attended = [line for line in self.lines if line.attendance == "attended"]
        clips = sum(line.clips for line in attended)
        parts = [_("{a} deltog, {b} udeblev, {c} mangler.").format(
            a=len(attended), b=sum(1 for line in self.lines if line.attendance == "absent"), c=unmarked)]
        if problems:
            parts.append(_(
                "Kan ikke registreres: {names}. Giv færre klip (-), lav en aftale eller fjern (Delete)."
            ).format(names="; ".join(problems)))
        elif row.clips_per_participant:
            parts.append(_("{clips} klip registreres ved bekræftelse.").format(clips=clips))
        return " ".join(parts)

    def _selected(self):
        table = self.query_one("#attendance-table", DataTable)
        if not self.lines or table.row_count == 0:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def _writable(self) -> bool:
        if self.row is None:
            return False
        if self.row.status != "planned":
            self.notify(_("Turen er {status}; fremmødet kan ikke ændres.").format(
                status=_("afholdt") if self.row.status == "held" else _("aflyst")), severity="warning")
            return False
        return True

    def action_mark(self, attendance: str) -> None:
        line = self._selected()
        if line is None or not self._writable():
            return
        self.run_operation(mark_attendance, self.app.actor, line.signup_id, attendance, on_done=self._marked,
                           description=_("Markerer fremmøde"))

    def _marked(self, _result) -> None:
        table = self.query_one("#attendance-table", DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.load()

    def action_mark_rest(self) -> None:
        if not self._writable():
            return

        def marked(n: int) -> None:
            self.notify(_("{n} markeret som deltaget.").format(n=n))
            self.load()

        self.run_operation(mark_all, self.app.actor, self.event_id, "attended", on_done=marked,
                           description=_("Markerer fremmøde"))

    def action_fewer_clips(self) -> None:
        line = self._selected()
        if line is None or not self._writable():
            return
        k = self.row.clips_per_participant or 0
        if not k:
            self.notify(_("Turen bruger ingen klip."), severity="warning")
            return

        def check(text: str) -> str | None:
            if not text.isdigit() or not 0 <= int(text) <= k:
                return _("Skriv et helt tal fra 0 til {k}.").format(k=k)
            return None

        def done(text: str | None) -> None:
            if text is None:
                return
            value = int(text)
            if value == k:
                self.clips_for.pop(line.signup_id, None)
            else:
                self.clips_for[line.signup_id] = value
            self.load()

        self.app.push_screen(AskDialog(
            _("Færre klip"), _("Klip for {name} (turen bruger {k}; 0 = ingen klip):").format(name=line.name, k=k),
            str(line.clips), check=check, ok=_("OK"), max_length=3), done)

    def action_remove(self) -> None:
        line = self._selected()
        if line is None or not self._writable():
            return

        def removed(outcome) -> None:
            self.clips_for.pop(line.signup_id, None)
            self.notify(outcome.message)
            self.load()

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_operation(cancel_signup, self.app.actor, line.signup_id, _("fjernet ved fremmøde"),
                                   promote=False, on_done=removed, description=_("Fjerner deltager"))

        self.app.push_screen(ConfirmDialog(
            _("Fjern {name} fra turen? Der registreres ingen klip for {name}.").format(name=line.name),
            yes=_("Fjern"), no=_("Fortryd")), answer)

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        if not self._writable():
            return
        early = too_early_to_confirm(self.row.starts_at)
        if early:
            self.notify(early, severity="warning")
            return
        attended = [line for line in self.lines if line.attendance == "attended"]
        clips = sum(line.clips for line in attended)
        if any(line.attendance is None or line.problem for line in self.lines):
            self._confirm()  # refused by the rule, which names everyone concerned; nothing is written
            return
        question = _("Bekræft fremmødet: {a} deltog, {b} udeblev.").format(
            a=len(attended), b=sum(1 for line in self.lines if line.attendance == "absent"))
        if self.row.clips_per_participant:
            question += " " + _("Der registreres {clips} klip på {n} kort.").format(clips=clips, n=len(attended))

        def answer(yes: bool | None) -> None:
            if yes:
                self._confirm()

        self.app.push_screen(ConfirmDialog(question, yes=_("Bekræft"), no=_("Fortryd")), answer)

    def _confirm(self) -> None:
        def confirmed(outcome) -> None:
            self.clips_for.clear()
            self.notify(outcome.message, timeout=8)
            self.load()

        def refused(err: BaseException) -> None:
            if isinstance(err, DomainError):
                self.load()  # the table names each participant's problem

        self.run_operation(confirm_attendance, self.app.actor, self.event_id, self.clips_for or None,
                           on_done=confirmed, on_error=refused, description=_("Bekræfter fremmøde"))


class ParticipantListScreen(CirkelScreen):
    TITLE = _("Deltagerliste")
    BINDINGS = [
        Binding("escape,f12", "back", _("Tilbage"), id="participants-back", tooltip=_("Tilbage til fællesturene.")),
        Binding("ctrl+s", "save", _("Gem .xlsx"), id="participants-save",
                tooltip=_("Gem listen som regneark til chauffør og ledsager.")),
        # issue 16: the list on paper
        Binding("P", "print_list", _("Udskriv (PDF)"), id="participants-print",
                tooltip=_("Deltagerlisten som PDF: navn, telefon, afhentning og en kolonne at krydse af.")),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id
        self.row = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="participants"):
            yield Static(_("Henter turen …"), id="participants-head", classes="event-head")
            yield DataTable(id="participants-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="participants-status", classes="status-line")
            with Horizontal(classes="screen-buttons"):
                yield Button(_("Gem som .xlsx (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Tilbage (F12)"), id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#participants-table", DataTable)
        table.add_columns(_("Nr."), _("Navn"), _("Telefon"), _("Afhentningsadresse"))
        table.focus()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print_list(self) -> None:
        from .printing import print_participants_in_background

        print_participants_in_background(self.app, self.event_id)

    @on(Button.Pressed, "#back")
    def back_pressed(self) -> None:
        self.app.pop_screen()

    def load(self) -> None:
        event_id, actor = self.event_id, self.app.actor
        self.run_read(lambda: (event_row(event_id), participant_list(actor, event_id)), group="participants",
                      on_done=self.show, status="#participants-status", description=_("Henter deltagere"))

    def show(self, loaded) -> None:
        self.row, lines = loaded
        self.sub_title = self.row.title
        self.query_one("#participants-head", Static).update(event_head(self.row))
        table = self.query_one("#participants-table", DataTable)
        table.clear()
        for i, line in enumerate(lines, start=1):
            table.add_row(str(i), line.name, line.phone, line.pickup)
        self.query_one("#participants-status", Static).update(
            _("{n} med plads. Ctrl+S gemmer listen som regneark.").format(
                n=format_count(len(lines), _("deltager"), _("deltagere"))))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from models.files import default_directory  # the outbox on the shared server (issue #20)

        def chosen(folder: str | None) -> None:
            if folder:
                self.save(folder)

        def check(text: str) -> str | None:
            path = os.path.expanduser(text)
            if not text:
                return _("Skriv en mappe.")
            if not os.path.isdir(path):
                return _("Mappen findes ikke.")
            if not os.access(path, os.W_OK):
                return _("Du kan ikke skrive i den mappe.")
            return None

        self.app.push_screen(AskDialog(_("Gem deltagerliste"),
                                       _("Mappe (filnavnet er deltagerliste-<tur>-<dato>.xlsx):"),
                                       str(default_directory()), check=check, ok=_("Gem"), required=False), chosen)

    def save(self, folder: str, force: bool = False) -> None:
        """flows (issue #15): a list of this outing already in the folder is overwritten only when the
        user says so (then with force; write_private still never writes through a link or onto a database)."""
        from exports.participant_list import target_path

        if not force and self.row is not None:
            target = target_path(self.row.id, self.row.starts_at, folder)
            if target.is_file() and not target.is_symlink():
                self.app.push_screen(
                    ConfirmDialog(_("Filen findes allerede"),
                                  _("{path} findes. Vil du overskrive den?").format(path=target),
                                  yes=_("Overskriv (j)")),
                    lambda yes: self.save(folder, force=True) if yes else None)
                return
        self.run_operation(write_participant_list, self.app.actor, self.event_id, folder, force=force, form=self,
                           on_done=self._saved, description=_("Gemmer regneark"))

    def _saved(self, path) -> None:
        from models.files import fetch_hint

        hint = fetch_hint(path)
        text = _("Deltagerlisten er gemt: {path}").format(path=path)
        self.notify(f"{text}\n{hint}" if hint else text, timeout=12 if hint else 8)

    def show_error(self, message: str, field: str | None) -> bool:
        self.notify(_("Kunne ikke gemme: {error}").format(error=message), severity="error")
        return True
