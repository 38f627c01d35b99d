"""Screening (R1, R2) with the baseline outcomes (R12), and admission (R7) on save.

One scrollable form, usable at 80x24: the citizen (found by CPR or new), the
four criteria with the result shown live, provider, date, notes, whether the
citizen wants to take part, and the baseline (network, WHO-5, UCLA-3) with the
scores shown live. Ctrl+S saves: the screening, and for a citizen in the target
group who wants to take part the admission (first card number shown) or the
waitlist place, in one transaction.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static

from models.admission import districts, screen_and_admit
from models.base import DomainError, today
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.inputs import parse_date
from models.screening import CRITERIA, lookup_citizen, missing_criteria, split_address

from .base import CirkelScreen
from .forms import FieldMessage, FieldRow, Form
from .intake_widgets import UNANSWERED, CprValidator, InfoDialog, OutcomeFields, PastDateValidator, YesNo
from .printing import offer_print
from .widgets import ListOnDemand, MountedLater

CRITERION_TITLES = {
    "receives_home_help": _("Modtager hjemmehjælp"),
    "lives_alone": _("Bor alene"),
    "hard_to_get_out": _("Har svært ved at færdes alene uden for hjemmet"),
    "limited_network": _("Har et begrænset netværk"),
}
FORM_FIELDS = ("cpr", "name", "phone", "address", "district", "date", "provider", "notes")


class ScreeningScreen(Form, CirkelScreen):
    TITLE = _("Screening")
    # Straight to the CPR field: focusing the scrollable form first (Textual's default, the first
    # focusable widget) and then moving on restyles the whole form twice.
    AUTO_FOCUS = "#cpr"
    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="screening-save", tooltip=_("Gem screeningen (og optag borgeren).")),
        Binding("ctrl+n", "clear", _("Ryd"), id="screening-clear", tooltip=_("Tøm formularen til næste borger.")),
        # flows (issue #15): keys arriving in one burst (a paste, a fast typist over SSH) are forwarded by the
        # App to the field that has focus when it reads them; a priority Tab moves the focus at once, so the
        # keys typed after it land in the next field (as Enter does in the quick punch: screens/typeahead.py)
        Binding("tab", "move_focus(1)", _("Næste felt"), id="screening-next", priority=True, show=False),
        Binding("shift+tab", "move_focus(-1)", _("Forrige felt"), id="screening-previous", priority=True,
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.known = None  # the citizen found by CPR (models.screening.KnownCitizen)
        self.district_names: list[str] = []

    def compose(self) -> ComposeResult:
        own_district = self.app.actor.district_id
        # issue #17: the districts read while the form is built (shown once it is mounted: the runner)
        self.run_read(districts, on_done=lambda known: self._show_districts(known, own_district),
                      on_error=lambda _err: self._mount_baseline(),
                      description=_("Henter distrikter"))
        yield Header()
        with VerticalScroll(id="screening-form"):
            yield Static(_("Borger"), classes="section-title")
            yield FieldRow(_("CPR-nummer"), Input(placeholder=_("DDMMÅÅ-XXXX"), id="cpr", compact=True,
                                                  validators=[CprValidator()], max_length=11,
                                                  restrict=r"[0-9\- ]*",
                                                  validate_on=["changed", "blur", "submitted"]))
            yield FieldMessage(id="cpr-info")
            yield FieldRow(_("Navn"), Input(id="name", compact=True, max_length=100))
            yield FieldRow(_("Adresse"), Input(id="address", compact=True, max_length=100,
                                               placeholder=_("vej og nr., postnr. og by")))
            yield FieldRow(_("Telefon"), Input(id="phone", compact=True, max_length=20, restrict=r"[0-9 +\-]*"))
            yield FieldRow(_("Distrikt"), ListOnDemand([], prompt=_("Vælg distrikt"), id="district", compact=True))

            yield Static(_("Målgruppe — alle fire skal være opfyldt"), classes="section-title")
            for key, _label in CRITERIA:
                yield YesNo(CRITERION_TITLES[key], id=key, compact=True, classes="criterion")
            yield Static("", id="criteria-result")

            yield Static(_("Screening"), classes="section-title")
            yield FieldRow(_("Leverandør"), Input(id="provider", compact=True, max_length=100,
                                                  placeholder=_("hjemmeplejens leverandør")))
            yield FieldRow(_("Dato"), Input(id="date", compact=True, max_length=10, placeholder=_("dd-mm-åååå"),
                                            validators=[PastDateValidator()], validate_on=["changed", "blur"]))
            yield FieldRow(_("Noter"), Input(id="notes", compact=True, max_length=1000))
            yield YesNo(_("Borgeren vil gerne deltage"), id="wants", compact=True, classes="criterion")

            # below the fold: mounted once the districts are shown (its eight answer lists are half the form's
            # widgets; mounted at the first frame, as textual.lazy.Lazy does, they held up the districts' frame)
            yield MountedLater(OutcomeFields("baseline", _("Baseline"), id="baseline-fields"))
            with Horizontal(classes="form-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Ryd (Ctrl+N)"), id="clear", compact=True)
                yield Button(_("Luk (F4)"), id="close", compact=True)
        yield Static("", id="screening-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#date", Input).value = fmt_date(today())
        self.refresh_result()
        self.query_one("#cpr", Input).focus()

    def action_move_focus(self, step: int) -> None:
        """Tab / Shift+Tab, at once (a priority binding: see BINDINGS)."""
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def _show_districts(self, known, own_district) -> None:
        select = self.query_one("#district", Select)
        self.district_names = [name for _id, name in known]
        select.set_options([(name, name) for name in self.district_names])
        own = dict(known).get(own_district)
        if own:
            select.value = own
        self._mount_baseline()

    def _mount_baseline(self) -> None:
        """The form's lower half, after the frame that shows the districts (or after a failed read)."""
        for later in self.query(MountedLater):
            later.mount_now()

    def _baseline(self) -> OutcomeFields | None:
        """The baseline's fields; None for the moment before they are mounted (nothing typed in them yet)."""
        found = self.query(OutcomeFields)
        return found.first() if found else None

    # --- live result

    def _answers(self) -> dict:
        return {key: self.query_one(f"#{key}", Checkbox).value for key, _label in CRITERIA}

    def refresh_result(self) -> None:
        answers = self._answers()
        missing = missing_criteria(answers)
        result = self.query_one("#criteria-result", Static)
        if not missing:
            text = _("Resultat: i målgruppen")
        else:
            text = _("Resultat: ikke i målgruppen — mangler: {missing}").format(
                missing=", ".join(CRITERION_TITLES[k].lower() for k, _l in CRITERIA if not answers[k]))
        result.update(text)
        result.set_class(not missing, "eligible")
        baseline = self._baseline()
        outcome = baseline.summary() if baseline is not None else ""
        bar = self.query_one("#screening-result", Static)
        text = _("I målgruppen") if not missing else _("Ikke i målgruppen ({n} af 4 mangler)").format(
            n=len(missing))
        bar.update(text + (" · " + outcome if outcome else ""))
        bar.set_class(not missing, "eligible")

    @on(Checkbox.Changed)
    def _criterion_changed(self, event: Checkbox.Changed) -> None:
        self.refresh_result()

    @on(Select.Changed)
    def _answer_changed(self, event: Select.Changed) -> None:
        self.refresh_result()
        if event.select.id == "district":
            self.query_one("#district-message", FieldMessage).clear()

    # --- CPR: validated at the field, then looked up

    @on(Input.Changed, "#cpr")
    def _cpr_changed(self, event: Input.Changed) -> None:
        message = self.query_one("#cpr-message", FieldMessage)
        result = event.validation_result
        digits = event.value.replace("-", "").replace(" ", "")
        if result is not None and result.is_valid:
            message.clear()
            self.lookup(event.value)
        else:
            # while typing, speak up once ten digits are there (or a letter was typed)
            if result and len(digits) >= 10:
                message.show("; ".join(result.failure_descriptions), event.value)
            else:
                message.clear()
            if self.known is not None:
                self._forget_known()
            self.query_one("#cpr-info", Static).update("")

    @on(Input.Blurred, "#cpr")
    def _cpr_blurred(self, event: Input.Blurred) -> None:
        result = event.validation_result
        if event.value.strip() and result is not None and not result.is_valid:
            self.query_one("#cpr-message", FieldMessage).show("; ".join(result.failure_descriptions), event.value)

    @on(Input.Changed, "#date")
    def _date_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = self.query_one("#date-message", FieldMessage)
        if result is None or result.is_valid:
            message.clear()
        else:
            message.show("; ".join(result.failure_descriptions), event.value)

    @on(Input.Changed, "#baseline-network")
    def _network_changed(self, event: Input.Changed) -> None:
        self.refresh_result()

    def lookup(self, cpr_text: str) -> None:
        self.run_read(lookup_citizen, self.app.actor, cpr_text, on_done=lambda known: self._looked(cpr_text, known),
                      description=_("Slår CPR op"))

    def _looked(self, cpr_text: str, known) -> None:
        if cpr_text != self.query_one("#cpr", Input).value:
            return  # the field changed meanwhile
        info = self.query_one("#cpr-info", Static)
        if known is None:
            if self.known is not None:
                self._forget_known()
            info.update(_("Ny borger — udfyld navn, adresse og distrikt."))
            info.set_class(False, "warning")
            return
        self.known = known
        for field_id, value in self._known_values(known).items():
            field = self.query_one(f"#{field_id}", Input)
            if not field.value.strip():  # what was typed meanwhile (a burst) is kept
                field.value = value
        if known.district in self.district_names:
            self.query_one("#district", Select).value = known.district
        self.query_one("#receives_home_help", Checkbox).value = known.receives_home_help
        # flows (issue #15): a re-screening starts from the last screening's four answers
        if known.last_answers and not any(self._answers()[key] for key, _l in CRITERIA if key != "receives_home_help"):
            for key, value in known.last_answers.items():
                self.query_one(f"#{key}", Checkbox).value = value
        text = _("Kendt borger · {state}").format(state=known.state_label)
        if known.last_screened:
            text += " · " + _("sidst screenet {day}").format(day=fmt_date(known.last_screened))
        if not known.can_be_screened:
            text += " — " + _("er deltager; brug Revurdering (r / F8)")
        info.update(text)
        info.set_class(not known.can_be_screened, "warning")

    @staticmethod
    def _known_values(known) -> dict[str, str]:
        return {"name": known.name, "address": known.full_address, "phone": known.phone}

    def _forget_known(self) -> None:
        known, self.known = self.known, None
        filled = self._known_values(known) if known is not None else {}
        for field_id in ("name", "address", "phone"):
            field = self.query_one(f"#{field_id}", Input)
            if known is None or field.value == filled[field_id]:  # filled in by the lookup, not typed
                field.value = ""
        if known is not None and known.last_answers and self._answers() == known.last_answers:
            for key, _label in CRITERIA:
                self.query_one(f"#{key}", Checkbox).value = False

    def _address_values(self) -> dict[str, str]:
        """The one address field as the citizen's address, postcode and city (models.screening.split_address);
        a known citizen's address left as it was shown keeps its parts, and one typed without a postcode
        keeps the postcode and town on file."""
        text = self.query_one("#address", Input).value
        known = self.known
        if known is not None and text.strip() == known.full_address:
            return {"address": known.address, "postcode": known.postcode, "city": known.city}
        street, postcode, city = split_address(text)
        if not postcode and known is not None:
            return {"address": street}
        return {"address": street, "postcode": postcode, "city": city}

    # --- save

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "clear":
            self.action_clear()
        elif event.button.id == "close":
            self.app.action_goto("overblik")

    def show_error(self, message: str, field: str | None, *, focus: bool = True) -> bool:
        """At the field (the citizen's, the screening's or the baseline's), and said once more."""
        baseline = self._baseline()
        if field in FORM_FIELDS or baseline is None:
            super().show_error(message, field, focus=focus)
        else:
            baseline.show_error(message, field)
        self.notify(message, severity="error", title=_("Ikke gemt"))
        return True

    def action_save(self) -> None:
        cpr_input = self.query_one("#cpr", Input)
        check = cpr_input.validate(cpr_input.value)
        if check is not None and not check.is_valid:
            self.show_error("; ".join(check.failure_descriptions), "cpr")
            return
        try:
            day = parse_date(self.query_one("#date", Input).value, "date")
        except DomainError as err:
            self.show_error(err.message, err.field)
            return
        district = self.query_one("#district", Select).value
        baseline = self._baseline()
        values = {
            **self._answers(),
            **(baseline.values() if baseline is not None else UNANSWERED),
            "wants_to_take_part": self.query_one("#wants", Checkbox).value,
            "provider": self.query_one("#provider", Input).value,
            "notes": self.query_one("#notes", Input).value,
            "on": day,
            "name": self.query_one("#name", Input).value,
            **self._address_values(),
            "phone": self.query_one("#phone", Input).value,
            "district": None if district is Select.NULL else district,
        }
        if self.known is not None:
            values["citizen"] = self.known.id
        else:
            values["cpr"] = cpr_input.value
        self.run_operation(screen_and_admit, self.app.actor, **values, on_done=self._saved,
                           description=_("Gemmer screening"))

    def _saved(self, saved) -> None:
        result, admission = saved
        lines = []
        if result.eligible:
            lines.append(_("{name} er i målgruppen.").format(name=result.citizen.name))
        else:
            lines.append(_("{name} er ikke i målgruppen (mangler: {missing}).").format(
                name=result.citizen.name, missing=", ".join(result.missing)))
        if admission is not None:
            lines.append(admission.message)
        elif result.eligible:
            lines.append(_("Borgeren vil ikke deltage nu; screeningen er gemt."))
        for flag in result.flags:
            lines.append("⚑ " + flag)
        card = admission.card if admission is not None else None
        self.app.push_screen(InfoDialog(_("Screening gemt"), "\n".join(lines)),
                             lambda _r: (self.action_clear(), offer_print(self.app, card)))  # issue 16: print it

    def action_clear(self) -> None:
        self.known = None
        for field_id in ("cpr", "name", "address", "phone", "provider", "notes"):
            self.query_one(f"#{field_id}", Input).value = ""
        for key, _label in CRITERIA:
            self.query_one(f"#{key}", Checkbox).value = False
        self.query_one("#wants", Checkbox).value = False
        self.query_one("#date", Input).value = fmt_date(today())
        baseline = self._baseline()
        if baseline is not None:
            baseline.set_values()
        self.clear_errors()
        self.query_one("#cpr-info", FieldMessage).update("")
        self.refresh_result()
        self.query_one("#screening-form", VerticalScroll).scroll_home(animate=False)
        self.query_one("#cpr", Input).focus()
