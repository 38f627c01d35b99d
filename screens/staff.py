"""Medarbejdere (issue #12; language and colours: issue #20).

An admin sees every staff member: Enter changes name, role, districts,
language and colour depth; x deactivates (the login is refused from then on,
the history keeps the name; nobody is ever deleted). Everybody else sees
only themselves and changes their own language and colours (applied at the
next start; under sudo CIRKEL_LANG does not get through, so this is where a
staff member's language lives).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from models.i18n import _
from screens.base import CirkelDialog, CirkelScreen
from screens.dialogs import ConfirmDialog


class StaffDialog(CirkelDialog):
    """One staff member's fields; an admin edits all of them, anybody else their language and colours."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="staff-save", tooltip=_("Gem ændringerne.")),
        Binding("escape,f12", "cancel", _("Annullér"), id="staff-cancel", tooltip=_("Luk uden at gemme.")),
    ]

    def __init__(self, line, admin: bool) -> None:
        super().__init__(classes="intake-dialog")
        self.line = line
        self.admin = admin

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog-box"):
            yield Static(f"{line.name} ({line.login})", classes="dialog-title")
            fields = [("name", _("Navn"), line.name), ("role", _("Rolle"), line.role),
                      ("districts", _("Distrikter"), ", ".join(line.districts))] if self.admin else []
            fields += [("language", _("Sprog"), line.language or "da"),
                       ("color_system", _("Farver"), line.color_system or "auto")]
            for key, label, value in fields:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield Input(value, id=f"sd-{key}", compact=True)
                yield Static("", id=f"sd-{key}-msg", classes="field-message")
            yield Static(_("Rolle: terapeut/leder/admin · distrikter med komma · sprog: da/en · farver: auto/256"),
                         classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Annullér (F12)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def show_error(self, message: str, field: str | None) -> bool:
        target = {"district": "districts"}.get(field or "", field or "")
        for widget in self.query(f"#sd-{target}-msg"):
            widget.update(message)
            return True
        return False

    def _value(self, key: str) -> str:
        return self.query_one(f"#sd-{key}", Input).value.strip()

    def action_save(self) -> None:
        from models.staff import set_own_preferences, set_staff

        for widget in self.query(".field-message"):
            widget.update("")
        if self.admin:
            districts = [d.strip() for d in self._value("districts").split(",") if d.strip()]
            self.run_operation(set_staff, self.app.actor, self.line.login, name=self._value("name"),
                               role=self._value("role"), districts=districts, language=self._value("language"),
                               color_system=self._value("color_system"), on_done=self.dismiss,
                               description=_("Gemmer medarbejder"))
        else:
            self.run_operation(set_own_preferences, self.app.actor, language=self._value("language"),
                               color_system=self._value("color_system"), on_done=self.dismiss,
                               description=_("Gemmer dine indstillinger"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewStaffDialog(StaffDialog):
    """A new staff member (admin; issue #15, item 5: the first run is not only on the command line)."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="staff-new-save", tooltip=_("Opret medarbejderen.")),
        Binding("escape,f12", "cancel", _("Annullér"), id="staff-new-cancel", tooltip=_("Luk uden at oprette.")),
    ]

    def __init__(self) -> None:
        super().__init__(None, admin=True)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Ny medarbejder"), classes="dialog-title")
            for key, label, value in (("login", _("Brugernavn"), ""), ("name", _("Navn"), ""),
                                      ("role", _("Rolle"), "terapeut"), ("districts", _("Distrikt"), "")):
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield Input(value, id=f"sd-{key}", compact=True)
                yield Static("", id=f"sd-{key}-msg", classes="field-message")
            yield Static(_("Brugernavnet er kontoen på serveren, som medarbejderen logger ind med.") + " "
                         + _("Rolle: terapeut/leder/admin · distrikt: det distrikt, terapeuten arbejder i."),
                         classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Opret (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Annullér (F12)"), id="cancel", compact=True)

    def action_save(self) -> None:
        from models.staff import add_staff

        for widget in self.query(".field-message"):
            widget.update("")
        self.run_operation(add_staff, self.app.actor, self._value("login"), self._value("name"),
                           self._value("role"), self._value("districts") or None, on_done=self.dismiss,
                           description=_("Opretter medarbejder"))


class StaffScreen(CirkelScreen):
    TITLE = _("Medarbejdere")
    BINDINGS = [
        Binding("n", "new", _("Ny"), id="staff-new", tooltip=_("Opret en medarbejder (admin).")),
        Binding("enter", "edit", _("Ret"), id="staff-edit",
                tooltip=_("Ret den markerede medarbejder (eller dig selv).")),
        Binding("x", "deactivate", _("Deaktivér"), id="staff-deactivate",
                tooltip=_("Deaktivér den markerede medarbejder (admin); historikken beholder navnet.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="staff-refresh", tooltip=_("Hent listen igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="staff"):
            yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="staff-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#staff-table", DataTable).add_columns(
            _("Login"), _("Navn"), _("Rolle"), _("Distrikter"), _("Sprog"), _("Farver"), _("Status"))
        self.query_one("#staff-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.action_refresh()

    def action_refresh(self) -> None:
        from models.staff import staff_lines

        self.run_read(staff_lines, self.app.actor, on_done=self._show, status="#staff-status",
                      description=_("Henter medarbejdere"))

    def _show(self, lines: list) -> None:
        self.lines = lines
        table = self.query_one("#staff-table", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear()
        for s in lines:
            table.add_row(s.login, s.name, s.role, ", ".join(s.districts), s.language or "da",
                          s.color_system or "auto", _("aktiv") if s.active else _("deaktiveret"), key=str(s.id))
        if lines:
            table.move_cursor(row=min(row, len(lines) - 1))
        self.query_one("#staff-status", Static).update(
            _("{n} medarbejdere. n opretter · Enter retter · x deaktiverer (admin).").format(n=len(lines))
            if self.app.actor.role == "admin" else
            _("Dine indstillinger: Enter ændrer sprog og farver (gælder fra næste start)."))

    def _current(self):
        table = self.query_one("#staff-table", DataTable)
        if not self.lines or not table.row_count:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    @on(DataTable.RowSelected, "#staff-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        line = self._current()
        if line is not None:
            self.app.push_screen(StaffDialog(line, admin=self.app.actor.role == "admin"),
                                 lambda _result: self.action_refresh())

    def action_new(self) -> None:
        from models.permissions import can

        if not can(self.app.actor, "staff.manage"):
            self.notify(_("Kun en administrator opretter medarbejdere."), severity="error")
            return
        self.app.push_screen(NewStaffDialog(), lambda _result: self.action_refresh())

    def action_deactivate(self) -> None:
        from models.staff import deactivate_staff

        line = self._current()
        if line is None or not line.active:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_operation(deactivate_staff, self.app.actor, line.login,
                                   on_done=lambda _result: self.action_refresh(),
                                   description=_("Deaktiverer medarbejder"))

        self.app.push_screen(ConfirmDialog(
            _("Deaktivér {name} ({login})?").format(name=line.name, login=line.login),
            _("Brugeren kan ikke længere åbne Cirkel; historikken beholder navnet.")), answered)
