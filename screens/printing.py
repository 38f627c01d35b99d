"""Udskrivning (issue #16): the print queue, and printing from anywhere in the app.

The queue lists open cards waiting to be printed ("Til udskrivning") and
printed cards waiting to be handed out. ``p`` prints every waiting card into
one PDF (four to an A4 sheet) and marks them printed; Enter reprints the
highlighted card; ``l`` marks it handed out to the citizen.

The queue's read and the hand-out run through the screen runner
(``screens/base.py``). Printing runs in an App-level thread worker, so a print
started from a page or a dialog finishes even when the user moves on (the PDF
and the marking are ``exports.pdf`` / ``models.printing``); the PDF goes into
the folder Cirkel was started from, and the notification names the file. :func:`offer_print` is the
question shown right after a card is issued (admission, reassessment, a
replacement for a lost card).
"""
from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from models.base import DomainError
from models.i18n import _
from screens.base import CirkelScreen, unexpected_line
from screens.dialogs import ConfirmDialog
from screens.widgets import fmt_date, narrow, shortened

log = logging.getLogger(__name__)


def print_folder() -> Path:
    """Where the TUI puts its PDFs: the folder Cirkel was started from (through sudo: the outbox, issue #20)."""
    from models.files import default_directory

    return default_directory()


def _run(app, job, done_text, group: str, *, title: str | None = None, refused: str | None = None,
         after=None, what: str | None = None) -> None:
    """Run ``job()`` in an App-level thread (it outlives the page that asked); notify the outcome.

    ``done_text(result)`` is the notification; ``after(result)`` then runs on the UI thread.
    """

    def work_in_thread() -> None:
        try:
            result = job()
        except DomainError as err:
            app.call_from_thread(app.notify, err.message, severity="error", title=refused or _("Ikke udskrevet"))
            return
        except Exception:  # never a traceback (it would show personal data)
            log.exception("%s failed", group)
            app.call_from_thread(app.notify, unexpected_line(what or _("Udskriver")), severity="error",
                                 title=refused or _("Ikke udskrevet"))
            return
        app.call_from_thread(app.notify, done_text(result), title=title or _("Udskrevet"), timeout=10)
        refresh = getattr(app.screen, "action_reload", None)
        if refresh is not None:
            app.call_from_thread(refresh)
        if after is not None:
            app.call_from_thread(after, result)

    app.run_worker(work_in_thread, thread=True, group=group, exit_on_error=False, description="Udskriver")


def print_cards_in_background(app, numbers=(), pending: bool = False) -> None:
    """Print cards into a new PDF in :func:`print_folder` (and mark them printed)."""
    from exports.pdf import print_cards

    def done(result) -> str:
        return _("{n} kort på {pages} ark: {path}").format(n=len(result.numbers), pages=result.pages,
                                                           path=result.path)

    _run(app, partial(print_cards, app.actor, [str(n) for n in numbers], pending=pending,
                      destination=print_folder()), done, "print-cards")


def print_history_in_background(app, citizen_id: int) -> None:
    """The citizen's cards and punches as a PDF to hand to the citizen."""
    from exports.pdf import write_history_pdf

    _run(app, partial(write_history_pdf, app.actor, citizen_id, print_folder()),
         lambda path: _("Historikken er gemt: {path}").format(path=path), "print-history")


def print_participants_in_background(app, event_id: int) -> None:
    """The driver's list of an outing as a PDF (no CPR)."""
    from exports.pdf import write_participant_list_pdf

    _run(app, partial(write_participant_list_pdf, app.actor, event_id, print_folder()),
         lambda path: _("Deltagerlisten er gemt: {path}").format(path=path), "print-participants")


def offer_print(app, card) -> None:
    """Right after a card is issued: print it now? (No: it waits under "Til udskrivning".)"""
    if card is None:
        return
    number = card.number

    def answer(yes: bool | None) -> None:
        if yes:
            print_cards_in_background(app, [number])
        else:
            app.notify(_("Kort {n} venter under Til udskrivning (y).").format(n=number))

    app.push_screen(ConfirmDialog(_("Udskriv klippekortet?"),
                                  _("Kort {n} er udstedt. Udskriv det nu som PDF (A4, med stregkode)?").format(
                                      n=number), yes=_("Udskriv"), no=_("Senere")), answer)


