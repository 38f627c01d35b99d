"""Katalog (R9): the offers, and the citizens' own ideas that can become offers.

Enter edits an offer (or, on an idea, makes it an offer); ``n`` adds one; ``t``
switches an offer on or off; ``+`` makes the highlighted idea an offer in one
action (category "andet", the clips it is usually punched with).
"""
from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Select, Static

from models.catalogue import create_offer, list_offers, own_ideas, promote_idea, set_offer_active, update_offer
from models.i18n import _
from models.inputs import format_date as fmt_date

from .base import CirkelScreen
from .forms import FieldMessage, FieldRow
from .outing_dialogs import OutingDialog

CATEGORIES = [("ledsagelse", _("Ledsagelse")), ("hjemme", _("Hjemme")), ("fællestur", _("Fællestur")),
              ("andet", _("Andet"))]
CATEGORY_TITLES = dict(CATEGORIES)


class OfferForm(OutingDialog):
    """Add or edit an offer; the operation runs here so its message lands at the field."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="offer-cancel", tooltip=_("Luk uden at gemme.")),
        Binding("ctrl+s", "save", _("Gem"), id="offer-save", tooltip=_("Gem tilbuddet.")),
    ]

    def __init__(self, offer=None) -> None:
        super().__init__()
        self.offer = offer  # an OfferLine, or None for a new one

    def compose(self) -> ComposeResult:
        o = self.offer
        with Vertical(classes="outing-dialog form-dialog"):
            yield Static(_("Redigér tilbud") if o else _("Nyt tilbud i kataloget"), classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield FieldRow(_("Navn"), Input(o.name if o else "", id="name", compact=True))
                yield FieldRow(_("Kategori"), Select([(label, value) for value, label in CATEGORIES],
                                                     value=o.category if o else "andet",
                                                     allow_blank=False, id="category", compact=True))
                yield FieldRow(_("Foreslåede klip"),
                               Input(str(o.suggested_clips) if o else "1", id="suggested_clips",
                                     type="integer", compact=True))
                yield FieldRow(_("Beskrivelse"), Input(o.description if o else "", id="description",
                                                       compact=True))
                yield FieldRow(_("Aktiv"), Checkbox(_("foreslås ved klip"), o.active if o else True,
                                                    id="active", compact=True))
            yield FieldMessage(id="form-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="save", variant="primary")
                yield Button(_("Annullér (F12)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = dict(
            name=self.query_one("#name", Input).value,
            category=self.query_one("#category", Select).value,
            suggested_clips=self.query_one("#suggested_clips", Input).value,
            description=self.query_one("#description", Input).value,
            active=self.query_one("#active", Checkbox).value,
        )
        self.clear_errors()
        save = (partial(create_offer, self.app.actor, **values) if self.offer is None  # values has a description
                else partial(update_offer, self.app.actor, self.offer.id, **values))
        self.run_operation(save, on_done=lambda item: self.dismiss(item.id), description=_("Gemmer tilbud"))


class CatalogueScreen(CirkelScreen):
    TITLE = _("Katalog")
    BINDINGS = [
        Binding("n", "new_offer", _("Nyt tilbud"), id="catalogue-new", tooltip=_("Tilføj et tilbud til kataloget.")),
        Binding("enter", "open_row", _("Redigér"), id="catalogue-edit", show=False,
                tooltip=_("Redigér tilbuddet, eller gør idéen til et tilbud.")),
        Binding("t", "toggle_active", _("Aktiv/inaktiv"), id="catalogue-toggle",
                tooltip=_("Slå tilbuddet til eller fra (inaktive foreslås ikke).")),
        Binding("plus", "promote", _("Idé → katalog"), id="catalogue-promote",
                tooltip=_("Gør borgerens egen idé til et tilbud i kataloget.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="catalogue-refresh", tooltip=_("Hent kataloget igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.offers: list = []
        self.ideas: list = []
        self.select_after: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="catalogue"):
            yield Static(_("Tilbud i kataloget"), classes="section-title")
            yield DataTable(id="offers", cursor_type="row", zebra_stripes=True)
            yield Static(_("Borgernes egne idéer (fritekst, ikke i kataloget) — + gør en idé til et tilbud"),
                         classes="section-title")
            yield DataTable(id="ideas", cursor_type="row", zebra_stripes=True)
            yield Static("", id="catalogue-status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        offers = self.query_one("#offers", DataTable)
        offers.add_column(_("Tilbud"), key="name")
        offers.add_column(_("Kategori"), key="category")
        offers.add_column(_("Klip"), key="clips")
        offers.add_column(_("Aktiv"), key="active")
        offers.add_column(_("Brugt"), key="uses")
        offers.add_column(_("Beskrivelse"), key="description")
        ideas = self.query_one("#ideas", DataTable)
        ideas.add_columns(_("Idé"), _("Gange"), _("Borgere"), _("Typisk klip"), _("Senest"))
        self.query_one("#catalogue-status", Static).update(_("Henter kataloget …"))

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_read(lambda: (list_offers(), own_ideas()), group="catalogue", on_done=self.show,
                      status="#catalogue-status", description=_("Henter katalog"))

    def show(self, lists) -> None:
        self.offers, self.ideas = lists
        table = self.query_one("#offers", DataTable)
        keep = self.select_after or self._current_offer_id()
        table.clear()
        for o in self.offers:
            table.add_row(o.name, CATEGORY_TITLES.get(o.category, o.category), str(o.suggested_clips),
                          _("ja") if o.active else _("nej"), str(o.uses), o.description, key=str(o.id))
        if keep is not None:
            for index, o in enumerate(self.offers):
                if o.id == keep:
                    table.move_cursor(row=index)
        self.select_after = None
        ideas = self.query_one("#ideas", DataTable)
        row = ideas.cursor_row
        ideas.clear()
        for i in self.ideas:
            ideas.add_row(i.activity, str(i.uses), str(i.citizens), str(i.typical_clips), fmt_date(i.last_used))
        if self.ideas:
            ideas.move_cursor(row=min(row, len(self.ideas) - 1))
        active = sum(1 for o in self.offers if o.active)
        self.query_one("#catalogue-status", Static).update(
            _("{active} aktive og {inactive} inaktive tilbud; {ideas} egne idéer. Enter redigerer, n tilføjer, t slår til/fra.").format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                active=active, inactive=len(self.offers) - active, ideas=len(self.ideas)))

    def _current_offer_id(self) -> int | None:
        table = self.query_one("#offers", DataTable)
        if not self.offers or table.row_count == 0:
            return None
        return self.offers[min(table.cursor_row, len(self.offers) - 1)].id

    def _current_offer(self):
        offer_id = self._current_offer_id()
        return next((o for o in self.offers if o.id == offer_id), None)

    def _current_idea(self):
        table = self.query_one("#ideas", DataTable)
        if not self.ideas or table.row_count == 0:
            return None
        return self.ideas[min(table.cursor_row, len(self.ideas) - 1)]

    def _after_form(self, item_id: int | None) -> None:
        if item_id is not None:
            self.select_after = item_id
            self.notify(_("Kataloget er gemt."))
            self.action_refresh()

    def action_new_offer(self) -> None:
        self.app.push_screen(OfferForm(), self._after_form)

    def action_open_row(self) -> None:
        if self.focused is self.query_one("#ideas", DataTable):
            self.action_promote()
            return
        offer = self._current_offer()
        if offer is not None:
            self.app.push_screen(OfferForm(offer), self._after_form)

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "ideas":
            self.action_promote()
        else:
            self.action_open_row()

    def action_toggle_active(self) -> None:
        offer = self._current_offer()
        if offer is not None:
            self.run_operation(set_offer_active, self.app.actor, offer.id, not offer.active, on_done=self._toggled,
                               description=_("Gemmer tilbud"))

    def _toggled(self, item) -> None:
        state = _("aktivt") if item.active else _("inaktivt (foreslås ikke længere)")
        self.notify(_("'{name}' er nu {state}.").format(name=item.name, state=state))
        self.select_after = item.id
        self.action_refresh()

    def action_promote(self) -> None:
        idea = self._current_idea()
        if idea is None:
            self.notify(_("Ingen egne idéer at gøre til tilbud."), severity="warning")
            return
        self.run_operation(promote_idea, self.app.actor, idea.activity, suggested_clips=idea.typical_clips,
                           on_done=self._promoted, description=_("Gemmer tilbud"))

    def _promoted(self, item) -> None:
        self.notify(_("'{name}' er nu et tilbud i kataloget (andet, {clips} klip). Enter på tilbuddet redigerer det.").format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            name=item.name, clips=item.suggested_clips))
        self.select_after = item.id
        self.action_refresh()