class PrintQueueScreen(CirkelScreen):
    TITLE = _("Udskrivning")
    BINDINGS = [
        Binding("p", "print_pending", _("Udskriv ventende"), id="print-pending",
                tooltip=_("Udskriv alle kort, der venter, i én PDF (fire pr. ark) og markér dem udskrevet.")),
        Binding("enter", "print_one", _("Udskriv markeret"), id="print-one",
                tooltip=_("Udskriv det markerede kort (igen).")),
        Binding("l", "hand_out", _("Udleveret"), id="print-hand-out",
                tooltip=_("Borgeren har fået det markerede, udskrevne kort.")),
        Binding("f5", "reload", _("Opdatér"), id="print-reload", tooltip=_("Hent køen igen."), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="print-queue"):
            yield Static(_("Henter køen …"), id="print-summary", classes="status-line")
            yield DataTable(id="print-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("p: udskriv alle ventende · Enter: udskriv det markerede · l: udleveret"),
                         id="print-status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Kort"), key="card")
        if narrow(self):  # 80 columns (issue #15): the name shortened so that the district stays whole
            table.add_column(_("Borger"), key="name", width=18)
        else:
            table.add_column(_("Borger"), key="name")
        table.add_column(_("Udstedt"), key="issued")
        table.add_column(_("Status"), key="state")
        table.add_column(_("Note"), key="note")
        table.add_column(_("Distrikt"), key="district")
        table.focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.action_reload()

    def action_reload(self) -> None:
        from models.printing import print_queue

        self.run_read(print_queue, self.app.actor, on_done=self._loaded, status="#print-summary",
                      description=_("Henter køen"))

    def _loaded(self, lines: list) -> None:
        self.lines = lines
        table = self.query_one(DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        for line in self.lines:
            waiting = line.state == "requested"
            note = _("erstatter {card}").format(card=line.replaces) if line.replaces else ""
            state = _("til udskrivning") if waiting else _("udskrevet {at}").format(at=fmt_date(line.printed_at))
            table.add_row(str(line.number), shortened(line.citizen_name), fmt_date(line.issued_on),
                          Text(state, style="bold" if waiting else ""), note, line.district, key=str(line.number))
        if self.lines:
            table.move_cursor(row=min(keep, len(self.lines) - 1))
        waiting = sum(1 for line in self.lines if line.state == "requested")
        sheets = -(-waiting // 4)
        self.query_one("#print-summary", Static).update(
            _("Til udskrivning: {n} kort ({sheets} ark) · udskrevet, ikke udleveret: {m}").format(
                n=waiting, sheets=sheets, m=len(self.lines) - waiting))

    def _selected(self):
        table = self.query_one(DataTable)
        if not self.lines or not table.row_count:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def action_print_pending(self) -> None:
        if not any(line.state == "requested" for line in self.lines):
            self.notify(_("Ingen kort venter på udskrivning."), severity="warning")
            return
        print_cards_in_background(self.app, pending=True)

    @on(DataTable.RowSelected, "#print-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_print_one()

    def action_print_one(self) -> None:
        line = self._selected()
        if line is not None:
            print_cards_in_background(self.app, [line.number])

    def action_hand_out(self) -> None:
        from models.printing import hand_out

        line = self._selected()
        if line is None:
            return
        self.run_operation(hand_out, self.app.actor, [str(line.number)], description=_("Udleverer kort"),
                           on_done=lambda _cards, n=line.number: self._handed_out(n))

    def _handed_out(self, number: int) -> None:
        self.notify(_("Kort {n} er udleveret.").format(n=number))
        self.action_reload()


def replace_lost_card(app, number: int, reason: str) -> None:
    """Replace a lost card (one audited operation), then offer to print the new one."""
    from models.cards import card_by_number, replace_card

    def done(new) -> str:
        return _("Kort {old} er spærret; nyt kort {new} med {left} klip.").format(old=number, new=new.number,
                                                                                  left=new.clips)

    _run(app, lambda: replace_card(app.actor, card_by_number(number), reason), done, "replace-card",
         title=_("Kort erstattet"), refused=_("Ikke erstattet"), after=lambda new: offer_print(app, new),
         what=_("Erstatter kort"))
